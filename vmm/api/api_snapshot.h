/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The bodies of Firecracker's PUT /snapshot/create and PUT /snapshot/load
 * (docs/api.md, docs/snapshot.md), read with the API's JSON rules
 * (api_json.h). What vmm does not do is refused by name: Diff snapshots,
 * the Uffd memory backend, dirty page tracking, network_overrides,
 * clock_realtime, huge pages.
 */
#ifndef VMM_API_API_SNAPSHOT_H
#define VMM_API_API_SNAPSHOT_H

#include <stddef.h>

#include "vmm/base/compiler.h"
#include "vmm/vm/config.h"

/* SnapshotCreateParams: snapshot_path and mem_file_path (each at most
 * CONFIG_PATH_MAX bytes with the NUL) into state and mem; snapshot_type
 * Full (or absent). 0, or -EINVAL with one line in fault. */
int api_snapshot_create_params(const char *body, size_t len, char *state,
			       char *mem, char *fault, size_t cap) VMM_WUR;

/* SnapshotLoadParams into *rc (on): snapshot_path, the memory file from
 * mem_backend {"backend_type": "File", "backend_path"} or the deprecated
 * mem_file_path (exactly one), resume_vm (default false: paused),
 * vsock_override's uds_path. 0, or -EINVAL with one line in fault. */
int api_snapshot_load_params(const char *body, size_t len,
			     struct restore_config *rc, char *fault,
			     size_t cap) VMM_WUR;

#endif
