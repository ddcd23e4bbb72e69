/* SPDX-License-Identifier: Apache-2.0 */
#include "vmm/app/cli.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "devices/virtio/vdev_type.h"
#include "vmm/api/cli_api.h"
#include "vmm/app/cli_restore.h"
#include "vmm/app/cli_vsock.h"
#include "vmm/base/errmsg.h"
#include "vmm/sandbox/cli_sandbox.h"

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
	c->machine_set = true;
	return opt_path(&c->kernel, "kernel", v, e, n);
}

static int opt_initrd(struct vm_config *c, const char *v, char *e, size_t n)
{
	c->machine_set = true;
	return opt_path(&c->initrd, "initrd", v, e, n);
}

static int opt_cmdline(struct vm_config *c, const char *v, char *e, size_t n)
{
	c->machine_set = true;
	(void)e;
	(void)n;
	c->cmdline = v;
	return 0;
}

static int opt_mem(struct vm_config *c, const char *v, char *e, size_t n)
{
	c->machine_set = true;
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
	c->machine_set = true;
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
	c->serial_set = true;
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
		return errmsg(e, n, -EINVAL,
			      "--on-reset: '%s' is not exit or restart", v);
	return 0;
}

static int opt_restart_max(struct vm_config *c, const char *v, char *e,
			   size_t n)
{
	uint64_t max;
	if (!cli_uint(v, 0, CONFIG_MAX_RESTARTS, &max))
		return errmsg(e, n, -EINVAL,
			      "--restart-max: '%s' is not a count from 0 to %d",
			      v, CONFIG_MAX_RESTARTS);
	c->restart_max = (unsigned)max;
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
		      "--log: '%s' is not none, error, warn, info or debug", v);
}

static int opt_mem_merge(struct vm_config *c, const char *v, char *e, size_t n)
{
	(void)v, (void)e, (void)n;
	c->mem_merge = true;
	return 0;
}

/* Copy the `len` bytes at s into dst (cap bytes with the NUL). */
static bool cli_copy(char *dst, size_t cap, const char *s, size_t len)
{
	if (len == 0 || len >= cap)
		return false;
	memcpy(dst, s, len);
	dst[len] = '\0';
	return true;
}

/* Split "a,b,c": the next item goes to item and ilen; returns the rest
 * or NULL. */
static const char *cli_next_item(const char *s, const char **item, size_t *ilen)
{
	const char *comma = strchr(s, ',');
	*item = s;
	*ilen = comma ? (size_t)(comma - s) : strlen(s);
	return comma ? comma + 1 : NULL;
}

static bool cli_item_is(const char *item, size_t len, const char *word)
{
	return strlen(word) == len && strncmp(item, word, len) == 0;
}

static int opt_disk(struct vm_config *c, const char *v, char *e, size_t n)
{
	if (c->ndisks == CONFIG_MAX_DISKS)
		return errmsg(e, n, -EINVAL, "--disk: at most %d disks",
			      CONFIG_MAX_DISKS);
	struct disk_config *d = &c->disks[c->ndisks];
	memset(d, 0, sizeof(*d));
	const char *item;
	size_t len;
	const char *rest = cli_next_item(v, &item, &len);
	if (!cli_copy(d->path, sizeof(d->path), item, len))
		return errmsg(e, n, -EINVAL,
			      "--disk: '%s' needs PATH first (PATH[,ro]"
			      "[,id=NAME][,direct])",
			      v);
	while (rest) {
		rest = cli_next_item(rest, &item, &len);
		if (cli_item_is(item, len, "ro")) {
			d->read_only = true;
		} else if (cli_item_is(item, len, "direct")) {
			d->direct = true;
		} else if (len > 3 && strncmp(item, "id=", 3) == 0) {
			if (!cli_copy(d->id, sizeof(d->id), item + 3, len - 3))
				return errmsg(e, n, -EINVAL,
					      "--disk: id is at most %d bytes",
					      CONFIG_DISK_ID_MAX);
		} else {
			return errmsg(e, n, -EINVAL,
				      "--disk: unknown option '%.*s' (ro, "
				      "id=NAME, direct)",
				      (int)(len > 64 ? 64 : len), item);
		}
	}
	c->ndisks++;
	return 0;
}

