/* SPDX-License-Identifier: Apache-2.0 */
/* The vsock dialer's allowlist (policy.h, dialer.h). */
#include "vmm/sandbox/policy.h"

#include <sys/socket.h>

#define D	 POLICY_D
#define ANY	 .cmp = POLICY_ANY
#define EQ(a, v) .cmp = POLICY_EQ, .arg = (a), .val = (v), .val_name = #v

/* The calls vsock_dial_serve makes (strace of a dial, a refusal and the
 * end), and exit. It opens nothing by path but the unix sockets it
 * connects to, and only those named PATH_PORT. */
static const struct policy_rule policy_dialer[] = {
    {"read", D, ANY, .why = "a request: the port"},
    {"socket", D, EQ(0, AF_UNIX), .why = "a unix socket to connect"},
    {"connect", D, ANY, .why = "to PATH_PORT, the host service's socket"},
    {"sendmsg", D, ANY, .why = "the reply, with the connected socket"},
    {"close", D, ANY, .why = "its copy of the socket, once sent"},
    {"exit_group", D, ANY, .why = "vmm closed its end: done"},
};

const struct policy_rule *policy_dialer_rules(size_t *n)
{
	*n = sizeof(policy_dialer) / sizeof(policy_dialer[0]);
	return policy_dialer;
}
