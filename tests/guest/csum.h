/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tg.checksum=N: a long, deterministic computation whose every step
 * depends on all that came before, in registers and in guest RAM (a
 * 256 KiB buffer rewritten each step), printed after each step:
 *   testguest: checksum: step I of N: 0x<sum>
 *   testguest: checksum: done N: 0x<sum>
 * tg.blkcsum=N: the same, after the virtio device checks, with each step
 * also writing 4 KiB of the buffer to the first virtio-blk disk (sectors
 * 64 on, 32 places in turn), reading it back, checking and folding it in,
 * and drawing 16 bytes from the virtio-rng device when there is one: a
 * snapshot then catches disk and entropy requests in flight. Failures
 * exit TG_EXIT_CSUM.
 * A snapshot taken at any point and restored elsewhere must print the
 * rest exactly as an uninterrupted run does (tests/api/snapshot_test.py).
 */
#ifndef TG_CSUM_H
#define TG_CSUM_H

#include <stdint.h>

#include "virtio.h"

void csum_run(uint64_t steps);
void csum_run_io(uint64_t steps, struct vio_dev *blk, struct vio_dev *rng);

#endif
