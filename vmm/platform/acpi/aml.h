/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A small builder for AML, the byte code of ACPI definition blocks (ACPI
 * 6.5, chapter 20 "ACPI Machine Language (AML) Specification"), and for
 * the resource descriptors inside a ResourceTemplate (6.4).
 *
 * The builder appends to a caller-owned byte buffer. Calls return nothing:
 * the first failure (-ENOSPC: the buffer is full; -EINVAL: a bad name,
 * string, EISA id or IRQ; -EOVERFLOW: a package too long for PkgLength) is
 * kept in the builder, later calls do nothing, and aml_finish reports it.
 * So a table is built in a straight line and checked once.
 *
 * Objects that hold a PkgLength (Scope, Device, Method, Package, Buffer)
 * are opened with an aml_*_open call that returns a mark, filled with
 * terms, and closed with aml_close(mark). Close in the reverse order of
 * opening: aml_close inserts the PkgLength (1 to 4 bytes, 20.2.4) at the
 * mark, once the length is known.
 *
 * Names are ASL-style paths: "\\_SB_.COM1", "_S5", "^PCI0", "V000". Each
 * segment is 1-4 characters, [A-Z_] then [A-Z0-9_], padded with '_' to 4
 * (20.2.2 NameSeg).
 */
#ifndef VMM_ACPI_AML_H
#define VMM_ACPI_AML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmm/base/compiler.h"

struct aml {
	uint8_t *buf;
	size_t cap, len;
	int err; /* first error, 0 while none */
};

/* What aml_close needs to finish an object opened at `pos`. */
struct aml_mark {
	size_t pos;   /* where the PkgLength goes */
	uint8_t kind; /* AML_MARK_* (aml.c) */
};

void aml_init(struct aml *a, uint8_t *buf, size_t cap);

/* 0 and the number of bytes built in *len, or the first error. */
int aml_finish(const struct aml *a, size_t *len) VMM_WUR;

/* Raw bytes (for table fields the builder has no helper for). */
void aml_bytes(struct aml *a, const void *p, size_t n);

/* ---- data objects (20.2.3) ---- */

/* The shortest encoding: ZeroOp, OneOp, BytePrefix, WordPrefix,
 * DWordPrefix or QWordPrefix. */
void aml_integer(struct aml *a, uint64_t v);
/* StringPrefix, ASCII 0x01-0x7f, NUL. */
void aml_string(struct aml *a, const char *s);
/* EISAID("PNP0501"): the compressed 32-bit id (6.1.5), as DWordPrefix. */
void aml_eisaid(struct aml *a, const char *id);
/* A NameString (20.2.2): root '\\' or parent '^' prefixes, then one
 * NameSeg, a DualNamePath, a MultiNamePath, or NullName. */
void aml_namestring(struct aml *a, const char *path);

/* ---- named objects and terms ---- */

/* Name(path, <data>): NameOp and the name; append the data object next. */
void aml_name(struct aml *a, const char *path);
/* Return(<term>): ReturnOp; append the term next. */
void aml_return(struct aml *a);

struct aml_mark aml_scope_open(struct aml *a, const char *path);
struct aml_mark aml_device_open(struct aml *a, const char *path);
/* nargs 0-7; serialized sets MethodFlags bit 3; sync level 0. */
struct aml_mark aml_method_open(struct aml *a, const char *path, unsigned nargs,
				bool serialized);
/* Package(nelems): append nelems data objects, then close. */
struct aml_mark aml_package_open(struct aml *a, unsigned nelems);
/* Buffer(): append the bytes, then close; the BufferSize is computed. */
struct aml_mark aml_buffer_open(struct aml *a);
/* ResourceTemplate(): a Buffer whose close appends the end tag (6.4.2.9,
 * checksum 0: "treated as if the checksum operation succeeded"). */
struct aml_mark aml_resources_open(struct aml *a);
void aml_close(struct aml *a, struct aml_mark m);

/* ---- resource descriptors (6.4), inside aml_resources_open ---- */

/* IO(Decode16, min, max, align, len): 6.4.2.5, 8 bytes. */
void aml_io(struct aml *a, uint16_t min, uint16_t max, uint8_t align,
	    uint8_t len);
/* IRQNoFlags(){irq}: 6.4.2.1 without the information byte (edge, active
 * high, exclusive), 3 bytes. irq 0-15. */
void aml_irq_noflags(struct aml *a, unsigned irq);
/* Memory32Fixed(ReadWrite or ReadOnly, base, len): 6.4.3.4, 12 bytes. */
void aml_memory32_fixed(struct aml *a, bool writable, uint32_t base,
			uint32_t len);

/* Extended Interrupt descriptor flags (6.4.3.6, table 6.61, byte 3). */
#define AML_INT_CONSUMER   0x01 /* else ResourceProducer */
#define AML_INT_EDGE	   0x02 /* else Level */
#define AML_INT_ACTIVE_LOW 0x04 /* else ActiveHigh */
#define AML_INT_SHARED	   0x08 /* else Exclusive */
#define AML_INT_WAKE	   0x10 /* Wake capable */

/* Interrupt(flags){gsi}: 6.4.3.6 with one interrupt, 9 bytes. */
void aml_interrupt(struct aml *a, uint8_t flags, uint32_t gsi);

#endif
