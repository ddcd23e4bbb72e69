/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The device type table (devices/virtio/vdev_type.h), as a conformance
 * suite every type in it passes:
 *  - the table is well formed: unique names and trace kinds, every op,
 *    --help lines for the flag types, inputs in the trace's input class
 *    and apart from the format's own, a reason for every system call; the
 *    lookups and the trace's record names agree with it;
 *  - each type, created through its descriptor with a transport attached
 *    and brought up by a driver, saves through its ops; a fresh device of
 *    the type restores that blob and saves the same bytes; a device of
 *    another type refuses it;
 *  - a type that needs options refuses to be created without them;
 *  - each type's counters are named, unique and zero on a fresh device;
 *  - virtio-rng's fill goes through the VM's input hook (the seam the
 *    recorder and the replay use) with the type's own input.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>

#include <cmocka.h>

#include <linux/virtio_config.h>
#include <linux/virtio_mmio.h>

#include "devices/virtio/blk.h"
#include "devices/virtio/console.h"
#include "devices/virtio/mmio.h"
#include "devices/virtio/net.h"
#include "devices/virtio/rng.h"
#include "devices/virtio/vsock.h"
#include "tests/support/mmio_driver.h"
#include "tests/support/vq_builder.h"
#include "vmm/trace/trace.h"
#include "vmm/vm/config.h"
#include "vmm/vm/host_dev.h"

#define RAM	 0x40000ull
#define RING(q)	 (0x1000ull + 0x3000ull * (q))
#define DATA	 0x10000ull
#define QSIZE	 8
#define BLOB_MAX 1024

/* ---- host sides the types with options get ---- */

static ssize_t disk_rw(void *o, struct iovec *iov, int n, uint64_t off)
{
	(void)o, (void)iov, (void)n, (void)off;
	return -EIO;
}
static int disk_flush(void *o)
{
	(void)o;
	return 0;
}
static int disk_range(void *o, uint64_t off, uint64_t len)
{
	(void)o, (void)off, (void)len;
	return -EIO;
}
static int disk_zero(void *o, uint64_t off, uint64_t len, bool unmap)
{
	(void)o, (void)off, (void)len, (void)unmap;
	return -EIO;
}
static const struct disk_ops fake_disk_ops = {.read = disk_rw,
					      .write = disk_rw,
					      .flush = disk_flush,
					      .discard = disk_range,
					      .write_zeroes = disk_zero};

static ssize_t port_io(struct net_port *p, const struct iovec *iov, unsigned n)
{
	(void)p, (void)iov, (void)n;
	return -EAGAIN;
}
static void port_want(struct net_port *p, bool want)
{
	(void)p, (void)want;
}
static int port_offl(struct net_port *p, unsigned f)
{
	(void)p, (void)f;
	return 0;
}
static const struct net_port_ops fake_port_ops = {.send = port_io,
						  .recv = port_io,
						  .want_rx = port_want,
						  .set_offloads = port_offl};

static int sp_connect(struct vsock_port *p, uint32_t port)
{
	(void)p, (void)port;
	return -ECONNREFUSED;
}
static void sp_accepted(struct vsock_port *p, int h, uint32_t local)
{
	(void)p, (void)h, (void)local;
}
static ssize_t sp_io(struct vsock_port *p, int h, const struct iovec *iov,
		     unsigned n)
{
	(void)p, (void)h, (void)iov, (void)n;
	return -EAGAIN;
}
static void sp_want(struct vsock_port *p, int h, bool rx, bool tx)
{
	(void)p, (void)h, (void)rx, (void)tx;
}
static void sp_handle(struct vsock_port *p, int h)
{
	(void)p, (void)h;
}
static const struct vsock_port_ops fake_stream_ops = {.connect = sp_connect,
						      .accepted = sp_accepted,
						      .send = sp_io,
						      .recv = sp_io,
						      .want = sp_want,
						      .shutdown_send =
							  sp_handle,
						      .close = sp_handle};

static void con_tx(void *o, const uint8_t *buf, size_t len)
{
	(void)o, (void)buf, (void)len;
}

