/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for the trace encoder and strict decoder (vmm/trace/). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vmm/trace/trace_dec.h"
#include "vmm/trace/trace_enc.h"
#include "vmm/trace/trace_hash.h"
#include "devices/virtio/console.h"
#include "devices/virtio/rng.h"

static void mk_header(struct trace_header *h)
{
	memset(h, 0, sizeof(*h));
	h->version = TRACE_VERSION;
	h->arch = TRACE_ARCH_X86_64;
	h->mem_mib = 128;
	h->cpus = 2;
	h->platform = TRACE_PLATFORM_ACPI;
	h->ndevs = 5;
	h->devs[0] = (struct trace_dev){.kind = TRACE_DEV_BLK,
					.flags = TRACE_BLK_RO,
					.size = 4096,
					.hash = 0x1122334455667788ull,
					.id = "disk0"};
	h->devs[1] = (struct trace_dev){.kind = TRACE_DEV_NET,
					.offloads = 7,
					.mac = {0x52, 0x54, 0, 1, 2, 3}};
	h->devs[2].kind = VIRTIO_RNG_TRACE_KIND;
	h->devs[3].kind = VIRTIO_CONSOLE_TRACE_KIND;
	h->devs[4] = (struct trace_dev){.kind = TRACE_DEV_VSOCK, .cid = 7};
}

static void test_header_roundtrip(void **state)
{
	(void)state;
	struct trace_header h, g;
	struct tenc e;
	char err[256];
	size_t start;
	mk_header(&h);
	tenc_init(&e);
	tenc_header(&e, &h);
	assert_int_equal(e.err, 0);
	assert_int_equal(e.len, TRACE_HDR_FIXED + 5 * TRACE_DEV_SIZE);
	assert_memory_equal(e.p, "VMMTRACE", 8);
	assert_int_equal(
	    tdec_header(e.p, e.len, false, &g, &start, err, sizeof(err)), 0);
	assert_int_equal(start, e.len);
	assert_int_equal(g.version, 1);
	assert_int_equal(g.mem_mib, 128);
	assert_int_equal(g.cpus, 2);
	assert_int_equal(g.platform, TRACE_PLATFORM_ACPI);
	assert_int_equal(g.ndevs, 5);
	assert_int_equal(g.devs[0].size, 4096);
	assert_int_equal(g.devs[0].hash, 0x1122334455667788ull);
	assert_int_equal(g.devs[0].flags, TRACE_BLK_RO);
	assert_string_equal(g.devs[0].id, "disk0");
	assert_int_equal(g.devs[1].offloads, 7);
	assert_memory_equal(g.devs[1].mac, h.devs[1].mac, 6);
	assert_int_equal(g.devs[3].kind, VIRTIO_CONSOLE_TRACE_KIND);
	assert_int_equal(g.devs[4].kind, TRACE_DEV_VSOCK);
	assert_int_equal(g.devs[4].cid, 7);
	assert_int_equal(g.devs[4].size, 0);
	tenc_free(&e);
}

/* Decode the header of e.p with one byte changed; expect -err and msg. */
static void bad_header(struct tenc *e, size_t off, uint8_t val, size_t len,
		       int want, const char *msg)
{
	struct trace_header g;
	char err[256];
	size_t start;
	uint8_t *copy = malloc(e->len);
	memcpy(copy, e->p, e->len);
	if (off < e->len)
		copy[off] = val;
	assert_int_equal(
	    tdec_header(copy, len, false, &g, &start, err, sizeof(err)), want);
	if (!strstr(err, msg))
		fail_msg("'%s' lacks '%s'", err, msg);
	free(copy);
}

