/* SPDX-License-Identifier: Apache-2.0 */
#include "vmm/cli.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "vmm/errmsg.h"

struct cli_opt {
	const char *name; /* without the leading "--" */
	bool has_value;
	int (*apply)(struct vm_config *cfg, const char *val, char *err,
		     size_t errlen);
};

/* Parse a decimal unsigned integer in [min, max]; no sign, no suffix. */
static bool cli_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		if (__builtin_mul_overflow(v, 10, &v) ||
		    __builtin_add_overflow(v, (uint64_t)(*s - '0'), &v))
			return false;
	}
	if (v < min || v > max)
		return false;
	*out = v;
	return true;
}

static int opt_accel(struct vm_config *c, const char *v, char *e, size_t n)
{
	if (!*v)
		return errmsg(e, n, -EINVAL, "--accel: empty backend name");
	c->accel = v;
	return 0;
}

static int opt_path(const char **dst, const char *opt, const char *v, char *e,
		    size_t n)
{
	if (!*v)
		return errmsg(e, n, -EINVAL, "--%s: empty path", opt);
	*dst = v;
	return 0;
}

static int opt_kernel(struct vm_config *c, const char *v, char *e, size_t n)
{
	return opt_path(&c->kernel, "kernel", v, e, n);
}

static int opt_initrd(struct vm_config *c, const char *v, char *e, size_t n)
{
	return opt_path(&c->initrd, "initrd", v, e, n);
}

static int opt_cmdline(struct vm_config *c, const char *v, char *e, size_t n)
{
	(void)e;
	(void)n;
	c->cmdline = v;
	return 0;
}

static int opt_mem(struct vm_config *c, const char *v, char *e, size_t n)
{
	uint64_t mib;
	if (!cli_uint(v, CONFIG_MIN_MEM_MIB, CONFIG_MAX_MEM_MIB, &mib))
		return errmsg(e, n, -EINVAL,
			       "--mem: '%s' is not a size in MiB from %d to "
			       "%llu",
			       v, CONFIG_MIN_MEM_MIB,
			       (unsigned long long)CONFIG_MAX_MEM_MIB);
	c->mem_mib = mib;
	return 0;
}

static int opt_cpus(struct vm_config *c, const char *v, char *e, size_t n)
{
	uint64_t cpus;
	if (!cli_uint(v, 1, CONFIG_MAX_CPUS, &cpus))
		return errmsg(e, n, -EINVAL,
			       "--cpus: '%s' is not a vCPU count from 1 to %d",
			       v, CONFIG_MAX_CPUS);
	c->cpus = (unsigned)cpus;
	return 0;
}

static int opt_serial(struct vm_config *c, const char *v, char *e, size_t n)
{
	if (strcmp(v, "stdio") == 0) {
		c->serial = SERIAL_STDIO;
	} else if (strcmp(v, "none") == 0) {
		c->serial = SERIAL_NONE;
	} else if (strncmp(v, "file:", 5) == 0 && v[5]) {
		c->serial = SERIAL_FILE;
		c->serial_path = v + 5;
	} else {
		return errmsg(e, n, -EINVAL,
			       "--serial: '%s' is not stdio, none or file:PATH",
			       v);
	}
	return 0;
}

static int opt_on_reset(struct vm_config *c, const char *v, char *e, size_t n)
{
	if (strcmp(v, "exit") == 0)
		c->on_reset = RESET_EXIT;
	else if (strcmp(v, "restart") == 0)
		c->on_reset = RESET_RESTART;
	else
		return errmsg(e, n, -EINVAL, "--on-reset: '%s' is not exit or restart",
			       v);
	return 0;
}

static int opt_log(struct vm_config *c, const char *v, char *e, size_t n)
{
	static const char *const names[] = {"none", "error", "warn", "info",
					    "debug"};
	for (unsigned i = 0; i < ARRAY_SIZE(names); i++) {
		if (strcmp(v, names[i]) == 0) {
			c->log_level = (enum log_level)i;
			return 0;
		}
	}
	return errmsg(e, n, -EINVAL,
		       "--log: '%s' is not none, error, warn, info or debug",
		       v);
}

static int opt_mem_merge(struct vm_config *c, const char *v, char *e, size_t n)
{
	(void)v, (void)e, (void)n;
	c->mem_merge = true;
	return 0;
}

static int opt_help(struct vm_config *c, const char *v, char *e, size_t n)
{
	(void)v, (void)e, (void)n;
	c->help = true;
	return 0;
}

static int opt_version(struct vm_config *c, const char *v, char *e, size_t n)
{
	(void)v, (void)e, (void)n;
	c->version = true;
	return 0;
}

