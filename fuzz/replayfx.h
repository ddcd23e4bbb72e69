/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The shared body of the replay harnesses (fuzz_replay_*.c): the input is
 * the records of a trace (docs/trace-format.md), put behind a header that
 * describes a machine with one virtio device of the harness's kind, and
 * replayed leniently (vmm/replay/replay.h, REPLAY_LENIENT): MMIO and
 * PIO events land on a device, MEM records fill guest RAM, TAP_RX,
 * NET_RX, CONSOLE_RX and VSOCK_HOST feed the device, RTC, RNG and VSOCK_IN
 * records are the host's answers. The replay builds and destroys its own
 * machine each call.
 *
 * The machine: REPLAYFX_MEM_MIB of RAM (as the recorded seeds had), one
 * vCPU, no ACPI, and the device in slot 0 (0xd0000000, IRQ 5): a 64 KiB
 * disk with an id, a net without tap offloads, an rng, a console, or a
 * vsock with CID 3.
 *
 * Checks: the lenient replay never fails for a reason other than the host
 * (0, or -ENOMEM), and counts no more events than records.
 */
#ifndef VMM_FUZZ_REPLAYFX_H
#define VMM_FUZZ_REPLAYFX_H

#include <stddef.h>
#include <stdint.h>

#include "vmm/trace/trace.h"

#define REPLAYFX_MEM_MIB 128
#define REPLAYFX_DISK	 (64u << 10)

/* Replay the records in data behind a header for one device of `kind`. */
void replayfx_run(const uint8_t *data, size_t size, enum trace_dev_kind kind);

/* The header replayfx_run puts in front (for the seed generator). */
void replayfx_header(struct trace_header *h, enum trace_dev_kind kind);

/* The arm64 machine's header (fuzz_replay_arm64.c): two vCPUs, the disk
 * in slot 0 (0x0a000000, SPI 16) and an rng in slot 1 (0x0a001000, SPI
 * 17), with the machine's 16550, PL031 and debug-exit; the devices and
 * order of tests/arm64/nested_test.sh's kernel run. */
void replayfx_header_arm64(struct trace_header *h);

/* Replay the records in data behind header h. */
void replayfx_run_header(const uint8_t *data, size_t size,
			 const struct trace_header *h);

#endif
