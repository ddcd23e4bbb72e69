/* SPDX-License-Identifier: Apache-2.0 */
/* host_open: images read once, console routing, disks, taps, cleanup. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "devices/virtio/console.h"
#include "tests/support/test_util.h"
#include "vmm/app/cli.h"
#include "vmm/vm/host.h"

static char kernel_path[256], disk_path[256];

static int setup(void **state)
{
	(void)state;
	tu_write_temp("KERNEL", 6, kernel_path, sizeof(kernel_path));
	static const uint8_t zero[4096];
	tu_write_temp(zero, sizeof(zero), disk_path, sizeof(disk_path));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(kernel_path);
	unlink(disk_path);
	return 0;
}

static void base_config(struct vm_config *c)
{
	cli_defaults(c);
	c->accel = "kvm";
	c->kernel = kernel_path;
}

static void test_kernel_and_stdio(void **state)
{
	(void)state;
	struct vm_config c;
	struct vm_host h;
	struct file_ids ids;
	char err[256];
	base_config(&c);
	assert_int_equal(host_open(&c, &h, &ids, err, sizeof(err)), 0);
	assert_int_equal(h.kernel_len, 6);
	assert_memory_equal(h.kernel, "KERNEL", 6);
	assert_null(h.initrd);
	assert_int_equal(h.serial_out_fd, STDOUT_FILENO);
	assert_int_equal(h.console_out_fd, -1);
	assert_int_equal(h.disk_fds[0], -1);
	host_close(&h);
	assert_null(h.kernel);
	host_close(&h); /* twice is fine */
}

static void test_missing_files(void **state)
{
	(void)state;
	struct vm_config c;
	struct vm_host h;
	struct file_ids ids;
	char err[256];
	base_config(&c);
	c.kernel = "/nonexistent/vmlinux";
	assert_int_equal(host_open(&c, &h, &ids, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "--kernel /nonexistent/vmlinux"));
	base_config(&c);
	c.initrd = "/nonexistent/initrd";
	assert_int_equal(host_open(&c, &h, &ids, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "--initrd /nonexistent/initrd"));
	assert_null(h.kernel); /* the kernel read first was released */
	base_config(&c);
	c.ndisks = 1;
	strcpy(c.disks[0].path, "/nonexistent/disk.img");
	assert_int_equal(host_open(&c, &h, &ids, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "--disk /nonexistent/disk.img"));
}

static void test_console_routing(void **state)
{
	(void)state;
	struct vm_config c;
	struct vm_host h;
	struct file_ids ids;
	char err[256];
	/* --console alone: stdio belongs to the virtio console. */
	base_config(&c);
	assert_int_equal(config_dev_add(&c, &virtio_console_type), 0);
	assert_int_equal(host_open(&c, &h, &ids, err, sizeof(err)), 0);
	assert_int_equal(h.console_out_fd, STDOUT_FILENO);
	assert_int_equal(h.serial_out_fd, -1);
	host_close(&h);

	/* --console with --serial file:PATH: COM1 to the file. */
	char out[256];
	tu_write_temp("old", 3, out, sizeof(out));
	base_config(&c);
	assert_int_equal(config_dev_add(&c, &virtio_console_type), 0);
	c.serial = SERIAL_FILE;
	c.serial_set = true;
	c.serial_path = out;
	assert_int_equal(host_open(&c, &h, &ids, err, sizeof(err)), 0);
	assert_true(h.serial_out_fd > STDERR_FILENO);
	assert_int_equal(h.console_out_fd, STDOUT_FILENO);
	/* Emptied only once the run's checks passed. */
	assert_int_equal(lseek(h.serial_out_fd, 0, SEEK_END), 3);
	assert_int_equal(host_commit_outputs(&h, err, sizeof(err)), 0);
	assert_int_equal(lseek(h.serial_out_fd, 0, SEEK_END), 0);
	host_close(&h);
	unlink(out);

	/* --serial none: no COM1 output and no input for it. */
	base_config(&c);
	c.serial = SERIAL_NONE;
	assert_int_equal(host_open(&c, &h, &ids, err, sizeof(err)), 0);
	assert_int_equal(h.serial_out_fd, -1);
	assert_int_equal(h.serial_in_fd, -1);
	host_close(&h);
}

static void test_disk_modes_and_lock(void **state)
{
	(void)state;
	struct vm_config c;
	struct vm_host h, h2;
	struct file_ids ids, ids2;
	char err[256];
	base_config(&c);
	c.ndisks = 1;
	strcpy(c.disks[0].path, disk_path);
	assert_int_equal(host_open(&c, &h, &ids, err, sizeof(err)), 0);
	int fl = fcntl(h.disk_fds[0], F_GETFL);
	assert_int_equal(fl & O_ACCMODE, O_RDWR);
	assert_false(fl & O_NONBLOCK);
	/* A second writer of the same image is refused, naming it. */
	assert_int_equal(host_open(&c, &h2, &ids2, err, sizeof(err)),
			 -EWOULDBLOCK);
	assert_non_null(strstr(err, disk_path));
	assert_non_null(strstr(err, "another VM"));
	assert_null(h2.kernel);
	host_close(&h);

	/* Read-only users share the image. */
	c.disks[0].read_only = true;
	assert_int_equal(host_open(&c, &h, &ids, err, sizeof(err)), 0);
	assert_int_equal(fcntl(h.disk_fds[0], F_GETFL) & O_ACCMODE, O_RDONLY);
	assert_int_equal(host_open(&c, &h2, &ids2, err, sizeof(err)), 0);
	host_close(&h2);
	host_close(&h);
}

