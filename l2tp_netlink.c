// SPDX-License-Identifier: GPL-2.0-only
/*
 * The "l2tp" generic netlink family: how iproute2 and the L2TP daemons
 * (xl2tpd, go-l2tp, openl2tp, accel-ppp, kl2tpd) create, change, list and
 * remove tunnels and sessions. This file owns the request policies, the
 * handlers, the reply and notification messages and the dump cursors.
 * Objects, their tables and their lifetime belong to l2tp_core; the
 * pseudowire types (Ethernet, PPP) create their sessions through the
 * &struct l2tp_pw_ops they register with the core.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/in.h>
#include <linux/in6.h>
#include <linux/jiffies.h>
#include <linux/kmod.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/udp.h>
#include <net/genetlink.h>
#include <net/ipv6.h>
#include <net/netlink.h>
#include <net/sock.h>
#include <net/udp.h>

#include "l2tp_core.h"

/**
 * DOC: Requests, locking and compatibility
 *
 * Every command keeps the number, the attributes and the errno of the
 * in-tree family, so unmodified clients work. Each op has a policy that
 * lists only the attributes it reads, including the deprecated ones that
 * clients still send (OFFSET, DATA_SEQ, L2SPEC_LEN, MTU, MRU, DEBUG,
 * VLAN_ID): they are validated and then ignored. Validation stays
 * liberal (GENL_DONT_VALIDATE_STRICT), because clients send attributes
 * no op reads, e.g. PEER_CONN_ID in SESSION_CREATE. Every rejection
 * carries an extack message.
 *
 * Where upstream accepts nonsense (version 4 tunnels, 17-bit L2TPv2 ids,
 * 3-byte cookies, id 0, short IPv6 addresses) we reject it with EINVAL;
 * Documentation/netlink.rst lists each such decision.
 *
 * Locking. The family sets parallel_ops, so requests do not hold the
 * global genl_mutex. The requests that change state are serialised by
 * l2tp_nl_mutex instead, which gives the same ordering as upstream
 * (notifications of one object come in the order of its changes) while
 * two things may wait under it without stalling every other generic
 * netlink family: request_module() of a pseudowire module, and the
 * synchronous deletes, which wait for an RTNL batch that unregisters
 * the session netdevs. Nothing that runs under RTNL or in a module init
 * takes l2tp_nl_mutex, so neither wait can deadlock. GET and dumps take
 * no lock: the core's lookups return referenced objects.
 */

static DEFINE_MUTEX(l2tp_nl_mutex);
static struct genl_family l2tp_nl_family;

/*
 * Only the multicast group of the family; notifications use index 0.
 * Joining it needs CAP_NET_ADMIN over the netns, as every command but
 * NOOP does: notifications carry what GET refuses the unprivileged
 * (cookies, addresses). Upstream's group is open to anyone.
 */
static const struct genl_multicast_group l2tp_nl_mcgrps[] = {
	{ .name = L2TP_GENL_MCGROUP, .flags = GENL_MCAST_CAP_NET_ADMIN, },
};

/*
 * Per-op policies. Types and maximum lengths are upstream's, so an
 * attribute an op reads passes validation, or fails it with the same
 * errno, exactly as upstream; attributes an op does not read are no
 * longer validated at all. Handlers never read an attribute above their
 * op's maxattr, the last entry of its policy.
 */
static const struct nla_policy l2tp_nl_tunnel_create_policy[] = {
	[L2TP_ATTR_ENCAP_TYPE]		= { .type = NLA_U16 },
	[L2TP_ATTR_PROTO_VERSION]	= { .type = NLA_U8 },
	[L2TP_ATTR_CONN_ID]		= { .type = NLA_U32 },
	[L2TP_ATTR_PEER_CONN_ID]	= { .type = NLA_U32 },
	[L2TP_ATTR_UDP_CSUM]		= { .type = NLA_U8 },
	[L2TP_ATTR_DEBUG]		= { .type = NLA_U32 },
	[L2TP_ATTR_FD]			= { .type = NLA_U32 },
	[L2TP_ATTR_IP_SADDR]		= { .type = NLA_U32 },
	[L2TP_ATTR_IP_DADDR]		= { .type = NLA_U32 },
	[L2TP_ATTR_UDP_SPORT]		= { .type = NLA_U16 },
	[L2TP_ATTR_UDP_DPORT]		= { .type = NLA_U16 },
	[L2TP_ATTR_MTU]			= { .type = NLA_U16 },
	[L2TP_ATTR_MRU]			= { .type = NLA_U16 },
	[L2TP_ATTR_IP6_SADDR]		= { .type = NLA_BINARY,
					    .len = sizeof(struct in6_addr) },
	[L2TP_ATTR_IP6_DADDR]		= { .type = NLA_BINARY,
					    .len = sizeof(struct in6_addr) },
	/*
	 * Flags by meaning, but upstream has no policy for them and reads
	 * them by presence, so a payload must stay acceptable.
	 */
	[L2TP_ATTR_UDP_ZERO_CSUM6_TX]	= { .type = NLA_UNSPEC },
	[L2TP_ATTR_UDP_ZERO_CSUM6_RX]	= { .type = NLA_UNSPEC },
};

static const struct nla_policy l2tp_nl_tunnel_id_policy[] = {
	[L2TP_ATTR_CONN_ID]		= { .type = NLA_U32 },
};

static const struct nla_policy l2tp_nl_tunnel_modify_policy[] = {
	[L2TP_ATTR_CONN_ID]		= { .type = NLA_U32 },
	[L2TP_ATTR_UDP_CSUM]		= { .type = NLA_U8 },
	[L2TP_ATTR_DEBUG]		= { .type = NLA_U32 },
	[L2TP_ATTR_UDP_ZERO_CSUM6_TX]	= { .type = NLA_UNSPEC },
	[L2TP_ATTR_UDP_ZERO_CSUM6_RX]	= { .type = NLA_UNSPEC },
};

static const struct nla_policy l2tp_nl_session_create_policy[] = {
	[L2TP_ATTR_PW_TYPE]		= { .type = NLA_U16 },
	[L2TP_ATTR_OFFSET]		= { .type = NLA_U16 },
	[L2TP_ATTR_DATA_SEQ]		= { .type = NLA_U8 },
	[L2TP_ATTR_L2SPEC_TYPE]		= { .type = NLA_U8 },
	[L2TP_ATTR_L2SPEC_LEN]		= { .type = NLA_U8 },
	[L2TP_ATTR_IFNAME]		= { .type = NLA_NUL_STRING,
					    .len = IFNAMSIZ - 1 },
	[L2TP_ATTR_CONN_ID]		= { .type = NLA_U32 },
	[L2TP_ATTR_PEER_CONN_ID]	= { .type = NLA_U32 },
	[L2TP_ATTR_SESSION_ID]		= { .type = NLA_U32 },
	[L2TP_ATTR_PEER_SESSION_ID]	= { .type = NLA_U32 },
	[L2TP_ATTR_VLAN_ID]		= { .type = NLA_U16 },
	[L2TP_ATTR_COOKIE]		= { .type = NLA_BINARY,
					    .len = L2TP_COOKIE_MAX },
	[L2TP_ATTR_PEER_COOKIE]		= { .type = NLA_BINARY,
					    .len = L2TP_COOKIE_MAX },
	[L2TP_ATTR_DEBUG]		= { .type = NLA_U32 },
	[L2TP_ATTR_RECV_SEQ]		= { .type = NLA_U8 },
	[L2TP_ATTR_SEND_SEQ]		= { .type = NLA_U8 },
	[L2TP_ATTR_LNS_MODE]		= { .type = NLA_U8 },
	[L2TP_ATTR_RECV_TIMEOUT]	= { .type = NLA_MSECS },
	[L2TP_ATTR_MTU]			= { .type = NLA_U16 },
	[L2TP_ATTR_MRU]			= { .type = NLA_U16 },
};

