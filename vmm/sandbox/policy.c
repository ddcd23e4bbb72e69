/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The seccomp allowlists (see policy.h). One table, one row per allowed
 * system call (or per allowed argument value), each with the threads it
 * is for and why:
 *
 *   C  the control thread: main and vm_run's loop (VM creation on a
 *      restart, signals, console input, joining threads, exit)
 *   V  each vCPU thread: KVM_RUN and the exits it handles (port I/O,
 *      MMIO to the devices, virtio queue work with --eventfd off)
 *   I  the I/O thread: queue notifications (ioeventfds), taps
 *
 * The control thread gets every row (policy.h says why). Anything not
 * listed is refused with the --seccomp action. A second, small table is
 * the --jail supervisor's (S), a process of its own, and a third the
 * --api-sock thread's (A), which starts before the lockdown.
 *
 * The KVM ioctls a thread may make are named by their request numbers
 * from vmm/kvm_ioctls.h, which the build generates from the kernel's KVM
 * header
 * (backends/kvm/gen/): only backends/kvm/ includes the KVM header.
 */
#include "vmm/sandbox/policy.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <linux/if_tun.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>

#include "vmm/base/compiler.h"
#include "vmm/kvm_ioctls.h"

#define C   POLICY_C
#define V   POLICY_V
#define I   POLICY_I
#define ALL (C | V | I)

#define ANY	 .cmp = POLICY_ANY
#define EQ(a, v) .cmp = POLICY_EQ, .arg = (a), .val = (v), .val_name = #v
#define NOBITS(a, v)                                                           \
	.cmp = POLICY_NOBITS, .arg = (a), .val = (v), .val_name = #v
#define ALLBITS(a, v)                                                          \
	.cmp = POLICY_ALLBITS, .arg = (a), .val = (v), .val_name = #v
#define SELF(a) .cmp = POLICY_SELF, .arg = (a), .val_name = "getpid()"
#define CHILD(a)                                                               \
	.cmp = POLICY_CHILD, .arg = (a), .val_name = "the jailed vmm's pid"
#define ENOSYS_ .cmp = POLICY_ENOSYS

/* The real-time signal glibc reserves for set*id() across threads; its
 * handler is installed at the first pthread_create. */
#define GLIBC_SIGSETXID (__SIGRTMIN + 1)

/* clone() flags of a thread: never a new process. */
#define THREAD_FLAGS (CLONE_VM | CLONE_THREAD | CLONE_SIGHAND)

