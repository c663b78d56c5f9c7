// SPDX-License-Identifier: GPL-2.0-only
/*
 * L2TPv3 directly over IPv4 (IP protocol 115, RFC 3931 section 4.1.1):
 * the protocol handlers for received frames and ICMP errors, and the
 * L2TPIP socket family, socket(AF_INET, SOCK_DGRAM, IPPROTO_L2TP), with
 * which daemons exchange control messages and which carries the tunnels.
 *
 * This file holds only what is about IPv4 addresses: sockaddr_l2tpip
 * checks, bind, connect, getname, sending control frames and reading
 * IPv4 headers. The socket tables, the receive hand-off, ICMP fan-out,
 * recvmsg and ioctl are shared with l2tp_ip6 through l2tp_ip_common.h;
 * data frames are sent and received by l2tp_core.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/icmp.h>
#include <linux/in.h>
#include <linux/l2tp.h>
#include <linux/module.h>
#include <linux/net.h>
#include <net/icmp.h>
#include <net/inet_common.h>
#include <net/ip.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <net/protocol.h>
#include <net/route.h>

#include "l2tp_ip_common.h"

/* Longest control message whose IPv4 datagram still fits 64 KiB. */
static size_t l2tp_ip4_msg_max(unsigned int optlen)
{
	return U16_MAX - sizeof(struct iphdr) - optlen - L2TP_V3_SESSION_LEN;
}

static unsigned int l2tp_ip4_net_id __read_mostly;

static struct l2tp_ip_net *l2tp_ip4_pernet(const struct net *net)
{
	return net_generic(net, l2tp_ip4_net_id);
}

static struct l2tp_ip_net *l2tp_ip4_sk_pernet(const struct sock *sk)
{
	return l2tp_ip4_pernet(sock_net(sk));
}

/* ------------------------------------------------ family callbacks */

static int l2tp_ip4_score(const struct sock *sk, const struct l2tp_ip_ends *e)
{
	const struct inet_sock *inet = inet_sk(sk);
	__be32 laddr = READ_ONCE(inet->inet_rcv_saddr);
	__be32 raddr = READ_ONCE(inet->inet_daddr);
	int dev = READ_ONCE(sk->sk_bound_dev_if);
	int score = 0;

	if (dev) {
		if (e->dif && e->dif != dev)
			return -1;
		score++;
	}
	if (laddr) {
		if (e->laddr.v4 && e->laddr.v4 != laddr)
			return -1;
		score++;
	}
	if (raddr) {
		if (e->raddr.v4 && e->raddr.v4 != raddr)
			return -1;
		score++;
	}
	return score;
}

static void l2tp_ip4_rcv_ends(const struct sk_buff *skb,
			      struct l2tp_ip_ends *e)
{
	const struct iphdr *iph = ip_hdr(skb);

	*e = (struct l2tp_ip_ends){
		.laddr.v4 = iph->daddr,
		.raddr.v4 = iph->saddr,
		.dif = inet_iif(skb),
	};
}

static u32 l2tp_ip4_addr_key(__be32 addr)
{
	return (__force u32)addr;
}

static u32 l2tp_ip4_peer_key(const struct sock *sk)
{
	return l2tp_ip4_addr_key(inet_sk(sk)->inet_daddr);
}

/*
 * Raw-socket semantics: hard errors, and every error once IP_RECVERR is
 * on, set sk_err. There is no error queue: upstream has none for this
 * family, and ip_recv_error() is not available to modules.
 */
static void l2tp_ip4_report(struct sock *sk, struct sk_buff *skb, u8 type,
			    u8 code, u32 info, u8 *payload)
{
	bool harderr = false;
	int err = EHOSTUNREACH;

	switch (type) {
	case ICMP_SOURCE_QUENCH:
		return;
	case ICMP_PARAMETERPROB:
		err = EPROTO;
		harderr = true;
		break;
	case ICMP_DEST_UNREACH:
		if (code == ICMP_FRAG_NEEDED) {
			err = EMSGSIZE;
			harderr = READ_ONCE(inet_sk(sk)->pmtudisc) !=
				  IP_PMTUDISC_DONT;
		} else if (code <= NR_ICMP_UNREACH) {
			err = icmp_err_convert[code].errno;
			harderr = icmp_err_convert[code].fatal;
		}
		break;
	}
	if (!harderr && !inet_test_bit(RECVERR, sk))
		return;
	WRITE_ONCE(sk->sk_err, err);
	sk_error_report(sk);
}

