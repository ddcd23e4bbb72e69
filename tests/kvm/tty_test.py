#!/usr/bin/env python3
"""Console on a terminal: run vmm on a pty with a spinning guest.

Checks that the terminal is put in raw mode (Ctrl-C goes to the guest and
does not stop vmm), that Ctrl-A x quits with status 0, and that the
terminal settings are restored afterwards.
usage: tty_test.py VMM KERNEL
"""
import os, pty, select, subprocess, sys, termios, time

here = os.path.dirname(os.path.abspath(__file__))
kind = subprocess.run([os.path.join(here, "hostkind.sh")],
                      capture_output=True, text=True).stdout.strip()
if kind == "none":
    print("SKIPPED: /dev/kvm is missing or not accessible")
    sys.exit(77)

vmm, kernel = sys.argv[1], sys.argv[2]
master, slave = pty.openpty()
before = termios.tcgetattr(slave)
proc = subprocess.Popen([vmm, "--accel", "kvm", "--kernel", kernel,
                         "--cmdline", "tg.spin"],
                        stdin=slave, stdout=slave, stderr=slave,
                        close_fds=True)
os.close(slave)
out = b""

def read_until(text, secs):
    global out
    end = time.time() + secs
    while text not in out and time.time() < end:
        r, _, _ = select.select([master], [], [], 0.2)
        if r:
            try:
                out += os.read(master, 4096)
            except OSError:
                break
    return text in out

fail = []
if not read_until(b"testguest: spinning", 60):
    fail.append("guest never reported spinning")
raw = termios.tcgetattr(master)
if raw[3] & (termios.ICANON | termios.ECHO | termios.ISIG):
    fail.append("terminal not in raw mode while vmm runs")
os.write(master, b"\x03")  # Ctrl-C: raw mode sends it to the guest
time.sleep(1)
if proc.poll() is not None:
    fail.append("Ctrl-C stopped vmm (status %s)" % proc.returncode)
os.write(master, b"\x01x")  # Ctrl-A x
try:
    rc = proc.wait(timeout=15)
except subprocess.TimeoutExpired:
    proc.kill()
    rc = None
    fail.append("Ctrl-A x did not stop vmm")
if rc not in (None, 0):
    fail.append("exit status %s after Ctrl-A x, expected 0" % rc)
after = termios.tcgetattr(master)
if after[3] != before[3] or after[0] != before[0]:
    fail.append("terminal settings not restored")
print("host kind:", kind)
print("--- vmm output ---")
print(out.decode(errors="replace"))
for f in fail:
    print("FAIL:", f)
sys.exit(1 if fail else 0)
