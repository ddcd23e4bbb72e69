/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The API's request handling without a socket or a VM (vmm/api/
 * api_routes.c, api_config.c, api_json.c), with stub ops: responses'
 * status and shape, the pending configuration each PUT leaves, what
 * InstanceStart hands over (root drive first, root=/dev/vda), pre-boot
 * resources after the start, PATCH /vm, a failed start retried. The
 * kvm.api test drives the same through the socket and boots the guest.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "devices/virtio/rng.h"
#include "vmm/api/api_routes.h"
#include "vmm/app/cli.h"

struct stub {
	int start_r, pause_r, flush_r, cad_r, patch_r;
	unsigned starts, pauses, resumes, flushes, cads, patches;
	unsigned patch_index;
	char patch_path[64];
	struct vm_config booted;
	char cmdline[API_BOOT_ARGS_MAX + 32];
};

static int stub_start(void *opaque, const struct api_config *ac, char *fault,
		      size_t cap)
{
	struct stub *s = opaque;
	s->starts++;
	s->booted = ac->cfg;
	snprintf(s->cmdline, sizeof(s->cmdline), "%s", ac->cfg.cmdline);
	if (s->start_r)
		snprintf(fault, cap, "InstanceStart: stub says no");
	return s->start_r;
}

static int stub_pause(void *opaque, bool pause, char *fault, size_t cap)
{
	struct stub *s = opaque;
	if (s->pause_r) {
		snprintf(fault, cap, "vm: stub says no");
		return s->pause_r;
	}
	if (pause)
		s->pauses++;
	else
		s->resumes++;
	return 0;
}

static int stub_flush(void *opaque, char *fault, size_t cap)
{
	struct stub *s = opaque;
	s->flushes++;
	if (s->flush_r)
		snprintf(fault, cap, "FlushMetrics: stub says no");
	return s->flush_r;
}

static int stub_cad(void *opaque, char *fault, size_t cap)
{
	struct stub *s = opaque;
	s->cads++;
	if (s->cad_r)
		snprintf(fault, cap, "SendCtrlAltDel: stub says no");
	return s->cad_r;
}

static int stub_patch(void *opaque, unsigned index, const char *path,
		      char *fault, size_t cap)
{
	struct stub *s = opaque;
	s->patches++;
	s->patch_index = index;
	snprintf(s->patch_path, sizeof(s->patch_path), "%s", path);
	if (s->patch_r)
		snprintf(fault, cap, "stub says no");
	return s->patch_r;
}

struct fixture {
	struct vm_config base;
	struct api_state st;
	struct stub stub;
	struct api_response rs;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	cli_defaults(&f->base);
	f->base.accel = "kvm";
	const struct api_ops ops = {.start = stub_start,
				    .pause = stub_pause,
				    .flush_metrics = stub_flush,
				    .ctrl_alt_del = stub_cad,
				    .patch_drive = stub_patch,
				    .opaque = &f->stub};
	api_route_init(&f->st, &f->base, "vm-1", &ops);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	free(f->rs.body);
	free(f);
	return 0;
}

/* Send one request; returns the status (the body stays in f->rs). */
static unsigned req(struct fixture *f, const char *method, const char *path,
		    const char *body)
{
	free(f->rs.body);
	f->rs.body = NULL;
	assert_int_equal(api_route(&f->st, method, path, body ? body : "",
				   body ? strlen(body) : 0, &f->rs),
			 0);
	if (f->rs.status == 204)
		assert_null(f->rs.body);
	else
		assert_non_null(f->rs.body);
	return f->rs.status;
}

/* A 400 whose fault_message holds `word`. */
static void fault(struct fixture *f, const char *method, const char *path,
		  const char *body, const char *word)
{
	unsigned st = req(f, method, path, body);
	if (st != 400 || !strstr(f->rs.body, "\"fault_message\"") ||
	    !strstr(f->rs.body, word))
		fail_msg("%s %s %s: %u %s, want 400 naming '%s'", method, path,
			 body ? body : "", st, f->rs.body ? f->rs.body : "",
			 word);
}

