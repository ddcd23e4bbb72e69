/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The API's pending VM configuration (docs/api.md): the JSON bodies of
 * Firecracker's pre-boot resources (machine-config, boot-source, drives,
 * network-interfaces, entropy) checked and applied to a struct vm_config
 * that InstanceStart then boots.
 *
 * Every body is hostile input: it is parsed by jansson with a length
 * (never NUL-terminated text), every member's JSON type is checked,
 * unknown members are refused where Firecracker refuses them, and every
 * string is bounded. A body is applied whole or not at all: on an error
 * the pending configuration is unchanged and `fault` holds one line
 * naming the member and what is wrong (the 400's fault_message).
 *
 * No I/O, no threads: the struct is the caller's, and the functions are
 * called by one thread at a time.
 */
#ifndef VMM_API_API_CONFIG_H
#define VMM_API_API_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "vmm/base/compiler.h"
#include "vmm/vm/config.h"

#define API_ID_MAX	  64   /* drive_id, iface_id, --id */
#define API_BOOT_ARGS_MAX 4096 /* boot_args, with the NUL */
#define API_FAULT_MAX	  256  /* a fault_message, with the NUL */

struct api_config {
	/* What InstanceStart boots. kernel, initrd and cmdline point into
	 * the buffers below (or are the base's until a boot-source). */
	struct vm_config cfg;
	const char *base_cmdline; /* the command line's, without boot_args */
	bool has_kernel;	  /* a boot-source was given */
	bool has_boot_args;
	char kernel[CONFIG_PATH_MAX];
	char initrd[CONFIG_PATH_MAX];
	char boot_args[API_BOOT_ARGS_MAX];
	/* boot_args and root=/dev/vda for a root drive (api_config_finish) */
	char cmdline[API_BOOT_ARGS_MAX + 32];
	/* Per cfg.disks[i] and cfg.nets[i]: the API's ids. */
	char drive_ids[CONFIG_MAX_DISKS][API_ID_MAX + 1];
	bool drive_root[CONFIG_MAX_DISKS];
	char iface_ids[CONFIG_MAX_NETS][API_ID_MAX + 1];
	char metrics_path[CONFIG_PATH_MAX]; /* PUT /metrics (api_metrics.h) */
	char log_path[CONFIG_PATH_MAX];	    /* PUT /logger (api_logger.h) */
};

/* Start from `base` (the command line: serial, log, seccomp, ...), with
 * no kernel, disk or interface. */
void api_config_init(struct api_config *ac, const struct vm_config *base);

/* PUT /machine-config: vcpu_count and mem_size_mib (required), smt and
 * track_dirty_pages (false only), cpu_template and huge_pages ("None"
 * only). 0, or -EINVAL with fault set. */
int api_config_machine(struct api_config *ac, const char *body, size_t len,
		       char *fault, size_t cap) VMM_WUR;

/* PUT /boot-source: kernel_image_path (required), boot_args,
 * initrd_path. 0, or -EINVAL with fault set. */
int api_config_boot_source(struct api_config *ac, const char *body, size_t len,
			   char *fault, size_t cap) VMM_WUR;

/* PUT /drives/{id}: drive_id (equal to id), path_on_host,
 * is_root_device (required), is_read_only; partuuid, rate_limiter,
 * io_engine and socket refused unless null; cache_type "Unsafe" only.
 * Adds the drive or replaces the one with that id. 0, -EINVAL or
 * -ENOSPC (too many drives) with fault set. */
int api_config_drive(struct api_config *ac, const char *id, const char *body,
		     size_t len, char *fault, size_t cap) VMM_WUR;

/* PATCH /drives/{id}: drive_id (equal to id), path_on_host (optional:
 * without it the request changes nothing), rate_limiter refused unless
 * null. The drive must exist: *index is its place in ac->cfg.disks. path
 * gets path_on_host, or "" when absent. ac is not changed (the caller
 * records the path once the VM took it). 0 or -EINVAL with fault set. */
int api_config_drive_patch(struct api_config *ac, const char *id,
			   const char *body, size_t len, unsigned *index,
			   char path[CONFIG_PATH_MAX], char *fault,
			   size_t cap) VMM_WUR;

/* PUT /network-interfaces/{id}: iface_id (equal to id), host_dev_name
 * (required), guest_mac; rx/tx_rate_limiter refused unless null. Adds
 * or replaces. 0, -EINVAL or -ENOSPC with fault set. */
int api_config_net(struct api_config *ac, const char *id, const char *body,
		   size_t len, char *fault, size_t cap) VMM_WUR;

/* PUT /vsock: guest_cid (3 .. 2^32 - 2) and uds_path (required; at most
 * CONFIG_VSOCK_PATH_MAX - 1 bytes), vsock_id (deprecated by Firecracker:
 * a string, ignored). Creates or replaces the one vsock. 0, or -EINVAL
 * with fault set. */
int api_config_vsock(struct api_config *ac, const char *body, size_t len,
		     char *fault, size_t cap) VMM_WUR;

/* PUT /entropy: an object whose rate_limiter is absent or null; turns
 * the entropy device on. 0, or -EINVAL with fault set. */
int api_config_entropy(struct api_config *ac, const char *body, size_t len,
		       char *fault, size_t cap) VMM_WUR;

/* Before InstanceStart: a kernel must be set; the root drive becomes
 * /dev/vda and cmdline gets "root=/dev/vda rw" (or "ro"). 0, or
 * -EINVAL with fault set. */
int api_config_finish(struct api_config *ac, char *fault, size_t cap) VMM_WUR;

/* GET /machine-config and GET /vm/config: the JSON text (malloc'd, the
 * caller frees it), or NULL when out of memory. */
char *api_config_machine_json(const struct api_config *ac);
char *api_config_vm_json(const struct api_config *ac);

#endif
