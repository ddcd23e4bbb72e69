/* SPDX-License-Identifier: Apache-2.0 */
/* The trace decoder; see trace_dec.h and docs/trace-format.md. */
#include "vmm/trace/trace_dec.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "devices/virtio/vdev_type.h"
#include "vmm/base/errmsg.h"
#include "vmm/vm/config.h"

#define LENIENT_MAX_DISK (1u << 20)

/* Device entry i of a (zero-padded) header into *d. */
static void tdec_dev(const uint8_t *q, struct trace_dev *d)
{
	memset(d, 0, sizeof(*d));
	d->kind = q[0];
	d->flags = q[1];
	d->offloads = trace_get32(q + 4);
	d->size = trace_get64(q + 8);
	d->hash = trace_get64(q + 16);
	if (d->kind == TRACE_DEV_VSOCK) {
		d->cid = d->size;
		d->size = 0;
	}
	if (d->kind == TRACE_DEV_NET)
		memcpy(d->mac, q + 24, 6);
	else
		memcpy(d->id, q + 24, TRACE_ID_MAX);
}

/* The position of device kind `kind` in the device table (creation
 * order), or -1 for a kind no type has. */
static int tdec_kind_pos(unsigned kind)
{
	for (int i = 0; kind && vdev_types[i]; i++)
		if (vdev_types[i]->trace_kind == kind)
			return i;
	return -1;
}

/* Devices of table position pos a trace may hold. */
static unsigned tdec_kind_max(int pos)
{
	unsigned kind = vdev_types[pos]->trace_kind;
	return kind == TRACE_DEV_BLK   ? CONFIG_MAX_DISKS
	       : kind == TRACE_DEV_NET ? CONFIG_MAX_NETS
				       : 1;
}

/* Strict: the devices must come in creation order, within the limits. */
static int tdec_check_devs(const struct trace_header *h, char *err,
			   size_t errlen)
{
	unsigned count[TRACE_MAX_DEVS] = {0};
	int prev = 0;
	for (unsigned i = 0; i < h->ndevs; i++) {
		const struct trace_dev *d = &h->devs[i];
		int pos = tdec_kind_pos(d->kind);
		if (pos < 0)
			return errmsg(err, errlen, -EINVAL,
				      "header: device %u has unknown kind %u",
				      i, d->kind);
		if (pos < prev)
			return errmsg(err, errlen, -EINVAL,
				      "header: device %u is out of order "
				      "(disks, nets, then the others in "
				      "kind order)",
				      i);
		prev = pos;
		if (++count[pos] > tdec_kind_max(pos))
			return errmsg(err, errlen, -EINVAL,
				      "header: too many devices of kind %u",
				      d->kind);
		unsigned allowed = d->kind == TRACE_DEV_BLK ? TRACE_BLK_RO : 0;
		if (d->flags & ~allowed)
			return errmsg(err, errlen, -EINVAL,
				      "header: device %u has unknown flags "
				      "0x%x",
				      i, d->flags);
		if (d->kind == TRACE_DEV_VSOCK &&
		    (d->cid < CONFIG_VSOCK_MIN_CID ||
		     d->cid > CONFIG_VSOCK_MAX_CID))
			return errmsg(err, errlen, -EINVAL,
				      "header: vsock %u has CID %" PRIu64
				      " (3 to 2^32 - 2)",
				      i, d->cid);
		if (d->kind == TRACE_DEV_BLK && d->size < 512)
			return errmsg(err, errlen, -EINVAL,
				      "header: disk %u is %" PRIu64
				      " bytes (at least 512)",
				      i, d->size);
	}
	return 0;
}

/* Lenient: clamp the machine and put the devices in creation order,
 * dropping those over the limits. */
