#!/usr/bin/env bash
# Print what kind of KVM host this is, one word:
#   vmx | svm   hardware virtualization (guest code runs natively)
#   emulated    /dev/kvm without VT-x/AMD-V in CPUID (e.g. nested PVM):
#               guest code is emulated, some instructions fail
#   none        no usable /dev/kvm
# Used by tests whose expectations differ by host kind; they print it.
if [ ! -e /dev/kvm ]; then echo none; exit 0; fi
if [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; then echo none; exit 0; fi
if grep -qw vmx /proc/cpuinfo; then echo vmx
elif grep -qw svm /proc/cpuinfo; then echo svm
else echo emulated
fi
