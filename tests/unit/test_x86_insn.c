/* SPDX-License-Identifier: Apache-2.0 */
/* insn_decode: prefixes, REX, ModRM/SIB/displacement, immediates, and the
 * bounds: never past the bytes given, never over 15 bytes. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "backends/x86/insn.h"

#define DEC(in, mode, ...)                                                     \
	({                                                                     \
		static const uint8_t b_[] = {__VA_ARGS__};                    \
		insn_decode(in, b_, sizeof(b_), mode);                         \
	})

static void test_simple_forms(void **state)
{
	(void)state;
	struct insn in;
	assert_int_equal(DEC(&in, INSN_MODE_64, 0x9b), 0);
	assert_int_equal(in.len, 1);
	assert_int_equal(DEC(&in, INSN_MODE_64, 0xcc), 0);
	assert_int_equal(in.op, 0xcc);
	assert_int_equal(DEC(&in, INSN_MODE_64, 0xcd, 0x80), 0);
	assert_int_equal(in.len, 2);
	assert_int_equal(in.imm, 0x80);
	assert_int_equal(DEC(&in, INSN_MODE_64, 0x0f, 0x01, 0xca), 0);
	assert_int_equal(in.len, 3);
	assert_int_equal(in.mod, 3);
	assert_int_equal(in.modrm, 0xca);
}

static void test_popcnt_forms(void **state)
{
	(void)state;
	struct insn in;
	/* popcnt rax, rcx: f3 48 0f b8 c1 */
	assert_int_equal(DEC(&in, INSN_MODE_64, 0xf3, 0x48, 0x0f, 0xb8, 0xc1),
			 0);
	assert_int_equal(in.len, 5);
	assert_true(in.rep);
	assert_int_equal(in.opsz, 8);
	assert_int_equal(in.reg, 0);
	assert_int_equal(in.rm, 1);
	/* popcnt r9d, [r12 + r13*4 + 0x12345678]: f3 47 0f b8 8c ac 78 56 34 12 */
	assert_int_equal(DEC(&in, INSN_MODE_64, 0xf3, 0x47, 0x0f, 0xb8, 0x8c,
			     0xac, 0x78, 0x56, 0x34, 0x12),
			 0);
	assert_int_equal(in.len, 10);
	assert_int_equal(in.opsz, 4);
	assert_int_equal(in.reg, 9);
	assert_int_equal(in.base, 12);
	assert_int_equal(in.index, 13);
	assert_int_equal(in.scale, 4);
	assert_int_equal(in.disp, 0x12345678);
	/* popcnt ax, [rip - 16]: 66 f3 0f b8 05 f0 ff ff ff */
	assert_int_equal(DEC(&in, INSN_MODE_64, 0x66, 0xf3, 0x0f, 0xb8, 0x05,
			     0xf0, 0xff, 0xff, 0xff),
			 0);
	assert_int_equal(in.opsz, 2);
	assert_true(in.rip_rel);
	assert_int_equal(in.disp, -16);
	/* SIB without base: [rax*8 + disp32], and disp8 sign extension. */
	assert_int_equal(DEC(&in, INSN_MODE_64, 0xf3, 0x0f, 0xb8, 0x04, 0xc5,
			     0x00, 0x10, 0x00, 0x00),
			 0);
	assert_int_equal(in.base, INSN_NO_REG);
	assert_int_equal(in.index, 0);
	assert_int_equal(in.scale, 8);
	assert_int_equal(in.disp, 0x1000);
	assert_int_equal(DEC(&in, INSN_MODE_64, 0xf3, 0x0f, 0xb8, 0x46, 0x80),
			 0);
	assert_int_equal(in.base, 6);
	assert_int_equal(in.disp, -128);
	/* rsp base needs a SIB with index 4 = none. */
	assert_int_equal(DEC(&in, INSN_MODE_64, 0xf3, 0x0f, 0xb8, 0x04, 0x24),
			 0);
	assert_int_equal(in.base, 4);
	assert_int_equal(in.index, INSN_NO_REG);
}

static void test_prefix_rules(void **state)
{
	(void)state;
	struct insn in;
	/* A REX before a legacy prefix is void: 48 f3 0f b8 c1 is 32-bit. */
	assert_int_equal(DEC(&in, INSN_MODE_64, 0x48, 0xf3, 0x0f, 0xb8, 0xc1),
			 0);
	assert_int_equal(in.rex, 0);
	assert_int_equal(in.opsz, 4);
	/* No REX outside 64-bit mode: 0x48 is dec eax, not in the table. */
	assert_int_equal(DEC(&in, INSN_MODE_32, 0x48, 0x0f, 0xc7, 0x08),
			 -ENOTSUP);
	/* Segment overrides, lock, and cmpxchg16b with REX.W. */
	assert_int_equal(DEC(&in, INSN_MODE_64, 0x65, 0xf0, 0x48, 0x0f, 0xc7,
			     0x0f),
			 0);
	assert_int_equal(in.seg, INSN_SEG_GS);
	assert_true(in.lock);
	assert_int_equal(in.rex, 0x48);
	assert_int_equal(in.reg & 7, 1);
	/* 32-bit mode: mod 0 rm 5 is an absolute disp32. */
	assert_int_equal(DEC(&in, INSN_MODE_32, 0x0f, 0xc7, 0x0d, 0x00, 0x20,
			     0x00, 0x00),
			 0);
	assert_false(in.rip_rel);
	assert_int_equal(in.disp, 0x2000);
	/* 16-bit addressing is not decoded. */
	assert_int_equal(DEC(&in, INSN_MODE_16, 0x0f, 0xc7, 0x0f), -ENOTSUP);
	assert_int_equal(DEC(&in, INSN_MODE_64, 0xc5, 0xf8, 0x77), -ENOTSUP);
	assert_int_equal(DEC(&in, INSN_MODE_64, 0x90), -ENOTSUP);
}

static void test_bounds(void **state)
{
	(void)state;
	struct insn in;
	const uint8_t full[] = {0xf3, 0x47, 0x0f, 0xb8, 0x8c,
				0xac, 0x78, 0x56, 0x34, 0x12};
	/* Every prefix of the instruction asks for more, never reads on. */
	for (size_t n = 0; n < sizeof(full); n++)
		assert_int_equal(insn_decode(&in, full, n, INSN_MODE_64),
				 -EAGAIN);
	/* 15 bytes at most: 14 prefixes and an opcode fit, 15 do not. */
	uint8_t b[32];
	memset(b, 0x66, sizeof(b));
	b[14] = 0x9b;
	assert_int_equal(insn_decode(&in, b, sizeof(b), INSN_MODE_64), 0);
	assert_int_equal(in.len, 15);
	b[14] = 0x66;
	b[15] = 0x9b;
	assert_int_equal(insn_decode(&in, b, sizeof(b), INSN_MODE_64),
			 -EINVAL);
	/* Too long in its operands: 12 prefixes + f3 0f b8 + modrm + disp. */
	memset(b, 0x66, 11);
	memcpy(b + 11, (const uint8_t[]){0xf3, 0x0f, 0xb8, 0x84, 0x24, 1, 2,
					 3, 4},
	       9);
	assert_int_equal(insn_decode(&in, b, 20, INSN_MODE_64), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_simple_forms),
	    cmocka_unit_test(test_popcnt_forms),
	    cmocka_unit_test(test_prefix_rules),
	    cmocka_unit_test(test_bounds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
