/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tg.checksum=N: a long, deterministic computation whose every step
 * depends on all that came before, in registers and in guest RAM (a
 * 256 KiB buffer rewritten each step), printed after each step:
 *   testguest: checksum: step I of N: 0x<sum>
 *   testguest: checksum: done N: 0x<sum>
 * A snapshot taken at any point and restored elsewhere must print the
 * rest exactly as an uninterrupted run does (tests/kvm/snapshot_test.py).
 */
#ifndef TG_CSUM_H
#define TG_CSUM_H

#include <stdint.h>

void csum_run(uint64_t steps);

#endif
