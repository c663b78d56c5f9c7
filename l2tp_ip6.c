// SPDX-License-Identifier: GPL-2.0-only
/*
 * L2TPv3 directly over IPv6 (next header 115, RFC 3931 section 4.1.1):
 * the protocol handlers for received frames and ICMPv6 errors, and the
 * L2TPIP socket family for IPv6, socket(AF_INET6, SOCK_DGRAM,
 * IPPROTO_L2TP).
 *
 * This file holds only what is about IPv6 addresses: sockaddr_l2tpip6
 * checks (scope ids, flow labels, no v4-mapped peers), bind, connect,
 * getname, sending control messages with the IPv6 ancillary data and
 * MSG_MORE corking, and reading IPv6 headers. Everything else is shared
 * with l2tp_ip through l2tp_ip_common.h; data frames are l2tp_core's.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/icmpv6.h>
#include <linux/in6.h>
#include <linux/l2tp.h>
#include <linux/module.h>
#include <linux/net.h>
#include <net/addrconf.h>
#include <net/inet_common.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/ndisc.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <net/protocol.h>
#include <net/transp_v6.h>

#include "l2tp_ip_common.h"

/**
 * struct l2tp_ip6_sock - an IPv6 L2TPIP socket
 * @l2tp: the part both families share; first, as it starts with the
 *	inet socket
 * @inet6: the IPv6 state, found through &struct proto.ipv6_pinfo_offset
 */
struct l2tp_ip6_sock {
	struct l2tp_ip_sock l2tp;
	struct ipv6_pinfo inet6;
};

static unsigned int l2tp_ip6_net_id __read_mostly;

static struct l2tp_ip_net *l2tp_ip6_pernet(const struct net *net)
{
	return net_generic(net, l2tp_ip6_net_id);
}

static struct l2tp_ip_net *l2tp_ip6_sk_pernet(const struct sock *sk)
{
	return l2tp_ip6_pernet(sock_net(sk));
}

/* ------------------------------------------------ family callbacks */

/* -1: @mine is set and differs from a set @want; else 1 if set, 0 if not. */
static int l2tp_ip6_addr_score(const struct in6_addr *mine,
			       const struct in6_addr *want)
{
	if (ipv6_addr_any(mine))
		return 0;
	if (!ipv6_addr_any(want) && !ipv6_addr_equal(mine, want))
		return -1;
	return 1;
}

static int l2tp_ip6_score(const struct sock *sk, const struct l2tp_ip_ends *e)
{
	int dev = READ_ONCE(sk->sk_bound_dev_if);
	int score = 0, s;

	if (dev) {
		if (e->dif && e->dif != dev)
			return -1;
		score++;
	}
	s = l2tp_ip6_addr_score(&sk->sk_v6_rcv_saddr, &e->laddr.v6);
	if (s < 0)
		return -1;
	score += s;
	s = l2tp_ip6_addr_score(&sk->sk_v6_daddr, &e->raddr.v6);
	if (s < 0)
		return -1;
	return score + s;
}

static void l2tp_ip6_rcv_ends(const struct sk_buff *skb,
			      struct l2tp_ip_ends *e)
{
	const struct ipv6hdr *ip6h = ipv6_hdr(skb);

	*e = (struct l2tp_ip_ends){
		.laddr.v6 = ip6h->daddr,
		.raddr.v6 = ip6h->saddr,
		.dif = inet6_iif(skb),
	};
}

static u32 l2tp_ip6_peer_key(const struct sock *sk)
{
	return ipv6_addr_hash(&sk->sk_v6_daddr);
}

/* As a raw IPv6 socket is told, error queue (IPV6_RECVERR) included. */
static void l2tp_ip6_report(struct sock *sk, struct sk_buff *skb, u8 type,
			    u8 code, u32 info, u8 *payload)
{
	bool recverr = inet6_test_bit(RECVERR6, sk);
	bool harderr;
	int err;

	harderr = icmpv6_err_convert(type, code, &err);
	if (type == ICMPV6_PKT_TOOBIG)
		harderr = READ_ONCE(inet6_sk(sk)->pmtudisc) == IPV6_PMTUDISC_DO;
	if (recverr)
		ipv6_icmp_error(sk, skb, err, 0, info, payload);
	if (!recverr && !harderr)
		return;
	WRITE_ONCE(sk->sk_err, err);
	sk_error_report(sk);
}

