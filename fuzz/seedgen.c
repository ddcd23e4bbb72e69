/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz-seedgen OUTDIR TRACES: write every corpus's generated seeds as
 * OUTDIR/<target>/seed-<name>, after removing the old seed-* files there
 * (other files, such as kept crashes, are left alone). TRACES is
 * tests/replay/traces. See seedgen.h.
 */
#include "fuzz/seedgen.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <asm/bootparam.h>

#include "tests/support/images.h"
#include "vmm/base/layout.h"

static const char *outdir;

void sb_put(struct sb *s, const void *data, size_t len)
{
	if (s->len + len > s->cap) {
		size_t cap = s->cap ? s->cap : 256;

		while (cap < s->len + len)
			cap *= 2;
		if (!(s->p = realloc(s->p, cap)))
			exit(1);
		s->cap = cap;
	}
	if (len)
		memcpy(s->p + s->len, data ? data : (const void *)"", len);
	s->len += len;
}

void sb_u8(struct sb *s, uint8_t v)
{
	sb_put(s, &v, 1);
}

void sb_u16(struct sb *s, uint16_t v)
{
	sb_u8(s, (uint8_t)v);
	sb_u8(s, (uint8_t)(v >> 8));
}

void sb_u32(struct sb *s, uint32_t v)
{
	sb_u16(s, (uint16_t)v);
	sb_u16(s, (uint16_t)(v >> 16));
}

void sb_u64(struct sb *s, uint64_t v)
{
	sb_u32(s, (uint32_t)v);
	sb_u32(s, (uint32_t)(v >> 32));
}

void sb_str(struct sb *s, const char *str)
{
	sb_put(s, str, strlen(str));
}

void sb_free(struct sb *s)
{
	free(s->p);
	*s = (struct sb){0};
}

/* Remove the seed-* files of a target's directory (creating it). */
static void clean(const char *target)
{
	char path[4096];
	DIR *d;
	struct dirent *e;

	snprintf(path, sizeof(path), "%s/%s", outdir, target);
	if (mkdir(path, 0755) && errno != EEXIST) {
		perror(path);
		exit(1);
	}
	if (!(d = opendir(path)))
		exit(1);
	while ((e = readdir(d))) {
		char f[8192];

		if (strncmp(e->d_name, "seed-", 5))
			continue;
		snprintf(f, sizeof(f), "%s/%s", path, e->d_name);
		unlink(f);
	}
	closedir(d);
}

void seed(const char *target, const char *name, struct sb *s)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/seed-%s", outdir, target, name);
	if (!(f = fopen(path, "wb")) || fwrite(s->p, 1, s->len, f) != s->len ||
	    fclose(f)) {
		perror(path);
		exit(1);
	}
	s->len = 0;
}

/* A NUL-separated argument list for the cli harness. */
static void cli(const char *name, const char *const *args)
{
	struct sb s = {0};

	for (; *args; args++)
		sb_put(&s, *args, strlen(*args) + 1);
	seed("cli", name, &s);
	sb_free(&s);
}

static void seeds_cli(void)
{
#define CLI(name, ...) cli(name, (const char *const[]){__VA_ARGS__, NULL})
	CLI("minimal", "--accel", "kvm", "--kernel", "bzImage");
	CLI("linux", "--accel=kvm", "--kernel=/boot/vmlinuz", "--initrd",
	    "/boot/initrd.img", "--cmdline", "console=ttyS0 root=/dev/vda ro",
	    "--mem", "512", "--cpus", "4");
	CLI("devices", "--accel", "kvm", "--kernel", "vmlinux", "--disk",
	    "root.img,ro,id=root", "--disk", "/dev/sdb,direct", "--disk=d.img",
	    "--net", "tap=tap0,mac=52:54:00:12:34:56", "--net=tap=tap1",
	    "--rng", "--console", "--eventfd", "off");
	CLI("options", "--accel", "kvm", "--kernel", "k", "--serial",
	    "file:/tmp/com1.log", "--on-reset", "restart", "--mem-merge",
	    "--log", "debug", "--mem", "4200", "--cpus=64", "--serial=none");
	CLI("sandbox", "--accel", "kvm", "--kernel", "k", "--seccomp", "on",
	    "--jail", "/var/empty", "--netns", "vmm0", "--uid", "1000",
	    "--gid", "1000");
	CLI("help", "--help");
	CLI("version", "-h", "--version");
	CLI("bad-values", "--accel", "kvm", "--kernel", "k", "--cpus", "0x10",
	    "--mem", "99999999999999999999", "--disk", ",ro", "--net",
	    "mac=01:00:5e:00:00:01,tap=t");
	CLI("bad-flags", "--bogus", "--rng=1", "--", "-x", "--cmdline");
	CLI("too-many", "--accel", "kvm", "--kernel", "k", "--disk", "a",
	    "--disk", "b", "--disk", "c", "--disk", "d", "--disk", "e", "--disk",
	    "f", "--disk", "g", "--disk", "h", "--disk", "i", "--net", "tap=a",
	    "--net", "tap=b", "--net", "tap=c", "--net", "tap=d", "--net",
	    "tap=e");
	CLI("long-names", "--accel", "kvm", "--kernel", "k", "--disk",
	    "x,id=abcdefghijklmnopqrstu", "--net", "tap=abcdefghijklmnop");
#undef CLI
}

