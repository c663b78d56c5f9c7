// SPDX-License-Identifier: GPL-2.0
/*
 * l2tp_regress_wire: the C half of test_regress_wire.sh, which replays
 * the sequences that exposed upstream bug classes 12-20 and 22-24 of the
 * behaviour notes (§4) and asserts what must happen instead: counters,
 * errnos, bytes on the wire, reference counts in debugfs.
 *
 *   l2tp_regress_wire -a NS1 -b NS2 cN
 *	The checks of class N (12, 13, 16, 17, 18, 19, 20, 22, 23), as KTAP
 *	lines named "class N: ...". NS1 holds the tunnels under test; NS2 is
 *	their peer, where hand-made packets are injected with raw sockets
 *	and NS1's output is captured (AF_PACKET on veth2). c22 takes the
 *	number of sockets, c23 the seconds of route flapping.
 *   l2tp_regress_wire c15
 *	Class 15: namespaces of its own, made with unshare(), holding
 *	tunnels with sparse ids, which are deleted in several orders or not
 *	at all before each namespace exits.
 *   l2tp_regress_wire [-a NS] sock inet|inet6|pppox
 *	Class 24: create one L2TPIP or PPPoL2TP socket (module autoload).
 *   l2tp_regress_wire -a NS autoload ip4|ip6|eth|ppp
 *	Class 24: create and delete over netlink an IP-encapsulated tunnel,
 *	or a UDP tunnel with an Ethernet or PPP session.
 *
 * The namespaces are entered with setns() only (no `ip netns exec`,
 * which would hide debugfs). Addresses, as test_regress_wire.sh sets
 * them: veth1 (NS1) 10.60.0.1 fd60::1 fe80::1 <-> veth2 (NS2) 10.60.0.2
 * fd60::2 fe80::2; vx1 10.62.0.1 fd62::1 <-> vx2 10.62.0.2 fd62::2.
 * L2TP_MODE=stock selects what the stock modules do where ours
 * deliberately differ (Documentation/l2tp*.rst).
 */

#include <arpa/inet.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/if_pppol2tp.h>
#include <linux/if_pppox.h>
#include <linux/ppp-ioctl.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>

#include "l2tp_test.h"

#ifndef IPPROTO_L2TP
#define IPPROTO_L2TP	115
#endif

#define NS_A		0
#define NS_B		1

#define PAT		0xa5	/* fill of the buffers the kernel must not touch */
#define FRAME_LEN	64

static int ns_fd[2] = { -1, -1 };
static cpu_set_t all_cpus;
static struct l2tp_nl nla, nlb;
static bool have_b;

static void die(const char *fmt, ...) __printf(1, 2);
static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("l2tp_regress_wire: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static uint64_t by_mode(uint64_t stock, uint64_t ours)
{
	return ktap_ours ? ours : stock;
}

/* ------------------------------------------------------------ namespaces */

static void ns_enter(int which)
{
	if (ns_fd[which] >= 0 && setns(ns_fd[which], CLONE_NEWNET))
		die("setns: %s", strerror(errno));
}

/* A socket of namespace @which; the calling thread stays in NS1. */
static int ns_socket(int which, int fam, int type, int proto)
{
	int fd, err;

	ns_enter(which);
	fd = socket(fam, type | SOCK_CLOEXEC, proto);
	err = errno;
	ns_enter(NS_A);
	errno = err;
	return fd;
}

static int ns_ifindex(int which, const char *dev)
{
	struct ifreq ifr = {};
	int fd = ns_socket(which, AF_INET, SOCK_DGRAM, 0);

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
	if (fd < 0 || ioctl(fd, SIOCGIFINDEX, &ifr))
		ifr.ifr_ifindex = 0;
	if (fd >= 0)
		close(fd);
	return ifr.ifr_ifindex;
}

static int ns_link_up(int which, const char *dev)
{
	struct ifreq ifr = {};
	int fd = ns_socket(which, AF_INET, SOCK_DGRAM, 0);
	int rc = -1;

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
	if (fd >= 0 && !ioctl(fd, SIOCGIFFLAGS, &ifr)) {
		ifr.ifr_flags |= IFF_UP;
		rc = ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	if (fd >= 0)
		close(fd);
	return rc;
}

/* ---------------------------------------------------- bytes and sums */

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v);
}

static uint16_t get16(const uint8_t *p)
{
	return p[0] << 8 | p[1];
}

static uint32_t csum_add(uint32_t sum, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += p[len - 1] << 8;
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum & 0xffff;
}

static void hexdump(const char *label, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	char line[3 * 64 + 1];
	size_t i, n = 0;

	for (i = 0; i < len && i < 64; i++)
		n += snprintf(line + n, sizeof(line) - n, "%02x ", p[i]);
	line[n] = 0;
	ktap_diag("%s (%zu): %s%s", label, len, line, len > 64 ? "..." : "");
}

static bool same_bytes(const void *got, size_t glen, const void *want,
		       size_t wlen)
{
	if (glen == wlen && !memcmp(got, want, glen))
		return true;
	hexdump("got ", got, glen);
	hexdump("want", want, wlen);
	return false;
}

/* Is every byte of @p[@from, @to) still the fill pattern? */
static bool untouched(const uint8_t *p, size_t from, size_t to)
{
	for (; from < to; from++)
		if (p[from] != PAT) {
			ktap_diag("byte %zu is %02x, not the fill %02x", from,
				  p[from], PAT);
			return false;
		}
	return true;
}

/* ---------------------------------------------------------- netlink */

struct tun {
	uint32_t tid, ptid;
	uint8_t ver;
	uint16_t encap;
	int fd;				/* managed: its socket; else -1 */
	const char *local, *remote;	/* a ':' makes it IPv6 */
	uint16_t sport, dport;
};

struct sess {
	uint32_t tid, sid, psid;
	uint16_t pw;
	int l2spec;			/* -1: not sent */
	const uint8_t *cookie, *pcookie;
	int clen, pclen;
	const char *ifname;
};

static void put_addr(struct nlmsghdr *nlh, int a4, int a6, const char *s)
{
	uint8_t a[16];

	if (strchr(s, ':')) {
		inet_pton(AF_INET6, s, a);
		mnl_attr_put(nlh, a6, 16, a);
	} else {
		inet_pton(AF_INET, s, a);
		mnl_attr_put(nlh, a4, 4, a);
	}
}

static int tunnel_create(struct l2tp_nl *c, const struct tun *t)
{
	struct nlmsghdr *nlh = l2tp_nl_req(c, L2TP_CMD_TUNNEL_CREATE);

	mnl_attr_put_u32(nlh, L2TP_ATTR_CONN_ID, t->tid);
	mnl_attr_put_u32(nlh, L2TP_ATTR_PEER_CONN_ID, t->ptid);
	mnl_attr_put_u8(nlh, L2TP_ATTR_PROTO_VERSION, t->ver);
	mnl_attr_put_u16(nlh, L2TP_ATTR_ENCAP_TYPE, t->encap);
	if (t->fd >= 0) {
		mnl_attr_put_u32(nlh, L2TP_ATTR_FD, t->fd);
	} else {
		put_addr(nlh, L2TP_ATTR_IP_SADDR, L2TP_ATTR_IP6_SADDR, t->local);
		put_addr(nlh, L2TP_ATTR_IP_DADDR, L2TP_ATTR_IP6_DADDR,
			 t->remote);
		if (t->encap == L2TP_ENCAPTYPE_UDP) {
			mnl_attr_put_u16(nlh, L2TP_ATTR_UDP_SPORT, t->sport);
			mnl_attr_put_u16(nlh, L2TP_ATTR_UDP_DPORT, t->dport);
		}
	}
	return l2tp_nl_txn(c, nlh);
}

static int session_create(struct l2tp_nl *c, const struct sess *s)
{
	struct nlmsghdr *nlh = l2tp_nl_req(c, L2TP_CMD_SESSION_CREATE);

	mnl_attr_put_u32(nlh, L2TP_ATTR_CONN_ID, s->tid);
	mnl_attr_put_u32(nlh, L2TP_ATTR_SESSION_ID, s->sid);
	mnl_attr_put_u32(nlh, L2TP_ATTR_PEER_SESSION_ID, s->psid);
	mnl_attr_put_u16(nlh, L2TP_ATTR_PW_TYPE, s->pw);
	if (s->l2spec >= 0)
		mnl_attr_put_u8(nlh, L2TP_ATTR_L2SPEC_TYPE, s->l2spec);
	if (s->clen)
		mnl_attr_put(nlh, L2TP_ATTR_COOKIE, s->clen, s->cookie);
	if (s->pclen)
		mnl_attr_put(nlh, L2TP_ATTR_PEER_COOKIE, s->pclen, s->pcookie);
	if (s->ifname)
		mnl_attr_put_strz(nlh, L2TP_ATTR_IFNAME, s->ifname);
	return l2tp_nl_txn(c, nlh);
}

/* TUNNEL_DELETE (@sid < 0) or SESSION_DELETE: 0 or the errno. */
static int nl_delete(struct l2tp_nl *c, uint32_t tid, long sid)
{
	struct nlmsghdr *nlh = l2tp_nl_req(c, sid < 0 ? L2TP_CMD_TUNNEL_DELETE :
					   L2TP_CMD_SESSION_DELETE);

	mnl_attr_put_u32(nlh, L2TP_ATTR_CONN_ID, tid);
	if (sid >= 0)
		mnl_attr_put_u32(nlh, L2TP_ATTR_SESSION_ID, sid);
	return l2tp_nl_txn(c, nlh);
}

/* The counters of a tunnel (@sid < 0) or session, by attribute type. */
struct st {
	uint64_t v[L2TP_ATTR_STATS_MAX + 1];
};

static int stats_cb(const struct nlattr *a, void *data)
{
	struct st *s = data;
	int t = mnl_attr_get_type(a);

	if (t <= L2TP_ATTR_STATS_MAX && mnl_attr_get_payload_len(a) == 8)
		s->v[t] = mnl_attr_get_u64(a);
	return MNL_CB_OK;
}

static int top_cb(const struct nlattr *a, void *data)
{
	if (mnl_attr_get_type(a) == L2TP_ATTR_STATS)
		mnl_attr_parse_nested(a, stats_cb, data);
	return MNL_CB_OK;
}

static int nl_stats(struct l2tp_nl *c, uint32_t tid, long sid, struct st *s)
{
	struct nlmsghdr *nlh = l2tp_nl_req(c, sid < 0 ? L2TP_CMD_TUNNEL_GET :
					   L2TP_CMD_SESSION_GET);
	int err;

	mnl_attr_put_u32(nlh, L2TP_ATTR_CONN_ID, tid);
	if (sid >= 0)
		mnl_attr_put_u32(nlh, L2TP_ATTR_SESSION_ID, sid);
	memset(s, 0, sizeof(*s));
	err = l2tp_nl_txn(c, nlh);
	if (!err && !c->has_reply)
		err = ENODATA;
	if (!err)
		mnl_attr_parse((struct nlmsghdr *)c->reply,
			       sizeof(struct genlmsghdr), top_cb, s);
	return err;
}

static uint64_t stat1(struct l2tp_nl *c, uint32_t tid, long sid, int attr)
{
	struct st s;

	return nl_stats(c, tid, sid, &s) ? (uint64_t)-1 : s.v[attr];
}

/* Wait (5 s at most) for counter @attr to reach @want; true if it is
 * exactly @want then.
 */
static bool wait_counter(struct l2tp_nl *c, uint32_t tid, long sid, int attr,
			 uint64_t want)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 500; i++) {
		v = stat1(c, tid, sid, attr);
		if (v != (uint64_t)-1 && v >= want)
			break;
		msleep(10);
	}
	if (v != want)
		ktap_diag("tunnel %u session %ld: counter %d is %llu, want %llu",
			  tid, sid, attr, (unsigned long long)v,
			  (unsigned long long)want);
	return v == want;
}

/* Poll (5 s at most) until a GET of the tunnel (@sid < 0) or session
 * says ENODEV: upstream deletes in a work item, after the reply.
 */
static int wait_gone(struct l2tp_nl *c, uint32_t tid, long sid)
{
	struct st s;
	int i, err = 0;

	for (i = 0; i < 500; i++) {
		err = nl_stats(c, tid, sid, &s);
		if (err == ENODEV)
			break;
		msleep(10);
	}
	return err;
}

/* Delete the sessions (-1 ends the list), then the tunnel; each delete
 * must succeed and the tunnel must then be unknown.
 */
static void teardown(struct l2tp_nl *c, const char *what, uint32_t tid,
		     const long *sids)
{
	int err = 0, gone;

	for (; sids && *sids >= 0 && !err; sids++)
		err = nl_delete(c, tid, *sids);
	if (!err)
		err = nl_delete(c, tid, -1);
	gone = wait_gone(c, tid, -1);
	ktap_result(!err && gone == ENODEV,
		    "%s: sessions and tunnel %u deleted, GET says ENODEV", what,
		    tid);
	if (err || gone != ENODEV)
		ktap_diag("delete: %s; GET: %s", strerror(err), strerror(gone));
}

