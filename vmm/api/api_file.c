/* SPDX-License-Identifier: Apache-2.0 */
/* --config-file: Firecracker's JSON configuration file (api_file.h). */
#include "vmm/api/api_file.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/api/api_logger.h"
#include "vmm/api/api_metrics.h"
#include "vmm/base/errmsg.h"
#include "vmm/vm/file.h"

/* Members taken only when null (not supported yet). */
static const char *const af_null_only[] = {"vsock", "logger", "metrics",
					   "mmds-config", "balloon"};
/* (vsock, logger and metrics are taken as objects too: af_object.) */

/* One object member as its API body: the apply function's result, with
 * the fault in fault. */
static int af_apply(struct api_config *ac, const char *key, const char *id,
		    json_t *v, char *fault, size_t cap)
{
	if (!json_is_object(v))
		return errmsg(fault, cap, -EINVAL, "not an object");
	char *body = json_dumps(v, JSON_COMPACT);
	if (!body)
		return errmsg(fault, cap, -ENOMEM, "out of memory");
	size_t len = strlen(body);
	int r;
	if (!strcmp(key, "boot-source"))
		r = api_config_boot_source(ac, body, len, fault, cap);
	else if (!strcmp(key, "machine-config"))
		r = api_config_machine(ac, body, len, fault, cap);
	else if (!strcmp(key, "entropy"))
		r = api_config_entropy(ac, body, len, fault, cap);
	else if (!strcmp(key, "metrics"))
		r = api_metrics_config(ac, body, len, fault, cap);
	else if (!strcmp(key, "logger"))
		r = api_logger_config(ac, body, len, fault, cap);
	else if (!strcmp(key, "vsock"))
		r = api_config_vsock(ac, body, len, fault, cap);
	else if (!strcmp(key, "drives"))
		r = api_config_drive(ac, id, body, len, fault, cap);
	else
		r = api_config_net(ac, id, body, len, fault, cap);
	free(body);
	return r;
}

/* An array member ("drives", "network-interfaces"): each element, with
 * the id its `idkey` names. */
static int af_array(struct api_config *ac, const char *key, const char *idkey,
		    json_t *v, size_t *at, char *fault, size_t cap)
{
	if (!json_is_array(v))
		return errmsg(fault, cap, -EINVAL, "not an array");
	for (*at = 0; *at < json_array_size(v); (*at)++) {
		json_t *e = json_array_get(v, *at);
		json_t *id =
		    json_is_object(e) ? json_object_get(e, idkey) : NULL;
		if (!json_is_string(id))
			return errmsg(fault, cap, -EINVAL,
				      "%s must be a string", idkey);
		int r = af_apply(ac, key, json_string_value(id), e, fault, cap);
		if (r)
			return r;
	}
	return 0;
}

static bool af_null_ok(const char *key)
{
	for (size_t i = 0; i < sizeof(af_null_only) / sizeof(af_null_only[0]);
	     i++)
		if (!strcmp(key, af_null_only[i]))
			return true;
	return false;
}

/* Every member of the top-level object. */
static int af_members(struct api_config *ac, const char *path, json_t *root,
		      char *err, size_t errlen)
{
	const char *key;
	json_t *v;
	char fault[API_FAULT_MAX];
	json_object_foreach(root, key, v)
	{
		size_t at = 0;
		int r;
		bool array = !strcmp(key, "drives") ||
			     !strcmp(key, "network-interfaces");
		if (array)
			r = af_array(ac, key,
				     key[0] == 'd' ? "drive_id" : "iface_id", v,
				     &at, fault, sizeof(fault));
		else if (!strcmp(key, "boot-source") ||
			 !strcmp(key, "machine-config") ||
			 !strcmp(key, "entropy") ||
			 ((!strcmp(key, "metrics") || !strcmp(key, "vsock") ||
			   !strcmp(key, "logger")) &&
			  !json_is_null(v)))
			r = af_apply(ac, key, NULL, v, fault, sizeof(fault));
		else if (af_null_ok(key))
			r = json_is_null(v)
				? 0
				: errmsg(fault, sizeof(fault), -EINVAL,
					 "not supported yet (only null)");
		else
			r = errmsg(fault, sizeof(fault), -EINVAL,
				   "unknown member");
		if (r && array && json_is_array(v))
			return errmsg(err, errlen, r,
				      "--config-file %s: /%s/%zu: %s", path,
				      key, at, fault);
		if (r)
			return errmsg(err, errlen, r,
				      "--config-file %s: /%s: %s", path, key,
				      fault);
	}
	return 0;
}

/* Keep the message on one line: a member name (or the path) may hold
 * control characters, which show as '?'. */
static void af_one_line(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

static int af_parse(struct api_config *ac, const char *path, const char *text,
		    size_t len, char *err, size_t errlen)
{
	json_error_t je;
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (!root)
		return errmsg(err, errlen, -EINVAL,
			      "--config-file %s: line %d, column %d: %s", path,
			      je.line, je.column, je.text);
	int r = json_is_object(root)
		    ? af_members(ac, path, root, err, errlen)
		    : errmsg(err, errlen, -EINVAL,
			     "--config-file %s: not a JSON object", path);
	json_decref(root);
	char fault[API_FAULT_MAX];
	if (!r && (r = api_config_finish(ac, fault, sizeof(fault))))
		errmsg(err, errlen, r, "--config-file %s: %s", path, fault);
	return r;
}

int api_file_parse(struct api_config *ac, const char *path, const char *text,
		   size_t len, char *err, size_t errlen)
{
	int r = af_parse(ac, path, text, len, err, errlen);
	if (r && errlen)
		af_one_line(err);
	return r;
}

int api_file_load(struct api_config *ac, const char *path, char *err,
		  size_t errlen)
{
	uint8_t *buf;
	size_t len;
	char why[256];
	int r = file_read_all(path, API_FILE_MAX, &buf, &len, why, sizeof(why));
	if (r) {
		errmsg(err, errlen, r, "--config-file %s: %s", path, why);
		if (errlen)
			af_one_line(err);
		return r;
	}
	r = api_file_parse(ac, path, (const char *)buf, len, err, errlen);
	free(buf);
	return r;
}
