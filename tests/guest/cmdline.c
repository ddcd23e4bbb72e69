/* SPDX-License-Identifier: Apache-2.0 */
#include "cmdline.h"

#include <stddef.h>

static bool cmd_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* True when the word [w, w + len) equals the NUL-terminated `s`. */
static bool cmd_eq(const char *w, size_t len, const char *s)
{
	size_t i = 0;

	for (; i < len && s[i]; i++)
		if (w[i] != s[i])
			return false;
	return i == len && s[i] == '\0';
}

/* If the word starts with `key` (which ends in '='), return the length of
 * the key, else 0. */
static size_t cmd_key(const char *w, size_t len, const char *key)
{
	size_t i = 0;

	for (; key[i]; i++)
		if (i >= len || w[i] != key[i])
			return 0;
	return i;
}

/* Parse a whole decimal or 0x-hex number in [min, max]. */
static bool cmd_number(const char *s, size_t len, uint64_t min, uint64_t max,
		       uint64_t *out)
{
	uint64_t v = 0, base = 10;

	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		len -= 2;
	}
	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		uint64_t d;

		if (c >= '0' && c <= '9')
			d = (uint64_t)(c - '0');
		else if (base == 16 && c >= 'a' && c <= 'f')
			d = (uint64_t)(c - 'a' + 10);
		else if (base == 16 && c >= 'A' && c <= 'F')
			d = (uint64_t)(c - 'A' + 10);
		else
			return false;
		if (v > (max - d) / base)
			return false;
		v = v * base + d;
	}
	if (v < min)
		return false;
	*out = v;
	return true;
}

static int cmd_fail(struct cmd_opts *o, const char *w, size_t len,
		    const char *expected)
{
	size_t n = len < CMD_BAD_MAX - 1 ? len : CMD_BAD_MAX - 1;

	for (size_t i = 0; i < n; i++)
		o->bad[i] = w[i];
	o->bad[n] = '\0';
	o->expected = expected;
	return -1;
}

/* Set a numeric option from the value at w + k, or fail. */
static int cmd_set(struct cmd_opts *o, const char *w, size_t len, size_t k,
		   uint64_t min, uint64_t max, const char *expected, bool *has,
		   uint64_t *val)
{
	if (!cmd_number(w + k, len - k, min, max, val))
		return cmd_fail(o, w, len, expected);
	*has = true;
	return 0;
}

static int cmd_word(const char *w, size_t len, struct cmd_opts *o)
{
	size_t k;

	if (!cmd_key(w, len, "tg."))
		return 0; /* not ours */
	if ((k = cmd_key(w, len, "tg.mem=")))
		return cmd_set(o, w, len, k, 1, 1048576,
			       "tg.mem=<1..1048576 MiB>", &o->has_mem,
			       &o->mem_mib);
	if ((k = cmd_key(w, len, "tg.cpus=")))
		return cmd_set(o, w, len, k, 1, 255, "tg.cpus=<1..255>",
			       &o->has_cpus, &o->cpus);
	if ((k = cmd_key(w, len, "tg.exit=")))
		return cmd_set(o, w, len, k, 0, 255, "tg.exit=<0..255>",
			       &o->has_exit, &o->exit_code);
	if ((k = cmd_key(w, len, "tg.pio=")))
		return cmd_set(o, w, len, k, 0, UINT32_MAX, "tg.pio=<count>",
			       &o->has_pio, &o->pio);
	if ((k = cmd_key(w, len, "tg.mmio=")))
		return cmd_set(o, w, len, k, 0, UINT32_MAX, "tg.mmio=<count>",
			       &o->has_mmio, &o->mmio);
	if (cmd_eq(w, len, "tg.crash=triple"))
		o->crash = CMD_CRASH_TRIPLE;
	else if (cmd_eq(w, len, "tg.crash=int3"))
		o->crash = CMD_CRASH_INT3;
	else if (cmd_key(w, len, "tg.crash="))
		return cmd_fail(o, w, len, "tg.crash=triple|int3");
	else if (cmd_eq(w, len, "tg.spin"))
		o->spin = true;
	else if (cmd_eq(w, len, "tg.echo"))
		o->echo = true;
	else if (cmd_eq(w, len, "tg.reset"))
		o->reset = true;
	else if (cmd_eq(w, len, "tg.net=skip"))
		o->net_skip = true;
	else if (cmd_key(w, len, "tg.net="))
		return cmd_fail(o, w, len, "tg.net=skip");
	else if (cmd_eq(w, len, "tg.hostile"))
		o->hostile = true;
	else
		return cmd_fail(o, w, len, "a known tg.* option");
	return 0;
}

int cmd_parse(const char *cmdline, struct cmd_opts *o)
{
	*o = (struct cmd_opts){ .crash = CMD_CRASH_NONE };
	for (const char *p = cmdline; *p;) {
		while (cmd_is_space(*p))
			p++;
		const char *w = p;

		while (*p && !cmd_is_space(*p))
			p++;
		if (p > w && cmd_word(w, (size_t)(p - w), o))
			return -1;
	}
	return 0;
}
