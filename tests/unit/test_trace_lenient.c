/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for the lenient trace decoding and normalisation that fuzz
 * harnesses rely on (vmm/trace/trace_dec.h, trace_norm.h): no input is
 * refused, and whatever comes out is usable. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "devices/virtio/console.h"
#include "tests/support/test_util.h"
#include "vmm/trace/trace_dec.h"
#include "vmm/trace/trace_enc.h"
#include "vmm/trace/trace_norm.h"
#include "vmm/vm/config.h"

static uint64_t dummy_read(void *dev, uint64_t off, unsigned size)
{
	(void)dev, (void)off, (void)size;
	return 0;
}

static void dummy_write(void *dev, uint64_t off, unsigned size, uint64_t v)
{
	(void)dev, (void)off, (void)size, (void)v;
}

static const struct bus_dev_ops dummy_ops = {.read = dummy_read,
					     .write = dummy_write};

/* A header's numbers are clamped and its devices sorted, whatever the
 * bytes say; short input reads as zeroes. */
static void test_header(void **state)
{
	(void)state;
	struct trace_header h;
	size_t start;
	uint8_t buf[TRACE_HDR_FIXED + 4 * TRACE_DEV_SIZE];
	memset(buf, 0xff, sizeof(buf));
	buf[28] = 4; /* ndevs */
	buf[29] = 0;
	/* Five traceable kinds: k stands for kind (k - 1) % 5 + 1. */
	buf[TRACE_HDR_FIXED] = VIRTIO_CONSOLE_TRACE_KIND;
	buf[TRACE_HDR_FIXED + TRACE_DEV_SIZE] = 0x47; /* 0x47 -> blk */
	buf[TRACE_HDR_FIXED + 2 * TRACE_DEV_SIZE] = VIRTIO_CONSOLE_TRACE_KIND;
	buf[TRACE_HDR_FIXED + 3 * TRACE_DEV_SIZE] = 0x46; /* -> vsock */
	assert_int_equal(
	    tdec_header(buf, sizeof(buf), true, &h, &start, NULL, 0), 0);
	assert_int_equal(start, sizeof(buf));
	assert_int_equal(h.mem_mib, TDEC_LENIENT_MAX_MEM_MIB);
	assert_int_equal(h.cpus, CONFIG_MAX_CPUS);
	assert_int_equal(h.version, TRACE_VERSION);
	assert_int_equal(h.ndevs, 3); /* one console only */
	assert_int_equal(h.devs[0].kind, TRACE_DEV_BLK);
	assert_true(h.devs[0].size >= 512 && h.devs[0].size <= (1u << 20));
	assert_int_equal(h.devs[0].size % 512, 0);
	assert_int_equal(h.devs[0].hash, 0);
	assert_int_equal(h.devs[0].id[TRACE_ID_MAX], 0);
	assert_int_equal(h.devs[1].kind, VIRTIO_CONSOLE_TRACE_KIND);
	/* A CID of all ones is reserved: clamped into 3 .. 2^32 - 2. */
	assert_int_equal(h.devs[2].kind, TRACE_DEV_VSOCK);
	assert_true(h.devs[2].cid >= CONFIG_VSOCK_MIN_CID &&
		    h.devs[2].cid <= CONFIG_VSOCK_MAX_CID);

	/* Every prefix of the header is accepted. */
	for (size_t len = 0; len <= sizeof(buf); len++) {
		assert_int_equal(
		    tdec_header(buf, len, true, &h, &start, NULL, 0), 0);
		assert_true(start <= len);
		assert_true(h.mem_mib >= CONFIG_MIN_MEM_MIB);
		assert_true(h.cpus >= 1);
		assert_true(h.ndevs <= TRACE_MAX_DEVS);
	}
}

/* The machine: arm64's is kept (its RAM made whole 2 MiB blocks, no
 * ACPI), any other arch is x86's. */
static void test_header_machine(void **state)
{
	(void)state;
	struct trace_header h;
	size_t start;
	uint8_t buf[TRACE_HDR_FIXED];
	memset(buf, 0, sizeof(buf));
	buf[12] = TRACE_ARCH_AARCH64;
	buf[16] = 65;	/* MiB */
	buf[24] = 2;	/* vCPUs */
	buf[30] = 0xff; /* platform flags */
	assert_int_equal(
	    tdec_header(buf, sizeof(buf), true, &h, &start, NULL, 0), 0);
	assert_int_equal(h.arch, TRACE_ARCH_AARCH64);
	assert_int_equal(h.mem_mib, 64);
	assert_int_equal(h.platform, 0);
	buf[12] = 7;
	assert_int_equal(
	    tdec_header(buf, sizeof(buf), true, &h, &start, NULL, 0), 0);
	assert_int_equal(h.arch, TRACE_ARCH_X86_64);
	assert_int_equal(h.mem_mib, 65);
	assert_int_equal(h.platform, TRACE_PLATFORM_ACPI);
}

/* A record that runs past the end is cut; a partial header ends. */
static void test_framing(void **state)
{
	(void)state;
	struct tenc e;
	struct tdec d;
	struct trace_rec r;
	tenc_init(&e);
	tenc_rtc(&e, 7);
	for (size_t cut = 1; cut <= 8; cut++) {
		tdec_init(&d, e.p, e.len - cut, 0, true);
		assert_int_equal(tdec_next(&d, &r, NULL, 0), 1);
		assert_int_equal(r.len, 8 - cut);
		assert_int_equal(tdec_next(&d, &r, NULL, 0), 0);
	}
	for (size_t cut = 9; cut <= 16; cut++) {
		tdec_init(&d, e.p, e.len - cut, 0, true);
		assert_int_equal(tdec_next(&d, &r, NULL, 0), 0);
	}
	tenc_free(&e);
}

