/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Metrics, as Firecracker's API asks for them: PUT /metrics names a file
 * or FIFO before InstanceStart (opened with the VM's other host files);
 * each PUT /actions FlushMetrics appends one JSON line to it. vmm's line
 * (docs/api.md) is its own, not Firecracker's set of metrics:
 *
 *   {"utc_timestamp_ms": T, "lost_metrics": L, "vcpu": [{"exits": N}, ...],
 *    "blk": [{"reads": N, ...}, ...], "net": [...], "rng": [...], ...}
 *
 * one array per group (the vCPUs, each virtio device type), one object
 * per vCPU or device in order, its counters as members (vm_metrics);
 * lost_metrics counts the lines the file did not take (a stalled FIFO).
 * Lines are also written every --metrics-interval seconds and when the
 * VM stops (vmm/app/launch.c).
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

/* Append the VM's line to its metrics file (vm_metrics_fd) with one
 * write, whole or not at all (a line is shorter than PIPE_BUF): 0;
 * -ENOENT without a metrics file; -ENOMEM; -errno or -EIO when the file
 * took none or part of it (the line is lost and counted in
 * lost_metrics). On failure one line in fault, prefixed with `what`
 * ("FlushMetrics"). Any thread. */
int api_metrics_flush(struct vm *vm, const char *what, char *fault,
		      size_t cap) VMM_WUR;

#endif
