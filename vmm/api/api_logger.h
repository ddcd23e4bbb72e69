/* SPDX-License-Identifier: Apache-2.0 */
/*
 * PUT /logger (and the config file's "logger"), Firecracker's Logger:
 * {"log_path", "level", "show_level", "show_log_origin", "module"}, all
 * optional. They join the pending configuration (pure parsing) and take
 * effect at InstanceStart, on the control thread (api_main.c): the log
 * moves to log_path (vmm/app/logfile.h), then the level and show_level
 * are set. vmm has
 * no per-module filter and no log origins: a non-null "module" and a true
 * "show_log_origin" are refused.
 */
#ifndef VMM_API_API_LOGGER_H
#define VMM_API_API_LOGGER_H

#include <stddef.h>

#include "vmm/api/api_config.h"
#include "vmm/base/compiler.h"

/* Parse body into ac (nothing changes on error). 0, or -EINVAL with one
 * line in fault. */
int api_logger_config(struct api_config *ac, const char *body, size_t len,
		      char *fault, size_t cap) VMM_WUR;

#endif
