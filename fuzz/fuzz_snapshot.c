/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Harness: the snapshot state file's decoder (vmm/vm/snap_file.c) and the
 * restore's configuration (snap_load_merge, vmm/vm/snap_load.c). The VMST
 * section inside is the vm_state harness's.
 *
 * Input: u8 mode, then bytes. Mode bit 0 clear: the bytes are a whole
 * state file (the header's checks); set: they are the payload, put behind
 * a header with the right length and CRC so the machine's decoder is what
 * they meet. Mode bit 1: the user gives one disk and a vsock (the merge's
 * checks), else nothing.
 *
 * Checks: the decoder returns 0, -EINVAL or -EPROTONOSUPPORT with a
 * message; on 0 the machine is within the command line's limits, every
 * string ends inside its buffer, the VMST reader lies inside the input,
 * and the memory size is the RAM's; the merge returns 0 or -EINVAL with a
 * message, and on 0 the configuration is the snapshot's machine.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/fuzz.h"
#include "vmm/vm/snap_file.h"
#include "vmm/vm/snap_load.h"

static void check_machine(const struct snap_machine *m)
{
	const struct vm_config *c = &m->cfg;
	FUZZ_CHECK(c->mem_mib >= CONFIG_MIN_MEM_MIB &&
		   c->mem_mib <= CONFIG_MAX_MEM_MIB);
	FUZZ_CHECK(c->cpus >= 1 && c->cpus <= CONFIG_MAX_CPUS);
	FUZZ_CHECK(m->mem_bytes == c->mem_mib << 20);
	FUZZ_CHECK(c->ndevs <= CONFIG_MAX_FLAG_DEVS);
	FUZZ_CHECK(c->ndisks <= CONFIG_MAX_DISKS &&
		   c->nnets <= CONFIG_MAX_NETS);
	for (unsigned i = 0; i < c->ndisks; i++)
		FUZZ_CHECK(memchr(c->disks[i].path, 0, CONFIG_PATH_MAX) &&
			   c->disks[i].path[0] &&
			   memchr(c->disks[i].id, 0, sizeof(c->disks[i].id)));
	for (unsigned i = 0; i < c->nnets; i++)
		FUZZ_CHECK(memchr(c->nets[i].tap, 0, CONFIG_IFNAME_MAX) &&
			   c->nets[i].tap[0]);
	FUZZ_CHECK(!c->vsock.on || (c->vsock.cid >= CONFIG_VSOCK_MIN_CID &&
				    c->vsock.cid <= CONFIG_VSOCK_MAX_CID &&
				    c->vsock.uds_path[0]));
	FUZZ_CHECK(memchr(m->vendor, 0, sizeof(m->vendor)));
}

static void merge(const struct snap_machine *m, bool devices)
{
	struct vm_config u;
	char err[256] = "";
	config_defaults(&u);
	if (devices) {
		u.ndisks = 1;
		strcpy(u.disks[0].path, "/fuzz/disk");
		u.vsock = (struct vsock_config){.on = true, .cid = 3};
		strcpy(u.vsock.uds_path, "/fuzz/v.sock");
	}
	int r = snap_load_merge(m, &u, err, sizeof(err));
	FUZZ_CHECK(r == 0 || (r == -EINVAL && err[0]));
	if (r)
		return;
	FUZZ_CHECK(u.mem_mib == m->cfg.mem_mib && u.cpus == m->cfg.cpus);
	FUZZ_CHECK(u.ndisks == m->cfg.ndisks && u.nnets == m->cfg.nnets);
	FUZZ_CHECK(u.vsock.on == m->cfg.vsock.on);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	unsigned mode = data[0];
	const uint8_t *body = data + 1;
	size_t n = size - 1;
	uint8_t *buf = malloc(SNAP_HDR_LEN + n + 1);
	if (!buf)
		abort();
	size_t len = n;
	if (mode & 1) {
		memset(buf, 0, SNAP_HDR_LEN);
		memcpy(buf + SNAP_HDR_LEN, body, n);
		len = SNAP_HDR_LEN + n;
		snap_file_finish(buf, len);
	} else {
		memcpy(buf, body, n);
	}
	struct snap_machine m;
	struct st_reader v;
	char err[256] = "";
	int r = snap_file_parse(buf, len, &m, &v, err, sizeof(err));
	FUZZ_CHECK(r == 0 || r == -EINVAL || r == -EPROTONOSUPPORT);
	FUZZ_CHECK(r == 0 || err[0]);
	if (!r) {
		check_machine(&m);
		FUZZ_CHECK(v.buf >= buf && v.len <= len &&
			   (size_t)(v.buf - buf) <= len - v.len);
		merge(&m, mode & 2);
	}
	free(buf);
	return 0;
}
