/* SPDX-License-Identifier: Apache-2.0 */
#include "vmm/vm/host.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include "vmm/base/errmsg.h"
#include "vmm/base/log.h"
#include "vmm/vm/file.h"
#include "vmm/vm/host_dev.h"
#include "vmm/vm/outfile.h"

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
	bool console = host_dev_wants(cfg, VDEV_HOST_CONSOLE);
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
	/* No kernel: a restored snapshot (its RAM holds the guest). */
	int r = cfg->kernel
		    ? host_read("--kernel", cfg->kernel, HOST_MAX_KERNEL_BYTES,
				&h->kernel, &h->kernel_len, err, errlen)
		    : 0;
	if (!r && cfg->initrd)
		r = host_read("--initrd", cfg->initrd, HOST_MAX_INITRD_BYTES,
			      &h->initrd, &h->initrd_len, err, errlen);
	if (!r && cfg->kernel)
		r = file_ids_add(ids, cfg->kernel, -1, "--kernel %s",
				 cfg->kernel);
	if (!r && cfg->initrd)
		r = file_ids_add(ids, cfg->initrd, -1, "--initrd %s",
				 cfg->initrd);
	if (!r)
		r = host_dev_open(cfg, h, ids, err, errlen);
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