/* The session lookup keys: DELETE and GET read nothing else. */
static const struct nla_policy l2tp_nl_session_id_policy[] = {
	[L2TP_ATTR_IFNAME]		= { .type = NLA_NUL_STRING,
					    .len = IFNAMSIZ - 1 },
	[L2TP_ATTR_CONN_ID]		= { .type = NLA_U32 },
	[L2TP_ATTR_SESSION_ID]		= { .type = NLA_U32 },
};

static const struct nla_policy l2tp_nl_session_modify_policy[] = {
	[L2TP_ATTR_DATA_SEQ]		= { .type = NLA_U8 },
	[L2TP_ATTR_IFNAME]		= { .type = NLA_NUL_STRING,
					    .len = IFNAMSIZ - 1 },
	[L2TP_ATTR_CONN_ID]		= { .type = NLA_U32 },
	[L2TP_ATTR_SESSION_ID]		= { .type = NLA_U32 },
	[L2TP_ATTR_DEBUG]		= { .type = NLA_U32 },
	[L2TP_ATTR_RECV_SEQ]		= { .type = NLA_U8 },
	[L2TP_ATTR_SEND_SEQ]		= { .type = NLA_U8 },
	[L2TP_ATTR_LNS_MODE]		= { .type = NLA_U8 },
	[L2TP_ATTR_RECV_TIMEOUT]	= { .type = NLA_MSECS },
	[L2TP_ATTR_MTU]			= { .type = NLA_U16 },
	[L2TP_ATTR_MRU]			= { .type = NLA_U16 },
};

/*
 * Counters in the order upstream emits them (cookie discards before
 * out-of-sequence packets, unlike the attribute numbering).
 */
static const struct {
	u16 type;
	u16 offset;
} l2tp_nl_stats_layout[] = {
	{ L2TP_ATTR_TX_PACKETS, offsetof(struct l2tp_stats_snapshot, tx_packets) },
	{ L2TP_ATTR_TX_BYTES, offsetof(struct l2tp_stats_snapshot, tx_bytes) },
	{ L2TP_ATTR_TX_ERRORS, offsetof(struct l2tp_stats_snapshot, tx_errors) },
	{ L2TP_ATTR_RX_PACKETS, offsetof(struct l2tp_stats_snapshot, rx_packets) },
	{ L2TP_ATTR_RX_BYTES, offsetof(struct l2tp_stats_snapshot, rx_bytes) },
	{ L2TP_ATTR_RX_SEQ_DISCARDS,
	  offsetof(struct l2tp_stats_snapshot, rx_seq_discards) },
	{ L2TP_ATTR_RX_COOKIE_DISCARDS,
	  offsetof(struct l2tp_stats_snapshot, rx_cookie_discards) },
	{ L2TP_ATTR_RX_OOS_PACKETS,
	  offsetof(struct l2tp_stats_snapshot, rx_oos_packets) },
	{ L2TP_ATTR_RX_ERRORS, offsetof(struct l2tp_stats_snapshot, rx_errors) },
	{ L2TP_ATTR_RX_INVALID, offsetof(struct l2tp_stats_snapshot, rx_invalid) },
};

/*
 * Writing attributes in place. nla_put() costs a chain of out-of-line
 * calls per attribute (nla_put, __nla_put, __nla_reserve, skb_put and a
 * memset), which was half the CPU time of dumping 10000 sessions (perf
 * in the guest). Tunnel and session messages have a known largest size:
 * the fill checks the tailroom for it once, writes the attributes at the
 * tail with these inline helpers and skb_put()s what it used. The bytes
 * are the ones nla_put() would write, padding and (where the
 * architecture wants it) the 64-bit pad attribute included.
 */
struct l2tp_nl_w {
	u8 *pos;
};

static void l2tp_nl_w_start(struct l2tp_nl_w *w, struct sk_buff *skb)
{
	w->pos = skb_tail_pointer(skb);
}

static void l2tp_nl_w_end(struct l2tp_nl_w *w, struct sk_buff *skb)
{
	skb_put(skb, w->pos - skb_tail_pointer(skb));
}

static __always_inline void l2tp_nl_w_attr(struct l2tp_nl_w *w, int type,
					   const void *data, int len)
{
	struct nlattr *nla = (struct nlattr *)w->pos;

	nla->nla_type = type;
	nla->nla_len = nla_attr_size(len);
	memcpy(nla_data(nla), data, len);
	memset((u8 *)nla_data(nla) + len, 0, nla_padlen(len));
	w->pos += nla_total_size(len);
}

static __always_inline void l2tp_nl_w_u8(struct l2tp_nl_w *w, int type, u8 v)
{
	l2tp_nl_w_attr(w, type, &v, sizeof(v));
}

static __always_inline void l2tp_nl_w_u16(struct l2tp_nl_w *w, int type,
					  u16 v)
{
	l2tp_nl_w_attr(w, type, &v, sizeof(v));
}

static __always_inline void l2tp_nl_w_u32(struct l2tp_nl_w *w, int type,
					  u32 v)
{
	l2tp_nl_w_attr(w, type, &v, sizeof(v));
}

/* As nla_put_flag(): a header with no payload. */
static __always_inline void l2tp_nl_w_flag(struct l2tp_nl_w *w, int type)
{
	struct nlattr *nla = (struct nlattr *)w->pos;

	nla->nla_type = type;
	nla->nla_len = nla_attr_size(0);
	w->pos += nla_total_size(0);
}

/* As nla_put_u64_64bit(): a pad attribute first if the value would
 * otherwise be misaligned on an architecture that minds.
 */
static __always_inline void l2tp_nl_w_u64(struct l2tp_nl_w *w, int type,
					  u64 v, int padattr)
{
	if (!IS_ENABLED(CONFIG_HAVE_EFFICIENT_UNALIGNED_ACCESS) &&
	    IS_ALIGNED((unsigned long)w->pos, 8))
		l2tp_nl_w_flag(w, padattr);
	l2tp_nl_w_attr(w, type, &v, sizeof(v));
}

/* Room the stats nest takes at most. */
#define L2TP_NL_STATS_MAX	(nla_total_size(0) + \
				 ARRAY_SIZE(l2tp_nl_stats_layout) * \
				 nla_total_size_64bit(sizeof(u64)))

/* Room the attributes of a session message take at most. */
#define L2TP_NL_SESSION_MAX	(5 * nla_total_size(sizeof(u32)) + \
				 nla_total_size(sizeof(u16)) + \
				 nla_total_size(IFNAMSIZ) + \
				 2 * nla_total_size(L2TP_COOKIE_MAX) + \
				 4 * nla_total_size(sizeof(u8)) + \
				 nla_total_size_64bit(sizeof(u64)) + \
				 L2TP_NL_STATS_MAX)

