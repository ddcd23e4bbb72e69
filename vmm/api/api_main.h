/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vmm --api-sock PATH (docs/api.md): listen on PATH, serve Firecracker's
 * API on the API thread, and on InstanceStart boot what it configured
 * through launch_run, as the command line would. Binary only.
 *
 * Threads: the control thread (main) waits for InstanceStart, a stop
 * signal (SIGINT, SIGTERM, SIGHUP: vmm exits 128+N and PATH is removed)
 * or the API thread's failure, then builds and runs the VM; the API
 * thread ("vmm-api", its own seccomp class) serves requests throughout,
 * and pauses and resumes the running VM (vm_pause.h).
 */
#ifndef VMM_API_API_MAIN_H
#define VMM_API_API_MAIN_H

#include "backends/accel.h"
#include "vmm/sandbox/sandbox.h"
#include "vmm/vm/config.h"

/* Run the API mode of vmm for cfg (cfg->api_sock set) on accel under sb
 * (sandbox_prepare done). Returns vmm's exit status: the VM's as for
 * the command line, 1 when the API could not start, 128+N on signal N
 * before InstanceStart. */
int api_main(const struct vm_config *cfg, const struct accel_ops *accel,
	     struct sandbox *sb);

#endif
