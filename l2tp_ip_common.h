/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The part of the L2TPIP socket families (L2TPv3 directly over IP,
 * protocol 115) that does not depend on the address family: the
 * per-namespace socket tables and their lookups, the receive hand-off
 * of control and data frames, ICMP error fan-out, disconnect, recvmsg,
 * ioctl and the deletion of a socket's tunnel. l2tp_ip.c (IPv4) and
 * l2tp_ip6.c (IPv6) include it and add only what is about addresses:
 * sockaddr checks, bind/connect/getname, sendmsg and the protocol
 * handlers' glue. Both modules build on l2tp_core and on nothing else
 * of each other.
 *
 * Everything here is static inline: each module gets its own copy, so
 * the two stay independent while the logic is written once.
 */
#ifndef _L2TP_IP_COMMON_H
#define _L2TP_IP_COMMON_H

#include <asm/ioctls.h>
#include <linux/in6.h>
#include <linux/mutex.h>
#include <linux/rhashtable.h>
#include <linux/skbuff.h>
#include <linux/sockios.h>
#include <linux/unaligned.h>
#include <net/inet_sock.h>
#include <net/ip.h>
#include <net/sock.h>
#include <net/tcp_states.h>
#include <net/xfrm.h>

#include "l2tp_core.h"

/*
 * A control frame over IP is a zero session id followed by the control
 * header proper: flags and version, length, control connection id, Ns
 * and Nr (RFC 3931 section 4.1.1.2). The header is only accepted with
 * the T (control) and L (length present) bits set.
 */
#define L2TP_IP_CTRL_HDR_LEN	12
#define L2TP_IP_CTRL_CONN_OFF	4	/* connection id, in the control header */
#define L2TP_IP_CTRL_TL_BITS	0xc0	/* T and L, in the first byte */

/**
 * struct l2tp_ip_sock - an L2TPIP socket of either family
 * @inet: the inet socket; first, since the inet code casts sk to it
 * @conn_id: control connection id bound to (0: accept new connections)
 * @peer_conn_id: the peer's control connection id given to connect()
 * @peer_key: hash key of the peer address while @peer_node is hashed
 * @bound: bind() succeeded; set once, under the socket lock
 * @peer_hashed: @peer_node is in the namespace's peer table
 * @conn_node: entry in the namespace's table of bound sockets
 * @peer_node: entry in the namespace's table of connected sockets
 *
 * The address fields the lookups compare (local and peer address, bound
 * device) are the inet socket's own. Lookups run under RCU without the
 * socket lock, so the sockets are freed after a grace period
 * (SOCK_RCU_FREE) and a lookup that keeps one takes a reference with
 * refcount_inc_not_zero().
 */
struct l2tp_ip_sock {
	struct inet_sock inet;
	u32 conn_id;
	u32 peer_conn_id;
	u32 peer_key;
	bool bound;
	bool peer_hashed;
	struct rhlist_head conn_node;
	struct rhlist_head peer_node;
};

#define l2tp_ip_sk(sk)	container_of_const(inet_sk(sk), struct l2tp_ip_sock, inet)

/**
 * struct l2tp_ip_ends - the two ends of a frame, or of a wanted binding
 * @laddr: local address (IPv4 or IPv6 by the table's family)
 * @raddr: remote address
 * @dif: interface index, 0 for any
 *
 * In a received frame every field is set. For a bind request, the
 * wildcard values (address 0 or ::, interface 0) match anything.
 */
struct l2tp_ip_ends {
	union {
		__be32 v4;
		struct in6_addr v6;
	} laddr, raddr;
	int dif;
};

/**
 * struct l2tp_ip_family - what the shared code needs from a family
 * @family: AF_INET or AF_INET6
 * @score: how specifically @sk matches @e: -1 when a field @sk has set
 *	(local address, peer address, bound device) differs from a
 *	non-wildcard one of @e, else the number of fields @sk has set.
 *	Must be safe against concurrent changes of @sk (READ_ONCE).
 * @rcv_ends: fill @e from a received frame (addresses from the IP header)
 * @peer_key: hash key of the peer address of a connected socket
 * @connect: the family's datagram connect (route, source address, state)
 * @report: tell @sk about an ICMP(v6) error of type @type and code
 *	@code, as a raw socket would be told; @payload is the quoted
 *	L2TP header. Softirq context.
 */