static const struct l2tp_ip_family l2tp_ip6_family = {
	.family = AF_INET6,
	.score = l2tp_ip6_score,
	.rcv_ends = l2tp_ip6_rcv_ends,
	.peer_key = l2tp_ip6_peer_key,
	.connect = __ip6_datagram_connect,
	.report = l2tp_ip6_report,
};

/* ------------------------------------------------ protocol handlers */

static int l2tp_ip6_rcv(struct sk_buff *skb)
{
	return l2tp_ip_rcv(l2tp_ip6_pernet(dev_net(skb->dev)), skb);
}

/*
 * An ICMPv6 error about one of our frames: the path MTU and redirects
 * are learnt for the destination (the tunnels' data traffic uses them
 * too), and the connected sockets concerned are told. Upstream ignores
 * these errors.
 */
static int l2tp_ip6_err(struct sk_buff *skb, struct inet6_skb_parm *opt,
			u8 type, u8 code, int offset, __be32 info)
{
	const struct ipv6hdr *ip6h = (const struct ipv6hdr *)skb->data;
	struct net *net = dev_net(skb->dev);
	struct l2tp_ip_ends e = {
		.laddr.v6 = ip6h->saddr,
		.raddr.v6 = ip6h->daddr,
	};

	if (type == ICMPV6_PKT_TOOBIG) {
		ip6_update_pmtu(skb, net, info, 0, 0, sock_net_uid(net, NULL));
	} else if (type == NDISC_REDIRECT) {
		ip6_redirect(skb, net, skb->dev->ifindex, 0,
			     sock_net_uid(net, NULL));
		return 0;
	}
	l2tp_ip_err_fanout(l2tp_ip6_pernet(net), skb, offset,
			   ipv6_addr_hash(&ip6h->daddr), &e, type, code,
			   ntohl(info));
	return 0;
}

/* ------------------------------------------------ socket calls */

/*
 * Where the bound address must be: any, or one of this host's, with an
 * interface for a link-local one (the scope id, else the bound device).
 * Returns the device to bind to in @dev.
 */
static int l2tp_ip6_bind_check(struct sock *sk,
			       const struct sockaddr_l2tpip6 *sa, int type,
			       int *dev)
{
	struct net_device *ndev = NULL;
	int err = 0;

	if (type == IPV6_ADDR_ANY)
		return 0;

	rcu_read_lock();
	if (type & IPV6_ADDR_LINKLOCAL) {
		if (sa->l2tp_scope_id)
			*dev = sa->l2tp_scope_id;
		err = -EINVAL;
		if (!*dev)
			goto out;
		err = -ENODEV;
		ndev = dev_get_by_index_rcu(sock_net(sk), *dev);
		if (!ndev)
			goto out;
	}
	err = 0;
	if (!ipv6_chk_addr(sock_net(sk), &sa->l2tp_addr, ndev, 0))
		err = -EADDRNOTAVAIL;
out:
	rcu_read_unlock();
	return err;
}