static void test_info(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(req(f, "GET", "/", NULL), 200);
	assert_non_null(strstr(f->rs.body, "\"id\":\"vm-1\""));
	assert_non_null(strstr(f->rs.body, "\"state\":\"Not started\""));
	assert_non_null(strstr(f->rs.body, "\"app_name\":\"vmm\""));
	assert_int_equal(req(f, "GET", "/version", NULL), 200);
	assert_non_null(strstr(f->rs.body, "firecracker_version"));
	assert_int_equal(req(f, "GET", "/machine-config", NULL), 200);
	assert_string_equal(f->rs.body,
			    "{\"vcpu_count\":1,\"mem_size_mib\":128,\"smt\":"
			    "false,\"track_dirty_pages\":false}");
	fault(f, "GET", "/nope", NULL, "invalid request");
	fault(f, "DELETE", "/", NULL, "DELETE");
	fault(f, "PUT", "/mmds", "{}", "/mmds is not supported");
	fault(f, "GET", "/balloon", NULL, "/balloon is not supported");
	fault(f, "PUT", "/pmem/x", "{}", "/pmem/x is not supported");
}

static void test_machine_config(void **state)
{
	struct fixture *f = *state;
	const char *mc = "/machine-config";
	assert_int_equal(
	    req(f, "PUT", mc, "{\"vcpu_count\":4,\"mem_size_mib\":512}"), 204);
	assert_int_equal(f->st.pending.cfg.cpus, 4);
	assert_int_equal(f->st.pending.cfg.mem_mib, 512);
	fault(f, "PUT", mc, "{\"vcpu_count\":2,\"mem_size_mib\":64,\"x\":1}",
	      "unknown field 'x'");
	fault(f, "PUT", mc, "{\"mem_size_mib\":64}", "vcpu_count");
	fault(f, "PUT", mc, "{\"vcpu_count\":true,\"mem_size_mib\":64}",
	      "vcpu_count");
	fault(f, "PUT", mc, "{\"vcpu_count\":-1,\"mem_size_mib\":64}",
	      "vcpu_count");
	fault(f, "PUT", mc,
	      "{\"vcpu_count\":1,\"mem_size_mib\":64,\"smt\":true}", "smt");
	fault(f, "PUT", mc,
	      "{\"vcpu_count\":1,\"mem_size_mib\":64,"
	      "\"track_dirty_pages\":true}",
	      "track_dirty_pages");
	fault(f, "PUT", mc, "{\"vcpu_count\":1", "invalid JSON");
	fault(f, "PUT", mc, "", "no body");
	fault(f, "PATCH", mc, "{\"vcpu_count\":1}", "not supported");
	/* Nothing of the refused bodies was applied. */
	assert_int_equal(f->st.pending.cfg.cpus, 4);
	assert_int_equal(f->st.pending.cfg.mem_mib, 512);

	size_t n = API_BODY_MAX + 1;
	char *big = malloc(n + 1);
	assert_non_null(big);
	memset(big, ' ', n);
	big[0] = '{';
	big[n - 1] = '}';
	big[n] = '\0';
	fault(f, "PUT", mc, big, "51200");
	free(big);
}

