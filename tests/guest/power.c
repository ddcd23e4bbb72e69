/* SPDX-License-Identifier: Apache-2.0 */
/* tg.acpi and tg.panic. See power.h for what the guest checks and does. */
#include "power.h"

#include <stdbool.h>
#include <stdint.h>

#include <misc/pvpanic.h>

#include "bootinfo.h"
#include "cmdline.h"
#include "exitcodes.h"
#include "io.h"
#include "serial.h"
#include "tgexit.h"

#define PW_SCAN_START 0xe0000u
#define PW_SCAN_END 0x100000u
#define PW_RSDP_V1_LEN 20 /* what the first checksum covers */
#define PW_RSDP_V2_LEN 36
#define PW_RSDP_OFF_REVISION 15
#define PW_RSDP_OFF_RSDT 16
#define PW_RSDP_OFF_LENGTH 20
#define PW_RSDP_OFF_XSDT 24
#define PW_SDT_HDR_LEN 36 /* ACPI 6.5, 5.2.6 */
#define PW_SDT_OFF_LENGTH 4
#define PW_SDT_MAX_LEN 0x100000u /* a sanity bound: 1 MiB */
/* How long the VMM may take to stop us, in io_pause() steps (about 1 s on
 * nested KVM), as for tg.reset in main.c. */
#define PW_STOP_WAIT 200000

static __attribute__((noreturn)) void pw_fail(const char *what,
					      uint64_t paddr,
					      const char *expected,
					      uint64_t found)
{
	ser_printf("testguest: FAIL acpi %s at 0x%lx: expected %s, found "
		   "0x%lx\n", what, paddr, expected, found);
	tg_exit(TG_EXIT_ACPI_TABLES);
}

static uint8_t pw_sum(uint64_t paddr, uint32_t len)
{
	uint8_t s = 0;

	for (uint32_t i = 0; i < len; i++)
		s = (uint8_t)(s + io_read8(paddr + i));
	return s;
}

static bool pw_sig(uint64_t paddr, const char *sig, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (io_read8(paddr + i) != (uint8_t)sig[i])
			return false;
	return true;
}

/* The first RSDP the legacy scan finds, or 0. */
static uint64_t pw_scan_rsdp(void)
{
	for (uint64_t p = PW_SCAN_START; p < PW_SCAN_END; p += 16)
		if (pw_sig(p, "RSD PTR ", 8) && !pw_sum(p, PW_RSDP_V1_LEN))
			return p;
	return 0;
}

/* The RSDP the boot information gives, else the scan's; 0: none. Prints
 * where it came from and what the scan found. */
static uint64_t pw_find_rsdp(const struct bi_info *bi)
{
	uint64_t scan = pw_scan_rsdp();

	if (bi->rsdp_paddr) {
		ser_printf("testguest: acpi: rsdp at 0x%lx (%s, scan: 0x%lx)\n",
			   bi->rsdp_paddr,
			   bi->proto == BI_PROTO_PVH ? "start_info"
						     : "boot_params",
			   scan);
		return bi->rsdp_paddr;
	}
	if (scan)
		ser_printf("testguest: acpi: rsdp at 0x%lx (scan)\n", scan);
	return scan;
}

/* Check the table with signature sig at paddr; returns its length. */
static uint32_t pw_table(uint64_t paddr, const char *sig)
{
	uint32_t len;

	if (!paddr || paddr >= IO_4G - PW_SDT_HDR_LEN)
		pw_fail(sig, paddr, "an address below 4 GiB", paddr);
	if (!pw_sig(paddr, sig, 4))
		pw_fail(sig, paddr, sig, io_read32(paddr));
	len = io_read32(paddr + PW_SDT_OFF_LENGTH);
	if (len < PW_SDT_HDR_LEN || len > PW_SDT_MAX_LEN ||
	    len > IO_4G - paddr)
		pw_fail(sig, paddr, "length 36..1 MiB below 4 GiB", len);
	if (pw_sum(paddr, len))
		pw_fail(sig, paddr, "checksum 0", pw_sum(paddr, len));
	return len;
}

/* The FADT, through the RSDP and the XSDT (or RSDT); sets *len. */
static uint64_t pw_find_fadt(const struct bi_info *bi, uint32_t *len)
{
	uint64_t rsdp = pw_find_rsdp(bi), root;
	unsigned esz = 8;

	if (!rsdp) {
		ser_printf("testguest: FAIL acpi: expected an RSDP (boot "
			   "information or 0xe0000..0xfffff), found none\n");
		tg_exit(TG_EXIT_ACPI_NONE);
	}
	if (rsdp >= IO_4G - PW_RSDP_V2_LEN)
		pw_fail("RSDP", rsdp, "an address below 4 GiB", rsdp);
	if (!pw_sig(rsdp, "RSD PTR ", 8))
		pw_fail("RSDP", rsdp, "\"RSD PTR \"", io_read64(rsdp));
	if (pw_sum(rsdp, PW_RSDP_V1_LEN))
		pw_fail("RSDP", rsdp, "checksum 0",
			pw_sum(rsdp, PW_RSDP_V1_LEN));
	root = 0;
	if (io_read8(rsdp + PW_RSDP_OFF_REVISION) >= 2) {
		uint32_t rlen = io_read32(rsdp + PW_RSDP_OFF_LENGTH);

		if (rlen < PW_RSDP_V2_LEN || rlen > 4096 ||
		    rlen > IO_4G - rsdp)
			pw_fail("RSDP", rsdp, "length 36..4096", rlen);
		if (pw_sum(rsdp, rlen))
			pw_fail("RSDP", rsdp, "extended checksum 0",
				pw_sum(rsdp, rlen));
		root = io_read64(rsdp + PW_RSDP_OFF_XSDT);
	}
	if (!root) {
		root = io_read32(rsdp + PW_RSDP_OFF_RSDT);
		esz = 4;
	}
	const char *rsig = esz == 8 ? "XSDT" : "RSDT";
	uint32_t rlen = pw_table(root, rsig);

	for (uint32_t off = PW_SDT_HDR_LEN; off + esz <= rlen; off += esz) {
		uint64_t t = esz == 8 ? io_read64(root + off)
				      : io_read32(root + off);

		if (!t || t >= IO_4G - PW_SDT_HDR_LEN)
			pw_fail(rsig, root, "entries below 4 GiB", t);
		if (pw_sig(t, "FACP", 4)) {
			*len = pw_table(t, "FACP");
			ser_printf("testguest: acpi: %s at 0x%lx, FACP at "
				   "0x%lx\n", rsig, root, t);
			return t;
		}
	}
	pw_fail(rsig, root, "a FACP entry", 0);
}

