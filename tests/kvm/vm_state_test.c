/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kvm.vm_state: the test guest on 2 vCPUs, paused in the middle of a loop of
 * port writes, saved (vm_state_save: the accelerator's VM and vCPU state and
 * every device's) with a copy of its RAM, and restored into a fresh VM
 * (vm_create, the RAM copied back, vm_state_restore), which then finishes
 * the loop and the rest of the run and passes.
 *  - the restored VM's exits and the first VM's add up to those of a run
 *    that was never paused (give or take the pause's kicks): no port
 *    write lost or done twice;
 *  - COM1 (both VMs write the same file) has the loop's start line once
 *    and its end line once, then "testguest: PASS", and the restored VM
 *    exits with the guest's PASS status;
 *  - a corrupted state is refused;
 *  - the same with a virtio disk (--acpi off: the guest finds it on the
 *    command line and checks it after the loop, in the restored VM).
 * Exit: 0 pass, 1 fail, 77 skipped (no usable /dev/kvm).
 *
 *   vm_state_test TESTGUEST
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ktest.h"
#include "vmm/app/cli.h"
#include "vmm/vm/host.h"
#include "vmm/vm/vm_int.h"
#include "vmm/vm/vm_state.h"

#define LOOP	  "200000"
#define STATE_MAX (1u << 20)

static int failures;
#define CHECK(cond, ...) KT_CHECK(&failures, cond, __VA_ARGS__)

struct machine {
	struct vm_config cfg;
	struct vm_host host;
	struct vm vm;
	pthread_t thread;
	int status;
};

static void *run_thread(void *arg)
{
	struct machine *m = arg;
	m->status = vm_run(&m->vm);
	return NULL;
}

static uint64_t exits(struct vm *vm)
{
	return __atomic_load_n(&vm->vcpus[0].exits, __ATOMIC_RELAXED);
}

/* Parse the command line and open the host side; -1 with a message. */
static int machine_open(struct machine *m, const char *guest,
			const char *serial, const char *disk)
{
	/* The guest sees virtio devices on the command line only. */
	char ser[512], err[512];
	snprintf(ser, sizeof(ser), "file:%s", serial);
	char *args[16] = {"vmm",
			  "--accel",
			  "kvm",
			  "--kernel",
			  (char *)guest,
			  "--serial",
			  ser,
			  "--cmdline",
			  "tg.exitbench=" LOOP,
			  "--cpus",
			  "2"};
	int n = 11;
	if (disk) {
		args[n++] = "--disk";
		args[n++] = (char *)disk;
		args[n++] = "--acpi";
		args[n++] = "off";
	}
	struct file_ids ids;
	if (cli_parse(n, args, &m->cfg, err, sizeof(err)) ||
	    host_open(&m->cfg, &m->host, &ids, err, sizeof(err))) {
		printf("FAIL: %s\n", err);
		return -1;
	}
	return 0;
}

static int machine_build(struct machine *m)
{
	char err[512];
	if (vm_create(&m->vm, &m->cfg, accel_find("kvm"), &m->host, err,
		      sizeof(err))) {
		printf("FAIL: vm_create: %s\n", err);
		return -1;
	}
	return 0;
}

static int machine_start(struct machine *m)
{
	return pthread_create(&m->thread, NULL, run_thread, m) ? -1 : 0;
}

static void machine_join(struct machine *m)
{
	pthread_join(m->thread, NULL);
}

/* Wait (a hang guard of 60 s) for vCPU 0 to pass `n` exits. */
static bool wait_exits(struct vm *vm, uint64_t n)
{
	for (int i = 0; i < 6000 && exits(vm) < n; i++)
		kt_sleep_ms(10);
	return exits(vm) >= n;
}

/* Copy every RAM region of `from` into `to` (same layout). */
static void copy_ram(struct vm *to, const uint8_t *from)
{
	size_t off = 0;
	for (unsigned i = 0; i < to->mem.nregions; i++) {
		memcpy(to->mem.regions[i].hva, from + off,
		       to->mem.regions[i].size);
		off += to->mem.regions[i].size;
	}
}

static uint8_t *save_ram(const struct vm *vm)
{
	size_t total = 0;
	for (unsigned i = 0; i < vm->mem.nregions; i++)
		total += vm->mem.regions[i].size;
	uint8_t *p = malloc(total), *q = p;
	for (unsigned i = 0; p && i < vm->mem.nregions; i++) {
		memcpy(q, vm->mem.regions[i].hva, vm->mem.regions[i].size);
		q += vm->mem.regions[i].size;
	}
	return p;
}

static int count_lines(const char *path, const char *text)
{
	FILE *f = fopen(path, "r");
	char line[256];
	int n = 0;
	while (f && fgets(line, sizeof(line), f))
		n += strstr(line, text) != NULL;
	if (f)
		fclose(f);
	return n;
}

/* A run never paused: its exit count. */
static uint64_t reference_exits(const char *guest, const char *serial)
{
	struct machine *m = calloc(1, sizeof(*m));
	uint64_t n = 0;
	if (m && !machine_open(m, guest, serial, NULL) && !machine_build(m) &&
	    !machine_start(m)) {
		machine_join(m);
		CHECK(m->status == 0, "reference run: status %d", m->status);
		n = exits(&m->vm);
	}
	if (m) {
		vm_destroy(&m->vm);
		host_close(&m->host);
	}
	free(m);
	return n;
}

/* Run m until `at` exits, pause, save it and its RAM, stop it. The
 * state's length (0 on failure) and *ram. */
static size_t save_at(struct machine *m, uint64_t at, uint8_t *state,
		      uint8_t **ram, uint64_t *at_exits)
{
	CHECK(wait_exits(&m->vm, at), "the first VM runs");
	CHECK(vm_pause(&m->vm) == 0, "vm_pause");
	struct st_writer w;
	st_writer_init(&w, state, STATE_MAX);
	CHECK(vm_state_save(&m->vm, &w) == 0, "vm_state_save");
	long n = st_writer_end(&w);
	*ram = save_ram(&m->vm);
	*at_exits = exits(&m->vm);
	vm_request_stop(&m->vm, VM_STOP_QUIT, 0);
	machine_join(m);
	vm_destroy(&m->vm);
	return n > 0 && *ram ? (size_t)n : 0;
}

/* Build m's VM anew (same host side), fill its RAM and state, run it to
 * its end: its status, or -1. */
static int restore_run(struct machine *m, const uint8_t *state, size_t n,
		       const uint8_t *ram)
{
	if (machine_build(m))
		return -1;
	copy_ram(&m->vm, ram);
	struct st_reader rd;
	st_reader_init(&rd, state, n);
	int r = vm_state_restore(&m->vm, &rd);
	CHECK(r == 0, "vm_state_restore");
	CHECK(st_reader_end(&rd) == 0, "the whole state taken");
	if (r || machine_start(m))
		return -1;
	machine_join(m);
	return m->status;
}

/* With a disk: saved in the loop, restored, the guest's disk check after
 * the loop passes in the new VM. */
static void test_disk(const char *guest, const char *dir)
{
	char serial[600], disk[600];
	snprintf(serial, sizeof(serial), "%s/com1-disk", dir);
	snprintf(disk, sizeof(disk), "%s/disk.img", dir);
	int fd = open(disk, O_CREAT | O_RDWR | O_TRUNC, 0600);
	if (fd < 0 || ftruncate(fd, 1 << 20)) {
		printf("FAIL: %s\n", disk);
		failures++;
		return;
	}
	close(fd);
	struct machine *m = calloc(1, sizeof(*m));
	uint8_t *state = malloc(STATE_MAX), *ram = NULL;
	uint64_t ea = 0;
	if (m && state && !machine_open(m, guest, serial, disk) &&
	    !machine_build(m) && !machine_start(m)) {
		size_t n = save_at(m, 50000, state, &ram, &ea);
		CHECK(n > 0, "saved with a disk");
		if (n) {
			CHECK(restore_run(m, state, n, ram) == 0,
			      "with a disk: status %d", m->status);
			vm_destroy(&m->vm);
		}
		host_close(&m->host);
	}
	CHECK(count_lines(serial, "exitbench: pio start") == 1,
	      "with a disk: the loop's start once");
	CHECK(count_lines(serial, "testguest: virtio-blk") >= 1,
	      "with a disk: the guest's disk check ran");
	CHECK(count_lines(serial, "testguest: PASS") == 1, "with a disk: PASS");
	free(ram);
	free(state);
	free(m);
}

int main(int argc, char **argv)
{
	if (argc != 2)
		return 2;
	kt_need_kvm();
	char dir[] = "/tmp/vmmstate.XXXXXX", serial[600], ref[600];
	if (!mkdtemp(dir))
		return 1;
	snprintf(serial, sizeof(serial), "%s/com1", dir);
	snprintf(ref, sizeof(ref), "%s/com1-ref", dir);
	uint64_t want = reference_exits(argv[1], ref);
	CHECK(want > 400000, "the reference run made %llu exits",
	      (unsigned long long)want);

	struct machine *m = calloc(1, sizeof(*m));
	uint8_t *state = malloc(STATE_MAX), *ram = NULL;
	if (!m || !state || machine_open(m, argv[1], serial, NULL) ||
	    machine_build(m) || machine_start(m))
		return 1;
	/* Inside the loop of port writes. */
	uint64_t ea = 0;
	size_t n = save_at(m, 50000, state, &ram, &ea);
	if (failures || !n)
		return 1;
	printf("saved VM A after %llu exits: %zu bytes of state\n",
	       (unsigned long long)ea, n);

	/* VM B: the same machine and host side (COM1's file), its RAM and
	 * state from A. */
	int st = restore_run(m, state, n, ram);
	uint64_t eb = exits(&m->vm);
	CHECK(st == 0, "VM B: status %d", st);
	CHECK(ea + eb >= want && ea + eb <= want + 4,
	      "exits: %llu + %llu, a run never paused makes %llu",
	      (unsigned long long)ea, (unsigned long long)eb,
	      (unsigned long long)want);
	printf("VM B ran on for %llu exits to its end\n",
	       (unsigned long long)eb);
	vm_destroy(&m->vm);
	CHECK(count_lines(serial, "exitbench: pio start") == 1,
	      "the loop's start once on COM1");
	CHECK(count_lines(serial, "exitbench: mmio done " LOOP) == 1,
	      "the loop's end once on COM1");
	CHECK(count_lines(serial, "testguest: PASS") == 1, "PASS on COM1");

	/* A corrupted state: the ACPI flag (after VMST's header and the
	 * vCPU count) neither 0 nor 1. */
	CHECK(machine_build(m) == 0, "VM C");
	state[ST_HDR_LEN + 4] = 7;
	struct st_reader rd;
	st_reader_init(&rd, state, n);
	CHECK(vm_state_restore(&m->vm, &rd) == -EINVAL,
	      "a corrupted state taken");
	vm_destroy(&m->vm);
	host_close(&m->host);
	free(m);

	test_disk(argv[1], dir);
	free(ram);
	free(state);
	char cmd[700];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		printf("note: %s left behind\n", dir);
	if (failures) {
		printf("FAIL: %d checks\n", failures);
		return 1;
	}
	printf("PASS: the test guest saved mid-loop, restored into a fresh VM, "
	       "finished and passed\n");
	return 0;
}
