#!/usr/bin/env python3
"""kvm.snapshot: snapshot and restore (docs/snapshot.md) with the test
guest's checksum mode (tg.checksum, tests/guest/csum.h), which prints a
running checksum over guest RAM after each step.

- A reference run, uninterrupted, on the command line.
- The same guest booted through the API, paused at step PAUSE_AT, saved
  with PUT /snapshot/create (the API's refusals on the way: not paused, a
  Diff snapshot, an existing file), and killed.
- The same with a disk and rng in use (tg.blkcsum), snapshotted four
  times in one run and each restored with the disk as it was then.
- Restored in new processes: with --restore on the command line; with
  PUT /snapshot/load (resume_vm true; and false: it waits Paused until
  PATCH /vm Resumed); and CLONES restores of the same snapshot at once.
  Each continues exactly where the snapshot stopped: COM1 before the
  snapshot + COM1 after it is the reference's, byte for byte, ending
  with the same checksum and PASS, status 0.
- Bad snapshots are refused in one line, status 1, naming what is wrong:
  truncated, corrupted (CRC), another format version, another CPU vendor,
  not a state file, a memory file of the wrong size, a device set that
  does not match.

usage: snapshot_test.py VMM TESTGUEST WORKDIR
"""
import hashlib, os, shutil, struct, subprocess, sys, tempfile, time, zlib

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
from fc_client import FcClient  # noqa: E402

kind = subprocess.run([os.path.join(here, "..", "kvm", "hostkind.sh")],
                      capture_output=True, text=True).stdout.strip()
if kind == "none":
    print("SKIPPED: /dev/kvm is missing or not accessible")
    sys.exit(77)

vmm, guest, workdir = sys.argv[1:4]
os.makedirs(workdir, exist_ok=True)
tmp = tempfile.mkdtemp(dir=workdir, prefix="snapshot.")
STEPS, PAUSE_AT, CLONES = 24, 8, 10
ARGS = "console=ttyS0 tg.checksum=%d" % STEPS
DEADLINE = 300  # hang guard only: each run takes seconds
fail = []


def check(cond, what):
    print(("ok     " if cond else "FAIL   ") + what)
    if not cond:
        fail.append(what)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def run(args, what):
    r = subprocess.run([vmm] + args, capture_output=True, text=True,
                       timeout=DEADLINE)
    return r.returncode, r.stderr


# The reference: the whole run, never paused.
ref_path = os.path.join(tmp, "ref.com1")
rc, err = run(["--kernel", guest, "--cmdline", ARGS, "--serial",
               "file:" + ref_path], "reference")
ref = read(ref_path)
check(rc == 0 and b"testguest: PASS" in ref, "reference run: PASS, status 0")
done = [ln for ln in ref.splitlines() if b"checksum: done" in ln]
check(len(done) == 1, "reference run: one final checksum line")

# Boot through the API, pause mid-run, snapshot.
sock = os.path.join(tmp, "api.sock")
com1 = os.path.join(tmp, "snap.com1")
state, mem = os.path.join(tmp, "state"), os.path.join(tmp, "mem")
p = subprocess.Popen([vmm, "--api-sock", sock, "--serial", "file:" + com1],
                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                     stderr=subprocess.PIPE)
c = FcClient(sock).connect()
st, _ = c.put("/machine-config", {"vcpu_count": 1, "mem_size_mib": 128})
st2, _ = c.put("/boot-source", {"kernel_image_path": guest,
                                "boot_args": ARGS})
st3, _ = c.put("/actions", {"action_type": "InstanceStart"})
check((st, st2, st3) == (204, 204, 204), "API boot: 204 204 204")
marker = b"step %d of %d" % (PAUSE_AT, STEPS)
end = time.time() + DEADLINE
while time.time() < end and marker not in read(com1) and p.poll() is None:
    time.sleep(0.05)
check(marker in read(com1), "the guest reached step %d" % PAUSE_AT)
body = {"snapshot_path": state, "mem_file_path": mem}
st, b = c.put("/snapshot/create", body)
check(st == 400 and "must be paused" in b["fault_message"],
      "snapshot/create while running: 400, must be paused")
st, _ = c.patch("/vm", {"state": "Paused"})
check(st == 204, "PATCH /vm Paused: 204")
st, b = c.put("/snapshot/create", dict(body, snapshot_type="Diff"))
check(st == 400 and "snapshot_type" in b["fault_message"],
      "snapshot/create Diff: 400 naming snapshot_type")
t0 = time.monotonic()
st, b = c.put("/snapshot/create", body)
took = time.monotonic() - t0
check(st == 204, "snapshot/create: 204 (%.0f ms)" % (took * 1000))
st, b = c.put("/snapshot/create", body)
check(st == 400 and "File exists" in b["fault_message"] and
      "never overwrites" in b["fault_message"],
      "snapshot/create onto existing files: 400, File exists")