static void l2tp_nl_w_stats(struct l2tp_nl_w *w, const struct l2tp_stats *stats)
{
	struct nlattr *nest = (struct nlattr *)w->pos;
	struct l2tp_stats_snapshot snap;
	unsigned int i;

	l2tp_stats_read(stats, &snap);
	/* Like nla_nest_start_noflag(): upstream sets no NLA_F_NESTED. */
	nest->nla_type = L2TP_ATTR_STATS;
	w->pos += NLA_HDRLEN;
	for (i = 0; i < ARRAY_SIZE(l2tp_nl_stats_layout); i++)
		l2tp_nl_w_u64(w, l2tp_nl_stats_layout[i].type,
			      *(const u64 *)((const u8 *)&snap +
					     l2tp_nl_stats_layout[i].offset),
			      L2TP_ATTR_STATS_PAD);
	nest->nla_len = w->pos - (u8 *)nest;
}

static void l2tp_nl_w_addr4(struct l2tp_nl_w *w, struct sock *sk,
			    enum l2tp_encap_type encap)
{
	const struct inet_sock *inet = inet_sk(sk);

	/* Ports and the checksum setting exist only for UDP sockets. */
	if (encap == L2TP_ENCAPTYPE_UDP) {
		l2tp_nl_w_u8(w, L2TP_ATTR_UDP_CSUM, !sk->sk_no_check_tx);
		l2tp_nl_w_u16(w, L2TP_ATTR_UDP_SPORT, ntohs(inet->inet_sport));
		l2tp_nl_w_u16(w, L2TP_ATTR_UDP_DPORT, ntohs(inet->inet_dport));
	}
	l2tp_nl_w_attr(w, L2TP_ATTR_IP_SADDR, &inet->inet_saddr,
		       sizeof(inet->inet_saddr));
	l2tp_nl_w_attr(w, L2TP_ATTR_IP_DADDR, &inet->inet_daddr,
		       sizeof(inet->inet_daddr));
}

#if IS_ENABLED(CONFIG_IPV6)
static void l2tp_nl_w_addr6(struct l2tp_nl_w *w, struct sock *sk,
			    enum l2tp_encap_type encap)
{
	const struct inet_sock *inet = inet_sk(sk);

	if (encap == L2TP_ENCAPTYPE_UDP) {
		/* The zero-checksum flags appear only when they are on. */
		if (udp_get_no_check6_tx(sk))
			l2tp_nl_w_flag(w, L2TP_ATTR_UDP_ZERO_CSUM6_TX);
		if (udp_get_no_check6_rx(sk))
			l2tp_nl_w_flag(w, L2TP_ATTR_UDP_ZERO_CSUM6_RX);
		l2tp_nl_w_u16(w, L2TP_ATTR_UDP_SPORT, ntohs(inet->inet_sport));
		l2tp_nl_w_u16(w, L2TP_ATTR_UDP_DPORT, ntohs(inet->inet_dport));
	}
	l2tp_nl_w_attr(w, L2TP_ATTR_IP6_SADDR, &inet6_sk(sk)->saddr,
		       sizeof(struct in6_addr));
	l2tp_nl_w_attr(w, L2TP_ATTR_IP6_DADDR, &sk->sk_v6_daddr,
		       sizeof(struct in6_addr));
}
#endif

/*
 * The address attributes follow the socket family, not the addresses:
 * an AF_INET6 socket talking to a v4-mapped peer reports IP6 attributes.
 */
static void l2tp_nl_w_addr(struct l2tp_nl_w *w, struct l2tp_tunnel *tunnel)
{
	struct sock *sk = tunnel->sock;

	if (!sk)
		return;
#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6) {
		l2tp_nl_w_addr6(w, sk, tunnel->encap);
		return;
	}
#endif
	l2tp_nl_w_addr4(w, sk, tunnel->encap);
}

/* Room the attributes of a tunnel message take at most. */
#define L2TP_NL_TUNNEL_MAX	(nla_total_size(sizeof(u8)) + \
				 3 * nla_total_size(sizeof(u32)) + \
				 nla_total_size(sizeof(u16)) + \
				 L2TP_NL_STATS_MAX + \
				 nla_total_size(sizeof(u8)) + \
				 2 * nla_total_size(0) + \
				 2 * nla_total_size(sizeof(u16)) + \
				 2 * nla_total_size(sizeof(struct in6_addr)))

/**
 * l2tp_nl_tunnel_fill() - the attributes of a tunnel message
 * @skb: message buffer, its genetlink header already in place
 * @tunnel: the tunnel, referenced by the caller
 *
 * Shared by GET replies, dumps and notifications, so all three carry the
 * same attributes, in upstream's order.
 *
 * Context: Process context.
 * Return: 0 or -EMSGSIZE; the caller cancels the message on error.
 */
static int l2tp_nl_tunnel_fill(struct sk_buff *skb, struct l2tp_tunnel *tunnel)
{
	struct l2tp_nl_w w;

	if (skb_tailroom(skb) < L2TP_NL_TUNNEL_MAX)
		return -EMSGSIZE;
	l2tp_nl_w_start(&w, skb);
	l2tp_nl_w_u8(&w, L2TP_ATTR_PROTO_VERSION, tunnel->version);
	l2tp_nl_w_u32(&w, L2TP_ATTR_CONN_ID, tunnel->tunnel_id);
	l2tp_nl_w_u32(&w, L2TP_ATTR_PEER_CONN_ID,
		      READ_ONCE(tunnel->peer_tunnel_id));
	l2tp_nl_w_u32(&w, L2TP_ATTR_DEBUG, 0);
	l2tp_nl_w_u16(&w, L2TP_ATTR_ENCAP_TYPE, tunnel->encap);
	l2tp_nl_w_stats(&w, &tunnel->stats);
	l2tp_nl_w_addr(&w, tunnel);
	l2tp_nl_w_end(&w, skb);
	return 0;
}

/**
 * l2tp_nl_session_fill() - the attributes of a session message
 * @skb: message buffer, its genetlink header already in place
 * @session: the session, referenced by the caller
 *
 * Optional attributes (IFNAME, cookies, USING_IPSEC, RECV_TIMEOUT) are
 * left out when empty or zero, as upstream does.
 *
 * Context: Process context.
 * Return: 0 or -EMSGSIZE; the caller cancels the message on error.
 */
static int l2tp_nl_session_fill(struct sk_buff *skb,
				struct l2tp_session *session)
{
	unsigned long timeout = READ_ONCE(session->reorder_timeout);
	struct l2tp_tunnel *tunnel = session->tunnel;
	struct l2tp_nl_w w;

