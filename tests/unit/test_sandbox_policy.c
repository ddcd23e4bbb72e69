/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The policy lint: no allowlist contains a call on policy_never
 * (execve, ptrace, process_vm_writev, ...) except in the one form its
 * entry allows (prctl only as PR_SET_NAME, kill only from the supervisor
 * to its child); every rule names a real system call and says why; the
 * calls that can do harm with the wrong arguments are always constrained
 * (mmap and mprotect never with PROT_EXEC, ioctl and fcntl by request,
 * clone only for threads); the vCPU and I/O threads cannot create VMs or
 * map memory; the --jail supervisor's allowlist is its own and tiny, and
 * so is the vsock dialer's, the only one with socket and connect. And
 * docs/security.md lists exactly these rules.
 *
 * `test_sandbox_policy --markdown` prints the tables docs/security.md
 * holds (to update it after changing policy.c).
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/prctl.h>

#include <cmocka.h>
#include <seccomp.h>

#include "devices/virtio/vdev_type.h"
#include "vmm/sandbox/policy.h"
#include "vmm/sandbox/sigsys.h"

#define DOC_PATH VMM_SOURCE_DIR "/docs/security.md"

/* One markdown row for rule r. */
static void rule_row(const struct policy_rule *r, char *buf, size_t cap)
{
	char arg[160];
	switch (r->cmp) {
	case POLICY_ANY:
		snprintf(arg, sizeof(arg), "any");
		break;
	case POLICY_EQ:
	case POLICY_SELF:
	case POLICY_CHILD:
		snprintf(arg, sizeof(arg), "arg%u = `%s`", r->arg, r->val_name);
		break;
	case POLICY_NOBITS:
		snprintf(arg, sizeof(arg), "arg%u without `%s`", r->arg,
			 r->val_name);
		break;
	case POLICY_ALLBITS:
		snprintf(arg, sizeof(arg), "arg%u with all of `%s`", r->arg,
			 r->val_name);
		break;
	case POLICY_ENOSYS:
		snprintf(arg, sizeof(arg), "fails with `ENOSYS`");
		break;
	}
	if (r->classes == POLICY_S || r->classes == POLICY_A ||
	    r->classes == POLICY_D)
		snprintf(buf, cap, "| `%s` | %s | %s |", r->sys, arg, r->why);
	else
		snprintf(buf, cap, "| `%s` | %s | %s | %s | %s | %s |", r->sys,
			 arg, "x", (r->classes & POLICY_V) ? "x" : "",
			 (r->classes & POLICY_I) ? "x" : "", r->why);
}

static void print_table(const struct policy_rule *rules, size_t n)
{
	char row[512];
	if (n &&
	    (rules[0].classes == POLICY_S || rules[0].classes == POLICY_A ||
	     rules[0].classes == POLICY_D)) {
		printf("| call | arguments | why |\n|---|---|---|\n");
	} else {
		printf("| call | arguments | control | vcpu | io | why |\n");
		printf("|---|---|---|---|---|---|\n");
	}
	for (size_t i = 0; i < n; i++) {
		rule_row(&rules[i], row, sizeof(row));
		printf("%s\n", row);
	}
}

/* The tables: the normal policy, the sanitizer rules, the supervisor's,
 * the API thread's. */
enum {
	TABLE_POLICY,
	TABLE_SANITIZER,
	TABLE_SUPERVISOR,
	TABLE_API,
	TABLE_DEVICES,
	TABLE_DIALER,
	TABLES
};
static const char *const table_names[] = {"policy", "sanitizer", "supervisor",
					  "api",    "devices",	 "dialer"};

static const struct policy_rule *all_rules(int which, size_t *n)
{
	static struct policy_rule dev[POLICY_DEVICE_RULES_MAX];
	switch (which) {
	case TABLE_DEVICES:
		*n = policy_device_rules(dev);
		return dev;
	case TABLE_SANITIZER:
		return policy_sanitizer_rules(n);
	case TABLE_SUPERVISOR:
		return policy_supervisor_rules(n);
	case TABLE_API:
		return policy_api_rules(n);
	case TABLE_DIALER:
		return policy_dialer_rules(n);
	default:
		return policy_rules(n);
	}
}