struct l2tp_ip_family {
	int family;
	int (*score)(const struct sock *sk, const struct l2tp_ip_ends *e);
	void (*rcv_ends)(const struct sk_buff *skb, struct l2tp_ip_ends *e);
	u32 (*peer_key)(const struct sock *sk);
	int (*connect)(struct sock *sk, struct sockaddr *addr, int len);
	void (*report)(struct sock *sk, struct sk_buff *skb, u8 type, u8 code,
		       u32 info, u8 *payload);
};

/**
 * struct l2tp_ip_net - the L2TPIP sockets of one family in one namespace
 * @fam: the family's callbacks
 * @lock: serialises every change of both tables, so that bind's
 *	EADDRINUSE check and the insertion are one step
 * @by_conn: bound sockets, keyed by &struct l2tp_ip_sock.conn_id, for the
 *	demultiplexing of control frames and bind conflicts
 * @by_peer: connected sockets, keyed by &struct l2tp_ip_sock.peer_key,
 *	to find whom an ICMP error is about
 *
 * Unlike upstream's two lists walked in full for every control frame,
 * both tables are resizable hash tables: a lookup only visits the
 * sockets that share the key.
 */
struct l2tp_ip_net {
	const struct l2tp_ip_family *fam;
	struct mutex lock;	/* writers of @by_conn and @by_peer */
	struct rhltable by_conn;
	struct rhltable by_peer;
};

static const struct rhashtable_params l2tp_ip_conn_params = {
	.key_len = sizeof(u32),
	.key_offset = offsetof(struct l2tp_ip_sock, conn_id),
	.head_offset = offsetof(struct l2tp_ip_sock, conn_node),
	.automatic_shrinking = true,
};

static const struct rhashtable_params l2tp_ip_peer_params = {
	.key_len = sizeof(u32),
	.key_offset = offsetof(struct l2tp_ip_sock, peer_key),
	.head_offset = offsetof(struct l2tp_ip_sock, peer_node),
	.automatic_shrinking = true,
};

/* ------------------------------------------------------ per-net tables */

/**
 * l2tp_ip_net_init - set up a namespace's tables (pernet init)
 * @pn: the namespace's &struct l2tp_ip_net
 * @fam: the family the tables are for
 *
 * Context: process.
 * Return: 0 or -ENOMEM.
 */
static inline int l2tp_ip_net_init(struct l2tp_ip_net *pn,
				   const struct l2tp_ip_family *fam)
{
	int err;

	pn->fam = fam;
	mutex_init(&pn->lock);
	err = rhltable_init(&pn->by_conn, &l2tp_ip_conn_params);
	if (err)
		return err;
	err = rhltable_init(&pn->by_peer, &l2tp_ip_peer_params);
	if (err)
		rhltable_destroy(&pn->by_conn);
	return err;
}

/**
 * l2tp_ip_net_exit - free a namespace's tables (pernet exit)
 * @pn: the namespace's &struct l2tp_ip_net
 *
 * Kernel sockets of unmanaged tunnels hold no namespace reference; the
 * core's pre_exit deletes every tunnel and waits for the deletion work,
 * which releases them, so the tables are empty by now. rhltable_destroy()
 * frees at once, so no packet may look into them any more: the pernet
 * ops are a subsystem's, whose exit runs after every device of the
 * namespace is gone (a device's exit would run while the namespace's
 * devices still deliver packets: a use-after-free found by test_stress).
 *
 * Context: process.
 */
static inline void l2tp_ip_net_exit(struct l2tp_ip_net *pn)
{
	WARN_ON_ONCE(atomic_read(&pn->by_conn.ht.nelems));
	WARN_ON_ONCE(atomic_read(&pn->by_peer.ht.nelems));
	rhltable_destroy(&pn->by_peer);
	rhltable_destroy(&pn->by_conn);
}

/**
 * l2tp_ip_conn_find - the socket bound to a connection id that fits best
 * @pn: the namespace's table
 * @conn_id: the connection id
 * @e: the frame's (or the wanted binding's) ends
 * @skip: a socket to leave out (bind checks itself), or NULL
 *
 * Of the sockets bound to @conn_id that match @e, the one with the most
 * fields set wins: a connected socket beats one bound to an address
 * only, which beats a wildcard one.
 *
 * Context: RCU read lock held.
 * Return: the socket, without a reference, or NULL.
 */
