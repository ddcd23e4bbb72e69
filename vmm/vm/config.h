/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the user asked for: the parsed command line. Strings point into
 * argv (or test-owned storage) and are never freed by vmm.
 */
#ifndef VMM_CONFIG_H
#define VMM_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "vmm/base/compiler.h"
#include "vmm/base/log.h"

#define CONFIG_DEFAULT_MEM_MIB 128
#define CONFIG_MIN_MEM_MIB     8
#define CONFIG_MAX_MEM_MIB     (1024ULL * 1024) /* 1 TiB */
#define CONFIG_MAX_CPUS	       64
/* --on-reset restart: a guest that resets within CONFIG_RESTART_QUICK_MS
 * of booting, --restart-max times in a row, is given up on (main.c). */
#define CONFIG_DEFAULT_RESTART_MAX  10
/* Firecracker writes its metrics every 60 s. */
#define CONFIG_DEFAULT_METRICS_INTERVAL_S 60
#define CONFIG_MAX_METRICS_INTERVAL_S	  3600
#define CONFIG_MAX_RESTARTS	    1000000
#define CONFIG_RESTART_QUICK_MS	    30000
#define CONFIG_RESTART_DELAY_MS	    100	 /* before the 2nd rapid restart */
#define CONFIG_RESTART_MAX_DELAY_MS 5000 /* doubling up to this */
#define CONFIG_DEFAULT_CMDLINE	    "console=ttyS0 reboot=k panic=1"

#define CONFIG_MAX_DISKS     8
#define CONFIG_MAX_NETS	     4
#define CONFIG_PATH_MAX	     4096
#define CONFIG_DISK_ID_MAX   20 /* VIRTIO_BLK_ID_BYTES */
#define CONFIG_IFNAME_MAX    16 /* IFNAMSIZ, with the NUL */
#define CONFIG_MAX_FLAG_DEVS 8	/* flag device types turned on */

/* A vsock's unix socket path, with the NUL: sun_path's 108 bytes, less
 * room for the "_PORT" suffix of the guest-initiated sockets. */
#define CONFIG_VSOCK_PATH_MAX 96

struct vdev_type;

enum serial_mode { SERIAL_STDIO = 0, SERIAL_FILE, SERIAL_NONE };

/* --disk PATH[,ro][,id=NAME][,direct] */
struct disk_config {
	char path[CONFIG_PATH_MAX];
	char id[CONFIG_DISK_ID_MAX + 1]; /* empty: none */
	bool read_only, direct;
};

/* --net tap=NAME[,mac=MAC] */
struct net_config {
	char tap[CONFIG_IFNAME_MAX];
	uint8_t mac[6];
	bool has_mac; /* else vmm picks 52:54:00:00:00:0N */
};
/* --vsock cid=N,uds=PATH: Firecracker's hybrid vsock (guest_cid,
 * uds_path): the host connects to PATH and writes "CONNECT PORT\n"; a
 * guest connection to host port P goes to PATH_P. */
#define CONFIG_VSOCK_MIN_CID 3u
#define CONFIG_VSOCK_MAX_CID (UINT32_MAX - 1) /* 0-2, 2^32 - 1 reserved */
struct vsock_config {
	bool on;
	uint32_t cid; /* CONFIG_VSOCK_MIN_CID .. CONFIG_VSOCK_MAX_CID */
	char uds_path[CONFIG_VSOCK_PATH_MAX];
};

enum reset_action { RESET_EXIT = 0, RESET_RESTART };

/* --restore STATE,mem=MEM (or the API's PUT /snapshot/load): boot from a
 * snapshot (vmm/vm/vm_snapshot.h) instead of a kernel. */
struct restore_config {
	bool on;
	char state[CONFIG_PATH_MAX]; /* the state file */
	char mem[CONFIG_PATH_MAX];   /* the memory file */
	bool paused;		     /* start paused (the API's resume_vm
				      * false) */
	char vsock_uds[CONFIG_VSOCK_PATH_MAX]; /* the API's vsock_override:
						* the vsock's unix socket
						* instead of the snapshot's;
						* empty: none */
};

/* --seccomp: what a thread's filter does with a call it does not allow
 * (docs/security.md). */
