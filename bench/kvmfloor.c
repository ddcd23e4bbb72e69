/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kvmfloor: the raw KVM exit round trip, with no VMM around it.
 *
 * A VM with one vCPU in 64-bit mode (identity map of 4 GiB with 2 MiB
 * pages, flat GDT, the host's supported CPUID, an in-kernel irqchip as
 * vmm and QEMU create) runs the same loops as the test guest's
 * tg.exitbench (tests/guest/vbench.c), byte for byte:
 *
 *   1: outb %al, $0x80 ; dec %ecx ; jnz 1b        N times
 *   1: movl %eax, (%rdi) ; dec %ecx ; jnz 1b      N times, rdi = 0xd00ffff8
 *
 * Port 0x80 and GPA 0xd00ffff8 have nothing behind them: each write is a
 * KVM_EXIT_IO or KVM_EXIT_MMIO that this program answers by calling
 * KVM_RUN again. Marker writes to ports 0xf1..0xf3 bracket the loops; the
 * time between two markers (CLOCK_MONOTONIC, taken at the exits) over N
 * is the cost of one exit, guest loop included.
 *
 * Usage: kvmfloor [N]   (default 100000). Prints the wall-clock time and
 * the CPU time (this process: user + system) per exit:
 *   pio_us_per_exit <x>
 *   mmio_us_per_exit <y>
 *   pio_cpu_us_per_exit <x>
 *   mmio_cpu_us_per_exit <y>
 * and exits 0; on any error, a message on stderr and exit 1.
 *
 * Build: cc -std=c11 -O2 -Wall -Wextra -Werror -o kvmfloor kvmfloor.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define MEM_SIZE (2u << 20)
#define GDT_ADDR 0x500u
#define PML4_ADDR 0x1000u
#define PDPT_ADDR 0x2000u
#define PD_ADDR 0x3000u /* 4 page directories: 0x3000 .. 0x6fff */
#define STACK_TOP 0x8000u
#define CODE_ADDR 0x10000u
#define MMIO_ADDR 0xd00ffff8u
#define TSS_ADDR 0xfffbd000u

#define PORT_NOP 0x80
#define PORT_PIO_START 0xf1
#define PORT_PIO_END 0xf2
#define PORT_MMIO_START 0xf3
#define PORT_DONE 0xf4

#define PTE_P 0x1ull
#define PTE_RW 0x2ull
#define PTE_PS 0x80ull

#define CR0_PE 0x1ull
#define CR0_ET 0x10ull
#define CR0_PG 0x80000000ull
#define CR4_PAE 0x20ull
#define EFER_LME 0x100ull
#define EFER_LMA 0x400ull

static void die(const char *what)
{
	fprintf(stderr, "kvmfloor: %s: %s\n", what, strerror(errno));
	exit(1);
}