static int l2tp_ip6_bind(struct sock *sk, struct sockaddr *uaddr, int len)
{
	struct sockaddr_l2tpip6 *sa = (struct sockaddr_l2tpip6 *)uaddr;
	int old_dev = sk->sk_bound_dev_if, dev = old_dev;
	struct ipv6_pinfo *np = inet6_sk(sk);
	struct inet_sock *inet = inet_sk(sk);
	struct l2tp_ip_ends want = {};
	int type, err;

	if (len < sizeof(*sa) || sa->l2tp_family != AF_INET6)
		return -EINVAL;
	type = ipv6_addr_type(&sa->l2tp_addr);
	/* IPv6 only, and point to point: no v4-mapped, no multicast. */
	if (type & (IPV6_ADDR_MAPPED | IPV6_ADDR_MULTICAST))
		return -EADDRNOTAVAIL;

	lock_sock(sk);
	/* Checked under the lock: concurrent binds raced (CVE-2016-10200). */
	err = -EINVAL;
	if (l2tp_ip_sk(sk)->bound || sk->sk_state != TCP_CLOSE)
		goto out;
	err = l2tp_ip6_bind_check(sk, sa, type, &dev);
	if (err)
		goto out;

	/* As inet6_bind(): a v6 address leaves no usable IPv4 source. */
	inet->inet_rcv_saddr = type == IPV6_ADDR_ANY ? 0 : LOOPBACK4_IPV6;
	inet->inet_saddr = inet->inet_rcv_saddr;
	sk->sk_v6_rcv_saddr = sa->l2tp_addr;
	np->saddr = sa->l2tp_addr;
	WRITE_ONCE(sk->sk_bound_dev_if, dev);
	want.laddr.v6 = sa->l2tp_addr;
	want.dif = dev;
	err = l2tp_ip_hash_bound(l2tp_ip6_sk_pernet(sk), sk, sa->l2tp_conn_id,
				 &want);
	if (err) {
		inet->inet_rcv_saddr = 0;
		inet->inet_saddr = 0;
		sk->sk_v6_rcv_saddr = in6addr_any;
		np->saddr = in6addr_any;
		WRITE_ONCE(sk->sk_bound_dev_if, old_dev);
		goto out;
	}
	if (type != IPV6_ADDR_ANY)
		sk->sk_userlocks |= SOCK_BINDADDR_LOCK;
	sk_dst_reset(sk);
out:
	release_sock(sk);
	return err;
}

/*
 * An IPv6 socket connects to IPv6 peers only. Upstream lets a v4-mapped
 * peer through, after which the tunnel sends over IPv4 while its control
 * frames are demultiplexed among the IPv4 sockets (bug class 20); here
 * that is ENETUNREACH, as for any IPv6-only datagram socket.
 */
static int l2tp_ip6_connect(struct sock *sk, struct sockaddr *uaddr, int len)
{
	struct sockaddr_l2tpip6 *sa = (struct sockaddr_l2tpip6 *)uaddr;
	struct sockaddr_in6 sin6 = {};
	int type;

	if (len < sizeof(*sa) || sa->l2tp_family != AF_INET6)
		return -EINVAL;
	type = ipv6_addr_type(&sa->l2tp_addr);
	if (type & IPV6_ADDR_MULTICAST)
		return -EINVAL;
	if (type & IPV6_ADDR_MAPPED) {
		if (ipv4_is_multicast(sa->l2tp_addr.s6_addr32[3]))
			return -EINVAL;
		return -ENETUNREACH;
	}

	/* There are no ports: l2tp_unused is not passed on. */
	sin6.sin6_family = AF_INET6;
	sin6.sin6_flowinfo = sa->l2tp_flowinfo;
	sin6.sin6_addr = sa->l2tp_addr;
	sin6.sin6_scope_id = sa->l2tp_scope_id;
	return l2tp_ip_connect(l2tp_ip6_sk_pernet(sk), sk,
			       (struct sockaddr *)&sin6, sizeof(sin6),
			       sa->l2tp_conn_id);
}

static int l2tp_ip6_disconnect(struct sock *sk, int flags)
{
	return l2tp_ip_disconnect(l2tp_ip6_sk_pernet(sk), sk);
}

static void l2tp_ip6_unhash(struct sock *sk)
{
	l2tp_ip_unhash(l2tp_ip6_sk_pernet(sk), sk);
}

static void l2tp_ip6_destroy(struct sock *sk)
{
	/* A message corked with MSG_MORE, and the route it holds. */
	lock_sock(sk);
	ip6_flush_pending_frames(sk);
	release_sock(sk);
	l2tp_ip_sk_delete_tunnel(sk);
}

/*
 * getsockname/getpeername. The peer is reported once connected; upstream
 * tests the peer's connection id instead, so it says ENOTCONN for a peer
 * connected with id 0 and keeps reporting a peer after disconnect.
 */
