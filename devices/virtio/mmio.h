/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The virtio-mmio transport, version 2 (VIRTIO 1.x section 4.2.2), for one
 * device in a VIRTIO_MMIO_RANGE_LEN window.
 *
 * Registers (linux/virtio_mmio.h offsets) are 32-bit; any other access
 * width to them reads 0 and is ignored (counted). The config space from
 * 0x100 takes 1, 2, 4 and 8-byte accesses. The driver is hostile:
 *  - DriverFeatures is taken only between DRIVER and FEATURES_OK; setting
 *    FEATURES_OK fails (the bit does not stick) unless the features are a
 *    subset of those offered and include VIRTIO_F_VERSION_1;
 *  - status bits only accumulate (a write that clears bits, other than a
 *    write of 0, is ignored and counted); writing 0 resets the device;
 *  - queue registers are taken only between FEATURES_OK and DRIVER_OK
 *    (never after NEEDS_RESET or FAILED) and only while that queue is not
 *    ready, so a device's queues never change after activate;
 *    QueueReady=1 validates the queue (vq_enable) and a failure marks the
 *    device NEEDS_RESET;
 *  - QueueNotify for a bad or unready queue, before DRIVER_OK or after
 *    NEEDS_RESET, is ignored and counted.
 * A device error (virtio_mmio_fail, a failed activate or queue_notify)
 * sets NEEDS_RESET, raises a configuration-change interrupt, is counted in
 * `errors` and logged (once per reset cycle); the VMM keeps running.
 */
#ifndef VMM_DEVICES_VIRTIO_MMIO_H
#define VMM_DEVICES_VIRTIO_MMIO_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "devices/virtio/virtio_dev.h"
#include "vmm/base/bus.h"
#include "vmm/base/compiler.h"
#include "vmm/base/state.h"

#define VIRTIO_MMIO_RANGE_LEN  0x1000
#define VIRTIO_MMIO_CONFIG_MAX (VIRTIO_MMIO_RANGE_LEN - 0x100)
#define VIRTIO_MMIO_VENDOR     0x00564d4d /* "MMV\0" read as bytes */

struct virtio_mmio_host {
	/* Signal the device's interrupt (edge: irqfd or a pulse of the
	 * line). Called with the transport lock held. */
	void (*raise_irq)(void *opaque);
	void *opaque;
};

struct virtio_mmio {
	pthread_mutex_t lock;
	struct virtio_dev *dev;
	struct virtio_mmio_host host;
	uint32_t status;
	uint32_t dev_features_sel, drv_features_sel;
	uint64_t drv_features;
	uint32_t queue_sel;
	uint32_t interrupt_status;
	uint32_t config_generation;
	bool fail_logged; /* an error was logged since the last reset */
	uint64_t errors, notifies, interrupts;
};

extern const struct bus_dev_ops virtio_mmio_ops;

/* Attach `dev` (its queues already vq_init'ed, config_len at most
 * VIRTIO_MMIO_CONFIG_MAX) to a new transport. 0 or -EINVAL / -errno. */
int virtio_mmio_init(struct virtio_mmio *m, struct virtio_dev *dev,
		     const struct virtio_mmio_host *host) VMM_WUR;
void virtio_mmio_destroy(struct virtio_mmio *m);

/* A queue notification that did not come through the QueueNotify
 * register (an ioeventfd on the I/O thread): takes the lock and acts as a
 * write of q to QueueNotify. */
void virtio_mmio_notify(struct virtio_mmio *m, unsigned q);

/* Notify every enabled queue of an active device, as QueueNotify writes
 * would (after a restore: a notification the saved VM had pending is
 * lost with its process); nothing for a device not yet active. */
void virtio_mmio_kick_all(struct virtio_mmio *m);

/* For device code woken by the host (not through an op): hold the
 * transport lock around any use of the device or its queues. */
void virtio_mmio_lock(struct virtio_mmio *m);
void virtio_mmio_unlock(struct virtio_mmio *m);

/* True while the driver has the device running: DRIVER_OK set, NEEDS_RESET
 * and FAILED clear. Lock held. */
bool virtio_mmio_active(const struct virtio_mmio *m);

/* Device side, lock held: buffers were returned on queue q; interrupt
 * the driver if the queue's notification rules (vq_should_notify) ask. */
void virtio_mmio_signal_used(struct virtio_mmio *m, unsigned q);

