/* SPDX-License-Identifier: Apache-2.0 */
/* virtio-net: see vnet.h. */
#include "vnet.h"

#include <stddef.h>
#include <stdint.h>

#include <linux/virtio_net.h>

#include "exitcodes.h"
#include "io.h"
#include "serial.h"
#include "vbench.h"

#define VNET_HDR sizeof(struct virtio_net_hdr_v1) /* 12 */
#define VNET_RX_BUFS 8
#define VNET_RX_LEN 1536
#define VNET_FRAME_MAX 1514
#define VNET_TRIES 3
#define VNET_WAIT (VIO_WAIT_STEPS / 4) /* per try */

#define ETH_HLEN 14
#define ETH_P_IP 0x0800
#define ETH_P_ARP 0x0806
#define ARP_LEN 28
#define IP_HLEN 20
#define ICMP_HLEN 8
#define PING_DATA 32
#define PING_ID 0x7467 /* "tg" */
#define UDP_HLEN 8
#define BENCH_SPORT 1024
#define BENCH_DPORT 9 /* discard */

_Static_assert(sizeof(struct virtio_net_hdr_v1) == 12, "virtio_net_hdr_v1");

/* Written by the device before the guest reads them. */
static uint8_t vnet_rx[VNET_RX_BUFS][VNET_RX_LEN] TG_NOCLEAR;
static uint8_t vnet_tx[VNET_HDR + VNET_FRAME_MAX];
static uint8_t vnet_rx_of_head[VQ_SIZE];
_Static_assert(VNET_HDR + VNET_FRAME_MAX <= VBENCH_NET_BUF, "net buffer");

static const uint8_t vnet_ip_me[4] = { 192, 0, 2, 2 };
static const uint8_t vnet_ip_peer[4] = { 192, 0, 2, 1 };
static const uint8_t vnet_bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static uint8_t vnet_mac[6], vnet_peer_mac[6];
static uint16_t vnet_seq;

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void cpy(uint8_t *d, const uint8_t *s, unsigned n)
{
	while (n--)
		*d++ = *s++;
}

static bool same(const uint8_t *a, const uint8_t *b, unsigned n)
{
	while (n--)
		if (*a++ != *b++)
			return false;
	return true;
}

/* The Internet checksum (RFC 1071) of p[0..n): 0 when p holds a valid
 * checksum. */
