/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for the ACPI tables (vmm/platform/acpi/acpi_tables.c, dsdt.c):
 * every checksum and length, the pointers between tables, the FADT's fields,
 * the MADT's entries, the DSDT's devices, and bad input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "devices/acpi_pm.h"
#include "devices/pvpanic.h"
#include "tests/guest/power.h"
#include "tests/support/test_util.h"
#include "vmm/base/layout.h"
#include "vmm/platform/acpi/acpi_spec.h"
#include "vmm/platform/acpi/acpi_tables.h"

#define BASE LAYOUT_ACPI
#define CAP  (LAYOUT_ACPI_END - LAYOUT_ACPI)

static const struct acpi_mmio_dev three[] = {
    {0xd0000000, 0x1000, 5},
    {0xd0001000, 0x1000, 6},
    {0xd0002000, 0x1000, 16},
};

static uint8_t *at(uint8_t *img, uint64_t gpa)
{
	assert_true(gpa >= BASE && gpa < BASE + CAP);
	return img + (gpa - BASE);
}

static uint8_t sum(const uint8_t *p, size_t n)
{
	uint8_t s = 0;
	for (size_t i = 0; i < n; i++)
		s = (uint8_t)(s + p[i]);
	return s;
}

/* Signature, length, revision and checksum of the table at gpa. */
static struct acpi_header check_table(uint8_t *img, uint64_t gpa,
				      const char *sig, uint32_t len,
				      uint8_t rev)
{
	struct acpi_header h;
	assert_int_equal(gpa % 16, 0);
	memcpy(&h, at(img, gpa), sizeof(h));
	assert_memory_equal(h.signature, sig, 4);
	assert_int_equal(h.length, len);
	assert_int_equal(h.revision, rev);
	assert_memory_equal(h.oem_id, "VMM   ", 6);
	assert_int_equal(sum(at(img, gpa), h.length), 0);
	return h;
}

/* How often the nl bytes at needle occur in p[0..n). */
static size_t count_bytes(const uint8_t *p, size_t n, const void *needle,
			  size_t nl)
{
	size_t k = 0;
	for (size_t i = 0; i + nl <= n; i++)
		k += memcmp(p + i, needle, nl) == 0;
	return k;
}

static size_t count(const uint8_t *p, size_t n, const char *needle)
{
	return count_bytes(p, n, needle, strlen(needle));
}

static uint8_t *build(const struct acpi_platform *p, struct acpi_layout *l)
{
	uint8_t *img = malloc(CAP);
	assert_non_null(img);
	assert_int_equal(acpi_tables_build(p, BASE, img, CAP, l), 0);
	return img;
}

static void test_rsdp_xsdt(void **state)
{
	struct acpi_platform p = {.ncpus = 2, .mmio = three, .nmmio = 3};
	struct acpi_layout l;
	uint8_t *img = build(&p, &l);
	(void)state;

	assert_int_equal(l.rsdp, LAYOUT_ACPI);
	struct acpi_rsdp r;
	memcpy(&r, img, sizeof(r));
	assert_memory_equal(r.signature, "RSD PTR ", 8);
	assert_int_equal(r.revision, 2);
	assert_int_equal(r.length, 36);
	assert_int_equal(r.rsdt_address, 0);
	assert_int_equal(r.xsdt_address, l.xsdt);
	assert_int_equal(sum(img, 20), 0);
	assert_int_equal(sum(img, 36), 0);

	check_table(img, l.xsdt, "XSDT", l.xsdt_len, 1);
	assert_int_equal(l.xsdt_len, 36 + 2 * 8);
	uint64_t e[2];
	memcpy(e, at(img, l.xsdt) + 36, sizeof(e));
	assert_int_equal(e[0], l.fadt);
	assert_int_equal(e[1], l.madt);
	/* In order, non-overlapping, inside the area. */
	assert_true(l.rsdp + 36 <= l.xsdt && l.xsdt + l.xsdt_len <= l.fadt);
	assert_true(l.fadt + l.fadt_len <= l.madt);
	assert_true(l.madt + l.madt_len <= l.dsdt);
	assert_int_equal(l.end, l.dsdt + l.dsdt_len);
	assert_true(l.end <= LAYOUT_ACPI_END);
	/* Nothing after the DSDT. */
	for (uint64_t g = l.end; g < BASE + CAP; g++)
		assert_int_equal(*at(img, g), 0);
	free(img);
}

