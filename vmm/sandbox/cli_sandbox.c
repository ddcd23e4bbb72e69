/* SPDX-License-Identifier: Apache-2.0 */
#include "vmm/sandbox/cli_sandbox.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "vmm/base/errmsg.h"

#define CLI_SANDBOX_NAME_MAX 255 /* NAME_MAX: one file in /run/netns */
#define CLI_SANDBOX_ID_MAX   4294967294ULL /* (uid_t)-1 means "unchanged" */

int cli_sandbox_seccomp(struct vm_config *c, const char *v, char *e, size_t n)
{
	static const char *const names[] = {
	    [SANDBOX_SECCOMP_ENFORCE] = "enforce",
	    [SANDBOX_SECCOMP_LOG] = "log",
	    [SANDBOX_SECCOMP_ERRNO] = "errno",
	    [SANDBOX_SECCOMP_OFF] = "off",
	};
	for (unsigned i = 0; i < ARRAY_SIZE(names); i++) {
		if (strcmp(v, names[i]) == 0) {
			c->sandbox.seccomp = (enum sandbox_seccomp)i;
			return 0;
		}
	}
	return errmsg(e, n, -EINVAL,
		      "--seccomp: '%s' is not enforce, log, errno or off", v);
}

int cli_sandbox_jail(struct vm_config *c, const char *v, char *e, size_t n)
{
	if (!*v)
		return errmsg(e, n, -EINVAL, "--jail: empty directory");
	c->sandbox.jail = v;
	return 0;
}

int cli_sandbox_netns(struct vm_config *c, const char *v, char *e, size_t n)
{
	if (!*v || strchr(v, '/') || strcmp(v, ".") == 0 ||
	    strcmp(v, "..") == 0 || strlen(v) > CLI_SANDBOX_NAME_MAX)
		return errmsg(e, n, -EINVAL,
			      "--netns: '%.64s' is not a namespace name (a "
			      "file in /run/netns, as ip netns add makes)",
			      v);
	c->sandbox.netns = v;
	return 0;
}

/* A decimal id in [0, CLI_SANDBOX_ID_MAX]; no sign, no suffix. */
static int cli_sandbox_id(const char *opt, const char *v, uint32_t *out,
			  char *e, size_t n)
{
	uint64_t id = 0;
	const char *s = v;
	if (!*s)
		goto bad;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			goto bad;
		id = id * 10 + (uint64_t)(*s - '0');
		if (id > CLI_SANDBOX_ID_MAX)
			goto bad;
	}
	*out = (uint32_t)id;
	return 0;
bad:
	return errmsg(e, n, -EINVAL,
		      "--%s: '%.64s' is not a number from 0 to %llu", opt, v,
		      (unsigned long long)CLI_SANDBOX_ID_MAX);
}

int cli_sandbox_uid(struct vm_config *c, const char *v, char *e, size_t n)
{
	int r = cli_sandbox_id("uid", v, &c->sandbox.uid, e, n);
	if (!r)
		c->sandbox.set_uid = true;
	return r;
}

int cli_sandbox_gid(struct vm_config *c, const char *v, char *e, size_t n)
{
	int r = cli_sandbox_id("gid", v, &c->sandbox.gid, e, n);
	if (!r)
		c->sandbox.set_gid = true;
	return r;
}

int cli_sandbox_check(const struct vm_config *c, char *e, size_t n)
{
	if (c->sandbox.set_uid && !c->sandbox.set_gid)
		return errmsg(e, n, -EINVAL,
			      "--uid needs --gid (the guest would run with "
			      "group 0)");
	if (c->sandbox.set_gid && !c->sandbox.set_uid)
		return errmsg(e, n, -EINVAL,
			      "--gid needs --uid (the guest would run as user "
			      "0)");
	return 0;
}