static int l2tp_ip6_getname(struct socket *sock, struct sockaddr *uaddr,
			    int peer)
{
	struct sockaddr_l2tpip6 *sa = (struct sockaddr_l2tpip6 *)uaddr;
	struct sock *sk = sock->sk;
	const struct l2tp_ip_sock *lsk = l2tp_ip_sk(sk);
	const struct ipv6_pinfo *np = inet6_sk(sk);

	memset(sa, 0, sizeof(*sa));
	sa->l2tp_family = AF_INET6;
	if (peer) {
		if (READ_ONCE(sk->sk_state) != TCP_ESTABLISHED)
			return -ENOTCONN;
		sa->l2tp_addr = sk->sk_v6_daddr;
		sa->l2tp_conn_id = READ_ONCE(lsk->peer_conn_id);
		if (inet6_test_bit(SNDFLOW, sk))
			sa->l2tp_flowinfo = np->flow_label;
	} else {
		if (ipv6_addr_any(&sk->sk_v6_rcv_saddr))
			sa->l2tp_addr = np->saddr;
		else
			sa->l2tp_addr = sk->sk_v6_rcv_saddr;
		sa->l2tp_conn_id = lsk->conn_id;
	}
	if (ipv6_addr_type(&sa->l2tp_addr) & IPV6_ADDR_LINKLOCAL)
		sa->l2tp_scope_id = READ_ONCE(sk->sk_bound_dev_if);
	return sizeof(*sa);
}

/*
 * The destination of a message, from msg_name or else the connected
 * peer, into @fl6: address, flow label (taking a reference on a label
 * the socket holds, in *@flowlabel) and, for a link-local address with
 * a scope id, the interface.
 */
static int l2tp_ip6_msg_dest(struct sock *sk, struct msghdr *msg,
			     struct flowi6 *fl6,
			     struct ip6_flowlabel **flowlabel)
{
	DECLARE_SOCKADDR(struct sockaddr_l2tpip6 *, sa, msg->msg_name);
	struct ip6_flowlabel *fl;

	if (!sa) {
		if (READ_ONCE(sk->sk_state) != TCP_ESTABLISHED)
			return -EDESTADDRREQ;
		fl6->daddr = sk->sk_v6_daddr;
		fl6->flowlabel = inet6_sk(sk)->flow_label;
		return 0;
	}

	/* Without scope id and connection id, the RFC 2133 size will do. */
	if (msg->msg_namelen < SIN6_LEN_RFC2133)
		return -EINVAL;
	if (sa->l2tp_family != AF_INET6 && sa->l2tp_family != AF_UNSPEC)
		return -EAFNOSUPPORT;
	fl6->daddr = sa->l2tp_addr;
	if (inet6_test_bit(SNDFLOW, sk)) {
		fl6->flowlabel = sa->l2tp_flowinfo & IPV6_FLOWINFO_MASK;
		if (fl6->flowlabel & IPV6_FLOWLABEL_MASK) {
			fl = fl6_sock_lookup(sk, fl6->flowlabel);
			if (IS_ERR(fl))
				return -EINVAL;
			*flowlabel = fl;
		}
	}
	if (msg->msg_namelen >= sizeof(struct sockaddr_in6) &&
	    sa->l2tp_scope_id &&
	    (ipv6_addr_type(&fl6->daddr) & IPV6_ADDR_LINKLOCAL))
		fl6->flowi6_oif = sa->l2tp_scope_id;
	return 0;
}

/*
 * Send what is corked: the session id ip6_append_data() left room for
 * in front of the first fragment is written now, as zeros.
 */
static int l2tp_ip6_push(struct sock *sk)
{
	struct sk_buff *skb = skb_peek(&sk->sk_write_queue);

	if (!skb)
		return 0;
	memset(skb_transport_header(skb), 0, L2TP_V3_SESSION_LEN);
	return ip6_push_pending_frames(sk);
}

/*
 * Queue @len bytes of message and, unless MSG_MORE asks to cork, send.
 * Only the first piece of a corked message carries the session id, so
 * only that piece's length counts it (bug class 18).
 */