static void test_header_errors(void **state)
{
	(void)state;
	struct trace_header h;
	struct tenc e;
	mk_header(&h);
	tenc_init(&e);
	tenc_header(&e, &h);
	bad_header(&e, 0, 'X', e.len, -EINVAL, "not a vmm trace");
	bad_header(&e, 8, 2, e.len, -EPROTONOSUPPORT, "version 2");
	bad_header(&e, 12, 9, e.len, -EPROTONOSUPPORT, "arch 9");
	bad_header(&e, SIZE_MAX, 0, 10, -EINVAL, "truncated header: 10");
	bad_header(&e, SIZE_MAX, 0, e.len - 1, -EINVAL, "truncated header");
	bad_header(&e, 10, 33, e.len, -EINVAL, "corrupt header");
	bad_header(&e, 24, 0, e.len, -EINVAL, "bad machine");
	bad_header(&e, 30, 2, e.len, -EINVAL, "bad machine");
	/* The arm64 machine has no ACPI ports: its platform flags are 0. */
	bad_header(&e, 12, TRACE_ARCH_AARCH64, e.len, -EINVAL, "bad machine");
	/* Devices out of order: a disk after the net. */
	bad_header(&e, TRACE_HDR_FIXED + 2 * TRACE_DEV_SIZE, TRACE_DEV_BLK,
		   e.len, -EINVAL, "device 2 is out of order");
	bad_header(&e, TRACE_HDR_FIXED, 9, e.len, -EINVAL, "unknown kind");
	/* A vsock's CID is 3 or more. */
	bad_header(&e, TRACE_HDR_FIXED + 4 * TRACE_DEV_SIZE + 8, 2, e.len,
		   -EINVAL, "vsock 4 has CID 2");
	bad_header(&e, TRACE_HDR_FIXED + 1, 0x80, e.len, -EINVAL,
		   "unknown flags");
	/* A reserved byte set: the text form could not show it. */
	bad_header(&e, TRACE_HDR_FIXED + 44, 1, e.len, -EINVAL,
		   "device 0 sets bytes its kind does not use");
	tenc_free(&e);
}

/* An arm64 machine's header round-trips, and its arch is kept. */
static void test_header_arm64(void **state)
{
	(void)state;
	struct trace_header h, g;
	struct tenc e;
	char err[256];
	size_t start;
	mk_header(&h);
	h.arch = TRACE_ARCH_AARCH64;
	h.platform = 0;
	tenc_init(&e);
	tenc_header(&e, &h);
	assert_int_equal(
	    tdec_header(e.p, e.len, false, &g, &start, err, sizeof(err)), 0);
	assert_int_equal(g.arch, TRACE_ARCH_AARCH64);
	assert_int_equal(g.platform, 0);
	assert_int_equal(g.cpus, 2);
	assert_int_equal(g.ndevs, 5);
	tenc_free(&e);
}

/* All records of buf after the header, strictly validated. */
static unsigned decode_all(const struct tenc *e, struct trace_rec *out,
			   unsigned max)
{
	struct trace_header h;
	struct tdec d;
	char err[256];
	size_t start;
	unsigned n = 0;
	assert_int_equal(
	    tdec_header(e->p, e->len, false, &h, &start, err, sizeof(err)), 0);
	tdec_init(&d, e->p, e->len, start, false);
	while (tdec_next(&d, &out[n], err, sizeof(err)) == 1) {
		assert_int_equal(out[n].index, n);
		if (tdec_validate(&out[n], err, sizeof(err)))
			fail_msg("record %u: %s", n, err);
		assert_true(++n < max);
	}
	return n;
}

