/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The monotonic clock in milliseconds, for timeouts, periods and rate
 * limits (never for what the guest sees: that goes through the RTC).
 */
#ifndef VMM_BASE_CLOCK_H
#define VMM_BASE_CLOCK_H

#include <stdint.h>

/* CLOCK_MONOTONIC in ms (the vDSO: no system call on x86). */
uint64_t clock_mono_ms(void);

#endif