static const struct policy_rule policy_table[] = {
    /* ---- memory ---- */
    {"brk", ALL, ANY, .why = "malloc's main heap"},
    {"mmap", ALL, NOBITS(2, PROT_EXEC),
     .why = "malloc, thread stacks, guest RAM, kvm_run; never executable"},
    {"mprotect", ALL, NOBITS(2, PROT_EXEC),
     .why = "malloc arenas, stack guard pages; never executable"},
    {"munmap", ALL, ANY, .why = "free, thread stacks, VM teardown"},
    {"mremap", ALL, ANY, .why = "realloc of large blocks (keeps protection)"},
    {"madvise", ALL, EQ(2, MADV_DONTNEED),
     .why = "free and thread exit give pages back"},
    {"madvise", C, EQ(2, MADV_DONTDUMP),
     .why = "guest RAM stays out of core dumps (VM creation)"},
    {"madvise", C, EQ(2, MADV_MERGEABLE),
     .why = "--mem-merge: KSM on guest RAM (VM creation)"},

    /* ---- threads, signals, time ---- */
    {"futex", ALL, ANY, .why = "mutexes, condition variables, joins"},
    {"exit", ALL, ANY, .why = "a thread ends"},
    {"exit_group", ALL, ANY, .why = "vmm exits"},
    {"rt_sigreturn", ALL, ANY,
     .why = "return from a signal handler (vCPU kick)"},
    {"rt_sigprocmask", ALL, ANY,
     .why = "vm_run blocks SIGINT/TERM/HUP; raise(); thread start"},
    {"restart_syscall", ALL, ANY,
     .why = "the kernel restarts a call a signal interrupted"},
    {"getpid", ALL, ANY, .why = "raise() and pthread_kill()"},
    {"gettid", ALL, ANY, .why = "raise() names the calling thread"},
    {"tgkill", ALL, SELF(0),
     .why = "vCPU kicks and raise(): only this process's threads"},
    {"rt_sigtimedwait", V, ANY,
     .why = "a vCPU consumes a pending kick before KVM_RUN"},
    {"rt_sigaction", C, EQ(0, SIGUSR1),
     .why = "a new vCPU thread installs the kick handler"},
    {"rt_sigaction", C, EQ(0, GLIBC_SIGSETXID),
     .why = "glibc, at the first pthread_create"},
    {"clone", C, ALLBITS(0, THREAD_FLAGS),
     .why = "vCPU and I/O threads (a thread, never a process)"},
    {"clone3", C, ENOSYS_,
     .why = "refused with ENOSYS: its flags are out of a filter's reach, "
	    "and glibc falls back to clone"},
    {"set_robust_list", C, ANY, .why = "glibc, at thread start"},
    {"rseq", C, ANY, .why = "glibc, at thread start"},
    {"prctl", C, EQ(0, PR_SET_NAME),
     .why = "a new vCPU or I/O thread names itself (vmm-vcpu0, vmm-io), "
	    "before its own filter"},
    {"seccomp", C, EQ(0, SECCOMP_SET_MODE_FILTER),
     .why = "a new vCPU or I/O thread adds its own filter (only narrows)"},
    {"clock_gettime", ALL, ANY,
     .why = "time for the RTC and logs when the vDSO falls back"},
    {"gettimeofday", ALL, ANY, .why = "the same, older entry"},
    {"time", ALL, ANY, .why = "the same, time()"},
    {"getrandom", ALL, ANY, .why = "malloc's tcache key"},

    /* ---- file descriptors already open ---- */
    {"read", ALL, ANY,
     .why = "eventfds, the signalfd, console input, kick bookkeeping"},
    {"write", ALL, ANY,
     .why = "serial and console output, eventfd signals, log lines"},
    {"readv", V | I, ANY, .why = "virtio-net: frames from the tap"},
    {"writev", V | I, ANY, .why = "virtio-net: frames to the tap"},
    {"preadv", V | I, ANY, .why = "virtio-blk reads"},
    {"pwritev", V | I, ANY, .why = "virtio-blk writes"},
    {"fdatasync", V | I, ANY,
     .why = "virtio-blk FLUSH; a snapshot's files (control thread)"},
    {"fallocate", V | I, ANY,
     .why = "virtio-blk DISCARD and WRITE_ZEROES (hole punching)"},
    {"epoll_wait", I, ANY, .why = "the I/O thread's loop"},
    {"epoll_pwait", I, ANY, .why = "the same, as some libcs make it"},
    {"epoll_ctl", ALL, ANY,
     .why = "serve fds; arm or disarm a tap from any device thread"},
    {"close", C, ANY, .why = "VM teardown before a restart, and at exit"},
    {"poll", ALL, ANY,
     .why = "the control loop; console output waits for its reader"},
    {"ppoll", ALL, ANY, .why = "the same, as some libcs make it"},
    {"eventfd2", C, ANY, .why = "VM creation: wake fd, ioeventfds, irqfds"},
    {"epoll_create1", C, ANY, .why = "VM creation: the I/O thread's epoll"},
    {"signalfd4", C, ANY, .why = "vm_run reads SIGINT/TERM/HUP"},
    {"fstat", C, ANY, .why = "virtio-blk sizes its image (VM creation)"},
    {"newfstatat", C, EQ(3, AT_EMPTY_PATH),
     .why = "glibc's fstat(): an open fd, metadata only"},
    {"fcntl", C, EQ(1, F_GETFL),
     .why = "virtio-blk checks its image's open flags"},
    {"pwrite64", C, ANY,
     .why = "snapshot: guest RAM and the state into the files the dialer "
	    "created"},
    {"ftruncate", C, ANY,
     .why = "snapshot: the memory file's size (zero pages are holes)"},

    /* ---- ioctl, by request ---- */
    {"ioctl", C, EQ(1, KVM_GET_API_VERSION),
     .why = "a restart builds a VM on the /dev/kvm fd opened at start"},
    {"ioctl", C, EQ(1, KVM_CHECK_EXTENSION), .why = "the same: capabilities"},
    {"ioctl", C, EQ(1, KVM_GET_VCPU_MMAP_SIZE),
     .why = "the same: kvm_run size"},
    {"ioctl", C, EQ(1, KVM_CREATE_VM), .why = "the same: the VM"},
    {"ioctl", C, EQ(1, KVM_SET_USER_MEMORY_REGION),
     .why = "VM creation: map guest RAM (never from a vCPU or I/O thread)"},
    {"ioctl", C, EQ(1, KVM_IOEVENTFD), .why = "VM creation: queue notify"},
    {"ioctl", C, EQ(1, KVM_IRQFD), .why = "VM creation: device interrupts"},
    {"ioctl", C, EQ(1, KVM_CREATE_VCPU), .why = "VM creation"},
    {"ioctl", C, EQ(1, KVM_SET_SIGNAL_MASK),
     .why = "a new vCPU thread, before its own filter: kicks"},
    {"ioctl", V, EQ(1, KVM_RUN), .why = "run the guest"},
    {"ioctl", ALL, EQ(1, KVM_IRQ_LINE),
     .why = "serial and virtio interrupts without irqfd"},
/* The KVM backend of this architecture (backends/kvm/). */
#if defined(__x86_64__)
    {"ioctl", C, EQ(1, KVM_GET_SUPPORTED_CPUID),
     .why = "a restart's VM creation: CPUID"},
    {"ioctl", C, EQ(1, KVM_SET_TSS_ADDR), .why = "VM creation"},
    {"ioctl", C, EQ(1, KVM_SET_IDENTITY_MAP_ADDR), .why = "VM creation"},
    {"ioctl", C, EQ(1, KVM_CREATE_IRQCHIP), .why = "VM creation"},
    {"ioctl", C, EQ(1, KVM_CREATE_PIT2), .why = "VM creation"},
    {"ioctl", C, EQ(1, KVM_REINJECT_CONTROL),
     .why = "VM creation: PIT ticks not re-injected"},
    {"ioctl", C, EQ(1, KVM_ENABLE_CAP),
     .why = "VM creation: instruction bytes on emulation failures"},
    {"ioctl", C, EQ(1, KVM_SET_CPUID2), .why = "vCPU creation"},
    {"ioctl", C, EQ(1, KVM_SET_MSRS), .why = "vCPU creation: boot MSRs"},
    {"ioctl", C, EQ(1, KVM_SET_FPU), .why = "vCPU creation"},
    {"ioctl", C, EQ(1, KVM_GET_LAPIC), .why = "vCPU creation: LINT0/1"},
    {"ioctl", C, EQ(1, KVM_SET_LAPIC), .why = "vCPU creation: LINT0/1"},
    {"ioctl", C | V, EQ(1, KVM_SET_REGS),
     .why = "boot CPU registers; an instruction vmm completed"},
    {"ioctl", C | V, EQ(1, KVM_SET_SREGS),
     .why = "boot CPU registers; CR2 of a #PF raised by a completion"},
    {"ioctl", C | V, EQ(1, KVM_GET_SREGS),
     .why = "boot CPU registers; the crash diagnostic"},
    {"ioctl", V, EQ(1, KVM_GET_REGS), .why = "the crash diagnostic"},
    {"ioctl", V, EQ(1, KVM_GET_FPU),
     .why = "instruction completion: fwait reads the x87 status word"},
    {"ioctl", V, EQ(1, KVM_GET_VCPU_EVENTS),
     .why = "instruction completion: no event may be in delivery"},
    {"ioctl", V, EQ(1, KVM_SET_VCPU_EVENTS),
     .why = "instruction completion: the exception or interrupt it raises"},
    {"ioctl", V, EQ(1, KVM_TRANSLATE),
     .why = "the crash diagnostic: instruction bytes at RIP"},
    /* PUT /snapshot/create (vmm/vm/snap_save.c): a paused VM's state,
     * read on each vCPU's own thread (KVM's rule) and, for the VM's
     * chips and clock, on the control thread. Reads only. */
    {"ioctl", V, EQ(1, KVM_GET_MP_STATE), .why = "snapshot: MP state"},
    {"ioctl", V, EQ(1, KVM_GET_XSAVE), .why = "snapshot: FPU/xsave"},
    {"ioctl", V, EQ(1, KVM_GET_XSAVE2), .why = "snapshot: FPU/xsave"},
    {"ioctl", V, EQ(1, KVM_GET_XCRS), .why = "snapshot: XCR0"},
    {"ioctl", V, EQ(1, KVM_GET_DEBUGREGS), .why = "snapshot: debug regs"},
    {"ioctl", V, EQ(1, KVM_GET_LAPIC), .why = "snapshot: the local APIC"},
    {"ioctl", V, EQ(1, KVM_GET_MSRS), .why = "snapshot: the MSRs"},
    {"ioctl", V, EQ(1, KVM_GET_TSC_KHZ), .why = "snapshot: TSC frequency"},
    {"ioctl", C, EQ(1, KVM_GET_IRQCHIP),
     .why = "snapshot: both PICs and the IO-APIC"},
    {"ioctl", C, EQ(1, KVM_GET_PIT2), .why = "snapshot: the PIT"},
    {"ioctl", C, EQ(1, KVM_GET_CLOCK), .why = "snapshot: kvmclock"},
#elif defined(__aarch64__)
    {"ioctl", C, EQ(1, KVM_ENABLE_CAP),
     .why = "VM creation: undecodable MMIO accesses exit to vmm"},
    {"ioctl", C, EQ(1, KVM_ARM_PREFERRED_TARGET),
     .why = "VM creation: the vCPU model"},
    {"ioctl", C, EQ(1, KVM_CREATE_DEVICE), .why = "VM creation: the vGIC"},
    {"ioctl", C, EQ(1, KVM_SET_DEVICE_ATTR),
     .why = "VM creation: the vGIC's addresses and SPIs, its start"},
    {"ioctl", C, EQ(1, KVM_ARM_VCPU_INIT),
     .why = "vCPU creation: PSCI 0.2, secondaries powered off"},
    {"ioctl", C, EQ(1, KVM_SET_ONE_REG), .why = "boot CPU registers"},
    {"ioctl", V, EQ(1, KVM_GET_ONE_REG), .why = "the crash diagnostic"},
#endif
    {"ioctl", V | I, EQ(1, TUNSETOFFLOAD),
     .why = "virtio-net applies the driver's offloads when it starts"},
    {"ioctl", C, EQ(1, BLKGETSIZE64),
     .why = "virtio-blk sizes a block device (VM creation)"},
    {"ioctl", C, EQ(1, BLKSSZGET),
     .why = "virtio-blk: a block device's sector size (VM creation)"},
    {"ioctl", ALL, EQ(1, TCSETS),
     .why = "restore the terminal on exit or a fatal signal"},
    {"ioctl", ALL, EQ(1, TCGETS),
     .why = "glibc's tcsetattr reads the settings back"},
};

