/* SPDX-License-Identifier: Apache-2.0 */
/* The snapshot's state file; see snap_file.h and docs/snapshot.md. */
#include "vmm/vm/snap_file.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <zlib.h>

#include "devices/virtio/vdev_type.h"
#include "vmm/base/errmsg.h"

static uint32_t snap_crc(const uint8_t *p, size_t len)
{
	uLong c = crc32(0L, Z_NULL, 0);
	while (len) {
		uInt n = len > (1u << 30) ? (1u << 30) : (uInt)len;
		c = crc32(c, p, n);
		p += n;
		len -= n;
	}
	return (uint32_t)c;
}

/* ---- writing ---- */

static void put_str(struct st_writer *w, const char *s)
{
	size_t n = strlen(s);
	if (n > UINT16_MAX) {
		st_writer_fail(w, -EINVAL);
		return;
	}
	st_put_u16(w, (uint16_t)n);
	st_put_bytes(w, s, n);
}

void snap_file_begin(struct st_writer *w)
{
	static const uint8_t zero[SNAP_HDR_LEN];
	st_put_bytes(w, zero, sizeof(zero));
}

void snap_file_put_machine(struct st_writer *w, const struct vm_config *cfg,
			   const char *vendor, uint64_t mem_bytes)
{
	size_t m = st_section_begin(w, SNAP_MCFG_TAG, SNAP_MCFG_VERSION);
	st_put_u64(w, cfg->mem_mib);
	st_put_u32(w, cfg->cpus);
	st_put_bool(w, cfg->acpi);
	st_put_bytes(w, vendor, SNAP_VENDOR_LEN);
	st_put_u64(w, mem_bytes);
	st_put_u32(w, cfg->ndevs);
	for (unsigned i = 0; i < cfg->ndevs; i++)
		put_str(w, cfg->devs[i]->name);
	st_put_u32(w, cfg->ndisks);
	for (unsigned i = 0; i < cfg->ndisks; i++) {
		const struct disk_config *d = &cfg->disks[i];
		put_str(w, d->path);
		put_str(w, d->id);
		st_put_bool(w, d->read_only);
		st_put_bool(w, d->direct);
	}
	st_put_u32(w, cfg->nnets);
	for (unsigned i = 0; i < cfg->nnets; i++) {
		put_str(w, cfg->nets[i].tap);
		st_put_bytes(w, cfg->nets[i].mac, 6);
		st_put_bool(w, cfg->nets[i].has_mac);
	}
	st_put_bool(w, cfg->vsock.on);
	st_put_u32(w, cfg->vsock.on ? cfg->vsock.cid : 0);
	put_str(w, cfg->vsock.on ? cfg->vsock.uds_path : "");
	st_section_end(w, m);
}

void snap_file_finish(uint8_t *buf, size_t len)
{
	struct st_writer w;
	st_writer_init(&w, buf, SNAP_HDR_LEN);
	st_put_bytes(&w, SNAP_MAGIC, 8);
	st_put_u32(&w, SNAP_VERSION);
	st_put_u32(&w, SNAP_ARCH_X86_64);
	st_put_u64(&w, len - SNAP_HDR_LEN);
	st_put_u32(&w, snap_crc(buf + SNAP_HDR_LEN, len - SNAP_HDR_LEN));
	st_put_u32(&w, 0);
}

/* ---- reading ---- */

/* A str field into buf (cap bytes with the NUL): no NUL inside, shorter
 * than cap; empty allowed only when `empty`. */
static void get_str(struct st_reader *r, char *buf, size_t cap, bool empty)
{
	uint16_t n = st_get_u16(r);
	buf[0] = '\0';
	if (n >= cap || (!n && !empty) || n > st_remaining(r)) {
		st_fail(r);
		return;
	}
	st_get_bytes(r, buf, n);
	buf[n] = '\0';
	if (strlen(buf) != n)
		st_fail(r);
}

static int get_flag_devs(struct st_reader *r, struct vm_config *c)
{
	uint32_t n = st_get_u32(r);
	if (n > CONFIG_MAX_FLAG_DEVS)
		return -EINVAL;
	for (uint32_t i = 0; i < n && st_ok(r); i++) {
		char name[32];
		get_str(r, name, sizeof(name), false);
		const struct vdev_type *t = st_ok(r) ? vdev_type_find(name) : 0;
		if (!t || !t->option || config_dev_has(c, t) ||
		    config_dev_add(c, t))
			return -EINVAL;
	}
	return st_ok(r) ? 0 : -EINVAL;
}

static int get_disks(struct st_reader *r, struct vm_config *c)
{
	uint32_t n = st_get_u32(r);
	if (n > CONFIG_MAX_DISKS)
		return -EINVAL;
	for (uint32_t i = 0; i < n && st_ok(r); i++) {
		struct disk_config *d = &c->disks[i];
		get_str(r, d->path, sizeof(d->path), false);
		get_str(r, d->id, sizeof(d->id), true);
		d->read_only = st_get_bool(r);
		d->direct = st_get_bool(r);
	}
	c->ndisks = n;
	return st_ok(r) ? 0 : -EINVAL;
}

static int get_nets(struct st_reader *r, struct vm_config *c)
{
	uint32_t n = st_get_u32(r);
	if (n > CONFIG_MAX_NETS)
		return -EINVAL;
	for (uint32_t i = 0; i < n && st_ok(r); i++) {
		struct net_config *t = &c->nets[i];
		get_str(r, t->tap, sizeof(t->tap), false);
		st_get_bytes(r, t->mac, 6);
		t->has_mac = st_get_bool(r);
	}
	c->nnets = n;
	return st_ok(r) ? 0 : -EINVAL;
}