/* A setup step: true if @err is 0, else one failed result. */
static bool setup_ok(int err, const char *fmt, ...) __printf(2, 3);
static bool setup_ok(int err, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return true;
	va_start(ap, fmt);
	ktap_vresult(false, fmt, ap);
	va_end(ap);
	ktap_diag("setup failed: %s", strerror(err));
	return false;
}

/* ------------------------------------------------------- debugfs */

#define DFS_PATH	"/sys/kernel/debug/l2tp/tunnels"
#define DFS_MAX_SESS	8

/* The reference counts debugfs shows for one tunnel and its sessions. */
struct dfs_refs {
	bool found;
	int sk_ref, ref;
	int n;
	uint32_t sid[DFS_MAX_SESS];
	int sref[DFS_MAX_SESS];
};

static bool dfs_read(uint32_t tid, struct dfs_refs *d)
{
	char line[256];
	bool mine = false;
	uint32_t id;
	FILE *f;
	int a, b, c;

	memset(d, 0, sizeof(*d));
	f = fopen(DFS_PATH, "r");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "TUNNEL %u", &id) == 1) {
			mine = id == tid;
			d->found |= mine;
		} else if (!mine) {
			continue;
		} else if (sscanf(line, " %d sessions, refcnt %d/%d", &a, &b,
				  &c) == 3) {
			d->sk_ref = b;
			d->ref = c;
		} else if (sscanf(line, "  SESSION %u", &id) == 1) {
			if (d->n < DFS_MAX_SESS)
				d->sid[d->n++] = id;
		} else if (sscanf(line, "   refcnt %d", &a) == 1 && d->n) {
			d->sref[d->n - 1] = a;
		}
	}
	fclose(f);
	return d->found;
}

static void dfs_print(const char *label, const struct dfs_refs *d)
{
	char buf[256];
	int i, n;

	n = snprintf(buf, sizeof(buf), "%s: tunnel refcnt %d/%d", label,
		     d->sk_ref, d->ref);
	for (i = 0; i < d->n; i++)
		n += snprintf(buf + n, sizeof(buf) - n, ", session %u %d",
			      d->sid[i], d->sref[i]);
	ktap_diag("%s", buf);
}

/* The refcounts of tunnel @tid match those read into @before. */
static void dfs_check(const char *what, uint32_t tid,
		      const struct dfs_refs *before)
{
	struct dfs_refs now;
	bool ok;

	if (!before->found) {
		ktap_skip("no l2tp debugfs", what);
		return;
	}
	ok = dfs_read(tid, &now) && now.sk_ref == before->sk_ref &&
	     now.ref == before->ref && now.n == before->n &&
	     !memcmp(now.sref, before->sref, sizeof(now.sref));
	if (!ktap_result(ok, "%s", what)) {
		dfs_print("before", before);
		dfs_print("after ", &now);
	}
}

/* ------------------------------------------------------ packets */

enum kind { UDP4, UDP6, IP4, IP6 };

static const char *const kind_name[] = { "udp4", "udp6", "ip4", "ip6" };

static bool kind_v6(enum kind k)
{
	return k == UDP6 || k == IP6;
}

static bool kind_udp(enum kind k)
{
	return k == UDP4 || k == UDP6;
}

/* Raw sockets of NS2 sending to NS1, as the tunnels' peer would. */
struct path {
	enum kind kind;
	int fd;
	struct sockaddr_storage dst;
	socklen_t dlen;
	uint8_t src_a[16], dst_a[16];
	uint16_t sport, dport;
};

static uint8_t pkt[1 << 18];
static uint8_t wbuf[1 << 18];

static void path_open(struct path *p, enum kind k, const char *src,
		      const char *dst, uint16_t sport, uint16_t dport)
{
	struct sockaddr_storage sa = {};
	int fam = kind_v6(k) ? AF_INET6 : AF_INET;
	socklen_t len;

	memset(p, 0, sizeof(*p));
	p->kind = k;
	p->sport = sport;
	p->dport = dport;
	p->fd = ns_socket(NS_B, fam, SOCK_RAW,
			  kind_udp(k) ? IPPROTO_UDP : IPPROTO_L2TP);
	if (p->fd < 0)
		die("raw socket: %s", strerror(errno));
	if (fam == AF_INET6) {
		struct sockaddr_in6 *s6 = (void *)&sa, *d6 = (void *)&p->dst;

		s6->sin6_family = AF_INET6;
		inet_pton(AF_INET6, src, &s6->sin6_addr);
		d6->sin6_family = AF_INET6;
		inet_pton(AF_INET6, dst, &d6->sin6_addr);
		memcpy(p->src_a, &s6->sin6_addr, 16);
		memcpy(p->dst_a, &d6->sin6_addr, 16);
		len = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (void *)&sa, *d4 = (void *)&p->dst;

		s4->sin_family = AF_INET;
		inet_pton(AF_INET, src, &s4->sin_addr);
		d4->sin_family = AF_INET;
		inet_pton(AF_INET, dst, &d4->sin_addr);
		memcpy(p->src_a, &s4->sin_addr, 4);
		memcpy(p->dst_a, &d4->sin_addr, 4);
		len = sizeof(*s4);
	}
	p->dlen = len;
	if (bind(p->fd, (struct sockaddr *)&sa, len))
		die("bind %s: %s", src, strerror(errno));
}

/* The UDP checksum of @udp (header included, checksum field 0). */
static uint16_t udp_csum(bool v6, const uint8_t *src, const uint8_t *dst,
			 const uint8_t *udp, size_t len)
{
	uint8_t ph[40] = {};
	uint16_t c;

	if (v6) {
		memcpy(ph, src, 16);
		memcpy(ph + 16, dst, 16);
		put32(ph + 32, len);
		ph[39] = IPPROTO_UDP;
	} else {
		memcpy(ph, src, 4);
		memcpy(ph + 4, dst, 4);
		ph[9] = IPPROTO_UDP;
		put16(ph + 10, len);
	}
	c = csum_fold(csum_add(csum_add(0, ph, v6 ? 40 : 12), udp, len));
	return c ? c : 0xffff;
}

/* Send @len bytes of L2TP along @p: 0 or the errno. */
static int path_send(struct path *p, const uint8_t *l2tp, size_t len)
{
	const uint8_t *data = l2tp;
	size_t n = len;

	if (kind_udp(p->kind)) {
		put16(wbuf, p->sport);
		put16(wbuf + 2, p->dport);
		put16(wbuf + 4, len + 8);
		put16(wbuf + 6, 0);
		memcpy(wbuf + 8, l2tp, len);
		put16(wbuf + 6, udp_csum(kind_v6(p->kind), p->src_a, p->dst_a,
					 wbuf, len + 8));
		data = wbuf;
		n = len + 8;
	}
	if (sendto(p->fd, data, n, 0, (struct sockaddr *)&p->dst, p->dlen) !=
	    (ssize_t)n)
		return errno;
	return 0;
}

/* An Ethernet test frame of @len bytes whose content follows @tag. */
static size_t eth_frame(uint8_t *b, size_t len, uint32_t tag)
{
	static const uint8_t src[6] = { 0x02, 0x4c, 0x32, 0x54, 0x50, 0x00 };
	size_t i;

	memset(b, 0xff, 6);
	memcpy(b + 6, src, 6);
	put16(b + 12, 0x88b5);
	for (i = 14; i < len; i++)
		b[i] = tag * 7 + i;
	return len;
}

/* An L2TPv3 data packet (flags word first over UDP) carrying a frame. */
static size_t v3_pkt(uint8_t *b, bool udp, uint16_t flags, uint32_t sid,
		     const uint8_t *cookie, int clen, bool sublayer,
		     size_t flen, uint32_t tag)
{
	size_t n = 0;

	if (udp) {
		put16(b, flags);
		put16(b + 2, 0);
		n = 4;
	}
	put32(b + n, sid);
	n += 4;
	if (clen)
		memcpy(b + n, cookie, clen);
	n += clen;
	if (sublayer) {
		put32(b + n, 0);
		n += 4;
	}
	return n + eth_frame(b + n, flen, tag);
}

/* An L2TPv2 data packet: flags (with @ver), ids, FF 03 and a frame. */
static size_t v2_pkt(uint8_t *b, uint16_t ver, uint16_t tid, uint16_t sid,
		     size_t flen, uint32_t tag)
{
	put16(b, ver);
	put16(b + 2, tid);
	put16(b + 4, sid);
	b[6] = 0xff;
	b[7] = 0x03;
	return 8 + eth_frame(b + 8, flen, tag);
}

/* ------------------------------------------------------- capture */

/* A datagram captured in NS2, reassembled from its fragments. */
struct dgram {
	int fam;
	uint8_t proto;
	uint8_t src[16], dst[16];
	uint8_t *data;
	size_t len;
	int frags;
};

struct partial {
	bool used, last;
	int fam;
	uint32_t id;
	uint8_t proto, src[16], dst[16];
	uint8_t *buf;
	size_t have, total;
	int frags;
	bool overflow;
};

#define CAP_MAX		64
#define CAP_PARTIAL	8
#define CAP_BUF		(1 << 18)

struct cap {
	int fd;
	int n;
	struct dgram d[CAP_MAX];
	struct partial p[CAP_PARTIAL];
};

static void cap_push(struct cap *c, int fam, uint8_t proto, const uint8_t *src,
		     const uint8_t *dst, const uint8_t *data, size_t len,
		     int frags)
{
	struct dgram *d;

	if (c->n == CAP_MAX)
		return;
	d = &c->d[c->n++];
	d->fam = fam;
	d->proto = proto;
	memcpy(d->src, src, 16);
	memcpy(d->dst, dst, 16);
	d->data = malloc(len + 1);
	memcpy(d->data, data, len);
	d->len = len;
	d->frags = frags;
}

static void cap_frag(struct cap *c, int fam, uint32_t id, uint8_t proto,
		     const uint8_t *src, const uint8_t *dst, size_t off,
		     bool more, const uint8_t *data, size_t len)
{
	struct partial *p = NULL;
	int i;

	for (i = 0; i < CAP_PARTIAL; i++) {
		struct partial *q = &c->p[i];

		if (q->used && q->fam == fam && q->id == id &&
		    !memcmp(q->src, src, 16) && !memcmp(q->dst, dst, 16)) {
			p = q;
			break;
		}
		if (!q->used && !p)
			p = q;
	}
	if (!p)
		return;
	if (!p->used) {
		memset(p, 0, sizeof(*p));
		p->used = true;
		p->fam = fam;
		p->id = id;
		memcpy(p->src, src, 16);
		memcpy(p->dst, dst, 16);
		p->buf = malloc(CAP_BUF);
	}
	if (off == 0)
		p->proto = proto;
	if (off + len > CAP_BUF) {
		p->overflow = true;
		len = off < CAP_BUF ? CAP_BUF - off : 0;
	}
	memcpy(p->buf + off, data, len);
	p->have += len;
	p->frags++;
	if (!more) {
		p->last = true;
		p->total = off + len;
	}
	if (p->last && p->have >= p->total) {
		if (p->overflow)
			ktap_diag("capture: a datagram beyond %d bytes", CAP_BUF);
		cap_push(c, fam, p->proto, p->src, p->dst, p->buf, p->total,
			 p->frags);
		free(p->buf);
		p->used = false;
	}
}

static void cap_ipv4(struct cap *c, const uint8_t *ip, size_t len)
{
	uint8_t src[16] = {}, dst[16] = {};
	size_t ihl, tot, off;
	uint16_t frag;

	if (len < 20)
		return;
	ihl = (ip[0] & 0x0f) * 4;
	tot = get16(ip + 2);
	if (tot > len || tot < ihl)
		tot = len;
	frag = get16(ip + 6);
	memcpy(src, ip + 12, 4);
	memcpy(dst, ip + 16, 4);
	off = (frag & 0x1fff) * 8;
	if ((frag & 0x2000) || off)
		cap_frag(c, 4, get16(ip + 4), ip[9], src, dst, off,
			 frag & 0x2000, ip + ihl, tot - ihl);
	else
		cap_push(c, 4, ip[9], src, dst, ip + ihl, tot - ihl, 1);
}

static void cap_ipv6(struct cap *c, const uint8_t *ip, size_t len)
{
	size_t plen, pos = 40;
	uint8_t nh;

	if (len < 40)
		return;
	plen = get16(ip + 4);
	if (40 + plen < len)
		len = 40 + plen;
	nh = ip[6];
	while (pos + 8 <= len) {
		if (nh == 0 || nh == 43 || nh == 60) {
			nh = ip[pos];
			pos += (ip[pos + 1] + 1) * 8;
			continue;
		}
		if (nh == 44) {
			uint16_t offm = get16(ip + pos + 2);
			uint32_t id = (uint32_t)get16(ip + pos + 4) << 16 |
				      get16(ip + pos + 6);

			cap_frag(c, 6, id, ip[pos], ip + 8, ip + 24,
				 offm & 0xfff8, offm & 1, ip + pos + 8,
				 len - pos - 8);
			return;
		}
		break;
	}
	if (pos <= len)
		cap_push(c, 6, nh, ip + 8, ip + 24, ip + pos, len - pos, 1);
}

