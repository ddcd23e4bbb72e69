/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Harness: command-line parsing (cli_parse in vmm/app/cli.c): every option,
 * --disk PATH[,ro][,id=NAME][,direct] and --net tap=NAME[,mac=MAC] item
 * lists, numbers, "--opt VALUE" and "--opt=VALUE".
 *
 * Input: the arguments after argv[0] ("vmm"), each ended by a NUL byte
 * (a missing last NUL is added), at most CLI_MAX_ARGS of them. Seeds are
 * typical command lines.
 *
 * Checks: 0 or -EINVAL; an error has a message; a success (without --help
 * or --version) has --accel pointing into argv (or the default kvm) and
 * --kernel (or, with --api-sock, that and no --kernel) pointing into argv, CPUs
 * and memory within their limits, disk and net tables within theirs, every disk
 * path, id and tap name NUL-terminated in its field, and unicast MACs.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/fuzz.h"
#include "vmm/app/cli.h"
#include "vmm/vm/config.h"

#define CLI_MAX_ARGS 128

static bool in_buf(const char *p, const char *buf, size_t len)
{
	return p >= buf && p < buf + len;
}

static void check_cfg(const struct vm_config *c, const char *buf, size_t len)
{
	/* --accel defaults to kvm; --api-sock boots what the API says. */
	FUZZ_CHECK(c->accel &&
		   (in_buf(c->accel, buf, len) || !strcmp(c->accel, "kvm")));
	FUZZ_CHECK(c->api_sock ? !c->kernel && in_buf(c->api_sock, buf, len)
			       : c->kernel && in_buf(c->kernel, buf, len));
	FUZZ_CHECK(c->cpus >= 1 && c->cpus <= CONFIG_MAX_CPUS);
	FUZZ_CHECK(c->mem_mib >= CONFIG_MIN_MEM_MIB &&
		   c->mem_mib <= CONFIG_MAX_MEM_MIB);
	FUZZ_CHECK(c->ndisks <= CONFIG_MAX_DISKS);
	FUZZ_CHECK(c->nnets <= CONFIG_MAX_NETS);
	for (unsigned i = 0; i < c->ndisks; i++) {
		const struct disk_config *d = &c->disks[i];

		FUZZ_CHECK(memchr(d->path, '\0', sizeof(d->path)) &&
			   d->path[0]);
		FUZZ_CHECK(memchr(d->id, '\0', sizeof(d->id)));
	}
	for (unsigned i = 0; i < c->nnets; i++) {
		const struct net_config *n = &c->nets[i];

		FUZZ_CHECK(memchr(n->tap, '\0', sizeof(n->tap)) && n->tap[0]);
		FUZZ_CHECK(!n->has_mac || !(n->mac[0] & 1));
	}
	FUZZ_CHECK(c->serial != SERIAL_FILE ||
		   (c->serial_path && in_buf(c->serial_path, buf, len)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1);
	char *argv[CLI_MAX_ARGS + 2];
	struct vm_config *cfg = malloc(sizeof(*cfg));
	char err[512];
	int argc = 1;

	if (!buf || !cfg)
		abort();
	memcpy(buf, data, size);
	buf[size] = '\0';
	argv[0] = (char *)"vmm";
	for (size_t i = 0; i < size && argc <= CLI_MAX_ARGS;) {
		argv[argc++] = buf + i;
		i += strlen(buf + i) + 1;
	}
	argv[argc] = NULL;

	int r = cli_parse(argc, argv, cfg, err, sizeof(err));

	FUZZ_CHECK(r == 0 || r == -EINVAL);
	FUZZ_CHECK(memchr(err, '\0', sizeof(err)));
	if (r)
		FUZZ_CHECK(err[0] != '\0');
	else if (!cfg->help && !cfg->version)
		check_cfg(cfg, buf, size + 1);
	free(cfg);
	free(buf);
	return 0;
}
