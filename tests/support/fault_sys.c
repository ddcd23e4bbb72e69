/* SPDX-License-Identifier: Apache-2.0 */
#include "tests/support/fault_sys.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define FAULT_SYS_MAX 8
/* Per fault: load nr, compare, two per argument, the return. */
#define FAULT_SYS_INSNS (3 + FAULT_SYS_MAX * 7 + 1)

/* One BPF instruction. */
static struct sock_filter fs_insn(uint16_t code, uint32_t k, uint8_t jt,
				  uint8_t jf)
{
	return (struct sock_filter){.code = code, .jt = jt, .jf = jf, .k = k};
}

#define LD(off)	     fs_insn(BPF_LD | BPF_W | BPF_ABS, (off), 0, 0)
#define JEQ(v, t, f) fs_insn(BPF_JMP | BPF_JEQ | BPF_K, (v), (t), (f))
#define RET(v)	     fs_insn(BPF_RET | BPF_K, (v), 0, 0)
#define ARG_LO(i)    (offsetof(struct seccomp_data, args) + 8 * (i))

int fault_sys_install(const struct fault_sys *f, size_t n)
{
	struct sock_filter p[FAULT_SYS_INSNS];
	unsigned len = 0;
	if (n > FAULT_SYS_MAX)
		return -EINVAL;
	/* Another architecture's calls (none in these tests) pass. */
	p[len++] = LD(offsetof(struct seccomp_data, arch));
	p[len++] = JEQ(AUDIT_ARCH_X86_64, 1, 0);
	p[len++] = RET(SECCOMP_RET_ALLOW);
	for (size_t i = 0; i < n; i++) {
		if (f[i].nargs > 2 || f[i].err <= 0 || f[i].err > 4095)
			return -EINVAL;
		/* Instructions after each compare up to the next fault. */
		unsigned left = 2 * f[i].nargs + 1;
		p[len++] = LD(offsetof(struct seccomp_data, nr));
		p[len++] = JEQ((uint32_t)f[i].nr, 0, (uint8_t)left);
		for (unsigned a = 0; a < f[i].nargs; a++) {
			if (f[i].args[a].idx > 5)
				return -EINVAL;
			left -= 2;
			p[len++] = LD(ARG_LO(f[i].args[a].idx));
			p[len++] =
			    JEQ((uint32_t)f[i].args[a].val, 0, (uint8_t)left);
		}
		p[len++] = RET(SECCOMP_RET_ERRNO | (uint32_t)f[i].err);
	}
	p[len++] = RET(SECCOMP_RET_ALLOW);
	struct sock_fprog prog = {.len = (unsigned short)len, .filter = p};
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
		return -errno;
	return 0;
}