static const struct policy_never_entry *never_entry(const char *sys)
{
	for (const struct policy_never_entry *e = policy_never; e->sys; e++)
		if (strcmp(e->sys, sys) == 0)
			return e;
	return NULL;
}

static void test_never(void **s)
{
	(void)s;
	size_t n;
	/* The normal policy and the supervisor's (the sanitizer rules are
	 * a test build's, not a boundary). */
	for (int which = TABLE_POLICY; which < TABLES; which++) {
		if (which == TABLE_SANITIZER)
			continue;
		const struct policy_rule *r = all_rules(which, &n);
		for (size_t i = 0; i < n; i++) {
			/* The dialer exists to connect, and to open drive
			 * images (test_dialer). */
			if (which == TABLE_DIALER &&
			    (!strcmp(r[i].sys, "socket") ||
			     !strcmp(r[i].sys, "connect") ||
			     !strcmp(r[i].sys, "openat")))
				continue;
			const struct policy_never_entry *e =
			    policy_never_broken(&r[i]);
			if (e)
				fail_msg("the %s allowlist has %s%s%s, which "
					 "is on policy_never",
					 table_names[which], r[i].sys,
					 r[i].val_name ? " " : "",
					 r[i].val_name ? r[i].val_name : "");
		}
	}
	/* The list itself covers what the issue names. */
	static const char *const must[] = {
	    "execve",
	    "execveat",
	    "ptrace",
	    "process_vm_readv",
	    "process_vm_writev",
	    "kexec_load",
	    "init_module",
	    "finit_module",
	    "bpf",
	    "mount",
	    "socket",
	    "openat",
	    SIGSYS_DIE_CALL,
	};
	/* The SIGSYS handler dies by making this call: it must be refused
	 * everywhere, in sanitizer builds too. */
	const struct policy_rule *z = policy_sanitizer_rules(&n);
	for (size_t i = 0; i < n; i++)
		assert_string_not_equal(z[i].sys, SIGSYS_DIE_CALL);
	for (size_t i = 0; i < ARRAY_SIZE(must); i++) {
		const struct policy_never_entry *e = never_entry(must[i]);
		if (!e)
			fail_msg("policy_never lacks %s", must[i]);
		if (e->except != POLICY_ANY)
			fail_msg("policy_never allows %s in some form",
				 must[i]);
	}
	/* Only three entries have an exception, each one narrow form. */
	for (const struct policy_never_entry *e = policy_never; e->sys; e++)
		if (e->except != POLICY_ANY && strcmp(e->sys, "prctl") &&
		    strcmp(e->sys, "kill") && strcmp(e->sys, "accept4"))
			fail_msg("policy_never: %s has an exception", e->sys);
}

/* The exceptions are exact: any other form of the call is refused. */
#define RULE(name, cls, how, a, v)                                             \
	{                                                                      \
		.sys = (name), .classes = (cls), .cmp = (how), .arg = (a),     \
		.val = (v)                                                     \
	}
