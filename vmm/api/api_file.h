/* SPDX-License-Identifier: Apache-2.0 */
/*
 * --config-file FILE (docs/api.md): Firecracker's JSON configuration file,
 * one object whose members are the bodies of the API's pre-boot PUTs:
 * "boot-source", "machine-config", "entropy" (objects), "drives" and
 * "network-interfaces" (arrays of objects, each with its drive_id or
 * iface_id). Each member goes through the same checks as its API request
 * (api_config.h). "vsock", "logger", "metrics", "mmds-config" and
 * "balloon" are taken only when null (not supported yet); any other
 * member is refused.
 *
 * The file is untrusted input: at most API_FILE_MAX bytes, parsed by
 * jansson with duplicate keys refused. An error is one line naming the
 * file and where: the line and column of a JSON syntax error, or the
 * JSON pointer of the member at fault ("/drives/1: ...").
 */
#ifndef VMM_API_API_FILE_H
#define VMM_API_API_FILE_H

#include <stddef.h>

#include "vmm/api/api_config.h"
#include "vmm/base/compiler.h"

#define API_FILE_MAX (1u << 20)

/* Apply the file at path to ac (api_config_init'ed) and finish it
 * (api_config_finish): ready to boot. 0, or -errno with one line in err
 * ("--config-file PATH: ..."); ac may then be half-applied. */
int api_file_load(struct api_config *ac, const char *path, char *err,
		  size_t errlen) VMM_WUR;

/* The same for the bytes of a file already read (tests, the harness). */
int api_file_parse(struct api_config *ac, const char *path, const char *text,
		   size_t len, char *err, size_t errlen) VMM_WUR;

#endif
