/* SPDX-License-Identifier: Apache-2.0 */
/* The vCPU run loop: one thread per vCPU, exits dispatched to the buses. */
#ifndef VMM_VCPU_H
#define VMM_VCPU_H

#include <stdbool.h>

#include "backends/accel.h"
#include "vmm/base/compiler.h"

struct vcpu;

/* Start c's thread, which runs the vCPU until the VM stops. 0 or -errno. */
int vcpu_start(struct vcpu *c) VMM_WUR;

/* Kick c out of the accelerator and wait for its thread to end. No-op for
 * a vCPU that was never started. */
void vcpu_stop(struct vcpu *c);

/* Act on one exit: PIO and MMIO go to the buses; resets, power-off and
 * fatal errors request a VM stop. Returns false when the vCPU must not run
 * again. Used by the run loop and by backends without threads. */
bool vcpu_handle_exit(struct vcpu *c, struct accel_exit *exit);

#endif
