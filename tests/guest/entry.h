/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Constants shared by the entry code (entry.S, entry_linux.S, setup16.S).
 * Plain #defines, usable from assembly and C.
 *
 * The guest's own GDT (entry.S) uses the Linux boot selectors: 64-bit code
 * at __BOOT_CS (0x10) and flat data at __BOOT_DS (0x18), so the selectors a
 * Linux-protocol loader left in the segment registers stay valid across
 * our lgdt. 0x08 is flat 32-bit code, used on the way to long mode.
 */
#ifndef TG_ENTRY_H
#define TG_ENTRY_H

#define SEL_CODE32 0x08
#define SEL_CODE64 0x10
#define SEL_DATA 0x18

#define CR0_PE 0x00000001
#define CR0_PG 0x80000000
#define CR4_PAE 0x00000020
#define MSR_EFER 0xc0000080
#define EFER_LME 0x00000100
#define PTE_P_RW 0x003
#define PDE_2M_P_RW 0x083 /* present, writable, 2 MiB page */

#define DEBUG_EXIT_PORT 0xf4

/* struct boot_params (<asm/bootparam.h>, zero-page.rst) offsets for the
 * real-mode setup code, which cannot include the C header; bootinfo.c
 * checks them against it. */
#define BP_E820_ENTRIES 0x1e8 /* e820_entries */
#define BP_HDR 0x1f1          /* hdr: struct setup_header */
#define BP_HDR_END 0x26c      /* hdr's end (kernel_info_offset's end) */
#define BP_CODE32_START 0x214 /* hdr.code32_start */
#define BP_E820_TABLE 0x2d0   /* e820_table */
#define BP_E820_ENTRY_LEN 20  /* struct boot_e820_entry */
#define BP_E820_MAX 128       /* E820_MAX_ENTRIES_ZEROPAGE */
#define BP_LEN 4096

#endif
