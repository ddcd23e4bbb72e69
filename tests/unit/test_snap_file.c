/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for the snapshot state file (vmm/vm/snap_file.c) and the
 * restore's configuration (snap_load_merge, vmm/vm/snap_load.c):
 *  - a machine with every kind of device round-trips, and the VMST
 *    section comes back byte for byte;
 *  - the header's refusals: short, magic, version, arch, length, CRC;
 *  - malformed machines (each field out of range, unknown or repeated
 *    device types, bytes left over, no VMST, bytes after it), with the
 *    CRC fixed up so the decoder itself is what refuses;
 *  - the merge: the snapshot's machine, the user's devices where given,
 *    and each mismatch named.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "devices/virtio/rng.h"
#include "vmm/vm/snap_file.h"
#include "vmm/vm/snap_load.h"

#define BUF 8192

static void machine(struct vm_config *c)
{
	config_defaults(c);
	c->mem_mib = 256;
	c->cpus = 2;
	c->acpi = false;
	assert_int_equal(config_dev_add(c, &virtio_rng_type), 0);
	c->ndisks = 2;
	strcpy(c->disks[0].path, "/img/root");
	strcpy(c->disks[0].id, "root");
	strcpy(c->disks[1].path, "/img/data");
	c->disks[1].read_only = true;
	c->nnets = 1;
	strcpy(c->nets[0].tap, "tap0");
	memcpy(c->nets[0].mac, "\x52\x54\0\x12\x34\x56", 6);
	c->nets[0].has_mac = true;
	c->vsock = (struct vsock_config){.on = true, .cid = 42};
	strcpy(c->vsock.uds_path, "/run/v.sock");
}

/* A state file for cfg with a fake VMST section; its length. */
static size_t build(uint8_t *buf, const struct vm_config *cfg)
{
	struct st_writer w;
	st_writer_init(&w, buf, BUF);
	snap_file_begin(&w);
	snap_file_put_machine(&w, cfg, "GenuineIntel", cfg->mem_mib << 20);
	size_t m = st_section_begin(&w, "VMST", 1);
	st_put_u32(&w, 0xfeedbeef);
	st_section_end(&w, m);
	long n = st_writer_end(&w);
	assert_true(n > SNAP_HDR_LEN);
	snap_file_finish(buf, (size_t)n);
	return (size_t)n;
}

static void test_round_trip(void **state)
{
	(void)state;
	static uint8_t buf[BUF];
	struct vm_config c;
	machine(&c);
	size_t n = build(buf, &c);
	struct snap_machine m;
	struct st_reader v;
	char err[256];
	assert_int_equal(snap_file_parse(buf, n, &m, &v, err, sizeof(err)), 0);
	assert_int_equal(m.cfg.mem_mib, 256);
	assert_int_equal(m.cfg.cpus, 2);
	assert_false(m.cfg.acpi);
	assert_string_equal(m.vendor, "GenuineIntel");
	assert_int_equal(m.mem_bytes, 256ull << 20);
	assert_int_equal(m.cfg.ndevs, 1);
	assert_ptr_equal(m.cfg.devs[0], &virtio_rng_type);
	assert_int_equal(m.cfg.ndisks, 2);
	assert_string_equal(m.cfg.disks[0].path, "/img/root");
	assert_string_equal(m.cfg.disks[0].id, "root");
	assert_true(m.cfg.disks[1].read_only);
	assert_int_equal(m.cfg.nnets, 1);
	assert_string_equal(m.cfg.nets[0].tap, "tap0");
	assert_memory_equal(m.cfg.nets[0].mac, c.nets[0].mac, 6);
	assert_true(m.cfg.vsock.on);
	assert_int_equal(m.cfg.vsock.cid, 42);
	assert_string_equal(m.cfg.vsock.uds_path, "/run/v.sock");
	/* The VMST section, header and all, as written. */
	uint16_t ver;
	struct st_reader sub;
	st_section_open(&v, "VMST", 1, &ver, &sub);
	assert_int_equal(st_get_u32(&sub), 0xfeedbeef);
	st_section_close(&v, &sub);
	assert_int_equal(st_reader_end(&v), 0);
}

static void refused(const uint8_t *buf, size_t n, int want, const char *msg)
{
	struct snap_machine m;
	struct st_reader v;
	char err[256] = "";
	assert_int_equal(snap_file_parse(buf, n, &m, &v, err, sizeof(err)),
			 want);
	if (!strstr(err, msg))
		fail_msg("'%s' lacks '%s'", err, msg);
}