	if (skb_tailroom(skb) < L2TP_NL_SESSION_MAX)
		return -EMSGSIZE;
	l2tp_nl_w_start(&w, skb);
	l2tp_nl_w_u32(&w, L2TP_ATTR_CONN_ID, tunnel->tunnel_id);
	l2tp_nl_w_u32(&w, L2TP_ATTR_SESSION_ID, session->session_id);
	l2tp_nl_w_u32(&w, L2TP_ATTR_PEER_CONN_ID,
		      READ_ONCE(tunnel->peer_tunnel_id));
	l2tp_nl_w_u32(&w, L2TP_ATTR_PEER_SESSION_ID, session->peer_session_id);
	l2tp_nl_w_u32(&w, L2TP_ATTR_DEBUG, 0);
	l2tp_nl_w_u16(&w, L2TP_ATTR_PW_TYPE, session->pwtype);
	if (session->ifname[0])
		l2tp_nl_w_attr(&w, L2TP_ATTR_IFNAME, session->ifname,
			       strnlen(session->ifname, IFNAMSIZ - 1) + 1);
	if (session->cookie_len)
		l2tp_nl_w_attr(&w, L2TP_ATTR_COOKIE, session->cookie,
			       session->cookie_len);
	if (session->peer_cookie_len)
		l2tp_nl_w_attr(&w, L2TP_ATTR_PEER_COOKIE, session->peer_cookie,
			       session->peer_cookie_len);
	l2tp_nl_w_u8(&w, L2TP_ATTR_RECV_SEQ, READ_ONCE(session->recv_seq));
	l2tp_nl_w_u8(&w, L2TP_ATTR_SEND_SEQ, READ_ONCE(session->send_seq));
	l2tp_nl_w_u8(&w, L2TP_ATTR_LNS_MODE, READ_ONCE(session->lns_mode));
	if (l2tp_tunnel_uses_xfrm(tunnel))
		l2tp_nl_w_u8(&w, L2TP_ATTR_USING_IPSEC, 1);
	if (timeout)
		l2tp_nl_w_u64(&w, L2TP_ATTR_RECV_TIMEOUT,
			      jiffies_to_msecs(timeout), L2TP_ATTR_PAD);
	l2tp_nl_w_stats(&w, &session->stats);
	l2tp_nl_w_end(&w, skb);
	return 0;
}

/**
 * l2tp_nl_fill() - append one tunnel or session message
 * @skb: message buffer
 * @portid: netlink port id of the header
 * @seq: sequence number of the header
 * @flags: netlink header flags
 * @cmd: genetlink command of the message
 * @tunnel: the tunnel the message is about, or the session's tunnel
 * @session: the session the message is about, or NULL for a tunnel
 *
 * Context: Process context.
 * Return: 0, or -EMSGSIZE with @skb unchanged.
 */
static int l2tp_nl_fill(struct sk_buff *skb, u32 portid, u32 seq, int flags,
			u8 cmd, struct l2tp_tunnel *tunnel,
			struct l2tp_session *session)
{
	void *hdr;
	int err;

	hdr = genlmsg_put(skb, portid, seq, &l2tp_nl_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	err = session ? l2tp_nl_session_fill(skb, session) :
			l2tp_nl_tunnel_fill(skb, tunnel);
	if (err) {
		genlmsg_cancel(skb, hdr);
		return err;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/*
 * Notifications go to the "l2tp" group of the object's own namespace
 * only (upstream multicasts to every namespace). Like upstream they carry
 * the requester's port id and sequence number and NLM_F_ACK. A failure
 * to notify never fails the request that caused it.
 */
static void l2tp_nl_notify(struct genl_info *info, u8 cmd,
			   struct l2tp_tunnel *tunnel,
			   struct l2tp_session *session)
{
	struct net *net = tunnel->net;
	struct sk_buff *msg;

	if (!genl_has_listeners(&l2tp_nl_family, net, 0))
		return;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return;
	if (l2tp_nl_fill(msg, info->snd_portid, info->snd_seq, NLM_F_ACK, cmd,
			 tunnel, session)) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_multicast_netns(&l2tp_nl_family, net, msg, 0, 0, GFP_KERNEL);
}

/* The reply to a GET request. */
static int l2tp_nl_reply(struct genl_info *info, int flags, u8 cmd,
			 struct l2tp_tunnel *tunnel,
			 struct l2tp_session *session)
{
	struct sk_buff *msg;
	int ret;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	ret = l2tp_nl_fill(msg, info->snd_portid, info->snd_seq, flags, cmd,
			   tunnel, session);
	if (ret) {
		nlmsg_free(msg);
		return ret;
	}
	return genlmsg_reply(msg, info);
}

/*
 * GENL_REQ_ATTR_CHECK() reports a missing attribute by number only,
 * which iproute2 6.1 does not print: add a message naming it.
 */
#define L2TP_NL_MISSING(info, attr) \
	l2tp_nl_missing(info, L2TP_ATTR_##attr, #attr)

static bool l2tp_nl_missing(struct genl_info *info, int type,
			    const char *name)
{
	if (!GENL_REQ_ATTR_CHECK(info, type))
		return false;
	NL_SET_ERR_MSG_FMT(info->extack, "missing attribute %s", name);
	return true;
}

/**
 * l2tp_nl_tunnel_lookup() - find the tunnel a request names by CONN_ID
 * @info: the request
 * @errp: set to the errno to return when the result is NULL
 *
 * Context: Process context.
 * Return: the tunnel with a reference, or NULL with *@errp set to -EINVAL
 * (no CONN_ID) or -ENODEV (no such tunnel).
 */
static struct l2tp_tunnel *l2tp_nl_tunnel_lookup(struct genl_info *info,
						 int *errp)
{
	struct nlattr *attr = info->attrs[L2TP_ATTR_CONN_ID];
	struct l2tp_tunnel *tunnel;

	if (L2TP_NL_MISSING(info, CONN_ID)) {
		*errp = -EINVAL;
		return NULL;
	}
	tunnel = l2tp_tunnel_get(genl_info_net(info), nla_get_u32(attr));
	if (!tunnel) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr, "no tunnel with this id");
		*errp = -ENODEV;
	}
	return tunnel;
}

/**
 * l2tp_nl_session_lookup() - find the session a request names
 * @info: the request
 *
 * IFNAME, when present, is the only key; otherwise CONN_ID and SESSION_ID
 * together. Upstream answers ENODEV both for an unknown session and for
 * a request that names none, and so do we.
 *
 * Context: Process context.
 * Return: the session with a reference, or NULL (the caller returns
 * -ENODEV; the extack says why).
 */
static struct l2tp_session *l2tp_nl_session_lookup(struct genl_info *info)
{
	struct nlattr *ifname = info->attrs[L2TP_ATTR_IFNAME];
	struct nlattr *sid = info->attrs[L2TP_ATTR_SESSION_ID];
	struct nlattr *tid = info->attrs[L2TP_ATTR_CONN_ID];
	struct net *net = genl_info_net(info);
	struct l2tp_session *session = NULL;
	struct l2tp_tunnel *tunnel;

	if (ifname) {
		session = l2tp_session_get_by_ifname(net, nla_data(ifname));
		if (!session)
			NL_SET_ERR_MSG_ATTR(info->extack, ifname,
					    "no session with this interface");
		return session;
	}

	if (!tid || !sid) {
		NL_SET_ERR_ATTR_MISS(info->extack, NULL,
				     tid ? L2TP_ATTR_SESSION_ID : L2TP_ATTR_CONN_ID);
		NL_SET_ERR_MSG(info->extack,
			       "need IFNAME, or CONN_ID and SESSION_ID");
		return NULL;
	}

	tunnel = l2tp_tunnel_get(net, nla_get_u32(tid));
	if (!tunnel) {
		NL_SET_ERR_MSG_ATTR(info->extack, tid, "no tunnel with this id");
		return NULL;
	}
	session = l2tp_tunnel_get_session(tunnel, nla_get_u32(sid));
	l2tp_tunnel_put(tunnel);
	if (!session)
		NL_SET_ERR_MSG_ATTR(info->extack, sid, "no session with this id");
	return session;
}

static int l2tp_nl_noop_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(0, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &l2tp_nl_family, 0, L2TP_CMD_NOOP);
	if (!hdr) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/* Non-zero is on; upstream turned checksums on for any UDP_CSUM. */
static bool l2tp_nl_csum_on(const struct nlattr *attr)
{
	return attr && nla_get_u8(attr);
}

/*
 * The socket an unmanaged tunnel is to create: an IPv6 pair of addresses
 * wins over an IPv4 one, as upstream; half a pair does not count.
 */
static int l2tp_nl_tunnel_parse_addr(struct genl_info *info,
				     struct l2tp_tunnel_cfg *cfg)
{
	struct nlattr *saddr6 = info->attrs[L2TP_ATTR_IP6_SADDR];
	struct nlattr *daddr6 = info->attrs[L2TP_ATTR_IP6_DADDR];
	struct nlattr **attrs = info->attrs;

	if (attrs[L2TP_ATTR_UDP_SPORT])
		cfg->local_udp_port = nla_get_u16(attrs[L2TP_ATTR_UDP_SPORT]);
	if (attrs[L2TP_ATTR_UDP_DPORT])
		cfg->peer_udp_port = nla_get_u16(attrs[L2TP_ATTR_UDP_DPORT]);
	cfg->use_udp_checksums = l2tp_nl_csum_on(attrs[L2TP_ATTR_UDP_CSUM]);

	if (IS_ENABLED(CONFIG_IPV6) && saddr6 && daddr6) {
		/* Upstream reads 16 bytes from shorter attributes. */
		if (nla_len(saddr6) != sizeof(struct in6_addr)) {
			NL_SET_ERR_MSG_ATTR(info->extack, saddr6,
					    "IPv6 address must be 16 bytes");
			return -EINVAL;
		}
		if (nla_len(daddr6) != sizeof(struct in6_addr)) {
			NL_SET_ERR_MSG_ATTR(info->extack, daddr6,
					    "IPv6 address must be 16 bytes");
			return -EINVAL;
		}
		cfg->family = AF_INET6;
		cfg->local_ip6 = nla_get_in6_addr(saddr6);
		cfg->peer_ip6 = nla_get_in6_addr(daddr6);
		cfg->udp6_zero_tx_checksums =
			nla_get_flag(attrs[L2TP_ATTR_UDP_ZERO_CSUM6_TX]);
		cfg->udp6_zero_rx_checksums =
			nla_get_flag(attrs[L2TP_ATTR_UDP_ZERO_CSUM6_RX]);
		return 0;
	}

	if (attrs[L2TP_ATTR_IP_SADDR] && attrs[L2TP_ATTR_IP_DADDR]) {
		cfg->family = AF_INET;
		cfg->local_ip.s_addr = nla_get_in_addr(attrs[L2TP_ATTR_IP_SADDR]);
		cfg->peer_ip.s_addr = nla_get_in_addr(attrs[L2TP_ATTR_IP_DADDR]);
		return 0;
	}

	NL_SET_ERR_MSG(info->extack,
		       "need FD, or local and peer addresses of one family");
	return -EINVAL;
}

/*
 * Our additions to upstream's checks: the version must be 2 or 3, id 0
 * is the control channel's, and L2TPv2 carries 16-bit ids.
 */
static int l2tp_nl_check_id(struct genl_info *info, int attrtype, int version)
{
	struct nlattr *attr = info->attrs[attrtype];
	u32 id = nla_get_u32(attr);

	if (id == 0 && (attrtype == L2TP_ATTR_CONN_ID ||
			attrtype == L2TP_ATTR_SESSION_ID)) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr,
				    "id 0 is reserved for control messages");
		return -EINVAL;
	}
	if (version == L2TP_HDR_VER_2 && id > 0xffff) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr,
				    "L2TPv2 ids are 16 bits");
		return -EINVAL;
	}
	return 0;
}

