/* SPDX-License-Identifier: Apache-2.0 */
#include "vmm/platform/arm64/fdt.h"

#include <errno.h>
#include <inttypes.h>
#include <libfdt.h>
#include <stdio.h>
#include <string.h>

#include "vmm/base/errmsg.h"
#include "vmm/platform/arm64/memmap.h"

/* phandles of the nodes others point at. */
#define FDT_PH_GIC 1u
#define FDT_PH_CLK 2u

/* The GIC's interrupt specifier: type, number, flags. */
#define GIC_SPI		0u
#define GIC_PPI		1u
#define IRQ_EDGE_RISING 1u
#define IRQ_LEVEL_HIGH	4u

/* The architected timer's PPIs: secure and non-secure physical, virtual,
 * hypervisor. */
static const uint32_t fdt_timer_ppis[] = {13, 14, 11, 10};

uint64_t arm64_fdt_mpidr(unsigned index)
{
	return ((uint64_t)(index / 16) << 8) | (index % 16);
}

/* [base, base + size) is non-empty, does not wrap and lies in [lo, hi). */
static int fdt_range_in(uint64_t base, uint64_t size, uint64_t lo, uint64_t hi)
{
	return size && base >= lo && base <= hi && size <= hi - base;
}

static int fdt_check_devs(const struct arm64_fdt_config *c, char *err,
			  size_t errlen)
{
	if (c->nvirtio > ARM64_FDT_MAX_VIRTIO)
		return errmsg(err, errlen, -E2BIG,
			      "%u virtio devices; at most %u fit", c->nvirtio,
			      ARM64_FDT_MAX_VIRTIO);
	if (c->nvirtio && !c->virtio)
		return errmsg(err, errlen, -EINVAL, "no virtio device list");
	for (unsigned i = 0; i < c->nvirtio; i++) {
		const struct arm64_fdt_dev *d = &c->virtio[i];
		if (!fdt_range_in(d->base, d->size, ARM64_VIRTIO_BASE,
				  ARM64_MMIO_END))
			return errmsg(err, errlen, -EINVAL,
				      "virtio device %u at 0x%" PRIx64
				      "+0x%" PRIx64
				      " is outside the virtio window",
				      i, d->base, d->size);
		if (d->spi < ARM64_VIRTIO_SPI || d->spi >= ARM64_SPI_COUNT)
			return errmsg(err, errlen, -EINVAL,
				      "virtio device %u: SPI %u is outside "
				      "%u..%u",
				      i, d->spi, ARM64_VIRTIO_SPI,
				      ARM64_SPI_COUNT - 1);
		for (unsigned j = 0; j < i; j++) {
			const struct arm64_fdt_dev *e = &c->virtio[j];
			if (d->base < e->base + e->size &&
			    e->base < d->base + d->size)
				return errmsg(err, errlen, -EINVAL,
					      "virtio devices %u and %u "
					      "overlap",
					      j, i);
			if (d->spi == e->spi)
				return errmsg(err, errlen, -EINVAL,
					      "virtio devices %u and %u share "
					      "SPI %u",
					      j, i, d->spi);
		}
	}
	return 0;
}

int arm64_fdt_check(const struct arm64_fdt_config *c, char *err, size_t errlen)
{
	if (c->gic_version != 2 && c->gic_version != 3)
		return errmsg(err, errlen, -EINVAL,
			      "GIC version %u; only 2 and 3 exist here",
			      c->gic_version);
	unsigned max =
	    c->gic_version == 2 ? ARM64_GICV2_MAX_CPUS : ARM64_MAX_CPUS;
	if (c->ncpus < 1 || c->ncpus > max)
		return errmsg(err, errlen, -EINVAL,
			      "%u vCPUs; a GICv%u here takes 1 to %u", c->ncpus,
			      c->gic_version, max);
	if (!fdt_range_in(c->mem_base, c->mem_size, ARM64_RAM_BASE,
			  ARM64_RAM_BASE + ARM64_RAM_MAX))
		return errmsg(err, errlen, -EINVAL,
			      "RAM at 0x%" PRIx64 "+0x%" PRIx64
			      " is outside the RAM window",
			      c->mem_base, c->mem_size);
	size_t len = c->bootargs ? strlen(c->bootargs) : 0;
	if (len >= ARM64_CMDLINE_MAX)
		return errmsg(err, errlen, -E2BIG,
			      "the command line is %zu bytes; at most %u fit",
			      len, ARM64_CMDLINE_MAX - 1);
	if (c->initrd_size &&
	    !fdt_range_in(c->initrd_start, c->initrd_size, c->mem_base,
			  c->mem_base + c->mem_size))
		return errmsg(err, errlen, -EINVAL,
			      "the initrd at 0x%" PRIx64 "+0x%" PRIx64
			      " is outside RAM",
			      c->initrd_start, c->initrd_size);
	return fdt_check_devs(c, err, errlen);
}

/* A writer that keeps libfdt's first error, so that the nodes below read
 * as a list of properties. */