static inline struct sock *l2tp_ip_conn_find(struct l2tp_ip_net *pn,
					     u32 conn_id,
					     const struct l2tp_ip_ends *e,
					     const struct sock *skip)
{
	struct l2tp_ip_sock *lsk;
	struct sock *best = NULL;
	struct rhlist_head *list, *pos;
	int score, best_score = -1;

	list = rhltable_lookup(&pn->by_conn, &conn_id, l2tp_ip_conn_params);
	rhl_for_each_entry_rcu(lsk, pos, list, conn_node) {
		struct sock *sk = &lsk->inet.sk;

		if (sk == skip)
			continue;
		score = pn->fam->score(sk, e);
		if (score > best_score) {
			best = sk;
			best_score = score;
		}
	}
	return best;
}

/**
 * l2tp_ip_hash_bound - bind a socket to a connection id
 * @pn: the socket's table
 * @sk: the socket, locked, not yet bound, with its local address and
 *	device already set as @want says
 * @conn_id: the connection id
 * @want: local address and device of the binding (remote: wildcard)
 *
 * The same connection id may be bound more than once only to local
 * addresses or devices that cannot both match a frame.
 *
 * Context: process, socket locked.
 * Return: 0, -EADDRINUSE, or -ENOMEM.
 */
static inline int l2tp_ip_hash_bound(struct l2tp_ip_net *pn, struct sock *sk,
				     u32 conn_id,
				     const struct l2tp_ip_ends *want)
{
	struct l2tp_ip_sock *lsk = l2tp_ip_sk(sk);
	struct sock *other;
	int err;

	mutex_lock(&pn->lock);
	rcu_read_lock();
	other = l2tp_ip_conn_find(pn, conn_id, want, sk);
	rcu_read_unlock();
	if (other) {
		err = -EADDRINUSE;
	} else {
		lsk->conn_id = conn_id;
		err = rhltable_insert(&pn->by_conn, &lsk->conn_node,
				      l2tp_ip_conn_params);
	}
	if (!err)
		WRITE_ONCE(lsk->bound, true);
	mutex_unlock(&pn->lock);
	return err;
}

static inline void __l2tp_ip_unhash_peer(struct l2tp_ip_net *pn,
					 struct l2tp_ip_sock *lsk)
{
	lockdep_assert_held(&pn->lock);
	if (!lsk->peer_hashed)
		return;
	rhltable_remove(&pn->by_peer, &lsk->peer_node, l2tp_ip_peer_params);
	lsk->peer_hashed = false;
}

/*
 * Index a connected socket by its peer address. Losing it to -ENOMEM
 * only costs the socket its ICMP error reports, so it is not an error.
 */
static inline void __l2tp_ip_hash_peer(struct l2tp_ip_net *pn,
				       struct l2tp_ip_sock *lsk)
{
	lockdep_assert_held(&pn->lock);
	lsk->peer_key = pn->fam->peer_key(&lsk->inet.sk);
	lsk->peer_hashed = !rhltable_insert(&pn->by_peer, &lsk->peer_node,
					    l2tp_ip_peer_params);
}

/**
 * l2tp_ip_unhash - take a closing socket out of both tables
 * @pn: the socket's table
 * @sk: the socket
 *
 * The proto's unhash hook; sk_common_release() calls it once.
 * Receivers that found the socket just before may still queue to it;
 * the socket's destructor purges that.
 *
 * Context: process.
 */
static inline void l2tp_ip_unhash(struct l2tp_ip_net *pn, struct sock *sk)
{
	struct l2tp_ip_sock *lsk = l2tp_ip_sk(sk);

	mutex_lock(&pn->lock);
	__l2tp_ip_unhash_peer(pn, lsk);
	if (lsk->bound) {
		rhltable_remove(&pn->by_conn, &lsk->conn_node,
				l2tp_ip_conn_params);
		WRITE_ONCE(lsk->bound, false);
	}
	mutex_unlock(&pn->lock);
}

/* ------------------------------------------------------ socket life */

/**
 * l2tp_ip_sk_init - the proto's init hook
 * @sk: the new socket
 *
 * A non-zero inet_num keeps inet_dgram_connect() and inet_sendmsg() from
 * trying to autobind: there are no ports, and a socket must be bound
 * explicitly before it may connect. Lookups run under RCU only, hence
 * SOCK_RCU_FREE.
 *
 * Context: process.
 * Return: 0.
 */