enum sandbox_seccomp {
	SANDBOX_SECCOMP_ENFORCE = 0, /* SIGSYS: name the call, kill vmm */
	SANDBOX_SECCOMP_LOG,	     /* allow it; the kernel logs it */
	SANDBOX_SECCOMP_ERRNO,	     /* fail it with EPERM */
	SANDBOX_SECCOMP_OFF,	     /* no filters */
};

/* The sandbox options. All zero (the default): seccomp enforce,
 * capabilities dropped, no jail, same uid and gid. */
struct sandbox_config {
	enum sandbox_seccomp seccomp;
	const char *jail;  /* --jail DIR: new namespaces, pivot_root, or NULL */
	const char *netns; /* --netns NAME: join /run/netns/NAME, or NULL */
	bool set_uid, set_gid;
	uint32_t uid, gid; /* --uid N / --gid N */
};

/* The machine a VM is built as (vmm/vm/vm_machine.h). A kernel boots
 * only on the host's own (KVM runs guests of its architecture); the
 * replay builds whichever a trace names. */
enum vm_machine_kind {
	VM_MACHINE_X86 = 1,
	VM_MACHINE_ARM64 = 2,
};

/* The host's machine: the default. */
#if defined(__aarch64__)
#define VM_MACHINE_HOST VM_MACHINE_ARM64
#else
#define VM_MACHINE_HOST VM_MACHINE_X86
#endif

struct vm_config {
	const char *accel;   /* backend name (default kvm) */
	enum vm_machine_kind machine; /* default VM_MACHINE_HOST */
	const char *kernel;  /* path, required without --api-sock */
	const char *initrd;  /* path or NULL */
	const char *cmdline; /* kernel command line */
	uint64_t mem_mib;
	unsigned cpus;
	enum serial_mode serial;
	const char *serial_path; /* SERIAL_FILE only */
	enum reset_action on_reset;
	unsigned restart_max; /* --restart-max: rapid resets in a row */
	bool mem_merge;	      /* MADV_MERGEABLE on guest RAM */
	bool serial_set;      /* --serial was given */
	struct disk_config disks[CONFIG_MAX_DISKS];
	unsigned ndisks;
	struct net_config nets[CONFIG_MAX_NETS];
	unsigned nnets;
	/* Flag device types turned on (their --OPTION flags; the API), each
	 * once, in the order given (devices/virtio/vdev_type.h). */
	const struct vdev_type *devs[CONFIG_MAX_FLAG_DEVS];
	unsigned ndevs;
	struct vsock_config vsock;
	struct restore_config restore;
	/* --kernel, --initrd, --cmdline, --mem, --cpus, --acpi or a device
	 * flag was given: what a snapshot defines (--restore refuses them). */
	bool machine_set;
	bool eventfd; /* virtio notifications and interrupts via eventfds */
	const char *record; /* --record FILE: trace the run, or NULL */
	const char *trace;  /* --trace FILE: what --accel replay replays */
	bool acpi; /* ACPI tables (default); off: virtio on the cmdline */
	struct sandbox_config sandbox; /* --seccomp, --jail, --netns, ... */
	const char *api_sock; /* --api-sock PATH: Firecracker's API, or NULL */
	const char *id;	      /* --id ID: the API's instance id */
	const char *config_file; /* --config-file FILE: Firecracker's JSON
				  * configuration, booted at once */
	bool no_api;		 /* --no-api (with --config-file) */
	const char *metrics_path; /* the API's PUT /metrics: an existing file
				   * or FIFO metrics are appended to, or NULL */
	unsigned metrics_interval_s; /* --metrics-interval: a metrics line
				      * every so many seconds (1 .. 3600) */
	enum log_level log_level;
	const char *log_path; /* --log-path FILE: the log goes there (main),
			       * or the API's PUT /logger log_path */
	bool log_show_level;  /* PUT /logger show_level (log_set_show_level) */
	bool boot_timer;      /* --boot-timer: accepted, no effect (yet) */
	bool help, version;
};

/* cfg as no option changed it: the defaults above, kvm unset (the
 * command line picks it), no devices. */
void config_defaults(struct vm_config *cfg);

/* Turn on flag device type t (again: no change). 0, or -ENOSPC. */
int config_dev_add(struct vm_config *c, const struct vdev_type *t) VMM_WUR;

/* Is flag device type t on? */
bool config_dev_has(const struct vm_config *c, const struct vdev_type *t);

#endif
