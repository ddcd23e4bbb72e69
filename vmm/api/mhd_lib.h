/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libmicrohttpd, loaded only when the API serves (dlopen of its soname,
 * MHD_SONAME, fixed at build time). Linked normally it brings gnutls and
 * eight more libraries into every vmm process, and loading them costs
 * about 2.3 ms of CPU at each start (docs/performance.md), with or
 * without --api-sock. The functions api_server.c calls, with their own
 * prototypes from <microhttpd.h>; no global state: the table lives in
 * the server.
 */
#ifndef VMM_API_MHD_LIB_H
#define VMM_API_MHD_LIB_H

#include <stddef.h>

#include <microhttpd.h>

#include "vmm/base/compiler.h"

struct mhd_lib {
	void *handle;
	__typeof__(&MHD_start_daemon) start_daemon;
	__typeof__(&MHD_stop_daemon) stop_daemon;
	__typeof__(&MHD_run_wait) run_wait;
	__typeof__(&MHD_lookup_connection_value) lookup_connection_value;
	__typeof__(&MHD_create_response_from_buffer)
	    create_response_from_buffer;
	__typeof__(&MHD_add_response_header) add_response_header;
	__typeof__(&MHD_queue_response) queue_response;
	__typeof__(&MHD_destroy_response) destroy_response;
};

/* Load the library (before any sandbox: it opens files) and look up each
 * function. 0, or -ENOENT with one line in err naming the library or the
 * missing function (and nothing left loaded). */
int mhd_lib_open(struct mhd_lib *l, char *err, size_t errlen) VMM_WUR;

/* Unload it, once nothing of the library is in use. Safe on a zeroed or
 * closed table. */
void mhd_lib_close(struct mhd_lib *l);

#endif
