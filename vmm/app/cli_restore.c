/* SPDX-License-Identifier: Apache-2.0 */
/* The command line's --restore; see cli_restore.h and docs/snapshot.md. */
#include "vmm/app/cli_restore.h"

#include <errno.h>
#include <string.h>

#include "vmm/base/errmsg.h"

static int cli_restore_copy(char *dst, const char *src, size_t len,
			    const char *what, char *err, size_t errlen)
{
	if (!len)
		return errmsg(err, errlen, -EINVAL, "--restore: %s is empty",
			      what);
	if (len >= CONFIG_PATH_MAX)
		return errmsg(err, errlen, -EINVAL,
			      "--restore: %s is longer than %d bytes", what,
			      CONFIG_PATH_MAX - 1);
	memcpy(dst, src, len);
	dst[len] = '\0';
	return 0;
}

int cli_restore(struct vm_config *cfg, const char *v, char *err, size_t errlen)
{
	struct restore_config *rc = &cfg->restore;
	if (rc->on)
		return errmsg(err, errlen, -EINVAL, "--restore: given twice");
	const char *comma = strchr(v, ',');
	size_t len = comma ? (size_t)(comma - v) : strlen(v);
	int r = cli_restore_copy(rc->state, v, len, "the state file path", err,
				 errlen);
	if (r)
		return r;
	rc->mem[0] = '\0';
	while (comma) {
		const char *item = comma + 1;
		comma = strchr(item, ',');
		len = comma ? (size_t)(comma - item) : strlen(item);
		if (len >= 4 && strncmp(item, "mem=", 4) == 0)
			r = cli_restore_copy(rc->mem, item + 4, len - 4,
					     "mem=", err, errlen);
		else
			r = errmsg(
			    err, errlen, -EINVAL,
			    "--restore: unknown option '%.*s' (mem=PATH)",
			    (int)(len > 64 ? 64 : len), item);
		if (r)
			return r;
	}
	if (!rc->mem[0])
		return errmsg(err, errlen, -EINVAL,
			      "--restore STATE,mem=MEM: the memory file is "
			      "required");
	rc->on = true;
	return 0;
}

int cli_restore_check(const struct vm_config *cfg, char *err, size_t errlen)
{
	if (cfg->machine_set)
		return errmsg(err, errlen, -EINVAL,
			      "--restore: the snapshot defines the machine; "
			      "--kernel, --initrd, --cmdline, --mem, --cpus, "
			      "--acpi and device flags do not apply");
	if (cfg->record || cfg->on_reset == RESET_RESTART)
		return errmsg(err, errlen, -EINVAL,
			      "--restore cannot be combined with --record or "
			      "--on-reset restart");
	if (cfg->api_sock || cfg->config_file || cfg->no_api)
		return errmsg(err, errlen, -EINVAL,
			      "--restore is the command line's; with the API, "
			      "use PUT /snapshot/load");
	if (strcmp(cfg->accel, "kvm") != 0)
		return errmsg(err, errlen, -EINVAL,
			      "--restore needs --accel kvm");
	return 0;
}
