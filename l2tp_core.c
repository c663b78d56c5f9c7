// SPDX-License-Identifier: GPL-2.0-only
/*
 * L2TP core: the tunnel and session objects, their per-namespace tables,
 * the UDP encapsulation glue, the receive path with sequencing and
 * reordering, and the transmit path. The management API (l2tp_netlink),
 * the pseudowires (l2tp_eth, l2tp_ppp) and the IP encapsulation sockets
 * (l2tp_ip, l2tp_ip6) are separate modules built on l2tp_core.h.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/etherdevice.h>
#include <linux/file.h>
#include <linux/hash.h>
#include <linux/if_arp.h>
#include <linux/jhash.h>
#include <linux/inetdevice.h>
#include <linux/module.h>
#include <linux/net.h>
#include <linux/netdevice.h>
#include <linux/rculist.h>
#include <linux/rhashtable.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <linux/udp.h>
#include <net/gro.h>
#include <net/inet_common.h>
#include <net/ip.h>
#include <net/ip6_route.h>
#include <net/ip_tunnels.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <net/route.h>
#include <net/udp.h>
#include <net/udp_tunnel.h>
#include <net/xfrm.h>
#if IS_ENABLED(CONFIG_IPV6)
#include <net/ip6_tunnel.h>
#include <net/ipv6.h>
#include <net/ipv6_stubs.h>
#endif

#include "l2tp_core.h"

#define CREATE_TRACE_POINTS
#include "trace.h"

/*
 * Per-packet receive state, kept in skb->cb behind the IP control block
 * so that nothing the IP layer left there is overwritten before the
 * packet is ours.
 */
struct l2tp_skb_cb {
	u32 ns;
	bool has_seq;
	unsigned int length;	/* on the wire, from the L2TP header on */
	unsigned int segs;	/* packets on the wire: more than 1 for GSO */
	unsigned long expires;
};

#define L2TP_CB_OFFSET	max(sizeof(struct inet_skb_parm), \
			    sizeof(struct inet6_skb_parm))

static struct l2tp_skb_cb *l2tp_skb_cb(struct sk_buff *skb)
{
	return (struct l2tp_skb_cb *)&skb->cb[L2TP_CB_OFFSET];
}

/* Resynchronise after this many consecutive packets following a gap. */
#define L2TP_OOS_RESYNC_COUNT	4

static struct workqueue_struct *l2tp_wq;

/* Sessions with a small private area; see L2TP_SESSION_PRIV_CACHED. */
static struct kmem_cache *l2tp_session_cache;
static unsigned int l2tp_net_id;

/**
 * DOC: per-net tables and lookups
 *
 * Each namespace has an IDR of tunnels by id and a hash list of L2TPv3
 * sessions by session id; each tunnel has an IDR of its own sessions.
 * @lock serialises writers of both per-net tables; readers use RCU. A
 * lookup that returns an object takes its reference with
 * refcount_inc_not_zero(), so an object whose last reference is going
 * is never handed out.
 */
struct l2tp_net {
	spinlock_t lock;	/* writers of both tables */
	struct idr tunnels;
	struct rhltable v3_sessions;
	bool exiting;		/* set in pre_exit: no more RX lookups */
};

static const struct rhashtable_params l2tp_v3_params = {
	.key_len = sizeof(u32),
	.key_offset = offsetof(struct l2tp_session, session_id),
	.head_offset = offsetof(struct l2tp_session, v3_node),
	.automatic_shrinking = true,
};

static struct l2tp_net *l2tp_pernet(const struct net *net)
{
	return net_generic(net, l2tp_net_id);
}

bool l2tp_tunnel_hold(struct l2tp_tunnel *tunnel)
{
	return refcount_inc_not_zero(&tunnel->refcount);
}
EXPORT_SYMBOL_GPL(l2tp_tunnel_hold);

bool l2tp_session_hold(struct l2tp_session *session)
{
	return refcount_inc_not_zero(&session->refcount);
}
EXPORT_SYMBOL_GPL(l2tp_session_hold);

/**
 * l2tp_tunnel_get - find a tunnel by id
 * @net: namespace to search
 * @tunnel_id: the tunnel id
 *
 * Context: any; takes the RCU read lock.
 * Return: the tunnel with a reference, or NULL.
 */
struct l2tp_tunnel *l2tp_tunnel_get(const struct net *net, u32 tunnel_id)
{
	struct l2tp_tunnel *tunnel;

	rcu_read_lock_bh();
	tunnel = idr_find(&l2tp_pernet(net)->tunnels, tunnel_id);
	if (tunnel && !l2tp_tunnel_hold(tunnel))
		tunnel = NULL;
	rcu_read_unlock_bh();
	return tunnel;
}
EXPORT_SYMBOL_GPL(l2tp_tunnel_get);

/**
 * l2tp_tunnel_get_next - iterate over the tunnels of a namespace
 * @net: namespace to walk
 * @key: in: the smallest id wanted; out: the id of the tunnel returned
 *
 * Context: any; takes the RCU read lock.
 * Return: the tunnel with the smallest id >= *@key, with a reference,
 * or NULL when there is none.
 */
struct l2tp_tunnel *l2tp_tunnel_get_next(const struct net *net, u32 *key)
{
	struct idr *idr = &l2tp_pernet(net)->tunnels;
	struct l2tp_tunnel *tunnel;
	unsigned long id = *key;

	rcu_read_lock_bh();
	for (;;) {
		tunnel = idr_get_next_ul(idr, &id);
		if (!tunnel || l2tp_tunnel_hold(tunnel))
			break;
		/* Being freed: step over it. */
		if (id == U32_MAX) {
			tunnel = NULL;
			break;
		}
		id++;
	}
	rcu_read_unlock_bh();
	if (tunnel)
		*key = id;
	return tunnel;
}
EXPORT_SYMBOL_GPL(l2tp_tunnel_get_next);

/**
 * l2tp_tunnel_get_session - find a session of a tunnel by session id
 * @tunnel: the tunnel (the caller holds a reference)
 * @session_id: the session id
 *
 * Context: any; takes the RCU read lock.
 * Return: the session with a reference, or NULL.
 */
struct l2tp_session *l2tp_tunnel_get_session(struct l2tp_tunnel *tunnel,
					     u32 session_id)
{
	struct l2tp_session *session;

	rcu_read_lock_bh();
	session = idr_find(&tunnel->sessions, session_id);
	if (session && !l2tp_session_hold(session))
		session = NULL;
	rcu_read_unlock_bh();
	return session;
}
EXPORT_SYMBOL_GPL(l2tp_tunnel_get_session);

/**
 * l2tp_session_get_next - iterate over the sessions of a tunnel
 * @tunnel: the tunnel (the caller holds a reference)
 * @key: in: the smallest session id wanted; out: the id returned
 *
 * Context: any; takes the RCU read lock.
 * Return: the session with the smallest id >= *@key, with a reference,
 * or NULL.
 */
struct l2tp_session *l2tp_session_get_next(struct l2tp_tunnel *tunnel,
					   u32 *key)
{
	struct l2tp_session *session;
	unsigned long id = *key;

	rcu_read_lock_bh();
	for (;;) {
		session = idr_get_next_ul(&tunnel->sessions, &id);
		if (!session || l2tp_session_hold(session))
			break;
		if (id == U32_MAX) {
			session = NULL;
			break;
		}
		id++;
	}
	rcu_read_unlock_bh();
	if (session)
		*key = id;
	return session;
}
EXPORT_SYMBOL_GPL(l2tp_session_get_next);

/**
 * l2tp_session_get_by_ifname - find the session whose netdev has a name
 * @net: namespace of the tunnels to search
 * @ifname: interface name
 *
 * A linear walk: it serves only management requests that name the
 * session by its interface, never the data path.
 *
 * Context: process.
 * Return: the session with a reference, or NULL.
 */
struct l2tp_session *l2tp_session_get_by_ifname(const struct net *net,
						const char *ifname)
{
	struct l2tp_session *session;
	struct l2tp_tunnel *tunnel;
	u32 tkey = 0, skey;

	while ((tunnel = l2tp_tunnel_get_next(net, &tkey))) {
		skey = 0;
		while ((session = l2tp_session_get_next(tunnel, &skey))) {
			if (!strncmp(session->ifname, ifname, IFNAMSIZ)) {
				l2tp_tunnel_put(tunnel);
				return session;
			}
			l2tp_session_put(session);
			if (skey++ == U32_MAX)
				break;
			cond_resched();
		}
		l2tp_tunnel_put(tunnel);
		if (tkey++ == U32_MAX)
			break;
	}
	return NULL;
}
EXPORT_SYMBOL_GPL(l2tp_session_get_by_ifname);

/*
 * Receive-side L2TPv3 lookup. An id used by a single session matches
 * whatever socket received it, as in the in-tree implementation; when
 * several UDP tunnels share an id, the receiving socket decides.
 */
static struct l2tp_session *l2tp_v3_session_find(struct net *net,
						 const struct sock *sk,
						 u32 session_id)
{
	struct l2tp_net *pn = l2tp_pernet(net);
	struct l2tp_session *session, *found = NULL;
	struct rhlist_head *list, *pos;
	unsigned int n = 0;

	/* Packets still arrive while the namespace's devices go. */
	if (READ_ONCE(pn->exiting))
		return NULL;
	list = rhltable_lookup(&pn->v3_sessions, &session_id, l2tp_v3_params);
	rhl_for_each_entry_rcu(session, pos, list, v3_node) {
		if (sk && session->tunnel->sock == sk)
			return session;
		found = session;
		n++;
	}
	return n == 1 ? found : NULL;
}

static struct l2tp_session *l2tp_v2_session_find(struct net *net,
						 u16 tunnel_id, u16 session_id)
{
	struct l2tp_tunnel *tunnel;

	tunnel = idr_find(&l2tp_pernet(net)->tunnels, tunnel_id);
	if (!tunnel || tunnel->version != L2TP_HDR_VER_2)
		return NULL;
	return idr_find(&tunnel->sessions, session_id);
}

/**
 * DOC: pseudowire registry
 *
 * Pseudowire modules register the ops that create their sessions; the
 * management API looks them up by type and pins the module while it
 * calls them.
 */
static const struct l2tp_pw_ops *l2tp_pw_table[__L2TP_PWTYPE_MAX];
static DEFINE_SPINLOCK(l2tp_pw_lock);

/**
 * l2tp_pw_register - make a pseudowire type available
 * @type: the pseudowire type
 * @ops: how to create its sessions
 *
 * Context: process.
 * Return: 0, -EINVAL for a type out of range, -EBUSY if taken.
 */
int l2tp_pw_register(enum l2tp_pwtype type, const struct l2tp_pw_ops *ops)
{
	int err = 0;

	if (type >= __L2TP_PWTYPE_MAX)
		return -EINVAL;
	spin_lock(&l2tp_pw_lock);
	if (l2tp_pw_table[type])
		err = -EBUSY;
	else
		l2tp_pw_table[type] = ops;
	spin_unlock(&l2tp_pw_lock);
	return err;
}
EXPORT_SYMBOL_GPL(l2tp_pw_register);

void l2tp_pw_unregister(enum l2tp_pwtype type)
{
	if (type >= __L2TP_PWTYPE_MAX)
		return;
	spin_lock(&l2tp_pw_lock);
	l2tp_pw_table[type] = NULL;
	spin_unlock(&l2tp_pw_lock);
}
EXPORT_SYMBOL_GPL(l2tp_pw_unregister);

/**
 * l2tp_pw_get - look up a pseudowire type and pin its module
 * @type: the pseudowire type
 *
 * Return: the ops, to be released with l2tp_pw_put(), or NULL.
 */
const struct l2tp_pw_ops *l2tp_pw_get(enum l2tp_pwtype type)
{
	const struct l2tp_pw_ops *ops = NULL;

	if (type >= __L2TP_PWTYPE_MAX)
		return NULL;
	spin_lock(&l2tp_pw_lock);
	if (l2tp_pw_table[type] && try_module_get(l2tp_pw_table[type]->owner))
		ops = l2tp_pw_table[type];
	spin_unlock(&l2tp_pw_lock);
	return ops;
}
EXPORT_SYMBOL_GPL(l2tp_pw_get);

void l2tp_pw_put(const struct l2tp_pw_ops *ops)
{
	module_put(ops->owner);
}
EXPORT_SYMBOL_GPL(l2tp_pw_put);

/**
 * DOC: counters
 *
 * Packet and byte counters are per-cpu and written only by the CPU that
 * handles the packet; readers sum them. Errors and discards are rare
 * and stay plain atomics.
 */
static int l2tp_stats_init(struct l2tp_stats *stats)
{
	stats->pcpu = netdev_alloc_pcpu_stats(struct l2tp_pcpu_stats);
	return stats->pcpu ? 0 : -ENOMEM;
}

static void l2tp_stats_rx(struct l2tp_stats *stats, unsigned int packets,
			  unsigned int len)
{
	struct l2tp_pcpu_stats *s = this_cpu_ptr(stats->pcpu);

	u64_stats_update_begin(&s->syncp);
	u64_stats_add(&s->rx_packets, packets);
	u64_stats_add(&s->rx_bytes, len);
	u64_stats_update_end(&s->syncp);
}

