/* SPDX-License-Identifier: Apache-2.0 */
/*
 * AP trampoline, entered in real mode at CS:IP = (SMP_TRAMP_PADDR >> 4):0
 * after a SIPI. Position independent within its segment; copied by smp.c.
 */
#include "smp.h"

	.section .rodata.smp_tramp, "a"
	.code16
	.globl smp_tramp_start, smp_tramp_end
smp_tramp_start:
	cli
	mov	%cs, %ax
	mov	%ax, %ds
	lock incw SMP_TRAMP_COUNTER_OFF
1:	cli
	hlt
	jmp	1b
smp_tramp_end:
	.code64

	.section .note.GNU-stack, "", @progbits
