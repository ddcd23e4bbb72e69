/* SPDX-License-Identifier: Apache-2.0 */
/* arm64_fdt_build: the tree read back with libfdt, node by node, for
 * GICv3 and GICv2; every refusal of arm64_fdt_check. */
#include <errno.h>
#include <libfdt.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vmm/base/compiler.h"
#include "vmm/platform/arm64/fdt.h"
#include "vmm/platform/arm64/memmap.h"

static uint8_t blob[64 * 1024];
static char err[256];

static const struct arm64_fdt_dev devs[] = {
    {ARM64_VIRTIO_BASE, ARM64_VIRTIO_STRIDE, ARM64_VIRTIO_SPI},
    {ARM64_VIRTIO_BASE + ARM64_VIRTIO_STRIDE, ARM64_VIRTIO_STRIDE,
     ARM64_VIRTIO_SPI + 1},
};

static struct arm64_fdt_config good(void)
{
	return (struct arm64_fdt_config){
	    .ncpus = 2,
	    .gic_version = 3,
	    .mem_base = ARM64_RAM_BASE,
	    .mem_size = 256ull << 20,
	    .virtio = devs,
	    .nvirtio = 2,
	    .bootargs = "console=ttyS0 panic=-1",
	    .initrd_start = ARM64_RAM_BASE + (128ull << 20),
	    .initrd_size = 4096,
	};
}

static int node(const char *path)
{
	int off = fdt_path_offset(blob, path);
	if (off < 0)
		fail_msg("no node %s: %s", path, fdt_strerror(off));
	return off;
}

static const void *prop(const char *path, const char *name, int *len)
{
	const void *v = fdt_getprop(blob, node(path), name, len);
	if (!v)
		fail_msg("%s has no %s", path, name);
	return v;
}

static void assert_str(const char *path, const char *name, const char *want)
{
	int len;
	const char *v = prop(path, name, &len);
	assert_int_equal(len, (int)strlen(want) + 1);
	assert_string_equal(v, want);
}

static uint32_t cell(const char *path, const char *name, int i)
{
	int len;
	const fdt32_t *v = prop(path, name, &len);
	assert_true((i + 1) * 4 <= len);
	return fdt32_to_cpu(v[i]);
}

static uint64_t cell64(const char *path, const char *name, int i)
{
	return (uint64_t)cell(path, name, 2 * i) << 32 |
	       cell(path, name, 2 * i + 1);
}

static void build(const struct arm64_fdt_config *c)
{
	long n = arm64_fdt_build(c, blob, sizeof(blob), err, sizeof(err));
	if (n <= 0)
		fail_msg("arm64_fdt_build: %ld: %s", n, err);
	assert_int_equal(fdt_check_full(blob, (size_t)n), 0);
	assert_int_equal(fdt_totalsize(blob), (uint32_t)n);
}