/* The supervisor (supervise.c): after its filter is loaded it reads its
 * signalfd, forwards signals, reaps the child, restores the terminal
 * (main.c) and exits. Its fatal-signal handler (main.c's, with a raw
 * terminal) restores the terminal and raises the signal again. These
 * are the calls strace shows it making on each of those paths (Ctrl-A
 * x, SIGTERM, SIGHUP, SIGQUIT on a terminal), and no other. */
static const struct policy_rule policy_supervisor[] = {
    {"wait4", POLICY_S, CHILD(0), .why = "waitpid: the jailed vmm's status"},
    {"kill", POLICY_S, CHILD(0),
     .why = "forward SIGINT, SIGTERM and SIGHUP to the jailed vmm"},
    {"read", POLICY_S, ANY, .why = "the signalfd"},
    {"write", POLICY_S, ANY, .why = "its error lines on stderr"},
    {"close", POLICY_S, ANY, .why = "the signalfd, once the child is gone"},
    {"ioctl", POLICY_S, EQ(1, TCSETS), .why = "restore the terminal"},
    {"ioctl", POLICY_S, EQ(1, TCGETS),
     .why = "glibc's tcsetattr reads the settings back"},
    {"getpid", POLICY_S, ANY, .why = "raise(): its own pid"},
    {"gettid", POLICY_S, ANY, .why = "raise(): its own thread id"},
    {"tgkill", POLICY_S, SELF(0),
     .why = "raise(): a fatal signal, once the terminal is restored"},
    {"rt_sigreturn", POLICY_S, ANY,
     .why = "return from the fatal-signal handler, to die of the signal"},
    {"exit_group", POLICY_S, ANY, .why = "exit with the child's status"},
};

