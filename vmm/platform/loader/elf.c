/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ELF vmlinux loader: an ELF64 x86-64 ET_EXEC whose PT_LOAD segments are
 * copied to their physical addresses (p_paddr). A kernel that carries a
 * Xen PHYS32_ENTRY note is booted through PVH (32-bit entry, %ebx =
 * hvm_start_info); any other is entered at e_entry (the physical
 * phys_startup_64 in an x86 vmlinux) through the 64-bit Linux boot
 * protocol with a zero page.
 */
#include "vmm/base/errmsg.h"
#include "vmm/platform/loader/loader.h"

#include <elf.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "vmm/base/layout.h"
#include "vmm/platform/loader/pvh.h"
#include "vmm/platform/loader/zeropage.h"

/* Note descriptors and the structs written to the guest are in host byte
 * order, so the host must be little-endian like the guest (it is x86). */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	       "ELF64 LSB fields are read in host byte order");

#define ELF_MAX_PHNUM	64   /* a vmlinux has about 5 */
#define ELF_CMDLINE_MAX 2048 /* x86 COMMAND_LINE_SIZE, NUL included */
#define ELF_4G		0x100000000ULL

struct elf_image {
	const uint8_t *img;
	size_t len;
	Elf64_Ehdr eh;
	Elf64_Phdr ph[ELF_MAX_PHNUM];
	unsigned phnum;
	uint64_t kstart, kend; /* lowest PT_LOAD start, highest end */
	uint64_t kend_low;     /* highest end of the PT_LOADs below 4 GiB */
	bool pvh;
	uint64_t pvh_entry;
};

/* Check the ELF header and copy the program header table into e. */
static int elf_parse_headers(struct elf_image *e, char *err, size_t errlen)
{
	const Elf64_Ehdr *eh = &e->eh;
	uint64_t tbl, end;

	if (e->len < sizeof(e->eh))
		return errmsg(err, errlen, -EINVAL,
			      "ELF: %zu-byte image is too short for the "
			      "%zu-byte ELF header",
			      e->len, sizeof(e->eh));
	memcpy(&e->eh, e->img, sizeof(e->eh));
	if (eh->e_ident[EI_CLASS] != ELFCLASS64)
		return errmsg(err, errlen, -EINVAL,
			      "ELF: class %u is not ELFCLASS64",
			      eh->e_ident[EI_CLASS]);
	if (eh->e_ident[EI_DATA] != ELFDATA2LSB)
		return errmsg(err, errlen, -EINVAL,
			      "ELF: data encoding %u is not little-endian",
			      eh->e_ident[EI_DATA]);
	if (eh->e_ident[EI_VERSION] != EV_CURRENT ||
	    eh->e_version != EV_CURRENT)
		return errmsg(err, errlen, -EINVAL,
			      "ELF: version %u/%u is not EV_CURRENT",
			      eh->e_ident[EI_VERSION], eh->e_version);
	if (eh->e_type != ET_EXEC)
		return errmsg(err, errlen, -EINVAL,
			      "ELF: e_type %u is not ET_EXEC", eh->e_type);
	if (eh->e_machine != EM_X86_64)
		return errmsg(err, errlen, -EINVAL,
			      "ELF: e_machine %u is not EM_X86_64",
			      eh->e_machine);
	if (eh->e_phentsize != sizeof(Elf64_Phdr))
		return errmsg(err, errlen, -EINVAL,
			      "ELF: e_phentsize %u is not %zu", eh->e_phentsize,
			      sizeof(Elf64_Phdr));
	if (eh->e_phnum == 0 || eh->e_phnum > ELF_MAX_PHNUM)
		return errmsg(err, errlen, -EINVAL,
			      "ELF: e_phnum %u is not in 1..%d", eh->e_phnum,
			      ELF_MAX_PHNUM);
	tbl = (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr);
	if (__builtin_add_overflow(eh->e_phoff, tbl, &end) || end > e->len)
		return errmsg(err, errlen, -EINVAL,
			      "ELF: program headers at 0x%llx (%u entries) "
			      "run past the end of the %zu-byte image",
			      (unsigned long long)eh->e_phoff, eh->e_phnum,
			      e->len);
	e->phnum = eh->e_phnum;
	memcpy(e->ph, e->img + eh->e_phoff, (size_t)tbl);
	return 0;
}

/* PT_LOAD i, [paddr, end) in memory, shares no byte with an earlier
 * PT_LOAD (already checked not to overflow): one would silently overwrite
 * the other. Empty segments overlap nothing. */
