/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kvm.vm_pause: vm_pause / vm_resume on the test guest running under KVM
 * with 2 vCPUs, as vmm builds it (cli_parse, host_open, vm_create,
 * vm_run on a thread). The guest loops on port and MMIO writes
 * (tg.exitbench), so its boot CPU exits all the time:
 *  - while paused its exit count does not move, and it moves again after
 *    vm_resume (twice over);
 *  - while paused, vm_pause_on_each_vcpu runs on every vCPU's own thread
 *    and saves that vCPU's state with accel_ops.vcpu_save;
 *  - a second vm_pause on a paused VM is refused (-EALREADY);
 *  - a stop requested while paused ends vm_run.
 * Exit: 0 pass, 1 fail, 77 skipped (no usable /dev/kvm).
 *
 *   vm_pause_test TESTGUEST
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backends/accel.h"
#include "ktest.h"
#include "vmm/app/cli.h"
#include "vmm/vm/host.h"
#include "vmm/vm/vm_int.h"

static int failures;
#define CHECK(cond, ...) KT_CHECK(&failures, cond, __VA_ARGS__)

static void *run_thread(void *arg)
{
	struct vm *vm = arg;
	static int status;
	status = vm_run(vm);
	return &status;
}

static uint64_t exits(struct vm *vm)
{
	return __atomic_load_n(&vm->vcpus[0].exits, __ATOMIC_RELAXED);
}

/* Wait (a hang guard of 60 s) until vCPU 0 has made `more` exits past
 * `from`. */
static bool exits_grow(struct vm *vm, uint64_t from, uint64_t more)
{
	for (int i = 0; i < 6000; i++) {
		if (exits(vm) >= from + more)
			return true;
		kt_sleep_ms(10);
	}
	return false;
}

struct saves {
	uint8_t buf[2][256 << 10];
	long len[2];
	pthread_t on[2];
};

/* On vCPU c's own thread: its state into s->buf[c->index]. */
static int save_vcpu(struct vcpu *c, void *opaque)
{
	struct saves *s = opaque;
	struct st_writer w;
	st_writer_init(&w, s->buf[c->index], sizeof(s->buf[0]));
	int r = c->vm->accel->vcpu_save(c->accel, &w);
	s->len[c->index] = r ? r : st_writer_end(&w);
	s->on[c->index] = pthread_self();
	return r;
}

/* Pause, check nothing runs, save each vCPU, resume, check it runs. */
static void pause_cycle(struct vm *vm, struct saves *s, int round)
{
	CHECK(exits_grow(vm, exits(vm), 1000), "round %d: the guest runs",
	      round);
	CHECK(vm_pause(vm) == 0, "round %d: vm_pause", round);
	CHECK(vm_paused(vm), "round %d: vm_paused", round);
	CHECK(vm_pause(vm) == -EALREADY, "round %d: a second pause", round);
	uint64_t e1 = exits(vm);
	kt_sleep_ms(300);
	uint64_t e2 = exits(vm);
	CHECK(e1 == e2, "round %d: %llu exits while paused", round,
	      (unsigned long long)(e2 - e1));
	memset(s->len, 0, sizeof(s->len));
	CHECK(vm_pause_on_each_vcpu(vm, save_vcpu, s) == 0,
	      "round %d: work on each vCPU", round);
	for (unsigned i = 0; i < 2; i++) {
		CHECK(s->len[i] > 1000, "round %d: vCPU %u state: %ld", round,
		      i, s->len[i]);
		CHECK(pthread_equal(s->on[i], vm->vcpus[i].thread),
		      "round %d: vCPU %u's work ran on its own thread", round,
		      i);
	}
	CHECK(exits(vm) == e2, "round %d: the work ran no guest code", round);
	vm_resume(vm);
	CHECK(!vm_paused(vm), "round %d: resumed", round);
	CHECK(exits_grow(vm, e2, 1000), "round %d: runs again after resume",
	      round);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: vm_pause_test TESTGUEST\n");
		return 2;
	}
	kt_need_kvm();
	char *args[] = {"vmm",
			"--accel",
			"kvm",
			"--kernel",
			argv[1],
			"--cpus",
			"2",
			"--serial",
			"none",
			"--cmdline",
			"tg.exitbench=1000000000",
			NULL};
	struct vm_config cfg;
	struct vm_host host;
	struct file_ids ids;
	char err[512];
	if (cli_parse(11, args, &cfg, err, sizeof(err)) ||
	    host_open(&cfg, &host, &ids, err, sizeof(err))) {
		printf("FAIL: %s\n", err);
		return 1;
	}
	struct vm *vm = calloc(1, sizeof(*vm));
	const struct accel_ops *a = accel_find("kvm");
	if (!vm || vm_create(vm, &cfg, a, &host, err, sizeof(err))) {
		printf("FAIL: vm_create: %s\n", err);
		return 1;
	}
	static struct saves s;
	pthread_t t;
	if (pthread_create(&t, NULL, run_thread, vm))
		return 1;
	pause_cycle(vm, &s, 1);
	pause_cycle(vm, &s, 2);

	/* A stop while paused ends the run. */
	CHECK(vm_pause(vm) == 0, "last pause");
	vm_request_stop(vm, VM_STOP_QUIT, VM_STATUS_OK);
	void *st;
	pthread_join(t, &st);
	CHECK(*(int *)st == VM_STATUS_OK, "vm_run status %d", *(int *)st);
	vm_resume(vm);
	vm_destroy(vm);
	free(vm);
	host_close(&host);
	if (failures) {
		printf("FAIL: %d checks\n", failures);
		return 1;
	}
	printf("PASS: paused twice (no exits while paused, each vCPU saved on "
	       "its own thread), resumed, and stopped while paused\n");
	return 0;
}
