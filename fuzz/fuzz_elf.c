/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Harness: the ELF64 vmlinux and PVH loader (vmm/platform/loader/elf.c): ELF
 * header, program headers, PT_LOAD placement, the Xen PHYS32_ENTRY note
 * and the PVH start info, module list and memory map. Input and checks:
 * fuzz/loadfx.h; the image is an ELF file.
 */
#include "fuzz/fuzz.h"
#include "fuzz/loadfx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	loadfx_run(data, size, elf_load);
	return 0;
}