/* The API thread (vmm/api/api_server.c, libmicrohttpd in external-poll
 * mode on its own thread): the calls strace shows it making to accept,
 * serve and close connections, pause and resume the VM, and stop. The
 * listening socket, its poll set and the daemon are made before the
 * filter is loaded. */
#define A	     POLICY_A
#define ACCEPT_FLAGS (SOCK_NONBLOCK | SOCK_CLOEXEC)
static const struct policy_rule policy_api[] = {
    {"accept4", A, EQ(3, ACCEPT_FLAGS),
     .why = "a client connects to the API socket (listening before the "
	    "filter)"},
    {"recvfrom", A, ANY, .why = "read a request"},
    {"sendto", A, ANY, .why = "write a response"},
    {"sendmsg", A, ANY, .why = "write a response's header and body"},
    {"shutdown", A, ANY, .why = "end a connection"},
    {"close", A, ANY,
     .why = "a connection's socket, when it ends; the daemon's at exit"},
    {"epoll_wait", A, ANY, .why = "wait for connections and requests"},
    {"epoll_pwait", A, ANY, .why = "the same, as some libcs make it"},
    {"epoll_ctl", A, ANY, .why = "add or remove a connection"},
    {"read", A, ANY, .why = "libmicrohttpd's wake-up eventfd"},
    {"write", A, ANY,
     .why = "log lines; the InstanceStart handshake's eventfd; "
	    "FlushMetrics' line"},
    {"futex", A, ANY,
     .why = "the InstanceStart handshake, vm_pause's locks, joins"},
    {"tgkill", A, SELF(0),
     .why = "vm_pause kicks the vCPUs out of KVM_RUN: only this "
	    "process's threads"},
    {"getpid", A, ANY, .why = "pthread_kill() names this process"},
    {"gettid", A, ANY, .why = "raise() names the calling thread"},
    {"clock_gettime", A, ANY,
     .why = "libmicrohttpd's timeouts when the vDSO falls back"},
    {"time", A, ANY, .why = "the same, time() for the Date header"},
    {"gettimeofday", A, ANY, .why = "the same, older entry"},
    {"brk", A, ANY, .why = "malloc's main heap"},
    {"mmap", A, NOBITS(2, PROT_EXEC),
     .why = "malloc's thread arena, connection memory pools; never "
	    "executable"},
    {"mprotect", A, NOBITS(2, PROT_EXEC),
     .why = "malloc's thread arena grows; never executable"},
    {"munmap", A, ANY, .why = "free, connection memory pools"},
    {"madvise", A, EQ(2, MADV_DONTNEED),
     .why = "free and thread exit give pages back"},
    {"rt_sigprocmask", A, ANY, .why = "glibc, at thread exit"},
    {"exit", A, ANY, .why = "the thread ends (vmm stops)"},
};
#undef A

