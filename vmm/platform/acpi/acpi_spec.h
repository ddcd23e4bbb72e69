/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The ACPI table layouts vmm writes, from the ACPI Specification 6.5
 * (section numbers below). No system header carries them for userspace,
 * so each is defined here once, packed, with static asserts on its size
 * and on the offsets the spec gives. All fields are little-endian; the
 * structs are written as host bytes, so the host must be little-endian.
 */
#ifndef VMM_ACPI_ACPI_SPEC_H
#define VMM_ACPI_ACPI_SPEC_H

#include <stddef.h>
#include <stdint.h>

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	       "ACPI structs are written in host byte order");

#define ACPI_PACKED __attribute__((packed))

/* 5.2.3.2 Generic Address Structure. */
struct acpi_gas {
	uint8_t space_id; /* ACPI_GAS_* */
	uint8_t bit_width;
	uint8_t bit_offset;
	uint8_t access_size; /* ACPI_GAS_ACCESS_* */
	uint64_t address;
} ACPI_PACKED;
_Static_assert(sizeof(struct acpi_gas) == 12, "ACPI 6.5 5.2.3.2");

#define ACPI_GAS_SYSTEM_IO   1
#define ACPI_GAS_ACCESS_BYTE 1

/* 5.2.5.3 Root System Description Pointer (revision 2). */
struct acpi_rsdp {
	char signature[8]; /* "RSD PTR " */
	uint8_t checksum;  /* the first 20 bytes sum to 0 */
	char oem_id[6];
	uint8_t revision;      /* 2: XsdtAddress and the fields after it */
	uint32_t rsdt_address; /* 0: vmm gives an XSDT only */
	uint32_t length;       /* 36 */
	uint64_t xsdt_address;
	uint8_t ext_checksum; /* all 36 bytes sum to 0 */
	uint8_t reserved[3];
} ACPI_PACKED;
_Static_assert(sizeof(struct acpi_rsdp) == 36, "ACPI 6.5 5.2.5.3");
_Static_assert(offsetof(struct acpi_rsdp, length) == 20, "ACPI 6.5 5.2.5.3");
_Static_assert(offsetof(struct acpi_rsdp, xsdt_address) == 24,
	       "ACPI 6.5 5.2.5.3");

#define ACPI_RSDP_V1_LEN 20 /* what the first checksum covers */

/* 5.2.6 System Description Table Header. */
struct acpi_header {
	char signature[4];
	uint32_t length; /* the whole table, header included */
	uint8_t revision;
	uint8_t checksum; /* the whole table sums to 0 */
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	char creator_id[4];
	uint32_t creator_revision;
} ACPI_PACKED;
_Static_assert(sizeof(struct acpi_header) == 36, "ACPI 6.5 5.2.6");
_Static_assert(offsetof(struct acpi_header, checksum) == 9, "ACPI 6.5 5.2.6");

/* 5.2.9 Fixed ACPI Description Table (FADT revision 6). */
struct acpi_fadt {
	struct acpi_header h; /* "FACP" */
	uint32_t firmware_ctrl;
	uint32_t dsdt;
	uint8_t reserved0;
	uint8_t preferred_pm_profile;
	uint16_t sci_int;
	uint32_t smi_cmd;
	uint8_t acpi_enable, acpi_disable, s4bios_req, pstate_cnt;
	uint32_t pm1a_evt_blk, pm1b_evt_blk, pm1a_cnt_blk, pm1b_cnt_blk;
	uint32_t pm2_cnt_blk, pm_tmr_blk, gpe0_blk, gpe1_blk;
	uint8_t pm1_evt_len, pm1_cnt_len, pm2_cnt_len, pm_tmr_len;
	uint8_t gpe0_blk_len, gpe1_blk_len, gpe1_base, cst_cnt;
	uint16_t p_lvl2_lat, p_lvl3_lat, flush_size, flush_stride;
	uint8_t duty_offset, duty_width, day_alrm, mon_alrm, century;
	uint16_t iapc_boot_arch; /* ACPI_FADT_BOOT_* */
	uint8_t reserved1;
	uint32_t flags; /* ACPI_FADT_F_* */
	struct acpi_gas reset_reg;
	uint8_t reset_value;
	uint16_t arm_boot_arch;
	uint8_t minor_version;
	uint64_t x_firmware_ctrl;
	uint64_t x_dsdt;
	struct acpi_gas x_pm1a_evt_blk, x_pm1b_evt_blk;
	struct acpi_gas x_pm1a_cnt_blk, x_pm1b_cnt_blk;
	struct acpi_gas x_pm2_cnt_blk, x_pm_tmr_blk;
	struct acpi_gas x_gpe0_blk, x_gpe1_blk;
	struct acpi_gas sleep_control_reg, sleep_status_reg;
	uint64_t hypervisor_vendor_id;
} ACPI_PACKED;
_Static_assert(sizeof(struct acpi_fadt) == 276, "ACPI 6.5 5.2.9");
_Static_assert(offsetof(struct acpi_fadt, dsdt) == 40, "ACPI 6.5 5.2.9");
_Static_assert(offsetof(struct acpi_fadt, century) == 108, "ACPI 6.5 5.2.9");
_Static_assert(offsetof(struct acpi_fadt, iapc_boot_arch) == 109,
	       "ACPI 6.5 5.2.9");
