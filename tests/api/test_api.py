#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""kvm.api: vmm --api-sock driven as the firecracker-go-sdk drives
Firecracker, and every error path of the API (docs/api.md).

    test_api.py VMM GUEST OPENAPI_YAML

Boots the test guest with the go-sdk's call order (PUT /machine-config,
PUT /boot-source, PUT /drives/{id}, PUT /actions InstanceStart), checks
GET / before and after, pauses and resumes it (PATCH /vm), and checks
vmm's exit status and that the socket is gone. Every response body is
checked against Firecracker's OpenAPI description (when PyYAML is
there). Exits 77 (CTest: skipped) without /dev/kvm.
"""
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fc_client import FcClient  # noqa: E402

FAILS = []


def check(cond, what):
    if not cond:
        FAILS.append(what)
        print("FAIL: " + what)


class Schema:
    """The few OpenAPI 2 rules the responses need: $ref, type, required,
    properties, enum, items."""

    def __init__(self, path):
        self.doc = None
        try:
            import yaml
        except ImportError:
            print("note: no PyYAML: OpenAPI checks skipped")
            return
        if not os.path.exists(path):
            print("note: no %s: OpenAPI checks skipped" % path)
            return
        with open(path) as f:
            self.doc = yaml.safe_load(f)

    def check(self, value, name, where):
        if self.doc is None:
            return
        errs = []
        self._check(value, {"$ref": "#/definitions/" + name}, where, errs)
        for e in errs:
            check(False, "OpenAPI %s: %s" % (name, e))

    def _check(self, v, s, where, errs):
        if "$ref" in s:
            s = self.doc["definitions"][s["$ref"].split("/")[-1]]
        t = s.get("type")
        types = {"object": dict, "array": list, "string": str,
                 "boolean": bool, "integer": int}
        if t in types and (not isinstance(v, types[t]) or
                           (t == "integer" and isinstance(v, bool))):
            errs.append("%s: %r is not %s" % (where, v, t))
            return
        if "enum" in s and v not in s["enum"]:
            errs.append("%s: %r not in %s" % (where, v, s["enum"]))
        if isinstance(v, dict):
            for r in s.get("required", []):
                if r not in v:
                    errs.append("%s: missing %s" % (where, r))
            props = s.get("properties", {})
            for k, sub in v.items():
                if k not in props:
                    errs.append("%s: %s is not in the schema" % (where, k))
                else:
                    self._check(sub, props[k], where + "." + k, errs)
        if isinstance(v, list) and "items" in s:
            for i, sub in enumerate(v):
                self._check(sub, s["items"], "%s[%d]" % (where, i), errs)


def expect_fault(c, schema, method, path, body, words, what=None):
    """A 400 whose fault_message names every word of `words`."""
    st, b = c.request(method, path, body)
    what = what or "%s %s %s" % (method, path, str(body)[:60])
    check(st == 400, "%s: status %s, want 400 (%s)" % (what, st, b))
    msg = (b or {}).get("fault_message", "")
    for w in words:
        check(w in msg, "%s: fault_message %r does not name %r" %
              (what, msg, w))
    if b is not None:
        schema.check(b, "Error", what)


def expect_ok(c, method, path, body, what=None):
    st, b = c.request(method, path, body)
    check(st == 204 and b is None, "%s %s: %s %s, want 204 and no body" %
          (method, path, st, b) if what is None else what)


def start_vmm(vmm, sock, serial, extra=()):
    log = tempfile.TemporaryFile()
    p = subprocess.Popen([vmm, "--api-sock", sock, "--id", "test-vm-1",
                          "--serial", "file:" + serial] + list(extra),
                         stdin=subprocess.DEVNULL, stdout=log, stderr=log)
    p.log = log
    return p


def vmm_output(p):
    p.log.seek(0)
    return p.log.read().decode(errors="replace")


def preboot_errors(c, schema, guest, disk):
    mc = "/machine-config"
    good = {"vcpu_count": 1, "mem_size_mib": 64}
    cases = [
        ({"vcpu_count": 1, "mem_size_mib": 64, "foo": 1}, ["foo"]),
        ({"mem_size_mib": 64}, ["vcpu_count"]),
        ({"vcpu_count": "1", "mem_size_mib": 64}, ["vcpu_count"]),
        ({"vcpu_count": 0, "mem_size_mib": 64}, ["vcpu_count"]),
        ({"vcpu_count": 65, "mem_size_mib": 64}, ["vcpu_count"]),
        ({"vcpu_count": 1.5, "mem_size_mib": 64}, ["vcpu_count"]),
        ({"vcpu_count": 1, "mem_size_mib": 1}, ["mem_size_mib"]),
        (dict(good, smt=True), ["smt"]),
        (dict(good, smt="false"), ["smt"]),
        (dict(good, track_dirty_pages=True), ["track_dirty_pages"]),
        (dict(good, cpu_template="T2"), ["cpu_template"]),
        (dict(good, huge_pages="2M"), ["huge_pages"]),
        ("[1, 2]", ["object"]),
        ("{\"vcpu_count\": 1,", ["invalid JSON"]),
        ("{\"vcpu_count\": 1, \"vcpu_count\": 2, \"mem_size_mib\": 64}",
         ["duplicate"]),
    ]
    for body, words in cases:
        expect_fault(c, schema, "PUT", mc, body, ["machine-config"] + words)
    expect_fault(c, schema, "PATCH", mc, good, ["PATCH", "not supported"])
    # The machine as it was: no failed PUT changed it.
    st, b = c.get(mc)
    check(st == 200 and b == {"vcpu_count": 1, "mem_size_mib": 128,
                              "smt": False, "track_dirty_pages": False},
          "GET /machine-config after refusals: %s %s" % (st, b))
    schema.check(b, "MachineConfiguration", "GET /machine-config")

    bs = "/boot-source"
    for body, words in [
        ({"boot_args": "x"}, ["kernel_image_path"]),
        ({"kernel_image_path": 5}, ["kernel_image_path"]),
        ({"kernel_image_path": ""}, ["kernel_image_path"]),
        ({"kernel_image_path": guest, "initrd_path": 1}, ["initrd_path"]),
        ({"kernel_image_path": guest, "boot_args": False}, ["boot_args"]),
        ({"kernel_image_path": guest, "x": None}, ["x"]),
    ]:
        expect_fault(c, schema, "PUT", bs, body, ["boot-source"] + words)

    d = {"drive_id": "rootfs", "path_on_host": disk, "is_root_device": True,
         "is_read_only": False}
    for path, body, words in [
        ("/drives/other", d, ["drive_id", "other"]),
        ("/drives/rootfs", {k: v for k, v in d.items()
                            if k != "is_root_device"}, ["is_root_device"]),
        ("/drives/rootfs", {k: v for k, v in d.items()
                            if k != "path_on_host"}, ["path_on_host"]),
        ("/drives/rootfs", dict(d, rate_limiter={"bandwidth": {
            "size": 1, "refill_time": 1}}), ["rate_limiter"]),
        ("/drives/rootfs", dict(d, io_engine="Async"), ["io_engine"]),
        ("/drives/rootfs", dict(d, partuuid="abc"), ["partuuid"]),
        ("/drives/rootfs", dict(d, cache_type="Writeback"), ["cache_type"]),
        ("/drives/rootfs", dict(d, socket="/x"), ["socket"]),
        ("/drives/rootfs", dict(d, is_read_only="no"), ["is_read_only"]),
        ("/drives/rootfs", dict(d, bogus=1), ["bogus"]),
        ("/drives/a-b", dict(d, drive_id="a-b"), ["drive_id"]),
    ]:
        expect_fault(c, schema, "PUT", path, body, ["drives"] + words)
    expect_fault(c, schema, "PATCH", "/drives/rootfs",
                 {"drive_id": "rootfs", "path_on_host": disk},
                 ["PATCH", "not started"])
    # Two root devices.
    expect_ok(c, "PUT", "/drives/r1", dict(d, drive_id="r1"))
    expect_fault(c, schema, "PUT", "/drives/r2", dict(d, drive_id="r2"),
                 ["root device", "r1"])

    n = {"iface_id": "eth0", "host_dev_name": "vmmtap0",
         "guest_mac": "06:00:ac:10:00:02"}
    for path, body, words in [
        ("/network-interfaces/eth1", n, ["iface_id", "eth1"]),
        ("/network-interfaces/eth0", {"iface_id": "eth0"}, ["host_dev_name"]),
        ("/network-interfaces/eth0", dict(n, guest_mac="zz"), ["guest_mac"]),
        ("/network-interfaces/eth0", dict(n, guest_mac="01:00:00:00:00:01"),
         ["guest_mac"]),
        ("/network-interfaces/eth0", dict(n, rx_rate_limiter={}),
         ["rx_rate_limiter"]),
        ("/network-interfaces/eth0", dict(n, tx_rate_limiter={}),
         ["tx_rate_limiter"]),
        ("/network-interfaces/eth0", dict(n, host_dev_name="x" * 16),
         ["host_dev_name"]),
        ("/network-interfaces/eth0", dict(n, mtu=9000), ["mtu"]),
    ]:
        expect_fault(c, schema, "PUT", path, body,
                     ["network-interfaces"] + words)
    expect_fault(c, schema, "PATCH", "/network-interfaces/eth0",
                 {"iface_id": "eth0"}, ["PATCH", "not supported"])

    expect_fault(c, schema, "PUT", "/entropy", {"rate_limiter": {}},
                 ["entropy", "rate_limiter"])
    expect_fault(c, schema, "PUT", "/entropy", {"x": 1}, ["entropy", "x"])
    expect_fault(c, schema, "PUT", "/metrics", {}, ["metrics", "metrics_path"])
    expect_fault(c, schema, "PUT", "/metrics", {"metrics_path": 1},
                 ["metrics", "metrics_path"])
    expect_fault(c, schema, "PUT", "/metrics",
                 {"metrics_path": "/m", "x": 1}, ["metrics", "x"])

    for body, words in [
        ({"action_type": "SendCtrlAltDel"}, ["SendCtrlAltDel", "not started"]),
        ({"action_type": "FlushMetrics"}, ["FlushMetrics"]),
        ({"action_type": "Reboot"}, ["Reboot"]),
        ({"action_type": 1}, ["action_type"]),
        ({}, ["action_type"]),
        ({"action_type": "InstanceStart", "x": 1}, ["x"]),
        # No boot-source yet.
        ({"action_type": "InstanceStart"}, ["boot-source"]),
    ]:
        expect_fault(c, schema, "PUT", "/actions", body, words)

    expect_fault(c, schema, "PATCH", "/vm", {"state": "Paused"},
                 ["not started"])
    expect_fault(c, schema, "PATCH", "/vm", {"state": "Sleeping"},
                 ["state"])
    expect_fault(c, schema, "PUT", "/machine-config", b"", ["no body"])
    big = b'{"vcpu_count": 1, "mem_size_mib": 64, "x": "' + \
        b"a" * 51200 + b'"}'
    expect_fault(c, schema, "PUT", "/machine-config", big, ["51200"])
    expect_fault(c, schema, "GET", "/nope", None, ["/nope"])
    expect_fault(c, schema, "PUT", "/vsock", {}, ["guest_cid"])
    expect_fault(c, schema, "PUT", "/vsock",
                 {"guest_cid": 2, "uds_path": "/x"}, ["guest_cid"])
    expect_fault(c, schema, "DELETE", "/", None, ["DELETE"])
    expect_fault(c, schema, "PUT", "/logger", {"level": "Loud"}, ["Loud"])
    expect_fault(c, schema, "PUT", "/logger", {"show_log_origin": True},
                 ["show_log_origin"])
    expect_fault(c, schema, "PUT", "/logger", {"module": "api_server"},
                 ["module"])

    # Everything else of Firecracker's API: a 400 naming it.
    if schema.doc is not None:
        ours = {"/", "/version", "/vm/config", "/machine-config",
                "/boot-source", "/drives/{drive_id}",
                "/network-interfaces/{iface_id}", "/entropy", "/actions",
                "/vm", "/metrics", "/vsock", "/logger",
                # kvm.snapshot (snapshot_test.py) tests these two
                "/snapshot/create", "/snapshot/load"}
        for path, item in schema.doc["paths"].items():
            if path in ours:
                continue
            concrete = re.sub(r"\{[^}]*\}", "x", path)
            for method in item:
                if method.upper() not in ("GET", "PUT", "PATCH"):
                    continue
                expect_fault(c, schema, method.upper(), concrete,
                             {} if method != "get" else None,
                             [concrete, "not supported"])


def exits_for_seconds():
    """A tg.exitbench count that keeps the guest busy for a few seconds,
    long enough to pause it: about 20 us an exit where KVM emulates guest
    code (tests/kvm/hostkind.sh), a few us on hardware."""
    here = os.path.dirname(os.path.abspath(__file__))
    kind = subprocess.run([os.path.join(here, "..", "kvm", "hostkind.sh")],
                          capture_output=True, text=True).stdout.strip()
    print("host kind: %s" % kind)
    return 100000 if kind == "emulated" else 1000000


def boot(vmm, guest, schema, tmp):
    sock = os.path.join(tmp, "api.sock")
    serial = os.path.join(tmp, "serial.txt")
    disk = os.path.join(tmp, "disk.img")
    disk2 = os.path.join(tmp, "disk2.img")
    for path in (disk, disk2):
        with open(path, "wb") as f:
            f.truncate(1 << 20)
    p = start_vmm(vmm, sock, serial)
    try:
        c = FcClient(sock).connect()
        st, b = c.get("/")
        check(st == 200 and b == {"id": "test-vm-1", "state": "Not started",
                                  "vmm_version": b and b.get("vmm_version"),
                                  "app_name": "vmm"},
              "GET / before: %s %s" % (st, b))
        schema.check(b, "InstanceInfo", "GET /")
        st, b = c.get("/version")
        check(st == 200 and "firecracker_version" in (b or {}),
              "GET /version: %s %s" % (st, b))
        schema.check(b, "FirecrackerVersion", "GET /version")

        preboot_errors(c, schema, guest, disk)

        # The go-sdk's order, on a fresh connection.
        c.close()
        c = FcClient(sock).connect()
        expect_ok(c, "PUT", "/machine-config",
                  {"vcpu_count": 1, "mem_size_mib": 64, "smt": False,
                   "track_dirty_pages": False})
        # A kernel that does not exist: InstanceStart names it, and the
        # VM can still be configured and started.
        expect_ok(c, "PUT", "/boot-source",
                  {"kernel_image_path": os.path.join(tmp, "nokernel")})
        expect_ok(c, "PUT", "/drives/r1",
                  {"drive_id": "r1", "path_on_host": disk2,
                   "is_root_device": False})
        expect_fault(c, schema, "PUT", "/actions",
                     {"action_type": "InstanceStart"}, ["nokernel"])
        # A log path that cannot be opened: InstanceStart names it (the
        # log moves first), and the logger can be set again.
        expect_ok(c, "PUT", "/logger",
                  {"log_path": os.path.join(tmp, "nodir", "vmm.log")})
        expect_fault(c, schema, "PUT", "/actions",
                     {"action_type": "InstanceStart"},
                     ["logger: log_path", "nodir"])
        expect_ok(c, "PUT", "/boot-source",
                  {"kernel_image_path": guest,
                   "boot_args": "tg.mem=64 tg.cpus=1 tg.exitbench=%d" %
                   exits_for_seconds()})
        expect_ok(c, "PUT", "/drives/rootfs",
                  {"drive_id": "rootfs", "path_on_host": disk,
                   "is_root_device": True, "is_read_only": False})
        expect_ok(c, "PUT", "/entropy", {})
        vsock = os.path.join(tmp, "v.sock")
        expect_ok(c, "PUT", "/vsock", {"guest_cid": 3, "uds_path": vsock})
        metrics = os.path.join(tmp, "metrics.json")
        expect_ok(c, "PUT", "/metrics", {"metrics_path": metrics})
        logfile = os.path.join(tmp, "vmm.log")
        expect_ok(c, "PUT", "/logger", {"log_path": logfile, "level": "Info",
                                        "show_level": True,
                                        "show_log_origin": False})
        st, b = c.get("/vm/config")
        check(st == 200, "GET /vm/config: %s" % st)
        schema.check(b, "FullVmConfiguration", "GET /vm/config")
        check(b and b["machine-config"]["mem_size_mib"] == 64 and
              [d["drive_id"] for d in b["drives"]] == ["r1", "rootfs"] and
              b["boot-source"]["kernel_image_path"] == guest and
              b.get("vsock") == {"guest_cid": 3, "uds_path": vsock},
              "GET /vm/config: %s" % b)
        expect_ok(c, "PUT", "/actions", {"action_type": "InstanceStart"})
        check(os.path.exists(vsock) and stat.S_ISSOCK(os.stat(vsock).st_mode),
              "no vsock socket at %s after InstanceStart" % vsock)
        st, b = c.get("/")
        check(st == 200 and b["state"] == "Running", "GET / after start: %s"
              % b)
        schema.check(b, "InstanceInfo", "GET / running")

        expect_ok(c, "PATCH", "/vm", {"state": "Paused"})
        st, b = c.get("/")
        check(b and b["state"] == "Paused", "GET / paused: %s" % b)
        time.sleep(0.5)
        check(p.poll() is None, "vmm exited while paused")
        expect_ok(c, "PATCH", "/vm", {"state": "Resumed"})
        st, b = c.get("/")
        check(b and b["state"] == "Running", "GET / resumed: %s" % b)

        # Metrics lines while the vCPU works: flushed until one shows
        # exits (a loaded host may take a while to the guest's first);
        # the deadline is a hang guard only.
        expect_ok(c, "PUT", "/actions", {"action_type": "FlushMetrics"})
        deadline = time.time() + 60
        while True:
            time.sleep(0.2)
            expect_ok(c, "PUT", "/actions", {"action_type": "FlushMetrics"})
            with open(metrics) as f:
                lines = [json.loads(x) for x in f.read().splitlines()]
            last = lines[-1].get("vcpu", [{}])[0].get("exits", 0)
            if last > 0 or time.time() > deadline:
                break
        check(len(lines) >= 2, "metrics: %d lines, want 2 or more"
              % len(lines))
        for m in lines:
            check(isinstance(m.get("utc_timestamp_ms"), int) and
                  len(m.get("vcpu", [])) == 1 and
                  len(m.get("blk", [])) == 2 and len(m.get("rng", [])) == 1
                  and all(k in m["blk"][0] for k in ("reads", "writes"))
                  and len(m.get("vsock", [])) == 1
                  and "conns_opened" in m["vsock"][0],
                  "metrics line: %s" % m)
        exits = [m["vcpu"][0]["exits"] for m in lines]
        check(exits[-1] > 0 and exits == sorted(exits),
              "metrics: vCPU exits %s (rising, the last above 0)" % exits)

        # Pre-boot resources are refused now.
        for path, body in [
            ("/machine-config", {"vcpu_count": 1, "mem_size_mib": 64}),
            ("/boot-source", {"kernel_image_path": guest}),
            ("/drives/d2", {"drive_id": "d2", "path_on_host": disk,
                            "is_root_device": False}),
            ("/network-interfaces/eth0", {"iface_id": "eth0",
                                          "host_dev_name": "tap0"}),
            ("/entropy", {}),
            ("/metrics", {"metrics_path": metrics}),
        ]:
            expect_fault(c, schema, "PUT", path, body,
                         [path, "after InstanceStart"])
        expect_fault(c, schema, "PUT", "/actions",
                     {"action_type": "InstanceStart"}, ["started already"])
        c.close()
        status = p.wait(timeout=120)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    out = vmm_output(p)
    check(status == 0, "vmm exit status %s, want 0 (the guest passed)\n%s"
          % (status, out))
    with open(serial, errors="replace") as f:
        ser = f.read()
    check("vmm-testguest: hello" in ser, "no guest banner on the serial:\n"
          + ser[-2000:])
    check("testguest: PASS" in ser, "the guest did not pass:\n" +
          ser[-2000:])
    check("root=/dev/vda rw" in ser, "no root=/dev/vda on the guest's "
          "command line")
    check(not os.path.exists(sock), "the socket is still there after exit")
    # PUT /logger: from InstanceStart on, the log (at Info, levels shown)
    # is in the file, not on vmm's stderr.
    with open(logfile, errors="replace") as f:
        log = f.read()
    check("vmm: [Info] sandbox: seccomp enforce" in log,
          "PUT /logger: no Info line with its level in %s:\n%s" %
          (logfile, log[-2000:]))
    check("sandbox: seccomp enforce" not in out,
          "PUT /logger: the log still went to stderr:\n" + out[-2000:])


def refusals(vmm, tmp):
    # A path that exists and is not a socket is refused and kept.
    f = os.path.join(tmp, "file")
    with open(f, "w") as fh:
        fh.write("keep")
    r = subprocess.run([vmm, "--api-sock", f], capture_output=True,
                       text=True, timeout=30)
    check(r.returncode == 1 and "not a socket" in r.stderr,
          "--api-sock FILE: %s %r" % (r.returncode, r.stderr))
    with open(f) as fh:
        check(fh.read() == "keep", "--api-sock FILE changed the file")
    r = subprocess.run([vmm, "--api-sock", os.path.join(tmp, "s"),
                        "--kernel", "/x"], capture_output=True, text=True,
                       timeout=30)
    check(r.returncode == 2 and "--kernel" in r.stderr,
          "--api-sock with --kernel: %s %r" % (r.returncode, r.stderr))
    # SIGTERM before InstanceStart: 128+15, socket removed.
    sock = os.path.join(tmp, "t.sock")
    p = start_vmm(vmm, sock, os.path.join(tmp, "s2.txt"))
    FcClient(sock).connect().close()
    p.terminate()
    st = p.wait(timeout=30)
    check(st == 143 or st == -15, "SIGTERM before start: status %s" % st)
    time.sleep(0.2)
    check(not os.path.exists(sock), "socket left after SIGTERM")


def config_file_and_api(vmm, guest, schema, tmp):
    """--config-file with --api-sock: the file boots at once, the API
    serves the running VM (pre-boot PUTs refused, FlushMetrics works)."""
    sock = os.path.join(tmp, "f.sock")
    serial = os.path.join(tmp, "f-serial.txt")
    metrics = os.path.join(tmp, "f-metrics.json")
    conf = os.path.join(tmp, "vm.json")
    with open(conf, "w") as f:
        json.dump({"boot-source": {"kernel_image_path": guest,
                                   "boot_args": "tg.mem=64 tg.cpus=1 "
                                   "tg.exitbench=%d" % exits_for_seconds()},
                   "machine-config": {"vcpu_count": 1, "mem_size_mib": 64},
                   "drives": [], "entropy": {},
                   "metrics": {"metrics_path": metrics}}, f)
    p = start_vmm(vmm, sock, serial, ["--config-file", conf])
    try:
        c = FcClient(sock).connect()
        st, b = c.get("/")
        check(st == 200 and b and b["state"] == "Running",
              "config file + API: GET / %s %s" % (st, b))
        st, b = c.get("/vm/config")
        check(st == 200 and b and
              b["boot-source"]["kernel_image_path"] == guest and
              "entropy" in b, "config file + API: GET /vm/config %s" % b)
        expect_fault(c, schema, "PUT", "/boot-source",
                     {"kernel_image_path": guest}, ["after InstanceStart"])
        expect_fault(c, schema, "PUT", "/actions",
                     {"action_type": "InstanceStart"}, ["started already"])
        expect_ok(c, "PUT", "/actions", {"action_type": "FlushMetrics"})
        with open(metrics) as f:
            m = json.loads(f.readline())
        check(len(m.get("rng", [])) == 1 and len(m.get("vcpu", [])) == 1,
              "config file + API: metrics %s" % m)
        c.close()
        status = p.wait(timeout=120)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    check(status == 0, "config file + API: status %s\n%s"
          % (status, vmm_output(p)))
    with open(serial, errors="replace") as f:
        check("testguest: PASS" in f.read(), "config file + API: no PASS")
    check(not os.path.exists(sock), "config file + API: socket left")


def wait_serial(serial, text, p, secs=120):
    """Wait until the guest printed text (a hang guard: the guest is
    there in seconds) or vmm exited; whether it did."""
    deadline = time.time() + secs
    while time.time() < deadline and p.poll() is None:
        with open(serial, errors="replace") as f:
            if text in f.read():
                return True
        time.sleep(0.1)
    with open(serial, errors="replace") as f:
        return text in f.read()


def metrics_lines(path):
    try:
        with open(path) as f:
            return [json.loads(x) for x in f.read().splitlines()]
    except (OSError, ValueError):
        return []


def periodic_metrics(vmm, guest, schema, tmp):
    """Metrics without FlushMetrics: a line every --metrics-interval
    seconds, and one when the VM stops; a line a stalled FIFO refuses is
    counted in the next one's lost_metrics."""
    def boot(name, interval, metrics):
        sock = os.path.join(tmp, name + ".sock")
        p = start_vmm(vmm, sock, os.path.join(tmp, name + "-serial.txt"),
                      ["--metrics-interval", str(interval)])
        c = FcClient(sock).connect()
        expect_ok(c, "PUT", "/machine-config",
                  {"vcpu_count": 1, "mem_size_mib": 64})
        expect_ok(c, "PUT", "/boot-source",
                  {"kernel_image_path": guest,
                   "boot_args": "tg.mem=64 tg.cpus=1 tg.spin"})
        expect_ok(c, "PUT", "/metrics", {"metrics_path": metrics})
        expect_ok(c, "PUT", "/actions", {"action_type": "InstanceStart"})
        return p, c

    def stop(p):
        p.terminate()
        try:
            st = p.wait(timeout=60)
        except subprocess.TimeoutExpired:
            p.kill()
            st = p.wait()
        check(st == 143, "metrics: SIGTERM status %s, want 143\n%s" %
              (st, vmm_output(p)))

    # Every second: two lines come with no FlushMetrics (the deadline is
    # a hang guard).
    metrics = os.path.join(tmp, "p-metrics.json")
    p, c = boot("p", 1, metrics)
    deadline = time.time() + 60
    while len(metrics_lines(metrics)) < 2 and time.time() < deadline:
        time.sleep(0.2)
    lines = metrics_lines(metrics)
    check(len(lines) >= 2 and all(m.get("lost_metrics") == 0 and
                                  len(m.get("vcpu", [])) == 1
                                  for m in lines),
          "periodic metrics: %d line(s) %s, want 2 or more" %
          (len(lines), lines[:3]))
    c.close()
    stop(p)

    # Once an hour: only the line at stop.
    metrics = os.path.join(tmp, "s-metrics.json")
    p, c = boot("s", 3600, metrics)
    time.sleep(0.5)
    check(metrics_lines(metrics) == [],
          "metrics before any period: %s" % metrics_lines(metrics))
    c.close()
    stop(p)
    lines = metrics_lines(metrics)
    check(len(lines) == 1 and lines[0]["vcpu"][0]["exits"] > 0,
          "metrics at stop: %s, want one line with the vCPU's exits" % lines)

    # A FIFO whose reader does not read: FlushMetrics fills it, the line
    # that does not fit is refused and counted.
    fifo = os.path.join(tmp, "m.fifo")
    os.mkfifo(fifo)
    rd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    p, c = boot("f", 3600, fifo)
    refused = None
    for _ in range(2000):
        st, b = c.request("PUT", "/actions", {"action_type": "FlushMetrics"})
        if st != 204:
            refused = (st, b)
            break
    check(refused is not None and refused[0] == 400 and
          "Resource temporarily unavailable" in
          refused[1].get("fault_message", ""),
          "FlushMetrics into a full FIFO: %s, want 400 EAGAIN" % (refused,))
    data = b""
    while True:
        try:
            chunk = os.read(rd, 65536)
        except BlockingIOError:
            break
        if not chunk:
            break
        data += chunk
    expect_ok(c, "PUT", "/actions", {"action_type": "FlushMetrics"})
    last = json.loads(os.read(rd, 65536).decode().splitlines()[-1])
    check(last.get("lost_metrics", 0) >= 1,
          "lost_metrics after a refused line: %s" % last.get("lost_metrics"))
    c.close()
    stop(p)
    os.close(rd)