static void tdec_fix_header(struct trace_header *h)
{
	struct trace_header in = *h;
	unsigned ntypes = 0; /* the traceable ones */
	for (unsigned pos = 0; vdev_types[pos]; pos++)
		ntypes += vdev_types[pos]->trace_kind != 0;
	if (h->mem_mib < CONFIG_MIN_MEM_MIB)
		h->mem_mib = CONFIG_MIN_MEM_MIB;
	if (h->mem_mib > TDEC_LENIENT_MAX_MEM_MIB)
		h->mem_mib = TDEC_LENIENT_MAX_MEM_MIB;
	if (h->cpus < 1)
		h->cpus = 1;
	if (h->cpus > CONFIG_MAX_CPUS)
		h->cpus = CONFIG_MAX_CPUS;
	h->version = TRACE_VERSION;
	/* The machine: arm64's as recorded, any other value x86's. ACPI is
	 * x86's. */
	h->arch = in.arch == TRACE_ARCH_AARCH64 ? TRACE_ARCH_AARCH64
						: TRACE_ARCH_X86_64;
	h->platform &= h->arch == TRACE_ARCH_X86_64 ? TRACE_PLATFORM_ACPI : 0;
	/* The arm64 machine's RAM is whole 2 MiB blocks. */
	if (h->arch == TRACE_ARCH_AARCH64)
		h->mem_mib &= ~(uint64_t)1;
	h->ndevs = 0;
	/* Any kind stands for the table's traceable type number
	 * (kind - 1) mod ntypes. */
	for (unsigned pos = 0, k = 0; vdev_types[pos]; pos++) {
		unsigned kind = vdev_types[pos]->trace_kind, n = 0;
		if (!kind)
			continue;
		for (unsigned i = 0; i < in.ndevs; i++) {
			struct trace_dev d = in.devs[i];
			if ((d.kind + ntypes - 1u) % ntypes != k ||
			    n == tdec_kind_max((int)pos))
				continue;
			/* A vsock's CID is where a disk's size is. */
			uint64_t cid =
			    d.kind == TRACE_DEV_VSOCK ? d.cid : d.size;
			d.kind = (uint8_t)kind;
			d.flags &= kind == TRACE_DEV_BLK ? TRACE_BLK_RO : 0;
			d.size = (d.size % (LENIENT_MAX_DISK / 512) + 1) * 512;
			d.hash = 0;
			d.id[TRACE_ID_MAX] = '\0';
			d.cid = CONFIG_VSOCK_MIN_CID +
				cid % (CONFIG_VSOCK_MAX_CID -
				       CONFIG_VSOCK_MIN_CID + 1);
			h->devs[h->ndevs++] = d;
			n++;
		}
		k++;
	}
}

