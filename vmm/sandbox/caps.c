/* SPDX-License-Identifier: Apache-2.0 */
#include "vmm/sandbox/caps.h"

#include <errno.h>
#include <grp.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "vmm/base/errmsg.h"

/* Does the calling thread hold any capability at all? */
static bool caps_any_permitted(void)
{
	cap_t c = cap_get_proc();
	cap_t none = cap_init();
	bool any = !c || !none || cap_compare(c, none) != 0;
	cap_free(c);
	cap_free(none);
	return any;
}

static int caps_drop_bounding(char *err, size_t errlen)
{
	if (!caps_any_permitted())
		return 0; /* see caps.h: nothing to drop, nothing to gain */
	for (cap_value_t v = 0; v <= cap_max_bits(); v++) {
		if (cap_get_bound(v) <= 0)
			continue; /* not supported, or already gone */
		if (cap_drop_bound(v) < 0)
			return errmsg(err, errlen, -errno,
				      "dropping capability %d from the "
				      "bounding set: %s",
				      (int)v, strerror(errno));
	}
	return 0;
}

/* keep_ruid: see caps_drop_supervisor. */
static int caps_switch_ids(const struct sandbox_config *cfg, bool keep_ruid,
			   char *err, size_t errlen)
{
	if (cfg->set_gid) {
		gid_t g = (gid_t)cfg->gid;
		if (setgroups(1, &g) < 0)
			return errmsg(err, errlen, -errno,
				      "--gid %u: setgroups: %s", cfg->gid,
				      strerror(errno));
		if (setresgid(g, g, g) < 0)
			return errmsg(err, errlen, -errno,
				      "--gid %u: setresgid: %s", cfg->gid,
				      strerror(errno));
	} else if (cfg->set_uid && setgroups(0, NULL) < 0 && errno != EPERM) {
		return errmsg(err, errlen, -errno, "--uid %u: setgroups: %s",
			      cfg->uid, strerror(errno));
	}
	if (cfg->set_uid) {
		uid_t u = (uid_t)cfg->uid;
		if (setresuid(keep_ruid ? (uid_t)-1 : u, u, u) < 0)
			return errmsg(err, errlen, -errno,
				      "--uid %u: setresuid: %s", cfg->uid,
				      strerror(errno));
	}
	return 0;
}

static int caps_drop(const struct sandbox_config *cfg, bool keep_ruid,
		     char *err, size_t errlen)
{
	int r = caps_drop_bounding(err, errlen);
	if (r)
		return r;
	if (CAP_AMBIENT_SUPPORTED() && cap_reset_ambient() < 0)
		return errmsg(err, errlen, -errno,
			      "clearing the ambient capabilities: %s",
			      strerror(errno));
	if ((r = caps_switch_ids(cfg, keep_ruid, err, errlen)))
		return r;
	cap_t none = cap_init();
	if (!none)
		return errmsg(err, errlen, -ENOMEM,
			      "capabilities: out of memory");
	r = cap_set_proc(none) < 0 ? -errno : 0;
	cap_free(none);
	if (r)
		return errmsg(err, errlen, r,
			      "dropping the effective, permitted and "
			      "inheritable capabilities: %s",
			      strerror(-r));
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return errmsg(err, errlen, -errno, "setting no_new_privs: %s",
			      strerror(errno));
	return 0;
}

int caps_drop_all(const struct sandbox_config *cfg, char *err, size_t errlen)
{
	return caps_drop(cfg, false, err, errlen);
}

int caps_drop_supervisor(const struct sandbox_config *cfg, char *err,
			 size_t errlen)
{
	return caps_drop(cfg, true, err, errlen);
}

unsigned caps_left(void)
{
	unsigned left = 0;
	cap_t c = cap_get_proc();
	if (!c)
		return CAPS_EFFECTIVE | CAPS_PERMITTED | CAPS_INHERITABLE;
	for (cap_value_t v = 0; v <= cap_max_bits(); v++) {
		cap_flag_value_t f;
		if (cap_get_flag(c, v, CAP_EFFECTIVE, &f) == 0 && f)
			left |= CAPS_EFFECTIVE;
		if (cap_get_flag(c, v, CAP_PERMITTED, &f) == 0 && f)
			left |= CAPS_PERMITTED;
		if (cap_get_flag(c, v, CAP_INHERITABLE, &f) == 0 && f)
			left |= CAPS_INHERITABLE;
		if (cap_get_ambient(v) > 0)
			left |= CAPS_AMBIENT;
		if (cap_get_bound(v) > 0)
			left |= CAPS_BOUNDING;
	}
	cap_free(c);
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
		left |= CAPS_NO_NNP;
	return left;
}

void caps_describe(unsigned left, char *buf, size_t cap)
{
	static const char *const names[] = {
	    "effective", "permitted", "inheritable",
	    "ambient",	 "bounding",  "no_new_privs unset",
	};
	size_t len = 0;
	if (!cap)
		return;
	buf[0] = '\0';
	if (!left) {
		snprintf(buf, cap, "none");
		return;
	}
	for (unsigned i = 0; i < ARRAY_SIZE(names); i++) {
		if (!(left & (1u << i)))
			continue;
		int n = snprintf(buf + len, cap - len, "%s%s", len ? ", " : "",
				 names[i]);
		if (n < 0 || (size_t)n >= cap - len)
			return;
		len += (size_t)n;
	}
}
