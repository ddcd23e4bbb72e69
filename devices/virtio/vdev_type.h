/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One descriptor per virtio device type, written in the device's own
 * files: what the rest of vmm needs to know to offer, build, trace,
 * replay, sandbox and save a device of that type. The command line, the
 * VM build (vmm/vm/vm_virtio.c), the saved state (vmm/vm/vm_state.c), the trace
 * format and recorder (vmm/trace/), the replay (backends/replay/) and the
 * sandbox (vmm/sandbox/) walk the table (vdev_types) instead of naming
 * devices, so a new device touches its own files and one table line.
 *
 * Lifecycle of one device (vm_virtio.c drives it): create (power-on state
 * over guest memory, no transport yet) -> the transport is attached
 * (virtio_mmio_init on *dev) and the guest runs -> save / restore (with the
 * VM paused; restore into a freshly created device) -> the transport is
 * destroyed -> destroy (frees impl). Reset is the transport's, through
 * virtio_dev_ops.
 *
 * Two kinds of type:
 *  - "flag" types (option set, no arguments): the command line's --OPTION
 *    or the API turns one on (vm_config.devs). rng, console.
 *  - types configured per device (option NULL): blk (--disk, one each),
 *    net (--net), vsock (--vsock); the application parses their options.
 * Each type names the kind of host resource its devices are built over
 * (host below). A device never sees a host fd: the VM layer opens the
 * resource of each kind before the sandbox (vmm/vm/host_dev.c, walking
 * this table) and hands create the port over it in a type-specific
 * options struct (env->opts); the devices' own calls on it are declared
 * in syscalls.
 */
#ifndef VMM_DEVICES_VIRTIO_VDEV_TYPE_H
#define VMM_DEVICES_VIRTIO_VDEV_TYPE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "devices/virtio/virtio_dev.h"
#include "vmm/base/compiler.h"
#include "vmm/base/gmem.h"
#include "vmm/base/state.h"

/* A host input a device takes while it handles a guest request (entropy,
 * ...): one trace channel. Its bytes come from source, or, when the run is
 * recorded or replayed, through the tracer (which records them under
 * trace_type, or supplies the recorded ones). */
struct vdev_input {
	uint8_t trace_type; /* the trace's input record type (0x1_) */
	const char *name;   /* the record's name in the trace text */
	/* Fill buf with len bytes: len, or -errno. */
	ssize_t (*source)(void *buf, size_t len);
};

/* A system call a device type's work makes, and why (one line): with
 * any arguments, or (eq) only with argument `arg` equal to val. */
struct vdev_syscall {
	const char *sys; /* as libseccomp names it */
	const char *why;
	bool eq;
	unsigned arg;
	uint64_t val;
	const char *val_name; /* val as written in the source */
};

/* One of a device's host-side statistics (metrics). */
struct vdev_counter {
	const char *name; /* snake_case, stable */
	uint64_t value;
};
#define VDEV_COUNTERS_MAX 16
/* The most queues a device of any type has (virtio-vsock's three): the
 * VM layer keeps a notification per queue. */
#define VDEV_MAX_QUEUES 3

/* The kinds of host resource a device is built over (vdev_type.host). */
enum vdev_host_kind {
	VDEV_HOST_NONE = 0, /* nothing: the device is all in guest memory */
	VDEV_HOST_DISK,	    /* a disk image file (devices/disk.h) */
	VDEV_HOST_TAP,	    /* a tap interface (devices/net_port.h) */
	VDEV_HOST_CONSOLE,  /* the process's stdin and stdout (console.h) */
	VDEV_HOST_STREAMS,  /* a listening unix socket and the dialer
			     * (devices/vsock_port.h) */
	VDEV_HOST_KINDS
};

/* What the VM layer gives create. */
struct vdev_env {
	const struct guest_mem *mem;
	unsigned index;	  /* the device's number among its type's, from 0 */
	const void *opts; /* the type's own options (types with host
			   * resources), or NULL */
	/* Take host input `in` (one of the type's inputs) into buf: len or
	 * -errno. Called on the thread doing the device's work, with its
	 * transport lock held. */
	ssize_t (*input)(void *opaque, const struct vdev_input *in, void *buf,
			 size_t len);
	void *opaque;
};

struct vdev_type {
	const char *name;   /* "rng": trace text, messages, lookups */
	const char *option; /* flag types: the command-line flag ("rng"),
			     * else NULL */
	const char *usage;  /* flag types: --help's lines for it */
	uint8_t host;	    /* enum vdev_host_kind */
	/* The trace header's device entry kind; 0: a device of this type
	 * cannot be recorded or replayed (the recorder refuses a VM with
	 * one, and no trace names it). */
	uint8_t trace_kind;
	const struct vdev_input *inputs;
	unsigned ninputs;
	/* System calls its work makes on the vCPU and I/O threads (any
	 * arguments): the sandbox allows them. nsyscalls entries. */
	const struct vdev_syscall *syscalls;
	unsigned nsyscalls;

	/* Create a device: *impl to hand back to the ops below, *dev its
	 * virtio_dev (inside impl). 0 or -errno, with a reason in why when
	 * there is more to say than strerror (nothing left allocated). */
	int (*create)(const struct vdev_env *env, void **impl,
		      struct virtio_dev **dev, char *why, size_t whylen);
	/* After the transport is destroyed: free everything create made. */
	void (*destroy)(void *impl);
	/* Append the device's state (transport included) to w. */
	void (*save)(void *impl, struct st_writer *w);
	/* Restore one saved section into a created device: 0, or -EINVAL
	 * with r bad and the device unchanged. */
	int (*restore)(void *impl, struct st_reader *r);
	/* Its statistics, read with the transport lock held: fills out and
	 * returns how many (at most VDEV_COUNTERS_MAX). */
	unsigned (*counters)(void *impl, struct vdev_counter *out);
};

/* The table, in the order vmm creates devices (and so their MMIO slots,
 * IRQs and trace entries): blk, net, then the flag types. NULL-ended. */
extern const struct vdev_type *const vdev_types[];

/* The type named `name`, or NULL. */
const struct vdev_type *vdev_type_find(const char *name);

/* The type whose trace device entry kind is `kind`, or NULL. */
const struct vdev_type *vdev_type_by_trace(uint8_t kind);

/* The input (of any type) traced as record type `type`, or NULL. */
const struct vdev_input *vdev_input_by_trace(uint8_t type);

#endif
