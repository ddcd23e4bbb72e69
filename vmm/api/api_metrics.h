/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Metrics, as Firecracker's API asks for them: PUT /metrics names a file
 * or FIFO before InstanceStart (opened with the VM's other host files);
 * each PUT /actions FlushMetrics appends one JSON line to it. vmm's line
 * (docs/api.md) is its own, not Firecracker's set of metrics:
 *
 *   {"utc_timestamp_ms": T, "vcpu": [{"exits": N}, ...],
 *    "blk": [{"reads": N, ...}, ...], "net": [...], "rng": [...], ...}
 *
 * one array per group (the vCPUs, each virtio device type), one object
 * per vCPU or device in order, its counters as members (vm_metrics).
 */
#ifndef VMM_API_API_METRICS_H
#define VMM_API_API_METRICS_H

#include <stddef.h>

#include "vmm/api/api_config.h"
#include "vmm/base/compiler.h"
#include "vmm/vm/vm.h"

/* PUT /metrics: {"metrics_path": PATH} (required). 0, or -EINVAL with
 * fault set. */
int api_metrics_config(struct api_config *ac, const char *body, size_t len,
		       char *fault, size_t cap) VMM_WUR;

/* The running VM's metrics as one JSON line (with its newline),
 * malloc'd, or NULL when out of memory. Any thread. */
char *api_metrics_line(struct vm *vm);

#endif
