/* SPDX-License-Identifier: Apache-2.0 */
#include "vmm/api/api_config.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "devices/virtio/vdev_type.h"
#include "vmm/api/api_json.h"

void api_config_init(struct api_config *ac, const struct vm_config *base)
{
	memset(ac, 0, sizeof(*ac));
	ac->cfg = *base;
	ac->base_cmdline = base->cmdline;
	ac->cfg.kernel = NULL;
	ac->cfg.initrd = NULL;
	ac->cfg.ndisks = 0;
	ac->cfg.nnets = 0;
	ac->cfg.vsock.on = false;
}

int api_config_machine(struct api_config *ac, const char *body, size_t len,
		       char *fault, size_t cap)
{
	static const char what[] = "machine-config";
	static const struct api_json_member m[] = {
	    {"vcpu_count", true},    {"mem_size_mib", true},
	    {"smt", false},	     {"track_dirty_pages", false},
	    {"cpu_template", false}, {"huge_pages", false},
	};
	json_t *o;
	int r =
	    api_json_object(what, body, len, m, ARRAY_SIZE(m), &o, fault, cap);
	if (r)
		return r;
	uint64_t cpus = 0, mem = 0;
	bool smt = false, dirty = false;
	if (!(r = api_json_uint(what, o, "vcpu_count", 1, CONFIG_MAX_CPUS,
				&cpus, fault, cap)) &&
	    !(r = api_json_uint(what, o, "mem_size_mib", CONFIG_MIN_MEM_MIB,
				CONFIG_MAX_MEM_MIB, &mem, fault, cap)) &&
	    !(r = api_json_bool(what, o, "smt", &smt, fault, cap)) &&
	    !(r = api_json_bool(what, o, "track_dirty_pages", &dirty, fault,
				cap)) &&
	    !(r = api_json_only_value(what, o, "cpu_template", "None", fault,
				      cap)))
		r = api_json_only_value(what, o, "huge_pages", "None", fault,
					cap);
	if (!r && smt)
		r = api_json_fault(fault, cap,
				   "%s: smt is not supported by vmm "
				   "(only false)",
				   what);
	if (!r && dirty)
		r = api_json_fault(fault, cap,
				   "%s: track_dirty_pages is not "
				   "supported by vmm (only false)",
				   what);
	json_decref(o);
	if (r)
		return r;
	ac->cfg.cpus = (unsigned)cpus;
	ac->cfg.mem_mib = mem;
	return 0;
}

int api_config_boot_source(struct api_config *ac, const char *body, size_t len,
			   char *fault, size_t cap)
{
	static const char what[] = "boot-source";
	static const struct api_json_member m[] = {
	    {"kernel_image_path", true},
	    {"boot_args", false},
	    {"initrd_path", false},
	};
	json_t *o;
	int r =
	    api_json_object(what, body, len, m, ARRAY_SIZE(m), &o, fault, cap);
	if (r)
		return r;
	char kernel[CONFIG_PATH_MAX], initrd[CONFIG_PATH_MAX];
	char args[API_BOOT_ARGS_MAX];
	bool has_initrd = false, has_args = false;
	/* Firecracker takes null for the optional members. */
	json_t *ini = json_object_get(o, "initrd_path");
	json_t *ba = json_object_get(o, "boot_args");
	if (!(r = api_json_string(what, o, "kernel_image_path", kernel,
				  sizeof(kernel), NULL, fault, cap)) &&
	    !json_is_null(ini))
		r = api_json_string(what, o, "initrd_path", initrd,
				    sizeof(initrd), &has_initrd, fault, cap);
	if (!r && ba && !json_is_null(ba)) {
		if (json_is_string(ba) && json_string_length(ba) == 0) {
			args[0] = '\0'; /* an empty command line is one */
			has_args = true;
		} else {
			r = api_json_string(what, o, "boot_args", args,
					    sizeof(args), &has_args, fault,
					    cap);
		}
	}
	json_decref(o);
	if (r)
		return r;
	memcpy(ac->kernel, kernel, sizeof(kernel));
	ac->cfg.kernel = ac->kernel;
	ac->has_kernel = true;
	if (has_initrd) {
		memcpy(ac->initrd, initrd, sizeof(initrd));
		ac->cfg.initrd = ac->initrd;
	} else {
		ac->cfg.initrd = NULL;
	}
	ac->has_boot_args = has_args;
	if (has_args)
		memcpy(ac->boot_args, args, sizeof(args));
	return 0;
}