static void l2tp_stats_tx(struct l2tp_stats *stats, unsigned int packets,
			  unsigned int len)
{
	struct l2tp_pcpu_stats *s = this_cpu_ptr(stats->pcpu);

	u64_stats_update_begin(&s->syncp);
	u64_stats_add(&s->tx_packets, packets);
	u64_stats_add(&s->tx_bytes, len);
	u64_stats_update_end(&s->syncp);
}

/*
 * A TCP or UDP superpacket (GSO) counts as the packets it becomes on the
 * wire. @l4 is its transport header; every segment repeats the bytes
 * from skb->data up to the end of that header. Returns the number of
 * segments and stores their total length in @len.
 */
static unsigned int l2tp_gso_count(const struct sk_buff *skb,
				   const unsigned char *l4, unsigned int *len)
{
	const struct skb_shared_info *shinfo = skb_shinfo(skb);
	unsigned int hdrs = l4 - skb->data, segs = shinfo->gso_segs;
	struct tcphdr _th;
	const struct tcphdr *th;

	if (shinfo->gso_type & SKB_GSO_UDP_L4) {
		hdrs += sizeof(struct udphdr);
	} else {
		th = skb_header_pointer(skb, l4 - skb->data, sizeof(_th), &_th);
		if (th)
			hdrs += th->doff * 4;
	}
	/* Untrusted sources (virtio, tap) leave the count to be computed. */
	if (!segs && skb->len > hdrs && shinfo->gso_size)
		segs = DIV_ROUND_UP(skb->len - hdrs, shinfo->gso_size);
	segs = max(segs, 1U);
	*len = skb->len + (segs - 1) * hdrs;
	return segs;
}

/**
 * l2tp_stats_read - sum the counters of a tunnel or session
 * @stats: the counters
 * @snap: where to store the totals
 *
 * Context: any.
 */
void l2tp_stats_read(const struct l2tp_stats *stats,
		     struct l2tp_stats_snapshot *snap)
{
	int cpu;

	memset(snap, 0, sizeof(*snap));
	for_each_possible_cpu(cpu) {
		const struct l2tp_pcpu_stats *s = per_cpu_ptr(stats->pcpu, cpu);
		u64 txp, txb, rxp, rxb;
		unsigned int start;

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			txp = u64_stats_read(&s->tx_packets);
			txb = u64_stats_read(&s->tx_bytes);
			rxp = u64_stats_read(&s->rx_packets);
			rxb = u64_stats_read(&s->rx_bytes);
		} while (u64_stats_fetch_retry(&s->syncp, start));
		snap->tx_packets += txp;
		snap->tx_bytes += txb;
		snap->rx_packets += rxp;
		snap->rx_bytes += rxb;
	}
	snap->tx_errors = atomic_long_read(&stats->tx_errors);
	snap->rx_seq_discards = atomic_long_read(&stats->rx_seq_discards);
	snap->rx_oos_packets = atomic_long_read(&stats->rx_oos_packets);
	snap->rx_errors = atomic_long_read(&stats->rx_errors);
	snap->rx_cookie_discards = atomic_long_read(&stats->rx_cookie_discards);
	snap->rx_invalid = atomic_long_read(&stats->rx_invalid);
}
EXPORT_SYMBOL_GPL(l2tp_stats_read);

/**
 * DOC: tunnel lifetime
 *
 * l2tp_tunnel_create() reserves the id, attaches the socket and only
 * then publishes the tunnel, so no lookup ever sees a half-built one.
 * Teardown, in order:
 *
 * 1. l2tp_tunnel_delete(): set L2TP_DEAD, refuse new sessions, remove the
 *    id from the table (it may be reused at once), queue the work.
 * 2. The work unpublishes and closes every session in one batch.
 * 3. It detaches the socket from L2TP (and releases a kernel socket).
 * 4. It drops its own and the table's references; the last put releases
 *    the socket reference and frees the tunnel after a grace period, so
 *    receivers still inside rcu_read_lock() may finish with it.
 */
static void l2tp_tunnel_free_rcu(struct rcu_head *head)
{
	struct l2tp_tunnel *tunnel = container_of(head, struct l2tp_tunnel,
						  rcu);

	dst_cache_destroy(&tunnel->dst_cache);
	free_percpu(tunnel->stats.pcpu);
	kfree(tunnel);
}

/**
 * l2tp_tunnel_put - drop a tunnel reference
 * @tunnel: the tunnel
 *
 * Context: any.
 */
void l2tp_tunnel_put(struct l2tp_tunnel *tunnel)
{
	if (!refcount_dec_and_test(&tunnel->refcount))
		return;
	/* Tools pair free_* with register_*: stay quiet for failed creates. */
	if (test_bit(L2TP_REGISTERED, &tunnel->flags))
		trace_free_tunnel(tunnel);
	if (tunnel->sock)
		sock_put(tunnel->sock);
	call_rcu(&tunnel->rcu, l2tp_tunnel_free_rcu);
}
EXPORT_SYMBOL_GPL(l2tp_tunnel_put);

static void l2tp_tunnel_del_work(struct work_struct *work);
static int l2tp_udp_encap_recv_sk(struct sock *sk, struct sk_buff *skb);
static struct sk_buff *l2tp_gro_receive(struct sock *sk,
					struct list_head *head,
					struct sk_buff *skb);
static int l2tp_gro_complete(struct sock *sk, struct sk_buff *skb, int nhoff);
static void l2tp_udp_encap_err_recv(struct sock *sk, struct sk_buff *skb,
				    int err, __be16 port, u32 info,
				    u8 *payload);
static void l2tp_udp_encap_destroy(struct sock *sk);

/*
 * Socket checks for a managed tunnel. These properties never change
 * once a socket exists, so they need no lock; ownership does, below.
 */
static int l2tp_validate_socket(const struct sock *sk, const struct net *net,
				enum l2tp_encap_type encap,
				struct netlink_ext_ack *extack)
{
	int proto = encap == L2TP_ENCAPTYPE_UDP ? IPPROTO_UDP : IPPROTO_L2TP;

	/* The netns first: its errno is what upstream gives for any foreign socket. */
	if (!net_eq(sock_net(sk), net)) {
		NL_SET_ERR_MSG(extack, "tunnel socket is in another network namespace");
		return -EINVAL;
	}
	if (sk->sk_family != AF_INET && sk->sk_family != AF_INET6) {
		NL_SET_ERR_MSG(extack, "tunnel socket must be AF_INET or AF_INET6");
		return -EPROTONOSUPPORT;
	}
	if (sk->sk_type != SOCK_DGRAM || sk->sk_protocol != proto) {
		if (encap == L2TP_ENCAPTYPE_UDP)
			NL_SET_ERR_MSG(extack, "tunnel socket must be a UDP socket");
		else
			NL_SET_ERR_MSG(extack, "tunnel socket must be an L2TP/IP socket");
		return -EPROTONOSUPPORT;
	}
	return 0;
}

/*
 * Bind the socket to the tunnel. sk_user_data is the owner mark: a UDP
 * socket already claimed by anything (another tunnel, a BPF sockmap, an
 * encapsulation set with the UDP_ENCAP option) is refused, and whoever
 * comes second after us is refused by the same test on their side.
 */
static int l2tp_tunnel_attach_sock(struct l2tp_tunnel *tunnel,
				   struct socket *sock,
				   struct netlink_ext_ack *extack)
{
	struct sock *sk = sock->sk;
	int err = 0;

	lock_sock(sk);
	write_lock_bh(&sk->sk_callback_lock);
	if (sk->sk_user_data ||
	    (tunnel->encap == L2TP_ENCAPTYPE_UDP && udp_sk(sk)->encap_type)) {
		NL_SET_ERR_MSG(extack, "tunnel socket is already in use");
		err = -EBUSY;
	} else {
		rcu_assign_sk_user_data(sk, tunnel);
	}
	write_unlock_bh(&sk->sk_callback_lock);

	if (!err && tunnel->encap == L2TP_ENCAPTYPE_UDP) {
		struct udp_tunnel_sock_cfg cfg = {
			.sk_user_data = tunnel,
			.encap_type = UDP_ENCAP_L2TPINUDP,
			.encap_rcv = l2tp_udp_encap_recv_sk,
			.encap_err_rcv = l2tp_udp_encap_err_recv,
			.encap_destroy = l2tp_udp_encap_destroy,
			.gro_receive = l2tp_gro_receive,
			.gro_complete = l2tp_gro_complete,
		};

		setup_udp_tunnel_sock(tunnel->net, sock, &cfg);
	}
	if (!err) {
		sock_hold(sk);
		tunnel->sock = sk;
	}
	release_sock(sk);
	return err;
}

/* Give a socket back to plain UDP (or L2TP/IP control) use. */
static void l2tp_tunnel_detach_sock(struct l2tp_tunnel *tunnel)
{
	struct sock *sk = tunnel->sock;

	write_lock_bh(&sk->sk_callback_lock);
	if (tunnel->encap == L2TP_ENCAPTYPE_UDP) {
		struct udp_sock *up = udp_sk(sk);

		WRITE_ONCE(up->encap_type, 0);
		WRITE_ONCE(up->encap_rcv, NULL);
		WRITE_ONCE(up->encap_err_rcv, NULL);
		WRITE_ONCE(up->encap_destroy, NULL);
		WRITE_ONCE(up->gro_receive, NULL);
		WRITE_ONCE(up->gro_complete, NULL);
	}
	if (sk->sk_user_data == tunnel)
		rcu_assign_sk_user_data(sk, NULL);
	write_unlock_bh(&sk->sk_callback_lock);
}

static int l2tp_tunnel_sock_create_udp(struct net *net,
				       const struct l2tp_tunnel_cfg *cfg,
				       struct socket **sockp)
{
	struct udp_port_cfg udp = {
		.family = cfg->family,
		.local_udp_port = htons(cfg->local_udp_port),
		.peer_udp_port = htons(cfg->peer_udp_port),
	};

	if (cfg->family == AF_INET6) {
		if (!IS_ENABLED(CONFIG_IPV6))
			return -EPFNOSUPPORT;
		udp.local_ip6 = cfg->local_ip6;
		udp.peer_ip6 = cfg->peer_ip6;
		udp.use_udp6_tx_checksums = !cfg->udp6_zero_tx_checksums;
		udp.use_udp6_rx_checksums = !cfg->udp6_zero_rx_checksums;
	} else {
		udp.local_ip = cfg->local_ip;
		udp.peer_ip = cfg->peer_ip;
		udp.use_udp_checksums = cfg->use_udp_checksums;
	}
	return udp_sock_create(net, &udp, sockp);
}

/*
 * An unmanaged IP-encapsulated tunnel gets an L2TPIP socket bound to our
 * tunnel id and connected to the peer's, as userspace would do it.
 */
static int l2tp_tunnel_sock_create_ip(struct net *net, u32 tunnel_id,
				      u32 peer_tunnel_id,
				      const struct l2tp_tunnel_cfg *cfg,
				      struct socket **sockp)
{
	struct sockaddr_storage local = {}, peer = {};
	struct socket *sock;
	int len, err;

	if (cfg->family == AF_INET6) {
		struct sockaddr_l2tpip6 *l6 = (void *)&local, *p6 = (void *)&peer;

		if (!IS_ENABLED(CONFIG_IPV6))
			return -EPFNOSUPPORT;
		l6->l2tp_family = AF_INET6;
		l6->l2tp_addr = cfg->local_ip6;
		l6->l2tp_conn_id = tunnel_id;
		p6->l2tp_family = AF_INET6;
		p6->l2tp_addr = cfg->peer_ip6;
		p6->l2tp_conn_id = peer_tunnel_id;
		len = sizeof(*l6);
	} else {
		struct sockaddr_l2tpip *l4 = (void *)&local, *p4 = (void *)&peer;

		l4->l2tp_family = AF_INET;
		l4->l2tp_addr = cfg->local_ip;
		l4->l2tp_conn_id = tunnel_id;
		p4->l2tp_family = AF_INET;
		p4->l2tp_addr = cfg->peer_ip;
		p4->l2tp_conn_id = peer_tunnel_id;
		len = sizeof(*l4);
	}

	err = sock_create_kern(net, cfg->family, SOCK_DGRAM, IPPROTO_L2TP,
			       &sock);
	if (err)
		return err;
	err = kernel_bind(sock, (struct sockaddr *)&local, len);
	if (!err)
		err = kernel_connect(sock, (struct sockaddr *)&peer, len, 0);
	if (err) {
		sock_release(sock);
		return err;
	}
	*sockp = sock;
	return 0;
}