struct fdt_w {
	void *fdt;
	int err;
};

static void w_begin(struct fdt_w *w, const char *fmt, uint64_t addr)
{
	char name[64];
	snprintf(name, sizeof(name), fmt, addr);
	if (!w->err)
		w->err = fdt_begin_node(w->fdt, name);
}

static void w_end(struct fdt_w *w)
{
	if (!w->err)
		w->err = fdt_end_node(w->fdt);
}

static void w_prop(struct fdt_w *w, const char *name, const void *v, int len)
{
	if (!w->err)
		w->err = fdt_property(w->fdt, name, v, len);
}

static void w_u32(struct fdt_w *w, const char *name, uint32_t v)
{
	if (!w->err)
		w->err = fdt_property_u32(w->fdt, name, v);
}

static void w_u64(struct fdt_w *w, const char *name, uint64_t v)
{
	if (!w->err)
		w->err = fdt_property_u64(w->fdt, name, v);
}

static void w_str(struct fdt_w *w, const char *name, const char *s)
{
	w_prop(w, name, s, (int)strlen(s) + 1);
}

/* reg = <base size>... in two cells each (the root's #address-cells and
 * #size-cells). */
static void w_reg(struct fdt_w *w, const uint64_t *pairs, unsigned n)
{
	fdt64_t v[4];
	for (unsigned i = 0; i < n && i < 4; i++)
		v[i] = cpu_to_fdt64(pairs[i]);
	w_prop(w, "reg", v, (int)(n * sizeof(v[0])));
}

/* interrupts = <type number flags>, n specifiers. */
static void w_irqs(struct fdt_w *w, const uint32_t (*spec)[3], unsigned n)
{
	fdt32_t v[12];
	for (unsigned i = 0; i < n && i < 4; i++)
		for (unsigned k = 0; k < 3; k++)
			v[i * 3 + k] = cpu_to_fdt32(spec[i][k]);
	w_prop(w, "interrupts", v, (int)(n * 3 * sizeof(v[0])));
}

static void w_spi(struct fdt_w *w, uint32_t spi, uint32_t flags)
{
	const uint32_t spec[1][3] = {{GIC_SPI, spi, flags}};
	w_irqs(w, spec, 1);
}

static void fdt_cpus(struct fdt_w *w, const struct arm64_fdt_config *c)
{
	w_begin(w, "cpus", 0);
	w_u32(w, "#address-cells", 1);
	w_u32(w, "#size-cells", 0);
	for (unsigned i = 0; i < c->ncpus; i++) {
		uint64_t mpidr = arm64_fdt_mpidr(i);
		w_begin(w, "cpu@%" PRIx64, mpidr);
		w_str(w, "device_type", "cpu");
		w_str(w, "compatible", "arm,arm-v8");
		w_str(w, "enable-method", "psci");
		w_u32(w, "reg", (uint32_t)mpidr);
		w_end(w);
	}
	w_end(w);
}

static void fdt_gic(struct fdt_w *w, const struct arm64_fdt_config *c)
{
	w_begin(w, "intc@%" PRIx64, ARM64_GIC_DIST_BASE);
	if (c->gic_version == 3) {
		const uint64_t reg[] = {
		    ARM64_GIC_DIST_BASE, ARM64_GIC_DIST_SIZE,
		    ARM64_GIC_REDIST_BASE, ARM64_GIC_REDIST_SIZE * c->ncpus};
		w_str(w, "compatible", "arm,gic-v3");
		w_reg(w, reg, 4);
	} else {
		const uint64_t reg[] = {ARM64_GIC_DIST_BASE, 0x1000,
					ARM64_GIC_CPU_BASE, ARM64_GIC_CPU_SIZE};
		w_str(w, "compatible", "arm,cortex-a15-gic");
		w_reg(w, reg, 4);
	}
	w_u32(w, "#interrupt-cells", 3);
	w_prop(w, "interrupt-controller", NULL, 0);
	w_u32(w, "#address-cells", 2);
	w_u32(w, "#size-cells", 2);
	w_u32(w, "phandle", FDT_PH_GIC);
	w_end(w);
}

static void fdt_timer(struct fdt_w *w, const struct arm64_fdt_config *c)
{
	/* A GICv2 PPI names the CPUs it goes to in bits 8..15. */
	uint32_t flags = IRQ_LEVEL_HIGH;
	if (c->gic_version == 2)
		flags |= ((1u << c->ncpus) - 1) << 8;
	uint32_t spec[4][3];
	for (unsigned i = 0; i < 4; i++) {
		spec[i][0] = GIC_PPI;
		spec[i][1] = fdt_timer_ppis[i];
		spec[i][2] = flags;
	}
	w_begin(w, "timer", 0);
	w_str(w, "compatible", "arm,armv8-timer");
	w_irqs(w, (const uint32_t(*)[3])spec, 4);
	w_prop(w, "always-on", NULL, 0);
	w_end(w);
}

