/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for the command-line parser (vmm/app/cli.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "devices/virtio/vdev_type.h"
#include "vmm/app/cli.h"
#include "vmm/vm/config.h"

static char err[256];

/* argv is NULL-terminated; argv[0] is the program name. */
static int parse_argv(struct vm_config *cfg, char **argv)
{
	int argc = 0;
	while (argv[argc])
		argc++;
	memset(err, 'Z', sizeof(err) - 1);
	err[sizeof(err) - 1] = '\0';
	return cli_parse(argc, argv, cfg, err, sizeof(err));
}

#define PARSE(cfg, ...) parse_argv((cfg), (char *[]){"vmm", __VA_ARGS__, NULL})
/* With the two required options in front. */
#define PARSE_REQ(cfg, ...)                                                    \
	PARSE((cfg), "--accel", "kvm", "--kernel", "bzImage", __VA_ARGS__)

/* cli_parse failed with -EINVAL and a message naming `opt`. */
#define assert_bad(rc, opt)                                                    \
	do {                                                                   \
		assert_int_equal((rc), -EINVAL);                               \
		if (!strstr(err, (opt)))                                       \
			fail_msg("error '%s' does not name '%s'", err, (opt)); \
	} while (0)

static void check_defaults(const struct vm_config *c)
{
	assert_null(c->initrd);
	assert_non_null(c->cmdline);
	assert_string_equal(c->cmdline, CONFIG_DEFAULT_CMDLINE);
	assert_int_equal(c->mem_mib, CONFIG_DEFAULT_MEM_MIB);
	assert_int_equal(c->cpus, 1);
	assert_int_equal(c->serial, SERIAL_STDIO);
	assert_null(c->serial_path);
	assert_int_equal(c->on_reset, RESET_EXIT);
	assert_false(c->mem_merge);
	assert_int_equal(c->log_level, LOG_WARN);
	assert_false(c->help);
	assert_false(c->version);
}

static void test_defaults(void **state)
{
	(void)state;
	struct vm_config c;

	memset(&c, 0xa5, sizeof(c));
	cli_defaults(&c);
	assert_null(c.accel);
	assert_null(c.kernel);
	check_defaults(&c);

	memset(&c, 0xa5, sizeof(c));
	assert_int_equal(PARSE(&c, "--accel", "kvm", "--kernel", "bzImage"), 0);
	assert_string_equal(c.accel, "kvm");
	assert_string_equal(c.kernel, "bzImage");
	check_defaults(&c);

	/* Order does not matter. */
	assert_int_equal(PARSE(&c, "--kernel", "k", "--accel", "a"), 0);
	assert_string_equal(c.accel, "a");
	assert_string_equal(c.kernel, "k");
}

static void test_values_point_into_argv(void **state)
{
	(void)state;
	struct vm_config c;
	char accel[] = "kvm", kernel[] = "/boot/vmlinuz";
	char *argv[] = {"vmm", "--accel", accel, "--kernel", kernel, NULL};

	assert_int_equal(parse_argv(&c, argv), 0);
	assert_ptr_equal(c.accel, accel);
	assert_ptr_equal(c.kernel, kernel);
}

/* Every valued option in both forms. `form` 0 is "--opt v", 1 "--opt=v". */
static int parse_opt(struct vm_config *c, int form, const char *opt,
		     const char *val)
{
	static char joined[512];
	if (form == 0)
		return PARSE_REQ(c, (char *)opt, (char *)val);
	snprintf(joined, sizeof(joined), "%s=%s", opt, val);
	return PARSE_REQ(c, joined);
}

static void test_every_option_both_forms(void **state)
{
	(void)state;
	struct vm_config c;

	for (int form = 0; form < 2; form++) {
		assert_int_equal(
		    parse_opt(&c, form, "--initrd", "/tmp/initrd.img"), 0);
		assert_string_equal(c.initrd, "/tmp/initrd.img");

		assert_int_equal(
		    parse_opt(&c, form, "--cmdline", "console=hvc0 quiet"), 0);
		assert_string_equal(c.cmdline, "console=hvc0 quiet");
		/* An '=' in the value belongs to the value. */
		assert_int_equal(
		    parse_opt(&c, form, "--cmdline", "root=/dev/vda a=b"), 0);
		assert_string_equal(c.cmdline, "root=/dev/vda a=b");

		assert_int_equal(parse_opt(&c, form, "--mem", "512"), 0);
		assert_int_equal(c.mem_mib, 512);
		assert_int_equal(parse_opt(&c, form, "--mem", "8"), 0);
		assert_int_equal(c.mem_mib, CONFIG_MIN_MEM_MIB);
		assert_int_equal(parse_opt(&c, form, "--mem", "1048576"), 0);
		assert_int_equal(c.mem_mib, CONFIG_MAX_MEM_MIB);
		assert_int_equal(parse_opt(&c, form, "--mem", "4608"), 0);
		assert_int_equal(c.mem_mib, 4608);
		assert_int_equal(parse_opt(&c, form, "--mem", "0128"), 0);
		assert_int_equal(c.mem_mib, 128);

		assert_int_equal(parse_opt(&c, form, "--cpus", "4"), 0);
		assert_int_equal(c.cpus, 4);
		assert_int_equal(parse_opt(&c, form, "--cpus", "1"), 0);
		assert_int_equal(c.cpus, 1);
		assert_int_equal(parse_opt(&c, form, "--cpus", "64"), 0);
		assert_int_equal(c.cpus, CONFIG_MAX_CPUS);

		assert_int_equal(parse_opt(&c, form, "--serial", "none"), 0);
		assert_int_equal(c.serial, SERIAL_NONE);
		assert_int_equal(parse_opt(&c, form, "--serial", "stdio"), 0);
		assert_int_equal(c.serial, SERIAL_STDIO);
		assert_int_equal(
		    parse_opt(&c, form, "--serial", "file:/tmp/con.log"), 0);
		assert_int_equal(c.serial, SERIAL_FILE);
		assert_string_equal(c.serial_path, "/tmp/con.log");
		assert_int_equal(parse_opt(&c, form, "--serial", "file:a=b"),
				 0);
		assert_string_equal(c.serial_path, "a=b");

		assert_int_equal(parse_opt(&c, form, "--on-reset", "restart"),
				 0);
		assert_int_equal(c.on_reset, RESET_RESTART);
		assert_int_equal(parse_opt(&c, form, "--on-reset", "exit"), 0);
		assert_int_equal(c.on_reset, RESET_EXIT);

		static const struct {
			const char *name;
			enum log_level level;
		} levels[] = {{"none", LOG_NONE},
			      {"error", LOG_ERROR},
			      {"warn", LOG_WARN},
			      {"info", LOG_INFO},
			      {"debug", LOG_DEBUG}};
		for (unsigned i = 0; i < 5; i++) {
			assert_int_equal(
			    parse_opt(&c, form, "--log", levels[i].name), 0);
			assert_int_equal(c.log_level, levels[i].level);
		}

		/* The required options themselves. */
		char a[64], k[64];
		if (form == 0) {
			assert_int_equal(PARSE(&c, "--accel", "kvm2",
					       "--kernel", "/k/vmlinux"),
					 0);
		} else {
			snprintf(a, sizeof(a), "--accel=kvm2");
			snprintf(k, sizeof(k), "--kernel=/k/vmlinux");
			assert_int_equal(PARSE(&c, a, k), 0);
		}
		assert_string_equal(c.accel, "kvm2");
		assert_string_equal(c.kernel, "/k/vmlinux");
	}

	/* The flag. */
	assert_int_equal(PARSE_REQ(&c, "--mem-merge"), 0);
	assert_true(c.mem_merge);

	/* All of them at once, mixing the forms. */
	assert_int_equal(PARSE(&c, "--accel=kvm", "--kernel", "vmlinux",
			       "--initrd=rd", "--cmdline", "x", "--mem=64",
			       "--cpus", "2", "--serial=none", "--on-reset",
			       "restart", "--log=debug", "--mem-merge"),
			 0);
	assert_string_equal(c.accel, "kvm");
	assert_string_equal(c.kernel, "vmlinux");
	assert_string_equal(c.initrd, "rd");
	assert_string_equal(c.cmdline, "x");
	assert_int_equal(c.mem_mib, 64);
	assert_int_equal(c.cpus, 2);
	assert_int_equal(c.serial, SERIAL_NONE);
	assert_int_equal(c.on_reset, RESET_RESTART);
	assert_int_equal(c.log_level, LOG_DEBUG);
	assert_true(c.mem_merge);
	assert_false(c.help);
	assert_false(c.version);
}

static void test_bad_mem(void **state)
{
	(void)state;
	struct vm_config c;
	static const char *const bad[] = {
	    "7", /* below the minimum */
	    "0",
	    "1048577", /* above 1 TiB */
	    "4294967296",
	    "abc",
	    "-1", /* negative */
	    "-128",
	    "+128",
	    "128M", /* suffix */
	    "1G",
	    "128 ",
	    " 128",
	    "0x100",
	    "12.5",
	    "",
	    "18446744073709551615", /* 2^64 - 1 */
	    "18446744073709551616", /* 2^64 */
	    "18446744073709551744", /* 2^64 + 128: wraps to 128 mod 2^64 */
	    "99999999999999999999999999",
	};
	for (int form = 0; form < 2; form++) {
		for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			int rc = parse_opt(&c, form, "--mem", bad[i]);
			assert_bad(rc, "--mem");
		}
	}
}

