/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The seed generator (fuzz-seedgen, `make fuzz-seeds`): writes the seeds
 * of every corpus as corpus/<target>/seed-<name>. Seeds are built with
 * the same formats the harnesses read (fuzz_*.c, vdrv.h, loadfx.h), from
 * valid images (tests/support/images.h) and rings
 * (tests/support/vq_builder.h).
 */
#ifndef VMM_FUZZ_SEEDGEN_H
#define VMM_FUZZ_SEEDGEN_H

#include <stddef.h>
#include <stdint.h>

/* A growing byte string; put* append little-endian values. */
struct sb {
	uint8_t *p;
	size_t len, cap;
};

void sb_put(struct sb *s, const void *data, size_t len);
void sb_u8(struct sb *s, uint8_t v);
void sb_u16(struct sb *s, uint16_t v);
void sb_u32(struct sb *s, uint32_t v);
void sb_u64(struct sb *s, uint64_t v);
void sb_str(struct sb *s, const char *str); /* without the NUL */
void sb_free(struct sb *s);

/* Write s as corpus/<target>/seed-<name> under the output directory and
 * empty s. Exits on error. */
void seed(const char *target, const char *name, struct sb *s);

/* Seeds of the virtio and virtqueue harnesses (seedgen_virtio.c). */
void seeds_virtio(void);

/* Seeds of the state harness: real saved states of every device
 * (seedgen_state.c). */
void seeds_state(void);
/* Seeds of the whole-VM state harness: VMST sections saved from VMs on
 * the replay backend (seedgen_vm_state.c). */
void seeds_vm_state(void);

/* Seeds of the aarch64 device tree and Image harnesses
 * (seedgen_arm64.c). */
void seeds_arm64(void);

/* Seeds of the trace and replay harnesses from the text traces in the
 * directory `traces` (seedgen_trace.c). */
void seeds_trace(const char *traces);

#endif