/* The index of id in ids[0..n), or n. */
static unsigned acf_find(char ids[][API_ID_MAX + 1], unsigned n, const char *id)
{
	unsigned i;
	for (i = 0; i < n && strcmp(ids[i], id); i++)
		;
	return i;
}

/* The path's id: 1..API_ID_MAX bytes of [A-Za-z0-9_], as Firecracker's
 * ids. */
static int acf_check_id(const char *what, const char *field, const char *id,
			char *fault, size_t cap)
{
	size_t n = strlen(id);
	bool ok = n > 0 && n <= API_ID_MAX;
	for (size_t i = 0; ok && i < n; i++)
		ok = (id[i] >= 'a' && id[i] <= 'z') ||
		     (id[i] >= 'A' && id[i] <= 'Z') ||
		     (id[i] >= '0' && id[i] <= '9') || id[i] == '_';
	if (!ok)
		return api_json_fault(fault, cap,
				      "%s: %s must be 1 to %d of "
				      "A-Z, a-z, 0-9 and _",
				      what, field, API_ID_MAX);
	return 0;
}

/* The body's `field` must equal the path's id. */
static int acf_same_id(const char *what, json_t *o, const char *field,
		       const char *id, char *fault, size_t cap)
{
	char body_id[API_ID_MAX + 1];
	int r = api_json_string(what, o, field, body_id, sizeof(body_id), NULL,
				fault, cap);
	if (!r && strcmp(body_id, id))
		r = api_json_fault(fault, cap,
				   "%s: %s in the body ('%s') is not "
				   "the path's ('%s')",
				   what, field, body_id, id);
	return r;
}

int api_config_drive_patch(struct api_config *ac, const char *id,
			   const char *body, size_t len, unsigned *index,
			   char path[CONFIG_PATH_MAX], char *fault, size_t cap)
{
	static const char what[] = "drives";
	static const struct api_json_member m[] = {{"drive_id", true},
						   {"path_on_host", false},
						   {"rate_limiter", false}};
	int r = acf_check_id(what, "drive_id", id, fault, cap);
	json_t *o = NULL;
	if (!r)
		r = api_json_object(what, body, len, m, ARRAY_SIZE(m), &o,
				    fault, cap);
	if (r)
		return r;
	path[0] = '\0';
	if (!(r = acf_same_id(what, o, "drive_id", id, fault, cap)) &&
	    !(r = api_json_null_only(what, o, "rate_limiter", fault, cap)))
		r = api_json_string(what, o, "path_on_host", path,
				    CONFIG_PATH_MAX, NULL, fault, cap);
	json_decref(o);
	if (r)
		return r;
	*index = acf_find(ac->drive_ids, ac->cfg.ndisks, id);
	if (*index >= ac->cfg.ndisks)
		return api_json_fault(fault, cap, "%s: no drive '%s'", what,
				      id);
	return 0;
}

