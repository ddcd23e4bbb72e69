/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Minimal i8042 controller. See i8042.h for the contract.
 *
 * Model notes:
 *  - Offsets 1-3 of the range (ports 0x61-0x63) read 0 and ignore writes.
 *  - Every access is a one-byte access at `off`: writes use the low byte,
 *    reads return the byte zero-extended.
 *  - Status bit 2 (system flag) mirrors CTR bit 2; bit 3 says whether the
 *    last write went to the command port (1) or the data port (0).
 *  - A data write with no command waiting is for the keyboard, which
 *    answers it through its queue (i8042.h); a full queue drops the answer,
 *    as a busy keyboard would not take the byte.
 *  - Commands 0xf0-0xff pulse output lines; an even one (0xfe is the usual)
 *    pulses the reset line.
 *
 * Locking: all state is under k->lock; host->reset and host->irq are
 * called after the lock is dropped, so they may call back into the device
 * (e.g. its reset op).
 */
#include "devices/i8042.h"

#include <errno.h>
#include <string.h>

#define I8042_OFF_DATA 0
#define I8042_OFF_CMD 4

#define STATUS_OBF 0x01
#define STATUS_SYS 0x04
#define STATUS_CMD 0x08

#define CTR_KBDINT 0x01
#define CTR_SYS 0x04
#define CTR_KBDDIS 0x10
#define CTR_AUXDIS 0x20
#define CTR_XLATE  0x40

#define CMD_READ_CTR 0x20
#define CMD_WRITE_CTR 0x60
#define CMD_AUX_DISABLE 0xa7
#define CMD_AUX_ENABLE 0xa8
#define CMD_AUX_TEST 0xa9
#define CMD_SELF_TEST 0xaa
#define CMD_KBD_TEST 0xab
#define CMD_KBD_DISABLE 0xad
#define CMD_KBD_ENABLE 0xae
#define CMD_READ_OUTPORT 0xd0
#define CMD_WRITE_OUTPORT 0xd1
#define CMD_PULSE_MASK 0xf0 /* 0xf0-0xff: pulse lines whose bit is 0 */

#define SELF_TEST_OK 0x55
#define PORT_TEST_OK 0x00

#define OUTPORT_RESET 0x01 /* 0 holds the CPU in reset */
#define OUTPORT_A20 0x02

#define I8042_DEFAULT_CTR     (CTR_KBDINT | CTR_SYS | CTR_XLATE)
#define I8042_DEFAULT_OUTPORT (OUTPORT_RESET | OUTPORT_A20)

/* The keyboard's side of the PS/2 protocol. */
#define KBD_ACK		 0xfa
#define KBD_BAT_OK	 0xaa
#define KBD_CMD_ECHO	 0xee
#define KBD_CMD_IDENTIFY 0xf2
#define KBD_CMD_RESET	 0xff
#define KBD_ID_1	 0xab
#define KBD_ID_2	 0x83

/* Ctrl, Alt, Delete pressed, then released in the reverse order. */
static const uint8_t cad_set2[] = {0x14, 0x11, 0xe0, 0x71, 0xe0, 0xf0,
				   0x71, 0xf0, 0x11, 0xf0, 0x14};
static const uint8_t cad_set1[] = {0x1d, 0x38, 0xe0, 0x53,
				   0xe0, 0xd3, 0xb8, 0x9d};

static void i8042_power_on(struct i8042 *k)
{
	k->ctr = I8042_DEFAULT_CTR;
	k->status = STATUS_SYS;
	k->out = 0;
	k->pending_cmd = 0;
	k->outport = I8042_DEFAULT_OUTPORT;
	k->kbd_len = 0;
}

/* Put a byte in the output buffer for the guest to read. */
static void i8042_put(struct i8042 *k, uint8_t byte)
{
	k->out = byte;
	k->status |= STATUS_OBF;
}

/* Queue n keyboard bytes, all or none: whether they fit. Lock held. */
static bool kbd_push(struct i8042 *k, const uint8_t *b, size_t n)
{
	if (n > (size_t)(I8042_KBD_QUEUE - k->kbd_len))
		return false;
	memcpy(k->kbd + k->kbd_len, b, n);
	k->kbd_len = (uint8_t)(k->kbd_len + n);
	return true;
}

/* Move the oldest keyboard byte to a free output buffer unless the
 * keyboard is disabled. Returns whether IRQ 1 must pulse. Lock held. */