static int l2tp_tunnel_check_args(int version, u32 tunnel_id,
				  u32 peer_tunnel_id, int fd,
				  const struct l2tp_tunnel_cfg *cfg,
				  struct netlink_ext_ack *extack)
{
	if (version != L2TP_HDR_VER_2 && version != L2TP_HDR_VER_3) {
		NL_SET_ERR_MSG(extack, "L2TP version must be 2 or 3");
		return -EINVAL;
	}
	if (cfg->encap != L2TP_ENCAPTYPE_UDP && cfg->encap != L2TP_ENCAPTYPE_IP) {
		NL_SET_ERR_MSG(extack, "unknown encapsulation type");
		return -EINVAL;
	}
	if (version == L2TP_HDR_VER_2 && cfg->encap != L2TP_ENCAPTYPE_UDP) {
		NL_SET_ERR_MSG(extack, "L2TPv2 runs over UDP only");
		return -EPROTONOSUPPORT;
	}
	if (!tunnel_id) {
		NL_SET_ERR_MSG(extack, "tunnel id 0 is reserved");
		return -EINVAL;
	}
	if (version == L2TP_HDR_VER_2 &&
	    (tunnel_id > U16_MAX || peer_tunnel_id > U16_MAX)) {
		NL_SET_ERR_MSG(extack, "L2TPv2 tunnel ids are 16-bit");
		return -EINVAL;
	}
	if (fd < 0 && cfg->family != AF_INET && cfg->family != AF_INET6) {
		NL_SET_ERR_MSG(extack, "local and peer addresses are required");
		return -EINVAL;
	}
	return 0;
}

static struct l2tp_tunnel *l2tp_tunnel_alloc(struct net *net, int version,
					     u32 tunnel_id,
					     u32 peer_tunnel_id, int fd,
					     enum l2tp_encap_type encap)
{
	struct l2tp_tunnel *tunnel;

	tunnel = kzalloc(sizeof(*tunnel), GFP_KERNEL);
	if (!tunnel)
		return NULL;
	if (l2tp_stats_init(&tunnel->stats))
		goto err_free;
	if (dst_cache_init(&tunnel->dst_cache, GFP_KERNEL))
		goto err_stats;

	tunnel->version = version;
	tunnel->tunnel_id = tunnel_id;
	tunnel->peer_tunnel_id = peer_tunnel_id;
	tunnel->encap = encap;
	tunnel->fd = fd;
	tunnel->net = net;
	tunnel->accept_sessions = true;
	refcount_set(&tunnel->refcount, 1);
	spin_lock_init(&tunnel->lock);
	idr_init(&tunnel->sessions);
	INIT_WORK(&tunnel->del_work, l2tp_tunnel_del_work);
	snprintf(tunnel->name, sizeof(tunnel->name), "tunl %u", tunnel_id);
	return tunnel;

err_stats:
	free_percpu(tunnel->stats.pcpu);
err_free:
	kfree(tunnel);
	return NULL;
}

/* Attach the socket of a managed tunnel, given by its descriptor. */
static int l2tp_tunnel_attach_fd(struct l2tp_tunnel *tunnel, int fd,
				 struct netlink_ext_ack *extack)
{
	struct socket *sock;
	int err;

	sock = sockfd_lookup(fd, &err);
	if (!sock) {
		NL_SET_ERR_MSG(extack, "tunnel fd is not a socket");
		return err;
	}
	err = l2tp_validate_socket(sock->sk, tunnel->net, tunnel->encap, extack);
	if (!err)
		err = l2tp_tunnel_attach_sock(tunnel, sock, extack);
	sockfd_put(sock);
	return err;
}

static int l2tp_tunnel_attach_kernel_sock(struct l2tp_tunnel *tunnel,
					  const struct l2tp_tunnel_cfg *cfg,
					  struct netlink_ext_ack *extack)
{
	struct socket *sock;
	int err;

	if (tunnel->encap == L2TP_ENCAPTYPE_UDP)
		err = l2tp_tunnel_sock_create_udp(tunnel->net, cfg, &sock);
	else
		err = l2tp_tunnel_sock_create_ip(tunnel->net, tunnel->tunnel_id,
						 tunnel->peer_tunnel_id, cfg,
						 &sock);
	if (err) {
		NL_SET_ERR_MSG(extack, "cannot create the tunnel socket");
		return err;
	}
	err = l2tp_tunnel_attach_sock(tunnel, sock, extack);
	if (err) {
		sock_release(sock);
		return err;
	}
	tunnel->kernel_sock = sock;
	return 0;
}

/**
 * l2tp_tunnel_create - create and publish a tunnel
 * @net: namespace of the tunnel
 * @fd: descriptor of the userspace socket (managed tunnel), or -1 to have
 *	the kernel create the socket from @cfg (unmanaged tunnel)
 * @version: 2 or 3
 * @tunnel_id: our tunnel id
 * @peer_tunnel_id: the peer's tunnel id
 * @cfg: encapsulation, and socket parameters for an unmanaged tunnel
 * @tunnelp: on success, the tunnel with a reference for the caller
 * @extack: where to report why a request is refused
 *
 * Context: process; may sleep.
 * Return: 0, or -EEXIST (id in use), -EINVAL (bad arguments, or a socket
 * of another namespace), -EPROTONOSUPPORT (wrong socket kind), -EBUSY
 * (socket already used), -EBADF/-ENOTSOCK (bad @fd), -ENOMEM, or an
 * errno from creating, binding or connecting the kernel socket.
 */
int l2tp_tunnel_create(struct net *net, int fd, int version, u32 tunnel_id,
		       u32 peer_tunnel_id, const struct l2tp_tunnel_cfg *cfg,
		       struct l2tp_tunnel **tunnelp,
		       struct netlink_ext_ack *extack)
{
	struct l2tp_net *pn = l2tp_pernet(net);
	struct l2tp_tunnel *tunnel;
	u32 id = tunnel_id;
	int err;

	err = l2tp_tunnel_check_args(version, tunnel_id, peer_tunnel_id, fd,
				     cfg, extack);
	if (err)
		return err;

	tunnel = l2tp_tunnel_alloc(net, version, tunnel_id, peer_tunnel_id,
				   fd, cfg->encap);
	if (!tunnel)
		return -ENOMEM;

	/* Reserve the id with an empty slot; publish once fully set up. */
	idr_preload(GFP_KERNEL);
	spin_lock_bh(&pn->lock);
	err = idr_alloc_u32(&pn->tunnels, NULL, &id, tunnel_id, GFP_ATOMIC);
	spin_unlock_bh(&pn->lock);
	idr_preload_end();
	if (err) {
		NL_SET_ERR_MSG(extack, "tunnel id already in use");
		err = err == -ENOSPC ? -EEXIST : err;
		goto err_free;
	}

	if (fd >= 0)
		err = l2tp_tunnel_attach_fd(tunnel, fd, extack);
	else
		err = l2tp_tunnel_attach_kernel_sock(tunnel, cfg, extack);
	if (err)
		goto err_unreserve;

	/* One reference for the table, one for the caller. */
	refcount_inc(&tunnel->refcount);
	spin_lock_bh(&pn->lock);
	idr_replace(&pn->tunnels, tunnel, tunnel_id);
	spin_unlock_bh(&pn->lock);
	set_bit(L2TP_REGISTERED, &tunnel->flags);
	trace_register_tunnel(tunnel);
	*tunnelp = tunnel;
	return 0;

err_unreserve:
	spin_lock_bh(&pn->lock);
	idr_remove(&pn->tunnels, tunnel_id);
	spin_unlock_bh(&pn->lock);
err_free:
	l2tp_tunnel_put(tunnel);
	return err;
}
EXPORT_SYMBOL_GPL(l2tp_tunnel_create);

/*
 * Mark the tunnel dead and free its id. Returns false if it was dead
 * already; otherwise the caller now owns the table's reference and must
 * run the teardown (l2tp_tunnel_del_work).
 */
static bool l2tp_tunnel_unpublish(struct l2tp_tunnel *tunnel)
{
	struct l2tp_net *pn = l2tp_pernet(tunnel->net);

	if (test_and_set_bit(L2TP_DEAD, &tunnel->flags))
		return false;
	trace_delete_tunnel(tunnel);

	spin_lock_bh(&tunnel->lock);
	tunnel->accept_sessions = false;
	spin_unlock_bh(&tunnel->lock);

	spin_lock_bh(&pn->lock);
	idr_remove(&pn->tunnels, tunnel->tunnel_id);
	spin_unlock_bh(&pn->lock);
	return true;
}

/**
 * l2tp_tunnel_delete - start deleting a tunnel and all its sessions
 * @tunnel: the tunnel (the caller holds a reference)
 *
 * Idempotent. The id is free again when this returns; the sessions and
 * the socket are released by a work item.
 *
 * Context: any.
 */
void l2tp_tunnel_delete(struct l2tp_tunnel *tunnel)
{
	/* The table's reference now belongs to the work. */
	if (l2tp_tunnel_unpublish(tunnel))
		queue_work(l2tp_wq, &tunnel->del_work);
}
EXPORT_SYMBOL_GPL(l2tp_tunnel_delete);

/**
 * l2tp_tunnel_delete_sync - delete a tunnel and wait for the teardown
 * @tunnel: the tunnel (the caller holds a reference)
 *
 * When this returns, the sessions, their netdevs and a kernel socket are
 * gone, so the same ids and ports can be used again.
 *
 * The teardown runs in the caller when it is the one that deletes: a
 * netlink client deleting tunnels one by one pays no workqueue round trip
 * per tunnel.
 *
 * Context: process; may sleep. Must not be called from the l2tp workqueue.
 */
void l2tp_tunnel_delete_sync(struct l2tp_tunnel *tunnel)
{
	if (l2tp_tunnel_unpublish(tunnel))
		l2tp_tunnel_del_work(&tunnel->del_work);
	else
		flush_work(&tunnel->del_work);
}
EXPORT_SYMBOL_GPL(l2tp_tunnel_delete_sync);

/**
 * l2tp_sk_to_tunnel - the tunnel a socket carries
 * @sk: a UDP or L2TPIP socket
 *
 * Context: any.
 * Return: the tunnel with a reference, or NULL.
 */
struct l2tp_tunnel *l2tp_sk_to_tunnel(const struct sock *sk)
{
	struct l2tp_tunnel *tunnel;

	rcu_read_lock();
	tunnel = rcu_dereference_sk_user_data(sk);
	if (tunnel && !l2tp_tunnel_hold(tunnel))
		tunnel = NULL;
	rcu_read_unlock();
	return tunnel;
}
EXPORT_SYMBOL_GPL(l2tp_sk_to_tunnel);

/**
 * l2tp_tunnel_set_udp_csum - change the UDP checksum settings
 * @tunnel: an unmanaged UDP tunnel
 * @ipv4_csum: IPv4 socket: compute checksums on transmit
 * @zero_csum6_tx: IPv6 socket: send zero checksums
 * @zero_csum6_rx: IPv6 socket: accept zero checksums
 *
 * Context: process.
 * Return: 0, or -EINVAL for a managed or IP-encapsulated tunnel, whose
 * socket is not ours to configure.
 */
int l2tp_tunnel_set_udp_csum(struct l2tp_tunnel *tunnel, bool ipv4_csum,
			     bool zero_csum6_tx, bool zero_csum6_rx)
{
	struct sock *sk = tunnel->sock;

	if (tunnel->fd >= 0 || tunnel->encap != L2TP_ENCAPTYPE_UDP)
		return -EINVAL;
	lock_sock(sk);
	if (sk->sk_family == AF_INET6) {
		udp_set_no_check6_tx(sk, zero_csum6_tx);
		udp_set_no_check6_rx(sk, zero_csum6_rx);
	} else {
		sk->sk_no_check_tx = !ipv4_csum;
	}
	release_sock(sk);
	return 0;
}
EXPORT_SYMBOL_GPL(l2tp_tunnel_set_udp_csum);

static void l2tp_sessions_close(struct list_head *batch);
static bool l2tp_session_unpublish(struct l2tp_session *session);

static void l2tp_tunnel_del_work(struct work_struct *work)
{
	struct l2tp_tunnel *tunnel = container_of(work, struct l2tp_tunnel,
						  del_work);
	struct l2tp_session *session;
	unsigned long id = 0;
	LIST_HEAD(batch);

	/*
	 * New sessions are refused already, so this walk ends. Winning the
	 * unpublish hands us the table's reference, which keeps the session
	 * alive; a session that someone else is deleting is theirs to close.
	 * One read-side section per session: a tunnel may hold 100k of them
	 * (a single section over all of them stalled a debug kernel's CPU
	 * for over 20 s).
	 */
	for (;;) {
		rcu_read_lock();
		session = idr_get_next_ul(&tunnel->sessions, &id);
		if (session && l2tp_session_unpublish(session))
			list_add_tail(&session->close_node, &batch);
		rcu_read_unlock();
		if (!session)
			break;
		id++;
		cond_resched();
	}
	l2tp_sessions_close(&batch);

	l2tp_tunnel_detach_sock(tunnel);
	if (tunnel->kernel_sock) {
		kernel_sock_shutdown(tunnel->kernel_sock, SHUT_RDWR);
		sock_release(tunnel->kernel_sock);
		tunnel->kernel_sock = NULL;
	}
	l2tp_tunnel_put(tunnel);
}

