/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A bounded x86 instruction decoder for the instructions vmm completes
 * when the host cannot (complete.h): legacy and REX prefixes, the one-byte
 * and 0F opcode maps, ModRM, SIB, displacement and immediates.
 *
 * It never reads past the n bytes it is given: an instruction that needs
 * more returns -EAGAIN (the caller fetches more and decodes again); one
 * longer than 15 bytes is invalid. Only the opcodes in its table are
 * decoded (the others are -ENOTSUP: their length is not needed, since
 * vmm does not complete them). 16-bit addressing is not decoded.
 */
#ifndef VMM_BACKENDS_X86_INSN_H
#define VMM_BACKENDS_X86_INSN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmm/base/compiler.h"

#define INSN_MAX_LEN 15

enum insn_mode { INSN_MODE_16, INSN_MODE_32, INSN_MODE_64 };

/* Segment registers, in the encoding's order (ModRM sreg, prefixes). */
enum insn_seg { INSN_SEG_ES, INSN_SEG_CS, INSN_SEG_SS, INSN_SEG_DS,
		INSN_SEG_FS, INSN_SEG_GS, INSN_SEG_NONE = -1 };

#define INSN_MAP_1 1 /* one-byte opcodes */
#define INSN_MAP_0F 2
#define INSN_NO_REG 0xff /* no SIB index / no base */

struct insn {
	uint8_t len;
	uint8_t map, op;
	bool lock, rep, repne, opsize, adsize; /* F0 F3 F2 66 67 */
	int seg;     /* enum insn_seg override, INSN_SEG_NONE */
	uint8_t rex; /* the REX byte in force, 0 for none */
	bool has_modrm;
	uint8_t modrm, mod, reg, rm; /* reg and rm with REX.R / REX.B */
	/* Memory operand (mod != 3): base + index * scale + disp, or
	 * rip_rel (disp from the next instruction's RIP). */
	uint8_t base, index, scale;
	bool rip_rel;
	int64_t disp;
	uint64_t imm;
	uint8_t imm_len;
	uint8_t opsz; /* operand size in bytes: 2, 4 or 8 */
	uint8_t adsz; /* address size in bytes: 4 or 8 */
};

/* Decode the instruction at b[0..n) for a CPU in `mode`. 0 and *in;
 * -EAGAIN: it needs more than n bytes (n < 15); -EINVAL: over 15 bytes;
 * -ENOTSUP: an opcode outside the table, VEX/EVEX, or 16-bit addressing. */
int insn_decode(struct insn *in, const uint8_t *b, size_t n,
		enum insn_mode mode) VMM_WUR;

#endif
