// SPDX-License-Identifier: GPL-2.0
/*
 * l2tp_fuzz_wire: the wire fuzzer of test_fuzz_wire.sh.
 *
 * In namespace --ns (NS1, the system under test) it makes nine tunnels
 * over generic netlink.  Seven are managed, over sockets it owns, so that
 * everything the kernel hands to a tunnel socket is read and counted here:
 *
 *   udp4, udp6, udp6z   L2TPv3 over UDP (udp6z accepts zero checksums)
 *   ip4, ip6            L2TPv3 over IP (L2TPIP sockets)
 *   v2udp4, v2udp6      L2TPv2 over UDP
 *
 * Two are unmanaged, made the way `ip l2tp add tunnel` makes them (the
 * kernel opens the socket): kudp4 (L2TPv3 over UDP/IPv4) and kip6 (over
 * IPv6).  Nobody reads their sockets, so the packets generated for them
 * that either mode would hand to the socket are not sent (and not
 * counted); ICMP errors about them are, and have no counter.
 *
 * Each L2TPv3 tunnel carries Ethernet sessions (l2tpeth devices, up) with
 * cookies of 0, 4 and 8 bytes, with and without the default sublayer,
 * with recv_seq, as LNS and as LAC, and one with a reorder timeout; each
 * L2TPv2 tunnel PPP sessions, all but one read through a PPPoL2TP socket
 * (the other, made over netlink, has none).
 *
 * From namespace --peer it writes Ethernet frames into --peer-dev with
 * an AF_PACKET socket (sendmmsg batches): L2TPv2 and L2TPv3 data packets
 * built valid for a session, then mutated (header versions, every T/L/S/
 * O/P bit, the length field, offset pads up to past the end, cookies of
 * the wrong value and length, unknown, zero and maximal ids, sequence
 * numbers around the wrap and the window edges, truncation at every
 * offset of the header, random bit flips, payloads up to 64k in IP
 * fragments), control messages, broken IP and UDP headers and checksums,
 * and ICMP and ICMPv6 errors quoting the tunnels' packets.
 *
 * Each packet comes from the seed and its index alone (sequence numbers
 * included: the generator keeps its own state, never the kernel's), so a
 * run replays exactly with the same --seed and --packets, in both modes.
 * A model of the receive path of the modules under test (ours, or
 * upstream's: Documentation/l2tp.rst, "Receive", says where they
 * differ) predicts each packet's fate: delivered to a session, dropped
 * and counted by the session (cookie, sequencing, truncated header...),
 * handed to a tunnel socket, its ICMP error queued on one, dropped and
 * counted by IP, UDP or ICMP, or dropped uncounted where the kernel has
 * no counter.  Every --check-every packets, the session and tunnel
 * counters (netlink), the sockets' reads, the netdevs' counters and the
 * SNMP MIBs of NS1 are compared with the prediction; a mismatch names
 * the window of packet indexes it happened in, and --check-every 1 with
 * --packets set to the window's end finds the packet, which --dump
 * prints.  At the end every packet sent must be accounted for.
 *
 *   l2tp_fuzz_wire --ns NS1 --peer NS2 [--dev veth1] [--peer-dev veth2]
 *	[--seed N] [--packets N] [--check-every N] [--no-ppp]
 *	[--first N]	number of the first KTAP result
 *   l2tp_fuzz_wire --dump FROM-TO [--seed N]
 *	print packets FROM to TO and their predicted fates; nothing sent
 *
 * Defaults: --seed from FUZZ_SEED, else random; --packets from
 * FUZZ_PACKETS, else 100000.  L2TP_MODE=stock selects upstream's model.
 */

#include <arpa/inet.h>
#include <netinet/in.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/if.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/if_pppol2tp.h>
#include <linux/if_pppox.h>
#include <linux/l2tp.h>

#include "l2tp_test.h"

#ifndef IPPROTO_L2TP
#define IPPROTO_L2TP		115
#endif
#ifndef SOL_UDP
#define SOL_UDP			17
#endif
#ifndef UDP_NO_CHECK6_RX
#define UDP_NO_CHECK6_RX	102
#endif

/* ---------------------------------------------------------------- wire */

#define F_T		0x8000	/* control message */
#define F_L		0x4000	/* v2: length field */
#define F_S		0x0800	/* v2: Ns and Nr */
#define F_O		0x0200	/* v2: offset size and pad */
#define F_P		0x0100	/* v2: priority */
#define SUB_S		0x40000000

#define ETH_MAX		1514	/* frame on the 1500-byte veth */
#define IP_MAX		1500
#define HR		128	/* room for IP and UDP headers before L2TP */
#define PKT_MAX		65536

static const uint8_t ns1_v4[4] = { 10, 61, 0, 1 };
static const uint8_t ns2_v4[4] = { 10, 61, 0, 2 };
static const uint8_t ns1_v6[16] = { 0xfd, 0x61, [15] = 1 };
static const uint8_t ns2_v6[16] = { 0xfd, 0x61, [15] = 2 };

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

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

/* Internet checksum: sum of 16-bit words, folded later. */
static uint32_t csum_add(uint32_t sum, const uint8_t *p, int len)
{
	uint64_t acc = sum;
	int i = 0;

	for (; i + 3 < len; i += 4)
		acc += (uint32_t)get16(p + i) + get16(p + i + 2);
	for (; i + 1 < len; i += 2)
		acc += get16(p + i);
	if (len & 1)
		acc += p[len - 1] << 8;
	while (acc >> 32)
		acc = (acc & 0xffffffff) + (acc >> 32);
	acc = (acc & 0xffff) + (acc >> 16);
	return acc;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum & 0xffff;
}

/* The pseudo-header sum of a transport packet of @len bytes. */
static uint32_t pseudo(bool v6, int proto, uint32_t len)
{
	uint32_t sum = 0;

	if (v6) {
		sum = csum_add(sum, ns2_v6, 16);
		sum = csum_add(sum, ns1_v6, 16);
		sum += (len >> 16) + (len & 0xffff) + proto;
	} else {
		sum = csum_add(sum, ns2_v4, 4);
		sum = csum_add(sum, ns1_v4, 4);
		sum += proto + len;
	}
	return sum;
}

/* -------------------------------------------------------------- random */

/* splitmix64: one stream per packet, seeded from the run seed and index. */
struct rng {
	uint64_t s;
};

static uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint32_t rnd(struct rng *r, uint32_t n)
{
	return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

static bool pct(struct rng *r, unsigned int p)
{
	return rnd(r, 100) < p;
}

static uint32_t rnd32(struct rng *r)
{
	return rng_next(r) >> 32;
}

static void rnd_fill(struct rng *r, uint8_t *p, int len)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < len; i++) {
		if (!(i & 7))
			v = rng_next(r);
		p[i] = v;
		v >>= 8;
	}
}

/* ------------------------------------------------------------- objects */

enum { ENC_UDP, ENC_IP };

/* Counters of a tunnel or session, indexed by L2TP_ATTR_<stat>. */
struct l2stats {
	uint64_t v[__L2TP_ATTR_STATS_MAX];
};

#define RXP	L2TP_ATTR_RX_PACKETS
#define RXE	L2TP_ATTR_RX_ERRORS
#define RXSEQ	L2TP_ATTR_RX_SEQ_DISCARDS
#define RXOOS	L2TP_ATTR_RX_OOS_PACKETS
#define RXCK	L2TP_ATTR_RX_COOKIE_DISCARDS
#define RXINV	L2TP_ATTR_RX_INVALID

struct tun;

struct sess {
	struct tun *t;
	int k;			/* template */
	uint32_t sid, psid;
	int pw;
	bool l2spec;		/* v3 default sublayer */
	int clen;
	uint8_t cookie[8];	/* the peer cookie: what it expects */
	bool recv_seq, send_seq, lns, pppox;
	unsigned int timeout;	/* reorder timeout, ms */
	int pseq;		/* % of generated packets with Ns */
	char ifname[IFNAMSIZ];
	int mtu;
	int pxfd;
	/* model of the receive state */
	uint32_t nr, nr_max, win, nr_oos;
	int oos_cnt;
	bool skip, m_send_seq;
	/* generator */
	uint32_t gen_ns;
	bool gen_lac_seq;
	/* expected increments since the start */
	uint64_t x_rx, x_rxb, x_err, x_ck, x_seq, x_cons;
	uint64_t x_drx, x_derr, x_ddrop, x_dunsure;
	bool ddrop_lost;	/* its first rx_dropped was lost (below) */
	uint64_t got_px;
	bool px_dirty, have;
	struct l2stats st0, st;
	uint64_t d0[3], d[3];	/* netdev rx packets, errors, dropped */
};

struct tun {
	const char *name;
	int ver, encap;
	bool v6;
	uint32_t tid, ptid;
	uint16_t lport, pport;
	bool zcsum;		/* v6 UDP: zero checksums accepted */
	bool kernel;		/* unmanaged: the kernel's own socket */
	unsigned int mask;	/* which session templates it carries */
	int fd;
	int nsess;
	struct sess *sess[8];
	uint64_t x_inv, x_reads, x_errq;
	uint64_t got_reads, got_errq, got_err;
	bool dirty, have;
	struct l2stats st0, st;
	unsigned int trunc_at;	/* next truncation offset, cycling */
	unsigned int v2_combo;	/* next T/L/S/O/P combination, cycling */
};

#define TUN(n, v, e, six, id, pid, lp, pp, z, k, m) {			\
	.name = n, .ver = v, .encap = e, .v6 = six, .tid = id,		\
	.ptid = pid, .lport = lp, .pport = pp, .zcsum = z, .kernel = k,	\
	.mask = m }

static struct tun tuns[] = {
	TUN("udp4", 3, ENC_UDP, false, 3001, 4001, 7001, 8001, false, false, 0xff),
	TUN("udp6", 3, ENC_UDP, true, 3002, 4002, 7002, 8002, false, false, 0xff),
	TUN("udp6z", 3, ENC_UDP, true, 3003, 4003, 7003, 8003, true, false, 0x21),
	TUN("ip4", 3, ENC_IP, false, 3004, 4004, 0, 0, false, false, 0xff),
	TUN("ip6", 3, ENC_IP, true, 3005, 4005, 0, 0, false, false, 0xff),
	TUN("v2udp4", 2, ENC_UDP, false, 201, 301, 7006, 8006, false, false, 0x3f),
	TUN("v2udp6", 2, ENC_UDP, true, 202, 302, 7007, 8007, false, false, 0x3f),
	TUN("kudp4", 3, ENC_UDP, false, 3011, 4011, 7011, 8011, false, true, 0x8b),
	TUN("kip6", 3, ENC_IP, true, 3012, 4012, 0, 0, false, true, 0x8b),
};
#define NTUN	((int)ARRAY_SIZE(tuns))

struct stmpl {
	int clen;
	bool l2spec, recv_seq, send_seq, lns, pppox;
	unsigned int timeout;
	int pseq;
	bool wrap_start;	/* Ns starts just below the wrap */
};

/* L2TPv3 Ethernet sessions; udp6z gets the first and the sixth only. */
static const struct stmpl v3_tmpl[] = {
	{ .clen = 0, .l2spec = true, .pseq = 25 },
	{ .clen = 4, .l2spec = true, .recv_seq = true, .pseq = 90,
	  .wrap_start = true },
	{ .clen = 8, .l2spec = true, .send_seq = true, .lns = true, .pseq = 90 },
	{ .clen = 0 },
	{ .clen = 4 },
	{ .clen = 8 },
	{ .clen = 0, .l2spec = true, .timeout = 40, .pseq = 95,
	  .wrap_start = true },
	{ .clen = 4, .l2spec = true, .send_seq = true, .pseq = 50 },
};

/* L2TPv2 PPP sessions; the fourth has no PPPoL2TP socket. */
static const struct stmpl v2_tmpl[] = {
	{ .pppox = true, .pseq = 25 },
	{ .pppox = true, .recv_seq = true, .pseq = 90, .wrap_start = true },
	{ .pppox = true, .send_seq = true, .lns = true, .pseq = 90 },
	{ .pseq = 25 },
	{ .pppox = true, .timeout = 40, .pseq = 95, .wrap_start = true },
	{ .pppox = true, .send_seq = true, .pseq = 50 },
};

static struct sess sessions[64];
static int nsess;

static bool ours = true;
static bool dry;		/* --dump: nothing is sent */
static bool no_ppp;
static uint64_t seed;

/* ------------------------------------------------- fates and counters */

enum fate {
	F_DELIVER, F_SESS_COOKIE, F_SESS_SEQ, F_SESS_ERR, F_SESS_INVALID,
	F_HELD,		/* a reorder-timeout session: delivered or expired */
	F_PASS, F_PASS_INVALID, F_CTRL,
	F_UNCOUNTED,
	F_IP_HDR, F_IP_TRUNC, F_UDP_ERR, F_UDP_CSUM, F_UDP_NOPORT,
	F_ICMP_ERRQ, F_ICMP_ERR, F_ICMP_CSUM, F_ICMP_IGNORED,
	F_MAX
};

static const char *const fate_name[F_MAX] = {
	"delivered", "session: cookie discard", "session: sequence discard",
	"session: error", "session: truncated header",
	"reorder-timeout session", "to the tunnel socket",
	"to the tunnel socket, rx_invalid", "control frame to the L2TPIP socket",
	"dropped uncounted",
	"IP header error", "IP truncated", "UDP error", "UDP checksum error",
	"UDP no port",
	"ICMP error queued on a tunnel socket", "ICMP InErrors",
	"ICMP checksum error", "ICMP ignored (no counter)",
};

static uint64_t fates[F_MAX];
static int last_fate;