static uint16_t csum(const uint8_t *p, unsigned n)
{
	uint32_t s = 0;

	for (unsigned i = 0; i + 1 < n; i += 2)
		s += get16(p + i);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static const char *mac_str(const uint8_t *m)
{
	static char s[18];

	for (unsigned i = 0; i < 6; i++) {
		s[3 * i] = "0123456789abcdef"[m[i] >> 4];
		s[3 * i + 1] = "0123456789abcdef"[m[i] & 15];
		s[3 * i + 2] = i < 5 ? ':' : '\0';
	}
	return s;
}

/* Send the frame at vnet_tx + VNET_HDR (header zeroed here), padded to
 * the Ethernet minimum of 60 bytes. */
static void vnet_send(struct vio_dev *d, unsigned frame_len)
{
	for (unsigned i = 0; i < VNET_HDR; i++)
		vnet_tx[i] = 0;
	for (; frame_len < 60; frame_len++)
		vnet_tx[VNET_HDR + frame_len] = 0;
	struct vq_buf b = { (uintptr_t)vnet_tx, VNET_HDR + frame_len, false };

	vq_xfer(d, &d->q[1], &b, 1, "virtio-net transmit");
}

static uint8_t *vnet_eth(const uint8_t *dst, uint16_t type)
{
	uint8_t *f = vnet_tx + VNET_HDR;

	cpy(f, dst, 6);
	cpy(f + 6, vnet_mac, 6);
	put16(f + 12, type);
	return f + ETH_HLEN;
}

static void vnet_send_arp(struct vio_dev *d, uint16_t op, const uint8_t *dst,
			  const uint8_t *tha, const uint8_t *tpa)
{
	uint8_t *a = vnet_eth(dst, ETH_P_ARP);

	put16(a, 1);        /* Ethernet */
	put16(a + 2, ETH_P_IP);
	a[4] = 6;
	a[5] = 4;
	put16(a + 6, op);
	cpy(a + 8, vnet_mac, 6);
	cpy(a + 14, vnet_ip_me, 4);
	cpy(a + 18, tha, 6);
	cpy(a + 24, tpa, 4);
	vnet_send(d, ETH_HLEN + ARP_LEN);
}

static void vnet_ping_data(uint8_t *p)
{
	for (unsigned i = 0; i < PING_DATA; i++)
		p[i] = (uint8_t)('a' + i % 26);
}

static void vnet_send_ping(struct vio_dev *d)
{
	uint8_t *ip = vnet_eth(vnet_peer_mac, ETH_P_IP);
	uint8_t *icmp = ip + IP_HLEN;

	ip[0] = 0x45;
	ip[1] = 0;
	put16(ip + 2, IP_HLEN + ICMP_HLEN + PING_DATA);
	put16(ip + 4, vnet_seq);
	put16(ip + 6, 0);
	ip[8] = 64;
	ip[9] = 1; /* ICMP */
	put16(ip + 10, 0);
	cpy(ip + 12, vnet_ip_me, 4);
	cpy(ip + 16, vnet_ip_peer, 4);
	put16(ip + 10, csum(ip, IP_HLEN));
	icmp[0] = 8; /* echo request */
	icmp[1] = 0;
	put16(icmp + 2, 0);
	put16(icmp + 4, PING_ID);
	put16(icmp + 6, vnet_seq);
	vnet_ping_data(icmp + ICMP_HLEN);
	put16(icmp + 2, csum(icmp, ICMP_HLEN + PING_DATA));
	vnet_send(d, ETH_HLEN + IP_HLEN + ICMP_HLEN + PING_DATA);
}

static void vnet_post_rx(struct vio_dev *d, unsigned k)
{
	struct vq_buf b = { (uintptr_t)vnet_rx[k], VNET_RX_LEN, true };

	vnet_rx_of_head[vq_add(&d->q[0], &b, 1)] = (uint8_t)k;
}

/* An ARP reply from 192.0.2.1 to us: remember its MAC. ARP requests for
 * 192.0.2.2 are answered. */
static bool vnet_is_arp_reply(struct vio_dev *d, const uint8_t *f,
			      uint32_t len)
{
	const uint8_t *a = f + ETH_HLEN;

	if (len < ETH_HLEN + ARP_LEN || get16(f + 12) != ETH_P_ARP ||
	    get16(a) != 1 || get16(a + 2) != ETH_P_IP || a[4] != 6 ||
	    a[5] != 4)
		return false;
	if (get16(a + 6) == 1 && same(a + 24, vnet_ip_me, 4)) {
		uint8_t sha[6], spa[4];

		cpy(sha, a + 8, 6);
		cpy(spa, a + 14, 4);
		vnet_send_arp(d, 2, sha, sha, spa);
		return false;
	}
	if (get16(a + 6) != 2 || !same(a + 14, vnet_ip_peer, 4) ||
	    !same(a + 24, vnet_ip_me, 4))
		return false;
	cpy(vnet_peer_mac, a + 8, 6);
	return true;
}

/* The echo reply to our last request, with valid checksums. */
static bool vnet_is_echo_reply(struct vio_dev *d, const uint8_t *f,
			       uint32_t len)
{
	const uint8_t *ip = f + ETH_HLEN, *icmp;
	unsigned ihl, tot;
	uint8_t data[PING_DATA];

	if (vnet_is_arp_reply(d, f, len) || len < ETH_HLEN + IP_HLEN ||
	    get16(f + 12) != ETH_P_IP || ip[0] >> 4 != 4)
		return false;
	ihl = (ip[0] & 15u) * 4;
	tot = get16(ip + 2);
	if (ihl < IP_HLEN || tot < ihl + ICMP_HLEN + PING_DATA ||
	    ETH_HLEN + tot > len || csum(ip, ihl) != 0 || ip[9] != 1 ||
	    !same(ip + 12, vnet_ip_peer, 4) || !same(ip + 16, vnet_ip_me, 4))
		return false;
	icmp = ip + ihl;
	vnet_ping_data(data);
	return icmp[0] == 0 && icmp[1] == 0 &&
	       csum(icmp, tot - ihl) == 0 && get16(icmp + 4) == PING_ID &&
	       get16(icmp + 6) == vnet_seq &&
	       same(icmp + ICMP_HLEN, data, PING_DATA);
}

/* Poll the receiveq for up to `steps` until `match` accepts a frame;
 * every buffer goes straight back to the device. */
static bool vnet_wait(struct vio_dev *d,
		      bool (*match)(struct vio_dev *, const uint8_t *,
				    uint32_t),
		      unsigned long steps)
{
	struct vq *rx = &d->q[0];

	for (unsigned long i = 0; i < steps; i++) {
		uint16_t id;
		uint32_t len;

		if (!vq_poll(d, rx, 0, &id, &len)) {
			io_pause();
			continue;
		}
		unsigned k = vnet_rx_of_head[id];
		bool hit = len >= VNET_HDR + ETH_HLEN &&
			   match(d, vnet_rx[k] + VNET_HDR, len - VNET_HDR);

		vnet_post_rx(d, k);
		vq_kick(d, rx);
		if (hit)
			return true;
	}
	return false;
}

void vnet_run(struct vio_dev *d, bool skip)
{
	static const uint8_t fallback[6] = { 2, 0, 0, 0, 0, 2 };
	static const uint8_t zero[6] = { 0 };
	unsigned t;

	vio_begin(d, 1ull << VIRTIO_NET_F_MAC);
	vio_queue(d, 0, 0);
	vio_queue(d, 1, 1);
	for (unsigned k = 0; k < VNET_RX_BUFS; k++)
		vnet_post_rx(d, k);
	vio_driver_ok(d);
	vq_kick(d, &d->q[0]);

	if (d->features & (1ull << VIRTIO_NET_F_MAC))
		for (unsigned i = 0; i < 6; i++)
			vnet_mac[i] = vio_cfg8(
				d, offsetof(struct virtio_net_config, mac) + i);
	else
		cpy(vnet_mac, fallback, 6);
	ser_printf("testguest: virtio-net: mac %s\n", mac_str(vnet_mac));
	if (skip) {
		ser_printf("testguest: virtio-net: skipped\n");
		return;
	}

	for (t = 0; t < VNET_TRIES; t++) {
		vnet_send_arp(d, 1, vnet_bcast, zero, vnet_ip_peer);
		if (vnet_wait(d, vnet_is_arp_reply, VNET_WAIT))
			break;
	}
	if (t == VNET_TRIES)
		vio_fail(TG_EXIT_VNET_ARP, "virtio-net ARP: expected a reply "
			 "from 192.0.2.1, found none after %u requests",
			 VNET_TRIES);
	ser_printf("testguest: virtio-net: arp reply from %s\n",
		   mac_str(vnet_peer_mac));

	for (t = 0; t < VNET_TRIES; t++) {
		vnet_seq++;
		vnet_send_ping(d);
		if (vnet_wait(d, vnet_is_echo_reply, VNET_WAIT))
			break;
	}
	if (t == VNET_TRIES)
		vio_fail(TG_EXIT_VNET_PING, "virtio-net ping: expected an echo "
			 "reply from 192.0.2.1, found none after %u requests",
			 VNET_TRIES);
	ser_printf("testguest: virtio-net: ping ok\n");
}

/* tg.netbench: one buffer per transmit descriptor, in the scratch RAM
 * (vbench.h). */
static uint8_t *vnet_bench_tx(unsigned k)
{
	return (uint8_t *)io_phys(VBENCH_NET_BUFS + (uint64_t)k *
				  VBENCH_NET_BUF);
}

/* The UDP frame of vnet_bench in buffer 0 (header zeroed). */
static void vnet_bench_frame(unsigned size)
{
	uint8_t *f = vnet_bench_tx(0), *eth = f + VNET_HDR;
	uint8_t *ip = eth + ETH_HLEN, *udp = ip + IP_HLEN;
	unsigned ip_len = size - ETH_HLEN;

	for (unsigned i = 0; i < VNET_HDR + size; i++)
		f[i] = 0;
	cpy(eth, vnet_peer_mac, 6);
	cpy(eth + 6, vnet_mac, 6);
	put16(eth + 12, ETH_P_IP);
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)ip_len);
	put16(ip + 6, 0x4000); /* DF */
	ip[8] = 64;
	ip[9] = 17; /* UDP */
	cpy(ip + 12, vnet_ip_me, 4);
	cpy(ip + 16, vnet_ip_peer, 4);
	put16(ip + 10, csum(ip, IP_HLEN));
	put16(udp, BENCH_SPORT);
	put16(udp + 2, BENCH_DPORT);
	put16(udp + 4, (uint16_t)(ip_len - IP_HLEN));
	/* UDP checksum 0: none (RFC 768, IPv4). */
	for (unsigned i = ETH_HLEN + IP_HLEN + UDP_HLEN; i < size; i++)
		eth[i] = (uint8_t)('a' + i % 26);
}