static void seeds_cmdline(void)
{
	static const uint32_t irqs[] = {5, 6, 7, 9, 10, 11, 13, 14,
					15, 16, 17, 18, 19, 20, 21, 22};
	struct sb s = {0};

	sb_u8(&s, 1);
	sb_u64(&s, 0xd0000000);
	sb_u32(&s, 5);
	sb_u16(&s, 0xffff);
	sb_str(&s, "console=ttyS0 reboot=k panic=1");
	seed("cmdline", "one", &s);
	sb_u8(&s, 16);
	for (unsigned i = 0; i < 16; i++) {
		sb_u64(&s, 0xd0000000 + 0x1000 * i);
		sb_u32(&s, irqs[i]);
	}
	sb_u16(&s, 0xffff);
	sb_str(&s, "console=hvc0 root=/dev/vda");
	seed("cmdline", "sixteen", &s);
	sb_u8(&s, 3);
	sb_u64(&s, UINT64_MAX);
	sb_u32(&s, UINT32_MAX);
	sb_u64(&s, 0);
	sb_u32(&s, 0);
	sb_u64(&s, 0xd0002000);
	sb_u32(&s, 7);
	sb_u16(&s, 80);
	sb_str(&s, "quiet");
	seed("cmdline", "extremes-too-long", &s);
	sb_u8(&s, 0);
	sb_u16(&s, 0);
	seed("cmdline", "empty", &s);
	sb_free(&s);
}

static void seeds_escape(void)
{
	struct sb s = {0};

	sb_u8(&s, 6);
	sb_str(&s, "hello\n");
	sb_u8(&s, 3);
	sb_str(&s, "\x01" "a\x01");
	sb_u8(&s, 2);
	sb_str(&s, "\x01\x01");
	sb_u8(&s, 1);
	sb_str(&s, "\x01");
	sb_u8(&s, 2);
	sb_str(&s, "xy");
	seed("escape", "typing", &s);
	sb_u8(&s, 3);
	sb_str(&s, "ab\x01");
	sb_u8(&s, 1);
	sb_str(&s, "X");
	seed("escape", "quit-across-reads", &s);
	sb_free(&s);
}

static void seeds_serial(void)
{
	/* ops: 0 write off size val, 1 read off size, 2 push, 3 reset */
	static const uint8_t init[] = {
	    0, 1, 0, 0x00, 0, 3, 0, 0x80, 0, 0, 0, 0x01, 0, 1, 0, 0x00,
	    0, 3, 0, 0x03, 0, 2, 0, 0xc7, 0, 4, 0, 0x0b, 1, 5, 0, 1, 2, 0,
	    0, 1, 0, 0x0f, 0, 0, 0, 'h', 0, 0, 0, 'i', 1, 2, 0, 1, 5, 0,
	    2, 3, 'a', 'b', 'c', 1, 2, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 5, 0,
	    0, 4, 0, 0x1b, 0, 0, 0, 'x', 1, 0, 0, 1, 6, 0, 0, 7, 0, 0x55,
	    1, 7, 0, 1, 2, 1, 2, 0, 3, 0, 3, 2, 0, 0xff, 1, 6, 3, 1, 0, 2};
	struct sb s = {0};

	sb_u8(&s, 0);
	sb_put(&s, init, sizeof(init));
	seed("serial", "linux-init", &s);
	/* rx_space pushes back; 20 bytes into the 16-byte FIFO; loopback
	 * with a full FIFO (overrun), then reads. */
	sb_u8(&s, 1);
	sb_u8(&s, 2);
	sb_u8(&s, 20);
	sb_str(&s, "ABCDEFGHIJKLMNOPQRST");
	sb_put(&s, "\x01\x05\x00\x00\x04\x00\x10\x00\x00\x00\x41\x01\x00"
		   "\x00\x01\x05\x00\x01\x02\x00\x00\x01\x00\x0f\x01\x02"
		   "\x00",
	       27);
	seed("serial", "overrun-loopback", &s);
	sb_free(&s);
}

