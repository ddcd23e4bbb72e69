/* SPDX-License-Identifier: Apache-2.0 */
#include "vmm/vm/host.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include "devices/virtio/console.h"
#include "vmm/base/errmsg.h"
#include "vmm/base/log.h"
#include "vmm/vm/disk_raw.h"
#include "vmm/vm/file.h"
#include "vmm/vm/outfile.h"
#include "vmm/vm/tap.h"
#include "vmm/vm/vsock_uds.h"

static void host_reset(struct vm_host *h)
{
	memset(h, 0, sizeof(*h));
	h->serial_out_fd = h->serial_in_fd = h->console_out_fd = -1;
	h->metrics_fd = h->vsock_fd = h->vsock_dial_fd = -1;
	for (unsigned i = 0; i < CONFIG_MAX_DISKS; i++)
		h->disk_fds[i] = -1;
	for (unsigned i = 0; i < CONFIG_MAX_NETS; i++)
		h->tap_fds[i] = -1;
}

static int host_read(const char *opt, const char *path, size_t max,
		     const uint8_t **buf, size_t *len, char *err, size_t errlen)
{
	char why[256];
	uint8_t *p;
	int r = file_read_all(path, max, &p, len, why, sizeof(why));
	if (r)
		return errmsg(err, errlen, r, "%s %s: %s", opt, path, why);
	*buf = p;
	return 0;
}

/* The API's metrics_path: an output file (outfile_open's checks), written
 * at its end and never blocking the API thread on a stalled FIFO. */
static int host_open_metrics(const char *path, struct vm_host *h,
			     struct file_ids *ids, char *err, size_t errlen)
{
	int r = outfile_open("metrics_path ", path, ids, &h->metrics_fd, err,
			     errlen);
	if (!r && fcntl(h->metrics_fd, F_SETFL, O_APPEND | O_NONBLOCK) < 0)
		r = errmsg(err, errlen, -errno, "metrics_path %s: %s", path,
			   strerror(errno));
	return r;
}

static int host_open_console(const struct vm_config *cfg, struct vm_host *h,
			     struct file_ids *ids, char *err, size_t errlen)
{
	bool stdin_open = fcntl(STDIN_FILENO, F_GETFD) >= 0;
	bool console = config_dev_has(cfg, &virtio_console_type);
	if (cfg->serial == SERIAL_FILE) {
		int r = outfile_open("--serial file:", cfg->serial_path, ids,
				     &h->serial_out_fd, err, errlen);
		if (r)
			return r;
	} else if (cfg->serial == SERIAL_STDIO &&
		   !(console && !cfg->serial_set)) {
		h->serial_out_fd = STDOUT_FILENO;
	}
	/* stdin feeds the virtio console when there is one, else COM1 in
	 * stdio mode. */
	if (console) {
		h->console_out_fd = STDOUT_FILENO;
		if (stdin_open)
			h->serial_in_fd = STDIN_FILENO;
	} else if (h->serial_out_fd == STDOUT_FILENO && stdin_open) {
		h->serial_in_fd = STDIN_FILENO;
	}
	h->console_escape = h->serial_in_fd >= 0 && isatty(h->serial_in_fd);
	return 0;
}

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

static int host_open_disk(const struct disk_config *d, int *fd,
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

/* The vsock's listening socket. Like Firecracker, vmm does not remove
 * what is at the path: a stale socket is the user's to remove. */
static int host_open_vsock(const struct vsock_config *vs, struct vm_host *h,
			   char *err, size_t errlen)
{
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

/* Guest RAM is reserved lazily, so more than the host has is allowed (a
 * guest rarely touches it all), but it deserves a word. */
static void host_check_mem(const struct vm_config *cfg)
{
	struct sysinfo si;
	if (sysinfo(&si) < 0)
		return;
	uint64_t host_mib = (uint64_t)si.totalram * si.mem_unit >> 20;
	if (cfg->mem_mib > host_mib)
		log_warn("--mem %llu: more than this host's %llu MiB of RAM; "
			 "the guest may be killed when it uses it",
			 (unsigned long long)cfg->mem_mib,
			 (unsigned long long)host_mib);
}

int host_open(const struct vm_config *cfg, struct vm_host *h,
	      struct file_ids *ids, char *err, size_t errlen)
{
	host_reset(h);
	host_check_mem(cfg);
	memset(ids, 0, sizeof(*ids));
	int r = host_read("--kernel", cfg->kernel, HOST_MAX_KERNEL_BYTES,
			  &h->kernel, &h->kernel_len, err, errlen);
	if (!r && cfg->initrd)
		r = host_read("--initrd", cfg->initrd, HOST_MAX_INITRD_BYTES,
			      &h->initrd, &h->initrd_len, err, errlen);
	if (!r)
		r = file_ids_add(ids, cfg->kernel, -1, "--kernel %s",
				 cfg->kernel);
	if (!r && cfg->initrd)
		r = file_ids_add(ids, cfg->initrd, -1, "--initrd %s",
				 cfg->initrd);
	for (unsigned i = 0; !r && i < cfg->ndisks; i++)
		r = host_open_disk(&cfg->disks[i], &h->disk_fds[i], ids, err,
				   errlen);
	for (unsigned i = 0; !r && i < cfg->nnets; i++) {
		char why[256];
		r = tap_open(cfg->nets[i].tap, &h->tap_fds[i],
			     &h->tap_offloads[i], why, sizeof(why));
		if (r)
			r = errmsg(err, errlen, r, "--net tap=%s: %s",
				   cfg->nets[i].tap, why);
	}
	if (!r && cfg->vsock.on)
		r = host_open_vsock(&cfg->vsock, h, err, errlen);
	/* Outputs last: every input is open and checked by now. */
	if (!r)
		r = host_open_console(cfg, h, ids, err, errlen);
	if (!r && cfg->metrics_path)
		r = host_open_metrics(cfg->metrics_path, h, ids, err, errlen);
	if (r)
		host_close(h);
	return r;
}

int host_commit_outputs(struct vm_host *h, char *err, size_t errlen)
{
	if (h->serial_out_fd <= STDERR_FILENO)
		return 0;
	int r = outfile_commit(h->serial_out_fd);
	return r ? errmsg(err, errlen, r, "--serial file: %s", strerror(-r))
		 : 0;
}

void host_drop_images(struct vm_host *h)
{
	free((void *)h->kernel);
	free((void *)h->initrd);
	h->kernel = h->initrd = NULL;
	h->kernel_len = h->initrd_len = 0;
}

void host_close(struct vm_host *h)
{
	host_drop_images(h);
	if (h->serial_out_fd > STDERR_FILENO)
		close(h->serial_out_fd);
	for (unsigned i = 0; i < CONFIG_MAX_DISKS; i++)
		if (h->disk_fds[i] >= 0)
			close(h->disk_fds[i]);
	for (unsigned i = 0; i < CONFIG_MAX_NETS; i++)
		if (h->tap_fds[i] >= 0)
			close(h->tap_fds[i]);
	if (h->metrics_fd >= 0)
		close(h->metrics_fd);
	if (h->vsock_fd >= 0)
		close(h->vsock_fd);
	if (h->vsock_dial_fd >= 0)
		close(h->vsock_dial_fd); /* the dialer sees EOF and exits */
	host_reset(h);
}