void vnet_bench(struct vio_dev *d, uint64_t count, unsigned size)
{
	struct vq *tx = &d->q[1];
	uint8_t buf_of_head[VQ_SIZE], free_bufs[VQ_SIZE];
	unsigned nfree = tx->size;
	uint64_t sent = 0, done = 0;

	vnet_bench_frame(size);
	for (unsigned k = 0; k < tx->size; k++) {
		if (k)
			cpy(vnet_bench_tx(k), vnet_bench_tx(0),
			    VNET_HDR + size);
		free_bufs[k] = (uint8_t)k;
	}
	ser_printf("testguest: netbench: start count %lu size %u\n", count,
		   size);
	while (done < count) {
		bool added = false;

		while (sent < count && nfree) {
			unsigned k = free_bufs[--nfree];
			struct vq_buf b = { (uintptr_t)vnet_bench_tx(k),
					    VNET_HDR + size, false };

			buf_of_head[vq_add(tx, &b, 1)] = (uint8_t)k;
			sent++;
			added = true;
		}
		if (added)
			vq_kick(d, tx);

		uint16_t id;
		uint32_t len;

		if (!vq_poll(d, tx, VIO_WAIT_STEPS, &id, &len))
			vio_fail(TG_EXIT_VIRTIO_TIMEOUT, "netbench at 0x%lx: "
				 "expected a used transmit buffer, found none "
				 "after %lu frames", d->base, done);
		do {
			free_bufs[nfree++] = buf_of_head[id];
			done++;
		} while (vq_poll(d, tx, 0, &id, &len));
	}
	ser_printf("testguest: netbench: done %lu\n", count);
}