static void test_drives_and_start(void **state)
{
	struct fixture *f = *state;
	fault(f, "PUT", "/actions", "{\"action_type\":\"InstanceStart\"}",
	      "boot-source");
	assert_int_equal(req(f, "PUT", "/boot-source",
			     "{\"kernel_image_path\":\"/k\",\"boot_args\":"
			     "\"console=ttyS0\"}"),
			 204);
	assert_int_equal(req(f, "PUT", "/drives/data",
			     "{\"drive_id\":\"data\",\"path_on_host\":\"/d\","
			     "\"is_root_device\":false}"),
			 204);
	assert_int_equal(req(f, "PUT", "/drives/root",
			     "{\"drive_id\":\"root\",\"path_on_host\":\"/r\","
			     "\"is_root_device\":true,\"is_read_only\":true}"),
			 204);
	fault(f, "PUT", "/drives/two",
	      "{\"drive_id\":\"two\",\"path_on_host\":\"/t\","
	      "\"is_root_device\":true}",
	      "root device already");
	fault(f, "PUT", "/drives/x",
	      "{\"drive_id\":\"y\",\"path_on_host\":\"/t\","
	      "\"is_root_device\":false}",
	      "drive_id");
	fault(f, "PUT", "/drives/x",
	      "{\"drive_id\":\"x\",\"path_on_host\":\"/t\","
	      "\"is_root_device\":false,\"rate_limiter\":{}}",
	      "rate_limiter");
	fault(f, "PUT", "/drives/x",
	      "{\"drive_id\":\"x\",\"path_on_host\":\"/t\","
	      "\"is_root_device\":false,\"io_engine\":\"Sync\"}",
	      "io_engine");
	assert_int_equal(req(f, "PUT", "/entropy", "{}"), 204);
	/* The vsock: Firecracker's members; the CID bounds; a second PUT
	 * replaces the first. */
	fault(f, "PUT", "/vsock", "{\"guest_cid\":2,\"uds_path\":\"/v\"}",
	      "guest_cid");
	fault(f, "PUT", "/vsock",
	      "{\"guest_cid\":4294967295,"
	      "\"uds_path\":\"/v\"}",
	      "guest_cid");
	fault(f, "PUT", "/vsock", "{\"guest_cid\":3}", "uds_path");
	fault(f, "PUT", "/vsock", "{\"guest_cid\":3,\"uds_path\":\"\"}",
	      "uds_path must be");
	fault(f, "PUT", "/vsock",
	      "{\"guest_cid\":3,\"uds_path\":\"/v\","
	      "\"cid\":4}",
	      "cid");
	assert_int_equal(req(f, "PUT", "/vsock",
			     "{\"vsock_id\":\"vsock0\",\"guest_cid\":9,"
			     "\"uds_path\":\"/old\"}"),
			 204);
	assert_int_equal(req(f, "PUT", "/vsock",
			     "{\"guest_cid\":3,\"uds_path\":\"/v.sock\"}"),
			 204);
	assert_int_equal(req(f, "GET", "/vm/config", NULL), 200);
	assert_non_null(strstr(f->rs.body, "\"vsock\":{\"guest_cid\":3,"
					   "\"uds_path\":\"/v.sock\"}"));
	fault(f, "PUT", "/network-interfaces/eth0",
	      "{\"iface_id\":\"eth0\",\"host_dev_name\":\"tap0\","
	      "\"guest_mac\":\"01:00:00:00:00:00\"}",
	      "guest_mac");
	fault(f, "PATCH", "/vm", "{\"state\":\"Paused\"}", "not started");

	/* A start that fails leaves the VM configurable... */
	f->stub.start_r = -EIO;
	fault(f, "PUT", "/actions", "{\"action_type\":\"InstanceStart\"}",
	      "stub says no");
	assert_int_equal(f->st.vm_state, API_NOT_STARTED);
	/* ... and the next one gets the same machine. */
	f->stub.start_r = 0;
	assert_int_equal(
	    req(f, "PUT", "/actions", "{\"action_type\":\"InstanceStart\"}"),
	    204);
	assert_int_equal(f->stub.starts, 2);
	const struct vm_config *b = &f->stub.booted;
	assert_string_equal(b->kernel, "/k");
	assert_int_equal(b->ndisks, 2);
	assert_string_equal(b->disks[0].path, "/r"); /* the root: /dev/vda */
	assert_true(b->disks[0].read_only);
	assert_string_equal(b->disks[1].path, "/d");
	assert_true(config_dev_has(b, &virtio_rng_type));
	assert_true(b->vsock.on);
	assert_int_equal(b->vsock.cid, 3);
	assert_string_equal(b->vsock.uds_path, "/v.sock");
	assert_string_equal(f->stub.cmdline, "console=ttyS0 root=/dev/vda ro");

	assert_int_equal(req(f, "GET", "/", NULL), 200);
	assert_non_null(strstr(f->rs.body, "\"state\":\"Running\""));
	fault(f, "PUT", "/machine-config",
	      "{\"vcpu_count\":1,\"mem_size_mib\":64}", "after InstanceStart");
	fault(f, "PUT", "/drives/data",
	      "{\"drive_id\":\"data\",\"path_on_host\":\"/d\","
	      "\"is_root_device\":false}",
	      "after InstanceStart");
	fault(f, "PUT", "/vsock", "{\"guest_cid\":3,\"uds_path\":\"/v\"}",
	      "after InstanceStart");
	fault(f, "PUT", "/logger", "{\"level\":\"Info\"}",
	      "after InstanceStart");
	fault(f, "PUT", "/actions", "{\"action_type\":\"InstanceStart\"}",
	      "started already");

	assert_int_equal(req(f, "PATCH", "/vm", "{\"state\":\"Paused\"}"), 204);
	assert_int_equal(req(f, "GET", "/", NULL), 200);
	assert_non_null(strstr(f->rs.body, "\"state\":\"Paused\""));
	f->stub.pause_r = -EIO;
	fault(f, "PATCH", "/vm", "{\"state\":\"Resumed\"}", "stub says no");
	assert_int_equal(f->st.vm_state, API_PAUSED);
	f->stub.pause_r = 0;
	assert_int_equal(req(f, "PATCH", "/vm", "{\"state\":\"Resumed\"}"),
			 204);
	assert_int_equal(f->st.vm_state, API_RUNNING);
	fault(f, "PATCH", "/vm", "{\"state\":\"Resumed\",\"x\":1}", "state");
	assert_int_equal(f->stub.pauses, 1);
	assert_int_equal(f->stub.resumes, 1);

	/* FlushMetrics once running; the VMM's failure is the 400's. */
	assert_int_equal(
	    req(f, "PUT", "/actions", "{\"action_type\":\"FlushMetrics\"}"),
	    204);
	f->stub.flush_r = -EAGAIN;
	fault(f, "PUT", "/actions", "{\"action_type\":\"FlushMetrics\"}",
	      "stub says no");
	assert_int_equal(f->stub.flushes, 2);
	fault(f, "PUT", "/metrics", "{\"metrics_path\":\"/tmp/m\"}",
	      "after InstanceStart");

	/* PATCH /drives once running: the VMM's answer is the request's;
	 * only a taken path shows in GET /vm/config. */
	assert_int_equal(req(f, "PATCH", "/drives/data",
			     "{\"drive_id\":\"data\",\"path_on_host\":"
			     "\"/new.img\"}"),
			 204);
	assert_int_equal(f->stub.patches, 1);
	assert_string_equal(f->stub.patch_path, "/new.img");
	assert_int_equal(req(f, "GET", "/vm/config", NULL), 200);
	assert_non_null(strstr(f->rs.body, "/new.img"));
	f->stub.patch_r = -EWOULDBLOCK;
	fault(f, "PATCH", "/drives/data",
	      "{\"drive_id\":\"data\",\"path_on_host\":\"/other.img\"}",
	      "PATCH /drives/data: stub says no");
	assert_int_equal(req(f, "GET", "/vm/config", NULL), 200);
	assert_null(strstr(f->rs.body, "/other.img"));
	f->stub.patch_r = 0;
	assert_int_equal(
	    req(f, "PATCH", "/drives/data", "{\"drive_id\":\"data\"}"), 204);
	assert_int_equal(f->stub.patches, 2);
	fault(f, "PATCH", "/drives/none",
	      "{\"drive_id\":\"none\",\"path_on_host\":\"/x\"}",
	      "no drive 'none'");
	fault(f, "PATCH", "/drives/data",
	      "{\"drive_id\":\"data\",\"path_on_host\":\"/x\","
	      "\"rate_limiter\":{}}",
	      "rate_limiter");
	fault(f, "PATCH", "/drives/data",
	      "{\"drive_id\":\"data\",\"is_read_only\":true}", "is_read_only");
	assert_int_equal(f->stub.patches, 2);

	/* SendCtrlAltDel once running (paused too); the VMM's failure (a
	 * full keyboard buffer) is the 400's. */
	assert_int_equal(
	    req(f, "PUT", "/actions", "{\"action_type\":\"SendCtrlAltDel\"}"),
	    204);
	assert_null(f->rs.body);
	f->stub.cad_r = -ENOSPC;
	fault(f, "PUT", "/actions", "{\"action_type\":\"SendCtrlAltDel\"}",
	      "stub says no");
	assert_int_equal(f->stub.cads, 2);
}