/* One device of a type, with its RAM, transport and driver rings. */
struct side {
	const struct vdev_type *t;
	struct guest_mem gm;
	struct disk disk;
	struct net_port port;
	struct virtio_blk_opts blk;
	struct virtio_net_opts net;
	struct virtio_console_host con;
	struct vsock_port sport;
	struct virtio_vsock_opts vsock;
	void *impl;
	struct virtio_dev *dev;
	struct virtio_mmio m;
	struct vqb b[VDEV_MAX_QUEUES];
	unsigned irqs, inputs;
	const struct vdev_input *last_in;
};

static void count_irq(void *opaque)
{
	((struct side *)opaque)->irqs++;
}

/* The VM's input hook: counts, and fills 0xa5. */
static ssize_t input(void *opaque, const struct vdev_input *in, void *buf,
		     size_t len)
{
	struct side *s = opaque;
	s->inputs++;
	s->last_in = in;
	memset(buf, 0xa5, len);
	return (ssize_t)len;
}

/* The options the VM layer would give type t (NULL for the rest). */
static const void *opts_for(struct side *s)
{
	if (s->t == &virtio_blk_type) {
		s->disk = (struct disk){
		    .ops = &fake_disk_ops, .size = 1 << 20, .align = 1};
		s->blk = (struct virtio_blk_opts){.disk = &s->disk,
						  .name = "virtio-blk0"};
		return &s->blk;
	}
	if (s->t == &virtio_net_type) {
		s->port = (struct net_port){.ops = &fake_port_ops};
		s->net = (struct virtio_net_opts){.port = &s->port,
						  .name = "virtio-net"};
		return &s->net;
	}
	if (s->t == &virtio_console_type) {
		s->con = (struct virtio_console_host){.tx = con_tx};
		return &s->con;
	}
	if (s->t == &virtio_vsock_type) {
		s->sport = (struct vsock_port){.ops = &fake_stream_ops};
		s->vsock = (struct virtio_vsock_opts){.port = &s->sport,
						      .guest_cid = 3};
		return &s->vsock;
	}
	return NULL;
}

static struct side *side_new(const struct vdev_type *t)
{
	struct side *s = test_calloc(1, sizeof(*s));
	assert_non_null(s);
	s->t = t;
	gm_init(&s->gm);
	assert_int_equal(gm_add_ram(&s->gm, 0, RAM, 0), 0);
	struct vdev_env env = {
	    .mem = &s->gm, .opts = opts_for(s), .input = input, .opaque = s};
	char why[256] = "";
	assert_int_equal(t->create(&env, &s->impl, &s->dev, why, sizeof(why)),
			 0);
	assert_non_null(s->dev);
	assert_true(s->dev->nqueues >= 1 && s->dev->nqueues <= VDEV_MAX_QUEUES);
	struct virtio_mmio_host mh = {.raise_irq = count_irq, .opaque = s};
	assert_int_equal(virtio_mmio_init(&s->m, s->dev, &mh), 0);
	return s;
}

static void side_free(struct side *s)
{
	virtio_mmio_destroy(&s->m);
	s->t->destroy(s->impl);
	gm_destroy(&s->gm);
	test_free(s);
}

static void wr(struct side *s, uint64_t off, uint32_t v)
{
	virtio_mmio_ops.write(&s->m, off, 4, v);
}

static uint64_t ring_at(unsigned q)
{
	return RING(q);
}

/* The device up, every queue at RING(q). */
static void bring_up(struct side *s)
{
	assert_int_equal(mmio_driver_up(&s->m, s->b, s->dev->nqueues, &s->gm,
					QSIZE, ring_at, false),
			 0);
}

static size_t save(struct side *s, uint8_t *buf)
{
	struct st_writer w;
	st_writer_init(&w, buf, BLOB_MAX);
	s->t->save(s->impl, &w);
	long n = st_writer_end(&w);
	assert_true(n > 0);
	return (size_t)n;
}

static int restore(struct side *s, const uint8_t *buf, size_t len)
{
	struct st_reader r;
	st_reader_init(&r, buf, len);
	int e = s->t->restore(s->impl, &r);
	return e ? e : st_reader_end(&r);
}

/* ---- the table ---- */

