/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Port I/O, physical-memory and CPU helpers for the test guest.
 *
 * Memory is identity-mapped for the first 4 GiB (entry.S), so a physical
 * address below 4 GiB is also a valid pointer. Every helper is a single
 * plain instruction: the host may emulate guest code and not every
 * instruction is supported (see README.md).
 */
#ifndef TG_IO_H
#define TG_IO_H

#include <stdint.h>

#define IO_4G 0x100000000ULL

/* For static buffers that are always written before they are read: they
 * go to .noclear (linker scripts), which the entry code does not clear.
 * Only for large buffers; everything else stays in .bss. */
#define TG_NOCLEAR __attribute__((section(".bss.noclear")))

static inline void io_outb(uint16_t port, uint8_t val)
{
	__asm__ __volatile__("outb %0, %1" : : "a"(val), "Nd"(port) : "memory");
}

static inline uint8_t io_inb(uint16_t port)
{
	uint8_t val;

	__asm__ __volatile__("inb %1, %0" : "=a"(val) : "Nd"(port) : "memory");
	return val;
}

/* A pointer to physical address `paddr` (< 4 GiB). The empty asm hides the
 * constant from the compiler, which would otherwise warn about accesses
 * near address 0 (the BDA) or optimise them away. */
static inline volatile void *io_phys(uint64_t paddr)
{
	volatile void *p = (volatile void *)(uintptr_t)paddr;

	__asm__("" : "+r"(p));
	return p;
}

static inline uint8_t io_read8(uint64_t paddr)
{
	return *(volatile uint8_t *)io_phys(paddr);
}

static inline uint16_t io_read16(uint64_t paddr)
{
	return *(volatile uint16_t *)io_phys(paddr);
}

static inline uint32_t io_read32(uint64_t paddr)
{
	return *(volatile uint32_t *)io_phys(paddr);
}

static inline uint64_t io_read64(uint64_t paddr)
{
	return *(volatile uint64_t *)io_phys(paddr);
}

static inline void io_write8(uint64_t paddr, uint8_t val)
{
	*(volatile uint8_t *)io_phys(paddr) = val;
}

static inline void io_write16(uint64_t paddr, uint16_t val)
{
	*(volatile uint16_t *)io_phys(paddr) = val;
}

static inline void io_write32(uint64_t paddr, uint32_t val)
{
	*(volatile uint32_t *)io_phys(paddr) = val;
}

/* One spin-loop step. */
static inline void io_pause(void)
{
	__asm__ __volatile__("pause" : : : "memory");
}

/* Busy-wait for `n` pause steps. There is no calibrated timer: a step is
 * tens of nanoseconds on hardware and up to ~6 us on a nested host where
 * PAUSE loops exit to the hypervisor. */
static inline void io_delay(unsigned long n)
{
	while (n--)
		io_pause();
}

/* Stop this CPU for good (interrupts off, so HLT never wakes). */
static inline __attribute__((noreturn)) void io_halt_forever(void)
{
	for (;;)
		__asm__ __volatile__("cli; hlt" : : : "memory");
}

#endif
