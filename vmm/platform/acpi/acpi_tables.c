/* SPDX-License-Identifier: Apache-2.0 */
/*
 * RSDP, XSDT, FADT, MADT and the DSDT's header. See acpi_tables.h for what
 * they say and where they go. Everything is built in a host buffer that
 * mirrors the guest area, checksummed, then copied in one gm_write.
 */
#include "vmm/platform/acpi/acpi_tables.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "devices/acpi_pm.h"
#include "vmm/base/layout.h"
#include "vmm/platform/acpi/acpi_spec.h"
#include "vmm/platform/acpi/dsdt.h"

#define ACPI_OEM_ID	   "VMM   " /* 6 bytes */
#define ACPI_CREATOR_ID	   "VMM "   /* 4 bytes */
#define ACPI_HYPERVISOR_ID "VMM"    /* FADT hypervisor vendor identity */
#define ACPI_ALIGN	   16
#define ACPI_4G		   0x100000000ULL

/* Table revisions: ACPI 6.5. */
#define ACPI_XSDT_REVISION 1
#define ACPI_FADT_REVISION 6
#define ACPI_FADT_MINOR	   5
#define ACPI_MADT_REVISION 5
#define ACPI_DSDT_REVISION 2 /* 64-bit AML integers */

#define ACPI_XSDT_ENTRIES 2    /* FADT, MADT */
#define ACPI_RTC_CENTURY  0x32 /* CMOS index of devices/rtc.c's century */
#define ACPI_LINT_NMI	  1    /* LINT1 */

static size_t acpi_align(size_t n)
{
	return (n + ACPI_ALIGN - 1) & ~(size_t)(ACPI_ALIGN - 1);
}

uint8_t acpi_tables_checksum(const uint8_t *buf, size_t len)
{
	uint8_t sum = 0;
	for (size_t i = 0; i < len; i++)
		sum = (uint8_t)(sum + buf[i]);
	return (uint8_t)-sum;
}

/* The header of the table at t, with table id "VMM" + signature. */
static void acpi_header(uint8_t *t, const char sig[4], uint32_t len,
			uint8_t revision)
{
	struct acpi_header h = {.length = len,
				.revision = revision,
				.oem_revision = 1,
				.creator_revision = 1};
	memcpy(h.signature, sig, 4);
	memcpy(h.oem_id, ACPI_OEM_ID, sizeof(h.oem_id));
	memcpy(h.oem_table_id, "VMM", 3);
	memcpy(h.oem_table_id + 3, sig, 4);
	h.oem_table_id[7] = ' ';
	memcpy(h.creator_id, ACPI_CREATOR_ID, sizeof(h.creator_id));
	memcpy(t, &h, sizeof(h));
}

/* Set the checksum of the finished table at t (its length is in it). */
static void acpi_seal(uint8_t *t)
{
	struct acpi_header h;
	memcpy(&h, t, sizeof(h));
	t[offsetof(struct acpi_header, checksum)] =
	    acpi_tables_checksum(t, h.length);
}

static int acpi_check(const struct acpi_platform *p, uint64_t base)
{
	if (!p || p->ncpus == 0 || p->ncpus > ACPI_MAX_CPUS ||
	    p->nmmio > ACPI_MAX_MMIO_DEVS || (p->nmmio && !p->mmio) ||
	    base % ACPI_ALIGN)
		return -EINVAL;
	for (unsigned i = 0; i < p->nmmio; i++) {
		const struct acpi_mmio_dev *d = &p->mmio[i];
		if (d->size == 0 || d->base >= ACPI_4G ||
		    d->size > ACPI_4G - d->base || d->irq >= ACPI_IOAPIC_PINS)
			return -EINVAL;
	}
	return 0;
}

