/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vmm --accel replay --trace FILE [--disk PATH]... [--serial MODE]: the
 * command-line front of the replay engine (replay.h). The trace is mapped,
 * the disk images opened read-only, COM1 goes where --serial says and the
 * virtio console to stdout, as in a normal run.
 */
#include "vmm/replay/replay.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmm/base/log.h"
#include "vmm/trace/trace_text.h"
#include "vmm/vm/outfile.h"

/* Map the trace read-only. 0 and *p, *len, or 1 after a message. */
static int replay_map(const char *path, const uint8_t **p, size_t *len)
{
	/* O_NONBLOCK: a FIFO must not block the open (it is refused below). */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0) {
		fprintf(stderr, "vmm: --trace %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return 1;
	}
	if (!S_ISREG(st.st_mode) || st.st_size == 0) {
		fprintf(stderr, "vmm: --trace %s: %s\n", path,
			S_ISREG(st.st_mode) ? "empty file"
					    : "not a regular file");
		close(fd);
		return 1;
	}
	void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (m == MAP_FAILED) {
		fprintf(stderr, "vmm: --trace %s: %s\n", path, strerror(errno));
		return 1;
	}
	*p = m;
	*len = (size_t)st.st_size;
	return 0;
}

/* Open the --disk images and COM1's output (never one of the inputs; see
 * vmm/vm/outfile.h). 0, or 1 after a message. */
static int replay_files(const struct vm_config *cfg, int *disks, int *serial)
{
	struct file_ids ids = {0};
	char err[512];
	int r = file_ids_add(&ids, cfg->trace, -1, "--trace %s", cfg->trace);
	for (unsigned i = 0; !r && i < cfg->ndisks; i++) {
		/* O_NONBLOCK: a FIFO must not block the open. */
		disks[i] = open(cfg->disks[i].path,
				O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
		struct stat st;
		if (disks[i] < 0 || fstat(disks[i], &st) < 0) {
			fprintf(stderr, "vmm: --disk %s: %s\n",
				cfg->disks[i].path, strerror(errno));
			return 1;
		}
		if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
			fprintf(stderr,
				"vmm: --disk %s: not a regular file or block "
				"device\n",
				cfg->disks[i].path);
			return 1;
		}
		r = file_ids_add(&ids, NULL, disks[i], "--disk %s",
				 cfg->disks[i].path);
	}
	*serial = cfg->serial == SERIAL_STDIO ? STDOUT_FILENO : -1;
	if (!r && cfg->serial == SERIAL_FILE) {
		r = outfile_open("--serial file:", cfg->serial_path, &ids,
				 serial, err, sizeof(err));
		if (!r && (r = outfile_commit(*serial)))
			snprintf(err, sizeof(err), "--serial file:%s: %s",
				 cfg->serial_path, strerror(-r));
		if (r) {
			fprintf(stderr, "vmm: %s\n", err);
			return 1;
		}
	}
	if (r) {
		fprintf(stderr, "vmm: too many files\n");
		return 1;
	}
	return 0;
}

int replay_main(const struct vm_config *cfg)
{
	int disks[CONFIG_MAX_DISKS], serial = -1, status = 1;
	for (unsigned i = 0; i < CONFIG_MAX_DISKS; i++)
		disks[i] = -1;
	const uint8_t *buf = NULL;
	size_t len = 0;
	/* A closed output reader must not kill the replay. */
	signal(SIGPIPE, SIG_IGN);
	if (replay_map(cfg->trace, &buf, &len) ||
	    replay_files(cfg, disks, &serial))
		goto out;

	struct replay_opts o = {.serial_out_fd = serial,
				.console_out_fd = STDOUT_FILENO,
				.disk_fds = disks,
				.ndisk_fds = cfg->ndisks};
	struct replay_result res;
	int r = replay_run_buffer(buf, len, &o, &res);
	if (r == 0) {
		const char *why = ttext_stop_name(res.stop);
		log_info("replay: %s matches: %" PRIu64 " records, %" PRIu64
			 " events, %" PRIu64 " I/O exits; the run stopped: %s, "
			 "status %u",
			 cfg->trace, res.records, res.events, res.exits,
			 why ? why : "?", res.status);
		status = 0;
	} else if (r == 1) {
		fprintf(stderr, "vmm: replay diverged: %s\n", res.msg);
		status = REPLAY_STATUS_DIVERGED;
	} else {
		fprintf(stderr, "vmm: --trace %s: %s\n", cfg->trace, res.msg);
	}
out:
	for (unsigned i = 0; i < CONFIG_MAX_DISKS; i++)
		if (disks[i] >= 0)
			close(disks[i]);
	if (serial > STDERR_FILENO)
		close(serial);
	if (buf)
		munmap((void *)buf, len);
	return status;
}