static const struct l2tp_ip_family l2tp_ip4_family = {
	.family = AF_INET,
	.score = l2tp_ip4_score,
	.rcv_ends = l2tp_ip4_rcv_ends,
	.peer_key = l2tp_ip4_peer_key,
	.connect = __ip4_datagram_connect,
	.report = l2tp_ip4_report,
};

/* ------------------------------------------------ protocol handlers */

static int l2tp_ip4_rcv(struct sk_buff *skb)
{
	return l2tp_ip_rcv(l2tp_ip4_pernet(dev_net(skb->dev)), skb);
}

/*
 * An ICMP error about one of our frames. Path MTU and redirects are
 * learnt for the destination, whoever sent the frame, so the tunnels'
 * data traffic (which the core routes itself) uses them too; the error
 * itself goes to the connected sockets it concerns. Upstream ignores
 * ICMP errors for this protocol altogether.
 */
static int l2tp_ip4_err(struct sk_buff *skb, u32 info)
{
	const struct iphdr *iph = (const struct iphdr *)skb->data;
	struct net *net = dev_net(skb->dev);
	u8 type = icmp_hdr(skb)->type;
	u8 code = icmp_hdr(skb)->code;
	struct l2tp_ip_ends e = {
		.laddr.v4 = iph->saddr,
		.raddr.v4 = iph->daddr,
	};

	if (type == ICMP_DEST_UNREACH && code == ICMP_FRAG_NEEDED) {
		ipv4_update_pmtu(skb, net, info, 0, IPPROTO_L2TP);
	} else if (type == ICMP_REDIRECT) {
		ipv4_redirect(skb, net, 0, IPPROTO_L2TP);
		return 0;
	}
	l2tp_ip_err_fanout(l2tp_ip4_pernet(net), skb, iph->ihl * 4,
			   l2tp_ip4_addr_key(iph->daddr), &e, type, code, info);
	return 0;
}

/* ------------------------------------------------ socket calls */

static int l2tp_ip4_bind(struct sock *sk, struct sockaddr *uaddr, int len)
{
	struct sockaddr_l2tpip *sa = (struct sockaddr_l2tpip *)uaddr;
	struct l2tp_ip_ends want = {};
	struct inet_sock *inet = inet_sk(sk);
	__be32 addr;
	int type, err;

	if (len < sizeof(*sa) || sa->l2tp_family != AF_INET)
		return -EINVAL;
	addr = sa->l2tp_addr.s_addr;

	lock_sock(sk);
	/* Checked under the lock: concurrent binds raced (CVE-2016-10200). */
	err = -EINVAL;
	if (l2tp_ip_sk(sk)->bound || sk->sk_state != TCP_CLOSE)
		goto out;

	/*
	 * 0 (any), a local, a broadcast or a multicast address; only a
	 * local one may be the source of what we send.
	 */
	type = inet_addr_type(sock_net(sk), addr);
	err = -EADDRNOTAVAIL;
	if (addr && type != RTN_LOCAL && type != RTN_MULTICAST &&
	    type != RTN_BROADCAST)
		goto out;

	inet->inet_rcv_saddr = addr;
	inet->inet_saddr = type == RTN_LOCAL ? addr : 0;
	want.laddr.v4 = addr;
	want.dif = sk->sk_bound_dev_if;
	err = l2tp_ip_hash_bound(l2tp_ip4_sk_pernet(sk), sk, sa->l2tp_conn_id,
				 &want);
	if (err) {
		inet->inet_rcv_saddr = 0;
		inet->inet_saddr = 0;
		goto out;
	}
	if (addr)
		sk->sk_userlocks |= SOCK_BINDADDR_LOCK;
	sk_dst_reset(sk);
out:
	release_sock(sk);
	return err;
}

