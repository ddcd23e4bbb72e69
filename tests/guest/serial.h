/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Polled 16550 UART on COM1 (port 0x3f8). No interrupts are used: output
 * waits for LSR.THRE before each byte, input waits for LSR.DR.
 */
#ifndef TG_SERIAL_H
#define TG_SERIAL_H

#include <stdarg.h>
#include <stdbool.h>

/* Program 8N1 and UART interrupts off; the baud rate and the FIFO setting
 * are left as they are. Idempotent; loses no received byte. */
void ser_init(void);

void ser_putc(char c);
void ser_puts(const char *s);

/* A small printf: %s %c %d %u %x with the l/ll modifiers, and %%. There is
 * no width or padding. Output goes to COM1. */
void ser_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void ser_vprintf(const char *fmt, va_list ap)
	__attribute__((format(printf, 1, 0)));

/* True when a received byte is waiting. */
bool ser_can_read(void);

/* Wait (forever) for one received byte. */
char ser_getc(void);

#endif