static void test_table_well_formed(void **state)
{
	(void)state;
	unsigned n = 0;
	for (const struct vdev_type *const *t = vdev_types; *t; t++, n++) {
		const struct vdev_type *a = *t;
		assert_non_null(a->name);
		assert_true(a->create && a->destroy && a->save && a->restore);
		assert_ptr_equal(vdev_type_find(a->name), a);
		if (a->trace_kind)
			assert_ptr_equal(vdev_type_by_trace(a->trace_kind), a);
		else /* not traceable: has no inputs to trace either */
			assert_int_equal(a->ninputs, 0);
		for (const struct vdev_type *const *u = vdev_types; u < t;
		     u++) {
			assert_string_not_equal((*u)->name, a->name);
			if (a->trace_kind)
				assert_int_not_equal((*u)->trace_kind,
						     a->trace_kind);
			if ((*u)->option && a->option)
				assert_string_not_equal((*u)->option,
							a->option);
		}
		if (a->option) {
			char head[64];
			snprintf(head, sizeof(head), "  --%s ", a->option);
			assert_non_null(a->usage);
			assert_memory_equal(a->usage, head, strlen(head));
			assert_int_equal(a->usage[strlen(a->usage) - 1], '\n');
		}
		for (unsigned i = 0; i < a->ninputs; i++) {
			const struct vdev_input *in = &a->inputs[i];
			assert_int_equal(trace_class(in->trace_type),
					 TRACE_CLASS_INPUT);
			assert_int_not_equal(in->trace_type, TRACE_MEM);
			assert_int_not_equal(in->trace_type, TRACE_RTC);
			assert_non_null(in->source);
			assert_ptr_equal(vdev_input_by_trace(in->trace_type),
					 in);
			assert_string_equal(trace_type_name(in->trace_type),
					    in->name);
			assert_true(trace_type_known(in->trace_type));
		}
		for (unsigned i = 0; i < a->nsyscalls; i++)
			assert_true(a->syscalls[i].sys && a->syscalls[i].why &&
				    strlen(a->syscalls[i].why) >= 8);
		/* A type configured per device is so for its host
		 * resource: a kind that host_dev_count counts. */
		assert_true(a->host < VDEV_HOST_KINDS);
		if (!a->option)
			assert_true(a->host == VDEV_HOST_DISK ||
				    a->host == VDEV_HOST_TAP ||
				    a->host == VDEV_HOST_STREAMS);
	}
	assert_true(n >= 4 && n <= TRACE_MAX_DEVS);
	/* The trace header's typed entries are these types'. */
	assert_int_equal(virtio_blk_type.trace_kind, TRACE_DEV_BLK);
	assert_int_equal(virtio_net_type.trace_kind, TRACE_DEV_NET);
	assert_int_equal(virtio_vsock_type.trace_kind, TRACE_DEV_VSOCK);
	assert_ptr_equal(vdev_types[0], &virtio_blk_type);
	assert_ptr_equal(vdev_types[1], &virtio_net_type);
	assert_null(vdev_type_find("nope"));
	assert_null(vdev_type_by_trace(0));
	assert_null(vdev_input_by_trace(TRACE_RTC));
}

/* How many devices of each type a configuration asks for, by the type's
 * kind: disks, nets and the vsock by their options, flag types on or
 * off. */
static void test_host_dev_count(void **state)
{
	(void)state;
	struct vm_config c;
	memset(&c, 0, sizeof(c));
	for (const struct vdev_type *const *t = vdev_types; *t; t++)
		assert_int_equal(host_dev_count(&c, *t), 0);
	c.ndisks = 3;
	c.nnets = 2;
	c.vsock.on = true;
	assert_int_equal(config_dev_add(&c, &virtio_rng_type), 0);
	assert_int_equal(host_dev_count(&c, &virtio_blk_type), 3);
	assert_int_equal(host_dev_count(&c, &virtio_net_type), 2);
	assert_int_equal(host_dev_count(&c, &virtio_rng_type), 1);
	assert_int_equal(host_dev_count(&c, &virtio_console_type), 0);
	assert_int_equal(host_dev_count(&c, &virtio_vsock_type), 1);
	assert_true(host_dev_wants(&c, VDEV_HOST_DISK));
	assert_true(host_dev_wants(&c, VDEV_HOST_STREAMS));
	assert_false(host_dev_wants(&c, VDEV_HOST_CONSOLE));
	assert_int_equal(config_dev_add(&c, &virtio_console_type), 0);
	assert_true(host_dev_wants(&c, VDEV_HOST_CONSOLE));
}