/* The SNMP counters of NS1 the model predicts. */
enum {
	S_IP_HDR, S_IP_CSUM, S_IP_TRUNC, S_IP_DISC, S_IP_ADDR, S_IP_REASM,
	S_IP_REASMF,
	S_UDP_ERR, S_UDP_CSUM, S_UDP_NOPORT, S_UDP_RCVBUF,
	S_ICMP_ERR, S_ICMP_CSUM, S_ICMP_T3, S_ICMP_T11, S_ICMP_T12,
	S_IP6_HDR, S_IP6_TRUNC, S_IP6_DISC, S_IP6_ADDR, S_IP6_REASM,
	S_IP6_REASMF,
	S_UDP6_ERR, S_UDP6_CSUM, S_UDP6_NOPORT, S_UDP6_RCVBUF,
	S_ICMP6_ERR, S_ICMP6_CSUM, S_ICMP6_T1, S_ICMP6_T2, S_ICMP6_T3,
	S_ICMP6_T4,
	S_MAX
};

static const char *const snmp_key[S_MAX] = {
	"Ip.InHdrErrors", "IpExt.InCsumErrors", "IpExt.InTruncatedPkts",
	"Ip.InDiscards", "Ip.InAddrErrors", "Ip.ReasmOKs", "Ip.ReasmFails",
	"Udp.InErrors", "Udp.InCsumErrors", "Udp.NoPorts", "Udp.RcvbufErrors",
	"Icmp.InErrors", "Icmp.InCsumErrors", "Icmp.InDestUnreachs",
	"Icmp.InTimeExcds", "Icmp.InParmProbs",
	"Ip6InHdrErrors", "Ip6InTruncatedPkts", "Ip6InDiscards",
	"Ip6InAddrErrors", "Ip6ReasmOKs", "Ip6ReasmFails",
	"Udp6InErrors", "Udp6InCsumErrors", "Udp6NoPorts", "Udp6RcvbufErrors",
	"Icmp6InErrors", "Icmp6InCsumErrors", "Icmp6InDestUnreachs",
	"Icmp6InPktTooBigs", "Icmp6InTimeExcds", "Icmp6InParmProblems",
};

static uint64_t x_snmp[S_MAX], snmp0[S_MAX], snmp_now[S_MAX];
static uint64_t x_unc;		/* predicted drops no counter sees */
static uint64_t bad_inner;
static uint64_t gen_count;		/* packets generated */
static uint64_t skipped;		/* for an unmanaged tunnel's socket */
static char last_desc[96];	/* delivered frames the model cannot follow */
static uint64_t sent_pkts, sent_frames, sent_bytes;

static void fate(int f)
{
	fates[f]++;
	last_fate = f;
}

static void snmp_x(int s)
{
	x_snmp[s]++;
}

/* ================================================================ model */

/*
 * The receive paths, as the modules under test run them; every function
 * records the predicted counter increments of one packet.
 */

static struct sess *find_v3(uint32_t sid)
{
	int i;

	for (i = 0; i < nsess; i++)
		if (sessions[i].t->ver == 3 && sessions[i].sid == sid)
			return &sessions[i];
	return NULL;
}

static struct sess *find_v2(uint16_t tid, uint16_t sid)
{
	int i;

	for (i = 0; i < nsess; i++)
		if (sessions[i].t->ver == 2 && sessions[i].t->tid == tid &&
		    sessions[i].sid == sid)
			return &sessions[i];
	return NULL;
}

static void to_socket(struct tun *t, bool invalid_too)
{
	t->x_reads++;
	t->dirty = true;
	fate(invalid_too ? F_PASS_INVALID : F_PASS);
}

/* Counted by the session as an error; @f says which counters besides. */
static void sess_drop(struct sess *s, int f)
{
	s->x_cons++;
	s->x_err++;
	if (f == F_SESS_COOKIE)
		s->x_ck++;
	else if (f == F_SESS_SEQ)
		s->x_seq++;
	else if (f == F_SESS_INVALID)
		s->t->x_inv++;
	fate(s->timeout ? F_HELD : f);
}

/*
 * Ethertypes that have a protocol handler in this kernel, from
 * /proc/net/ptype: which ones do depends on the modules loaded, and
 * earlier tests load some (a PPPoX socket of the netlink fuzzer
 * autoloads pppoe, whose handler takes 0x8863 and 0x8864 and frees what
 * it cannot use without touching rx_dropped). A fixed list was wrong by
 * about one frame in 100000, depending on the order the tests ran in.
 */
static uint8_t ptype_handled[65536 / 8];

static void bail(const char *what);

static void read_ptypes(void)
{
	char line[256], tok[16];
	unsigned int type;
	FILE *f;

	f = fopen("/proc/net/ptype", "r");
	if (!f)
		bail("/proc/net/ptype");
	while (fgets(line, sizeof(line), f)) {
		/* "0800 ... ip_rcv"; skip the header and ALL (sniffers) */
		if (sscanf(line, "%15s", tok) != 1 || strlen(tok) != 4 ||
		    strspn(tok, "0123456789abcdefABCDEF") != 4)
			continue;
		type = strtoul(tok, NULL, 16);
		ptype_handled[type / 8] |= 1 << (type % 8);
	}
	fclose(f);
}

/*
 * Does NS1's stack have no handler for this Ethernet frame (so that it
 * counts it in rx_dropped)?  build_payload() makes sure of it for every
 * frame it builds, however a mutated header shifts it; what the model
 * cannot tell (802.3 lengths, which LLC may take) leaves the netdev's
 * rx_dropped uncertain by one.  VLAN tags are the core's, not a ptype.
 */
static bool eth_unhandled(const uint8_t *f)
{
	uint16_t type = get16(f + 12);

	return type >= 0x0600 && !(ptype_handled[type / 8] & (1 << (type % 8))) &&
	       type != 0x0800 && type != 0x0806 && type != 0x86dd &&
	       type != 0x8100 && type != 0x88a8;
}

static void sess_deliver(struct sess *s, const uint8_t *frame, int plen,
			 int l2len)
{
	s->x_cons++;
	if (s->timeout) {
		fate(F_HELD);
		return;
	}
	s->x_rx++;
	s->x_rxb += l2len;
	fate(F_DELIVER);
	if (s->pw != L2TP_PWTYPE_ETH)
		return;
	/* What the Ethernet pseudowire does with the frame. */
	if (plen < ETH_HLEN) {
		if (ours)
			s->x_derr++;	/* rx_length_errors, rx_errors */
		/* upstream frees it uncounted */
		return;
	}
	if (!ours && plen > s->mtu + ETH_HLEN + 4) {
		/* dev_forward_skb(): too big to forward */
		s->x_derr++;
		s->x_ddrop++;
		return;
	}
	s->x_drx++;
	/* up the stack: no protocol handler, rx_dropped */
	if (eth_unhandled(frame)) {
		s->x_ddrop++;
		return;
	}
	s->x_dunsure++;
	bad_inner++;
	if (getenv("FUZZ_DEBUG"))
		fprintf(stderr, "inner frame %04x on %s session %u: packet %llu, %s\n",
			get16(frame + 12), s->t->name, s->sid,
			(unsigned long long)gen_count - 1, last_desc);
}

/* The LAC follows the LNS; false if the packet must be dropped. */
static bool seq_mode(struct sess *s, bool has_seq)
{
	if (has_seq) {
		if (!s->lns && !s->m_send_seq)
			s->m_send_seq = true;
		return true;
	}
	if (s->recv_seq)
		return false;
	if (s->m_send_seq) {
		if (s->lns)
			return false;
		s->m_send_seq = false;
	}
	return true;
}

/*
 * An out-of-sequence packet while not reordering: a run of more than
 * four consecutive numbers makes the session adopt the new numbering.
 * True if the packet is to be taken (the session now skips to it).
 */
static bool oos_resync(struct sess *s, uint32_t ns)
{
	if (ns == ((s->nr_oos + 1) & s->nr_max))
		s->oos_cnt++;
	else
		s->oos_cnt = 0;
	s->nr_oos = ns;
	if (s->oos_cnt > 4)
		s->skip = true;
	return s->skip;
}

/* Sequence checks (no reorder timeout), then delivery. */
static void seq_rx(struct sess *s, bool has_seq, uint32_t ns,
		   const uint8_t *frame, int plen, int l2len)
{
	uint32_t dist;

	if (s->timeout || !has_seq) {
		/* with a timeout: delivered or, held too long, rx_errors */
		sess_deliver(s, frame, plen, l2len);
		return;
	}
	dist = (ns - s->nr) & s->nr_max;
	if (ours) {
		/* l2tp_seq_accept(): no window before a number is adopted */
		if (!s->skip && dist >= s->win)
			return sess_drop(s, F_SESS_ERR);
		if (ns != s->nr && !s->skip && !oos_resync(s, ns))
			return sess_drop(s, F_SESS_SEQ);
	} else {
		/* l2tp_recv_data_seq(): a window around nr from the start */
		if (dist >= s->win)
			return sess_drop(s, F_SESS_ERR);
		if (ns != s->nr && !oos_resync(s, ns))
			return sess_drop(s, F_SESS_SEQ);
	}
	/* dequeued: a skipping session adopts the number */
	s->skip = false;
	s->nr = (ns + 1) & s->nr_max;
	sess_deliver(s, frame, plen, l2len);
}

/* Ours: l2tp_rx_session(), once the session is found. */
static void ours_session(struct sess *s, const uint8_t *p, int len, int off,
			 uint16_t flags)
{
	bool has_seq = false;
	uint32_t ns = 0, w;

	if (s->clen) {
		if (len < off + s->clen) {
			sess_drop(s, F_SESS_INVALID);
			return;
		}
		if (memcmp(p + off, s->cookie, s->clen)) {
			sess_drop(s, F_SESS_COOKIE);
			return;
		}
		off += s->clen;
	}
	if (s->t->ver == 2) {
		if (flags & F_S) {
			if (len < off + 4) {
				sess_drop(s, F_SESS_INVALID);
				return;
			}
			ns = get16(p + off);
			has_seq = true;
			off += 4;
		}
		if (flags & F_O) {
			if (len < off + 2) {
				sess_drop(s, F_SESS_INVALID);
				return;
			}
			off += 2 + get16(p + off);
		}
	} else if (s->l2spec) {
		if (len < off + 4) {
			sess_drop(s, F_SESS_INVALID);
			return;
		}
		w = get32(p + off);
		if (w & SUB_S) {
			ns = w & 0xffffff;
			has_seq = true;
		}
		off += 4;
	}
	if (!seq_mode(s, has_seq)) {
		sess_drop(s, F_SESS_SEQ);
		return;
	}
	if (len < off) {
		sess_drop(s, F_SESS_ERR);
		return;
	}
	seq_rx(s, has_seq, ns, p + off, len - off, len);
}

/* Upstream: l2tp_recv_common(); the header up to the options is there. */
static void stock_session(struct sess *s, const uint8_t *p, int len, int off,
			  uint16_t flags)
{
	bool has_seq = false;
	uint32_t ns = 0, w;

	if (s->clen) {
		if (memcmp(p + off, s->cookie, s->clen)) {
			sess_drop(s, F_SESS_COOKIE);
			return;
		}
		off += s->clen;
	}
	if (s->t->ver == 2) {
		if (flags & F_S) {
			ns = get16(p + off);
			has_seq = true;
			off += 4;
		}
	} else if (s->l2spec) {
		w = get32(p + off);
		if (w & SUB_S) {
			ns = w & 0xffffff;
			has_seq = true;
		}
		off += 4;
	}
	if (!seq_mode(s, has_seq)) {
		sess_drop(s, F_SESS_SEQ);
		return;
	}
	if (s->t->ver == 2 && (flags & F_O))
		off += 2 + get16(p + off);
	if (len < off) {
		sess_drop(s, F_SESS_ERR);
		return;
	}
	seq_rx(s, has_seq, ns, p + off, len - off, len);
}

static int opt_len(const struct sess *s)
{
	return s->clen + (s->l2spec ? 4 : 0);
}

/*
 * Would model_udp() hand this payload to the tunnel's socket, in mode
 * @o (ours) or upstream's?  Nothing is counted.
 */
static bool udp_passes(const struct tun *t, const uint8_t *p, int len, bool o)
{
	struct sess *s;
	uint16_t flags, ver;
	int off;

	if (len < (o ? 2 : 14))
		return true;
	flags = get16(p);
	ver = flags & 0xf;
	if ((flags & F_T) || (o && ver != t->ver))
		return true;
	if (ver == 2) {
		off = 2 + (flags & F_L ? 2 : 0);
		if (len < off + 4)
			return true;
		s = find_v2(get16(p + off), get16(p + off + 2));
		off += 4;
	} else {
		if (len < 8)
			return true;
		s = find_v3(get32(p + 4));
		off = 8;
	}
	if (!s)
		return true;
	return !o && (ver != s->t->ver || (ver == 3 && len < off + opt_len(s)));
}

/* The tunnel whose L2TPIP socket an IP control frame goes to, or NULL. */
static struct tun *ip_ctrl_target(bool v6, const uint8_t *p, int len)
{
	int i;

	if (len < 16 || get32(p) || (p[4] & 0xc0) != 0xc0)
		return NULL;
	for (i = 0; i < NTUN; i++)
		if (tuns[i].encap == ENC_IP && tuns[i].v6 == v6 &&
		    tuns[i].tid == get32(p + 8))
			return &tuns[i];
	return NULL;
}