static int l2tp_nl_tunnel_create_doit(struct sk_buff *skb,
				      struct genl_info *info)
{
	struct l2tp_tunnel_cfg cfg = {};
	struct nlattr **attrs = info->attrs;
	struct l2tp_tunnel *tunnel;
	int version, fd = -1;
	int ret;

	if (L2TP_NL_MISSING(info, CONN_ID) ||
	    L2TP_NL_MISSING(info, PEER_CONN_ID) ||
	    L2TP_NL_MISSING(info, PROTO_VERSION) ||
	    L2TP_NL_MISSING(info, ENCAP_TYPE))
		return -EINVAL;

	cfg.encap = nla_get_u16(attrs[L2TP_ATTR_ENCAP_TYPE]);
	if (cfg.encap != L2TP_ENCAPTYPE_UDP && cfg.encap != L2TP_ENCAPTYPE_IP) {
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[L2TP_ATTR_ENCAP_TYPE],
				    "unknown encapsulation");
		return -EINVAL;
	}
	version = nla_get_u8(attrs[L2TP_ATTR_PROTO_VERSION]);
	if (version != L2TP_HDR_VER_2 && version != L2TP_HDR_VER_3) {
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[L2TP_ATTR_PROTO_VERSION],
				    "L2TP version must be 2 or 3");
		return -EINVAL;
	}
	ret = l2tp_nl_check_id(info, L2TP_ATTR_CONN_ID, version);
	if (!ret)
		ret = l2tp_nl_check_id(info, L2TP_ATTR_PEER_CONN_ID, version);
	if (ret)
		return ret;

	/* A managed tunnel's socket comes from userspace, set up. */
	if (attrs[L2TP_ATTR_FD]) {
		fd = nla_get_u32(attrs[L2TP_ATTR_FD]);
	} else {
		ret = l2tp_nl_tunnel_parse_addr(info, &cfg);
		if (ret)
			return ret;
	}

	if (version == L2TP_HDR_VER_2 && cfg.encap == L2TP_ENCAPTYPE_IP) {
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[L2TP_ATTR_ENCAP_TYPE],
				    "L2TPv2 runs over UDP only");
		return -EPROTONOSUPPORT;
	}

	mutex_lock(&l2tp_nl_mutex);
	ret = l2tp_tunnel_create(genl_info_net(info), fd, version,
				 nla_get_u32(attrs[L2TP_ATTR_CONN_ID]),
				 nla_get_u32(attrs[L2TP_ATTR_PEER_CONN_ID]),
				 &cfg, &tunnel, info->extack);
	if (!ret) {
		l2tp_nl_notify(info, L2TP_CMD_TUNNEL_CREATE, tunnel, NULL);
		l2tp_tunnel_put(tunnel);
	}
	mutex_unlock(&l2tp_nl_mutex);
	return ret;
}

/*
 * Synchronous, unlike upstream: when the ack arrives the tunnel, its
 * sessions and their netdevs are gone and its kernel socket is closed,
 * so the same ids and UDP ports can be used again at once.
 */
static int l2tp_nl_tunnel_delete_doit(struct sk_buff *skb,
				      struct genl_info *info)
{
	struct l2tp_tunnel *tunnel;
	int ret;

	mutex_lock(&l2tp_nl_mutex);
	tunnel = l2tp_nl_tunnel_lookup(info, &ret);
	if (tunnel) {
		l2tp_nl_notify(info, L2TP_CMD_TUNNEL_DELETE, tunnel, NULL);
		l2tp_tunnel_delete_sync(tunnel);
		l2tp_tunnel_put(tunnel);
		ret = 0;
	}
	mutex_unlock(&l2tp_nl_mutex);
	return ret;
}

