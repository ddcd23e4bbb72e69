/* SPDX-License-Identifier: Apache-2.0 */
#include "vmm/vm/tap.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/if_tun.h>
#include <linux/virtio_net.h>
#include <net/if.h>

#include "vmm/base/errmsg.h"

#define TUN_PATH "/dev/net/tun"

int tap_set_offloads(int fd, unsigned tun_flags)
{
	if (ioctl(fd, TUNSETOFFLOAD, (unsigned long)tun_flags) < 0)
		return -errno;
	return 0;
}

/* Which of CSUM, TSO4, TSO6 the tap takes; offloads left at 0. */
static int probe_offloads(int fd, unsigned *offloads)
{
	unsigned got = 0;

	if (tap_set_offloads(fd, TUN_F_CSUM) == 0) {
		got |= TUN_F_CSUM;
		if (tap_set_offloads(fd, TUN_F_CSUM | TUN_F_TSO4) == 0)
			got |= TUN_F_TSO4;
		if (tap_set_offloads(fd, TUN_F_CSUM | TUN_F_TSO6) == 0)
			got |= TUN_F_TSO6;
	}
	*offloads = got;
	return tap_set_offloads(fd, 0);
}

static int attach_error(const char *name, int e, char *err, size_t errlen)
{
	switch (e) {
	case EINVAL:
		return errmsg(err, errlen, -EINVAL,
			      "%s: not a tap device (or a multiqueue tap)",
			      name);
	case EBUSY:
		return errmsg(err, errlen, -EBUSY,
			      "%s: tap already in use by another process",
			      name);
	case EPERM:
		return errmsg(err, errlen, -EPERM,
			      "%s: permission denied (tap owner/group)", name);
	default:
		return errmsg(err, errlen, -e, "%s: TUNSETIFF: %s", name,
			      strerror(e));
	}
}

int tap_open(const char *name, int *fd, unsigned *offloads, char *err,
	     size_t errlen)
{
	struct ifreq ifr;
	unsigned idx;
	int hdr_sz = (int)sizeof(struct virtio_net_hdr_v1);
	int le = 1;
	int f, r;

	if (!name || !name[0] || strlen(name) >= IFNAMSIZ || strchr(name, '/'))
		return errmsg(err, errlen, -EINVAL, "%s: bad interface name",
			      name ? name : "(null)");
	idx = if_nametoindex(name);
	if (idx == 0)
		return errmsg(
		    err, errlen, -ENODEV,
		    "%s: no such tap device (create it with ip tuntap "
		    "add dev %s mode tap)",
		    name, name);

	f = open(TUN_PATH, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (f < 0) {
		r = -errno;
		return errmsg(err, errlen, r, "%s: %s: %s", name, TUN_PATH,
			      strerror(-r));
	}
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, name, strlen(name)); /* < IFNAMSIZ, NUL kept */
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
	if (ioctl(f, TUNSETIFF, &ifr) < 0) {
		r = attach_error(name, errno, err, errlen);
		goto fail;
	}
	/* If the tap vanished between the check and TUNSETIFF, the ioctl
	 * created a new one (with a new index): refuse it; closing the fd
	 * deletes it again since it is not persistent. */
	if (if_nametoindex(name) != idx) {
		r = errmsg(err, errlen, -ENODEV,
			   "%s: interface changed while opening it", name);
		goto fail;
	}
	if (ioctl(f, TUNSETVNETHDRSZ, &hdr_sz) < 0 ||
	    ioctl(f, TUNSETVNETLE, &le) < 0) {
		r = -errno;
		errmsg(err, errlen, r, "%s: setting the vnet header: %s", name,
		       strerror(-r));
		goto fail;
	}
	r = probe_offloads(f, offloads);
	if (r) {
		errmsg(err, errlen, r, "%s: TUNSETOFFLOAD: %s", name,
		       strerror(-r));
		goto fail;
	}
	*fd = f;
	return 0;
fail:
	close(f);
	return r;
}