/* A UDP datagram's payload @p on tunnel @t's socket (checksum good). */
static void model_udp(struct tun *t, const uint8_t *p, int len)
{
	struct sess *s;
	uint16_t flags, ver;
	int off;

	if (ours) {
		/* l2tp_udp_encap_recv(): exactly the header it carries */
		if (len < 2)
			return to_socket(t, false);
		flags = get16(p);
		if (flags & F_T)
			return to_socket(t, false);
		ver = flags & 0xf;
		if (ver != t->ver) {
			t->x_inv++;
			return to_socket(t, true);
		}
		if (ver == 2) {
			off = 2 + (flags & F_L ? 2 : 0);
			if (len < off + 4)
				return to_socket(t, false);
			s = find_v2(get16(p + off), get16(p + off + 2));
			off += 4;
		} else {
			if (len < 8)
				return to_socket(t, false);
			s = find_v3(get32(p + 4));
			off = 8;
		}
		if (!s)
			return to_socket(t, false);
		ours_session(s, p, len, off, flags);
		return;
	}
	/* upstream: 14 bytes or the socket; version checked per session */
	if (len < 14)
		return to_socket(t, false);
	flags = get16(p);
	if (flags & F_T)
		return to_socket(t, false);
	ver = flags & 0xf;
	if (ver == 2) {
		off = 2 + (flags & F_L ? 2 : 0);
		s = find_v2(get16(p + off), get16(p + off + 2));
		off += 4;
	} else {
		s = find_v3(get32(p + 4));
		off = 8;
	}
	if (!s)
		return to_socket(t, false);
	if (ver != s->t->ver || (ver == 3 && len < off + opt_len(s))) {
		s->t->x_inv++;
		return to_socket(t, true);
	}
	stock_session(s, p, len, off, flags);
}

/* An IP protocol 115 payload arriving over IPv4 or IPv6. */
static void model_ip(bool v6, const uint8_t *p, int len)
{
	struct sess *s;
	struct tun *t;

	if (len < 4) {
		x_unc++;
		return fate(F_UNCOUNTED);
	}
	if (!get32(p)) {
		/* control: to the socket bound to the connection id */
		t = ip_ctrl_target(v6, p, len);
		if (!t) {
			x_unc++;
			return fate(F_UNCOUNTED);
		}
		t->x_reads++;
		t->dirty = true;
		return fate(F_CTRL);
	}
	s = find_v3(get32(p));
	if (!s) {
		x_unc++;
		return fate(F_UNCOUNTED);
	}
	if (ours) {
		ours_session(s, p, len, 4, 0);
		return;
	}
	if (len < 4 + opt_len(s)) {
		x_unc++;
		return fate(F_UNCOUNTED);
	}
	stock_session(s, p, len, 4, 0);
}

/* ============================================================ sending */

static uint8_t mac1[ETH_ALEN], mac2[ETH_ALEN];
static int pkfd = -1;

#define BATCH	256
static uint8_t frames[BATCH][ETH_MAX];
static struct mmsghdr mmsg[BATCH];
static struct iovec iovs[BATCH];
static int nframes;

static void drain_dirty(void);

static void flush_frames(void)
{
	int done = 0, n;

	if (dry) {
		nframes = 0;
		return;
	}
	while (done < nframes) {
		n = sendmmsg(pkfd, mmsg + done, nframes - done, 0);
		if (n < 0) {
			if (errno == EINTR || errno == ENOBUFS)
				continue;
			printf("Bail out! sendmmsg: %s\n", strerror(errno));
			exit(1);
		}
		done += n;
	}
	nframes = 0;
	drain_dirty();
}

/* A frame of @len bytes after the Ethernet header; returns where they go. */
static uint8_t *frame(int len, uint16_t etype)
{
	uint8_t *f;

	if (nframes == BATCH)
		flush_frames();
	f = frames[nframes];
	memcpy(f, mac1, ETH_ALEN);
	memcpy(f + ETH_ALEN, mac2, ETH_ALEN);
	put16(f + 12, etype);
	iovs[nframes].iov_base = f;
	iovs[nframes].iov_len = ETH_HLEN + len;
	mmsg[nframes].msg_hdr.msg_iov = &iovs[nframes];
	mmsg[nframes].msg_hdr.msg_iovlen = 1;
	nframes++;
	sent_frames++;
	sent_bytes += ETH_HLEN + len;
	return f + ETH_HLEN;
}

static uint16_t ip_id;
static uint32_t ip6_frag_id;

static void ip4_hdr(uint8_t *h, int ihl, int tot, uint16_t frag, int proto)
{
	memset(h, 0, ihl * 4);
	h[0] = 0x40 | ihl;
	put16(h + 2, tot);
	put16(h + 4, ip_id);
	put16(h + 6, frag);
	h[8] = 64;
	h[9] = proto;
	memcpy(h + 12, ns2_v4, 4);
	memcpy(h + 16, ns1_v4, 4);
	if (ihl > 5)
		memset(h + 20, 1, ihl * 4 - 20);	/* NOP options */
	put16(h + 10, csum_fold(csum_add(0, h, ihl * 4)));
}

static void ip6_hdr(uint8_t *h, int plen, int nh)
{
	memset(h, 0, 40);
	h[0] = 0x60;
	put16(h + 4, plen);
	h[6] = nh;
	h[7] = 64;
	memcpy(h + 8, ns2_v6, 16);
	memcpy(h + 24, ns1_v6, 16);
}

/* A well-formed IP packet carrying @l4, in fragments when it must be. */
static void emit_ip(bool v6, int proto, const uint8_t *l4, int len)
{
	int off, chunk, max;
	uint8_t *f;

	ip_id++;
	if (!v6 && 20 + len <= IP_MAX) {
		f = frame(20 + len, ETH_P_IP);
		ip4_hdr(f, 5, 20 + len, 0, proto);
		memcpy(f + 20, l4, len);
		return;
	}
	if (v6 && 40 + len <= IP_MAX) {
		f = frame(40 + len, ETH_P_IPV6);
		ip6_hdr(f, len, proto);
		memcpy(f + 40, l4, len);
		return;
	}
	ip6_frag_id++;
	max = v6 ? (IP_MAX - 48) & ~7 : (IP_MAX - 20) & ~7;
	for (off = 0; off < len; off += chunk) {
		bool more;

		chunk = len - off > max ? max : len - off;
		more = off + chunk < len;
		if (v6) {
			f = frame(48 + chunk, ETH_P_IPV6);
			ip6_hdr(f, 8 + chunk, 44);
			f[40] = proto;
			f[41] = 0;
			put16(f + 42, off | more);
			put32(f + 44, ip6_frag_id);
			memcpy(f + 48, l4 + off, chunk);
		} else {
			f = frame(20 + chunk, ETH_P_IP);
			ip4_hdr(f, 5, 20 + chunk, (off >> 3) | (more ? 0x2000 : 0),
				proto);
			memcpy(f + 20, l4 + off, chunk);
		}
	}
	snmp_x(v6 ? S_IP6_REASM : S_IP_REASM);
}

/* ======================================================== generation */

static uint8_t pktbuf[HR + PKT_MAX + 64];

/*
 * A test frame: PPP, or Ethernet to nobody with an ethertype no protocol
 * handles.  A mutated header can shift the frame by a multiple of 4
 * bytes (a cookie longer or shorter than the session's, a session id
 * flipped into another session's with other options): every 16-bit word
 * of the frame is 0x7a5a-0x7a5e, 0x88b5 or 0x5a5a, none of which, nor
 * any of their one-bit variants, is an ethertype NS1 handles.
 */
static int build_payload(struct rng *r, bool ppp, uint8_t *p, int room)
{
	static const uint8_t eth[14] = { 0x7a, 0x5a, 0x7a, 0x5b, 0x7a, 0x5c,
					 0x7a, 0x5a, 0x7a, 0x5d, 0x7a, 0x5e,
					 0x88, 0xb5 };
	unsigned int c = rnd(r, 100);
	int len;

	if (c < 60)
		len = 14 + rnd(r, 115);
	else if (c < 75)
		len = rnd(r, 14);
	else if (c < 96)
		len = 129 + rnd(r, 1372);
	else if (c < 99)
		len = 1501 + rnd(r, 7500);
	else
		len = rnd(r, room + 1);
	if (len > room)
		len = room;
	if (ppp) {
		memset(p, 0xa5, len);
		if (len >= 4 && pct(r, 60)) {
			p[0] = 0xff;
			p[1] = 0x03;
			put16(p + 2, 0x0021);
		}
		return len;
	}
	memcpy(p, eth, len < 14 ? len : 14);
	if (len > 14)
		memset(p + 14, 0x5a, len - 14);
	return len;
}

/* A session id nobody has, or one of the edge values. */
static uint32_t odd_sid3(struct rng *r)
{
	static const uint32_t edge[] = { 0, 1, 0xffff, 0x10000, 0x1ffff,
					 0xfffffffe, 0xffffffff };
	uint32_t v;

	if (pct(r, 50))
		return edge[rnd(r, ARRAY_SIZE(edge))];
	do
		v = rnd32(r);
	while (find_v3(v));
	return v;
}

static uint16_t odd_id2(struct rng *r, bool tunnel)
{
	static const uint16_t edge[] = { 0, 1, 7, 0xfffe, 0xffff };

	if (tunnel && pct(r, 40))
		return pct(r, 50) ? 201 : 202;	/* the other L2TPv2 tunnel */
	if (pct(r, 50))
		return edge[rnd(r, ARRAY_SIZE(edge))];
	return rnd(r, 0x10000);
}

/* The Ns the generator sends next for session @s (its own view only). */
static bool gen_seq(struct rng *r, struct sess *s, uint32_t *ns)
{
	uint32_t max = s->nr_max, v;
	unsigned int c;
	bool on;

	if (s->pseq == 50) {
		/* a LAC whose peer starts and stops sequencing in runs */
		if (pct(r, 8))
			s->gen_lac_seq = !s->gen_lac_seq;
		on = s->gen_lac_seq;
	} else {
		on = pct(r, s->pseq);
	}
	if (!on)
		return false;
	c = rnd(r, 100);
	if (s->timeout) {
		/* jitter around the running number: the queue reorders */
		v = s->gen_ns + (c < 70 ? 0 : rnd(r, 6)) - (c >= 95 ? 3 : 0);
		s->gen_ns = (s->gen_ns + 1) & max;
		*ns = v & max;
		return true;
	}
	/*
	 * The running number goes on in order, with gaps, and now and then
	 * a jump half a window ahead (the receiver resynchronises after a
	 * run, and the numbers reach the wrap); late and duplicate numbers,
	 * the window's edges, the wrap and random numbers are one-off probes.
	 */
	if (c < 72) {
		v = s->gen_ns++;
	} else if (c < 78) {
		v = s->gen_ns + 1 + rnd(r, 6);			/* a gap */
		s->gen_ns = v + 1;
	} else if (c < 80) {
		v = s->gen_ns + s->win / 2 + rnd(r, 64);	/* a jump */
		s->gen_ns = v + 1;
	} else if (c < 86) {
		v = s->gen_ns - 1 - rnd(r, 3);			/* late */
	} else if (c < 92) {
		v = s->gen_ns - 2 + s->win + rnd(r, 3);		/* window edge */
	} else if (c < 97) {
		v = pct(r, 50) ? max - rnd(r, 3) : rnd(r, 3);	/* the wrap */
	} else {
		v = rnd32(r);
	}
	s->gen_ns &= max;
	v &= max;
	*ns = v;
	return true;
}

/* What a packet's L2TP header says, before it is written out. */
struct l2hdr {
	int layout;		/* 2 or 3 */
	bool udp;
	uint16_t flags;		/* first 16 bits (v2 and v3 over UDP) */
	uint16_t fields;	/* v2: which of F_L, F_S, F_O are written */
	uint16_t lenval;
	bool len_auto;
	uint16_t tid2, sid2, ns2, nr2, offsize;
	int padlen;
	uint32_t sid3;
	int clen;
	uint8_t cookie[8];
	bool sub;
	uint32_t subword;
};

static int write_l2hdr(const struct l2hdr *h, uint8_t *p, int paylen)
{
	int n = 0, lenpos = -1;

	if (h->layout == 2) {
		put16(p, h->flags);
		n = 2;
		if (h->fields & F_L) {
			lenpos = n;
			put16(p + n, h->lenval);
			n += 2;
		}
		put16(p + n, h->tid2);
		put16(p + n + 2, h->sid2);
		n += 4;
		if (h->fields & F_S) {
			put16(p + n, h->ns2);
			put16(p + n + 2, h->nr2);
			n += 4;
		}
		if (h->fields & F_O) {
			put16(p + n, h->offsize);
			memset(p + n + 2, 0, h->padlen);
			n += 2 + h->padlen;
		}
		if (lenpos >= 0 && h->len_auto)
			put16(p + lenpos, n + paylen);
		return n;
	}
	if (h->udp) {
		put16(p, h->flags);
		put16(p + 2, 0);
		n = 4;
	}
	put32(p + n, h->sid3);
	n += 4;
	memcpy(p + n, h->cookie, h->clen);
	n += h->clen;
	if (h->sub) {
		put32(p + n, h->subword);
		n += 4;
	}
	return n;
}

/*
 * An L2TP data packet at @p for tunnel @t: valid for one of its sessions
 * (or another tunnel's, or none), then perhaps mutated.  Returns its
 * length; @room is what the IP packet leaves.
 */
