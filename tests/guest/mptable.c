/* SPDX-License-Identifier: Apache-2.0 */
#include "mptable.h"

#include <stddef.h>

#include "io.h"

#define MP_BDA_EBDA_SEG 0x40e
#define MP_FP_LEN 16
#define MP_HDR_LEN 44

#define MP_ENTRY_CPU 0
#define MP_ENTRY_CPU_LEN 20
#define MP_ENTRY_OTHER_LEN 8 /* bus, IO-APIC, IO interrupt, local int */
#define MP_CPU_ENABLED 0x01

static bool mp_sig(uint64_t paddr, const char sig[4])
{
	for (int i = 0; i < 4; i++)
		if (io_read8(paddr + i) != (uint8_t)sig[i])
			return false;
	return true;
}

static uint8_t mp_sum(uint64_t paddr, uint32_t len)
{
	uint8_t sum = 0;

	while (len--)
		sum += io_read8(paddr++);
	return sum;
}

/* Search [start, end) for a valid floating pointer; 0 if there is none. */
static uint32_t mp_find_fp(uint32_t start, uint32_t end)
{
	for (uint32_t p = (start + 15) & ~15u; p + MP_FP_LEN <= end; p += 16)
		if (mp_sig(p, "_MP_") && io_read8(p + 8) == 1 &&
		    mp_sum(p, MP_FP_LEN) == 0)
			return p;
	return 0;
}

/* Validate the configuration table at `t` and count enabled CPUs. Entries
 * are walked by the base table length, as Linux does; the entry count in
 * the header must match unless it is 0 (qboot, QEMU microvm's firmware,
 * leaves it 0). */
static const char *mp_parse_table(uint32_t t, struct mp_info *out)
{
	if (t == 0 || (uint64_t)t + MP_HDR_LEN > IO_4G)
		return "table address out of range";
	if (!mp_sig(t, "PCMP"))
		return "no PCMP signature";
	uint16_t len = io_read16(t + 4);
	uint16_t count = io_read16(t + 34);

	if (len < MP_HDR_LEN || (uint64_t)t + len > IO_4G)
		return "bad table length";
	if (mp_sum(t, len) != 0)
		return "bad table checksum";
	out->lapic_paddr = io_read32(t + 36);
	out->cpus = 0;
	uint32_t off = MP_HDR_LEN, entries = 0;

	while (off < len) {
		uint8_t type = io_read8(t + off);
		uint32_t elen = type == MP_ENTRY_CPU ? MP_ENTRY_CPU_LEN
						     : MP_ENTRY_OTHER_LEN;

		if (type > 4)
			return "unknown entry type";
		if (off + elen > len)
			return "entry past the table end";
		if (type == MP_ENTRY_CPU &&
		    (io_read8(t + off + 3) & MP_CPU_ENABLED))
			out->cpus++;
		off += elen;
		entries++;
	}
	if (count != 0 && count != entries)
		return "entry count does not match the table length";
	return NULL;
}

void mp_scan(struct mp_info *out)
{
	uint32_t ebda = (uint32_t)io_read16(MP_BDA_EBDA_SEG) << 4;
	uint32_t fp = 0;

	*out = (struct mp_info){ .found = false };
	if (ebda >= 0x400 && ebda + 1024 <= 0x100000)
		fp = mp_find_fp(ebda, ebda + 1024);
	if (!fp)
		fp = mp_find_fp(0x9fc00, 0xa0000);
	if (!fp)
		fp = mp_find_fp(0xf0000, 0x100000);
	if (!fp)
		return;
	out->fp_paddr = fp;
	out->table_paddr = io_read32(fp + 4);
	if (out->table_paddr == 0) {
		out->error = "default configuration (no table) not supported";
		return;
	}
	out->error = mp_parse_table(out->table_paddr, out);
	out->found = out->error == NULL;
}