static void cap_open(struct cap *c, const char *dev)
{
	struct sockaddr_ll ll = { .sll_family = AF_PACKET };
	int rcvbuf = 8 << 20;

	memset(c, 0, sizeof(*c));
	c->fd = ns_socket(NS_B, AF_PACKET, SOCK_RAW, 0);
	if (c->fd < 0)
		die("packet socket: %s", strerror(errno));
	setsockopt(c->fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf));
	ll.sll_protocol = htons(ETH_P_ALL);
	ll.sll_ifindex = ns_ifindex(NS_B, dev);
	if (bind(c->fd, (struct sockaddr *)&ll, sizeof(ll)))
		die("bind to %s: %s", dev, strerror(errno));
}

/* Read what arrives until nothing came for @idle_ms. */
static void cap_drain(struct cap *c, int idle_ms)
{
	static uint8_t frame[1 << 16];
	struct pollfd pfd = { .fd = c->fd, .events = POLLIN };

	while (poll(&pfd, 1, idle_ms) > 0) {
		struct sockaddr_ll ll;
		socklen_t sl = sizeof(ll);
		ssize_t n = recvfrom(c->fd, frame, sizeof(frame), MSG_DONTWAIT,
				     (struct sockaddr *)&ll, &sl);
		uint16_t type;

		if (n < 14 || ll.sll_pkttype == PACKET_OUTGOING)
			continue;
		type = get16(frame + 12);
		if (type == ETH_P_IP)
			cap_ipv4(c, frame + 14, n - 14);
		else if (type == ETH_P_IPV6)
			cap_ipv6(c, frame + 14, n - 14);
	}
}

static void cap_close(struct cap *c)
{
	int i;

	for (i = 0; i < c->n; i++)
		free(c->d[i].data);
	for (i = 0; i < CAP_PARTIAL; i++)
		if (c->p[i].used)
			free(c->p[i].buf);
	close(c->fd);
}

/* ------------------------------------------------------ PPPoL2TP */

/* Connect @s to session @sid of tunnel @tid (fd -1: an existing tunnel),
 * with the sockaddr variant of @ver and @v6.
 */
static int px_connect(int s, int ver, bool v6, uint32_t tid, uint32_t sid,
		      uint32_t ptid, uint32_t psid)
{
	union {
		struct sockaddr_pppol2tp v2;
		struct sockaddr_pppol2tpin6 v2i6;
		struct sockaddr_pppol2tpv3 v3;
		struct sockaddr_pppol2tpv3in6 v3i6;
	} a;
	socklen_t len;

	memset(&a, 0, sizeof(a));
	a.v2.sa_family = AF_PPPOX;
	a.v2.sa_protocol = PX_PROTO_OL2TP;
#define PX_FILL(f) do {							\
		a.f.pppol2tp.fd = -1;					\
		a.f.pppol2tp.s_tunnel = tid;				\
		a.f.pppol2tp.s_session = sid;				\
		a.f.pppol2tp.d_tunnel = ptid;				\
		a.f.pppol2tp.d_session = psid;				\
		len = sizeof(a.f);					\
	} while (0)
	if (ver == 2 && !v6)
		PX_FILL(v2);
	else if (ver == 2)
		PX_FILL(v2i6);
	else if (!v6)
		PX_FILL(v3);
	else
		PX_FILL(v3i6);
#undef PX_FILL
	return connect(s, (struct sockaddr *)&a, len);
}

/* A PPPoL2TP socket of NS1 on that session, or -1 (errno set). */
static int px_open(int ver, bool v6, uint32_t tid, uint32_t sid,
		   uint32_t ptid, uint32_t psid)
{
	int s = socket(AF_PPPOX, SOCK_DGRAM | SOCK_CLOEXEC, PX_PROTO_OL2TP);
	int err;

	if (s < 0)
		return -1;
	if (px_connect(s, ver, v6, tid, sid, ptid, psid)) {
		err = errno;
		close(s);
		errno = err;
		return -1;
	}
	return s;
}

/* ------------------------------------------------------- class 12 */

static const uint8_t cookie8[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };

/* Send a UDP datagram (header + @l2tp) from NS2 as IPv4 fragments cut at
 * @cuts (offsets into the UDP datagram, multiples of 8).
 */
static int send_frags4(int fd, uint16_t id, uint16_t sport, uint16_t dport,
		       const uint8_t *l2tp, size_t len, const size_t *cuts,
		       int ncuts)
{
	static uint8_t udp[2048], ip[2048];
	struct sockaddr_in to = { .sin_family = AF_INET };
	size_t ulen = len + 8, from = 0, to_off;
	int i;

	put16(udp, sport);
	put16(udp + 2, dport);
	put16(udp + 4, ulen);
	put16(udp + 6, 0);
	memcpy(udp + 8, l2tp, len);
	inet_pton(AF_INET, "10.60.0.1", &to.sin_addr);
	for (i = 0; i <= ncuts; i++) {
		to_off = i < ncuts ? cuts[i] : ulen;
		memset(ip, 0, 20);
		ip[0] = 0x45;
		put16(ip + 2, 20 + to_off - from);
		put16(ip + 4, id);
		put16(ip + 6, (from / 8) | (i < ncuts ? 0x2000 : 0));
		ip[8] = 64;
		ip[9] = IPPROTO_UDP;
		inet_pton(AF_INET, "10.60.0.2", ip + 12);
		inet_pton(AF_INET, "10.60.0.1", ip + 16);
		memcpy(ip + 20, udp + from, to_off - from);
		if (sendto(fd, ip, 20 + to_off - from, 0,
			   (struct sockaddr *)&to, sizeof(to)) < 0)
			return errno;
		from = to_off;
	}
	return 0;
}

/*
 * Bug 12: an error path after the optional fields were made linear
 * leaked a session reference. Packets whose cookie or sublayer is cut
 * short (lengths 14-19: upstream's minimum is 14), and packets whose
 * optional fields sit in a second IPv4 fragment (in the frag list of the
 * reassembled skb, not in its linear area), then the objects must go.
 */
static void c12(void)
{
	static const size_t cuts[][2] = { { 16 }, { 24 }, { 8, 16 }, { 32 } };
	static const int ncuts[] = { 1, 1, 2, 1 };
	const struct tun t = {
		.tid = 1200, .ptid = 2200, .ver = 3,
		.encap = L2TP_ENCAPTYPE_UDP, .fd = -1,
		.local = "10.60.0.1", .remote = "10.60.0.2",
		.sport = 11200, .dport = 21200,
	};
	const struct sess s1 = {
		.tid = 1200, .sid = 12001, .psid = 22001,
		.pw = L2TP_PWTYPE_ETH, .l2spec = 1,
		.pcookie = cookie8, .pclen = 8, .ifname = "rw12a",
	};
	const struct sess s2 = {
		.tid = 1200, .sid = 12002, .psid = 22002,
		.pw = L2TP_PWTYPE_ETH, .l2spec = 1, .ifname = "rw12b",
	};
	const long sids[] = { 12001, 12002, -1 };
	int i, len, n, err = 0, rawfd;
	struct st ts, ss;
	struct dfs_refs refs;
	struct path p;

	if (!setup_ok(tunnel_create(&nla, &t) ?: session_create(&nla, &s1) ?:
		      session_create(&nla, &s2),
		      "class 12: UDP/IPv4 tunnel, session with 8-byte cookie"))
		return;
	dfs_read(1200, &refs);
	path_open(&p, UDP4, "10.60.0.2", "10.60.0.1", 21200, 11200);
	rawfd = ns_socket(NS_B, AF_INET, SOCK_RAW, IPPROTO_RAW);
	n = v3_pkt(pkt, true, 3, 12001, cookie8, 8, true, FRAME_LEN, 1);
	for (i = 0; i < 100 && !err; i++)
		for (len = 14; len < 20 && !err; len++)
			err = path_send(&p, pkt, len);
	for (i = 0; i < 50 && !err; i++)
		err = send_frags4(rawfd, 0x1200 + i, 21200, 11200, pkt, n,
				  cuts[i % 4], ncuts[i % 4]);
	/* The sentinel: everything before it was processed once it is. */
	len = v3_pkt(pkt, true, 3, 12002, NULL, 0, true, FRAME_LEN, 2);
	if (!err)
		err = path_send(&p, pkt, len);
	ktap_result(!err && wait_counter(&nla, 1200, 12002,
					 L2TP_ATTR_RX_PACKETS, 1),
		    "class 12: 600 packets with truncated optional fields, 50 with them in a second fragment");
	if (err)
		ktap_diag("send: %s", strerror(err));
	nl_stats(&nla, 1200, -1, &ts);
	nl_stats(&nla, 1200, 12001, &ss);
	ktap_result(ts.v[L2TP_ATTR_RX_INVALID] == 600,
		    "class 12: the truncated ones are counted in the tunnel's rx_invalid");
	ktap_result(ss.v[L2TP_ATTR_RX_PACKETS] == 50 &&
		    ss.v[L2TP_ATTR_RX_BYTES] == 50 * (uint64_t)n,
		    "class 12: the fragmented ones are delivered whole (50 x %d bytes)",
		    n);
	ktap_result(ss.v[L2TP_ATTR_RX_ERRORS] == by_mode(0, 600) &&
		    !ss.v[L2TP_ATTR_RX_COOKIE_DISCARDS],
		    "class 12: session rx_errors %s, no cookie discard",
		    ktap_ours ? "600 (ours counts the truncated ones)" : "0");
	if (ts.v[L2TP_ATTR_RX_INVALID] != 600 || ss.v[L2TP_ATTR_RX_PACKETS] != 50)
		ktap_diag("tunnel rx_invalid %llu; session rx %llu/%llu errors %llu",
			  (unsigned long long)ts.v[L2TP_ATTR_RX_INVALID],
			  (unsigned long long)ss.v[L2TP_ATTR_RX_PACKETS],
			  (unsigned long long)ss.v[L2TP_ATTR_RX_BYTES],
			  (unsigned long long)ss.v[L2TP_ATTR_RX_ERRORS]);
	dfs_check("class 12: debugfs refcounts of tunnel and sessions unchanged",
		  1200, &refs);
	close(rawfd);
	close(p.fd);
	teardown(&nla, "class 12", 1200, sids);
}

/* ------------------------------------------------------- class 13 */

/* One step of class 13: what changed, as "T13a.inv T13b.inv s13001.rx
 * s1311.rx", against what is wanted.
 */
static void c13_step(const char *what, const uint64_t *base, uint64_t *now,
		     const uint64_t *want)
{
	uint64_t d[4];
	int i;

	now[0] = stat1(&nla, 1300, -1, L2TP_ATTR_RX_INVALID);
	now[1] = stat1(&nla, 1310, -1, L2TP_ATTR_RX_INVALID);
	now[2] = stat1(&nla, 1300, 13001, L2TP_ATTR_RX_PACKETS);
	now[3] = stat1(&nla, 1310, 1311, L2TP_ATTR_RX_PACKETS);
	for (i = 0; i < 4; i++)
		d[i] = now[i] - base[i];
	if (!ktap_result(!memcmp(d, want, sizeof(d)), "class 13: %s", what))
		ktap_diag("deltas (v3 tunnel rx_invalid, v2 tunnel rx_invalid, v3 session rx, v2 session rx): got %llu %llu %llu %llu, want %llu %llu %llu %llu",
			  (unsigned long long)d[0], (unsigned long long)d[1],
			  (unsigned long long)d[2], (unsigned long long)d[3],
			  (unsigned long long)want[0],
			  (unsigned long long)want[1],
			  (unsigned long long)want[2],
			  (unsigned long long)want[3]);
}

/*
 * Bug 13: the version-mismatch path leaked a session reference (and so
 * the tunnel and its socket). A v3 tunnel (1300, session 13001) and a v2
 * one (1310, PPP session 1311) in one namespace; at each socket, headers
 * of every other version naming the other's sessions. Upstream's lookup
 * is per namespace, so some of these reach the other tunnel's session;
 * ours refuses any header whose version is not the receiving tunnel's
 * (Documentation/l2tp.rst, "Receive").
 */
