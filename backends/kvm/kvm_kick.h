/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Kicking a vCPU thread out of KVM_RUN, for every architecture's KVM
 * backend: KVM_KICK_SIGNAL is blocked on the vCPU thread except inside
 * KVM_RUN (KVM_SET_SIGNAL_MASK), so a kick that arrives between runs
 * stays pending and ends the next KVM_RUN at once.
 */
#ifndef VMM_BACKENDS_KVM_KICK_H
#define VMM_BACKENDS_KVM_KICK_H

#include <signal.h>

#include "vmm/base/compiler.h"

#define KVM_KICK_SIGNAL SIGUSR1

/* On the vCPU's own thread, before its first KVM_RUN on vcpu_fd: install
 * the (empty) handler, block the signal, and give KVM the mask to run
 * with (this thread's, without the signal). 0 or -errno. */
int kvm_kick_thread_init(int vcpu_fd) VMM_WUR;

/* Consume a pending kick so the next KVM_RUN does not return at once. */
void kvm_kick_eat(void);

#endif
