/* SPDX-License-Identifier: Apache-2.0 */
/* --config-file's parser (api_file_parse): a full Firecracker file gives
 * the machine it describes; every kind of error is one line naming the
 * file and where (line and column, or the JSON pointer of the member). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "devices/virtio/rng.h"
#include "vmm/api/api_file.h"
#include "vmm/app/cli.h"

struct fx {
	struct vm_config base;
	struct api_config ac;
	char err[512];
};

static int parse(struct fx *f, const char *text)
{
	cli_defaults(&f->base);
	api_config_init(&f->ac, &f->base);
	f->err[0] = '\0';
	return api_file_parse(&f->ac, "vm.json", text, strlen(text), f->err,
			      sizeof(f->err));
}

/* err is one line and holds each of the texts. */
static void says(const struct fx *f, const char *a, const char *b)
{
	assert_null(strchr(f->err, '\n'));
	assert_non_null(strstr(f->err, "--config-file vm.json: "));
	assert_non_null(strstr(f->err, a));
	if (b)
		assert_non_null(strstr(f->err, b));
}

static void test_full_file(void **state)
{
	(void)state;
	struct fx *f = test_calloc(1, sizeof(*f));
	assert_int_equal(
	    parse(f, "{\"boot-source\": {\"kernel_image_path\": \"/k\", "
		     "\"boot_args\": \"console=ttyS0\", \"initrd_path\": "
		     "\"/i\"},"
		     " \"machine-config\": {\"vcpu_count\": 2, "
		     "\"mem_size_mib\": 256, \"smt\": false},"
		     " \"drives\": [{\"drive_id\": \"rootfs\", "
		     "\"path_on_host\": \"/r.img\", \"is_root_device\": true, "
		     "\"is_read_only\": true}, {\"drive_id\": \"data\", "
		     "\"path_on_host\": \"/d.img\", \"is_root_device\": "
		     "false}],"
		     " \"network-interfaces\": [{\"iface_id\": \"eth0\", "
		     "\"host_dev_name\": \"tap0\", \"guest_mac\": "
		     "\"06:00:ac:10:00:02\"}],"
		     " \"entropy\": {}, \"logger\": null, \"metrics\": null,"
		     " \"vsock\": null}"),
	    0);
	const struct vm_config *c = &f->ac.cfg;
	assert_string_equal(c->kernel, "/k");
	assert_string_equal(c->initrd, "/i");
	assert_int_equal(c->cpus, 2);
	assert_int_equal(c->mem_mib, 256);
	assert_int_equal(c->ndisks, 2);
	assert_string_equal(c->disks[0].path, "/r.img"); /* root first */
	assert_true(c->disks[0].read_only);
	assert_int_equal(c->nnets, 1);
	assert_string_equal(c->nets[0].tap, "tap0");
	assert_true(config_dev_has(c, &virtio_rng_type));
	assert_non_null(strstr(c->cmdline, "console=ttyS0"));
	assert_non_null(strstr(c->cmdline, "root=/dev/vda ro"));
	assert_null(c->metrics_path); /* "metrics": null */
	assert_false(c->vsock.on);    /* "vsock": null */
	test_free(f);
}

static void test_vsock_member(void **state)
{
	(void)state;
	struct fx *f = test_calloc(1, sizeof(*f));
	assert_int_equal(
	    parse(f, "{\"boot-source\": {\"kernel_image_path\": \"/k\"},"
		     " \"vsock\": {\"guest_cid\": 3, \"uds_path\": "
		     "\"/tmp/v.sock\", \"vsock_id\": \"1\"}}"),
	    0);
	assert_true(f->ac.cfg.vsock.on);
	assert_int_equal(f->ac.cfg.vsock.cid, 3);
	assert_string_equal(f->ac.cfg.vsock.uds_path, "/tmp/v.sock");
	assert_int_equal(parse(f, "{\"boot-source\": {\"kernel_image_path\":"
				  " \"/k\"}, \"vsock\": {\"guest_cid\": 1,"
				  " \"uds_path\": \"/v\"}}"),
			 -EINVAL);
	assert_non_null(strstr(f->err, "/vsock"));
	assert_non_null(strstr(f->err, "guest_cid"));
	test_free(f);
}