/* Device side, lock held: the device changed its configuration space
 * (a drive's new image): bumps ConfigGeneration and raises the
 * configuration-change interrupt (virtio 1.2, 2.5.1). */
void virtio_mmio_config_changed(struct virtio_mmio *m);

/* Device side, lock held: the driver broke the rules (err is -errno, why
 * a short reason): NEEDS_RESET, config interrupt, counted and logged. */
void virtio_mmio_fail(struct virtio_mmio *m, int err, const char *why);

/*
 * Saved state (mmio_state.c, docs/devices.md "Device state"): one "VMIO"
 * section, version 1: the device id and queue count it was saved from,
 * status, the feature selectors, the driver's features and the acked
 * ones, QueueSel, InterruptStatus, ConfigGeneration, then one VQUE section
 * per queue (vq_save). NEEDS_RESET is part of status. The counters, the
 * log flag, the host callbacks and the lock are not saved.
 */
#define VIRTIO_MMIO_STATE_TAG	     "VMIO"
#define VIRTIO_MMIO_STATE_VERSION    1
#define VIRTIO_MMIO_STATE_MAX_QUEUES 8 /* restore refuses more */

/* Append the transport's state and its queues' to w (takes the lock;
 * errors stay in w). */
void virtio_mmio_save(struct virtio_mmio *m, struct st_writer *w);

/* A decoded, checked VMIO section, not yet applied. */
struct virtio_mmio_state {
	uint32_t status, dev_features_sel, drv_features_sel;
	uint64_t drv_features, acked_features;
	uint32_t queue_sel, interrupt_status, config_generation;
	struct virtqueue vqs[VIRTIO_MMIO_STATE_MAX_QUEUES];
};

/* Decode and check one VMIO section from r for m (initialised, its
 * device's queues vq_init'ed as when it was saved) into *st, under the
 * lock; m is not changed. The blob is hostile: the same device id
 * and queue count; a status the register rules can reach (known bits,
 * each step's prerequisite, NEEDS_RESET or FAILED on top of any); acked
 * features equal to the driver's, a subset of those offered with
 * VERSION_1, once FEATURES_OK is set, and none before; InterruptStatus
 * within VRING | CONFIG; every queue as vq_state_decode checks, with the
 * ring features of the acked set and enabled only from FEATURES_OK on.
 * 0, or -EINVAL with r bad. */
int virtio_mmio_state_decode(struct virtio_mmio *m, struct st_reader *r,
			     struct virtio_mmio_state *st) VMM_WUR;

/* Apply what virtio_mmio_state_decode returned for m, under the lock.
 * Neither the device's ops nor the host's raise_irq are called: the
 * interrupt controller has its own state. A device whose own section
 * wraps the transport's decodes it, checks the rest of its section, and
 * only then applies it, so a refused blob changes nothing. */
void virtio_mmio_state_apply(struct virtio_mmio *m,
			     const struct virtio_mmio_state *st);

/* virtio_mmio_state_decode, then virtio_mmio_state_apply: 0, or -EINVAL
 * with r bad and m unchanged. */
int virtio_mmio_restore(struct virtio_mmio *m, struct st_reader *r) VMM_WUR;

/* A virtio device's own section, which wraps its transport's: its tag and
 * version, and optional hooks for the device's own fields, which come
 * before the transport's section. check_fields reads and checks them
 * against the device (st_fail on a mismatch) and applies nothing: a
 * device's fields are what its configuration fixes (a disk's capacity). */
struct virtio_mmio_dev_state {
	const char *tag;
	uint16_t version;
	void (*save_fields)(const struct virtio_dev *d, struct st_writer *w);
	void (*check_fields)(const struct virtio_dev *d, struct st_reader *r);
	/* After the state is applied (optional): what the device must tell
	 * its backend (virtio-net: the port's offloads). */
	void (*applied)(struct virtio_dev *d);
};

/* Append d's section (its fields, then its transport's VMIO) to w; d's
 * transport must be attached (else w fails with -EINVAL). */
void virtio_mmio_save_dev(struct virtio_dev *d,
			  const struct virtio_mmio_dev_state *desc,
			  struct st_writer *w);

/* Take one such section into d (initialised, transport attached, not
 * running): the transport's state is applied only once the whole section
 * has checked out. 0, or -EINVAL with rd bad and d unchanged. */
int virtio_mmio_restore_dev(struct virtio_dev *d,
			    const struct virtio_mmio_dev_state *desc,
			    struct st_reader *rd) VMM_WUR;

#endif