static void seeds_i8042(void)
{
	/* ops: 0 write off size val, 1 read off size, 2 reset */
	static const uint8_t probe[] = {
	    0, 4, 0, 0x20, 1, 0, 0, 0, 4, 0, 0x60, 0, 0, 0, 0x47,
	    0, 4, 0, 0xaa, 1, 4, 0, 1, 0, 0, 0, 4, 0, 0xab, 1, 0, 0,
	    0, 4, 0, 0xa7, 0, 4, 0, 0xa8, 0, 4, 0, 0xa9, 1, 0, 0,
	    0, 4, 0, 0xad, 0, 4, 0, 0xae, 0, 4, 0, 0xd0, 1, 0, 0,
	    0, 4, 0, 0xd1, 0, 0, 0, 0xdf, 0, 0, 0, 0xf4, 1, 1, 2, 2};
	struct sb s = {0};

	sb_put(&s, probe, sizeof(probe));
	seed("i8042", "linux-probe", &s);
	sb_put(&s, "\x00\x04\x00\xfe\x00\x04\x00\xd1\x00\x00\x00\xfe\x02", 13);
	seed("i8042", "resets", &s);
	sb_free(&s);
}

static void pio_acc(struct sb *s, bool w, uint8_t dev, uint8_t off,
		    uint8_t size, uint64_t val)
{
	sb_u8(s, w ? 0 : 1);
	sb_u8(s, dev);
	sb_u8(s, off);
	sb_u8(s, size);
	sb_u64(s, val);
}

static void seeds_pio(void)
{
	static const int64_t times[] = {1700000000, 0, -1, INT64_MAX,
					253402300799, INT64_MIN};
	struct sb s = {0};

	for (unsigned t = 0; t < sizeof(times) / sizeof(times[0]); t++) {
		char name[32];

		sb_u64(&s, (uint64_t)times[t]);
		for (uint8_t b = 0; b < 2; b++) {
			pio_acc(&s, true, 2, 0, 1, 0x0b);
			pio_acc(&s, true, 2, 1, 1, b ? 0x04 : 0x02);
			for (uint8_t idx = 0; idx < 0x0e; idx++) {
				pio_acc(&s, true, 2, 0, 1, idx);
				pio_acc(&s, false, 2, 1, 1, 0);
			}
			pio_acc(&s, true, 2, 0, 1, 0x32);
			pio_acc(&s, false, 2, 1, 1, 0);
		}
		pio_acc(&s, true, 0, 0, 1, 'A');
		pio_acc(&s, false, 0, 5, 1, 0);
		pio_acc(&s, false, 0, 7, 2, 0);
		pio_acc(&s, true, 1, 4, 1, 0xaa);
		pio_acc(&s, false, 1, 0, 1, 0);
		pio_acc(&s, false, 3, 0, 1, 0);
		pio_acc(&s, true, 3, 0, 4, 0x12345642);
		pio_acc(&s, false, 0, 0, 3, 0);
		pio_acc(&s, true, 4, 1, 1, 0);	  /* ACPI: sleep status */
		pio_acc(&s, true, 4, 2, 1, 0x42); /* ACPI: reset */
		pio_acc(&s, true, 4, 0, 1, 0x34); /* ACPI: S5 */
		pio_acc(&s, false, 4, 3, 1, 0);
		pio_acc(&s, false, 5, 0, 1, 0);	  /* pvpanic: events */
		pio_acc(&s, true, 5, 0, 1, 2);	  /* crash loaded */
		pio_acc(&s, true, 5, 0, 1, 2);
		pio_acc(&s, true, 5, 0, 1, 1);	  /* panicked */
		sb_u8(&s, 1);
		sb_u8(&s, 6);
		sb_u16(&s, 0x80);
		sb_u8(&s, 1);
		sb_u64(&s, 0);
		sb_u8(&s, 2);
		snprintf(name, sizeof(name), "platform%u", t);
		seed("pio", name, &s);
	}
	sb_free(&s);
}

