/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for the text form of traces (vmm/trace/trace_text.h). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vmm/trace/trace_dec.h"
#include "vmm/trace/trace_text.h"

static const char every_record[] =
    "vmm-trace 1\n"
    "machine x86_64 mem=64 cpus=2 platform=0x1\n"
    "dev blk size=1048576 hash=0x0000000000001234 ro id=\"disk 0\"\n"
    "dev net mac=52:54:00:00:00:01 offloads=0x0\n"
    "dev rng\n"
    "dev console\n"
    "dev vsock cid=4294967294\n"
    "mmio 0 w 0xd0000070 4 0x1\n"
    "mmio 1 r 0xd0000000 4 0x74726976\n"
    "pio 0 w 0x3f8 1 0x41,0x42,0x43\n"
    "cpu 1 shutdown\n"
    "serial-rx 2 \"xyz\"\n"
    "console-rx 0 \"q\\n\\t\\\\\\\"\"\n"
    "tap-rx 0 ffff00\n"
    "net-rx 0\n"
    "mem 0x1000 0102ff\n"
    "rtc -5\n"
    "rng 00112233\n"
    "irq 4 1\n"
    "serial-tx \"ABC\"\n"
    "console-tx \"\"\n"
    "tap-tx 0 abcd\n"
    "vsock-host connect 3 52\n"
    "vsock-host ready 31 3\n"
    "vsock-in dial 1234 -111\n"
    "vsock-in sent 0 -2147483648\n"
    "vsock-in recv 0 2 \"hi\"\n"
    "vsock-out answer 3 -16\n"
    "vsock-out data 0 0 \"ok\"\n"
    "vsock-out accepted 3 1073741824\n"
    "vsock-out shutdown 3 0\n"
    "vsock-out close 4294967295 0\n"
    "raw 0x7f 1 258 \"zz\"\n"
    "end debug-exit 42 0x0000000000000001 0x0000000000000002\n";

/* text -> binary -> text, as a string (caller frees). */
static char *roundtrip(const char *text, struct tenc *e)
{
	char err[256], *out = NULL;
	size_t outlen = 0;
	tenc_init(e);
	if (ttext_parse(text, strlen(text), e, err, sizeof(err)))
		fail_msg("parse: %s", err);
	FILE *f = open_memstream(&out, &outlen);
	assert_non_null(f);
	if (ttext_print(e->p, e->len, f, 0, err, sizeof(err)))
		fail_msg("print: %s", err);
	fclose(f);
	return out;
}

static void test_roundtrip(void **state)
{
	(void)state;
	struct tenc e, e2;
	char *out = roundtrip(every_record, &e);
	assert_string_equal(out, every_record);
	/* And the binary is the same after a second trip. */
	char *out2 = roundtrip(out, &e2);
	assert_int_equal(e.len, e2.len);
	assert_memory_equal(e.p, e2.p, e.len);
	free(out);
	free(out2);
	tenc_free(&e);
	tenc_free(&e2);
}

/* Comments, blank lines, hex or quoted blobs, decimal or hex numbers. */
static void test_forms(void **state)
{
	(void)state;
	static const char in[] = "# a hand-written trace\n"
				 "\n"
				 "vmm-trace 1   # version\n"
				 "machine x86_64 mem=16 cpus=1\n"
				 "  pio 0 w 1016 1 65 # 0x3f8 'A'\n"
				 "serial-tx 41\n"
				 "serial-rx 1 \"#x\\x41\"\n"
				 "end poweroff 0\n";
	struct tenc e;
	char *out = roundtrip(in, &e);
	assert_string_equal(out, "vmm-trace 1\n"
				 "machine x86_64 mem=16 cpus=1\n"
				 "pio 0 w 0x3f8 1 0x41\n"
				 "serial-tx \"A\"\n"
				 "serial-rx 1 \"#xA\"\n"
				 "end poweroff 0\n");
	free(out);
	tenc_free(&e);
}

/* Binary records the strict checks refuse come out as raw lines. */
static void test_raw_output(void **state)
{
	(void)state;
	static const char in[] = "vmm-trace 1\nmachine x86_64 mem=16 cpus=1\n"
				 "mmio 0 r 0x10 3 0x1\n" /* size 3: valid */
				 "raw 0x01 0 1280 00\n"; /* size 5, 1 byte */
	struct tenc e;
	char *out = roundtrip(in, &e);
	assert_non_null(strstr(out, "mmio 0 r 0x10 3 0x1\n"));
	assert_non_null(strstr(out, "raw 0x01 0 1280 00\n"));
	free(out);
	tenc_free(&e);
}

