/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The tracer: one optional observer of everything that crosses the device
 * boundary of a VM, so that a run can be recorded (vmm/trace/record.h) and
 * replayed without a CPU (vmm/replay/replay.h). Given in
 * vm_host.tracer; NULL (the default) changes nothing.
 *
 * With a tracer the VM routes through it:
 *  - every vCPU exit (exit), console input from the control thread
 *    (console_input) and a readable tap (net_rx): the tracer performs the
 *    device work itself (vcpu_handle_exit, serial_rx_push or
 *    vm_virtio_console_input, virtio_net_rx under the transport lock), so
 *    it can serialise and order it;
 *  - the host inputs devices ask for: wall-clock time for the RTC
 *    (rtc_now) and each virtio device type's inputs (dev_input: the
 *    inputs its descriptor declares, devices/virtio/vdev_type.h);
 *  - the device outputs: interrupt line changes (irq, called before the
 *    accelerator's set_irq_line), COM1 bytes (serial_tx) and virtio-console
 *    output (console_tx), called before they go to their fds.
 * Every op is required. They are called on the thread doing the device
 * work, with device locks held where the device's own callback is (see
 * devices/serial.h, devices/virtio/console.h): they must not call back into
 * the device that called them.
 */
#ifndef VMM_VM_TRACER_H
#define VMM_VM_TRACER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "backends/accel.h"

struct vcpu;
struct vm_vdev;
struct vdev_input;

struct vm_tracer_ops {
	/* Handle one exit of vCPU c; returns what vcpu_handle_exit does. */
	bool (*exit)(void *opaque, struct vcpu *c, struct accel_exit *exit);
	/* Offer console input (virtio console if any, else COM1); returns
	 * the bytes the device took. */
	size_t (*console_input)(void *opaque, const uint8_t *buf, size_t len);
	/* Virtio-net device v's port has frames: the fd polled for it
	 * (vm_host.tap_fds: the tap, or a trace port's eventfd) is readable
	 * (I/O thread). */
	void (*net_rx)(void *opaque, struct vm_vdev *v);
	/* Seconds since the epoch for the RTC. */
	int64_t (*rtc_now)(void *opaque);
	/* Take a virtio device's host input `in` into buf: len or -errno
	 * (what in->source returns, or the recorded bytes). */
	ssize_t (*dev_input)(void *opaque, const struct vdev_input *in,
			     void *buf, size_t len);
	void (*irq)(void *opaque, uint32_t gsi, int level);
	void (*serial_tx)(void *opaque, uint8_t byte);
	void (*console_tx)(void *opaque, const uint8_t *buf, size_t len);
};

struct vm_tracer {
	const struct vm_tracer_ops *ops;
	void *opaque;
};

#endif