static void check_gas_io(const struct acpi_gas *g, uint64_t port)
{
	assert_int_equal(g->space_id, ACPI_GAS_SYSTEM_IO);
	assert_int_equal(g->bit_width, 8);
	assert_int_equal(g->bit_offset, 0);
	assert_int_equal(g->access_size, ACPI_GAS_ACCESS_BYTE);
	assert_int_equal(g->address, port);
}

static void test_fadt(void **state)
{
	struct acpi_platform p = {.ncpus = 1};
	struct acpi_layout l;
	uint8_t *img = build(&p, &l);
	(void)state;

	check_table(img, l.fadt, "FACP", 276, 6);
	struct acpi_fadt f;
	memcpy(&f, at(img, l.fadt), sizeof(f));
	assert_int_equal(f.minor_version, 5);
	assert_int_equal(f.x_dsdt, l.dsdt);
	assert_int_equal(f.dsdt, l.dsdt);
	assert_int_equal(f.firmware_ctrl, 0);
	assert_int_equal(f.x_firmware_ctrl, 0);
	assert_true(f.flags & ACPI_FADT_F_HW_REDUCED_ACPI);
	assert_true(f.flags & ACPI_FADT_F_RESET_REG_SUP);
	assert_true(f.flags & ACPI_FADT_F_PWR_BUTTON);
	assert_true(f.flags & ACPI_FADT_F_SLP_BUTTON);
	assert_int_equal(f.iapc_boot_arch,
			 ACPI_FADT_BOOT_LEGACY_DEVICES | ACPI_FADT_BOOT_8042 |
			     ACPI_FADT_BOOT_NO_VGA | ACPI_FADT_BOOT_NO_MSI |
			     ACPI_FADT_BOOT_NO_ASPM);
	/* Hardware-reduced: no SCI, no fixed register blocks. */
	assert_int_equal(f.sci_int, 0);
	assert_int_equal(f.smi_cmd, 0);
	assert_int_equal(f.pm1a_evt_blk, 0);
	assert_int_equal(f.pm1a_cnt_blk, 0);
	assert_int_equal(f.pm_tmr_blk, 0);
	assert_int_equal(f.x_pm1a_cnt_blk.address, 0);
	check_gas_io(&f.sleep_control_reg,
		     LAYOUT_ACPI_PM_PORT + ACPI_PM_SLEEP_CONTROL);
	check_gas_io(&f.sleep_status_reg,
		     LAYOUT_ACPI_PM_PORT + ACPI_PM_SLEEP_STATUS);
	check_gas_io(&f.reset_reg, LAYOUT_ACPI_PM_PORT + ACPI_PM_RESET);
	assert_int_equal(f.reset_value, ACPI_PM_RESET_VALUE);
	assert_int_equal(f.century, 0x32);
	assert_memory_equal(&f.hypervisor_vendor_id, "VMM\0\0\0\0\0", 8);
	free(img);
}

