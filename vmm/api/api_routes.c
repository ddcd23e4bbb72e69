/* SPDX-License-Identifier: Apache-2.0 */
#include "vmm/api/api_routes.h"

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/api/api_json.h"
#include "vmm/api/api_logger.h"
#include "vmm/api/api_snapshot.h"

#ifndef VMM_VERSION
#define VMM_VERSION "0"
#endif

/* Parts of Firecracker's API that vmm does not implement: any method on
 * them is refused with their name. */
static const char *const route_unsupported[] = {
    "/mmds",
    "/mmds/config",
    "/balloon",
    "/balloon/statistics",
    "/balloon/hinting/start",
    "/balloon/hinting/status",
    "/balloon/hinting/stop",
    "/cpu-config",
    "/hotplug/memory",
    "/serial",
};

char *api_route_fault_json(const char *msg)
{
	json_t *v = json_pack("{s:s}", "fault_message", msg);
	char *s = v ? json_dumps(v, JSON_COMPACT) : NULL;
	json_decref(v);
	return s;
}

static int route_fault(struct api_response *rs, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int route_fault(struct api_response *rs, const char *fmt, ...)
{
	char msg[API_FAULT_MAX + 64];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	rs->status = 400;
	rs->body = api_route_fault_json(msg);
	return rs->body ? 0 : -ENOMEM;
}

/* 200 with body (NULL: out of memory). */
static int route_json(struct api_response *rs, char *body)
{
	rs->status = 200;
	rs->body = body;
	return body ? 0 : -ENOMEM;
}

static int route_done(struct api_response *rs, int r, const char *fault)
{
	if (r)
		return route_fault(rs, "%s", fault);
	rs->status = 204;
	rs->body = NULL;
	return 0;
}

static const char *route_state_name(enum api_vm_state s)
{
	switch (s) {
	case API_RUNNING:
		return "Running";
	case API_PAUSED:
		return "Paused";
	case API_NOT_STARTED:
		break;
	}
	return "Not started";
}

void api_route_init(struct api_state *st, const struct vm_config *base,
		    const char *id, const struct api_ops *ops)
{
	memset(st, 0, sizeof(*st));
	api_config_init(&st->pending, base);
	snprintf(st->id, sizeof(st->id), "%s", id);
	st->ops = *ops;
}

static int route_instance_info(struct api_state *st, struct api_response *rs)
{
	json_t *v = json_pack("{s:s, s:s, s:s, s:s}", "id", st->id, "state",
			      route_state_name(st->vm_state), "vmm_version",
			      VMM_VERSION, "app_name", "vmm");
	char *s = v ? json_dumps(v, JSON_COMPACT) : NULL;
	json_decref(v);
	return route_json(rs, s);
}

static int route_version(struct api_response *rs)
{
	json_t *v = json_pack("{s:s}", "firecracker_version", VMM_VERSION);
	char *s = v ? json_dumps(v, JSON_COMPACT) : NULL;
	json_decref(v);
	return route_json(rs, s);
}

/* FlushMetrics: the running VM's line to the metrics file. */
static int route_flush_metrics(struct api_state *st, struct api_response *rs)
{
	if (st->vm_state == API_NOT_STARTED)
		return route_fault(rs, "actions: FlushMetrics: the microVM is "
				       "not started (InstanceStart first)");
	char fault[API_FAULT_MAX] = "";
	int r =
	    st->ops.flush_metrics
		? st->ops.flush_metrics(st->ops.opaque, fault, sizeof(fault))
		: -ENOTSUP;
	if (r && !fault[0])
		snprintf(fault, sizeof(fault), "FlushMetrics: %s",
			 strerror(-r));
	return route_done(rs, r, fault);
}

/* SendCtrlAltDel: the guest's keyboard (Firecracker: x86 only, on a
 * started microVM). */
static int route_ctrl_alt_del(struct api_state *st, struct api_response *rs)
{
	if (st->vm_state == API_NOT_STARTED)
		return route_fault(rs, "actions: SendCtrlAltDel: the microVM "
				       "is not started (InstanceStart first)");
	char fault[API_FAULT_MAX] = "";
	int r = st->ops.ctrl_alt_del
		    ? st->ops.ctrl_alt_del(st->ops.opaque, fault, sizeof(fault))
		    : -ENOTSUP;
	if (r && !fault[0])
		snprintf(fault, sizeof(fault), "SendCtrlAltDel: %s",
			 strerror(-r));
	return route_done(rs, r, fault);
}

/* {"action_type": "InstanceStart" | "FlushMetrics" | "SendCtrlAltDel"}. */
static int route_actions(struct api_state *st, const char *body, size_t len,
			 struct api_response *rs)
{
	json_error_t je;
	json_t *o = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);
	if (!o)
		return route_fault(rs,
				   "actions: invalid JSON at line %d "
				   "column %d: %s",
				   je.line, je.column, je.text);
	const char *key;
	json_t *v, *at = NULL;
	bool bad = !json_is_object(o);
	json_object_foreach(o, key, v)
	{
		if (strcmp(key, "action_type")) {
			/* key is o's: name it before letting go. */
			int r = route_fault(
			    rs, "actions: unknown field '%.64s'", key);
			json_decref(o);
			return r;
		}
		at = v;
	}
	if (bad || !json_is_string(at)) {
		json_decref(o);
		return route_fault(rs, "actions: action_type must be a string "
				       "(InstanceStart, FlushMetrics, "
				       "SendCtrlAltDel)");
	}
	char action[32];
	snprintf(action, sizeof(action), "%s", json_string_value(at));
	bool is_start = json_string_length(at) == strlen("InstanceStart") &&
			!strcmp(action, "InstanceStart");
	bool is_flush = json_string_length(at) == strlen("FlushMetrics") &&
			!strcmp(action, "FlushMetrics");
	bool is_cad = json_string_length(at) == strlen("SendCtrlAltDel") &&
		      !strcmp(action, "SendCtrlAltDel");
	json_decref(o);
	if (is_flush)
		return route_flush_metrics(st, rs);
	if (is_cad)
		return route_ctrl_alt_del(st, rs);
	if (!is_start)
		return route_fault(rs,
				   "actions: unknown action_type '%s' "
				   "(InstanceStart, FlushMetrics, "
				   "SendCtrlAltDel)",
				   action);
	if (st->vm_state != API_NOT_STARTED)
		return route_fault(rs, "actions: InstanceStart: the microVM "
				       "is started already");
	char fault[API_FAULT_MAX];
	int r = api_config_finish(&st->pending, fault, sizeof(fault));
	if (!r && !st->ops.start) {
		r = -ENOTSUP;
		snprintf(fault, sizeof(fault),
			 "InstanceStart: no VMM to start");
	}
	if (!r)
		r = st->ops.start(st->ops.opaque, &st->pending, fault,
				  sizeof(fault));
	if (!r)
		st->vm_state = API_RUNNING;
	return route_done(rs, r, fault);
}

