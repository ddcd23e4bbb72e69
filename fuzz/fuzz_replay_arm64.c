/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Harness: the arm64 machine (vmm/vm/vm_machine_arm64.c) driven through
 * lenient replay traces: the input is trace records, replayed against
 * the arm64 machine with a disk and an rng (fuzz/replayfx.h,
 * replayfx_header_arm64), so that MMIO lands on its 16550, PL031,
 * debug-exit and virtio-mmio windows at their arm64 addresses, through
 * the same exit path as KVM exits. Seeds: records of the nested arm64
 * runs (tests/arm64/nested_test.sh).
 */
#include "fuzz/fuzz.h"
#include "fuzz/replayfx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct trace_header h;
	replayfx_header_arm64(&h);
	replayfx_run_header(data, size, &h);
	return 0;
}
