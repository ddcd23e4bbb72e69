/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Harness: --config-file's parser (vmm/api/api_file.c: Firecracker's JSON
 * configuration file through the API's checks). Input: the file's bytes.
 *
 * Checks: 0 or one of -EINVAL, -ENOSPC, -ENOMEM; on an error a one-line
 * message naming the file; on success a machine within the limits (a
 * kernel, 1..CONFIG_MAX_CPUS vCPUs, the disk and net tables in bounds).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/fuzz.h"
#include "vmm/api/api_file.h"
#include "vmm/app/cli.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vm_config base;
	struct api_config *ac = calloc(1, sizeof(*ac));
	char err[512];

	if (!ac)
		abort();
	if (size > API_FILE_MAX)
		size = API_FILE_MAX;
	cli_defaults(&base);
	api_config_init(ac, &base);
	err[0] = '\0';
	int r = api_file_parse(ac, "f.json", (const char *)data, size, err,
			       sizeof(err));
	FUZZ_CHECK(r == 0 || r == -EINVAL || r == -ENOSPC || r == -ENOMEM);
	if (r) {
		FUZZ_CHECK(!strchr(err, '\n'));
		FUZZ_CHECK(!strncmp(err, "--config-file f.json: ", 22));
	} else {
		const struct vm_config *c = &ac->cfg;
		FUZZ_CHECK(c->kernel && c->kernel[0]);
		FUZZ_CHECK(c->cpus >= 1 && c->cpus <= CONFIG_MAX_CPUS);
		FUZZ_CHECK(c->ndisks <= CONFIG_MAX_DISKS);
		FUZZ_CHECK(c->nnets <= CONFIG_MAX_NETS);
		FUZZ_CHECK(memchr(c->cmdline, '\0', API_BOOT_ARGS_MAX + 32));
	}
	free(ac);
	return 0;
}