/* "52:54:00:12:34:56" -> 6 bytes. */
static bool cli_mac(const char *s, size_t len, uint8_t mac[6])
{
	if (len != 17)
		return false;
	for (unsigned i = 0; i < 6; i++) {
		unsigned v = 0;
		for (unsigned k = 0; k < 2; k++) {
			char ch = s[i * 3 + k];
			unsigned d =
			    ch >= '0' && ch <= '9'   ? (unsigned)(ch - '0')
			    : ch >= 'a' && ch <= 'f' ? (unsigned)(ch - 'a' + 10)
			    : ch >= 'A' && ch <= 'F' ? (unsigned)(ch - 'A' + 10)
						     : 16;
			if (d > 15)
				return false;
			v = v * 16 + d;
		}
		if (i < 5 && s[i * 3 + 2] != ':')
			return false;
		mac[i] = (uint8_t)v;
	}
	return !(mac[0] & 1); /* a multicast address is no NIC's address */
}

static int opt_net(struct vm_config *c, const char *v, char *e, size_t n)
{
	if (c->nnets == CONFIG_MAX_NETS)
		return errmsg(e, n, -EINVAL, "--net: at most %d interfaces",
			      CONFIG_MAX_NETS);
	struct net_config *d = &c->nets[c->nnets];
	memset(d, 0, sizeof(*d));
	const char *item, *rest = v;
	size_t len;
	while (rest) {
		rest = cli_next_item(rest, &item, &len);
		if (len > 4 && strncmp(item, "tap=", 4) == 0) {
			if (!cli_copy(d->tap, sizeof(d->tap), item + 4,
				      len - 4))
				return errmsg(e, n, -EINVAL,
					      "--net: tap name is at most %d "
					      "bytes",
					      CONFIG_IFNAME_MAX - 1);
		} else if (len > 4 && strncmp(item, "mac=", 4) == 0) {
			if (!cli_mac(item + 4, len - 4, d->mac))
				return errmsg(e, n, -EINVAL,
					      "--net: '%.*s' is not a unicast "
					      "MAC like 52:54:00:12:34:56",
					      (int)(len > 64 ? 64 : len), item);
			d->has_mac = true;
		} else {
			return errmsg(e, n, -EINVAL,
				      "--net: unknown option '%.*s' (tap=NAME, "
				      "mac=MAC)",
				      (int)(len > 64 ? 64 : len), item);
		}
	}
	if (!d->tap[0])
		return errmsg(e, n, -EINVAL, "--net: tap=NAME is required");
	for (unsigned i = 0; i < c->nnets; i++)
		if (strcmp(c->nets[i].tap, d->tap) == 0)
			return errmsg(e, n, -EINVAL,
				      "--net tap=%s: given twice", d->tap);
	c->nnets++;
	return 0;
}

static int opt_eventfd(struct vm_config *c, const char *v, char *e, size_t n)
{
	if (strcmp(v, "on") == 0)
		c->eventfd = true;
	else if (strcmp(v, "off") == 0)
		c->eventfd = false;
	else
		return errmsg(e, n, -EINVAL, "--eventfd: '%s' is not on or off",
			      v);
	return 0;
}

static int opt_acpi(struct vm_config *c, const char *v, char *e, size_t n)
{
	c->machine_set = true;
	if (strcmp(v, "on") == 0)
		c->acpi = true;
	else if (strcmp(v, "off") == 0)
		c->acpi = false;
	else
		return errmsg(e, n, -EINVAL, "--acpi: '%s' is not on or off",
			      v);
	return 0;
}

static int opt_record(struct vm_config *c, const char *v, char *e, size_t n)
{
	return opt_path(&c->record, "record", v, e, n);
}