/*
 * Apply the checksum attributes to an unmanaged UDP tunnel. What is not
 * named keeps its current value. IPv4 sockets read UDP_CSUM; IPv6 ones
 * read the ZERO_CSUM6 flags (on when present), and a non-zero UDP_CSUM
 * clears both first. Upstream ignores all of them.
 */
static int l2tp_nl_tunnel_set_csum(struct genl_info *info,
				   struct l2tp_tunnel *tunnel)
{
	struct nlattr *zero_tx = info->attrs[L2TP_ATTR_UDP_ZERO_CSUM6_TX];
	struct nlattr *zero_rx = info->attrs[L2TP_ATTR_UDP_ZERO_CSUM6_RX];
	struct nlattr *csum = info->attrs[L2TP_ATTR_UDP_CSUM];
	struct sock *sk = tunnel->sock;
	bool v4_csum, no_tx, no_rx;

	if (!csum && !zero_tx && !zero_rx)
		return 0;

	if (tunnel->fd >= 0) {
		NL_SET_ERR_MSG_ATTR(info->extack, csum ?: zero_tx ?: zero_rx,
				    "a managed tunnel's socket belongs to userspace");
		return -EINVAL;
	}
	if (tunnel->encap != L2TP_ENCAPTYPE_UDP) {
		NL_SET_ERR_MSG_ATTR(info->extack, csum ?: zero_tx ?: zero_rx,
				    "checksum settings need a UDP tunnel");
		return -EINVAL;
	}

	v4_csum = !sk->sk_no_check_tx;
	no_tx = udp_get_no_check6_tx(sk);
	no_rx = udp_get_no_check6_rx(sk);
	if (sk->sk_family == AF_INET6) {
		if (l2tp_nl_csum_on(csum)) {
			no_tx = false;
			no_rx = false;
		}
		no_tx |= !!zero_tx;
		no_rx |= !!zero_rx;
	} else if (csum) {
		v4_csum = nla_get_u8(csum);
	}
	return l2tp_tunnel_set_udp_csum(tunnel, v4_csum, no_tx, no_rx);
}

static int l2tp_nl_tunnel_modify_doit(struct sk_buff *skb,
				      struct genl_info *info)
{
	struct l2tp_tunnel *tunnel;
	int ret;

	mutex_lock(&l2tp_nl_mutex);
	tunnel = l2tp_nl_tunnel_lookup(info, &ret);
	if (tunnel) {
		ret = l2tp_nl_tunnel_set_csum(info, tunnel);
		if (!ret)
			l2tp_nl_notify(info, L2TP_CMD_TUNNEL_MODIFY, tunnel,
				       NULL);
		l2tp_tunnel_put(tunnel);
	}
	mutex_unlock(&l2tp_nl_mutex);
	return ret;
}

static int l2tp_nl_tunnel_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct l2tp_tunnel *tunnel;
	int ret;

	tunnel = l2tp_nl_tunnel_lookup(info, &ret);
	if (!tunnel)
		return ret;
	/* Upstream sets NLM_F_ACK on this reply (not on SESSION_GET's). */
	ret = l2tp_nl_reply(info, NLM_F_ACK, L2TP_CMD_TUNNEL_GET, tunnel, NULL);
	l2tp_tunnel_put(tunnel);
	return ret;
}

/**
 * struct l2tp_nl_dump_ctx - where a dump resumes, kept in &netlink_callback.ctx
 * @tunnel_id: the next tunnel id to look at
 * @session_id: the next session id to look at in that tunnel
 * @done: the last possible id was reached; stops the wrap to id 0
 *
 * Resuming is a lookup of the next id in an IDR, O(log n), however many
 * objects were dumped before.
 */
struct l2tp_nl_dump_ctx {
	u32 tunnel_id;
	u32 session_id;
	bool done;
};

static struct l2tp_nl_dump_ctx *l2tp_nl_dump_ctx(struct netlink_callback *cb)
{
	BUILD_BUG_ON(sizeof(struct l2tp_nl_dump_ctx) > sizeof(cb->ctx));
	return (struct l2tp_nl_dump_ctx *)cb->ctx;
}

/*
 * What a dump callback returns after it stopped with @err: a full buffer
 * means "call again" (or that one message is larger than a whole buffer,
 * which cannot happen for ours); an empty one ends the dump.
 */
static int l2tp_nl_dump_ret(struct sk_buff *skb, int err)
{
	if (err && !skb->len)
		return err;
	return skb->len;
}

static void l2tp_nl_dump_next_tunnel(struct l2tp_nl_dump_ctx *ctx)
{
	if (ctx->tunnel_id == U32_MAX)
		ctx->done = true;
	ctx->tunnel_id++;
	ctx->session_id = 0;
}

static int l2tp_nl_tunnel_get_dumpit(struct sk_buff *skb,
				     struct netlink_callback *cb)
{
	struct l2tp_nl_dump_ctx *ctx = l2tp_nl_dump_ctx(cb);
	struct net *net = sock_net(skb->sk);
	struct l2tp_tunnel *tunnel;
	int err = 0;

	while (!ctx->done) {
		tunnel = l2tp_tunnel_get_next(net, &ctx->tunnel_id);
		if (!tunnel)
			break;
		err = l2tp_nl_fill(skb, NETLINK_CB(cb->skb).portid,
				   cb->nlh->nlmsg_seq, NLM_F_MULTI,
				   L2TP_CMD_TUNNEL_GET, tunnel, NULL);
		l2tp_tunnel_put(tunnel);
		if (err)
			break;
		l2tp_nl_dump_next_tunnel(ctx);
	}
	return l2tp_nl_dump_ret(skb, err);
}

/*
 * Session 0 of an L2TPv2 tunnel is the PPPoL2TP tunnel socket's own
 * internal session, never shown by upstream.
 */
static bool l2tp_nl_session_hidden(const struct l2tp_session *session)
{
	return session->tunnel->version == L2TP_HDR_VER_2 &&
	       session->session_id == 0;
}

/* Dump the sessions of @tunnel from ctx->session_id on. */
static int l2tp_nl_dump_tunnel_sessions(struct sk_buff *skb,
					struct netlink_callback *cb,
					struct l2tp_tunnel *tunnel)
{
	struct l2tp_nl_dump_ctx *ctx = l2tp_nl_dump_ctx(cb);
	struct l2tp_session *session;
	int err = 0;

	for (;;) {
		session = l2tp_session_get_next(tunnel, &ctx->session_id);
		if (!session)
			return 0;
		if (!l2tp_nl_session_hidden(session))
			err = l2tp_nl_fill(skb, NETLINK_CB(cb->skb).portid,
					   cb->nlh->nlmsg_seq, NLM_F_MULTI,
					   L2TP_CMD_SESSION_GET, tunnel,
					   session);
		l2tp_session_put(session);
		if (err || ctx->session_id == U32_MAX)
			return err;
		ctx->session_id++;
	}
}

static int l2tp_nl_session_get_dumpit(struct sk_buff *skb,
				      struct netlink_callback *cb)
{
	struct l2tp_nl_dump_ctx *ctx = l2tp_nl_dump_ctx(cb);
	struct net *net = sock_net(skb->sk);
	struct l2tp_tunnel *tunnel;
	int err = 0;
	u32 key;

