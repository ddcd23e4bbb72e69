/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The API's HTTP side (docs/api.md): HTTP/1.1 on a listening unix socket,
 * served by libmicrohttpd on one thread of its own ("vmm-api"), which
 * hands each complete request (method, path, body of at most
 * API_BODY_MAX bytes) to api_route and sends back its response. A body
 * announced or found larger than the limit is refused with a 400
 * without being kept.
 *
 * The thread runs `thread_init` first (the sandbox: its seccomp class),
 * before it accepts any connection; api_server_start returns its result.
 */
#ifndef VMM_API_API_SERVER_H
#define VMM_API_API_SERVER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "vmm/api/api_routes.h"
#include "vmm/api/mhd_lib.h"
#include "vmm/base/compiler.h"

struct api_server {
	struct mhd_lib lib; /* loaded by api_server_start */
	struct MHD_Daemon *mhd;
	struct api_state *st; /* borrowed; only the server's thread uses it */
	pthread_t thread;
	bool started;
	_Atomic bool stop;
	/* The thread's start: init's result, under lock/cond. */
	int (*init)(void *opaque);
	void *init_opaque;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool init_done;
	int init_r;
};

/* Serve on listen_fd (a listening AF_UNIX stream socket; the server
 * owns it from now on) with st's routes, on a new thread that first runs
 * init(opaque) (NULL: none). Returns once init has run: 0, or -errno
 * with one line in err (and nothing left running). */
int api_server_start(struct api_server *s, int listen_fd, struct api_state *st,
		     int (*init)(void *opaque), void *opaque, char *err,
		     size_t errlen) VMM_WUR;

/* Stop the thread (within 100 ms: it finishes the request it is in)
 * and free the server. Safe on a zeroed struct. */
void api_server_stop(struct api_server *s);

#endif