/* Write val to the register the GAS at gas describes. */
static void pw_write_reg(uint64_t gas, const char *name, uint8_t val)
{
	uint8_t space = io_read8(gas);
	uint8_t width = io_read8(gas + PW_GAS_OFF_WIDTH);
	uint8_t bit = io_read8(gas + PW_GAS_OFF_BIT);
	uint64_t addr = io_read64(gas + PW_GAS_OFF_ADDRESS);

	if (space != PW_GAS_IO && space != PW_GAS_MEMORY)
		pw_fail(name, gas, "address space 0 or 1", space);
	if (width != 8 || bit != 0)
		pw_fail(name, gas, "an 8-bit register at bit 0",
			(uint64_t)width << 8 | bit);
	if (!addr || (space == PW_GAS_IO && addr > 0xffff) ||
	    addr >= IO_4G)
		pw_fail(name, gas, "a non-zero port or address below 4 GiB",
			addr);
	ser_printf("testguest: acpi: writing 0x%x to %s (%s 0x%lx)\n", val,
		   name, space == PW_GAS_IO ? "port" : "memory", addr);
	if (space == PW_GAS_IO)
		io_outb((uint16_t)addr, val);
	else
		io_write8(addr, val);
}

static void pw_poweroff(uint64_t fadt, uint32_t len)
{
	if (len < PW_FADT_OFF_SLEEP_CONTROL + PW_GAS_LEN)
		pw_fail("FACP", fadt, "X_SLEEP_CONTROL_REG (length 256+)",
			len);
	ser_printf("testguest: acpi: powering off (S5, SLP_TYP %u)\n",
		   PW_SLP_TYP_S5);
	pw_write_reg(fadt + PW_FADT_OFF_SLEEP_CONTROL, "SLEEP_CONTROL_REG",
		     PW_SLP_TYP_S5 << PW_SLP_TYP_SHIFT | PW_SLP_EN);
	io_delay(PW_STOP_WAIT);
	ser_printf("testguest: FAIL acpi poweroff: expected a power-off, "
		   "found the guest still running\n");
	tg_exit(TG_EXIT_ACPI_POWEROFF_FAILED);
}

static void pw_reset(uint64_t fadt, uint32_t len)
{
	uint32_t flags;

	if (len <= PW_FADT_OFF_RESET_VALUE)
		pw_fail("FACP", fadt, "RESET_REG (length 129+)", len);
	flags = io_read32(fadt + PW_FADT_OFF_FLAGS);
	if (!(flags & PW_FADT_F_RESET_REG_SUP))
		pw_fail("FACP", fadt, "RESET_REG_SUP in the flags", flags);
	ser_printf("testguest: acpi: resetting\n");
	pw_write_reg(fadt + PW_FADT_OFF_RESET_REG, "RESET_REG",
		     io_read8(fadt + PW_FADT_OFF_RESET_VALUE));
	io_delay(PW_STOP_WAIT);
	ser_printf("testguest: FAIL acpi reset: expected a reset, found the "
		   "guest still running\n");
	tg_exit(TG_EXIT_ACPI_RESET_FAILED);
}

static void pw_panic(void)
{
	uint8_t events = io_inb(PW_PVPANIC_PORT);

	ser_printf("testguest: panicking via pvpanic (port 0x%x, events "
		   "0x%x)\n", PW_PVPANIC_PORT, events);
	io_outb(PW_PVPANIC_PORT, PVPANIC_PANICKED);
	io_delay(PW_STOP_WAIT);
	ser_printf("testguest: FAIL panic: expected the VMM to stop the "
		   "guest, found it still running\n");
	tg_exit(TG_EXIT_PANIC_FAILED);
}

void pw_run(const struct cmd_opts *o, const struct bi_info *bi)
{
	uint64_t fadt;
	uint32_t len = 0;

	if (o->panic)
		pw_panic();
	if (o->acpi == CMD_ACPI_NONE)
		return;
	fadt = pw_find_fadt(bi, &len);
	if (o->acpi == CMD_ACPI_POWEROFF)
		pw_poweroff(fadt, len);
	pw_reset(fadt, len);
}
