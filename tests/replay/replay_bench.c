/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Replay speed: a long MMIO-only trace (reads of a virtio-mmio device's
 * identification registers, with their results checked, and queue-select
 * writes), replayed strictly in process.
 *
 *   replay_bench [EXITS [MIN_PER_SECOND]]
 *
 * Prints exits per second of CPU time and of wall time; fails when the
 * CPU-time rate is under MIN_PER_SECOND (0: only report). CPU time, so a
 * loaded machine (make check runs tests in parallel) does not fail it.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "devices/virtio/rng.h"
#include "vmm/base/log.h"
#include "vmm/replay/replay.h"
#include "vmm/trace/trace_enc.h"

static double bench_now(clockid_t clk)
{
	struct timespec ts;
	clock_gettime(clk, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void bench_mmio(struct tenc *e, bool write, uint64_t addr, uint32_t val)
{
	uint8_t d[4];
	trace_put32(d, val);
	tenc_io(e, TRACE_MMIO, 0, write, addr, 4, d, 1);
}

int main(int argc, char **argv)
{
	uint64_t exits = argc > 1 ? strtoull(argv[1], NULL, 0) : 4000000;
	double min = argc > 2 ? strtod(argv[2], NULL) : 0;
	log_set_level(LOG_ERROR);

	struct trace_header h = {.version = TRACE_VERSION,
				 .arch = TRACE_ARCH_X86_64,
				 .mem_mib = 16,
				 .cpus = 1,
				 .ndevs = 1};
	h.devs[0].kind = VIRTIO_RNG_TRACE_KIND; /* virtio-mmio slot 0 */
	struct tenc e;
	tenc_init(&e);
	tenc_header(&e, &h);
	for (uint64_t i = 0; i < exits / 4; i++) {
		bench_mmio(&e, false, 0xd0000000, 0x74726976); /* MagicValue */
		bench_mmio(&e, false, 0xd0000004, 2);	       /* Version */
		bench_mmio(&e, false, 0xd0000008, 4);	       /* DeviceID */
		bench_mmio(&e, true, 0xd0000030, 0);	       /* QueueSel */
	}
	tenc_end(&e, TRACE_STOP_NONE, 0, NULL, 0);
	if (e.err) {
		fprintf(stderr, "replay_bench: out of memory\n");
		return 1;
	}

	struct replay_opts o = {.serial_out_fd = -1, .console_out_fd = -1};
	struct replay_result res;
	double c0 = bench_now(CLOCK_PROCESS_CPUTIME_ID);
	double w0 = bench_now(CLOCK_MONOTONIC);
	int r = replay_run_buffer(e.p, e.len, &o, &res);
	size_t len = e.len;
	double cpu = bench_now(CLOCK_PROCESS_CPUTIME_ID) - c0;
	double wall = bench_now(CLOCK_MONOTONIC) - w0;
	tenc_free(&e);
	if (r) {
		fprintf(stderr, "replay_bench: %s\n", res.msg);
		return 1;
	}
	double rate = (double)res.exits / cpu;
	printf("replay_bench: %" PRIu64 " MMIO exits (%zu-byte trace): "
	       "%.0f exits/s CPU time (%.3f s), %.0f exits/s wall (%.3f s)\n",
	       res.exits, len, rate, cpu, (double)res.exits / wall, wall);
	if (rate < min) {
		printf("replay_bench: FAIL: under %.0f exits/s\n", min);
		return 1;
	}
	return 0;
}