int tdec_header(const uint8_t *buf, size_t len, bool lenient,
		struct trace_header *h, size_t *hdr_len, char *err,
		size_t errlen)
{
	uint8_t fixed[TRACE_HDR_FIXED] = {0};
	memcpy(fixed, buf, len < sizeof(fixed) ? len : sizeof(fixed));
	memset(h, 0, sizeof(*h));
	h->version = trace_get16(fixed + 8);
	unsigned size = trace_get16(fixed + 10);
	h->arch = trace_get32(fixed + 12);
	h->mem_mib = trace_get64(fixed + 16);
	h->cpus = trace_get32(fixed + 24);
	h->ndevs = trace_get16(fixed + 28);
	h->platform = trace_get16(fixed + 30);

	if (!lenient) {
		if (len < TRACE_HDR_FIXED)
			return errmsg(err, errlen, -EINVAL,
				      "truncated header: %zu bytes, the header "
				      "needs %d",
				      len, TRACE_HDR_FIXED);
		if (memcmp(buf, TRACE_MAGIC, 8) != 0)
			return errmsg(err, errlen, -EINVAL,
				      "not a vmm trace (the file does not "
				      "start with \"%s\")",
				      TRACE_MAGIC);
		if (h->version != TRACE_VERSION)
			return errmsg(err, errlen, -EPROTONOSUPPORT,
				      "trace format version %u is not "
				      "supported (this vmm reads version %d)",
				      h->version, TRACE_VERSION);
		if (h->arch != TRACE_ARCH_X86_64 &&
		    h->arch != TRACE_ARCH_AARCH64)
			return errmsg(err, errlen, -EPROTONOSUPPORT,
				      "trace arch %" PRIu32 " is not "
				      "supported (x86-64 is %d, aarch64 %d)",
				      h->arch, TRACE_ARCH_X86_64,
				      TRACE_ARCH_AARCH64);
		if (h->ndevs > TRACE_MAX_DEVS ||
		    size != TRACE_HDR_FIXED + h->ndevs * TRACE_DEV_SIZE)
			return errmsg(err, errlen, -EINVAL,
				      "corrupt header: size %u for %u devices "
				      "(at most %d devices of %d bytes after "
				      "%d)",
				      size, h->ndevs, TRACE_MAX_DEVS,
				      TRACE_DEV_SIZE, TRACE_HDR_FIXED);
		if (len < size)
			return errmsg(err, errlen, -EINVAL,
				      "truncated header: %zu bytes, the header "
				      "needs %u",
				      len, size);
		if (h->mem_mib < CONFIG_MIN_MEM_MIB ||
		    h->mem_mib > CONFIG_MAX_MEM_MIB || h->cpus < 1 ||
		    h->cpus > CONFIG_MAX_CPUS ||
		    (h->platform & ~TRACE_PLATFORM_ACPI) ||
		    (h->arch == TRACE_ARCH_AARCH64 && h->platform))
			return errmsg(err, errlen, -EINVAL,
				      "header: bad machine (mem %" PRIu64
				      " MiB, %" PRIu32 " vCPUs, platform "
				      "0x%x)",
				      h->mem_mib, h->cpus, h->platform);
	} else {
		h->ndevs %= TRACE_MAX_DEVS + 1;
		size = TRACE_HDR_FIXED + h->ndevs * TRACE_DEV_SIZE;
	}
	for (unsigned i = 0; i < h->ndevs; i++) {
		uint8_t q[TRACE_DEV_SIZE] = {0};
		size_t at = TRACE_HDR_FIXED + (size_t)i * TRACE_DEV_SIZE;
		if (at < len)
			memcpy(q, buf + at,
			       len - at < sizeof(q) ? len - at : sizeof(q));
		tdec_dev(q, &h->devs[i]);
	}
	if (lenient) {
		tdec_fix_header(h);
		*hdr_len = size < len ? size : len;
		return 0;
	}
	int r = tdec_check_devs(h, err, errlen);
	/* Each entry in its canonical form (trace_dev_put), so that the text
	 * form, which shows only the fields a kind uses, loses nothing. The
	 * header's length was checked above: every entry is in buf. */
	for (unsigned i = 0; !r && i < h->ndevs; i++) {
		uint8_t canon[TRACE_DEV_SIZE];
		trace_dev_put(canon, &h->devs[i]);
		if (memcmp(canon, buf + TRACE_HDR_FIXED + i * TRACE_DEV_SIZE,
			   TRACE_DEV_SIZE) != 0)
			r = errmsg(err, errlen, -EINVAL,
				   "header: device %u sets bytes its kind "
				   "does not use (they must be zero)",
				   i);
	}
	if (!r)
		*hdr_len = size;
	return r;
}

void tdec_init(struct tdec *d, const uint8_t *buf, size_t len, size_t start,
	       bool lenient)
{
	*d = (struct tdec){.buf = buf,
			   .len = len,
			   .pos = start < len ? start : len,
			   .lenient = lenient};
}

static const char *tdec_name(uint8_t type)
{
	const char *n = trace_type_name(type);
	return n ? n : "unknown type";
}

int tdec_next(struct tdec *d, struct trace_rec *r, char *err, size_t errlen)
{
	size_t left = d->len - d->pos;
	if (left == 0 || (d->lenient && left < TRACE_REC_HDR))
		return 0;
	const uint8_t *p = d->buf + d->pos;
	if (left < TRACE_REC_HDR)
		return errmsg(err, errlen, -EINVAL,
			      "truncated: record %" PRIu64 " at byte %zu: %zu "
			      "bytes left, a record header needs %d",
			      d->index, d->pos, left, TRACE_REC_HDR);
	*r = (struct trace_rec){.type = p[0],
				.a = p[1],
				.b = trace_get16(p + 2),
				.len = trace_get32(p + 4),
				.data = p + TRACE_REC_HDR,
				.index = d->index,
				.offset = d->pos};
	left -= TRACE_REC_HDR;
	if (r->len > left) {
		if (!d->lenient)
			return errmsg(err, errlen, -EINVAL,
				      "truncated: record %" PRIu64 " (%s) at "
				      "byte %zu needs %" PRIu32 " payload "
				      "bytes, %zu left",
				      d->index, tdec_name(r->type), d->pos,
				      r->len, left);
		r->len = (uint32_t)left;
	}
	d->pos += TRACE_REC_HDR + r->len;
	d->index++;
	return 1;
}

/* ---- strict payload checks ---- */

