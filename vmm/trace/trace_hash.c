/* SPDX-License-Identifier: Apache-2.0 */
/* The disk image hash; see trace_hash.h. */
#include "vmm/trace/trace_hash.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "vmm/trace/trace.h"

#define THASH_BASIS 0xcbf29ce484222325ull
#define THASH_PRIME 0x100000001b3ull
#define THASH_CHUNK (1u << 20)

void thash_init(struct thash *t)
{
	memset(t, 0, sizeof(*t));
	t->h = THASH_BASIS;
}

static void thash_word(struct thash *t, uint64_t w)
{
	t->h = (t->h ^ w) * THASH_PRIME;
}

void thash_update(struct thash *t, const void *data, size_t len)
{
	const uint8_t *p = data;
	t->len += len;
	while (len && t->ntail) {
		t->tail[t->ntail++] = *p++;
		len--;
		if (t->ntail == 8) {
			thash_word(t, trace_get64(t->tail));
			t->ntail = 0;
		}
	}
	for (; len >= 8; p += 8, len -= 8)
		thash_word(t, trace_get64(p));
	while (len--)
		t->tail[t->ntail++] = *p++;
}

uint64_t thash_final(struct thash *t)
{
	if (t->ntail) {
		memset(t->tail + t->ntail, 0, 8 - t->ntail);
		thash_word(t, trace_get64(t->tail));
		t->ntail = 0;
	}
	thash_word(t, t->len);
	return t->h ? t->h : 1;
}

int thash_fd(int fd, uint64_t size, uint64_t *out)
{
	uint8_t *buf = malloc(THASH_CHUNK);
	if (!buf)
		return -ENOMEM;
	struct thash t;
	thash_init(&t);
	uint64_t off = 0;
	int r = 0;
	while (off < size) {
		size_t want = size - off > THASH_CHUNK ? THASH_CHUNK
						       : (size_t)(size - off);
		/* preadv: what the sandbox allows device threads. */
		struct iovec iov = {buf, want};
		ssize_t n = preadv(fd, &iov, 1, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			r = n < 0 ? -errno : -EIO;
			break;
		}
		thash_update(&t, buf, (size_t)n);
		off += (uint64_t)n;
	}
	free(buf);
	if (!r)
		*out = thash_final(&t);
	return r;
}