static void test_never_exceptions(void **s)
{
	(void)s;
	static const struct {
		struct policy_rule r;
		bool ok;
	} cases[] = {
	    {RULE("prctl", POLICY_C, POLICY_EQ, 0, PR_SET_NAME), true},
	    {RULE("accept4", POLICY_A, POLICY_EQ, 3,
		  SOCK_NONBLOCK | SOCK_CLOEXEC),
	     true},
	    {RULE("accept4", POLICY_A, POLICY_ANY, 0, 0), false},
	    {RULE("accept4", POLICY_A, POLICY_EQ, 3, SOCK_NONBLOCK), false},
	    {RULE("accept4", POLICY_A, POLICY_EQ, 2,
		  SOCK_NONBLOCK | SOCK_CLOEXEC),
	     false},
	    {RULE("prctl", POLICY_C, POLICY_ANY, 0, 0), false},
	    {RULE("prctl", POLICY_C, POLICY_EQ, 0, PR_SET_NO_NEW_PRIVS), false},
	    {RULE("prctl", POLICY_C, POLICY_EQ, 0, PR_SET_DUMPABLE), false},
	    {RULE("prctl", POLICY_C, POLICY_EQ, 1, PR_SET_NAME), false},
	    {RULE("prctl", POLICY_C, POLICY_NOBITS, 0, PR_SET_NAME), false},
	    {RULE("kill", POLICY_S, POLICY_CHILD, 0, 0), true},
	    {RULE("kill", POLICY_S, POLICY_ANY, 0, 0), false},
	    {RULE("kill", POLICY_S, POLICY_SELF, 0, 0), false},
	    {RULE("kill", POLICY_S, POLICY_CHILD, 1, 0), false},
	    {RULE("kill", POLICY_S, POLICY_EQ, 0, 1), false},
	    {RULE("execve", POLICY_S, POLICY_CHILD, 0, 0), false},
	    {RULE("ptrace", POLICY_C, POLICY_EQ, 0, 0), false},
	    {RULE("write", POLICY_C, POLICY_ANY, 0, 0), true},
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		bool ok = policy_never_broken(&cases[i].r) == NULL;
		if (ok != cases[i].ok)
			fail_msg("%s (cmp %d, arg%u, val %llu): %s",
				 cases[i].r.sys, (int)cases[i].r.cmp,
				 cases[i].r.arg,
				 (unsigned long long)cases[i].r.val,
				 ok ? "allowed, should be refused"
				    : "refused, should be allowed");
	}
}

static void test_rules_well_formed(void **s)
{
	(void)s;
	for (int which = 0; which < TABLES; which++) {
		size_t n;
		const struct policy_rule *r = all_rules(which, &n);
		for (size_t i = 0; i < n; i++) {
			if (seccomp_syscall_resolve_name(r[i].sys) ==
			    __NR_SCMP_ERROR)
				fail_msg("%s: no such system call", r[i].sys);
			if (!r[i].why || strlen(r[i].why) < 8)
				fail_msg("%s: no reason given", r[i].sys);
			bool sup = which == TABLE_SUPERVISOR;
			bool api = which == TABLE_API;
			bool dial = which == TABLE_DIALER;
			if (sup	   ? r[i].classes != POLICY_S
			    : api  ? r[i].classes != POLICY_A
			    : dial ? r[i].classes != POLICY_D
				   : !r[i].classes ||
					 (r[i].classes &
					  ~(POLICY_C | POLICY_V | POLICY_I)))
				fail_msg("%s: bad classes", r[i].sys);
			if (!sup && r[i].cmp == POLICY_CHILD)
				fail_msg("%s: only the supervisor has a child",
					 r[i].sys);
			if (r[i].cmp != POLICY_ANY &&
			    r[i].cmp != POLICY_ENOSYS && !r[i].val_name)
				fail_msg("%s: argument without a name",
					 r[i].sys);
		}
	}
}

/* Calls that must never be allowed with any arguments. */
static void test_constrained(void **s)
{
	(void)s;
	static const char *const constrained[] = {
	    "mmap",   "mprotect",     "ioctl",	 "fcntl",   "clone",
	    "tgkill", "rt_sigaction", "seccomp", "madvise", "newfstatat",
	};
	size_t n;
	for (int which = TABLE_POLICY; which < TABLES; which++) {
		if (which != TABLE_POLICY && which != TABLE_DEVICES)
			continue;
		const struct policy_rule *r = all_rules(which, &n);
		for (size_t i = 0; i < n; i++) {
			for (size_t k = 0; k < ARRAY_SIZE(constrained); k++)
				if (strcmp(r[i].sys, constrained[k]) == 0 &&
				    r[i].cmp == POLICY_ANY)
					fail_msg(
					    "%s is allowed with any arguments",
					    r[i].sys);
			if ((!strcmp(r[i].sys, "mmap") ||
			     !strcmp(r[i].sys, "mprotect")) &&
			    (r[i].cmp != POLICY_NOBITS || r[i].arg != 2 ||
			     !(r[i].val & PROT_EXEC)))
				fail_msg("%s is not kept from PROT_EXEC",
					 r[i].sys);
			if (!strcmp(r[i].sys, "clone") &&
			    r[i].classes != POLICY_C)
				fail_msg("only the control thread may clone");
			/* A new thread names itself under the control filter;
			 * its own has no prctl at all. */
			if (!strcmp(r[i].sys, "prctl") &&
			    r[i].classes != POLICY_C)
				fail_msg(
				    "prctl beyond the control thread's filter");
			if (strstr(r[i].sys, "socket"))
				fail_msg("%s allowed: no device needs a socket",
					 r[i].sys);
		}
	}
}