/* PUT /logger: every member optional, kept for InstanceStart; what vmm
 * cannot do is refused by name. */
static void test_logger(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(req(f, "PUT", "/logger", "{}"), 204);
	assert_null(f->st.pending.cfg.log_path);
	assert_int_equal(
	    req(f, "PUT", "/logger",
		"{\"log_path\":\"/tmp/vmm.log\",\"level\":\"warning\","
		"\"show_level\":true,\"show_log_origin\":false,"
		"\"module\":null}"),
	    204);
	assert_string_equal(f->st.pending.cfg.log_path, "/tmp/vmm.log");
	assert_int_equal(f->st.pending.cfg.log_level, LOG_WARN);
	assert_true(f->st.pending.cfg.log_show_level);
	assert_int_equal(req(f, "PUT", "/logger", "{\"level\":\"Trace\"}"),
			 204);
	assert_int_equal(f->st.pending.cfg.log_level, LOG_DEBUG);
	assert_string_equal(f->st.pending.cfg.log_path, "/tmp/vmm.log");
	fault(f, "PUT", "/logger", "{\"level\":\"Loud\"}", "Loud");
	fault(f, "PUT", "/logger", "{\"level\":3}", "level");
	fault(f, "PUT", "/logger", "{\"log_path\":\"\"}", "log_path");
	fault(f, "PUT", "/logger", "{\"show_level\":\"yes\"}", "show_level");
	fault(f, "PUT", "/logger", "{\"show_log_origin\":true}",
	      "show_log_origin");
	fault(f, "PUT", "/logger", "{\"module\":\"api_server\"}", "module");
	fault(f, "PUT", "/logger", "{\"colour\":1}", "colour");
	/* The refusals changed nothing. */
	assert_int_equal(f->st.pending.cfg.log_level, LOG_DEBUG);
	assert_true(f->st.pending.cfg.log_show_level);
	fault(f, "PATCH", "/logger", "{}", "PATCH");
}