static void test_madt(void **state)
{
	(void)state;
	for (unsigned n = 1; n <= 64; n = n * 2 + 1) {
		struct acpi_platform p = {.ncpus = n};
		struct acpi_layout l;
		uint8_t *img = build(&p, &l);
		uint32_t len = 44 + 8 * n + 12 + 6;
		check_table(img, l.madt, "APIC", len, 5);
		struct acpi_madt m;
		memcpy(&m, at(img, l.madt), sizeof(m));
		assert_int_equal(m.lapic_address, LAYOUT_LAPIC);
		assert_int_equal(m.flags, ACPI_MADT_PCAT_COMPAT);
		const uint8_t *e = at(img, l.madt) + sizeof(m);
		for (unsigned i = 0; i < n; i++, e += 8) {
			struct acpi_madt_lapic la;
			memcpy(&la, e, sizeof(la));
			assert_int_equal(la.type, ACPI_MADT_LAPIC);
			assert_int_equal(la.length, 8);
			assert_int_equal(la.processor_uid, i);
			assert_int_equal(la.apic_id, i);
			assert_int_equal(la.flags, ACPI_MADT_ENABLED);
		}
		struct acpi_madt_ioapic io;
		memcpy(&io, e, sizeof(io));
		assert_int_equal(io.type, ACPI_MADT_IOAPIC);
		assert_int_equal(io.length, 12);
		assert_int_equal(io.ioapic_id, n);
		assert_int_equal(io.address, LAYOUT_IOAPIC);
		assert_int_equal(io.gsi_base, 0);
		e += 12;
		struct acpi_madt_lapic_nmi nmi;
		memcpy(&nmi, e, sizeof(nmi));
		assert_int_equal(nmi.type, ACPI_MADT_LAPIC_NMI);
		assert_int_equal(nmi.length, 6);
		assert_int_equal(nmi.processor_uid, 0xff);
		assert_int_equal(nmi.flags, 0);
		assert_int_equal(nmi.lint, 1);
		assert_int_equal(e + 6 - at(img, l.madt), len);
		free(img);
	}
}

/* The DSDT: _S5, COM1, the power button, pvpanic, one LNRO0005 per
 * device with its base, length and IRQ in Memory32Fixed and Interrupt
 * descriptors. */
static void test_dsdt(void **state)
{
	struct acpi_platform p = {.ncpus = 2, .mmio = three, .nmmio = 3};
	struct acpi_layout l;
	uint8_t *img = build(&p, &l);
	(void)state;

	check_table(img, l.dsdt, "DSDT", l.dsdt_len, 2);
	const uint8_t *d = at(img, l.dsdt);
	size_t n = l.dsdt_len;
	assert_int_equal(count(d, n, "LNRO0005"), 3);
	assert_int_equal(count(d, n, "_S5_"), 1);
	assert_int_equal(count(d, n, "PWRB"), 1);
	assert_int_equal(count(d, n, "COM1"), 1);
	for (unsigned i = 0; i < 3; i++) {
		char name[5] = {'V', '0', '0', (char)('0' + i), 0};
		assert_int_equal(count(d, n, name), 1);
		uint8_t mem[12] = {0x86, 0x09, 0x00, 0x01};
		memcpy(mem + 4, &(uint32_t){(uint32_t)three[i].base}, 4);
		memcpy(mem + 8, &three[i].size, 4);
		uint8_t irq[9] = {0x89, 0x06, 0x00, 0x03, 0x01};
		memcpy(irq + 5, &three[i].irq, 4);
		uint8_t both[21];
		memcpy(both, mem, 12);
		memcpy(both + 12, irq, 9);
		assert_int_equal(count_bytes(d, n, both, sizeof(both)), 1);
	}
	/* \_S5: Package (4) {5, 0, 0, 0}. */
	static const uint8_t s5[] = {0x08,
				     0x5c,
				     '_',
				     'S',
				     '5',
				     '_',
				     0x12,
				     0x07,
				     0x04,
				     0x0a,
				     ACPI_PM_SLP_TYP_S5,
				     0x00,
				     0x00,
				     0x00};
	assert_memory_equal(d + 36, s5, sizeof(s5));
	/* COM1's resources: IO 0x3f8/8 and IRQ 4. */
	static const uint8_t com1[] = {0x47, 0x01, 0xf8, 0x03, 0xf8, 0x03,
				       0x01, 0x08, 0x22, 0x10, 0x00, 0x79};
	assert_int_equal(count_bytes(d, n, com1, sizeof(com1)), 1);
	/* pvpanic: PEVT, _HID "QEMU0001", _CRS IO 0x505/1 and nothing else. */
	assert_int_equal(count(d, n, "PEVT"), 1);
	assert_int_equal(count(d, n, "QEMU0001"), 1);
	static const uint8_t pevt[] = {0x47, 0x01, 0x05, 0x05, 0x05,
				       0x05, 0x01, 0x01, 0x79, 0x00};
	assert_int_equal(count_bytes(d, n, pevt, sizeof(pevt)), 1);
	assert_int_equal(LAYOUT_PVPANIC_PORT, 0x505);
	assert_int_equal(PVPANIC_RANGE_LEN, 1);
	free(img);
}