def tap_boot(vmm, guest, schema, tmp):
    """PUT /network-interfaces with a real tap: vmm runs in a network
    namespace holding tap0 = 192.0.2.1/24 (as tests/kvm/netns.sh makes
    it); the test guest answers ARP and ping through virtio-net. Needs
    root and /dev/net/tun: otherwise a note says why it did not run."""
    why = None
    if os.geteuid() != 0:
        why = "not root"
    elif not os.path.exists("/dev/net/tun"):
        why = "no /dev/net/tun"
    elif shutil.which("ip") is None:
        why = "ip(8) is missing"
    if why:
        print("note: the API's real-tap boot did not run: %s" % why)
        return
    ns = "vmmapi%d" % os.getpid()
    setup = [["ip", "netns", "add", ns],
             ["ip", "netns", "exec", ns, "ip", "tuntap", "add", "dev",
              "tap0", "mode", "tap"],
             ["ip", "-n", ns, "addr", "add", "192.0.2.1/24", "dev", "tap0"],
             ["ip", "-n", ns, "link", "set", "tap0", "up"],
             ["ip", "-n", ns, "link", "set", "lo", "up"]]
    try:
        for cmd in setup:
            r = subprocess.run(cmd, capture_output=True, text=True)
            if r.returncode:
                print("note: the API's real-tap boot did not run: %s: %s"
                      % (" ".join(cmd), r.stderr.strip()))
                return
        sock = os.path.join(tmp, "tap.sock")
        serial = os.path.join(tmp, "tap-serial.txt")
        log = tempfile.TemporaryFile()
        # --acpi off: the test guest finds virtio devices on its command
        # line only.
        p = subprocess.Popen(["ip", "netns", "exec", ns, vmm, "--api-sock",
                              sock, "--serial", "file:" + serial,
                              "--acpi", "off"],
                             stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        p.log = log
        status = None
        try:
            c = FcClient(sock).connect()
            expect_ok(c, "PUT", "/machine-config",
                      {"vcpu_count": 1, "mem_size_mib": 64})
            expect_ok(c, "PUT", "/boot-source",
                      {"kernel_image_path": guest,
                       "boot_args": "tg.mem=64 tg.cpus=1"})
            expect_ok(c, "PUT", "/network-interfaces/eth0",
                      {"iface_id": "eth0", "host_dev_name": "tap0",
                       "guest_mac": "02:00:00:00:00:02"})
            st, b = c.get("/vm/config")
            check(st == 200 and b["network-interfaces"] ==
                  [{"iface_id": "eth0", "host_dev_name": "tap0",
                    "guest_mac": "02:00:00:00:00:02"}],
                  "tap boot: GET /vm/config network-interfaces %s" % b)
            expect_ok(c, "PUT", "/actions", {"action_type": "InstanceStart"})
            c.close()
            status = p.wait(timeout=120)
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
        with open(serial, errors="replace") as f:
            ser = f.read()
        check(status == 0 and "testguest: virtio-net: ping ok" in ser and
              "testguest: PASS" in ser,
              "tap boot: status %s, want 0 and the guest's ping\n%s\n%s" %
              (status, vmm_output(p), ser[-2000:]))
    finally:
        subprocess.run(["ip", "netns", "del", ns], capture_output=True)


def locked(path):
    """Whether another process holds a flock on the file at path."""
    import fcntl
    with open(path, "rb") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(f, fcntl.LOCK_UN)
        return False


def patch_drives(vmm, guest, schema, tmp):
    """PATCH /drives/{id} on a running VM: the new image is opened (by the
    dialer, as --disk) and swapped in, the old one let go, and the guest
    (tg.blkswap) sees the new capacity and reads the new image. The
    refusals name what is wrong and change nothing."""
    import fcntl
    sock = os.path.join(tmp, "pd.sock")
    serial = os.path.join(tmp, "pd-serial.txt")
    old, new, small, busy = (os.path.join(tmp, n) for n in
                             ("pd-old.img", "pd-new.img", "pd-small.img",
                              "pd-busy.img"))
    for path, size in ((old, 1 << 20), (new, 2 << 20), (small, 100),
                       (busy, 1 << 20)):
        with open(path, "wb") as f:
            f.truncate(size)
    with open(new, "r+b") as f:
        f.write(b"NEWIMAGE-0123456")
    # --acpi off: the test guest finds its disk on the command line.
    p = start_vmm(vmm, sock, serial, ["--acpi", "off"])
    try:
        c = FcClient(sock).connect()
        expect_ok(c, "PUT", "/machine-config",
                  {"vcpu_count": 1, "mem_size_mib": 64})
        expect_ok(c, "PUT", "/boot-source",
                  {"kernel_image_path": guest,
                   "boot_args": "tg.mem=64 tg.cpus=1 tg.blkswap tg.spin"})
        expect_ok(c, "PUT", "/drives/scratch",
                  {"drive_id": "scratch", "path_on_host": old,
                   "is_root_device": False})
        expect_fault(c, schema, "PATCH", "/drives/scratch",
                     {"drive_id": "scratch", "path_on_host": new},
                     ["not started"])
        expect_ok(c, "PUT", "/actions", {"action_type": "InstanceStart"})
        check(wait_serial(serial, "virtio-blk: waiting for a new image", p),
              "PATCH /drives: the guest never waited for a new image")
        check(locked(old) and not locked(new),
              "PATCH /drives: before, only the old image is locked")
        for body, words in [
            ({"drive_id": "other", "path_on_host": new}, ["drive_id"]),
            ({"drive_id": "scratch", "path_on_host": new,
              "rate_limiter": {"bandwidth": {}}}, ["rate_limiter"]),
            ({"drive_id": "scratch", "path_on_host": new, "x": 1}, ["x"]),
            ({"drive_id": "scratch",
              "path_on_host": os.path.join(tmp, "nope.img")},
             ["nope.img", "No such file"]),
            ({"drive_id": "scratch", "path_on_host": small}, ["pd-small"]),
        ]:
            expect_fault(c, schema, "PATCH", "/drives/scratch", body, words)
        expect_fault(c, schema, "PATCH", "/drives/none",
                     {"drive_id": "none", "path_on_host": new},
                     ["no drive 'none'"])
        # An image another VM holds.
        with open(busy, "rb") as f:
            fcntl.flock(f, fcntl.LOCK_SH)
            expect_fault(c, schema, "PATCH", "/drives/scratch",
                         {"drive_id": "scratch", "path_on_host": busy},
                         ["pd-busy.img", "another VM"])
        expect_ok(c, "PATCH", "/drives/scratch", {"drive_id": "scratch"})
        check(locked(old) and
              "virtio-blk: new image" not in open(serial).read(),
              "PATCH /drives: a refusal or no path changed the drive")
        expect_ok(c, "PATCH", "/drives/scratch",
                  {"drive_id": "scratch", "path_on_host": new})
        check(wait_serial(serial, "testguest: virtio-blk: new image "
                          "capacity 4096 sector 0 'NEWIMAGE-0123456'", p),
              "PATCH /drives: the guest did not see the new image:\n" +
              open(serial).read()[-1500:])
        check(locked(new) and not locked(old),
              "PATCH /drives: after, the new image is locked, the old free")
        st, b = c.get("/vm/config")
        check(st == 200 and b["drives"][0]["path_on_host"] == new,
              "PATCH /drives: GET /vm/config %s" % b)
        c.close()
        p.terminate()
        status = p.wait(timeout=60)
        check(status == 143, "PATCH /drives: SIGTERM status %s\n%s" %
              (status, vmm_output(p)))
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()


def ctrl_alt_del(vmm, guest, schema, tmp):
    """SendCtrlAltDel reaches the guest's i8042 keyboard: the test guest
    (tg.kbd) takes the chord by interrupt and passes. Sent while the VM
    is paused, it is delivered on resume."""
    sock = os.path.join(tmp, "cad.sock")
    serial = os.path.join(tmp, "cad-serial.txt")
    p = start_vmm(vmm, sock, serial)
    status = None
    try:
        c = FcClient(sock).connect()
        expect_fault(c, schema, "PUT", "/actions",
                     {"action_type": "SendCtrlAltDel"},
                     ["SendCtrlAltDel", "not started"])
        expect_ok(c, "PUT", "/machine-config",
                  {"vcpu_count": 1, "mem_size_mib": 64})
        expect_ok(c, "PUT", "/boot-source",
                  {"kernel_image_path": guest,
                   "boot_args": "tg.mem=64 tg.cpus=1 tg.kbd"})
        expect_ok(c, "PUT", "/actions", {"action_type": "InstanceStart"})
        check(wait_serial(serial, "kbd: CTR 0x45; waiting for ctrl-alt-del",
                          p), "the guest never waited for ctrl-alt-del")
        expect_ok(c, "PATCH", "/vm", {"state": "Paused"})
        expect_ok(c, "PUT", "/actions", {"action_type": "SendCtrlAltDel"})
        time.sleep(0.3)
        check(p.poll() is None, "vmm exited while paused")
        expect_ok(c, "PATCH", "/vm", {"state": "Resumed"})
        c.close()
        status = p.wait(timeout=120)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    with open(serial, errors="replace") as f:
        ser = f.read()
    check(status == 0, "SendCtrlAltDel: vmm exit status %s, want 0\n%s\n%s"
          % (status, vmm_output(p), ser[-2000:]))
    check("testguest: kbd: ctrl-alt-del, 8 bytes in 8 interrupts" in ser,
          "SendCtrlAltDel: the guest did not get the chord by interrupt:\n"
          + ser[-2000:])


def main():
    vmm, guest, yaml_path = sys.argv[1:4]
    if not os.access("/dev/kvm", os.R_OK | os.W_OK):
        print("SKIPPED: /dev/kvm is missing or not accessible")
        return 77
    schema = Schema(yaml_path)
    with tempfile.TemporaryDirectory() as tmp:
        refusals(vmm, tmp)
        boot(vmm, guest, schema, tmp)
        ctrl_alt_del(vmm, guest, schema, tmp)
        periodic_metrics(vmm, guest, schema, tmp)
        tap_boot(vmm, guest, schema, tmp)
        patch_drives(vmm, guest, schema, tmp)
        config_file_and_api(vmm, guest, schema, tmp)
    if FAILS:
        print("%d check(s) failed" % len(FAILS))
        return 1
    print("kvm.api: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