/**
 * DOC: session lifetime
 *
 * l2tp_session_create() builds an unpublished session that the
 * pseudowire completes (ops, netdev, socket) before
 * l2tp_session_register() makes it visible. Teardown, in order:
 *
 * 1. l2tp_session_unpublish(): set L2TP_DEAD and remove the session from
 *    the tunnel's IDR and the per-net L2TPv3 table. The table reference
 *    passes to whoever closes it.
 * 2. l2tp_sessions_close(), from a work item (or the synchronous
 *    deleter's thread): under one RTNL section the pseudowires queue
 *    their netdevs and all are unregistered together; then the reorder
 *    timer is shut down, held packets dropped and the pseudowire's close
 *    callback run. L2TP_ATTACHED is cleared once the netdev is unlisted
 *    or the close callback returned: l2tp_session_delete_sync() waits
 *    for that.
 * 3. The closer drops the table reference; the last put releases the
 *    tunnel and the pseudowire module and frees the session after a
 *    grace period.
 */
static void l2tp_session_free_rcu(struct rcu_head *head)
{
	struct l2tp_session *session = container_of(head, struct l2tp_session,
						    rcu);

	free_percpu(session->stats.pcpu);
	/* kfree() takes objects of any slab cache, l2tp_session_cache too. */
	kfree(session);
}

/**
 * l2tp_session_put - drop a session reference
 * @session: the session
 *
 * Context: any.
 */
void l2tp_session_put(struct l2tp_session *session)
{
	if (!refcount_dec_and_test(&session->refcount))
		return;
	if (test_bit(L2TP_REGISTERED, &session->flags))
		trace_free_session(session);
	if (session->tunnel)
		l2tp_tunnel_put(session->tunnel);
	if (test_bit(L2TP_OWNER_PINNED, &session->flags))
		module_put(session->ops->owner);
	call_rcu(&session->rcu, l2tp_session_free_rcu);
}
EXPORT_SYMBOL_GPL(l2tp_session_put);

static void l2tp_session_del_work(struct work_struct *work);
static void l2tp_reorder_timer_fn(struct timer_list *t);

/* Length of the data header of @session for a given send_seq. */
static unsigned int l2tp_hdr_len(const struct l2tp_session *session,
				 bool send_seq)
{
	const struct l2tp_tunnel *tunnel = session->tunnel;
	unsigned int len;

	if (tunnel->version == L2TP_HDR_VER_2)
		return L2TP_V2_HDR_MIN + (send_seq ? L2TP_V2_SEQ_LEN : 0);
	len = L2TP_V3_SESSION_LEN + session->cookie_len;
	if (session->l2specific_type == L2TP_L2SPECTYPE_DEFAULT)
		len += L2TP_V3_SUBLAYER_LEN;
	if (tunnel->encap == L2TP_ENCAPTYPE_UDP)
		len += L2TP_V3_UDP_HDR_LEN;
	return len;
}

/**
 * l2tp_session_set_header_len - recompute the data header length
 * @session: the session
 *
 * Context: any; call after changing send_seq.
 */
void l2tp_session_set_header_len(struct l2tp_session *session)
{
	WRITE_ONCE(session->hdr_len,
		   l2tp_hdr_len(session, READ_ONCE(session->send_seq)));
}
EXPORT_SYMBOL_GPL(l2tp_session_set_header_len);

/**
 * l2tp_session_create - allocate a session, not yet visible
 * @priv_size: size of the pseudowire's private area
 * @tunnel: the parent tunnel (the caller holds a reference)
 * @session_id: our session id
 * @peer_session_id: the peer's session id
 * @cfg: session parameters
 *
 * Context: process; may sleep.
 * Return: the session with a reference for the caller, or an ERR_PTR.
 */
struct l2tp_session *l2tp_session_create(int priv_size,
					 struct l2tp_tunnel *tunnel,
					 u32 session_id, u32 peer_session_id,
					 const struct l2tp_session_cfg *cfg)
{
	struct l2tp_session *session;

	if (priv_size <= L2TP_SESSION_PRIV_CACHED)
		session = kmem_cache_zalloc(l2tp_session_cache, GFP_KERNEL);
	else
		session = kzalloc(sizeof(*session) + priv_size, GFP_KERNEL);
	if (!session)
		return ERR_PTR(-ENOMEM);
	if (l2tp_stats_init(&session->stats)) {
		kfree(session);
		return ERR_PTR(-ENOMEM);
	}

	session->session_id = session_id;
	session->peer_session_id = peer_session_id;
	session->tunnel = tunnel;
	session->pwtype = cfg->pw_type;
	session->recv_seq = cfg->recv_seq;
	session->send_seq = cfg->send_seq;
	session->lns_mode = cfg->lns_mode;
	session->reorder_timeout = cfg->reorder_timeout;
	session->l2specific_type = cfg->l2specific_type;
	session->cookie_len = min_t(int, cfg->cookie_len, L2TP_COOKIE_MAX);
	memcpy(session->cookie, cfg->cookie, session->cookie_len);
	session->peer_cookie_len = min_t(int, cfg->peer_cookie_len,
					 L2TP_COOKIE_MAX);
	memcpy(session->peer_cookie, cfg->peer_cookie,
	       session->peer_cookie_len);
	session->nr_max = tunnel->version == L2TP_HDR_VER_2 ?
			  L2TP_SEQ_V2_MAX : L2TP_SEQ_V3_MAX;
	session->nr_window_size = session->nr_max / 2;
	/* A new session takes the peer's first sequence number as is. */
	session->reorder_skip = 1;
	refcount_set(&session->refcount, 1);
	INIT_WORK(&session->del_work, l2tp_session_del_work);
	skb_queue_head_init(&session->reorder_q);
	timer_setup(&session->reorder_timer, l2tp_reorder_timer_fn, 0);
	set_bit(L2TP_ATTACHED, &session->flags);
	if (cfg->ifname)
		strscpy(session->ifname, cfg->ifname, IFNAMSIZ);
	l2tp_session_set_header_len(session);

	/* Taken only now so that the error paths above need not drop it. */
	refcount_inc(&tunnel->refcount);
	return session;
}
EXPORT_SYMBOL_GPL(l2tp_session_create);

/*
 * The L2TPv3 id rules: a UDP tunnel may reuse the id of a session in
 * another UDP tunnel (the receiving socket tells them apart), but an
 * IP-encapsulated packet carries nothing but the id, so any clash that
 * involves IP encapsulation is refused.
 */
static int l2tp_v3_check_collision(struct l2tp_net *pn,
				   struct l2tp_session *session,
				   struct netlink_ext_ack *extack)
{
	struct l2tp_tunnel *tunnel = session->tunnel;
	struct rhlist_head *list, *pos;
	struct l2tp_session *other;
	int err = 0;

	lockdep_assert_held(&pn->lock);
	/*
	 * pn->lock keeps the chain still, but the rhashtable walkers check
	 * for an RCU reader (found by PROVE_RCU on the debug kernel).
	 */
	rcu_read_lock();
	list = rhltable_lookup(&pn->v3_sessions, &session->session_id,
			       l2tp_v3_params);
	rhl_for_each_entry_rcu(other, pos, list, v3_node) {
		if (other->tunnel == tunnel ||
		    tunnel->encap == L2TP_ENCAPTYPE_IP ||
		    other->tunnel->encap == L2TP_ENCAPTYPE_IP) {
			NL_SET_ERR_MSG(extack, "session id already in use");
			err = -EEXIST;
			break;
		}
	}
	rcu_read_unlock();
	return err;
}

static int l2tp_session_check_ids(const struct l2tp_session *session,
				  struct netlink_ext_ack *extack)
{
	if (session->tunnel->version != L2TP_HDR_VER_2)
		return 0;
	if (session->session_id > U16_MAX ||
	    session->peer_session_id > U16_MAX) {
		NL_SET_ERR_MSG(extack, "L2TPv2 session ids are 16-bit");
		return -EINVAL;
	}
	return 0;
}

/**
 * l2tp_session_register - publish a session in its tunnel
 * @session: a session from l2tp_session_create(), completed by the
 *	pseudowire; the table takes a reference of its own, the caller
 *	keeps and eventually drops the one it has
 * @tunnel: the parent tunnel
 * @extack: where to report why a request is refused
 *
 * Context: process (softirqs are disabled internally).
 * Return: 0; -ENODEV if the tunnel is being deleted; -EEXIST for an id
 * already in use; -EINVAL for an id out of range; -ENOMEM. On failure
 * the session is not published and the caller releases it with
 * l2tp_session_put().
 */
int l2tp_session_register(struct l2tp_session *session,
			  struct l2tp_tunnel *tunnel,
			  struct netlink_ext_ack *extack)
{
	struct l2tp_net *pn = l2tp_pernet(tunnel->net);
	u32 id = session->session_id;
	int err;

	err = l2tp_session_check_ids(session, extack);
	if (err)
		return err;
	if (session->ops && session->ops->owner) {
		if (!try_module_get(session->ops->owner))
			return -ENODEV;
		set_bit(L2TP_OWNER_PINNED, &session->flags);
	}

	idr_preload(GFP_KERNEL);
	spin_lock_bh(&tunnel->lock);
	if (!tunnel->accept_sessions) {
		NL_SET_ERR_MSG(extack, "tunnel is being deleted");
		err = -ENODEV;
		goto out_unlock;
	}
	err = idr_alloc_u32(&tunnel->sessions, NULL, &id, id, GFP_ATOMIC);
	if (err) {
		NL_SET_ERR_MSG(extack, "session id already in use");
		err = err == -ENOSPC ? -EEXIST : err;
		goto out_unlock;
	}
	if (tunnel->version == L2TP_HDR_VER_3) {
		spin_lock(&pn->lock);
		err = l2tp_v3_check_collision(pn, session, extack);
		if (!err)
			err = rhltable_insert(&pn->v3_sessions,
					      &session->v3_node,
					      l2tp_v3_params);
		spin_unlock(&pn->lock);
		if (err) {
			idr_remove(&tunnel->sessions, id);
			goto out_unlock;
		}
	}
	/* The table's reference, taken before anyone can find it. */
	refcount_inc(&session->refcount);
	idr_replace(&tunnel->sessions, session, id);
	tunnel->session_count++;
out_unlock:
	spin_unlock_bh(&tunnel->lock);
	idr_preload_end();

	if (err) {
		if (test_and_clear_bit(L2TP_OWNER_PINNED, &session->flags))
			module_put(session->ops->owner);
		return err;
	}
	set_bit(L2TP_REGISTERED, &session->flags);
	trace_register_session(session);
	return 0;
}
EXPORT_SYMBOL_GPL(l2tp_session_register);

/*
 * Step 1 of the teardown. Returns false if the session was already dead;
 * otherwise the caller now owns the table's reference.
 */
static bool l2tp_session_unpublish(struct l2tp_session *session)
{
	struct l2tp_tunnel *tunnel = session->tunnel;
	struct l2tp_net *pn = l2tp_pernet(tunnel->net);

	if (test_and_set_bit(L2TP_DEAD, &session->flags))
		return false;
	trace_delete_session(session);

	spin_lock_bh(&tunnel->lock);
	idr_remove(&tunnel->sessions, session->session_id);
	tunnel->session_count--;
	if (tunnel->version == L2TP_HDR_VER_3) {
		spin_lock(&pn->lock);
		rhltable_remove(&pn->v3_sessions, &session->v3_node,
				l2tp_v3_params);
		spin_unlock(&pn->lock);
	}
	spin_unlock_bh(&tunnel->lock);
	return true;
}

static void l2tp_session_flush_reorder(struct l2tp_session *session)
{
	struct sk_buff *skb;

	timer_shutdown_sync(&session->reorder_timer);
	/* Receivers test L2TP_DEAD under this lock before queueing. */
	spin_lock_bh(&session->reorder_q.lock);
	while ((skb = __skb_dequeue(&session->reorder_q))) {
		atomic_long_inc(&session->stats.rx_errors);
		kfree_skb(skb);
	}
	spin_unlock_bh(&session->reorder_q.lock);
}

/*
 * Step 2 of the teardown for a batch of unpublished sessions linked by
 * close_node; consumes the table reference of each.
 */
static void l2tp_sessions_close(struct list_head *batch)
{
	struct l2tp_session *session, *tmp;
	bool netdevs = false;
	LIST_HEAD(unreg);

	list_for_each_entry(session, batch, close_node)
		netdevs |= session->ops && session->ops->unregister_netdev;
	if (netdevs) {
		rtnl_lock();
		list_for_each_entry(session, batch, close_node)
			if (session->ops && session->ops->unregister_netdev)
				session->ops->unregister_netdev(session, &unreg);
		unregister_netdevice_many(&unreg);
		/*
		 * The netdevs are unlisted: their names and ifindexes are
		 * free, which is all a synchronous deleter promises. It may
		 * return while rtnl_unlock() waits for their last references
		 * and an RCU barrier, so that one-by-one deletes overlap
		 * those waits instead of paying each in turn.
		 */
		list_for_each_entry(session, batch, close_node)
			if (session->ops && session->ops->unregister_netdev)
				clear_and_wake_up_bit(L2TP_ATTACHED,
						      &session->flags);
		rtnl_unlock();
	}

	list_for_each_entry_safe(session, tmp, batch, close_node) {
		list_del_init(&session->close_node);
		l2tp_session_flush_reorder(session);
		if (session->ops && session->ops->close)
			session->ops->close(session);
		clear_and_wake_up_bit(L2TP_ATTACHED, &session->flags);
		l2tp_session_put(session);
		cond_resched();
	}
}

