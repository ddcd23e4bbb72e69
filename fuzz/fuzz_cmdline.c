/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Harness: the kernel command line builder (vm_virtio_cmdline in
 * vmm/vm/vm_virtio.c), which appends " virtio_mmio.device=4K@0xBASE:IRQ" per
 * device to the user's --cmdline, as vm_boot_load calls it, and a strict
 * parse of what it wrote.
 *
 * Input: u8 n (devices, % (VM_MAX_VDEVS + 1)), n times u64 base and u32
 * irq, u16 cap (buffer bytes: 1 + cap % LAYOUT_CMDLINE_MAX), then the
 * user's command line (up to the first NUL, cut to fit the buffer).
 *
 * Checks: on success the buffer is NUL-terminated inside cap, starts with
 * the user's line unchanged, and the rest parses back word by word as
 * "virtio_mmio.device=4K@0x<hex base>:<decimal irq>" with the devices'
 * values in order and nothing else; -E2BIG only when that text cannot
 * fit, and then the buffer is still NUL-terminated inside cap.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/fuzz.h"
#include "vmm/base/layout.h"
#include "vmm/vm/vm_int.h"
#include "vmm/vm/vm_virtio.h"

#define WORD " virtio_mmio.device=4K@0x"

/* Parse an unsigned number in `base` (10, or 16 with lower-case digits)
 * in canonical form (no leading zero but "0" itself); advances *s. */
static bool parse_num(const char **s, unsigned base, uint64_t *out)
{
	const char *p = *s;
	uint64_t v = 0;

	for (;; p++) {
		unsigned d;

		if (*p >= '0' && *p <= '9')
			d = (unsigned)(*p - '0');
		else if (base == 16 && *p >= 'a' && *p <= 'f')
			d = (unsigned)(*p - 'a' + 10);
		else
			break;
		if (v > (UINT64_MAX - d) / base)
			return false;
		v = v * base + d;
	}
	if (p == *s || (**s == '0' && p - *s > 1))
		return false;
	*out = v;
	*s = p;
	return true;
}

/* The length of the text vm_virtio_cmdline must append. */
static size_t ref_len(const struct vm *vm)
{
	size_t n = 0;

	for (unsigned i = 0; i < vm->nvdevs; i++) {
		uint64_t b = vm->vdevs[i]->base;
		uint32_t irq = vm->vdevs[i]->irq;

		n += strlen(WORD) + 3; /* a hex digit, ":" and a digit */
		while (b >>= 4)
			n++;
		while (irq /= 10)
			n++;
	}
	return n;
}

static void check_appended(const struct vm *vm, const char *s)
{
	for (unsigned i = 0; i < vm->nvdevs; i++) {
		uint64_t base, irq;

		FUZZ_CHECK(strncmp(s, WORD, strlen(WORD)) == 0);
		s += strlen(WORD);
		FUZZ_CHECK(parse_num(&s, 16, &base) && *s++ == ':');
		FUZZ_CHECK(parse_num(&s, 10, &irq));
		FUZZ_CHECK(base == vm->vdevs[i]->base);
		FUZZ_CHECK(irq == vm->vdevs[i]->irq);
	}
	FUZZ_CHECK(*s == '\0');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz in = fz_make(data, size);
	/* On the stack: a 140 KiB heap block would cost an mmap a run. */
	struct vm vmbuf, *vm = &vmbuf;
	struct vm_vdev vd[VM_MAX_VDEVS];
	const uint8_t *text;
	size_t cap, len;
	char *buf;

	memset(vm, 0, sizeof(*vm));
	memset(vd, 0, sizeof(vd));
	vm->nvdevs = fz_u8(&in) % (VM_MAX_VDEVS + 1);
	for (unsigned i = 0; i < vm->nvdevs; i++) {
		vd[i].base = fz_u64(&in);
		vd[i].irq = fz_u32(&in);
		vm->vdevs[i] = &vd[i];
	}
	cap = 1 + fz_u16(&in) % LAYOUT_CMDLINE_MAX;
	/* Exactly cap bytes, so ASan sees a write past them. */
	if (!(buf = malloc(cap)))
		abort();
	len = fz_rest(&in, &text);
	len = strnlen((const char *)text, len);
	if (len > cap - 1)
		len = cap - 1;
	memcpy(buf, text, len);
	buf[len] = '\0';

	int r = vm_virtio_cmdline(vm, buf, cap);

	FUZZ_CHECK(memchr(buf, '\0', cap));
	FUZZ_CHECK(strncmp(buf, (const char *)text, len) == 0);
	if (r == 0) {
		FUZZ_CHECK(strlen(buf) < cap);
		check_appended(vm, buf + len);
	} else {
		FUZZ_CHECK(r == -E2BIG);
		FUZZ_CHECK(len + ref_len(vm) >= cap);
	}
	free(buf);
	return 0;
}