static void test_bad_cpus(void **state)
{
	(void)state;
	struct vm_config c;
	static const char *const bad[] = {
	    "0",    "65",	  "abc",
	    "-1",   "",		  "2x",
	    "1000", "4294967297", "18446744073709551617"};
	for (int form = 0; form < 2; form++) {
		for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			int rc = parse_opt(&c, form, "--cpus", bad[i]);
			assert_bad(rc, "--cpus");
		}
	}
}

static void test_bad_enums(void **state)
{
	(void)state;
	struct vm_config c;

	for (int form = 0; form < 2; form++) {
		assert_bad(parse_opt(&c, form, "--serial", "bogus"),
			   "--serial");
		assert_bad(parse_opt(&c, form, "--serial", "file:"),
			   "--serial");
		assert_bad(parse_opt(&c, form, "--serial", "file"), "--serial");
		assert_bad(parse_opt(&c, form, "--serial", ""), "--serial");
		assert_bad(parse_opt(&c, form, "--serial", "STDIO"),
			   "--serial");
		assert_bad(parse_opt(&c, form, "--on-reset", "bogus"),
			   "--on-reset");
		assert_bad(parse_opt(&c, form, "--on-reset", ""), "--on-reset");
		assert_bad(parse_opt(&c, form, "--log", "bogus"), "--log");
		assert_bad(parse_opt(&c, form, "--log", ""), "--log");
		assert_bad(parse_opt(&c, form, "--log", "5"), "--log");
		/* Empty paths and backend names. */
		assert_bad(parse_opt(&c, form, "--initrd", ""), "--initrd");
		assert_bad(parse_opt(&c, form, "--kernel", ""), "--kernel");
		assert_bad(parse_opt(&c, form, "--accel", ""), "--accel");
	}
}

