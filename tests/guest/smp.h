/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Application processor (AP) start-up and check-in counting.
 *
 * smp_tramp.S holds a real-mode trampoline that is copied to SMP_TRAMP_PADDR
 * (SIPI vector SMP_TRAMP_PADDR >> 12). Each AP that runs it does one
 * `lock incw` of the 16-bit counter at SMP_TRAMP_PADDR +
 * SMP_TRAMP_COUNTER_OFF, then halts forever with interrupts off. APs never
 * reach long mode and never touch anything else.
 */
#ifndef TG_SMP_H
#define TG_SMP_H

#define SMP_TRAMP_PADDR 0x10000
#define SMP_TRAMP_COUNTER_OFF 0xff0 /* within the trampoline page */

#ifndef __ASSEMBLER__
#include <stdint.h>

/* The trampoline's bytes (smp_tramp.S). */
extern const char smp_tramp_start[], smp_tramp_end[];

/* Copy the trampoline, zero the counter, and send INIT, SIPI, SIPI to all
 * CPUs but this one through the local APIC at `lapic_paddr` (xAPIC MMIO).
 * Then wait, bounded, until `expected_aps` APs have checked in (and a short
 * grace period longer to catch extra ones). Returns the number that did.
 * Overwrites the page at SMP_TRAMP_PADDR. */
unsigned smp_start_aps(uint32_t lapic_paddr, unsigned expected_aps);
#endif

#endif
