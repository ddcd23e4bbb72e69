/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A virtual machine: guest memory, the two buses, the platform devices,
 * the vCPUs and their threads, and why it stopped. Everything that lives
 * as long as one boot hangs off struct vm, so a harness can create and
 * destroy machines repeatedly in one process.
 *
 * struct vm is the VM layer's own (vmm/vm/vm_int.h): the layers above
 * (the recorder, the replay, the application) see it through the
 * functions below, the narrow VM interface.
 *
 * Lifecycle: vm_alloc -> vm_create (build and load; no threads) -> vm_run (start the
 * vCPU threads, serve the console and signals until the VM stops, join)
 * -> vm_destroy. For a guest reset with --on-reset restart, the caller
 * destroys the VM and creates a fresh one.
 */
#ifndef VMM_VM_H
#define VMM_VM_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backends/accel.h"
#include "vmm/base/bus.h"
#include "vmm/base/compiler.h"
#include "vmm/base/gmem.h"
#include "vmm/vm/config.h"
#include "vmm/vm/iothread.h"
#include "vmm/vm/vm_tracer.h"
#include "vmm/vm/vm_virtio.h"

/* Why a VM stopped; the first stop request wins. */
enum vm_stop_reason {
	VM_STOP_NONE = 0,
	VM_STOP_POWEROFF,   /* guest powered off */
	VM_STOP_RESET,	    /* guest reset (i8042, triple fault, ...) */
	VM_STOP_DEBUG_EXIT, /* test guest wrote to the debug-exit port */
	VM_STOP_CRASH,	    /* a vCPU cannot continue (diagnostic logged) */
	VM_STOP_SIGNAL,	    /* SIGINT, SIGTERM or SIGHUP */
	VM_STOP_QUIT,	    /* Ctrl-A x on the console */
	VM_STOP_ERROR,	    /* the VMM itself failed */
	VM_STOP_PANIC,	    /* guest kernel panic reported through pvpanic */
};

/* vmm's exit status per stop reason (see --help and docs). */
#define VM_STATUS_OK	0
#define VM_STATUS_ERROR 1
#define VM_STATUS_USAGE 2
#define VM_STATUS_RESET 3
#define VM_STATUS_CRASH 4
/* 5 is taken: REPLAY_STATUS_DIVERGED (vmm/replay/replay.h). */
#define VM_STATUS_PANIC 6

/* The kinds of thread that touch a VM (docs/architecture.md, Threads):
 * the caller of vm_run, one per vCPU, and the device I/O thread. */
enum vm_thread_class { VM_THREAD_CONTROL, VM_THREAD_VCPU, VM_THREAD_IO };

struct net_port;
struct vsock_port;

/* What the process provides from outside the VM: the images, read once
 * (so a restart or a jail needs no file access), and the console fds. */