/* "metrics": its PUT's checks; null leaves it off. */
static void test_metrics(void **state)
{
	(void)state;
	struct fx *f = test_calloc(1, sizeof(*f));
	assert_int_equal(
	    parse(f, "{\"boot-source\": {\"kernel_image_path\": \"/k\"}, "
		     "\"metrics\": {\"metrics_path\": \"/tmp/m.json\"}}"),
	    0);
	assert_string_equal(f->ac.cfg.metrics_path, "/tmp/m.json");
	assert_int_equal(parse(f, "{\"metrics\": {\"path\": \"/m\"}}"),
			 -EINVAL);
	says(f, "/metrics: ", "path");
	assert_int_equal(parse(f, "{\"metrics\": 3}"), -EINVAL);
	says(f, "/metrics: ", NULL);
	test_free(f);
}

/* "logger": its PUT's checks (api_logger.h). */
static void test_logger(void **state)
{
	(void)state;
	struct fx *f = test_calloc(1, sizeof(*f));
	assert_int_equal(
	    parse(f, "{\"boot-source\": {\"kernel_image_path\": \"/k\"}, "
		     "\"logger\": {\"log_path\": \"/tmp/l.log\", \"level\": "
		     "\"Debug\", \"show_level\": true}}"),
	    0);
	assert_string_equal(f->ac.cfg.log_path, "/tmp/l.log");
	assert_int_equal(f->ac.cfg.log_level, LOG_DEBUG);
	assert_true(f->ac.cfg.log_show_level);
	test_free(f);
}

static void test_errors(void **state)
{
	(void)state;
	struct fx *f = test_calloc(1, sizeof(*f));
	assert_int_equal(parse(f, "{\n  \"boot-source\": {,}\n}"), -EINVAL);
	says(f, "line 2, column", NULL);
	assert_int_equal(parse(f, "[1, 2]"), -EINVAL);
	says(f, "not a JSON object", NULL);
	assert_int_equal(parse(f, "{\"boot-source\": {\"kernel_image_path\": "
				  "\"/k\"}, \"cpu-quota\": 1}"),
			 -EINVAL);
	says(f, "/cpu-quota: ", "unknown member");
	assert_int_equal(parse(f, "{\"vsock\": {\"guest_cid\": 3}}"), -EINVAL);
	says(f, "/vsock: ", "uds_path");
	assert_int_equal(parse(f, "{\"logger\": {\"level\": \"Loud\"}}"),
			 -EINVAL);
	says(f, "/logger: ", "Loud");
	assert_int_equal(parse(f, "{\"logger\": 1}"), -EINVAL);
	says(f, "/logger: ", NULL);
	assert_int_equal(
	    parse(f, "{\"drives\": [{\"drive_id\": \"a\", \"path_on_host\": "
		     "\"/a\", \"is_root_device\": false}, {\"drive_id\": "
		     "\"b\", \"path_on_host\": \"/b\", \"is_root_device\": "
		     "\"yes\"}]}"),
	    -EINVAL);
	says(f, "/drives/1: ", "is_root_device");
	assert_int_equal(parse(f, "{\"drives\": [{\"path_on_host\": \"/a\"}]}"),
			 -EINVAL);
	says(f, "/drives/0: ", "drive_id");
	assert_int_equal(parse(f, "{\"drives\": {}}"), -EINVAL);
	says(f, "/drives: ", "not an array");
	assert_int_equal(parse(f, "{\"machine-config\": 5}"), -EINVAL);
	says(f, "/machine-config: ", "not an object");
	/* Duplicate keys: the second would silently win. */
	assert_int_equal(parse(f, "{\"entropy\": {}, \"entropy\": {}}"),
			 -EINVAL);
	says(f, "line 1", NULL);
	/* A member name with a newline (JSON "\n"): still one line. */
	assert_int_equal(parse(f, "{\"boot-source\": {\"ke\\nel\": 1}}"),
			 -EINVAL);
	says(f, "/boot-source: ", "ke?el");
	/* No boot-source: nothing to boot. */
	assert_int_equal(parse(f, "{}"), -EINVAL);
	says(f, "kernel", NULL);
	test_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_full_file),	 cmocka_unit_test(test_metrics),
	    cmocka_unit_test(test_vsock_member), cmocka_unit_test(test_logger),
	    cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