static void c13(void)
{
	const struct tun ta = {
		.tid = 1300, .ptid = 2300, .ver = 3,
		.encap = L2TP_ENCAPTYPE_UDP, .fd = -1,
		.local = "10.60.0.1", .remote = "10.60.0.2",
		.sport = 11300, .dport = 21300,
	};
	const struct tun tb = {
		.tid = 1310, .ptid = 2310, .ver = 2,
		.encap = L2TP_ENCAPTYPE_UDP, .fd = -1,
		.local = "10.60.0.1", .remote = "10.60.0.2",
		.sport = 11310, .dport = 21310,
	};
	struct sess s = {
		.tid = 1300, .sid = 13001, .psid = 23001,
		.pw = L2TP_PWTYPE_ETH, .l2spec = 1, .ifname = "rw13a",
	};
	const long sids[] = { 13001, 13002, -1 };
	uint64_t base[4], now[4], want[4];
	struct dfs_refs ra, rb;
	struct path pa, pb;
	int v, i, n, px1, px2, err = 0;
	uint64_t sa = 0, sb = 0;	/* sentinel counts */

	if (!setup_ok(tunnel_create(&nla, &ta) ?: tunnel_create(&nla, &tb) ?:
		      session_create(&nla, &s) ?:
		      session_create(&nla, &(struct sess){ .tid = 1300,
				.sid = 13002, .psid = 23002,
				.pw = L2TP_PWTYPE_ETH, .l2spec = 1,
				.ifname = "rw13b" }),
		      "class 13: a v3 and a v2 UDP tunnel"))
		return;
	px1 = px_open(2, false, 1310, 1311, 2310, 2311);
	px2 = px_open(2, false, 1310, 1312, 2310, 2312);
	if (!setup_ok(px1 < 0 || px2 < 0 ? errno : 0,
		      "class 13: PPP sessions on the v2 tunnel"))
		goto out;
	dfs_read(1300, &ra);
	dfs_read(1310, &rb);
	path_open(&pa, UDP4, "10.60.0.2", "10.60.0.1", 21300, 11300);
	path_open(&pb, UDP4, "10.60.0.2", "10.60.0.1", 21310, 11310);
	c13_step("fresh counters are zero", (uint64_t[4]){}, base,
		 (uint64_t[4]){});

#define SENTINELS() do {						\
		n = v3_pkt(pkt, true, 3, 13002, NULL, 0, true, FRAME_LEN, 9); \
		err = err ?: path_send(&pa, pkt, n);			\
		n = v2_pkt(pkt, 2, 1310, 1312, FRAME_LEN, 9);		\
		err = err ?: path_send(&pb, pkt, n);			\
		sa++;							\
		sb++;							\
		wait_counter(&nla, 1300, 13002, L2TP_ATTR_RX_PACKETS, sa); \
		wait_counter(&nla, 1310, 1312, L2TP_ATTR_RX_PACKETS, sb); \
	} while (0)

	/* a. Versions 0, 1, 4..15 at the v3 tunnel, naming its session. */
	for (v = 0; v < 16; v++) {
		if (v == 2 || v == 3)
			continue;
		n = v3_pkt(pkt, true, v, 13001, NULL, 0, true, FRAME_LEN, v);
		for (i = 0; i < 5; i++)
			err = err ?: path_send(&pa, pkt, n);
	}
	SENTINELS();
	c13_step("versions 0, 1 and 4-15 at the v3 tunnel: its rx_invalid, not delivered",
		 base, now, (uint64_t[4]){ 70, 0, 0, 0 });
	memcpy(base, now, sizeof(base));

	/* b. v2 headers at the v3 tunnel, naming the v2 session. */
	n = v2_pkt(pkt, 2, 1310, 1311, FRAME_LEN, 20);
	for (i = 0; i < 10; i++)
		err = err ?: path_send(&pa, pkt, n);
	SENTINELS();
	memcpy(want, (uint64_t[4]){ by_mode(0, 10), 0, 0, by_mode(10, 0) },
	       sizeof(want));
	c13_step(ktap_ours ? "v2 header at the v3 tunnel: the v3 tunnel's rx_invalid" :
		 "v2 header at the v3 tunnel: upstream delivers it to the v2 session it names",
		 base, now, want);
	memcpy(base, now, sizeof(base));

	/* c. v3 headers at the v2 tunnel, naming the v3 session. */
	n = v3_pkt(pkt, true, 3, 13001, NULL, 0, true, FRAME_LEN, 30);
	for (i = 0; i < 10; i++)
		err = err ?: path_send(&pb, pkt, n);
	SENTINELS();
	memcpy(want, (uint64_t[4]){ 0, by_mode(0, 10), by_mode(10, 0), 0 },
	       sizeof(want));
	c13_step(ktap_ours ? "v3 header at the v2 tunnel: the v2 tunnel's rx_invalid" :
		 "v3 header at the v2 tunnel: upstream delivers it to the v3 session it names",
		 base, now, want);
	memcpy(base, now, sizeof(base));

	/* d. Version 5 at the v2 tunnel, naming the v3 session. */
	n = v3_pkt(pkt, true, 5, 13001, NULL, 0, true, FRAME_LEN, 40);
	for (i = 0; i < 10; i++)
		err = err ?: path_send(&pb, pkt, n);
	SENTINELS();
	memcpy(want, (uint64_t[4]){ by_mode(10, 0), by_mode(0, 10), 0, 0 },
	       sizeof(want));
	c13_step(ktap_ours ? "version 5 at the v2 tunnel: the v2 tunnel's rx_invalid" :
		 "version 5 at the v2 tunnel: upstream counts it on the v3 session's tunnel",
		 base, now, want);
#undef SENTINELS
	ktap_result(!err, "class 13: every packet sent");
	dfs_check("class 13: debugfs refcounts of the v3 tunnel and its sessions unchanged",
		  1300, &ra);
	dfs_check("class 13: debugfs refcounts of the v2 tunnel and its sessions unchanged",
		  1310, &rb);
	close(pa.fd);
	close(pb.fd);
out:
	if (px1 >= 0)
		close(px1);
	if (px2 >= 0)
		close(px2);
	teardown(&nla, "class 13", 1300, sids);
	teardown(&nla, "class 13", 1310, NULL);
}

/* ------------------------------------------------------- class 16 */

/* What a prefix of @len bytes of a full packet (header @full bytes:
 * 8-byte cookie and sublayer) does to the counters: rx_invalid of the
 * tunnel, rx_errors and rx_packets of the session.
 */
static void c16_expect(bool udp, int len, int full, uint64_t *w)
{
	int min;

	w[0] = w[1] = w[2] = 0;
	if (len >= full) {
		w[2] = 1;
		return;
	}
	if (ktap_ours) {
		/* The session is found once its id is there. */
		min = udp ? 8 : 4;
		if (len >= min)
			w[0] = w[1] = 1;
	} else if (udp && len >= 14) {
		/* Upstream: under 14 bytes to the socket; over IP uncounted. */
		w[0] = 1;
	}
}

/*
 * Bug 16: the cookie and sublayer were read without checking they were
 * there. Every prefix of a packet, 0 bytes to one byte of payload, on
 * each encapsulation: counted as the mode does, nothing else touched.
 */
static void c16_variant(enum kind k)
{
	static const char *const local[] = { "10.60.0.1", "fd60::1" };
	static const char *const remote[] = { "10.60.0.2", "fd60::2" };
	bool udp = kind_udp(k), v6 = kind_v6(k);
	uint32_t tid = 1600 + k, sid = 16001 + 10 * k;
	struct tun t = {
		.tid = tid, .ptid = 2600 + k, .ver = 3,
		.encap = udp ? L2TP_ENCAPTYPE_UDP : L2TP_ENCAPTYPE_IP,
		.fd = -1, .local = local[v6], .remote = remote[v6],
		.sport = 11600 + k, .dport = 21600 + k,
	};
	const long sids[] = { sid, sid + 1, -1 };
	int full = (udp ? 8 : 4) + 8 + 4, len, n, sn, bad = 0, err = 0;
	uint64_t w[3], sent = 0;
	struct st t0, s0, t1, s1;
	struct dfs_refs refs;
	char what[64];
	struct path p;

	snprintf(what, sizeof(what), "class 16: %s", kind_name[k]);
	if (!setup_ok(tunnel_create(&nla, &t) ?:
		      session_create(&nla, &(struct sess){ .tid = tid,
				.sid = sid, .psid = sid + 10000,
				.pw = L2TP_PWTYPE_ETH, .l2spec = 1,
				.pcookie = cookie8, .pclen = 8 }) ?:
		      session_create(&nla, &(struct sess){ .tid = tid,
				.sid = sid + 1, .psid = sid + 10001,
				.pw = L2TP_PWTYPE_ETH, .l2spec = 1 }),
		      "%s: tunnel, session with 8-byte cookie", what))
		return;
	dfs_read(tid, &refs);
	path_open(&p, k, remote[v6], local[v6], t.dport, t.sport);
	n = v3_pkt(pkt, udp, 3, sid, cookie8, 8, true, FRAME_LEN, 1);
	for (len = 0; len <= full + 1 && len <= n; len++) {
		nl_stats(&nla, tid, -1, &t0);
		nl_stats(&nla, tid, sid, &s0);
		err = err ?: path_send(&p, pkt, len);
		sn = v3_pkt(pkt + 256, udp, 3, sid + 1, NULL, 0, true,
			    FRAME_LEN, 2);
		err = err ?: path_send(&p, pkt + 256, sn);
		wait_counter(&nla, tid, sid + 1, L2TP_ATTR_RX_PACKETS, ++sent);
		nl_stats(&nla, tid, -1, &t1);
		nl_stats(&nla, tid, sid, &s1);
		c16_expect(udp, len, full, w);
		if (t1.v[L2TP_ATTR_RX_INVALID] - t0.v[L2TP_ATTR_RX_INVALID] != w[0] ||
		    s1.v[L2TP_ATTR_RX_ERRORS] - s0.v[L2TP_ATTR_RX_ERRORS] != w[1] ||
		    s1.v[L2TP_ATTR_RX_PACKETS] - s0.v[L2TP_ATTR_RX_PACKETS] != w[2] ||
		    s1.v[L2TP_ATTR_RX_BYTES] - s0.v[L2TP_ATTR_RX_BYTES] != w[2] * len ||
		    s1.v[L2TP_ATTR_RX_COOKIE_DISCARDS] != s0.v[L2TP_ATTR_RX_COOKIE_DISCARDS]) {
			bad++;
			ktap_diag("%s: %d bytes: rx_invalid +%llu rx_errors +%llu rx_packets +%llu, want +%llu +%llu +%llu",
				  what, len,
				  (unsigned long long)(t1.v[L2TP_ATTR_RX_INVALID] - t0.v[L2TP_ATTR_RX_INVALID]),
				  (unsigned long long)(s1.v[L2TP_ATTR_RX_ERRORS] - s0.v[L2TP_ATTR_RX_ERRORS]),
				  (unsigned long long)(s1.v[L2TP_ATTR_RX_PACKETS] - s0.v[L2TP_ATTR_RX_PACKETS]),
				  (unsigned long long)w[0],
				  (unsigned long long)w[1],
				  (unsigned long long)w[2]);
		}
	}
	if (err)
		ktap_diag("send: %s", strerror(err));
	ktap_result(!err && !bad,
		    "%s: every length from 0 to %d bytes counted as %s does",
		    what, full + 1, ktap_ours ? "ours" : "upstream");
	dfs_check("class 16: debugfs refcounts unchanged", tid, &refs);
	close(p.fd);
	teardown(&nla, what, tid, sids);
}

static void c16(void)
{
	enum kind k;

	for (k = UDP4; k <= IP6; k++)
		c16_variant(k);
}

/* ------------------------------------------------------- class 17 */

/* recvfrom() and recvmsg() of one queued message into a pattern-filled
 * 128-byte address buffer: the name must be @want, the rest untouched.
 */
static void c17_recv(const char *what, int fd, bool use_msg,
		     const void *want, socklen_t wlen)
{
	uint8_t name[128], data[256];
	struct iovec iov = { data, sizeof(data) };
	struct msghdr m = {
		.msg_name = name, .msg_namelen = sizeof(name),
		.msg_iov = &iov, .msg_iovlen = 1,
	};
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	socklen_t nlen = sizeof(name);
	ssize_t n;
	bool ok;

	memset(name, PAT, sizeof(name));
	poll(&pfd, 1, 3000);
	if (use_msg) {
		n = recvmsg(fd, &m, MSG_DONTWAIT);
		nlen = m.msg_namelen;
	} else {
		n = recvfrom(fd, data, sizeof(data), MSG_DONTWAIT,
			     (struct sockaddr *)name, &nlen);
	}
	if (n < 0) {
		ktap_result(false, "%s: %s", what, use_msg ? "recvmsg" : "recvfrom");
		ktap_diag("no message: %s", strerror(errno));
		return;
	}
	ok = same_bytes(name, nlen, want, wlen) &&
	     untouched(name, nlen, sizeof(name));
	ktap_result(ok, "%s: %s fills %u bytes of the source address exactly, the rest untouched",
		    what, use_msg ? "recvmsg" : "recvfrom", wlen);
}

/* getsockname() (@peer false) or getpeername() into a pattern-filled
 * buffer: @want, or the errno @err with nothing written.
 */
