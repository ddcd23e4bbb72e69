/* SPDX-License-Identifier: Apache-2.0 */
/* The sandbox's command-line options: defaults, values, errors. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "vmm/app/cli.h"
#include "vmm/sandbox/cli_sandbox.h"

static int parse(struct vm_config *c, char *err, size_t errlen, ...)
{
	char *argv[32] = {"vmm", "--accel", "kvm", "--kernel", "k"};
	int argc = 5;
	va_list ap;
	va_start(ap, errlen);
	for (char *a; argc < 31 && (a = va_arg(ap, char *));)
		argv[argc++] = a;
	va_end(ap);
	return cli_parse(argc, argv, c, err, errlen);
}

static void test_defaults_sandboxed(void **s)
{
	(void)s;
	struct vm_config c;
	char err[256];
	assert_int_equal(parse(&c, err, sizeof(err), NULL), 0);
	assert_int_equal(c.sandbox.seccomp, SANDBOX_SECCOMP_ENFORCE);
	assert_null(c.sandbox.jail);
	assert_null(c.sandbox.netns);
	assert_false(c.sandbox.set_uid);
	assert_false(c.sandbox.set_gid);
}

static void test_values(void **s)
{
	(void)s;
	struct vm_config c;
	char err[256];
	static const struct {
		const char *v;
		enum sandbox_seccomp m;
	} modes[] = {{"enforce", SANDBOX_SECCOMP_ENFORCE},
		     {"log", SANDBOX_SECCOMP_LOG},
		     {"errno", SANDBOX_SECCOMP_ERRNO},
		     {"off", SANDBOX_SECCOMP_OFF}};
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(parse(&c, err, sizeof(err), "--seccomp",
				       (char *)modes[i].v, NULL),
				 0);
		assert_int_equal(c.sandbox.seccomp, modes[i].m);
	}
	assert_int_equal(parse(&c, err, sizeof(err), "--jail", "/srv/j",
			       "--netns", "blue", "--uid", "65534", "--gid=0",
			       NULL),
			 0);
	assert_string_equal(c.sandbox.jail, "/srv/j");
	assert_string_equal(c.sandbox.netns, "blue");
	assert_true(c.sandbox.set_uid && c.sandbox.uid == 65534);
	assert_true(c.sandbox.set_gid && c.sandbox.gid == 0);
	assert_int_equal(parse(&c, err, sizeof(err), "--uid", "4294967294",
			       "--gid", "4294967294", NULL),
			 0);
	assert_int_equal(c.sandbox.uid, 4294967294u);
	assert_int_equal(c.sandbox.gid, 4294967294u);
}

static void expect_error(const char *opt, const char *val, const char *msg)
{
	struct vm_config c;
	char err[256];
	assert_int_not_equal(
	    parse(&c, err, sizeof(err), (char *)opt, (char *)val, NULL), 0);
	if (!strstr(err, msg))
		fail_msg("%s %s: '%s' lacks '%s'", opt, val, err, msg);
}

static void test_errors(void **s)
{
	(void)s;
	expect_error("--seccomp", "strict",
		     "--seccomp: 'strict' is not enforce, log, errno or off");
	expect_error("--jail", "", "--jail: empty directory");
	expect_error("--netns", "a/b", "--netns: 'a/b' is not a namespace");
	expect_error("--netns", "..", "--netns: '..' is not a namespace");
	expect_error("--uid", "-1", "--uid: '-1' is not a number from 0 to");
	expect_error("--uid", "4294967295", "is not a number");
	expect_error("--gid", "12x", "--gid: '12x' is not a number");
	expect_error("--gid", "", "--gid: '' is not a number");
}

/* --uid and --gid go together: alone, the other id would stay 0. */
static void test_uid_gid_pair(void **s)
{
	(void)s;
	struct vm_config c;
	char err[256];
	assert_int_not_equal(
	    parse(&c, err, sizeof(err), "--uid", "65534", NULL), 0);
	assert_string_equal(err, "--uid needs --gid (the guest would run "
				 "with group 0)");
	assert_int_not_equal(
	    parse(&c, err, sizeof(err), "--gid", "65534", NULL), 0);
	assert_string_equal(err, "--gid needs --uid (the guest would run "
				 "as user 0)");
	/* Both, in either order; and an explicit 0 is the user's choice. */
	assert_int_equal(
	    parse(&c, err, sizeof(err), "--gid", "1", "--uid", "2", NULL), 0);
	assert_int_equal(
	    parse(&c, err, sizeof(err), "--uid", "65534", "--gid", "0", NULL),
	    0);
	/* The check itself, as cli_parse calls it. */
	struct vm_config only = {0};
	only.sandbox.set_uid = true;
	assert_int_equal(cli_sandbox_check(&only, err, sizeof(err)), -EINVAL);
	only.sandbox.set_gid = true;
	assert_int_equal(cli_sandbox_check(&only, err, sizeof(err)), 0);
	only.sandbox.set_uid = false;
	assert_int_equal(cli_sandbox_check(&only, err, sizeof(err)), -EINVAL);
}

static void test_help_mentions(void **s)
{
	(void)s;
	char buf[8192] = {0};
	FILE *f = fmemopen(buf, sizeof(buf) - 1, "w");
	assert_non_null(f);
	cli_usage(f);
	fclose(f);
	static const char *const want[] = {"--seccomp MODE", "--jail DIR",
					   "--netns NAME", "--uid N, --gid N"};
	for (size_t i = 0; i < 4; i++)
		assert_non_null(strstr(buf, want[i]));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults_sandboxed),
	    cmocka_unit_test(test_values),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_uid_gid_pair),
	    cmocka_unit_test(test_help_mentions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