static void test_unknown_option(void **state)
{
	(void)state;
	struct vm_config c;

	assert_bad(PARSE_REQ(&c, "--bogus"), "--bogus");
	assert_bad(PARSE_REQ(&c, "--bogus=1"), "--bogus");
	/* Prefixes and near-misses of real options are not options. */
	assert_bad(PARSE_REQ(&c, "--me", "64"), "--me");
	assert_bad(PARSE_REQ(&c, "--memory", "64"), "--memory");
	assert_bad(PARSE_REQ(&c, "--mem-mergex"), "--mem-mergex");
	assert_bad(PARSE_REQ(&c, "--MEM", "64"), "--MEM");
	/* Before the required options are seen. */
	assert_bad(PARSE(&c, "--bogus"), "--bogus");

	/* A very long unknown name (longer than err) is still reported. */
	char longopt[600];
	memset(longopt, 'q', sizeof(longopt) - 1);
	longopt[0] = longopt[1] = '-';
	longopt[sizeof(longopt) - 1] = '\0';
	assert_bad(PARSE(&c, longopt), "--qqqq");
}

static void test_missing_value(void **state)
{
	(void)state;
	struct vm_config c;
	static const char *const valued[] = {
	    "--accel", "--kernel", "--initrd",	 "--cmdline", "--mem",
	    "--cpus",  "--serial", "--on-reset", "--log"};
	for (unsigned i = 0; i < sizeof(valued) / sizeof(valued[0]); i++) {
		int rc = PARSE_REQ(&c, (char *)valued[i]);
		assert_bad(rc, valued[i]);
	}
}