static int tdec_bad(const struct trace_rec *r, char *err, size_t errlen,
		    const char *what)
{
	return errmsg(err, errlen, -EINVAL,
		      "record %" PRIu64 " (%s) at byte %" PRIu64 ": %s",
		      r->index, tdec_name(r->type), r->offset, what);
}

static int tdec_validate_io(const struct trace_rec *r, char *err, size_t errlen)
{
	unsigned size = TRACE_IO_SIZE(r->b);
	bool mmio = r->type == TRACE_MMIO;
	if (r->b & ~(TRACE_IO_WRITE | 0x0f00u))
		return tdec_bad(r, err, errlen, "reserved bits set in b");
	if (mmio ? size < 1 || size > 8 : size != 1 && size != 2 && size != 4)
		return tdec_bad(r, err, errlen,
				mmio ? "size is not 1 to 8"
				     : "size is not 1, 2 or 4");
	if (r->len < 8 + size || (r->len - 8) % size ||
	    (mmio && r->len != 8 + size) || r->len - 8 > TRACE_IO_MAX)
		return tdec_bad(r, err, errlen,
				"payload length does not match the size");
	return 0;
}

static int tdec_validate_vsock(const struct trace_rec *r, char *err,
			       size_t errlen)
{
	if (!trace_vsock_op_name(r->type, r->a))
		return tdec_bad(r, err, errlen, "unknown vsock op");
	if (r->len < TRACE_VSOCK_HDR ||
	    (!trace_vsock_has_data(r->type, r->a) && r->len != TRACE_VSOCK_HDR))
		return tdec_bad(r, err, errlen,
				"payload length does not match the op");
	if (r->len - TRACE_VSOCK_HDR > TRACE_VSOCK_DATA_MAX)
		return tdec_bad(r, err, errlen, "too many bytes");
	if (r->type == TRACE_VSOCK_HOST && r->a == TRACE_VSOCK_READY &&
	    trace_get32(r->data + 4) & ~(TRACE_VSOCK_RX | TRACE_VSOCK_TX))
		return tdec_bad(r, err, errlen, "unknown ready flags");
	return 0;
}

/* a and b where the format gives them no meaning must be 0 (and an exit
 * status fits in 8 bits): the text form does not carry them. */
static bool tdec_ab_ok(const struct trace_rec *r)
{
	switch (r->type) {
	case TRACE_SERIAL_RX:
	case TRACE_CONSOLE_RX:
	case TRACE_MEM:
	case TRACE_RTC:
	case TRACE_SERIAL_TX:
	case TRACE_CONSOLE_TX:
		return r->a == 0 && r->b == 0;
	case TRACE_TAP_RX:
	case TRACE_NET_RX:
	case TRACE_TAP_TX:
	case TRACE_VSOCK_HOST:
	case TRACE_VSOCK_IN:
	case TRACE_VSOCK_OUT:
		return r->b == 0;
	case TRACE_END:
		return r->b <= UINT8_MAX;
	}
	/* A device type's input: bytes. */
	return !vdev_input_by_trace(r->type) || (r->a == 0 && r->b == 0);
}

int tdec_validate(const struct trace_rec *r, char *err, size_t errlen)
{
	if (!tdec_ab_ok(r))
		return tdec_bad(r, err, errlen,
				"a or b is set where the format has 0");
	switch (r->type) {
	case TRACE_MMIO:
	case TRACE_PIO:
		return tdec_validate_io(r, err, errlen);
	case TRACE_CPU:
		if (r->len || r->b < TRACE_CPU_SHUTDOWN ||
		    r->b > TRACE_CPU_ERROR)
			return tdec_bad(r, err, errlen, "bad cpu event");
		return 0;
	case TRACE_SERIAL_RX:
	case TRACE_CONSOLE_RX:
		if (r->len < 4 || trace_get32(r->data) > r->len - 4)
			return tdec_bad(r, err, errlen,
					"taken is more than the bytes offered");
		return 0;
	case TRACE_TAP_RX:
	case TRACE_TAP_TX:
		if (r->len > TRACE_FRAME_MAX)
			return tdec_bad(r, err, errlen, "frame too long");
		return 0;
	case TRACE_NET_RX:
		return r->len ? tdec_bad(r, err, errlen, "payload not empty")
			      : 0;
	case TRACE_MEM:
		return r->len < 8 ? tdec_bad(r, err, errlen, "no address") : 0;
	case TRACE_RTC:
		return r->len != 8 ? tdec_bad(r, err, errlen, "not 8 bytes")
				   : 0;
	case TRACE_SERIAL_TX:
	case TRACE_CONSOLE_TX:
		return 0;
	case TRACE_IRQ:
		if (r->len || r->a > 1)
			return tdec_bad(r, err, errlen, "level is not 0 or 1");
		return 0;
	case TRACE_VSOCK_HOST:
	case TRACE_VSOCK_IN:
	case TRACE_VSOCK_OUT:
		return tdec_validate_vsock(r, err, errlen);
	case TRACE_END:
		if (r->len % 8 || r->len / 8 > CONFIG_MAX_DISKS ||
		    r->a > TRACE_STOP_MAX)
			return tdec_bad(r, err, errlen, "bad stop or hashes");
		return 0;
	}
	if (vdev_input_by_trace(r->type))
		return 0; /* a device type's input: any bytes */
	return errmsg(err, errlen, -EINVAL,
		      "record %" PRIu64 " at byte %" PRIu64 ": unknown type "
		      "0x%02x",
		      r->index, r->offset, r->type);
}