static int build_data(struct rng *r, struct tun *t, uint8_t *p, int room)
{
	struct l2hdr h = { .udp = t->encap == ENC_UDP };
	struct sess *s = NULL;
	unsigned int c = rnd(r, 100);
	int n, plen, len, i;
	uint32_t ns;

	if (c < 84) {
		s = t->sess[rnd(r, t->nsess)];
	} else if (c < 91) {
		/* another tunnel's session: over IP, only an L2TPv3 one */
		do
			s = &sessions[rnd(r, nsess)];
		while (!h.udp && s->t->ver != 3);
	}
	h.layout = s ? s->t->ver : t->ver;
	if (!h.udp)
		h.layout = 3;

	if (h.layout == 2) {
		h.flags = 2;
		h.tid2 = s ? s->t->tid : odd_id2(r, true);
		h.sid2 = s ? s->sid : odd_id2(r, false);
		if (pct(r, 20)) {
			h.fields |= F_L;
			h.len_auto = true;
		}
		if (s && gen_seq(r, s, &ns)) {
			h.fields |= F_S;
			h.ns2 = ns;
			h.nr2 = rnd(r, 0x10000);
		} else if (!s && pct(r, 30)) {
			h.fields |= F_S;
			h.ns2 = rnd(r, 0x10000);
		}
		if (pct(r, 15)) {
			static const uint16_t sizes[] = { 0, 1, 2, 3, 4, 7, 8,
							  64, 255, 1024 };

			h.fields |= F_O;
			h.offsize = sizes[rnd(r, ARRAY_SIZE(sizes))];
			h.padlen = h.offsize;
			if (pct(r, 20)) {
				/* the size points past the packet */
				h.offsize = pct(r, 50) ? 0xffff : 2000 + rnd(r, 60000);
				h.padlen = rnd(r, 8);
			}
		}
		h.flags |= h.fields;
		if (pct(r, 5))
			h.flags |= F_P;
		if (pct(r, 25)) {
			/* every combination of T, L, S, O, P in turn */
			unsigned int cb = t->v2_combo++ % 32;

			h.fields = (cb & 1 ? F_L : 0) | (cb & 2 ? F_S : 0) |
				   (cb & 4 ? F_O : 0);
			h.flags = 2 | h.fields | (cb & 8 ? F_P : 0) |
				  (cb & 16 ? F_T : 0);
			h.len_auto = true;
			if ((h.fields & F_O) && !h.padlen)
				h.offsize = h.padlen = rnd(r, 9);
		}
	} else {
		h.flags = 3;
		h.sid3 = s ? s->sid : odd_sid3(r);
		if (s) {
			h.clen = s->clen;
			memcpy(h.cookie, s->cookie, s->clen);
			h.sub = s->l2spec;
		} else {
			h.clen = rnd(r, 3) * 4;
			rnd_fill(r, h.cookie, h.clen);
			h.sub = pct(r, 50);
		}
		if (h.sub) {
			if (s && s->t->ver == 3 && gen_seq(r, s, &ns))
				h.subword = SUB_S | ns;
			if (pct(r, 3))
				h.subword |= rnd32(r) & 0xbf000000;
		}
	}

	/* header mutations */
	if (pct(r, 4)) {			/* the version field */
		h.flags = (h.flags & ~0xf) | rnd(r, 16);
	}
	if (pct(r, 5)) {			/* a flag bit, fields unchanged */
		static const uint16_t bits[] = { F_T, F_L, F_S, F_O, F_P,
						 0x2000, 0x1000, 0x0400,
						 0x0080, 0x0010 };

		h.flags ^= bits[rnd(r, ARRAY_SIZE(bits))];
	}
	if ((h.fields & F_L) && pct(r, 25)) {	/* a wrong length */
		h.len_auto = false;
		h.lenval = rnd(r, 0x10000);
	}
	if (h.layout == 3 && pct(r, 5)) {	/* the cookie */
		if (h.clen && pct(r, 60)) {
			h.cookie[rnd(r, h.clen)] ^= 1 << rnd(r, 8);
		} else {
			/* of every other length, 0 to 8 */
			int old = h.clen;

			h.clen = (h.clen + 1 + rnd(r, 8)) % 9;
			if (h.clen > old)
				rnd_fill(r, h.cookie + old, h.clen - old);
		}
	}

	n = write_l2hdr(&h, p, 0);
	if (n > room)
		n = room;
	plen = build_payload(r, h.layout == 2, p + n, room - n);
	len = n + plen;
	if (h.layout == 2 && (h.fields & F_L) && h.len_auto)
		write_l2hdr(&h, p, plen);

	/* truncated at every offset of the header in turn */
	if (pct(r, 6)) {
		len = t->trunc_at % (n + 9);
		t->trunc_at++;
		if (len > n + plen)
			len = n + plen;
	}
	if (pct(r, 3) && len) {			/* a flipped bit */
		i = rnd(r, len < 24 ? len : 24);
		p[i] ^= 1 << rnd(r, 8);
	}
	return len;
}

/* A control message (T bit) for tunnel @t, over UDP or IP. */
static int build_ctrl(struct rng *r, struct tun *t, uint8_t *p)
{
	int n = 0, len, avp;

	if (t->encap == ENC_IP) {
		put32(p, 0);
		n = 4;
	}
	put16(p + n, F_T | F_L | F_S | (t->ver == 2 ? 2 : 3));
	if (t->ver == 2) {
		put16(p + n + 4, pct(r, 80) ? t->tid : rnd(r, 0x10000));
		put16(p + n + 6, 0);
		put16(p + n + 8, rnd(r, 100));
		put16(p + n + 10, rnd(r, 100));
		len = n + 12;
	} else {
		put32(p + n + 4, pct(r, 80) ? t->tid :
			pct(r, 50) ? tuns[rnd(r, NTUN)].tid : rnd32(r));
		put16(p + n + 8, rnd(r, 100));
		put16(p + n + 10, rnd(r, 100));
		len = n + 12;
	}
	if (pct(r, 10))
		p[n] ^= 0x40 << rnd(r, 2);	/* T or L cleared */
	/* a few AVPs' worth of bytes */
	avp = rnd(r, 120);
	rnd_fill(r, p + len, avp);
	len += avp;
	put16(p + n + 2, len - n);
	if (pct(r, 15))
		len = rnd(r, len + 1);
	return len;
}

enum smut {
	SM_NONE, SM_IP_CSUM, SM_IP_VER, SM_IP_IHL, SM_IP_LONG, SM_IP_SHORT,
	SM_IP_TRIM, SM_IP_PAD, SM_IP_OPTS,
	SM_UDP_CSUM, SM_UDP_ZERO, SM_UDP_LONG, SM_UDP_SHORT, SM_UDP_TRIM,
	SM_UDP_ZLEN, SM_UDP_PORT, SM_UDP_CUT,
	SM_MAX
};

/*
 * The UDP header before @len bytes of L2TP at @l4 + 8, from tunnel @t's
 * peer, under mutation @m; returns the length it claims (0: "the whole
 * payload", IPv6 only).  @l4len is what the IP packet carries.
 */
static int udp_wrap(struct tun *t, uint8_t *l4, int len, int m, int *l4len,
		    struct rng *r)
{
	uint16_t sport = t->pport, dport = t->lport, ck, good;
	int ulen = *l4len, k;
	bool v6 = t->v6;

	if (m == SM_UDP_LONG)
		ulen = *l4len + 1 + rnd(r, 100);
	else if (m == SM_UDP_SHORT)
		ulen = v6 ? 1 + rnd(r, 7) : rnd(r, 8);	/* v6: 0 is "all" */
	else if (m == SM_UDP_TRIM)
		ulen = 8 + rnd(r, len > 0 ? len : 1);
	else if (m == SM_UDP_ZLEN)
		ulen = 0;
	if (m == SM_UDP_PORT) {
		if (pct(r, 50))
			dport = 9000 + rnd(r, 1000);
		else
			sport = 9000 + rnd(r, 1000);
	}
	put16(l4, sport);
	put16(l4 + 2, dport);
	put16(l4 + 4, ulen);
	put16(l4 + 6, 0);
	/* the checksum covers what the receiver keeps of the datagram */
	k = ulen && ulen < *l4len ? ulen : *l4len;
	ck = csum_fold(csum_add(pseudo(v6, IPPROTO_UDP, k), l4, k)) ?: 0xffff;
	if (m == SM_UDP_CSUM) {
		/* one bit off; never 0, which means "none" */
		good = ck;
		ck ^= 1 << rnd(r, 16);
		if (!ck)
			ck = good ^ 0x0101;
	}
	if (m == SM_UDP_ZERO || (!v6 && m == SM_NONE && pct(r, 10)))
		ck = 0;
	put16(l4 + 6, ck);
	if (m == SM_UDP_CUT)
		*l4len = rnd(r, 8);
	return ulen;
}

/*
 * One unfragmented IP packet carrying @body bytes of @l4 with a broken
 * header (mutation @m of the IP layer).  Returns its total length as
 * the header says; @hl is the header's length.
 */
static int emit_broken_ip(bool v6, int proto, const uint8_t *l4, int body,
			  int m, int *hl, struct rng *r)
{
	int ihl = m == SM_IP_OPTS ? 6 + rnd(r, 10) :
		  m == SM_IP_IHL ? rnd(r, 5) : 5;
	int pad = m == SM_IP_PAD ? 1 + rnd(r, 40) : 0, real, tot;
	uint8_t *f;

	if (m == SM_IP_OPTS && ihl * 4 + body > IP_MAX)
		ihl = 5;
	real = v6 ? 40 : ihl < 5 ? 20 : ihl * 4;
	*hl = real;
	if (real + body + pad > IP_MAX)
		pad = 0;
	tot = real + body;
	if (m == SM_IP_LONG)
		tot += 1 + rnd(r, 200);
	else if (m == SM_IP_SHORT)
		tot = v6 ? 40 : rnd(r, 20);
	else if (m == SM_IP_TRIM)
		tot = real + rnd(r, body > 0 ? body : 1);
	ip_id++;
	f = frame(real + body + pad, v6 ? ETH_P_IPV6 : ETH_P_IP);
	if (v6) {
		ip6_hdr(f, tot - 40, proto);
		if (m == SM_IP_VER)
			f[0] = 0x70;
	} else {
		ip4_hdr(f, ihl < 5 ? 5 : ihl, tot, 0, proto);
		if (ihl < 5 || m == SM_IP_VER) {
			f[0] = m == SM_IP_VER ? 0x55 : 0x40 | ihl;
			put16(f + 10, 0);
			put16(f + 10, csum_fold(csum_add(0, f, real)));
		}
		if (m == SM_IP_CSUM)
			f[10] ^= 1 << rnd(r, 8);
	}
	memcpy(f + real, l4, body);
	memset(f + real + body, 0xee, pad);
	return tot;
}

/*
 * What NS1's IP layer makes of a packet under mutation @m: false if it
 * drops it (counted), else the transport payload's length in @l4len.
 */
static bool ip_layer(bool v6, int m, int tot, int hl, int *l4len)
{
	switch (m) {
	case SM_IP_CSUM:
		snmp_x(S_IP_CSUM);
		/* fall through */
	case SM_IP_VER:
	case SM_IP_IHL:
		snmp_x(v6 ? S_IP6_HDR : S_IP_HDR);
		fate(F_IP_HDR);
		return false;
	case SM_IP_LONG:
		snmp_x(v6 ? S_IP6_TRUNC : S_IP_TRUNC);
		fate(F_IP_TRUNC);
		return false;
	case SM_IP_SHORT:
		if (!v6) {
			snmp_x(S_IP_HDR);
			fate(F_IP_HDR);
			return false;
		}
		*l4len = 0;	/* IPv6: an empty payload */
		return true;
	case SM_IP_TRIM:
		*l4len = tot - hl;
		return true;
	}
	return true;
}

/*
 * What NS1's UDP layer makes of the datagram @l4 (@l4len bytes, claiming
 * @ulen) for tunnel @t: false if it drops it (counted), else the length
 * of the payload it hands to the tunnel socket's encap_rcv in @plen.
 */
static bool udp_layer(struct tun *t, int m, const uint8_t *l4, int l4len,
		      int ulen, int *plen)
{
	bool v6 = t->v6;

	if (!ulen && v6)
		ulen = l4len;			/* a jumbogram's */
	if (l4len < 8 || ulen < 8 || ulen > l4len) {
		snmp_x(v6 ? S_UDP6_ERR : S_UDP_ERR);
		fate(F_UDP_ERR);
		return false;
	}
	if (m == SM_UDP_CSUM || (v6 && !get16(l4 + 6) && !t->zcsum)) {
		snmp_x(v6 ? S_UDP6_ERR : S_UDP_ERR);
		snmp_x(v6 ? S_UDP6_CSUM : S_UDP_CSUM);
		fate(F_UDP_CSUM);
		return false;
	}
	if (m == SM_UDP_PORT) {
		snmp_x(v6 ? S_UDP6_NOPORT : S_UDP_NOPORT);
		fate(F_UDP_NOPORT);
		return false;
	}
	*plen = ulen - 8;
	return true;
}

/*
 * Send @l2 (@len bytes of L2TP) to tunnel @t the way its peer would,
 * through mutation @m of the IP or UDP header, and model its fate.
 * False if the packet would land on an unmanaged tunnel's socket, which
 * nobody reads (in either mode): the caller takes its frames back.
 */
static bool send_l2tp(struct tun *t, uint8_t *l2, int len, int m,
		      struct rng *r)
{
	bool udp = t->encap == ENC_UDP, v6 = t->v6;
	int proto = udp ? IPPROTO_UDP : IPPROTO_L2TP;
	int l4len = len + (udp ? 8 : 0), ulen = 0, hl = 0, tot = 0, plen;
	uint8_t *l4 = l2 - (udp ? 8 : 0);
	struct tun *ctl;

	/* fragmented packets keep their headers; mutations per family */
	if (l4len + (v6 ? 40 : 20) > IP_MAX)
		m = SM_NONE;
	if (!v6 && m == SM_UDP_ZLEN)
		m = SM_UDP_SHORT;
	if (v6 && (m == SM_IP_CSUM || m == SM_IP_IHL || m == SM_IP_OPTS))
		m = SM_IP_VER;
	if (!udp && m >= SM_UDP_CSUM)
		m = SM_IP_TRIM;

