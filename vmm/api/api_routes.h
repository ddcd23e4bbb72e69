/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The API's requests: method + path + body -> a status and a JSON body,
 * with Firecracker's semantics (docs/api.md): 200 with JSON for a GET,
 * 204 with an empty body for a PUT or PATCH that succeeded, 400 with
 * {"fault_message": "..."} for any bad request, including every part of
 * Firecracker's API vmm does not implement (named, never silently
 * accepted). Pre-boot resources are refused after InstanceStart.
 *
 * No sockets and no VM: what a request asks of the VMM goes through
 * struct api_ops, so the fuzz harness runs the same code with stubs.
 * One thread at a time (the API thread).
 */
#ifndef VMM_API_API_ROUTES_H
#define VMM_API_API_ROUTES_H

#include <stdbool.h>
#include <stddef.h>

#include "vmm/api/api_config.h"
#include "vmm/api/api_metrics.h"
#include "vmm/base/compiler.h"

/* Firecracker's limit on a request body, in bytes. */
#define API_BODY_MAX 51200

enum api_vm_state { API_NOT_STARTED = 0, API_RUNNING, API_PAUSED };

/* What the routes ask of the VMM; each 0 or -errno with one line in
 * fault (the 400's fault_message). */
struct api_ops {
	/* InstanceStart: boot ac->cfg (finished: api_config_finish) and
	 * return once the VM runs or failed to start. */
	int (*start)(void *opaque, const struct api_config *ac, char *fault,
		     size_t cap);
	/* PATCH /vm: pause (true) or resume (false) the running VM. */
	int (*pause)(void *opaque, bool pause, char *fault, size_t cap);
	/* FlushMetrics: append the running VM's metrics line to the
	 * metrics file (api_metrics.h). */
	int (*flush_metrics)(void *opaque, char *fault, size_t cap);
	/* SendCtrlAltDel: press Ctrl-Alt-Del on the running VM's keyboard
	 * (vm_send_ctrl_alt_del). */
	int (*ctrl_alt_del)(void *opaque, char *fault, size_t cap);
	/* PATCH /drives: put drive `index` of the running VM over the image
	 * at path (vm_drive_replace). */
	int (*patch_drive)(void *opaque, unsigned index, const char *path,
			   char *fault, size_t cap);
	/* PUT /snapshot/create: save the paused VM into two new files
	 * (vm_snapshot_create). */
	int (*snapshot_create)(void *opaque, const char *state_path,
			       const char *mem_path, char *fault, size_t cap);
	void *opaque;
};

struct api_state {
	struct api_config pending; /* the VM InstanceStart boots */
	char id[API_ID_MAX + 1];   /* --id */
	enum api_vm_state vm_state;
	struct api_ops ops;
};

struct api_response {
	unsigned status; /* 200, 204 or 400 */
	char *body;	 /* malloc'd JSON, or NULL: no body (204) */
};

/* Start with base's settings (the command line), instance id `id`. */
void api_route_init(struct api_state *st, const struct vm_config *base,
		    const char *id, const struct api_ops *ops);

/* Handle one request: method and path NUL-terminated, body `len` bytes
 * (hostile; at most API_BODY_MAX, else refused). Fills *rs (the caller
 * frees rs->body). 0, or -ENOMEM (no response could be built: the
 * caller answers 500). */
int api_route(struct api_state *st, const char *method, const char *path,
	      const char *body, size_t len, struct api_response *rs) VMM_WUR;

/* The fault body for `msg` as JSON (malloc'd), or NULL when out of
 * memory. */
char *api_route_fault_json(const char *msg);

#endif
