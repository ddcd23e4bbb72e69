/* SPDX-License-Identifier: Apache-2.0 */
#include "vmm/app/cli_vsock.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/base/errmsg.h"

/* The CID and path --vsock gave (PUT /vsock checks the same bounds with
 * its JSON readers): 0, or -EINVAL with one line in err. */
static int cli_vsock_check(const struct vsock_config *vs, char *err,
			   size_t errlen)
{
	const char *what = "--vsock";
	if (vs->cid < CONFIG_VSOCK_MIN_CID || vs->cid > CONFIG_VSOCK_MAX_CID)
		return errmsg(err, errlen, -EINVAL,
			      "%s: guest CID %u is reserved (%u to %u)", what,
			      vs->cid, CONFIG_VSOCK_MIN_CID,
			      CONFIG_VSOCK_MAX_CID);
	if (!vs->uds_path[0])
		return errmsg(err, errlen, -EINVAL,
			      "%s: the unix socket path is required", what);
	return 0;
}

/* One "key=value" item of --vsock. */
static int cli_vsock_item(struct vsock_config *vs, const char *item, size_t len,
			  char *err, size_t errlen)
{
	if (len > 4 && strncmp(item, "cid=", 4) == 0) {
		char num[16], *end;
		if (len - 4 >= sizeof(num))
			return errmsg(err, errlen, -EINVAL,
				      "--vsock: cid is a number");
		memcpy(num, item + 4, len - 4);
		num[len - 4] = '\0';
		errno = 0;
		unsigned long v = strtoul(num, &end, 10);
		if (*end || errno || v > UINT32_MAX || num[0] == '-')
			return errmsg(err, errlen, -EINVAL,
				      "--vsock: cid '%s' is not a number", num);
		vs->cid = (uint32_t)v;
		return 0;
	}
	if (len > 4 && strncmp(item, "uds=", 4) == 0) {
		if (len - 4 >= sizeof(vs->uds_path))
			return errmsg(err, errlen, -EINVAL,
				      "--vsock: uds path is at most %d bytes",
				      CONFIG_VSOCK_PATH_MAX - 1);
		memcpy(vs->uds_path, item + 4, len - 4);
		vs->uds_path[len - 4] = '\0';
		return 0;
	}
	return errmsg(err, errlen, -EINVAL,
		      "--vsock: unknown option '%.*s' (cid=N, uds=PATH)",
		      (int)(len > 64 ? 64 : len), item);
}

int cli_vsock(struct vm_config *cfg, const char *v, char *err, size_t errlen)
{
	if (cfg->vsock.on)
		return errmsg(err, errlen, -EINVAL,
			      "--vsock: given twice (one device)");
	struct vsock_config vs = {.on = true};
	while (v && *v) {
		const char *comma = strchr(v, ',');
		size_t len = comma ? (size_t)(comma - v) : strlen(v);
		int r = cli_vsock_item(&vs, v, len, err, errlen);
		if (r)
			return r;
		v = comma ? comma + 1 : NULL;
	}
	int r = cli_vsock_check(&vs, err, errlen);
	if (r)
		return r;
	cfg->vsock = vs;
	return 0;
}
