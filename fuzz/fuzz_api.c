/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Harness: the API's request handler (vmm/api/api_routes.c and
 * api_config.c): method + path -> route, the JSON body parsed and
 * checked, the pending VM configuration updated, InstanceStart and
 * PATCH /vm through stub ops. No sockets, no VM.
 *
 * Input: up to API_FUZZ_REQUESTS requests, each
 *   u8 method (low 2 bits: GET, PUT, PATCH, the rest: DELETE)
 *   u8 flags (bit 0: the stub InstanceStart fails; bit 1: pause fails)
 *   the path, ended by a NUL (at most 256 bytes, else cut there)
 *   u16 body length (capped at what is left), then the body.
 *
 * Checks: every request gets 200 (a JSON object), 204 (no body) or 400
 * (a JSON object whose fault_message is a non-empty string); a body over
 * API_BODY_MAX is refused; after a successful InstanceStart every PUT of
 * a pre-boot resource is refused and the configuration no longer
 * changes; the pending configuration stays within its limits (vCPUs,
 * memory, drive and interface tables, NUL-terminated strings, at most
 * one root drive, kernel/initrd/cmdline pointing into its buffers).
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/fuzz.h"
#include "vmm/api/api_routes.h"
#include "vmm/app/cli.h"

#define API_FUZZ_REQUESTS 32
#define API_FUZZ_PATH_MAX 256

struct stub {
	bool fail_start, fail_pause;
	unsigned starts;
};

static int stub_start(void *opaque, const struct api_config *ac, char *fault,
		      size_t cap)
{
	struct stub *s = opaque;
	FUZZ_CHECK(ac->has_kernel && ac->cfg.kernel == ac->kernel);
	FUZZ_CHECK(ac->cfg.cmdline == ac->cmdline);
	s->starts++;
	if (s->fail_start) {
		snprintf(fault, cap, "InstanceStart: stub failure");
		return -EIO;
	}
	return 0;
}

static int stub_pause(void *opaque, bool pause, char *fault, size_t cap)
{
	struct stub *s = opaque;
	(void)pause;
	if (s->fail_pause) {
		snprintf(fault, cap, "vm: stub failure");
		return -EIO;
	}
	return 0;
}

static int stub_flush(void *opaque, char *fault, size_t cap)
{
	struct stub *s = opaque;
	if (s->fail_pause) {
		snprintf(fault, cap, "FlushMetrics: stub failure");
		return -EIO;
	}
	return 0;
}

static int stub_cad(void *opaque, char *fault, size_t cap)
{
	struct stub *s = opaque;
	if (s->fail_pause) {
		snprintf(fault, cap, "SendCtrlAltDel: stub failure");
		return -ENOSPC;
	}
	return 0;
}

static int stub_patch(void *opaque, unsigned index, const char *path,
		      char *fault, size_t cap)
{
	struct stub *s = opaque;
	FUZZ_CHECK(index < CONFIG_MAX_DISKS && path[0] &&
		   strlen(path) < CONFIG_PATH_MAX);
	if (s->fail_pause) {
		snprintf(fault, cap, "stub failure");
		return -EWOULDBLOCK;
	}
	return 0;
}

static bool in_buf(const char *p, const char *buf, size_t len)
{
	return p >= buf && p < buf + len;
}

static void check_config(const struct api_config *ac)
{
	const struct vm_config *c = &ac->cfg;
	FUZZ_CHECK(c->cpus >= 1 && c->cpus <= CONFIG_MAX_CPUS);
	FUZZ_CHECK(c->mem_mib >= CONFIG_MIN_MEM_MIB &&
		   c->mem_mib <= CONFIG_MAX_MEM_MIB);
	FUZZ_CHECK(c->ndisks <= CONFIG_MAX_DISKS &&
		   c->nnets <= CONFIG_MAX_NETS);
	FUZZ_CHECK(!c->kernel || c->kernel == ac->kernel);
	FUZZ_CHECK(!c->initrd || c->initrd == ac->initrd);
	FUZZ_CHECK(c->cmdline == ac->base_cmdline ||
		   in_buf(c->cmdline, ac->cmdline, sizeof(ac->cmdline)));
	FUZZ_CHECK(!c->kernel || memchr(ac->kernel, 0, sizeof(ac->kernel)));
	FUZZ_CHECK(!c->metrics_path ||
		   (c->metrics_path == ac->metrics_path &&
		    ac->metrics_path[0] &&
		    memchr(ac->metrics_path, 0, sizeof(ac->metrics_path))));
	FUZZ_CHECK(!c->log_path ||
		   (c->log_path == ac->log_path && ac->log_path[0] &&
		    memchr(ac->log_path, 0, sizeof(ac->log_path))));
	FUZZ_CHECK(c->log_level >= LOG_NONE && c->log_level <= LOG_DEBUG);
	unsigned roots = 0;
	for (unsigned i = 0; i < c->ndisks; i++) {
		FUZZ_CHECK(
		    c->disks[i].path[0] &&
		    memchr(c->disks[i].path, 0, sizeof(c->disks[i].path)));
		FUZZ_CHECK(
		    ac->drive_ids[i][0] &&
		    memchr(ac->drive_ids[i], 0, sizeof(ac->drive_ids[i])));
		roots += ac->drive_root[i];
		for (unsigned k = 0; k < i; k++)
			FUZZ_CHECK(strcmp(ac->drive_ids[i], ac->drive_ids[k]));
	}
	FUZZ_CHECK(roots <= 1);
	for (unsigned i = 0; i < c->nnets; i++) {
		FUZZ_CHECK(c->nets[i].tap[0] &&
			   memchr(c->nets[i].tap, 0, sizeof(c->nets[i].tap)));
		FUZZ_CHECK(!c->nets[i].has_mac || !(c->nets[i].mac[0] & 1));
	}
}

