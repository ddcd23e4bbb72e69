/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The machine a trace's header describes: RAM, vCPUs, the platform
 * devices and the virtio devices in their recorded order and slots, built
 * by the ordinary vm_create on the replay accelerator, with no kernel.
 * Disks are private in-memory copies (memfd) of the images the user gave,
 * checked against the recorded hash, so a replay never changes a file and
 * two replays start from the same bytes. Taps are trace ports
 * (vmm/trace/trace_port.h, vm_host.net_ports): the replay queues recorded
 * frames for the device and takes the frames it sent.
 */
#include "vmm/replay/replay_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backends/replay/replay_accel.h"
#include "vmm/trace/trace_hash.h"

#define REPLAY_COPY_CHUNK (1u << 20)

/* Copy `size` bytes of src into dst, hashing them. 0 or -errno (-EIO
 * when src is shorter). */
static int replay_copy(int src, int dst, uint64_t size, uint64_t *hash)
{
	uint8_t *buf = malloc(REPLAY_COPY_CHUNK);
	if (!buf)
		return -ENOMEM;
	struct thash t;
	thash_init(&t);
	int r = 0;
	for (uint64_t off = 0; off < size && !r;) {
		size_t want = size - off > REPLAY_COPY_CHUNK
				  ? REPLAY_COPY_CHUNK
				  : (size_t)(size - off);
		ssize_t n = pread(src, buf, want, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			r = n < 0 ? -errno : -EIO;
			break;
		}
		thash_update(&t, buf, (size_t)n);
		ssize_t w = pwrite(dst, buf, (size_t)n, (off_t)off);
		if (w != n)
			r = w < 0 ? -errno : -EIO;
		off += (uint64_t)n;
	}
	free(buf);
	*hash = thash_final(&t);
	return r;
}