/* PATCH /drives/{id} on a started microVM: a new image for the drive
 * (firecracker-containerd swaps its placeholder drives this way). */
static int route_patch_drive(struct api_state *st, const char *id,
			     const char *body, size_t len,
			     struct api_response *rs)
{
	if (st->vm_state == API_NOT_STARTED)
		return route_fault(rs,
				   "PATCH /drives/%.64s: the microVM is "
				   "not started (PUT the drive instead)",
				   id);
	char fault[API_FAULT_MAX] = "", path[CONFIG_PATH_MAX];
	unsigned i;
	int r = api_config_drive_patch(&st->pending, id, body, len, &i, path,
				       fault, sizeof(fault));
	if (r)
		return route_done(rs, r, fault);
	if (!path[0]) /* nothing to change */
		return route_done(rs, 0, "");
	char vfault[API_FAULT_MAX - 64] = "";
	r = st->ops.patch_drive ? st->ops.patch_drive(st->ops.opaque, i, path,
						      vfault, sizeof(vfault))
				: -ENOTSUP;
	if (r) {
		snprintf(fault, sizeof(fault), "PATCH /drives/%.32s: %s", id,
			 vfault[0] ? vfault : strerror(-r));
		return route_done(rs, r, fault);
	}
	memcpy(st->pending.cfg.disks[i].path, path, CONFIG_PATH_MAX);
	return route_done(rs, 0, "");
}