static void l2tp_session_del_work(struct work_struct *work)
{
	struct l2tp_session *session = container_of(work, struct l2tp_session,
						    del_work);
	LIST_HEAD(batch);

	/* Overwrites the work item: see &struct l2tp_session. */
	list_add(&session->close_node, &batch);
	l2tp_sessions_close(&batch);
}

/**
 * l2tp_session_delete - start deleting a session
 * @session: the session (the caller holds a reference)
 *
 * Idempotent. The session is unpublished before this returns (its id
 * may be reused at once); the pseudowire is closed by a work item.
 *
 * Context: any.
 */
void l2tp_session_delete(struct l2tp_session *session)
{
	if (l2tp_session_unpublish(session))
		queue_work(l2tp_wq, &session->del_work);
}
EXPORT_SYMBOL_GPL(l2tp_session_delete);

/**
 * l2tp_session_delete_sync - delete a session and wait for its close
 * @session: the session (the caller holds a reference)
 *
 * When this returns the session is out of the tables, its netdev unlisted
 * (the name may be reused) or its pseudowire closed. A session with no
 * netdev is closed in the caller; a netdev's unregistration runs in the
 * work item, which signals as soon as the device is unlisted. Deleted by
 * someone else already (a concurrent delete, its tunnel's teardown): wait
 * for that close to get as far.
 *
 * Context: process; may sleep; not from the l2tp workqueue or under RTNL.
 */
void l2tp_session_delete_sync(struct l2tp_session *session)
{
	LIST_HEAD(batch);

	if (!l2tp_session_unpublish(session)) {
		wait_on_bit(&session->flags, L2TP_ATTACHED, TASK_UNINTERRUPTIBLE);
		return;
	}
	if (session->ops && session->ops->unregister_netdev) {
		queue_work(l2tp_wq, &session->del_work);
		wait_on_bit(&session->flags, L2TP_ATTACHED, TASK_UNINTERRUPTIBLE);
		return;
	}
	list_add(&session->close_node, &batch);
	l2tp_sessions_close(&batch);
}
EXPORT_SYMBOL_GPL(l2tp_session_delete_sync);

/**
 * l2tp_session_set_seq - change the sequencing options of a session
 * @session: the session
 * @recv_seq: new value, or -1 to keep it
 * @send_seq: new value, or -1 to keep it
 * @lns_mode: new value, or -1 to keep it
 *
 * Context: any.
 */
void l2tp_session_set_seq(struct l2tp_session *session, int recv_seq,
			  int send_seq, int lns_mode)
{
	if (recv_seq >= 0)
		WRITE_ONCE(session->recv_seq, !!recv_seq);
	if (lns_mode >= 0)
		WRITE_ONCE(session->lns_mode, !!lns_mode);
	if (send_seq >= 0) {
		WRITE_ONCE(session->send_seq, !!send_seq);
		l2tp_session_set_header_len(session);
	}
}
EXPORT_SYMBOL_GPL(l2tp_session_set_seq);

/**
 * DOC: UDP encapsulation glue
 *
 * A UDP tunnel socket is a UDP encapsulation socket (UDP_ENCAP_L2TPINUDP)
 * whose sk_user_data points to the tunnel. encap_rcv sees every datagram
 * first; encap_err_rcv gets the ICMP errors; encap_destroy runs when the
 * socket is closed, which deletes the tunnel.
 */
static void l2tp_udp_encap_destroy(struct sock *sk)
{
	struct l2tp_tunnel *tunnel = l2tp_sk_to_tunnel(sk);

	if (tunnel) {
		l2tp_tunnel_delete(tunnel);
		l2tp_tunnel_put(tunnel);
	}
}

/*
 * ICMP errors for tunnel packets are reported on the socket, as for any
 * UDP socket, so that a managed tunnel's daemon learns about them.
 */
static void l2tp_udp_encap_err_recv(struct sock *sk, struct sk_buff *skb,
				    int err, __be16 port, u32 info,
				    u8 *payload)
{
	WRITE_ONCE(sk->sk_err, err);
	sk_error_report(sk);

	if (ip_hdr(skb)->version == IPVERSION) {
		if (inet_test_bit(RECVERR, sk))
			ip_icmp_error(sk, skb, err, port, info, payload);
#if IS_ENABLED(CONFIG_IPV6)
	} else if (inet6_test_bit(RECVERR6, sk)) {
		ipv6_icmp_error(sk, skb, err, port, info, payload);
#endif
	}
}

/**
 * DOC: receive parsing and cookie check
 *
 * The UDP and IP entry points find the session from the header fields
 * before anything else, so that packets that are not ours (control
 * messages, unknown sessions) reach the tunnel socket untouched. Once a
 * session is found, l2tp_rx_session() owns the packet: it checks the
 * cookie, reads the sequence number, applies the LAC/LNS rules, pulls
 * the header and hands the packet to sequencing and delivery. Every
 * packet it does not deliver is counted.
 */
struct l2tp_rx_hdr {
	unsigned int off;	/* offset of the first byte after the ids */
	unsigned int length;	/* L2TP header + payload, for the counters */
	u16 flags;		/* v2 header flags */
};

static void l2tp_rx_deliver(struct l2tp_session *session,
			    struct sk_buff *skb)
{
	const struct l2tp_skb_cb *cb = l2tp_skb_cb(skb);

	l2tp_stats_rx(&session->tunnel->stats, cb->segs, cb->length);
	l2tp_stats_rx(&session->stats, cb->segs, cb->length);
	skb_orphan(skb);
	session->ops->recv_skb(session, skb, cb->length);
}

static void l2tp_rx_seq(struct l2tp_session *session, struct sk_buff *skb);

/* Read the optional fields; returns the sequence number state in cb. */
static int l2tp_rx_parse_opts(struct l2tp_session *session,
			      struct sk_buff *skb, struct l2tp_rx_hdr *h)
{
	struct l2tp_skb_cb *cb = l2tp_skb_cb(skb);
	unsigned int off = h->off;

	cb->has_seq = false;
	if (session->tunnel->version == L2TP_HDR_VER_2) {
		if (h->flags & L2TP_HDRFLAG_S) {
			if (!pskb_may_pull(skb, off + L2TP_V2_SEQ_LEN))
				return -EINVAL;
			cb->ns = get_unaligned_be16(skb->data + off);
			cb->has_seq = true;
			off += L2TP_V2_SEQ_LEN;
		}
		if (h->flags & L2TP_HDRFLAG_O) {
			if (!pskb_may_pull(skb, off + 2))
				return -EINVAL;
			off += 2 + get_unaligned_be16(skb->data + off);
		}
	} else if (session->l2specific_type == L2TP_L2SPECTYPE_DEFAULT) {
		u32 word;

		if (!pskb_may_pull(skb, off + L2TP_V3_SUBLAYER_LEN))
			return -EINVAL;
		word = get_unaligned_be32(skb->data + off);
		if (word & L2TP_SUBLAYER_S) {
			cb->ns = word & L2TP_SEQ_V3_MAX;
			cb->has_seq = true;
		}
		off += L2TP_V3_SUBLAYER_LEN;
	}
	h->off = off;
	return 0;
}

/*
 * The LAC follows the LNS: it starts or stops sending sequence numbers
 * as the LNS does. Returns false if the packet must be dropped because
 * sequence numbers are required and it has none.
 */
static bool l2tp_rx_seq_mode(struct l2tp_session *session, bool has_seq)
{
	bool lns = READ_ONCE(session->lns_mode);
	bool send_seq = READ_ONCE(session->send_seq);

	if (has_seq) {
		if (!lns && !send_seq) {
			trace_session_seqnum_lns_enable(session);
			WRITE_ONCE(session->send_seq, 1);
			l2tp_session_set_header_len(session);
		}
		return true;
	}
	if (READ_ONCE(session->recv_seq))
		return false;
	if (send_seq) {
		/* An LNS that sends sequence numbers expects them back. */
		if (lns)
			return false;
		trace_session_seqnum_lns_disable(session);
		WRITE_ONCE(session->send_seq, 0);
		l2tp_session_set_header_len(session);
	}
	return true;
}

/*
 * A superpacket (GSO) on the tunnel socket can only come from this host:
 * an l2tpeth device's offloaded transmit (see "segmentation offload"),
 * through veth into another namespace. It is taken whole, as the frame's
 * own TCP or UDP superpacket, when it is exactly what that transmit
 * builds for this session: one header for all segments, so no sequence
 * numbers, and the Ethernet frame right behind our header. Anything else
 * could not be split into this session's packets again, and is dropped.
 * skb->data is at the L2TP header; the counters get the wire packets.
 */
static bool l2tp_rx_gso(struct l2tp_session *session, struct sk_buff *skb,
			const struct l2tp_rx_hdr *h)
{
	const unsigned int tnl = SKB_GSO_UDP_TUNNEL | SKB_GSO_UDP_TUNNEL_CSUM;
	const unsigned int l4 = SKB_GSO_TCPV4 | SKB_GSO_TCPV6 | SKB_GSO_UDP_L4;
	struct l2tp_skb_cb *cb = l2tp_skb_cb(skb);
	unsigned int type = skb_shinfo(skb)->gso_type;

	if (!(type & tnl) || !(type & l4) || !skb->encapsulation ||
	    session->pwtype != L2TP_PWTYPE_ETH || cb->has_seq ||
	    skb->inner_protocol_type != ENCAP_TYPE_ETHER ||
	    skb_inner_mac_header(skb) != skb->data + h->off ||
	    skb_inner_transport_header(skb) < skb_inner_mac_header(skb))
		return false;
	/* The shared info may be a clone's, as a tap on the veth makes. */
	if (skb_unclone(skb, GFP_ATOMIC))
		return false;
	cb->segs = l2tp_gso_count(skb, skb_inner_transport_header(skb),
				  &cb->length);
	skb_shinfo(skb)->gso_type &= ~tnl;
	skb->encapsulation = 0;
	return true;
}

static void l2tp_rx_session(struct l2tp_session *session,
			    struct sk_buff *skb, struct l2tp_rx_hdr *h)
{
	struct l2tp_skb_cb *cb = l2tp_skb_cb(skb);
	unsigned int clen = session->peer_cookie_len;

	if (clen) {
		if (!pskb_may_pull(skb, h->off + clen))
			goto invalid;
		if (memcmp(skb->data + h->off, session->peer_cookie, clen)) {
			net_dbg_ratelimited(L2TP_SESSION_FMT ": cookie mismatch\n",
					    session->tunnel->tunnel_id,
					    session->session_id);
			atomic_long_inc(&session->stats.rx_cookie_discards);
			goto drop;
		}
		h->off += clen;
	}
	if (l2tp_rx_parse_opts(session, skb, h))
		goto invalid;
	if (!l2tp_rx_seq_mode(session, cb->has_seq)) {
		net_dbg_ratelimited(L2TP_SESSION_FMT ": sequence numbers required\n",
				    session->tunnel->tunnel_id,
				    session->session_id);
		atomic_long_inc(&session->stats.rx_seq_discards);
		goto drop;
	}
	if (!pskb_may_pull(skb, h->off))
		goto drop;
	cb->length = h->length;
	cb->segs = 1;
	if (unlikely(skb_is_gso(skb)) && !l2tp_rx_gso(session, skb, h))
		goto drop;
	__skb_pull(skb, h->off);

	/* Unsequenced traffic with nothing held: no lock, no queue. */
	if (!cb->has_seq && skb_queue_empty_lockless(&session->reorder_q)) {
		l2tp_rx_deliver(session, skb);
		return;
	}
	l2tp_rx_seq(session, skb);
	return;

invalid:
	atomic_long_inc(&session->tunnel->stats.rx_invalid);
drop:
	atomic_long_inc(&session->stats.rx_errors);
	kfree_skb(skb);
}

/*
 * Find the session of a data packet whose L2TP header starts at @hoff.
 * Returns NULL (packet untouched) for anything that is not ours.
 */
static struct l2tp_session *l2tp_udp_lookup(struct l2tp_tunnel *tunnel,
					    struct sock *sk,
					    struct sk_buff *skb,
					    unsigned int hoff,
					    struct l2tp_rx_hdr *h)
{
	unsigned int off = hoff + 2;
	u16 flags, ver;