static int l2tp_ip4_connect(struct sock *sk, struct sockaddr *uaddr, int len)
{
	struct sockaddr_l2tpip *sa = (struct sockaddr_l2tpip *)uaddr;
	struct sockaddr_in sin = {};

	if (len < sizeof(*sa))
		return -EINVAL;
	if (ipv4_is_multicast(sa->l2tp_addr.s_addr))
		return -EINVAL;

	/*
	 * The datagram connect checks the family (EAFNOSUPPORT). The port
	 * field (l2tp_unused) is not passed on: there are no ports.
	 */
	sin.sin_family = sa->l2tp_family;
	sin.sin_addr = sa->l2tp_addr;
	return l2tp_ip_connect(l2tp_ip4_sk_pernet(sk), sk,
			       (struct sockaddr *)&sin, sizeof(sin),
			       sa->l2tp_conn_id);
}

static int l2tp_ip4_disconnect(struct sock *sk, int flags)
{
	return l2tp_ip_disconnect(l2tp_ip4_sk_pernet(sk), sk);
}

static void l2tp_ip4_unhash(struct sock *sk)
{
	l2tp_ip_unhash(l2tp_ip4_sk_pernet(sk), sk);
}

static void l2tp_ip4_destroy(struct sock *sk)
{
	/* sendmsg never corks on IPv4; purge all the same (bug class 22). */
	skb_queue_purge(&sk->sk_write_queue);
	l2tp_ip_sk_delete_tunnel(sk);
}

/*
 * getsockname/getpeername. Unlike upstream, which answers ENOTCONN
 * whenever connect() was given a zero l2tp_unused field (that is, for
 * nearly every connected socket), the peer is reported once connected.
 */
static int l2tp_ip4_getname(struct socket *sock, struct sockaddr *uaddr,
			    int peer)
{
	struct sockaddr_l2tpip *sa = (struct sockaddr_l2tpip *)uaddr;
	struct sock *sk = sock->sk;
	const struct l2tp_ip_sock *lsk = l2tp_ip_sk(sk);
	const struct inet_sock *inet = inet_sk(sk);

	memset(sa, 0, sizeof(*sa));
	sa->l2tp_family = AF_INET;
	if (peer) {
		if (READ_ONCE(sk->sk_state) != TCP_ESTABLISHED)
			return -ENOTCONN;
		sa->l2tp_addr.s_addr = READ_ONCE(inet->inet_daddr);
		sa->l2tp_conn_id = READ_ONCE(lsk->peer_conn_id);
	} else {
		sa->l2tp_addr.s_addr = READ_ONCE(inet->inet_rcv_saddr) ?:
				       READ_ONCE(inet->inet_saddr);
		sa->l2tp_conn_id = lsk->conn_id;
	}
	return sizeof(*sa);
}

/* Where a control message goes: msg_name, else the connected peer. */
static int l2tp_ip4_msg_daddr(struct sock *sk, struct msghdr *msg,
			      __be32 *daddr)
{
	DECLARE_SOCKADDR(struct sockaddr_l2tpip *, sa, msg->msg_name);

	if (!sa) {
		if (READ_ONCE(sk->sk_state) != TCP_ESTABLISHED)
			return -EDESTADDRREQ;
		*daddr = READ_ONCE(inet_sk(sk)->inet_daddr);
		return 0;
	}
	if (msg->msg_namelen < sizeof(*sa))
		return -EINVAL;
	if (sa->l2tp_family != AF_INET && sa->l2tp_family != AF_UNSPEC)
		return -EAFNOSUPPORT;
	*daddr = sa->l2tp_addr.s_addr;
	return 0;
}

/*
 * Send one control message: a zero session id, then the user's bytes,
 * in one IPv4 datagram. As upstream: no cmsgs, MSG_MORE is ignored, a
 * route error is EHOSTUNREACH, and DF follows IP_MTU_DISCOVER (a message
 * too big for the path fails with EMSGSIZE rather than fragment).
 */