static void test_value_for_flag(void **state)
{
	(void)state;
	struct vm_config c;

	assert_bad(PARSE(&c, "--help=1"), "--help");
	assert_bad(PARSE(&c, "--help="), "--help");
	assert_bad(PARSE(&c, "--version=yes"), "--version");
	assert_bad(PARSE_REQ(&c, "--mem-merge=1"), "--mem-merge");
}

static void test_positional(void **state)
{
	(void)state;
	struct vm_config c;

	assert_bad(PARSE_REQ(&c, "bzImage2"), "bzImage2");
	assert_bad(PARSE(&c, "bzImage", "--accel", "kvm"), "bzImage");
	assert_bad(PARSE_REQ(&c, "-m"), "-m");
	assert_int_equal(PARSE_REQ(&c, "--"), -EINVAL);
	assert_int_equal(PARSE_REQ(&c, "-"), -EINVAL);
	assert_int_equal(PARSE_REQ(&c, ""), -EINVAL);
	/* Even with --help: a bad argument is still an error. */
	assert_int_equal(PARSE(&c, "--help", "stray"), -EINVAL);
}

static void test_required(void **state)
{
	(void)state;
	struct vm_config c;

	/* --accel defaults to kvm (Firecracker's clients never pass it). */
	assert_int_equal(PARSE(&c, "--kernel", "k"), 0);
	assert_string_equal(c.accel, "kvm");
	assert_bad(PARSE(&c, "--accel", "kvm"), "--kernel");
	assert_int_equal(PARSE(&c, "--mem", "64"), -EINVAL);
	assert_int_equal(parse_argv(&c, (char *[]){"vmm", NULL}), -EINVAL);
	assert_true(strstr(err, "--accel") || strstr(err, "--kernel"));
	/* argc 0 (no argv[0] at all) behaves like no options. */
	assert_int_equal(cli_parse(0, (char *[]){NULL}, &c, err, sizeof(err)),
			 -EINVAL);
}

/* --api-sock and --id (vmm/api/cli_api.c): the API configures the VM. */
static void test_api_sock(void **state)
{
	(void)state;
	struct vm_config c;

	assert_int_equal(PARSE(&c, "--api-sock", "/run/fc.sock"), 0);
	assert_string_equal(c.api_sock, "/run/fc.sock");
	assert_string_equal(c.accel, "kvm");
	assert_null(c.kernel);
	assert_string_equal(c.id, "anonymous-instance");
	assert_int_equal(PARSE(&c, "--api-sock", "/s", "--id", "vm-1"), 0);
	assert_string_equal(c.id, "vm-1");
	assert_bad(PARSE(&c, "--api-sock", "/s", "--id", "a_b"), "--id");
	assert_bad(PARSE(&c, "--api-sock", "/s", "--id", ""), "--id");
	assert_bad(PARSE(&c, "--api-sock", ""), "--api-sock");
	char longp[200];
	memset(longp, 'a', sizeof(longp) - 1);
	longp[sizeof(longp) - 1] = '\0';
	assert_bad(PARSE(&c, "--api-sock", longp), "--api-sock");
	assert_bad(PARSE(&c, "--api-sock", "/s", "--kernel", "k"), "--kernel");
	assert_bad(PARSE(&c, "--api-sock", "/s", "--disk", "d"), "--disk");
	assert_bad(PARSE(&c, "--api-sock", "/s", "--jail", "/j"), "--jail");
	assert_bad(PARSE(&c, "--api-sock", "/s", "--uid", "1", "--gid", "1"),
		   "--uid");
}