static int opt_trace(struct vm_config *c, const char *v, char *e, size_t n)
{
	return opt_path(&c->trace, "trace", v, e, n);
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
    {"accel", true, opt_accel},
    {"kernel", true, opt_kernel},
    {"initrd", true, opt_initrd},
    {"cmdline", true, opt_cmdline},
    {"mem", true, opt_mem},
    {"cpus", true, opt_cpus},
    {"serial", true, opt_serial},
    {"on-reset", true, opt_on_reset},
    {"restart-max", true, opt_restart_max},
    {"log", true, opt_log},
    {"mem-merge", false, opt_mem_merge},
    {"disk", true, opt_disk},
    {"net", true, opt_net},
    CLI_VSOCK_OPTS,
    CLI_RESTORE_OPTS,
    {"eventfd", true, opt_eventfd},
    {"acpi", true, opt_acpi},
    CLI_SANDBOX_OPTS,
    CLI_API_OPTS,
    {"record", true, opt_record},
    {"trace", true, opt_trace},
    {"help", false, opt_help},
    {"version", false, opt_version},
};

/* --NAME of a flag device type (devices/virtio/vdev_type.h): turn it
 * on. 0, or -EINVAL with the reason (unknown option, a value given). */
static int cli_flag_dev(struct vm_config *cfg, const char *name, size_t nlen,
			bool has_value, char *err, size_t errlen)
{
	for (const struct vdev_type *const *t = vdev_types; *t; t++) {
		const char *opt = (*t)->option;
		if (!opt || strlen(opt) != nlen || strncmp(opt, name, nlen))
			continue;
		if (has_value)
			return errmsg(err, errlen, -EINVAL,
				      "--%s takes no value", opt);
		if (config_dev_add(cfg, *t))
			return errmsg(err, errlen, -EINVAL,
				      "--%s: at most %d device options", opt,
				      CONFIG_MAX_FLAG_DEVS);
		cfg->machine_set = true;
		return 0;
	}
	return errmsg(err, errlen, -EINVAL,
		      "unknown option '--%.*s' (see --help)",
		      (int)(nlen > 64 ? 64 : nlen), name);
}

void cli_defaults(struct vm_config *cfg)
{
	config_defaults(cfg);
	cfg->id = CLI_API_DEFAULT_ID;
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
		if (!o) {
			int r = cli_flag_dev(cfg, name, nlen, eq != NULL, err,
					     errlen);
			if (r)
				return r;
			continue;
		}

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
			return errmsg(err, errlen, -EINVAL,
				      "--%s takes no value", o->name);
		}
		int r = o->apply(cfg, val, err, errlen);
		if (r)
			return r;
	}

	if (cfg->help || cfg->version)
		return 0;
	int r = cli_sandbox_check(cfg, err, errlen);
	if (r)
		return r;
	/* Firecracker's clients pass only --api-sock and --id. */
	if (!cfg->accel)
		cfg->accel = "kvm";
	/* Record and replay (docs/trace-format.md). */
	if (strcmp(cfg->accel, "replay") == 0) {
		if (!cfg->trace)
			return errmsg(err, errlen, -EINVAL,
				      "--accel replay needs --trace FILE");
		if (cfg->kernel || cfg->record || cfg->restore.on)
			return errmsg(err, errlen, -EINVAL,
				      "--accel replay replays --trace FILE: "
				      "--kernel, --record and --restore do not "
				      "apply");
		return 0;
	}
	if (cfg->trace)
		return errmsg(err, errlen, -EINVAL,
			      "--trace is for --accel replay (record a trace "
			      "with --record FILE)");
	if (cfg->restore.on)
		return cli_restore_check(cfg, err, errlen);
	if (cfg->api_sock || cfg->config_file || cfg->no_api)
		return cli_api_check(cfg, err, errlen);
	if (cfg->metrics_path)
		return errmsg(err, errlen, -EINVAL,
			      "--metrics-path needs --api-sock or "
			      "--config-file (metrics are written on the "
			      "API's FlushMetrics)");
	if (cfg->record && cfg->on_reset == RESET_RESTART)
		return errmsg(err, errlen, -EINVAL,
			      "--record records one boot: it cannot be "
			      "combined with --on-reset restart");
	if (!cfg->kernel)
		return errmsg(err, errlen, -EINVAL, "--kernel is required");
	return 0;
}

