/* SPDX-License-Identifier: Apache-2.0 */
/* The record types of the trace format (trace.h) and their text names. */
#include "vmm/trace/trace.h"

#include "vmm/compiler.h"

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
    {TRACE_MEM, "mem"},
    {TRACE_RTC, "rtc"},
    {TRACE_RNG, "rng"},
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
	return NULL;
}

bool trace_type_known(uint8_t type)
{
	return trace_type_name(type) != NULL;
}
