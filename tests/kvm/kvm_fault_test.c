/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kvm.backend_faults: the KVM backend's VM level (backends/kvm/kvm_vm.c)
 * when /dev/kvm fails it. This program defines ioctl(2) itself, over the
 * real system call, so that the backend linked into it meets one chosen
 * KVM ioctl failing with an errno or returning a chosen value (an old
 * API version, a missing capability, a small vCPU limit, a bad kvm_run
 * size); a private mount namespace without /dev/kvm stands for a host
 * without KVM. Each failure is refused with its -errno and a line that
 * names what failed, the VM made so far is closed (no fd left open), and
 * the irqchip and PIT are created at the first call that needs them,
 * again after a failed try. Real KVM refusals too: a ninth memory slot,
 * an overlapping one, a bad ioeventfd length, an irqfd without an fd.
 * Exit: 0 pass, 1 fail, 77 skipped (no usable /dev/kvm).
 */
#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backends/kvm/kvm_internal.h"
#include "ktest.h"
#include "vmm/base/gcov.h"

static int failures;
#define CHECK(cond, ...) KT_CHECK(&failures, cond, __VA_ARGS__)

/* The one ioctl made to misbehave: request req (with argument arg when
 * match_arg) fails with err, or returns ret when err is 0. */
static struct {
	unsigned long req;
	bool match_arg;
	unsigned long arg;
	int err, ret;
} fault;

static void fault_set(unsigned long req, bool match_arg, unsigned long arg,
		      int err, int ret)
{
	fault.req = req;
	fault.match_arg = match_arg;
	fault.arg = arg;
	fault.err = err;
	fault.ret = ret;
}

static void fault_clear(void)
{
	fault.req = 0;
}

int ioctl(int fd, unsigned long req, ...)
{
	va_list ap;
	va_start(ap, req);
	unsigned long arg = va_arg(ap, unsigned long);
	va_end(ap);
	if (fault.req && req == fault.req &&
	    (!fault.match_arg || arg == fault.arg)) {
		if (!fault.err)
			return fault.ret;
		errno = fault.err;
		return -1;
	}
	return (int)syscall(SYS_ioctl, fd, req, arg);
}

static int eventfd_fd(void)
{
	int fd = eventfd(0, EFD_CLOEXEC);
	CHECK(fd >= 0, "eventfd");
	return fd;
}