static int l2tp_ip6_append(struct sock *sk, struct msghdr *msg, size_t len,
			   struct ipcm6_cookie *ipc6, struct flowi6 *fl6,
			   struct dst_entry *dst)
{
	int hlen = L2TP_V3_SESSION_LEN;
	int err;

	lock_sock(sk);
	if (!skb_queue_empty(&sk->sk_write_queue))
		hlen = 0;
	err = ip6_append_data(sk, ip_generic_getfrag, msg, len + hlen,
			      L2TP_V3_SESSION_LEN, ipc6, fl6,
			      dst_rt6_info(dst), msg->msg_flags);
	if (err)
		ip6_flush_pending_frames(sk);
	else if (!(msg->msg_flags & MSG_MORE))
		err = l2tp_ip6_push(sk);
	release_sock(sk);
	return err;
}

/*
 * Route a message whose destination, marks and options are in @fl6 and
 * @ipc6: the flow is completed from the socket (source address, output
 * interface, protocol, traffic class), then looked up, IPsec included.
 */
static struct dst_entry *l2tp_ip6_route(struct sock *sk, struct flowi6 *fl6,
					struct ipcm6_cookie *ipc6)
{
	const struct ipv6_pinfo *np = inet6_sk(sk);
	struct in6_addr *final_p, final;
	struct dst_entry *dst;

	fl6->flowi6_proto = sk->sk_protocol;
	/* As for other datagram sockets, :: stands for the loopback. */
	if (ipv6_addr_any(&fl6->daddr))
		fl6->daddr = in6addr_loopback;
	if (ipv6_addr_any(&fl6->saddr))
		fl6->saddr = np->saddr;
	final_p = fl6_update_dst(fl6, ipc6->opt, &final);
	if (!fl6->flowi6_oif) {
		if (ipv6_addr_is_multicast(&fl6->daddr))
			fl6->flowi6_oif = READ_ONCE(np->mcast_oif);
		else
			fl6->flowi6_oif = READ_ONCE(np->ucast_oif);
	}
	fl6->flowlabel = ip6_make_flowinfo(ipc6->tclass, fl6->flowlabel);
	security_sk_classify_flow(sk, flowi6_to_flowi_common(fl6));

	dst = ip6_dst_lookup_flow(sock_net(sk), sk, fl6, final_p);
	if (!IS_ERR(dst) && ipc6->hlimit < 0)
		ipc6->hlimit = ip6_sk_dst_hoplimit(inet6_sk(sk), fl6, dst);
	return dst;
}

/*
 * Send a control message. Ancillary data (IPV6_PKTINFO, hop limit,
 * traffic class, extension headers, flow labels) is honoured as for a
 * raw IPv6 socket; MSG_MORE corks; MSG_CONFIRM|MSG_PROBE confirms the
 * neighbour without sending when empty.
 */
