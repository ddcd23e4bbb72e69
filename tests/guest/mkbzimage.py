#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Build testguest.bzImage: a setup area, then the protected-mode part.

    mkbzimage.py --elf testguest-linux64 --pm testguest-linux64.bin \\
        --setup-code setup16.bin --setup-code-offset 0x26c -o testguest.bzImage

The protected-mode part (--pm) is `objcopy -O binary` of --elf, an ELF64
linked at 1 MiB whose 32-bit entry is at 1 MiB (code32_start) and whose
64-bit entry is at 1 MiB + 0x200 (its e_entry). The ELF gives the memory
footprint (image + .bss) for init_size.

The setup area is the boot sector and setup_sects sectors, laid out as in
Linux's Documentation/arch/x86/boot.rst, "The Real-Mode Kernel Header": the
setup header at 0x1f1, every field set below by its offset and named as
boot.rst names it; then the real-mode setup code (--setup-code, setup16.S,
linked at --setup-code-offset, where the jump at 0x200 goes). vmm and other
64-bit loaders ignore that code and enter at the 64-bit entry; only 16-bit
loaders such as QEMU's run it. There is no boot-sector code and no CRC-32
trailer (boot.rst "The Image Checksum": no loader checks it).
"""

import argparse
import struct
import sys

SECTOR = 512
LOAD_ADDR = 0x100000  # bzImage protected-mode part: "loaded high" at 1 MiB
ENTRY64_OFF = 0x200  # XLF_KERNEL_64: "the legacy 64-bit entry point at 0x200"
HDR_OFF = 0x1F1
HDR_END = 0x26C  # end of kernel_info_offset, the last 2.15 field
PAGE = 4096

# loadflags / xloadflags bits (boot.rst).
LOADED_HIGH = 0x01
XLF_KERNEL_64 = 0x01


def die(msg):
    sys.exit("mkbzimage.py: " + msg)


def align_up(v, a):
    return (v + a - 1) // a * a


def elf_footprint(path):
    """(e_entry, lowest PT_LOAD paddr, highest PT_LOAD paddr + memsz)."""
    with open(path, "rb") as f:
        img = f.read()
    if img[:4] != b"\x7fELF" or img[4] != 2 or img[5] != 1:
        die("%s: not an ELF64 little-endian file" % path)
    (e_type, e_machine, _, e_entry, e_phoff, _, _, _, e_phentsize,
     e_phnum) = struct.unpack_from("<HHIQQQIHHH", img, 16)
    if e_type != 2 or e_machine != 62:  # ET_EXEC, EM_X86_64
        die("%s: not an x86-64 executable" % path)
    lo, hi = None, 0
    for i in range(e_phnum):
        p_type, _, _, _, p_paddr, _, p_memsz, _ = struct.unpack_from(
            "<IIQQQQQQ", img, e_phoff + i * e_phentsize)
        if p_type != 1 or p_memsz == 0:  # PT_LOAD
            continue
        lo = p_paddr if lo is None else min(lo, p_paddr)
        hi = max(hi, p_paddr + p_memsz)
    if lo is None:
        die("%s: no PT_LOAD segment" % path)
    return e_entry, lo, hi


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--elf", required=True)
    ap.add_argument("--pm", required=True)
    ap.add_argument("--setup-code", required=True)
    ap.add_argument("--setup-code-offset", required=True,
                    type=lambda s: int(s, 0))
    ap.add_argument("-o", "--output", required=True)
    a = ap.parse_args()

    entry, lo, hi = elf_footprint(a.elf)
    if lo != LOAD_ADDR or entry != LOAD_ADDR + ENTRY64_OFF:
        die("%s: must load at 0x%x with e_entry 0x%x (has 0x%x, 0x%x)" %
            (a.elf, LOAD_ADDR, LOAD_ADDR + ENTRY64_OFF, lo, entry))
    with open(a.pm, "rb") as f:
        pm = f.read()
    if not ENTRY64_OFF < len(pm) <= hi - lo:
        die("%s: %d bytes, expected 0x%x..0x%x" %
            (a.pm, len(pm), ENTRY64_OFF + 1, hi - lo))
    with open(a.setup_code, "rb") as f:
        code = f.read()
    code_off = a.setup_code_offset
    if not HDR_END <= code_off < HDR_END + 128:  # reach of the jump
        die("setup code offset 0x%x is not in [0x%x, 0x%x)" %
            (code_off, HDR_END, HDR_END + 128))

    setup_len = align_up(code_off + len(code), SECTOR)
    setup_sects = setup_len // SECTOR - 1  # the boot sector is not counted
    if not 1 <= setup_sects <= 255:  # 0 would mean 4
        die("setup area of %d bytes does not fit setup_sects" % setup_len)
    init_size = align_up(hi - lo, PAGE)

    # (offset, struct format, boot.rst name, value), in offset order.
    fields = [
        (0x1F1, "B", "setup_sects", setup_sects),
        (0x1F2, "H", "root_flags", 0),
        (0x1F4, "I", "syssize", (len(pm) + 15) // 16),  # 16-byte paragraphs
        (0x1F8, "H", "ram_size", 0),  # obsolete
        (0x1FA, "H", "vid_mode", 0xFFFF),  # "normal"
        (0x1FC, "H", "root_dev", 0),
        (0x1FE, "H", "boot_flag", 0xAA55),
        # jump: a short jmp (0xEB, rel8 from 0x202) to the setup code; the
        # header ends where it lands (boot.rst: 0x202 + the byte at 0x201).
        (0x200, "BB", "jump", (0xEB, code_off - 0x202)),
        (0x202, "4s", "header", b"HdrS"),
        (0x206, "H", "version", 0x020F),  # protocol 2.15
        (0x208, "I", "realmode_swtch", 0),
        (0x20C, "H", "start_sys_seg", 0x1000),  # obsolete, as Linux sets it
        (0x20E, "H", "kernel_version", 0),  # no version string
        (0x210, "B", "type_of_loader", 0),  # written by the loader
        (0x211, "B", "loadflags", LOADED_HIGH),
        (0x212, "H", "setup_move_size", 0),  # protocols 2.00-2.01 only
        (0x214, "I", "code32_start", LOAD_ADDR),  # the 32-bit entry
        (0x218, "I", "ramdisk_image", 0),
        (0x21C, "I", "ramdisk_size", 0),
        (0x220, "I", "bootsect_kludge", 0),  # obsolete
        (0x224, "H", "heap_end_ptr", 0),
        (0x226, "B", "ext_loader_ver", 0),
        (0x227, "B", "ext_loader_type", 0),
        (0x228, "I", "cmd_line_ptr", 0),
        (0x22C, "I", "initrd_addr_max", 0x7FFFFFFF),
        (0x230, "I", "kernel_alignment", 0x200000),
        (0x234, "B", "relocatable_kernel", 0),  # runs at 1 MiB only
        (0x235, "B", "min_alignment", 0),
        (0x236, "H", "xloadflags", XLF_KERNEL_64),
        (0x238, "I", "cmdline_size", 4095),  # without the NUL
        (0x23C, "I", "hardware_subarch", 0),  # x86/PC
        (0x240, "Q", "hardware_subarch_data", 0),
        (0x248, "I", "payload_offset", 0),  # no compressed payload
        (0x24C, "I", "payload_length", 0),
        (0x250, "Q", "setup_data", 0),
        (0x258, "Q", "pref_address", LOAD_ADDR),
        # The image and its .bss, from the load address.
        (0x260, "I", "init_size", init_size),
        (0x264, "I", "handover_offset", 0),  # no EFI handover entry
        (0x268, "I", "kernel_info_offset", 0),  # no kernel_info
    ]

    setup = bytearray(setup_len)
    end = HDR_OFF
    for off, fmt, name, value in fields:
        if off != end:
            die("field %s at 0x%x, expected 0x%x" % (name, off, end))
        values = value if isinstance(value, tuple) else (value,)
        struct.pack_into("<" + fmt, setup, off, *values)
        end = off + struct.calcsize("<" + fmt)
    if end != HDR_END:
        die("setup header ends at 0x%x, not 0x%x" % (end, HDR_END))
    setup[code_off:code_off + len(code)] = code

    with open(a.output, "wb") as f:
        f.write(setup)
        f.write(pm)


if __name__ == "__main__":
    main()