int api_config_drive(struct api_config *ac, const char *id, const char *body,
		     size_t len, char *fault, size_t cap)
{
	static const char what[] = "drives";
	static const struct api_json_member m[] = {
	    {"drive_id", true},	      {"path_on_host", false},
	    {"is_root_device", true}, {"is_read_only", false},
	    {"partuuid", false},      {"cache_type", false},
	    {"rate_limiter", false},  {"io_engine", false},
	    {"socket", false},
	};
	int r = acf_check_id(what, "drive_id", id, fault, cap);
	json_t *o = NULL;
	if (!r)
		r = api_json_object(what, body, len, m, ARRAY_SIZE(m), &o,
				    fault, cap);
	if (r)
		return r;
	struct disk_config d;
	memset(&d, 0, sizeof(d));
	bool root = false, has_path = false;
	if (!(r = acf_same_id(what, o, "drive_id", id, fault, cap)) &&
	    !(r = api_json_null_only(what, o, "partuuid", fault, cap)) &&
	    !(r = api_json_null_only(what, o, "rate_limiter", fault, cap)) &&
	    !(r = api_json_null_only(what, o, "io_engine", fault, cap)) &&
	    !(r = api_json_null_only(what, o, "socket", fault, cap)) &&
	    !(r = api_json_only_value(what, o, "cache_type", "Unsafe", fault,
				      cap)) &&
	    !(r = api_json_string(what, o, "path_on_host", d.path,
				  sizeof(d.path), &has_path, fault, cap)) &&
	    !(r = api_json_bool(what, o, "is_root_device", &root, fault, cap)))
		r = api_json_bool(what, o, "is_read_only", &d.read_only, fault,
				  cap);
	json_decref(o);
	if (!r && !has_path)
		r = api_json_fault(fault, cap,
				   "%s: missing field 'path_on_host' "
				   "(vhost-user drives are not "
				   "supported by vmm)",
				   what);
	unsigned i = acf_find(ac->drive_ids, ac->cfg.ndisks, id);
	for (unsigned k = 0; !r && root && k < ac->cfg.ndisks; k++)
		if (k != i && ac->drive_root[k])
			r = api_json_fault(fault, cap,
					   "%s: drive '%s' is the root "
					   "device already",
					   what, ac->drive_ids[k]);
	if (r)
		return r;
	if (i == CONFIG_MAX_DISKS) {
		api_json_fault(fault, cap, "%s: at most %d drives", what,
			       CONFIG_MAX_DISKS);
		return -ENOSPC;
	}
	/* The drive's id is also its virtio-blk serial (GET_ID). */
	snprintf(d.id, sizeof(d.id), "%.*s", CONFIG_DISK_ID_MAX, id);
	ac->cfg.disks[i] = d;
	snprintf(ac->drive_ids[i], sizeof(ac->drive_ids[i]), "%s", id);
	ac->drive_root[i] = root;
	if (i == ac->cfg.ndisks)
		ac->cfg.ndisks++;
	return 0;
}

/* "52:54:00:12:34:56" -> 6 bytes, unicast. */
static bool acf_mac(const char *s, uint8_t mac[6])
{
	unsigned v[6];
	char end;
	if (strlen(s) != 17 ||
	    sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2], &v[3],
		   &v[4], &v[5], &end) != 6)
		return false;
	for (unsigned i = 0; i < 6; i++) {
		if (s[i * 3] == ' ' || s[i * 3] == '+' || s[i * 3] == '-' ||
		    s[i * 3 + 1] == ':')
			return false;
		mac[i] = (uint8_t)v[i];
	}
	return !(mac[0] & 1);
}