	while (!ctx->done) {
		key = ctx->tunnel_id;
		tunnel = l2tp_tunnel_get_next(net, &ctx->tunnel_id);
		if (!tunnel)
			break;
		/* The tunnel we stopped in is gone: start the next afresh. */
		if (ctx->tunnel_id != key)
			ctx->session_id = 0;
		err = l2tp_nl_dump_tunnel_sessions(skb, cb, tunnel);
		l2tp_tunnel_put(tunnel);
		if (err)
			break;
		l2tp_nl_dump_next_tunnel(ctx);
	}
	return l2tp_nl_dump_ret(skb, err);
}

/* The v3-only parts of a new session's configuration. */
static int l2tp_nl_session_parse_v3(struct genl_info *info,
				    struct l2tp_session_cfg *cfg)
{
	struct nlattr *peer_cookie = info->attrs[L2TP_ATTR_PEER_COOKIE];
	struct nlattr *l2spec = info->attrs[L2TP_ATTR_L2SPEC_TYPE];
	struct nlattr *cookie = info->attrs[L2TP_ATTR_COOKIE];

	cfg->l2specific_type = L2TP_L2SPECTYPE_DEFAULT;
	if (l2spec) {
		cfg->l2specific_type = nla_get_u8(l2spec);
		if (cfg->l2specific_type != L2TP_L2SPECTYPE_NONE &&
		    cfg->l2specific_type != L2TP_L2SPECTYPE_DEFAULT) {
			NL_SET_ERR_MSG_ATTR(info->extack, l2spec,
					    "unknown L2-specific sublayer");
			return -EINVAL;
		}
	}

	/* RFC 3931 §5.4.4: a cookie is 4 or 8 bytes; upstream takes 1..8. */
	if (cookie) {
		cfg->cookie_len = nla_len(cookie);
		if (cfg->cookie_len != 0 && cfg->cookie_len != 4 &&
		    cfg->cookie_len != 8) {
			NL_SET_ERR_MSG_ATTR(info->extack, cookie,
					    "cookie must be 4 or 8 bytes");
			return -EINVAL;
		}
		memcpy(cfg->cookie, nla_data(cookie), cfg->cookie_len);
	}
	if (peer_cookie) {
		cfg->peer_cookie_len = nla_len(peer_cookie);
		if (cfg->peer_cookie_len != 0 && cfg->peer_cookie_len != 4 &&
		    cfg->peer_cookie_len != 8) {
			NL_SET_ERR_MSG_ATTR(info->extack, peer_cookie,
					    "cookie must be 4 or 8 bytes");
			return -EINVAL;
		}
		memcpy(cfg->peer_cookie, nla_data(peer_cookie),
		       cfg->peer_cookie_len);
	}

	if (info->attrs[L2TP_ATTR_IFNAME])
		cfg->ifname = nla_data(info->attrs[L2TP_ATTR_IFNAME]);
	return 0;
}

/*
 * Everything about a new session that does not need its pseudowire.
 * Upstream's order of checks, hence of errnos, is kept: the tunnel is
 * looked up before the other required attributes are checked.
 */
static int l2tp_nl_session_parse(struct genl_info *info,
				 struct l2tp_tunnel *tunnel,
				 struct l2tp_session_cfg *cfg)
{
	struct nlattr **attrs = info->attrs;
	int ret;

	if (L2TP_NL_MISSING(info, SESSION_ID) ||
	    L2TP_NL_MISSING(info, PEER_SESSION_ID) ||
	    L2TP_NL_MISSING(info, PW_TYPE))
		return -EINVAL;

	ret = l2tp_nl_check_id(info, L2TP_ATTR_SESSION_ID, tunnel->version);
	if (!ret)
		ret = l2tp_nl_check_id(info, L2TP_ATTR_PEER_SESSION_ID,
				       tunnel->version);
	if (ret)
		return ret;

	cfg->pw_type = nla_get_u16(attrs[L2TP_ATTR_PW_TYPE]);
	if (cfg->pw_type >= __L2TP_PWTYPE_MAX) {
		NL_SET_ERR_MSG_ATTR(info->extack, attrs[L2TP_ATTR_PW_TYPE],
				    "unknown pseudowire type");
		return -EINVAL;
	}

	if (tunnel->version == L2TP_HDR_VER_2) {
		if (cfg->pw_type != L2TP_PWTYPE_PPP) {
			NL_SET_ERR_MSG_ATTR(info->extack, attrs[L2TP_ATTR_PW_TYPE],
					    "L2TPv2 carries PPP only");
			return -EPROTONOSUPPORT;
		}
	} else {
		ret = l2tp_nl_session_parse_v3(info, cfg);
		if (ret)
			return ret;
	}

	cfg->recv_seq = attrs[L2TP_ATTR_RECV_SEQ] &&
			nla_get_u8(attrs[L2TP_ATTR_RECV_SEQ]);
	cfg->send_seq = attrs[L2TP_ATTR_SEND_SEQ] &&
			nla_get_u8(attrs[L2TP_ATTR_SEND_SEQ]);
	cfg->lns_mode = attrs[L2TP_ATTR_LNS_MODE] &&
			nla_get_u8(attrs[L2TP_ATTR_LNS_MODE]);
	if (attrs[L2TP_ATTR_RECV_TIMEOUT])
		cfg->reorder_timeout =
			nla_get_msecs(attrs[L2TP_ATTR_RECV_TIMEOUT]);
	return 0;
}

/*
 * The pseudowire module may not be loaded yet: ask for it by its alias.
 * modprobe runs under l2tp_nl_mutex, which its module init never takes.
 */
static const struct l2tp_pw_ops *l2tp_nl_pw_get(enum l2tp_pwtype type)
{
	const struct l2tp_pw_ops *ops = l2tp_pw_get(type);

	if (!ops) {
		request_module("net-l2tp-type-%u", type);
		ops = l2tp_pw_get(type);
	}
	return ops;
}

static int l2tp_nl_session_create_doit(struct sk_buff *skb,
				       struct genl_info *info)
{
	const struct l2tp_pw_ops *ops = NULL;
	struct l2tp_session_cfg cfg = {};
	struct l2tp_session *session;
	struct l2tp_tunnel *tunnel;
	u32 session_id;
	int ret;

	mutex_lock(&l2tp_nl_mutex);
	tunnel = l2tp_nl_tunnel_lookup(info, &ret);
	if (!tunnel)
		goto out_unlock;

	ret = l2tp_nl_session_parse(info, tunnel, &cfg);
	if (ret)
		goto out_tunnel;

	ops = l2tp_nl_pw_get(cfg.pw_type);
	if (!ops) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[L2TP_ATTR_PW_TYPE],
				    "pseudowire type not available");
		ret = -EPROTONOSUPPORT;
		goto out_tunnel;
	}

	session_id = nla_get_u32(info->attrs[L2TP_ATTR_SESSION_ID]);
	ret = ops->session_create(genl_info_net(info), tunnel, session_id,
				  nla_get_u32(info->attrs[L2TP_ATTR_PEER_SESSION_ID]),
				  &cfg, info->extack);
	l2tp_pw_put(ops);
	if (ret)
		goto out_tunnel;

	/* Already deleted again through another path: nothing to tell. */
	session = l2tp_tunnel_get_session(tunnel, session_id);
	if (session) {
		l2tp_nl_notify(info, L2TP_CMD_SESSION_CREATE, tunnel, session);
		l2tp_session_put(session);
	}

out_tunnel:
	l2tp_tunnel_put(tunnel);
out_unlock:
	mutex_unlock(&l2tp_nl_mutex);
	return ret;
}

static int l2tp_nl_session_delete_doit(struct sk_buff *skb,
				       struct genl_info *info)
{
	struct l2tp_session *session;