static int elf_check_overlap(const struct elf_image *e, unsigned i,
			     uint64_t end, char *err, size_t errlen)
{
	const Elf64_Phdr *p = &e->ph[i];

	for (unsigned k = 0; k < i && p->p_memsz; k++) {
		const Elf64_Phdr *q = &e->ph[k];
		if (q->p_type != PT_LOAD || !q->p_memsz)
			continue;
		if (p->p_paddr < q->p_paddr + q->p_memsz && q->p_paddr < end)
			return errmsg(
			    err, errlen, -EINVAL,
			    "ELF: PT_LOAD %u [0x%llx, 0x%llx) overlaps "
			    "PT_LOAD %u [0x%llx, 0x%llx)",
			    i, (unsigned long long)p->p_paddr,
			    (unsigned long long)end, k,
			    (unsigned long long)q->p_paddr,
			    (unsigned long long)(q->p_paddr + q->p_memsz));
	}
	return 0;
}

/* Check every PT_LOAD against the file and guest RAM; set kstart/kend. */
static int elf_check_loads(const struct guest_mem *gm, struct elf_image *e,
			   char *err, size_t errlen)
{
	unsigned nload = 0;
	uint64_t end;

	e->kstart = UINT64_MAX;
	e->kend = e->kend_low = 0;
	for (unsigned i = 0; i < e->phnum; i++) {
		const Elf64_Phdr *p = &e->ph[i];
		unsigned long long pa = p->p_paddr, msz = p->p_memsz;

		if (p->p_type != PT_LOAD)
			continue;
		if (__builtin_add_overflow(p->p_offset, p->p_filesz, &end) ||
		    end > e->len)
			return errmsg(err, errlen, -EINVAL,
				      "ELF: PT_LOAD %u file range 0x%llx+0x%llx"
				      " runs past the end of the %zu-byte "
				      "image",
				      i, (unsigned long long)p->p_offset,
				      (unsigned long long)p->p_filesz, e->len);
		if (p->p_filesz > p->p_memsz)
			return errmsg(err, errlen, -EINVAL,
				      "ELF: PT_LOAD %u filesz 0x%llx exceeds "
				      "memsz 0x%llx",
				      i, (unsigned long long)p->p_filesz, msz);
		/* Everything below 1 MiB is boot structures (layout.h). */
		if (p->p_paddr < LAYOUT_HIMEM)
			return errmsg(err, errlen, -EINVAL,
				      "ELF: PT_LOAD %u at 0x%llx is below "
				      "1 MiB",
				      i, pa);
		if (__builtin_add_overflow(p->p_paddr, p->p_memsz, &end))
			return errmsg(err, errlen, -EINVAL,
				      "ELF: PT_LOAD %u paddr 0x%llx + memsz "
				      "0x%llx overflows",
				      i, pa, msz);
		if (!gm_range_ok(gm, p->p_paddr, p->p_memsz))
			return errmsg(err, errlen, -ENOSPC,
				      "ELF: PT_LOAD %u [0x%llx, 0x%llx) is "
				      "not inside guest RAM",
				      i, pa, (unsigned long long)end);
		int r = elf_check_overlap(e, i, end, err, errlen);
		if (r)
			return r;
		/* An empty segment loads nothing: it is no part of the
		 * kernel's range (one at 4 GiB would stretch [start, end)
		 * over the hole below it). */
		if (!p->p_memsz)
			continue;
		if (p->p_paddr < e->kstart)
			e->kstart = p->p_paddr;
		if (end > e->kend)
			e->kend = end;
		if (p->p_paddr < ELF_4G && end > e->kend_low)
			e->kend_low = end;
		nload++;
	}
	if (!nload)
		return errmsg(err, errlen, -EINVAL,
			      "ELF: no PT_LOAD segment with memory to load");
	return 0;
}

/* Look at one note; set e->pvh/pvh_entry if it is the PVH entry note. */
static int elf_note(struct elf_image *e, const uint8_t *name,
		    const Elf64_Nhdr *nh, const uint8_t *desc, char *err,
		    size_t errlen)
{
	static const uint8_t xen[4] = {'X', 'e', 'n', '\0'};
	uint32_t v32;
	uint64_t v64;

	if (e->pvh || nh->n_type != XEN_ELFNOTE_PHYS32_ENTRY ||
	    nh->n_namesz != sizeof(xen) || memcmp(name, xen, sizeof(xen)))
		return 0;
	if (nh->n_descsz == 4) {
		memcpy(&v32, desc, 4);
		v64 = v32;
	} else if (nh->n_descsz == 8) {
		memcpy(&v64, desc, 8);
	} else {
		return errmsg(err, errlen, -EINVAL,
			      "ELF: Xen PHYS32_ENTRY note has a %u-byte "
			      "descriptor, not 4 or 8",
			      nh->n_descsz);
	}
	e->pvh = true;
	e->pvh_entry = v64;
	return 0;
}