int api_config_net(struct api_config *ac, const char *id, const char *body,
		   size_t len, char *fault, size_t cap)
{
	static const char what[] = "network-interfaces";
	static const struct api_json_member m[] = {
	    {"iface_id", true},		{"host_dev_name", true},
	    {"guest_mac", false},	{"rx_rate_limiter", false},
	    {"tx_rate_limiter", false},
	};
	int r = acf_check_id(what, "iface_id", id, fault, cap);
	json_t *o = NULL;
	if (!r)
		r = api_json_object(what, body, len, m, ARRAY_SIZE(m), &o,
				    fault, cap);
	if (r)
		return r;
	struct net_config n;
	memset(&n, 0, sizeof(n));
	char mac[32];
	if (!(r = acf_same_id(what, o, "iface_id", id, fault, cap)) &&
	    !(r = api_json_null_only(what, o, "rx_rate_limiter", fault, cap)) &&
	    !(r = api_json_null_only(what, o, "tx_rate_limiter", fault, cap)) &&
	    !(r = api_json_string(what, o, "host_dev_name", n.tap,
				  sizeof(n.tap), NULL, fault, cap)))
		r = api_json_string(what, o, "guest_mac", mac, sizeof(mac),
				    &n.has_mac, fault, cap);
	json_decref(o);
	if (!r && n.has_mac && !acf_mac(mac, n.mac))
		r = api_json_fault(fault, cap,
				   "%s: guest_mac '%s' is not a unicast "
				   "MAC like 52:54:00:12:34:56",
				   what, mac);
	unsigned i = acf_find(ac->iface_ids, ac->cfg.nnets, id);
	for (unsigned k = 0; !r && k < ac->cfg.nnets; k++)
		if (k != i && !strcmp(ac->cfg.nets[k].tap, n.tap))
			r = api_json_fault(fault, cap,
					   "%s: host_dev_name '%s' is "
					   "interface '%s''s already",
					   what, n.tap, ac->iface_ids[k]);
	if (r)
		return r;
	if (i == CONFIG_MAX_NETS) {
		api_json_fault(fault, cap, "%s: at most %d interfaces", what,
			       CONFIG_MAX_NETS);
		return -ENOSPC;
	}
	ac->cfg.nets[i] = n;
	snprintf(ac->iface_ids[i], sizeof(ac->iface_ids[i]), "%s", id);
	if (i == ac->cfg.nnets)
		ac->cfg.nnets++;
	return 0;
}

int api_config_vsock(struct api_config *ac, const char *body, size_t len,
		     char *fault, size_t cap)
{
	static const char what[] = "vsock";
	static const struct api_json_member m[] = {
	    {"guest_cid", true}, {"uds_path", true}, {"vsock_id", false}};
	json_t *o;
	int r =
	    api_json_object(what, body, len, m, ARRAY_SIZE(m), &o, fault, cap);
	if (r)
		return r;
	struct vsock_config vs = {.on = true};
	uint64_t cid = 0;
	char id[API_ID_MAX + 1];
	bool has_id;
	if (!(r = api_json_uint(what, o, "guest_cid", 3, UINT32_MAX - 1, &cid,
				fault, cap)) &&
	    !(r = api_json_string(what, o, "uds_path", vs.uds_path,
				  sizeof(vs.uds_path), NULL, fault, cap)))
		r = api_json_string(what, o, "vsock_id", id, sizeof(id),
				    &has_id, fault, cap);
	json_decref(o);
	if (r)
		return r;
	vs.cid = (uint32_t)cid;
	ac->cfg.vsock = vs;
	return 0;
}

/* The device type behind Firecracker's entropy resource. */
static const struct vdev_type *acf_entropy_type(void)
{
	return vdev_type_find("rng");
}

int api_config_entropy(struct api_config *ac, const char *body, size_t len,
		       char *fault, size_t cap)
{
	static const char what[] = "entropy";
	static const struct api_json_member m[] = {{"rate_limiter", false}};
	json_t *o;
	int r =
	    api_json_object(what, body, len, m, ARRAY_SIZE(m), &o, fault, cap);
	if (r)
		return r;
	r = api_json_null_only(what, o, "rate_limiter", fault, cap);
	json_decref(o);
	if (!r && config_dev_add(&ac->cfg, acf_entropy_type()))
		return api_json_fault(fault, cap, "entropy: too many devices");
	return r;
}

