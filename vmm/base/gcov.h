/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Coverage builds (-DVMM_COVERAGE=ON) only: writing gcov's counters
 * before the process loses them.
 *
 * gcov adds a process's counters to the build tree's .gcda files at
 * exit(), by their absolute paths. A process that does not get there
 * with the build tree in view loses them, and the code it ran is
 * reported as never run: one that ends with _exit or a fatal signal
 * (a forked test child, a SIGSYS death), or one that pivot_root has
 * moved into a jail, where the tree's paths do not exist (each exit
 * printed "profiling:/work:Cannot create directory" for every file).
 * The forked child's counters start at zero (gcc's fork wrapper), so
 * writing them counts nothing twice.
 *
 * In every other build gcov_write_last does nothing.
 */
#ifndef VMM_BASE_GCOV_H
#define VMM_BASE_GCOV_H

/* Add the counters so far to the .gcda files, as exit() would, and mark
 * them written: exit() does not try again. For a process that will not
 * reach the files later (about to _exit or die, or to enter a jail).
 * A macro, not a function: a function's own last lines would run after
 * the counters are written, and be reported as never run. */
#if defined(VMM_COVERAGE_BUILD)
void __gcov_dump(void);
#define gcov_write_last() __gcov_dump()
#else
#define gcov_write_last() ((void)0)
#endif

#endif
