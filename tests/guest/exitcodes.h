/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Exit codes of the test guest, written to the debug-exit port 0xf4.
 * Host-side tests grep this header: keep one `#define TG_EXIT_<NAME> <n>`
 * per line. Under QEMU's isa-debug-exit the process status is (n << 1) | 1.
 *
 * Failures start at 16 so that they never collide with vmm's own exit
 * statuses (1 vmm error, 2 usage, 3 guest reset, 4 vCPU crash,
 * 5 replay divergence, 6 guest panic).
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
 *     25  VIRTIO_CMDLINE       a malformed virtio_mmio.device= word
 *     26  VIRTIO_MAGIC         no virtio-mmio magic 0x74726976 at a device
 *                              address, or its window is out of range
 *     27  VIRTIO_FEATURES      VIRTIO_F_VERSION_1 not offered, or
 *                              FEATURES_OK did not stick
 *     28  VIRTIO_QUEUE         a queue cannot be set up (QueueNumMax 0,
 *                              QueueReady not 0 after reset / not 1 after
 *                              setting it)
 *     29  VIRTIO_STATUS        DRIVER_OK did not stick, or NEEDS_RESET /
 *                              FAILED during normal operation
 *     30  VIRTIO_RESET         Status did not read 0 after a reset
 *     31  VIRTIO_TIMEOUT       no used buffer within the polling bound
 *     32  VIRTIO_USED          a bad used element (unknown head, length
 *                              over the buffer, used idx ran ahead)
 *     33  VIRTIO_CONFIG        ConfigGeneration never stable, or a bad
 *                              config value
 *     34  VBLK_STATUS          virtio-blk request status not OK (or a
 *                              write to a read-only disk not IOERR)
 *     35  VBLK_DATA            virtio-blk read-back differs from the write
 *     36  VBLK_CAPACITY        virtio-blk disk too small for the test
 *     37  VRNG_DATA            virtio-rng data all zero or repeated
 *     38  VNET_ARP             virtio-net: no ARP reply from 192.0.2.1
 *     39  VNET_PING            virtio-net: no ICMP echo reply
 *     40  HOSTILE_NO_RESET     tg.hostile: the device did not set
 *                              NEEDS_RESET after a broken chain
 *     41  HOSTILE_NO_DEVICE    tg.hostile: no virtio-blk or virtio-rng
 *     42  BENCH_NO_DEVICE      tg.blkbench / tg.netbench: no virtio-blk /
 *                              virtio-net device
 *     43  BENCH_MEMORY         tg.blkbench / tg.netbench: no RAM at the
 *                              benchmark buffers (16 MiB .. +288 KiB)
 *     44  ACPI_NONE            tg.acpi: no ACPI RSDP (none in the boot
 *                              information, none in 0xe0000..0xfffff)
 *     45  ACPI_TABLES          tg.acpi: a bad RSDP, XSDT/RSDT or FADT, no
 *                              FADT, or a register the guest cannot use
 *                              (power.h)
 *     46  ACPI_POWEROFF_FAILED tg.acpi=poweroff: still running after the
 *                              sleep register write
 *     47  ACPI_RESET_FAILED    tg.acpi=reset: still running after the
 *                              reset register write
 *     48  PANIC_FAILED         tg.panic: still running after the pvpanic
 *                              write
 *     49  RTC                  tg.rtc: the CMOS clock never settled, or
 *                              read a time that is not a valid date in
 *                              2020 .. 2199
 *     51  VVSOCK               virtio-vsock: no or a wrong packet, or
 *                              an echo that differs (vvsock.h)
 *     52  KBD                  tg.kbd: the i8042's CTR lacks the keyboard
 *                              interrupt or translation, or a keyboard
 *                              byte that is not Ctrl-Alt-Del's (kbd.h)
 *     53  CSUM                 tg.blkcsum: no virtio-blk, a failed disk
 *                              request, or data read back that differs
 *                              (csum.h)
 *     54  PSCI                 arm64: PSCI older than 0.2, or CPU_ON
 *                              failed (arm64/main.c; the arm64 guest also
 *                              uses 16, 17, 19, 20, 21, 23 and 49 as above)
 *     55  TIMER                arm64: the architected timer reports no
 *                              frequency or does not count
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
#define TG_EXIT_VIRTIO_CMDLINE 25
#define TG_EXIT_VIRTIO_MAGIC 26
#define TG_EXIT_VIRTIO_FEATURES 27
#define TG_EXIT_VIRTIO_QUEUE 28
#define TG_EXIT_VIRTIO_STATUS 29
#define TG_EXIT_VIRTIO_RESET 30
#define TG_EXIT_VIRTIO_TIMEOUT 31
#define TG_EXIT_VIRTIO_USED 32
#define TG_EXIT_VIRTIO_CONFIG 33
#define TG_EXIT_VBLK_STATUS 34
#define TG_EXIT_VBLK_DATA 35
#define TG_EXIT_VBLK_CAPACITY 36
#define TG_EXIT_VRNG_DATA 37
#define TG_EXIT_VNET_ARP 38
#define TG_EXIT_VNET_PING 39
#define TG_EXIT_HOSTILE_NO_RESET 40
#define TG_EXIT_HOSTILE_NO_DEVICE 41
#define TG_EXIT_BENCH_NO_DEVICE 42
#define TG_EXIT_BENCH_MEMORY 43
#define TG_EXIT_ACPI_NONE 44
#define TG_EXIT_ACPI_TABLES 45
#define TG_EXIT_ACPI_POWEROFF_FAILED 46
#define TG_EXIT_ACPI_RESET_FAILED 47
#define TG_EXIT_PANIC_FAILED 48
#define TG_EXIT_RTC 49
/* tg.insns: an instruction gave a result the architecture does not (insns.h).
 */
#define TG_EXIT_INSNS 50
#define TG_EXIT_VVSOCK 51
#define TG_EXIT_KBD    52
#define TG_EXIT_CSUM   53
#define TG_EXIT_PSCI 54
#define TG_EXIT_TIMER 55

#endif
