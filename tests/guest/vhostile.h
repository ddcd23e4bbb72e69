/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tg.hostile: feed one virtio device (virtio-blk or virtio-rng) broken
 * descriptor chains, one at a time, and check that it refuses each by
 * setting VIRTIO_CONFIG_S_NEEDS_RESET and works again after a reset.
 *
 * Each case starts from a freshly initialised device (vblk_setup /
 * vrng_setup) and puts one chain on the available ring with descriptors
 * written by hand, based on a valid request (virtio-blk: IN of sector 0,
 * 512 bytes; virtio-rng: one 16-byte device-writable buffer):
 *   loop                 the head descriptor has NEXT and next = itself
 *   head-out-of-range    the avail ring names head = queue size
 *   buffer-outside-ram   the data buffer is at 0xfff0000000
 *   zero-length          the data buffer has length 0
 *   write-before-read    a device-writable descriptor comes before a
 *                        device-readable one
 *   avail-idx-jump       avail->idx moves by queue size + 1
 * then notifies and polls Status (VIO_STATUS_POLLS reads) for NEEDS_RESET
 * (HOSTILE_NO_RESET if it never comes), resets and re-initialises the
 * device and checks that a valid request succeeds. Prints
 *   testguest: hostile: <case>: needs-reset, recovered
 * per case and `testguest: hostile: ok` at the end.
 */
#ifndef TG_VHOSTILE_H
#define TG_VHOSTILE_H

#include "virtio.h"

void vhostile_run(struct vio_dev *d);

#endif
