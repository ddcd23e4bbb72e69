/* SPDX-License-Identifier: Apache-2.0 */
/*
 * virtio-blk driver (VIRTIO 1.2 section 5.2), one request at a time on
 * queue 0 (requestq). Failures exit through vio_fail().
 *
 * vblk_run: read the capacity; unless the device offers VIRTIO_BLK_F_RO,
 * write sectors 1..8 (4 KiB) with the pattern below in one request, read
 * them back into another buffer and compare, FLUSH if VIRTIO_BLK_F_FLUSH
 * was negotiated; GET_ID. With VIRTIO_BLK_F_RO: read sectors 0..1 and
 * check that a write of sector 1 gets VIRTIO_BLK_S_IOERR. Prints
 *   testguest: virtio-blk: ok capacity <sectors> id <id>
 *   testguest: virtio-blk: ro ok capacity <sectors> id <id>
 * (<id> is the GET_ID string, non-printable bytes as '?', "-" if the
 * device has none or answers UNSUPP).
 *
 * Pattern of sector N (1..8), byte i (0..511): the ASCII text
 * "VMMTEST sector N" (no NUL), then (N * 7 + i) & 0xff for every i at or
 * after the text's length. Host-side tests check the image for it.
 */
#ifndef TG_VBLK_H
#define TG_VBLK_H

#include <stdint.h>

#include "virtio.h"

#define VBLK_SECTOR 512
#define VBLK_PATTERN_FIRST 1 /* first sector written */
#define VBLK_PATTERN_SECTORS 8

/* Negotiate (VERSION_1, FLUSH, RO), set up queue 0, DRIVER_OK. */
void vblk_setup(struct vio_dev *d);

/* One request: type VIRTIO_BLK_T_*, `len` bytes at `buf` (none when len
 * is 0; device-writable for IN and GET_ID). Returns the status byte the
 * device wrote. Fails on a timeout or a bad used element. */
uint8_t vblk_req(struct vio_dev *d, uint32_t type, uint64_t sector,
		 void *buf, uint32_t len);

/* tg.blkswap (after vblk_run on the first disk): print
 *   testguest: virtio-blk: waiting for a new image
 * wait (unbounded: the host's test has the hang guard) until
 * ConfigGeneration changes (the API's PATCH /drives), acknowledge the
 * configuration interrupt, re-read the capacity and sector 0, and print
 *   testguest: virtio-blk: new image capacity <sectors> sector 0 '<text>'
 * (<text>: its first 16 bytes, non-printable ones as '?'). */
void vblk_wait_swap(struct vio_dev *d);

/* The whole check described above. */
void vblk_run(struct vio_dev *d);

#endif
