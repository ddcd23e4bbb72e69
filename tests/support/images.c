/* SPDX-License-Identifier: Apache-2.0 */
#include "tests/support/images.h"

#include <stdlib.h>
#include <string.h>

#include <asm/bootparam.h>

#include "vmm/base/layout.h"
#include "vmm/platform/loader/pvh.h"

uint8_t img_pattern(size_t off)
{
	uint64_t x = (uint64_t)off * 0x9e3779b97f4a7c15ULL;
	return (uint8_t)(x >> 56) ^ (uint8_t)off;
}

void img_bz_defaults(struct img_bz_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->version = 0x020f;
	o->setup_sects = 4;
	o->hdr_len =
	    (uint8_t)(IMG_BZ_HDR + sizeof(struct setup_header) - 0x202);
	o->payload_len = 16 * 1024 + 1;
	o->loadflags = LOADED_HIGH;
	o->xloadflags = XLF_KERNEL_64;
	o->cmdline_size = 2047;
	o->initrd_addr_max = 0x7fffffff;
	o->kernel_alignment = 0x200000;
	o->relocatable = 1;
	o->pref_address = LAYOUT_HIMEM;
	o->init_size = 64 * 1024;
}

size_t img_bz_setup_len(uint8_t setup_sects)
{
	return ((size_t)(setup_sects ? setup_sects : 4) + 1) * 512;
}

uint8_t *img_bzimage(const struct img_bz_opts *o, size_t *len)
{
	size_t setup_len = img_bz_setup_len(o->setup_sects);
	struct setup_header h;
	uint8_t *buf;

	if (o->payload_len > SIZE_MAX - setup_len)
		return NULL;
	buf = calloc(1, setup_len + o->payload_len);
	if (!buf)
		return NULL;

	memset(&h, 0, sizeof(h));
	h.setup_sects = o->setup_sects;
	h.syssize =
	    o->syssize ? o->syssize : (uint32_t)((o->payload_len + 15) / 16);
	h.vid_mode = 0xffff;
	h.boot_flag = 0xaa55;
	h.jump = (uint16_t)(0xeb | (o->hdr_len << 8)); /* jmp short */
	h.header = 0x53726448;			       /* "HdrS" */
	h.version = o->version;
	h.kernel_version = 0x0200; /* points into the setup code */
	h.loadflags = o->loadflags;
	h.code32_start = LAYOUT_HIMEM;
	h.initrd_addr_max = o->initrd_addr_max;
	h.kernel_alignment = o->kernel_alignment;
	h.relocatable_kernel = o->relocatable;
	h.min_alignment = 21;
	h.xloadflags = o->xloadflags;
	h.cmdline_size = o->cmdline_size;
	h.pref_address = o->pref_address;
	h.init_size = o->init_size;
	h.handover_offset = 0x190;
	h.kernel_info_offset = 0x1234;
	memcpy(buf + IMG_BZ_HDR, &h, sizeof(h));

	for (size_t i = 0; i < o->payload_len; i++)
		buf[setup_len + i] = img_pattern(i);
	*len = setup_len + o->payload_len;
	return buf;
}

void img_elf_defaults(struct img_elf_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->seg[0] = (struct img_elf_seg){
	    .paddr = LAYOUT_HIMEM,
	    .filesz = 64 * 1024,
	    .memsz = 128 * 1024,
	};
	o->nseg = 1;
	o->entry = LAYOUT_HIMEM + 0x40;
	o->pvh_desc = 4;
	o->note_align = 4;
}

static size_t img_align(size_t v, size_t a)
{
	return (v + a - 1) & ~(a - 1);
}

/* Write one note at buf+off (buf may be NULL to measure); return its
 * padded length. */
static size_t img_note(uint8_t *buf, size_t off, size_t a, const char *name,
		       uint32_t namesz, uint32_t type, const void *desc,
		       uint32_t descsz)
{
	Elf64_Nhdr nh = {
	    .n_namesz = namesz, .n_descsz = descsz, .n_type = type};
	size_t d = img_align(sizeof(nh) + namesz, a);
	size_t end = img_align(d + descsz, a);

	if (buf) {
		memcpy(buf + off, &nh, sizeof(nh));
		memcpy(buf + off + sizeof(nh), name, namesz);
		memcpy(buf + off + d, desc, descsz);
	}
	return end;
}

/* Lay out (buf NULL) or write the notes from `off`; return their size. */
static size_t img_notes(uint8_t *buf, size_t off, const struct img_elf_opts *o,
			struct img_elf_layout *lay)
{
	/* namesz 6 and descsz 4: padding differs for 4- and 8-alignment. */
	static const uint8_t linux_desc[4] = {1, 2, 3, 4};
	size_t a = o->note_align == 8 ? 8 : 4, n = 0;

