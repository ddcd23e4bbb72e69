/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The MP table (Intel MultiProcessor Specification 1.4, chapter 4): an MP
 * floating pointer structure in the EBDA pointing at an MP configuration
 * table right after it. Built in a host buffer, checksummed, then copied
 * into guest memory in one gm_write.
 */
#include "vmm/platform/x86/mptable.h"

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "vmm/base/layout.h"

/* The structs below are the guest's little-endian layout; they are written
 * as host bytes, so the host must be little-endian too (it is x86). */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	       "mptable structs are written in host byte order");

/* MP spec 1.4, 4.1, table 4-1: MP floating pointer structure. */
struct mpf {
	char signature[4];   /* "_MP_" */
	uint32_t physptr;    /* configuration table address */
	uint8_t length;	     /* in 16-byte paragraphs: 1 */
	uint8_t spec_rev;    /* 4 for spec 1.4 */
	uint8_t checksum;    /* all 16 bytes sum to 0 */
	uint8_t features[5]; /* 0: config table present, no default config */
};
_Static_assert(sizeof(struct mpf) == 16, "MP spec 1.4 table 4-1");

/* MP spec 1.4, 4.2, table 4-2: configuration table header. */
struct mpc_header {
	char signature[4]; /* "PCMP" */
	uint16_t length;   /* base table length, header included */
	uint8_t spec_rev;
	uint8_t checksum; /* base table sums to 0 */
	char oem_id[8];
	char product_id[12];
	uint32_t oem_table;
	uint16_t oem_table_size;
	uint16_t entry_count;
	uint32_t lapic_addr;
	uint16_t ext_length;
	uint8_t ext_checksum;
	uint8_t reserved;
};
_Static_assert(sizeof(struct mpc_header) == 44, "MP spec 1.4 table 4-2");

/* Entry types, MP spec 1.4 table 4-3. */
enum {
	MPC_PROCESSOR = 0,
	MPC_BUS = 1,
	MPC_IOAPIC = 2,
	MPC_IOINT = 3,
	MPC_LINT = 4,
};

/* MP spec 1.4, 4.3.1, table 4-4: processor entry. */
struct mpc_cpu {
	uint8_t type;
	uint8_t apic_id;
	uint8_t apic_version;
	uint8_t flags;	    /* MPC_CPU_* */
	uint32_t signature; /* CPUID(1).EAX stepping/model/family */
	uint32_t features;  /* CPUID(1).EDX */
	uint32_t reserved[2];
};
_Static_assert(sizeof(struct mpc_cpu) == 20, "MP spec 1.4 table 4-4");

#define MPC_CPU_EN 0x01
#define MPC_CPU_BP 0x02

/* MP spec 1.4, 4.3.2, table 4-5: bus entry. */
struct mpc_bus {
	uint8_t type;
	uint8_t bus_id;
	char bus_type[6]; /* "ISA   " */
};
_Static_assert(sizeof(struct mpc_bus) == 8, "MP spec 1.4 table 4-5");

/* MP spec 1.4, 4.3.3, table 4-7: I/O APIC entry. */
struct mpc_ioapic {
	uint8_t type;
	uint8_t apic_id;
	uint8_t apic_version;
	uint8_t flags; /* bit 0: enabled */
	uint32_t addr;
};
_Static_assert(sizeof(struct mpc_ioapic) == 8, "MP spec 1.4 table 4-7");

/* MP spec 1.4, 4.3.4 and 4.3.5, tables 4-8 and 4-11: I/O and local
 * interrupt assignment entries share one layout. */
struct mpc_irq {
	uint8_t type;	  /* MPC_IOINT or MPC_LINT */
	uint8_t irq_type; /* MP_INT_* */
	uint16_t flags;	  /* polarity bits 1:0, trigger bits 3:2 */
	uint8_t src_bus;
	uint8_t src_irq;
	uint8_t dst_apic; /* I/O APIC id, or local APIC id (0xff: all) */
	uint8_t dst_pin;  /* I/O APIC INTIN#, or LINTIN# */
};
_Static_assert(sizeof(struct mpc_irq) == 8, "MP spec 1.4 tables 4-8/4-11");