	if (udp)
		ulen = udp_wrap(t, l4, len, m, &l4len, r);
	if (m == SM_NONE || m >= SM_UDP_CSUM)
		emit_ip(v6, proto, l4, l4len);
	else
		tot = emit_broken_ip(v6, proto, l4, l4len, m, &hl, r);

	if (!ip_layer(v6, m, tot, hl, &l4len))
		return true;
	if (!udp) {
		ctl = ip_ctrl_target(v6, l2, l4len);
		if (ctl && ctl->kernel)
			return false;
		model_ip(v6, l2, l4len);
		return true;
	}
	if (!udp_layer(t, m, l4, l4len, ulen, &plen))
		return true;
	if (t->kernel && (udp_passes(t, l2, plen, true) ||
			  udp_passes(t, l2, plen, false)))
		return false;
	model_udp(t, l2, plen);
	return true;
}

/*
 * An ICMP or ICMPv6 error about a packet tunnel @t sent to its peer,
 * from the peer's address.
 */
static void gen_icmp(struct rng *r, struct tun *t)
{
	static const uint16_t mtus[] = { 0, 68, 552, 576, 1280, 1400, 1500,
					 9000, 65535 };
	bool v6 = t->v6, udp = t->encap == ENC_UDP, bad_csum = pct(r, 8);
	bool wrong_port = udp && pct(r, 10);
	uint8_t *m = pktbuf + HR, *q = m + 8;
	int qlen, ihl = 20, type, code, len, need;
	uint32_t sum;

	/* the quoted packet: NS1 -> NS2 */
	if (v6) {
		memset(q, 0, 40);
		q[0] = 0x60;
		put16(q + 4, 100);
		q[6] = udp ? IPPROTO_UDP : IPPROTO_L2TP;
		q[7] = 64;
		memcpy(q + 8, ns1_v6, 16);
		memcpy(q + 24, ns2_v6, 16);
		ihl = 40;
	} else {
		memset(q, 0, 20);
		q[0] = 0x45;
		put16(q + 2, 100);
		q[8] = 64;
		q[9] = udp ? IPPROTO_UDP : IPPROTO_L2TP;
		memcpy(q + 12, ns1_v4, 4);
		memcpy(q + 16, ns2_v4, 4);
	}
	qlen = ihl + 8 + rnd(r, 40);
	rnd_fill(r, q + ihl, qlen - ihl);
	if (udp) {
		put16(q + ihl, t->lport);
		put16(q + ihl + 2, t->pport);
		if (wrong_port)
			put16(q + ihl + (pct(r, 50) ? 0 : 2), 9000 + rnd(r, 1000));
		put16(q + ihl + 4, 80);
	}
	if (pct(r, 8))
		qlen = rnd(r, ihl + 8);		/* a truncated quote */
	if (!v6 && pct(r, 3)) {
		q[0] = 0x40 | rnd(r, 5);		/* a mangled quote */
		if (qlen < 20)
			qlen = 20;
	}

	if (v6) {
		static const uint8_t types[] = { 1, 1, 2, 2, 3, 4 };

		type = types[rnd(r, sizeof(types))];
		code = rnd(r, type == 1 ? 8 : type == 3 ? 2 : type == 4 ? 3 : 1);
	} else {
		static const uint8_t types[] = { 3, 3, 3, 3, 11, 12 };

		type = types[rnd(r, sizeof(types))];
		code = type == 3 ? (pct(r, 40) ? 4 : rnd(r, 20)) :
		       type == 11 ? rnd(r, 2) : 0;
	}
	m[0] = type;
	m[1] = code;
	put16(m + 2, 0);
	put32(m + 4, 0);
	if ((!v6 && type == 3 && code == 4) || (v6 && type == 2))
		put32(m + 4, mtus[rnd(r, ARRAY_SIZE(mtus))]);
	else if (type == 12 || (v6 && type == 4))
		put32(m + 4, rnd(r, 40) << (v6 ? 0 : 24));
	len = 8 + qlen;
	sum = csum_add(v6 ? pseudo(true, IPPROTO_ICMPV6, len) : 0, m, len);
	put16(m + 2, csum_fold(sum));
	if (bad_csum)
		m[2] ^= 1 << rnd(r, 8);
	emit_ip(v6, v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP, m, len);

	if (bad_csum && get16(m + 2) != csum_fold(sum)) {
		snmp_x(v6 ? S_ICMP6_ERR : S_ICMP_ERR);
		snmp_x(v6 ? S_ICMP6_CSUM : S_ICMP_CSUM);
		return fate(F_ICMP_CSUM);
	}
	if (v6) {
		snmp_x(S_ICMP6_T1 + type - 1);
		need = 40 + 8;
		if (qlen < need)
			goto inerr;
	} else {
		snmp_x(type == 3 ? S_ICMP_T3 : type == 11 ? S_ICMP_T11 :
		       S_ICMP_T12);
		if (qlen < 20 || (q[0] & 0xf) < 5)
			goto inerr;
		if ((type == 3 && code > 15) || (type == 11 && code == 1))
			goto ignored;
		if (qlen < (q[0] & 0xf) * 4 + 8)
			goto inerr;
	}
	if (!udp)
		goto ignored;	/* upstream has no handler; ours no counter */
	if (wrong_port)
		goto inerr;
	if (t->kernel)
		goto ignored;	/* no IP_RECVERR on the kernel's socket */
	t->x_errq++;
	t->dirty = true;
	return fate(F_ICMP_ERRQ);
ignored:
	x_unc++;
	return fate(F_ICMP_IGNORED);
inerr:
	snmp_x(v6 ? S_ICMP6_ERR : S_ICMP_ERR);
	fate(F_ICMP_ERR);
}

static const char *const smut_name[SM_MAX] = {
	"", ", IP checksum", ", IP version", ", IP header length",
	", IP length too long", ", IP length too short", ", IP length trimmed",
	", IP padded", ", IP options", ", UDP checksum", ", UDP checksum 0",
	", UDP length too long", ", UDP length under 8", ", UDP length trimmed",
	", UDP length 0", ", UDP port", ", UDP header cut",
};

/* Packet @idx: everything about it follows from the seed and @idx. */
static void gen_packet(uint64_t idx)
{
	struct rng r = { seed ^ (idx * 0xd1342543de82ef95ULL) };
	uint64_t frames0, bytes0, reasm0, reasm6;
	uint32_t frag0;
	uint16_t id0;
	unsigned int c;
	struct tun *t;
	uint8_t *l2 = pktbuf + HR;
	int room, len, m = SM_NONE, n0;

	rng_next(&r);
	c = rnd(&r, 1000);
	t = &tuns[rnd(&r, NTUN)];
	gen_count++;
	/* room for a 64k packet's fragments, so that they can be taken back */
	if (nframes > BATCH - 50)
		flush_frames();
	if (c < 30) {
		snprintf(last_desc, sizeof(last_desc), "%s, ICMP", t->name);
		sent_pkts++;
		gen_icmp(&r, t);
		return;
	}
	room = 65535 - (t->v6 ? 0 : 20) - (t->encap == ENC_UDP ? 8 : 0);
	/* nobody reads an unmanaged tunnel's socket: no control messages */
	if (c < 60 && !t->kernel)
		len = build_ctrl(&r, t, l2);
	else
		len = build_data(&r, t, l2, room);
	if (c >= 920)
		m = 1 + rnd(&r, SM_MAX - 1);
	snprintf(last_desc, sizeof(last_desc), "%s, %s, %d bytes of L2TP%s",
		 t->name, c < 60 && !t->kernel ? "control" : "data", len,
		 smut_name[m]);
	n0 = nframes;
	frames0 = sent_frames;
	bytes0 = sent_bytes;
	id0 = ip_id;
	frag0 = ip6_frag_id;
	reasm0 = x_snmp[S_IP_REASM];
	reasm6 = x_snmp[S_IP6_REASM];
	if (send_l2tp(t, l2, len, m, &r)) {
		sent_pkts++;
		return;
	}
	nframes = n0;
	sent_frames = frames0;
	sent_bytes = bytes0;
	ip_id = id0;
	ip6_frag_id = frag0;
	x_snmp[S_IP_REASM] = reasm0;
	x_snmp[S_IP6_REASM] = reasm6;
	skipped++;
	last_fate = F_MAX;
}

/* ============================================================ the kernel */

static char ns_name[128], peer_name[128];
static char dev_name[IFNAMSIZ] = "veth1", peer_dev[IFNAMSIZ] = "veth2";
static int ns_fd = -1, peer_fd = -1;

static void bail(const char *what)
{
	printf("Bail out! %s: %s\n", what, strerror(errno));
	exit(1);
}

static int open_ns(const char *name)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		bail(path);
	return fd;
}

static void enter(int fd)
{
	if (setns(fd, CLONE_NEWNET))
		bail("setns");
}

static int get_ifindex(const char *dev)
{
	struct ifreq ifr = { 0 };
	int s = socket(AF_INET, SOCK_DGRAM, 0), idx = 0;

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
	if (s >= 0 && !ioctl(s, SIOCGIFINDEX, &ifr))
		idx = ifr.ifr_ifindex;
	if (s >= 0)
		close(s);
	return idx;
}

static bool get_mac(const char *dev, uint8_t *mac)
{
	struct ifreq ifr = { 0 };
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	bool ok;

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
	ok = s >= 0 && !ioctl(s, SIOCGIFHWADDR, &ifr);
	if (ok)
		memcpy(mac, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
	if (s >= 0)
		close(s);
	return ok;
}

static struct l2tp_nl nl;

/* Netlink helpers: the "l2tp" family, in NS1. */
static int nl_tunnel_create(struct tun *t)
{
	struct nlmsghdr *nlh = l2tp_nl_req(&nl, L2TP_CMD_TUNNEL_CREATE);

	mnl_attr_put_u32(nlh, L2TP_ATTR_CONN_ID, t->tid);
	mnl_attr_put_u32(nlh, L2TP_ATTR_PEER_CONN_ID, t->ptid);
	mnl_attr_put_u8(nlh, L2TP_ATTR_PROTO_VERSION, t->ver);
	mnl_attr_put_u16(nlh, L2TP_ATTR_ENCAP_TYPE, t->encap == ENC_UDP ?
			 L2TP_ENCAPTYPE_UDP : L2TP_ENCAPTYPE_IP);
	if (!t->kernel) {
		mnl_attr_put_u32(nlh, L2TP_ATTR_FD, t->fd);
		return l2tp_nl_txn(&nl, nlh);
	}
	/* unmanaged: the kernel makes the socket, as `ip l2tp` asks it to */
	if (t->v6) {
		mnl_attr_put(nlh, L2TP_ATTR_IP6_SADDR, 16, ns1_v6);
		mnl_attr_put(nlh, L2TP_ATTR_IP6_DADDR, 16, ns2_v6);
	} else {
		mnl_attr_put(nlh, L2TP_ATTR_IP_SADDR, 4, ns1_v4);
		mnl_attr_put(nlh, L2TP_ATTR_IP_DADDR, 4, ns2_v4);
	}
	if (t->encap == ENC_UDP) {
		mnl_attr_put_u16(nlh, L2TP_ATTR_UDP_SPORT, t->lport);
		mnl_attr_put_u16(nlh, L2TP_ATTR_UDP_DPORT, t->pport);
	}
	return l2tp_nl_txn(&nl, nlh);
}

static int nl_session(struct sess *s, bool create)
{
	struct nlmsghdr *nlh = l2tp_nl_req(&nl, create ?
					   L2TP_CMD_SESSION_CREATE :
					   L2TP_CMD_SESSION_MODIFY);

	mnl_attr_put_u32(nlh, L2TP_ATTR_CONN_ID, s->t->tid);
	mnl_attr_put_u32(nlh, L2TP_ATTR_SESSION_ID, s->sid);
	if (create) {
		uint8_t mine[8];
		int i;

		mnl_attr_put_u32(nlh, L2TP_ATTR_PEER_SESSION_ID, s->psid);
		mnl_attr_put_u16(nlh, L2TP_ATTR_PW_TYPE, s->pw);
		if (s->t->ver == 3) {
			mnl_attr_put_u8(nlh, L2TP_ATTR_L2SPEC_TYPE, s->l2spec ?
					L2TP_L2SPECTYPE_DEFAULT :
					L2TP_L2SPECTYPE_NONE);
			for (i = 0; i < 8; i++)
				mine[i] = ~s->cookie[i];
			if (s->clen) {
				mnl_attr_put(nlh, L2TP_ATTR_COOKIE, s->clen, mine);
				mnl_attr_put(nlh, L2TP_ATTR_PEER_COOKIE, s->clen,
					     s->cookie);
			}
		}
		if (s->ifname[0])
			mnl_attr_put_strz(nlh, L2TP_ATTR_IFNAME, s->ifname);
	}
	mnl_attr_put_u8(nlh, L2TP_ATTR_RECV_SEQ, s->recv_seq);
	mnl_attr_put_u8(nlh, L2TP_ATTR_SEND_SEQ, s->send_seq);
	mnl_attr_put_u8(nlh, L2TP_ATTR_LNS_MODE, s->lns);
	if (s->timeout)
		mnl_attr_put_u64(nlh, L2TP_ATTR_RECV_TIMEOUT, s->timeout);
	return l2tp_nl_txn(&nl, nlh);
}

static int nl_tunnel_delete(struct tun *t)
{
	struct nlmsghdr *nlh = l2tp_nl_req(&nl, L2TP_CMD_TUNNEL_DELETE);

	mnl_attr_put_u32(nlh, L2TP_ATTR_CONN_ID, t->tid);
	return l2tp_nl_txn(&nl, nlh);
}

static void big_rcvbuf(int fd)
{
	int v = 32 << 20;

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &v, sizeof(v)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v));
}

