/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The record/replay trace format, version 1 (docs/trace-format.md is the
 * reference; this header and it must agree). All integers little-endian.
 *
 *   header   32 bytes, then ndevs device entries of 48 bytes
 *   records  8-byte record header (type, a, b, len) + len payload bytes,
 *            until an END record
 *
 * Record types fall in four classes (the high nibble): events (0x0_) are
 * what the replay dispatches to the devices; inputs (0x1_) are what the
 * devices take from the guest or the host while handling the next event
 * (guest memory they read, the time, random bytes), so they come before
 * it; effects (0x2_) are what the devices produced while handling the
 * event before them (interrupts, output), checked by the replay; END ends
 * the trace.
 */
#ifndef VMM_TRACE_TRACE_H
#define VMM_TRACE_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define TRACE_MAGIC	  "VMMTRACE" /* 8 bytes, no NUL */
#define TRACE_VERSION	  1
#define TRACE_ARCH_X86_64  1	 /* the x86 machine (vmm/vm/vm_machine.h) */
#define TRACE_ARCH_AARCH64 2	 /* the arm64 machine */
#define TRACE_HDR_FIXED	  32	/* bytes before the device entries */
#define TRACE_DEV_SIZE	  48	/* bytes per device entry */
#define TRACE_REC_HDR	  8	/* bytes per record header */
#define TRACE_MAX_DEVS	  16	/* device entries at most (VM_MAX_VDEVS) */
#define TRACE_ID_MAX	  20	/* blk id bytes (VIRTIO_BLK_ID_BYTES) */
#define TRACE_IO_MAX	  4096	/* PIO data bytes (size * count) at most */
#define TRACE_FRAME_MAX	  65562 /* tap frame with its 12-byte header */

/* Device entry kinds: each virtio device type's trace_kind
 * (devices/virtio/vdev_type.h), in the order vmm creates them (the
 * table's). The two whose entries carry fields are named here. */
enum trace_dev_kind {
	TRACE_DEV_BLK = 1,   /* VIRTIO_BLK_TRACE_KIND */
	TRACE_DEV_NET = 2,   /* VIRTIO_NET_TRACE_KIND */
	TRACE_DEV_VSOCK = 5, /* VIRTIO_VSOCK_TRACE_KIND */
};
#define TRACE_BLK_RO 0x01u /* trace_dev.flags for TRACE_DEV_BLK */

/* trace_header.platform: platform devices beyond the fixed ones. */
#define TRACE_PLATFORM_ACPI 0x0001u /* the ACPI PM ports (--acpi on) */

struct trace_dev {
	uint8_t kind;	   /* enum trace_dev_kind */
	uint8_t flags;	   /* TRACE_BLK_RO */
	uint64_t size;	   /* blk: image bytes */
	uint64_t hash;	   /* blk: trace_hash of the image when recording
			    * began; 0: not checked */
	uint32_t offloads; /* net: TUN_F_* bits the tap took */
	uint8_t mac[6];	   /* net */
	uint64_t cid;	   /* vsock: the guest's CID (where size is) */
	char id[TRACE_ID_MAX + 1]; /* blk: GET_ID string, NUL-terminated */
};

struct trace_header {
	uint16_t version;
	uint32_t arch;	   /* TRACE_ARCH_*: the machine recorded on */
	uint64_t mem_mib;  /* guest RAM, MiB */
	uint32_t cpus;	   /* vCPUs */
	uint16_t platform; /* TRACE_PLATFORM_* */
	unsigned ndevs;
	struct trace_dev devs[TRACE_MAX_DEVS];
};

enum trace_type {
	/* events */
	TRACE_MMIO = 0x01,	 /* a cpu, b TRACE_IO_*; u64 addr, data */
	TRACE_PIO = 0x02,	 /* a cpu, b TRACE_IO_*; u64 port, data */
	TRACE_CPU = 0x03,	 /* a cpu, b enum trace_cpu_event */
	TRACE_SERIAL_RX = 0x04,	 /* u32 taken, bytes offered to COM1 */
	TRACE_CONSOLE_RX = 0x05, /* u32 taken, bytes offered to hvc0 */
	TRACE_TAP_RX = 0x06,	 /* a net; a frame arrives on the tap */
	TRACE_NET_RX = 0x07,	 /* a net; the device reads its tap */
	TRACE_VSOCK_HOST = 0x08, /* a op; the vsock's host side calls the
				  * device (enum trace_vsock_host) */
	/* inputs */
	TRACE_MEM = 0x10,      /* u64 gpa, bytes of guest memory */
	TRACE_RTC = 0x11,      /* i64 seconds since the epoch */
	TRACE_VSOCK_IN = 0x1f, /* a op; what a vsock port call returned
				* (enum trace_vsock_in) */
	/* 0x12 on: the device types' inputs (vdev_input.trace_type) */
	/* effects */
	TRACE_IRQ = 0x20,	 /* a level, b gsi */
	TRACE_SERIAL_TX = 0x21,	 /* bytes out of COM1 */
	TRACE_CONSOLE_TX = 0x22, /* bytes out of hvc0 */
	TRACE_TAP_TX = 0x23,	 /* a net; a frame sent to the tap */
	TRACE_VSOCK_OUT = 0x24,	 /* a op; what the vsock device did to its
				  * port (enum trace_vsock_out) */
	/* end */
	TRACE_END = 0x30, /* a stop reason, b status; u64 disk hashes */
};

enum trace_class {
	TRACE_CLASS_EVENT = 0,
	TRACE_CLASS_INPUT = 1,
	TRACE_CLASS_EFFECT = 2,
	TRACE_CLASS_END = 3,
};

