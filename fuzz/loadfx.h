/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The shared body of the loader harnesses (fuzz_bzimage.c, fuzz_elf.c):
 * guest RAM, e820 map, initrd and command line from a 3-byte prefix, the
 * image from the rest, one loader call, and checks of the boot plan.
 *
 * Input: u8 ram (layout % 4: 4 MiB; 2 MiB; 16 MiB; 2 MiB + 1 MiB at
 * 4 GiB), u8 initrd (pages % 64, 0: none), u8 cmdline (16 * n bytes of
 * text), then the kernel image.
 *
 * Checks on success: the mode is known; the kernel's first and last
 * bytes, the initrd and the command line lie in guest RAM and the last
 * two hold what was given; the initrd is page aligned, between 1 MiB and
 * 4 GiB, and above the kernel when the kernel is all below 4 GiB;
 * cpu_boot_setup takes the plan or refuses it cleanly. On failure: a
 * one-line reason.
 */
#ifndef VMM_FUZZ_LOADFX_H
#define VMM_FUZZ_LOADFX_H

#include <stddef.h>
#include <stdint.h>

#include "vmm/platform/loader/loader.h"

typedef int (*loadfx_fn)(const struct guest_mem *gm,
			 const struct loader_input *in, struct boot_plan *out,
			 char *err, size_t errlen);

/* Bytes before the image. */
#define LOADFX_PREFIX 3

void loadfx_run(const uint8_t *data, size_t size, loadfx_fn load);

#endif