static void test_v3_tree(void **state)
{
	(void)state;
	struct arm64_fdt_config c = good();
	build(&c);
	assert_str("/", "compatible", "linux,dummy-virt");
	assert_int_equal(cell("/", "#address-cells", 0), 2);
	assert_int_equal(cell("/", "interrupt-parent", 0),
			 cell("/intc@8000000", "phandle", 0));
	/* memory */
	assert_str("/memory@40000000", "device_type", "memory");
	assert_int_equal(cell64("/memory@40000000", "reg", 0), ARM64_RAM_BASE);
	assert_int_equal(cell64("/memory@40000000", "reg", 1), 256ull << 20);
	/* CPUs with PSCI */
	assert_str("/cpus/cpu@0", "enable-method", "psci");
	assert_int_equal(cell("/cpus/cpu@1", "reg", 0), 1);
	assert_true(fdt_path_offset(blob, "/cpus/cpu@2") < 0);
	assert_str("/psci", "method", "hvc");
	assert_str("/psci", "compatible", "arm,psci-0.2");
	/* GICv3: distributor, then one redistributor per vCPU */
	assert_str("/intc@8000000", "compatible", "arm,gic-v3");
	assert_int_equal(cell64("/intc@8000000", "reg", 0),
			 ARM64_GIC_DIST_BASE);
	assert_int_equal(cell64("/intc@8000000", "reg", 2),
			 ARM64_GIC_REDIST_BASE);
	assert_int_equal(cell64("/intc@8000000", "reg", 3),
			 2 * ARM64_GIC_REDIST_SIZE);
	assert_int_equal(cell("/intc@8000000", "#interrupt-cells", 0), 3);
	/* timer: 4 PPIs, level high, no CPU mask on a GICv3 */
	assert_int_equal(cell("/timer", "interrupts", 0), 1);
	assert_int_equal(cell("/timer", "interrupts", 1), 13);
	assert_int_equal(cell("/timer", "interrupts", 2), 4);
	assert_int_equal(cell("/timer", "interrupts", 10), 10);
	/* UART, RTC */
	assert_str("/serial@9000000", "compatible", "ns16550a");
	assert_int_equal(cell("/serial@9000000", "interrupts", 1),
			 ARM64_UART_SPI);
	assert_int_equal(cell("/rtc@9010000", "clocks", 0),
			 cell("/apb-pclk", "phandle", 0));
	/* virtio-mmio: edge-triggered SPIs */
	assert_int_equal(cell64("/virtio_mmio@a001000", "reg", 0),
			 ARM64_VIRTIO_BASE + ARM64_VIRTIO_STRIDE);
	assert_int_equal(cell("/virtio_mmio@a001000", "interrupts", 1),
			 ARM64_VIRTIO_SPI + 1);
	assert_int_equal(cell("/virtio_mmio@a001000", "interrupts", 2), 1);
	/* /chosen */
	assert_str("/chosen", "bootargs", "console=ttyS0 panic=-1");
	assert_str("/chosen", "stdout-path", "/serial@9000000");
	assert_int_equal(cell64("/chosen", "linux,initrd-start", 0),
			 c.initrd_start);
	assert_int_equal(cell64("/chosen", "linux,initrd-end", 0),
			 c.initrd_start + 4096);
}

static void test_v2_tree(void **state)
{
	(void)state;
	struct arm64_fdt_config c = good();
	c.gic_version = 2;
	c.ncpus = 8;
	c.initrd_size = 0;
	c.nvirtio = 0;
	c.bootargs = NULL;
	build(&c);
	assert_str("/intc@8000000", "compatible", "arm,cortex-a15-gic");
	assert_int_equal(cell64("/intc@8000000", "reg", 2), ARM64_GIC_CPU_BASE);
	/* the timer's PPIs go to all 8 CPUs */
	assert_int_equal(cell("/timer", "interrupts", 2), 0xff04);
	assert_int_equal(cell("/cpus/cpu@7", "reg", 0), 7);
	assert_true(fdt_path_offset(blob, "/virtio_mmio@a000000") < 0);
	assert_null(
	    fdt_getprop(blob, node("/chosen"), "linux,initrd-start", NULL));
	assert_str("/chosen", "bootargs", "");
}

static void test_mpidr(void **state)
{
	(void)state;
	assert_int_equal(arm64_fdt_mpidr(0), 0);
	assert_int_equal(arm64_fdt_mpidr(15), 15);
	assert_int_equal(arm64_fdt_mpidr(16), 0x100);
	assert_int_equal(arm64_fdt_mpidr(63), 0x30f);
	struct arm64_fdt_config c = good();
	c.ncpus = 64;
	build(&c);
	assert_int_equal(cell("/cpus/cpu@30f", "reg", 0), 0x30f);
	assert_int_equal(cell64("/intc@8000000", "reg", 3),
			 64 * ARM64_GIC_REDIST_SIZE);
}

