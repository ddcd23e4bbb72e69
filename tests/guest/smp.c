/* SPDX-License-Identifier: Apache-2.0 */
#include "smp.h"

#include "io.h"

#define LAPIC_SVR 0xf0
#define LAPIC_SVR_ENABLE 0x100
#define LAPIC_ICR_LO 0x300
#define LAPIC_ICR_HI 0x310

#define ICR_INIT (5u << 8)
#define ICR_STARTUP (6u << 8)
#define ICR_PENDING (1u << 12)
#define ICR_ASSERT (1u << 14)
#define ICR_ALL_BUT_SELF (3u << 18)

/* Busy-wait lengths in io_pause() steps; there is no calibrated timer.
 * The SDM asks for 10 ms after INIT and 200 us between SIPIs; virtual CPUs
 * need neither. A step costs from tens of nanoseconds (hardware) to about
 * 6 us (nested KVM, where PAUSE loops exit to the host), so the check-in
 * wait is at most about 6 s there, and ends as soon as all APs are in. */
#define SMP_INIT_DELAY 10000
#define SMP_SIPI_DELAY 1000
#define SMP_ICR_WAIT 100000
#define SMP_CHECKIN_WAIT 1000000
#define SMP_GRACE_WAIT 20000

#define SMP_COUNTER_PADDR (SMP_TRAMP_PADDR + SMP_TRAMP_COUNTER_OFF)

static void smp_send_ipi(uint32_t lapic, uint32_t icr_lo)
{
	io_write32(lapic + LAPIC_ICR_HI, 0); /* shorthand: ignored */
	io_write32(lapic + LAPIC_ICR_LO, icr_lo);
	for (unsigned i = 0; i < SMP_ICR_WAIT; i++) {
		if (!(io_read32(lapic + LAPIC_ICR_LO) & ICR_PENDING))
			break;
		io_pause();
	}
}

static unsigned smp_checked_in(void)
{
	return io_read16(SMP_COUNTER_PADDR);
}

unsigned smp_start_aps(uint32_t lapic, unsigned expected_aps)
{
	const char *src = smp_tramp_start;

	for (uint32_t i = 0; src + i < smp_tramp_end; i++)
		io_write8(SMP_TRAMP_PADDR + i, (uint8_t)src[i]);
	io_write16(SMP_COUNTER_PADDR, 0);

	/* Software-enable this local APIC (spurious vector 0xff); IF stays
	 * clear, so nothing is ever delivered to us. */
	io_write32(lapic + LAPIC_SVR,
		   io_read32(lapic + LAPIC_SVR) | LAPIC_SVR_ENABLE | 0xff);

	smp_send_ipi(lapic, ICR_ALL_BUT_SELF | ICR_INIT | ICR_ASSERT);
	io_delay(SMP_INIT_DELAY);
	for (int i = 0; i < 2; i++) {
		smp_send_ipi(lapic, ICR_ALL_BUT_SELF | ICR_STARTUP |
					    ICR_ASSERT | (SMP_TRAMP_PADDR >> 12));
		io_delay(SMP_SIPI_DELAY);
	}

	for (unsigned long i = 0; i < SMP_CHECKIN_WAIT; i++) {
		if (smp_checked_in() >= expected_aps)
			break;
		io_pause();
	}
	io_delay(SMP_GRACE_WAIT);
	return smp_checked_in();
}