	if (!pskb_may_pull(skb, hoff + 2))
		return NULL;
	flags = get_unaligned_be16(skb->data + hoff);
	if (flags & L2TP_HDRFLAG_T)
		return NULL;
	ver = flags & L2TP_HDR_VER_MASK;
	if (ver != tunnel->version) {
		atomic_long_inc(&tunnel->stats.rx_invalid);
		return NULL;
	}
	h->flags = flags;
	if (ver == L2TP_HDR_VER_2) {
		u16 tid, sid;

		if (flags & L2TP_HDRFLAG_L)
			off += 2;
		if (!pskb_may_pull(skb, off + 4))
			return NULL;
		tid = get_unaligned_be16(skb->data + off);
		sid = get_unaligned_be16(skb->data + off + 2);
		h->off = off + 4 - hoff;
		return l2tp_v2_session_find(tunnel->net, tid, sid);
	}
	/* v3 over UDP: 16 reserved bits after the flags, then the id. */
	off += 2;
	if (!pskb_may_pull(skb, off + L2TP_V3_SESSION_LEN))
		return NULL;
	h->off = off + L2TP_V3_SESSION_LEN - hoff;
	return l2tp_v3_session_find(tunnel->net, sk,
				    get_unaligned_be32(skb->data + off));
}

/**
 * l2tp_udp_encap_recv - receive a datagram on a tunnel's UDP socket
 * @sk: the UDP socket
 * @skb: the datagram, skb->data at the UDP header (checksum verified)
 *
 * Context: softirq, RCU read lock held by the UDP layer.
 * Return: 0 if the packet was consumed (delivered or dropped and
 * counted); 1 to hand it to the UDP socket unchanged: control messages,
 * unknown sessions, and packets of a version the tunnel does not run;
 * never < 0 (no resubmission).
 */
int l2tp_udp_encap_recv(struct sock *sk, struct sk_buff *skb)
{
	struct l2tp_session *session;
	struct l2tp_tunnel *tunnel;
	struct l2tp_rx_hdr h;

	tunnel = rcu_dereference_sk_user_data(sk);
	if (!tunnel)
		return 1;
	session = l2tp_udp_lookup(tunnel, sk, skb, sizeof(struct udphdr), &h);
	if (!session || l2tp_session_dead(session) || !session->ops ||
	    !session->ops->recv_skb)
		return 1;

	__skb_pull(skb, sizeof(struct udphdr));
	h.length = skb->len;
	l2tp_rx_session(session, skb, &h);
	return 0;
}
EXPORT_SYMBOL_GPL(l2tp_udp_encap_recv);

static int l2tp_udp_encap_recv_sk(struct sock *sk, struct sk_buff *skb)
{
	return l2tp_udp_encap_recv(sk, skb);
}

/**
 * DOC: receive offload
 *
 * GRO on the underlay merges the data packets of an Ethernet session that
 * receives no sequence numbers before they reach encap_rcv: packets with
 * the same L2TPv3 header (so the same session and cookie) whose frames
 * merge go up as one superpacket, which l2tp_rx_gso() takes as it takes
 * one sent whole by a local l2tpeth device, and which counts as the
 * packets it was made of. Everything else (control messages, L2TPv2,
 * other pseudowires, sequenced data, a wrong cookie) is left to the
 * normal receive path, which counts what it drops.
 */
static struct l2tp_session *l2tp_gro_session(struct sock *sk, const u8 *hdr)
{
	struct l2tp_tunnel *tunnel = rcu_dereference_sk_user_data(sk);
	struct l2tp_session *session;

	/* Data, version 3, reserved bits clear, as l2tp_build_header() sends. */
	if (!tunnel || tunnel->version != L2TP_HDR_VER_3 ||
	    get_unaligned_be32(hdr) != L2TP_HDR_VER_3 << 16)
		return NULL;
	session = l2tp_v3_session_find(tunnel->net, sk,
				       get_unaligned_be32(hdr + L2TP_V3_UDP_HDR_LEN));
	if (!session || session->pwtype != L2TP_PWTYPE_ETH ||
	    l2tp_session_dead(session) || READ_ONCE(session->recv_seq))
		return NULL;
	return session;
}

/* The data header the session's peer sends when it sends no sequence. */
static unsigned int l2tp_gro_hlen(const struct l2tp_session *session)
{
	unsigned int hlen = L2TP_V3_UDP_HDR_LEN + L2TP_V3_SESSION_LEN +
			    session->peer_cookie_len;

	if (session->l2specific_type == L2TP_L2SPECTYPE_DEFAULT)
		hlen += L2TP_V3_SUBLAYER_LEN;
	return hlen;
}

static struct sk_buff *l2tp_gro_receive(struct sock *sk,
					struct list_head *head,
					struct sk_buff *skb)
{
	const unsigned int idlen = L2TP_V3_UDP_HDR_LEN + L2TP_V3_SESSION_LEN;
	unsigned int off = skb_gro_offset(skb), hlen, clen;
	struct l2tp_session *session;
	struct sk_buff *pp = NULL, *p;
	const u8 *hdr;
	int flush = 1;

	hdr = skb_gro_header(skb, off + idlen, off);
	if (!hdr)
		goto out;
	session = l2tp_gro_session(sk, hdr);
	if (!session)
		goto out;
	hlen = l2tp_gro_hlen(session);
	hdr = skb_gro_header(skb, off + hlen, off);
	if (!hdr)
		goto out;
	clen = session->peer_cookie_len;
	if (memcmp(hdr + idlen, session->peer_cookie, clen))
		goto out;
	if (session->l2specific_type == L2TP_L2SPECTYPE_DEFAULT &&
	    get_unaligned_be32(hdr + idlen + clen) & L2TP_SUBLAYER_S)
		goto out;

	/* Held packets' headers are linear; the same header, the same flow. */
	list_for_each_entry(p, head, list) {
		if (NAPI_GRO_CB(p)->same_flow &&
		    memcmp(hdr, p->data + off, hlen))
			NAPI_GRO_CB(p)->same_flow = 0;
	}
	skb_gro_pull(skb, hlen);
	skb_gro_postpull_rcsum(skb, hdr, hlen);
	pp = call_gro_receive(eth_gro_receive, head, skb);
	flush = 0;
out:
	skb_gro_flush_final(skb, pp, flush);
	return pp;
}

/* Called only for merged packets, whose header l2tp_gro_receive() read. */
static int l2tp_gro_complete(struct sock *sk, struct sk_buff *skb, int nhoff)
{
	struct l2tp_session *session;

	session = l2tp_gro_session(sk, skb->data + nhoff);
	if (!session)
		return -ENOENT;
	/* Sets the inner headers: udp_gro_complete() set encapsulation. */
	return eth_gro_complete(skb, nhoff + l2tp_gro_hlen(session));
}

/**
 * l2tp_ip_recv_data - receive an L2TPv3-over-IP data packet
 * @net: the namespace the packet arrived in
 * @skb: the packet, skb->data at the (non-zero) session id; consumed
 *	unless the return value says otherwise
 *
 * The IP encapsulation modules call this for every packet whose session
 * id is not 0 (0 marks a control message, which they deliver to the
 * L2TPIP socket bound to the tunnel id), after their IPsec policy check.
 * Session ids are unique per namespace for IP encapsulation, so the id
 * alone finds the session.
 *
 * Context: softirq, under RCU.
 * Return: 0 if the packet was consumed (delivered, or dropped and
 * counted); -ENOENT if no session has that id, with @skb untouched.
 */
int l2tp_ip_recv_data(struct net *net, struct sk_buff *skb)
{
	struct l2tp_session *session;
	struct l2tp_rx_hdr h = {
		.off = L2TP_V3_SESSION_LEN,
		.length = skb->len,
	};

	if (!pskb_may_pull(skb, L2TP_V3_SESSION_LEN))
		return -ENOENT;
	session = l2tp_v3_session_find(net, NULL,
				       get_unaligned_be32(skb->data));
	if (!session || l2tp_session_dead(session) || !session->ops ||
	    !session->ops->recv_skb)
		return -ENOENT;
	l2tp_rx_session(session, skb, &h);
	return 0;
}
EXPORT_SYMBOL_GPL(l2tp_ip_recv_data);

/**
 * DOC: sequencing and the reorder queue
 *
 * Sequenced packets go through session->reorder_q under its lock, ordered
 * by their distance from the next expected number (so the order is right
 * across the wrap). Delivery takes packets from the head while they are
 * in sequence. With a reorder timeout, a packet that waited too long is
 * dropped and the session resynchronises on the next one; a timer
 * enforces this even when no further packet arrives (the in-tree code
 * only looks at the queue when a packet comes in). Without a timeout,
 * out-of-order packets are dropped, and a run of consecutive packets
 * after a gap makes the session adopt the new numbering.
 */
static u32 l2tp_seq_dist(const struct l2tp_session *session, u32 ns)
{
	return (ns - session->nr) & session->nr_max;
}

static void l2tp_reorder_insert(struct l2tp_session *session,
				struct sk_buff *skb)
{
	u32 dist = l2tp_seq_dist(session, l2tp_skb_cb(skb)->ns);
	struct sk_buff *pos;

	skb_queue_walk(&session->reorder_q, pos) {
		if (!l2tp_skb_cb(pos)->has_seq)
			continue;
		if (l2tp_seq_dist(session, l2tp_skb_cb(pos)->ns) > dist) {
			atomic_long_inc(&session->stats.rx_oos_packets);
			__skb_queue_before(&session->reorder_q, pos, skb);
			return;
		}
	}
	__skb_queue_tail(&session->reorder_q, skb);
}

/* Accept or drop a sequenced packet; called with the queue lock held. */
static bool l2tp_seq_accept(struct l2tp_session *session, struct sk_buff *skb)
{
	u32 ns = l2tp_skb_cb(skb)->ns;

	/* Until the first packet fixes @nr there is no window to check. */
	if (!session->reorder_skip &&
	    l2tp_seq_dist(session, ns) >= session->nr_window_size) {
		trace_session_pkt_outside_rx_window(session, ns);
		return false;
	}
	if (READ_ONCE(session->reorder_timeout)) {
		l2tp_reorder_insert(session, skb);
		return true;
	}
	if (ns != session->nr && !session->reorder_skip) {
		if (ns == ((session->nr_oos + 1) & session->nr_max))
			session->nr_oos_count++;
		else
			session->nr_oos_count = 0;
		session->nr_oos = ns;
		if (session->nr_oos_count > L2TP_OOS_RESYNC_COUNT) {
			session->reorder_skip = 1;
		} else {
			atomic_long_inc(&session->stats.rx_seq_discards);
			trace_session_pkt_oos(session, ns);
			return false;
		}
	}
	__skb_queue_tail(&session->reorder_q, skb);
	return true;
}

/*
 * A held packet outlived its deadline: count and free it. The gap it sat
 * behind is given up, so the session adopts the next number it sees.
 */
static void l2tp_reorder_expire(struct l2tp_session *session,
				struct sk_buff *skb)
{
	trace_session_pkt_expired(session, l2tp_skb_cb(skb)->ns);
	__skb_unlink(skb, &session->reorder_q);
	atomic_long_inc(&session->stats.rx_seq_discards);
	atomic_long_inc(&session->stats.rx_errors);
	session->reorder_skip = 1;
	kfree_skb(skb);
}

/* May the packet at the head go now? Resynchronises @nr if asked to. */
static bool l2tp_reorder_in_turn(struct l2tp_session *session,
				 const struct l2tp_skb_cb *cb)
{
	if (!cb->has_seq)
		return true;
	if (session->reorder_skip) {
		session->nr = cb->ns;
		session->reorder_skip = 0;
		trace_session_seqnum_reset(session);
	}
	return session->nr == cb->ns;
}

/*
 * Move the packets that are due from the head of the queue to @out, and
 * arm the timer for whatever stays; called with the queue lock held.
 */
static void l2tp_reorder_dequeue(struct l2tp_session *session,
				 struct sk_buff_head *out)
{
	struct sk_buff_head *q = &session->reorder_q;
	unsigned long now = jiffies;
	struct sk_buff *skb, *next;

	for (skb = skb_peek(q); skb; skb = next) {
		const struct l2tp_skb_cb *cb = l2tp_skb_cb(skb);

		next = skb_peek_next(skb, q);
		if (time_after(now, cb->expires)) {
			l2tp_reorder_expire(session, skb);
			continue;
		}
		if (!l2tp_reorder_in_turn(session, cb))
			break;
		if (cb->has_seq) {
			session->nr = (cb->ns + 1) & session->nr_max;
			trace_session_seqnum_update(session);
		}
		__skb_unlink(skb, q);
		__skb_queue_tail(out, skb);
	}

	skb = skb_peek(q);
	if (skb)
		mod_timer(&session->reorder_timer, l2tp_skb_cb(skb)->expires);
}

static void l2tp_reorder_flush_out(struct l2tp_session *session,
				   struct sk_buff_head *out)
{
	struct sk_buff *skb;

	while ((skb = __skb_dequeue(out)))
		l2tp_rx_deliver(session, skb);
}

static void l2tp_rx_seq(struct l2tp_session *session, struct sk_buff *skb)
{
	unsigned long timeout = READ_ONCE(session->reorder_timeout);
	struct l2tp_skb_cb *cb = l2tp_skb_cb(skb);
	struct sk_buff_head out;
	bool queued = true;

	__skb_queue_head_init(&out);
	cb->expires = jiffies + (timeout ?: HZ);

	spin_lock_bh(&session->reorder_q.lock);
	if (l2tp_session_dead(session))
		queued = false;
	else if (cb->has_seq)
		queued = l2tp_seq_accept(session, skb);
	else
		__skb_queue_tail(&session->reorder_q, skb);
	if (queued)
		l2tp_reorder_dequeue(session, &out);
	spin_unlock_bh(&session->reorder_q.lock);

	if (!queued) {
		atomic_long_inc(&session->stats.rx_errors);
		kfree_skb(skb);
	}
	l2tp_reorder_flush_out(session, &out);
}

