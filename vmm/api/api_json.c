/* SPDX-License-Identifier: Apache-2.0 */
#include "vmm/api/api_json.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int api_json_fault(char *fault, size_t cap, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (cap)
		vsnprintf(fault, cap, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* Parse body (len bytes, not NUL-terminated) as one JSON object whose
 * members are all in `m` and which has every required one. *out: a new
 * reference, or NULL on error (fault set). */
int api_json_members(const char *what, json_t *obj,
		     const struct api_json_member *m, size_t nm, char *fault,
		     size_t cap)
{
	if (!json_is_object(obj))
		return api_json_fault(fault, cap, "%s must be a JSON object",
				      what);
	const char *key;
	json_t *v;
	json_object_foreach(obj, key, v)
	{
		size_t i;
		for (i = 0; i < nm && strcmp(m[i].name, key); i++)
			;
		if (i == nm)
			return api_json_fault(
			    fault, cap, "%s: unknown field '%.64s'", what, key);
	}
	for (size_t i = 0; i < nm; i++)
		if (m[i].required && !json_object_get(obj, m[i].name))
			return api_json_fault(fault, cap,
					      "%s: missing field '%s'", what,
					      m[i].name);
	return 0;
}

int api_json_object(const char *what, const char *body, size_t len,
		    const struct api_json_member *m, size_t nm, json_t **out,
		    char *fault, size_t cap)
{
	json_error_t je;
	*out = NULL;
	json_t *root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);
	if (!root)
		return api_json_fault(fault, cap,
				      "%s: invalid JSON at line %d "
				      "column %d: %s",
				      what, je.line, je.column, je.text);
	if (!json_is_object(root)) {
		json_decref(root);
		return api_json_fault(fault, cap,
				      "%s: the body must be a JSON "
				      "object",
				      what);
	}
	/* The fault names a key of root's: written before letting go. */
	int r = api_json_members(what, root, m, nm, fault, cap);
	if (r) {
		json_decref(root);
		return r;
	}
	*out = root;
	return 0;
}

/* obj.name as a string of 1..cap-1 bytes without NUL into buf; absent:
 * buf untouched and *set false. 0 or -EINVAL with fault set. */
int api_json_string(const char *what, json_t *obj, const char *name, char *buf,
		    size_t bufcap, bool *set, char *fault, size_t cap)
{
	json_t *v = json_object_get(obj, name);
	if (set)
		*set = v != NULL;
	if (!v)
		return 0;
	if (!json_is_string(v))
		return api_json_fault(fault, cap, "%s: %s must be a string",
				      what, name);
	size_t n = json_string_length(v);
	const char *s = json_string_value(v);
	if (n == 0 || n >= bufcap)
		return api_json_fault(fault, cap,
				      "%s: %s must be 1 to %zu bytes", what,
				      name, bufcap - 1);
	if (memchr(s, '\0', n))
		return api_json_fault(fault, cap, "%s: %s holds a NUL byte",
				      what, name);
	memcpy(buf, s, n + 1);
	return 0;
}

/* obj.name as a boolean (absent: *out untouched). */
int api_json_bool(const char *what, json_t *obj, const char *name, bool *out,
		  char *fault, size_t cap)
{
	json_t *v = json_object_get(obj, name);
	if (!v)
		return 0;
	if (!json_is_boolean(v))
		return api_json_fault(fault, cap, "%s: %s must be a boolean",
				      what, name);
	*out = json_is_true(v);
	return 0;
}

/* obj.name as an integer in [min, max] (absent: *out untouched). */
int api_json_uint(const char *what, json_t *obj, const char *name, uint64_t min,
		  uint64_t max, uint64_t *out, char *fault, size_t cap)
{
	json_t *v = json_object_get(obj, name);
	if (!v)
		return 0;
	json_int_t i = json_is_integer(v) ? json_integer_value(v) : -1;
	if (!json_is_integer(v) || i < 0 || (uint64_t)i < min ||
	    (uint64_t)i > max)
		return api_json_fault(
		    fault, cap, "%s: %s must be an integer from %llu to %llu",
		    what, name, (unsigned long long)min,
		    (unsigned long long)max);
	*out = (uint64_t)i;
	return 0;
}

/* A member vmm does not support: only absent or null passes. */
int api_json_null_only(const char *what, json_t *obj, const char *name,
		       char *fault, size_t cap)
{
	json_t *v = json_object_get(obj, name);
	if (v && !json_is_null(v))
		return api_json_fault(fault, cap,
				      "%s: %s is not supported by vmm "
				      "(only null)",
				      what, name);
	return 0;
}

/* A member that only one string value (or null) passes. */
int api_json_only_value(const char *what, json_t *obj, const char *name,
			const char *value, char *fault, size_t cap)
{
	json_t *v = json_object_get(obj, name);
	if (v && !json_is_null(v) &&
	    (!json_is_string(v) || strcmp(json_string_value(v), value)))
		return api_json_fault(fault, cap,
				      "%s: %s is not supported by vmm "
				      "(only \"%s\")",
				      what, name, value);
	return 0;
}
