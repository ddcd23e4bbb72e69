/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Minimal MC146818 CMOS RTC. See rtc.h for the contract.
 *
 * Model notes:
 *  - The time registers (seconds, minutes, hours, weekday, day, month,
 *    year, century at 0x32) are computed from host->now on every read, in
 *    BCD or binary per status B bit 2 and in 24- or 12-hour form per bit 1
 *    (12-hour: 1-12, bit 7 = PM). Writes to them are ignored: the time
 *    always follows the host. A time gmtime_r cannot represent, or a year
 *    outside 0-9999, reads as the epoch (1970-01-01 00:00:00, Thursday).
 *  - Status A: bit 7 (UIP) always reads 0; bits 0-6 are read/write.
 *    Status B: read/write (the interrupt-enable bits have no effect).
 *    Status C reads 0, status D reads 0x80; both ignore writes.
 *  - Every other index is a plain CMOS byte.
 *  - Offset 0 (index) reads 0xff. Wider accesses act on the byte at `off`
 *    (low byte written, read zero-extended).
 *  - Reset (the RESET pin, not a battery loss): the index returns to 0 and
 *    the interrupt-enable bits of status B are cleared; CMOS contents,
 *    the data mode and the 12/24-hour mode are kept.
 */
#include "devices/rtc.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>

#define RTC_OFF_INDEX 0
#define RTC_OFF_DATA 1
#define RTC_INDEX_MASK 0x7f /* bit 7 is the NMI mask */

#define RTC_SEC 0x00
#define RTC_MIN 0x02
#define RTC_HOUR 0x04
#define RTC_WDAY 0x06
#define RTC_MDAY 0x07
#define RTC_MONTH 0x08
#define RTC_YEAR 0x09
#define RTC_REG_A 0x0a
#define RTC_REG_B 0x0b
#define RTC_REG_C 0x0c
#define RTC_REG_D 0x0d
#define RTC_CENTURY 0x32

#define REG_A_UIP 0x80
#define REG_A_DEFAULT 0x26 /* 32.768 kHz time base, 1.024 kHz rate */
#define REG_B_PIE 0x40
#define REG_B_AIE 0x20
#define REG_B_UIE 0x10
#define REG_B_SQWE 0x08
#define REG_B_DM_BINARY 0x04
#define REG_B_24H 0x02
#define REG_B_DEFAULT REG_B_24H
#define REG_D_VRT 0x80
#define HOUR_PM 0x80

/* The current time from the host, clamped to what the chip can show. */
static void rtc_now(const struct rtc *r, struct tm *tm)
{
	time_t t = (time_t)r->host.now(r->host.opaque);

	if (gmtime_r(&t, tm) && tm->tm_year >= -1900 &&
	    tm->tm_year <= 9999 - 1900)
		return;
	memset(tm, 0, sizeof(*tm));
	tm->tm_mday = 1;
	tm->tm_year = 70;
	tm->tm_wday = 4;
}

/* A value 0-99 in the guest's chosen data mode. */
static uint8_t rtc_encode(const struct rtc *r, int v)
{
	v %= 100;
	if (r->cmos[RTC_REG_B] & REG_B_DM_BINARY)
		return (uint8_t)v;
	return (uint8_t)((v / 10) << 4 | v % 10);
}

static uint8_t rtc_hour(const struct rtc *r, int hour)
{
	int h12;

	if (r->cmos[RTC_REG_B] & REG_B_24H)
		return rtc_encode(r, hour);
	h12 = hour % 12 ? hour % 12 : 12;
	return rtc_encode(r, h12) | (hour >= 12 ? HOUR_PM : 0);
}

static bool rtc_is_time_reg(uint8_t index)
{
	switch (index) {
	case RTC_SEC:
	case RTC_MIN:
	case RTC_HOUR:
	case RTC_WDAY:
	case RTC_MDAY:
	case RTC_MONTH:
	case RTC_YEAR:
	case RTC_CENTURY:
		return true;
	default:
		return false;
	}
}

/* A time register, index known to satisfy rtc_is_time_reg. */
static uint8_t rtc_read_time(const struct rtc *r, uint8_t index)
{
	struct tm tm;
	int year;

	rtc_now(r, &tm);
	year = tm.tm_year + 1900;
	switch (index) {
	case RTC_SEC:
		/* tm_sec may be 60 only for leap seconds, which gmtime never
		 * produces; clamp anyway. */
		return rtc_encode(r, tm.tm_sec > 59 ? 59 : tm.tm_sec);
	case RTC_MIN:
		return rtc_encode(r, tm.tm_min);
	case RTC_HOUR:
		return rtc_hour(r, tm.tm_hour);
	case RTC_WDAY:
		return rtc_encode(r, tm.tm_wday + 1);
	case RTC_MDAY:
		return rtc_encode(r, tm.tm_mday);
	case RTC_MONTH:
		return rtc_encode(r, tm.tm_mon + 1);
	case RTC_YEAR:
		return rtc_encode(r, year % 100);
	default: /* RTC_CENTURY */
		return rtc_encode(r, year / 100);
	}
}