static void l2tp_reorder_timer_fn(struct timer_list *t)
{
	struct l2tp_session *session = from_timer(session, t, reorder_timer);
	struct sk_buff_head out;

	__skb_queue_head_init(&out);
	rcu_read_lock();
	spin_lock_bh(&session->reorder_q.lock);
	l2tp_reorder_dequeue(session, &out);
	spin_unlock_bh(&session->reorder_q.lock);
	l2tp_reorder_flush_out(session, &out);
	rcu_read_unlock();
}

/**
 * DOC: transmit
 *
 * l2tp_xmit_skb() builds the data header from a snapshot of the session's
 * sequencing state, routes with the tunnel's dst_cache and hands the
 * packet to the UDP or IP tunnel transmit helpers. It takes no socket
 * lock, so it never drops a packet because userspace is using the
 * socket (the in-tree code does), and it always consumes the skb.
 */
static unsigned int l2tp_build_header(struct l2tp_session *session, u8 *p,
				      bool send_seq)
{
	const struct l2tp_tunnel *tunnel = session->tunnel;
	u8 *start = p;
	u32 ns;

	if (tunnel->version == L2TP_HDR_VER_2) {
		put_unaligned_be16(L2TP_HDR_VER_2 |
				   (send_seq ? L2TP_HDRFLAG_S : 0), p);
		put_unaligned_be16(tunnel->peer_tunnel_id, p + 2);
		put_unaligned_be16(session->peer_session_id, p + 4);
		p += L2TP_V2_HDR_MIN;
		if (send_seq) {
			ns = atomic_fetch_inc(&session->ns) & L2TP_SEQ_V2_MAX;
			put_unaligned_be16(ns, p);
			put_unaligned_be16(0, p + 2);
			p += L2TP_V2_SEQ_LEN;
		}
		return p - start;
	}

	if (tunnel->encap == L2TP_ENCAPTYPE_UDP) {
		put_unaligned_be32(L2TP_HDR_VER_3 << 16, p);
		p += L2TP_V3_UDP_HDR_LEN;
	}
	put_unaligned_be32(session->peer_session_id, p);
	p += L2TP_V3_SESSION_LEN;
	memcpy(p, session->cookie, session->cookie_len);
	p += session->cookie_len;
	if (session->l2specific_type == L2TP_L2SPECTYPE_DEFAULT) {
		u32 word = 0;

		if (send_seq) {
			ns = atomic_fetch_inc(&session->ns) & L2TP_SEQ_V3_MAX;
			word = L2TP_SUBLAYER_S | ns;
		}
		put_unaligned_be32(word, p);
		p += L2TP_V3_SUBLAYER_LEN;
	}
	return p - start;
}

/**
 * struct l2tp_tx - one packet's way through l2tp_xmit_skb()
 * @send_seq: the session's send_seq, read once for the packet
 * @offload: sent as a UDP tunnel packet whose segmentation and inner
 *	checksum are left to the layers below (see "segmentation offload")
 * @segs: packets it is on the wire
 * @len: their bytes from the L2TP header on, for the counters
 */
struct l2tp_tx {
	bool send_seq;
	bool offload;
	unsigned int segs;
	unsigned int len;
};

/*
 * An IPsec route encrypts each packet on its way out, where the UDP
 * tunnel segmentation would run without the device it expects: a
 * superpacket is cut here first (-EAGAIN asks l2tp_xmit_skb() to), and
 * a partial checksum completed, as for a route without offload.
 */
static int l2tp_xmit_route_check(struct dst_entry *dst, struct sk_buff *skb,
				 struct l2tp_tx *tx)
{
	if (!tx->offload || !dst_xfrm(dst))
		return 0;
	if (skb_is_gso(skb))
		return -EAGAIN;
	tx->offload = false;
	return 0;
}

/* Common preparation: room for every header, then the L2TP header. */
static int l2tp_xmit_prepare(struct l2tp_session *session, struct sk_buff *skb,
			     struct dst_entry *dst, unsigned int iphlen,
			     bool udp_csum, struct l2tp_tx *tx)
{
	unsigned int hlen = l2tp_hdr_len(session, tx->send_seq);
	unsigned int udplen = 0;
	int err;

	if (session->tunnel->encap == L2TP_ENCAPTYPE_UDP)
		udplen = sizeof(struct udphdr);
	if (!tx->offload && skb->ip_summed == CHECKSUM_PARTIAL &&
	    skb_checksum_help(skb))
		return -ENOMEM;
	if (skb_cow_head(skb, LL_RESERVED_SPACE(dst->dev) + dst->header_len +
			 iphlen + udplen + hlen))
		return -ENOMEM;
	if (tx->offload) {
		/* The frame's headers become the inner ones, which the
		 * segmentation of the outer packet copies per segment.
		 */
		skb_set_inner_protocol(skb, htons(ETH_P_TEB));
		err = udp_tunnel_handle_offloads(skb, udp_csum);
		if (err)
			return err;
	}
	l2tp_build_header(session, __skb_push(skb, hlen), tx->send_seq);
	tx->segs = 1;
	tx->len = skb->len;
	if (skb_is_gso(skb))
		tx->segs = l2tp_gso_count(skb, skb_transport_header(skb),
					  &tx->len);
	/*
	 * What the length fields can say: UDP's length and IPv6's payload
	 * length leave the IP header out, IPv4's total length counts it. A
	 * bigger frame would leave as fragments no receiver can reassemble.
	 */
	if (skb->len + udplen + (dst->ops->family == AF_INET ? iphlen : 0) >
	    U16_MAX)
		return -EMSGSIZE;

	nf_reset_ct(skb);
	skb_dst_drop(skb);
	/* The pseudowire's device counts its own packets. */
	skb->dev = NULL;
	skb->ignore_df = 1;
	return 0;
}

static u32 l2tp_sk_policy_hash(const struct sock *sk)
{
#if IS_ENABLED(CONFIG_XFRM)
	return hash_ptr(rcu_access_pointer(sk->sk_policy[XFRM_POLICY_OUT]), 32);
#else
	return 0;
#endif
}

/*
 * The socket of a managed tunnel belongs to userspace, which may connect
 * it elsewhere, bind it to a device, mark it, change its TOS or give it
 * an IPsec policy of its own at any time. The route cache is only valid
 * for the socket state it was filled with, so a change of that state
 * resets it (lazily: dst_cache_reset() only stamps the time, which is
 * safe with concurrent users). Missing a policy change would send in
 * the clear what userspace asked to encrypt, so the policy is part of
 * the key; a new policy that reuses a freed one's address still finds
 * the old bundle stale, as dst_check() fails for a dead policy.
 */
static void l2tp_dst_cache_check(struct l2tp_tunnel *tunnel, struct sock *sk)
{
	const struct inet_sock *inet = inet_sk(sk);
	u32 key;

	key = jhash_3words((__force u32)inet->inet_daddr,
			   (__force u32)inet->inet_saddr,
			   ((__force u32)inet->inet_dport << 16) |
			   (__force u32)inet->inet_sport,
			   READ_ONCE(sk->sk_bound_dev_if) ^ READ_ONCE(sk->sk_mark));
	key = jhash_2words(READ_ONCE(inet->tos), l2tp_sk_policy_hash(sk), key);
#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6)
		key = jhash2((const u32 *)&sk->sk_v6_daddr, 4,
			     jhash2((const u32 *)&inet6_sk(sk)->saddr, 4, key));
#endif
	if (likely(key == READ_ONCE(tunnel->dst_key)))
		return;
	dst_cache_reset(&tunnel->dst_cache);
	WRITE_ONCE(tunnel->dst_key, key);
}

static struct rtable *l2tp_route4(struct l2tp_tunnel *tunnel, struct sock *sk,
				  __be32 *saddr)
{
	struct inet_sock *inet = inet_sk(sk);
	struct rtable *rt;
	struct flowi4 fl4;

	l2tp_dst_cache_check(tunnel, sk);
	rt = dst_cache_get_ip4(&tunnel->dst_cache, saddr);
	if (rt)
		return rt;
	rt = ip_route_output_ports(sock_net(sk), &fl4, sk,
				   inet->inet_daddr, inet->inet_saddr,
				   inet->inet_dport, inet->inet_sport,
				   sk->sk_protocol, ip_sock_rt_tos(sk),
				   sk->sk_bound_dev_if);
	if (IS_ERR(rt))
		return rt;
	dst_cache_set_ip4(&tunnel->dst_cache, &rt->dst, fl4.saddr);
	*saddr = fl4.saddr;
	return rt;
}

static int l2tp_xmit4(struct l2tp_session *session, struct sk_buff *skb,
		      struct l2tp_tx *tx)
{
	struct l2tp_tunnel *tunnel = session->tunnel;
	struct sock *sk = tunnel->sock;
	struct inet_sock *inet = inet_sk(sk);
	__be32 saddr, daddr = inet->inet_daddr;
	struct rtable *rt;
	int ttl, err;
	u8 tos;

	if (!daddr)
		return -ENOTCONN;
	rt = l2tp_route4(tunnel, sk, &saddr);
	if (IS_ERR(rt))
		return PTR_ERR(rt);
	err = l2tp_xmit_route_check(&rt->dst, skb, tx);
	if (!err)
		err = l2tp_xmit_prepare(session, skb, &rt->dst,
					sizeof(struct iphdr),
					!sk->sk_no_check_tx, tx);
	if (err) {
		ip_rt_put(rt);
		return err;
	}
	tos = READ_ONCE(inet->tos);
	ttl = READ_ONCE(inet->uc_ttl);
	if (ttl < 0)
		ttl = ip4_dst_hoplimit(&rt->dst);

	if (tunnel->encap == L2TP_ENCAPTYPE_UDP) {
		udp_tunnel_xmit_skb(rt, sk, skb, saddr, daddr, tos, ttl, 0,
				    inet->inet_sport, inet->inet_dport, false,
				    sk->sk_no_check_tx);
	} else {
		memset(IPCB(skb), 0, sizeof(*IPCB(skb)));
		iptunnel_xmit(sk, rt, skb, saddr, daddr, IPPROTO_L2TP, tos,
			      ttl, 0, false);
	}
	return 0;
}

#if IS_ENABLED(CONFIG_IPV6)
static struct dst_entry *l2tp_route6(struct l2tp_tunnel *tunnel,
				     struct sock *sk, struct in6_addr *saddr)
{
	struct inet_sock *inet = inet_sk(sk);
	struct dst_entry *dst;
	struct flowi6 fl6 = {
		.flowi6_proto = sk->sk_protocol,
		.flowi6_oif = sk->sk_bound_dev_if,
		.flowi6_mark = sk->sk_mark,
		.flowi6_uid = sk->sk_uid,
		.daddr = sk->sk_v6_daddr,
		.saddr = inet6_sk(sk)->saddr,
		.fl6_sport = inet->inet_sport,
		.fl6_dport = inet->inet_dport,
	};

	l2tp_dst_cache_check(tunnel, sk);
	dst = dst_cache_get_ip6(&tunnel->dst_cache, saddr);
	if (dst)
		return dst;
	dst = ipv6_stub->ipv6_dst_lookup_flow(sock_net(sk), sk, &fl6, NULL);
	if (IS_ERR(dst))
		return dst;
	dst_cache_set_ip6(&tunnel->dst_cache, dst, &fl6.saddr);
	*saddr = fl6.saddr;
	return dst;
}

/* The socket's IPV6_AUTOFLOWLABEL, else the namespace default. */
static bool l2tp_autoflowlabel(const struct sock *sk)
{
	if (!inet6_test_bit(AUTOFLOWLABEL_SET, sk))
		return ip6_default_np_autolabel(sock_net(sk));
	return inet6_test_bit(AUTOFLOWLABEL, sk);
}

/*
 * The outer header takes the tunnel socket's traffic class, hop limit
 * and flow label (the configured one, else a hash of the packet's flow),
 * as a datagram sent on the socket would.
 */
static int l2tp_xmit6(struct l2tp_session *session, struct sk_buff *skb,
		      struct l2tp_tx *tx)
{
	struct l2tp_tunnel *tunnel = session->tunnel;
	struct sock *sk = tunnel->sock;
	struct ipv6_pinfo *np = inet6_sk(sk);
	struct inet_sock *inet = inet_sk(sk);
	struct ipv6hdr *ip6h;
	struct dst_entry *dst;
	struct flowi6 fl6;
	__be32 label;
	int ttl, err;
	u8 tclass;