/* Every type: save, restore into a fresh one, the same bytes again; a
 * device of the next type refuses the blob and stays as it was. */
static void test_round_trip_every_type(void **state)
{
	(void)state;
	for (const struct vdev_type *const *t = vdev_types; *t; t++) {
		struct side *a = side_new(*t), *b = side_new(*t);
		const struct vdev_type *other = t[1] ? t[1] : vdev_types[0];
		struct side *c = side_new(other);
		uint8_t blob[BLOB_MAX], again[BLOB_MAX], before[BLOB_MAX],
		    after[BLOB_MAX];
		bring_up(a);
		/* Its counters: named, unique, all zero on a fresh device. */
		assert_non_null((*t)->counters);
		struct vdev_counter cn[VDEV_COUNTERS_MAX];
		unsigned nc = (*t)->counters(a->impl, cn);
		assert_true(nc >= 1 && nc <= VDEV_COUNTERS_MAX);
		for (unsigned i = 0; i < nc; i++) {
			assert_true(cn[i].name && cn[i].name[0]);
			assert_int_equal(cn[i].value, 0);
			for (unsigned k = 0; k < i; k++)
				assert_string_not_equal(cn[k].name, cn[i].name);
		}
		size_t n = save(a, blob);
		assert_int_equal(restore(b, blob, n), 0);
		assert_int_equal(save(b, again), n);
		assert_memory_equal(blob, again, n);
		size_t m = save(c, before);
		assert_int_equal(restore(c, blob, n), -EINVAL);
		assert_int_equal(save(c, after), m);
		assert_memory_equal(before, after, m);
		side_free(a);
		side_free(b);
		side_free(c);
	}
}

static void test_options_required(void **state)
{
	(void)state;
	struct guest_mem gm;
	gm_init(&gm);
	assert_int_equal(gm_add_ram(&gm, 0, RAM, 0), 0);
	for (const struct vdev_type *const *t = vdev_types; *t; t++) {
		if (!((*t) == &virtio_blk_type || (*t) == &virtio_net_type ||
		      (*t) == &virtio_console_type))
			continue;
		struct vdev_env env = {.mem = &gm};
		void *impl = NULL;
		struct virtio_dev *dev = NULL;
		char why[64];
		assert_int_equal(
		    (*t)->create(&env, &impl, &dev, why, sizeof(why)), -EINVAL);
		assert_null(impl);
	}
	gm_destroy(&gm);
}

/* A guest's 16-byte request reaches the input hook as the type's input. */
static void test_rng_input_hook(void **state)
{
	(void)state;
	struct side *s = side_new(&virtio_rng_type);
	bring_up(s);
	struct vqb_seg seg = {.gpa = DATA, .len = 16, .write = true};
	assert_true(vqb_add_chain(&s->b[0], &seg, 1) >= 0);
	wr(s, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	assert_int_equal(s->inputs, 1);
	assert_ptr_equal(s->last_in, &virtio_rng_type.inputs[0]);
	assert_int_equal(s->last_in->trace_type, VIRTIO_RNG_TRACE_INPUT);
	uint8_t got[16], want[16];
	memset(want, 0xa5, sizeof(want));
	assert_int_equal(gm_read(&s->gm, DATA, got, sizeof(got)), 0);
	assert_memory_equal(got, want, sizeof(got));
	uint32_t id, len;
	assert_int_equal(vqb_get_used(&s->b[0], &id, &len), 1);
	assert_int_equal(len, 16);
	assert_true(s->irqs >= 1);
	/* The request shows in the type's counters. */
	struct vdev_counter c[VDEV_COUNTERS_MAX];
	unsigned nc = virtio_rng_type.counters(s->impl, c);
	bool bytes = false;
	for (unsigned i = 0; i < nc; i++)
		if (!strcmp(c[i].name, "bytes"))
			bytes = c[i].value == 16;
	assert_true(bytes);
	side_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_table_well_formed),
	    cmocka_unit_test(test_host_dev_count),
	    cmocka_unit_test(test_round_trip_every_type),
	    cmocka_unit_test(test_options_required),
	    cmocka_unit_test(test_rng_input_hook),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
