/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Real-mode setup code of testguest.bzImage, placed by mkbzimage.py right
 * after the setup header (linked at that offset of the setup area, which
 * is also the offset in the setup segment).
 *
 * vmm and other 64-bit loaders never run it: they enter the protected-mode
 * part at its 64-bit entry (1 MiB + 0x200). It exists for loaders that
 * only use the 16-bit entry (boot.rst "Running the Kernel"), such as
 * QEMU's (qboot, the microvm firmware, and the linuxboot option ROM):
 * CS = setup segment + 0x20, IP = 0 (the jump at offset 0x200 brings us
 * here), real mode, interrupts off, a BIOS present.
 *
 * Like Linux's setup code, but only what the test guest needs: build a
 * struct boot_params (zeroed in the image, below) from the setup header
 * as the loader left it and the BIOS e820 map (INT 15h, AX = E820h), then
 * enter 32-bit protected mode on a flat GDT and jump to code32_start
 * through the 32-bit boot protocol (%esi = boot_params), which is
 * entry_linux32 in entry_linux.S.
 *
 * Only DS/ES/SS-relative data accesses and relative jumps are used: CS's
 * base is the segment + 0x200, not the base this code is linked for.
 */
#include "entry.h"

#define BOOT_CS 0x10 /* boot.rst __BOOT_CS, in setup16_gdt */
#define BOOT_DS 0x18 /* boot.rst __BOOT_DS, in setup16_gdt */
#define SMAP 0x534d4150 /* "SMAP" */
#define E820_FUNC 0xe820
#define STACK_SIZE 1024

	.code16
	.section .text, "ax"
	.globl setup16_start
setup16_start:
	cli
	cld
	/* DS = ES = SS = the setup segment, and our own stack in it (the
	 * BIOS call needs DS == SS and the upper half of %esp clear). */
	mov	%cs, %ax
	sub	$0x20, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	movl	$setup16_stack_top, %esp
	movzwl	%ax, %ebp
	shll	$4, %ebp		/* %ebp = the segment's linear base */

	/* boot_params.hdr = the setup header, as the loader modified it. */
	mov	$BP_HDR, %si
1:	movb	(%si), %al
	movb	%al, setup16_zero_page(%si)
	inc	%si
	cmp	$BP_HDR_END, %si
	jb	1b

	/* boot_params.e820_table from INT 15h E820h, at most BP_E820_MAX. */
	movl	$setup16_zero_page + BP_E820_TABLE, %edi
	xorl	%ebx, %ebx		/* continuation: start */
2:	movl	$E820_FUNC, %eax
	movl	$BP_E820_ENTRY_LEN, %ecx
	movl	$SMAP, %edx
	int	$0x15
	jc	3f			/* error, or past the end */
	cmpl	$SMAP, %eax
	jne	3f
	incb	setup16_zero_page + BP_E820_ENTRIES
	addl	$BP_E820_ENTRY_LEN, %edi
	cmpb	$BP_E820_MAX, setup16_zero_page + BP_E820_ENTRIES
	jae	3f
	testl	%ebx, %ebx		/* 0: that was the last entry */
	jnz	2b
3:
	/* Linear addresses for protected mode: GDT base, the 32-bit code
	 * below, boot_params (%esi), the stack (%ecx); code32_start (%edx). */
	movl	%ebp, %eax
	addl	$setup16_gdt, %eax
	movl	%eax, setup16_gdt_desc + 2
	movl	%ebp, %eax
	addl	$setup16_pm32, %eax
	movl	%eax, setup16_pm32_ptr
	movl	%ebp, %esi
	addl	$setup16_zero_page, %esi
	movl	%ebp, %ecx
	addl	$setup16_stack_top, %ecx
	movl	BP_CODE32_START, %edx

	lgdtl	setup16_gdt_desc
	movl	%cr0, %eax
	orb	$CR0_PE, %al
	movl	%eax, %cr0
	ljmpl	*setup16_pm32_ptr

	/* 32-bit protected mode, CS = __BOOT_CS, at a linear address: only
	 * registers from here on. */
	.code32
setup16_pm32:
	mov	$BOOT_DS, %eax
	mov	%eax, %ds
	mov	%eax, %es
	mov	%eax, %fs
	mov	%eax, %gs
	mov	%eax, %ss
	mov	%ecx, %esp
	xor	%ebx, %ebx		/* boot.rst: %ebp, %edi, %ebx zero */
	xor	%edi, %edi
	xor	%ebp, %ebp
	jmp	*%edx

/* Alignments of at most 4 in this file: the code is linked at 0x26c and
 * must start right there. */
	.balign 4
/* The 32-bit boot protocol's GDT: flat __BOOT_CS (0x10) and __BOOT_DS
 * (0x18). */
setup16_gdt:
	.quad	0
	.quad	0
	.quad	0x00cf9a000000ffff	/* 0x10: flat 4 GiB 32-bit code */
	.quad	0x00cf92000000ffff	/* 0x18: flat 4 GiB data */
setup16_gdt_end:
setup16_gdt_desc:
	.word	setup16_gdt_end - setup16_gdt - 1
	.long	0			/* linear base, set above */
setup16_pm32_ptr:
	.long	0			/* linear setup16_pm32, set above */
	.word	BOOT_CS

/* struct boot_params, all zero in the image; then our stack. */
	.balign 4
setup16_zero_page:
	.skip	BP_LEN
	.skip	STACK_SIZE
setup16_stack_top:

	.section .note.GNU-stack, "", @progbits
