/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Output files (--serial file:, --record): opened so that they can never
 * destroy an input. An output is opened without truncation, checked, and
 * only emptied by outfile_commit once everything else has been validated
 * (the first VM is built), so a run that fails on a later check leaves the
 * file as it was. It is refused when it is one of this run's inputs (the
 * same file, whatever the path), another output of this run, or locked by
 * another process (another VM's disk or output); a FIFO without a reader is
 * refused at once instead of blocking start-up.
 */
#ifndef VMM_OUTFILE_H
#define VMM_OUTFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "vmm/base/compiler.h"

#define OUTFILE_MAX_IDS 48

/* The files of one run, by identity (device and inode), with the option
 * that named each, e.g. "--disk /img". */
struct file_ids {
	unsigned n;
	struct {
		dev_t dev;
		ino_t ino;
		bool read_only; /* an input only read (a ,ro disk) */
		char what[96];
	} f[OUTFILE_MAX_IDS];
};

/* Add the file at path (stat) or behind fd (fstat, when path is NULL) as
 * `what` (printf-style). A file that cannot be stat'ed is not added (its
 * own open reports it). 0, or -ENOSPC when the set is full. */
int file_ids_add(struct file_ids *ids, const char *path, int fd,
		 const char *what, ...) VMM_WUR
    __attribute__((format(printf, 4, 5)));

/* Open path for output as option `opt` ("--serial file:", "--record "):
 * created 0644 if missing, never truncated here, write-only, close-on-exec,
 * blocking. A regular file must not be in *ids, and gets an exclusive
 * flock (held while the fd is open) so no other VM can take it as a disk;
 * it is then added to *ids. A FIFO must have a reader. 0 and *fd, or
 * -errno with one line in err naming opt and path. */
int outfile_open(const char *opt, const char *path, struct file_ids *ids,
		 int *fd, char *err, size_t errlen) VMM_WUR;

/* Empty a regular output file (other kinds are left alone) and write from
 * its start. For after the run's checks passed. 0 or -errno. */
int outfile_commit(int fd) VMM_WUR;

#endif