/* Firecracker's other process flags (vmm/api/cli_api.c). */
static void test_fc_flags(void **state)
{
	(void)state;
	struct vm_config c;
	static const struct {
		char *name;
		enum log_level level;
	} levels[] = {{"Off", LOG_NONE},     {"Error", LOG_ERROR},
		      {"Warning", LOG_WARN}, {"info", LOG_INFO},
		      {"DEBUG", LOG_DEBUG},  {"Trace", LOG_DEBUG}};

	for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
		assert_int_equal(
		    PARSE(&c, "--api-sock", "/s", "--level", levels[i].name),
		    0);
		assert_int_equal(c.log_level, levels[i].level);
	}
	assert_bad(PARSE(&c, "--api-sock", "/s", "--level", "Loud"), "--level");
	assert_int_equal(PARSE(&c, "--api-sock", "/s", "--log-path", "/l",
			       "--metrics-path", "/m", "--boot-timer"),
			 0);
	assert_string_equal(c.log_path, "/l");
	assert_string_equal(c.metrics_path, "/m");
	assert_true(c.boot_timer);
	assert_bad(PARSE(&c, "--api-sock", "/s", "--log-path", ""),
		   "--log-path");
	assert_bad(PARSE(&c, "--api-sock", "/s", "--metrics-path", ""),
		   "--metrics-path");
	assert_bad(PARSE(&c, "--api-sock", "/s", "--boot-timer=1"),
		   "--boot-timer");
	assert_int_equal(PARSE(&c, "--api-sock", "/s"), 0);
	assert_int_equal(c.metrics_interval_s, 60);
	assert_int_equal(
	    PARSE(&c, "--api-sock", "/s", "--metrics-interval", "1"), 0);
	assert_int_equal(c.metrics_interval_s, 1);
	assert_int_equal(
	    PARSE(&c, "--api-sock", "/s", "--metrics-interval", "3600"), 0);
	assert_int_equal(c.metrics_interval_s, 3600);
	static char *const bad_intervals[] = {
	    "0", "3601", "-1", "1s", "", "99999999999999999999"};
	for (size_t i = 0; i < sizeof(bad_intervals) / sizeof(bad_intervals[0]);
	     i++)
		assert_bad(PARSE(&c, "--api-sock", "/s", "--metrics-interval",
				 bad_intervals[i]),
			   "--metrics-interval");
	/* Without the API nothing would write the metrics. */
	assert_bad(PARSE(&c, "--kernel", "k", "--metrics-path", "/m"),
		   "--metrics-path needs --api-sock");
	/* The log path and level work on the command line alone too. */
	assert_int_equal(
	    PARSE(&c, "--kernel", "k", "--log-path", "/l", "--level", "Info"),
	    0);
	assert_string_equal(c.log_path, "/l");
	assert_int_equal(c.log_level, LOG_INFO);
}

static void test_help_version(void **state)
{
	(void)state;
	struct vm_config c;

	assert_int_equal(PARSE(&c, "--help"), 0);
	assert_true(c.help);
	assert_false(c.version);
	assert_null(c.accel);

	assert_int_equal(PARSE(&c, "-h"), 0);
	assert_true(c.help);
	assert_false(c.version);

	assert_int_equal(PARSE(&c, "--version"), 0);
	assert_true(c.version);
	assert_false(c.help);
	assert_null(c.kernel);

	/* With other valid options, and with only some required ones. */
	assert_int_equal(PARSE(&c, "--mem", "64", "-h", "--kernel", "k"), 0);
	assert_true(c.help);
	assert_int_equal(c.mem_mib, 64);
	assert_int_equal(PARSE(&c, "--accel", "kvm", "--version"), 0);
	assert_true(c.version);

	/* A bad value is still reported. */
	assert_bad(PARSE(&c, "--help", "--cpus", "0"), "--cpus");

	/* -h is only -h. */
	assert_int_equal(PARSE(&c, "-help"), -EINVAL);
	assert_int_equal(PARSE(&c, "-hh"), -EINVAL);
}

static void test_repeated_last_wins(void **state)
{
	(void)state;
	struct vm_config c;

	assert_int_equal(PARSE_REQ(&c, "--mem", "64", "--mem=256"), 0);
	assert_int_equal(c.mem_mib, 256);
	assert_int_equal(PARSE_REQ(&c, "--cpus=8", "--cpus", "2"), 0);
	assert_int_equal(c.cpus, 2);
	assert_int_equal(
	    PARSE_REQ(&c, "--serial", "file:a", "--serial", "none"), 0);
	assert_int_equal(c.serial, SERIAL_NONE);
	assert_int_equal(
	    PARSE_REQ(&c, "--serial", "file:a", "--serial", "file:b"), 0);
	assert_int_equal(c.serial, SERIAL_FILE);
	assert_string_equal(c.serial_path, "b");
	assert_int_equal(PARSE_REQ(&c, "--log", "debug", "--log", "error"), 0);
	assert_int_equal(c.log_level, LOG_ERROR);
	assert_int_equal(PARSE(&c, "--accel", "a", "--kernel", "k1", "--kernel",
			       "k2", "--accel=b"),
			 0);
	assert_string_equal(c.accel, "b");
	assert_string_equal(c.kernel, "k2");
	/* A later bad value is an error even after a good one. */
	assert_bad(PARSE_REQ(&c, "--mem", "64", "--mem", "1"), "--mem");
}