/* Walk every PT_NOTE segment (notes aligned to 4, or 8 when p_align
 * says so) looking for the Xen PHYS32_ENTRY note. */
static int elf_find_pvh(struct elf_image *e, char *err, size_t errlen)
{
	uint64_t end;
	int rc;

	e->pvh = false;
	for (unsigned i = 0; i < e->phnum; i++) {
		const Elf64_Phdr *p = &e->ph[i];
		if (p->p_type != PT_NOTE)
			continue;
		if (__builtin_add_overflow(p->p_offset, p->p_filesz, &end) ||
		    end > e->len)
			return errmsg(err, errlen, -EINVAL,
				      "ELF: PT_NOTE %u file range 0x%llx+0x%llx"
				      " runs past the end of the %zu-byte "
				      "image",
				      i, (unsigned long long)p->p_offset,
				      (unsigned long long)p->p_filesz, e->len);

		const uint8_t *seg = e->img + p->p_offset;
		uint64_t seglen = p->p_filesz, a = p->p_align == 8 ? 8 : 4;
		uint64_t pos = 0;
		/* Every step advances by at least sizeof(Elf64_Nhdr), and all
		 * sums stay far below 2^64 (seglen < 2^63, sizes < 2^32). */
		while (pos < seglen && seglen - pos >= sizeof(Elf64_Nhdr)) {
			Elf64_Nhdr nh;
			uint64_t name, desc, dend;

			memcpy(&nh, seg + pos, sizeof(nh));
			name = pos + sizeof(nh);
			desc = (name + nh.n_namesz + a - 1) & ~(a - 1);
			dend = desc + nh.n_descsz;
			/* dend >= desc >= name + namesz: one check covers
			 * both the name and the descriptor. */
			if (dend > seglen)
				return errmsg(
				    err, errlen, -EINVAL,
				    "ELF: note at 0x%llx (namesz "
				    "%u, descsz %u) runs past the "
				    "end of PT_NOTE %u",
				    (unsigned long long)(p->p_offset + pos),
				    nh.n_namesz, nh.n_descsz, i);
			rc = elf_note(e, seg + name, &nh, seg + desc, err,
				      errlen);
			if (rc)
				return rc;
			pos = (dend + a - 1) & ~(a - 1);
		}
	}
	return 0;
}

/* True if [gpa, gpa+1) is inside a PT_LOAD's memory image. */
static bool elf_in_load(const struct elf_image *e, uint64_t gpa)
{
	for (unsigned i = 0; i < e->phnum; i++) {
		const Elf64_Phdr *p = &e->ph[i];
		if (p->p_type == PT_LOAD && gpa >= p->p_paddr &&
		    gpa - p->p_paddr < p->p_memsz)
			return true;
	}
	return false;
}

/* Copy every PT_LOAD (checked by elf_check_loads) and zero its tail. */
static int elf_copy_loads(const struct guest_mem *gm, const struct elf_image *e,
			  char *err, size_t errlen)
{
	for (unsigned i = 0; i < e->phnum; i++) {
		const Elf64_Phdr *p = &e->ph[i];
		if (p->p_type != PT_LOAD)
			continue;
		if (gm_write(gm, p->p_paddr, e->img + p->p_offset,
			     p->p_filesz) ||
		    gm_zero(gm, p->p_paddr + p->p_filesz,
			    p->p_memsz - p->p_filesz))
			return errmsg(err, errlen, -EFAULT,
				      "ELF: cannot write PT_LOAD %u at 0x%llx",
				      i, (unsigned long long)p->p_paddr);
	}
	return 0;
}

/* hvm_start_info, then the module list (one entry when there is an
 * initrd), then the memory map, all in [LAYOUT_PVH_INFO,
 * LAYOUT_PVH_INFO_END), written in one gm_write. */