_Static_assert(offsetof(struct acpi_fadt, flags) == 112, "ACPI 6.5 5.2.9");
_Static_assert(offsetof(struct acpi_fadt, reset_reg) == 116, "ACPI 6.5 5.2.9");
_Static_assert(offsetof(struct acpi_fadt, reset_value) == 128,
	       "ACPI 6.5 5.2.9");
_Static_assert(offsetof(struct acpi_fadt, minor_version) == 131,
	       "ACPI 6.5 5.2.9");
_Static_assert(offsetof(struct acpi_fadt, x_dsdt) == 140, "ACPI 6.5 5.2.9");
_Static_assert(offsetof(struct acpi_fadt, sleep_control_reg) == 244,
	       "ACPI 6.5 5.2.9");
_Static_assert(offsetof(struct acpi_fadt, sleep_status_reg) == 256,
	       "ACPI 6.5 5.2.9");
_Static_assert(offsetof(struct acpi_fadt, hypervisor_vendor_id) == 268,
	       "ACPI 6.5 5.2.9");

/* 5.2.9.3 IA-PC Boot Architecture Flags. */
#define ACPI_FADT_BOOT_LEGACY_DEVICES (1u << 0)
#define ACPI_FADT_BOOT_8042	      (1u << 1)
#define ACPI_FADT_BOOT_NO_VGA	      (1u << 2)
#define ACPI_FADT_BOOT_NO_MSI	      (1u << 3)
#define ACPI_FADT_BOOT_NO_ASPM	      (1u << 4)

/* 5.2.9 Fixed ACPI Description Table Fixed Feature Flags. */
#define ACPI_FADT_F_WBINVD	    (1u << 0)
#define ACPI_FADT_F_PWR_BUTTON	    (1u << 4) /* no fixed power button */
#define ACPI_FADT_F_SLP_BUTTON	    (1u << 5) /* no fixed sleep button */
#define ACPI_FADT_F_RESET_REG_SUP   (1u << 10)
#define ACPI_FADT_F_HW_REDUCED_ACPI (1u << 20)

/* 5.2.12 Multiple APIC Description Table: the header, then entries. */
struct acpi_madt {
	struct acpi_header h; /* "APIC" */
	uint32_t lapic_address;
	uint32_t flags; /* ACPI_MADT_PCAT_COMPAT */
} ACPI_PACKED;
_Static_assert(sizeof(struct acpi_madt) == 44, "ACPI 6.5 5.2.12");

#define ACPI_MADT_PCAT_COMPAT (1u << 0) /* there are 8259 PICs too */

enum {
	ACPI_MADT_LAPIC = 0,
	ACPI_MADT_IOAPIC = 1,
	ACPI_MADT_LAPIC_NMI = 4,
};

/* 5.2.12.2 Processor Local APIC Structure. */
struct acpi_madt_lapic {
	uint8_t type, length; /* ACPI_MADT_LAPIC, 8 */
	uint8_t processor_uid;
	uint8_t apic_id;
	uint32_t flags; /* ACPI_MADT_ENABLED */
} ACPI_PACKED;
_Static_assert(sizeof(struct acpi_madt_lapic) == 8, "ACPI 6.5 5.2.12.2");

#define ACPI_MADT_ENABLED (1u << 0)

/* 5.2.12.3 I/O APIC Structure. */
struct acpi_madt_ioapic {
	uint8_t type, length; /* ACPI_MADT_IOAPIC, 12 */
	uint8_t ioapic_id;
	uint8_t reserved;
	uint32_t address;
	uint32_t gsi_base;
} ACPI_PACKED;
_Static_assert(sizeof(struct acpi_madt_ioapic) == 12, "ACPI 6.5 5.2.12.3");

/* 5.2.12.7 Local APIC NMI Structure. */
struct acpi_madt_lapic_nmi {
	uint8_t type, length;  /* ACPI_MADT_LAPIC_NMI, 6 */
	uint8_t processor_uid; /* 0xff: all processors */
	uint16_t flags;	       /* MPS INTI flags; 0: conforms to the bus */
	uint8_t lint;	       /* LINTn# */
} ACPI_PACKED;
_Static_assert(sizeof(struct acpi_madt_lapic_nmi) == 6, "ACPI 6.5 5.2.12.7");

#define ACPI_ALL_PROCESSORS 0xff

#endif
