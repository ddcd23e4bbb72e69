/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The dialer process (vmm/vm/vsock_dial.h for the protocol): it connects
 * the vsock's guest connections and opens the images PATCH /drives
 * names, since no vmm thread may do either once sandboxed. It is forked
 * after host_open and before the jail and any filter, so that it sees the
 * host's file system and the user's ids, as the vsock's uds_path means
 * them. It keeps only its end of the socket pair (and stdin, stdout and
 * stderr), dies with its parent (PR_SET_PDEATHSIG), and runs under its
 * own seccomp filter (policy_dialer_rules) unless --seccomp off; it exits
 * when vmm closes its end (host_close).
 */
#ifndef VMM_SANDBOX_DIALER_H
#define VMM_SANDBOX_DIALER_H

#include <stddef.h>

#include "vmm/base/compiler.h"
#include "vmm/vm/config.h"
#include "vmm/vm/vm.h"

/* With cfg->vsock on or the API (cfg->api_sock): start the dialer (for
 * cfg->vsock.uds_path, if any) and set h->vsock_dial_fd. Nothing to do
 * otherwise. 0, or -errno with one line in err. */
int dialer_start(const struct vm_config *cfg, struct vm_host *h, char *err,
		 size_t errlen) VMM_WUR;

#endif