static int elf_write_pvh(const struct guest_mem *gm, const struct e820_map *m,
			 uint64_t initrd_gpa, uint64_t initrd_size,
			 uint64_t rsdp_gpa, char *err, size_t errlen)
{
	uint8_t buf[LAYOUT_PVH_INFO_END - LAYOUT_PVH_INFO];
	struct hvm_start_info si = {
	    .magic = XEN_HVM_START_MAGIC_VALUE,
	    .version = 1,
	    .cmdline_paddr = LAYOUT_CMDLINE,
	    .rsdp_paddr = rsdp_gpa,
	};
	size_t off = sizeof(si);

	if (!m)
		return errmsg(err, errlen, -EINVAL, "PVH: no e820 map");
	if (m->n > E820_MAX ||
	    sizeof(si) + sizeof(struct hvm_modlist_entry) +
		    m->n * sizeof(struct hvm_memmap_table_entry) >
		sizeof(buf))
		return errmsg(err, errlen, -EINVAL,
			      "PVH: e820 map of %u entries does not fit in "
			      "the start_info page",
			      m->n);

	memset(buf, 0, sizeof(buf));
	if (initrd_size) {
		const struct hvm_modlist_entry mod = {
		    .paddr = initrd_gpa,
		    .size = initrd_size,
		};
		si.nr_modules = 1;
		si.modlist_paddr = LAYOUT_PVH_INFO + off;
		memcpy(buf + off, &mod, sizeof(mod));
		off += sizeof(mod);
	}
	si.memmap_paddr = LAYOUT_PVH_INFO + off;
	si.memmap_entries = m->n;
	for (unsigned i = 0; i < m->n; i++) {
		const struct hvm_memmap_table_entry me = {
		    .addr = m->e[i].addr,
		    .size = m->e[i].size,
		    .type = m->e[i].type,
		};
		memcpy(buf + off, &me, sizeof(me));
		off += sizeof(me);
	}
	memcpy(buf, &si, sizeof(si));
	if (gm_write(gm, LAYOUT_PVH_INFO, buf, sizeof(buf)))
		return errmsg(err, errlen, -EFAULT,
			      "PVH: no guest RAM at 0x%llx",
			      (unsigned long long)LAYOUT_PVH_INFO);
	return 0;
}

int elf_load(const struct guest_mem *gm, const struct loader_input *in,
	     struct boot_plan *out, char *err, size_t errlen)
{
	struct elf_image e = {.img = in->kernel, .len = in->kernel_len};
	uint64_t entry, initrd_gpa = 0, initrd_size = 0;
	int rc;

	if (!e.img)
		e.len = 0;
	rc = elf_parse_headers(&e, err, errlen);
	if (!rc)
		rc = elf_check_loads(gm, &e, err, errlen);
	if (!rc)
		rc = elf_find_pvh(&e, err, errlen);
	if (rc)
		return rc;

	entry = e.pvh ? e.pvh_entry : e.eh.e_entry;
	/* PVH enters in 32-bit mode, LINUX64 through the 4 GiB identity
	 * map: either way the entry is below 4 GiB, in the loaded image. */
	if (entry >= ELF_4G || !elf_in_load(&e, entry))
		return errmsg(err, errlen, -EINVAL,
			      "ELF: %s 0x%llx is not inside a PT_LOAD "
			      "segment below 4 GiB",
			      e.pvh ? "PVH entry" : "e_entry",
			      (unsigned long long)entry);

	rc = loader_put_cmdline(gm, in->cmdline, ELF_CMDLINE_MAX, err, errlen);
	if (rc) {
		out->fault = LOADER_FAULT_CMDLINE;
		return rc;
	}
	rc = elf_copy_loads(gm, &e, err, errlen);
	if (rc)
		return rc;
	if (in->initrd && in->initrd_len) {
		/* Below 4 GiB for the 32-bit PVH entry and ramdisk_image;
		 * loader_put_initrd also stops at the end of low RAM. A
		 * PT_LOAD sits wholly in one RAM region, so only those below
		 * 4 GiB share the initrd's region. */
		rc = loader_put_initrd(gm, in->initrd, in->initrd_len,
				       e.kend_low, UINT32_MAX, &initrd_gpa, err,
				       errlen);
		if (rc) {
			out->fault = LOADER_FAULT_INITRD;
			return rc;
		}
		initrd_size = in->initrd_len;
	}

	if (e.pvh) {
		rc = elf_write_pvh(gm, in->e820, initrd_gpa, initrd_size,
				   in->rsdp_gpa, err, errlen);
	} else {
		struct setup_header h;
		const struct zeropage_info zi = {
		    .cmdline_gpa = LAYOUT_CMDLINE,
		    .initrd_gpa = initrd_gpa,
		    .initrd_size = initrd_size,
		    .e820 = in->e820,
		    .rsdp_gpa = in->rsdp_gpa,
		};
		zeropage_synth_header(&h, ELF_CMDLINE_MAX - 1);
		rc = zeropage_write(gm, &h, sizeof(h), &zi, err, errlen);
	}
	if (rc)
		return rc;

	*out = (struct boot_plan){
	    .mode = e.pvh ? BOOT_MODE_PVH : BOOT_MODE_LINUX64,
	    .entry = entry,
	    .boot_info = e.pvh ? LAYOUT_PVH_INFO : LAYOUT_ZERO_PAGE,
	    .kernel_start = e.kstart,
	    .kernel_end = e.kend,
	    .initrd_gpa = initrd_gpa,
	    .initrd_size = initrd_size,
	    .cmdline_gpa = LAYOUT_CMDLINE,
	};
	return 0;
}