static inline enum trace_class trace_class(uint8_t type)
{
	return (enum trace_class)(type >> 4);
}

/* Known record types (others are errors, or skipped when lenient). */
bool trace_type_known(uint8_t type);

/* Write device entry d into q (TRACE_DEV_SIZE bytes) in its one canonical
 * form: every byte the format reserves, or ignores for d's kind, is zero
 * (size, hash and id for disks only; offloads and MAC for nets only). The
 * encoder writes entries this way and the strict decoder accepts no other,
 * so a trace survives the text form byte for byte. */
void trace_dev_put(uint8_t q[TRACE_DEV_SIZE], const struct trace_dev *d);

/* The text name of a type ("mmio", "serial-tx", ...), or NULL. */
const char *trace_type_name(uint8_t type);

/* b of MMIO and PIO records: bit 0 write, bits 8..11 the access size. */
#define TRACE_IO_WRITE 0x0001u
#define TRACE_IO_B(write, size)                                                \
	((uint16_t)(((write) ? TRACE_IO_WRITE : 0u) | ((unsigned)(size) << 8)))
#define TRACE_IO_SIZE(b) (((unsigned)(b) >> 8) & 0xfu)

/* b of CPU records: exits that are not I/O. */
enum trace_cpu_event {
	TRACE_CPU_SHUTDOWN = 1, /* triple fault */
	TRACE_CPU_RESET = 2,
	TRACE_CPU_POWEROFF = 3,
	TRACE_CPU_ERROR = 4, /* the vCPU cannot continue */
};

/* The vsock records (VSOCK_HOST, VSOCK_IN, VSOCK_OUT) share one payload:
 * u32 x, u32 y, then bytes (only for the ops that say so). y is signed
 * where it is a result (-errno). */
enum trace_vsock_host { /* events */
			TRACE_VSOCK_CONNECT =
			    1, /* x handle, y guest port: host_connect */
			TRACE_VSOCK_READY =
			    2, /* x handle, y TRACE_VSOCK_RX | _TX */
};
#define TRACE_VSOCK_RX 0x1u
#define TRACE_VSOCK_TX 0x2u

enum trace_vsock_in { /* inputs */
		      TRACE_VSOCK_DIAL =
			  1, /* x host port, y handle or -errno */
		      TRACE_VSOCK_SENT =
			  2, /* x handle, y bytes taken or -errno */
		      TRACE_VSOCK_RECV =
			  3, /* x handle, y bytes or -errno; bytes */
};

enum trace_vsock_out { /* effects */
		       TRACE_VSOCK_ANSWER =
			   1, /* x handle, y host_connect's result */
		       TRACE_VSOCK_DATA = 2, /* x handle; bytes the host took */
		       TRACE_VSOCK_ACCEPTED =
			   3, /* x handle, y the host-side port */
		       TRACE_VSOCK_SHUTDOWN = 4, /* x handle */
		       TRACE_VSOCK_CLOSE = 5,	 /* x handle */
};
#define TRACE_VSOCK_HDR	     8u		/* x and y */
#define TRACE_VSOCK_OP_MAX   5u		/* the largest op of any of the three */
#define TRACE_VSOCK_DATA_MAX (1u << 20) /* bytes in one vsock record */

/* The name of op `op` of vsock record type `type` ("connect", ...), or
 * NULL. */
const char *trace_vsock_op_name(uint8_t type, unsigned op);
/* Whether op `op` of vsock record type `type` carries bytes. */
bool trace_vsock_has_data(uint8_t type, unsigned op);

/* a of END records. */
enum trace_stop {
	TRACE_STOP_NONE = 0,
	TRACE_STOP_POWEROFF = 1,
	TRACE_STOP_RESET = 2,
	TRACE_STOP_DEBUG_EXIT = 3,
	TRACE_STOP_CRASH = 4,
	TRACE_STOP_SIGNAL = 5,
	TRACE_STOP_QUIT = 6,
	TRACE_STOP_ERROR = 7,
};
#define TRACE_STOP_MAX TRACE_STOP_ERROR

/* One record as found in a trace: payload points into the trace. */
struct trace_rec {
	uint8_t type, a;
	uint16_t b;
	uint32_t len;
	const uint8_t *data;
	uint64_t index;	 /* 0 for the first record after the header */
	uint64_t offset; /* byte offset of the record header in the trace */
};

/* ---- little-endian fields ---- */

static inline uint16_t trace_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t trace_get32(const uint8_t *p)
{
	return (uint32_t)trace_get16(p) | (uint32_t)trace_get16(p + 2) << 16;
}

static inline uint64_t trace_get64(const uint8_t *p)
{
	return (uint64_t)trace_get32(p) | (uint64_t)trace_get32(p + 4) << 32;
}

static inline void trace_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void trace_put32(uint8_t *p, uint32_t v)
{
	trace_put16(p, (uint16_t)v);
	trace_put16(p + 2, (uint16_t)(v >> 16));
}

static inline void trace_put64(uint8_t *p, uint64_t v)
{
	trace_put32(p, (uint32_t)v);
	trace_put32(p + 4, (uint32_t)(v >> 32));
}

/* `size` bytes at p as a little-endian value, and back. */
static inline uint64_t trace_get_le(const uint8_t *p, unsigned size)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < size && i < 8; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static inline void trace_put_le(uint8_t *p, unsigned size, uint64_t v)
{
	for (unsigned i = 0; i < size && i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

#endif