static bool kbd_refill(struct i8042 *k)
{
	if ((k->status & STATUS_OBF) || !k->kbd_len || (k->ctr & CTR_KBDDIS))
		return false;
	i8042_put(k, k->kbd[0]);
	k->kbd_len--;
	memmove(k->kbd, k->kbd + 1, k->kbd_len);
	return (k->ctr & CTR_KBDINT) != 0;
}

/* A byte for the keyboard: its answer goes to the queue. Lock held. */
static void kbd_command(struct i8042 *k, uint8_t cmd)
{
	static const uint8_t reset[] = {KBD_ACK, KBD_BAT_OK};
	static const uint8_t ident[] = {KBD_ACK, KBD_ID_1, KBD_ID_2};
	static const uint8_t echo[] = {KBD_CMD_ECHO};
	static const uint8_t ack[] = {KBD_ACK};
	bool fits;

	if (cmd == KBD_CMD_RESET)
		fits = kbd_push(k, reset, sizeof(reset));
	else if (cmd == KBD_CMD_IDENTIFY)
		fits = kbd_push(k, ident, sizeof(ident));
	else if (cmd == KBD_CMD_ECHO)
		fits = kbd_push(k, echo, sizeof(echo));
	else /* commands and their parameter bytes alike */
		fits = kbd_push(k, ack, sizeof(ack));
	(void)fits; /* dropped: see the model notes */
}

static void i8042_set_ctr(struct i8042 *k, uint8_t ctr)
{
	k->ctr = ctr;
	if (ctr & CTR_SYS)
		k->status |= STATUS_SYS;
	else
		k->status &= (uint8_t)~STATUS_SYS;
}

/* A controller command. Returns true if it asks for a system reset. */
static bool i8042_command(struct i8042 *k, uint8_t cmd)
{
	k->pending_cmd = 0;
	switch (cmd) {
	case CMD_READ_CTR:
		i8042_put(k, k->ctr);
		break;
	case CMD_WRITE_CTR:
	case CMD_WRITE_OUTPORT:
		k->pending_cmd = cmd;
		break;
	case CMD_SELF_TEST:
		i8042_put(k, SELF_TEST_OK);
		break;
	case CMD_KBD_TEST:
	case CMD_AUX_TEST:
		i8042_put(k, PORT_TEST_OK);
		break;
	case CMD_AUX_DISABLE:
		i8042_set_ctr(k, k->ctr | CTR_AUXDIS);
		break;
	case CMD_AUX_ENABLE:
		i8042_set_ctr(k, k->ctr & (uint8_t)~CTR_AUXDIS);
		break;
	case CMD_KBD_DISABLE:
		i8042_set_ctr(k, k->ctr | CTR_KBDDIS);
		break;
	case CMD_KBD_ENABLE:
		i8042_set_ctr(k, k->ctr & (uint8_t)~CTR_KBDDIS);
		break;
	case CMD_READ_OUTPORT:
		i8042_put(k, k->outport);
		break;
	default:
		if ((cmd & CMD_PULSE_MASK) == CMD_PULSE_MASK &&
		    !(cmd & OUTPORT_RESET))
			return true;
		break; /* unknown: ignored */
	}
	return false;
}

/* A byte on the data port. Returns true if it asks for a system reset. */
static bool i8042_data(struct i8042 *k, uint8_t val)
{
	uint8_t cmd = k->pending_cmd;

	k->pending_cmd = 0;
	switch (cmd) {
	case CMD_WRITE_CTR:
		i8042_set_ctr(k, val);
		break;
	case CMD_WRITE_OUTPORT:
		k->outport = val;
		return !(val & OUTPORT_RESET);
	default:
		kbd_command(k, val);
		break;
	}
	return false;
}

static uint64_t i8042_read(void *dev, uint64_t off, unsigned size)
{
	struct i8042 *k = dev;
	uint8_t v = 0;
	bool irq = false;

	(void)size;
	pthread_mutex_lock(&k->lock);
	if (off == I8042_OFF_DATA) {
		v = k->out;
		k->status &= (uint8_t)~STATUS_OBF;
		irq = kbd_refill(k);
	} else if (off == I8042_OFF_CMD) {
		v = k->status;
	}
	pthread_mutex_unlock(&k->lock);
	if (irq && k->host.irq)
		k->host.irq(k->host.opaque);
	return v;
}

