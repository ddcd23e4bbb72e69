/* SPDX-License-Identifier: Apache-2.0 */
/* The virtio devices' host resources, by kind; see host_dev.h. */
#include "vmm/vm/host_dev.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmm/base/errmsg.h"
#include "vmm/vm/disk_raw.h"
#include "vmm/vm/tap.h"
#include "vmm/vm/vsock_uds.h"

/* ---- disk images (--disk) ---- */

/* The checks of an open image: not given twice (by any path) when either
 * use writes, at least one sector, and O_DIRECT alignment. */
static int host_check_disk(const struct disk_config *d, int fd,
			   struct file_ids *ids, char *err, size_t errlen)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return errmsg(err, errlen, -errno, "--disk %s: %s", d->path,
			      strerror(errno));
	for (unsigned i = 0; i < ids->n; i++)
		if (ids->f[i].dev == st.st_dev && ids->f[i].ino == st.st_ino &&
		    (!d->read_only || !ids->f[i].read_only))
			return errmsg(err, errlen, -EEXIST,
				      "--disk %s: given twice (also %s)",
				      d->path, ids->f[i].what);
	if (S_ISREG(st.st_mode) && st.st_size < 512)
		return errmsg(err, errlen, -EINVAL,
			      "--disk %s: is %lld bytes; a disk needs at least "
			      "one 512-byte sector",
			      d->path, (long long)st.st_size);
	char why[200];
	int r = d->direct ? disk_raw_check_direct(fd, why, sizeof(why)) : 0;
	if (r)
		return errmsg(err, errlen, r, "--disk %s: %s", d->path, why);
	r = file_ids_add(ids, NULL, fd, "--disk %s", d->path);
	if (!r)
		ids->f[ids->n - 1].read_only = d->read_only;
	return r ? errmsg(err, errlen, r, "--disk %s: too many files", d->path)
		 : 0;
}

static int host_open_image(const struct disk_config *d, int *fd,
			   struct file_ids *ids, char *err, size_t errlen)
{
	int flags = (d->read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC | O_NOCTTY |
		    O_NONBLOCK | (d->direct ? O_DIRECT : 0);
	*fd = open(d->path, flags);
	if (*fd < 0)
		return errmsg(err, errlen, -errno, "--disk %s: %s%s", d->path,
			      strerror(errno),
			      d->direct && errno == EINVAL
				  ? " (this file system refuses O_DIRECT)"
				  : "");
	/* O_NONBLOCK only kept open() from hanging on a FIFO. */
	if (fcntl(*fd, F_SETFL, flags & ~O_NONBLOCK & ~O_ACCMODE) < 0)
		return errmsg(err, errlen, -errno, "--disk %s: %s", d->path,
			      strerror(errno));
	int r = host_check_disk(d, *fd, ids, err, errlen);
	if (r)
		return r;
	/* Shared for read-only users, exclusive for a writer: two VMMs
	 * writing one image would corrupt it. */
	if (flock(*fd, (d->read_only ? LOCK_SH : LOCK_EX) | LOCK_NB) < 0)
		return errmsg(err, errlen, -errno,
			      "--disk %s: %s (is another VM using it?)",
			      d->path, strerror(errno));
	return 0;
}

static unsigned count_disks(const struct vm_config *cfg)
{
	return cfg->ndisks;
}

static int open_disk(const struct vm_config *cfg, unsigned i, struct vm_host *h,
		     struct file_ids *ids, char *err, size_t errlen)
{
	return host_open_image(&cfg->disks[i], &h->disk_fds[i], ids, err,
			       errlen);
}

/* ---- taps (--net) ---- */

static unsigned count_nets(const struct vm_config *cfg)
{
	return cfg->nnets;
}

static int open_tap(const struct vm_config *cfg, unsigned i, struct vm_host *h,
		    struct file_ids *ids, char *err, size_t errlen)
{
	char why[256];
	(void)ids;
	int r = tap_open(cfg->nets[i].tap, &h->tap_fds[i], &h->tap_offloads[i],
			 why, sizeof(why));
	return r ? errmsg(err, errlen, r, "--net tap=%s: %s", cfg->nets[i].tap,
			  why)
		 : 0;
}

/* ---- the vsock's listening socket (--vsock) ---- */

static unsigned count_vsocks(const struct vm_config *cfg)
{
	return cfg->vsock.on ? 1 : 0;
}

/* Like Firecracker, vmm does not remove what is at the path: a stale
 * socket is the user's to remove. */
static int open_listener(const struct vm_config *cfg, unsigned i,
			 struct vm_host *h, struct file_ids *ids, char *err,
			 size_t errlen)
{
	const struct vsock_config *vs = &cfg->vsock;
	(void)i, (void)ids;
	int fd = vsock_uds_listen(vs->uds_path);
	if (fd < 0)
		return errmsg(err, errlen, fd, "--vsock uds=%s: %s%s",
			      vs->uds_path, strerror(-fd),
			      fd == -EADDRINUSE
				  ? " (a socket left by an earlier run? "
				    "remove it)"
				  : "");
	h->vsock_fd = fd;
	return 0;
}

/* ---- the kinds ---- */

struct host_kind {
	unsigned (*count)(const struct vm_config *cfg);
	/* Open device i's resource into h. 0 or -errno with one line. */
	int (*open)(const struct vm_config *cfg, unsigned i, struct vm_host *h,
		    struct file_ids *ids, char *err, size_t errlen);
};

static const struct host_kind host_kinds[VDEV_HOST_KINDS] = {
    [VDEV_HOST_DISK] = {count_disks, open_disk},
    [VDEV_HOST_TAP] = {count_nets, open_tap},
    [VDEV_HOST_STREAMS] = {count_vsocks, open_listener},
};

static const struct host_kind *host_kind(const struct vdev_type *t)
{
	return t->host < VDEV_HOST_KINDS ? &host_kinds[t->host] : NULL;
}

unsigned host_dev_count(const struct vm_config *cfg, const struct vdev_type *t)
{
	if (t->option)
		return config_dev_has(cfg, t) ? 1 : 0;
	const struct host_kind *k = host_kind(t);
	return k && k->count ? k->count(cfg) : 0;
}

bool host_dev_wants(const struct vm_config *cfg, enum vdev_host_kind k)
{
	for (const struct vdev_type *const *t = vdev_types; *t; t++)
		if ((*t)->host == k && host_dev_count(cfg, *t))
			return true;
	return false;
}

int host_dev_open(const struct vm_config *cfg, struct vm_host *h,
		  struct file_ids *ids, char *err, size_t errlen)
{
	for (const struct vdev_type *const *t = vdev_types; *t; t++) {
		const struct host_kind *k = host_kind(*t);
		unsigned n = host_dev_count(cfg, *t);
		for (unsigned i = 0; k && k->open && i < n; i++) {
			int r = k->open(cfg, i, h, ids, err, errlen);
			if (r)
				return r;
		}
	}
	return 0;
}