void cli_usage(FILE *out)
{
	fputs(
	    "Usage: vmm [--accel kvm] --kernel PATH [options]\n"
	    "       vmm --api-sock PATH [--id ID] [options]\n"
	    "\n"
	    "Boot a Linux kernel (bzImage, or ELF vmlinux with or without a\n"
	    "PVH note) in a KVM micro VM with an 8250 serial console.\n"
	    "\n"
	    "Options:\n"
	    "  --accel NAME          accelerator backend: kvm, or replay to\n"
	    "                        replay a trace without KVM (default kvm)\n"
	    "  --kernel PATH         bzImage or ELF vmlinux (required, except\n"
	    "                        with --api-sock)\n" CLI_API_USAGE
	    "  --initrd PATH         initial ramdisk\n"
	    "  --cmdline STR         kernel command line\n"
	    "                        (default: \"" CONFIG_DEFAULT_CMDLINE
	    "\")\n"
	    "  --mem MiB             guest RAM in MiB (default 128, min 8)\n"
	    "  --cpus N              vCPUs, 1 to 64 (default 1)\n"
	    "  --serial MODE         COM1 goes to stdio (default), none, or\n"
	    "                        file:PATH; stdin feeds COM1 in stdio "
	    "mode\n"
	    "  --on-reset ACTION     guest reset: exit (default) or restart\n"
	    "  --restart-max N       with restart: after N resets in a row,\n"
	    "                        each within 30 s of booting, give up\n"
	    "                        (status 3); restarts wait 0.1 s, "
	    "doubling\n"
	    "                        up to 5 s (default 10)\n"
	    "  --disk PATH[,ro][,id=NAME][,direct]\n"
	    "                        virtio-blk on a raw image (repeatable, "
	    "up\n"
	    "                        to 8); ro: read-only; id: GET_ID serial;\n"
	    "                        direct: O_DIRECT, bypass the page cache\n"
	    "  --net tap=NAME[,mac=MAC]\n"
	    "                        virtio-net on an existing tap interface\n"
	    "                        (repeatable, up to 4)\n" CLI_VSOCK_USAGE
		CLI_RESTORE_USAGE,
	    out);
	for (const struct vdev_type *const *t = vdev_types; *t; t++)
		if ((*t)->option)
			fputs((*t)->usage, out);
	fputs(
	    "  --eventfd on|off      virtio notifications and interrupts via\n"
	    "                        KVM eventfds and an I/O thread (on), or\n"
	    "                        handled on the vCPU exit path (off)\n"
	    "  --acpi on|off         ACPI tables for the CPUs, COM1 and "
	    "virtio\n"
	    "                        devices (on, default); off: the devices "
	    "go\n"
	    "                        on the kernel command line instead\n"
	    "                        (virtio_mmio.device=)\n"
	    "  --mem-merge           let KSM merge guest pages "
	    "(MADV_MERGEABLE)\n"
	    "  --record FILE         record the run into a trace (KVM; device\n"
	    "                        work on the exit path, --eventfd off)\n"
	    "  --trace FILE          with --accel replay: the trace to "
	    "replay;\n"
	    "                        give the disks as they were before the\n"
	    "                        recording with --disk, COM1 with "
	    "--serial\n" CLI_SANDBOX_USAGE
	    "  --log LEVEL           none, error, warn (default), info, debug\n"
	    "  -h, --help            this text\n"
	    "  --version             print the version\n"
	    "\n"
	    "Replay: vmm --accel replay --trace FILE [--disk PATH]... exits 0\n"
	    "when the replay matches the trace, 5 at the first divergence.\n"
	    "\n"
	    "On a terminal, COM1 is in raw mode: Ctrl-A x quits, Ctrl-A "
	    "Ctrl-A\n"
	    "sends Ctrl-A.\n"
	    "\n"
	    "Exit status: 0 guest powered off (or Ctrl-A x); 1 vmm error; 2 "
	    "bad\n"
	    "command line; 3 guest reset with --on-reset exit; 4 the vCPU hit\n"
	    "an error it cannot continue from (diagnostic on stderr); 5 "
	    "replay\n"
	    "divergence; 6 guest kernel panic (pvpanic, --acpi on); V for a\n"
	    "test guest's write of V to the debug-exit port 0xf4; 128+N on\n"
	    "signal N (SIGINT, SIGTERM, SIGHUP).\n",
	    out);
}