/* PATCH /vm {"state": "Paused" | "Resumed"}. */
static int route_vm(struct api_state *st, const char *body, size_t len,
		    struct api_response *rs)
{
	json_error_t je;
	json_t *o = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);
	if (!o)
		return route_fault(rs,
				   "vm: invalid JSON at line %d column "
				   "%d: %s",
				   je.line, je.column, je.text);
	json_t *s = json_is_object(o) ? json_object_get(o, "state") : NULL;
	bool pause =
	    s && json_is_string(s) && !strcmp(json_string_value(s), "Paused");
	bool resume =
	    s && json_is_string(s) && !strcmp(json_string_value(s), "Resumed");
	size_t members = json_is_object(o) ? json_object_size(o) : 0;
	json_decref(o);
	if (members != 1 || !(pause || resume))
		return route_fault(rs, "vm: the body must be {\"state\": "
				       "\"Paused\"} or {\"state\": "
				       "\"Resumed\"}");
	if (st->vm_state == API_NOT_STARTED)
		return route_fault(rs, "vm: the microVM is not started "
				       "(PATCH /vm needs InstanceStart "
				       "first)");
	char fault[API_FAULT_MAX] = "";
	int r = st->ops.pause
		    ? st->ops.pause(st->ops.opaque, pause, fault, sizeof(fault))
		    : -ENOTSUP;
	if (r && !fault[0])
		snprintf(fault, sizeof(fault), "vm: %s: %s",
			 pause ? "pause" : "resume", strerror(-r));
	if (!r)
		st->vm_state = pause ? API_PAUSED : API_RUNNING;
	return route_done(rs, r, fault);
}

/* PUT /snapshot/create: a paused microVM into two new files. */
static int route_snapshot_create(struct api_state *st, const char *body,
				 size_t len, struct api_response *rs)
{
	char fault[API_FAULT_MAX] = "";
	char state[CONFIG_PATH_MAX], mem[CONFIG_PATH_MAX];
	if (st->vm_state != API_PAUSED)
		return route_fault(rs, "snapshot/create: the microVM must be "
				       "paused first (PATCH /vm {\"state\": "
				       "\"Paused\"})");
	int r = api_snapshot_create_params(body, len, state, mem, fault,
					   sizeof(fault));
	if (!r && !st->ops.snapshot_create)
		r = api_json_fault(fault, sizeof(fault),
				   "snapshot/create: no VMM to snapshot");
	char vfault[API_FAULT_MAX - 32] = "";
	if (!r && (r = st->ops.snapshot_create(st->ops.opaque, state, mem,
					       vfault, sizeof(vfault))))
		snprintf(fault, sizeof(fault), "snapshot/create: %s",
			 vfault[0] ? vfault : strerror(-r));
	return route_done(rs, r, fault);
}

/* PUT /snapshot/load: a fresh vmm (nothing configured but the logger
 * and metrics) boots the snapshot instead of a kernel. */
static int route_snapshot_load(struct api_state *st, const char *body,
			       size_t len, struct api_response *rs)
{
	char fault[API_FAULT_MAX] = "";
	struct api_config *ac = &st->pending;
	if (st->vm_state != API_NOT_STARTED)
		return route_fault(rs, "snapshot/load: the microVM is started "
				       "already (load into a new vmm)");
	if (ac->has_kernel || ac->cfg.ndisks || ac->cfg.nnets ||
	    ac->cfg.vsock.on || ac->cfg.ndevs)
		return route_fault(rs, "snapshot/load: the snapshot defines "
				       "the machine and its devices; load it "
				       "before configuring any");
	if (ac->cfg.on_reset == RESET_RESTART)
		return route_fault(rs, "snapshot/load: a restored snapshot "
				       "cannot restart on a guest reset "
				       "(--on-reset restart): it has no kernel "
				       "to boot again");
	int r = api_snapshot_load_params(body, len, &ac->cfg.restore, fault,
					 sizeof(fault));
	if (!r && !st->ops.start)
		r = api_json_fault(fault, sizeof(fault),
				   "snapshot/load: no VMM to start");
	if (!r)
		r = st->ops.start(st->ops.opaque, ac, fault, sizeof(fault));
	if (r)
		ac->cfg.restore.on = false;
	else
		st->vm_state =
		    ac->cfg.restore.paused ? API_PAUSED : API_RUNNING;
	return route_done(rs, r, fault);
}

/* path is prefix + "/" + an id: the id, or NULL. */
static const char *route_id(const char *path, const char *prefix)
{
	size_t n = strlen(prefix);
	if (strncmp(path, prefix, n) || path[n] != '/' || !path[n + 1] ||
	    strchr(path + n + 1, '/'))
		return NULL;
	return path + n + 1;
}