static void test_header(void **state)
{
	(void)state;
	static uint8_t buf[BUF], copy[BUF];
	struct vm_config c;
	machine(&c);
	size_t n = build(buf, &c);
	refused(buf, 10, -EINVAL, "truncated: 10 bytes");
	refused(buf, n - 1, -EINVAL, "truncated or corrupted");
	memcpy(copy, buf, n);
	copy[0] = 'X';
	refused(copy, n, -EINVAL, "not a vmm snapshot");
	memcpy(copy, buf, n);
	copy[8] = 2;
	refused(copy, n, -EPROTONOSUPPORT, "version 2 is not supported");
	memcpy(copy, buf, n);
	copy[12] = 7;
	refused(copy, n, -EPROTONOSUPPORT, "architecture 7");
	memcpy(copy, buf, n);
	copy[28] = 1; /* reserved */
	refused(copy, n, -EINVAL, "truncated or corrupted");
	for (size_t at = SNAP_HDR_LEN; at < n; at += 37) {
		memcpy(copy, buf, n);
		copy[at] ^= 0x01;
		refused(copy, n, -EINVAL, "CRC does not match");
	}
}

/* The machine's first fields. */
struct head {
	uint64_t mem, bytes;
	uint32_t cpus;
};
static const struct head ok_head = {128, 128ull << 20, 1};

static void put_str(struct st_writer *w, const char *s)
{
	st_put_u16(w, (uint16_t)strlen(s));
	st_put_bytes(w, s, strlen(s));
}

/* What follows the machine section. */
enum after { VMST, NO_VMST, VMST_THEN_BYTE };

/* A state file into buf, behind a valid header and CRC: the machine
 * section (h's fields, then fields()), then `after`. Its length. */
static size_t build_machine(uint8_t *buf, const struct head *h,
			    void (*fields)(struct st_writer *w),
			    enum after after)
{
	struct st_writer w;
	st_writer_init(&w, buf, BUF);
	snap_file_begin(&w);
	size_t m = st_section_begin(&w, SNAP_MCFG_TAG, 1);
	st_put_u64(&w, h->mem);
	st_put_u32(&w, h->cpus);
	st_put_bool(&w, true);
	st_put_bytes(&w, "AuthenticAMD", 12);
	st_put_u64(&w, h->bytes);
	fields(&w);
	st_section_end(&w, m);
	if (after != NO_VMST)
		st_section_end(&w, st_section_begin(&w, "VMST", 1));
	if (after == VMST_THEN_BYTE)
		st_put_u8(&w, 1);
	long n = st_writer_end(&w);
	assert_true(n > 0);
	snap_file_finish(buf, (size_t)n);
	return (size_t)n;
}

static void bad_machine(const struct head *h,
			void (*fields)(struct st_writer *w), enum after after,
			const char *msg)
{
	static uint8_t buf[BUF];
	refused(buf, build_machine(buf, h, fields, after), -EINVAL, msg);
}

/* No disks, nets or vsock. */
static void put_tail(struct st_writer *w)
{
	st_put_u32(w, 0); /* disks */
	st_put_u32(w, 0); /* nets */
	st_put_bool(w, false);
	st_put_u32(w, 0);
	put_str(w, "");
}

/* The fields after the head, each machine's: */
static void f_valid(struct st_writer *w)
{
	st_put_u32(w, 0); /* no flag devices */
	put_tail(w);
}

static void f_unknown_dev(struct st_writer *w)
{
	st_put_u32(w, 1);
	put_str(w, "floppy");
	put_tail(w);
}

static void f_typed_dev(struct st_writer *w)
{
	st_put_u32(w, 1);
	put_str(w, "blk"); /* not a flag type */
	put_tail(w);
}

static void f_repeated_dev(struct st_writer *w)
{
	st_put_u32(w, 2);
	put_str(w, "rng");
	put_str(w, "rng");
	put_tail(w);
}

static void f_too_many_disks(struct st_writer *w)
{
	st_put_u32(w, 0);
	st_put_u32(w, CONFIG_MAX_DISKS + 1);
}

static void f_nul_in_path(struct st_writer *w)
{
	st_put_u32(w, 0);
	st_put_u32(w, 1);
	st_put_u16(w, 3);
	st_put_bytes(w, "a\0b", 3);
	put_str(w, "");
	st_put_bool(w, false);
	st_put_bool(w, false);
}

static void f_bad_cid(struct st_writer *w)
{
	st_put_u32(w, 0);
	st_put_u32(w, 0);
	st_put_u32(w, 0);
	st_put_bool(w, true);
	st_put_u32(w, 2); /* the host's CID */
	put_str(w, "/v");
}

static void f_leftover(struct st_writer *w)
{
	f_valid(w);
	st_put_u8(w, 0);
}