/* The same image twice (by another path too) is refused as such, not
 * blamed on another VM; read-only twice is harmless. */
static void test_disk_given_twice(void **state)
{
	(void)state;
	struct vm_config c;
	struct vm_host h;
	struct file_ids ids;
	char err[256], link[300];
	snprintf(link, sizeof(link), "%s.lnk", disk_path);
	assert_int_equal(symlink(disk_path, link), 0);
	base_config(&c);
	c.ndisks = 2;
	strcpy(c.disks[0].path, disk_path);
	strcpy(c.disks[1].path, link);
	assert_int_equal(host_open(&c, &h, &ids, err, sizeof(err)), -EEXIST);
	assert_non_null(strstr(err, "given twice"));
	assert_non_null(strstr(err, link));
	assert_null(strstr(err, "another VM"));
	c.disks[1].read_only = true; /* one writer, one reader: still twice */
	assert_int_equal(host_open(&c, &h, &ids, err, sizeof(err)), -EEXIST);
	c.disks[0].read_only = true;
	assert_int_equal(host_open(&c, &h, &ids, err, sizeof(err)), 0);
	host_close(&h);
	unlink(link);
}

/* An image with no whole sector is refused. */
static void test_disk_too_small(void **state)
{
	(void)state;
	struct vm_config c;
	struct vm_host h;
	struct file_ids ids;
	char err[256], empty[256];
	tu_write_temp("", 0, empty, sizeof(empty));
	base_config(&c);
	c.ndisks = 1;
	strcpy(c.disks[0].path, empty);
	assert_int_equal(host_open(&c, &h, &ids, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "is 0 bytes"));
	assert_non_null(strstr(err, empty));
	unlink(empty);
}

/* --serial file: never overwrites an input of the run or a file another
 * VM holds, and does not block on a FIFO without a reader. */
static void test_serial_output_guarded(void **state)
{
	(void)state;
	struct vm_config c;
	struct vm_host h;
	struct file_ids ids;
	char err[256], fifo[300];
	uint8_t buf[6];

	base_config(&c);
	c.serial = SERIAL_FILE;
	c.serial_path = kernel_path; /* the kernel itself */
	assert_int_equal(host_open(&c, &h, &ids, err, sizeof(err)), -EEXIST);
	assert_non_null(strstr(err, "--serial file:"));
	assert_non_null(strstr(err, "same file as --kernel"));
	c.ndisks = 1; /* the disk */
	strcpy(c.disks[0].path, disk_path);
	c.serial_path = disk_path;
	assert_int_equal(host_open(&c, &h, &ids, err, sizeof(err)), -EEXIST);
	assert_non_null(strstr(err, "same file as --disk"));

	/* Another VM's disk: locked by another open file description. */
	int other = open(disk_path, O_RDWR);
	assert_true(other >= 0);
	assert_int_equal(flock(other, LOCK_EX), 0);
	base_config(&c);
	c.serial = SERIAL_FILE;
	c.serial_path = disk_path;
	assert_int_equal(host_open(&c, &h, &ids, err, sizeof(err)),
			 -EWOULDBLOCK);
	assert_non_null(strstr(err, "another VM"));
	close(other);

	snprintf(fifo, sizeof(fifo), "%s.fifo", disk_path);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	c.serial_path = fifo;
	assert_int_equal(host_open(&c, &h, &ids, err, sizeof(err)), -ENXIO);
	assert_non_null(strstr(err, "no reader"));
	unlink(fifo);

	/* Nothing was written to the files it refused. */
	int fd = open(kernel_path, O_RDONLY);
	assert_int_equal(read(fd, buf, sizeof(buf)), 6);
	assert_memory_equal(buf, "KERNEL", 6);
	close(fd);
	struct stat st;
	assert_int_equal(stat(disk_path, &st), 0);
	assert_int_equal(st.st_size, 4096);
}

static void test_missing_tap(void **state)
{
	(void)state;
	struct vm_config c;
	struct vm_host h;
	struct file_ids ids;
	char err[256];
	base_config(&c);
	c.nnets = 1;
	strcpy(c.nets[0].tap, "vmmnotap9");
	assert_true(host_open(&c, &h, &ids, err, sizeof(err)) < 0);
	assert_non_null(strstr(err, "--net tap=vmmnotap9"));
	assert_null(h.kernel);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_kernel_and_stdio),
	    cmocka_unit_test(test_missing_files),
	    cmocka_unit_test(test_console_routing),
	    cmocka_unit_test(test_disk_modes_and_lock),
	    cmocka_unit_test(test_missing_tap),
	    cmocka_unit_test(test_disk_given_twice),
	    cmocka_unit_test(test_disk_too_small),
	    cmocka_unit_test(test_serial_output_guarded),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
