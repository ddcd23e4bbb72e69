/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tg.insns: execute each instruction that some hosts' emulators cannot
 * run and that vmm completes for them (backends/x86/complete.h), and
 * check the results against the architecture: fwait; stac/clac (RFLAGS.AC,
 * when CPUID has SMAP); popcnt in register and memory forms with its
 * flags (when CPUID has POPCNT); int3 and int $0x80 through an IDT of
 * this guest's own (the handler runs once, returns after the
 * instruction); cmpxchg8b and cmpxchg16b on memory, equal and not (when
 * CPUID has CX16). Prints `testguest: insns: <name> ok` for each and
 * `testguest: insns: ok`; a mismatch exits with TG_EXIT_INSNS.
 */
#ifndef TG_INSNS_H
#define TG_INSNS_H

void insns_run(void);

#endif
