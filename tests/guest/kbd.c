/* SPDX-License-Identifier: Apache-2.0 */
#include "kbd.h"

#include <stddef.h>
#include <stdint.h>

#include "exitcodes.h"
#include "io.h"
#include "serial.h"
#include "tgexit.h"

#define KBD_DATA	 0x60
#define KBD_STATUS	 0x64
#define KBD_OBF		 0x01
#define KBD_CMD_READ_CTR 0x20
#define CTR_KBDINT	 0x01
#define CTR_XLATE	 0x40

#define PIC1_CMD   0x20
#define PIC1_DATA  0x21
#define PIC2_CMD   0xa0
#define PIC2_DATA  0xa1
#define PIC_EOI	   0x20
#define PIC_VECTOR 0x20 /* IRQ n: vector 0x20 + n */
#define KBD_VECTOR (PIC_VECTOR + 1)

#define KBD_MAX 32

/* What the interrupt handler saw: every byte, and how many interrupts. */
volatile uint8_t kbd_bytes[KBD_MAX];
volatile uint32_t kbd_count, kbd_irqs;
void kbd_stub(void);
__asm__(".text\n"
	".globl kbd_stub\n"
	"kbd_stub:\n"
	"  push %rax\n"
	"  push %rcx\n"
	"  push %rdx\n"
	"  incl kbd_irqs(%rip)\n"
	"  mov $0x60, %dx\n"
	"  inb %dx, %al\n"
	"  mov kbd_count(%rip), %ecx\n"
	"  cmp $32, %ecx\n"
	"  jae 1f\n"
	"  lea kbd_bytes(%rip), %rdx\n"
	"  mov %al, (%rdx,%rcx)\n"
	"  incl kbd_count(%rip)\n"
	"1:\n"
	"  mov $0x20, %al\n"
	"  outb %al, $0x20\n"
	"  pop %rdx\n"
	"  pop %rcx\n"
	"  pop %rax\n"
	"  iretq\n");

struct __attribute__((packed)) kbd_idtr {
	uint16_t limit;
	uint64_t base;
};

void *memset(void *dst, int c, size_t n);

/* Not cleared at boot: kbd_idt_init clears it (every other vector not
 * present). */
static uint64_t kbd_idt[256 * 2] TG_NOCLEAR __attribute__((aligned(16)));

/* Ctrl, Alt, Delete pressed, then released (scancode set 1). */
static const uint8_t kbd_chord[] = {0x1d, 0x38, 0xe0, 0x53,
				    0xe0, 0xd3, 0xb8, 0x9d};

static void kbd_fail(const char *what, unsigned got)
{
	ser_printf("testguest: FAIL kbd: %s (0x%x)\n", what, got);
	tg_exit(TG_EXIT_KBD);
}

/* Both 8259s initialised (edge, vectors 0x20 and 0x28, cascaded on IRQ
 * 2), only IRQ 1 unmasked. */
static void kbd_pic_init(void)
{
	io_outb(PIC1_CMD, 0x11);
	io_outb(PIC2_CMD, 0x11);
	io_outb(PIC1_DATA, PIC_VECTOR);
	io_outb(PIC2_DATA, PIC_VECTOR + 8);
	io_outb(PIC1_DATA, 0x04);
	io_outb(PIC2_DATA, 0x02);
	io_outb(PIC1_DATA, 0x01);
	io_outb(PIC2_DATA, 0x01);
	io_outb(PIC2_DATA, 0xff);
	io_outb(PIC1_DATA, (uint8_t) ~(1u << 1));
}

static void kbd_idt_init(void)
{
	uint16_t cs;
	__asm__ __volatile__("mov %%cs, %0" : "=r"(cs));
	memset(kbd_idt, 0, sizeof(kbd_idt));
	uint64_t a = (uint64_t)(uintptr_t)kbd_stub;
	kbd_idt[KBD_VECTOR * 2] = (a & 0xffff) | (uint64_t)cs << 16 |
				  (uint64_t)0x8e << 40 |
				  ((a >> 16) & 0xffff) << 48;
	kbd_idt[KBD_VECTOR * 2 + 1] = a >> 32;
	struct kbd_idtr idt = {sizeof(kbd_idt) - 1,
			       (uint64_t)(uintptr_t)kbd_idt};
	__asm__ __volatile__("lidt %0" : : "m"(idt));
}

static uint8_t kbd_read_ctr(void)
{
	io_outb(KBD_STATUS, KBD_CMD_READ_CTR);
	for (unsigned i = 0; i < 1000; i++)
		if (io_inb(KBD_STATUS) & KBD_OBF)
			return io_inb(KBD_DATA);
	kbd_fail("no answer to read-CTR", io_inb(KBD_STATUS));
	return 0;
}

void kbd_wait_ctrl_alt_del(void)
{
	uint8_t ctr = kbd_read_ctr();
	if ((ctr & (CTR_KBDINT | CTR_XLATE)) != (CTR_KBDINT | CTR_XLATE))
		kbd_fail("CTR lacks the keyboard interrupt or translation",
			 ctr);
	kbd_idt_init();
	kbd_pic_init();
	ser_printf("testguest: kbd: CTR 0x%x; waiting for ctrl-alt-del\n", ctr);
	/* sti takes effect after the next instruction: no interrupt is
	 * lost between the check and hlt. */
	for (;;) {
		__asm__ __volatile__("cli" ::: "memory");
		uint32_t n = kbd_count;
		for (uint32_t i = 0; i < n; i++)
			if (i >= sizeof(kbd_chord) ||
			    kbd_bytes[i] != kbd_chord[i])
				kbd_fail("an unexpected byte", kbd_bytes[i]);
		if (n == sizeof(kbd_chord))
			break;
		__asm__ __volatile__("sti; hlt" ::: "memory");
	}
	ser_printf("testguest: kbd: ctrl-alt-del, %u bytes in %u "
		   "interrupts\n",
		   kbd_count, kbd_irqs);
}
