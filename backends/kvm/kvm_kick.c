/* SPDX-License-Identifier: Apache-2.0 */
/* vCPU kicks (kvm_kick.h). */
#include "backends/kvm/kvm_kick.h"

#include <errno.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>

static void kvm_kick_handler(int sig)
{
	(void)sig;
}

int kvm_kick_thread_init(int vcpu_fd)
{
	/* The handler only has to exist so that the kick does not kill the
	 * process; installing it again is harmless. */
	struct sigaction sa = {.sa_handler = kvm_kick_handler};
	sigemptyset(&sa.sa_mask);
	if (sigaction(KVM_KICK_SIGNAL, &sa, NULL) < 0)
		return -errno;

	sigset_t block, run_mask;
	sigemptyset(&block);
	sigaddset(&block, KVM_KICK_SIGNAL);
	int r = pthread_sigmask(SIG_BLOCK, &block, &run_mask);
	if (r)
		return -r;
	/* Inside KVM_RUN: this thread's mask without the kick signal. */
	sigdelset(&run_mask, KVM_KICK_SIGNAL);
	/* The kernel's sigset_t is 64 bits here: room for it after the
	 * header's flexible array. */
	union {
		struct kvm_signal_mask hdr;
		uint8_t buf[sizeof(struct kvm_signal_mask) + 8];
	} km;
	km.hdr.len = 8;
	memcpy(km.hdr.sigset, &run_mask, 8);
	if (ioctl(vcpu_fd, KVM_SET_SIGNAL_MASK, &km) < 0)
		return -errno;
	return 0;
}

void kvm_kick_eat(void)
{
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, KVM_KICK_SIGNAL);
	struct timespec zero = {0, 0};
	while (sigtimedwait(&s, NULL, &zero) > 0)
		;
}
