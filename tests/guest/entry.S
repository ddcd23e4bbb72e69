/* SPDX-License-Identifier: Apache-2.0 */
/*
 * PVH entry (Xen docs/misc/pvh.pandoc): 32-bit protected mode, paging off,
 * flat CS/DS/ES, %ebx = physical address of struct hvm_start_info,
 * interrupts off, no stack, nothing else defined (not even SS).
 *
 * entry_pvh32 loads our own GDT and flat segments, clears .bss, builds an
 * identity map of the first 4 GiB with 2 MiB pages (so the IO-APIC and
 * local APIC are mapped too), enters long mode and calls
 * guest_main(start_info_paddr). If guest_main ever returns, the guest
 * exits with TG_EXIT_INTERNAL and then halts.
 */
#include "exitcodes.h"

#define SEL_CODE64 0x08
#define SEL_DATA 0x10
#define SEL_CODE32 0x18

#define CR0_PE 0x00000001
#define CR0_PG 0x80000000
#define CR4_PAE 0x00000020
#define MSR_EFER 0xc0000080
#define EFER_LME 0x00000100
#define PTE_P_RW 0x003
#define PDE_2M_P_RW 0x083 /* present, writable, 2 MiB page */
#define DEBUG_EXIT_PORT 0xf4

#define STACK_SIZE 16384

/* The PVH ELF note: name "Xen", type XEN_ELFNOTE_PHYS32_ENTRY (18). */
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
	mov	%ebx, %esi		/* start_info: kept in %esi */
	lgdt	entry_gdt_desc
	ljmp	$SEL_CODE32, $1f
1:	mov	$SEL_DATA, %eax
	mov	%eax, %ds
	mov	%eax, %es
	mov	%eax, %ss
	mov	%eax, %fs
	mov	%eax, %gs

	/* Clear .bss (page tables and stack live there). */
	mov	$__bss_start, %edi
	mov	$__bss_end, %ecx
	sub	%edi, %ecx
	shr	$2, %ecx
	xor	%eax, %eax
2:	test	%ecx, %ecx
	jz	3f
	mov	%eax, (%edi)
	add	$4, %edi
	dec	%ecx
	jmp	2b
3:	mov	$entry_stack_top, %esp

	/* PML4[0] -> PDPT; PDPT[0..3] -> PD0..PD3. */
	mov	$entry_pdpt + PTE_P_RW, %eax
	mov	%eax, entry_pml4
	mov	$entry_pd + PTE_P_RW, %eax
	mov	$entry_pdpt, %edi
	mov	$4, %ecx
4:	mov	%eax, (%edi)
	add	$4096, %eax
	add	$8, %edi
	dec	%ecx
	jnz	4b

	/* PD0..PD3: 2048 entries of 2 MiB, identity (high halves stay 0). */
	mov	$PDE_2M_P_RW, %eax
	mov	$entry_pd, %edi
	mov	$2048, %ecx
5:	mov	%eax, (%edi)
	add	$0x200000, %eax
	add	$8, %edi
	dec	%ecx
	jnz	5b

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
	ljmp	$SEL_CODE64, $entry_64

	.code64
entry_64:
	mov	$SEL_DATA, %eax
	mov	%eax, %ds
	mov	%eax, %es
	mov	%eax, %ss
	mov	%eax, %fs
	mov	%eax, %gs
	mov	$entry_stack_top, %esp	/* zero-extends into %rsp */
	mov	%esi, %edi		/* guest_main(start_info_paddr) */
	call	guest_main
	mov	$TG_EXIT_INTERNAL, %al
	outb	%al, $DEBUG_EXIT_PORT
6:	cli
	hlt
	jmp	6b

	.section .rodata
	.balign 8
entry_gdt:
	.quad	0
	.quad	0x00af9a000000ffff	/* 0x08: 64-bit code, DPL 0 */
	.quad	0x00cf92000000ffff	/* 0x10: flat 4 GiB data */
	.quad	0x00cf9a000000ffff	/* 0x18: flat 4 GiB 32-bit code */
entry_gdt_end:
	.balign 8
	.word	0			/* pad: base is 4-aligned */
entry_gdt_desc:
	.word	entry_gdt_end - entry_gdt - 1
	.long	entry_gdt

	.section .bss
	.balign 4096
entry_pml4:
	.skip	4096
entry_pdpt:
	.skip	4096
entry_pd:
	.skip	4 * 4096
	.balign 16
	.skip	STACK_SIZE
entry_stack_top:

	.section .note.GNU-stack, "", @progbits
