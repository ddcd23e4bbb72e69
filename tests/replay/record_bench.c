/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The recorder's own cost per exit, without KVM: a machine on the replay
 * accelerator gets the same MMIO exits (a virtio-mmio register read and a
 * QueueSel write) through vcpu_handle_exit directly, and through the
 * recorder (lock, dispatch, encoding, writes to /dev/null). The difference
 * is what recording adds to every exit on top of KVM's own exit cost.
 *
 *   record_bench [EXITS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backends/replay/replay_accel.h"
#include "devices/virtio/rng.h"
#include "vmm/app/cli.h"
#include "vmm/base/log.h"
#include "vmm/replay/replay.h"
#include "vmm/trace/record.h"
#include "vmm/vm/vm_int.h"
#include "vmm/vm/vcpu.h"

static double bench_cpu(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* n exits through handle (vcpu_handle_exit or the recorder); seconds. */
static double bench_run(struct vm *vm, unsigned long n,
			const struct vm_tracer *t)
{
	uint8_t data[4] = {0};
	struct accel_exit *e = calloc(1, sizeof(*e));
	double t0 = bench_cpu();
	for (unsigned long i = 0; i < n; i++) {
		e->reason = ACCEL_EXIT_MMIO;
		e->io.addr = i & 1 ? 0xd0000030 : 0xd0000000;
		e->io.size = 4;
		e->io.count = 1;
		e->io.write = i & 1;
		e->io.data = data;
		if (t)
			t->ops->exit(t->opaque, &vm->vcpus[0], e);
		else
			vcpu_handle_exit(&vm->vcpus[0], e);
	}
	double s = bench_cpu() - t0;
	free(e);
	return s;
}

int main(int argc, char **argv)
{
	unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 0) : 2000000;
	char err[256];
	log_set_level(LOG_ERROR);
	struct vm_config cfg;
	cli_defaults(&cfg);
	cfg.accel = "replay";
	cfg.mem_mib = 16;
	if (config_dev_add(&cfg, &virtio_rng_type))
		return 1;
	cfg.eventfd = false;
	struct vm_host host = {
	    .serial_out_fd = -1, .serial_in_fd = -1, .console_out_fd = -1};
	for (unsigned i = 0; i < CONFIG_MAX_DISKS; i++)
		host.disk_fds[i] = -1;
	for (unsigned i = 0; i < CONFIG_MAX_NETS; i++)
		host.tap_fds[i] = -1;
	struct recorder *rec = NULL;
	struct vm *vm = calloc(1, sizeof(*vm));
	struct file_ids ids = {0};
	if (record_open(&rec, "/dev/null", &cfg, &host, &ids, err,
			sizeof(err)) ||
	    vm_create(vm, &cfg, &replay_accel_ops, &host, err, sizeof(err)) ||
	    record_start(rec, vm, err, sizeof(err))) {
		fprintf(stderr, "record_bench: %s\n", err);
		return 1;
	}
	const struct vm_tracer *t = host.tracer;
	double plain = bench_run(vm, n, NULL);
	double recd = bench_run(vm, n, t);
	printf("record_bench: %lu MMIO exits: %.0f ns each handled directly, "
	       "%.0f ns recorded (+%.0f ns per exit)\n",
	       n, plain / (double)n * 1e9, recd / (double)n * 1e9,
	       (recd - plain) / (double)n * 1e9);
	if (record_finish(rec, vm, err, sizeof(err)))
		fprintf(stderr, "record_bench: %s\n", err);
	vm_destroy(vm);
	free(vm);
	record_close(rec);
	return 0;
}
