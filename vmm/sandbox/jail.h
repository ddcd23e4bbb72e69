/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The jail's steps (--jail DIR, --netns NAME), each a function that
 * names itself in its one-line error. sandbox.c runs them in order:
 *
 *   before anything is opened:  jail_check_dir, jail_close_fds
 *                               (with --jail),
 *                               jail_join_netns (with --netns)
 *   after everything is open:   jail_spawn (new namespaces and a fork:
 *                               the child is pid 1 of the new pid
 *                               namespace), then in the child
 *                               jail_pivot and jail_limits
 *
 * vmm opens every file it needs (images, disks, taps, /dev/kvm) before
 * the jail, so DIR needs nothing in it: it becomes the root, read-only,
 * nodev, noexec and nosuid, and nothing else of the host is visible.
 */
#ifndef VMM_SANDBOX_JAIL_H
#define VMM_SANDBOX_JAIL_H

#include <stddef.h>
#include <sys/resource.h>
#include <sys/types.h>

#include "vmm/base/compiler.h"

/* RLIMIT_NOFILE in the jail (soft and hard): a VM with 64 vCPUs and 16
 * virtio devices holds about 150 fds. */
#define JAIL_NOFILE 1024

/* DIR must be an empty directory: it becomes the jailed vmm's root, and
 * whatever it held would be visible to the guest-facing process (a
 * mistyped --jail / would give it the host's files). In sanitizer
 * builds an empty proc/ is allowed (jail_pivot creates it there). 0, or
 * -ENOTEMPTY or -errno with one line in err ("--jail DIR: directory is
 * not empty ..."). */
int jail_check_dir(const char *dir, char *err, size_t errlen) VMM_WUR;

/* Close every fd from `first` up (stray fds inherited from whoever
 * started vmm). 0 or -errno. */
int jail_close_fds(int first, char *err, size_t errlen) VMM_WUR;

/* Join the network namespace /run/netns/NAME (as made by ip netns add).
 * 0 or -errno. */
int jail_join_netns(const char *name, char *err, size_t errlen) VMM_WUR;

/* New mount, pid, ipc and uts namespaces, and a fork into them: the
 * child is pid 1 of the new pid namespace. The parent's later children
 * stay in its own pid namespace. Needs CAP_SYS_ADMIN. 0 with *child the
 * child's pid in the parent and 0 in the child, or -errno. */
int jail_spawn(pid_t *child, char *err, size_t errlen) VMM_WUR;

/* In the new mount namespace: make every mount private, bind DIR on
 * itself, pivot_root into it, detach the old root, remount the new root
 * read-only (nodev, noexec, nosuid), chdir("/"). 0 or -errno. */
int jail_pivot(const char *dir, char *err, size_t errlen) VMM_WUR;

/* The hostname "vmm" (uts namespace), RLIMIT_NOFILE = JAIL_NOFILE, and
 * an empty environment. 0 or -errno. */
int jail_limits(char *err, size_t errlen) VMM_WUR;

#endif