/* The tunnel's socket, bound to NS1's address and connected to NS2's. */
static int tunnel_socket(struct tun *t)
{
	int fam = t->v6 ? AF_INET6 : AF_INET, one = 1, fd, rc;
	struct sockaddr_in6 l6 = { .sin6_family = AF_INET6 }, r6 = l6;
	struct sockaddr_in l4 = { .sin_family = AF_INET }, r4 = l4;
	struct sockaddr_l2tpip6 a6 = { .l2tp_family = AF_INET6 };
	struct sockaddr_l2tpip a4 = { .l2tp_family = AF_INET };

	if (t->encap == ENC_IP) {
		fd = socket(fam, SOCK_DGRAM, IPPROTO_L2TP);
		if (fd < 0)
			return -1;
		if (t->v6) {
			memcpy(&a6.l2tp_addr, ns1_v6, 16);
			a6.l2tp_conn_id = t->tid;
			rc = bind(fd, (void *)&a6, sizeof(a6));
			memcpy(&a6.l2tp_addr, ns2_v6, 16);
			a6.l2tp_conn_id = t->ptid;
			rc = rc ?: connect(fd, (void *)&a6, sizeof(a6));
		} else {
			memcpy(&a4.l2tp_addr, ns1_v4, 4);
			a4.l2tp_conn_id = t->tid;
			rc = bind(fd, (void *)&a4, sizeof(a4));
			memcpy(&a4.l2tp_addr, ns2_v4, 4);
			a4.l2tp_conn_id = t->ptid;
			rc = rc ?: connect(fd, (void *)&a4, sizeof(a4));
		}
	} else {
		fd = socket(fam, SOCK_DGRAM, IPPROTO_UDP);
		if (fd < 0)
			return -1;
		if (t->v6) {
			memcpy(&l6.sin6_addr, ns1_v6, 16);
			l6.sin6_port = htons(t->lport);
			memcpy(&r6.sin6_addr, ns2_v6, 16);
			r6.sin6_port = htons(t->pport);
			setsockopt(fd, SOL_IPV6, IPV6_RECVERR, &one, sizeof(one));
			if (t->zcsum)
				setsockopt(fd, SOL_UDP, UDP_NO_CHECK6_RX, &one,
					   sizeof(one));
			rc = bind(fd, (void *)&l6, sizeof(l6));
			rc = rc ?: connect(fd, (void *)&r6, sizeof(r6));
		} else {
			memcpy(&l4.sin_addr, ns1_v4, 4);
			l4.sin_port = htons(t->lport);
			memcpy(&r4.sin_addr, ns2_v4, 4);
			r4.sin_port = htons(t->pport);
			setsockopt(fd, SOL_IP, IP_RECVERR, &one, sizeof(one));
			rc = bind(fd, (void *)&l4, sizeof(l4));
			rc = rc ?: connect(fd, (void *)&r4, sizeof(r4));
		}
	}
	if (rc) {
		close(fd);
		return -1;
	}
	big_rcvbuf(fd);
	return fd;
}

/* A PPPoL2TP socket on session @s of a v2 tunnel, over its socket. */
static int pppox_connect(struct sess *s)
{
	struct sockaddr_pppol2tpin6 a6 = { .sa_family = AF_PPPOX,
					   .sa_protocol = PX_PROTO_OL2TP };
	struct sockaddr_pppol2tp a4 = { .sa_family = AF_PPPOX,
					.sa_protocol = PX_PROTO_OL2TP };
	int fd = socket(AF_PPPOX, SOCK_DGRAM, PX_PROTO_OL2TP), rc;

	if (fd < 0)
		return -1;
	if (s->t->v6) {
		a6.pppol2tp.fd = s->t->fd;
		a6.pppol2tp.addr.sin6_family = AF_INET6;
		memcpy(&a6.pppol2tp.addr.sin6_addr, ns2_v6, 16);
		a6.pppol2tp.addr.sin6_port = htons(s->t->pport);
		a6.pppol2tp.s_tunnel = s->t->tid;
		a6.pppol2tp.s_session = s->sid;
		a6.pppol2tp.d_tunnel = s->t->ptid;
		a6.pppol2tp.d_session = s->psid;
		rc = connect(fd, (void *)&a6, sizeof(a6));
	} else {
		a4.pppol2tp.fd = s->t->fd;
		a4.pppol2tp.addr.sin_family = AF_INET;
		memcpy(&a4.pppol2tp.addr.sin_addr, ns2_v4, 4);
		a4.pppol2tp.addr.sin_port = htons(s->t->pport);
		a4.pppol2tp.s_tunnel = s->t->tid;
		a4.pppol2tp.s_session = s->sid;
		a4.pppol2tp.d_tunnel = s->t->ptid;
		a4.pppol2tp.d_session = s->psid;
		rc = connect(fd, (void *)&a4, sizeof(a4));
	}
	if (rc) {
		close(fd);
		return -1;
	}
	big_rcvbuf(fd);
	return fd;
}

static bool link_up(const char *dev, int *mtu)
{
	struct ifreq ifr = { 0 };
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	bool ok;

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
	ok = s >= 0 && !ioctl(s, SIOCGIFFLAGS, &ifr);
	if (ok) {
		ifr.ifr_flags |= IFF_UP;
		ok = !ioctl(s, SIOCSIFFLAGS, &ifr) &&
		     !ioctl(s, SIOCGIFMTU, &ifr);
		*mtu = ifr.ifr_mtu;
	}
	if (s >= 0)
		close(s);
	return ok;
}

/* The objects, described; with @kernel, made in NS1. */
static bool setup_objects(bool kernel)
{
	int ti, k, n, i;

	nsess = 0;
	for (ti = 0; ti < NTUN; ti++) {
		struct tun *t = &tuns[ti];
		const struct stmpl *tm = t->ver == 3 ? v3_tmpl : v2_tmpl;

		n = t->ver == 3 ? ARRAY_SIZE(v3_tmpl) : ARRAY_SIZE(v2_tmpl);
		t->fd = -1;
		if (kernel) {
			t->fd = t->kernel ? 0 : tunnel_socket(t);
			if (t->kernel)
				t->fd = -1;
			else if (t->fd < 0) {
				ktap_diag("%s: socket: %s", t->name, strerror(errno));
				return false;
			}
			errno = nl_tunnel_create(t);
			if (errno) {
				ktap_diag("%s: TUNNEL_CREATE: %s", t->name,
					  strerror(errno));
				return false;
			}
		}
		for (k = 0; k < n; k++) {
			struct sess *s = &sessions[nsess];

			if (!(t->mask & 1 << k))
				continue;
			if (t->ver == 2 && no_ppp)
				break;
			memset(s, 0, sizeof(*s));
			s->t = t;
			s->k = k;
			s->clen = tm[k].clen;
			s->l2spec = tm[k].l2spec;
			s->recv_seq = tm[k].recv_seq;
			s->send_seq = tm[k].send_seq;
			s->lns = tm[k].lns;
			s->pppox = tm[k].pppox;
			s->timeout = tm[k].timeout;
			s->pseq = tm[k].pseq;
			s->pxfd = -1;
			s->mtu = 1446;
			if (t->ver == 3) {
				s->sid = 0x10000 + ti * 16 + k;
				s->pw = L2TP_PWTYPE_ETH;
				snprintf(s->ifname, sizeof(s->ifname), "fz%d%d",
					 ti, k);
				s->nr_max = 0xffffff;
			} else {
				s->sid = k + 1;
				s->pw = L2TP_PWTYPE_PPP;
				s->nr_max = 0xffff;
			}
			s->psid = s->sid + 0x1000;
			for (i = 0; i < 8; i++)
				s->cookie[i] = s->sid * 37 + i * 11 + 0x5a;
			s->win = s->nr_max / 2;
			s->skip = true;
			s->m_send_seq = s->send_seq;
			s->gen_ns = tm[k].wrap_start ? s->nr_max - 40 : 0;
			t->sess[t->nsess++] = s;
			nsess++;
			if (!kernel)
				continue;
			if (s->pppox) {
				s->pxfd = pppox_connect(s);
				if (s->pxfd < 0) {
					ktap_diag("%s session %u: PPPoL2TP connect: %s",
						  t->name, s->sid, strerror(errno));
					return false;
				}
				errno = nl_session(s, false);
			} else {
				errno = nl_session(s, true);
			}
			if (errno) {
				ktap_diag("%s session %u: %s: %s", t->name, s->sid,
					  s->pppox ? "SESSION_MODIFY" :
					  "SESSION_CREATE", strerror(errno));
				return false;
			}
			if (s->ifname[0] && !link_up(s->ifname, &s->mtu)) {
				ktap_diag("%s: up: %s", s->ifname, strerror(errno));
				return false;
			}
		}
	}
	return true;
}

/* --------------------------------------------------------- draining */

static void drain_fd(int fd, bool errq, uint64_t *got, uint64_t *errs)
{
	struct mmsghdr mm[32];
	struct iovec iv[32];
	static uint8_t buf[32][64];
	int i, n, quiet = 0;

	for (i = 0; i < 32; i++) {
		iv[i].iov_base = buf[i];
		iv[i].iov_len = sizeof(buf[i]);
		memset(&mm[i], 0, sizeof(mm[i]));
		mm[i].msg_hdr.msg_iov = &iv[i];
		mm[i].msg_hdr.msg_iovlen = 1;
	}
	for (;;) {
		if (errq) {
			n = recvmsg(fd, &mm[0].msg_hdr,
				    MSG_ERRQUEUE | MSG_DONTWAIT) < 0 ? -1 : 1;
		} else {
			n = recvmmsg(fd, mm, 32, MSG_DONTWAIT, NULL);
		}
		if (n > 0) {
			*got += n;
			quiet = 0;
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		/* a pending socket error (an ICMP report): read again */
		if (errs)
			(*errs)++;
		if (++quiet > 100)
			return;
	}
}

static void drain_tun(struct tun *t)
{
	if (t->fd < 0)
		return;
	drain_fd(t->fd, false, &t->got_reads, &t->got_err);
	if (t->encap == ENC_UDP)
		drain_fd(t->fd, true, &t->got_errq, NULL);
	t->dirty = false;
}

static void drain_px(struct sess *s)
{
	if (s->pxfd >= 0)
		drain_fd(s->pxfd, false, &s->got_px, NULL);
}

static void drain_dirty(void)
{
	int i;

	for (i = 0; i < NTUN; i++)
		if (tuns[i].dirty)
			drain_tun(&tuns[i]);
	for (i = 0; i < nsess; i++)
		drain_px(&sessions[i]);
}

static void drain_all(void)
{
	int i;

	for (i = 0; i < NTUN; i++)
		drain_tun(&tuns[i]);
	for (i = 0; i < nsess; i++)
		drain_px(&sessions[i]);
}

/* ---------------------------------------------------------- counters */

static int stats_attr_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(a);

	if (type < __L2TP_ATTR_MAX)
		tb[type] = a;
	return MNL_CB_OK;
}

static void parse_stats(const struct nlattr *nest, struct l2stats *st)
{
	const struct nlattr *tb[__L2TP_ATTR_MAX] = { 0 };
	int i;

	memset(st, 0, sizeof(*st));
	if (!nest)
		return;
	mnl_attr_parse_nested(nest, stats_attr_cb, tb);
	for (i = 1; i < __L2TP_ATTR_STATS_MAX; i++)
		if (tb[i] && mnl_attr_get_payload_len(tb[i]) == 8)
			st->v[i] = mnl_attr_get_u64(tb[i]);
}

static int objects_seen;

static int dump_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[__L2TP_ATTR_MAX] = { 0 };
	bool sessions_dump = data != NULL;
	uint32_t tid, sid;
	int i;

	mnl_attr_parse(nlh, sizeof(struct genlmsghdr), stats_attr_cb, tb);
	if (!tb[L2TP_ATTR_CONN_ID])
		return MNL_CB_OK;
	objects_seen++;
	tid = mnl_attr_get_u32(tb[L2TP_ATTR_CONN_ID]);
	if (!sessions_dump) {
		for (i = 0; i < NTUN; i++) {
			if (tuns[i].tid == tid) {
				parse_stats(tb[L2TP_ATTR_STATS], &tuns[i].st);
				tuns[i].have = true;
			}
		}
		return MNL_CB_OK;
	}
	if (!tb[L2TP_ATTR_SESSION_ID])
		return MNL_CB_OK;
	sid = mnl_attr_get_u32(tb[L2TP_ATTR_SESSION_ID]);
	for (i = 0; i < nsess; i++) {
		if (sessions[i].t->tid == tid && sessions[i].sid == sid) {
			parse_stats(tb[L2TP_ATTR_STATS], &sessions[i].st);
			sessions[i].have = true;
		}
	}
	return MNL_CB_OK;
}

/* Dump tunnels or sessions; returns how many objects, or -1. */
static int nl_dump(uint8_t cmd)
{
	struct nlmsghdr *nlh = l2tp_nl_req(&nl, cmd);
	uint32_t seq = nlh->nlmsg_seq;
	unsigned int portid = mnl_socket_get_portid(nl.sk);
	int n, rc;

	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	objects_seen = 0;
	if (mnl_socket_sendto(nl.sk, nlh, nlh->nlmsg_len) < 0)
		return -1;
	do {
		n = mnl_socket_recvfrom(nl.sk, nl.rx, sizeof(nl.rx));
		if (n < 0)
			return -1;
		rc = mnl_cb_run(nl.rx, n, seq, portid, dump_cb,
				cmd == L2TP_CMD_SESSION_GET ? (void *)1 : NULL);
	} while (rc > MNL_CB_STOP);
	return rc < 0 ? -1 : objects_seen;
}

