/* SPDX-License-Identifier: Apache-2.0 */
/* What both KVM backends share (kvm_common.h). */
#include "backends/kvm/kvm_common.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "vmm/base/log.h"

int kvm_open_dev(int *fd)
{
	*fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (*fd >= 0)
		return 0;
	int r = -errno;
	log_error("cannot open /dev/kvm: %s (is KVM enabled, and may this user "
		  "open it?)",
		  strerror(-r));
	return r;
}

int kvm_check_cap(int fd, long cap)
{
	int r = ioctl(fd, KVM_CHECK_EXTENSION, cap);
	return r < 0 ? 0 : r;
}

int kvm_check_host(int kvm_fd, const struct kvm_cap_need *need, size_t n,
		   unsigned ncpus, int *run_size)
{
	int api = ioctl(kvm_fd, KVM_GET_API_VERSION, 0);
	if (api != KVM_API_VERSION) {
		log_error("/dev/kvm speaks API %d, vmm needs %d", api,
			  KVM_API_VERSION);
		return -ENOTSUP;
	}
	for (size_t i = 0; i < n; i++) {
		if (!kvm_check_cap(kvm_fd, need[i].cap)) {
			log_error("/dev/kvm lacks %s", need[i].name);
			return -ENOTSUP;
		}
	}
	int max_vcpus = kvm_check_cap(kvm_fd, KVM_CAP_MAX_VCPUS);
	if (max_vcpus > 0 && ncpus > (unsigned)max_vcpus) {
		log_error("KVM allows at most %d vCPUs, %u requested",
			  max_vcpus, ncpus);
		return -EINVAL;
	}
	*run_size = ioctl(kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (*run_size < (int)sizeof(struct kvm_run)) {
		log_error("KVM_GET_VCPU_MMAP_SIZE: bad size %d", *run_size);
		return -EINVAL;
	}
	return 0;
}

int kvm_cpu_open(struct kvm_cpu *c, int vm_fd, unsigned index, int run_size)
{
	c->run = MAP_FAILED;
	c->run_size = run_size;
	atomic_init(&c->thread_ready, false);
	c->fd = ioctl(vm_fd, KVM_CREATE_VCPU, (unsigned long)index);
	if (c->fd < 0) {
		int r = -errno;
		log_error("KVM_CREATE_VCPU %u: %s", index, strerror(-r));
		return r;
	}
	c->run = mmap(NULL, (size_t)run_size, PROT_READ | PROT_WRITE,
		      MAP_SHARED, c->fd, 0);
	if (c->run == MAP_FAILED) {
		int r = -errno;
		log_error("vCPU %u: mmap kvm_run: %s", index, strerror(-r));
		return r;
	}
	return 0;
}

void kvm_cpu_close(struct kvm_cpu *c)
{
	if (c->run != MAP_FAILED)
		munmap(c->run, (size_t)c->run_size);
	c->run = MAP_FAILED;
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

static void kvm_kick_handler(int sig)
{
	(void)sig;
}

int kvm_cpu_thread_init(struct kvm_cpu *c)
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
	if (ioctl(c->fd, KVM_SET_SIGNAL_MASK, &km) < 0)
		return -errno;
	c->thread = pthread_self();
	atomic_store(&c->thread_ready, true);
	return 0;
}

void kvm_cpu_kick(struct kvm_cpu *c)
{
	if (atomic_load(&c->thread_ready))
		pthread_kill(c->thread, KVM_KICK_SIGNAL);
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

int kvm_cpu_run(struct kvm_cpu *c, unsigned index, struct accel_exit *exit)
{
	if (ioctl(c->fd, KVM_RUN, 0) == 0)
		return 1;
	int e = errno;
	if (e == EINTR || e == EAGAIN) {
		kvm_kick_eat();
		exit->reason = ACCEL_EXIT_INTR;
		return 0;
	}
	log_error("vCPU %u: KVM_RUN: %s", index, strerror(e));
	return -e;
}

bool kvm_mmio_exit(struct kvm_run *run, struct accel_exit *exit)
{
	if (run->mmio.len == 0 || run->mmio.len > 8)
		return false;
	exit->reason = ACCEL_EXIT_MMIO;
	exit->io.addr = run->mmio.phys_addr;
	exit->io.size = run->mmio.len;
	exit->io.count = 1;
	exit->io.write = run->mmio.is_write;
	exit->io.data = run->mmio.data;
	return true;
}

bool kvm_system_event_exit(const struct kvm_run *run, struct accel_exit *exit)
{
	switch (run->system_event.type) {
	case KVM_SYSTEM_EVENT_SHUTDOWN:
		exit->reason = ACCEL_EXIT_POWEROFF;
		return true;
	case KVM_SYSTEM_EVENT_RESET:
		exit->reason = ACCEL_EXIT_RESET;
		return true;
	}
	return false;
}

int kvm_set_region(int vm_fd, uint32_t slot, uint64_t gpa, uint64_t size,
		   void *hva)
{
	struct kvm_userspace_memory_region mr = {
	    .slot = slot,
	    .guest_phys_addr = gpa,
	    .memory_size = size,
	    .userspace_addr = (uintptr_t)hva,
	};
	if (ioctl(vm_fd, KVM_SET_USER_MEMORY_REGION, &mr) == 0)
		return 0;
	int e = errno;
	log_error("KVM_SET_USER_MEMORY_REGION slot %u at 0x%" PRIx64
		  " (+0x%" PRIx64 "): %s",
		  slot, gpa, size, strerror(e));
	return -e;
}

int kvm_set_ioeventfd(int vm_fd, uint64_t addr, unsigned len, uint64_t data,
		      int fd, bool assign)
{
	struct kvm_ioeventfd io = {
	    .datamatch = data,
	    .addr = addr,
	    .len = len,
	    .fd = fd,
	    .flags = KVM_IOEVENTFD_FLAG_DATAMATCH |
		     (assign ? 0 : KVM_IOEVENTFD_FLAG_DEASSIGN),
	};
	if (ioctl(vm_fd, KVM_IOEVENTFD, &io) == 0)
		return 0;
	int e = errno;
	log_error("KVM_IOEVENTFD at 0x%" PRIx64 ": %s", addr, strerror(e));
	return -e;
}

int kvm_set_irqfd(int vm_fd, uint32_t gsi, int fd, bool assign)
{
	struct kvm_irqfd irq = {
	    .fd = (uint32_t)fd,
	    .gsi = gsi,
	    .flags = assign ? 0 : KVM_IRQFD_FLAG_DEASSIGN,
	};
	if (ioctl(vm_fd, KVM_IRQFD, &irq) == 0)
		return 0;
	int e = errno;
	log_error("KVM_IRQFD for GSI %u: %s", gsi, strerror(e));
	return -e;
}
