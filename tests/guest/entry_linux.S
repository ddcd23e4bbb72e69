/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Linux/x86 boot protocol entries (Documentation/arch/x86/boot.rst), at
 * fixed places in the image: the linker scripts put .text.head32 at the
 * load address (1 MiB) and .text.head64 at load address + 0x200, so that
 * the protected-mode part of testguest.bzImage has its 32-bit entry at
 * code32_start and its 64-bit entry at offset 0x200 (XLF_KERNEL_64).
 * Both go on to the shared paths in entry.S.
 */
#include "bootinfo.h"
#include "entry.h"

/*
 * "32-bit BOOT PROTOCOL": 32-bit protected mode, paging off, a GDT with
 * flat __BOOT_CS (0x10) and __BOOT_DS (0x18), CS = __BOOT_CS, DS = ES = SS
 * = __BOOT_DS, interrupts off, %esi = struct boot_params; no stack. The
 * real-mode setup code of testguest.bzImage (setup16.S) comes here, as
 * does any loader that uses this protocol.
 */
	.section .text.head32, "ax"
	.code32
	.globl entry_linux32
entry_linux32:
	cli
	cld
	mov	$BI_PROTO_LINUX32, %ebp
	jmp	entry_32

/*
 * "64-bit BOOT PROTOCOL": 64-bit mode, paging on with (at least) the image
 * up to init_size, the zero page and the command line identity-mapped, a
 * GDT with flat __BOOT_CS (0x10, 64-bit) and __BOOT_DS (0x18), CS =
 * __BOOT_CS, DS = ES = SS = __BOOT_DS, interrupts off, %rsi = struct
 * boot_params (anywhere, even above 4 GiB). No stack is promised.
 *
 * The loader's GDT and page tables may be anywhere, so load ours: the GDT
 * (reloading CS with a far return, on our own stack) and the static
 * identity map of the first 4 GiB (entry.S, inside the image, hence
 * mapped). A loader that enabled 5-level paging (CR4.LA57) is not
 * supported: our 4-level tables would be taken for a PML5.
 */
	.section .text.head64, "ax"
	.code64
	.globl entry_linux64
entry_linux64:
	cli
	cld
	lea	entry_stack_top(%rip), %rsp
	lgdt	entry_gdt_desc(%rip)
	pushq	$SEL_CODE64
	lea	1f(%rip), %rax
	pushq	%rax
	lretq
1:	lea	entry_pml4(%rip), %rax
	mov	%rax, %cr3
	mov	$BI_PROTO_LINUX64, %ebp	/* %rsi = boot_params, kept */
	jmp	entry_64

	.section .note.GNU-stack, "", @progbits
