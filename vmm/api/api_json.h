/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Reading one JSON request body (jansson) member by member, as the API's
 * resources need: the body is parsed with its length (never as a C
 * string), must be one object with only known members and every
 * required one, and each member read is type-checked and bounded. Every
 * failure writes one line naming the resource (`what`) and the member
 * into fault (at most cap bytes) and returns -EINVAL.
 */
#ifndef VMM_API_API_JSON_H
#define VMM_API_API_JSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmm/base/compiler.h"

/* A member a resource may have, and whether it must. */
struct api_json_member {
	const char *name;
	bool required;
};

/* Format fault; returns -EINVAL. */
int api_json_fault(char *fault, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Parse body (len bytes) as one object whose members are all in m[0..nm)
 * and which has every required one; duplicate members are refused.
 * *out: a new reference (the caller json_decref's it), or NULL on
 * error. */
int api_json_object(const char *what, const char *body, size_t len,
		    const struct api_json_member *m, size_t nm, json_t **out,
		    char *fault, size_t cap) VMM_WUR;

/* obj (a member's value, say) must be an object whose members are all
 * in m[0..nm) and which has every required one. */
int api_json_members(const char *what, json_t *obj,
		     const struct api_json_member *m, size_t nm, char *fault,
		     size_t cap) VMM_WUR;

/* obj.name as a string of 1..bufcap-1 bytes without NUL, copied into
 * buf with its NUL; absent: buf untouched. *set (may be NULL): whether
 * it was there. */
int api_json_string(const char *what, json_t *obj, const char *name, char *buf,
		    size_t bufcap, bool *set, char *fault, size_t cap) VMM_WUR;

/* obj.name as a boolean into *out; absent: *out untouched. */
int api_json_bool(const char *what, json_t *obj, const char *name, bool *out,
		  char *fault, size_t cap) VMM_WUR;

/* obj.name as an integer in [min, max] into *out; absent: untouched. */
int api_json_uint(const char *what, json_t *obj, const char *name, uint64_t min,
		  uint64_t max, uint64_t *out, char *fault, size_t cap) VMM_WUR;

/* A member vmm does not support: only absent or null passes. */
int api_json_null_only(const char *what, json_t *obj, const char *name,
		       char *fault, size_t cap) VMM_WUR;

/* A member only one string value (or null, or absent) passes. */
int api_json_only_value(const char *what, json_t *obj, const char *name,
			const char *value, char *fault, size_t cap) VMM_WUR;

#endif
