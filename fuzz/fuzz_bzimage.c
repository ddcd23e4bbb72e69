/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Harness: the bzImage loader (vmm/platform/loader/bzimage.c, zeropage.c): boot
 * protocol header, setup and protected-mode parts, initrd placement
 * against initrd_addr_max, command line against cmdline_size, and the zero
 * page. Input and checks: fuzz/loadfx.h; the image is a bzImage.
 */
#include "fuzz/fuzz.h"
#include "fuzz/loadfx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	loadfx_run(data, size, bzimage_load);
	return 0;
}