static int l2tp_ip4_sendmsg(struct sock *sk, struct msghdr *msg, size_t len)
{
	struct inet_sock *inet = inet_sk(sk);
	struct net *net = sock_net(sk);
	struct ip_options_rcu *opt;
	unsigned int optlen = 0;
	struct sk_buff *skb;
	struct flowi fl = {};
	unsigned int room;
	struct rtable *rt;
	__be32 daddr;
	int err;

	if (msg->msg_flags & MSG_OOB)
		return -EOPNOTSUPP;
	err = l2tp_ip4_msg_daddr(sk, msg, &daddr);
	if (err)
		return err;

	rcu_read_lock();
	opt = rcu_dereference(inet->inet_opt);
	if (opt) {
		optlen = opt->opt.optlen;
		/* Source routing: the route goes to the first hop. */
		if (opt->opt.srr)
			daddr = opt->opt.faddr;
	}
	rcu_read_unlock();
	if (len > l2tp_ip4_msg_max(optlen))
		return -EMSGSIZE;

	rt = ip_route_output_ports(net, &fl.u.ip4, sk, daddr, inet->inet_saddr,
				   0, 0, sk->sk_protocol, ip_sock_rt_tos(sk),
				   sk->sk_bound_dev_if);
	if (IS_ERR(rt)) {
		IP_INC_STATS(net, IPSTATS_MIB_OUTNOROUTES);
		return -EHOSTUNREACH;
	}

	room = LL_RESERVED_SPACE(rt->dst.dev) + rt->dst.header_len +
	       sizeof(struct iphdr) + MAX_IPOPTLEN;
	skb = sock_alloc_send_skb(sk, room + L2TP_V3_SESSION_LEN + len,
				  msg->msg_flags & MSG_DONTWAIT, &err);
	if (!skb)
		goto err_rt;
	skb_reserve(skb, room);
	skb_reset_transport_header(skb);
	skb_put_zero(skb, L2TP_V3_SESSION_LEN);
	err = memcpy_from_msg(skb_put(skb, len), msg, len);
	if (err) {
		kfree_skb(skb);
		goto err_rt;
	}

	/* Routed already: ip_queue_xmit() only builds the header. */
	skb_dst_set(skb, &rt->dst);
	err = ip_queue_xmit(sk, skb, &fl);
	if (err < 0)
		return err;
	return len;

err_rt:
	ip_rt_put(rt);
	return err;
}

/* The source of a received message: a sockaddr_in, as upstream gives. */
static void l2tp_ip4_recv_name(struct sock *sk, struct msghdr *msg,
			       struct sk_buff *skb, int *addr_len)
{
	DECLARE_SOCKADDR(struct sockaddr_in *, sin, msg->msg_name);

	if (sin) {
		*sin = (struct sockaddr_in){
			.sin_family = AF_INET,
			.sin_addr.s_addr = ip_hdr(skb)->saddr,
		};
		*addr_len = sizeof(*sin);
	}
	if (inet_cmsg_flags(inet_sk(sk)))
		ip_cmsg_recv(msg, skb);
}

static int l2tp_ip4_recvmsg(struct sock *sk, struct msghdr *msg, size_t len,
			    int flags, int *addr_len)
{
	return l2tp_ip_recvmsg(sk, msg, len, flags, addr_len,
			       l2tp_ip4_recv_name);
}

/* ------------------------------------------------ registration */

static struct proto l2tp_ip4_proto = {
	.name = "L2TP/IP",
	.owner = THIS_MODULE,
	.obj_size = sizeof(struct l2tp_ip_sock),
	.init = l2tp_ip_sk_init,
	.destroy = l2tp_ip4_destroy,
	.close = l2tp_ip_close,
	.unhash = l2tp_ip4_unhash,
	.bind = l2tp_ip4_bind,
	.connect = l2tp_ip4_connect,
	.disconnect = l2tp_ip4_disconnect,
	.sendmsg = l2tp_ip4_sendmsg,
	.recvmsg = l2tp_ip4_recvmsg,
	.backlog_rcv = l2tp_ip_backlog_rcv,
	.ioctl = l2tp_ip_ioctl,
	.setsockopt = ip_setsockopt,
	.getsockopt = ip_getsockopt,
};