static void c17_name(const char *what, int fd, bool peer, const void *want,
		     socklen_t wlen, int err)
{
	uint8_t name[128];
	socklen_t nlen = sizeof(name);
	int rc;

	memset(name, PAT, sizeof(name));
	rc = peer ? getpeername(fd, (struct sockaddr *)name, &nlen) :
		    getsockname(fd, (struct sockaddr *)name, &nlen);
	if (err) {
		ktap_result(rc < 0 && errno == err && nlen == sizeof(name) &&
			    untouched(name, 0, sizeof(name)),
			    "%s: %s: %s, buffer untouched", what,
			    peer ? "getpeername" : "getsockname",
			    strerrorname_np(err));
		return;
	}
	if (rc < 0) {
		ktap_result(false, "%s: %s", what,
			    peer ? "getpeername" : "getsockname");
		ktap_diag("%s", strerror(errno));
		return;
	}
	ktap_result(same_bytes(name, nlen, want, wlen) &&
		    untouched(name, nlen, sizeof(name)),
		    "%s: %s gives %u defined bytes, the rest untouched", what,
		    peer ? "getpeername" : "getsockname", wlen);
}

/* An L2TP control message as the L2TPIP sockets send it (after the zero
 * session id the kernel adds): T and L bits, length, connection id.
 */
static size_t ctrl_msg(uint8_t *b, uint32_t conn)
{
	put16(b, 0xc802);
	put16(b + 2, 12);
	put32(b + 4, conn);
	put32(b + 8, 0);
	return 12;
}

static int l2tpip4(int which, const char *addr, uint32_t conn,
		   const char *peer, uint32_t pconn)
{
	struct sockaddr_l2tpip a = { .l2tp_family = AF_INET };
	int s = ns_socket(which, AF_INET, SOCK_DGRAM, IPPROTO_L2TP);

	if (s < 0)
		return -1;
	inet_pton(AF_INET, addr, &a.l2tp_addr);
	a.l2tp_conn_id = conn;
	if (bind(s, (struct sockaddr *)&a, sizeof(a)))
		goto fail;
	if (peer) {
		inet_pton(AF_INET, peer, &a.l2tp_addr);
		a.l2tp_conn_id = pconn;
		/* A non-zero "port": upstream's getpeername wants one. */
		a.l2tp_unused = htons(1);
		if (connect(s, (struct sockaddr *)&a, sizeof(a)))
			goto fail;
	}
	return s;
fail:
	close(s);
	return -1;
}

static int l2tpip6(int which, const char *addr, uint32_t scope, uint32_t conn,
		   const char *peer, uint32_t pconn)
{
	struct sockaddr_l2tpip6 a = { .l2tp_family = AF_INET6 };
	int s = ns_socket(which, AF_INET6, SOCK_DGRAM, IPPROTO_L2TP);
	int err;

	if (s < 0)
		return -1;
	inet_pton(AF_INET6, addr, &a.l2tp_addr);
	a.l2tp_scope_id = scope;
	a.l2tp_conn_id = conn;
	if (bind(s, (struct sockaddr *)&a, sizeof(a)))
		goto fail;
	if (peer) {
		inet_pton(AF_INET6, peer, &a.l2tp_addr);
		a.l2tp_conn_id = pconn;
		if (connect(s, (struct sockaddr *)&a, sizeof(a)))
			goto fail;
	}
	return s;
fail:
	err = errno;
	close(s);
	errno = err;
	return -1;
}

static void c17_l2tpip4(void)
{
	const char *what = "class 17: l2tp_ip";
	struct sockaddr_l2tpip na = { .l2tp_family = AF_INET };
	struct sockaddr_in src = { .sin_family = AF_INET };
	uint8_t msg[16];
	int a, b, i;

	a = l2tpip4(NS_A, "127.0.0.1", 1701, NULL, 0);
	b = l2tpip4(NS_A, "127.0.0.1", 1702, "127.0.0.1", 1701);
	if (!setup_ok(a < 0 || b < 0 ? errno : 0, "%s: two sockets", what))
		goto out;
	inet_pton(AF_INET, "127.0.0.1", &src.sin_addr);
	for (i = 0; i < 2; i++) {
		if (send(b, msg, ctrl_msg(msg, 1701), 0) < 0)
			ktap_diag("send: %s", strerror(errno));
		c17_recv(what, a, i, &src, sizeof(src));
	}
	na.l2tp_addr = src.sin_addr;
	na.l2tp_conn_id = 1701;
	c17_name(what, a, false, &na, sizeof(na), 0);
	c17_name("class 17: l2tp_ip, unconnected", a, true, NULL, 0, ENOTCONN);
	c17_name("class 17: l2tp_ip, connected", b, true, &na, sizeof(na), 0);
out:
	if (a >= 0)
		close(a);
	if (b >= 0)
		close(b);
}

static void c17_l2tpip6(const char *what, int which_a, const char *addr_a,
			const char *dev_a, int which_b, const char *addr_b,
			const char *dev_b)
{
	uint32_t sa = dev_a ? ns_ifindex(which_a, dev_a) : 0;
	uint32_t sb = dev_b ? ns_ifindex(which_b, dev_b) : 0;
	struct sockaddr_l2tpip6 want = { .l2tp_family = AF_INET6 };
	uint8_t msg[16];
	int a, b, i;

	a = l2tpip6(which_a, addr_a, sa, 1711, NULL, 0);
	b = l2tpip6(which_b, addr_b, sb, 1712, addr_a, 1711);
	if (!setup_ok(a < 0 || b < 0 ? errno : 0, "%s: two sockets", what))
		goto out;
	/* The source: no flow info, no connection id, a scope only for a
	 * link-local address (the receiving interface).
	 */
	inet_pton(AF_INET6, addr_b, &want.l2tp_addr);
	want.l2tp_scope_id = sa;
	for (i = 0; i < 2; i++) {
		if (send(b, msg, ctrl_msg(msg, 1711), 0) < 0)
			ktap_diag("send: %s", strerror(errno));
		c17_recv(what, a, i, &want, sizeof(want));
	}
	inet_pton(AF_INET6, addr_a, &want.l2tp_addr);
	want.l2tp_conn_id = 1711;
	c17_name(what, a, false, &want, sizeof(want), 0);
	c17_name(what, a, true, NULL, 0, ENOTCONN);
	want.l2tp_scope_id = sb;
	c17_name(what, b, true, &want, sizeof(want), 0);
out:
	if (a >= 0)
		close(a);
	if (b >= 0)
		close(b);
}

/* PPPoL2TP: recvfrom/recvmsg report no address at all; getsockname and
 * getpeername fill the sockaddr variant of the tunnel, padding zeroed.
 */
static void c17_pppox(bool v6)
{
	const char *what = v6 ? "class 17: PPPoL2TP over UDP/IPv6" :
				"class 17: PPPoL2TP over UDP/IPv4";
	uint16_t tid = v6 ? 1721 : 1720;
	struct tun t = {
		.tid = tid, .ptid = tid + 1000, .ver = 2,
		.encap = L2TP_ENCAPTYPE_UDP, .fd = -1,
		.local = v6 ? "fd60::1" : "10.60.0.1",
		.remote = v6 ? "fd60::2" : "10.60.0.2",
		.sport = 10000 + tid, .dport = 20000 + tid,
	};
	union {
		struct sockaddr_pppol2tp v4;
		struct sockaddr_pppol2tpin6 v6;
	} want;
	uint8_t name[128], data[256];
	socklen_t nlen, wlen;
	struct path p;
	int s, i, n;

	if (!setup_ok(tunnel_create(&nla, &t), "%s: tunnel", what))
		return;
	s = px_open(2, v6, tid, 1, tid + 1000, 2);
	if (!setup_ok(s < 0 ? errno : 0, "%s: session socket", what))
		goto out;
	path_open(&p, v6 ? UDP6 : UDP4, t.remote, t.local, t.dport, t.sport);
	n = v2_pkt(pkt, 2, tid, 1, FRAME_LEN, 17);
	for (i = 0; i < 2; i++) {
		struct iovec iov = { data, sizeof(data) };
		struct msghdr m = {
			.msg_name = name, .msg_namelen = sizeof(name),
			.msg_iov = &iov, .msg_iovlen = 1,
		};
		struct pollfd pfd = { .fd = s, .events = POLLIN };
		ssize_t got;

		path_send(&p, pkt, n);
		poll(&pfd, 1, 3000);
		memset(name, PAT, sizeof(name));
		nlen = sizeof(name);
		if (i) {
			got = recvmsg(s, &m, MSG_DONTWAIT);
			nlen = m.msg_namelen;
		} else {
			got = recvfrom(s, data, sizeof(data), MSG_DONTWAIT,
				       (struct sockaddr *)name, &nlen);
		}
		ktap_result(got == FRAME_LEN && nlen == 0 &&
			    untouched(name, 0, sizeof(name)),
			    "%s: %s: the %d-byte frame, no address, buffer untouched",
			    what, i ? "recvmsg" : "recvfrom", FRAME_LEN);
		if (got != FRAME_LEN || nlen)
			ktap_diag("got %zd bytes (%s), name length %u", got,
				  got < 0 ? strerror(errno) : "-", nlen);
	}
	memset(&want, 0, sizeof(want));
	if (v6) {
		want.v6.sa_family = AF_PPPOX;
		want.v6.sa_protocol = PX_PROTO_OL2TP;
		want.v6.pppol2tp.pid = getpid();
		want.v6.pppol2tp.fd = -1;
		want.v6.pppol2tp.s_tunnel = tid;
		want.v6.pppol2tp.s_session = 1;
		want.v6.pppol2tp.d_tunnel = tid + 1000;
		want.v6.pppol2tp.d_session = 2;
		want.v6.pppol2tp.addr.sin6_family = AF_INET6;
		want.v6.pppol2tp.addr.sin6_port = htons(t.dport);
		inet_pton(AF_INET6, t.remote, &want.v6.pppol2tp.addr.sin6_addr);
		wlen = sizeof(want.v6);
	} else {
		want.v4.sa_family = AF_PPPOX;
		want.v4.sa_protocol = PX_PROTO_OL2TP;
		want.v4.pppol2tp.pid = getpid();
		want.v4.pppol2tp.fd = -1;
		want.v4.pppol2tp.s_tunnel = tid;
		want.v4.pppol2tp.s_session = 1;
		want.v4.pppol2tp.d_tunnel = tid + 1000;
		want.v4.pppol2tp.d_session = 2;
		want.v4.pppol2tp.addr.sin_family = AF_INET;
		want.v4.pppol2tp.addr.sin_port = htons(t.dport);
		inet_pton(AF_INET, t.remote, &want.v4.pppol2tp.addr.sin_addr);
		wlen = sizeof(want.v4);
	}
	c17_name(what, s, false, &want, wlen, 0);
	c17_name(what, s, true, &want, wlen, 0);
	close(p.fd);
	close(s);
out:
	teardown(&nla, what, tid, NULL);
}

/*
 * Bug 17: uninitialised sockaddr fields reached userspace from
 * l2tp_ip6_recvmsg. Every name the L2TPIP and PPPoL2TP sockets return
 * is compared byte for byte with what it must be, and the bytes after it
 * in a larger, pattern-filled buffer must be left alone.
 */
static void c17(void)
{
	c17_l2tpip4();
	c17_l2tpip6("class 17: l2tp_ip6 on ::1", NS_A, "::1", NULL, NS_A,
		    "::1", NULL);
	c17_l2tpip6("class 17: l2tp_ip6 link-local", NS_A, "fe80::1", "veth1",
		    NS_B, "fe80::2", "veth2");
	c17_pppox(false);
	c17_pppox(true);
}

/* ------------------------------------------------------- class 18 */

/* The proto-115 datagrams of @c from @src, in order, into @out. */
static int l2tpip_dgrams(struct cap *c, int fam, const char *src,
			 struct dgram **out, int max)
{
	uint8_t a[16] = {};
	int i, n = 0;

	inet_pton(fam == 4 ? AF_INET : AF_INET6, src, a);
	for (i = 0; i < c->n && n < max; i++)
		if (c->d[i].fam == fam && c->d[i].proto == IPPROTO_L2TP &&
		    !memcmp(c->d[i].src, a, 16))
			out[n++] = &c->d[i];
	return n;
}

static void fill(uint8_t *b, size_t len, uint8_t v)
{
	memset(b, v, len);
}

/*
 * Bug 18: with MSG_MORE, l2tp_ip6 passed a wrong length for every corked
 * piece. Pieces sent with MSG_MORE then one without must leave as one
 * datagram: a zero session id, then the pieces, nothing more. IPv4
 * L2TPIP sockets do not cork (as upstream): one datagram per send.
 */