/* Loaded in test builds only: AddressSanitizer (-DVMM_SANITIZE=ON), for
 * its runtime's own calls, and coverage (-DVMM_COVERAGE=ON), for gcov
 * writing its counters at exit (it opens, locks and rewinds each .gcda
 * file: openat and lseek below, and F_SETLKW). A test build is not a
 * security boundary; the normal policy above is not weakened. */
#define LSAN_CLONE_FLAGS (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_UNTRACED)
static const struct policy_rule policy_sanitizer[] = {
    {"sigaltstack", ALL, ANY, .why = "ASan: each thread's signal stack"},
    {"sched_getaffinity", ALL, ANY,
     .why = "ASan: pthread_getattr_np at thread start"},
    {"madvise", ALL, EQ(2, MADV_NOHUGEPAGE), .why = "ASan: shadow memory"},
    {"madvise", ALL, EQ(2, MADV_DONTDUMP), .why = "ASan: shadow memory"},
    /* LeakSanitizer's check at exit, on the control thread: it stops
     * the other threads with ptrace from a helper task. */
    {"prctl", C, ANY, .why = "LSan: dumpable, ptracer, death signal"},
    {"clone", C, EQ(0, LSAN_CLONE_FLAGS), .why = "LSan: its tracer task"},
    {"wait4", C, ANY, .why = "LSan: waits for its tracer"},
    {"ptrace", C, ANY, .why = "LSan: the tracer attaches to threads"},
    {"open", C, ANY, .why = "LSan: /proc/self/task, /proc/self/maps"},
    {"openat", C, ANY, .why = "LSan: the same"},
    {"getdents", C, ANY, .why = "LSan: lists /proc/self/task"},
    {"getdents64", C, ANY, .why = "LSan: the same, newer entry"},
    {"sched_yield", C, ANY, .why = "LSan: waits for the tracer"},
    {"getppid", C, ANY, .why = "LSan: the tracer checks its parent"},
    {"lseek", C, ANY, .why = "LSan: rewinds /proc/self/task"},
    {"rt_sigaction", C, ANY,
     .why = "LSan: the tracer's handlers for synchronous signals"},
    {"fcntl", C, EQ(1, F_SETLKW),
     .why = "gcov: locks each .gcda file while it writes it, at exit"},
    {"access", C, ANY, .why = "gcov: does a .gcda directory exist?"},
    {"mkdir", C, ANY,
     .why = "gcov: a missing .gcda directory (in a jail: fails, EROFS)"},
};