static char fbuf[1 << 16];

static int read_file(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), n, got = 0;

	if (fd < 0)
		return 0;
	while ((n = read(fd, fbuf + got, sizeof(fbuf) - 1 - got)) > 0)
		got += n;
	close(fd);
	fbuf[got] = 0;
	return got;
}

/* "Prefix: names" / "Prefix: values" line pairs (snmp, netstat). */
static void parse_pairs(uint64_t *v)
{
	char *line = fbuf, *next, *names = NULL;

	for (; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		if (!names) {
			names = line;
			continue;
		}
		{
			char *sn, *sv, *pn = strchr(names, ':'), *pv = strchr(line, ':');
			char prefix[32], key[96], *nt, *vt;
			int i;

			if (!pn || !pv) {
				names = NULL;
				continue;
			}
			snprintf(prefix, sizeof(prefix), "%.*s", (int)(pn - names),
				 names);
			nt = strtok_r(pn + 1, " ", &sn);
			vt = strtok_r(pv + 1, " ", &sv);
			while (nt && vt) {
				snprintf(key, sizeof(key), "%s.%s", prefix, nt);
				for (i = 0; i < S_MAX; i++)
					if (!strcmp(key, snmp_key[i]))
						v[i] = strtoull(vt, NULL, 10);
				nt = strtok_r(NULL, " ", &sn);
				vt = strtok_r(NULL, " ", &sv);
			}
		}
		names = NULL;
	}
}

static void read_snmp(uint64_t *v)
{
	char *line, *sp;
	char name[64];
	unsigned long long val;
	int i;

	memset(v, 0, S_MAX * sizeof(*v));
	if (read_file("/proc/self/net/snmp"))
		parse_pairs(v);
	if (read_file("/proc/self/net/netstat"))
		parse_pairs(v);
	if (read_file("/proc/self/net/snmp6")) {
		for (line = strtok_r(fbuf, "\n", &sp); line;
		     line = strtok_r(NULL, "\n", &sp)) {
			if (sscanf(line, "%63s %llu", name, &val) != 2)
				continue;
			for (i = 0; i < S_MAX; i++)
				if (!strcmp(name, snmp_key[i]))
					v[i] = val;
		}
	}
}

/* rx packets, errors, dropped and tx dropped of @dev, from /proc/net/dev. */
static bool dev_counters(const char *dev, uint64_t *rx, uint64_t *txdrop)
{
	char *line, *sp, *c;
	unsigned long long v[16];

	for (line = strtok_r(fbuf, "\n", &sp); line;
	     line = strtok_r(NULL, "\n", &sp)) {
		while (*line == ' ')
			line++;
		c = strchr(line, ':');
		if (!c || (size_t)(c - line) != strlen(dev) ||
		    strncmp(line, dev, c - line))
			continue;
		if (sscanf(c + 1, "%llu %llu %llu %llu %llu %llu %llu %llu "
			   "%llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3],
			   &v[4], &v[5], &v[6], &v[7], &v[8], &v[9], &v[10],
			   &v[11]) != 12)
			return false;
		if (rx) {
			rx[0] = v[1];
			rx[1] = v[2];
			rx[2] = v[3];
		}
		if (txdrop)
			*txdrop = v[11];
		return true;
	}
	return false;
}

static uint64_t under0, under_now;	/* underlay drops */

/* veth drops on either side and the backlog drops of every CPU. */
static uint64_t underlay_drops(void)
{
	uint64_t total = 0, rx[3], tx;
	char *line, *sp;
	unsigned int processed, dropped;

	enter(peer_fd);
	read_file("/proc/self/net/dev");
	enter(ns_fd);
	if (dev_counters(peer_dev, NULL, &tx))
		total += tx;
	read_file("/proc/self/net/dev");
	if (dev_counters(dev_name, rx, NULL))
		total += rx[2];
	read_file("/proc/net/softnet_stat");
	for (line = strtok_r(fbuf, "\n", &sp); line;
	     line = strtok_r(NULL, "\n", &sp))
		if (sscanf(line, "%x %x", &processed, &dropped) == 2)
			total += dropped;
	return total;
}

static bool read_counters(void)
{
	int i;

	for (i = 0; i < NTUN; i++)
		tuns[i].have = false;
	for (i = 0; i < nsess; i++)
		sessions[i].have = false;
	if (nl_dump(L2TP_CMD_TUNNEL_GET) < 0 ||
	    nl_dump(L2TP_CMD_SESSION_GET) < 0)
		return false;
	read_snmp(snmp_now);
	read_file("/proc/self/net/dev");
	for (i = 0; i < nsess; i++) {
		char copy[sizeof(fbuf)];

		if (!sessions[i].ifname[0])
			continue;
		/* dev_counters() tokenises: work on a copy */
		memcpy(copy, fbuf, sizeof(copy));
		dev_counters(sessions[i].ifname, sessions[i].d, NULL);
		memcpy(fbuf, copy, sizeof(copy));
	}
	under_now = underlay_drops();
	return true;
}

static void set_baseline(void)
{
	int i;

	for (i = 0; i < NTUN; i++)
		tuns[i].st0 = tuns[i].st;
	for (i = 0; i < nsess; i++) {
		sessions[i].st0 = sessions[i].st;
		memcpy(sessions[i].d0, sessions[i].d, sizeof(sessions[i].d));
	}
	memcpy(snmp0, snmp_now, sizeof(snmp0));
	under0 = under_now;
}

/* ---------------------------------------------------------- checking */

enum { C_SESS, C_TUN, C_SOCK, C_PX, C_SNMP, C_DEV, C_UNDER, C_MAX };

static const char *const cat_name[C_MAX] = {
	"session counters", "tunnel counters", "tunnel sockets",
	"PPPoL2TP sockets", "SNMP counters", "l2tpeth netdev counters",
	"underlay drops",
};

static uint64_t cat_bad[C_MAX];
static int windows_bad;
static uint64_t win_start;

struct cmp {
	bool report, fix;
	int bad;
	bool cat_hit[C_MAX];
};

/* Compare one counter; with c->fix, adopt the kernel's value. */
static void check(struct cmp *c, int cat, uint64_t *want, uint64_t got,
		  const char *fmt, ...) __printf(5, 6);
static void check(struct cmp *c, int cat, uint64_t *want, uint64_t got,
		  const char *fmt, ...)
{
	char what[160];
	va_list ap;

	if (*want == got)
		return;
	c->bad++;
	c->cat_hit[cat] = true;
	if (c->report) {
		va_start(ap, fmt);
		vsnprintf(what, sizeof(what), fmt, ap);
		va_end(ap);
		ktap_diag("  %s: %s: got %" PRIu64 ", want %" PRIu64,
			  cat_name[cat], what, got, *want);
	}
	if (c->fix)
		*want = got;
}

/*
 * rx_dropped lives in the core's per-device counters, which the core
 * allocates at a device's first drop, from atomic per-CPU memory: when
 * that allocation fails (a loaded machine whose per-CPU pool the
 * balance work has not refilled yet; both modes, seen in CI about once
 * in 100000 frames and never reproducible from the seed), the count is
 * lost and the device is one short from then on.  One short is accepted
 * for as many devices as such failures were traced.
 */
static char pcpu_trace[128];

static void pcpu_trace_stop(void)
{
	char path[192];

	snprintf(path, sizeof(path), "%s/events/percpu/enable", pcpu_trace);
	write_file(path, "0");
	rmdir(pcpu_trace);
}

static void pcpu_trace_start(void)
{
	char path[192];

	snprintf(pcpu_trace, sizeof(pcpu_trace),
		 "/sys/kernel/tracing/instances/l2tp_fuzz_wire.%d", getpid());
	snprintf(path, sizeof(path),
		 "%s/events/percpu/percpu_alloc_percpu_fail/enable", pcpu_trace);
	if (mkdir(pcpu_trace, 0700) || !write_file(path, "1")) {
		ktap_diag("no percpu_alloc_percpu_fail tracepoint (%s): a lost rx_dropped is a mismatch",
			  strerror(errno));
		rmdir(pcpu_trace);
		pcpu_trace[0] = 0;
		return;
	}
	atexit(pcpu_trace_stop);
}

/* How many atomic allocations of the core's device counters failed. */
static int core_stats_failures(void)
{
	char path[192], line[256];
	int n = 0;
	FILE *f;

	if (!pcpu_trace[0])
		return 0;
	snprintf(path, sizeof(path), "%s/trace", pcpu_trace);
	f = fopen(path, "r");
	if (!f)
		return 0;
	/* struct net_device_core_stats: four longs, aligned to its size */
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "percpu_alloc_percpu_fail:") &&
		    strstr(line, "is_atomic=1 size=32 "))
			n++;
	fclose(f);
	return n;
}

static bool core_stats_lost(struct sess *s)
{
	int i, lost = 0;

	if (s->ddrop_lost)
		return true;
	for (i = 0; i < nsess; i++)
		lost += sessions[i].ddrop_lost;
	if (core_stats_failures() <= lost)
		return false;
	s->ddrop_lost = true;
	ktap_diag("%s: its first rx_dropped was lost: the core's atomic allocation of its counters failed (traced)",
		  s->ifname);
	return true;
}

static uint64_t d_of(const struct l2stats *now, const struct l2stats *base,
		     int i)
{
	return now->v[i] - base->v[i];
}

static void compare(struct cmp *c, bool final)
{
	uint64_t zero, got, sum;
	int i, j;

	for (i = 0; i < nsess; i++) {
		struct sess *s = &sessions[i];
		const char *n = s->t->name;
		uint64_t rx = d_of(&s->st, &s->st0, RXP);
		uint64_t err = d_of(&s->st, &s->st0, RXE);

		if (!s->have) {
			zero = 1;
			check(c, C_SESS, &zero, 0, "%s session %u exists", n,
			      s->sid);
			continue;
		}
		check(c, C_SESS, &s->x_ck, d_of(&s->st, &s->st0, RXCK),
		      "%s session %u rx_cookie_discards", n, s->sid);
		zero = 0;
		check(c, C_SESS, &zero, d_of(&s->st, &s->st0, L2TP_ATTR_TX_PACKETS) +
		      d_of(&s->st, &s->st0, L2TP_ATTR_TX_ERRORS),
		      "%s session %u tx_packets + tx_errors", n, s->sid);
		if (!s->timeout) {
			check(c, C_SESS, &s->x_rx, rx,
			      "%s session %u rx_packets", n, s->sid);
			check(c, C_SESS, &s->x_rxb,
			      d_of(&s->st, &s->st0, L2TP_ATTR_RX_BYTES),
			      "%s session %u rx_bytes", n, s->sid);
			check(c, C_SESS, &s->x_err, err,
			      "%s session %u rx_errors", n, s->sid);
			check(c, C_SESS, &s->x_seq, d_of(&s->st, &s->st0, RXSEQ),
			      "%s session %u rx_seq_discards", n, s->sid);
			zero = 0;
			check(c, C_SESS, &zero, d_of(&s->st, &s->st0, RXOOS),
			      "%s session %u rx_oos_packets", n, s->sid);
			zero = 0;
			check(c, C_SESS, &zero, d_of(&s->st, &s->st0, RXINV),
			      "%s session %u rx_invalid", n, s->sid);
		} else if (final) {
			check(c, C_SESS, &s->x_cons, rx + err,
			      "%s session %u rx_packets + rx_errors (reorder timeout)",
			      n, s->sid);
		} else if (rx + err > s->x_cons) {
			check(c, C_SESS, &s->x_cons, rx + err,
			      "%s session %u rx_packets + rx_errors at most (reorder timeout)",
			      n, s->sid);
		}
		if (s->pxfd >= 0 && (!s->timeout || final)) {
			got = s->got_px;
			check(c, C_PX, &got, rx,
			      "%s session %u: frames read vs rx_packets", n, s->sid);
		}
		if (s->ifname[0] && !s->timeout) {
			check(c, C_DEV, &s->x_drx, s->d[0] - s->d0[0],
			      "%s rx_packets", s->ifname);
			check(c, C_DEV, &s->x_derr, s->d[1] - s->d0[1],
			      "%s rx_errors", s->ifname);
			got = s->d[2] - s->d0[2];
			if (got >= s->x_ddrop && got <= s->x_ddrop + s->x_dunsure)
				got = s->x_ddrop;
			if (got + 1 == s->x_ddrop && core_stats_lost(s))
				got = s->x_ddrop;
			check(c, C_DEV, &s->x_ddrop, got, "%s rx_dropped",
			      s->ifname);
		}
	}
	for (i = 0; i < NTUN; i++) {
		struct tun *t = &tuns[i];

		if (!t->have) {
			zero = 1;
			check(c, C_TUN, &zero, 0, "tunnel %s exists", t->name);
			continue;
		}
		check(c, C_TUN, &t->x_inv, d_of(&t->st, &t->st0, RXINV),
		      "%s rx_invalid", t->name);
		sum = 0;
		for (j = 0; j < t->nsess; j++)
			sum += d_of(&t->sess[j]->st, &t->sess[j]->st0, RXP);
		check(c, C_TUN, &sum, d_of(&t->st, &t->st0, RXP),
		      "%s rx_packets vs the sum over its sessions", t->name);
		sum = 0;
		for (j = 0; j < t->nsess; j++)
			sum += d_of(&t->sess[j]->st, &t->sess[j]->st0,
				    L2TP_ATTR_RX_BYTES);
		check(c, C_TUN, &sum, d_of(&t->st, &t->st0, L2TP_ATTR_RX_BYTES),
		      "%s rx_bytes vs the sum over its sessions", t->name);
		sum = 0;
		for (j = RXSEQ; j <= RXCK; j++)
			if (j != RXP && j != L2TP_ATTR_RX_BYTES &&
			    j != L2TP_ATTR_STATS_PAD)
				sum += d_of(&t->st, &t->st0, j);
		zero = 0;
		check(c, C_TUN, &zero, sum,
		      "%s rx_errors, seq, oos and cookie discards (sessions count those)",
		      t->name);
		check(c, C_SOCK, &t->x_reads, t->got_reads,
		      "%s socket: datagrams read", t->name);
		check(c, C_SOCK, &t->x_errq, t->got_errq,
		      "%s socket: ICMP errors queued", t->name);
	}
	for (i = 0; i < S_MAX; i++)
		check(c, C_SNMP, &x_snmp[i], snmp_now[i] - snmp0[i], "%s",
		      snmp_key[i]);
	zero = 0;
	check(c, C_UNDER, &zero, under_now - under0,
	      "veth and backlog drops (nothing can balance then)");
}