static void test_empty_cmdline(void **state)
{
	(void)state;
	struct vm_config c;

	assert_int_equal(PARSE_REQ(&c, "--cmdline", ""), 0);
	assert_non_null(c.cmdline);
	assert_string_equal(c.cmdline, "");
	assert_int_equal(PARSE_REQ(&c, "--cmdline="), 0);
	assert_non_null(c.cmdline);
	assert_string_equal(c.cmdline, "");
	/* A value that looks like an option is still the value. */
	assert_int_equal(PARSE_REQ(&c, "--cmdline", "--mem"), 0);
	assert_string_equal(c.cmdline, "--mem");
	assert_int_equal(c.mem_mib, CONFIG_DEFAULT_MEM_MIB);
}

static void test_err_buffer(void **state)
{
	(void)state;
	struct vm_config c;
	char small[8];
	char *argv[] = {"vmm", "--cpus", "0", NULL};

	/* Truncated but terminated, and nothing written past errlen. */
	memset(small, 'Z', sizeof(small));
	assert_int_equal(cli_parse(3, argv, &c, small, 5), -EINVAL);
	assert_int_equal(strlen(small), 4);
	assert_int_equal(small[5], 'Z');
	assert_memory_equal(small, "--cp", 4);

	/* No error buffer at all. */
	assert_int_equal(cli_parse(3, argv, &c, NULL, 0), -EINVAL);
	char *ok[] = {"vmm", "--accel", "kvm", "--kernel", "k", NULL};
	assert_int_equal(cli_parse(5, ok, &c, NULL, 0), 0);
}

static void test_usage(void **state)
{
	(void)state;
	static char buf[16384];
	memset(buf, 0, sizeof(buf));
	FILE *f = fmemopen(buf, sizeof(buf) - 1, "w");
	assert_non_null(f);
	cli_usage(f);
	fclose(f);
	assert_true(strlen(buf) < sizeof(buf) - 2);
	/* The flag device types' lines, from the table. */
	for (const struct vdev_type *const *t = vdev_types; *t; t++)
		if ((*t)->option && !strstr(buf, (*t)->usage))
			fail_msg("usage lacks the %s type's lines", (*t)->name);
	/* Every option the parser accepts is documented. */
	static const char *const opts[] = {
	    "--accel", "--kernel",  "--initrd",	  "--cmdline", "--mem",
	    "--cpus",  "--serial",  "--on-reset", "--log",     "--mem-merge",
	    "--help",  "--version", "-h"};
	for (unsigned i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		if (!strstr(buf, opts[i]))
			fail_msg("usage does not mention %s", opts[i]);
}

/* Each flag device type's --OPTION turns that type on, once. */
static void test_flag_devices(void **state)
{
	(void)state;
	for (const struct vdev_type *const *t = vdev_types; *t; t++) {
		if (!(*t)->option)
			continue;
		char opt[64];
		snprintf(opt, sizeof(opt), "--%s", (*t)->option);
		char *argv[] = {"vmm", "--kernel", "k", opt, opt, NULL};
		struct vm_config c;
		char err[256];
		assert_int_equal(cli_parse(5, argv, &c, err, sizeof(err)), 0);
		assert_int_equal(c.ndevs, 1);
		assert_ptr_equal(c.devs[0], *t);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults),
	    cmocka_unit_test(test_flag_devices),
	    cmocka_unit_test(test_values_point_into_argv),
	    cmocka_unit_test(test_every_option_both_forms),
	    cmocka_unit_test(test_bad_mem),
	    cmocka_unit_test(test_bad_cpus),
	    cmocka_unit_test(test_bad_enums),
	    cmocka_unit_test(test_unknown_option),
	    cmocka_unit_test(test_missing_value),
	    cmocka_unit_test(test_value_for_flag),
	    cmocka_unit_test(test_positional),
	    cmocka_unit_test(test_required),
	    cmocka_unit_test(test_api_sock),
	    cmocka_unit_test(test_fc_flags),
	    cmocka_unit_test(test_help_version),
	    cmocka_unit_test(test_repeated_last_wins),
	    cmocka_unit_test(test_empty_cmdline),
	    cmocka_unit_test(test_err_buffer),
	    cmocka_unit_test(test_usage),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
