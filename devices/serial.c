/* SPDX-License-Identifier: Apache-2.0 */
/*
 * 16550A UART model. See serial.h for the contract.
 *
 * Model notes:
 *  - Transmit is immediate, so THR/TSR are always empty: LSR always has
 *    THRE|TEMT and the "THR empty" interrupt is a latch (iir_thri_pending)
 *    set when ETBEI goes 0->1 and after every THR write, cleared by an IIR
 *    read that reports it or by clearing ETBEI.
 *  - The 16-byte receive FIFO is used whether or not FCR enables FIFOs
 *    (we never drop host bytes). RX data interrupts are raised as soon as
 *    one byte is present (no trigger level, no character timeout).
 *  - Only loopback can overrun: a THR byte looped back into a full FIFO
 *    is lost and sets LSR.OE (sticky in s->lsr until LSR is read).
 *  - MSR status bits are computed from MCR (loopback) or fixed at
 *    DCD|DSR|CTS; s->msr holds only the delta bits, cleared by an MSR read.
 *  - Every access is a one-byte access to the register at `off`: writes
 *    use the low byte of the value, reads return the byte zero-extended.
 *
 * Locking: all state is under s->lock. host->set_irq is called with the
 * lock held so that level changes reach the host in order; host->tx and
 * host->rx_space are called after the lock is dropped.
 */
#include "devices/serial.h"

#include <errno.h>
#include <string.h>

/* Register offsets (DLAB=0 unless noted). */
#define UART_RBR 0 /* read */
#define UART_THR 0 /* write */
#define UART_DLL 0 /* DLAB=1 */
#define UART_IER 1
#define UART_DLM 1 /* DLAB=1 */
#define UART_IIR 2 /* read */
#define UART_FCR 2 /* write */
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_MSR 6
#define UART_SCR 7

#define IER_ERBFI 0x01 /* received data available */
#define IER_ETBEI 0x02 /* THR empty */
#define IER_ELSI 0x04  /* receiver line status */
#define IER_EDSSI 0x08 /* modem status */
#define IER_MASK 0x0f

#define IIR_MSI 0x00
#define IIR_NONE 0x01
#define IIR_THRI 0x02
#define IIR_RDI 0x04
#define IIR_RLSI 0x06
#define IIR_ID_MASK 0x0f
#define IIR_FIFO 0xc0

#define FCR_ENABLE 0x01
#define FCR_CLEAR_RX 0x02
#define FCR_CLEAR_TX 0x04
#define FCR_KEEP 0xc9 /* enable, DMA mode, RX trigger level */

#define LCR_DLAB 0x80

#define MCR_DTR 0x01
#define MCR_RTS 0x02
#define MCR_OUT1 0x04
#define MCR_OUT2 0x08
#define MCR_LOOP 0x10
#define MCR_MASK 0x1f

#define LSR_DR 0x01
#define LSR_OE 0x02
#define LSR_THRE 0x20
#define LSR_TEMT 0x40

#define MSR_DCTS 0x01
#define MSR_DDSR 0x02
#define MSR_TERI 0x04
#define MSR_DDCD 0x08
#define MSR_DELTAS 0x0f
#define MSR_CTS 0x10
#define MSR_DSR 0x20
#define MSR_RI 0x40
#define MSR_DCD 0x80

#define SERIAL_DEFAULT_DIVISOR 12 /* 9600 baud from 1.8432 MHz */

/* Host callbacks an access decided on, run after the lock is dropped. */
struct serial_deferred {
	bool tx;
	uint8_t tx_byte;
	bool rx_space;
};

/* Power-on register state. Keeps the host, lock, irq_level and counters. */
static void serial_power_on(struct serial *s)
{
	s->ier = 0;
	s->iir_thri_pending = 0;
	s->lcr = 0;
	s->mcr = 0;
	s->lsr = 0;
	s->msr = 0;
	s->scr = 0;
	s->fcr = 0;
	s->divisor = SERIAL_DEFAULT_DIVISOR;
	s->rx_head = 0;
	s->rx_count = 0;
}

/* MSR status bits (high nibble) for the current MCR. */
static uint8_t serial_msr_status(const struct serial *s)
{
	uint8_t m = 0;

	if (!(s->mcr & MCR_LOOP))
		return MSR_DCD | MSR_DSR | MSR_CTS;
	if (s->mcr & MCR_DTR)
		m |= MSR_DSR;
	if (s->mcr & MCR_RTS)
		m |= MSR_CTS;
	if (s->mcr & MCR_OUT1)
		m |= MSR_RI;
	if (s->mcr & MCR_OUT2)
		m |= MSR_DCD;
	return m;
}