/* ---- typed views (normalising) ---- */

void tdec_io(const struct trace_rec *r, uint8_t *scratch, struct trace_io *io)
{
	uint8_t addr[8] = {0};
	memcpy(addr, r->data, r->len < 8 ? r->len : 8);
	io->cpu = r->a;
	io->write = r->b & TRACE_IO_WRITE;
	io->addr = trace_get64(addr);
	unsigned raw = TRACE_IO_SIZE(r->b);
	bool ok = r->type == TRACE_MMIO ? raw >= 1 && raw <= 8
					: raw == 1 || raw == 2 || raw == 4;
	io->size = ok ? raw : 1u << (raw & 3);
	uint32_t avail = r->len > 8 ? r->len - 8 : 0;
	io->count = r->type == TRACE_MMIO ? 1 : avail / io->size;
	if (io->count == 0)
		io->count = 1;
	if (io->count > TRACE_IO_MAX / io->size)
		io->count = TRACE_IO_MAX / io->size;
	uint32_t need = io->size * io->count;
	if (avail >= need) {
		io->data = r->data + 8;
		return;
	}
	memset(scratch, 0, need);
	memcpy(scratch, r->data + 8, avail);
	io->data = scratch;
}

void tdec_mem(const struct trace_rec *r, uint64_t *gpa, const uint8_t **data,
	      uint32_t *len)
{
	uint8_t addr[8] = {0};
	memcpy(addr, r->data, r->len < 8 ? r->len : 8);
	*gpa = trace_get64(addr);
	*data = r->data + (r->len < 8 ? r->len : 8);
	*len = r->len > 8 ? r->len - 8 : 0;
}

void tdec_rx(const struct trace_rec *r, uint32_t *taken, const uint8_t **data,
	     uint32_t *len)
{
	uint8_t t[4] = {0};
	memcpy(t, r->data, r->len < 4 ? r->len : 4);
	*data = r->data + (r->len < 4 ? r->len : 4);
	*len = r->len > 4 ? r->len - 4 : 0;
	*taken = trace_get32(t);
	if (*taken > *len)
		*taken = *len;
}

int64_t tdec_rtc(const struct trace_rec *r)
{
	uint8_t t[8] = {0};
	memcpy(t, r->data, r->len < 8 ? r->len : 8);
	return (int64_t)trace_get64(t);
}

void tdec_vsock(const struct trace_rec *r, uint32_t *x, int32_t *y,
		const uint8_t **data, uint32_t *len)
{
	uint8_t h[TRACE_VSOCK_HDR] = {0};
	uint32_t n = r->len < TRACE_VSOCK_HDR ? r->len : TRACE_VSOCK_HDR;
	memcpy(h, r->data, n);
	*x = trace_get32(h);
	*y = (int32_t)trace_get32(h + 4);
	*data = r->data + n;
	*len = r->len - n;
	if (*len > TRACE_VSOCK_DATA_MAX)
		*len = TRACE_VSOCK_DATA_MAX;
}

unsigned tdec_end(const struct trace_rec *r, uint64_t *hashes, unsigned max)
{
	unsigned n = r->len / 8;
	if (n > max)
		n = max;
	for (unsigned i = 0; i < n; i++)
		hashes[i] = trace_get64(r->data + 8 * i);
	return n;
}