const struct policy_rule *policy_rules(size_t *n)
{
	*n = ARRAY_SIZE(policy_table);
	return policy_table;
}

const struct policy_rule *policy_supervisor_rules(size_t *n)
{
	*n = ARRAY_SIZE(policy_supervisor);
	return policy_supervisor;
}

const struct policy_rule *policy_api_rules(size_t *n)
{
	*n = ARRAY_SIZE(policy_api);
	return policy_api;
}

const struct policy_rule *policy_sanitizer_rules(size_t *n)
{
	*n = ARRAY_SIZE(policy_sanitizer);
	return policy_sanitizer;
}

bool policy_sanitizer_build(void)
{
#if defined(__SANITIZE_ADDRESS__) || defined(VMM_COVERAGE_BUILD)
	return true;
#else
	return false;
#endif
}

bool policy_applies(const struct policy_rule *r, enum vm_thread_class cls)
{
	return cls == VM_THREAD_CONTROL || (r->classes & (1u << cls));
}

const char *policy_class_name(enum vm_thread_class cls)
{
	switch (cls) {
	case VM_THREAD_CONTROL:
		return "control";
	case VM_THREAD_VCPU:
		return "vcpu";
	case VM_THREAD_IO:
		return "io";
	}
	return "?";
}

/* {"name", NEVER}: in no form. {"name", EXCEPT(...)}: only in that one. */
#define NEVER		.except = POLICY_ANY
#define EXCEPT(c, a, v) .except = (c), .arg = (a), .val = (v), .val_name = #v
const struct policy_never_entry policy_never[] = {
    /* running code: other programs, kernel modules, BPF */
    {"execve", NEVER},
    {"execveat", NEVER},
    {"init_module", NEVER},
    {"finit_module", NEVER},
    {"delete_module", NEVER},
    {"kexec_load", NEVER},
    {"kexec_file_load", NEVER},
    {"bpf", NEVER},
    {"perf_event_open", NEVER},
    /* other processes */
    {"ptrace", NEVER},
    {"process_vm_readv", NEVER},
    {"process_vm_writev", NEVER},
    {"kcmp", NEVER},
    /* kill only from the supervisor, to the jailed vmm */
    {"kill", EXCEPT(POLICY_CHILD, 0, 0)},
    {"fork", NEVER},
    {"vfork", NEVER},
    {"pidfd_open", NEVER},
    {"pidfd_getfd", NEVER},
    /* the file system, by path */
    {"open", NEVER},
    {"openat", NEVER},
    {"openat2", NEVER},
    {"creat", NEVER},
    {"open_by_handle_at", NEVER},
    {"name_to_handle_at", NEVER},
    {"mknod", NEVER},
    {"mknodat", NEVER},
    {"link", NEVER},
    {"linkat", NEVER},
    {"symlink", NEVER},
    {"symlinkat", NEVER},
    {"unlink", NEVER},
    {"unlinkat", NEVER},
    {"rename", NEVER},
    {"renameat", NEVER},
    {"renameat2", NEVER},
    {"chmod", NEVER},
    {"fchmodat", NEVER},
    {"chown", NEVER},
    {"fchownat", NEVER},
    {"truncate", NEVER},
    {"memfd_create", NEVER},
    {"mount", NEVER},
    {"umount2", NEVER},
    {"pivot_root", NEVER},
    {"chroot", NEVER},
    {"fsopen", NEVER},
    {"fsmount", NEVER},
    {"move_mount", NEVER},
    {"open_tree", NEVER},
    /* the network */
    {"socket", NEVER},
    {"socketpair", NEVER},
    {"connect", NEVER},
    {"bind", NEVER},
    {"listen", NEVER},
    {"accept", NEVER},
    /* accept4 only non-blocking and close-on-exec (the API thread's) */
    {"accept4", EXCEPT(POLICY_EQ, 3, ACCEPT_FLAGS)},
    /* identity, privileges, namespaces */
    {"setuid", NEVER},
    {"setgid", NEVER},
    {"setreuid", NEVER},
    {"setregid", NEVER},
    {"setresuid", NEVER},
    {"setresgid", NEVER},
    {"setgroups", NEVER},
    {"capset", NEVER},
    /* prctl only to name the calling thread */
    {"prctl", EXCEPT(POLICY_EQ, 0, PR_SET_NAME)},
    {"unshare", NEVER},
    {"setns", NEVER},
    {"personality", NEVER},
    {"iopl", NEVER},
    {"ioperm", NEVER},
    {"keyctl", NEVER},
    {"add_key", NEVER},
    {"request_key", NEVER},
    {"userfaultfd", NEVER},
    {"swapon", NEVER},
    {"swapoff", NEVER},
    {"reboot", NEVER},
    {"settimeofday", NEVER},
    {"clock_settime", NEVER},
    {"adjtimex", NEVER},
    {NULL, NEVER},
};

const struct policy_never_entry *
policy_never_broken(const struct policy_rule *r)
{
	for (const struct policy_never_entry *e = policy_never; e->sys; e++) {
		if (strcmp(e->sys, r->sys) != 0)
			continue;
		if (e->except == POLICY_ANY || r->cmp != e->except ||
		    r->arg != e->arg || r->val != e->val)
			return e;
	}
	return NULL;
}
