/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The sandbox, as the vmm binary runs it (docs/security.md). In order:
 *
 *   sandbox_init       from the command line's struct sandbox_config
 *   sandbox_prepare    before anything is opened: warn of --seccomp
 *                      off; load the time zone (libc's first time
 *                      conversion opens a file); with --jail, check
 *                      that DIR is an empty directory and close
 *                      inherited fds; with --netns, join the namespace
 *   (host_open, accel sys_open: images, disks, taps, /dev/kvm)
 *   sandbox_jail       with --jail: new namespaces and a fork. The
 *                      parent drops every capability and switches
 *                      ids (caps_drop_supervisor), then only waits
 *                      under its own filter (supervise_child); the
 *                      child is pid 1, pivots into DIR, sets rlimits,
 *                      clears its environment, and goes on
 *   (the first vm_create, on the only thread)
 *   sandbox_lockdown   --uid/--gid, every capability dropped,
 *                      no_new_privs, the three filters compiled and the
 *                      control thread's loaded
 *   (vm_run: each vCPU and the I/O thread call sandbox_thread_hook,
 *   installed as vm_host.thread_hook, and load their own filter)
 *
 * With --api-sock, the API thread starts before the first VM is built:
 * sandbox_api_prepare, then sandbox_api_thread on that thread, which
 * sandboxes itself (its own class) before its first request.
 *
 * The struct is owned by main and outlives every VM.
 */
#ifndef VMM_SANDBOX_SANDBOX_H
#define VMM_SANDBOX_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "vmm/base/compiler.h"
#include "vmm/sandbox/filter.h"
#include "vmm/vm/config.h"
#include "vmm/vm/vm.h"

struct sandbox {
	const struct sandbox_config *cfg;
	struct filter_prog prog[3]; /* per enum vm_thread_class */
	struct filter_prog api;	    /* the API thread's (--api-sock) */
	bool locked;		    /* sandbox_lockdown done */
	/* Read back by sandbox_lockdown before the control filter (which
	 * forbids capget), for sandbox_describe. */
	unsigned caps_left; /* caps.h CAPS_* */
	unsigned uid, gid;
	int pid;
};

void sandbox_init(struct sandbox *sb, const struct sandbox_config *cfg);

/* See above. Each returns 0, or -errno with one line in err naming the
 * step. */
int sandbox_prepare(struct sandbox *sb, char *err, size_t errlen) VMM_WUR;

/* *child: > 0 in the parent (the jailed vmm's pid, to pass to
 * supervise_child after closing what the child now owns), 0 in the
 * jailed child and when there is no --jail. When the parent fails to
 * drop its privileges, the child is killed and reaped, *child is 0 and
 * the error returned. */
int sandbox_jail(struct sandbox *sb, pid_t *child, char *err,
		 size_t errlen) VMM_WUR;

/* Only while the process has one thread (capabilities, no_new_privs and
 * filters are per thread; later threads inherit them). */
int sandbox_lockdown(struct sandbox *sb, char *err, size_t errlen) VMM_WUR;

/* vm_host.thread_hook: name the thread for the SIGSYS message and load
 * its class's filter. 0, or -errno after logging why. */
int sandbox_thread_hook(void *opaque, enum vm_thread_class cls);

/* --api-sock, before the API thread starts (on the only thread): compile
 * the API thread's filter, and install the SIGSYS handler (enforce). 0,
 * or -errno with one line in err. */
int sandbox_api_prepare(struct sandbox *sb, char *err, size_t errlen) VMM_WUR;

/* On the API thread, first thing: name it "vmm-api", drop its every
 * capability, set no_new_privs and load its filter (it starts before
 * sandbox_lockdown, so it inherits nothing and stacks on nothing). 0, or
 * -errno with one line in err. */
int sandbox_api_thread(struct sandbox *sb, char *err, size_t errlen) VMM_WUR;

/* One line for the log, after sandbox_lockdown: what is in force
 * ("sandbox: seccomp enforce, capabilities left: none, ..."). */
void sandbox_describe(const struct sandbox *sb, char *buf, size_t cap);

/* Free the compiled filters (loaded ones stay in force). */
void sandbox_destroy(struct sandbox *sb);

#endif