static void test_records_roundtrip(void **state)
{
	(void)state;
	struct trace_header h;
	struct tenc e;
	struct trace_rec r[32];
	uint8_t scratch[TRACE_IO_MAX];
	const uint8_t w4[4] = {1, 2, 3, 4}, str[6] = {'a', 0, 'b', 1, 2, 3};
	uint64_t hashes[2] = {5, 6}, got[4];
	mk_header(&h);
	tenc_init(&e);
	tenc_header(&e, &h);
	tenc_io(&e, TRACE_MMIO, 1, true, 0xd0000070, 4, w4, 1);
	tenc_io(&e, TRACE_PIO, 0, false, 0x3f8, 2, str, 3);
	tenc_cpu(&e, 1, TRACE_CPU_RESET);
	tenc_rx(&e, TRACE_SERIAL_RX, 2, "xyz", 3);
	tenc_blob(&e, TRACE_TAP_RX, 0, str, 6);
	tenc_net_rx(&e, 0);
	tenc_mem(&e, 0x1000, str, 6);
	tenc_rtc(&e, -42);
	tenc_blob(&e, VIRTIO_RNG_TRACE_INPUT, 0, w4, 4);
	tenc_irq(&e, 23, 1);
	tenc_stream(&e, TRACE_SERIAL_TX, 0, "ab", 2);
	tenc_stream(&e, TRACE_SERIAL_TX, 0, "c", 1);  /* joins the last */
	tenc_stream(&e, TRACE_CONSOLE_TX, 0, "d", 1); /* a new record */
	tenc_blob(&e, TRACE_TAP_TX, 0, str, 6);
	tenc_end(&e, TRACE_STOP_DEBUG_EXIT, 42, hashes, 2);
	assert_int_equal(e.err, 0);
	unsigned n = decode_all(&e, r, 32);
	assert_int_equal(n, 14);

	struct trace_io io;
	tdec_io(&r[0], scratch, &io);
	assert_true(io.write);
	assert_int_equal(io.cpu, 1);
	assert_int_equal(io.addr, 0xd0000070);
	assert_int_equal(io.size, 4);
	assert_int_equal(io.count, 1);
	assert_memory_equal(io.data, w4, 4);
	tdec_io(&r[1], scratch, &io);
	assert_false(io.write);
	assert_int_equal(io.size, 2);
	assert_int_equal(io.count, 3);
	assert_int_equal(r[2].b, TRACE_CPU_RESET);

	uint32_t taken, len;
	const uint8_t *data;
	tdec_rx(&r[3], &taken, &data, &len);
	assert_int_equal(taken, 2);
	assert_int_equal(len, 3);
	assert_memory_equal(data, "xyz", 3);
	uint64_t gpa;
	tdec_mem(&r[6], &gpa, &data, &len);
	assert_int_equal(gpa, 0x1000);
	assert_int_equal(len, 6);
	assert_int_equal(tdec_rtc(&r[7]), -42);
	assert_int_equal(r[9].type, TRACE_IRQ);
	assert_int_equal(r[9].a, 1);
	assert_int_equal(r[9].b, 23);
	assert_int_equal(r[10].len, 3);
	assert_memory_equal(r[10].data, "abc", 3);
	assert_int_equal(r[11].type, TRACE_CONSOLE_TX);
	assert_int_equal(r[13].a, TRACE_STOP_DEBUG_EXIT);
	assert_int_equal(r[13].b, 42);
	assert_int_equal(tdec_end(&r[13], got, 4), 2);
	assert_int_equal(got[1], 6);
	for (unsigned i = 0; i < n; i++)
		assert_non_null(trace_type_name(r[i].type));
	tenc_free(&e);
}

static void test_mem_split(void **state)
{
	(void)state;
	struct tenc e;
	size_t big = (1u << 20) + 100;
	uint8_t *p = calloc(1, big);
	tenc_init(&e);
	tenc_mem(&e, 0x5000, p, big);
	assert_int_equal(e.len, 2 * (TRACE_REC_HDR + 8) + big);
	assert_int_equal(trace_get32(e.p + 4), 8 + (1u << 20));
	uint8_t *second = e.p + TRACE_REC_HDR + 8 + (1u << 20);
	assert_int_equal(trace_get64(second + TRACE_REC_HDR),
			 0x5000 + (1u << 20));
	tenc_free(&e);
	free(p);
}

/* One record with the given framing and payload; tdec_validate must
 * refuse it with a message containing `msg`. */
static void bad_record(uint8_t type, uint8_t a, uint16_t b, const void *p,
		       uint32_t len, const char *msg)
{
	struct tenc e;
	struct trace_rec r;
	struct tdec d;
	char err[256];
	tenc_init(&e);
	uint8_t *q = tenc_rec(&e, type, a, b, len);
	memcpy(q, p, len);
	tdec_init(&d, e.p, e.len, 0, false);
	assert_int_equal(tdec_next(&d, &r, err, sizeof(err)), 1);
	assert_int_equal(tdec_validate(&r, err, sizeof(err)), -EINVAL);
	if (!strstr(err, msg))
		fail_msg("'%s' lacks '%s'", err, msg);
	assert_non_null(strstr(err, "record 0"));
	tenc_free(&e);
}