static void img(const char *target, const char *name, uint8_t ram,
		uint8_t pages, uint8_t cmd16, uint8_t *image, size_t len)
{
	struct sb s = {0};

	sb_u8(&s, ram);
	sb_u8(&s, pages);
	sb_u8(&s, cmd16);
	sb_put(&s, image, len);
	seed(target, name, &s);
	sb_free(&s);
	free(image);
}

static void bz(const char *name, uint8_t ram, uint8_t pages, uint8_t cmd16,
	       const struct img_bz_opts *o)
{
	size_t len;
	uint8_t *image = img_bzimage(o, &len);

	if (!image)
		exit(1);
	img("bzimage", name, ram, pages, cmd16, image, len);
}

static void elf(const char *name, uint8_t ram, uint8_t pages, uint8_t cmd16,
		const struct img_elf_opts *o)
{
	size_t len;
	uint8_t *image = img_elf(o, &len, NULL);

	if (!image)
		exit(1);
	img("elf", name, ram, pages, cmd16, image, len);
}

static void seeds_bzimage(void)
{
	struct img_bz_opts o;

	img_bz_defaults(&o);
	o.payload_len = 512;
	bz("small", 0, 0, 2, &o);
	bz("small-initrd-high-ram", 3, 4, 2, &o);
	o.cmdline_size = 16;
	bz("cmdline-too-long", 0, 0, 4, &o);
	img_bz_defaults(&o);
	bz("default", 0, 16, 8, &o);
	o.payload_len = 600;
	o.version = 0x0206;
	o.setup_sects = 0;
	bz("proto206", 1, 2, 1, &o);
	img_bz_defaults(&o);
	o.payload_len = 700;
	o.version = 0x020a;
	o.relocatable = 0;
	o.pref_address = 0x200000;
	o.init_size = 0x100000;
	o.initrd_addr_max = 0x37ffff;
	bz("fixed-init-size", 0, 32, 1, &o);
	img_bz_defaults(&o);
	o.payload_len = 256;
	o.loadflags = 0;
	o.xloadflags = 0;
	bz("not-64bit", 2, 1, 0, &o);
}

static void seeds_elf(void)
{
	struct img_elf_opts o;

	img_elf_defaults(&o);
	o.seg[0].filesz = 256;
	o.seg[0].memsz = 4096;
	elf("linux64", 0, 0, 2, &o);
	o.pvh = true;
	o.pvh_entry = LAYOUT_HIMEM + 0x80;
	elf("pvh", 0, 2, 2, &o);
	o.pvh_desc = 8;
	o.linux_note = true;
	o.note_align = 8;
	elf("pvh-desc8-notes", 3, 1, 1, &o);
	o.nseg = 3;
	o.seg[1] = (struct img_elf_seg){0x110000, 128, 8192};
	o.seg[2] = (struct img_elf_seg){0x180000, 64, 64};
	elf("three-segments", 1, 1, 1, &o);
	o.seg[2].paddr = 0x1ff000;
	o.seg[2].memsz = 0x2000;
	elf("segment-past-ram", 1, 0, 0, &o);
	img_elf_defaults(&o);
	elf("default", 2, 8, 4, &o);
}

int main(int argc, char **argv)
{
	static const char *const targets[] = {
	    "virtqueue",    "virtio_mmio",    "virtio_blk", "virtio_net",
	    "virtio_rng",   "virtio_console", "serial",	    "i8042",
	    "pio",	    "bzimage",	      "elf",	    "cmdline",
	    "cli",	    "escape",	      "trace",	    "trace_text",
	    "replay_blk",   "replay_net",     "replay_rng", "replay_console",
	    "replay_vsock", "state",	      "vm_state",   "arm64_fdt",
	    "arm64_image"};

	if (argc != 3) {
		fprintf(stderr, "usage: %s CORPUS_DIR TRACES_DIR\n", argv[0]);
		return 2;
	}
	outdir = argv[1];
	for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++)
		clean(targets[i]);
	seeds_virtio();
	seeds_serial();
	seeds_i8042();
	seeds_pio();
	seeds_bzimage();
	seeds_elf();
	seeds_cmdline();
	seeds_cli();
	seeds_escape();
	seeds_trace(argv[2]);
	seeds_state();
	seeds_vm_state();
	seeds_arm64();
	return 0;
}