/* The UART, the PL031 RTC and the APB clock the PL031 names. */
static void fdt_uart_rtc(struct fdt_w *w)
{
	w_begin(w, "apb-pclk", 0);
	w_str(w, "compatible", "fixed-clock");
	w_u32(w, "#clock-cells", 0);
	w_u32(w, "clock-frequency", 24000000);
	w_str(w, "clock-output-names", "clk24mhz");
	w_u32(w, "phandle", FDT_PH_CLK);
	w_end(w);

	const uint64_t ureg[] = {ARM64_UART_BASE, ARM64_UART_SIZE};
	w_begin(w, "serial@%" PRIx64, ARM64_UART_BASE);
	w_str(w, "compatible", "ns16550a");
	w_reg(w, ureg, 2);
	w_spi(w, ARM64_UART_SPI, IRQ_LEVEL_HIGH);
	w_u32(w, "clock-frequency", ARM64_UART_CLOCK);
	w_end(w);

	/* compatible is a string list: "arm,pl031" then "arm,primecell". */
	static const char rtc_compat[] = "arm,pl031\0arm,primecell";
	const uint64_t rreg[] = {ARM64_RTC_BASE, ARM64_RTC_SIZE};
	w_begin(w, "rtc@%" PRIx64, ARM64_RTC_BASE);
	w_prop(w, "compatible", rtc_compat, sizeof(rtc_compat));
	w_reg(w, rreg, 2);
	w_spi(w, ARM64_RTC_SPI, IRQ_LEVEL_HIGH);
	w_u32(w, "clocks", FDT_PH_CLK);
	w_str(w, "clock-names", "apb_pclk");
	w_end(w);
}

static void fdt_virtio(struct fdt_w *w, const struct arm64_fdt_config *c)
{
	for (unsigned i = 0; i < c->nvirtio; i++) {
		const struct arm64_fdt_dev *d = &c->virtio[i];
		const uint64_t reg[] = {d->base, d->size};
		w_begin(w, "virtio_mmio@%" PRIx64, d->base);
		w_str(w, "compatible", "virtio,mmio");
		w_reg(w, reg, 2);
		/* The device raises its interrupt as an edge (irqfd). */
		w_spi(w, d->spi, IRQ_EDGE_RISING);
		w_prop(w, "dma-coherent", NULL, 0);
		w_end(w);
	}
}

static void fdt_chosen(struct fdt_w *w, const struct arm64_fdt_config *c)
{
	char path[32];
	snprintf(path, sizeof(path), "/serial@%llx", ARM64_UART_BASE);
	w_begin(w, "chosen", 0);
	w_str(w, "bootargs", c->bootargs ? c->bootargs : "");
	w_str(w, "stdout-path", path);
	if (c->initrd_size) {
		w_u64(w, "linux,initrd-start", c->initrd_start);
		w_u64(w, "linux,initrd-end", c->initrd_start + c->initrd_size);
	}
	w_end(w);
}

static void fdt_tree(struct fdt_w *w, const struct arm64_fdt_config *c)
{
	const uint64_t mreg[] = {c->mem_base, c->mem_size};
	w_begin(w, "", 0);
	w_str(w, "compatible", "linux,dummy-virt");
	w_str(w, "model", "vmm");
	w_u32(w, "#address-cells", 2);
	w_u32(w, "#size-cells", 2);
	w_u32(w, "interrupt-parent", FDT_PH_GIC);
	fdt_chosen(w, c);
	w_begin(w, "memory@%" PRIx64, c->mem_base);
	w_str(w, "device_type", "memory");
	w_reg(w, mreg, 2);
	w_end(w);
	fdt_cpus(w, c);
	w_begin(w, "psci", 0);
	w_str(w, "compatible", "arm,psci-0.2");
	w_str(w, "method", "hvc");
	w_end(w);
	fdt_gic(w, c);
	fdt_timer(w, c);
	fdt_uart_rtc(w);
	fdt_virtio(w, c);
	w_end(w);
}

long arm64_fdt_build(const struct arm64_fdt_config *c, void *buf, size_t cap,
		     char *err, size_t errlen)
{
	int r = arm64_fdt_check(c, err, errlen);
	if (r)
		return r;
	if (cap > ARM64_FDT_MAX)
		cap = ARM64_FDT_MAX;
	struct fdt_w w = {.fdt = buf};
	w.err = fdt_create(buf, (int)cap);
	if (!w.err)
		w.err = fdt_finish_reservemap(buf);
	fdt_tree(&w, c);
	if (!w.err)
		w.err = fdt_finish(buf);
	if (!w.err)
		w.err = fdt_check_full(buf, cap);
	if (w.err == -FDT_ERR_NOSPACE)
		return errmsg(err, errlen, -ENOSPC,
			      "the device tree does not fit in %zu bytes", cap);
	if (w.err)
		return errmsg(err, errlen, -EINVAL,
			      "writing the device tree: %s",
			      fdt_strerror(w.err));
	return (long)fdt_totalsize(buf);
}
