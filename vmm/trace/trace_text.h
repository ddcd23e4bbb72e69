/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The text form of a trace: one header or record per line, so that tests
 * can keep hand-written traces and people can read recorded ones
 * (docs/trace-format.md, "Text form"). Binary -> text -> binary gives the
 * same bytes for any trace whose framing is sound: records the strict
 * checks refuse are printed as `raw` lines.
 */
#ifndef VMM_TRACE_TEXT_H
#define VMM_TRACE_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "vmm/base/compiler.h"
#include "vmm/trace/trace_enc.h"

#define TTEXT_INDEX 0x1u /* ttext_print: end each record with "# N" */

/* Parse text (len bytes, need not be NUL-terminated) and append the
 * binary trace to out. 0, or -EINVAL with "line N: ..." in err (-ENOMEM
 * when out ran out of memory). */
int ttext_parse(const char *text, size_t len, struct tenc *out, char *err,
		size_t errlen) VMM_WUR;

/* Print the binary trace buf as text. The header and the framing are
 * decoded strictly: 0, or -EINVAL / -EPROTONOSUPPORT with a message (the
 * lines before the error are printed), or -EIO when writing failed. */
int ttext_print(const uint8_t *buf, size_t len, FILE *out, unsigned flags,
		char *err, size_t errlen) VMM_WUR;

/* One record line split into n tokens (trace_text_rec.c): append the
 * record to out. blob is scratch of at least the line's length. 0 or
 * -EINVAL with the reason (no line number) in why. */
int ttext_rec(struct tenc *out, char **tok, unsigned n, uint8_t *blob,
	      char *why, size_t whylen) VMM_WUR;

/* A number: decimal or 0x-hex; with neg non-NULL a leading '-' is taken
 * and reported there. 0 or -EINVAL. */
int ttext_num(const char *s, uint64_t *v, bool *neg) VMM_WUR;

/* Decode a text blob (quoted string or hex digits) into out (room for
 * strlen(s) bytes); 0 or -EINVAL. */
int ttext_blob(const char *s, uint8_t *out, uint32_t *len) VMM_WUR;

/* The names used for stop reasons and CPU events in the text form. */
const char *ttext_stop_name(unsigned why);
const char *ttext_cpu_name(unsigned ev);

#endif
