/* SPDX-License-Identifier: Apache-2.0 */
/* The vsock dialer's allowlist (policy.h, dialer.h). */
#include "vmm/sandbox/policy.h"

#include "vmm/vm/vsock_dial.h"

#include <fcntl.h>
#include <sys/socket.h>

#define D	 POLICY_D
#define ANY	 .cmp = POLICY_ANY
#define EQ(a, v) .cmp = POLICY_EQ, .arg = (a), .val = (v), .val_name = #v

/* The calls vsock_dial_serve makes (strace of a dial, a refusal, a drive
 * opened and the end), and exit. It connects only to the unix sockets
 * named PATH_PORT, opens files only as --disk images are opened, and
 * creates only new files. */
#define DISK_FLAGS     (O_CLOEXEC | O_NOCTTY | O_NONBLOCK)
#define DISK_RO	       (O_RDONLY | DISK_FLAGS)
#define DISK_RW	       (O_RDWR | DISK_FLAGS)
#define DISK_RO_DIRECT (DISK_RO | O_DIRECT)
#define DISK_RW_DIRECT (DISK_RW | O_DIRECT)
static const struct policy_rule policy_dialer[] = {
    {"read", D, ANY, .why = "a request: a port, or an image to open"},
    {"socket", D, EQ(0, AF_UNIX), .why = "a unix socket to connect"},
    {"connect", D, ANY, .why = "to PATH_PORT, the host service's socket"},
    {"sendmsg", D, ANY,
     .why = "the reply, with the connected socket or the image"},
    {"close", D, ANY, .why = "its copy of the socket or image, once sent"},
    {"openat", D, EQ(2, DISK_RO), .why = "PATCH /drives: a read-only image"},
    {"openat", D, EQ(2, DISK_RW), .why = "PATCH /drives: an image"},
    {"openat", D, EQ(2, DISK_RO_DIRECT),
     .why = "PATCH /drives: a read-only image, direct"},
    {"openat", D, EQ(2, DISK_RW_DIRECT),
     .why = "PATCH /drives: an image, direct"},
    {"openat", D, EQ(2, VSOCK_DIAL_CREATE_FLAGS),
     .why = "PUT /snapshot/create: a new file (O_EXCL), never an old one"},
    {"fcntl", D, EQ(1, F_SETFL),
     .why = "the image's O_NONBLOCK off (it only kept open from a FIFO)"},
    {"fstat", D, ANY, .why = "a regular file or block device, its size"},
    {"newfstatat", D, EQ(3, AT_EMPTY_PATH),
     .why = "glibc's fstat(): an open fd, metadata only"},
    {"flock", D, ANY, .why = "shared or exclusive, as --disk: no two writers"},
    {"exit_group", D, ANY, .why = "vmm closed its end: done"},
};

const struct policy_rule *policy_dialer_rules(size_t *n)
{
	*n = sizeof(policy_dialer) / sizeof(policy_dialer[0]);
	return policy_dialer;
}
