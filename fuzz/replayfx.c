/* SPDX-License-Identifier: Apache-2.0 */
/* The shared body of the replay harnesses; see replayfx.h. */
#include "fuzz/replayfx.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "devices/virtio/rng.h"
#include "fuzz/fuzz.h"
#include "vmm/replay/replay.h"
#include "vmm/trace/trace_enc.h"

void replayfx_header(struct trace_header *h, enum trace_dev_kind kind)
{
	memset(h, 0, sizeof(*h));
	h->version = TRACE_VERSION;
	h->arch = TRACE_ARCH_X86_64;
	h->mem_mib = REPLAYFX_MEM_MIB;
	h->cpus = 1;
	h->ndevs = 1;
	h->devs[0].kind = (uint8_t)kind;
	if (kind == TRACE_DEV_BLK) {
		h->devs[0].size = REPLAYFX_DISK;
		memcpy(h->devs[0].id, "fuzzdisk", 8);
	} else if (kind == TRACE_DEV_NET) {
		memcpy(h->devs[0].mac, "\x52\x54\x00\x00\x00\x01", 6);
	} else if (kind == TRACE_DEV_VSOCK) {
		h->devs[0].cid = 3;
	}
}

void replayfx_run(const uint8_t *data, size_t size, enum trace_dev_kind kind)
{
	struct trace_header h;
	replayfx_header(&h, kind);
	replayfx_run_header(data, size, &h);
}

void replayfx_header_arm64(struct trace_header *h)
{
	replayfx_header(h, TRACE_DEV_BLK);
	h->arch = TRACE_ARCH_AARCH64;
	h->cpus = 2;
	h->ndevs = 2;
	h->devs[1] = (struct trace_dev){.kind = VIRTIO_RNG_TRACE_KIND};
}

void replayfx_run_header(const uint8_t *data, size_t size,
			 const struct trace_header *h)
{
	struct tenc e;
	struct replay_opts o = {
	    .flags = REPLAY_LENIENT, .serial_out_fd = -1, .console_out_fd = -1};
	struct replay_result res;
	uint8_t *buf;
	int r;

	tenc_init(&e);
	tenc_header(&e, h);
	if (e.err || !(buf = malloc(e.len + size)))
		abort();
	memcpy(buf, e.p, e.len);
	memcpy(buf + e.len, data, size);
	r = replay_run_buffer(buf, e.len + size, &o, &res);
	if (r != 0 && r != -ENOMEM)
		fuzz_fail("lenient replay failed (%d): %s", r, res.msg);
	FUZZ_CHECK(!res.diverged);
	FUZZ_CHECK(res.events <= res.records && res.exits <= res.events);
	free(buf);
	tenc_free(&e);
}