struct vm_host {
	const uint8_t *kernel; /* NULL only for the replay backend: nothing
				* is loaded and no boot state is set */
	size_t kernel_len;
	const uint8_t *initrd; /* NULL when none */
	size_t initrd_len;
	int serial_out_fd;   /* COM1 output, or -1 to discard */
	int serial_in_fd;    /* console input (COM1, or virtio-console with
			      * --console), or -1 for none */
	bool console_escape; /* apply the Ctrl-A escape to console input */
	int console_out_fd;  /* virtio-console output, or -1 */
	int disk_fds[CONFIG_MAX_DISKS];		/* opened per cfg->disks */
	int tap_fds[CONFIG_MAX_NETS];		/* opened per cfg->nets */
	unsigned tap_offloads[CONFIG_MAX_NETS]; /* TUN_F_* the tap takes */
	/* Optional, set by a tracer before vm_create (NULL: a port over
	 * tap_fds[i]): the frame port virtio-net i uses instead, valid until
	 * vm_destroy. tap_fds[i] is then the fd the I/O thread polls for it
	 * (readable while the port has frames; -1: never polled), and the
	 * port's want_rx arms it (iothread_mod on vm.io). */
	struct net_port *net_ports[CONFIG_MAX_NETS];
	/* What the accelerator opened once for the whole process
	 * (accel_ops.sys_open: /dev/kvm), so that a restart needs no path
	 * access; NULL: each VM opens its own. */
	struct accel_sys *accel_sys;
	/* Optional (NULL: none): called on each vCPU thread (after
	 * vcpu_thread_init) and on the I/O thread, before the thread first
	 * touches guest-controlled data. The sandbox installs the thread's
	 * seccomp filter here. Non-zero: the thread ends at once and the VM
	 * stops with VM_STATUS_ERROR (the hook logs why). */
	int (*thread_hook)(void *opaque, enum vm_thread_class cls);
	void *thread_hook_opaque;
	/* The limiter for every message a guest can trigger (vmm/base/log.h),
	 * owned by the process so that restarts share it; NULL: no limit. */
	struct log_limit *guest_log;
	/* Metrics output (the API's PUT /metrics), opened by host_open
	 * (O_APPEND, non-blocking), or -1. */
	int metrics_fd;
	/* The vsock's listening unix socket (cfg->vsock.uds_path), or -1;
	 * and the dialer's socket (vmm/vm/vsock_dial.h), set by whoever
	 * started the dialer (the sandbox), or -1: guest connections to the
	 * host are refused. Both closed by host_close. */
	int vsock_fd, vsock_dial_fd;
	/* Optional, set by a tracer before vm_create (NULL: a unix-socket
	 * port over vsock_fd): the stream port the vsock device uses
	 * instead, valid until vm_destroy (vmm/vm/vm_vsock.h). */
	struct vsock_port *vsock_port;
	/* Optional (NULL: zeroed RAM): guest RAM from a snapshot's memory
	 * file (vmm/vm/vm_snapshot.h), fd mapped MAP_PRIVATE (copy on
	 * write), the regions one after the other from offset 0. */
	const struct vm_ram_file {
		int fd;
	} * ram_file;
	/* Optional (NULL: none): the recorder or the replay engine sees and
	 * orders all device work (vmm/vm/vm_tracer.h). */
	const struct vm_tracer *tracer;
	/* Optional (NULL: none): called on the control thread every tick_ms
	 * (> 0) while vm_run runs, paused or not (the periodic metrics
	 * line). */
	void (*tick)(void *opaque, struct vm *vm);
	void *tick_opaque;
	unsigned tick_ms;
};

struct vm;

struct vcpu {
	struct vm *vm;
	unsigned index;
	struct accel_vcpu *accel;
	pthread_t thread;
	bool started;
	struct accel_exit exit;
	uint64_t exits;
};


/* Build the VM described by cfg on accelerator `accel` with the images and
 * fds in `host` (borrowed: they must outlive the VM). On failure returns
 * -errno with a one-line reason in err (or an empty err when the failing
 * layer already logged it) and leaves *vm destroyable. */
int vm_create(struct vm *vm, const struct vm_config *cfg,
	      const struct accel_ops *accel, const struct vm_host *host,
	      char *err, size_t errlen) VMM_WUR;

/* Run until the VM stops. Blocks SIGINT, SIGTERM and SIGHUP on the
 * calling thread (and so in the vCPU threads) while it runs and turns them
 * into a stop. Returns vmm's exit status for the stop (vm_stop_status). */
int vm_run(struct vm *vm);

/* Request a stop; the first request's reason and status are kept. Safe
 * from any thread, including vCPU and device callbacks. */
void vm_request_stop(struct vm *vm, enum vm_stop_reason why, int status);

enum vm_stop_reason vm_stop_reason(struct vm *vm);

/* The stop signal vm_run read while this VM ran, or 0. A signal that
 * arrives together with a guest reset still counts: the caller must not
 * restart the VM then. */
int vm_signal_seen(struct vm *vm);
int vm_stop_status(struct vm *vm);