static void acpi_rsdp(uint8_t *t, uint64_t xsdt)
{
	struct acpi_rsdp r = {
	    .revision = 2, .length = sizeof(r), .xsdt_address = xsdt};
	memcpy(r.signature, "RSD PTR ", sizeof(r.signature));
	memcpy(r.oem_id, ACPI_OEM_ID, sizeof(r.oem_id));
	memcpy(t, &r, sizeof(r));
	t[offsetof(struct acpi_rsdp, checksum)] =
	    acpi_tables_checksum(t, ACPI_RSDP_V1_LEN);
	t[offsetof(struct acpi_rsdp, ext_checksum)] =
	    acpi_tables_checksum(t, sizeof(r));
}

static void acpi_xsdt(uint8_t *t, const uint64_t *entries, unsigned n)
{
	uint32_t len = (uint32_t)(sizeof(struct acpi_header) + n * 8);
	acpi_header(t, "XSDT", len, ACPI_XSDT_REVISION);
	memcpy(t + sizeof(struct acpi_header), entries, n * 8);
	acpi_seal(t);
}

static struct acpi_gas acpi_io_reg(unsigned off)
{
	return (struct acpi_gas){.space_id = ACPI_GAS_SYSTEM_IO,
				 .bit_width = 8,
				 .access_size = ACPI_GAS_ACCESS_BYTE,
				 .address = LAYOUT_ACPI_PM_PORT + off};
}

static void acpi_fadt(uint8_t *t, uint64_t dsdt)
{
	struct acpi_fadt f = {
	    .dsdt = (uint32_t)dsdt, /* below 4 GiB: acpi_tables_build */
	    .x_dsdt = dsdt,
	    .century = ACPI_RTC_CENTURY,
	    .iapc_boot_arch = ACPI_FADT_BOOT_LEGACY_DEVICES |
			      ACPI_FADT_BOOT_8042 | ACPI_FADT_BOOT_NO_VGA |
			      ACPI_FADT_BOOT_NO_MSI | ACPI_FADT_BOOT_NO_ASPM,
	    .flags = ACPI_FADT_F_WBINVD | ACPI_FADT_F_PWR_BUTTON |
		     ACPI_FADT_F_SLP_BUTTON | ACPI_FADT_F_RESET_REG_SUP |
		     ACPI_FADT_F_HW_REDUCED_ACPI,
	    .reset_reg = acpi_io_reg(ACPI_PM_RESET),
	    .reset_value = ACPI_PM_RESET_VALUE,
	    .minor_version = ACPI_FADT_MINOR,
	    .sleep_control_reg = acpi_io_reg(ACPI_PM_SLEEP_CONTROL),
	    .sleep_status_reg = acpi_io_reg(ACPI_PM_SLEEP_STATUS),
	};
	memcpy(&f.hypervisor_vendor_id, ACPI_HYPERVISOR_ID,
	       sizeof(ACPI_HYPERVISOR_ID) - 1);
	memcpy(t, &f, sizeof(f));
	acpi_header(t, "FACP", sizeof(f), ACPI_FADT_REVISION);
	acpi_seal(t);
}

static uint32_t acpi_madt_len(unsigned ncpus)
{
	return (uint32_t)(sizeof(struct acpi_madt) +
			  ncpus * sizeof(struct acpi_madt_lapic) +
			  sizeof(struct acpi_madt_ioapic) +
			  sizeof(struct acpi_madt_lapic_nmi));
}