static inline int l2tp_ip_sk_init(struct sock *sk)
{
	inet_sk(sk)->inet_num = IPPROTO_L2TP;
	sock_set_flag(sk, SOCK_RCU_FREE);
	return 0;
}

/**
 * l2tp_ip_close - the proto's close hook
 * @sk: the socket
 * @timeout: unused (no lingering)
 *
 * Destroy (the family's hook), unhash, orphan and drop the socket's own
 * reference, as for any datagram socket.
 *
 * Context: process.
 */
static inline void l2tp_ip_close(struct sock *sk, long timeout)
{
	sk_common_release(sk);
}

/**
 * l2tp_ip_sk_delete_tunnel - delete the tunnel a closing socket carries
 * @sk: the socket, being destroyed
 *
 * Closing the socket of a managed tunnel deletes the tunnel. The core
 * detaches a socket it releases itself (unmanaged tunnels) before
 * releasing it, so that case finds no tunnel here.
 *
 * Context: process.
 */
static inline void l2tp_ip_sk_delete_tunnel(struct sock *sk)
{
	struct l2tp_tunnel *tunnel = l2tp_sk_to_tunnel(sk);

	if (tunnel) {
		l2tp_tunnel_delete(tunnel);
		l2tp_tunnel_put(tunnel);
	}
}

/**
 * l2tp_ip_connect - connect a bound socket to a peer and its conn id
 * @pn: the socket's table
 * @sk: the socket
 * @addr: the family's sockaddr with the peer address, already checked,
 *	in the layout the family's datagram connect expects
 * @len: its length
 * @peer_conn_id: the peer's control connection id
 *
 * Context: process.
 * Return: 0, -EINVAL if the socket is not bound, or the errno of the
 * family's datagram connect (route lookup).
 */
static inline int l2tp_ip_connect(struct l2tp_ip_net *pn, struct sock *sk,
				  struct sockaddr *addr, int len,
				  u32 peer_conn_id)
{
	struct l2tp_ip_sock *lsk = l2tp_ip_sk(sk);
	int err = -EINVAL;

	lock_sock(sk);
	/* No autobind: there is no connection id to pick for the user. */
	if (!lsk->bound)
		goto out;

	/* The peer key may change: out of the table meanwhile. */
	mutex_lock(&pn->lock);
	__l2tp_ip_unhash_peer(pn, lsk);
	mutex_unlock(&pn->lock);

	err = pn->fam->connect(sk, addr, len);
	if (!err)
		WRITE_ONCE(lsk->peer_conn_id, peer_conn_id);

	/* A failed reconnect leaves the previous peer in place. */
	if (sk->sk_state == TCP_ESTABLISHED) {
		mutex_lock(&pn->lock);
		__l2tp_ip_hash_peer(pn, lsk);
		mutex_unlock(&pn->lock);
	}
out:
	release_sock(sk);
	return err;
}

/**
 * l2tp_ip_disconnect - the proto's disconnect (connect to AF_UNSPEC)
 * @pn: the socket's table
 * @sk: the socket
 *
 * Forgets the peer, as a UDP socket does. Unlike upstream, a local
 * address the user bound explicitly is kept, and so is the binding to
 * the connection id; an address only picked by connect() is dropped.
 *
 * Context: process; takes the socket lock.
 * Return: 0.
 */
static inline int l2tp_ip_disconnect(struct l2tp_ip_net *pn, struct sock *sk)
{
	struct l2tp_ip_sock *lsk = l2tp_ip_sk(sk);
	struct inet_sock *inet = inet_sk(sk);

	/* Upstream does this without the socket lock, racing bind. */
	lock_sock(sk);
	if (!lsk->bound)
		goto out;

	mutex_lock(&pn->lock);
	__l2tp_ip_unhash_peer(pn, lsk);
	mutex_unlock(&pn->lock);

	sk->sk_state = TCP_CLOSE;
	WRITE_ONCE(inet->inet_daddr, 0);
	inet->inet_dport = 0;
#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6) {
		sk->sk_v6_daddr = in6addr_any;
		inet6_sk(sk)->flow_label = 0;
	}
#endif
	WRITE_ONCE(lsk->peer_conn_id, 0);
	WRITE_ONCE(sk->sk_bound_dev_if, 0);
	if (!(sk->sk_userlocks & SOCK_BINDADDR_LOCK))
		inet_reset_saddr(sk);
	sk_dst_reset(sk);
out:
	release_sock(sk);
	return 0;
}