/* The dialer's allowlist is exactly its few calls; socket only for unix
 * sockets; openat only with a --disk image's flags, or to create a new
 * file for a snapshot (O_CREAT only with O_EXCL; no O_TRUNC, no O_PATH: it
 * changes no existing file and walks nothing); and no other table can
 * make a socket, connect or open. */
static void test_dialer(void **s)
{
	(void)s;
	static const char *const want[] = {
	    "read",   "socket", "connect",    "sendmsg", "close",
	    "openat", "openat", "openat",     "openat",	 "openat",
	    "fcntl",  "fstat",	"newfstatat", "flock",	 "exit_group"};
	const uint64_t disk = O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
	const uint64_t flags[] = {
	    O_RDONLY | disk, O_RDWR | disk, O_RDONLY | disk | O_DIRECT,
	    O_RDWR | disk | O_DIRECT, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC};
	size_t n, opens = 0;
	const struct policy_rule *r = policy_dialer_rules(&n);
	assert_int_equal(n, ARRAY_SIZE(want));
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(r[i].sys, want[i]);
		if (!strcmp(r[i].sys, "socket") &&
		    (r[i].cmp != POLICY_EQ || r[i].arg != 0 ||
		     r[i].val != AF_UNIX))
			fail_msg("dialer: socket beyond AF_UNIX");
		if (!strcmp(r[i].sys, "openat")) {
			assert_int_equal(r[i].cmp, POLICY_EQ);
			assert_int_equal(r[i].arg, 2);
			assert_int_equal(r[i].val, flags[opens]);
			assert_false(
			    (r[i].val & O_TRUNC) || (r[i].val & O_PATH) ||
			    ((r[i].val & O_CREAT) && !(r[i].val & O_EXCL)));
			opens++;
		}
	}
	assert_int_equal(opens, ARRAY_SIZE(flags));
	for (int which = 0; which < TABLES; which++) {
		if (which == TABLE_DIALER)
			continue;
		const struct policy_rule *o = all_rules(which, &n);
		for (size_t i = 0; i < n; i++)
			if (!strcmp(o[i].sys, "socket") ||
			    !strcmp(o[i].sys, "connect"))
				fail_msg("the %s allowlist has %s",
					 table_names[which], o[i].sys);
	}
}

/* The device types' calls all fit the table, and each type's is there. */
static void test_device_rules(void **s)
{
	(void)s;
	struct policy_rule dev[POLICY_DEVICE_RULES_MAX];
	size_t n = policy_device_rules(dev), want = 0;
	for (const struct vdev_type *const *t = vdev_types; *t; t++)
		want += (*t)->nsyscalls;
	assert_int_equal(n, want);
	/* virtio-rng's getrandom is one of them, for the device threads. */
	bool found = false;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(dev[i].sys, "getrandom") &&
		    dev[i].classes == (POLICY_V | POLICY_I))
			found = true;
	assert_true(found);
}

/* Is ioctl request `name` allowed to class cls? */
static bool ioctl_allowed(enum vm_thread_class cls, const char *name)
{
	size_t n;
	const struct policy_rule *r = policy_rules(&n);
	for (size_t i = 0; i < n; i++)
		if (!strcmp(r[i].sys, "ioctl") && r[i].val_name &&
		    !strcmp(r[i].val_name, name) && policy_applies(&r[i], cls))
			return true;
	return false;
}

