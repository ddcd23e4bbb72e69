/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The disk image hash of the trace format: FNV-1a over 64-bit words.
 * The state starts at 0xcbf29ce484222325; each little-endian 8-byte word
 * of the data (the last one zero-padded) is XORed in and the state is
 * multiplied by 0x100000001b3 (mod 2^64); then the byte length is mixed
 * in the same way. A result of 0 becomes 1, since 0 means "not checked".
 * Not cryptographic: it catches the wrong image, not a forged one.
 */
#ifndef VMM_TRACE_HASH_H
#define VMM_TRACE_HASH_H

#include <stddef.h>
#include <stdint.h>

#include "vmm/base/compiler.h"

struct thash {
	uint64_t h, len;
	uint8_t tail[8];
	unsigned ntail;
};

void thash_init(struct thash *t);
void thash_update(struct thash *t, const void *data, size_t len);
uint64_t thash_final(struct thash *t);

/* The hash of the first `size` bytes of fd (pread; the offset is not
 * moved). 0 or -errno (-EIO when the file is shorter). */
int thash_fd(int fd, uint64_t size, uint64_t *out) VMM_WUR;

#endif