/* Console input: to the virtio console when the VM has one, else to
 * COM1 (as the recorder, the replay and vm_run all choose). The bytes the
 * device took; *to_virtio (may be NULL) says which one it was. */
size_t vm_console_input(struct vm *vm, const uint8_t *buf, size_t len,
			bool *to_virtio);

/* Ctrl-Alt-Del on the i8042's keyboard (the API's SendCtrlAltDel),
 * queued and delivered by the control thread (vm_ctl.h), since only it
 * and the vCPU threads may raise interrupt lines. Any thread but the
 * control thread and the VM's own, while the VM runs or is paused (a
 * paused guest reads the keys when resumed); blocks until done. 0,
 * -ENOSPC when the keyboard's queue is full (the guest does not read its
 * keyboard), or -ECANCELED when the VM stopped. */
int vm_send_ctrl_alt_del(struct vm *vm) VMM_WUR;

/* Put drive `index` (cfg->disks[index]) over the image at path (the
 * API's PATCH /drives): the dialer opens it as --disk would be (the
 * drive's read-only and direct modes, a flock), the control thread swaps
 * it in, and the guest's driver gets a configuration-change interrupt
 * (the new capacity). The old image is closed. Any thread but the
 * control thread's and the VM's own; blocks until done. 0, or -errno
 * with one line in err (nothing changed). */
int vm_drive_replace(struct vm *vm, unsigned index, const char *path, char *err,
		     size_t errlen) VMM_WUR;

/* The fd drive `index` uses now (vm_host.disk_fds, or the image
 * vm_drive_replace put in), or -1. For the host side after vm_run: the
 * fd to close, and to restart with. */
int vm_disk_fd(const struct vm *vm, unsigned index);

/* Release everything vm_create built. Safe on a partly created VM and on
 * a zeroed struct. */
void vm_destroy(struct vm *vm);

/* ---- the narrow interface (vm_access.c) ---- */

/* A zeroed VM for vm_create (vm_destroy-safe as it is), or NULL when out
 * of memory. vm_free it after vm_destroy. */
struct vm *vm_alloc(void);
void vm_free(struct vm *vm);

/* Guest RAM: the bounds-checked API's view (gmem.h). */
struct guest_mem *vm_mem(struct vm *vm);

/* The vCPUs: how many, and vCPU i (< vm_ncpus). */
unsigned vm_ncpus(const struct vm *vm);
struct vcpu *vm_vcpu(struct vm *vm, unsigned i);

/* The virtio devices in slot order: how many, and slot i (< count). */
unsigned vm_vdev_count(const struct vm *vm);
struct vm_vdev *vm_vdev_at(struct vm *vm, unsigned i);

/* Does the VM have a virtio console (console input goes there)? */
bool vm_has_virtio_console(const struct vm *vm);

/* Offer bytes to COM1's receiver; returns the bytes it took. */
size_t vm_serial_input(struct vm *vm, const uint8_t *buf, size_t len);

/* The device I/O thread, to add and arm fds (iothread.h). */
struct iothread *vm_iothread(struct vm *vm);

/* The MMIO (mmio true) or port I/O bus. */
const struct bus *vm_bus(const struct vm *vm, bool mmio);

/* ---- statistics (vm_metrics.c) ---- */

/* One statistic: `group` "vcpu" or a virtio device type's name, `index`
 * the vCPU or the device's number among its type's. */
typedef void vm_metric_fn(void *opaque, const char *group, unsigned index,
			  const char *name, uint64_t value);

/* Call fn for every statistic: each vCPU's exits, each virtio device's
 * counters (read under its transport lock). Any thread, while the VM
 * runs or is paused. */
void vm_metrics(struct vm *vm, vm_metric_fn *fn, void *opaque);

/* Where metrics go (vm_host.metrics_fd): an fd, or -1. */
int vm_metrics_fd(const struct vm *vm);

/* Count a metrics line the file did not take; the count so far. Any
 * thread. */
void vm_metrics_lose(struct vm *vm);
uint64_t vm_metrics_lost(const struct vm *vm);

#endif