static void test_largest(void **state)
{
	struct acpi_mmio_dev devs[ACPI_MAX_MMIO_DEVS];
	(void)state;
	for (unsigned i = 0; i < ACPI_MAX_MMIO_DEVS; i++)
		devs[i] = (struct acpi_mmio_dev){0xd0000000 + i * 0x1000,
						 0x1000, 5 + i % 19};
	struct acpi_platform p = {
	    .ncpus = ACPI_MAX_CPUS, .mmio = devs, .nmmio = ACPI_MAX_MMIO_DEVS};
	struct acpi_layout l;
	uint8_t *img = build(&p, &l);
	check_table(img, l.dsdt, "DSDT", l.dsdt_len, 2);
	assert_int_equal(count(at(img, l.dsdt), l.dsdt_len, "LNRO0005"),
			 ACPI_MAX_MMIO_DEVS);
	assert_true(l.end <= LAYOUT_ACPI_END);
	free(img);
}

static void test_bad_input(void **state)
{
	uint8_t *img = malloc(CAP);
	struct acpi_layout l;
	struct acpi_mmio_dev d = {0xd0000000, 0x1000, 5};
	struct acpi_platform p = {.ncpus = 1, .mmio = &d, .nmmio = 1};
	(void)state;
	assert_non_null(img);

	assert_int_equal(acpi_tables_build(&p, BASE, img, CAP, &l), 0);
	assert_int_equal(acpi_tables_build(NULL, BASE, img, CAP, &l), -EINVAL);
	assert_int_equal(acpi_tables_build(&p, BASE + 8, img, CAP, &l),
			 -EINVAL);
	assert_int_equal(acpi_tables_build(&p, 0x100000000ULL, img, CAP, &l),
			 -EINVAL);
	p.ncpus = 0;
	assert_int_equal(acpi_tables_build(&p, BASE, img, CAP, &l), -EINVAL);
	p.ncpus = ACPI_MAX_CPUS + 1;
	assert_int_equal(acpi_tables_build(&p, BASE, img, CAP, &l), -EINVAL);
	p.ncpus = 1;
	d.irq = ACPI_IOAPIC_PINS;
	assert_int_equal(acpi_tables_build(&p, BASE, img, CAP, &l), -EINVAL);
	d.irq = 5;
	d.base = 0xfffff000;
	d.size = 0x2000; /* past 4 GiB */
	assert_int_equal(acpi_tables_build(&p, BASE, img, CAP, &l), -EINVAL);
	d.size = 0;
	assert_int_equal(acpi_tables_build(&p, BASE, img, CAP, &l), -EINVAL);
	d = (struct acpi_mmio_dev){0xd0000000, 0x1000, 5};
	p.mmio = NULL;
	assert_int_equal(acpi_tables_build(&p, BASE, img, CAP, &l), -EINVAL);
	p.mmio = &d;
	p.nmmio = ACPI_MAX_MMIO_DEVS + 1;
	assert_int_equal(acpi_tables_build(&p, BASE, img, CAP, &l), -EINVAL);
	p.nmmio = 1;

	/* Every capacity short of the tables fails cleanly. */
	assert_int_equal(acpi_tables_build(&p, BASE, img, CAP, &l), 0);
	size_t need = l.end - BASE;
	for (size_t cap = 0; cap < need; cap++)
		assert_int_equal(acpi_tables_build(&p, BASE, img, cap, &l),
				 -ENOSPC);
	assert_int_equal(acpi_tables_build(&p, BASE, img, need, &l), 0);
	free(img);
}

