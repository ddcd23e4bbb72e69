/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Harness: a whole VM's saved state (vmm/vm/vm_state.c, the VMST section a
 * snapshot will hold) restored into a freshly built VM: the section's own
 * fields, the accelerator's VM and vCPU sections (the replay backend: no
 * KVM), every platform device's and the virtio devices'.
 *
 * Input: u8 machine (bit 0: 2 vCPUs, else 1; bit 1: ACPI; bit 2: an rng;
 * bit 3: a console), then the blob (the rest of the input).
 *
 * Checks: restore gives 0, -EINVAL or -EOPNOTSUPP, never anything else;
 * a taken blob saves back (vm_pause, vm_state_save) to exactly the bytes
 * taken, so the encoding is canonical and nothing restored is lost. The
 * one exception is a blob holding a section of an older version that is
 * still accepted (old_sections below): it saves in the current version,
 * and that save must restore into a fresh VM and save back to itself.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "backends/replay/replay_accel.h"
#include "fuzz/fuzz.h"
#include "fuzz/vmstfx.h"
#include "vmm/replay/replay.h"
#include "vmm/vm/vm_int.h"
#include "vmm/vm/vm_state.h"

#define VMST_MAX (256u << 10)

/* Section headers of older versions the decoders still take: a tag and a
 * little-endian u16 version. */
static const char old_sections[][6] = {
    {'K', 'B', 'C', '0', 1, 0}, /* the i8042 before its keyboard queue */
};

static bool has_old_section(const uint8_t *blob, size_t len)
{
	for (size_t i = 0; i < sizeof(old_sections) / 6; i++)
		if (memmem(blob, len, old_sections[i], 6))
			return true;
	return false;
}

/* Restore blob into a fresh VM of machine m and, when it is taken, save
 * the VM into out (VMST_MAX bytes): restore's result, with in *pos the
 * bytes it took and in *n the save's length (-1 when refused). */
static int restore_save(uint8_t m, const uint8_t *blob, size_t len,
			uint8_t *out, size_t *pos, long *n)
{
	struct vm_config cfg;
	struct vm_host host;
	struct vm *vm = calloc(1, sizeof(*vm));
	char err[256];

	if (!vm)
		abort();
	vmstfx_machine(m, &cfg, &host);
	FUZZ_CHECK(vm_create(vm, &cfg, &replay_accel_ops, &host, err,
			     sizeof(err)) == 0);
	struct st_reader r;
	st_reader_init(&r, blob, len);
	int e = vm_state_restore(vm, &r);
	*pos = r.pos;
	*n = -1;
	if (e == 0) {
		struct st_writer w;
		st_writer_init(&w, out, VMST_MAX);
		FUZZ_CHECK(vm_pause(vm) == 0);
		FUZZ_CHECK(vm_state_save(vm, &w) == 0);
		*n = st_writer_end(&w);
		vm_resume(vm);
	}
	vm_destroy(vm);
	free(vm);
	return e;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz in = fz_make(data, size);
	uint8_t m = fz_u8(&in);
	const uint8_t *blob;
	size_t len = fz_rest(&in, &blob), pos;
	uint8_t *again = malloc(VMST_MAX);
	long n;

	if (!again)
		abort();
	int e = restore_save(m, blob, len, again, &pos, &n);
	FUZZ_CHECK(e == 0 || e == -EINVAL || e == -EOPNOTSUPP);
	if (e == 0) {
		FUZZ_CHECK(n > 0);
		if ((size_t)n != pos || memcmp(again, blob, (size_t)n)) {
			FUZZ_CHECK(has_old_section(blob, pos));
			uint8_t *third = malloc(VMST_MAX);
			size_t pos3;
			long n3;
			if (!third)
				abort();
			FUZZ_CHECK(restore_save(m, again, (size_t)n, third,
						&pos3, &n3) == 0 &&
				   pos3 == (size_t)n && n3 == n &&
				   !memcmp(third, again, (size_t)n));
			free(third);
		}
	}
	free(again);
	return 0;
}
