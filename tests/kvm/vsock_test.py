#!/usr/bin/env python3
"""virtio-vsock end to end with the test guest (tests/guest/vvsock.h), as
Firecracker's hybrid vsock clients use it: an echo service listens on
UDS_1234 for the guest's connection; then the host connects to UDS,
writes "CONNECT 52", reads "OK PORT", sends a line and reads the guest's
echo. vmm runs with its default sandbox (so the dialer and the device's
calls are under their filters). The guest must pass, vmm exit 0.

With --roundtrip the run is recorded (--record) and then replayed with
--accel replay, which must match the recording (exit 0) and give the
same COM1 output, byte for byte: the vsock's host streams are in the
trace.

usage: vsock_test.py VMM KERNEL WORKDIR [--roundtrip] [vmm options...]
"""
import os, socket, subprocess, sys, tempfile, threading, time

here = os.path.dirname(os.path.abspath(__file__))
kind = subprocess.run([os.path.join(here, "hostkind.sh")],
                      capture_output=True, text=True).stdout.strip()
if kind == "none":
    print("SKIPPED: /dev/kvm is missing or not accessible")
    sys.exit(77)

vmm, kernel, workdir = sys.argv[1:4]
extra = sys.argv[4:]
roundtrip = extra[:1] == ["--roundtrip"]
if roundtrip:
    extra = extra[1:]
os.makedirs(workdir, exist_ok=True)
tmp = tempfile.mkdtemp(dir=workdir, prefix="vsock.")
uds = os.path.join(tmp, "v.sock")
trace = os.path.join(tmp, "run.trace")
com1 = os.path.join(tmp, "rec.com1")
if roundtrip:
    extra += ["--record", trace, "--serial", "file:" + com1]
DEADLINE = 240  # a hang guard only: the guest is done in seconds
fail = []

# The guest's connection: echo until it closes.
svc = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
svc.bind(uds + "_1234")
svc.listen(1)
svc.settimeout(DEADLINE)
echoed = []


def echo():
    try:
        c, _ = svc.accept()
        c.settimeout(DEADLINE)
        while True:
            b = c.recv(4096)
            if not b:
                break
            echoed.append(b)
            c.sendall(b)
        c.close()
    except OSError as e:
        fail.append("echo service: %s" % e)


t = threading.Thread(target=echo, daemon=True)
t.start()
proc = subprocess.Popen([vmm, "--accel", "kvm", "--kernel", kernel,
                         "--vsock", "cid=7,uds=" + uds] + extra,
                        stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def host_connect():
    """Connect until the guest's driver is up and accepts: the socket
    after "OK PORT", or None at the deadline."""
    end = time.time() + DEADLINE
    while time.time() < end and proc.poll() is None:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.settimeout(5)
            s.connect(uds)
            s.sendall(b"CONNECT 52\n")
            line = b""
            while not line.endswith(b"\n"):
                b = s.recv(1)
                if not b:
                    break
                line += b
            if line.startswith(b"OK ") and line[3:-1].isdigit():
                return s, line
        except OSError:
            pass
        s.close()
        time.sleep(0.2)
    return None, b""


s, ok = host_connect()
reply = b""
if s is None:
    fail.append("the host could not connect to guest port 52")
else:
    msg = b"hello guest, from the host\n"
    s.settimeout(DEADLINE)
    s.sendall(msg)
    try:
        while len(reply) < len(msg):
            b = s.recv(4096)
            if not b:
                break
            reply += b
    except OSError as e:
        fail.append("reading the guest's echo: %s" % e)
    if reply != msg:
        fail.append("the guest echoed %r, expected %r" % (reply, msg))
    s.close()
try:
    out, err = proc.communicate(timeout=DEADLINE)
except subprocess.TimeoutExpired:
    proc.kill()
    out, err = proc.communicate()
    fail.append("vmm did not exit")
out = out.decode(errors="replace")
err = err.decode(errors="replace")
if roundtrip and os.path.exists(com1):
    with open(com1, errors="replace") as f:
        out += f.read()
sys.stdout.write(out)
sys.stdout.write(err)
for want in ("testguest: virtio-vsock: cid 7",
             "testguest: virtio-vsock: guest connect ok",
             "testguest: virtio-vsock: host connect ok",
             "testguest: virtio-vsock: ok", "testguest: PASS"):
    if want not in out:
        fail.append("no %r in the guest's output" % want)
if b"".join(echoed) != b"hello host, from the guest\n":
    fail.append("the echo service got %r" % b"".join(echoed))
if proc.returncode != 0:
    fail.append("vmm exit status %s, expected 0" % proc.returncode)
if ok:
    print("host got: %s" % ok.decode().strip())
if roundtrip and not fail:
    rcom1 = os.path.join(tmp, "replay.com1")
    r = subprocess.run([vmm, "--accel", "replay", "--trace", trace,
                        "--serial", "file:" + rcom1, "--log", "info"],
                       capture_output=True, text=True, timeout=DEADLINE)
    sys.stdout.write(r.stdout + r.stderr)
    if r.returncode != 0:
        fail.append("the replay exited %d, expected 0 (it matched)"
                    % r.returncode)
    with open(com1, "rb") as a, open(rcom1, "rb") as b:
        if a.read() != b.read():
            fail.append("the replay's COM1 output differs from the "
                        "recording's")
for f in fail:
    print("FAIL: %s" % f)
subprocess.run(["rm", "-rf", tmp])
sys.exit(1 if fail else 0)
