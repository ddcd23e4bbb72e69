/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Synthetic kernel images for loader tests and fuzz corpora: structurally
 * valid bzImages and ELF64 vmlinux files built in memory, which tests then
 * corrupt field by field. No cmocka dependency: failures return NULL.
 */
#ifndef VMM_TESTS_IMAGES_H
#define VMM_TESTS_IMAGES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <elf.h>

/* The byte every generated payload holds at file offset `off`: a cheap
 * pattern with no short period, so misplaced copies show. */
uint8_t img_pattern(size_t off);

/* --- bzImage ------------------------------------------------------------ */

#define IMG_BZ_HDR 0x1f1 /* setup header offset in the image */

struct img_bz_opts {
	uint16_t version;    /* boot protocol, e.g. 0x020f for 2.15 */
	uint8_t setup_sects; /* as stored; 0 means 4 */
	uint8_t hdr_len;     /* byte at 0x201: the header ends at 0x202+it */
	size_t payload_len;  /* protected-mode part, bytes */
	uint32_t syssize;    /* 0: ceil(payload_len / 16), as build.c */
	uint8_t loadflags;
	uint16_t xloadflags;
	uint32_t cmdline_size;
	uint32_t initrd_addr_max;
	uint32_t kernel_alignment;
	uint8_t relocatable;
	uint64_t pref_address;
	uint32_t init_size;
};

/* A protocol 2.15 64-bit relocatable bzImage: setup_sects 4, full-size
 * header, a 16 KiB + 1 byte payload, LOADED_HIGH, XLF_KERNEL_64,
 * cmdline_size 2047, initrd_addr_max 0x7fffffff, 2 MiB alignment,
 * pref_address 1 MiB, init_size 64 KiB. */
void img_bz_defaults(struct img_bz_opts *o);

/* Build the image; the caller frees it. The setup area is zero apart from
 * the header; payload byte i is img_pattern(i). NULL if out of memory. */
uint8_t *img_bzimage(const struct img_bz_opts *o, size_t *len);

/* Image offset of the protected-mode part for `setup_sects` as stored. */
size_t img_bz_setup_len(uint8_t setup_sects);

/* --- ELF64 vmlinux ------------------------------------------------------ */

#define IMG_ELF_MAX_SEGS 6

struct img_elf_seg {
	uint64_t paddr, filesz, memsz;
};

struct img_elf_opts {
	struct img_elf_seg seg[IMG_ELF_MAX_SEGS];
	unsigned nseg;	/* PT_LOADs, in this order */
	uint64_t entry; /* e_entry */
	bool pvh;	/* add a Xen PHYS32_ENTRY note */
	uint64_t pvh_entry;
	unsigned pvh_desc;   /* its descriptor size: 4 or 8 */
	bool linux_note;     /* a "Linux" note (namesz 6) before it */
	unsigned note_align; /* PT_NOTE p_align and note padding: 4 or 8 */
};

/* Where things are in a generated ELF, for tests that corrupt them. */
struct img_elf_layout {
	size_t phoff;			  /* program header table */
	unsigned phnum;			  /* PT_LOADs, then the PT_NOTE */
	unsigned note_ph;		  /* PT_NOTE index, phnum if none */
	size_t xen_note;		  /* Xen note header, 0 if none */
	size_t seg_off[IMG_ELF_MAX_SEGS]; /* file offset of each PT_LOAD */
};

/* One PT_LOAD of 64 KiB (memsz 128 KiB) at 1 MiB, entry 1 MiB + 0x40, no
 * notes, 4-byte note alignment. */
void img_elf_defaults(struct img_elf_opts *o);

/* Build the image; the caller frees it. PT_LOAD data sits at the end of
 * the file, so any truncation cuts a segment; data byte at file offset
 * `off` is img_pattern(off). NULL if out of memory or nseg is too big. */
uint8_t *img_elf(const struct img_elf_opts *o, size_t *len,
		 struct img_elf_layout *lay);

/* Read / write program header i of a generated image. */
void img_elf_get_phdr(const uint8_t *img, const struct img_elf_layout *lay,
		      unsigned i, Elf64_Phdr *ph);
void img_elf_put_phdr(uint8_t *img, const struct img_elf_layout *lay,
		      unsigned i, const Elf64_Phdr *ph);

#endif
