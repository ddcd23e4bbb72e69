/* SPDX-License-Identifier: Apache-2.0 */
/* virtio-mmio discovery and driver dispatch: see vdevs.h. */
#include "vdevs.h"

#include "csum.h"

#include <stddef.h>
#include <stdint.h>

#include <linux/virtio_ids.h>
#include <linux/virtio_mmio.h>

#include "exitcodes.h"
#include "io.h"
#include "serial.h"
#include "vbench.h"
#include "vblk.h"
#include "vcon.h"
#include "vhostile.h"
#include "virtio.h"
#include "vnet.h"
#include "vrng.h"
#include "vvsock.h"

#define VD_MAGIC 0x74726976u /* "virt" */
#define VD_KEY "virtio_mmio.device="
#define VD_MIN_SIZE 0x200

static struct vio_dev vd_devs[VIO_MAX_DEVS];

/* The value of a hex digit, 16 for anything else. */
static unsigned vd_xdigit(char c)
{
	if (c >= '0' && c <= '9')
		return (unsigned)(c - '0');
	if (c >= 'a' && c <= 'f')
		return (unsigned)(c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (unsigned)(c - 'A' + 10);
	return 16;
}

/* An unsigned number as strtoull(base 0): 0x hex, leading 0 octal,
 * else decimal; or as decimal only. Advances *p; false if there are no
 * digits or it overflows. */
static bool vd_num(const char **p, const char *end, bool any_base,
		   uint64_t *out)
{
	const char *s = *p;
	uint64_t v = 0, base = 10;

	if (any_base && end - s >= 3 && s[0] == '0' && (s[1] | 0x20) == 'x' &&
	    vd_xdigit(s[2]) < 16) {
		base = 16;
		s += 2;
	} else if (any_base && s < end && s[0] == '0') {
		base = 8;
	}
	const char *digits = s;

	for (; s < end; s++) {
		uint64_t d = vd_xdigit(*s);

		if (d >= base)
			break;
		if (v > (UINT64_MAX - d) / base)
			return false;
		v = v * base + d;
	}
	if (s == digits)
		return false;
	*out = v;
	*p = s;
	return true;
}

/* Parse the value of a virtio_mmio.device= word, [s, end). */
static bool vd_parse(const char *s, const char *end, struct vio_dev *d)
{
	uint64_t size, base, irq, id;
	unsigned shift = 0;

	if (!vd_num(&s, end, true, &size))
		return false;
	for (unsigned k = 0; s < end && k < 6; k++) {
		if ((*s | 0x20) == "kmgtpe"[k]) {
			shift = 10 * (k + 1);
			s++;
			break;
		}
	}
	if (shift && size > UINT64_MAX >> shift)
		return false;
	size <<= shift;
	if (s >= end || *s++ != '@' || !vd_num(&s, end, true, &base))
		return false;
	if (s >= end || *s++ != ':' || !vd_num(&s, end, false, &irq) ||
	    irq == 0 || irq > UINT32_MAX)
		return false;
	if (s < end && *s == ':') {
		s++;
		if (s < end && *s == '-')
			s++;
		if (!vd_num(&s, end, false, &id))
			return false;
	}
	if (s != end)
		return false;
	d->base = base;
	d->size = size;
	d->irq = (uint32_t)irq;
	return true;
}

static bool vd_key(const char *w, const char *end)
{
	const char *k = VD_KEY;

	for (; *k; k++, w++)
		if (w >= end || *w != *k)
			return false;
	return true;
}

/* Check and print one device; true if a driver should run. */
static bool vd_probe(struct vio_dev *d)
{
	uint32_t magic, version;

	if (d->size < VD_MIN_SIZE || d->base >= IO_4G ||
	    d->size > IO_4G - d->base)
		vio_fail(TG_EXIT_VIRTIO_MAGIC, "virtio window: expected "
			 ">= 0x%x bytes below 4 GiB, found 0x%lx bytes at "
			 "0x%lx", VD_MIN_SIZE, d->size, d->base);
	magic = vio_read32(d, VIRTIO_MMIO_MAGIC_VALUE);
	if (magic != VD_MAGIC)
		vio_fail(TG_EXIT_VIRTIO_MAGIC, "virtio magic at 0x%lx: "
			 "expected 0x%x, found 0x%x", d->base, VD_MAGIC, magic);
	version = vio_read32(d, VIRTIO_MMIO_VERSION);
	if (version != 2) {
		ser_printf("testguest: virtio: 0x%lx version %u%s, skipped\n",
			   d->base, version, version == 1 ? " (legacy)" : "");
		return false;
	}
	d->id = vio_read32(d, VIRTIO_MMIO_DEVICE_ID);
	if (d->id == 0) {
		ser_printf("testguest: virtio: 0x%lx no device (id 0)\n",
			   d->base);
		return false;
	}
	ser_printf("testguest: virtio: 0x%lx id %u irq %u\n", d->base, d->id,
		   d->irq);
	return true;
}

/* The benchmarks of vbench.h, on the first device of their kind. */
static void vd_bench(const struct cmd_opts *o, struct vio_dev *blk,
		     struct vio_dev *net)
{
	if (o->blkbench_count) {
		if (!blk)
			vio_fail(TG_EXIT_BENCH_NO_DEVICE, "blkbench: expected a "
				 "virtio-blk device, found none");
		vbench_blk(blk, (uint32_t)o->blkbench_size, o->blkbench_count,
			   o->blkbench_mode, (unsigned)o->blkbench_depth);
	}
	if (o->netbench_count) {
		if (!net)
			vio_fail(TG_EXIT_BENCH_NO_DEVICE, "netbench: expected a "
				 "virtio-net device, found none");
		vnet_bench(net, o->netbench_count,
			   (unsigned)o->netbench_size);
	}
}

void vdevs_run(const char *cmdline, const struct cmd_opts *opt)
{
	unsigned n = 0;
	struct vio_dev *victim = NULL, *rng = NULL, *net = NULL;

	for (const char *p = cmdline; *p;) {
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		const char *w = p;

		while (*p && *p != ' ' && *p != '\t' && *p != '\n' &&
		       *p != '\r')
			p++;
		if (p == w || !vd_key(w, p))
			continue;
		if (n == VIO_MAX_DEVS) {
			ser_printf("testguest: virtio: more than %u devices, "
				   "ignoring the rest\n", VIO_MAX_DEVS);
			break;
		}
		struct vio_dev *d = &vd_devs[n];

		*d = (struct vio_dev){ .slot = n };
		if (!vd_parse(w + sizeof(VD_KEY) - 1, p, d)) {
			char bad[81];
			unsigned i = 0;

			for (; i < 80 && w + i < p; i++)
				bad[i] = w[i];
			bad[i] = '\0';
			vio_fail(TG_EXIT_VIRTIO_CMDLINE, "virtio cmdline: expected "
				 VD_KEY "<size>@<addr>:<irq>, found %s", bad);
		}
		n++;
		if (!vd_probe(d))
			continue;
		switch (d->id) {
		case VIRTIO_ID_BLOCK:
			vblk_run(d);
			if (opt->blkswap && !victim)
				vblk_wait_swap(d);
			if (!victim)
				victim = d;
			break;
		case VIRTIO_ID_RNG:
			vrng_run(d);
			if (!rng)
				rng = d;
			break;
		case VIRTIO_ID_NET:
			vnet_run(d, opt->net_skip);
			if (!net)
				net = d;
			break;
		case VIRTIO_ID_CONSOLE:
			vcon_run(d);
			break;
		case VIRTIO_ID_VSOCK:
			vvsock_run(d);
			break;
		default:
			ser_printf("testguest: virtio: 0x%lx no driver for id "
				   "%u\n", d->base, d->id);
			break;
		}
	}
	struct vio_dev *blk = victim;

	if (opt->hostile) {
		if (!victim)
			victim = rng;
		if (!victim)
			vio_fail(TG_EXIT_HOSTILE_NO_DEVICE, "hostile: expected "
				 "a virtio-blk or virtio-rng device, found "
				 "none");
		vhostile_run(victim);
	}
	vd_bench(opt, blk, net);
	if (opt->blkcsum)
		csum_run_io(opt->blkcsum, blk, rng);
}
