/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the user asked for: the parsed command line. Strings point into
 * argv (or test-owned storage) and are never freed by vmm.
 */
#ifndef VMM_CONFIG_H
#define VMM_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "vmm/log.h"

#define CONFIG_DEFAULT_MEM_MIB 128
#define CONFIG_MIN_MEM_MIB 8
#define CONFIG_MAX_MEM_MIB (1024ULL * 1024) /* 1 TiB */
#define CONFIG_MAX_CPUS 64
#define CONFIG_DEFAULT_CMDLINE "console=ttyS0 reboot=k panic=1"

enum serial_mode { SERIAL_STDIO = 0, SERIAL_FILE, SERIAL_NONE };
enum reset_action { RESET_EXIT = 0, RESET_RESTART };

struct vm_config {
	const char *accel;   /* backend name, required */
	const char *kernel;  /* path, required */
	const char *initrd;  /* path or NULL */
	const char *cmdline; /* kernel command line */
	uint64_t mem_mib;
	unsigned cpus;
	enum serial_mode serial;
	const char *serial_path; /* SERIAL_FILE only */
	enum reset_action on_reset;
	bool mem_merge; /* MADV_MERGEABLE on guest RAM */
	enum log_level log_level;
	bool help, version;
};

#endif