check(os.path.getsize(mem) == 128 << 20,
      "the memory file is the guest's 128 MiB")
check(os.stat(mem).st_blocks * 512 < 32 << 20,
      "the memory file is sparse (%d KiB on disk)" %
      (os.stat(mem).st_blocks // 2))
st, b = c.get("/")
check(st == 200 and b["state"] == "Paused", "GET /: Paused")
c.close()
p.kill()
p.wait()
before = read(com1)
check(ref.startswith(before), "COM1 before the snapshot: the reference's start")
mem_hash = hashlib.sha256(read(mem)).hexdigest()


def continues(path, what):
    after = read(path)
    check(before + after == ref,
          "%s: COM1 continues exactly where the snapshot stopped "
          "(%d + %d bytes = the reference's %d)" %
          (what, len(before), len(after), len(ref)))


# --restore on the command line.
out = os.path.join(tmp, "cli.com1")
t0 = time.monotonic()
rc, err = run(["--restore", "%s,mem=%s" % (state, mem), "--serial",
               "file:" + out], "restore")
check(rc == 0, "--restore: status 0 (PASS) in %.1f s%s" %
      (time.monotonic() - t0, "" if rc == 0 else ": " + err))
continues(out, "--restore")

# PUT /snapshot/load in a fresh vmm, resumed at once, and paused.
for resume in (True, False):
    what = "snapshot/load resume_vm %s" % resume
    sock2 = os.path.join(tmp, "load%d.sock" % resume)
    out = os.path.join(tmp, "load%d.com1" % resume)
    p = subprocess.Popen([vmm, "--api-sock", sock2, "--serial",
                          "file:" + out], stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    c = FcClient(sock2).connect()
    st, b = c.put("/snapshot/load", {
        "snapshot_path": state, "resume_vm": resume,
        "mem_backend": {"backend_type": "File", "backend_path": mem}})
    check(st == 204, "%s: 204 %s" % (what, b or ""))
    st, b = c.get("/")
    want = "Running" if resume else "Paused"
    check(st == 200 and b["state"] == want, "%s: GET / says %s" % (what, want))
    if not resume:
        time.sleep(0.5)
        check(read(out) == b"", "%s: nothing runs while paused" % what)
        st, _ = c.patch("/vm", {"state": "Resumed"})
        check(st == 204, "%s: PATCH /vm Resumed: 204" % what)
    c.close()
    try:
        rc = p.wait(timeout=DEADLINE)
    except subprocess.TimeoutExpired:
        p.kill()
        rc = p.wait()
    check(rc == 0, "%s: status 0" % what)
    continues(out, what)

# Clones: the same snapshot restored CLONES times at once.
procs = []
for i in range(CLONES):
    out = os.path.join(tmp, "clone%d.com1" % i)
    procs.append((out, subprocess.Popen(
        [vmm, "--restore", "%s,mem=%s" % (state, mem), "--serial",
         "file:" + out], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)))
ok = 0
for out, q in procs:
    try:
        rc = q.wait(timeout=DEADLINE)
    except subprocess.TimeoutExpired:
        q.kill()
        rc = q.wait()
    ok += rc == 0 and before + read(out) == ref
check(ok == CLONES, "%d restores at once: %d of %d continued exactly" %
      (CLONES, ok, CLONES))
check(hashlib.sha256(read(mem)).hexdigest() == mem_hash,
      "the memory file is unchanged by the restored guests' writes "
      "(MAP_PRIVATE)")


# With a disk and rng in use: every step of tg.blkcsum writes and reads
# back 4 KiB and draws entropy, so snapshots catch requests at any point
# (a notification the I/O thread had not served is made again by the
# restore). Several snapshots of one run, each restored with a copy of
# the disk as it was then, each continuing exactly.
IO_ARGS = "console=ttyS0 tg.blkcsum=%d" % (STEPS + 6)
io_disk = os.path.join(tmp, "io.img")
with open(io_disk, "wb") as f:
    f.truncate(1 << 20)
shutil.copyfile(io_disk, io_disk + ".ref")
io_ref_path = os.path.join(tmp, "ioref.com1")
rc, err = run(["--kernel", guest, "--acpi", "off", "--rng", "--disk",
               io_disk + ".ref,id=d0", "--cmdline", IO_ARGS, "--serial",
               "file:" + io_ref_path], "I/O reference")
io_ref = read(io_ref_path)
check(rc == 0 and b"testguest: PASS" in io_ref,
      "with a disk and rng: the reference run passes")
sock3 = os.path.join(tmp, "io.sock")
io_com1 = os.path.join(tmp, "io.com1")
p = subprocess.Popen([vmm, "--api-sock", sock3, "--acpi", "off", "--serial",
                      "file:" + io_com1], stdin=subprocess.DEVNULL,
                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
c = FcClient(sock3).connect()
c.put("/machine-config", {"vcpu_count": 1, "mem_size_mib": 128})
c.put("/boot-source", {"kernel_image_path": guest, "boot_args": IO_ARGS})
c.put("/drives/d0", {"drive_id": "d0", "path_on_host": io_disk,
                     "is_root_device": False})
c.put("/entropy", {})
st, _ = c.put("/actions", {"action_type": "InstanceStart"})
end = time.time() + DEADLINE
while (time.time() < end and b"checksum: step 2 " not in read(io_com1)
       and p.poll() is None):
    time.sleep(0.02)
snaps = []
for k in range(4):
    time.sleep(0.15 + 0.37 * k)
    if c.patch("/vm", {"state": "Paused"})[0] != 204:
        break
    paths = [os.path.join(tmp, "io%d.%s" % (k, x))
             for x in ("state", "mem", "img")]
    st, b = c.put("/snapshot/create", {"snapshot_path": paths[0],
                                       "mem_file_path": paths[1]})
    shutil.copyfile(io_disk, paths[2])  # the disk as it is now
    snaps.append((paths, read(io_com1), st))
    c.patch("/vm", {"state": "Resumed"})
c.close()
try:
    p.wait(timeout=DEADLINE)
except subprocess.TimeoutExpired:
    p.kill()
    p.wait()
check(len(snaps) == 4 and all(x[2] == 204 for x in snaps),
      "with a disk and rng: 4 snapshots of one run")
good = 0
for (st_path, mem_path, img), io_before, _ in snaps:
    out = st_path + ".com1"
    rc, err = run(["--restore", "%s,mem=%s" % (st_path, mem_path),
                   "--disk", img, "--serial", "file:" + out], "I/O restore")
    good += rc == 0 and io_before + read(out) == io_ref
check(good == len(snaps) == 4,
      "with a disk and rng: %d of 4 restores continued exactly" % good)

# Refusals: one line, status 1.
def bad(args, words, what):
    rc, err = run(args, what)
    lines = [ln for ln in err.splitlines() if ln.startswith("vmm:")]
    check(rc == 1 and len(lines) == 1 and all(w in lines[0] for w in words),
          "%s: status 1 and one line naming it (%s)" %
          (what, lines[0] if lines else err.strip()[:120]))


def edited(name, data):
    path = os.path.join(tmp, name)
    with open(path, "wb") as f:
        f.write(data)
    return path


good = read(state)
rs = ["--serial", "none", "--restore"]
bad(rs + ["%s,mem=%s" % (edited("trunc", good[:-100]), mem)],
    ["snapshot", "truncated"], "a truncated state file")
flip = bytearray(good)
flip[len(flip) // 2] ^= 0x40
bad(rs + ["%s,mem=%s" % (edited("flip", bytes(flip)), mem)],
    ["corrupted", "CRC"], "a corrupted state file")
ver = bytearray(good)
ver[8] = 9
bad(rs + ["%s,mem=%s" % (edited("ver", bytes(ver)), mem)],
    ["version 9", "not supported"], "another format version")
# Another CPU vendor, the CRC made right again: refused by name.
other = bytearray(good)
at = good.index(b"GenuineIntel") if b"GenuineIntel" in good else \
    good.index(b"AuthenticAMD")
host = bytes(other[at:at + 12])
other[at:at + 12] = b"AuthenticAMD" if host == b"GenuineIntel" \
    else b"GenuineIntel"
other[24:28] = struct.pack("<I", zlib.crc32(bytes(other[32:])))
bad(rs + ["%s,mem=%s" % (edited("vendor", bytes(other)), mem)],
    ["taken on a", "this host's is " + host.decode()],
    "a snapshot from another CPU vendor")
bad(rs + ["%s,mem=%s" % (edited("notsnap", b"hello" * 20), mem)],
    ["not a vmm snapshot"], "not a state file")
short = os.path.join(tmp, "short.mem")
shutil.copyfile(mem, short)
os.truncate(short, 64 << 20)
bad(rs + ["%s,mem=%s" % (state, short)],
    ["memory file", "67108864 bytes", "134217728"],
    "a memory file of the wrong size")
disk = os.path.join(tmp, "disk.img")
with open(disk, "wb") as f:
    f.truncate(1 << 20)
bad(rs + ["%s,mem=%s" % (state, mem), "--disk", disk],
    ["has 0 disks, 1 given"], "a device set that does not match")
rc, err = run(["--restore", "%s,mem=%s" % (state, mem), "--mem", "256"],
              "machine option")
check(rc == 2 and "the snapshot defines the machine" in err,
      "--restore with --mem: status 2, the snapshot defines the machine")

shutil.rmtree(tmp, ignore_errors=True)
print("FAIL: %d checks" % len(fail) if fail else "PASS")
sys.exit(1 if fail else 0)
