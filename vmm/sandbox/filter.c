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

#include "vmm/base/errmsg.h"
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

/* The pids that POLICY_SELF and POLICY_CHILD rules compare with. */
struct filter_pids {
	pid_t self, child; /* child: 0 outside the supervisor */
};

/* One table of rules to compile, and which of them apply. */
struct filter_src {
	const struct policy_rule *rules;
	size_t n;
	int cls; /* an enum vm_thread_class, or -1: every rule */
};

/* Add one rule to ctx. 0 or -errno. */
static int filter_add(scmp_filter_ctx ctx, const struct policy_rule *r,
		      const struct filter_pids *pids)
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
		return seccomp_rule_add(
		    ctx, act, nr, 1,
		    SCMP_CMP(a, SCMP_CMP_MASKED_EQ, FILTER_LOW32,
			     (uint64_t)(uint32_t)pids->self));
	case POLICY_CHILD:
		if (pids->child <= 0)
			return -EINVAL; /* a supervisor rule elsewhere */
		return seccomp_rule_add(
		    ctx, act, nr, 1,
		    SCMP_CMP(a, SCMP_CMP_MASKED_EQ, FILTER_LOW32,
			     (uint64_t)(uint32_t)pids->child));
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

static int filter_add_all(scmp_filter_ctx ctx, const char *name,
			  const struct filter_src *src,
			  const struct filter_pids *pids, char *err,
			  size_t errlen)
{
	for (size_t i = 0; i < src->n; i++) {
		const struct policy_rule *rule = &src->rules[i];
		if (src->cls >= 0 &&
		    !policy_applies(rule, (enum vm_thread_class)src->cls))
			continue;
		int r = filter_add(ctx, rule, pids);
		if (r)
			return errmsg(err, errlen, r,
				      "seccomp: %s allowlist: %s%s%s: %s", name,
				      rule->sys, rule->val_name ? " " : "",
				      rule->val_name ? rule->val_name : "",
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

/* Compile the rules of src[0..nsrc) into out, for the filter `name`. */
static int filter_compile(const char *name, enum sandbox_seccomp mode,
			  const struct filter_src *src, size_t nsrc,
			  const struct filter_pids *pids,
			  struct filter_prog *out, char *err, size_t errlen)
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
	for (size_t i = 0; !r && i < nsrc; i++)
		r = filter_add_all(ctx, name, &src[i], pids, err, errlen);
	if (!r && (r = filter_export(ctx, out)))
		errmsg(err, errlen, r, "seccomp: compiling the %s filter: %s",
		       name, strerror(-r));
	seccomp_release(ctx);
	return r;
}

int filter_build(enum vm_thread_class cls, enum sandbox_seccomp mode,
		 pid_t self, struct filter_prog *out, char *err, size_t errlen)
{
	struct filter_src src[3] = {
	    {.cls = (int)cls}, {.cls = (int)cls}, {.cls = (int)cls}};
	struct policy_rule dev[POLICY_DEVICE_RULES_MAX];
	src[0].rules = policy_rules(&src[0].n);
	src[1].rules = dev;
	src[1].n = policy_device_rules(dev);
	src[2].rules = policy_sanitizer_rules(&src[2].n);
	size_t nsrc = policy_sanitizer_build() ? 3 : 2;
	const struct filter_pids pids = {.self = self};
	return filter_compile(policy_class_name(cls), mode, src, nsrc, &pids,
			      out, err, errlen);
}

int filter_build_supervisor(enum sandbox_seccomp mode, pid_t self, pid_t child,
			    struct filter_prog *out, char *err, size_t errlen)
{
	/* Test builds: the runtimes (ASan's allocator, LeakSanitizer's
	 * check and gcov's counters at exit) run in the supervisor too. */
	struct filter_src src[3] = {{.cls = -1},
				    {.cls = VM_THREAD_CONTROL},
				    {.cls = VM_THREAD_CONTROL}};
	src[0].rules = policy_supervisor_rules(&src[0].n);
	src[1].rules = policy_rules(&src[1].n);
	src[2].rules = policy_sanitizer_rules(&src[2].n);
	size_t nsrc = policy_sanitizer_build() ? 3 : 1;
	const struct filter_pids pids = {.self = self, .child = child};
	return filter_compile(POLICY_SUPERVISOR, mode, src, nsrc, &pids, out,
			      err, errlen);
}

int filter_build_api(enum sandbox_seccomp mode, pid_t self,
		     struct filter_prog *out, char *err, size_t errlen)
{
	struct filter_src src[2] = {{.cls = -1}, {.cls = VM_THREAD_CONTROL}};
	src[0].rules = policy_api_rules(&src[0].n);
	src[1].rules = policy_sanitizer_rules(&src[1].n);
	size_t nsrc = policy_sanitizer_build() ? 2 : 1;
	const struct filter_pids pids = {.self = self};
	return filter_compile(POLICY_API, mode, src, nsrc, &pids, out, err,
			      errlen);
}

int filter_build_dialer(enum sandbox_seccomp mode, pid_t self,
			struct filter_prog *out, char *err, size_t errlen)
{
	struct filter_src src[2] = {{.cls = -1}, {.cls = VM_THREAD_CONTROL}};
	src[0].rules = policy_dialer_rules(&src[0].n);
	src[1].rules = policy_sanitizer_rules(&src[1].n);
	size_t nsrc = policy_sanitizer_build() ? 2 : 1;
	const struct filter_pids pids = {.self = self};
	return filter_compile(POLICY_DIALER, mode, src, nsrc, &pids, out, err,
			      errlen);
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