static void bad_text(const char *text, const char *msg)
{
	struct tenc e;
	char err[256];
	tenc_init(&e);
	assert_int_equal(ttext_parse(text, strlen(text), &e, err, sizeof(err)),
			 -EINVAL);
	if (!strstr(err, msg))
		fail_msg("'%s' lacks '%s'", err, msg);
	tenc_free(&e);
}

static void test_errors(void **state)
{
	(void)state;
	const char *h = "vmm-trace 1\nmachine x86_64 mem=16 cpus=1\n";
	char buf[256];
	bad_text("", "ends before the machine line");
	bad_text("machine x86_64\n", "line 1: a text trace starts with");
	bad_text("vmm-trace 1\nmachine arm\n", "line 2: bad number 'arm'");
	bad_text("vmm-trace 1\nmachine x86_64 disks=3\n",
		 "unknown machine field 'disks=3'");
	bad_text("vmm-trace 1\nmachine x86_64\ndev floppy\n",
		 "line 3: unknown device kind 'floppy'");
	bad_text("vmm-trace 1\nmachine x86_64\ndev net mac=01:02\n", "bad MAC");
	static const struct {
		const char *line, *msg;
	} recs[] = {
	    {"mmio 0 x 0x10 4 0x1", "direction is not r or w"},
	    {"mmio 0 r 0x10 1 0x100", "bad value for the size"},
	    {"mmio 0 r 0x10 0 0x0", "size 0"},
	    {"mmio 0 r 0x10 4", "expected 'mmio|pio"},
	    {"mem 0x10 abc", "bad bytes"},
	    {"mem 0x10 \"a\\q\"", "bad bytes"},
	    {"serial-tx \"abc", "unterminated string"},
	    {"cpu 0 explode", "unknown name 'explode'"},
	    {"end finished 0", "unknown name 'finished'"},
	    {"irq 4", "expected 'irq GSI LEVEL'"},
	    {"frobnicate 1", "unknown record 'frobnicate'"},
	    {"tap-rx 300 00", "net index over 255"},
	    {"rtc 0x", "bad number"},
	    {"vsock-host open 1 2", "unknown vsock op 'open'"},
	    {"vsock-host ready 1", "expected 'TYPE OP X Y'"},
	    {"vsock-in recv 0 2", "expected 'TYPE OP X Y BYTES'"},
	    {"vsock-in sent 0 2147483648", "bad number"},
	    {"vsock-in sent 0 -2147483649", "bad number"},
	    {"vsock-out close 4294967296 0", "bad number"},
	    {"rtc 9223372036854775808", "seconds out of range"},
	    {"rtc -9223372036854775809", "seconds out of range"},
	    {"rtc -18446744073709551615", "seconds out of range"},
	};
	for (size_t i = 0; i < sizeof(recs) / sizeof(recs[0]); i++) {
		snprintf(buf, sizeof(buf), "%s%s\n", h, recs[i].line);
		bad_text(buf, "line 3: ");
		bad_text(buf, recs[i].msg);
	}
}

/* The ends of the RTC's int64_t range print and parse back (the fuzzer
 * found that negating -2^63 was undefined behaviour). */
static void test_rtc_range(void **state)
{
	(void)state;
	struct tenc e;
	char *out = roundtrip("vmm-trace 1\nmachine x86_64\n"
			      "rtc -9223372036854775808\n"
			      "rtc 9223372036854775807\n",
			      &e);
	assert_non_null(strstr(out, "rtc -9223372036854775808\n"));
	assert_non_null(strstr(out, "rtc 9223372036854775807\n"));
	free(out);
	tenc_free(&e);
}

/* Printing stops at a truncated record with the decoder's message. */
static void test_print_truncated(void **state)
{
	(void)state;
	struct tenc e;
	char err[256], *out = roundtrip("vmm-trace 1\nmachine x86_64\n"
					"rtc 1\nrtc 2\n",
					&e);
	free(out);
	size_t outlen;
	FILE *f = open_memstream(&out, &outlen);
	assert_int_equal(
	    ttext_print(e.p, e.len - 3, f, TTEXT_INDEX, err, sizeof(err)),
	    -EINVAL);
	fclose(f);
	assert_non_null(strstr(out, "rtc 1  # 0\n"));
	assert_null(strstr(out, "rtc 2"));
	assert_non_null(strstr(err, "truncated: record 1 (rtc)"));
	free(out);
	tenc_free(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_roundtrip),
	    cmocka_unit_test(test_forms),
	    cmocka_unit_test(test_raw_output),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_rtc_range),
	    cmocka_unit_test(test_print_truncated),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
