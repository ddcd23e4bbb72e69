/* SPDX-License-Identifier: Apache-2.0 */
/* tg.rtc. See rtc.h. */
#include "rtc.h"

#include <stdbool.h>
#include <stdint.h>

#include "exitcodes.h"
#include "io.h"
#include "serial.h"
#include "tgexit.h"

#define RTC_PORT_INDEX 0x70
#define RTC_PORT_DATA 0x71
#define RTC_NMI_OFF 0x80 /* keep NMIs masked while we select registers */
#define RTC_REG_A 0x0a
#define RTC_REG_B 0x0b
#define RTC_A_UIP 0x80
#define RTC_B_BINARY 0x04
#define RTC_B_24H 0x02
#define RTC_HOUR_PM 0x80
#define RTC_TRIES 1000

enum { F_SEC, F_MIN, F_HOUR, F_MDAY, F_MON, F_YEAR, F_CENT, F_N };
static const uint8_t rtc_index[F_N] = {0x00, 0x02, 0x04, 0x07,
				       0x08, 0x09, 0x32};

static uint8_t rtc_read(uint8_t index)
{
	io_outb(RTC_PORT_INDEX, RTC_NMI_OFF | index);
	return io_inb(RTC_PORT_DATA);
}

static __attribute__((noreturn)) void rtc_fail(const char *what, unsigned v)
{
	ser_printf("testguest: FAIL rtc: %s (0x%x)\n", what, v);
	tg_exit(TG_EXIT_RTC);
}

/* One snapshot, taken outside an update cycle. */
static void rtc_snapshot(uint8_t f[F_N])
{
	unsigned n = 0;
	while (rtc_read(RTC_REG_A) & RTC_A_UIP)
		if (++n == RTC_TRIES)
			rtc_fail("update in progress never ends", n);
	for (unsigned i = 0; i < F_N; i++)
		f[i] = rtc_read(rtc_index[i]);
}

static unsigned rtc_bin(uint8_t v, bool bcd)
{
	if (!bcd)
		return v;
	if ((v & 0xf) > 9 || (v >> 4) > 9)
		rtc_fail("not a BCD number", v);
	return (v >> 4) * 10u + (v & 0xf);
}

void rtc_check(void)
{
	uint8_t a[F_N], b[F_N];
	unsigned tries = 0;
	bool same;

	rtc_snapshot(a);
	do {
		if (++tries == RTC_TRIES)
			rtc_fail("two reads never agree", tries);
		rtc_snapshot(b);
		same = true;
		for (unsigned i = 0; i < F_N; i++) {
			same = same && a[i] == b[i];
			a[i] = b[i];
		}
	} while (!same);

	uint8_t mode = rtc_read(RTC_REG_B);
	bool bcd = !(mode & RTC_B_BINARY);
	bool pm = !(mode & RTC_B_24H) && (a[F_HOUR] & RTC_HOUR_PM);
	unsigned sec = rtc_bin(a[F_SEC], bcd), min = rtc_bin(a[F_MIN], bcd);
	unsigned hour = rtc_bin(a[F_HOUR] & (uint8_t)~RTC_HOUR_PM, bcd);
	unsigned mday = rtc_bin(a[F_MDAY], bcd), mon = rtc_bin(a[F_MON], bcd);
	unsigned year = rtc_bin(a[F_CENT], bcd) * 100u + rtc_bin(a[F_YEAR], bcd);

	if (!(mode & RTC_B_24H)) {
		if (hour < 1 || hour > 12)
			rtc_fail("12-hour clock hour", hour);
		hour = hour % 12 + (pm ? 12 : 0);
	}
	if (sec > 59 || min > 59 || hour > 23)
		rtc_fail("time of day out of range", sec | min << 8 | hour << 16);
	if (mon < 1 || mon > 12 || mday < 1 || mday > 31)
		rtc_fail("date out of range", mday | mon << 8);
	if (year < 2020 || year > 2199)
		rtc_fail("year out of range", year);
	ser_printf("testguest: rtc: %u-%s%u-%s%u %s%u:%s%u:%s%u UTC (%s, %s)\n",
		   year, mon < 10 ? "0" : "", mon, mday < 10 ? "0" : "", mday,
		   hour < 10 ? "0" : "", hour, min < 10 ? "0" : "", min,
		   sec < 10 ? "0" : "", sec, bcd ? "BCD" : "binary",
		   (mode & RTC_B_24H) ? "24-hour" : "12-hour");
}
