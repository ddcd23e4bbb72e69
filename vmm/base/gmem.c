/* SPDX-License-Identifier: Apache-2.0 */
#include "vmm/base/gmem.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define GM_PAGE 4096ULL

void gm_init(struct guest_mem *gm)
{
	memset(gm, 0, sizeof(*gm));
}

int gm_add_ram(struct guest_mem *gm, uint64_t gpa, uint64_t size,
	       unsigned flags)
{
	return gm_add_ram_fd(gm, gpa, size, flags, -1, 0);
}

int gm_add_ram_fd(struct guest_mem *gm, uint64_t gpa, uint64_t size,
		  unsigned flags, int fd, uint64_t offset)
{
	uint64_t end;

	if (size == 0 || (gpa | size) & (GM_PAGE - 1) ||
	    __builtin_add_overflow(gpa, size, &end) || size > SIZE_MAX)
		return -EINVAL;
	if (gm->nregions == GM_MAX_REGIONS)
		return -ENOSPC;
	for (unsigned i = 0; i < gm->nregions; i++) {
		const struct gm_region *r = &gm->regions[i];
		if (gpa < r->gpa + r->size && r->gpa < end)
			return -EINVAL;
	}

	if (fd >= 0 && (offset & (GM_PAGE - 1) || size > INT64_MAX ||
			offset > INT64_MAX - size))
		return -EINVAL;
	void *p =
	    mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_NORESERVE | (fd >= 0 ? 0 : MAP_ANONYMOUS),
		 fd, fd >= 0 ? (off_t)offset : 0);
	if (p == MAP_FAILED)
		return fd >= 0 ? -errno : -ENOMEM;
	/* Guest RAM never belongs in a core dump of the VMM. Failure only
	 * makes dumps bigger, so it is not fatal. */
	(void)madvise(p, (size_t)size, MADV_DONTDUMP);
	if ((flags & GM_MERGEABLE) &&
	    madvise(p, (size_t)size, MADV_MERGEABLE) != 0) {
		int e = errno;
		munmap(p, (size_t)size);
		return -e;
	}

	/* Insert sorted by gpa. */
	unsigned at = gm->nregions;
	while (at > 0 && gm->regions[at - 1].gpa > gpa) {
		gm->regions[at] = gm->regions[at - 1];
		at--;
	}
	gm->regions[at] = (struct gm_region){
	    .gpa = gpa, .size = size, .hva = p, .anon = fd < 0};
	gm->nregions++;
	return 0;
}

void gm_destroy(struct guest_mem *gm)
{
	for (unsigned i = 0; i < gm->nregions; i++)
		munmap(gm->regions[i].hva, (size_t)gm->regions[i].size);
	gm_init(gm);
}

void gm_clear(struct guest_mem *gm)
{
	for (unsigned i = 0; i < gm->nregions; i++) {
		struct gm_region *r = &gm->regions[i];
		/* Dropping the pages is cheaper than memset and leaves zeros.
		 */
		if (madvise(r->hva, (size_t)r->size, MADV_DONTNEED) != 0)
			memset(r->hva, 0, (size_t)r->size);
	}
}

/* The region holding [gpa, gpa+len) entirely, or NULL. */
static const struct gm_region *gm_lookup(const struct guest_mem *gm,
					 uint64_t gpa, uint64_t len)
{
	uint64_t end;

	if (__builtin_add_overflow(gpa, len, &end))
		return NULL;
	for (unsigned i = 0; i < gm->nregions; i++) {
		const struct gm_region *r = &gm->regions[i];
		/* gpa - r->gpa cannot underflow once gpa >= r->gpa, and the
		 * size comparison avoids computing r->gpa + r->size twice. */
		if (gpa >= r->gpa && gpa - r->gpa <= r->size &&
		    len <= r->size - (gpa - r->gpa))
			return r;
	}
	return NULL;
}

bool gm_range_ok(const struct guest_mem *gm, uint64_t gpa, uint64_t len)
{
	return gm_lookup(gm, gpa, len) != NULL;
}

/* The host address of [gpa, gpa+len), or NULL; no hooks. */
static void *gm_host(const struct guest_mem *gm, uint64_t gpa, uint64_t len)
{
	const struct gm_region *r = gm_lookup(gm, gpa, len);
	return r ? r->hva + (gpa - r->gpa) : NULL;
}

