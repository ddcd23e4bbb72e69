/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Harness: virtio-console driven through lenient replay traces: the input is
 * trace records, replayed against a machine whose one virtio device is a
 * virtio-console (fuzz/replayfx.h), through the same exit path as KVM exits.
 */
#include "fuzz/fuzz.h"
#include "fuzz/replayfx.h"
#include "devices/virtio/console.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	replayfx_run(data, size, VIRTIO_CONSOLE_TRACE_KIND);
	return 0;
}
