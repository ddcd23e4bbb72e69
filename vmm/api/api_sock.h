/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The API's unix socket (docs/api.md): created at --api-sock PATH and
 * removed when vmm exits, however it exits.
 *
 * A path that exists and is not a socket is refused; an existing socket
 * (left by a vmm that died) is replaced. The socket is removed by a
 * small helper process forked at once, which holds nothing but the
 * read end of a pipe and waits for vmm's end (EOF: every thread of vmm
 * is gone, even after SIGKILL), then removes PATH if it is still the
 * socket vmm created. vmm itself cannot: its seccomp filters forbid
 * every path operation once the VM runs.
 */
#ifndef VMM_API_API_SOCK_H
#define VMM_API_API_SOCK_H

#include <stddef.h>

#include "vmm/base/compiler.h"

/* Create, bind and listen on PATH; fork the helper. *fd: the listening
 * socket (non-blocking, close-on-exec). 0, or -errno with one line in
 * err naming PATH (nothing is left behind). */
int api_sock_open(const char *path, int *fd, char *err, size_t errlen) VMM_WUR;

#endif