static int replay_disk(struct replay *rp, unsigned i, const struct trace_dev *d)
{
	int fd = memfd_create("vmm-replay-disk", MFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	rp->disk_fds[i] = fd;
	if (ftruncate(fd, (off_t)d->size) < 0)
		return -errno;
	int src = i < rp->o->ndisk_fds ? rp->o->disk_fds[i] : -1;
	if (src < 0) {
		if (!rp->lenient && d->hash) {
			replay_bad(rp, 0,
				   "the trace needs disk %u (%" PRIu64
				   " bytes, hash 0x%016" PRIx64 "): give the "
				   "image as it was when the recording began "
				   "with --disk PATH",
				   i, d->size, d->hash);
			return -EINVAL;
		}
		return 0;
	}
	struct stat st;
	if (fstat(src, &st) < 0)
		return -errno;
	if (!rp->lenient && S_ISREG(st.st_mode) &&
	    (uint64_t)st.st_size != d->size) {
		replay_bad(rp, 0,
			   "disk %u is %lld bytes, the recorded one was "
			   "%" PRIu64,
			   i, (long long)st.st_size, d->size);
		return -EINVAL;
	}
	uint64_t h;
	int r = replay_copy(src, fd, d->size, &h);
	if (r && !rp->lenient) {
		replay_bad(rp, 0, "reading disk %u: %s", i, strerror(-r));
		return r;
	}
	if (!rp->lenient && d->hash && h != d->hash) {
		replay_bad(rp, 0,
			   "disk %u differs from the image the recording "
			   "began with (hash 0x%016" PRIx64
			   ", recorded 0x%016" PRIx64
			   "): give the image as it was before "
			   "recording",
			   i, h, d->hash);
		return -EINVAL;
	}
	return 0;
}

/* cfg and host from the header. */
static int replay_config(struct replay *rp)
{
	struct vm_config *c = &rp->cfg;
	struct vm_host *h = &rp->host;
	config_defaults(c);
	c->accel = "replay";
	c->machine = rp->hdr.arch == TRACE_ARCH_AARCH64 ? VM_MACHINE_ARM64
							: VM_MACHINE_X86;
	c->mem_mib = rp->hdr.mem_mib;
	c->cpus = rp->hdr.cpus;
	c->acpi = rp->hdr.platform & TRACE_PLATFORM_ACPI;
	c->eventfd = false;
	c->serial = SERIAL_NONE;
	memset(h, 0, sizeof(*h));
	h->serial_out_fd = rp->o->serial_out_fd;
	h->serial_in_fd = -1;
	h->console_out_fd = rp->o->console_out_fd;
	for (unsigned i = 0; i < CONFIG_MAX_DISKS; i++)
		h->disk_fds[i] = -1;
	for (unsigned i = 0; i < CONFIG_MAX_NETS; i++)
		h->tap_fds[i] = -1;
	h->metrics_fd = h->vsock_fd = h->vsock_dial_fd = -1;
	for (unsigned i = 0; i < rp->hdr.ndevs; i++) {
		const struct trace_dev *d = &rp->hdr.devs[i];
		int r = 0;
		if (d->kind == TRACE_DEV_BLK) {
			struct disk_config *dc = &c->disks[c->ndisks];
			snprintf(dc->path, sizeof(dc->path), "(trace disk %u)",
				 c->ndisks);
			memcpy(dc->id, d->id, sizeof(dc->id) - 1);
			dc->read_only = d->flags & TRACE_BLK_RO;
			r = replay_disk(rp, c->ndisks, d);
			h->disk_fds[c->ndisks] = rp->disk_fds[c->ndisks];
			c->ndisks++;
			rp->ndisks = c->ndisks;
		} else if (d->kind == TRACE_DEV_NET) {
			struct net_config *nc = &c->nets[c->nnets];
			snprintf(nc->tap, sizeof(nc->tap), "trace%u", c->nnets);
			memcpy(nc->mac, d->mac, 6);
			nc->has_mac = true;
			/* Not polled: net-rx records call virtio_net_rx. */
			tport_init(&rp->net_port[c->nnets], d->offloads, NULL,
				   NULL);
			h->net_ports[c->nnets] = &rp->net_port[c->nnets].port;
			h->tap_offloads[c->nnets] = d->offloads;
			c->nnets++;
			rp->nnets = c->nnets;
		} else if (d->kind == TRACE_DEV_VSOCK) {
			c->vsock.on = true;
			c->vsock.cid = (uint32_t)d->cid;
			snprintf(c->vsock.uds_path, sizeof(c->vsock.uds_path),
				 "(trace vsock)");
			replay_vsock_init(rp);
			h->vsock_port = &rp->vsock.port;
		} else {
			/* A flag type (the strict decoder knows the kind). */
			const struct vdev_type *t = vdev_type_by_trace(d->kind);
			r = t ? config_dev_add(c, t) : -EINVAL;
		}
		if (r)
			return r;
	}
	rp->tracer =
	    (struct vm_tracer){.ops = &replay_tracer_ops, .opaque = rp};
	h->tracer = &rp->tracer;
	return 0;
}

int replay_vm_build(struct replay *rp)
{
	for (unsigned i = 0; i < CONFIG_MAX_DISKS; i++)
		rp->disk_fds[i] = -1;
	int r = replay_config(rp);
	if (r) {
		if (!rp->stopped)
			replay_bad(rp, 0, "building the machine: %s",
				   strerror(-r));
		return r;
	}
	rp->vm = vm_alloc();
	if (!rp->vm) {
		replay_oom(rp);
		return -ENOMEM;
	}
	char err[256];
	r = vm_create(rp->vm, &rp->cfg, &replay_accel_ops, &rp->host, err,
		      sizeof(err));
	rp->vm_ready = true;
	if (r) {
		replay_bad(rp, 0, "building the machine: %s",
			   err[0] ? err : strerror(-r));
		return r;
	}
	unsigned net = 0;
	for (unsigned i = 0; i < vm_vdev_count(rp->vm); i++) {
		struct vm_vdev *v = vm_vdev_at(rp->vm, i);
		if (v->type->host == VDEV_HOST_TAP && net < rp->nnets)
			rp->net_vdev[net++] = v;
		if (v->type->host == VDEV_HOST_STREAMS)
			rp->vsock_vdev = v;
	}
	return 0;
}

int replay_vm_disk_hash(struct replay *rp, unsigned i, uint64_t *h)
{
	return thash_fd(rp->disk_fds[i], rp->hdr.devs[i].size, h);
}

void replay_vm_destroy(struct replay *rp)
{
	if (rp->vm_ready)
		vm_destroy(rp->vm);
	vm_free(rp->vm);
	rp->vm = NULL;
	rp->vm_ready = false;
	for (unsigned i = 0; i < CONFIG_MAX_DISKS; i++)
		if (rp->disk_fds[i] >= 0)
			close(rp->disk_fds[i]);
	for (unsigned i = 0; i < rp->nnets; i++)
		tport_destroy(&rp->net_port[i]);
	rp->nnets = 0;
}