/* The response's shape for its status. */
static void check_response(const struct api_response *rs)
{
	FUZZ_CHECK(rs->status == 200 || rs->status == 204 || rs->status == 400);
	if (rs->status == 204) {
		FUZZ_CHECK(!rs->body);
		return;
	}
	FUZZ_CHECK(rs->body);
	json_t *v = json_loads(rs->body, 0, NULL);
	FUZZ_CHECK(json_is_object(v));
	if (rs->status == 400) {
		json_t *m = json_object_get(v, "fault_message");
		FUZZ_CHECK(json_is_string(m) && json_string_length(m) > 0);
	}
	json_decref(v);
}

static bool is_preboot(const char *path)
{
	return !strcmp(path, "/machine-config") ||
	       !strcmp(path, "/boot-source") || !strcmp(path, "/entropy") ||
	       !strcmp(path, "/metrics") || !strcmp(path, "/logger") ||
	       !strcmp(path, "/vsock") || !strncmp(path, "/drives/", 8) ||
	       !strncmp(path, "/network-interfaces/", 20);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const methods[] = {"GET", "PUT", "PATCH", "DELETE"};
	struct fz f = fz_make(data, size);
	struct vm_config *base = malloc(sizeof(*base));
	struct api_state *st = malloc(sizeof(*st));
	struct api_config *before = malloc(sizeof(*before));
	if (!base || !st || !before)
		abort();
	cli_defaults(base);
	base->accel = "kvm";
	struct stub stub = {0};
	const struct api_ops ops = {.start = stub_start,
				    .pause = stub_pause,
				    .flush_metrics = stub_flush,
				    .ctrl_alt_del = stub_cad,
				    .patch_drive = stub_patch,
				    .opaque = &stub};
	api_route_init(st, base, "fuzz-vm", &ops);
	for (unsigned n = 0; n < API_FUZZ_REQUESTS && !fz_empty(&f); n++) {
		const char *method = methods[fz_u8(&f) & 3];
		uint8_t flags = fz_u8(&f);
		stub.fail_start = flags & 1;
		stub.fail_pause = flags & 2;
		char path[API_FUZZ_PATH_MAX + 1];
		size_t plen = 0;
		while (!fz_empty(&f) && plen < API_FUZZ_PATH_MAX) {
			char ch = (char)fz_u8(&f);
			if (!ch)
				break;
			path[plen++] = ch;
		}
		path[plen] = '\0';
		size_t blen = fz_u16(&f);
		if (blen > f.n)
			blen = f.n;
		/* The body in a buffer of its own size: a read past it is
		 * an ASan report. */
		char *body = malloc(blen ? blen : 1);
		if (!body)
			abort();
		memcpy(body, f.p, blen);
		f.p += blen;
		f.n -= blen;

		bool started = st->vm_state != API_NOT_STARTED;
		memcpy(before, &st->pending, sizeof(*before));
		struct api_response rs;
		int r = api_route(st, method, path, body, blen, &rs);
		FUZZ_CHECK(r == 0 || r == -ENOMEM);
		if (!r) {
			check_response(&rs);
			if (started && !strcmp(method, "PUT") &&
			    is_preboot(path)) {
				FUZZ_CHECK(rs.status == 400);
				FUZZ_CHECK(!memcmp(before, &st->pending,
						   sizeof(*before)));
			}
			if (blen > API_BODY_MAX)
				FUZZ_CHECK(rs.status == 400);
			if (rs.status == 400 && strcmp(path, "/actions"))
				FUZZ_CHECK(!memcmp(before, &st->pending,
						   sizeof(*before)));
		}
		free(rs.body);
		free(body);
		check_config(&st->pending);
	}
	free(before);
	free(st);
	free(base);
	return 0;
}