static void c18(void)
{
	static const size_t small[] = { 100, 200, 300, 50 };
	static const size_t big[] = { 1200, 1200, 1200, 10 };
	const size_t *sets[] = { small, big };
	struct dgram *d[8];
	uint8_t want[8192];
	int fam, set, i, n, s;
	struct cap cap;

	for (fam = 6; fam >= 4; fam -= 2) {
		for (set = 0; set < 2; set++) {
			const size_t *len = sets[set];
			size_t off = 4, total;
			bool sent = true;
			char what[96];

			for (total = 0, i = 0; i < 4; i++)
				total += len[i];
			snprintf(what, sizeof(what), "class 18: l2tp_ip%s, 4 pieces, %zu bytes",
				 fam == 6 ? "6" : "", total);
			s = fam == 6 ? l2tpip6(NS_A, "fd60::1", 0, 1800 + set,
					       "fd60::2", 2800) :
				       l2tpip4(NS_A, "10.60.0.1", 1802 + set,
					       "10.60.0.2", 2802);
			if (!setup_ok(s < 0 ? errno : 0, "%s: socket", what))
				continue;
			cap_open(&cap, "veth2");
			memset(want, 0, 4);
			for (i = 0; i < 4; i++) {
				fill(want + off, len[i], 'A' + i);
				sent &= send(s, want + off, len[i],
					     i < 3 ? MSG_MORE : 0) ==
					(ssize_t)len[i];
				off += len[i];
			}
			total = off;
			ktap_result(sent, "%s: every send returns its length",
				    what);
			cap_drain(&cap, 500);
			n = l2tpip_dgrams(&cap, fam, fam == 6 ? "fd60::1" :
					  "10.60.0.1", d, 8);
			if (fam == 6) {
				ktap_result(n == 1 && same_bytes(d[0]->data,
								 d[0]->len,
								 want, total),
					    "%s: one datagram: zero session id and the pieces (%zu bytes, %d fragments)",
					    what, total, n ? d[0]->frags : 0);
				if (n != 1)
					ktap_diag("%d datagrams captured", n);
			} else {
				bool ok = n == 4;

				for (off = 4, i = 0; ok && i < 4; i++) {
					ok = d[i]->len == len[i] + 4 &&
					     !memcmp(d[i]->data, "\0\0\0\0", 4) &&
					     !memcmp(d[i]->data + 4,
						     want + off, len[i]);
					off += len[i];
				}
				ktap_result(ok, "%s: MSG_MORE ignored: one datagram per send, each a zero session id and its piece",
					    what);
				if (n != 4)
					ktap_diag("%d datagrams captured", n);
			}
			cap_close(&cap);
			close(s);
		}
	}
}

/* ------------------------------------------------------- class 19 */

/*
 * Bug 19: a PPPoL2TP write of 0x34000 bytes went out with its 16-bit
 * UDP length truncated. Writes around the UDP limit on an L2TPv2 session
 * (6-byte header, FF 03), over IPv4 and IPv6: ours refuses what cannot
 * fit with EMSGSIZE (Documentation/l2tp_ppp.rst); upstream accepts every
 * write and drops the oversized in the core (tx_errors). Either way,
 * every UDP datagram on the wire must have a length field that matches
 * its (reassembled) size, and those sent must be whole.
 */
static void c19_variant(bool v6)
{
	static const size_t sizes[] = { 1400, 65485, 65486, 65505, 65507, 65519,
					65536, 0x34000 };
	const char *what = v6 ? "class 19: UDP/IPv6" : "class 19: UDP/IPv4";
	uint16_t tid = v6 ? 1901 : 1900;
	struct tun t = {
		.tid = tid, .ptid = tid + 1000, .ver = 2,
		.encap = L2TP_ENCAPTYPE_UDP, .fd = -1,
		.local = v6 ? "fd60::1" : "10.60.0.1",
		.remote = v6 ? "fd60::2" : "10.60.0.2",
		.sport = 10000 + tid, .dport = 20000 + tid,
	};
	int s, i, nsent = 0, bad = 0, seen = 0, huge = 0;
	uint64_t tx0, err0;
	uint8_t src[16] = {};
	size_t sent[ARRAY_SIZE(sizes)];
	struct cap cap;
	static uint8_t big[0x34000];

	if (!setup_ok(tunnel_create(&nla, &t), "%s: tunnel", what))
		return;
	s = px_open(2, v6, tid, 1, tid + 1000, 2);
	if (!setup_ok(s < 0 ? errno : 0, "%s: session socket", what))
		goto out;
	inet_pton(v6 ? AF_INET6 : AF_INET, t.local, src);
	cap_open(&cap, "veth2");
	tx0 = stat1(&nla, tid, 1, L2TP_ATTR_TX_PACKETS);
	err0 = stat1(&nla, tid, 1, L2TP_ATTR_TX_ERRORS);
	for (i = 0; i < (int)ARRAY_SIZE(sizes); i++) {
		size_t n = sizes[i];
		/* UDP length: header, L2TPv2 header, FF 03, the frame. */
		bool fits = 8 + 6 + 2 + n <= 65535;
		/* Ours: the frame with every header must fit the IPv4 total
		 * length (the IPv6 payload length leaves its header out).
		 */
		bool ours_ok = n <= 65535 - 8 - 20 - 2 - (v6 ? 0 : 20);

		ssize_t rc;

		memset(big, 0x40 + i, n);
		rc = send(s, big, n, 0);
		if (ktap_ours ? ours_ok : true) {
			if (!ktap_result(rc == (ssize_t)n, "%s: write of %zu bytes accepted",
					 what, n))
				ktap_diag("got %zd (%s)", rc, rc < 0 ? strerror(errno) : "-");
		} else {
			CHECK(rc, EMSGSIZE, "%s: write of %zu bytes: EMSGSIZE",
			      what, n);
		}
		if (ktap_ours)
			fits = ours_ok;
		if (rc == (ssize_t)n && fits)
			sent[nsent++] = n;
		cap_drain(&cap, 200);
	}
	cap_drain(&cap, 500);
	for (i = 0; i < cap.n; i++) {
		struct dgram *d = &cap.d[i];
		size_t ulen;

		if (d->proto != IPPROTO_UDP || d->fam != (v6 ? 6 : 4) ||
		    memcmp(d->src, src, 16) || d->len < 8 ||
		    get16(d->data) != t.sport)
			continue;
		ulen = get16(d->data + 4);
		/* Stock sends these: a length field that is right, in
		 * fragments no receiver can put back together.
		 */
		if (!v6 && d->len + 20 > 65535) {
			huge++;
			ktap_diag("an IPv4 datagram of %zu bytes: over 65535, it cannot be reassembled",
				  d->len + 20);
		}
		if (ulen != d->len) {
			bad++;
			ktap_diag("a UDP datagram of %zu bytes (%d fragments) says %zu",
				  d->len, d->frags, ulen);
			continue;
		}
		if (seen < nsent && ulen == 8 + 6 + 2 + sent[seen])
			seen++;
		else
			ktap_diag("an unexpected UDP datagram of %zu bytes", ulen);
	}
	ktap_result(!bad, "%s: no UDP datagram on the wire disagrees with its own length",
		    what);
	if (!v6 && ktap_ours_only("class 19: no IPv4 datagram over 65535 bytes"))
		ktap_result(!huge, "%s: no IPv4 datagram over 65535 bytes leaves", what);
	ktap_result(seen == nsent, "%s: the %d frames that fit left whole, in order",
		    what, nsent);
	if (seen != nsent)
		ktap_diag("saw %d of them", seen);
	ktap_result(stat1(&nla, tid, 1, L2TP_ATTR_TX_PACKETS) - tx0 == (uint64_t)nsent &&
		    stat1(&nla, tid, 1, L2TP_ATTR_TX_ERRORS) - err0 ==
			by_mode(ARRAY_SIZE(sizes) - nsent, 0),
		    "%s: session tx_packets +%d, tx_errors +%llu", what, nsent,
		    (unsigned long long)by_mode(ARRAY_SIZE(sizes) - nsent, 0));
	cap_close(&cap);
	close(s);
out:
	teardown(&nla, what, tid, NULL);
}

static void c19(void)
{
	c19_variant(false);
	c19_variant(true);
}

/* ------------------------------------------------------- class 20 */

/* Frames through NS<from>'s device @dev must reach session @sid of
 * NS<to>'s tunnel @tid.
 */
static bool eth_flows(int from, const char *dev, struct l2tp_nl *to,
		      uint32_t tid, uint32_t sid)
{
	struct sockaddr_ll ll = { .sll_family = AF_PACKET };
	uint64_t base = stat1(to, tid, sid, L2TP_ATTR_RX_PACKETS);
	uint8_t f[FRAME_LEN];
	int s, i, ok = 0;

	s = ns_socket(from, AF_PACKET, SOCK_RAW, 0);
	ll.sll_ifindex = ns_ifindex(from, dev);
	if (s < 0 || bind(s, (struct sockaddr *)&ll, sizeof(ll)))
		return false;
	for (i = 0; i < 5; i++)
		ok += send(s, f, eth_frame(f, sizeof(f), i), 0) == sizeof(f);
	close(s);
	if (ok != 5 || base == (uint64_t)-1)
		return false;
	/* At least those five: the device may send something of its own. */
	for (i = 0; i < 500; i++) {
		if (stat1(to, tid, sid, L2TP_ATTR_RX_PACKETS) >= base + 5)
			return true;
		msleep(10);
	}
	ktap_diag("tunnel %u session %u: %llu frames arrived of 5", tid, sid,
		  (unsigned long long)(stat1(to, tid, sid, L2TP_ATTR_RX_PACKETS) - base));
	return false;
}

static int udp6_mapped(uint16_t lport, uint16_t rport)
{
	struct sockaddr_in6 a = { .sin6_family = AF_INET6 };
	int s = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (s < 0)
		return -1;
	inet_pton(AF_INET6, "::ffff:10.60.0.1", &a.sin6_addr);
	a.sin6_port = htons(lport);
	if (bind(s, (struct sockaddr *)&a, sizeof(a)))
		goto fail;
	inet_pton(AF_INET6, "::ffff:10.60.0.2", &a.sin6_addr);
	a.sin6_port = htons(rport);
	if (connect(s, (struct sockaddr *)&a, sizeof(a)))
		goto fail;
	return s;
fail:
	close(s);
	return -1;
}

/* A tunnel of NS1 (@t, already made) and its IPv4 peer in NS2, with an
 * Ethernet session each: frames must cross both ways.
 */
static void c20_traffic(const char *what, const struct tun *t)
{
	const struct tun peer = {
		.tid = t->ptid, .ptid = t->tid, .ver = 3,
		.encap = L2TP_ENCAPTYPE_UDP, .fd = -1,
		.local = "10.60.0.2", .remote = "10.60.0.1",
		.sport = t->dport, .dport = t->sport,
	};
	char da[IFNAMSIZ], db[IFNAMSIZ];
	uint32_t sa = t->tid * 10, sb = t->ptid * 10;

	snprintf(da, sizeof(da), "rw%ua", t->tid);
	snprintf(db, sizeof(db), "rw%ub", t->tid);
	if (!setup_ok(session_create(&nla, &(struct sess){ .tid = t->tid,
				.sid = sa, .psid = sb,
				.pw = L2TP_PWTYPE_ETH, .l2spec = 1,
				.ifname = da }) ?:
		      tunnel_create(&nlb, &peer) ?:
		      session_create(&nlb, &(struct sess){ .tid = peer.tid,
				.sid = sb, .psid = sa,
				.pw = L2TP_PWTYPE_ETH, .l2spec = 1,
				.ifname = db }) ?:
		      (ns_link_up(NS_A, da) || ns_link_up(NS_B, db) ? errno : 0),
		      "%s: sessions and the IPv4 peer", what))
		goto out;
	ktap_result(eth_flows(NS_A, da, &nlb, peer.tid, sb),
		    "%s: frames reach the IPv4 peer", what);
	ktap_result(eth_flows(NS_B, db, &nla, t->tid, sa),
		    "%s: frames from the IPv4 peer arrive", what);
out:
	nl_delete(&nlb, peer.tid, -1);
}

/*
 * Bug 20: the IPv6 socket family was checked inconsistently on transmit
 * when the peer was a v4-mapped address. A managed tunnel on an AF_INET6
 * UDP socket connected to ::ffff:10.60.0.2, then one made by netlink
 * from v4-mapped IP6_SADDR/DADDR: traffic both ways (or a clear errno
 * for the latter); an IP-encapsulated one cannot bind a v4-mapped
 * address; an L2TPIP6 socket connecting to one (Documentation/l2tp.rst:
 * ours refuses, ENETUNREACH).
 */
