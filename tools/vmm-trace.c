/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vmm-trace: convert record/replay traces between the binary format and
 * the text form (docs/trace-format.md).
 *
 *   vmm-trace to-text [--index] IN [OUT]   binary -> text (OUT: stdout)
 *   vmm-trace to-bin IN OUT                text -> binary
 *   vmm-trace hash FILE                    a disk image's trace hash
 *
 * Exit status: 0, 1 on a bad or unreadable trace (one line on stderr
 * naming the line or record), 2 on bad usage.
 */
#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmm/trace/trace_hash.h"
#include "vmm/trace/trace_text.h"
#include "vmm/vm/file.h"

#define TOOL_MAX_INPUT ((size_t)1 << 36)

static int tool_usage(void)
{
	fputs("usage: vmm-trace to-text [--index] IN [OUT]\n"
	      "       vmm-trace to-bin IN OUT\n"
	      "       vmm-trace hash FILE\n",
	      stderr);
	return 2;
}

static int tool_write(const char *path, const uint8_t *p, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = n < 0 ? errno : EIO;
			close(fd);
			return -e;
		}
		p += n;
		len -= (size_t)n;
	}
	return close(fd) ? -errno : 0;
}

static int tool_to_bin(const char *in, const char *out)
{
	char err[512];
	uint8_t *text;
	size_t len;
	if (file_read_all(in, TOOL_MAX_INPUT, &text, &len, err, sizeof(err))) {
		fprintf(stderr, "vmm-trace: %s: %s\n", in, err);
		return 1;
	}
	struct tenc e;
	tenc_init(&e);
	int r = ttext_parse((const char *)text, len, &e, err, sizeof(err));
	free(text);
	if (r) {
		fprintf(stderr, "vmm-trace: %s: %s\n", in, err);
		tenc_free(&e);
		return 1;
	}
	r = tool_write(out, e.p, e.len);
	tenc_free(&e);
	if (r) {
		fprintf(stderr, "vmm-trace: %s: %s\n", out, strerror(-r));
		return 1;
	}
	return 0;
}

static int tool_to_text(const char *in, const char *out, unsigned flags)
{
	char err[512];
	uint8_t *buf;
	size_t len;
	if (file_read_all(in, TOOL_MAX_INPUT, &buf, &len, err, sizeof(err))) {
		fprintf(stderr, "vmm-trace: %s: %s\n", in, err);
		return 1;
	}
	FILE *f = out ? fopen(out, "we") : stdout;
	if (!f) {
		fprintf(stderr, "vmm-trace: %s: %s\n", out, strerror(errno));
		free(buf);
		return 1;
	}
	int r = ttext_print(buf, len, f, flags, err, sizeof(err));
	free(buf);
	if (out && fclose(f) != 0 && !r) {
		fprintf(stderr, "vmm-trace: %s: %s\n", out, strerror(errno));
		return 1;
	}
	if (r) {
		fprintf(stderr, "vmm-trace: %s: %s\n", in, err);
		return 1;
	}
	return 0;
}

/* The hash END and device entries give for a disk image. */
static int tool_hash(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	uint64_t h;
	int r = fd < 0 || fstat(fd, &st) < 0 ? -errno : 0;
	if (!r)
		r = thash_fd(fd, (uint64_t)st.st_size, &h);
	if (fd >= 0)
		close(fd);
	if (r) {
		fprintf(stderr, "vmm-trace: %s: %s\n", path, strerror(-r));
		return 1;
	}
	printf("0x%016" PRIx64 "\n", h);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "hash") == 0)
		return tool_hash(argv[2]);
	if (argc >= 3 && strcmp(argv[1], "to-bin") == 0 && argc == 4)
		return tool_to_bin(argv[2], argv[3]);
	if (argc >= 3 && strcmp(argv[1], "to-text") == 0) {
		unsigned flags = 0;
		int i = 2;
		if (strcmp(argv[i], "--index") == 0) {
			flags |= TTEXT_INDEX;
			i++;
		}
		if (argc - i == 1 || argc - i == 2)
			return tool_to_text(
			    argv[i], argc - i == 2 ? argv[i + 1] : NULL, flags);
	}
	return tool_usage();
}
