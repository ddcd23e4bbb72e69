/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fdt_dump DIR: write the aarch64 device tree of each fixed machine below
 * to DIR/<name>.dtb, for tests/unit/fdt_dtc_test.sh (dtc's decompiled
 * trees against the expected ones in tests/unit/arm64_fdt/).
 */
#include <stdio.h>
#include <stdlib.h>

#include "vmm/base/compiler.h"
#include "vmm/platform/arm64/fdt.h"
#include "vmm/platform/arm64/memmap.h"

static const struct arm64_fdt_dev devs[] = {
    {ARM64_VIRTIO_BASE, ARM64_VIRTIO_STRIDE, ARM64_VIRTIO_SPI},
    {ARM64_VIRTIO_BASE + ARM64_VIRTIO_STRIDE, ARM64_VIRTIO_STRIDE,
     ARM64_VIRTIO_SPI + 1},
};

static const struct {
	const char *name;
	struct arm64_fdt_config cfg;
} machines[] = {
    {"gicv3-2cpu-initrd",
     {.ncpus = 2,
      .gic_version = 3,
      .mem_base = ARM64_RAM_BASE,
      .mem_size = 256ull << 20,
      .virtio = devs,
      .nvirtio = 2,
      .bootargs = "console=ttyS0 panic=-1",
      .initrd_start = ARM64_RAM_BASE + (192ull << 20),
      .initrd_size = 0x123000}},
    {"gicv2-1cpu",
     {.ncpus = 1,
      .gic_version = 2,
      .mem_base = ARM64_RAM_BASE,
      .mem_size = 128ull << 20,
      .virtio = devs,
      .nvirtio = 1}},
};

int main(int argc, char **argv)
{
	static unsigned char blob[64 * 1024];
	char err[256], path[4096];
	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	for (size_t i = 0; i < ARRAY_SIZE(machines); i++) {
		long n = arm64_fdt_build(&machines[i].cfg, blob, sizeof(blob),
					 err, sizeof(err));
		if (n <= 0) {
			fprintf(stderr, "fdt_dump: %s: %s\n", machines[i].name,
				err);
			return 1;
		}
		snprintf(path, sizeof(path), "%s/%s.dtb", argv[1],
			 machines[i].name);
		FILE *f = fopen(path, "wb");
		if (!f || fwrite(blob, 1, (size_t)n, f) != (size_t)n ||
		    fclose(f)) {
			perror(path);
			return 1;
		}
		printf("%s\n", machines[i].name);
	}
	return 0;
}
