/* SPDX-License-Identifier: Apache-2.0 */
/* libmicrohttpd loaded on demand (mhd_lib.h). */
#include "vmm/api/mhd_lib.h"

#include <dlfcn.h>
#include <errno.h>
#include <string.h>

#include "vmm/base/errmsg.h"

#ifndef MHD_SONAME
#error "MHD_SONAME (the library's soname) comes from vmm/CMakeLists.txt"
#endif

/* One function: its name, and where its address goes. */
struct mhd_sym {
	const char *name;
	void **slot;
};

int mhd_lib_open(struct mhd_lib *l, char *err, size_t errlen)
{
	memset(l, 0, sizeof(*l));
	l->handle = dlopen(MHD_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!l->handle)
		return errmsg(err, errlen, -ENOENT, "api: cannot load %s: %s",
			      MHD_SONAME, dlerror());
	const struct mhd_sym syms[] = {
	    {"MHD_start_daemon", (void **)&l->start_daemon},
	    {"MHD_stop_daemon", (void **)&l->stop_daemon},
	    {"MHD_run_wait", (void **)&l->run_wait},
	    {"MHD_lookup_connection_value",
	     (void **)&l->lookup_connection_value},
	    {"MHD_create_response_from_buffer",
	     (void **)&l->create_response_from_buffer},
	    {"MHD_add_response_header", (void **)&l->add_response_header},
	    {"MHD_queue_response", (void **)&l->queue_response},
	    {"MHD_destroy_response", (void **)&l->destroy_response},
	};
	for (size_t i = 0; i < sizeof(syms) / sizeof(syms[0]); i++) {
		*syms[i].slot = dlsym(l->handle, syms[i].name);
		if (!*syms[i].slot) {
			mhd_lib_close(l);
			return errmsg(err, errlen, -ENOENT, "api: %s has no %s",
				      MHD_SONAME, syms[i].name);
		}
	}
	return 0;
}

void mhd_lib_close(struct mhd_lib *l)
{
	if (l->handle)
		dlclose(l->handle);
	memset(l, 0, sizeof(*l));
}
