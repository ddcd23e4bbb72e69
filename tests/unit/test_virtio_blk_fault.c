/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests for virtio-blk (devices/virtio/blk.c) over an in-memory disk
 * backend (devices/disk.h) that records its calls and fails on demand:
 * each request type reaches exactly its op with the right arguments, and
 * every host I/O error path (read, write, flush, discard, write_zeroes,
 * and a backend transferring less than asked) completes with
 * VIRTIO_BLK_S_IOERR, is counted in io_errors and errors, and leaves the
 * device working. Fixture: blk_fixture.h (fx_attach_disk).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tests/unit/blk_fixture.h"

enum { OP_READ, OP_WRITE, OP_FLUSH, OP_DISCARD, OP_WZ, NOPS };

struct memdisk {
	struct disk disk;
	uint8_t *data;	/* disk.size bytes (the fixture's f->img) */
	int fail[NOPS]; /* -errno for every call of the op; 0: work */
	bool short_rw;	/* read / write move one sector less and say so */
	unsigned calls[NOPS];
	uint64_t off, len; /* of the last call */
	bool unmap;	   /* of the last write_zeroes */
};

static ssize_t md_rw(struct memdisk *m, unsigned op, struct iovec *iov,
		     int niov, uint64_t off)
{
	uint64_t total = 0;

	m->calls[op]++;
	m->off = off;
	for (int i = 0; i < niov; i++)
		total += iov[i].iov_len;
	m->len = total;
	if (m->fail[op])
		return m->fail[op];
	assert_true(off <= m->disk.size && total <= m->disk.size - off);
	for (int i = 0; i < niov; i++) {
		if (op == OP_READ)
			memcpy(iov[i].iov_base, m->data + off, iov[i].iov_len);
		else
			memcpy(m->data + off, iov[i].iov_base, iov[i].iov_len);
		off += iov[i].iov_len;
	}
	return (ssize_t)(m->short_rw && total ? total - 512 : total);
}

static ssize_t md_read(void *opaque, struct iovec *iov, int niov, uint64_t off)
{
	return md_rw(opaque, OP_READ, iov, niov, off);
}

static ssize_t md_write(void *opaque, struct iovec *iov, int niov, uint64_t off)
{
	struct memdisk *m = opaque;

	assert_false(m->disk.read_only);
	return md_rw(m, OP_WRITE, iov, niov, off);
}

static int md_flush(void *opaque)
{
	struct memdisk *m = opaque;

	m->calls[OP_FLUSH]++;
	return m->fail[OP_FLUSH];
}

static int md_zero(struct memdisk *m, unsigned op, uint64_t off, uint64_t len)
{
	assert_false(m->disk.read_only);
	m->calls[op]++;
	m->off = off;
	m->len = len;
	if (m->fail[op])
		return m->fail[op];
	assert_true(off <= m->disk.size && len <= m->disk.size - off);
	memset(m->data + off, 0, len);
	return 0;
}

static int md_discard(void *opaque, uint64_t off, uint64_t len)
{
	return md_zero(opaque, OP_DISCARD, off, len);
}

static int md_write_zeroes(void *opaque, uint64_t off, uint64_t len,
			   bool may_unmap)
{
	struct memdisk *m = opaque;

	m->unmap = may_unmap;
	return md_zero(m, OP_WZ, off, len);
}

static const struct disk_ops md_ops = {
    .read = md_read,
    .write = md_write,
    .flush = md_flush,
    .discard = md_discard,
    .write_zeroes = md_write_zeroes,
};

struct mfx {
	struct fx *f;
	struct memdisk md;
};

/* The device over a memdisk of IMG_LEN pattern bytes (no file). */
static int msetup(void **state)
{
	struct mfx *x = test_calloc(1, sizeof(*x));
	struct fx *f = test_calloc(1, sizeof(*f));

	x->f = f;
	tu_mem_init(&f->gm, 16);
	f->fd = -1;
	f->len = IMG_LEN;
	f->img = test_malloc(IMG_LEN);
	for (size_t i = 0; i < IMG_LEN; i++)
		f->img[i] = (uint8_t)(i % 251 + 1);
	x->md = (struct memdisk){
	    .disk = {&md_ops, &x->md, IMG_LEN, false, 1},
	    .data = f->img,
	};
	assert_int_equal(fx_attach_disk(f, &x->md.disk, "mem", false), 0);
	*state = x;
	return 0;
}

static int mteardown(void **state)
{
	struct mfx *x = *state;

	fx_free(x->f);
	test_free(x);
	return 0;
}

