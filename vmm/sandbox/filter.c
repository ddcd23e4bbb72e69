/* SPDX-License-Identifier: Apache-2.0 */
#include "vmm/sandbox/filter.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "vmm/errmsg.h"
#include "vmm/sandbox/policy.h"

#define FILTER_LOW32 0xffffffffULL

static uint32_t filter_default_action(enum sandbox_seccomp mode)
{
	switch (mode) {
	case SANDBOX_SECCOMP_LOG:
		return SCMP_ACT_LOG;
	case SANDBOX_SECCOMP_ERRNO:
		return SCMP_ACT_ERRNO(EPERM);
	default:
		return SCMP_ACT_TRAP;
	}
}

/* Add one rule to ctx. 0 or -errno. */
static int filter_add(scmp_filter_ctx ctx, const struct policy_rule *r,
		      pid_t self)
{
	int nr = seccomp_syscall_resolve_name(r->sys);
	if (nr == __NR_SCMP_ERROR)
		return -ENOSYS;
	uint32_t act = SCMP_ACT_ALLOW;
	unsigned a = r->arg;
	switch (r->cmp) {
	case POLICY_ANY:
		return seccomp_rule_add(ctx, act, nr, 0);
	case POLICY_ENOSYS:
		return seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), nr, 0);
	case POLICY_EQ:
		return seccomp_rule_add(
		    ctx, act, nr, 1,
		    SCMP_CMP(a, SCMP_CMP_MASKED_EQ, FILTER_LOW32, r->val));
	case POLICY_SELF:
		return seccomp_rule_add(ctx, act, nr, 1,
					SCMP_CMP(a, SCMP_CMP_MASKED_EQ,
						 FILTER_LOW32,
						 (uint64_t)(uint32_t)self));
	case POLICY_NOBITS:
		return seccomp_rule_add(
		    ctx, act, nr, 1,
		    SCMP_CMP(a, SCMP_CMP_MASKED_EQ, r->val, 0));
	case POLICY_ALLBITS:
		return seccomp_rule_add(
		    ctx, act, nr, 1,
		    SCMP_CMP(a, SCMP_CMP_MASKED_EQ, r->val, r->val));
	}
	return -EINVAL;
}

static int filter_add_all(scmp_filter_ctx ctx, enum vm_thread_class cls,
			  const struct policy_rule *rules, size_t n, pid_t self,
			  char *err, size_t errlen)
{
	for (size_t i = 0; i < n; i++) {
		if (!policy_applies(&rules[i], cls))
			continue;
		int r = filter_add(ctx, &rules[i], self);
		if (r)
			return errmsg(
			    err, errlen, r, "seccomp: %s allowlist: %s%s%s: %s",
			    policy_class_name(cls), rules[i].sys,
			    rules[i].val_name ? " " : "",
			    rules[i].val_name ? rules[i].val_name : "",
			    r == -ENOSYS ? "unknown system call"
					 : strerror(-r));
	}
	return 0;
}

/* Export ctx's BPF into out (through a memfd: libseccomp 2.5 exports to
 * an fd only). */
static int filter_export(scmp_filter_ctx ctx, struct filter_prog *out)
{
	int fd = memfd_create("vmm-seccomp", MFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	int r = seccomp_export_bpf(ctx, fd);
	struct stat st;
	if (!r && fstat(fd, &st) < 0)
		r = -errno;
	if (!r &&
	    (st.st_size <= 0 ||
	     st.st_size % (off_t)sizeof(struct sock_filter) ||
	     st.st_size / (off_t)sizeof(struct sock_filter) > BPF_MAXINSNS))
		r = -E2BIG;
	if (!r && !(out->insns = malloc((size_t)st.st_size)))
		r = -ENOMEM;
	if (!r && pread(fd, out->insns, (size_t)st.st_size, 0) != st.st_size)
		r = -EIO;
	if (!r)
		out->len =
		    (unsigned short)(st.st_size / sizeof(struct sock_filter));
	close(fd);
	if (r)
		filter_free(out);
	return r;
}

int filter_build(enum vm_thread_class cls, enum sandbox_seccomp mode,
		 pid_t self, struct filter_prog *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	if (mode == SANDBOX_SECCOMP_LOG && seccomp_api_get() < 3)
		return errmsg(err, errlen, -ENOTSUP,
			      "--seccomp log: this kernel cannot log "
			      "(no SECCOMP_RET_LOG)");
	scmp_filter_ctx ctx = seccomp_init(filter_default_action(mode));
	if (!ctx)
		return errmsg(err, errlen, -ENOMEM, "seccomp: out of memory");
	int r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH,
				 SCMP_ACT_KILL_PROCESS);
	if (!r)
		r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	if (r) {
		seccomp_release(ctx);
		return errmsg(err, errlen, r, "seccomp: filter attributes: %s",
			      strerror(-r));
	}
	size_t n;
	const struct policy_rule *rules = policy_rules(&n);
	r = filter_add_all(ctx, cls, rules, n, self, err, errlen);
	rules = policy_sanitizer_rules(&n);
	if (!r && policy_sanitizer_build())
		r = filter_add_all(ctx, cls, rules, n, self, err, errlen);
	if (!r && (r = filter_export(ctx, out)))
		errmsg(err, errlen, r, "seccomp: compiling the %s filter: %s",
		       policy_class_name(cls), strerror(-r));
	seccomp_release(ctx);
	return r;
}

int filter_load(const struct filter_prog *p)
{
	struct sock_fprog fp = {.len = p->len, .filter = p->insns};
	if (!p->insns)
		return -EINVAL;
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fp) < 0)
		return -errno;
	return 0;
}

void filter_free(struct filter_prog *p)
{
	free(p->insns);
	p->insns = NULL;
	p->len = 0;
}
