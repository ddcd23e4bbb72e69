/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Harness: virtio-vsock driven through lenient replay traces: the input is
 * trace records (MMIO, the host's vsock-host calls, the port's recorded
 * vsock-in answers), replayed against a machine whose one virtio device is
 * a virtio-vsock (fuzz/replayfx.h): the device must stay within its
 * bounds whatever handles, lengths and bytes the "host" returns.
 */
#include "fuzz/fuzz.h"
#include "fuzz/replayfx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	replayfx_run(data, size, TRACE_DEV_VSOCK);
	return 0;
}
