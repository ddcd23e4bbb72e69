/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Harness: the aarch64 device tree builder (vmm/platform/arm64/fdt.c) on
 * every input it takes: vCPU count, GIC version, RAM, virtio devices,
 * initrd, command line, and the blob's buffer size.
 *
 * Input: u8 ncpus, u8 gic version, u16 cap (KiB / 8, 0: 64 KiB), u32 RAM
 * base (MiB from 0), u32 RAM size (MiB), u64 initrd start, u32 initrd
 * size, u8 nvirtio, then per device u32 base (offset from the virtio
 * window, bytes), u16 size, u16 SPI; the rest is the command line (up to
 * its first NUL).
 *
 * Checks: a refusal is -EINVAL, -E2BIG or -ENOSPC with a one-line reason;
 * a blob passes fdt_check_full, is no bigger than the buffer, and holds
 * what was asked: one cpu node per vCPU, the RAM's reg, each virtio node
 * with its reg and SPI, the command line, the initrd's range.
 */
#include <errno.h>
#include <libfdt.h>
#include <stdio.h>
#include <string.h>

#include "fuzz/fuzz.h"
#include "vmm/base/compiler.h"
#include "vmm/platform/arm64/fdt.h"
#include "vmm/platform/arm64/memmap.h"

#define CAP_MAX (64 * 1024)

static uint8_t blob[CAP_MAX];
static char cmdline[ARM64_CMDLINE_MAX + 64];

static uint64_t reg_at(int off, const char *name, int i)
{
	int len;
	const uint8_t *v = fdt_getprop(blob, off, name, &len);
	FUZZ_CHECK(v && len >= (i + 1) * 8);
	/* Properties are 4-byte aligned only. */
	fdt64_t x;
	memcpy(&x, v + 8 * i, sizeof(x));
	return fdt64_to_cpu(x);
}

static uint32_t cell_at(int off, const char *name, int i)
{
	int len;
	const fdt32_t *v = fdt_getprop(blob, off, name, &len);
	FUZZ_CHECK(v && len >= (i + 1) * 4);
	return fdt32_to_cpu(v[i]);
}

static int path(const char *fmt, uint64_t a)
{
	char p[80];
	snprintf(p, sizeof(p), fmt, (unsigned long long)a);
	int off = fdt_path_offset(blob, p);
	FUZZ_CHECK(off >= 0);
	return off;
}

static void check_tree(const struct arm64_fdt_config *c)
{
	for (unsigned i = 0; i < c->ncpus; i++)
		path("/cpus/cpu@%llx", arm64_fdt_mpidr(i));
	FUZZ_CHECK(fdt_path_offset(blob, "/cpus/cpu@400") < 0);
	int m = path("/memory@%llx", c->mem_base);
	FUZZ_CHECK(reg_at(m, "reg", 0) == c->mem_base);
	FUZZ_CHECK(reg_at(m, "reg", 1) == c->mem_size);
	for (unsigned i = 0; i < c->nvirtio; i++) {
		int d = path("/virtio_mmio@%llx", c->virtio[i].base);
		FUZZ_CHECK(reg_at(d, "reg", 0) == c->virtio[i].base);
		FUZZ_CHECK(reg_at(d, "reg", 1) == c->virtio[i].size);
		FUZZ_CHECK(cell_at(d, "interrupts", 1) == c->virtio[i].spi);
	}
	int ch = path("/chosen", 0);
	const char *args = fdt_getprop(blob, ch, "bootargs", NULL);
	FUZZ_CHECK(args && strcmp(args, c->bootargs) == 0);
	if (c->initrd_size) {
		FUZZ_CHECK(reg_at(ch, "linux,initrd-start", 0) ==
			   c->initrd_start);
		FUZZ_CHECK(reg_at(ch, "linux,initrd-end", 0) ==
			   c->initrd_start + c->initrd_size);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz in = fz_make(data, size);
	struct arm64_fdt_dev devs[ARM64_FDT_MAX_VIRTIO + 2];
	struct arm64_fdt_config c = {.ncpus = fz_u8(&in),
				     .gic_version = fz_u8(&in)};
	size_t cap = (size_t)fz_u16(&in) * 8;
	if (!cap || cap > CAP_MAX)
		cap = CAP_MAX;
	c.mem_base = (uint64_t)fz_u32(&in) << 20;
	c.mem_size = (uint64_t)fz_u32(&in) << 20;
	c.initrd_start = fz_u64(&in);
	c.initrd_size = fz_u32(&in);
	c.nvirtio = fz_u8(&in) % (ARM64_FDT_MAX_VIRTIO + 3);
	c.virtio = devs;
	for (unsigned i = 0; i < c.nvirtio && i < ARRAY_SIZE(devs); i++)
		devs[i] = (struct arm64_fdt_dev){.base = ARM64_VIRTIO_BASE +
							 fz_u32(&in),
						 .size = fz_u16(&in),
						 .spi = fz_u16(&in)};
	const uint8_t *rest;
	size_t n = fz_rest(&in, &rest);
	if (n >= sizeof(cmdline))
		n = sizeof(cmdline) - 1;
	memcpy(cmdline, rest, n);
	cmdline[n] = '\0';
	c.bootargs = cmdline;

	char err[256] = "";
	long r = arm64_fdt_build(&c, blob, cap, err, sizeof(err));
	if (r <= 0) {
		FUZZ_CHECK(r == -EINVAL || r == -E2BIG || r == -ENOSPC);
		FUZZ_CHECK(err[0] && !strchr(err, '\n'));
		return 0;
	}
	FUZZ_CHECK((size_t)r <= cap);
	FUZZ_CHECK(fdt_check_full(blob, (size_t)r) == 0);
	check_tree(&c);
	return 0;
}