static uint8_t serial_lsr(const struct serial *s)
{
	uint8_t v = s->lsr | LSR_THRE | LSR_TEMT;

	if (s->rx_count)
		v |= LSR_DR;
	return v;
}

/* IIR as the guest would read it now (no side effects). */
static uint8_t serial_iir(const struct serial *s)
{
	uint8_t id;

	if ((s->ier & IER_ELSI) && (s->lsr & LSR_OE))
		id = IIR_RLSI;
	else if ((s->ier & IER_ERBFI) && s->rx_count)
		id = IIR_RDI;
	else if ((s->ier & IER_ETBEI) && s->iir_thri_pending)
		id = IIR_THRI;
	else if ((s->ier & IER_EDSSI) && (s->msr & MSR_DELTAS))
		id = IIR_MSI;
	else
		id = IIR_NONE;
	if (s->fcr & FCR_ENABLE)
		id |= IIR_FIFO;
	return id;
}

/* Recompute the line; tell the host only on a change. Lock held. */
void serial_update_irq(struct serial *s)
{
	int level = !(serial_iir(s) & IIR_NONE);

	if (level == s->irq_level)
		return;
	s->irq_level = level;
	s->host.set_irq(s->host.opaque, level);
}

static void serial_rx_put(struct serial *s, uint8_t byte)
{
	s->rx[(s->rx_head + s->rx_count) % SERIAL_FIFO_SIZE] = byte;
	s->rx_count++;
}

static uint8_t serial_rx_pop(struct serial *s)
{
	uint8_t byte = s->rx[s->rx_head];

	s->rx_head = (s->rx_head + 1) % SERIAL_FIFO_SIZE;
	s->rx_count--;
	return byte;
}

/* Empty the receive FIFO; ask for more input if it was full. */
static void serial_rx_clear(struct serial *s, struct serial_deferred *d)
{
	if (s->rx_count == SERIAL_FIFO_SIZE)
		d->rx_space = true;
	s->rx_head = 0;
	s->rx_count = 0;
}

static void serial_run_deferred(struct serial *s,
				const struct serial_deferred *d)
{
	if (d->tx)
		s->host.tx(s->host.opaque, d->tx_byte);
	if (d->rx_space && s->host.rx_space)
		s->host.rx_space(s->host.opaque);
}

static void serial_write_thr(struct serial *s, uint8_t v,
			     struct serial_deferred *d)
{
	if (s->mcr & MCR_LOOP) {
		if (s->rx_count < SERIAL_FIFO_SIZE)
			serial_rx_put(s, v);
		else
			s->lsr |= LSR_OE;
	} else {
		d->tx = true;
		d->tx_byte = v;
		s->tx_bytes++;
	}
	/* Sent at once: THR is empty again. */
	s->iir_thri_pending = 1;
}

static void serial_write_ier(struct serial *s, uint8_t v)
{
	uint8_t old = s->ier;

	s->ier = v & IER_MASK;
	if ((s->ier & IER_ETBEI) && !(old & IER_ETBEI))
		s->iir_thri_pending = 1; /* THR is always empty */
	else if (!(s->ier & IER_ETBEI))
		s->iir_thri_pending = 0;
}

static void serial_write_fcr(struct serial *s, uint8_t v,
			     struct serial_deferred *d)
{
	/* Toggling FIFO enable clears both FIFOs, as on the 16550A. */
	if (((v ^ s->fcr) & FCR_ENABLE) || (v & FCR_CLEAR_RX))
		serial_rx_clear(s, d);
	/* FCR_CLEAR_TX: the transmitter is always empty already. */
	s->fcr = (v & FCR_ENABLE) ? (v & FCR_KEEP) : 0;
}

static void serial_write_mcr(struct serial *s, uint8_t v)
{
	uint8_t old = serial_msr_status(s);
	uint8_t now, chg;

	s->mcr = v & MCR_MASK;
	now = serial_msr_status(s);
	chg = old ^ now;
	if (chg & MSR_CTS)
		s->msr |= MSR_DCTS;
	if (chg & MSR_DSR)
		s->msr |= MSR_DDSR;
	if (chg & MSR_DCD)
		s->msr |= MSR_DDCD;
	if ((old & MSR_RI) && !(now & MSR_RI))
		s->msr |= MSR_TERI;
}