static void gm_note_read(const struct guest_mem *gm, uint64_t gpa,
			 const void *data, uint64_t len)
{
	if (gm->hooks && gm->hooks->read && len)
		gm->hooks->read(gm->hooks->opaque, gpa, data, len);
}

static void gm_note_write(const struct guest_mem *gm, uint64_t gpa,
			  const void *data, uint64_t len)
{
	if (gm->hooks && gm->hooks->write && len)
		gm->hooks->write(gm->hooks->opaque, gpa, data, len);
}

void *gm_ptr(const struct guest_mem *gm, uint64_t gpa, uint64_t len)
{
	void *p = gm_host(gm, gpa, len);
	if (p) {
		gm_note_read(gm, gpa, p, len);
		gm_note_write(gm, gpa, NULL, len);
	}
	return p;
}

const void *gm_ptr_read(const struct guest_mem *gm, uint64_t gpa, uint64_t len)
{
	const void *p = gm_host(gm, gpa, len);
	if (p)
		gm_note_read(gm, gpa, p, len);
	return p;
}

void *gm_ptr_write(const struct guest_mem *gm, uint64_t gpa, uint64_t len)
{
	void *p = gm_host(gm, gpa, len);
	if (p)
		gm_note_write(gm, gpa, NULL, len);
	return p;
}

int gm_load16(const struct guest_mem *gm, uint64_t gpa, uint16_t *v)
{
	const uint16_t *p = (gpa & 1) ? NULL : gm_host(gm, gpa, sizeof(*p));
	if (!p)
		return -EFAULT;
	*v = __atomic_load_n(p, __ATOMIC_RELAXED);
	gm_note_read(gm, gpa, v, sizeof(*v));
	return 0;
}

int gm_store16(const struct guest_mem *gm, uint64_t gpa, uint16_t v)
{
	uint16_t *p = (gpa & 1) ? NULL : gm_host(gm, gpa, sizeof(*p));
	if (!p)
		return -EFAULT;
	__atomic_store_n(p, v, __ATOMIC_RELAXED);
	gm_note_write(gm, gpa, &v, sizeof(v));
	return 0;
}

int gm_read(const struct guest_mem *gm, uint64_t gpa, void *dst, uint64_t len)
{
	const void *p = gm_host(gm, gpa, len);
	if (!p)
		return -EFAULT;
	if (len)
		memcpy(dst, p, (size_t)len);
	gm_note_read(gm, gpa, dst, len);
	return 0;
}

int gm_write(const struct guest_mem *gm, uint64_t gpa, const void *src,
	     uint64_t len)
{
	void *p = gm_host(gm, gpa, len);
	if (!p)
		return -EFAULT;
	if (len)
		memcpy(p, src, (size_t)len);
	gm_note_write(gm, gpa, src, len);
	return 0;
}

int gm_zero(const struct guest_mem *gm, uint64_t gpa, uint64_t len)
{
	const struct gm_region *r = gm_lookup(gm, gpa, len);
	if (!r)
		return -EFAULT;
	uint8_t *p = r->hva + (gpa - r->gpa);
	/* The whole pages inside [p, p+len), if any: [a, b). */
	uintptr_t a = ((uintptr_t)p + GM_PAGE - 1) & ~(uintptr_t)(GM_PAGE - 1);
	uintptr_t b = ((uintptr_t)p + (size_t)len) & ~(uintptr_t)(GM_PAGE - 1);
	if (r->anon && a < b &&
	    madvise((void *)a, (size_t)(b - a), MADV_DONTNEED) == 0) {
		memset(p, 0, (size_t)((uint8_t *)a - p));
		memset((void *)b, 0, (size_t)(p + len - (uint8_t *)b));
	} else if (len) {
		memset(p, 0, (size_t)len);
	}
	gm_note_write(gm, gpa, NULL, len);
	return 0;
}

uint64_t gm_total(const struct guest_mem *gm)
{
	uint64_t t = 0;
	for (unsigned i = 0; i < gm->nregions; i++)
		t += gm->regions[i].size;
	return t;
}
