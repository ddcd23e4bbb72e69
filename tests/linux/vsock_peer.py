#!/usr/bin/env python3
"""The host side of the Linux guest's vsock check (tests/linux/init.sh,
vsock-echo): Firecracker's hybrid vsock as its clients use it.

usage: vsock_peer.py UDS COM1 NONCE [GUEST_PORT HOST_PORT]

- An echo service on UDS_HOST_PORT takes the guest's connection and echoes
  it until the guest closes; it must receive "guest NONCE".
- Once COM1 (the guest's serial log) shows "VMMTEST vsock listening
  GUEST_PORT", it connects to UDS, writes "CONNECT GUEST_PORT\\n", expects
  "OK N\\n", sends "host NONCE\\n", closes its write side and expects the
  same bytes back.

Prints one "ok"/"FAIL" line per check and exits 0 when all pass, 1
otherwise. Every wait is a hang guard (DEADLINE s), since guest code may
be emulated; the script that starts it stops it with the VM.
"""
import os, socket, sys, threading, time

DEADLINE = 600
uds, com1, nonce = sys.argv[1:4]
gport, hport = (sys.argv[4:6] + ["5000", "5001"][len(sys.argv[4:6]):])
fail = []
got = []

svc = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
svc.bind("%s_%s" % (uds, hport))
svc.listen(1)
svc.settimeout(DEADLINE)


def echo():
    try:
        c, _ = svc.accept()
        c.settimeout(DEADLINE)
        while True:
            b = c.recv(4096)
            if not b:
                break
            got.append(b)
            c.sendall(b)
        c.close()
    except OSError as e:
        fail.append("echo service: %s" % e)


def wait_listening():
    want = ("VMMTEST vsock listening %s" % gport).encode()
    end = time.time() + DEADLINE
    while time.time() < end:
        try:
            with open(com1, "rb") as f:
                if want in f.read():
                    return True
        except OSError:
            pass
        time.sleep(0.2)
    return False


def read_line(s):
    line = b""
    while not line.endswith(b"\n") and len(line) < 64:
        b = s.recv(1)
        if not b:
            break
        line += b
    return line


def host_to_guest():
    if not wait_listening():
        fail.append("the guest never said it listens on port %s" % gport)
        return
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(DEADLINE)
    try:
        s.connect(uds)
        s.sendall(b"CONNECT %s\n" % gport.encode())
        ok = read_line(s)
        if not (ok.startswith(b"OK ") and ok[3:-1].isdigit()):
            fail.append("CONNECT %s: the answer is %r" % (gport, ok))
            return
        print("ok     host: CONNECT %s answered %s" % (gport, ok.decode().strip()))
        msg = ("host %s\n" % nonce).encode()
        s.sendall(msg)
        s.shutdown(socket.SHUT_WR)
        back = b""
        while True:
            b = s.recv(4096)
            if not b:
                break
            back += b
        if back != msg:
            fail.append("the guest echoed %r, expected %r" % (back, msg))
        else:
            print("ok     host: the guest echoed the host's %d bytes" % len(msg))
    except OSError as e:
        fail.append("host connection: %s" % e)
    finally:
        s.close()


t = threading.Thread(target=echo, daemon=True)
t.start()
host_to_guest()
t.join(DEADLINE)
want = ("guest %s" % nonce).encode()
if b"".join(got) != want:
    fail.append("the echo service got %r, expected %r" % (b"".join(got), want))
else:
    print("ok     host: the echo service got the guest's %d bytes" % len(want))
for f in fail:
    print("FAIL   host: %s" % f)
sys.exit(1 if fail else 0)