static uint64_t serial_read(void *dev, uint64_t off, unsigned size)
{
	struct serial *s = dev;
	struct serial_deferred d = { 0 };
	uint8_t v = 0;

	(void)size;
	if (off >= SERIAL_NREGS)
		return 0;
	pthread_mutex_lock(&s->lock);
	switch (off) {
	case UART_RBR:
		if (s->lcr & LCR_DLAB) {
			v = (uint8_t)(s->divisor & 0xff);
		} else if (s->rx_count) {
			if (s->rx_count == SERIAL_FIFO_SIZE)
				d.rx_space = true;
			v = serial_rx_pop(s);
		}
		break;
	case UART_IER:
		if (s->lcr & LCR_DLAB)
			v = (uint8_t)(s->divisor >> 8);
		else
			v = s->ier;
		break;
	case UART_IIR:
		v = serial_iir(s);
		if ((v & IIR_ID_MASK) == IIR_THRI)
			s->iir_thri_pending = 0;
		break;
	case UART_LCR:
		v = s->lcr;
		break;
	case UART_MCR:
		v = s->mcr;
		break;
	case UART_LSR:
		v = serial_lsr(s);
		s->lsr &= (uint8_t)~LSR_OE;
		break;
	case UART_MSR:
		v = serial_msr_status(s) | s->msr;
		s->msr = 0;
		break;
	case UART_SCR:
		v = s->scr;
		break;
	}
	serial_update_irq(s);
	pthread_mutex_unlock(&s->lock);
	serial_run_deferred(s, &d);
	return v;
}

static void serial_write(void *dev, uint64_t off, unsigned size, uint64_t val)
{
	struct serial *s = dev;
	struct serial_deferred d = { 0 };
	uint8_t v = (uint8_t)val;

	(void)size;
	if (off >= SERIAL_NREGS)
		return;
	pthread_mutex_lock(&s->lock);
	switch (off) {
	case UART_THR:
		if (s->lcr & LCR_DLAB)
			s->divisor = (uint16_t)((s->divisor & 0xff00) | v);
		else
			serial_write_thr(s, v, &d);
		break;
	case UART_IER:
		if (s->lcr & LCR_DLAB)
			s->divisor = (uint16_t)((s->divisor & 0x00ff) | v << 8);
		else
			serial_write_ier(s, v);
		break;
	case UART_FCR:
		serial_write_fcr(s, v, &d);
		break;
	case UART_LCR:
		s->lcr = v;
		break;
	case UART_MCR:
		serial_write_mcr(s, v);
		break;
	case UART_LSR:
	case UART_MSR:
		break; /* read-only */
	case UART_SCR:
		s->scr = v;
		break;
	}
	serial_update_irq(s);
	pthread_mutex_unlock(&s->lock);
	serial_run_deferred(s, &d);
}

static void serial_reset(void *dev)
{
	struct serial *s = dev;
	struct serial_deferred d = { 0 };

	pthread_mutex_lock(&s->lock);
	serial_rx_clear(s, &d);
	serial_power_on(s);
	serial_update_irq(s);
	pthread_mutex_unlock(&s->lock);
	serial_run_deferred(s, &d);
}

const struct bus_dev_ops serial_ops = {
	.read = serial_read,
	.write = serial_write,
	.reset = serial_reset,
};

int serial_init(struct serial *s, const struct serial_host *host)
{
	int rc;

	if (!s || !host || !host->tx || !host->set_irq)
		return -EINVAL;
	memset(s, 0, sizeof(*s));
	s->host = *host;
	rc = pthread_mutex_init(&s->lock, NULL);
	if (rc)
		return -rc;
	serial_power_on(s);
	return 0;
}

void serial_destroy(struct serial *s)
{
	pthread_mutex_destroy(&s->lock);
}

unsigned serial_rx_push(struct serial *s, const uint8_t *buf, unsigned len)
{
	unsigned n = 0;

	if (!buf)
		return 0;
	pthread_mutex_lock(&s->lock);
	while (n < len && s->rx_count < SERIAL_FIFO_SIZE)
		serial_rx_put(s, buf[n++]);
	s->rx_bytes += n;
	serial_update_irq(s);
	pthread_mutex_unlock(&s->lock);
	return n;
}

unsigned serial_rx_free(struct serial *s)
{
	unsigned n;

	pthread_mutex_lock(&s->lock);
	n = SERIAL_FIFO_SIZE - s->rx_count;
	pthread_mutex_unlock(&s->lock);
	return n;
}