/* Interrupt types, MP spec 1.4 table 4-9. */
#define MP_INT_INT	0
#define MP_INT_NMI	1
#define MP_INT_EXTINT	3
#define MP_IRQ_CONFORMS 0 /* polarity and trigger conform to the bus */

#define MP_LAPIC_VERSION  0x14 /* integrated xAPIC, as KVM's local APIC */
#define MP_IOAPIC_VERSION 0x11 /* KVM's in-kernel IO-APIC */
/* Every IO-APIC pin gets an entry, source IRQ n -> pin n: 0-15 are the ISA
 * IRQs, 16-23 serve virtio-mmio devices (KVM's IO-APIC has 24 pins). */
#define MP_IOAPIC_PINS 24
#define MP_ALL_LAPICS  0xff
/* Family 6, model/stepping 0; CPUID(1).EDX FPU and APIC. */
#define MP_CPU_SIGNATURE 0x600
#define MP_CPU_FEATURES	 ((1u << 0) | (1u << 9))

#define MP_FIXED_SIZE                                                          \
	(sizeof(struct mpf) + sizeof(struct mpc_header) +                      \
	 sizeof(struct mpc_bus) + sizeof(struct mpc_ioapic) +                  \
	 (MP_IOAPIC_PINS + 2) * sizeof(struct mpc_irq))
#define MP_AREA (LAYOUT_EBDA_END - LAYOUT_EBDA)

_Static_assert(MP_FIXED_SIZE == 284 && sizeof(struct mpc_cpu) == 20,
	       "MPTABLE_MAX_CPUS in mptable.h assumes these sizes");
_Static_assert(MP_FIXED_SIZE + MPTABLE_MAX_CPUS * sizeof(struct mpc_cpu) <=
		   MP_AREA,
	       "MPTABLE_MAX_CPUS CPUs do not fit in the EBDA");
_Static_assert(MP_FIXED_SIZE + (MPTABLE_MAX_CPUS + 1) * sizeof(struct mpc_cpu) >
		   MP_AREA,
	       "MPTABLE_MAX_CPUS is below what fits in the EBDA");
/* The IO-APIC takes id ncpus, which must stay below the broadcast 0xff. */
_Static_assert(MPTABLE_MAX_CPUS < MP_ALL_LAPICS, "IO-APIC id overflow");

/* The byte that makes buf[0..len) sum to 0 (mod 256) once stored. */
static uint8_t mptable_fix_checksum(const uint8_t *buf, size_t len)
{
	uint8_t sum = 0;
	for (size_t i = 0; i < len; i++)
		sum = (uint8_t)(sum + buf[i]);
	return (uint8_t)-sum;
}

static void mptable_add_irq(uint8_t *buf, size_t *off, uint8_t type,
			    uint8_t irq_type, uint8_t src_irq, uint8_t dst_apic,
			    uint8_t dst_pin)
{
	struct mpc_irq e = {
	    .type = type,
	    .irq_type = irq_type,
	    .flags = MP_IRQ_CONFORMS,
	    .src_bus = 0,
	    .src_irq = src_irq,
	    .dst_apic = dst_apic,
	    .dst_pin = dst_pin,
	};
	memcpy(buf + *off, &e, sizeof(e));
	*off += sizeof(e);
}

/* Fill the configuration table at buf (entries then header); returns its
 * length. The caller has checked that it fits. */