/* PUT /metrics: one required string member, kept for InstanceStart. */
static void test_metrics(void **state)
{
	struct fixture *f = *state;
	fault(f, "PUT", "/metrics", "{}", "metrics_path");
	fault(f, "PUT", "/metrics", "{\"metrics_path\":7}", "metrics_path");
	fault(f, "PUT", "/metrics", "{\"metrics_path\":\"\"}", "metrics_path");
	fault(f, "PUT", "/metrics", "{\"metrics_path\":\"/m\",\"y\":1}", "y");
	assert_null(f->st.pending.cfg.metrics_path);
	assert_int_equal(
	    req(f, "PUT", "/metrics", "{\"metrics_path\":\"/tmp/m.json\"}"),
	    204);
	assert_string_equal(f->st.pending.cfg.metrics_path, "/tmp/m.json");
}

static void test_actions(void **state)
{
	struct fixture *f = *state;
	fault(f, "PUT", "/actions", "{\"action_type\":\"SendCtrlAltDel\"}",
	      "SendCtrlAltDel: the microVM is not started");
	assert_int_equal(f->stub.cads, 0);
	fault(f, "PATCH", "/drives/d",
	      "{\"drive_id\":\"d\",\"path_on_host\":\"/x\"}", "not started");
	assert_int_equal(f->stub.patches, 0);
	fault(f, "PUT", "/actions", "{\"action_type\":\"FlushMetrics\"}",
	      "not started");
	assert_int_equal(f->stub.flushes, 0);
	fault(f, "PUT", "/actions", "{\"action_type\":\"Nap\"}", "Nap");
	fault(f, "PUT", "/actions", "{\"kind\":1}", "kind");
	fault(f, "PUT", "/actions", "[]", "action_type");
	assert_int_equal(f->stub.starts, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_info, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_machine_config, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_drives_and_start, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_actions, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_metrics, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_logger, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
