/* SPDX-License-Identifier: Apache-2.0 */
/* CLI: the virtio device options --disk, --net, --rng, --console, --eventfd,
 * and --acpi (which decides how the guest learns about the devices). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "devices/virtio/console.h"
#include "devices/virtio/rng.h"
#include "vmm/app/cli.h"

#define BASE "vmm", "--accel", "kvm", "--kernel", "k"

static int parse(struct vm_config *c, char *err, size_t n, int argc,
		 char *const argv[])
{
	return cli_parse(argc, argv, c, err, n);
}

#define PARSE(c, err, ...)                                                     \
	parse(c, err, sizeof(err),                                             \
	      (int)(sizeof((char *const[]){__VA_ARGS__}) / sizeof(char *)),    \
	      (char *const[]){__VA_ARGS__})

static void test_defaults(void **state)
{
	(void)state;
	struct vm_config c;
	char err[256];
	assert_int_equal(PARSE(&c, err, BASE), 0);
	assert_int_equal(c.ndisks, 0);
	assert_int_equal(c.nnets, 0);
	assert_int_equal(c.ndevs, 0);
	assert_true(c.eventfd);
	assert_true(c.acpi);
	assert_false(c.serial_set);
}

static void test_disks(void **state)
{
	(void)state;
	struct vm_config c;
	char err[256];
	assert_int_equal(PARSE(&c, err, BASE, "--disk", "/a.img", "--disk",
			       "/b.img,ro,id=serial-1,direct", "--disk=/c"),
			 0);
	assert_int_equal(c.ndisks, 3);
	assert_string_equal(c.disks[0].path, "/a.img");
	assert_false(c.disks[0].read_only);
	assert_false(c.disks[0].direct);
	assert_string_equal(c.disks[0].id, "");
	assert_string_equal(c.disks[1].path, "/b.img");
	assert_true(c.disks[1].read_only);
	assert_true(c.disks[1].direct);
	assert_string_equal(c.disks[1].id, "serial-1");
	assert_string_equal(c.disks[2].path, "/c");
}

static void test_disk_errors(void **state)
{
	(void)state;
	struct vm_config c;
	char err[256];
	assert_int_equal(PARSE(&c, err, BASE, "--disk", ",ro"), -EINVAL);
	assert_non_null(strstr(err, "--disk"));
	assert_int_equal(PARSE(&c, err, BASE, "--disk", "a,rw"), -EINVAL);
	assert_non_null(strstr(err, "'rw'"));
	assert_int_equal(
	    PARSE(&c, err, BASE, "--disk", "a,id=123456789012345678901"),
	    -EINVAL); /* 21 bytes */
	assert_non_null(strstr(err, "20"));
	assert_int_equal(
	    PARSE(&c, err, BASE, "--disk", "a,id=12345678901234567890"),
	    0); /* exactly 20 */
	assert_int_equal(PARSE(&c, err, BASE, "--disk", "a,id="), -EINVAL);
	char *nine[] = {BASE,	  "--disk", "1",      "--disk", "2",
			"--disk", "3",	    "--disk", "4",	"--disk",
			"5",	  "--disk", "6",      "--disk", "7",
			"--disk", "8",	    "--disk", "9"};
	assert_int_equal(parse(&c, err, sizeof(err), 23, nine), -EINVAL);
	assert_non_null(strstr(err, "at most 8"));
}

static void test_net(void **state)
{
	(void)state;
	struct vm_config c;
	char err[256];
	assert_int_equal(PARSE(&c, err, BASE, "--net", "tap=tap0", "--net",
			       "tap=tap1,mac=52:54:00:AB:cd:0f"),
			 0);
	assert_int_equal(c.nnets, 2);
	assert_string_equal(c.nets[0].tap, "tap0");
	assert_false(c.nets[0].has_mac);
	assert_true(c.nets[1].has_mac);
	const uint8_t mac[6] = {0x52, 0x54, 0x00, 0xab, 0xcd, 0x0f};
	assert_memory_equal(c.nets[1].mac, mac, 6);

	assert_int_equal(PARSE(&c, err, BASE, "--net", "mac=52:54:00:00:00:01"),
			 -EINVAL);
	assert_non_null(strstr(err, "tap=NAME is required"));
	assert_int_equal(
	    PARSE(&c, err, BASE, "--net", "tap=t,mac=01:00:00:00:00:00"),
	    -EINVAL); /* multicast */
	assert_int_equal(
	    PARSE(&c, err, BASE, "--net", "tap=t,mac=52:54:00:00:00"), -EINVAL);
	assert_int_equal(
	    PARSE(&c, err, BASE, "--net", "tap=t,mac=52-54-00-00-00-01"),
	    -EINVAL);
	assert_int_equal(
	    PARSE(&c, err, BASE, "--net", "tap=t,mac=5g:54:00:00:00:01"),
	    -EINVAL);
	assert_int_equal(PARSE(&c, err, BASE, "--net", "tap=0123456789abcdef"),
			 -EINVAL); /* 16 bytes: IFNAMSIZ has no room left */
	assert_int_equal(PARSE(&c, err, BASE, "--net", "tap=t,queues=2"),
			 -EINVAL);
	assert_non_null(strstr(err, "queues=2"));
}

