/* SPDX-License-Identifier: Apache-2.0 */
/* PUT /snapshot/create and /snapshot/load bodies; see api_snapshot.h. */
#include "vmm/api/api_snapshot.h"

#include <errno.h>
#include <string.h>

#include "vmm/api/api_json.h"
#include "vmm/base/compiler.h"

int api_snapshot_create_params(const char *body, size_t len, char *state,
			       char *mem, char *fault, size_t cap)
{
	static const char what[] = "snapshot/create";
	static const struct api_json_member m[] = {{"snapshot_path", true},
						   {"mem_file_path", true},
						   {"snapshot_type", false}};
	json_t *o;
	int r =
	    api_json_object(what, body, len, m, ARRAY_SIZE(m), &o, fault, cap);
	if (r)
		return r;
	if (!(r = api_json_string(what, o, "snapshot_path", state,
				  CONFIG_PATH_MAX, NULL, fault, cap)) &&
	    !(r = api_json_string(what, o, "mem_file_path", mem,
				  CONFIG_PATH_MAX, NULL, fault, cap)))
		r = api_json_only_value(what, o, "snapshot_type", "Full", fault,
					cap);
	json_decref(o);
	if (!r && !strcmp(state, mem))
		r = api_json_fault(
		    fault, cap,
		    "%s: snapshot_path and mem_file_path are the "
		    "same file",
		    what);
	return r;
}

/* mem_backend {"backend_type": "File", "backend_path": PATH}. */
static int api_snapshot_backend(json_t *mb, char *path, char *fault, size_t cap)
{
	static const char what[] = "snapshot/load: mem_backend";
	static const struct api_json_member m[] = {{"backend_type", true},
						   {"backend_path", true}};
	char type[16];
	int r = api_json_members(what, mb, m, ARRAY_SIZE(m), fault, cap);
	if (!r)
		r = api_json_string(what, mb, "backend_type", type,
				    sizeof(type), NULL, fault, cap);
	if (!r && strcmp(type, "File"))
		r = api_json_fault(
		    fault, cap,
		    "%s: backend_type %s is not supported by vmm "
		    "(File only)",
		    what, type);
	if (!r)
		r = api_json_string(what, mb, "backend_path", path,
				    CONFIG_PATH_MAX, NULL, fault, cap);
	return r;
}

/* The members vmm takes only at their default, or without. */
static int api_snapshot_load_defaults(const char *what, json_t *o, char *fault,
				      size_t cap)
{
	static const char *const falses[] = {
	    "enable_diff_snapshots", "track_dirty_pages", "clock_realtime"};
	for (size_t i = 0; i < ARRAY_SIZE(falses); i++) {
		bool b = false;
		int r = api_json_bool(what, o, falses[i], &b, fault, cap);
		if (r)
			return r;
		if (b)
			return api_json_fault(fault, cap,
					      "%s: %s is not supported by vmm",
					      what, falses[i]);
	}
	json_t *n = json_object_get(o, "network_overrides");
	if (n && !(json_is_array(n) && json_array_size(n) == 0))
		return api_json_fault(fault, cap,
				      "%s: network_overrides is not supported "
				      "by vmm yet (give the taps with the "
				      "snapshot's names)",
				      what);
	json_t *h = json_object_get(o, "huge_pages");
	if (h &&
	    !(json_is_string(h) && (!strcmp(json_string_value(h), "None") ||
				    !strcmp(json_string_value(h), "Snapshot"))))
		return api_json_fault(fault, cap,
				      "%s: huge_pages other than None is not "
				      "supported by vmm",
				      what);
	return 0;
}

static int api_snapshot_vsock_override(const char *what, json_t *o,
				       struct restore_config *rc, char *fault,
				       size_t cap)
{
	static const struct api_json_member m[] = {{"uds_path", true}};
	json_t *v = json_object_get(o, "vsock_override");
	if (!v)
		return 0;
	int r = api_json_members("snapshot/load: vsock_override", v, m,
				 ARRAY_SIZE(m), fault, cap);
	return r ? r
		 : api_json_string(what, v, "uds_path", rc->vsock_uds,
				   sizeof(rc->vsock_uds), NULL, fault, cap);
}

int api_snapshot_load_params(const char *body, size_t len,
			     struct restore_config *rc, char *fault, size_t cap)
{
	static const char what[] = "snapshot/load";
	static const struct api_json_member m[] = {
	    {"snapshot_path", true},	      {"mem_file_path", false},
	    {"mem_backend", false},	      {"resume_vm", false},
	    {"enable_diff_snapshots", false}, {"track_dirty_pages", false},
	    {"network_overrides", false},     {"vsock_override", false},
	    {"clock_realtime", false},	      {"huge_pages", false}};
	json_t *o;
	int r =
	    api_json_object(what, body, len, m, ARRAY_SIZE(m), &o, fault, cap);
	if (r)
		return r;
	struct restore_config c;
	memset(&c, 0, sizeof(c));
	bool has_file = false;
	json_t *mb = json_object_get(o, "mem_backend");
	if (!(r = api_json_string(what, o, "snapshot_path", c.state,
				  sizeof(c.state), NULL, fault, cap)) &&
	    !(r = api_json_string(what, o, "mem_file_path", c.mem,
				  sizeof(c.mem), &has_file, fault, cap)) &&
	    !(r = api_json_bool(what, o, "resume_vm", &c.paused, fault, cap)) &&
	    !(r = api_snapshot_load_defaults(what, o, fault, cap)))
		r = api_snapshot_vsock_override(what, o, &c, fault, cap);
	if (!r && has_file == (mb != NULL))
		r = api_json_fault(fault, cap,
				   "%s: exactly one of mem_backend and "
				   "mem_file_path is required",
				   what);
	if (!r && mb)
		r = api_snapshot_backend(mb, c.mem, fault, cap);
	json_decref(o);
	if (r)
		return r;
	c.paused = !c.paused; /* read as resume_vm */
	c.on = true;
	*rc = c;
	return 0;
}