/* ------------------------------------------------------ receive */

/**
 * l2tp_ip_rcv - the IP protocol 115 handler of either family
 * @pn: the receiving namespace's table
 * @skb: the packet, skb->data at the L2TP header; always consumed
 *
 * A non-zero session id makes a data frame, for the core to deliver to
 * its session; frames of unknown sessions are dropped. A zero session
 * id makes a control frame: it goes to the socket bound to the frame's
 * connection id whose local address, peer address and device match,
 * or, failing that (this project, not upstream), to one bound to
 * connection id 0, the listener of a daemon that keeps all its control
 * connections on one socket. The IP layer has applied the namespace's
 * IPsec policy already (the protocol is registered without no_policy);
 * control frames are also checked against the socket's own policy.
 *
 * Context: softirq, RCU read lock held by the IP layer.
 * Return: 0: never ask the IP layer to resubmit the packet.
 */
static inline int l2tp_ip_rcv(struct l2tp_ip_net *pn, struct sk_buff *skb)
{
	enum skb_drop_reason reason = SKB_DROP_REASON_PKT_TOO_SMALL;
	struct l2tp_ip_ends e;
	struct sock *sk;
	u32 conn_id;

	if (!pskb_may_pull(skb, L2TP_V3_SESSION_LEN))
		goto drop;
	if (get_unaligned_be32(skb->data)) {
		if (!l2tp_ip_recv_data(dev_net(skb->dev), skb))
			return 0;
		reason = SKB_DROP_REASON_NO_SOCKET;
		goto drop;
	}

	if (!pskb_may_pull(skb, L2TP_V3_SESSION_LEN + L2TP_IP_CTRL_HDR_LEN))
		goto drop;
	__skb_pull(skb, L2TP_V3_SESSION_LEN);
	reason = SKB_DROP_REASON_NOT_SPECIFIED;
	if ((skb->data[0] & L2TP_IP_CTRL_TL_BITS) != L2TP_IP_CTRL_TL_BITS)
		goto drop;
	conn_id = get_unaligned_be32(skb->data + L2TP_IP_CTRL_CONN_OFF);

	pn->fam->rcv_ends(skb, &e);
	sk = l2tp_ip_conn_find(pn, conn_id, &e, NULL);
	if (!sk && conn_id)
		sk = l2tp_ip_conn_find(pn, 0, &e, NULL);
	reason = SKB_DROP_REASON_NO_SOCKET;
	if (!sk || !refcount_inc_not_zero(&sk->sk_refcnt))
		goto drop;

	if (!xfrm_policy_check(sk, XFRM_POLICY_IN, skb, pn->fam->family)) {
		sock_put(sk);
		reason = SKB_DROP_REASON_XFRM_POLICY;
		goto drop;
	}
	/* Drops in the socket layer are counted there (sk_drops). */
	sk_receive_skb(sk, skb, 1);
	return 0;

drop:
	kfree_skb_reason(skb, reason);
	return 0;
}

/**
 * l2tp_ip_backlog_rcv - the proto's backlog_rcv: queue a control frame
 * @sk: the socket
 * @skb: the frame, skb->data after the zero session id; consumed
 *
 * Socket filter, receive buffer limit and drop counting (sk_drops) are
 * the socket layer's.
 *
 * Context: softirq with the socket spinlock held, or process context
 * from release_sock().
 * Return: 0 whatever happens: through sk_receive_skb() the value becomes
 * the protocol handler's, and the IPv4 layer resubmits on < 0.
 */
static inline int l2tp_ip_backlog_rcv(struct sock *sk, struct sk_buff *skb)
{
	enum skb_drop_reason reason;

	if (sock_queue_rcv_skb_reason(sk, skb, &reason) < 0)
		kfree_skb_reason(skb, reason);
	return 0;
}

/**
 * l2tp_ip_err_fanout - report an ICMP error to the sockets it is about
 * @pn: the table of the namespace the ICMP message arrived in
 * @skb: the ICMP message, skb->data at the IP header of the frame that
 *	caused it
 * @l2tp_off: offset of that frame's L2TP header from skb->data
 * @key: peer key of the frame's destination (see &l2tp_ip_family.peer_key)
 * @e: the frame's ends: local is its source, remote its destination
 * @type: ICMP or ICMPv6 type
 * @code: ICMP or ICMPv6 code
 * @info: the ICMP info field (e.g. the MTU)
 *
 * Only connected sockets are told, as for UDP: an unconnected socket
 * could not tell which of its messages failed. When the quoted frame
 * is a control frame long enough to carry its connection id (the
 * peer's), only a socket connected to that id is told; for a data
 * frame, every socket connected to that peer is, since each of them
 * could have sent it.
 *
 * Context: softirq, under RCU.
 */
