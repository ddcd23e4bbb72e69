# SPDX-License-Identifier: Apache-2.0
"""What the Linux tests that drive vmm through its API share
(cad_test.py, snapshot_test.py): the skip without /dev/kvm, the images
(build-kernel.sh, build-initramfs.sh), lib.sh's functions, and reading
the guest's COM1 file while vmm runs. Every wait is a hang guard (guest
code may be emulated)."""
import os
import subprocess
import sys
import time

here = os.path.dirname(os.path.abspath(__file__))


def host_kind():
    """tests/kvm/hostkind.sh's answer; exits 77 (SKIPPED) without KVM."""
    kind = subprocess.run([os.path.join(here, "..", "kvm", "hostkind.sh")],
                          capture_output=True, text=True).stdout.strip()
    if kind == "none":
        print("SKIPPED: /dev/kvm is missing or not accessible")
        sys.exit(77)
    return kind


def image(script, *args):
    """The image a tests/linux script builds (its last output line);
    exits 77 when it cannot be built here, 1 when the script fails."""
    p = subprocess.run([os.path.join(here, script)] + list(args),
                       stdout=subprocess.PIPE, text=True)
    if p.returncode == 77:
        print("SKIPPED: %s cannot build the image here" % script)
        sys.exit(77)
    if p.returncode or not p.stdout.strip():
        print("FAIL: %s failed (status %d)" % (script, p.returncode))
        sys.exit(1)
    return p.stdout.strip().splitlines()[-1]


def lib(func, *args):
    """The output of lib.sh's shell code func, with args as $1..."""
    return subprocess.run(["bash", "-c", '. "$1"; shift; ' + func, "-",
                           os.path.join(here, "lib.sh")] + list(args),
                          capture_output=True, text=True,
                          check=True).stdout.strip()


class Com1:
    """The guest's COM1 file, written by vmm process p."""

    def __init__(self, path, p):
        self.path, self.p = path, p

    def text(self):
        try:
            with open(self.path, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def wait_for(self, text, secs):
        """Whether text appeared before secs passed or vmm exited."""
        end = time.time() + secs
        while time.time() < end and self.p.poll() is None:
            if text in self.text():
                return True
            time.sleep(0.5)
        return text in self.text()
