/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The recorder's view of guest memory: a shadow of what the replay will
 * have, so that only the bytes devices read, and only when they changed
 * since the trace last said, become MEM records.
 *
 * The replay starts from zeroed RAM, and so does the shadow. Then:
 *  - a device read (gmem hook) compares what it saw with the shadow; runs
 *    of differing bytes become MEM records and go into the shadow. Runs
 *    closer than RMEM_GAP bytes are merged into one record;
 *  - a device write of known bytes (gm_write, gm_store16) happens in the
 *    replay too: the shadow takes the bytes;
 *  - a device write through a pointer (a disk read, a tap frame) also
 *    happens in the replay, but the recorder does not see the bytes: the
 *    pages are marked unknown. A later read of an unknown page puts the
 *    whole page (real memory, with the bytes just read) into the trace.
 * The guest's own writes are never seen: they show up as differences at
 * the next device read. Hooks run only inside an event (under the
 * recorder lock); a read outside one is a bug, logged once.
 */
#include "vmm/trace/record_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "vmm/base/log.h"

#define RMEM_PAGE 4096ull
#define RMEM_GAP  16

static struct rmem_region *rmem_find(struct rmem *m, uint64_t gpa, uint64_t len)
{
	for (unsigned i = 0; i < m->n; i++) {
		struct rmem_region *r = &m->r[i];
		if (gpa >= r->gpa && gpa - r->gpa <= r->size &&
		    len <= r->size - (gpa - r->gpa))
			return r;
	}
	return NULL;
}

static bool rmem_unknown(const struct rmem_region *r, uint64_t page)
{
	return r->unknown[page / 64] >> (page % 64) & 1;
}

static void rmem_emit(struct rmem *m, uint64_t gpa, const uint8_t *p,
		      uint64_t len)
{
	tenc_mem(&m->rec->out, gpa, p, len);
	m->records++;
	m->bytes += len;
}

/* Unknown pages under [off, off+len): the whole page into the trace, as
 * real memory holds it now except for the bytes the device saw. */
static void rmem_sync_pages(struct rmem *m, struct rmem_region *r, uint64_t off,
			    const uint8_t *data, uint64_t len)
{
	for (uint64_t pg = off / RMEM_PAGE; pg <= (off + len - 1) / RMEM_PAGE;
	     pg++) {
		if (!rmem_unknown(r, pg))
			continue;
		uint64_t ps = pg * RMEM_PAGE;
		memcpy(r->shadow + ps, r->hva + ps, RMEM_PAGE);
		uint64_t lo = off > ps ? off : ps;
		uint64_t hi =
		    off + len < ps + RMEM_PAGE ? off + len : ps + RMEM_PAGE;
		memcpy(r->shadow + lo, data + (lo - off), hi - lo);
		rmem_emit(m, r->gpa + ps, r->shadow + ps, RMEM_PAGE);
		r->unknown[pg / 64] &= ~(1ull << (pg % 64));
		m->pages++;
	}
}

static void rmem_read(void *opaque, uint64_t gpa, const void *data,
		      uint64_t len)
{
	struct rmem *m = opaque;
	const uint8_t *d = data;
	struct rmem_region *r = rmem_find(m, gpa, len);
	if (!r || !len)
		return;
	if (!atomic_load_explicit(&m->rec->in_event, memory_order_relaxed)) {
		if (!m->warned)
			log_warn("record: a device read guest memory outside "
				 "an event (0x%llx); the replay may diverge",
				 (unsigned long long)gpa);
		m->warned = true;
		return;
	}
	uint64_t off = gpa - r->gpa;
	rmem_sync_pages(m, r, off, d, len);
	uint8_t *s = r->shadow + off;
	if (memcmp(s, d, len) == 0)
		return;
	/* Runs of differing bytes, merged across gaps under RMEM_GAP. */
	uint64_t i = 0;
	while (i < len) {
		while (i < len && s[i] == d[i])
			i++;
		if (i == len)
			break;
		uint64_t start = i, end = i + 1, same = 0;
		for (i++; i < len && same < RMEM_GAP; i++) {
			if (s[i] == d[i]) {
				same++;
			} else {
				same = 0;
				end = i + 1;
			}
		}
		memcpy(s + start, d + start, end - start);
		rmem_emit(m, gpa + start, d + start, end - start);
		i = end;
	}
}

static void rmem_write(void *opaque, uint64_t gpa, const void *data,
		       uint64_t len)
{
	struct rmem *m = opaque;
	struct rmem_region *r = rmem_find(m, gpa, len);
	if (!r || !len)
		return;
	uint64_t off = gpa - r->gpa;
	if (data) {
		memcpy(r->shadow + off, data, len);
		return;
	}
	for (uint64_t pg = off / RMEM_PAGE; pg <= (off + len - 1) / RMEM_PAGE;
	     pg++)
		r->unknown[pg / 64] |= 1ull << (pg % 64);
}

int rmem_init(struct rmem *m, struct recorder *rec, const struct guest_mem *gm)
{
	memset(m, 0, sizeof(*m));
	m->rec = rec;
	for (unsigned i = 0; i < gm->nregions; i++) {
		const struct gm_region *g = &gm->regions[i];
		struct rmem_region *r = &m->r[m->n];
		void *p =
		    mmap(NULL, (size_t)g->size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (p == MAP_FAILED)
			return -ENOMEM;
		*r = (struct rmem_region){
		    .gpa = g->gpa, .size = g->size, .hva = g->hva, .shadow = p};
		m->n++;
		uint64_t pages = (g->size + RMEM_PAGE - 1) / RMEM_PAGE;
		r->unknown =
		    calloc((size_t)((pages + 63) / 64), sizeof(uint64_t));
		if (!r->unknown)
			return -ENOMEM;
	}
	m->hooks = (struct gm_hooks){
	    .read = rmem_read, .write = rmem_write, .opaque = m};
	return 0;
}

void rmem_destroy(struct rmem *m)
{
	for (unsigned i = 0; i < m->n; i++) {
		munmap(m->r[i].shadow, (size_t)m->r[i].size);
		free(m->r[i].unknown);
	}
	m->n = 0;
}
