#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The layer rule (docs/architecture.md, "Layers"): a file's layer is
named by its path, and its project includes point down or sideways,
never up. Also: the VM's internals (vmm/vm/vm_int.h) are the VM layer's.

Usage: layers.py SOURCE_DIR, or layers.py --selftest (a made-up tree with
one of each violation must fail with exactly those). Prints each violation (file:line: what) and
exits 1 if there is any; exits 0 and prints the per-layer file counts
otherwise."""
import os
import re
import sys

# Path prefix -> (rank, layer). Longest prefix wins.
LAYERS = [
    ("vmm/base/", 0, "base"),
    ("devices/", 1, "devices"),
    ("vmm/platform/", 2, "platform"),
    ("backends/", 3, "backends"),
    ("vmm/kvm_ioctls.h", 3, "backends"),  # generated from the KVM header
    ("vmm/vm/", 4, "vm"),
    ("vmm/trace/", 5, "record/replay"),
    ("vmm/replay/", 5, "record/replay"),
    ("vmm/app/", 6, "application"),
    ("vmm/api/", 6, "application"),
    ("vmm/sandbox/", 6, "application"),
]
PRIVATE = {"vmm/vm/vm_int.h": 4}  # header -> the only rank that may include it
PRODUCT = ("vmm/", "devices/", "backends/")
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def layer_of(path):
    best = None
    for prefix, rank, name in LAYERS:
        if path.startswith(prefix) and (best is None or len(prefix) > len(best[0])):
            best = (prefix, rank, name)
    return best


def check(src):
    bad = []
    counts = {}
    for top in PRODUCT:
        for root, _, files in os.walk(os.path.join(src, top)):
            for f in sorted(files):
                if not f.endswith((".c", ".h")):
                    continue
                rel = os.path.relpath(os.path.join(root, f), src)
                me = layer_of(rel)
                if me is None:
                    bad.append(f"{rel}: in no layer (docs/architecture.md)")
                    continue
                counts[me[2]] = counts.get(me[2], 0) + 1
                with open(os.path.join(src, rel), encoding="utf-8") as fh:
                    for n, line in enumerate(fh, 1):
                        m = INCLUDE.match(line)
                        if not m or not m.group(1).startswith(PRODUCT):
                            continue
                        inc = m.group(1)
                        it = layer_of(inc)
                        if it is None:
                            bad.append(f"{rel}:{n}: {inc} is in no layer")
                        elif it[1] > me[1]:
                            bad.append(f"{rel}:{n}: {me[2]} includes {inc} "
                                       f"({it[2]}, a layer above)")
                        if inc in PRIVATE and me[1] != PRIVATE[inc]:
                            bad.append(f"{rel}:{n}: {inc} is the VM layer's "
                                       "own (struct vm is opaque here)")
    return bad, counts


def selftest():
    import tempfile
    tree = {
        "vmm/base/a.h": '#include "vmm/base/b.h"\n',
        "devices/d.c": '#include "vmm/base/a.h"\n#include "vmm/vm/vm.h"\n',
        "vmm/trace/t.c": '#include "vmm/vm/vm.h"\n#include "vmm/vm/vm_int.h"\n',
        "vmm/vm/v.c": '#include "vmm/vm/vm_int.h"\n#include "vmm/app/cli.h"\n',
        "vmm/odd/o.c": "\n",
    }
    with tempfile.TemporaryDirectory() as d:
        for path, text in tree.items():
            os.makedirs(os.path.dirname(os.path.join(d, path)), exist_ok=True)
            with open(os.path.join(d, path), "w") as fh:
                fh.write(text)
        bad, _ = check(d)
    want = ["devices/d.c:2: devices includes vmm/vm/vm.h",
            "vmm/odd/o.c: in no layer",
            "vmm/trace/t.c:2: vmm/vm/vm_int.h is the VM layer's",
            "vmm/vm/v.c:2: vm includes vmm/app/cli.h"]
    got = sorted(bad)
    if len(got) != len(want) or not all(g.startswith(w) for g, w in zip(got, want)):
        print("layers selftest: expected", want, "got", got)
        return 1
    print("layers selftest: ok")
    return 0


def main():
    if sys.argv[1] == "--selftest":
        return selftest()
    bad, counts = check(sys.argv[1])
    for b in bad:
        print(b)
    if bad:
        print(f"layers: {len(bad)} violation(s)")
        return 1
    print("layers: ok; files per layer: " +
          ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
