#!/usr/bin/env python3
"""linux.snapshot: a Linux guest snapshotted in userspace resumes in a new
process, writes to its disk and powers off (docs/snapshot.md).

The minimal kernel boots through --api-sock with a disk to its busybox
/init, which runs its disk check and waits for a line on the console
(vmmtest.wait=input). The script pauses the VM, takes a snapshot, and
kills that vmm. `vmm --restore` then resumes it in a new process with the
same disk, COM1 on its stdin and stdout; the script sends a line, and
the guest writes "VMMTEST after LINE NONCE" to sector 10 of its disk and
powers off: vmm status 0, the sector in the image.

usage: snapshot_test.py VMM
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
nonce = "snap%d" % os.getpid()
cmdline = ("console=ttyS0 %s vmmtest=run vmmtest.checks=disk "
           "vmmtest.nonce=%s vmmtest.wait=input" % (lib("lx_fast_params"),
                                                    nonce))
if kind == "emulated":
    cmdline += " " + lib("lx_emulated_params")

fails = []
work = tempfile.mkdtemp(prefix="vmmsnap.")
disk = os.path.join(work, "disk.img")
lib('lx_make_disk "$1" 64', disk)
sock, com1 = os.path.join(work, "api.sock"), os.path.join(work, "com1")
state, mem = os.path.join(work, "state"), os.path.join(work, "mem")
log = open(os.path.join(work, "vmm.log"), "w+")
p = subprocess.Popen([vmm, "--api-sock", sock, "--serial", "file:" + com1,
                      "--log", "info"], stdin=subprocess.DEVNULL,
                     stdout=log, stderr=log)


guest = Com1(com1, p)


t0 = time.time()
out = ""
try:
    c = FcClient(sock).connect()
    for method, path, body in [
            ("PUT", "/machine-config", {"vcpu_count": 1,
                                        "mem_size_mib": 256}),
            ("PUT", "/boot-source", {"kernel_image_path": kdir + "/vmlinux",
                                     "initrd_path": initrd,
                                     "boot_args": cmdline}),
            ("PUT", "/drives/data", {"drive_id": "data",
                                     "path_on_host": disk,
                                     "is_root_device": False}),
            ("PUT", "/actions", {"action_type": "InstanceStart"})]:
        st, b = c.request(method, path, body)
        if st != 204:
            fails.append("%s %s: %s %s" % (method, path, st, b))
    if not fails and not guest.wait_for("VMMTEST waiting for a line", 900):
        fails.append("/init never waited for its line")
    if not fails:
        print("  ok     /init waits in userspace (%.0f s)" %
              (time.time() - t0))
        for method, path, body in [
                ("PATCH", "/vm", {"state": "Paused"}),
                ("PUT", "/snapshot/create", {"snapshot_path": state,
                                             "mem_file_path": mem})]:
            st, b = c.request(method, path, body)
            if st != 204:
                fails.append("%s %s: %s %s" % (method, path, st, b))
    c.close()
finally:
    if p.poll() is None:
        p.kill()
        p.wait()
if not fails:
    print("  ok     snapshot taken (%d KiB of state, %d MiB of RAM)" %
          (os.path.getsize(state) // 1024, os.path.getsize(mem) >> 20))
    t1 = time.time()
    r = subprocess.Popen([vmm, "--restore", "%s,mem=%s" % (state, mem),
                          "--disk", disk],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT)
    try:
        out, _ = r.communicate(b"go\n", timeout=600)
        out = out.decode(errors="replace")
    except subprocess.TimeoutExpired:
        r.kill()
        out = r.communicate()[0].decode(errors="replace")
        fails.append("the restored guest did not end within 600 s")
    if "VMMTEST resumed go sector 10 written" in out:
        print("  ok     the restored guest read its line and wrote its "
              "disk (%.1f s after the restore began)" % (time.time() - t1))
    else:
        fails.append("no 'VMMTEST resumed go sector 10 written' from the "
                     "restored guest")
    if "VMMTEST end poweroff" not in out:
        fails.append("the restored guest did not power off")
    if r.returncode != 0:
        fails.append("the restored vmm exited %s, expected 0 (poweroff)" %
                     r.returncode)
    with open(disk, "rb") as f:
        f.seek(10 * 512)
        want = ("VMMTEST after go %s" % nonce).encode()
        if f.read(512).startswith(want):
            print("  ok     sector 10 of the image holds what the restored "
                  "guest wrote")
        else:
            fails.append("sector 10 of the image lacks %r" % want)
if fails:
    log.seek(0)
    print("--- COM1 ---\n" + guest.text()[-3000:] + "\n--- restored ---\n" +
          out[-3000:] + "\n--- vmm ---\n" + log.read()[-2000:])
    for f in fails:
        print("FAIL: " + f)
    sys.exit(1)
subprocess.run(["rm", "-rf", work])
print("PASS: Linux snapshotted in userspace resumed, wrote its disk and "
      "powered off (%.0f s in all)" % (time.time() - t0))