static int get_vsock(struct st_reader *r, struct vm_config *c)
{
	struct vsock_config *v = &c->vsock;
	v->on = st_get_bool(r);
	v->cid = st_get_u32(r);
	get_str(r, v->uds_path, sizeof(v->uds_path), !v->on);
	if (!st_ok(r))
		return -EINVAL;
	if (v->on)
		return v->cid >= CONFIG_VSOCK_MIN_CID &&
			       v->cid <= CONFIG_VSOCK_MAX_CID
			   ? 0
			   : -EINVAL;
	return v->cid || v->uds_path[0] ? -EINVAL : 0;
}

/* The MCFG section into m; a name for what is wrong, or NULL. */
static const char *get_machine(struct st_reader *rd, struct snap_machine *m)
{
	uint16_t ver;
	struct st_reader r;
	st_section_open(rd, SNAP_MCFG_TAG, SNAP_MCFG_VERSION, &ver, &r);
	if (!st_ok(rd))
		return "no machine section (MCFG) of a known version";
	struct vm_config *c = &m->cfg;
	c->mem_mib = st_get_u64(&r);
	c->cpus = st_get_u32(&r);
	c->acpi = st_get_bool(&r);
	st_get_bytes(&r, m->vendor, SNAP_VENDOR_LEN);
	for (unsigned i = 0; i < SNAP_VENDOR_LEN; i++)
		if (m->vendor[i] < 0x20 || m->vendor[i] > 0x7e)
			return "the CPU vendor is not printable";
	m->mem_bytes = st_get_u64(&r);
	if (!st_ok(&r) || c->mem_mib < CONFIG_MIN_MEM_MIB ||
	    c->mem_mib > CONFIG_MAX_MEM_MIB || c->cpus < 1 ||
	    c->cpus > CONFIG_MAX_CPUS || m->mem_bytes != c->mem_mib << 20)
		return "the machine (RAM, vCPUs, memory size) is out of range";
	if (get_flag_devs(&r, c))
		return "the device list (an unknown, repeated or malformed "
		       "type)";
	if (get_disks(&r, c))
		return "the disks";
	if (get_nets(&r, c))
		return "the network interfaces";
	if (get_vsock(&r, c))
		return "the vsock";
	if (st_remaining(&r))
		return "the machine section has bytes after its fields";
	st_section_close(rd, &r);
	return st_ok(rd) ? NULL : "the machine section";
}

int snap_file_parse(const uint8_t *buf, size_t len, struct snap_machine *m,
		    struct st_reader *vmst, char *err, size_t errlen)
{
	memset(m, 0, sizeof(*m));
	if (len < SNAP_HDR_LEN)
		return errmsg(err, errlen, -EINVAL,
			      "truncated: %zu bytes, the header needs %d", len,
			      SNAP_HDR_LEN);
	if (memcmp(buf, SNAP_MAGIC, 8))
		return errmsg(err, errlen, -EINVAL,
			      "not a vmm snapshot (no \"%s\" at the start)",
			      SNAP_MAGIC);
	struct st_reader h;
	st_reader_init(&h, buf + 8, SNAP_HDR_LEN - 8);
	uint32_t ver = st_get_u32(&h), arch = st_get_u32(&h);
	uint64_t n = st_get_u64(&h);
	uint32_t crc = st_get_u32(&h), zero = st_get_u32(&h);
	if (ver != SNAP_VERSION)
		return errmsg(err, errlen, -EPROTONOSUPPORT,
			      "snapshot format version %" PRIu32
			      " is not supported (this vmm reads version %d)",
			      ver, SNAP_VERSION);
	if (arch != SNAP_ARCH_X86_64)
		return errmsg(err, errlen, -EPROTONOSUPPORT,
			      "snapshot of architecture %" PRIu32
			      " (this vmm restores x86-64, %d)",
			      arch, SNAP_ARCH_X86_64);
	if (n != len - SNAP_HDR_LEN || zero)
		return errmsg(err, errlen, -EINVAL,
			      "truncated or corrupted: the header says %" PRIu64
			      " bytes follow it, the file has %zu",
			      n, len - SNAP_HDR_LEN);
	if (crc != snap_crc(buf + SNAP_HDR_LEN, (size_t)n))
		return errmsg(err, errlen, -EINVAL,
			      "corrupted: its CRC does not match its contents");
	struct st_reader r;
	st_reader_init(&r, buf + SNAP_HDR_LEN, (size_t)n);
	config_defaults(&m->cfg);
	const char *bad = get_machine(&r, m);
	if (bad)
		return errmsg(err, errlen, -EINVAL, "malformed: %s", bad);
	char tag[ST_TAG_LEN];
	if (!st_section_peek(&r, tag) || memcmp(tag, "VMST", ST_TAG_LEN))
		return errmsg(
		    err, errlen, -EINVAL,
		    "malformed: no VM state (VMST) after the machine");
	size_t at = r.pos;
	struct st_reader rest = r;
	st_section_skip(&rest);
	if (!st_ok(&rest) || st_remaining(&rest))
		return errmsg(err, errlen, -EINVAL,
			      "malformed: the VM state section's length, or "
			      "bytes after it");
	st_reader_init(vmst, r.buf + at, r.len - at);
	return 0;
}