static uint64_t check_every;
static double check_time;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Compare now; a mismatch is retried (late softirqs, timers). */
static void checkpoint(bool final)
{
	struct cmp c = { 0 };
	double t0 = now_s();
	int tries, i;

	if (dry)
		return;
	flush_frames();
	for (tries = 0; ; tries++) {
		drain_all();
		if (!read_counters()) {
			ktap_diag("reading the counters failed: %s", strerror(errno));
			exit(1);
		}
		memset(&c, 0, sizeof(c));
		c.report = tries == 4;
		c.fix = tries == 4;
		if (c.report)
			ktap_diag("mismatch in packets [%" PRIu64 ", %" PRIu64 "):",
				  win_start, gen_count);
		compare(&c, final);
		if (!c.bad || tries == 4)
			break;
		msleep(final ? 500 : 100 << tries);
	}
	if (c.bad) {
		windows_bad++;
		for (i = 0; i < C_MAX; i++)
			cat_bad[i] += c.cat_hit[i];
		ktap_diag("reproduce: --seed %" PRIu64 " --packets %" PRIu64
			  " --check-every 1 (the first bad packet), then --dump I-I",
			  seed, gen_count);
	}
	win_start = gen_count;
	check_time += now_s() - t0;
}

/* ---------------------------------------------------------- the run */

/* One unsequenced, valid packet to each reorder-timeout session. */
static void flush_timeout_sessions(void)
{
	int i, n;

	for (i = 0; i < nsess; i++) {
		struct sess *s = &sessions[i];
		struct l2hdr h = { .udp = s->t->encap == ENC_UDP,
				   .layout = s->t->ver };
		uint8_t *l2 = pktbuf + HR;
		struct rng r = { seed ^ s->sid };

		if (!s->timeout)
			continue;
		if (h.layout == 2) {
			h.flags = 2;
			h.tid2 = s->t->tid;
			h.sid2 = s->sid;
		} else {
			h.flags = 3;
			h.sid3 = s->sid;
			h.clen = s->clen;
			memcpy(h.cookie, s->cookie, s->clen);
			h.sub = s->l2spec;
		}
		n = write_l2hdr(&h, l2, 0);
		memset(l2 + n, 0x5a, 60);
		if (s->pw == L2TP_PWTYPE_ETH)
			put16(l2 + n + 12, 0x88b5);
		if (send_l2tp(s->t, l2, n + 60, SM_NONE, &r))
			sent_pkts++;
	}
}

static void hexdump(const uint8_t *p, int len)
{
	int i;

	for (i = 0; i < len && i < 400; i++)
		printf("%02x", p[i]);
	if (len > 400)
		printf("...");
}

/*
 * --dump FROM-TO: replay the generator and the model, print the packets
 * asked for, then how many of each fate the model predicted.
 */
static int dump(uint64_t from, uint64_t to)
{
	uint64_t i;
	int f;

	dry = true;
	setup_objects(false);
	for (i = 0; i <= to; i++) {
		nframes = 0;
		gen_packet(i);
		if (i < from || to - from > 1000)
			continue;
		printf("packet %" PRIu64 ": %s; %s\n", i, last_desc,
		       last_fate < F_MAX ? fate_name[last_fate] :
		       "not sent (for an unmanaged tunnel's socket)");
		for (f = 0; f < nframes && f < 3; f++) {
			printf("  frame %d (%zu bytes): ", f, iovs[f].iov_len);
			hexdump(frames[f] + ETH_HLEN, iovs[f].iov_len - ETH_HLEN);
			printf("\n");
		}
	}
	for (f = 0; f < F_MAX; f++)
		if (fates[f])
			printf("#   %-40s %" PRIu64 "\n", fate_name[f], fates[f]);
	printf("# frames %" PRIu64 ", inner frames the model cannot follow %"
	       PRIu64 ", not sent %" PRIu64 "\n", sent_frames, bad_inner,
	       skipped);
	return 0;
}

static bool teardown(void)
{
	int i, left = -1, tries;
	bool devs = true;

	for (i = 0; i < nsess; i++)
		if (sessions[i].pxfd >= 0)
			close(sessions[i].pxfd);
	for (i = 0; i < NTUN; i++) {
		errno = nl_tunnel_delete(&tuns[i]);
		if (errno && errno != ENODEV)
			ktap_diag("TUNNEL_DELETE %s: %s", tuns[i].name,
				  strerror(errno));
		if (tuns[i].fd >= 0)
			close(tuns[i].fd);
	}
	for (tries = 0; tries < 200; tries++) {
		left = nl_dump(L2TP_CMD_TUNNEL_GET);
		if (!left)
			left = nl_dump(L2TP_CMD_SESSION_GET);
		read_file("/proc/self/net/dev");
		devs = strstr(fbuf, " fz") != NULL;
		if (!left && !devs)
			return true;
		msleep(100);
	}
	ktap_diag("after 20 s: %d tunnels or sessions, l2tpeth devices %s",
		  left, devs ? "left" : "gone");
	return false;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "ns", required_argument, NULL, 'n' },
		{ "peer", required_argument, NULL, 'p' },
		{ "dev", required_argument, NULL, 'd' },
		{ "peer-dev", required_argument, NULL, 'D' },
		{ "seed", required_argument, NULL, 's' },
		{ "packets", required_argument, NULL, 'c' },
		{ "check-every", required_argument, NULL, 'e' },
		{ "no-ppp", no_argument, NULL, 'P' },
		{ "first", required_argument, NULL, 'f' },
		{ "dump", required_argument, NULL, 'u' },
		{ NULL, 0, NULL, 0 }
	};
	uint64_t packets = 100000, i, dump_from = 0, dump_to = 0, total;
	const char *env;
	bool have_seed = false, do_dump = false, ok;
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	double t0, t1, t2;
	cpu_set_t cpus;
	int o, cpu, one = 1;

	setvbuf(stdout, NULL, _IOLBF, 0);
	env = getenv("FUZZ_PACKETS");
	if (env && *env)
		packets = strtoull(env, NULL, 0);
	env = getenv("FUZZ_SEED");
	if (env && *env) {
		seed = strtoull(env, NULL, 0);
		have_seed = true;
	}
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'n':
			snprintf(ns_name, sizeof(ns_name), "%s", optarg);
			break;
		case 'p':
			snprintf(peer_name, sizeof(peer_name), "%s", optarg);
			break;
		case 'd':
			snprintf(dev_name, sizeof(dev_name), "%s", optarg);
			break;
		case 'D':
			snprintf(peer_dev, sizeof(peer_dev), "%s", optarg);
			break;
		case 's':
			seed = strtoull(optarg, NULL, 0);
			have_seed = true;
			break;
		case 'c':
			packets = strtoull(optarg, NULL, 0);
			break;
		case 'e':
			check_every = strtoull(optarg, NULL, 0);
			break;
		case 'P':
			no_ppp = true;
			break;
		case 'f':
			ktap_num = atoi(optarg) - 1;
			break;
		case 'u':
			do_dump = true;
			if (sscanf(optarg, "%" SCNu64 "-%" SCNu64, &dump_from,
				   &dump_to) != 2)
				dump_to = dump_from;
			break;
		default:
			fprintf(stderr, "usage: see the header of l2tp_fuzz_wire.c\n");
			return 2;
		}
	}
	if (!have_seed) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		seed = (uint64_t)ts.tv_nsec ^ ((uint64_t)getpid() << 32) ^ ts.tv_sec;
		seed &= 0xffffffffffffULL;
	}
	ours = ktap_mode_is_ours();
	ktap_ours = ours;
	printf("# seed %" PRIu64 "\n", seed);
	if (do_dump)
		return dump(dump_from, dump_to);
	if (!ns_name[0] || !peer_name[0]) {
		fprintf(stderr, "--ns and --peer are required\n");
		return 2;
	}
	if (!check_every)
		check_every = packets / 50 > 5000 ? packets / 50 : 5000;
	printf("# %s model, %" PRIu64 " packets, checked every %" PRIu64 "\n",
	       ours ? "our" : "upstream's", packets, check_every);

	/* One CPU: packets reach the receiver in the order they were sent. */
	cpu = sched_getcpu();
	CPU_ZERO(&cpus);
	CPU_SET(cpu < 0 ? 0 : cpu, &cpus);
	sched_setaffinity(0, sizeof(cpus), &cpus);

	read_ptypes();
	ns_fd = open_ns(ns_name);
	peer_fd = open_ns(peer_name);
	enter(peer_fd);
	pkfd = socket(AF_PACKET, SOCK_RAW, 0);
	if (pkfd < 0)
		bail("AF_PACKET socket");
	sll.sll_ifindex = get_ifindex(peer_dev);
	if (!sll.sll_ifindex || bind(pkfd, (void *)&sll, sizeof(sll)))
		bail(peer_dev);
	setsockopt(pkfd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one));
	if (!get_mac(peer_dev, mac2))
		bail(peer_dev);
	enter(ns_fd);
	if (!get_mac(dev_name, mac1))
		bail(dev_name);
	errno = l2tp_nl_open(&nl, 20);
	if (errno)
		bail("generic netlink family l2tp");

	pcpu_trace_start();
	ok = setup_objects(true);
	ktap_result(ok, "set up %d tunnels and %d sessions (%s)", NTUN, nsess,
		    no_ppp ? "no PPP" : "PPP sessions included");
	if (!ok)
		return 1;
	msleep(300);
	if (!read_counters())
		bail("counters");
	set_baseline();

	t0 = now_s();
	for (i = 0; i < packets; i++) {
		gen_packet(i);
		if ((i + 1) % check_every == 0 || i + 1 == packets) {
			checkpoint(false);
			if ((i + 1) % (check_every * 10) == 0)
				ktap_diag("%" PRIu64 " packets, %.0f/s", i + 1,
					  (i + 1) / (now_s() - t0));
		}
	}
	t1 = now_s();
	/* Held packets expire (ours: a timer; upstream: the next packet). */
	msleep(400);
	flush_timeout_sessions();
	flush_frames();
	msleep(200);
	checkpoint(true);
	t2 = now_s();

	printf("# sent %" PRIu64 " packets in %" PRIu64 " frames (%" PRIu64
	       " bytes) in %.1f s: %.0f packets/s; %" PRIu64 " generated for "
	       "an unmanaged tunnel's socket not sent\n", sent_pkts,
	       sent_frames, sent_bytes, t1 - t0, sent_pkts / (t1 - t0),
	       skipped);
	{
		struct rusage ru;

		getrusage(RUSAGE_SELF, &ru);
		printf("# time: %.1f s checking; CPU %.1f s user, %.1f s system\n",
		       check_time, ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6,
		       ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6);
	}
	for (o = 0; o < F_MAX; o++)
		if (fates[o])
			printf("#   %-40s %" PRIu64 "\n", fate_name[o], fates[o]);

	for (o = 0; o < C_MAX; o++)
		ktap_result(!cat_bad[o], "%s as predicted (%" PRIu64
			    " bad windows)", cat_name[o], cat_bad[o]);

	/* Every packet accounted for, from the kernel's counters. */
	total = x_unc;
	for (i = 0; i < (uint64_t)nsess; i++)
		total += d_of(&sessions[i].st, &sessions[i].st0, RXP) +
			 d_of(&sessions[i].st, &sessions[i].st0, RXE);
	for (i = 0; i < NTUN; i++)
		total += tuns[i].got_reads + tuns[i].got_errq;
	{
		static const int drops[] = {
			S_IP_HDR, S_IP_TRUNC, S_UDP_ERR, S_UDP_NOPORT,
			S_ICMP_ERR, S_IP6_HDR, S_IP6_TRUNC, S_UDP6_ERR,
			S_UDP6_NOPORT, S_ICMP6_ERR,
		};

		for (i = 0; i < ARRAY_SIZE(drops); i++)
			total += snmp_now[drops[i]] - snmp0[drops[i]];
	}
	printf("# balance: %" PRIu64 " sent; %" PRIu64 " counted by sessions, "
	       "sockets and the stack, %" PRIu64 " uncounted by design\n",
	       sent_pkts, total - x_unc, x_unc);
	ktap_result(total == sent_pkts,
		    "every packet sent is delivered, counted once or read from a socket (%"
		    PRIu64 " of %" PRIu64 ")", total, sent_pkts);
	ktap_result(teardown(), "teardown: no tunnel, session or l2tpeth left");
	(void)t2;
	printf("# totals: pass:%d fail:%d skip:%d\n", ktap_pass, ktap_fail,
	       ktap_skips);
	return ktap_fail ? 1 : 0;
}
