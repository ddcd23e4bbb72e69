/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Exit codes of the test guest, written to the debug-exit port 0xf4.
 * Host-side tests grep this header: keep one `#define TG_EXIT_<NAME> <n>`
 * per line. Under QEMU's isa-debug-exit the process status is (n << 1) | 1.
 *
 * Failures start at 16 so that they never collide with vmm's own exit
 * statuses (1 vmm error, 2 usage, 3 guest reset, 4 vCPU crash).
 *
 *   code  name                 meaning
 *   ----  -------------------  ------------------------------------------
 *      0  PASS                 every requested check passed
 *     16  INTERNAL             guest_main returned (a guest bug)
 *     17  BAD_MAGIC            boot information has a bad magic: PVH
 *                              hvm_start_info magic is not 0x336ec578, or
 *                              Linux boot_params hdr.header is not "HdrS"
 *                              or hdr.boot_flag is not 0xaa55
 *     18  NO_MEMMAP            the boot information has no memory map
 *                              (PVH version 0 or no entries, e820_entries
 *                              0 or over 128, or an address out of range)
 *     19  MEM_MISMATCH         RAM in the memmap does not match tg.mem
 *     20  MPTABLE_CPUS         enabled CPUs in the MP table != tg.cpus
 *     21  AP_CHECKIN           BSP + APs that checked in != enabled CPUs
 *                              in the MP table
 *     22  BAD_OPTION           a malformed or unknown tg.* option
 *     23  RESET_FAILED         tg.reset: still running after the i8042 reset
 *     24  CRASH_FAILED         tg.crash: still running after the crash
 *
 * tg.exit=<V> exits with V itself (0..255).
 */
#ifndef TG_EXITCODES_H
#define TG_EXITCODES_H

#define TG_EXIT_PASS 0
#define TG_EXIT_INTERNAL 16
#define TG_EXIT_BAD_MAGIC 17
#define TG_EXIT_NO_MEMMAP 18
#define TG_EXIT_MEM_MISMATCH 19
#define TG_EXIT_MPTABLE_CPUS 20
#define TG_EXIT_AP_CHECKIN 21
#define TG_EXIT_BAD_OPTION 22
#define TG_EXIT_RESET_FAILED 23
#define TG_EXIT_CRASH_FAILED 24

#endif
