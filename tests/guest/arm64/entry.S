/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The arm64 test guest's entry: an arm64 Linux Image header
 * (Documentation/arch/arm64/booting.rst), so that vmm's Image loader
 * and QEMU's boot it as a kernel, then the boot CPU's and the secondary
 * CPUs' entries. Both run with the MMU off at EL1, every exception
 * masked; x0 holds the DTB (boot CPU) or the CPU_ON context id (the
 * secondary's index).
 */
	.section .head, "ax"
	.globl _head
_head:
	b	tg_start		/* code0 */
	.long	0			/* code1 */
	.quad	0			/* text_offset: at the 2 MiB base */
	.quad	_end - _head		/* image_size, .bss included */
	.quad	0xa			/* LE, 4K pages, anywhere in RAM */
	.quad	0, 0, 0			/* res2-4 */
	.ascii	"ARM\x64"		/* magic */
	.long	0			/* res5: no PE header */

	.text
	.globl tg_start
tg_start:
	mov	x19, x0			/* the DTB */
	adrp	x1, tg_stack_top
	add	x1, x1, :lo12:tg_stack_top
	mov	sp, x1
	/* Clear .bss (8-byte aligned by the linker script). */
	adrp	x1, __bss_start
	add	x1, x1, :lo12:__bss_start
	adrp	x2, __bss_end
	add	x2, x2, :lo12:__bss_end
1:	cmp	x1, x2
	b.hs	2f
	str	xzr, [x1], #8
	b	1b
2:	mov	x0, x19
	bl	tg_main
3:	wfi				/* tg_main does not return */
	b	3b

/* A secondary CPU from PSCI CPU_ON: x0 = its index, on its own stack. */
	.globl tg_secondary_entry
tg_secondary_entry:
	adrp	x1, tg_ap_stacks
	add	x1, x1, :lo12:tg_ap_stacks
	add	x2, x0, #1
	lsl	x2, x2, #12		/* 4 KiB each, growing down */
	add	x1, x1, x2
	mov	sp, x1
	bl	tg_secondary
4:	wfi
	b	4b

/* x0 = PSCI function, x1-x3 = arguments; returns x0 (SMCCC over hvc). */
	.globl tg_psci
tg_psci:
	hvc	#0
	ret

	.bss
	.balign	16
	.space	16384
tg_stack_top:
	.globl tg_ap_stacks
	.balign	16
tg_ap_stacks:
	.space	4096 * 8