static uint8_t rtc_read_data(const struct rtc *r)
{
	uint8_t index = r->index;

	if (rtc_is_time_reg(index))
		return rtc_read_time(r, index);
	switch (index) {
	case RTC_REG_A:
		return r->cmos[RTC_REG_A] & (uint8_t)~REG_A_UIP;
	case RTC_REG_C:
		return 0;
	case RTC_REG_D:
		return REG_D_VRT;
	default:
		return r->cmos[index];
	}
}

static void rtc_write_data(struct rtc *r, uint8_t val)
{
	uint8_t index = r->index;

	if (rtc_is_time_reg(index))
		return;
	switch (index) {
	case RTC_REG_A:
		r->cmos[RTC_REG_A] = val & (uint8_t)~REG_A_UIP;
		break;
	case RTC_REG_C:
	case RTC_REG_D:
		break;
	default:
		r->cmos[index] = val;
		break;
	}
}

static uint64_t rtc_read(void *dev, uint64_t off, unsigned size)
{
	struct rtc *r = dev;
	uint8_t v = 0xff;

	(void)size;
	if (off != RTC_OFF_DATA)
		return v;
	pthread_mutex_lock(&r->lock);
	v = rtc_read_data(r);
	pthread_mutex_unlock(&r->lock);
	return v;
}

static void rtc_write(void *dev, uint64_t off, unsigned size, uint64_t val)
{
	struct rtc *r = dev;

	(void)size;
	pthread_mutex_lock(&r->lock);
	if (off == RTC_OFF_INDEX)
		r->index = (uint8_t)val & RTC_INDEX_MASK;
	else if (off == RTC_OFF_DATA)
		rtc_write_data(r, (uint8_t)val);
	pthread_mutex_unlock(&r->lock);
}

static void rtc_reset(void *dev)
{
	struct rtc *r = dev;

	pthread_mutex_lock(&r->lock);
	r->index = 0;
	r->cmos[RTC_REG_B] &= (uint8_t)~(REG_B_PIE | REG_B_AIE | REG_B_UIE |
					 REG_B_SQWE);
	pthread_mutex_unlock(&r->lock);
}

const struct bus_dev_ops rtc_ops = {
	.read = rtc_read,
	.write = rtc_write,
	.reset = rtc_reset,
};

int rtc_init(struct rtc *r, const struct rtc_host *host)
{
	int rc;

	if (!r || !host || !host->now)
		return -EINVAL;
	memset(r, 0, sizeof(*r));
	r->host = *host;
	rc = pthread_mutex_init(&r->lock, NULL);
	if (rc)
		return -rc;
	r->cmos[RTC_REG_A] = REG_A_DEFAULT;
	r->cmos[RTC_REG_B] = REG_B_DEFAULT;
	r->cmos[RTC_REG_D] = REG_D_VRT;
	return 0;
}

void rtc_destroy(struct rtc *r)
{
	pthread_mutex_destroy(&r->lock);
}

void rtc_save(struct rtc *r, struct st_writer *w)
{
	size_t mark;

	pthread_mutex_lock(&r->lock);
	mark = st_section_begin(w, RTC_STATE_TAG, RTC_STATE_VERSION);
	st_put_u8(w, r->index);
	st_put_bytes(w, r->cmos, sizeof(r->cmos));
	st_section_end(w, mark);
	pthread_mutex_unlock(&r->lock);
}

/* CMOS bytes the guest can reach hold what it could have written. */
static bool rtc_cmos_ok(const uint8_t *cmos)
{
	for (unsigned i = 0; i < RTC_CMOS_SIZE; i++) {
		if (rtc_is_time_reg((uint8_t)i) && cmos[i])
			return false;
	}
	return !(cmos[RTC_REG_A] & REG_A_UIP) && cmos[RTC_REG_C] == 0 &&
	       cmos[RTC_REG_D] == REG_D_VRT;
}

int rtc_restore(struct rtc *r, struct st_reader *rd)
{
	uint8_t cmos[RTC_CMOS_SIZE], index;
	struct st_reader b;
	uint16_t version;

	st_section_open(rd, RTC_STATE_TAG, RTC_STATE_VERSION, &version, &b);
	index = st_get_u8(&b);
	st_get_bytes(&b, cmos, sizeof(cmos));
	if (index & ~RTC_INDEX_MASK || !rtc_cmos_ok(cmos))
		st_fail(&b);
	st_section_close(rd, &b);
	if (!st_ok(rd))
		return -EINVAL;
	pthread_mutex_lock(&r->lock);
	r->index = index;
	memcpy(r->cmos, cmos, sizeof(r->cmos));
	pthread_mutex_unlock(&r->lock);
	return 0;
}