	if (o->linux_note)
		n += img_note(buf, off + n, a, "Linux", 6, 6, linux_desc,
			      sizeof(linux_desc));
	if (o->pvh) {
		uint64_t v = o->pvh_entry;
		uint32_t v32 = (uint32_t)v;
		if (lay)
			lay->xen_note = off + n;
		if (o->pvh_desc == 8)
			n += img_note(buf, off + n, a, "Xen", 4,
				      XEN_ELFNOTE_PHYS32_ENTRY, &v, 8);
		else
			n += img_note(buf, off + n, a, "Xen", 4,
				      XEN_ELFNOTE_PHYS32_ENTRY, &v32, 4);
	}
	return n;
}

uint8_t *img_elf(const struct img_elf_opts *o, size_t *len,
		 struct img_elf_layout *lay)
{
	struct img_elf_layout l;
	bool notes = o->pvh || o->linux_note;
	size_t nph, off, note_off, note_len;
	uint8_t *buf;

	if (o->nseg > IMG_ELF_MAX_SEGS)
		return NULL;
	memset(&l, 0, sizeof(l));
	nph = o->nseg + (notes ? 1 : 0);
	l.phoff = sizeof(Elf64_Ehdr);
	l.phnum = (unsigned)nph;
	l.note_ph = notes ? o->nseg : (unsigned)nph;
	note_off = img_align(l.phoff + nph * sizeof(Elf64_Phdr), 8);
	note_len = notes ? img_notes(NULL, note_off, o, &l) : 0;
	off = img_align(note_off + note_len, 16);
	for (unsigned i = 0; i < o->nseg; i++) {
		if (o->seg[i].filesz > SIZE_MAX / 2)
			return NULL;
		l.seg_off[i] = off;
		off = img_align(off + (size_t)o->seg[i].filesz, 16);
	}
	/* The last segment ends the file: no padding after it. */
	if (o->nseg)
		off =
		    l.seg_off[o->nseg - 1] + (size_t)o->seg[o->nseg - 1].filesz;

	buf = calloc(1, off);
	if (!buf)
		return NULL;

	Elf64_Ehdr eh = {
	    .e_type = ET_EXEC,
	    .e_machine = EM_X86_64,
	    .e_version = EV_CURRENT,
	    .e_entry = o->entry,
	    .e_phoff = l.phoff,
	    .e_ehsize = sizeof(Elf64_Ehdr),
	    .e_phentsize = sizeof(Elf64_Phdr),
	    .e_phnum = (Elf64_Half)nph,
	    .e_shentsize = sizeof(Elf64_Shdr),
	};
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_ident[EI_OSABI] = ELFOSABI_SYSV;
	memcpy(buf, &eh, sizeof(eh));

	for (unsigned i = 0; i < o->nseg; i++) {
		const Elf64_Phdr ph = {
		    .p_type = PT_LOAD,
		    .p_flags = PF_R | PF_W | PF_X,
		    .p_offset = l.seg_off[i],
		    .p_vaddr = o->seg[i].paddr + 0xffffffff80000000ULL,
		    .p_paddr = o->seg[i].paddr,
		    .p_filesz = o->seg[i].filesz,
		    .p_memsz = o->seg[i].memsz,
		    .p_align = 16,
		};
		img_elf_put_phdr(buf, &l, i, &ph);
		for (size_t j = 0; j < o->seg[i].filesz; j++)
			buf[l.seg_off[i] + j] = img_pattern(l.seg_off[i] + j);
	}
	if (notes) {
		const Elf64_Phdr ph = {
		    .p_type = PT_NOTE,
		    .p_flags = PF_R,
		    .p_offset = note_off,
		    .p_filesz = note_len,
		    .p_align = o->note_align == 8 ? 8 : 4,
		};
		img_elf_put_phdr(buf, &l, l.note_ph, &ph);
		(void)img_notes(buf, note_off, o, NULL);
	}

	if (lay)
		*lay = l;
	*len = off;
	return buf;
}

void img_elf_get_phdr(const uint8_t *img, const struct img_elf_layout *lay,
		      unsigned i, Elf64_Phdr *ph)
{
	memcpy(ph, img + lay->phoff + (size_t)i * sizeof(*ph), sizeof(*ph));
}

void img_elf_put_phdr(uint8_t *img, const struct img_elf_layout *lay,
		      unsigned i, const Elf64_Phdr *ph)
{
	memcpy(img + lay->phoff + (size_t)i * sizeof(*ph), ph, sizeof(*ph));
}