static void test_ioctls_per_class(void **s)
{
	(void)s;
	assert_true(ioctl_allowed(VM_THREAD_VCPU, "KVM_RUN"));
	assert_true(ioctl_allowed(VM_THREAD_CONTROL, "KVM_CREATE_VM"));
	assert_false(ioctl_allowed(VM_THREAD_IO, "KVM_RUN"));
	static const char *const vm_only[] = {
	    "KVM_CREATE_VM", "KVM_CREATE_VCPU", "KVM_SET_USER_MEMORY_REGION",
	    "KVM_IOEVENTFD", "KVM_IRQFD",	"KVM_SET_CPUID2",
	    "KVM_SET_MSRS",
	};
	for (size_t i = 0; i < ARRAY_SIZE(vm_only); i++) {
		if (ioctl_allowed(VM_THREAD_VCPU, vm_only[i]) ||
		    ioctl_allowed(VM_THREAD_IO, vm_only[i]))
			fail_msg("%s allowed on a vCPU or I/O thread",
				 vm_only[i]);
	}
	/* A vCPU writes back the registers of an instruction vmm completed
	 * (backends/x86); the I/O thread never touches a vCPU's state. */
	static const char *const not_io[] = {"KVM_SET_REGS", "KVM_SET_SREGS"};
	for (size_t i = 0; i < ARRAY_SIZE(not_io); i++)
		if (ioctl_allowed(VM_THREAD_IO, not_io[i]))
			fail_msg("%s allowed on the I/O thread", not_io[i]);
}

/* Every rule of a vCPU or I/O thread is also the control thread's (it
 * creates them, and filters stack). */
static void test_control_superset(void **s)
{
	(void)s;
	size_t n;
	const struct policy_rule *r = policy_rules(&n);
	for (size_t i = 0; i < n; i++)
		assert_true(policy_applies(&r[i], VM_THREAD_CONTROL));
	assert_string_equal(policy_class_name(VM_THREAD_VCPU), "vcpu");
}

/* The supervisor's list: small, its signals only to the child, its
 * ioctls the terminal's, no thread or process, no file, no memory. */
static void test_supervisor(void **s)
{
	(void)s;
	size_t n;
	const struct policy_rule *r = policy_supervisor_rules(&n);
	assert_true(n > 0 && n <= 16);
	bool kill = false, wait = false;
	for (size_t i = 0; i < n; i++) {
		const char *c = r[i].sys;
		if (!strcmp(c, "kill") || !strcmp(c, "wait4")) {
			if (r[i].cmp != POLICY_CHILD || r[i].arg != 0)
				fail_msg("supervisor: %s not only to the child",
					 c);
			kill |= !strcmp(c, "kill");
			wait |= !strcmp(c, "wait4");
		}
		if (!strcmp(c, "tgkill") && r[i].cmp != POLICY_SELF)
			fail_msg("supervisor: tgkill beyond itself");
		if (!strcmp(c, "ioctl") && (r[i].cmp != POLICY_EQ ||
					    (strcmp(r[i].val_name, "TCSETS") &&
					     strcmp(r[i].val_name, "TCGETS"))))
			fail_msg("supervisor: ioctl %s", r[i].val_name);
		static const char *const none[] = {
		    "clone", "clone3", "mmap",	 "mprotect", "brk",
		    "open",  "openat", "socket", "seccomp",  "rt_sigaction",
		};
		for (size_t k = 0; k < ARRAY_SIZE(none); k++)
			if (!strcmp(c, none[k]))
				fail_msg("supervisor: %s allowed", c);
	}
	assert_true(kill && wait);
}

/* The API thread's list: sockets only through accept4 on the listening
 * socket it is given (non-blocking, close-on-exec), no ioctl (no KVM:
 * pausing goes through vm_pause's locks and kicks), no file, no thread,
 * no process, no executable memory, no new filter. And accept4 is the
 * API thread's alone. */