static void test_record_errors(void **state)
{
	(void)state;
	uint8_t z[32] = {0};
	bad_record(TRACE_MMIO, 0, TRACE_IO_B(0, 9), z, 8 + 9, "size");
	bad_record(TRACE_MMIO, 0, TRACE_IO_B(0, 4), z, 8 + 2, "length");
	bad_record(TRACE_PIO, 0, TRACE_IO_B(0, 8), z, 16, "size");
	bad_record(TRACE_PIO, 0, TRACE_IO_B(0, 2), z, 8 + 3, "length");
	bad_record(TRACE_MMIO, 0, 0x8004 | (4 << 8), z, 12, "reserved");
	bad_record(TRACE_CPU, 0, 9, z, 0, "cpu event");
	bad_record(TRACE_SERIAL_RX, 0, 0, "\x05\0\0\0ab", 6, "taken");
	bad_record(TRACE_RTC, 0, 0, z, 4, "not 8 bytes");
	bad_record(TRACE_IRQ, 2, 4, z, 0, "level");
	bad_record(TRACE_END, 9, 0, z, 0, "stop");
	bad_record(TRACE_END, 0, 0, z, 4, "hashes");
	bad_record(0x7e, 0, 0, z, 0, "unknown type 0x7e");
	/* vsock: a known op, x and y, bytes only where the op has them. */
	bad_record(TRACE_VSOCK_HOST, 0, 0, z, 8, "unknown vsock op");
	bad_record(TRACE_VSOCK_OUT, 6, 0, z, 8, "unknown vsock op");
	bad_record(TRACE_VSOCK_IN, TRACE_VSOCK_DIAL, 0, z, 4, "length");
	bad_record(TRACE_VSOCK_IN, TRACE_VSOCK_SENT, 0, z, 9, "length");
	bad_record(TRACE_VSOCK_HOST, TRACE_VSOCK_READY, 0, "\0\0\0\0\x04\0\0\0",
		   8, "ready flags");
	bad_record(TRACE_VSOCK_OUT, TRACE_VSOCK_CLOSE, 1, z, 8, "a or b");
}

static void test_truncated(void **state)
{
	(void)state;
	struct tenc e;
	struct trace_rec r;
	struct tdec d;
	char err[256];
	tenc_init(&e);
	tenc_rtc(&e, 1);
	tenc_rtc(&e, 2);
	for (size_t cut = 1; cut < 16; cut++) {
		tdec_init(&d, e.p, e.len - cut, 0, false);
		assert_int_equal(tdec_next(&d, &r, err, sizeof(err)), 1);
		assert_int_equal(tdec_next(&d, &r, err, sizeof(err)), -EINVAL);
		assert_non_null(strstr(err, "truncated: record 1"));
	}
	tdec_init(&d, e.p, e.len, 0, false);
	assert_int_equal(tdec_next(&d, &r, err, sizeof(err)), 1);
	assert_int_equal(tdec_next(&d, &r, err, sizeof(err)), 1);
	assert_int_equal(tdec_next(&d, &r, err, sizeof(err)), 0);
	tenc_free(&e);
}

static void test_hash(void **state)
{
	(void)state;
	struct thash t;
	uint8_t buf[1000];
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 7);
	thash_init(&t);
	thash_update(&t, buf, sizeof(buf));
	uint64_t one = thash_final(&t);
	/* Any split gives the same hash. */
	for (size_t cut = 0; cut < 20; cut++) {
		thash_init(&t);
		thash_update(&t, buf, cut);
		thash_update(&t, buf + cut, 3);
		thash_update(&t, buf + cut + 3, sizeof(buf) - cut - 3);
		assert_int_equal(thash_final(&t), one);
	}
	/* Known value: the empty input is the basis times the prime. */
	thash_init(&t);
	assert_int_equal(thash_final(&t),
			 0xcbf29ce484222325ull * 0x100000001b3ull);
	/* A trailing zero byte changes it (the length is mixed in). */
	uint8_t a[2] = {'a', 0};
	thash_init(&t);
	thash_update(&t, a, 1);
	uint64_t h1 = thash_final(&t);
	thash_init(&t);
	thash_update(&t, a, 2);
	assert_int_not_equal(thash_final(&t), h1);
	assert_int_not_equal(h1, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_header_roundtrip),
	    cmocka_unit_test(test_header_errors),
	    cmocka_unit_test(test_header_arm64),
	    cmocka_unit_test(test_records_roundtrip),
	    cmocka_unit_test(test_mem_split),
	    cmocka_unit_test(test_record_errors),
	    cmocka_unit_test(test_truncated),
	    cmocka_unit_test(test_hash),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