static size_t mptable_build_config(uint8_t *buf, unsigned ncpus)
{
	size_t off = sizeof(struct mpc_header);
	uint8_t ioapic_id = (uint8_t)ncpus;

	for (unsigned i = 0; i < ncpus; i++) {
		struct mpc_cpu cpu = {
		    .type = MPC_PROCESSOR,
		    .apic_id = (uint8_t)i,
		    .apic_version = MP_LAPIC_VERSION,
		    .flags = MPC_CPU_EN | (i == 0 ? MPC_CPU_BP : 0),
		    .signature = MP_CPU_SIGNATURE,
		    .features = MP_CPU_FEATURES,
		};
		memcpy(buf + off, &cpu, sizeof(cpu));
		off += sizeof(cpu);
	}

	struct mpc_bus bus = {.type = MPC_BUS, .bus_id = 0};
	memcpy(bus.bus_type, "ISA   ", sizeof(bus.bus_type));
	memcpy(buf + off, &bus, sizeof(bus));
	off += sizeof(bus);

	struct mpc_ioapic ioapic = {
	    .type = MPC_IOAPIC,
	    .apic_id = ioapic_id,
	    .apic_version = MP_IOAPIC_VERSION,
	    .flags = 1,
	    .addr = (uint32_t)LAYOUT_IOAPIC,
	};
	memcpy(buf + off, &ioapic, sizeof(ioapic));
	off += sizeof(ioapic);

	/* IRQ n -> IO-APIC pin n, as KVM's default GSI routing. */
	for (uint8_t irq = 0; irq < MP_IOAPIC_PINS; irq++)
		mptable_add_irq(buf, &off, MPC_IOINT, MP_INT_INT, irq,
				ioapic_id, irq);
	/* Virtual wire: the PIC on LINT0, NMI on LINT1 of every CPU. */
	mptable_add_irq(buf, &off, MPC_LINT, MP_INT_EXTINT, 0, MP_ALL_LAPICS,
			0);
	mptable_add_irq(buf, &off, MPC_LINT, MP_INT_NMI, 0, MP_ALL_LAPICS, 1);

	struct mpc_header hdr = {
	    .length = (uint16_t)off,
	    .spec_rev = 4,
	    .entry_count = (uint16_t)(ncpus + 1 + 1 + MP_IOAPIC_PINS + 2),
	    .lapic_addr = (uint32_t)LAYOUT_LAPIC,
	};
	memcpy(hdr.signature, "PCMP", sizeof(hdr.signature));
	memcpy(hdr.oem_id, "VMM     ", sizeof(hdr.oem_id));
	memcpy(hdr.product_id, "VMM         ", sizeof(hdr.product_id));
	memcpy(buf, &hdr, sizeof(hdr));
	buf[offsetof(struct mpc_header, checksum)] =
	    mptable_fix_checksum(buf, off);
	return off;
}

int mptable_write(const struct guest_mem *gm, unsigned ncpus)
{
	/* 0x40e: real-mode segment of the EBDA, where guests look first. */
	const uint64_t bda_ebda = 0x40e;
	uint16_t ebda_seg = (uint16_t)(LAYOUT_EBDA >> 4);
	uint8_t buf[MP_AREA];

	if (ncpus == 0 || ncpus > MPTABLE_MAX_CPUS)
		return -EINVAL;
	size_t total = MP_FIXED_SIZE + ncpus * sizeof(struct mpc_cpu);
	/* Check both ranges first so a failure writes nothing. */
	if (!gm_range_ok(gm, LAYOUT_EBDA, total) ||
	    !gm_range_ok(gm, bda_ebda, sizeof(ebda_seg)))
		return -EFAULT;

	memset(buf, 0, sizeof(buf));
	size_t cfg_len = mptable_build_config(buf + sizeof(struct mpf), ncpus);
	if (sizeof(struct mpf) + cfg_len != total)
		return -EINVAL; /* unreachable: the sizes above disagree */

	struct mpf mpf = {
	    .physptr = (uint32_t)(LAYOUT_EBDA + sizeof(struct mpf)),
	    .length = 1,
	    .spec_rev = 4,
	};
	memcpy(mpf.signature, "_MP_", sizeof(mpf.signature));
	memcpy(buf, &mpf, sizeof(mpf));
	buf[offsetof(struct mpf, checksum)] =
	    mptable_fix_checksum(buf, sizeof(mpf));

	int r = gm_write(gm, LAYOUT_EBDA, buf, total);
	if (r)
		return r;
	return gm_write(gm, bda_ebda, &ebda_seg, sizeof(ebda_seg));
}