static int l2tp_ip6_sendmsg(struct sock *sk, struct msghdr *msg, size_t len)
{
	struct ipv6_txoptions opt_space, *opt = NULL, *sk_opt = NULL;
	struct ip6_flowlabel *flowlabel = NULL;
	struct ipcm6_cookie ipc6;
	struct flowi6 fl6 = {};
	struct dst_entry *dst;
	int err;

	/* ip6_append_data() takes an int length, session id included. */
	if (len > INT_MAX - L2TP_V3_SESSION_LEN)
		return -EMSGSIZE;
	if (msg->msg_flags & MSG_OOB)
		return -EOPNOTSUPP;

	fl6.flowi6_mark = READ_ONCE(sk->sk_mark);
	fl6.flowi6_uid = sk->sk_uid;
	ipcm6_init_sk(&ipc6, sk);
	err = l2tp_ip6_msg_dest(sk, msg, &fl6, &flowlabel);
	if (err)
		return err;
	if (!fl6.flowi6_oif)
		fl6.flowi6_oif = READ_ONCE(sk->sk_bound_dev_if);

	/* Extension headers: from the cmsgs if any, else the socket's. */
	if (msg->msg_controllen) {
		memset(&opt_space, 0, sizeof(opt_space));
		opt_space.tot_len = sizeof(opt_space);
		ipc6.opt = &opt_space;
		err = ip6_datagram_send_ctl(sock_net(sk), sk, msg, &fl6, &ipc6);
		if (err < 0)
			goto out;
		if (opt_space.opt_nflen || opt_space.opt_flen)
			opt = &opt_space;
		if (!flowlabel && (fl6.flowlabel & IPV6_FLOWLABEL_MASK)) {
			flowlabel = fl6_sock_lookup(sk, fl6.flowlabel);
			if (IS_ERR(flowlabel)) {
				flowlabel = NULL;
				err = -EINVAL;
				goto out;
			}
		}
	}
	if (!opt) {
		sk_opt = txopt_get(inet6_sk(sk));
		opt = sk_opt;
	}
	/* A flow label may bring its own options along. */
	if (flowlabel)
		opt = fl6_merge_options(&opt_space, flowlabel, opt);
	ipc6.opt = ipv6_fixup_options(&opt_space, opt);

	dst = l2tp_ip6_route(sk, &fl6, &ipc6);
	if (IS_ERR(dst)) {
		err = PTR_ERR(dst);
		goto out;
	}
	if ((msg->msg_flags & (MSG_CONFIRM | MSG_PROBE)) ==
	    (MSG_CONFIRM | MSG_PROBE)) {
		dst_confirm_neigh(dst, &fl6.daddr);
		if (!len)
			goto out_dst;
	}
	err = l2tp_ip6_append(sk, msg, len, &ipc6, &fl6, dst);
out_dst:
	dst_release(dst);
out:
	fl6_sock_release(flowlabel);
	txopt_put(sk_opt);
	if (err < 0)
		return err;
	return len;
}

/* The source of a received message, in a sockaddr_l2tpip6. */
static void l2tp_ip6_recv_name(struct sock *sk, struct msghdr *msg,
			       struct sk_buff *skb, int *addr_len)
{
	DECLARE_SOCKADDR(struct sockaddr_l2tpip6 *, sa, msg->msg_name);

	if (sa) {
		const struct in6_addr *src = &ipv6_hdr(skb)->saddr;

		/* Every byte is set: no padding in this layout. */
		*sa = (struct sockaddr_l2tpip6){
			.l2tp_family = AF_INET6,
			.l2tp_addr = *src,
		};
		if (ipv6_addr_type(src) & IPV6_ADDR_LINKLOCAL)
			sa->l2tp_scope_id = inet6_iif(skb);
		*addr_len = sizeof(*sa);
	}
	if (inet6_sk(sk)->rxopt.all)
		ip6_datagram_recv_ctl(sk, msg, skb);
}

static int l2tp_ip6_recvmsg(struct sock *sk, struct msghdr *msg, size_t len,
			    int flags, int *addr_len)
{
	if (flags & MSG_OOB)
		return -EOPNOTSUPP;
	if (flags & MSG_ERRQUEUE)
		return ipv6_recv_error(sk, msg, len, addr_len);
	return l2tp_ip_recvmsg(sk, msg, len, flags, addr_len,
			       l2tp_ip6_recv_name);
}

/* ------------------------------------------------ registration */

static struct proto l2tp_ip6_proto = {
	.name = "L2TP/IPv6",
	.owner = THIS_MODULE,
	.obj_size = sizeof(struct l2tp_ip6_sock),
	.ipv6_pinfo_offset = offsetof(struct l2tp_ip6_sock, inet6),
	.init = l2tp_ip_sk_init,
	.destroy = l2tp_ip6_destroy,
	.close = l2tp_ip_close,
	.unhash = l2tp_ip6_unhash,
	.bind = l2tp_ip6_bind,
	.connect = l2tp_ip6_connect,
	.disconnect = l2tp_ip6_disconnect,
	.sendmsg = l2tp_ip6_sendmsg,
	.recvmsg = l2tp_ip6_recvmsg,
	.backlog_rcv = l2tp_ip_backlog_rcv,
	.ioctl = l2tp_ip_ioctl,
	.setsockopt = ipv6_setsockopt,
	.getsockopt = ipv6_getsockopt,
};

