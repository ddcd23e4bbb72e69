/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The shared main of every harness (fuzz/fuzz_*.c).
 *
 * Built with afl-clang-fast (VMM_FUZZ=ON): AFL++ persistent mode with the
 * shared-memory testcase buffer. The fork server starts after set-up and
 * warm-up runs of a few tiny inputs (__AFL_INIT), then one process runs
 * up to FUZZ_LOOP inputs.
 *
 * Built with any other compiler, and also with afl-clang-fast when given
 * arguments: a corpus replayer. Each argument is a file (one input) or a
 * directory (each regular file in it, sorted by name, one input each; dot
 * files, README* and subdirectories are skipped). Without arguments one
 * input is read from stdin. It exits 0 when every input ran; a crash or a
 * failed check aborts, so CTest and ci/coverage see it.
 *
 * Messages from vmm code are off (LOG_NONE) unless FUZZ_LOG is set to a
 * level 1-4 (error .. debug); that level is set once, before any input.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz/fuzz.h"
#include "vmm/base/log.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FUZZ_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define FUZZ_ASAN 1
#endif
#ifdef FUZZ_ASAN
/* ASan's defaults, which ASAN_OPTIONS overrides. A freed block stays in
 * quarantine (unusable, so a use after free is caught) until 16 MiB more
 * have been freed, not the default 256 MiB: the replay harnesses build a
 * whole machine each input (a few hundred KiB of heap), and with the
 * default every input got fresh pages, whose faults took most of the
 * time. 16 MiB is still many inputs' worth. */
const char *__asan_default_options(void);
const char *__asan_default_options(void) { return "quarantine_size_mb=16"; }
#endif

#define FUZZ_MAX_INPUT (64u << 20)
#define FUZZ_LOOP      100000

static void set_log_level(void)
{
	const char *s = getenv("FUZZ_LOG");
	int l = s ? atoi(s) : 0;

	log_set_level(l >= LOG_NONE && l <= LOG_DEBUG ? (enum log_level)l
						      : LOG_NONE);
}

/* Run one file; -1 if it cannot be read. */
static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0;

	if (!f) {
		fprintf(stderr, "fuzz: %s: %s\n", path, strerror(errno));
		return -1;
	}
	for (;;) {
		if (len == cap) {
			uint8_t *nb;

			cap = cap ? cap * 2 : 4096;
			if (cap > FUZZ_MAX_INPUT || !(nb = realloc(buf, cap))) {
				fprintf(stderr, "fuzz: %s: too large\n", path);
				free(buf);
				fclose(f);
				return -1;
			}
			buf = nb;
		}
		size_t n = fread(buf + len, 1, cap - len, f);

		len += n;
		if (n == 0)
			break;
	}
	int bad = ferror(f);

	fclose(f);
	if (bad) {
		fprintf(stderr, "fuzz: %s: read error\n", path);
		free(buf);
		return -1;
	}
	/* An exact-size copy, so ASan catches reads past the input. */
	uint8_t *exact = malloc(len ? len : 1);

	if (!exact) {
		free(buf);
		return -1;
	}
	memcpy(exact, buf, len);
	free(buf);
	LLVMFuzzerTestOneInput(exact, len);
	free(exact);
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool skip_name(const char *n)
{
	return n[0] == '.' || strncmp(n, "README", 6) == 0;
}

/* Run every file of a directory in name order; the count, or -1. */
static long run_dir(const char *dir)
{
	DIR *d = opendir(dir);
	char **names = NULL;
	size_t n = 0, cap = 0;
	long ran = 0;
	struct dirent *e;

	if (!d) {
		fprintf(stderr, "fuzz: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(d))) {
		if (skip_name(e->d_name))
			continue;
		if (n == cap) {
			char **nn = realloc(names, (cap = cap ? 2 * cap : 64) *
						       sizeof(*names));
			if (!nn)
				break;
			names = nn;
		}
		if (!(names[n] = strdup(e->d_name)))
			break;
		n++;
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_names);
	for (size_t i = 0; i < n; i++) {
		char path[4096];
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (ran >= 0 && stat(path, &st) == 0 && S_ISREG(st.st_mode))
			ran = run_file(path) ? -1 : ran + 1;
		free(names[i]);
	}
	free(names);
	return ran;
}

static int replay(int argc, char **argv)
{
	long total = 0;

	if (argc < 2) {
		/* One input on stdin. */
		return run_file("/dev/stdin") ? 1 : 0;
	}
	for (int i = 1; i < argc; i++) {
		struct stat st;
		long n;

		if (stat(argv[i], &st) != 0) {
			fprintf(stderr, "fuzz: %s: %s\n", argv[i],
				strerror(errno));
			return 1;
		}
		n = S_ISDIR(st.st_mode) ? run_dir(argv[i])
					: (run_file(argv[i]) ? -1 : 1);
		if (n < 0)
			return 1;
		total += n;
	}
	fprintf(stderr, "%s: %ld inputs ran\n", argv[0], total);
	return 0;
}

#ifdef __AFL_COMPILER
/* AFL++'s shared-memory testcase globals: the buffer and its length. */
__AFL_FUZZ_INIT();

int main(int argc, char **argv)
{
	set_log_level();
	if (argc > 1)
		return replay(argc, argv);
	/* A few tiny inputs before the fork server starts: what is done once
	 * (guest RAM mapped, in each of the loaders' four layouts; lazy
	 * binding; allocator set-up) is then done in the parent, so every
	 * fuzzed input sees the same warm process. */
	LLVMFuzzerTestOneInput((const uint8_t *)"", 0);
	for (uint8_t b = 0; b < 4; b++)
		LLVMFuzzerTestOneInput(&b, 1);
	__AFL_INIT();
	const uint8_t *buf = __AFL_FUZZ_TESTCASE_BUF;

	while (__AFL_LOOP(FUZZ_LOOP)) {
		size_t len = (size_t)__AFL_FUZZ_TESTCASE_LEN;
		/* An exact-size heap copy: ASan then sees any read past the
		 * input, which the shared-memory buffer would hide. */
		uint8_t *copy = malloc(len ? len : 1);

		if (!copy)
			abort();
		memcpy(copy, buf, len);
		LLVMFuzzerTestOneInput(copy, len);
		free(copy);
	}
	return 0;
}
#else
int main(int argc, char **argv)
{
	set_log_level();
	return replay(argc, argv);
}
#endif
