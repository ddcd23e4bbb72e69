/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The replay accelerator: no CPU. VMs, memory and vCPUs exist so that the
 * VM layer can build a machine; vcpu_run fails (the replay engine,
 * vmm/replay/replay.h, drives the devices instead). Registers are kept
 * and saved like a real vCPU's.
 */
#ifndef VMM_BACKENDS_REPLAY_ACCEL_H
#define VMM_BACKENDS_REPLAY_ACCEL_H

#include "backends/accel.h"

extern const struct accel_ops replay_accel_ops;

#endif