static const struct cli_opt cli_opts[] = {
	{"accel", true, opt_accel},     {"kernel", true, opt_kernel},
	{"initrd", true, opt_initrd},   {"cmdline", true, opt_cmdline},
	{"mem", true, opt_mem},         {"cpus", true, opt_cpus},
	{"serial", true, opt_serial},   {"on-reset", true, opt_on_reset},
	{"log", true, opt_log},         {"mem-merge", false, opt_mem_merge},
	{"help", false, opt_help},      {"version", false, opt_version},
};

void cli_defaults(struct vm_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->cmdline = CONFIG_DEFAULT_CMDLINE;
	cfg->mem_mib = CONFIG_DEFAULT_MEM_MIB;
	cfg->cpus = 1;
	cfg->serial = SERIAL_STDIO;
	cfg->on_reset = RESET_EXIT;
	cfg->log_level = LOG_WARN;
}

int cli_parse(int argc, char *const argv[], struct vm_config *cfg, char *err,
	      size_t errlen)
{
	cli_defaults(cfg);
	if (errlen)
		err[0] = '\0';

	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		if (strcmp(arg, "-h") == 0)
			arg = "--help";
		if (strncmp(arg, "--", 2) != 0 || !arg[2])
			return errmsg(err, errlen, -EINVAL,
				       "unexpected argument '%s' (options "
				       "start with --; see --help)",
				       arg);
		const char *name = arg + 2;
		const char *eq = strchr(name, '=');
		size_t nlen = eq ? (size_t)(eq - name) : strlen(name);

		const struct cli_opt *o = NULL;
		for (size_t k = 0; k < ARRAY_SIZE(cli_opts); k++) {
			if (strlen(cli_opts[k].name) == nlen &&
			    strncmp(cli_opts[k].name, name, nlen) == 0) {
				o = &cli_opts[k];
				break;
			}
		}
		if (!o)
			return errmsg(err, errlen, -EINVAL,
				       "unknown option '--%.*s' (see --help)",
				       (int)(nlen > 64 ? 64 : nlen), name);

		const char *val = NULL;
		if (o->has_value) {
			if (eq) {
				val = eq + 1;
			} else if (i + 1 < argc) {
				val = argv[++i];
			} else {
				return errmsg(err, errlen, -EINVAL,
					       "--%s needs a value", o->name);
			}
		} else if (eq) {
			return errmsg(err, errlen, -EINVAL, "--%s takes no value",
				       o->name);
		}
		int r = o->apply(cfg, val, err, errlen);
		if (r)
			return r;
	}

	if (cfg->help || cfg->version)
		return 0;
	if (!cfg->accel)
		return errmsg(err, errlen, -EINVAL,
			       "--accel is required (e.g. --accel kvm)");
	if (!cfg->kernel)
		return errmsg(err, errlen, -EINVAL, "--kernel is required");
	return 0;
}

void cli_usage(FILE *out)
{
	fputs(
	    "Usage: vmm --accel kvm --kernel PATH [options]\n"
	    "\n"
	    "Boot a Linux kernel (bzImage, or ELF vmlinux with or without a\n"
	    "PVH note) in a KVM micro VM with an 8250 serial console.\n"
	    "\n"
	    "Options:\n"
	    "  --accel NAME          accelerator backend: kvm (required)\n"
	    "  --kernel PATH         bzImage or ELF vmlinux (required)\n"
	    "  --initrd PATH         initial ramdisk\n"
	    "  --cmdline STR         kernel command line\n"
	    "                        (default: \"" CONFIG_DEFAULT_CMDLINE "\")\n"
	    "  --mem MiB             guest RAM in MiB (default 128, min 8)\n"
	    "  --cpus N              vCPUs, 1 to 64 (default 1)\n"
	    "  --serial MODE         COM1 goes to stdio (default), none, or\n"
	    "                        file:PATH; stdin feeds COM1 in stdio mode\n"
	    "  --on-reset ACTION     guest reset: exit (default) or restart\n"
	    "  --mem-merge           let KSM merge guest pages (MADV_MERGEABLE)\n"
	    "  --log LEVEL           none, error, warn (default), info, debug\n"
	    "  -h, --help            this text\n"
	    "  --version             print the version\n"
	    "\n"
	    "On a terminal, COM1 is in raw mode: Ctrl-A x quits, Ctrl-A Ctrl-A\n"
	    "sends Ctrl-A.\n"
	    "\n"
	    "Exit status: 0 guest powered off (or Ctrl-A x); 1 vmm error; 2 bad\n"
	    "command line; 3 guest reset with --on-reset exit; 4 the vCPU hit\n"
	    "an error it cannot continue from (diagnostic on stderr); V for a\n"
	    "test guest's write of V to the debug-exit port 0xf4; 128+N on\n"
	    "signal N (SIGINT, SIGTERM, SIGHUP).\n",
	    out);
}
