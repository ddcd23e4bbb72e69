/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tg.kbd: wait for Ctrl-Alt-Del on the i8042 keyboard (the API's
 * SendCtrlAltDel), taking its bytes by interrupt as a kernel would.
 *
 * The guest checks the controller's configuration byte (keyboard
 * interrupt and translation on, as vmm's power-on state has them),
 * programs the 8259 PICs (vectors 0x20-0x2f, only IRQ 1 unmasked),
 * installs a handler for vector 0x21 that reads port 0x60 and EOIs, prints
 * "testguest: kbd: waiting for ctrl-alt-del" and halts between
 * interrupts until the bytes are the translated (set 1) chord: Ctrl, Alt,
 * Delete pressed, then released. It prints
 * "testguest: kbd: ctrl-alt-del, N bytes in N interrupts" and returns;
 * another byte, or a configuration byte without those bits, fails with
 * TG_EXIT_KBD. It waits as long as it takes (the host's test has the
 * hang guard).
 */
#ifndef TG_KBD_H
#define TG_KBD_H

/* Wait for the chord; returns only once it came whole. */
void kbd_wait_ctrl_alt_del(void);

#endif
