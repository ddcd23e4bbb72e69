#!/usr/bin/env python3
"""linux.ctrl_alt_del: the API's SendCtrlAltDel reaches a real Linux
guest through vmm's i8042 keyboard. The minimal kernel (with atkbd and the
VT keymap) boots through --api-sock to its busybox /init, which waits
(vmmtest.wait=cad); the script sends SendCtrlAltDel and the kernel
reboots (init leaves C_A_D on), so vmm exits with status 3.

usage: cad_test.py VMM
Exit: 0 pass, 1 fail, 77 skipped (no /dev/kvm, images cannot be built).
Every wait is a hang guard (guest code may be emulated).
"""
import os, subprocess, sys, tempfile, time

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "api"))
from fc_client import FcClient  # noqa: E402
from lx_api import Com1, host_kind, image, lib  # noqa: E402

vmm = sys.argv[1]
kind = host_kind()

kdir = image("build-kernel.sh")
initrd = image("build-initramfs.sh", "minimal")
# The keyboard must be probed, and found in the DSDT (PNP0303: its IRQ on
# a hardware-reduced platform): no i8042.nokbd, no i8042.nopnp.
params = " ".join(w for w in lib("lx_fast_params").split()
                  if w not in ("i8042.nokbd", "i8042.nopnp"))
cmdline = ("console=ttyS0 %s vmmtest=run vmmtest.checks=cpus "
           "vmmtest.wait=cad" % params)
if kind == "emulated":
    cmdline += " " + lib("lx_emulated_params")

fails = []
work = tempfile.mkdtemp(prefix="vmmcad.")
sock, com1 = os.path.join(work, "api.sock"), os.path.join(work, "com1")
log = open(os.path.join(work, "vmm.log"), "w+")
p = subprocess.Popen([vmm, "--api-sock", sock, "--serial", "file:" + com1,
                      "--log", "info"], stdin=subprocess.DEVNULL,
                     stdout=log, stderr=log)


guest = Com1(com1, p)


status = None
t0 = time.time()
try:
    c = FcClient(sock).connect()
    for path, body in [
            ("/machine-config", {"vcpu_count": 1, "mem_size_mib": 256}),
            ("/boot-source", {"kernel_image_path": kdir + "/vmlinux",
                              "initrd_path": initrd, "boot_args": cmdline}),
            ("/actions", {"action_type": "InstanceStart"})]:
        st, b = c.request("PUT", path, body)
        if st != 204:
            fails.append("PUT %s: %s %s" % (path, st, b))
    if not fails and not guest.wait_for("VMMTEST waiting for ctrl-alt-del",
                                        900):
        fails.append("/init never waited for ctrl-alt-del")
    if not fails:
        print("  ok     /init waits (%.0f s)" % (time.time() - t0))
        st, b = c.request("PUT", "/actions",
                          {"action_type": "SendCtrlAltDel"})
        if st != 204:
            fails.append("SendCtrlAltDel: %s %s" % (st, b))
    c.close()
    if not fails:
        try:
            status = p.wait(timeout=300)
        except subprocess.TimeoutExpired:
            fails.append("the guest did not reboot within 300 s of "
                         "SendCtrlAltDel")
finally:
    if p.poll() is None:
        p.kill()
        p.wait()
out = guest.text()
for what, text in [("the i8042's keyboard port", "serio: i8042 KBD port"),
                   ("atkbd bound (translated)",
                    "input: AT Translated Set 2 keyboard"),
                   ("the kernel reboots", "reboot: Restarting system")]:
    if text in out:
        print("  ok     %s" % what)
    else:
        fails.append("no %r on COM1" % text)
if not fails and status != 3:
    fails.append("vmm status %s, expected 3 (the guest reset)" % status)
if fails:
    log.seek(0)
    print("--- COM1 ---\n" + out[-4000:] + "\n--- vmm ---\n" + log.read())
    for f in fails:
        print("FAIL: " + f)
    sys.exit(1)
subprocess.run(["rm", "-rf", work])
print("PASS: SendCtrlAltDel rebooted Linux (vmm status 3) after %.0f s"
      % (time.time() - t0))