static double clock_us(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* Wall-clock and CPU time at one marker. */
struct mark {
	double wall, cpu;
};

static struct mark now(void)
{
	return (struct mark){ clock_us(CLOCK_MONOTONIC),
			      clock_us(CLOCK_PROCESS_CPUTIME_ID) };
}

/* The guest program; the two loops are those of tests/guest/vbench.c. */
static size_t put_code(uint8_t *p, uint32_t n)
{
	size_t i = 0;

#define B(x) (p[i++] = (uint8_t)(x))
#define IMM32(v)                                                           \
	do {                                                               \
		uint32_t v_ = (v);                                         \
		memcpy(p + i, &v_, 4);                                     \
		i += 4;                                                    \
	} while (0)
	B(0xb9); IMM32(n);                  /* mov $n, %ecx */
	B(0xe6); B(PORT_PIO_START);         /* out %al, $0xf1 */
	B(0xe6); B(PORT_NOP);               /* 1: out %al, $0x80 */
	B(0xff); B(0xc9);                   /* dec %ecx */
	B(0x75); B(0xfa);                   /* jnz 1b */
	B(0xe6); B(PORT_PIO_END);           /* out %al, $0xf2 */
	B(0xb9); IMM32(n);                  /* mov $n, %ecx */
	B(0xbf); IMM32(MMIO_ADDR);          /* mov $MMIO_ADDR, %edi */
	B(0xe6); B(PORT_MMIO_START);        /* out %al, $0xf3 */
	B(0x89); B(0x07);                   /* 1: mov %eax, (%rdi) */
	B(0xff); B(0xc9);                   /* dec %ecx */
	B(0x75); B(0xfa);                   /* jnz 1b */
	B(0xe6); B(PORT_DONE);              /* out %al, $0xf4 */
	B(0xf4);                            /* hlt */
#undef B
#undef IMM32
	return i;
}

static void setup_memory(uint8_t *mem, uint32_t n)
{
	uint64_t *pml4 = (uint64_t *)(mem + PML4_ADDR);
	uint64_t *pdpt = (uint64_t *)(mem + PDPT_ADDR);
	uint64_t *pd = (uint64_t *)(mem + PD_ADDR);
	uint64_t *gdt = (uint64_t *)(mem + GDT_ADDR);

	pml4[0] = PDPT_ADDR | PTE_P | PTE_RW;
	for (uint64_t g = 0; g < 4; g++)
		pdpt[g] = (PD_ADDR + g * 0x1000) | PTE_P | PTE_RW;
	for (uint64_t e = 0; e < 4 * 512; e++)
		pd[e] = (e << 21) | PTE_P | PTE_RW | PTE_PS;
	gdt[0] = 0;
	gdt[1] = 0x00af9a000000ffffull; /* 0x08: 64-bit code */
	gdt[2] = 0x00cf92000000ffffull; /* 0x10: flat data */
	put_code(mem + CODE_ADDR, n);
}

static void set_cpuid(int kvm, int vcpu)
{
	size_t max = 256;
	struct kvm_cpuid2 *c = calloc(1, sizeof(*c) +
					     max * sizeof(struct kvm_cpuid_entry2));

	if (!c)
		die("calloc");
	c->nent = (uint32_t)max;
	if (ioctl(kvm, KVM_GET_SUPPORTED_CPUID, c) < 0)
		die("KVM_GET_SUPPORTED_CPUID");
	if (ioctl(vcpu, KVM_SET_CPUID2, c) < 0)
		die("KVM_SET_CPUID2");
	free(c);
}

static void setup_vcpu(int vcpu)
{
	struct kvm_sregs s;
	struct kvm_regs r;
	struct kvm_segment code = {
		.base = 0, .limit = 0xffffffff, .selector = 0x08, .type = 11,
		.present = 1, .dpl = 0, .db = 0, .s = 1, .l = 1, .g = 1,
	};
	struct kvm_segment data = code;

	data.selector = 0x10;
	data.type = 3;
	data.db = 1;
	data.l = 0;
	if (ioctl(vcpu, KVM_GET_SREGS, &s) < 0)
		die("KVM_GET_SREGS");
	s.cs = code;
	s.ds = s.es = s.fs = s.gs = s.ss = data;
	s.gdt.base = GDT_ADDR;
	s.gdt.limit = 3 * 8 - 1;
	s.cr3 = PML4_ADDR;
	s.cr4 = CR4_PAE;
	s.cr0 = CR0_PE | CR0_ET | CR0_PG;
	s.efer = EFER_LME | EFER_LMA;
	if (ioctl(vcpu, KVM_SET_SREGS, &s) < 0)
		die("KVM_SET_SREGS");
	memset(&r, 0, sizeof(r));
	r.rip = CODE_ADDR;
	r.rsp = STACK_TOP;
	r.rflags = 0x2;
	if (ioctl(vcpu, KVM_SET_REGS, &r) < 0)
		die("KVM_SET_REGS");
}

int main(int argc, char **argv)
{
	uint32_t n = 100000;
	struct mark t_pio0 = { 0, 0 }, t_pio1 = t_pio0, t_mmio0 = t_pio0;
	struct mark t_mmio1 = t_pio0;

	if (argc > 2 || (argc == 2 && (n = (uint32_t)strtoul(argv[1], NULL,
							     0)) == 0)) {
		fprintf(stderr, "usage: kvmfloor [N >= 1]\n");
		return 1;
	}
	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);

	if (kvm < 0)
		die("/dev/kvm");
	int vm = ioctl(kvm, KVM_CREATE_VM, 0);

	if (vm < 0)
		die("KVM_CREATE_VM");
	if (ioctl(vm, KVM_SET_TSS_ADDR, TSS_ADDR) < 0)
		die("KVM_SET_TSS_ADDR");
	if (ioctl(vm, KVM_CREATE_IRQCHIP, 0) < 0)
		die("KVM_CREATE_IRQCHIP");

	uint8_t *mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (mem == MAP_FAILED)
		die("mmap");
	setup_memory(mem, n);
	struct kvm_userspace_memory_region region = {
		.slot = 0, .guest_phys_addr = 0, .memory_size = MEM_SIZE,
		.userspace_addr = (uintptr_t)mem,
	};

	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		die("KVM_SET_USER_MEMORY_REGION");

	int vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);

	if (vcpu < 0)
		die("KVM_CREATE_VCPU");
	int run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);

	if (run_size < (int)sizeof(struct kvm_run))
		die("KVM_GET_VCPU_MMAP_SIZE");
	struct kvm_run *run = mmap(NULL, (size_t)run_size,
				   PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);

	if (run == MAP_FAILED)
		die("mmap kvm_run");
	set_cpuid(kvm, vcpu);
	setup_vcpu(vcpu);

	for (;;) {
		if (ioctl(vcpu, KVM_RUN, 0) < 0) {
			if (errno == EINTR)
				continue;
			die("KVM_RUN");
		}
		if (run->exit_reason == KVM_EXIT_MMIO)
			continue;
		if (run->exit_reason != KVM_EXIT_IO) {
			fprintf(stderr, "kvmfloor: unexpected exit %u\n",
				run->exit_reason);
			return 1;
		}
		switch (run->io.port) {
		case PORT_NOP:
			continue;
		case PORT_PIO_START:
			t_pio0 = now();
			continue;
		case PORT_PIO_END:
			t_pio1 = now();
			continue;
		case PORT_MMIO_START:
			t_mmio0 = now();
			continue;
		case PORT_DONE:
			t_mmio1 = now();
			break;
		default:
			fprintf(stderr, "kvmfloor: unexpected port 0x%x\n",
				run->io.port);
			return 1;
		}
		break;
	}
	printf("pio_us_per_exit %.4f\n", (t_pio1.wall - t_pio0.wall) / n);
	printf("mmio_us_per_exit %.4f\n", (t_mmio1.wall - t_mmio0.wall) / n);
	printf("pio_cpu_us_per_exit %.4f\n", (t_pio1.cpu - t_pio0.cpu) / n);
	printf("mmio_cpu_us_per_exit %.4f\n",
	       (t_mmio1.cpu - t_mmio0.cpu) / n);
	return 0;
}
