/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Taking a snapshot of a paused VM (vm_snapshot.h): on the control thread,
 * the state file (snap_file.h: the machine, then vm_state_save's VMST) and
 * the memory file (guest RAM, its all-zero pages left as holes), both new
 * files the dialer creates, since no vmm thread opens a path once the
 * sandbox is locked down. Both are created (new files only) before
 * anything is written, then the memory file is written and the state
 * file last, so a complete state file means a complete snapshot.
 */
#include "vmm/vm/vm_snapshot.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmm/base/errmsg.h"
#include "vmm/base/host_cpu.h"
#include "vmm/vm/snap_file.h"
#include "vmm/vm/vm_int.h"
#include "vmm/vm/vm_pause.h"
#include "vmm/vm/vm_state.h"
#include "vmm/vm/vsock_dial.h"

#define SNAP_PAGE     4096u
#define SNAP_VCPU_MAX (64u << 10) /* vm_state.c's bound per vCPU */

struct snap_req {
	const char *state_path, *mem_path;
	char *err;
	size_t errlen;
};

static int snap_write_at(int fd, const uint8_t *p, size_t len, uint64_t off)
{
	while (len) {
		ssize_t n = pwrite(fd, p, len, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

static bool snap_page_zero(const uint8_t *p)
{
	const uint64_t *q = (const uint64_t *)(const void *)p;
	for (unsigned i = 0; i < SNAP_PAGE / 8; i++)
		if (q[i])
			return false;
	return true;
}

/* Guest RAM into fd, region after region; runs of non-zero pages are
 * written, zero pages left as holes, and the file sized to the whole. */
static int snap_write_mem(const struct guest_mem *gm, int fd)
{
	uint64_t off = 0;
	for (unsigned i = 0; i < gm->nregions; i++) {
		const struct gm_region *g = &gm->regions[i];
		const uint8_t *base = g->hva;
		for (uint64_t at = 0; at < g->size;) {
			if (snap_page_zero(base + at)) {
				at += SNAP_PAGE;
				continue;
			}
			uint64_t end = at + SNAP_PAGE;
			while (end < g->size && !snap_page_zero(base + end))
				end += SNAP_PAGE;
			int r = snap_write_at(fd, base + at, (size_t)(end - at),
					      off + at);
			if (r)
				return r;
			at = end;
		}
		off += g->size;
	}
	return ftruncate(fd, (off_t)off) < 0 || fdatasync(fd) < 0 ? -errno : 0;
}

/* The state file's bytes into buf (cap): its length, or -errno. */
static long snap_build(struct vm *vm, uint8_t *buf, size_t cap,
		       uint64_t mem_bytes)
{
	char vendor[SNAP_VENDOR_LEN + 1];
	host_cpu_vendor(vendor);
	struct st_writer w;
	st_writer_init(&w, buf, cap);
	snap_file_begin(&w);
	snap_file_put_machine(&w, vm->cfg, vendor, mem_bytes);
	int r = vm_state_save(vm, &w);
	if (r)
		return r;
	long n = st_writer_end(&w);
	if (n > 0)
		snap_file_finish(buf, (size_t)n);
	return n;
}

/* Create path with the dialer: the fd, or -errno with one line. */
static int snap_create(struct vm *vm, const char *path, const char *what,
		       char *err, size_t errlen)
{
	int fd =
	    vsock_dial_open(vm->host.vsock_dial_fd, path, VSOCK_DIAL_CREATE);
	if (fd < 0)
		return errmsg(
		    err, errlen, fd, "%s %s: %s%s", what, path, strerror(-fd),
		    fd == -EEXIST ? " (vmm never overwrites a file)" : "");
	return fd;
}

/* On the control thread. */
static int snap_take(struct vm *vm, void *arg)
{
	struct snap_req *q = arg;
	if (!vm_paused(vm))
		return errmsg(q->err, q->errlen, -EINVAL,
			      "the microVM must be paused first");
	if (!vm_pause_settled(vm))
		return errmsg(q->err, q->errlen, -EBUSY,
			      "the microVM's threads are not all parked yet; "
			      "try again");
	if (vm->host.vsock_dial_fd < 0)
		return errmsg(q->err, q->errlen, -ENOTSUP,
			      "no dialer to create the files with");
	size_t cap = (1u << 20) + (size_t)vm->ncpus * SNAP_VCPU_MAX;
	uint8_t *buf = malloc(cap);
	if (!buf)
		return errmsg(q->err, q->errlen, -ENOMEM, "out of memory");
	long len = snap_build(vm, buf, cap, gm_total(&vm->mem));
	int r = len < 0 ? errmsg(q->err, q->errlen, (int)len,
				 "saving the microVM's state: %s",
				 strerror((int)-len))
			: 0;
	int mfd = -1, sfd = -1;
	/* Both made before anything is written: an existing state file
	 * stops it with nothing done; an existing memory file leaves the
	 * state file empty. */
	if (!r && (sfd = snap_create(vm, q->state_path, "snapshot_path", q->err,
				     q->errlen)) < 0)
		r = sfd;
	if (!r && (mfd = snap_create(vm, q->mem_path, "mem_file_path", q->err,
				     q->errlen)) < 0)
		r = mfd;
	if (!r && (r = snap_write_mem(&vm->mem, mfd)))
		r = errmsg(q->err, q->errlen, r, "mem_file_path %s: %s",
			   q->mem_path, strerror(-r));
	if (!r && ((r = snap_write_at(sfd, buf, (size_t)len, 0)) ||
		   (fdatasync(sfd) < 0 && (r = -errno))))
		r = errmsg(q->err, q->errlen, r, "snapshot_path %s: %s",
			   q->state_path, strerror(-r));
	if (mfd >= 0)
		close(mfd);
	if (sfd >= 0)
		close(sfd);
	free(buf);
	return r;
}

int vm_snapshot_create(struct vm *vm, const char *state_path,
		       const char *mem_path, char *err, size_t errlen)
{
	struct snap_req q = {state_path, mem_path, err, errlen};
	int r = vm_ctl_call(vm, snap_take, &q);
	if (r == -ECANCELED)
		return errmsg(err, errlen, r, "the microVM stopped");
	return r;
}
