/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What both architectures' KVM backends do the same way (backends/kvm/
 * for x86, backends/kvm/arm64/): /dev/kvm, capabilities, a vCPU's fd and
 * kvm_run, kicks, memory slots, ioeventfds and irqfds, MMIO exits. Each
 * function logs what failed (one line) and returns -errno.
 *
 * Kicks: KVM_KICK_SIGNAL is blocked on the vCPU thread except inside
 * KVM_RUN (KVM_SET_SIGNAL_MASK), so a kick that arrives between runs
 * stays pending and ends the next KVM_RUN at once.
 */
#ifndef VMM_BACKENDS_KVM_COMMON_H
#define VMM_BACKENDS_KVM_COMMON_H

#include <linux/kvm.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "vmm/base/accel_types.h"
#include "vmm/base/compiler.h"

#define KVM_KICK_SIGNAL SIGUSR1

/* A vCPU's fd, its kvm_run and the thread that runs it. */
struct kvm_cpu {
	int fd;
	struct kvm_run *run; /* MAP_FAILED until mapped */
	int run_size;
	pthread_t thread;
	atomic_bool thread_ready; /* thread recorded, a kick can reach it */
};

/* Open /dev/kvm read-write into *fd. 0 or -errno. */
int kvm_open_dev(int *fd) VMM_WUR;

/* KVM_CHECK_EXTENSION of cap on fd (/dev/kvm or a VM): its value, 0 when
 * absent or on error. */
int kvm_check_cap(int fd, long cap);

/* A capability a backend cannot do without, and its name for the log. */
struct kvm_cap_need {
	long cap;
	const char *name;
};

/* What a VM needs of /dev/kvm (kvm_fd): KVM's API version, every
 * capability of need[0..n), room for ncpus vCPUs; sets *run_size to
 * kvm_run's mmap size. 0, or -ENOTSUP / -EINVAL with the first thing
 * missing logged. */
int kvm_check_host(int kvm_fd, const struct kvm_cap_need *need, size_t n,
		   unsigned ncpus, int *run_size) VMM_WUR;

/* KVM_CREATE_VCPU `index` on vm_fd and map its kvm_run (run_size bytes)
 * into c. 0 or -errno; on error c holds what kvm_cpu_close frees. */
int kvm_cpu_open(struct kvm_cpu *c, int vm_fd, unsigned index,
		 int run_size) VMM_WUR;
/* Unmap and close what kvm_cpu_open made (any part of it). */
void kvm_cpu_close(struct kvm_cpu *c);

/* On the vCPU's own thread, before its first KVM_RUN: install the
 * (empty) kick handler, block the signal, give KVM the mask to run with
 * (this thread's, without the signal), and record the thread. 0 or
 * -errno. */
int kvm_cpu_thread_init(struct kvm_cpu *c) VMM_WUR;
/* Make the vCPU's KVM_RUN return soon; any thread, idempotent. */
void kvm_cpu_kick(struct kvm_cpu *c);
/* Consume a pending kick so the next KVM_RUN does not return at once. */
void kvm_kick_eat(void);

/* KVM_RUN: 1 with c->run describing the exit; 0 with exit->reason
 * ACCEL_EXIT_INTR when a signal or a kick interrupted it; -errno (logged
 * for vCPU `index`) when KVM failed. */
int kvm_cpu_run(struct kvm_cpu *c, unsigned index,
		struct accel_exit *exit) VMM_WUR;

/* A KVM_EXIT_MMIO into exit: true, or false when its length is not 1 to
 * 8 bytes (malformed). */
bool kvm_mmio_exit(struct kvm_run *run, struct accel_exit *exit);

/* A KVM_EXIT_SYSTEM_EVENT into exit: true for a shutdown (PSCI
 * SYSTEM_OFF, ACCEL_EXIT_POWEROFF) or a reset (ACCEL_EXIT_RESET); false
 * for another event type, which the caller reports. */
bool kvm_system_event_exit(const struct kvm_run *run, struct accel_exit *exit);

/* KVM_SET_USER_MEMORY_REGION: [hva, hva+size) at gpa in `slot`. */
int kvm_set_region(int vm_fd, uint32_t slot, uint64_t gpa, uint64_t size,
		   void *hva) VMM_WUR;
/* KVM_IOEVENTFD with a data match (assign, or deassign the same). */
int kvm_set_ioeventfd(int vm_fd, uint64_t addr, unsigned len, uint64_t data,
		      int fd, bool assign) VMM_WUR;
/* KVM_IRQFD on `gsi` (assign or deassign). */
int kvm_set_irqfd(int vm_fd, uint32_t gsi, int fd, bool assign) VMM_WUR;

#endif