/* Open fds of this process. */
static int fds_open(void)
{
	int n = 0;
	DIR *d = opendir("/proc/self/fd");
	if (!d)
		return -1;
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

/* kvm_vm_create with the fault set: rc `want` and a log line holding
 * `msg`, and every fd it opened closed again. */
static void create_fails(struct accel_sys *sys, unsigned ncpus, int want,
			 const char *msg)
{
	struct accel_vm_config cfg = {.ncpus = ncpus, .sys = sys};
	struct accel_vm *vm = NULL;
	char log[1024];
	int before = fds_open();
	int saved = kt_capture_begin();
	int r = kvm_vm_create(&cfg, &vm);
	kt_capture_end(saved, log, sizeof(log));
	fault_clear();
	if (!r)
		kvm_vm_destroy(vm);
	CHECK(r == want, "'%s': rc %d, expected %d", msg, r, want);
	CHECK(strstr(log, msg) != NULL, "log lacks '%s': '%s'", msg, log);
	CHECK(fds_open() == before, "'%s': %d fds open, %d before", msg,
	      fds_open(), before);
}

static void test_create_faults(struct accel_sys *sys)
{
	fault_set(KVM_GET_API_VERSION, false, 0, 0, 11);
	create_fails(sys, 1, -ENOTSUP,
		     "vmm: /dev/kvm speaks API 11, vmm needs 12");
	fault_set(KVM_CHECK_EXTENSION, true, KVM_CAP_IRQFD, 0, 0);
	create_fails(sys, 1, -ENOTSUP, "vmm: /dev/kvm lacks KVM_CAP_IRQFD");
	fault_set(KVM_CHECK_EXTENSION, true, KVM_CAP_USER_MEMORY, EINVAL, 0);
	create_fails(sys, 1, -ENOTSUP,
		     "vmm: /dev/kvm lacks KVM_CAP_USER_MEMORY");
	fault_set(KVM_CHECK_EXTENSION, true, KVM_CAP_MAX_VCPUS, 0, 2);
	create_fails(sys, 3, -EINVAL,
		     "vmm: KVM allows at most 2 vCPUs, 3 requested");
	fault_set(KVM_GET_VCPU_MMAP_SIZE, false, 0, 0, 16);
	create_fails(sys, 1, -EINVAL,
		     "vmm: KVM_GET_VCPU_MMAP_SIZE: bad size 16");
	fault_set(KVM_GET_SUPPORTED_CPUID, false, 0, EIO, 0);
	create_fails(sys, 1, -EIO,
		     "vmm: KVM_GET_SUPPORTED_CPUID: Input/output error");
	fault_set(KVM_CREATE_VM, false, 0, ENOMEM, 0);
	create_fails(sys, 1, -ENOMEM,
		     "vmm: KVM_CREATE_VM: Cannot allocate memory");
	fault_set(KVM_SET_TSS_ADDR, false, 0, EINVAL, 0);
	create_fails(sys, 1, -EINVAL,
		     "vmm: KVM_SET_TSS_ADDR: Invalid argument");
	fault_set(KVM_SET_IDENTITY_MAP_ADDR, false, 0, EEXIST, 0);
	create_fails(sys, 1, -EEXIST,
		     "vmm: KVM_SET_IDENTITY_MAP_ADDR: File exists");
	/* Without an accel_sys the VM reads the MSR list itself. */
	fault_set(KVM_GET_MSR_INDEX_LIST, false, 0, EIO, 0);
	create_fails(NULL, 1, -EIO,
		     "vmm: KVM_GET_MSR_INDEX_LIST: Input/output error");
	/* And with nothing failing, a VM without an accel_sys. */
	create_fails(NULL, 1, 0, "");
}

static void test_sys_faults(void)
{
	struct accel_sys *sys = NULL;
	char log[512];
	fault_set(KVM_GET_MSR_INDEX_LIST, false, 0, EIO, 0);
	int before = fds_open();
	int saved = kt_capture_begin();
	int r = kvm_sys_open(&sys);
	kt_capture_end(saved, log, sizeof(log));
	fault_clear();
	CHECK(r == -EIO, "kvm_sys_open: rc %d", r);
	CHECK(strstr(log, "vmm: KVM_GET_MSR_INDEX_LIST: Input/output error"),
	      "log: '%s'", log);
	CHECK(fds_open() == before, "kvm_sys_open left /dev/kvm open");
	/* NULL is a no-op for both. */
	kvm_sys_close(NULL);
	kvm_vm_destroy(NULL);
}

/* A host without /dev/kvm (a mount namespace where /dev is empty): both
 * ways of opening it say so. */
static void test_no_dev_kvm(void)
{
	if (getuid() != 0) {
		printf("(no /dev/kvm case skipped: needs root)\n");
		return;
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		if (unshare(CLONE_NEWNS) < 0 ||
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
		    mount("tmpfs", "/dev", "tmpfs", 0, NULL) < 0)
			_exit(2);
		const char *want = "vmm: cannot open /dev/kvm: No such file or "
				   "directory (is KVM enabled, and may this "
				   "user open it?)";
		char log[512];
		struct accel_sys *sys = NULL;
		int saved = kt_capture_begin();
		int r = kvm_sys_open(&sys);
		kt_capture_end(saved, log, sizeof(log));
		int ok = r == -ENOENT && strstr(log, want);
		struct accel_vm_config cfg = {.ncpus = 1};
		struct accel_vm *vm = NULL;
		saved = kt_capture_begin();
		r = kvm_vm_create(&cfg, &vm);
		kt_capture_end(saved, log, sizeof(log));
		ok = ok && r == -ENOENT && strstr(log, want);
		gcov_write_last();
		_exit(ok ? 0 : 1);
	}
	int ws = 0;
	CHECK(pid > 0 && waitpid(pid, &ws, 0) == pid && WIFEXITED(ws) &&
		  WEXITSTATUS(ws) == 0,
	      "without /dev/kvm: status 0x%x", ws);
}

/* A VM made to test the calls after creation. */
static struct accel_vm *new_vm(struct accel_sys *sys)
{
	struct accel_vm_config cfg = {.ncpus = 1, .sys = sys};
	struct accel_vm *vm = NULL;
	int r = kvm_vm_create(&cfg, &vm);
	CHECK(r == 0, "kvm_vm_create: %d", r);
	return r ? NULL : vm;
}

/* call with the fault set: rc want, `msg` in the log ("": anything). */
#define EXPECT_FAIL(call, want, msg)                                           \
	do {                                                                   \
		char log_[512];                                                \
		int s_ = kt_capture_begin();                                   \
		int r_ = (call);                                               \
		kt_capture_end(s_, log_, sizeof(log_));                        \
		fault_clear();                                                 \
		CHECK(r_ == (want), "%s: rc %d, expected %d", #call, r_,       \
		      (want));                                                 \
		CHECK(strstr(log_, (msg)) != NULL, "%s: log lacks '%s': '%s'", \
		      #call, (msg), log_);                                     \
	} while (0)

/* The irqchip and PIT: each creation step's failure is reported by the
 * call that needed them, and a later call tries again. */
static void test_platform_faults(struct accel_sys *sys)
{
	struct accel_vm *vm = new_vm(sys);
	if (!vm)
		return;
	fault_set(KVM_CREATE_IRQCHIP, false, 0, ENOMEM, 0);
	EXPECT_FAIL(kvm_vm_set_irq_line(vm, 4, 1), -ENOMEM,
		    "vmm: KVM_CREATE_IRQCHIP: Cannot allocate memory");
	CHECK(!vm->platform, "platform marked created after a failure");
	CHECK(kvm_vm_set_irq_line(vm, 4, 1) == 0, "retry: the IRQ line");
	CHECK(vm->platform, "platform not created");
	fault_set(KVM_IRQ_LINE, false, 0, EINVAL, 0);
	EXPECT_FAIL(kvm_vm_set_irq_line(vm, 4, 0), -EINVAL, "");
	kvm_vm_destroy(vm);

	vm = new_vm(sys);
	if (!vm)
		return;
	int efd = eventfd_fd();
	fault_set(KVM_CREATE_PIT2, false, 0, ENOSPC, 0);
	EXPECT_FAIL(kvm_vm_irqfd(vm, 5, efd, true), -ENOSPC,
		    "vmm: KVM_CREATE_PIT2: No space left on device");
	kvm_vm_destroy(vm);

	vm = new_vm(sys);
	if (!vm)
		return;
	struct accel_vcpu *cpu = NULL;
	fault_set(KVM_REINJECT_CONTROL, false, 0, EINVAL, 0);
	EXPECT_FAIL(kvm_vcpu_create(vm, 0, &cpu), -EINVAL,
		    "vmm: KVM_REINJECT_CONTROL: Invalid argument");
	CHECK(cpu == NULL, "a vCPU handed out after a failure");
	kvm_vm_destroy(vm);
	close(efd);
}

/* What KVM itself refuses after creation. */
static void test_kvm_refusals(struct accel_sys *sys)
{
	struct accel_vm *vm = new_vm(sys);
	if (!vm)
		return;
	size_t page = 4096;
	uint8_t *mem =
	    mmap(NULL, (KVM_MAX_SLOTS + 1) * page, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(mem != MAP_FAILED, "mmap");
	if (mem == MAP_FAILED) {
		kvm_vm_destroy(vm);
		return;
	}
	CHECK(kvm_vm_map_memory(vm, 0, 0, page, mem) == 0, "slot 0");
	/* Slot 1 over slot 0's guest range. */
	EXPECT_FAIL(kvm_vm_map_memory(vm, 1, 0, page, mem + page), -EEXIST,
		    "vmm: KVM_SET_USER_MEMORY_REGION slot 1 at 0x0 (+0x1000): "
		    "File exists");
	for (uint32_t s = 1; s < KVM_MAX_SLOTS; s++)
		CHECK(kvm_vm_map_memory(vm, s, s * 0x100000ull, page,
					mem + s * page) == 0,
		      "slot %u", s);
	EXPECT_FAIL(kvm_vm_map_memory(vm, KVM_MAX_SLOTS, 0x10000000ull, page,
				      mem + KVM_MAX_SLOTS * page),
		    -ENOSPC, "");
	int efd = eventfd_fd();
	EXPECT_FAIL(kvm_vm_ioeventfd(vm, 0xd0000050, 3, 0, efd, true), -EINVAL,
		    "vmm: KVM_IOEVENTFD at 0xd0000050: Invalid argument");
	EXPECT_FAIL(kvm_vm_irqfd(vm, 5, -1, true), -EBADF,
		    "vmm: KVM_IRQFD for GSI 5: Bad file descriptor");
	close(efd);
	kvm_vm_destroy(vm);
	munmap(mem, (KVM_MAX_SLOTS + 1) * page);
}

int main(void)
{
	kt_need_kvm();
	test_sys_faults();
	test_no_dev_kvm();
	struct accel_sys *sys = NULL;
	if (kvm_sys_open(&sys)) {
		printf("FAIL: kvm_sys_open\n");
		return 1;
	}
	test_create_faults(sys);
	test_platform_faults(sys);
	test_kvm_refusals(sys);
	kvm_sys_close(sys);
	printf("%s: %d failure(s)\n", failures ? "FAIL" : "PASS", failures);
	return failures ? 1 : 0;
}