static void i8042_write(void *dev, uint64_t off, unsigned size, uint64_t val)
{
	struct i8042 *k = dev;
	bool reset = false, irq;

	(void)size;
	pthread_mutex_lock(&k->lock);
	if (off == I8042_OFF_DATA) {
		k->status &= (uint8_t)~STATUS_CMD;
		reset = i8042_data(k, (uint8_t)val);
	} else if (off == I8042_OFF_CMD) {
		k->status |= STATUS_CMD;
		reset = i8042_command(k, (uint8_t)val);
	}
	if (reset)
		k->resets++;
	irq = kbd_refill(k); /* an answer, or the keyboard enabled again */
	pthread_mutex_unlock(&k->lock);
	if (irq && k->host.irq)
		k->host.irq(k->host.opaque);
	if (reset)
		k->host.reset(k->host.opaque);
}

int i8042_send_ctrl_alt_del(struct i8042 *k)
{
	bool fits;

	pthread_mutex_lock(&k->lock);
	if (k->ctr & CTR_XLATE)
		fits = kbd_push(k, cad_set1, sizeof(cad_set1));
	else
		fits = kbd_push(k, cad_set2, sizeof(cad_set2));
	pthread_mutex_unlock(&k->lock);
	return fits ? 0 : -ENOSPC;
}

void i8042_kick(struct i8042 *k)
{
	pthread_mutex_lock(&k->lock);
	bool irq = kbd_refill(k);
	pthread_mutex_unlock(&k->lock);
	if (irq && k->host.irq)
		k->host.irq(k->host.opaque);
}

static void i8042_reset(void *dev)
{
	struct i8042 *k = dev;

	pthread_mutex_lock(&k->lock);
	i8042_power_on(k);
	pthread_mutex_unlock(&k->lock);
}

const struct bus_dev_ops i8042_ops = {
	.read = i8042_read,
	.write = i8042_write,
	.reset = i8042_reset,
};

int i8042_init(struct i8042 *k, const struct i8042_host *host)
{
	int rc;

	if (!k || !host || !host->reset)
		return -EINVAL;
	memset(k, 0, sizeof(*k));
	k->host = *host;
	rc = pthread_mutex_init(&k->lock, NULL);
	if (rc)
		return -rc;
	i8042_power_on(k);
	return 0;
}

void i8042_destroy(struct i8042 *k)
{
	pthread_mutex_destroy(&k->lock);
}

void i8042_save(struct i8042 *k, struct st_writer *w)
{
	size_t mark;

	pthread_mutex_lock(&k->lock);
	mark = st_section_begin(w, I8042_STATE_TAG, I8042_STATE_VERSION);
	st_put_u8(w, k->ctr);
	st_put_u8(w, k->status);
	st_put_u8(w, k->out);
	st_put_u8(w, k->pending_cmd);
	st_put_u8(w, k->outport);
	st_put_u8(w, k->kbd_len);
	st_put_bytes(w, k->kbd, k->kbd_len);
	st_section_end(w, mark);
	pthread_mutex_unlock(&k->lock);
}

int i8042_restore(struct i8042 *k, struct st_reader *r)
{
	struct st_reader b;
	uint16_t version;
	uint8_t ctr, status, out, cmd, outport, n = 0;
	uint8_t kbd[I8042_KBD_QUEUE];

	st_section_open(r, I8042_STATE_TAG, I8042_STATE_VERSION, &version, &b);
	ctr = st_get_u8(&b);
	status = st_get_u8(&b);
	out = st_get_u8(&b);
	cmd = st_get_u8(&b);
	outport = st_get_u8(&b);
	if (version >= 2) {
		n = st_get_u8(&b);
		if (n > I8042_KBD_QUEUE)
			st_fail(&b);
		else
			st_get_bytes(&b, kbd, n);
	}
	if ((status & ~(STATUS_OBF | STATUS_SYS | STATUS_CMD)) ||
	    !(status & STATUS_SYS) != !(ctr & CTR_SYS) ||
	    (cmd && cmd != CMD_WRITE_CTR && cmd != CMD_WRITE_OUTPORT))
		st_fail(&b);
	st_section_close(r, &b);
	if (!st_ok(r))
		return -EINVAL;
	pthread_mutex_lock(&k->lock);
	k->ctr = ctr;
	k->status = status;
	k->out = out;
	k->pending_cmd = cmd;
	k->outport = outport;
	k->kbd_len = n;
	memcpy(k->kbd, kbd, n);
	pthread_mutex_unlock(&k->lock);
	return 0;
}