/* In guest memory: the RSDP is where Linux's legacy scan finds it (a
 * 16-byte boundary in 0xe0000-0xfffff with a valid checksum). */
static void test_write(void **state)
{
	struct guest_mem gm;
	struct acpi_platform p = {.ncpus = 4, .mmio = three, .nmmio = 3};
	struct acpi_layout l;
	(void)state;

	tu_mem_init(&gm, 16);
	assert_int_equal(acpi_tables_write(&gm, &p, &l), 0);
	uint64_t found = 0;
	for (uint64_t g = 0xe0000; g < 0x100000 && !found; g += 16) {
		uint8_t b[36];
		assert_int_equal(gm_read(&gm, g, b, sizeof(b)), 0);
		if (memcmp(b, "RSD PTR ", 8) == 0 && sum(b, 20) == 0 &&
		    sum(b, 36) == 0)
			found = g;
	}
	assert_int_equal(found, l.rsdp);
	struct acpi_header h;
	assert_int_equal(gm_read(&gm, l.dsdt, &h, sizeof(h)), 0);
	assert_memory_equal(h.signature, "DSDT", 4);
	gm_destroy(&gm);

	/* No RAM there: -EFAULT. */
	gm_init(&gm);
	assert_int_equal(acpi_tables_write(&gm, &p, &l), -EFAULT);
	gm_destroy(&gm);
}

/* What the test guest assumes instead of reading it (tests/guest/power.h):
 * \_S5's SLP_TYP, the FADT and GAS offsets, the pvpanic port. The DSDT's
 * \_S5 must give the guest's SLP_TYP. */
static void test_guest_assumptions(void **state)
{
	struct acpi_platform p = {.ncpus = 1};
	struct acpi_layout l;
	uint8_t *img = build(&p, &l);
	(void)state;

	assert_int_equal(PW_SLP_TYP_S5, ACPI_PM_SLP_TYP_S5);
	assert_int_equal(PW_SLP_TYP_SHIFT, ACPI_PM_SLP_TYP_SHIFT);
	assert_int_equal(PW_SLP_EN, ACPI_PM_SLP_EN);
	static const uint8_t s5[] = {0x08, 0x5c, '_', 'S', '5', '_', 0x12,
				     0x07, 0x04, 0x0a, PW_SLP_TYP_S5};
	assert_memory_equal(at(img, l.dsdt) + 36, s5, sizeof(s5));
	assert_int_equal(PW_FADT_OFF_FLAGS, offsetof(struct acpi_fadt, flags));
	assert_int_equal(PW_FADT_OFF_RESET_REG,
			 offsetof(struct acpi_fadt, reset_reg));
	assert_int_equal(PW_FADT_OFF_RESET_VALUE,
			 offsetof(struct acpi_fadt, reset_value));
	assert_int_equal(PW_FADT_OFF_SLEEP_CONTROL,
			 offsetof(struct acpi_fadt, sleep_control_reg));
	assert_int_equal(PW_FADT_F_RESET_REG_SUP, ACPI_FADT_F_RESET_REG_SUP);
	assert_int_equal(PW_GAS_LEN, sizeof(struct acpi_gas));
	assert_int_equal(PW_GAS_OFF_WIDTH,
			 offsetof(struct acpi_gas, bit_width));
	assert_int_equal(PW_GAS_OFF_BIT,
			 offsetof(struct acpi_gas, bit_offset));
	assert_int_equal(PW_GAS_OFF_ADDRESS,
			 offsetof(struct acpi_gas, address));
	assert_int_equal(PW_GAS_IO, ACPI_GAS_SYSTEM_IO);
	assert_int_equal(PW_PVPANIC_PORT, LAYOUT_PVPANIC_PORT);
	free(img);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rsdp_xsdt), cmocka_unit_test(test_fadt),
	    cmocka_unit_test(test_madt),      cmocka_unit_test(test_dsdt),
	    cmocka_unit_test(test_largest),   cmocka_unit_test(test_bad_input),
	    cmocka_unit_test(test_write),
	    cmocka_unit_test(test_guest_assumptions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