	mutex_lock(&l2tp_nl_mutex);
	session = l2tp_nl_session_lookup(info);
	if (session) {
		l2tp_nl_notify(info, L2TP_CMD_SESSION_DELETE,
			       session->tunnel, session);
		l2tp_session_delete_sync(session);
		l2tp_session_put(session);
	}
	mutex_unlock(&l2tp_nl_mutex);
	return session ? 0 : -ENODEV;
}

/* -1 tells l2tp_session_set_seq() to leave a setting as it is. */
static int l2tp_nl_seq_arg(const struct nlattr *attr)
{
	return attr ? !!nla_get_u8(attr) : -1;
}

static int l2tp_nl_session_modify_doit(struct sk_buff *skb,
				       struct genl_info *info)
{
	struct nlattr *timeout = info->attrs[L2TP_ATTR_RECV_TIMEOUT];
	struct l2tp_session *session;

	mutex_lock(&l2tp_nl_mutex);
	session = l2tp_nl_session_lookup(info);
	if (session) {
		l2tp_session_set_seq(session,
				     l2tp_nl_seq_arg(info->attrs[L2TP_ATTR_RECV_SEQ]),
				     l2tp_nl_seq_arg(info->attrs[L2TP_ATTR_SEND_SEQ]),
				     l2tp_nl_seq_arg(info->attrs[L2TP_ATTR_LNS_MODE]));
		if (timeout)
			WRITE_ONCE(session->reorder_timeout,
				   nla_get_msecs(timeout));
		l2tp_nl_notify(info, L2TP_CMD_SESSION_MODIFY,
			       session->tunnel, session);
		l2tp_session_put(session);
	}
	mutex_unlock(&l2tp_nl_mutex);
	return session ? 0 : -ENODEV;
}

static int l2tp_nl_session_get_doit(struct sk_buff *skb,
				    struct genl_info *info)
{
	struct l2tp_session *session;
	int ret;

	session = l2tp_nl_session_lookup(info);
	if (!session)
		return -ENODEV;
	ret = l2tp_nl_reply(info, 0, L2TP_CMD_SESSION_GET, session->tunnel,
			    session);
	l2tp_session_put(session);
	return ret;
}

/*
 * Liberal validation as upstream: strict validation would reject the
 * attributes clients send to ops that do not read them.
 */
#define L2TP_NL_LEGACY		(GENL_DONT_VALIDATE_STRICT | GENL_DONT_VALIDATE_DUMP)

static const struct genl_ops l2tp_nl_ops[] = {
	{
		/* Unprivileged: lets anyone probe for the family. */
		.cmd		= L2TP_CMD_NOOP,
		.validate	= L2TP_NL_LEGACY,
		.doit		= l2tp_nl_noop_doit,
	},
	{
		.cmd		= L2TP_CMD_TUNNEL_CREATE,
		.validate	= L2TP_NL_LEGACY,
		.flags		= GENL_UNS_ADMIN_PERM,
		.doit		= l2tp_nl_tunnel_create_doit,
		.policy		= l2tp_nl_tunnel_create_policy,
		.maxattr	= ARRAY_SIZE(l2tp_nl_tunnel_create_policy) - 1,
	},
	{
		.cmd		= L2TP_CMD_TUNNEL_DELETE,
		.validate	= L2TP_NL_LEGACY,
		.flags		= GENL_UNS_ADMIN_PERM,
		.doit		= l2tp_nl_tunnel_delete_doit,
		.policy		= l2tp_nl_tunnel_id_policy,
		.maxattr	= ARRAY_SIZE(l2tp_nl_tunnel_id_policy) - 1,
	},
	{
		.cmd		= L2TP_CMD_TUNNEL_MODIFY,
		.validate	= L2TP_NL_LEGACY,
		.flags		= GENL_UNS_ADMIN_PERM,
		.doit		= l2tp_nl_tunnel_modify_doit,
		.policy		= l2tp_nl_tunnel_modify_policy,
		.maxattr	= ARRAY_SIZE(l2tp_nl_tunnel_modify_policy) - 1,
	},
	{
		.cmd		= L2TP_CMD_TUNNEL_GET,
		.validate	= L2TP_NL_LEGACY,
		.flags		= GENL_UNS_ADMIN_PERM,
		.doit		= l2tp_nl_tunnel_get_doit,
		.dumpit		= l2tp_nl_tunnel_get_dumpit,
		.policy		= l2tp_nl_tunnel_id_policy,
		.maxattr	= ARRAY_SIZE(l2tp_nl_tunnel_id_policy) - 1,
	},
	{
		.cmd		= L2TP_CMD_SESSION_CREATE,
		.validate	= L2TP_NL_LEGACY,
		.flags		= GENL_UNS_ADMIN_PERM,
		.doit		= l2tp_nl_session_create_doit,
		.policy		= l2tp_nl_session_create_policy,
		.maxattr	= ARRAY_SIZE(l2tp_nl_session_create_policy) - 1,
	},
	{
		.cmd		= L2TP_CMD_SESSION_DELETE,
		.validate	= L2TP_NL_LEGACY,
		.flags		= GENL_UNS_ADMIN_PERM,
		.doit		= l2tp_nl_session_delete_doit,
		.policy		= l2tp_nl_session_id_policy,
		.maxattr	= ARRAY_SIZE(l2tp_nl_session_id_policy) - 1,
	},
	{
		.cmd		= L2TP_CMD_SESSION_MODIFY,
		.validate	= L2TP_NL_LEGACY,
		.flags		= GENL_UNS_ADMIN_PERM,
		.doit		= l2tp_nl_session_modify_doit,
		.policy		= l2tp_nl_session_modify_policy,
		.maxattr	= ARRAY_SIZE(l2tp_nl_session_modify_policy) - 1,
	},
	{
		.cmd		= L2TP_CMD_SESSION_GET,
		.validate	= L2TP_NL_LEGACY,
		.flags		= GENL_UNS_ADMIN_PERM,
		.doit		= l2tp_nl_session_get_doit,
		.dumpit		= l2tp_nl_session_get_dumpit,
		.policy		= l2tp_nl_session_id_policy,
		.maxattr	= ARRAY_SIZE(l2tp_nl_session_id_policy) - 1,
	},
};

static struct genl_family l2tp_nl_family __ro_after_init = {
	.module		= THIS_MODULE,
	.name		= L2TP_GENL_NAME,
	.version	= L2TP_GENL_VERSION,
	.maxattr	= L2TP_ATTR_MAX,
	.hdrsize	= 0,
	.netnsok	= true,
	.parallel_ops	= true,
	.ops		= l2tp_nl_ops,
	.n_ops		= ARRAY_SIZE(l2tp_nl_ops),
	.resv_start_op	= L2TP_CMD_SESSION_GET + 1,
	.mcgrps		= l2tp_nl_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(l2tp_nl_mcgrps),
};

static int __init l2tp_nl_init(void)
{
	return genl_register_family(&l2tp_nl_family);
}

static void __exit l2tp_nl_exit(void)
{
	genl_unregister_family(&l2tp_nl_family);
}

module_init(l2tp_nl_init);
module_exit(l2tp_nl_exit);

MODULE_DESCRIPTION("L2TP generic netlink interface (\"l2tp\" family)");
MODULE_LICENSE("GPL");
MODULE_ALIAS_GENL_FAMILY("l2tp");
