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
		if (d > max || v > (max - d) / base)
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

/* The next comma-separated field of [*p, end): sets *f and *n and moves
 * *p past the field and its comma. False when there is none left. */
static bool cmd_field(const char **p, const char *end, const char **f,
		      size_t *n)
{
	const char *s = *p, *e = s;

	if (s > end || (s == end && s[-1] != ','))
		return false;
	while (e < end && *e != ',')
		e++;
	*f = s;
	*n = (size_t)(e - s);
	*p = e < end ? e + 1 : end + 1;
	return true;
}

/* tg.blkbench=<size>,<count>,<r|w|rw>[,<depth>] */
static int cmd_blkbench(struct cmd_opts *o, const char *w, size_t len,
			size_t k)
{
	static const char want[] = "tg.blkbench=<512..65536, multiple of "
				   "512>,<count>,<r|w|rw>[,<depth 1..4>]";
	const char *p = w + k, *end = w + len, *f;
	uint64_t size, count, depth = 1;
	unsigned mode;
	size_t n;

	if (!cmd_field(&p, end, &f, &n) ||
	    !cmd_number(f, n, 512, 65536, &size) || size % 512 ||
	    !cmd_field(&p, end, &f, &n) ||
	    !cmd_number(f, n, 1, UINT32_MAX, &count) ||
	    !cmd_field(&p, end, &f, &n))
		return cmd_fail(o, w, len, want);
	if (cmd_eq(f, n, "r"))
		mode = CMD_BLKBENCH_READ;
	else if (cmd_eq(f, n, "w"))
		mode = CMD_BLKBENCH_WRITE;
	else if (cmd_eq(f, n, "rw"))
		mode = CMD_BLKBENCH_READ | CMD_BLKBENCH_WRITE;
	else
		return cmd_fail(o, w, len, want);
	if (cmd_field(&p, end, &f, &n) && !cmd_number(f, n, 1, 4, &depth))
		return cmd_fail(o, w, len, want);
	if (p <= end)
		return cmd_fail(o, w, len, want);
	o->blkbench_size = size;
	o->blkbench_count = count;
	o->blkbench_mode = mode;
	o->blkbench_depth = depth;
	return 0;
}

/* tg.netbench=<count>[,<size>] */
static int cmd_netbench(struct cmd_opts *o, const char *w, size_t len,
			size_t k)
{
	static const char want[] = "tg.netbench=<count>[,<size 60..1514>]";
	const char *p = w + k, *end = w + len, *f;
	uint64_t count, size = 60;
	size_t n;

	if (!cmd_field(&p, end, &f, &n) ||
	    !cmd_number(f, n, 1, UINT32_MAX, &count))
		return cmd_fail(o, w, len, want);
	if (cmd_field(&p, end, &f, &n) && !cmd_number(f, n, 60, 1514, &size))
		return cmd_fail(o, w, len, want);
	if (p <= end)
		return cmd_fail(o, w, len, want);
	o->netbench_count = count;
	o->netbench_size = size;
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
	if ((k = cmd_key(w, len, "tg.checksum="))) {
		bool has;

		return cmd_set(o, w, len, k, 1, UINT32_MAX,
			       "tg.checksum=<1..2^32-1>", &has, &o->checksum);
	}
	if ((k = cmd_key(w, len, "tg.blkcsum="))) {
		bool has;

		return cmd_set(o, w, len, k, 1, UINT32_MAX,
			       "tg.blkcsum=<1..2^32-1>", &has, &o->blkcsum);
	}
	if ((k = cmd_key(w, len, "tg.exitbench="))) {
		bool has;

		return cmd_set(o, w, len, k, 1, UINT32_MAX,
			       "tg.exitbench=<1..2^32-1>", &has,
			       &o->exitbench);
	}
	if ((k = cmd_key(w, len, "tg.insnbench=")))
		return cmd_set(o, w, len, k, 0, UINT32_MAX,
			       "tg.insnbench=<count>", &o->has_insnbench,
			       &o->insnbench);
	if ((k = cmd_key(w, len, "tg.blkbench=")))
		return cmd_blkbench(o, w, len, k);
	if ((k = cmd_key(w, len, "tg.netbench=")))
		return cmd_netbench(o, w, len, k);
	if (cmd_eq(w, len, "tg.crash=triple"))
		o->crash = CMD_CRASH_TRIPLE;
	else if (cmd_eq(w, len, "tg.crash=int3"))
		o->crash = CMD_CRASH_INT3;
	else if (cmd_eq(w, len, "tg.crash=xsave"))
		o->crash = CMD_CRASH_XSAVE;
	else if (cmd_key(w, len, "tg.crash="))
		return cmd_fail(o, w, len, "tg.crash=triple|int3|xsave");
	else if (cmd_eq(w, len, "tg.spin"))
		o->spin = true;
	else if (cmd_eq(w, len, "tg.flood"))
		o->flood = true;
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
	else if (cmd_eq(w, len, "tg.acpi=poweroff"))
		o->acpi = CMD_ACPI_POWEROFF;
	else if (cmd_eq(w, len, "tg.acpi=reset"))
		o->acpi = CMD_ACPI_RESET;
	else if (cmd_key(w, len, "tg.acpi="))
		return cmd_fail(o, w, len, "tg.acpi=poweroff|reset");
	else if (cmd_eq(w, len, "tg.panic"))
		o->panic = true;
	else if (cmd_eq(w, len, "tg.rtc"))
		o->rtc = true;
	else if (cmd_eq(w, len, "tg.insns"))
		o->insns = true;
	else if (cmd_eq(w, len, "tg.kbd"))
		o->kbd = true;
	else if (cmd_eq(w, len, "tg.blkswap"))
		o->blkswap = true;
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
	/* The benchmark sends to the peer's MAC, which the ARP exchange
	 * finds. */
	if (o->netbench_count && o->net_skip)
		return cmd_fail(o, "tg.net=skip", 11,
				"tg.netbench without tg.net=skip");
	return 0;
}