/* The pre-boot resources: PUT only, before InstanceStart. */
static int route_preboot(struct api_state *st, const char *path,
			 const char *body, size_t len, struct api_response *rs,
			 bool *matched)
{
	char fault[API_FAULT_MAX];
	struct api_config *ac = &st->pending;
	const char *id;
	int r;
	*matched = true;
	bool known =
	    !strcmp(path, "/machine-config") || !strcmp(path, "/boot-source") ||
	    !strcmp(path, "/entropy") || !strcmp(path, "/metrics") ||
	    !strcmp(path, "/logger") || !strcmp(path, "/vsock") ||
	    route_id(path, "/drives") || route_id(path, "/network-interfaces");
	if (!known) {
		*matched = false;
		return 0;
	}
	if (st->vm_state != API_NOT_STARTED)
		return route_fault(rs,
				   "PUT %.128s: not supported after "
				   "InstanceStart (a pre-boot resource)",
				   path);
	if (!strcmp(path, "/machine-config"))
		r = api_config_machine(ac, body, len, fault, sizeof(fault));
	else if (!strcmp(path, "/boot-source"))
		r = api_config_boot_source(ac, body, len, fault, sizeof(fault));
	else if (!strcmp(path, "/entropy"))
		r = api_config_entropy(ac, body, len, fault, sizeof(fault));
	else if (!strcmp(path, "/metrics"))
		r = api_metrics_config(ac, body, len, fault, sizeof(fault));
	else if (!strcmp(path, "/logger"))
		r = api_logger_config(ac, body, len, fault, sizeof(fault));
	else if (!strcmp(path, "/vsock"))
		r = api_config_vsock(ac, body, len, fault, sizeof(fault));
	else if ((id = route_id(path, "/drives")))
		r = api_config_drive(ac, id, body, len, fault, sizeof(fault));
	else
		r = api_config_net(ac, route_id(path, "/network-interfaces"),
				   body, len, fault, sizeof(fault));
	return route_done(rs, r, fault);
}

static int route_get(struct api_state *st, const char *path,
		     struct api_response *rs)
{
	if (!strcmp(path, "/"))
		return route_instance_info(st, rs);
	if (!strcmp(path, "/version"))
		return route_version(rs);
	if (!strcmp(path, "/machine-config"))
		return route_json(rs, api_config_machine_json(&st->pending));
	if (!strcmp(path, "/vm/config"))
		return route_json(rs, api_config_vm_json(&st->pending));
	return 1;
}

int api_route(struct api_state *st, const char *method, const char *path,
	      const char *body, size_t len, struct api_response *rs)
{
	rs->status = 400;
	rs->body = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(route_unsupported); i++)
		if (!strcmp(path, route_unsupported[i]) ||
		    !strncmp(path, "/pmem/", 6))
			return route_fault(rs, "%.128s is not supported by vmm",
					   path);
	if (len > API_BODY_MAX)
		return route_fault(rs,
				   "the request body (%zu bytes) is "
				   "larger than the limit of %d bytes",
				   len, API_BODY_MAX);
	bool get = !strcmp(method, "GET"), put = !strcmp(method, "PUT");
	bool patch = !strcmp(method, "PATCH");
	if (get) {
		int r = route_get(st, path, rs);
		if (r <= 0)
			return r;
	}
	if ((put || patch) && len == 0)
		return route_fault(rs, "%s %.128s: the request has no body",
				   method, path);
	if (put) {
		bool matched;
		int r = route_preboot(st, path, body, len, rs, &matched);
		if (matched)
			return r;
		if (!strcmp(path, "/actions"))
			return route_actions(st, body, len, rs);
		if (!strcmp(path, "/snapshot/create"))
			return route_snapshot_create(st, body, len, rs);
		if (!strcmp(path, "/snapshot/load"))
			return route_snapshot_load(st, body, len, rs);
	}
	if (patch) {
		if (!strcmp(path, "/vm"))
			return route_vm(st, body, len, rs);
		const char *id = route_id(path, "/drives");
		if (id)
			return route_patch_drive(st, id, body, len, rs);
		if (!strcmp(path, "/machine-config") ||
		    route_id(path, "/network-interfaces"))
			return route_fault(rs,
					   "PATCH %.128s is not supported "
					   "by vmm yet",
					   path);
	}
	return route_fault(rs,
			   "invalid request method and/or path: %.16s "
			   "%.128s",
			   method, path);
}
