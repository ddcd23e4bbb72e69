/* SPDX-License-Identifier: Apache-2.0 */
#include "serial.h"

#include <stdarg.h>
#include <stdint.h>

#include "io.h"

#define SER_BASE 0x3f8
#define SER_RBR (SER_BASE + 0) /* read: receive buffer */
#define SER_THR (SER_BASE + 0) /* write: transmit holding */
#define SER_IER (SER_BASE + 1)
#define SER_LCR (SER_BASE + 3)
#define SER_MCR (SER_BASE + 4)
#define SER_LSR (SER_BASE + 5)

#define SER_LSR_DR 0x01   /* data ready */
#define SER_LSR_THRE 0x20 /* transmit holding register empty */

void ser_init(void)
{
	io_outb(SER_IER, 0x00); /* no UART interrupts */
	io_outb(SER_LCR, 0x03); /* 8N1, DLAB off; keep whatever baud is set */
	io_outb(SER_MCR, 0x03); /* DTR, RTS; loopback off */
	/* FCR is left alone: changing the FIFO enable bit empties the receive
	 * buffer, losing input that arrived before we got here. */
}

void ser_putc(char c)
{
	while (!(io_inb(SER_LSR) & SER_LSR_THRE))
		io_pause();
	io_outb(SER_THR, (uint8_t)c);
}

void ser_puts(const char *s)
{
	while (*s)
		ser_putc(*s++);
}

bool ser_can_read(void)
{
	return io_inb(SER_LSR) & SER_LSR_DR;
}

char ser_getc(void)
{
	while (!ser_can_read())
		io_pause();
	return (char)io_inb(SER_RBR);
}

static void ser_put_unsigned(unsigned long long v, unsigned base)
{
	char buf[24];
	int n = 0;

	do {
		buf[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (n)
		ser_putc(buf[--n]);
}

void ser_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ser_vprintf(fmt, ap);
	va_end(ap);
}

void ser_vprintf(const char *fmt, va_list ap)
{
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			ser_putc(*fmt);
			continue;
		}
		int longs = 0;

		while (*++fmt == 'l')
			longs++;
		unsigned long long u;
		long long s;

		switch (*fmt) {
		case 's': {
			const char *str = va_arg(ap, const char *);

			ser_puts(str ? str : "(null)");
			break;
		}
		case 'c':
			ser_putc((char)va_arg(ap, int));
			break;
		case 'd':
			s = longs ? va_arg(ap, long long) : va_arg(ap, int);
			if (s < 0) {
				ser_putc('-');
				u = 0 - (unsigned long long)s;
			} else {
				u = (unsigned long long)s;
			}
			ser_put_unsigned(u, 10);
			break;
		case 'u':
		case 'x':
			u = longs ? va_arg(ap, unsigned long long)
				  : va_arg(ap, unsigned int);
			ser_put_unsigned(u, *fmt == 'u' ? 10 : 16);
			break;
		case '%':
			ser_putc('%');
			break;
		case '\0':
			fmt--; /* a lone '%' at the end: stop */
			break;
		default:
			ser_putc('%');
			ser_putc(*fmt);
			break;
		}
	}
}
