/* SPDX-License-Identifier: Apache-2.0 */
/*
 * PVH entry and the paths to guest_main shared by every entry.
 *
 * PVH (Xen docs/misc/pvh.pandoc): 32-bit protected mode, paging off, flat
 * CS/DS/ES, %ebx = physical address of struct hvm_start_info, interrupts
 * off, no stack, nothing else defined (not even SS).
 *
 * entry_32 (PVH and the Linux 32-bit entry, %ebp = BI_PROTO_*, %esi = boot
 * information): loads our own GDT and flat segments, enables PAE with the
 * static identity map of the first 4 GiB below, EFER.LME and paging.
 * entry_64 (then, and the Linux 64-bit entry): flat data segments, clears
 * .bss, sets our stack and calls guest_main(proto, info_paddr). If
 * guest_main ever returns, the guest exits with TG_EXIT_INTERNAL and then
 * halts.
 */
#include "bootinfo.h"
#include "entry.h"
#include "exitcodes.h"

#define STACK_SIZE 16384

/* The PVH ELF note: name "Xen", type XEN_ELFNOTE_PHYS32_ENTRY (18). The
 * testguest-linux64 link discards it. */
	.section .note.Xen, "a", @note
	.balign 4
	.long	2f - 1f			/* namesz */
	.long	4f - 3f			/* descsz */
	.long	18			/* XEN_ELFNOTE_PHYS32_ENTRY */
1:	.asciz	"Xen"
2:	.balign 4
3:	.long	entry_pvh32
4:	.balign 4

	.section .text.entry, "ax"
	.code32
	.globl entry_pvh32
entry_pvh32:
	cli
	cld
	mov	%ebx, %esi		/* start_info */
	mov	$BI_PROTO_PVH, %ebp
	/* fall through */

/* 32-bit protected mode, paging off, DS flat; %ebp = protocol, %esi =
 * boot information. No stack is used. */
	.globl entry_32
entry_32:
	lgdt	entry_gdt_desc
	ljmp	$SEL_CODE32, $1f
1:	mov	$SEL_DATA, %eax
	mov	%eax, %ds
	mov	%eax, %es
	mov	%eax, %ss
	mov	%eax, %fs
	mov	%eax, %gs

	/* Long mode: PAE, CR3, EFER.LME, then paging. */
	mov	%cr4, %eax
	or	$CR4_PAE, %eax
	mov	%eax, %cr4
	mov	$entry_pml4, %eax
	mov	%eax, %cr3
	mov	$MSR_EFER, %ecx
	rdmsr
	or	$EFER_LME, %eax
	wrmsr
	mov	%cr0, %eax
	or	$(CR0_PG | CR0_PE), %eax
	mov	%eax, %cr0
	ljmp	$SEL_CODE64, $2f

	.code64
	/* The upper halves of the registers are undefined after the switch. */
2:	mov	%esi, %esi
	mov	%ebp, %ebp
	/* fall through */

/* 64-bit mode on our GDT (CS = SEL_CODE64) and our page tables; %ebp =
 * protocol, %rsi = boot information. The stack may be anywhere. */
	.globl entry_64
entry_64:
	mov	$SEL_DATA, %eax
	mov	%eax, %ds
	mov	%eax, %es
	mov	%eax, %ss
	mov	%eax, %fs
	mov	%eax, %gs

	/* Clear .bss (8-byte aligned, linker scripts). One string instruction:
	 * a host that emulates guest code runs it far faster than a loop,
	 * and 8 bytes a step twice as fast as 4. */
	mov	$__bss_start, %edi
	mov	$__bss_end, %ecx
	sub	%edi, %ecx
	shr	$3, %ecx
	xor	%eax, %eax
	cld
	rep stosq
	mov	$entry_stack_top, %esp	/* zero-extends into %rsp */
	mov	%ebp, %edi		/* guest_main(proto, info_paddr) */
	call	guest_main
	mov	$TG_EXIT_INTERNAL, %al
	outb	%al, $DEBUG_EXIT_PORT
5:	cli
	hlt
	jmp	5b

	.section .rodata
	.balign 8
entry_gdt:
	.quad	0
	.quad	0x00cf9a000000ffff	/* 0x08: flat 4 GiB 32-bit code */
	.quad	0x00af9a000000ffff	/* 0x10: 64-bit code, DPL 0 */
	.quad	0x00cf92000000ffff	/* 0x18: flat 4 GiB data */
entry_gdt_end:
	.balign 8
	.word	0, 0, 0			/* pad: base is 8-aligned */
/* A 64-bit lgdt reads limit and the 8-byte base; a 32-bit one the limit
 * and the low 4 bytes (the image is below 4 GiB). */
	.globl entry_gdt_desc
entry_gdt_desc:
	.word	entry_gdt_end - entry_gdt - 1
	.quad	entry_gdt

/*
 * Identity map of the first 4 GiB with 2 MiB pages (so the IO-APIC and the
 * local APIC are mapped too), built at assembly time so that every entry
 * can load it as is: PML4[0] -> PDPT, PDPT[0..3] -> PD0..PD3, PDn[i] ->
 * (n * 512 + i) * 2 MiB.
 */
	.section .data.entry_pt, "aw"
	.balign 4096
	.globl entry_pml4
entry_pml4:
	.quad	entry_pdpt + PTE_P_RW
	.fill	511, 8, 0
entry_pdpt:
	.quad	entry_pd + 0 * 4096 + PTE_P_RW
	.quad	entry_pd + 1 * 4096 + PTE_P_RW
	.quad	entry_pd + 2 * 4096 + PTE_P_RW
	.quad	entry_pd + 3 * 4096 + PTE_P_RW
	.fill	508, 8, 0
entry_pd:
	.set	entry_pa, 0
	.rept	2048
	.quad	entry_pa + PDE_2M_P_RW
	.set	entry_pa, entry_pa + 0x200000
	.endr

	/* The stack needs no clearing (TG_NOCLEAR, io.h). */
	.section .bss.noclear, "aw", @nobits
	.balign 16
	.skip	STACK_SIZE
	.globl entry_stack_top
entry_stack_top:

	.section .note.GNU-stack, "", @progbits
