/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tg.rtc: read the CMOS clock (ports 0x70/0x71) the way Linux's
 * mc146818_get_time does, and check it.
 *
 * The guest waits for status A's update-in-progress bit to clear, reads
 * seconds, minutes, hours, day, month, year and century (0x32), and
 * repeats until two reads agree (bounded). It honours status B's data
 * mode (BCD or binary) and 12/24-hour bits, prints
 * "testguest: rtc: YYYY-MM-DD hh:mm:ss UTC" and returns. A clock that
 * never settles, a BCD digit over 9, or a date outside 2020 .. 2199 (or
 * a field out of its range) fails with TG_EXIT_RTC.
 *
 * The VMM computes the time on the vCPU thread at each read: under a
 * sandbox this checks that doing so needs no system call its filter
 * lacks.
 */
#ifndef TG_RTC_H
#define TG_RTC_H

/* Read, check and print the CMOS time; returns only if it is sane. */
void rtc_check(void);

#endif