static void acpi_madt(uint8_t *t, unsigned ncpus)
{
	uint32_t len = acpi_madt_len(ncpus);
	struct acpi_madt m = {.lapic_address = (uint32_t)LAYOUT_LAPIC,
			      .flags = ACPI_MADT_PCAT_COMPAT};
	size_t off = sizeof(m);
	memcpy(t, &m, sizeof(m));
	for (unsigned i = 0; i < ncpus; i++) {
		struct acpi_madt_lapic l = {.type = ACPI_MADT_LAPIC,
					    .length = sizeof(l),
					    .processor_uid = (uint8_t)i,
					    .apic_id = (uint8_t)i,
					    .flags = ACPI_MADT_ENABLED};
		memcpy(t + off, &l, sizeof(l));
		off += sizeof(l);
	}
	struct acpi_madt_ioapic io = {.type = ACPI_MADT_IOAPIC,
				      .length = sizeof(io),
				      .ioapic_id = (uint8_t)ncpus,
				      .address = (uint32_t)LAYOUT_IOAPIC,
				      .gsi_base = 0};
	memcpy(t + off, &io, sizeof(io));
	off += sizeof(io);
	struct acpi_madt_lapic_nmi nmi = {.type = ACPI_MADT_LAPIC_NMI,
					  .length = sizeof(nmi),
					  .processor_uid = ACPI_ALL_PROCESSORS,
					  .flags = 0,
					  .lint = ACPI_LINT_NMI};
	memcpy(t + off, &nmi, sizeof(nmi));
	acpi_header(t, "APIC", len, ACPI_MADT_REVISION);
	acpi_seal(t);
}

/* The DSDT at img + off: header, then the AML. Sets *len. */
static int acpi_dsdt(const struct acpi_platform *p, uint8_t *img, size_t cap,
		     size_t off, uint32_t *len)
{
	const size_t hlen = sizeof(struct acpi_header);
	if (off > cap || cap - off < hlen)
		return -ENOSPC;
	struct aml a;
	size_t body;
	aml_init(&a, img + off + hlen, cap - off - hlen);
	dsdt_aml(&a, p);
	int r = aml_finish(&a, &body);
	if (r)
		return r;
	if (body > UINT32_MAX - hlen)
		return -ENOSPC;
	*len = (uint32_t)(hlen + body);
	acpi_header(img + off, "DSDT", *len, ACPI_DSDT_REVISION);
	acpi_seal(img + off);
	return 0;
}

int acpi_tables_build(const struct acpi_platform *p, uint64_t base,
		      uint8_t *img, size_t cap, struct acpi_layout *out)
{
	int r = acpi_check(p, base);
	if (r)
		return r;
	memset(img, 0, cap);
	struct acpi_layout l = {
	    .xsdt_len =
		(uint32_t)(sizeof(struct acpi_header) + ACPI_XSDT_ENTRIES * 8),
	    .fadt_len = sizeof(struct acpi_fadt),
	    .madt_len = acpi_madt_len(p->ncpus),
	};
	size_t xsdt = acpi_align(sizeof(struct acpi_rsdp));
	size_t fadt = acpi_align(xsdt + l.xsdt_len);
	size_t madt = acpi_align(fadt + l.fadt_len);
	size_t dsdt = acpi_align(madt + l.madt_len);
	if (dsdt > cap)
		return -ENOSPC;
	r = acpi_dsdt(p, img, cap, dsdt, &l.dsdt_len);
	if (r)
		return r;
	l.rsdp = base;
	l.xsdt = base + xsdt;
	l.fadt = base + fadt;
	l.madt = base + madt;
	l.dsdt = base + dsdt;
	l.end = l.dsdt + l.dsdt_len;
	if (base >= ACPI_4G || l.end > ACPI_4G)
		return -EINVAL; /* RSDP and FADT hold 32-bit addresses too */

	const uint64_t entries[ACPI_XSDT_ENTRIES] = {l.fadt, l.madt};
	acpi_madt(img + madt, p->ncpus);
	acpi_fadt(img + fadt, l.dsdt);
	acpi_xsdt(img + xsdt, entries, ACPI_XSDT_ENTRIES);
	acpi_rsdp(img, l.xsdt);
	*out = l;
	return 0;
}

int acpi_tables_write(const struct guest_mem *gm, const struct acpi_platform *p,
		      struct acpi_layout *out)
{
	const size_t cap = LAYOUT_ACPI_END - LAYOUT_ACPI;
	uint8_t *img = malloc(cap);
	if (!img)
		return -ENOMEM;
	int r = acpi_tables_build(p, LAYOUT_ACPI, img, cap, out);
	if (!r && gm_write(gm, LAYOUT_ACPI, img, cap))
		r = -EFAULT;
	free(img);
	return r;
}