/* Sizes become valid, counts fit, short data is zero-padded. */
static void test_io_normalise(void **state)
{
	(void)state;
	uint8_t scratch[TRACE_IO_MAX];
	uint8_t payload[8 + 3] = {0x10, 0, 0, 0, 0, 0, 0, 0, 0xaa, 0xbb, 0xcc};
	struct trace_io io;
	for (unsigned raw = 0; raw < 16; raw++) {
		for (int type = TRACE_MMIO; type <= TRACE_PIO; type++) {
			struct trace_rec r = {.type = (uint8_t)type,
					      .b = TRACE_IO_B(1, raw),
					      .data = payload,
					      .len = sizeof(payload)};
			tdec_io(&r, scratch, &io);
			assert_true(io.size >= 1 && io.size <= 8);
			assert_true(io.count >= 1);
			assert_true(io.size * io.count <= TRACE_IO_MAX);
			assert_int_equal(io.addr, 0x10);
			if (raw == 4) { /* 3 bytes for 4: padded */
				assert_int_equal(io.size, 4);
				assert_int_equal(trace_get32(io.data),
						 0x00ccbbaa);
			}
		}
	}
	/* An empty payload: address 0, one zeroed element. */
	struct trace_rec r = {.type = TRACE_PIO,
			      .b = TRACE_IO_B(0, 2),
			      .data = payload,
			      .len = 0};
	tdec_io(&r, scratch, &io);
	assert_int_equal(io.addr, 0);
	assert_int_equal(io.count, 1);
	assert_int_equal(trace_get16(io.data), 0);
	/* Huge PIO counts are clamped. */
	uint8_t *big = calloc(1, 8 + 3 * TRACE_IO_MAX);
	r = (struct trace_rec){.type = TRACE_PIO,
			       .b = TRACE_IO_B(0, 4),
			       .data = big,
			       .len = 8 + 3 * TRACE_IO_MAX};
	tdec_io(&r, scratch, &io);
	assert_int_equal(io.count, TRACE_IO_MAX / 4);
	free(big);
	/* RX "taken" more than offered is clamped. */
	uint32_t taken, len;
	const uint8_t *data;
	r = (struct trace_rec){.type = TRACE_SERIAL_RX,
			       .data = (const uint8_t *)"\xff\xff\0\0ab",
			       .len = 6};
	tdec_rx(&r, &taken, &data, &len);
	assert_int_equal(len, 2);
	assert_int_equal(taken, 2);
}

static void test_io_addr(void **state)
{
	(void)state;
	struct bus bus;
	uint64_t a;
	int dev;
	assert_int_equal(bus_init(&bus, "t"), 0);
	assert_false(tnorm_io_addr(&bus, 0x1234, 4, &a));
	assert_int_equal(
	    bus_register(&bus, 0x1000, 0x100, &dummy_ops, &dev, "a"), 0);
	assert_int_equal(bus_register(&bus, 0x5000, 2, &dummy_ops, &dev, "b"),
			 0);
	/* A hit is kept. */
	assert_true(tnorm_io_addr(&bus, 0x1010, 4, &a));
	assert_int_equal(a, 0x1010);
	/* A miss: range (addr >> 32) % 2, offset (addr % 2^32) % len. */
	assert_true(tnorm_io_addr(&bus, 0x0000000000000042ull, 1, &a));
	assert_int_equal(a, 0x1042);
	assert_true(tnorm_io_addr(&bus, 0x0000000100000001ull, 1, &a));
	assert_int_equal(a, 0x5001);
	/* Moved down so the access fits. */
	assert_true(tnorm_io_addr(&bus, 0x10ff, 4, &a));
	assert_int_equal(a, 0x10fc);
	/* A range smaller than the access: its start. */
	assert_true(tnorm_io_addr(&bus, 0x0000000100000001ull, 8, &a));
	assert_int_equal(a, 0x5001);
	/* Any address lands in a range. */
	for (uint64_t x = 1; x; x <<= 1) {
		assert_true(
		    tnorm_io_addr(&bus, x * 0x9e3779b97f4a7c15ull, 2, &a));
		const struct bus_range *r = bus_find(&bus, a);
		assert_non_null(r);
	}
	bus_destroy(&bus);
}

static void test_gpa(void **state)
{
	(void)state;
	struct guest_mem gm;
	uint64_t len, g;
	gm_init(&gm);
	assert_false(tnorm_gpa(&gm, 0, &len, &g));
	/* 8 KiB at 0 and 4 KiB at 1 MiB: 12 KiB in all. */
	assert_int_equal(gm_add_ram(&gm, 0, 8192, 0), 0);
	assert_int_equal(gm_add_ram(&gm, 1 << 20, 4096, 0), 0);
	len = 100;
	assert_true(tnorm_gpa(&gm, 8192 + 10, &len, &g));
	assert_int_equal(g, (1 << 20) + 10);
	assert_int_equal(len, 100);
	len = 100;
	assert_true(tnorm_gpa(&gm, 12288 * 5 + 8150, &len, &g));
	assert_int_equal(g, 8150);
	assert_int_equal(len, 42); /* cut at the region's end */
	for (uint64_t x = 1; x; x <<= 1) {
		len = UINT64_MAX;
		assert_true(
		    tnorm_gpa(&gm, x * 0x9e3779b97f4a7c15ull, &len, &g));
		assert_true(gm_range_ok(&gm, g, len));
		assert_true(len >= 1);
	}
	gm_destroy(&gm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_header),
	    cmocka_unit_test(test_header_machine),
	    cmocka_unit_test(test_framing),
	    cmocka_unit_test(test_io_normalise),
	    cmocka_unit_test(test_io_addr),
	    cmocka_unit_test(test_gpa),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
