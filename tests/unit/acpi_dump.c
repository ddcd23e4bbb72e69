/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Write vmm's ACPI tables to files, one per table, for acpi_iasl_test.sh
 * to disassemble with iasl:
 *
 *   acpi_dump DIR NCPUS NDEVS
 *
 * DIR gets rsdp.dat, xsdt.dat, facp.dat, apic.dat and dsdt.dat for NCPUS
 * vCPUs and NDEVS virtio-mmio devices placed as vmm places them (4 KiB
 * slots from LAYOUT_VIRTIO_MMIO, IRQs 5, 6, 7, 9, ...).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/base/layout.h"
#include "vmm/platform/acpi/acpi_tables.h"

static const unsigned dump_irqs[] = {5,	 6,  7,	 9,  10, 11, 13, 14, 15,
				     16, 17, 18, 19, 20, 21, 22, 23};

static int dump_file(const char *dir, const char *name, const uint8_t *p,
		     size_t len)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(p, 1, len, f) != len || fclose(f)) {
		fprintf(stderr, "acpi_dump: %s: %s\n", path, strerror(errno));
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: acpi_dump DIR NCPUS NDEVS\n");
		return 2;
	}
	unsigned ncpus = (unsigned)strtoul(argv[2], NULL, 10);
	unsigned ndevs = (unsigned)strtoul(argv[3], NULL, 10);
	struct acpi_mmio_dev devs[ACPI_MAX_MMIO_DEVS];
	if (ndevs > ACPI_MAX_MMIO_DEVS) {
		fprintf(stderr, "acpi_dump: at most %d devices\n",
			ACPI_MAX_MMIO_DEVS);
		return 2;
	}
	for (unsigned i = 0; i < ndevs; i++)
		devs[i] = (struct acpi_mmio_dev){
		    .base = LAYOUT_VIRTIO_MMIO + 0x1000ULL * i,
		    .size = 0x1000,
		    .irq = dump_irqs[i % (sizeof(dump_irqs) /
					  sizeof(dump_irqs[0]))]};
	const struct acpi_platform p = {
	    .ncpus = ncpus, .mmio = devs, .nmmio = ndevs};
	const size_t cap = LAYOUT_ACPI_END - LAYOUT_ACPI;
	uint8_t *img = malloc(cap);
	struct acpi_layout l;
	int r =
	    img ? acpi_tables_build(&p, LAYOUT_ACPI, img, cap, &l) : -ENOMEM;
	if (r) {
		fprintf(stderr, "acpi_dump: building the tables: %s\n",
			strerror(-r));
		return 1;
	}
#define AT(gpa) (img + ((gpa)-LAYOUT_ACPI))
	int bad = dump_file(argv[1], "rsdp.dat", AT(l.rsdp), 36) |
		  dump_file(argv[1], "xsdt.dat", AT(l.xsdt), l.xsdt_len) |
		  dump_file(argv[1], "facp.dat", AT(l.fadt), l.fadt_len) |
		  dump_file(argv[1], "apic.dat", AT(l.madt), l.madt_len) |
		  dump_file(argv[1], "dsdt.dat", AT(l.dsdt), l.dsdt_len);
	free(img);
	return bad;
}