static void c20(void)
{
	struct tun m = {
		.tid = 2000, .ptid = 3000, .ver = 3,
		.encap = L2TP_ENCAPTYPE_UDP,
		.sport = 12000, .dport = 22000,
	};
	struct tun u = {
		.tid = 2001, .ptid = 3001, .ver = 3,
		.encap = L2TP_ENCAPTYPE_UDP, .fd = -1,
		.local = "::ffff:10.60.0.1", .remote = "::ffff:10.60.0.2",
		.sport = 12001, .dport = 22001,
	};
	struct tun ip = u;
	int err, s;

	m.fd = udp6_mapped(m.sport, m.dport);
	if (setup_ok(m.fd < 0 ? errno : tunnel_create(&nla, &m),
		     "class 20: managed tunnel on an AF_INET6 socket connected to ::ffff:10.60.0.2")) {
		c20_traffic("class 20: v4-mapped managed tunnel", &m);
		teardown(&nla, "class 20: v4-mapped managed tunnel", m.tid,
			 (const long[]){ m.tid * 10, -1 });
	}
	if (m.fd >= 0)
		close(m.fd);

	err = tunnel_create(&nla, &u);
	if (!err) {
		ktap_result(true, "class 20: tunnel from v4-mapped IP6_SADDR/DADDR created");
		c20_traffic("class 20: v4-mapped unmanaged tunnel", &u);
		teardown(&nla, "class 20: v4-mapped unmanaged tunnel", u.tid,
			 (const long[]){ u.tid * 10, -1 });
	} else {
		ktap_result(err == EADDRNOTAVAIL || err == EAFNOSUPPORT ||
			    err == EINVAL,
			    "class 20: tunnel from v4-mapped IP6_SADDR/DADDR refused with a clear errno (%s)",
			    strerrorname_np(err));
	}

	ip.tid = 2002;
	ip.encap = L2TP_ENCAPTYPE_IP;
	err = tunnel_create(&nla, &ip);
	ktap_result(err == EADDRNOTAVAIL,
		    "class 20: IP-encapsulated tunnel from v4-mapped addresses: EADDRNOTAVAIL");
	if (err != EADDRNOTAVAIL)
		ktap_diag("got %s", strerror(err));
	if (!err)
		nl_delete(&nla, ip.tid, -1);

	s = l2tpip6(NS_A, "::", 0, 2010, "::ffff:10.60.0.2", 3010);
	if (ktap_ours)
		ktap_result(s < 0 && errno == ENETUNREACH,
			    "class 20: l2tp_ip6 connect to a v4-mapped peer: ENETUNREACH (ours)");
	else
		ktap_result(s >= 0,
			    "class 20: l2tp_ip6 connect to a v4-mapped peer: accepted (upstream)");
	if (s >= 0)
		close(s);
	else if (!ktap_ours || errno != ENETUNREACH)
		ktap_diag("connect: %s", strerror(errno));
}

/* ------------------------------------------------------- class 22 */

/*
 * Bug 22: l2tp_ip freed its corked frames wrongly when the socket was
 * destroyed. @n sockets of each family, each closed with data pending
 * after MSG_MORE sends (IPv6 corks, and SIOCOUTQ says so; IPv4 sends at
 * once): the leak checks are the shell's (module refcounts, slab, the
 * underlay device deleted at once, kmemleak on the debug kernel).
 */
static void c22(int n)
{
	static uint8_t data[3000];
	int fam, i, j, s, bad, corked;

	memset(data, 0x22, sizeof(data));
	for (fam = 6; fam >= 4; fam -= 2) {
		bad = corked = 0;
		for (i = 0; i < n; i++) {
			bool connected = i % 3 != 2;
			struct sockaddr_l2tpip6 d6 = {
				.l2tp_family = AF_INET6, .l2tp_conn_id = 1,
			};
			struct sockaddr_l2tpip d4 = {
				.l2tp_family = AF_INET, .l2tp_conn_id = 1,
			};
			struct msghdr m = {};
			struct iovec iov;
			int q = 0;

			inet_pton(AF_INET6, "fd62::2", &d6.l2tp_addr);
			inet_pton(AF_INET, "10.62.0.2", &d4.l2tp_addr);
			s = fam == 6 ? l2tpip6(NS_A, "fd62::1", 0, 220000 + i,
					       connected ? "fd62::2" : NULL, 1) :
				       l2tpip4(NS_A, "10.62.0.1", 220000 + i,
					       connected ? "10.62.0.2" : NULL, 1);
			if (s < 0) {
				bad++;
				continue;
			}
			if (!connected) {
				m.msg_name = fam == 6 ? (void *)&d6 : (void *)&d4;
				m.msg_namelen = fam == 6 ? sizeof(d6) : sizeof(d4);
			}
			m.msg_iov = &iov;
			m.msg_iovlen = 1;
			for (j = 0; j < 4; j++) {
				iov.iov_base = data;
				iov.iov_len = j == 3 && fam == 6 ? sizeof(data) : 1000;
				if (sendmsg(s, &m, MSG_MORE) != (ssize_t)iov.iov_len)
					bad++;
			}
			if (!ioctl(s, SIOCOUTQ, &q) && q > 0)
				corked++;
			close(s);
		}
		ktap_result(!bad, "class 22: %d l2tp_ip%s sockets closed after 4 MSG_MORE sends each",
			    n, fam == 6 ? "6" : "");
		if (fam == 6)
			ktap_result(corked == n,
				    "class 22: l2tp_ip6: data was corked in each socket when it closed (SIOCOUTQ)");
		if (bad)
			ktap_diag("%d failures", bad);
	}
}

/* ------------------------------------------------------- class 23 */

static struct mnl_socket *rtnl;
static unsigned int rt_seq;

/* Route fd60::2/128 in NS1 as @type (RTN_BLACKHOLE, RTN_UNREACHABLE,
 * RTN_PROHIBIT), or remove it (0) so the subnet route applies.
 */
static int route_set(int type)
{
	static const int cmds[] = { RTM_DELROUTE, RTM_NEWROUTE };
	char buf[MNL_SOCKET_BUFFER_SIZE];
	int i, err = 0;

	for (i = 0; i < (type ? 2 : 1); i++) {
		struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
		struct rtmsg *r;
		uint8_t dst[16];

		nlh->nlmsg_type = cmds[i];
		nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK |
				   (i ? NLM_F_CREATE | NLM_F_EXCL : 0);
		nlh->nlmsg_seq = ++rt_seq;
		r = mnl_nlmsg_put_extra_header(nlh, sizeof(*r));
		r->rtm_family = AF_INET6;
		r->rtm_dst_len = 128;
		r->rtm_table = RT_TABLE_MAIN;
		r->rtm_protocol = RTPROT_STATIC;
		r->rtm_scope = RT_SCOPE_UNIVERSE;
		r->rtm_type = i ? type : RTN_UNSPEC;
		inet_pton(AF_INET6, "fd60::2", dst);
		mnl_attr_put(nlh, RTA_DST, 16, dst);
		if (mnl_socket_sendto(rtnl, nlh, nlh->nlmsg_len) < 0)
			return errno;
		for (;;) {
			int n = mnl_socket_recvfrom(rtnl, buf, sizeof(buf));
			const struct nlmsghdr *a = (const void *)buf;

			if (n < 0)
				return errno;
			if (a->nlmsg_seq != rt_seq || a->nlmsg_type != NLMSG_ERROR)
				continue;
			err = -((const struct nlmsgerr *)mnl_nlmsg_get_payload(a))->error;
			break;
		}
		/* No override to remove is fine. */
		if (!i && err == ESRCH)
			err = 0;
		if (err)
			return err;
	}
	return 0;
}

/* The PPP sessions of class 23: tunnel, session, the pppox socket and
 * its channel on /dev/ppp.
 */
struct c23_sess {
	uint32_t tid, sid;
	int px, chan;
};

static volatile bool c23_stop;
static unsigned long c23_writes;
static pthread_mutex_t c23_lock = PTHREAD_MUTEX_INITIALIZER;

static struct c23_sess c23s[3];

/* Write a frame on every pppox socket and channel: the successful ones. */
static int c23_write_all(void)
{
	static const uint8_t frame[] = { 0x00, 0x21, 0x45, 0x00, 0x00, 0x14,
					 0x00, 0x00, 0x00, 0x00, 0x40, 0x11 };
	int i, ok = 0;

	for (i = 0; i < 3; i++) {
		ok += write(c23s[i].px, frame, sizeof(frame)) > 0;
		if (c23s[i].chan >= 0)
			ok += write(c23s[i].chan, frame, sizeof(frame)) > 0;
	}
	return ok;
}

static void *c23_writer(void *arg)
{
	unsigned long mine = 0;

	(void)arg;
	while (!c23_stop)
		mine += c23_write_all();
	pthread_mutex_lock(&c23_lock);
	c23_writes += mine;
	pthread_mutex_unlock(&c23_lock);
	return NULL;
}

static void c23_sum(uint64_t *tx, uint64_t *err)
{
	struct st s;
	int i;

	*tx = *err = 0;
	for (i = 0; i < 3; i++) {
		if (nl_stats(&nla, c23s[i].tid, c23s[i].sid, &s))
			continue;
		*tx += s.v[L2TP_ATTR_TX_PACKETS];
		*err += s.v[L2TP_ATTR_TX_ERRORS];
	}
}

/* Write once on every socket and channel: the counters must show all of
 * it sent (@sent) or all of it refused.
 */
static bool c23_phase(bool sent, int *w)
{
	uint64_t tx0, er0, tx1, er1;

	c23_sum(&tx0, &er0);
	*w = c23_write_all();
	c23_sum(&tx1, &er1);
	if (sent ? tx1 - tx0 == (uint64_t)*w && er1 == er0 :
		   er1 - er0 == (uint64_t)*w && tx1 == tx0)
		return true;
	ktap_diag("%d writes, want them %s: tx_packets +%llu, tx_errors +%llu",
		  *w, sent ? "sent" : "refused",
		  (unsigned long long)(tx1 - tx0),
		  (unsigned long long)(er1 - er0));
	return false;
}

/*
 * Bug 23: an IPv6 dst-cache entry was released twice when pppol2tp sent
 * over IPv6 through a blackhole route. PPP sessions over a managed
 * UDP/IPv6 tunnel, an unmanaged one and an IP-encapsulated one send
 * through their pppox sockets and /dev/ppp channels while the route to
 * the peer turns blackhole, unreachable, prohibit and back; then
 * everything is torn down in a bad order (sockets while channels are
 * attached, tunnels, the managed socket last).
 */