	if (ipv6_addr_any(&sk->sk_v6_daddr))
		return -ENOTCONN;
	memset(&fl6, 0, sizeof(fl6));
	dst = l2tp_route6(tunnel, sk, &fl6.saddr);
	if (IS_ERR(dst))
		return PTR_ERR(dst);
	err = l2tp_xmit_route_check(dst, skb, tx);
	if (!err)
		err = l2tp_xmit_prepare(session, skb, dst,
					sizeof(struct ipv6hdr),
					!udp_get_no_check6_tx(sk), tx);
	if (err) {
		dst_release(dst);
		return err;
	}

	fl6.daddr = sk->sk_v6_daddr;
	fl6.flowi6_proto = sk->sk_protocol;
	fl6.fl6_sport = inet->inet_sport;
	fl6.fl6_dport = inet->inet_dport;
	ttl = ip6_sk_dst_hoplimit(np, &fl6, dst);
	tclass = READ_ONCE(np->tclass);
	label = ip6_make_flowlabel(sock_net(sk), skb,
				   np->flow_label & IPV6_FLOWLABEL_MASK,
				   l2tp_autoflowlabel(sk), &fl6);

	if (tunnel->encap == L2TP_ENCAPTYPE_UDP) {
		udp_tunnel6_xmit_skb(dst, sk, skb, NULL, &fl6.saddr,
				     &fl6.daddr, tclass, ttl, label,
				     inet->inet_sport, inet->inet_dport,
				     udp_get_no_check6_tx(sk));
		return 0;
	}
	skb_dst_set(skb, dst);
	ip6h = skb_push(skb, sizeof(*ip6h));
	skb_reset_network_header(skb);
	ip6_flow_hdr(ip6h, tclass, label);
	ip6h->payload_len = htons(skb->len - sizeof(*ip6h));
	ip6h->nexthdr = IPPROTO_L2TP;
	ip6h->hop_limit = ttl;
	ip6h->saddr = fl6.saddr;
	ip6h->daddr = fl6.daddr;
	ip6tunnel_xmit(sk, skb, NULL);
	return 0;
}
#else
static int l2tp_xmit6(struct l2tp_session *session, struct sk_buff *skb,
		      struct l2tp_tx *tx)
{
	return -EAFNOSUPPORT;
}
#endif

/*
 * DOC: segmentation offload
 *
 * An Ethernet pseudowire's device takes TCP and UDP superpackets (TSO,
 * USO) and frames whose transport checksum is still to be written
 * (CHECKSUM_PARTIAL), so the stack above it handles one large packet
 * where the in-tree device makes it cut and checksum every segment
 * first. Over a UDP tunnel, a session that sends no sequence numbers
 * puts the same header on every segment: the superpacket is
 * encapsulated once, as a UDP tunnel GSO packet (as VXLAN does), and
 * cut into wire packets by the device that sends it, in hardware where
 * it can, or never when it stays on the host: through veth into another
 * namespace it arrives whole, and l2tp_rx_gso() takes it whole. A
 * partial checksum rides along the same way, the outer UDP checksum
 * being computed around it (local checksum offload).
 *
 * Everything else is segmented and checksummed here, before the L2TP
 * header goes on: IP encapsulation has no GSO type, sequence numbers
 * differ per segment, a frame that already carries another tunnel's
 * offload state cannot take a second one, and an IPsec route encrypts
 * every wire packet on the way (see l2tp_xmit_route_check()). The tunnel and session
 * counters count wire packets and bytes either way; the device counts
 * what it was given, as every virtual device does.
 */
static bool l2tp_xmit_can_offload(const struct l2tp_session *session,
				  const struct sk_buff *skb, bool send_seq)
{
	return session->tunnel->encap == L2TP_ENCAPTYPE_UDP &&
	       session->pwtype == L2TP_PWTYPE_ETH && !send_seq &&
	       !skb->encapsulation &&
	       (!skb_is_gso(skb) || skb->len <= L2TP_GSO_MAX_SIZE);
}

static int l2tp_xmit_one(struct l2tp_session *session, struct sk_buff *skb,
			 struct l2tp_tx *tx)
{
	struct l2tp_tunnel *tunnel = session->tunnel;

	if (l2tp_tunnel_dead(tunnel) || l2tp_session_dead(session))
		return -ENODEV;
	if (l2tp_tunnel_is_v6(tunnel))
		return l2tp_xmit6(session, skb, tx);
	return l2tp_xmit4(session, skb, tx);
}

static int l2tp_xmit_segments(struct l2tp_session *session,
			      struct sk_buff *skb);

/* A packet that could not be sent: counted in tx_errors and freed. */
static int l2tp_xmit_drop(struct l2tp_session *session, struct sk_buff *skb,
			  int err)
{
	net_dbg_ratelimited(L2TP_SESSION_FMT ": transmit failed: %d\n",
			    session->tunnel->tunnel_id, session->session_id, err);
	atomic_long_inc(&session->tunnel->stats.tx_errors);
	atomic_long_inc(&session->stats.tx_errors);
	kfree_skb(skb);
	return NET_XMIT_DROP;
}

/**
 * l2tp_xmit_skb - send a data packet on a session
 * @session: the session (the caller holds a reference, directly or
 *	through the pseudowire's device or socket)
 * @skb: the payload, with any pseudowire header (e.g. PPP) already added;
 *	may be a superpacket or carry a partial checksum (see "segmentation
 *	offload"); always consumed
 *
 * Context: any context that may transmit (softirq or process).
 * Return: NET_XMIT_SUCCESS, or NET_XMIT_DROP when the packet could not be
 * sent (counted in tx_errors); for a superpacket cut here, success if
 * any of its segments was sent.
 */
int l2tp_xmit_skb(struct l2tp_session *session, struct sk_buff *skb)
{
	struct l2tp_tunnel *tunnel = session->tunnel;
	struct l2tp_tx tx = { .send_seq = READ_ONCE(session->send_seq) };
	int err;

	tx.offload = l2tp_xmit_can_offload(session, skb, tx.send_seq);
	if (!tx.offload && skb_is_gso(skb))
		return l2tp_xmit_segments(session, skb);

	err = l2tp_xmit_one(session, skb, &tx);
	if (err == -EAGAIN)
		return l2tp_xmit_segments(session, skb);
	if (err)
		return l2tp_xmit_drop(session, skb, err);
	l2tp_stats_tx(&tunnel->stats, tx.segs, tx.len);
	l2tp_stats_tx(&session->stats, tx.segs, tx.len);
	return NET_XMIT_SUCCESS;
}
EXPORT_SYMBOL_GPL(l2tp_xmit_skb);

/* Software segmentation, with the checksums, for l2tp_xmit_skb(). */
static int l2tp_xmit_segments(struct l2tp_session *session,
			      struct sk_buff *skb)
{
	struct sk_buff *segs, *seg, *next;
	int ret = NET_XMIT_DROP;

	segs = skb_gso_segment(skb, NETIF_F_SG);
	if (IS_ERR_OR_NULL(segs))
		return l2tp_xmit_drop(session, skb, segs ? PTR_ERR(segs) : -EINVAL);
	consume_skb(skb);
	skb_list_walk_safe(segs, seg, next) {
		skb_mark_not_on_list(seg);
		if (l2tp_xmit_skb(session, seg) == NET_XMIT_SUCCESS)
			ret = NET_XMIT_SUCCESS;
	}
	return ret;
}

/**
 * l2tp_tunnel_overhead - bytes added around a session's payload
 * @tunnel: the tunnel
 * @session: the session, or NULL for the largest header of the tunnel
 *
 * Context: process, with the tunnel socket locked (lock_sock()): the IP
 * options that are part of the overhead can change under setsockopt().
 * Return: outer IP header (with options) + UDP header if any + the L2TP
 * data header.
 */
unsigned int l2tp_tunnel_overhead(const struct l2tp_tunnel *tunnel,
				  const struct l2tp_session *session)
{
	unsigned int len = kernel_sock_ip_overhead(tunnel->sock);

	if (tunnel->encap == L2TP_ENCAPTYPE_UDP)
		len += sizeof(struct udphdr);
	if (session)
		return len + READ_ONCE(session->hdr_len);
	return len + L2TP_HDR_MAX;
}
EXPORT_SYMBOL_GPL(l2tp_tunnel_overhead);

/**
 * l2tp_tunnel_dst_mtu - path MTU of the tunnel socket's cached route
 * @tunnel: the tunnel
 *
 * Return: the MTU, or 0 when the socket has no cached route.
 */
u32 l2tp_tunnel_dst_mtu(const struct l2tp_tunnel *tunnel)
{
	struct dst_entry *dst;
	u32 mtu = 0;

	dst = sk_dst_get(tunnel->sock);
	if (dst) {
		mtu = dst_mtu(dst);
		dst_release(dst);
	}
	return mtu;
}
EXPORT_SYMBOL_GPL(l2tp_tunnel_dst_mtu);

/**
 * l2tp_tunnel_uses_xfrm - whether an IPsec policy covers the tunnel
 * @tunnel: the tunnel
 *
 * Return: true if the tunnel socket has an xfrm policy attached.
 */
bool l2tp_tunnel_uses_xfrm(const struct l2tp_tunnel *tunnel)
{
#if IS_ENABLED(CONFIG_XFRM)
	struct sock *sk = tunnel->sock;

	return sk && (rcu_access_pointer(sk->sk_policy[0]) ||
		      rcu_access_pointer(sk->sk_policy[1]));
#else
	return false;
#endif
}
EXPORT_SYMBOL_GPL(l2tp_tunnel_uses_xfrm);

/**
 * DOC: module init/exit and pernet ops
 *
 * A namespace's tunnels are deleted in pre_exit, while its devices still
 * exist, and the workqueue is flushed so that every teardown has
 * finished before the namespace's own exit runs. The exit frees the
 * tables while the devices (whose exit comes after ours) may still
 * deliver packets: pre_exit sets &l2tp_net.exiting to stop the receive
 * lookups first, and cleanup_net()'s grace period separates the two.
 */
static __net_init int l2tp_net_init(struct net *net)
{
	struct l2tp_net *pn = l2tp_pernet(net);

	spin_lock_init(&pn->lock);
	idr_init(&pn->tunnels);
	return rhltable_init(&pn->v3_sessions, &l2tp_v3_params);
}

static __net_exit void l2tp_net_pre_exit(struct net *net)
{
	struct l2tp_tunnel *tunnel;
	u32 key = 0;

	while ((tunnel = l2tp_tunnel_get_next(net, &key))) {
		l2tp_tunnel_delete(tunnel);
		l2tp_tunnel_put(tunnel);
		if (key++ == U32_MAX)
			break;
		cond_resched();
	}
	/*
	 * The workqueue is shared by every namespace, so it is flushed, not
	 * drained. A session work queued by a tunnel work of the first
	 * round is caught by the second.
	 */
	flush_workqueue(l2tp_wq);
	flush_workqueue(l2tp_wq);
	/*
	 * The devices outlive this (their own exit comes later), so packets
	 * keep arriving: the receive path must stop looking into the v3
	 * table, which rhltable_destroy() frees at once. The grace period
	 * between pre_exit and exit lets readers that saw the flag clear
	 * finish (found by KASAN under test_stress's netns teardown).
	 */
	WRITE_ONCE(l2tp_pernet(net)->exiting, true);
}

static __net_exit void l2tp_net_exit(struct net *net)
{
	struct l2tp_net *pn = l2tp_pernet(net);

	idr_destroy(&pn->tunnels);
	rhltable_destroy(&pn->v3_sessions);
}

static struct pernet_operations l2tp_net_ops = {
	.init = l2tp_net_init,
	.pre_exit = l2tp_net_pre_exit,
	.exit = l2tp_net_exit,
	.id = &l2tp_net_id,
	.size = sizeof(struct l2tp_net),
};

static int __init l2tp_init(void)
{
	int err;

	BUILD_BUG_ON(L2TP_CB_OFFSET + sizeof(struct l2tp_skb_cb) >
		     sizeof_field(struct sk_buff, cb));

	l2tp_session_cache = kmem_cache_create("l2tp_session",
					       sizeof(struct l2tp_session) +
					       L2TP_SESSION_PRIV_CACHED,
					       __alignof__(struct l2tp_session),
					       0, NULL);
	if (!l2tp_session_cache)
		return -ENOMEM;
	l2tp_wq = alloc_workqueue("l2tp", WQ_UNBOUND, 0);
	if (!l2tp_wq) {
		err = -ENOMEM;
		goto err_cache;
	}
	err = register_pernet_device(&l2tp_net_ops);
	if (err)
		goto err_wq;
	pr_info("L2TP core driver loaded\n");
	return 0;

err_wq:
	destroy_workqueue(l2tp_wq);
err_cache:
	kmem_cache_destroy(l2tp_session_cache);
	return err;
}

static void __exit l2tp_exit(void)
{
	unregister_pernet_device(&l2tp_net_ops);
	destroy_workqueue(l2tp_wq);
	/* Objects are freed by RCU callbacks that live in this module. */
	rcu_barrier();
	kmem_cache_destroy(l2tp_session_cache);
}

module_init(l2tp_init);
module_exit(l2tp_exit);

MODULE_DESCRIPTION("L2TP core: tunnels, sessions and their data path");
MODULE_LICENSE("GPL");
