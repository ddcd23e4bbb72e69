/* SPDX-License-Identifier: Apache-2.0 */
/* The shared body of the loader harnesses; see loadfx.h. */
#include "fuzz/loadfx.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/fuzz.h"
#include "vmm/base/layout.h"
#include "vmm/platform/x86/cpu_boot.h"
#include "vmm/platform/x86/e820.h"

#define MIB	    (1ull << 20)
#define PAGE	    4096ull
#define CMDLINE_MAX (255 * 16)

static const struct {
	uint64_t low, high;
} layouts[4] = {{4 * MIB, 0}, {2 * MIB, 0}, {16 * MIB, 0}, {2 * MIB, MIB}};

/* [gpa, gpa + len) is in RAM and holds `want`. */
static void check_bytes(const struct guest_mem *gm, uint64_t gpa,
			const void *want, size_t len)
{
	const void *p = gm_ptr(gm, gpa, len);

	FUZZ_CHECK(p && memcmp(p, want, len) == 0);
}

static void check_plan(const struct guest_mem *gm,
		       const struct loader_input *in, const struct boot_plan *p)
{
	struct accel_regs regs;
	struct accel_sregs sregs;

	FUZZ_CHECK(p->mode == BOOT_MODE_LINUX64 || p->mode == BOOT_MODE_PVH);
	/* An ELF's PT_LOADs may sit in different RAM regions (below and
	 * above 4 GiB): [start, end) spans them, and only its ends must be
	 * in RAM. */
	FUZZ_CHECK(p->kernel_start <= p->kernel_end);
	FUZZ_CHECK(p->kernel_start == p->kernel_end ||
		   (gm_range_ok(gm, p->kernel_start, 1) &&
		    gm_range_ok(gm, p->kernel_end - 1, 1)));
	check_bytes(gm, p->cmdline_gpa, in->cmdline, strlen(in->cmdline) + 1);
	if (in->initrd) {
		FUZZ_CHECK(p->initrd_size == in->initrd_len);
		FUZZ_CHECK(p->initrd_gpa % PAGE == 0);
		FUZZ_CHECK(p->initrd_gpa >= LAYOUT_HIMEM);
		FUZZ_CHECK(p->initrd_gpa + p->initrd_size <= 1ull << 32);
		/* Above the kernel, when all of it is below 4 GiB. */
		FUZZ_CHECK(p->kernel_end > 1ull << 32 ||
			   p->initrd_gpa >= p->kernel_end);
		check_bytes(gm, p->initrd_gpa, in->initrd, in->initrd_len);
	} else {
		FUZZ_CHECK(p->initrd_gpa == 0 && p->initrd_size == 0);
	}
	int r = cpu_boot_setup(gm, p, &regs, &sregs);

	FUZZ_CHECK(r == 0 || r == -EFAULT || r == -EINVAL);
}

void loadfx_run(const uint8_t *data, size_t size, loadfx_fn load)
{
	struct fz in = fz_make(data, size);
	uint8_t ram = fz_u8(&in), pages = fz_u8(&in) % 64;
	size_t cmd_len = (size_t)fz_u8(&in) * 16;
	const struct guest_mem *gm =
	    fuzz_mem(layouts[ram % 4].low, layouts[ram % 4].high);
	struct e820_map map;
	struct boot_plan plan;
	char err[512];
	char *cmdline = malloc(CMDLINE_MAX + 1);
	uint8_t *initrd = pages ? malloc(pages * PAGE) : NULL;
	struct loader_input li = {.cmdline = cmdline, .e820 = &map};
	const uint8_t *image;

	if (!cmdline || (pages && !initrd))
		abort();
	for (size_t i = 0; i < cmd_len; i++)
		cmdline[i] = (char)('a' + i % 26);
	cmdline[cmd_len] = '\0';
	if (pages) {
		memset(initrd, 0xa0 + pages, pages * PAGE);
		memcpy(initrd, "initrd", 6);
	}
	li.initrd = initrd;
	li.initrd_len = pages * PAGE;
	li.kernel_len = fz_rest(&in, &image);
	li.kernel = image;
	FUZZ_CHECK(e820_build(gm, &map) == 0);
	memset(&plan, 0, sizeof(plan));
	if (load(gm, &li, &plan, err, sizeof(err)) == 0) {
		check_plan(gm, &li, &plan);
	} else {
		FUZZ_CHECK(memchr(err, '\0', sizeof(err)) && err[0]);
		FUZZ_CHECK(!strchr(err, '\n'));
	}
	free(initrd);
	free(cmdline);
}