static const struct proto_ops l2tp_ip6_sock_ops = {
	.owner = THIS_MODULE,
	.family = PF_INET6,
	.release = inet6_release,
	.bind = inet6_bind,
	.connect = inet_dgram_connect,
	.getname = l2tp_ip6_getname,
	.sendmsg = inet_sendmsg,
	.recvmsg = sock_common_recvmsg,
	.poll = datagram_poll,
	.ioctl = inet6_ioctl,
#ifdef CONFIG_COMPAT
	.compat_ioctl = inet6_compat_ioctl,
#endif
	.gettstamp = sock_gettstamp,
	.setsockopt = sock_common_setsockopt,
	.getsockopt = sock_common_getsockopt,
	.shutdown = inet_shutdown,
	.listen = sock_no_listen,
	.accept = sock_no_accept,
	.socketpair = sock_no_socketpair,
	.mmap = sock_no_mmap,
};

static struct inet_protosw l2tp_ip6_sw = {
	.type = SOCK_DGRAM,
	.protocol = IPPROTO_L2TP,
	.prot = &l2tp_ip6_proto,
	.ops = &l2tp_ip6_sock_ops,
};

/*
 * Without NOPOLICY the IPv6 layer applies the IPsec policy first. FINAL
 * (upstream does not set it) because L2TP is a transport here, not an
 * extension header: the IPv6 layer then fixes up CHECKSUM_COMPLETE for
 * the pulled header and drops multicast we have not joined.
 */
static const struct inet6_protocol l2tp_ip6_handlers = {
	.handler = l2tp_ip6_rcv,
	.err_handler = l2tp_ip6_err,
	.flags = INET6_PROTO_FINAL,
};

static int __net_init l2tp_ip6_net_init(struct net *net)
{
	return l2tp_ip_net_init(l2tp_ip6_pernet(net), &l2tp_ip6_family);
}

static void __net_exit l2tp_ip6_net_exit(struct net *net)
{
	l2tp_ip_net_exit(l2tp_ip6_pernet(net));
}

static struct pernet_operations l2tp_ip6_pernet_ops = {
	.init = l2tp_ip6_net_init,
	.exit = l2tp_ip6_net_exit,
	.id = &l2tp_ip6_net_id,
	.size = sizeof(struct l2tp_ip_net),
};

static int __init l2tp_ip6_init(void)
{
	int err;

	/* The module aliases below spell these numbers out. */
	BUILD_BUG_ON(IPPROTO_L2TP != 115 || SOCK_DGRAM != 2);

	err = register_pernet_subsys(&l2tp_ip6_pernet_ops);
	if (err)
		return err;
	err = proto_register(&l2tp_ip6_proto, 1);
	if (err)
		goto err_pernet;
	if (inet6_add_protocol(&l2tp_ip6_handlers, IPPROTO_L2TP)) {
		err = -EBUSY;
		goto err_proto;
	}
	err = inet6_register_protosw(&l2tp_ip6_sw);
	if (err)
		goto err_protocol;
	pr_info("L2TPv3 over IPv6 (next header 115)\n");
	return 0;

err_protocol:
	inet6_del_protocol(&l2tp_ip6_handlers, IPPROTO_L2TP);
err_proto:
	proto_unregister(&l2tp_ip6_proto);
err_pernet:
	unregister_pernet_subsys(&l2tp_ip6_pernet_ops);
	return err;
}

static void __exit l2tp_ip6_exit(void)
{
	/* No new sockets, then no new packets, then the tables go. */
	inet6_unregister_protosw(&l2tp_ip6_sw);
	inet6_del_protocol(&l2tp_ip6_handlers, IPPROTO_L2TP);
	proto_unregister(&l2tp_ip6_proto);
	unregister_pernet_subsys(&l2tp_ip6_pernet_ops);
}

module_init(l2tp_ip6_init);
module_exit(l2tp_ip6_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("L2TPv3 over IPv6 and the L2TPIP socket family for IPv6");
/* Literals, not the enums: see the same aliases in l2tp_ip.c. */
MODULE_ALIAS_NET_PF_PROTO_TYPE(PF_INET6, 115, 2);
MODULE_ALIAS_NET_PF_PROTO(PF_INET6, 115);
