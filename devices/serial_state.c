// SPDX-License-Identifier: Apache-2.0
/*
 * Saved state of the 16550A UART; see serial.h for the contract.
 *
 * UART v1 payload: u8 ier, u8 thri_pending, u8 lcr, u8 mcr, u8 scr,
 * u8 lsr (OE only), u8 msr (deltas only), u8 fcr, u16 divisor (LE),
 * u8 count, count FIFO bytes (oldest first). The FIFO is restored from
 * slot 0: where it started in the ring is not visible to the guest.
 */
#include "devices/serial.h"

#include <errno.h>
#include <string.h>

/* The bits each register can hold (serial.c's masks). */
#define IER_MASK   0x0f
#define MCR_MASK   0x1f
#define LSR_STICKY 0x02 /* OE */
#define MSR_DELTAS 0x0f
#define FCR_ENABLE 0x01
#define FCR_KEEP   0xc9

void serial_save(struct serial *s, struct st_writer *w)
{
	size_t mark;

	pthread_mutex_lock(&s->lock);
	mark = st_section_begin(w, SERIAL_STATE_TAG, SERIAL_STATE_VERSION);
	st_put_u8(w, s->ier);
	st_put_u8(w, s->iir_thri_pending);
	st_put_u8(w, s->lcr);
	st_put_u8(w, s->mcr);
	st_put_u8(w, s->scr);
	st_put_u8(w, s->lsr);
	st_put_u8(w, s->msr);
	st_put_u8(w, s->fcr);
	st_put_u16(w, s->divisor);
	st_put_u8(w, (uint8_t)s->rx_count);
	for (unsigned i = 0; i < s->rx_count; i++)
		st_put_u8(w, s->rx[(s->rx_head + i) % SERIAL_FIFO_SIZE]);
	st_section_end(w, mark);
	pthread_mutex_unlock(&s->lock);
}

/* The register fields of a decoded UART. */
struct uart {
	uint8_t ier, thri, lcr, mcr, scr, lsr, msr, fcr;
	uint16_t divisor;
	uint8_t count;
	uint8_t rx[SERIAL_FIFO_SIZE];
};

static bool uart_ok(const struct uart *u)
{
	if ((u->ier & ~IER_MASK) || u->thri > 1 || (u->mcr & ~MCR_MASK) ||
	    (u->lsr & ~LSR_STICKY) || (u->msr & ~MSR_DELTAS))
		return false;
	if (u->fcr && (!(u->fcr & FCR_ENABLE) || (u->fcr & ~FCR_KEEP)))
		return false;
	return u->count <= SERIAL_FIFO_SIZE;
}

int serial_restore(struct serial *s, struct st_reader *r)
{
	struct uart u;
	struct st_reader b;
	uint16_t version;

	memset(&u, 0, sizeof(u));
	st_section_open(r, SERIAL_STATE_TAG, SERIAL_STATE_VERSION, &version,
			&b);
	u.ier = st_get_u8(&b);
	u.thri = st_get_u8(&b);
	u.lcr = st_get_u8(&b);
	u.mcr = st_get_u8(&b);
	u.scr = st_get_u8(&b);
	u.lsr = st_get_u8(&b);
	u.msr = st_get_u8(&b);
	u.fcr = st_get_u8(&b);
	u.divisor = st_get_u16(&b);
	u.count = st_get_u8(&b);
	if (!uart_ok(&u))
		st_fail(&b);
	else
		st_get_bytes(&b, u.rx, u.count);
	st_section_close(r, &b);
	if (!st_ok(r))
		return -EINVAL;
	pthread_mutex_lock(&s->lock);
	s->ier = u.ier;
	s->iir_thri_pending = u.thri;
	s->lcr = u.lcr;
	s->mcr = u.mcr;
	s->scr = u.scr;
	s->lsr = u.lsr;
	s->msr = u.msr;
	s->fcr = u.fcr;
	s->divisor = u.divisor;
	memcpy(s->rx, u.rx, sizeof(s->rx));
	s->rx_head = 0;
	s->rx_count = u.count;
	serial_update_irq(s);
	pthread_mutex_unlock(&s->lock);
	return 0;
}