int api_config_finish(struct api_config *ac, char *fault, size_t cap)
{
	if (!ac->has_kernel)
		return api_json_fault(fault, cap,
				      "InstanceStart: no boot-source "
				      "(PUT /boot-source with "
				      "kernel_image_path first)");
	/* The root drive is the first virtio-blk: /dev/vda. */
	unsigned root = ac->cfg.ndisks;
	for (unsigned i = 0; i < ac->cfg.ndisks; i++)
		if (ac->drive_root[i])
			root = i;
	if (root < ac->cfg.ndisks && root > 0) {
		struct disk_config d = ac->cfg.disks[root];
		char id[API_ID_MAX + 1];
		memcpy(id, ac->drive_ids[root], sizeof(id));
		memmove(&ac->cfg.disks[1], &ac->cfg.disks[0],
			root * sizeof(ac->cfg.disks[0]));
		memmove(&ac->drive_ids[1], &ac->drive_ids[0],
			root * sizeof(ac->drive_ids[0]));
		memmove(&ac->drive_root[1], &ac->drive_root[0],
			root * sizeof(ac->drive_root[0]));
		ac->cfg.disks[0] = d;
		memcpy(ac->drive_ids[0], id, sizeof(id));
		ac->drive_root[0] = true;
	}
	const char *args = ac->has_boot_args ? ac->boot_args : ac->base_cmdline;
	if (root < ac->cfg.ndisks)
		snprintf(ac->cmdline, sizeof(ac->cmdline),
			 "%s%sroot=/dev/vda %s", args, args[0] ? " " : "",
			 ac->cfg.disks[0].read_only ? "ro" : "rw");
	else
		snprintf(ac->cmdline, sizeof(ac->cmdline), "%s", args);
	ac->cfg.cmdline = ac->cmdline;
	return 0;
}

static json_t *acf_machine(const struct api_config *ac)
{
	return json_pack("{s:I, s:I, s:b, s:b}", "vcpu_count",
			 (json_int_t)ac->cfg.cpus, "mem_size_mib",
			 (json_int_t)ac->cfg.mem_mib, "smt", 0,
			 "track_dirty_pages", 0);
}

/* json_dumps with the reference released; NULL when v is. */
static char *acf_dump(json_t *v)
{
	char *s = v ? json_dumps(v, JSON_COMPACT) : NULL;
	json_decref(v);
	return s;
}

char *api_config_machine_json(const struct api_config *ac)
{
	return acf_dump(acf_machine(ac));
}

char *api_config_vm_json(const struct api_config *ac)
{
	json_t *drives = json_array(), *nets = json_array();
	json_t *boot = ac->has_kernel
			   ? json_pack("{s:s, s:s*, s:s*}", "kernel_image_path",
				       ac->kernel, "initrd_path",
				       ac->cfg.initrd, "boot_args",
				       ac->has_boot_args ? ac->boot_args : NULL)
			   : NULL;
	for (unsigned i = 0; drives && i < ac->cfg.ndisks; i++)
		json_array_append_new(
		    drives, json_pack("{s:s, s:s, s:b, s:b, s:s}", "drive_id",
				      ac->drive_ids[i], "path_on_host",
				      ac->cfg.disks[i].path, "is_root_device",
				      ac->drive_root[i], "is_read_only",
				      ac->cfg.disks[i].read_only, "cache_type",
				      "Unsafe"));
	for (unsigned i = 0; nets && i < ac->cfg.nnets; i++) {
		const uint8_t *m = ac->cfg.nets[i].mac;
		char mac[18];
		snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x",
			 m[0], m[1], m[2], m[3], m[4], m[5]);
		json_array_append_new(
		    nets,
		    json_pack("{s:s, s:s, s:s*}", "iface_id", ac->iface_ids[i],
			      "host_dev_name", ac->cfg.nets[i].tap, "guest_mac",
			      ac->cfg.nets[i].has_mac ? mac : NULL));
	}
	/* Absent resources are left out (Firecracker's schema has no null
	 * for them). */
	const struct vsock_config *vs = &ac->cfg.vsock;
	json_t *vsock =
	    vs->on ? json_pack("{s:I, s:s}", "guest_cid", (json_int_t)vs->cid,
			       "uds_path", vs->uds_path)
		   : NULL;
	json_t *v = json_pack(
	    "{s:o*, s:o, s:o, s:o, s:o*, s:o*}", "boot-source", boot, "drives",
	    drives, "machine-config", acf_machine(ac), "network-interfaces",
	    nets, "entropy",
	    config_dev_has(&ac->cfg, acf_entropy_type()) ? json_object() : NULL,
	    "vsock", vsock);
	return acf_dump(v);
}
