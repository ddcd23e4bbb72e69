/* SPDX-License-Identifier: Apache-2.0 */
/* The command line's --vsock (vmm/app/cli.c's table). */
#ifndef VMM_APP_CLI_VSOCK_H
#define VMM_APP_CLI_VSOCK_H

#include <stddef.h>

#include "vmm/base/compiler.h"
#include "vmm/vm/config.h"

/* --vsock cid=N,uds=PATH into cfg->vsock (once). 0, or -EINVAL with one
 * line in err naming what is wrong. */
int cli_vsock(struct vm_config *cfg, const char *v, char *err,
	      size_t errlen) VMM_WUR;

#define CLI_VSOCK_OPTS                                                         \
	{                                                                      \
		"vsock", true, cli_vsock                                       \
	}

#define CLI_VSOCK_USAGE                                                        \
	"  --vsock cid=N,uds=PATH\n"                                           \
	"                        virtio-vsock, guest CID N (>= 3), the host\n" \
	"                        side on unix sockets as Firecracker's\n"      \
	"                        hybrid vsock: connect to PATH and send\n"     \
	"                        \"CONNECT PORT\\n\"; guest connections to\n"  \
	"                        port P go to PATH_P (docs/vsock.md)\n"

#endif