static const struct proto_ops l2tp_ip4_sock_ops = {
	.owner = THIS_MODULE,
	.family = PF_INET,
	.release = inet_release,
	.bind = inet_bind,
	.connect = inet_dgram_connect,
	.getname = l2tp_ip4_getname,
	.sendmsg = inet_sendmsg,
	.recvmsg = sock_common_recvmsg,
	.poll = datagram_poll,
	.ioctl = inet_ioctl,
	.gettstamp = sock_gettstamp,
	.setsockopt = sock_common_setsockopt,
	.getsockopt = sock_common_getsockopt,
	.shutdown = inet_shutdown,
	.listen = sock_no_listen,
	.accept = sock_no_accept,
	.socketpair = sock_no_socketpair,
	.mmap = sock_no_mmap,
};

static struct inet_protosw l2tp_ip4_sw = {
	.type = SOCK_DGRAM,
	.protocol = IPPROTO_L2TP,
	.prot = &l2tp_ip4_proto,
	.ops = &l2tp_ip4_sock_ops,
};

/* no_policy is clear: the IP layer applies the IPsec policy first. */
static const struct net_protocol l2tp_ip4_handlers = {
	.handler = l2tp_ip4_rcv,
	.err_handler = l2tp_ip4_err,
};

static int __net_init l2tp_ip4_net_init(struct net *net)
{
	return l2tp_ip_net_init(l2tp_ip4_pernet(net), &l2tp_ip4_family);
}

static void __net_exit l2tp_ip4_net_exit(struct net *net)
{
	l2tp_ip_net_exit(l2tp_ip4_pernet(net));
}

static struct pernet_operations l2tp_ip4_pernet_ops = {
	.init = l2tp_ip4_net_init,
	.exit = l2tp_ip4_net_exit,
	.id = &l2tp_ip4_net_id,
	.size = sizeof(struct l2tp_ip_net),
};

static int __init l2tp_ip4_init(void)
{
	int err;

	/* The module aliases below spell these numbers out. */
	BUILD_BUG_ON(IPPROTO_L2TP != 115 || SOCK_DGRAM != 2);

	err = register_pernet_subsys(&l2tp_ip4_pernet_ops);
	if (err)
		return err;
	err = proto_register(&l2tp_ip4_proto, 1);
	if (err)
		goto err_pernet;
	if (inet_add_protocol(&l2tp_ip4_handlers, IPPROTO_L2TP)) {
		err = -EBUSY;
		goto err_proto;
	}
	inet_register_protosw(&l2tp_ip4_sw);
	pr_info("L2TPv3 over IPv4 (protocol 115)\n");
	return 0;

err_proto:
	proto_unregister(&l2tp_ip4_proto);
err_pernet:
	unregister_pernet_subsys(&l2tp_ip4_pernet_ops);
	return err;
}

static void __exit l2tp_ip4_exit(void)
{
	/* No new sockets, then no new packets, then the tables go. */
	inet_unregister_protosw(&l2tp_ip4_sw);
	inet_del_protocol(&l2tp_ip4_handlers, IPPROTO_L2TP);
	proto_unregister(&l2tp_ip4_proto);
	unregister_pernet_subsys(&l2tp_ip4_pernet_ops);
}

module_init(l2tp_ip4_init);
module_exit(l2tp_ip4_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("L2TPv3 over IPv4 and the L2TPIP socket family");
/*
 * socket(AF_INET, SOCK_DGRAM, IPPROTO_L2TP) asks for these. The numbers
 * are literals because __stringify() cannot expand the enums (the cause
 * of upstream's broken aliases in 6.1, bug class 24).
 */
MODULE_ALIAS_NET_PF_PROTO_TYPE(PF_INET, 115, 2);
MODULE_ALIAS_NET_PF_PROTO(PF_INET, 115);