/* Without faults each request reaches its op with its byte range. */
static void test_ops_reached(void **state)
{
	struct mfx *x = *state;
	struct fx *f = x->f;
	struct memdisk *m = &x->md;
	uint8_t buf[1024];

	assert_int_equal(rd(f, CFG(capacity), 8), NSEC); /* size / 512 */
	rq(f, T_IN, 3, 1024, S_OK, 1025);
	assert_int_equal(m->calls[OP_READ], 1);
	assert_int_equal(m->off, 3 * 512);
	assert_int_equal(m->len, 1024);
	assert_int_equal(gm_read(&f->gm, DATA, buf, 1024), 0);
	assert_memory_equal(buf, m->data + 3 * 512, 1024);
	memset(buf, 0xa5, sizeof(buf));
	put(f, DATA, buf, 1024);
	rq(f, T_OUT, 9, 1024, S_OK, 1);
	assert_int_equal(m->calls[OP_WRITE], 1);
	assert_int_equal(m->off, 9 * 512);
	assert_memory_equal(m->data + 9 * 512, buf, 1024);
	rq(f, T_FLUSH, 0, 0, S_OK, 1);
	assert_int_equal(m->calls[OP_FLUSH], 1);
	dz(f, T_DISCARD, 20, 4, 0, 1, S_OK);
	assert_int_equal(m->calls[OP_DISCARD], 1);
	assert_int_equal(m->off, 20 * 512);
	assert_int_equal(m->len, 4 * 512);
	dz(f, T_WZ, 30, 2, UNMAP, 1, S_OK);
	assert_int_equal(m->calls[OP_WZ], 1);
	assert_int_equal(m->off, 30 * 512);
	assert_int_equal(m->len, 1024);
	assert_true(m->unmap);
	dz(f, T_WZ, 30, 2, 0, 1, S_OK);
	assert_false(m->unmap);
	/* Refused before any op: past the end, bad length, zero sectors. */
	rq(f, T_IN, NSEC, 512, S_IOERR, 1);
	rq(f, T_OUT, 0, 100, S_IOERR, 1);
	dz(f, T_DISCARD, 0, 0, 0, 1, S_OK);
	assert_int_equal(m->calls[OP_READ] + m->calls[OP_WRITE] +
			     m->calls[OP_DISCARD] + m->calls[OP_WZ],
			 5);
	assert_int_equal(f->blk.reads, 1);
	assert_int_equal(f->blk.writes, 1);
	assert_int_equal(f->blk.flushes, 1);
	assert_int_equal(f->blk.discards, 4);
	assert_int_equal(f->blk.errors, 2);
	assert_int_equal(f->blk.io_errors, 0);
}

/* Issue the request that reaches op. */
static void req(struct fx *f, unsigned op, uint8_t st)
{
	switch (op) {
	case OP_READ:
		rq(f, T_IN, 2, 1024, st, st == S_OK ? 1025 : 1);
		break;
	case OP_WRITE:
		rq(f, T_OUT, 2, 1024, st, 1);
		break;
	case OP_FLUSH:
		rq(f, T_FLUSH, 0, 0, st, 1);
		break;
	case OP_DISCARD:
		dz(f, T_DISCARD, 4, 2, 0, 1, st);
		break;
	default:
		dz(f, T_WZ, 4, 2, UNMAP, 1, st);
	}
}

/* The completed-OK counter of op's request kind. */
static uint64_t done(const struct fx *f, unsigned op)
{
	switch (op) {
	case OP_READ:
		return f->blk.reads;
	case OP_WRITE:
		return f->blk.writes;
	case OP_FLUSH:
		return f->blk.flushes;
	default:
		return f->blk.discards;
	}
}

/* Every op failing in turn: IOERR, counted, the device still serves the
 * same request once the fault is gone. */
static void test_faults(void **state)
{
	static const int errs[NOPS] = {-EIO, -ENOSPC, -EIO, -EBADF, -EROFS};
	struct mfx *x = *state;
	struct fx *f = x->f;
	struct memdisk *m = &x->md;

	for (unsigned op = 0; op < NOPS; op++) {
		uint64_t ok = done(f, op);
		unsigned calls = m->calls[op];

		m->fail[op] = errs[op];
		req(f, op, S_IOERR);
		assert_int_equal(m->calls[op], calls + 1);
		assert_int_equal(f->blk.io_errors, op + 1);
		assert_int_equal(f->blk.errors, op + 1);
		assert_int_equal(done(f, op), ok);
		assert_false(rd(f, VIRTIO_MMIO_STATUS, 4) &
			     VIRTIO_CONFIG_S_NEEDS_RESET);
		m->fail[op] = 0;
		req(f, op, S_OK);
		assert_int_equal(m->calls[op], calls + 2);
		assert_int_equal(done(f, op), ok + 1);
		assert_int_equal(f->blk.io_errors, op + 1);
	}
	assert_int_equal(f->irqs, 2 * NOPS);
}

/* A backend that moves less than asked without an error is a host I/O
 * error too: the guest must not be told OK for bytes not transferred. */
static void test_short_transfer(void **state)
{
	struct mfx *x = *state;
	struct fx *f = x->f;

	x->md.short_rw = true;
	req(f, OP_READ, S_IOERR);
	req(f, OP_WRITE, S_IOERR);
	assert_int_equal(f->blk.io_errors, 2);
	assert_int_equal(f->blk.reads + f->blk.writes, 0);
	x->md.short_rw = false;
	req(f, OP_READ, S_OK);
	req(f, OP_WRITE, S_OK);
	assert_int_equal(f->blk.errors, 2);
}

/* A read-only backend: the device offers RO and no write op is called
 * (md_write and md_zero assert it). */
static void test_read_only(void **state)
{
	struct mfx *x = *state;
	struct fx *f = x->f;

	virtio_mmio_destroy(&f->m);
	virtio_blk_destroy(&f->blk);
	x->md.disk.read_only = true;
	assert_int_equal(fx_attach_disk(f, &x->md.disk, NULL, false), 0);
	assert_true(f->blk.dev.host_features & FEAT(RO));
	req(f, OP_WRITE, S_IOERR);
	req(f, OP_DISCARD, S_IOERR);
	req(f, OP_WZ, S_IOERR);
	req(f, OP_READ, S_OK);
	assert_int_equal(x->md.calls[OP_WRITE] + x->md.calls[OP_DISCARD] +
			     x->md.calls[OP_WZ],
			 0);
	assert_int_equal(f->blk.io_errors, 0);
	assert_int_equal(f->blk.errors, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_ops_reached, msetup,
					    mteardown),
	    cmocka_unit_test_setup_teardown(test_faults, msetup, mteardown),
	    cmocka_unit_test_setup_teardown(test_short_transfer, msetup,
					    mteardown),
	    cmocka_unit_test_setup_teardown(test_read_only, msetup, mteardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