/* c refused with rc, and a reason that says `word`; no blob written. */
static void refused(const struct arm64_fdt_config *c, int rc, const char *word)
{
	memset(blob, 0xa5, sizeof(blob));
	err[0] = '\0';
	assert_int_equal(
	    arm64_fdt_build(c, blob, sizeof(blob), err, sizeof(err)), rc);
	if (!strstr(err, word))
		fail_msg("reason \"%s\" does not say \"%s\"", err, word);
	assert_int_equal(blob[0], 0xa5);
}

static void test_refusals(void **state)
{
	(void)state;
	struct arm64_fdt_config c = good();
	c.gic_version = 4;
	refused(&c, -EINVAL, "GIC version 4");
	c = good(), c.ncpus = 0;
	refused(&c, -EINVAL, "0 vCPUs");
	c = good(), c.ncpus = 65;
	refused(&c, -EINVAL, "65 vCPUs");
	c = good(), c.gic_version = 2, c.ncpus = 9;
	refused(&c, -EINVAL, "GICv2");
	c = good(), c.mem_base = ARM64_RAM_BASE - 0x1000;
	refused(&c, -EINVAL, "RAM");
	c = good(), c.mem_size = 0;
	refused(&c, -EINVAL, "RAM");
	c = good(), c.mem_base = UINT64_MAX - 0xfff, c.mem_size = 0x2000;
	refused(&c, -EINVAL, "RAM");
	c = good(), c.initrd_start = c.mem_base + c.mem_size - 100;
	refused(&c, -EINVAL, "initrd");
	c = good(), c.initrd_start = UINT64_MAX;
	refused(&c, -EINVAL, "initrd");
	char *big = malloc(ARM64_CMDLINE_MAX + 1);
	assert_non_null(big);
	memset(big, 'x', ARM64_CMDLINE_MAX);
	big[ARM64_CMDLINE_MAX] = '\0';
	c = good(), c.bootargs = big;
	refused(&c, -E2BIG, "command line");
	big[ARM64_CMDLINE_MAX - 1] = '\0';
	build(&c);
	free(big);
	c = good(), c.nvirtio = ARM64_FDT_MAX_VIRTIO + 1;
	refused(&c, -E2BIG, "virtio devices");
	c = good(), c.virtio = NULL;
	refused(&c, -EINVAL, "virtio");
}

static void test_device_refusals(void **state)
{
	(void)state;
	struct arm64_fdt_dev d[2] = {devs[0], devs[1]};
	struct arm64_fdt_config c = good();
	c.virtio = d;
	d[1].base = ARM64_UART_BASE;
	refused(&c, -EINVAL, "outside the virtio window");
	d[1] = devs[1], d[1].base = ARM64_MMIO_END - 0x100;
	refused(&c, -EINVAL, "outside the virtio window");
	d[1] = devs[1], d[1].size = 0;
	refused(&c, -EINVAL, "outside the virtio window");
	d[1] = devs[1], d[1].base = devs[0].base + 0x100;
	refused(&c, -EINVAL, "overlap");
	d[1] = devs[1], d[1].spi = devs[0].spi;
	refused(&c, -EINVAL, "share SPI");
	d[1] = devs[1], d[1].spi = ARM64_UART_SPI;
	refused(&c, -EINVAL, "SPI 1");
	d[1] = devs[1], d[1].spi = ARM64_SPI_COUNT;
	refused(&c, -EINVAL, "SPI 988");
}

static void test_no_space(void **state)
{
	(void)state;
	struct arm64_fdt_config c = good();
	for (size_t cap = 0; cap < 512; cap += 37) {
		err[0] = '\0';
		assert_int_equal(
		    arm64_fdt_build(&c, blob, cap, err, sizeof(err)), -ENOSPC);
		assert_non_null(strstr(err, "does not fit"));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_v3_tree),
	    cmocka_unit_test(test_v2_tree),
	    cmocka_unit_test(test_mpidr),
	    cmocka_unit_test(test_refusals),
	    cmocka_unit_test(test_device_refusals),
	    cmocka_unit_test(test_no_space),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