static void c23(int seconds)
{
	static const int kinds[] = { RTN_BLACKHOLE, RTN_UNREACHABLE,
				     RTN_PROHIBIT };
	static const char *const kname[] = { "blackhole", "unreachable",
					     "prohibit" };
	struct sockaddr_in6 a = { .sin6_family = AF_INET6 };
	struct tun tm = {
		.tid = 2300, .ptid = 3300, .ver = 2,
		.encap = L2TP_ENCAPTYPE_UDP,
	};
	struct tun tu = {
		.tid = 2301, .ptid = 3301, .ver = 2,
		.encap = L2TP_ENCAPTYPE_UDP, .fd = -1,
		.local = "fd60::1", .remote = "fd60::2",
		.sport = 12301, .dport = 22301,
	};
	struct tun ti = {
		.tid = 2302, .ptid = 3302, .ver = 3,
		.encap = L2TP_ENCAPTYPE_IP, .fd = -1,
		.local = "fd60::1", .remote = "fd60::2",
	};
	uint64_t tx0, er0, tx1, er1;
	pthread_t th[2];
	int i, k, w, flips = 0, err = 0;
	time_t end;
	bool ok;

	memset(c23s, 0, sizeof(c23s));
	for (i = 0; i < 3; i++)
		c23s[i].px = c23s[i].chan = -1;
	rtnl = mnl_socket_open(NETLINK_ROUTE);
	if (!rtnl || mnl_socket_bind(rtnl, 0, MNL_SOCKET_AUTOPID))
		die("rtnetlink: %s", strerror(errno));
	tm.fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	inet_pton(AF_INET6, "fd60::1", &a.sin6_addr);
	a.sin6_port = htons(12300);
	if (tm.fd < 0 || bind(tm.fd, (struct sockaddr *)&a, sizeof(a)))
		err = errno;
	inet_pton(AF_INET6, "fd60::2", &a.sin6_addr);
	a.sin6_port = htons(22300);
	if (!err && connect(tm.fd, (struct sockaddr *)&a, sizeof(a)))
		err = errno;
	if (!setup_ok(err ?: tunnel_create(&nla, &tm) ?:
		      tunnel_create(&nla, &tu) ?: tunnel_create(&nla, &ti),
		      "class 23: managed and unmanaged UDP/IPv6 tunnels, an IP/IPv6 one"))
		goto out;
	c23s[0] = (struct c23_sess){ .tid = 2300, .sid = 1 };
	c23s[1] = (struct c23_sess){ .tid = 2301, .sid = 1 };
	c23s[2] = (struct c23_sess){ .tid = 2302, .sid = 23021 };
	c23s[0].px = px_open(2, true, 2300, 1, 3300, 1);
	c23s[1].px = px_open(2, true, 2301, 1, 3301, 1);
	c23s[2].px = px_open(3, true, 2302, 23021, 3302, 33021);
	for (i = 0; i < 3; i++) {
		int idx;

		if (c23s[i].px < 0) {
			err = errno;
			continue;
		}
		c23s[i].chan = -1;
		if (ioctl(c23s[i].px, PPPIOCGCHAN, &idx))
			continue;
		c23s[i].chan = open("/dev/ppp", O_RDWR | O_CLOEXEC);
		if (c23s[i].chan >= 0 &&
		    ioctl(c23s[i].chan, PPPIOCATTCHAN, &idx)) {
			close(c23s[i].chan);
			c23s[i].chan = -1;
		}
	}
	if (!setup_ok(err, "class 23: PPP sessions on each"))
		goto out;
	if (c23s[0].chan < 0)
		ktap_diag("no /dev/ppp channel: pppox sockets only");

	/* Each route type in turn, traffic in between: deterministic. */
	for (k = 0; k < 3; k++) {
		ok = c23_phase(true, &w);
		err = route_set(kinds[k]);
		ok = c23_phase(false, &w) && ok && !err;
		err = err ?: route_set(0);
		ok = c23_phase(true, &w) && ok && !err;
		ktap_result(ok, "class 23: route to the peer normal, %s, normal: frames sent, refused (tx_errors), sent",
			    kname[k]);
		if (err)
			ktap_diag("route: %s", strerror(err));
	}

	/* Then writers race the route flapping, on every CPU. */
	sched_setaffinity(0, sizeof(all_cpus), &all_cpus);
	c23_sum(&tx0, &er0);
	c23_stop = false;
	c23_writes = 0;
	for (i = 0; i < 2; i++)
		pthread_create(&th[i], NULL, c23_writer, NULL);
	end = time(NULL) + seconds;
	err = 0;
	while (time(NULL) < end && !err) {
		err = route_set(flips % 4 == 3 ? 0 : kinds[flips % 4]);
		flips++;
		msleep(5);
	}
	c23_stop = true;
	for (i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	err = err ?: route_set(0);
	c23_sum(&tx1, &er1);
	ktap_result(!err && tx1 + er1 - tx0 - er0 == c23_writes,
		    "class 23: %d route changes under %lu writes: each counted once, sent or refused",
		    flips, c23_writes);
	if (err || tx1 + er1 - tx0 - er0 != c23_writes)
		ktap_diag("route: %s; counted %llu", strerror(err),
			  (unsigned long long)(tx1 + er1 - tx0 - er0));
	ktap_diag("race: %llu sent, %llu refused",
		  (unsigned long long)(tx1 - tx0), (unsigned long long)(er1 - er0));
out:
	/* Teardown in a bad order: sockets first, channels still attached. */
	for (i = 0; i < 3; i++)
		if (c23s[i].px >= 0)
			close(c23s[i].px);
	err = nl_delete(&nla, 2301, -1) ?: nl_delete(&nla, 2302, -1);
	for (i = 0; i < 3; i++)
		if (c23s[i].chan >= 0)
			close(c23s[i].chan);
	if (tm.fd >= 0)
		close(tm.fd);
	ktap_result(!err && wait_gone(&nla, 2300, -1) == ENODEV &&
		    wait_gone(&nla, 2301, -1) == ENODEV &&
		    wait_gone(&nla, 2302, -1) == ENODEV,
		    "class 23: torn down: every tunnel gone (the managed one with its socket)");
	route_set(0);
	mnl_socket_close(rtnl);
}

/* ------------------------------------------------------- class 15 */

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * One namespace of class 15, made with unshare() and left again: create
 * tunnels @cids (@eth: an Ethernet session in the first one), delete
 * @dids in that order, then leave the namespace to exit with the rest.
 */
static void c15_netns(const char *what, const uint32_t *cids, int nc,
		      const uint32_t *dids, int nd, bool eth)
{
	int home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	struct ifreq ifr = { .ifr_name = "lo" };
	int i, j, s, err = 0, bad = 0;
	struct l2tp_nl c;
	struct st st;

	if (home < 0 || unshare(CLONE_NEWNET))
		die("unshare: %s", strerror(errno));
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0 || ioctl(s, SIOCGIFFLAGS, &ifr))
		die("lo: %s", strerror(errno));
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(s, SIOCSIFFLAGS, &ifr))
		die("lo up: %s", strerror(errno));
	close(s);
	err = l2tp_nl_open(&c, 20);
	for (i = 0; i < nc && !err; i++) {
		struct tun t = {
			.tid = cids[i], .ptid = cids[i], .ver = 3,
			.encap = L2TP_ENCAPTYPE_UDP, .fd = -1,
			.local = "127.0.0.1", .remote = "127.0.0.1",
			.sport = 30000 + i, .dport = 40000 + i,
		};

		err = tunnel_create(&c, &t);
		if (err)
			ktap_diag("tunnel %u: %s", cids[i], strerror(err));
	}
	if (!err && eth)
		err = session_create(&c, &(struct sess){ .tid = cids[0],
				.sid = 1, .psid = 1, .pw = L2TP_PWTYPE_ETH,
				.l2spec = 1 });
	ktap_result(!err, "class 15: %s: %d tunnels, ids %u to %u%s", what,
		    nc, cids[0], cids[nc - 1],
		    eth ? ", an Ethernet session" : "");
	for (i = 0; i < nd && !err; i++) {
		int e = nl_delete(&c, dids[i], -1);

		if (e) {
			bad++;
			ktap_diag("delete %u: %s", dids[i], strerror(e));
		}
	}
	for (i = 0; i < nc && !err; i++) {
		bool deleted = false;
		int got;

		for (j = 0; j < nd; j++)
			deleted |= dids[j] == cids[i];
		got = deleted ? wait_gone(&c, cids[i], -1) :
				nl_stats(&c, cids[i], -1, &st);
		if (deleted ? got != ENODEV : got != 0) {
			bad++;
			ktap_diag("tunnel %u: GET %s", cids[i], strerror(got));
		}
	}
	if (nd && !err)
		ktap_result(!bad, "class 15: %s: %d deleted, from %u to %u, the other %d still there when the namespace exits",
			    what, nd, dids[0], dids[nd - 1], nc - nd);
	l2tp_nl_close(&c);
	/* Leaving it drops its last reference: the namespace exits. */
	if (setns(home, CLONE_NEWNET))
		die("setns: %s", strerror(errno));
	close(home);
}

/*
 * Bug 15: sparse tunnel ids leave interior IDR nodes behind, which an
 * emptiness check at namespace exit took for leaked tunnels (and a
 * refcount underflow in the same path). Namespaces holding tunnels with
 * ids at the extremes, every power of two and spread over the 32-bit
 * range, deleted in several orders or not at all, then exiting; and the
 * three ids 1, 0x10000, 0xffffffff deleted in each of the six orders.
 * The shell checks that all of it was freed without a warning.
 */
static void c15(void)
{
	static const uint32_t edge[] = { 1, 2, 3, 0xffff, 0x10000, 0x10001,
					 0x7fffffff, 0x80000000, 0xfffffffe,
					 0xffffffff };
	static const int perms[6][3] = { { 0, 1, 2 }, { 0, 2, 1 }, { 1, 0, 2 },
					 { 1, 2, 0 }, { 2, 0, 1 }, { 2, 1, 0 } };
	static const uint32_t three[] = { 1, 0x10000, 0xffffffff };
	uint32_t ids[64], order[64];
	int i, k, n = 0, m = 0;
	char what[64];

	for (i = 0; i < (int)ARRAY_SIZE(edge); i++)
		ids[n++] = edge[i];
	for (k = 2; k <= 30; k++)
		ids[n++] = 1u << k;
	for (k = 1; k <= 9; k++)
		ids[n++] = k * 0x1999999au;
	qsort(ids, n, sizeof(ids[0]), cmp_u32);
	for (i = k = 0; i < n; i++)
		if (!i || ids[i] != ids[k - 1])
			ids[k++] = ids[i];
	n = k;

	/* Every other id, then the others. */
	for (i = 0; i < n; i += 2)
		order[m++] = ids[i];
	for (i = 1; i < n; i += 2)
		order[m++] = ids[i];
	c15_netns("sparse ids, deleted interleaved", ids, n, order, n, true);
	for (i = 0; i < n; i++)
		order[i] = ids[n - 1 - i];
	c15_netns("sparse ids, deleted from the top", ids, n, order, n, false);
	c15_netns("sparse ids, none deleted", ids, n, NULL, 0, true);
	for (k = 0; k < 6; k++) {
		for (i = 0; i < 3; i++)
			order[i] = three[perms[k][i]];
		/* Even permutations delete all three, odd ones leave one. */
		snprintf(what, sizeof(what), "order %d", k + 1);
		c15_netns(what, three, 3, order, k % 2 ? 2 : 3, true);
	}
}

/* ------------------------------------------------------- class 24 */

static int c24_sock(const char *fam)
{
	int s;

	if (!strcmp(fam, "inet"))
		s = socket(AF_INET, SOCK_DGRAM, IPPROTO_L2TP);
	else if (!strcmp(fam, "inet6"))
		s = socket(AF_INET6, SOCK_DGRAM, IPPROTO_L2TP);
	else
		s = socket(AF_PPPOX, SOCK_DGRAM, PX_PROTO_OL2TP);
	if (s < 0) {
		printf("socket: %s\n", strerror(errno));
		return 1;
	}
	close(s);
	return 0;
}

static int c24_autoload(const char *what)
{
	static const char *const whats[] = { "ip4", "ip6", "eth", "ppp" };
	struct tun t = {
		.ver = 3, .encap = L2TP_ENCAPTYPE_UDP, .fd = -1,
		.local = "127.0.0.1", .remote = "127.0.0.1",
	};
	int i, err;

	/* Ids and ports of their own: upstream deletes after replying. */
	for (i = 0; i < 4 && strcmp(what, whats[i]); i++)
		;
	t.tid = 2400 + i;
	t.ptid = 2500 + i;
	t.sport = 32400 + i;
	t.dport = 32500 + i;
	if (!strcmp(what, "ip4") || !strcmp(what, "ip6"))
		t.encap = L2TP_ENCAPTYPE_IP;
	if (!strcmp(what, "ip6"))
		t.local = t.remote = "::1";
	err = tunnel_create(&nla, &t);
	if (!err && (!strcmp(what, "eth") || !strcmp(what, "ppp")))
		err = session_create(&nla, &(struct sess){ .tid = t.tid,
				.sid = 1, .psid = 1, .l2spec = 1,
				.pw = what[0] == 'e' ? L2TP_PWTYPE_ETH :
						       L2TP_PWTYPE_PPP });
	if (err)
		printf("%s: %s\n", what, strerror(err));
	nl_delete(&nla, t.tid, -1);
	return !!err;
}

/* ------------------------------------------------------------- main */

static void usage(void)
{
	die("usage: l2tp_regress_wire [-a NS1] [-b NS2] c12|c13|c16|c17|c18|c19|c20|c22 N|c23 SECONDS|c15|sock FAMILY|autoload WHAT");
}

static void open_ns(int which, const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	ns_fd[which] = open(path, O_RDONLY | O_CLOEXEC);
	if (ns_fd[which] < 0)
		die("%s: %s", path, strerror(errno));
}

static void nl_setup(int which, struct l2tp_nl *c)
{
	int err;

	ns_enter(which);
	err = l2tp_nl_open(c, 20);
	ns_enter(NS_A);
	if (err)
		die("l2tp genl family: %s", strerror(err));
}

int main(int argc, char **argv)
{
	cpu_set_t cpus;
	int opt;
	const char *cmd;

	ktap_ours = ktap_mode_is_ours();
	while ((opt = getopt(argc, argv, "+a:b:")) != -1) {
		if (opt == 'a')
			open_ns(NS_A, optarg);
		else if (opt == 'b')
			open_ns(NS_B, optarg);
		else
			usage();
	}
	if (optind >= argc)
		usage();
	have_b = ns_fd[NS_B] >= 0;
	ns_enter(NS_A);
	cmd = argv[optind++];
	signal(SIGPIPE, SIG_IGN);
	/* One CPU: injected packets reach the receiver's backlog in the
	 * order they were sent, so a sentinel packet is a barrier.
	 */
	sched_getaffinity(0, sizeof(all_cpus), &all_cpus);
	CPU_ZERO(&cpus);
	CPU_SET(0, &cpus);
	sched_setaffinity(0, sizeof(cpus), &cpus);

	if (!strcmp(cmd, "sock"))
		return optind < argc ? c24_sock(argv[optind]) : 2;
	nl_setup(NS_A, &nla);
	if (!strcmp(cmd, "autoload"))
		return optind < argc ? c24_autoload(argv[optind]) : 2;
	if (!strcmp(cmd, "c15")) {
		c15();
		return ktap_finish();
	}
	if (!have_b)
		usage();
	nl_setup(NS_B, &nlb);
	if (!strcmp(cmd, "c12"))
		c12();
	else if (!strcmp(cmd, "c13"))
		c13();
	else if (!strcmp(cmd, "c16"))
		c16();
	else if (!strcmp(cmd, "c17"))
		c17();
	else if (!strcmp(cmd, "c18"))
		c18();
	else if (!strcmp(cmd, "c19"))
		c19();
	else if (!strcmp(cmd, "c20"))
		c20();
	else if (!strcmp(cmd, "c22"))
		c22(optind < argc ? atoi(argv[optind]) : 200);
	else if (!strcmp(cmd, "c23"))
		c23(optind < argc ? atoi(argv[optind]) : 3);
	else
		usage();
	return ktap_finish();
}
