/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Exit codes of the test guest, written to the debug-exit port 0xf4.
 * Host-side tests grep this header: keep one `#define TG_EXIT_<NAME> <n>`
 * per line. Under QEMU's isa-debug-exit the process status is (n << 1) | 1.
 *
 *   code  name                 meaning
 *   ----  -------------------  ------------------------------------------
 *      0  PASS                 every requested check passed
 *      1  INTERNAL             guest_main returned (a guest bug)
 *      2  BAD_MAGIC            hvm_start_info magic is not 0x336ec578
 *      3  NO_MEMMAP            start_info has no memory map (version 0,
 *                              no entries, or an address out of range)
 *      4  MEM_MISMATCH         RAM in the memmap does not match tg.mem
 *      5  MPTABLE_CPUS         enabled CPUs in the MP table != tg.cpus
 *      6  AP_CHECKIN           BSP + APs that checked in != tg.cpus
 *      7  BAD_OPTION           a malformed or unknown tg.* option
 *      8  RESET_FAILED         tg.reset: still running after the i8042 reset
 *      9  CRASH_FAILED         tg.crash: still running after the crash
 *
 * tg.exit=<V> exits with V itself (0..255).
 */
#ifndef TG_EXITCODES_H
#define TG_EXITCODES_H

#define TG_EXIT_PASS 0
#define TG_EXIT_INTERNAL 1
#define TG_EXIT_BAD_MAGIC 2
#define TG_EXIT_NO_MEMMAP 3
#define TG_EXIT_MEM_MISMATCH 4
#define TG_EXIT_MPTABLE_CPUS 5
#define TG_EXIT_AP_CHECKIN 6
#define TG_EXIT_BAD_OPTION 7
#define TG_EXIT_RESET_FAILED 8
#define TG_EXIT_CRASH_FAILED 9

#endif