static inline void l2tp_ip_err_fanout(struct l2tp_ip_net *pn,
				      struct sk_buff *skb,
				      unsigned int l2tp_off, u32 key,
				      const struct l2tp_ip_ends *e, u8 type,
				      u8 code, u32 info)
{
	unsigned int need = l2tp_off + L2TP_V3_SESSION_LEN +
			    L2TP_IP_CTRL_CONN_OFF + sizeof(u32);
	struct rhlist_head *list, *pos;
	struct l2tp_ip_sock *lsk;
	bool conn_known = false;
	u32 conn_id = 0;
	u8 *payload;

	if (pskb_may_pull(skb, need) &&
	    !get_unaligned_be32(skb->data + l2tp_off)) {
		conn_id = get_unaligned_be32(skb->data + need - sizeof(u32));
		conn_known = true;
	}
	payload = skb->data + l2tp_off;

	list = rhltable_lookup(&pn->by_peer, &key, l2tp_ip_peer_params);
	rhl_for_each_entry_rcu(lsk, pos, list, peer_node) {
		struct sock *sk = &lsk->inet.sk;

		if (conn_known && READ_ONCE(lsk->peer_conn_id) != conn_id)
			continue;
		if (pn->fam->score(sk, e) < 0)
			continue;
		pn->fam->report(sk, skb, type, code, info, payload);
	}
}

/* ------------------------------------------------------ user calls */

/**
 * l2tp_ip_recvmsg - receive one control message
 * @sk: the socket
 * @msg: where to copy it
 * @len: room in @msg
 * @flags: MSG_* flags (MSG_OOB is not supported)
 * @addr_len: set by @name to the length of the source address written
 * @name: the family's part: the source address and the IP cmsgs
 *
 * Datagram semantics: a message longer than @len is truncated and
 * MSG_TRUNC set; with MSG_TRUNC in @flags the full length is returned.
 * The zero session id is not part of the message.
 *
 * Context: process.
 * Return: the length, or a negative errno.
 */
static inline int l2tp_ip_recvmsg(struct sock *sk, struct msghdr *msg,
				  size_t len, int flags, int *addr_len,
				  void (*name)(struct sock *sk,
					       struct msghdr *msg,
					       struct sk_buff *skb,
					       int *addr_len))
{
	struct sk_buff *skb;
	size_t copied;
	int err;

	if (flags & MSG_OOB)
		return -EOPNOTSUPP;

	skb = skb_recv_datagram(sk, flags, &err);
	if (!skb)
		return err;

	copied = skb->len;
	if (len < copied) {
		msg->msg_flags |= MSG_TRUNC;
		copied = len;
	}
	err = skb_copy_datagram_msg(skb, 0, msg, copied);
	if (!err) {
		sock_recv_cmsgs(msg, sk, skb);
		name(sk, msg, skb, addr_len);
		if (flags & MSG_TRUNC)
			copied = skb->len;
	}
	skb_free_datagram(sk, skb);
	return err ? err : copied;
}

/**
 * l2tp_ip_ioctl - the proto's ioctl hook
 * @sk: the socket
 * @cmd: SIOCINQ (length of the next message) or SIOCOUTQ (bytes still
 *	held for sending)
 * @karg: where the answer goes
 *
 * Context: process.
 * Return: 0, or -ENOIOCTLCMD for any other command, which the inet and
 * device ioctl code then handle.
 */
static inline int l2tp_ip_ioctl(struct sock *sk, int cmd, int *karg)
{
	struct sk_buff *skb;

	switch (cmd) {
	case SIOCOUTQ:
		*karg = sk_wmem_alloc_get(sk);
		return 0;
	case SIOCINQ:
		spin_lock_bh(&sk->sk_receive_queue.lock);
		skb = skb_peek(&sk->sk_receive_queue);
		*karg = skb ? skb->len : 0;
		spin_unlock_bh(&sk->sk_receive_queue.lock);
		return 0;
	default:
		return -ENOIOCTLCMD;
	}
}

#endif /* _L2TP_IP_COMMON_H */
