/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The test guest's way out (main.c): write `code` (exitcodes.h) to the
 * debug-exit port 0xf4; halt forever if no device stops the guest.
 */
#ifndef TG_TGEXIT_H
#define TG_TGEXIT_H

void tg_exit(unsigned code) __attribute__((noreturn));

#endif
