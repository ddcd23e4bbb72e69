/* SPDX-License-Identifier: Apache-2.0 */
/* Opening a snapshot to restore; see snap_load.h. */
#include "vmm/vm/snap_load.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmm/base/errmsg.h"
#include "vmm/base/host_cpu.h"
#include "vmm/vm/file.h"

static int snap_merge_disks(const struct vm_config *s, struct vm_config *c,
			    char *err, size_t errlen)
{
	if (!c->ndisks) {
		memcpy(c->disks, s->disks, sizeof(c->disks));
		c->ndisks = s->ndisks;
		return 0;
	}
	if (c->ndisks != s->ndisks)
		return errmsg(err, errlen, -EINVAL,
			      "the snapshot's machine has %u disks, %u given",
			      s->ndisks, c->ndisks);
	for (unsigned i = 0; i < c->ndisks; i++) {
		if (c->disks[i].read_only != s->disks[i].read_only)
			return errmsg(
			    err, errlen, -EINVAL,
			    "disk %u (%s) is %s, the snapshot's was "
			    "%s",
			    i, c->disks[i].path,
			    c->disks[i].read_only ? "read-only" : "writable",
			    s->disks[i].read_only ? "read-only" : "writable");
		/* What the guest sees of it is the snapshot's. */
		memcpy(c->disks[i].id, s->disks[i].id, sizeof(c->disks[i].id));
	}
	return 0;
}

static int snap_merge_nets(const struct vm_config *s, struct vm_config *c,
			   char *err, size_t errlen)
{
	if (!c->nnets) {
		memcpy(c->nets, s->nets, sizeof(c->nets));
		c->nnets = s->nnets;
		return 0;
	}
	if (c->nnets != s->nnets)
		return errmsg(err, errlen, -EINVAL,
			      "the snapshot's machine has %u network "
			      "interfaces, %u given",
			      s->nnets, c->nnets);
	for (unsigned i = 0; i < c->nnets; i++) {
		memcpy(c->nets[i].mac, s->nets[i].mac, 6);
		c->nets[i].has_mac = s->nets[i].has_mac;
	}
	return 0;
}

static int snap_merge_vsock(const struct vm_config *s, struct vm_config *c,
			    char *err, size_t errlen)
{
	if (!c->vsock.on) {
		c->vsock = s->vsock;
		if (c->vsock.on && c->restore.vsock_uds[0])
			memcpy(c->vsock.uds_path, c->restore.vsock_uds,
			       sizeof(c->vsock.uds_path));
		else if (c->restore.vsock_uds[0])
			return errmsg(err, errlen, -EINVAL,
				      "vsock_override: the snapshot's machine "
				      "has no vsock");
		return 0;
	}
	if (!s->vsock.on)
		return errmsg(err, errlen, -EINVAL,
			      "the snapshot's machine has no vsock, one given");
	if (c->vsock.cid != s->vsock.cid)
		return errmsg(err, errlen, -EINVAL,
			      "the vsock's guest CID is %u, the snapshot's "
			      "was %u",
			      c->vsock.cid, s->vsock.cid);
	return 0;
}

int snap_load_merge(const struct snap_machine *m, struct vm_config *cfg,
		    char *err, size_t errlen)
{
	const struct vm_config *s = &m->cfg;
	int r = snap_merge_disks(s, cfg, err, errlen);
	if (!r)
		r = snap_merge_nets(s, cfg, err, errlen);
	if (!r)
		r = snap_merge_vsock(s, cfg, err, errlen);
	if (r)
		return r;
	cfg->mem_mib = s->mem_mib;
	cfg->cpus = s->cpus;
	cfg->acpi = s->acpi;
	memcpy(cfg->devs, s->devs, sizeof(cfg->devs));
	cfg->ndevs = s->ndevs;
	return 0;
}

/* The memory file: opened read-only, exactly the guest's RAM. */
static int snap_open_mem(const char *path, uint64_t bytes, int *fd, char *err,
			 size_t errlen)
{
	*fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (*fd < 0)
		return errmsg(err, errlen, -errno, "memory file %s: %s", path,
			      strerror(errno));
	struct stat st;
	if (fstat(*fd, &st) < 0)
		return errmsg(err, errlen, -errno, "memory file %s: %s", path,
			      strerror(errno));
	if (!S_ISREG(st.st_mode))
		return errmsg(err, errlen, -EINVAL,
			      "memory file %s: not a regular file", path);
	if ((uint64_t)st.st_size != bytes)
		return errmsg(err, errlen, -EINVAL,
			      "memory file %s: is %lld bytes; the "
			      "snapshot's guest RAM is %" PRIu64
			      " (another snapshot's memory file?)",
			      path, (long long)st.st_size, bytes);
	return 0;
}

int snap_load_open(struct vm_config *cfg, struct snap_load *l, char *err,
		   size_t errlen)
{
	const char *path = cfg->restore.state;
	memset(l, 0, sizeof(*l));
	l->ram.fd = -1;
	char why[256];
	struct snap_machine m;
	int r = file_read_all(path, SNAP_MAX_BYTES, &l->buf, &l->len, why,
			      sizeof(why));
	if (!r)
		r = snap_file_parse(l->buf, l->len, &m, &l->vmst, why,
				    sizeof(why));
	if (!r)
		r = snap_load_merge(&m, cfg, why, sizeof(why));
	char vendor[SNAP_VENDOR_LEN + 1];
	host_cpu_vendor(vendor);
	if (!r && strcmp(vendor, m.vendor))
		r = errmsg(why, sizeof(why), -EINVAL,
			   "taken on a %s CPU, this host's is %s (the guest "
			   "may use what this CPU lacks)",
			   m.vendor, vendor);
	if (r) {
		snap_load_close(l);
		return errmsg(err, errlen, r, "snapshot %s: %s", path, why);
	}
	r = snap_open_mem(cfg->restore.mem, m.mem_bytes, &l->ram.fd, err,
			  errlen);
	if (r)
		snap_load_close(l);
	return r;
}

void snap_load_close(struct snap_load *l)
{
	free(l->buf);
	l->buf = NULL;
	l->len = 0;
	st_reader_init(&l->vmst, NULL, 0);
	if (l->ram.fd >= 0)
		close(l->ram.fd);
	l->ram.fd = -1;
}