static void test_api(void **s)
{
	(void)s;
	size_t n;
	const struct policy_rule *r = policy_api_rules(&n);
	assert_true(n > 0 && n <= 32);
	bool accept = false;
	for (size_t i = 0; i < n; i++) {
		const char *c = r[i].sys;
		if (!strcmp(c, "accept4")) {
			accept = true;
			assert_int_equal(r[i].cmp, POLICY_EQ);
			assert_int_equal(r[i].arg, 3);
			assert_int_equal(r[i].val,
					 SOCK_NONBLOCK | SOCK_CLOEXEC);
		}
		if (!strcmp(c, "tgkill") && r[i].cmp != POLICY_SELF)
			fail_msg("api: tgkill beyond this process");
		if ((!strcmp(c, "mmap") || !strcmp(c, "mprotect")) &&
		    (r[i].cmp != POLICY_NOBITS || r[i].val != PROT_EXEC))
			fail_msg("api: %s may map executable memory", c);
		static const char *const none[] = {
		    "ioctl",   "clone",	     "clone3",	     "open",   "openat",
		    "socket",  "connect",    "bind",	     "listen", "accept",
		    "seccomp", "prctl",	     "rt_sigaction", "execve", "unlink",
		    "kill",    "exit_group",
		};
		for (size_t k = 0; k < ARRAY_SIZE(none); k++)
			if (!strcmp(c, none[k]))
				fail_msg("api: %s allowed", c);
	}
	assert_true(accept);
	/* Elsewhere only virtio-vsock's, on its listening socket, in the
	 * same one form (test_never checks the form). */
	for (int which = 0; which < TABLES; which++) {
		if (which == TABLE_API)
			continue;
		const struct policy_rule *o = all_rules(which, &n);
		for (size_t i = 0; i < n; i++)
			if (!strcmp(o[i].sys, "accept4") &&
			    (which != TABLE_DEVICES ||
			     strncmp(o[i].why, "virtio-vsock:", 13)))
				fail_msg("the %s allowlist has accept4",
					 table_names[which]);
	}
}

/* The rows between `<!-- NAME:begin -->` and `<!-- NAME:end -->` in
 * docs/security.md are exactly the table's. */
static void check_doc_table(const char *doc, const char *name, int which)
{
	char begin[64], end[64], row[512];
	snprintf(begin, sizeof(begin), "<!-- %s:begin -->", name);
	snprintf(end, sizeof(end), "<!-- %s:end -->", name);
	const char *b = strstr(doc, begin), *e = strstr(doc, end);
	if (!b || !e || e < b)
		fail_msg("docs/security.md lacks %s ... %s", begin, end);
	size_t n;
	const struct policy_rule *r = all_rules(which, &n);
	const char *p = b;
	size_t rows = 0;
	while ((p = strstr(p, "\n| `")) && p < e) {
		p++;
		const char *nl = strchr(p, '\n');
		size_t len = (size_t)(nl - p);
		if (rows >= n)
			fail_msg("docs/security.md %s: more rows than the "
				 "policy has: %.*s",
				 name, (int)len, p);
		rule_row(&r[rows], row, sizeof(row));
		if (strlen(row) != len || strncmp(row, p, len))
			fail_msg("docs/security.md %s row %zu:\n  doc:  %.*s\n"
				 "  code: %s\n(test_sandbox_policy --markdown "
				 "prints the tables)",
				 name, rows + 1, (int)len, p, row);
		rows++;
	}
	if (rows != n)
		fail_msg("docs/security.md %s: %zu rows, the policy has %zu",
			 name, rows, n);
}

static void test_docs_match(void **s)
{
	(void)s;
	FILE *f = fopen(DOC_PATH, "r");
	if (!f)
		fail_msg("cannot open %s", DOC_PATH);
	static char doc[256 * 1024];
	size_t len = fread(doc, 1, sizeof(doc) - 1, f);
	fclose(f);
	doc[len] = '\0';
	for (int which = 0; which < TABLES; which++)
		check_doc_table(doc, table_names[which], which);
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "--markdown") == 0) {
		for (int which = 0; which < TABLES; which++) {
			size_t n;
			const struct policy_rule *r = all_rules(which, &n);
			printf("%s<!-- %s:begin -->\n", which ? "\n" : "",
			       table_names[which]);
			print_table(r, n);
			printf("<!-- %s:end -->\n", table_names[which]);
		}
		return 0;
	}
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_never),
	    cmocka_unit_test(test_never_exceptions),
	    cmocka_unit_test(test_supervisor),
	    cmocka_unit_test(test_api),
	    cmocka_unit_test(test_rules_well_formed),
	    cmocka_unit_test(test_constrained),
	    cmocka_unit_test(test_ioctls_per_class),
	    cmocka_unit_test(test_control_superset),
	    cmocka_unit_test(test_docs_match),
	    cmocka_unit_test(test_device_rules),
	    cmocka_unit_test(test_dialer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