static void test_machine(void **state)
{
	(void)state;
	const struct head small = {4, 4ull << 20, 1},
			  nocpu = {128, 128ull << 20, 0},
			  cpus = {128, 128ull << 20, 65},
			  size = {128, 64ull << 20, 1};
	bad_machine(&small, f_valid, VMST, "out of range");
	bad_machine(&nocpu, f_valid, VMST, "out of range");
	bad_machine(&cpus, f_valid, VMST, "out of range");
	bad_machine(&size, f_valid, VMST, "out of range");
	bad_machine(&ok_head, f_unknown_dev, VMST, "the device list");
	bad_machine(&ok_head, f_typed_dev, VMST, "the device list");
	bad_machine(&ok_head, f_repeated_dev, VMST, "the device list");
	bad_machine(&ok_head, f_too_many_disks, VMST, "the disks");
	bad_machine(&ok_head, f_nul_in_path, VMST, "the disks");
	bad_machine(&ok_head, f_bad_cid, VMST, "the vsock");
	bad_machine(&ok_head, f_leftover, VMST, "bytes after its fields");
	bad_machine(&ok_head, f_valid, NO_VMST, "no VM state");
	bad_machine(&ok_head, f_valid, VMST_THEN_BYTE, "bytes after it");
	/* And the valid one passes, so each refusal is its edit's. */
	static uint8_t buf[BUF];
	size_t n = build_machine(buf, &ok_head, f_valid, VMST);
	struct snap_machine m;
	struct st_reader v;
	char err[256];
	assert_int_equal(snap_file_parse(buf, n, &m, &v, err, sizeof(err)), 0);
}

/* The snapshot's machine, the user's devices where given. */
static void test_merge(void **state)
{
	(void)state;
	struct snap_machine m;
	memset(&m, 0, sizeof(m));
	machine(&m.cfg);
	struct vm_config u;
	char err[256];
	config_defaults(&u);
	assert_int_equal(snap_load_merge(&m, &u, err, sizeof(err)), 0);
	assert_int_equal(u.mem_mib, 256);
	assert_int_equal(u.cpus, 2);
	assert_false(u.acpi);
	assert_true(config_dev_has(&u, &virtio_rng_type));
	assert_int_equal(u.ndisks, 2);
	assert_string_equal(u.disks[1].path, "/img/data");
	assert_string_equal(u.nets[0].tap, "tap0");
	assert_string_equal(u.vsock.uds_path, "/run/v.sock");

	/* The user's disks and taps replace the paths; the guest-visible
	 * parts (ids, MACs) stay the snapshot's. */
	config_defaults(&u);
	u.ndisks = 2;
	strcpy(u.disks[0].path, "/copy/root");
	strcpy(u.disks[0].id, "other");
	strcpy(u.disks[1].path, "/copy/data");
	u.disks[1].read_only = true;
	u.nnets = 1;
	strcpy(u.nets[0].tap, "tap9");
	assert_int_equal(snap_load_merge(&m, &u, err, sizeof(err)), 0);
	assert_string_equal(u.disks[0].path, "/copy/root");
	assert_string_equal(u.disks[0].id, "root");
	assert_string_equal(u.nets[0].tap, "tap9");
	assert_true(u.nets[0].has_mac);
	assert_memory_equal(u.nets[0].mac, m.cfg.nets[0].mac, 6);

	/* vsock_override: the socket path only. */
	config_defaults(&u);
	strcpy(u.restore.vsock_uds, "/elsewhere.sock");
	assert_int_equal(snap_load_merge(&m, &u, err, sizeof(err)), 0);
	assert_int_equal(u.vsock.cid, 42);
	assert_string_equal(u.vsock.uds_path, "/elsewhere.sock");

	config_defaults(&u);
	u.ndisks = 1;
	assert_int_equal(snap_load_merge(&m, &u, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "has 2 disks, 1 given"));
	config_defaults(&u);
	u.ndisks = 2;
	u.disks[1].read_only = false;
	strcpy(u.disks[1].path, "/rw");
	assert_int_equal(snap_load_merge(&m, &u, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "disk 1 (/rw) is writable"));
	config_defaults(&u);
	u.nnets = 2;
	assert_int_equal(snap_load_merge(&m, &u, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "1 network interfaces, 2 given"));
	config_defaults(&u);
	u.vsock = (struct vsock_config){.on = true, .cid = 43};
	assert_int_equal(snap_load_merge(&m, &u, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "CID is 43, the snapshot's was 42"));
	m.cfg.vsock.on = false;
	assert_int_equal(snap_load_merge(&m, &u, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "has no vsock, one given"));
	config_defaults(&u);
	strcpy(u.restore.vsock_uds, "/x");
	assert_int_equal(snap_load_merge(&m, &u, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "vsock_override"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_header),
	    cmocka_unit_test(test_machine),
	    cmocka_unit_test(test_merge),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