static void test_vsock(void **state)
{
	(void)state;
	struct vm_config c;
	char err[256];
	assert_int_equal(
	    PARSE(&c, err, BASE, "--vsock", "cid=3,uds=/tmp/v.sock"), 0);
	assert_true(c.vsock.on);
	assert_int_equal(c.vsock.cid, 3);
	assert_string_equal(c.vsock.uds_path, "/tmp/v.sock");
	static struct {
		char *arg;
		const char *says;
	} bad[] = {
	    {"cid=2,uds=/v", "reserved"},
	    {"cid=4294967295,uds=/v", "reserved"},
	    {"cid=4294967296,uds=/v", "not a number"},
	    {"cid=-3,uds=/v", "not a number"},
	    {"cid=3x,uds=/v", "not a number"},
	    {"cid=3", "path is required"},
	    {"cid=3,uds=/v,port=1", "unknown option"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(PARSE(&c, err, BASE, "--vsock", bad[i].arg),
				 -EINVAL);
		assert_non_null(strstr(err, bad[i].says));
	}
	char longp[CONFIG_VSOCK_PATH_MAX + 16] = "cid=3,uds=";
	memset(longp + 10, 'a', CONFIG_VSOCK_PATH_MAX);
	assert_int_equal(PARSE(&c, err, BASE, "--vsock", longp), -EINVAL);
	assert_non_null(strstr(err, "at most"));
	assert_int_equal(PARSE(&c, err, BASE, "--vsock", "cid=3,uds=/a",
			       "--vsock", "cid=4,uds=/b"),
			 -EINVAL);
	assert_non_null(strstr(err, "given twice"));
	/* A vsock is recorded like the other devices. */
	assert_int_equal(PARSE(&c, err, BASE, "--vsock", "cid=3,uds=/a",
			       "--record", "/tmp/t"),
			 0);
	assert_true(c.vsock.on);
}

static void test_flags(void **state)
{
	(void)state;
	struct vm_config c;
	char err[256];
	assert_int_equal(PARSE(&c, err, BASE, "--rng", "--console", "--eventfd",
			       "off", "--serial", "none"),
			 0);
	assert_true(config_dev_has(&c, &virtio_rng_type));
	assert_true(config_dev_has(&c, &virtio_console_type));
	assert_false(c.eventfd);
	assert_true(c.serial_set);
	assert_int_equal(PARSE(&c, err, BASE, "--eventfd=maybe"), -EINVAL);
	assert_non_null(strstr(err, "--eventfd"));
	assert_int_equal(PARSE(&c, err, BASE, "--rng=1"), -EINVAL);
}

static void test_acpi(void **state)
{
	(void)state;
	struct vm_config c;
	char err[256];
	assert_int_equal(PARSE(&c, err, BASE, "--acpi", "off"), 0);
	assert_false(c.acpi);
	assert_int_equal(PARSE(&c, err, BASE, "--acpi=off", "--acpi=on"), 0);
	assert_true(c.acpi);
	assert_int_equal(PARSE(&c, err, BASE, "--acpi", "yes"), -EINVAL);
	assert_string_equal(err, "--acpi: 'yes' is not on or off");
	assert_int_equal(PARSE(&c, err, BASE, "--acpi"), -EINVAL);
	assert_non_null(strstr(err, "--acpi needs a value"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults),	cmocka_unit_test(test_disks),
	    cmocka_unit_test(test_disk_errors), cmocka_unit_test(test_net),
	    cmocka_unit_test(test_vsock),	cmocka_unit_test(test_flags),
	    cmocka_unit_test(test_acpi),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
