/* SPDX-License-Identifier: Apache-2.0 */
/* The record types of the trace format (trace.h) and their text names. */
#include "vmm/trace/trace.h"

#include <string.h>

#include "devices/virtio/vdev_type.h"
#include "vmm/base/compiler.h"

static const struct {
	uint8_t type;
	const char *name;
} trace_types[] = {
    {TRACE_MMIO, "mmio"},
    {TRACE_PIO, "pio"},
    {TRACE_CPU, "cpu"},
    {TRACE_SERIAL_RX, "serial-rx"},
    {TRACE_CONSOLE_RX, "console-rx"},
    {TRACE_TAP_RX, "tap-rx"},
    {TRACE_NET_RX, "net-rx"},
    {TRACE_VSOCK_HOST, "vsock-host"},
    {TRACE_VSOCK_IN, "vsock-in"},
    {TRACE_VSOCK_OUT, "vsock-out"},
    {TRACE_MEM, "mem"},
    {TRACE_RTC, "rtc"},
    {TRACE_IRQ, "irq"},
    {TRACE_SERIAL_TX, "serial-tx"},
    {TRACE_CONSOLE_TX, "console-tx"},
    {TRACE_TAP_TX, "tap-tx"},
    {TRACE_END, "end"},
};

const char *trace_type_name(uint8_t type)
{
	for (size_t i = 0; i < ARRAY_SIZE(trace_types); i++)
		if (trace_types[i].type == type)
			return trace_types[i].name;
	const struct vdev_input *in = vdev_input_by_trace(type);
	return in ? in->name : NULL;
}

bool trace_type_known(uint8_t type)
{
	return trace_type_name(type) != NULL;
}

static const char *const vsock_host_ops[] = {
    [TRACE_VSOCK_CONNECT] = "connect", [TRACE_VSOCK_READY] = "ready"};
static const char *const vsock_in_ops[] = {[TRACE_VSOCK_DIAL] = "dial",
					   [TRACE_VSOCK_SENT] = "sent",
					   [TRACE_VSOCK_RECV] = "recv"};
static const char *const vsock_out_ops[] = {[TRACE_VSOCK_ANSWER] = "answer",
					    [TRACE_VSOCK_DATA] = "data",
					    [TRACE_VSOCK_ACCEPTED] = "accepted",
					    [TRACE_VSOCK_SHUTDOWN] = "shutdown",
					    [TRACE_VSOCK_CLOSE] = "close"};

const char *trace_vsock_op_name(uint8_t type, unsigned op)
{
	const char *const *names = NULL;
	size_t n = 0;
	if (type == TRACE_VSOCK_HOST)
		names = vsock_host_ops, n = ARRAY_SIZE(vsock_host_ops);
	else if (type == TRACE_VSOCK_IN)
		names = vsock_in_ops, n = ARRAY_SIZE(vsock_in_ops);
	else if (type == TRACE_VSOCK_OUT)
		names = vsock_out_ops, n = ARRAY_SIZE(vsock_out_ops);
	return op < n ? names[op] : NULL;
}

bool trace_vsock_has_data(uint8_t type, unsigned op)
{
	return (type == TRACE_VSOCK_IN && op == TRACE_VSOCK_RECV) ||
	       (type == TRACE_VSOCK_OUT && op == TRACE_VSOCK_DATA);
}

void trace_dev_put(uint8_t q[TRACE_DEV_SIZE], const struct trace_dev *d)
{
	memset(q, 0, TRACE_DEV_SIZE);
	q[0] = d->kind;
	q[1] = d->flags;
	if (d->kind == TRACE_DEV_BLK) {
		trace_put64(q + 8, d->size);
		trace_put64(q + 16, d->hash);
		memcpy(q + 24, d->id, strnlen(d->id, TRACE_ID_MAX));
	} else if (d->kind == TRACE_DEV_NET) {
		trace_put32(q + 4, d->offloads);
		memcpy(q + 24, d->mac, 6);
	} else if (d->kind == TRACE_DEV_VSOCK) {
		trace_put64(q + 8, d->cid);
	}
}
