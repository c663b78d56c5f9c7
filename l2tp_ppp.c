// SPDX-License-Identifier: GPL-2.0-only
/*
 * PPP pseudowires over L2TP: the PPPoL2TP socket family.
 *
 * A PPPoL2TP socket (AF_PPPOX, PX_PROTO_OL2TP) is connected to one
 * session of a tunnel and registers a PPP channel for it; pppd attaches
 * that channel to a ppp unit, and from then on PPP frames flow between
 * the unit and the session. Sessions of pseudowire type PPP may also be
 * made through netlink first and connected to a socket afterwards.
 */

#include <linux/file.h>
#include <linux/if_pppox.h>
#include <linux/if_pppol2tp.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/ppp_channel.h>
#include <linux/ppp_defs.h>
#include <linux/ppp-ioctl.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/seq_file_net.h>
#include <linux/udp.h>
#include <linux/uaccess.h>
#include <net/inet_sock.h>
#include <net/ipv6.h>
#include <net/net_namespace.h>
#include <net/sock.h>

#include "l2tp_core.h"

/**
 * DOC: PPPoL2TP sockets, sessions and their lifetimes
 *
 * Objects and references:
 *
 * - A connected socket points to its session through sk_user_data and
 *   holds one session reference for as long as that pointer is set.
 * - The session points back to the socket through &l2tp_ppp_sess.sk, an
 *   RCU pointer that holds one socket reference. The sockets are
 *   SOCK_RCU_FREE, so the receive path may use the pointer under RCU
 *   alone (no sock_hold() on a socket whose count may already be zero).
 * - Sessions pin this module through &struct l2tp_session_ops.owner, and
 *   sockets pin it through their proto, so it cannot go away under
 *   either.
 *
 * Connecting takes, in order: the tunnel (found or created before the
 * socket is locked, so that passing the socket's own descriptor as the
 * tunnel fd cannot deadlock), lock_sock() on the PPPoL2TP socket, then
 * &l2tp_ppp_sess.sk_lock. Nothing takes them in another order.
 *
 * Teardown can start from either side and the two meet in
 * l2tp_ppp_session_close(), which the core calls once per session:
 *
 * - Socket first (close(), pppd exit): release unregisters the PPP
 *   channel, marks the socket dead and starts deleting the session; its
 *   close then drops the two cross references.
 * - Session first (netlink SESSION_DELETE, tunnel deletion, closing the
 *   tunnel socket, netns exit): close detaches the socket and, beyond
 *   upstream, has its PPP channel unregistered and end of file signalled,
 *   so pppd sees a hangup at once instead of talking into a dead channel
 *   until its LCP echoes time out. That part needs lock_sock(), which a
 *   socket call may hold across a user copy for as long as userspace
 *   likes (a userfaultfd page, a FUSE mapping): it runs in a work item
 *   of this module (&l2tp_ppp_sock.hangup), so that netlink deletes, the
 *   core's deletion work and netns exit never wait for a socket lock.
 *   Until it has run, the channel's transmit path drops what it is given
 *   for the dead session.
 *
 * Either way the PPP channel is unregistered before the socket's session
 * reference is dropped, and ppp_unregister_channel() waits for a running
 * transmit; that is why the channel transmit path may use the session
 * under RCU without taking a reference per packet.
 */

#define L2TP_PPP_DRV_VERSION	"V2.0"

/* The channel MTU estimate (upstream's, kept for the same numbers): the
 * path MTU less room for the UDP, L2TP and PPP headers.
 */
#define L2TP_PPP_MTU_OVERHEAD	40
#define L2TP_PPP_MTU_DEFAULT	(ETH_DATA_LEN - L2TP_PPP_MTU_OVERHEAD)

/* PPP address and control fields (RFC 1662) carried before the payload. */
#define L2TP_PPP_AC_LEN		2

/*
 * Headroom to ask of ppp_generic and to reserve in sendmsg: every header
 * that goes in front of a PPP frame, so that transmit never has to
 * reallocate it (upstream asks for the L2TP header alone).
 */
#define L2TP_PPP_HEADROOM	(LL_MAX_HEADER + sizeof(struct ipv6hdr) + \
				 sizeof(struct udphdr) + L2TP_HDR_MAX + \
				 L2TP_PPP_AC_LEN)

/**
 * struct l2tp_ppp_sess - PPP pseudowire part of a session
 * @sk_lock: serialises attaching and detaching @sk
 * @sk: the connected PPPoL2TP socket, or NULL; a counted reference
 * @closed: set by l2tp_ppp_session_close(): no socket may attach any more
 * @owner: pid of the process that created the session (getsockname)
 */
struct l2tp_ppp_sess {
	struct mutex sk_lock;	/* @sk writers, @closed */
	struct sock __rcu *sk;
	bool closed;
	pid_t owner;
};

/**
 * struct l2tp_ppp_sock - a PPPoL2TP socket
 * @po: the PPPoX socket (first: pppox_sk() casts)
 * @hangup: detaches the socket from @hangup_session after the session's
 *	close took it; owns the socket's session reference and the
 *	session's socket one. One work item per socket, not one shared
 *	one: a hangup may wait for the socket lock as long as userspace
 *	holds it, and must not hold up the others. It lives here rather
 *	than in the session because most sessions of a busy LNS wait
 *	without a socket, or never get one.
 * @hangup_session: that session
 */
struct l2tp_ppp_sock {
	struct pppox_sock po;
	struct work_struct hangup;
	struct l2tp_session *hangup_session;
};

static struct l2tp_ppp_sock *l2tp_ppp_sk(struct sock *sk)
{
	return container_of(pppox_sk(sk), struct l2tp_ppp_sock, po);
}

/* Runs the hangups; destroyed (so drained) at module exit. */
static struct workqueue_struct *l2tp_ppp_wq;

/* The session 0/0 that stands for a tunnel management socket. */
static bool l2tp_ppp_is_tunnel_sess(const struct l2tp_session *session)
{
	return !session->session_id && !session->peer_session_id;
}

/* The session of a connected socket, with a reference, or NULL. */
static struct l2tp_session *l2tp_ppp_sock_session(struct sock *sk)
{
	struct l2tp_session *session;

	rcu_read_lock();
	session = rcu_dereference_sk_user_data(sk);
	if (session && !l2tp_session_hold(session))
		session = NULL;
	rcu_read_unlock();
	return session;
}

/* ---------------------------------------------------------------- data */

/*
 * Receive from the core, in softirq or timer context. Before pppd binds
 * the socket to a ppp unit (PPPIOCGCHAN) frames are queued on the socket
 * for recvmsg; afterwards they go to ppp_generic.
 */
static void l2tp_ppp_recv(struct l2tp_session *session, struct sk_buff *skb,
			  int data_len)
{
	struct l2tp_ppp_sess *ps = l2tp_session_priv(session);
	struct sock *sk;

	rcu_read_lock();
	sk = rcu_dereference(ps->sk);
	if (!sk) {
		rcu_read_unlock();
		net_dbg_ratelimited(L2TP_SESSION_FMT ": no socket for received frame\n",
				    session->tunnel->tunnel_id,
				    session->session_id);
		kfree_skb(skb);
		return;
	}

	/* Peers may send the constant address/control bytes or compress
	 * them away; ppp_generic expects them gone.
	 */
	if (pskb_may_pull(skb, L2TP_PPP_AC_LEN) &&
	    skb->data[0] == PPP_ALLSTATIONS && skb->data[1] == PPP_UI)
		__skb_pull(skb, L2TP_PPP_AC_LEN);

	if (READ_ONCE(sk->sk_state) & PPPOX_BOUND) {
		ppp_input(&pppox_sk(sk)->chan, skb);
	} else if (sock_queue_rcv_skb(sk, skb) < 0) {
		atomic_long_inc(&session->stats.rx_errors);
		kfree_skb(skb);
	}
	rcu_read_unlock();
}

/* Prepend the address/control bytes and hand the frame to the core. */
static void l2tp_ppp_xmit(struct l2tp_session *session, struct sk_buff *skb)
{
	u8 *ac = __skb_push(skb, L2TP_PPP_AC_LEN);

	ac[0] = PPP_ALLSTATIONS;
	ac[1] = PPP_UI;
	/* The route cache is per cpu: no migration while it is used. */
	local_bh_disable();
	l2tp_xmit_skb(session, skb);
	local_bh_enable();
}

/*
 * PPP channel transmit, called by ppp_generic with the channel's
 * transmit lock held. Always consumes the frame (returning 0 would make
 * ppp_generic queue it and retry, which helps nobody here).
 */
static int l2tp_ppp_chan_xmit(struct ppp_channel *chan, struct sk_buff *skb)
{
	struct sock *sk = chan->private;
	struct l2tp_session *session;

	rcu_read_lock();
	/* No reference needed: see the DOC block on teardown. */
	session = rcu_dereference_sk_user_data(sk);
	/* A dead session's socket waits for its hangup: drop. */
	if (!session || l2tp_session_dead(session) ||
	    skb_cow_head(skb, L2TP_PPP_AC_LEN)) {
		rcu_read_unlock();
		kfree_skb(skb);
		return 1;
	}
	l2tp_ppp_xmit(session, skb);
	rcu_read_unlock();
	return 1;
}

static const struct ppp_channel_ops l2tp_ppp_chan_ops = {
	.start_xmit = l2tp_ppp_chan_xmit,
};

/*
 * sendmsg on a connected socket sends one PPP frame. Like upstream it
 * reports the whole length once the frame is handed to the core, even if
 * the core then drops it (counted in tx_errors). A frame that can never
 * fit in a UDP datagram is refused with EMSGSIZE instead of being
 * accepted and silently dropped.
 */
static int l2tp_ppp_sendmsg(struct socket *sock, struct msghdr *m,
			    size_t total_len)
{
	struct sock *sk = sock->sk;
	struct l2tp_session *session;
	struct sk_buff *skb;
	int err;

	if (sock_flag(sk, SOCK_DEAD) ||
	    !(READ_ONCE(sk->sk_state) & PPPOX_CONNECTED))
		return -ENOTCONN;
	session = l2tp_ppp_sock_session(sk);
	if (!session)
		return -EBADF;
	/* Deleted, its hangup still queued: as after the hangup. */
	err = -ENOTCONN;
	if (l2tp_session_dead(session))
		goto out_put;

	/* As l2tp_xmit_prepare() decides, told here rather than counted. */
	err = -EMSGSIZE;
	if (total_len > U16_MAX - sizeof(struct udphdr) - L2TP_HDR_MAX -
			L2TP_PPP_AC_LEN -
			(l2tp_tunnel_is_v6(session->tunnel) ? 0 : sizeof(struct iphdr)))
		goto out_put;

	err = -ENOMEM;
	skb = sock_wmalloc(sk, L2TP_PPP_HEADROOM + total_len, 0, GFP_KERNEL);
	if (!skb)
		goto out_put;
	skb_reserve(skb, L2TP_PPP_HEADROOM);
	err = memcpy_from_msg(skb_put(skb, total_len), m, total_len);
	if (err) {
		kfree_skb(skb);
		goto out_put;
	}

	l2tp_ppp_xmit(session, skb);
	err = total_len;
out_put:
	l2tp_session_put(session);
	return err;
}

static int l2tp_ppp_recvmsg(struct socket *sock, struct msghdr *msg,
			    size_t len, int flags)
{
	struct sock *sk = sock->sk;
	struct sk_buff *skb;
	int err = 0;

	/* Once bound, frames go to ppp_generic and never reach the queue. */
	if (READ_ONCE(sk->sk_state) & PPPOX_BOUND)
		return -EIO;

	skb = skb_recv_datagram(sk, flags, &err);
	if (!skb)
		return err;
	if (len < skb->len)
		msg->msg_flags |= MSG_TRUNC;
	else
		len = skb->len;
	err = skb_copy_datagram_msg(skb, 0, msg, len);
	kfree_skb(skb);
	return err ? err : len;
}

/* --------------------------------------------------- session life cycle */

/*
 * Called once by the core when the session is torn down (process
 * context): cut both cross references; see the DOC block.
 */
static void l2tp_ppp_session_close(struct l2tp_session *session)
{
	struct l2tp_ppp_sess *ps = l2tp_session_priv(session);
	struct sock *sk;

	mutex_lock(&ps->sk_lock);
	ps->closed = true;
	sk = rcu_dereference_protected(ps->sk, lockdep_is_held(&ps->sk_lock));
	RCU_INIT_POINTER(ps->sk, NULL);
	mutex_unlock(&ps->sk_lock);
	if (!sk)
		return;

	/* Both references pass to the work. */
	l2tp_ppp_sk(sk)->hangup_session = session;
	queue_work(l2tp_ppp_wq, &l2tp_ppp_sk(sk)->hangup);
}

static void l2tp_ppp_hangup_work(struct work_struct *work)
{
	struct l2tp_ppp_sock *psk = container_of(work, struct l2tp_ppp_sock,
						 hangup);
	struct l2tp_session *session = psk->hangup_session;
	struct sock *sk = &psk->po.sk;

	lock_sock(sk);
	rcu_assign_sk_user_data(sk, NULL);
	if (!sock_flag(sk, SOCK_DEAD)) {
		/* The socket outlives its session: hang pppd up. */
		pppox_unbind_sock(sk);
		WRITE_ONCE(sk->sk_shutdown, SHUTDOWN_MASK);
		sk->sk_state_change(sk);
	}
	release_sock(sk);
	l2tp_session_put(session);
	/* May free @psk: the last thing done here. */
	sock_put(sk);
}

static void l2tp_ppp_show(struct seq_file *m, struct l2tp_session *session)
{
	struct l2tp_ppp_sess *ps = l2tp_session_priv(session);
	struct sock *sk;

	rcu_read_lock();
	sk = rcu_dereference(ps->sk);
	if (sk)
		seq_printf(m, "   interface %s\n",
			   ppp_dev_name(&pppox_sk(sk)->chan));
	rcu_read_unlock();
}

static const struct l2tp_session_ops l2tp_ppp_session_ops = {
	.owner		= THIS_MODULE,
	.recv_skb	= l2tp_ppp_recv,
	.close		= l2tp_ppp_session_close,
	.show		= l2tp_ppp_show,
};

static struct l2tp_session *l2tp_ppp_session_alloc(struct l2tp_tunnel *tunnel,
						   u32 session_id,
						   u32 peer_session_id,
						   struct l2tp_session_cfg *cfg)
{
	struct l2tp_session *session;
	struct l2tp_ppp_sess *ps;

	session = l2tp_session_create(sizeof(*ps), tunnel, session_id,
				      peer_session_id, cfg);
	if (IS_ERR(session))
		return session;
	session->ops = &l2tp_ppp_session_ops;
	ps = l2tp_session_priv(session);
	mutex_init(&ps->sk_lock);
	ps->owner = task_pid_nr(current);
	return session;
}

/* Netlink SESSION_CREATE for pseudowire type PPP: a session without a
 * socket, which a PPPoL2TP socket connects to later.
 */
static int l2tp_ppp_nl_session_create(struct net *net,
				      struct l2tp_tunnel *tunnel,
				      u32 session_id, u32 peer_session_id,
				      struct l2tp_session_cfg *cfg,
				      struct netlink_ext_ack *extack)
{
	struct l2tp_session *session;
	int err;

	session = l2tp_ppp_session_alloc(tunnel, session_id, peer_session_id,
					 cfg);
	if (IS_ERR(session))
		return PTR_ERR(session);
	err = l2tp_session_register(session, tunnel, extack);
	/* The table holds its own reference on success. */
	l2tp_session_put(session);
	return err;
}

static const struct l2tp_pw_ops l2tp_ppp_pw_ops = {
	.owner		= THIS_MODULE,
	.session_create	= l2tp_ppp_nl_session_create,
};

/* ------------------------------------------------------------- connect */

/**
 * struct l2tp_ppp_addr - what connect() was asked for, in any variant
 * @version: 2 or 3
 * @fd: tunnel socket descriptor (tunnel management socket only)
 * @tunnel_id: our tunnel id
 * @peer_tunnel_id: the peer's tunnel id
 * @session_id: our session id; 0 with @peer_session_id 0 for a tunnel
 *	management socket
 * @peer_session_id: the peer's session id
 */
struct l2tp_ppp_addr {
	int version;
	int fd;
	u32 tunnel_id;
	u32 peer_tunnel_id;
	u32 session_id;
	u32 peer_session_id;
};

/* Copy the common fields of one address variant; @p is its pppol2tp
 * member (the four variants differ in the id width and address family).
 */
#define L2TP_PPP_ADDR_IDS(a, p, ver) do {		\
	typeof(p) *_p = &(p);				\
	struct l2tp_ppp_addr *_a = (a);			\
							\
	_a->version = (ver);				\
	_a->fd = _p->fd;				\
	_a->tunnel_id = _p->s_tunnel;			\
	_a->peer_tunnel_id = _p->d_tunnel;		\
	_a->session_id = _p->s_session;			\
	_a->peer_session_id = _p->d_session;		\
} while (0)

/* The address length tells the variant, as in upstream's ABI. */
static int l2tp_ppp_parse_addr(const struct sockaddr *uaddr, int len,
			       struct l2tp_ppp_addr *a)
{
	const struct sockaddr_pppol2tpv3in6 *v3in6 = (const void *)uaddr;
	const struct sockaddr_pppol2tpin6 *v2in6 = (const void *)uaddr;
	const struct sockaddr_pppol2tpv3 *v3 = (const void *)uaddr;
	const struct sockaddr_pppol2tp *v2 = (const void *)uaddr;

	/* sa_protocol sits at the same offset in all four. */
	BUILD_BUG_ON(offsetof(struct sockaddr_pppol2tp, sa_protocol) !=
		     offsetof(struct sockaddr_pppol2tpv3in6, sa_protocol));

	switch (len) {
	case sizeof(*v2):
		L2TP_PPP_ADDR_IDS(a, v2->pppol2tp, L2TP_HDR_VER_2);
		break;
	case sizeof(*v2in6):
		L2TP_PPP_ADDR_IDS(a, v2in6->pppol2tp, L2TP_HDR_VER_2);
		break;
	case sizeof(*v3):
		L2TP_PPP_ADDR_IDS(a, v3->pppol2tp, L2TP_HDR_VER_3);
		break;
	case sizeof(*v3in6):
		L2TP_PPP_ADDR_IDS(a, v3in6->pppol2tp, L2TP_HDR_VER_3);
		break;
	default:
		return -EINVAL;
	}
	if (v2->sa_protocol != PX_PROTO_OL2TP)
		return -EINVAL;
	return 0;
}

/*
 * The tunnel to connect to, with a reference. A tunnel management
 * connect (session 0/0) creates the tunnel from the given UDP socket if
 * it does not exist yet; *@created says so, for the error path.
 */
static struct l2tp_tunnel *l2tp_ppp_get_tunnel(struct net *net,
					       const struct l2tp_ppp_addr *a,
					       bool *created)
{
	struct l2tp_tunnel_cfg cfg = { .encap = L2TP_ENCAPTYPE_UDP };
	struct l2tp_tunnel *tunnel;
	int err;

	*created = false;
	tunnel = l2tp_tunnel_get(net, a->tunnel_id);
	if (tunnel)
		return tunnel;
	if (a->session_id || a->peer_session_id)
		return ERR_PTR(-ENOENT);
	if (a->fd < 0)
		return ERR_PTR(-EBADF);

	err = l2tp_tunnel_create(net, a->fd, a->version, a->tunnel_id,
				 a->peer_tunnel_id, &cfg, &tunnel, NULL);
	if (err == -EEXIST) {
		/* Lost a race with another creator: use theirs. */
		tunnel = l2tp_tunnel_get(net, a->tunnel_id);
		return tunnel ?: ERR_PTR(-EEXIST);
	}
	if (err)
		return ERR_PTR(err);
	*created = true;
	return tunnel;
}

static int l2tp_ppp_chan_mtu(const struct l2tp_tunnel *tunnel)
{
	u32 mtu = l2tp_tunnel_dst_mtu(tunnel);

	if (mtu <= L2TP_PPP_MTU_OVERHEAD)
		return L2TP_PPP_MTU_DEFAULT;
	return mtu - L2TP_PPP_MTU_OVERHEAD;
}

/*
 * Find the session to attach to, or create and register a new one. On
 * success the session comes with a reference (which the socket keeps)
 * and with its sk_lock held.
 */
static struct l2tp_session *l2tp_ppp_attach_session(struct l2tp_tunnel *tunnel,
						    const struct l2tp_ppp_addr *a,
						    bool *created)
{
	struct l2tp_session_cfg cfg = { .pw_type = L2TP_PWTYPE_PPP };
	struct l2tp_session *session;
	struct l2tp_ppp_sess *ps;
	int err;

	*created = false;
	session = l2tp_tunnel_get_session(tunnel, a->session_id);
	if (session) {
		/* A session made by netlink, waiting for its socket. */
		err = -EPROTOTYPE;
		if (session->pwtype != L2TP_PWTYPE_PPP)
			goto err_put;
		ps = l2tp_session_priv(session);
		mutex_lock(&ps->sk_lock);
		err = -EEXIST;
		if (ps->closed || rcu_access_pointer(ps->sk)) {
			mutex_unlock(&ps->sk_lock);
			goto err_put;
		}
		return session;
	}

	session = l2tp_ppp_session_alloc(tunnel, a->session_id,
					 a->peer_session_id, &cfg);
	if (IS_ERR(session))
		return session;
	ps = l2tp_session_priv(session);
	mutex_lock(&ps->sk_lock);
	err = l2tp_session_register(session, tunnel, NULL);
	if (err) {
		mutex_unlock(&ps->sk_lock);
		goto err_put;
	}
	*created = true;
	return session;

err_put:
	l2tp_session_put(session);
	return ERR_PTR(err);
}

static int l2tp_ppp_connect(struct socket *sock, struct sockaddr *uaddr,
			    int addr_len, int flags)
{
	struct sock *sk = sock->sk;
	struct pppox_sock *po = pppox_sk(sk);
	bool new_tunnel, new_session = false;
	struct l2tp_session *session = NULL;
	struct l2tp_tunnel *tunnel;
	struct l2tp_ppp_addr a;
	struct l2tp_ppp_sess *ps;
	int err;

	err = l2tp_ppp_parse_addr(uaddr, addr_len, &a);
	if (err)
		return err;
	if (!a.tunnel_id)
		return -EINVAL;
	/*
	 * A connect creates a tunnel or a session, or takes over one made
	 * over netlink: the privilege the netlink API asks for (upstream
	 * asks none, so any local user could join root's tunnels).
	 */
	if (!ns_capable(sock_net(sk)->user_ns, CAP_NET_ADMIN))
		return -EPERM;

	/* Before lock_sock(): a.fd may be this very socket (bug class 9). */
	tunnel = l2tp_ppp_get_tunnel(sock_net(sk), &a, &new_tunnel);
	if (IS_ERR(tunnel))
		return PTR_ERR(tunnel);

	lock_sock(sk);
	err = -EBUSY;
	if (sk->sk_state & (PPPOX_CONNECTED | PPPOX_DEAD))
		goto out;
	err = -EALREADY;
	if (READ_ONCE(sk->sk_user_data))
		goto out;

	/* The tunnel socket's owner may learn the peer's id only now. */
	if (!READ_ONCE(tunnel->peer_tunnel_id))
		WRITE_ONCE(tunnel->peer_tunnel_id, a.peer_tunnel_id);

	session = l2tp_ppp_attach_session(tunnel, &a, &new_session);
	if (IS_ERR(session)) {
		err = PTR_ERR(session);
		session = NULL;
		goto out;
	}
	ps = l2tp_session_priv(session);

	/* A tunnel management socket carries no PPP: no channel. */
	if (!l2tp_ppp_is_tunnel_sess(session)) {
		po->chan.hdrlen = L2TP_PPP_HEADROOM;
		po->chan.private = sk;
		po->chan.ops = &l2tp_ppp_chan_ops;
		po->chan.mtu = l2tp_ppp_chan_mtu(tunnel);
		po->chan.direct_xmit = true;
		err = ppp_register_net_channel(sock_net(sk), &po->chan);
		if (err) {
			mutex_unlock(&ps->sk_lock);
			goto out;
		}
	}

	/* The socket keeps our session reference; the session one on sk. */
	sock_hold(sk);
	rcu_assign_sk_user_data(sk, session);
	rcu_assign_pointer(ps->sk, sk);
	mutex_unlock(&ps->sk_lock);
	sk->sk_state = PPPOX_CONNECTED;
	session = NULL;
	err = 0;

out:
	if (err) {
		if (new_session)
			l2tp_session_delete(session);
		if (new_tunnel)
			l2tp_tunnel_delete(tunnel);
	}
	if (session)
		l2tp_session_put(session);
	l2tp_tunnel_put(tunnel);
	release_sock(sk);
	return err;
}

/* ------------------------------------------------------ socket calls */

static void l2tp_ppp_sk_destruct(struct sock *sk)
{
	skb_queue_purge(&sk->sk_receive_queue);
	skb_queue_purge(&sk->sk_write_queue);
}

static int l2tp_ppp_release(struct socket *sock)
{
	struct sock *sk = sock->sk;
	struct l2tp_session *session;

	if (!sk)
		return 0;

	lock_sock(sk);
	if (sock_flag(sk, SOCK_DEAD)) {
		release_sock(sk);
		return -EBADF;
	}
	pppox_unbind_sock(sk);
	sk->sk_state = PPPOX_DEAD;
	sock_orphan(sk);
	sock->sk = NULL;

	/* Only this socket's session: a tunnel lives until its own socket
	 * is closed or it is deleted through netlink, as upstream.
	 */
	session = l2tp_ppp_sock_session(sk);
	if (session) {
		l2tp_session_delete(session);
		l2tp_session_put(session);
	}
	release_sock(sk);
	sock_put(sk);
	return 0;
}

/* The address variant follows the tunnel's version and socket family. */
static int l2tp_ppp_getname(struct socket *sock, struct sockaddr *uaddr,
			    int peer)
{
	union {
		struct sockaddr_pppol2tp v2;
		struct sockaddr_pppol2tpin6 v2in6;
		struct sockaddr_pppol2tpv3 v3;
		struct sockaddr_pppol2tpv3in6 v3in6;
	} sa;
	struct sock *sk = sock->sk;
	struct l2tp_session *session;
	struct l2tp_ppp_sess *ps;
	struct l2tp_tunnel *tunnel;
	const struct inet_sock *inet;
	bool v6;
	int len;

	if (!sk || !(READ_ONCE(sk->sk_state) & PPPOX_CONNECTED))
		return -ENOTCONN;
	session = l2tp_ppp_sock_session(sk);
	if (!session)
		return -EBADF;
	ps = l2tp_session_priv(session);
	tunnel = session->tunnel;
	inet = inet_sk(tunnel->sock);
	v6 = IS_ENABLED(CONFIG_IPV6) && tunnel->sock->sk_family == AF_INET6;

	memset(&sa, 0, sizeof(sa));
#define L2TP_PPP_FILL(s) do {						\
	typeof(s) *_s = &(s);						\
									\
	_s->sa_family = AF_PPPOX;					\
	_s->sa_protocol = PX_PROTO_OL2TP;				\
	_s->pppol2tp.fd = tunnel->fd;					\
	_s->pppol2tp.pid = ps->owner;					\
	_s->pppol2tp.s_tunnel = tunnel->tunnel_id;			\
	_s->pppol2tp.d_tunnel = READ_ONCE(tunnel->peer_tunnel_id);	\
	_s->pppol2tp.s_session = session->session_id;			\
	_s->pppol2tp.d_session = session->peer_session_id;		\
} while (0)
	if (tunnel->version == L2TP_HDR_VER_2 && !v6) {
		L2TP_PPP_FILL(sa.v2);
		sa.v2.pppol2tp.addr.sin_family = AF_INET;
		sa.v2.pppol2tp.addr.sin_port = inet->inet_dport;
		sa.v2.pppol2tp.addr.sin_addr.s_addr = inet->inet_daddr;
		len = sizeof(sa.v2);
	} else if (tunnel->version == L2TP_HDR_VER_2) {
		L2TP_PPP_FILL(sa.v2in6);
		sa.v2in6.pppol2tp.addr.sin6_family = AF_INET6;
		sa.v2in6.pppol2tp.addr.sin6_port = inet->inet_dport;
		sa.v2in6.pppol2tp.addr.sin6_addr = tunnel->sock->sk_v6_daddr;
		len = sizeof(sa.v2in6);
	} else if (!v6) {
		L2TP_PPP_FILL(sa.v3);
		sa.v3.pppol2tp.addr.sin_family = AF_INET;
		sa.v3.pppol2tp.addr.sin_port = inet->inet_dport;
		sa.v3.pppol2tp.addr.sin_addr.s_addr = inet->inet_daddr;
		len = sizeof(sa.v3);
	} else {
		L2TP_PPP_FILL(sa.v3in6);
		sa.v3in6.pppol2tp.addr.sin6_family = AF_INET6;
		sa.v3in6.pppol2tp.addr.sin6_port = inet->inet_dport;
		sa.v3in6.pppol2tp.addr.sin6_addr = tunnel->sock->sk_v6_daddr;
		len = sizeof(sa.v3in6);
	}
#undef L2TP_PPP_FILL
	memcpy(uaddr, &sa, len);
	l2tp_session_put(session);
	return len;
}

/* ----------------------------------------------------- socket options */

static int l2tp_ppp_session_setopt(struct l2tp_session *session, int optname,
				   int val)
{
	switch (optname) {
	case PPPOL2TP_SO_DEBUG:
		/* Debug flags are gone; accepted for old daemons. */
		return 0;
	case PPPOL2TP_SO_RECVSEQ:
	case PPPOL2TP_SO_SENDSEQ:
	case PPPOL2TP_SO_LNSMODE:
		if (val != 0 && val != 1)
			return -EINVAL;
		l2tp_session_set_seq(session,
				     optname == PPPOL2TP_SO_RECVSEQ ? val : -1,
				     optname == PPPOL2TP_SO_SENDSEQ ? val : -1,
				     optname == PPPOL2TP_SO_LNSMODE ? val : -1);
		return 0;
	case PPPOL2TP_SO_REORDERTO:
		/* Milliseconds, unchecked, as upstream. */
		WRITE_ONCE(session->reorder_timeout, msecs_to_jiffies(val));
		return 0;
	default:
		return -ENOPROTOOPT;
	}
}

static int l2tp_ppp_session_getopt(struct l2tp_session *session, int optname,
				   int *val)
{
	switch (optname) {
	case PPPOL2TP_SO_DEBUG:
		*val = 0;
		return 0;
	case PPPOL2TP_SO_RECVSEQ:
		*val = READ_ONCE(session->recv_seq);
		return 0;
	case PPPOL2TP_SO_SENDSEQ:
		*val = READ_ONCE(session->send_seq);
		return 0;
	case PPPOL2TP_SO_LNSMODE:
		*val = READ_ONCE(session->lns_mode);
		return 0;
	case PPPOL2TP_SO_REORDERTO:
		*val = jiffies_to_msecs(READ_ONCE(session->reorder_timeout));
		return 0;
	default:
		return -ENOPROTOOPT;
	}
}

/* A tunnel management socket only knows the (obsolete) debug option. */
static bool l2tp_ppp_opt_ok(const struct l2tp_session *session, int optname)
{
	return !l2tp_ppp_is_tunnel_sess(session) || optname == PPPOL2TP_SO_DEBUG;
}

static int l2tp_ppp_setsockopt(struct socket *sock, int level, int optname,
			       sockptr_t optval, unsigned int optlen)
{
	struct l2tp_session *session;
	int val, err;

	if (level != SOL_PPPOL2TP || optlen < sizeof(int))
		return -EINVAL;
	if (copy_from_sockptr(&val, optval, sizeof(int)))
		return -EFAULT;

	session = l2tp_ppp_sock_session(sock->sk);
	if (!session)
		return -ENOTCONN;
	if (l2tp_ppp_opt_ok(session, optname))
		err = l2tp_ppp_session_setopt(session, optname, val);
	else
		err = -ENOPROTOOPT;
	l2tp_session_put(session);
	return err;
}

static int l2tp_ppp_getsockopt(struct socket *sock, int level, int optname,
			       char __user *optval, int __user *optlen)
{
	struct l2tp_session *session;
	int val, len, err;

	if (level != SOL_PPPOL2TP)
		return -EINVAL;
	if (get_user(len, optlen))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;
	len = min_t(int, len, sizeof(int));

	session = l2tp_ppp_sock_session(sock->sk);
	if (!session)
		return -ENOTCONN;
	if (l2tp_ppp_opt_ok(session, optname))
		err = l2tp_ppp_session_getopt(session, optname, &val);
	else
		err = -ENOPROTOOPT;
	l2tp_session_put(session);
	if (err)
		return err;

	if (put_user(len, optlen) || copy_to_user(optval, &val, len))
		return -EFAULT;
	return 0;
}

/* -------------------------------------------------------------- ioctls */

static void l2tp_ppp_fill_stats(struct pppol2tp_ioc_stats *st,
				const struct l2tp_stats *stats)
{
	struct l2tp_stats_snapshot snap;

	l2tp_stats_read(stats, &snap);
	st->tx_packets = snap.tx_packets;
	st->tx_bytes = snap.tx_bytes;
	st->tx_errors = snap.tx_errors;
	st->rx_packets = snap.rx_packets;
	st->rx_bytes = snap.rx_bytes;
	st->rx_seq_discards = snap.rx_seq_discards;
	st->rx_oos_packets = snap.rx_oos_packets;
	st->rx_errors = snap.rx_errors;
}

/*
 * PPPIOCGL2TPSTATS. On a session socket: that session. On a tunnel
 * management socket: the tunnel, or with a session id given in the
 * argument, that PPP session of the tunnel.
 */
static int l2tp_ppp_ioc_stats(struct l2tp_session *session,
			      struct pppol2tp_ioc_stats __user *arg)
{
	struct l2tp_tunnel *tunnel = session->tunnel;
	struct pppol2tp_ioc_stats st;
	struct l2tp_session *other;
	u32 session_id;

	if (!l2tp_ppp_is_tunnel_sess(session)) {
		memset(&st, 0, sizeof(st));
		l2tp_ppp_fill_stats(&st, &session->stats);
		st.session_id = session->session_id;
	} else {
		if (copy_from_user(&st, arg, sizeof(st)))
			return -EFAULT;
		session_id = st.session_id;
		memset(&st, 0, sizeof(st));
		if (!session_id) {
			l2tp_ppp_fill_stats(&st, &tunnel->stats);
		} else {
			other = l2tp_tunnel_get_session(tunnel, session_id);
			if (!other)
				return -EBADR;
			if (other->pwtype != L2TP_PWTYPE_PPP) {
				l2tp_session_put(other);
				return -EBADR;
			}
			l2tp_ppp_fill_stats(&st, &other->stats);
			l2tp_session_put(other);
		}
		st.session_id = session_id;
	}
	st.tunnel_id = tunnel->tunnel_id;
	st.using_ipsec = l2tp_tunnel_uses_xfrm(tunnel);
	return copy_to_user(arg, &st, sizeof(st)) ? -EFAULT : 0;
}

/*
 * The ioctls pppox_ioctl() does not handle itself (it holds lock_sock()).
 * The session reference is held across the user copies, which may fault
 * and sleep for long (bug class 5).
 */
static int l2tp_ppp_ioctl(struct socket *sock, unsigned int cmd,
			  unsigned long arg)
{
	struct l2tp_session *session;
	int err;

	switch (cmd) {
	case PPPIOCGMRU:
	case PPPIOCGFLAGS:
	case PPPIOCSMRU:
	case PPPIOCSFLAGS:
	case PPPIOCGL2TPSTATS:
		break;
	default:
		return -ENOIOCTLCMD;
	}

	session = l2tp_ppp_sock_session(sock->sk);
	if (!session)
		return -ENOTCONN;

	if (cmd == PPPIOCGL2TPSTATS) {
		err = l2tp_ppp_ioc_stats(session, (void __user *)arg);
	} else if (l2tp_ppp_is_tunnel_sess(session)) {
		err = -ENOSYS;
	} else if (cmd == PPPIOCGMRU || cmd == PPPIOCGFLAGS) {
		/* The MRU and flags live in the ppp unit, not here. */
		err = put_user(0, (int __user *)arg) ? -EFAULT : 0;
	} else {
		err = access_ok((int __user *)arg, sizeof(int)) ? 0 : -EFAULT;
	}
	l2tp_session_put(session);
	return err;
}

/* ------------------------------------------------- /proc/net/pppol2tp */

#ifdef CONFIG_PROC_FS

/**
 * struct l2tp_ppp_seq - cursor of a /proc/net/pppol2tp reader
 * @p: seq_file network namespace state
 * @pos: index of the record at the cursor (0: the header)
 * @tkey: id of the tunnel at the cursor
 * @skey: id of the session at the cursor, if @in_session
 * @in_session: the record at the cursor is a session's, not a tunnel's
 * @end: the walk is past the last record
 * @tunnel: tunnel at the cursor, referenced between start and stop
 * @session: session at the cursor, referenced between start and stop
 *
 * Records are one per L2TPv2 tunnel followed by one per session of it.
 * Between reads only the ids are kept, so a reader holds no object; a
 * read resumes at the record it stopped before, or at its successor if
 * that record went away meanwhile.
 */
struct l2tp_ppp_seq {
	struct seq_net_private p;
	loff_t pos;
	u32 tkey;
	u32 skey;
	bool in_session;
	bool end;
	struct l2tp_tunnel *tunnel;
	struct l2tp_session *session;
};

static void l2tp_ppp_seq_drop(struct l2tp_ppp_seq *pd)
{
	if (pd->session)
		l2tp_session_put(pd->session);
	if (pd->tunnel)
		l2tp_tunnel_put(pd->tunnel);
	pd->session = NULL;
	pd->tunnel = NULL;
}

static void l2tp_ppp_seq_rewind(struct l2tp_ppp_seq *pd)
{
	l2tp_ppp_seq_drop(pd);
	pd->pos = 0;
	pd->tkey = 0;
	pd->skey = 0;
	pd->in_session = false;
	pd->end = false;
}

/* Take the first L2TPv2 tunnel from pd->tkey on as the cursor's record. */
static bool l2tp_ppp_seq_find_tunnel(struct net *net, struct l2tp_ppp_seq *pd)
{
	pd->in_session = false;
	pd->skey = 0;
	for (;;) {
		pd->tunnel = l2tp_tunnel_get_next(net, &pd->tkey);
		if (!pd->tunnel)
			break;
		if (pd->tunnel->version == L2TP_HDR_VER_2)
			return true;
		l2tp_tunnel_put(pd->tunnel);
		pd->tunnel = NULL;
		if (pd->tkey == U32_MAX)
			break;
		pd->tkey++;
	}
	pd->end = true;
	return false;
}

/* Drop the held tunnel and take the next L2TPv2 tunnel. */
static bool l2tp_ppp_seq_next_tunnel(struct net *net, struct l2tp_ppp_seq *pd)
{
	l2tp_tunnel_put(pd->tunnel);
	pd->tunnel = NULL;
	if (pd->tkey == U32_MAX) {
		pd->end = true;
		return false;
	}
	pd->tkey++;
	return l2tp_ppp_seq_find_tunnel(net, pd);
}

/* From the held tunnel, its next session from @key on, else the next
 * tunnel.
 */
static bool l2tp_ppp_seq_find_session(struct net *net, struct l2tp_ppp_seq *pd,
				      u32 key)
{
	key = max(key, l2tp_session_list_min(pd->tunnel));
	pd->session = l2tp_session_get_next(pd->tunnel, &key);
	if (!pd->session)
		return l2tp_ppp_seq_next_tunnel(net, pd);
	pd->skey = key;
	pd->in_session = true;
	return true;
}

/* Re-take the record at the cursor after the references were dropped. */
static bool l2tp_ppp_seq_reload(struct net *net, struct l2tp_ppp_seq *pd)
{
	u32 tkey = pd->tkey;
	bool in_session = pd->in_session;

	if (!l2tp_ppp_seq_find_tunnel(net, pd))
		return false;
	/* A vanished record's successor takes its place. */
	if (pd->tkey != tkey || !in_session)
		return true;
	return l2tp_ppp_seq_find_session(net, pd, pd->skey);
}

/* Move from the record at the cursor (references held) to the next. */
static bool l2tp_ppp_seq_advance(struct net *net, struct l2tp_ppp_seq *pd)
{
	bool found;

	if (pd->end)
		return false;
	if (!pd->pos) {
		found = l2tp_ppp_seq_find_tunnel(net, pd);
	} else if (!pd->in_session) {
		found = l2tp_ppp_seq_find_session(net, pd, 0);
	} else {
		l2tp_session_put(pd->session);
		pd->session = NULL;
		if (pd->skey == U32_MAX)
			found = l2tp_ppp_seq_next_tunnel(net, pd);
		else
			found = l2tp_ppp_seq_find_session(net, pd,
							  pd->skey + 1);
	}
	if (found)
		pd->pos++;
	return found;
}

static void *l2tp_ppp_seq_start(struct seq_file *m, loff_t *pos)
{
	struct l2tp_ppp_seq *pd = m->private;
	struct net *net = seq_file_net(m);

	if (!*pos) {
		l2tp_ppp_seq_rewind(pd);
		return SEQ_START_TOKEN;
	}
	/* A reader that seeks back walks again from the start. */
	if (*pos < pd->pos)
		l2tp_ppp_seq_rewind(pd);
	if (pd->pos && (pd->end || !l2tp_ppp_seq_reload(net, pd)))
		return NULL;
	while (pd->pos < *pos)
		if (!l2tp_ppp_seq_advance(net, pd))
			return NULL;
	return pd;
}

static void *l2tp_ppp_seq_next(struct seq_file *m, void *v, loff_t *pos)
{
	struct l2tp_ppp_seq *pd = m->private;

	(*pos)++;
	return l2tp_ppp_seq_advance(seq_file_net(m), pd) ? pd : NULL;
}

static void l2tp_ppp_seq_stop(struct seq_file *m, void *v)
{
	l2tp_ppp_seq_drop(m->private);
}

static void l2tp_ppp_seq_show_tunnel(struct seq_file *m,
				     struct l2tp_tunnel *tunnel)
{
	struct l2tp_stats_snapshot s;

	l2tp_stats_read(&tunnel->stats, &s);
	/* The count is upstream's: all references but the reader's. */
	seq_printf(m, "\nTUNNEL '%s', %c %d\n", tunnel->name,
		   tunnel->sock ? 'Y' : 'N',
		   refcount_read(&tunnel->refcount) - 1);
	seq_printf(m, " %08x %llu/%llu/%llu %llu/%llu/%llu\n", 0,
		   s.tx_packets, s.tx_bytes, s.tx_errors,
		   s.rx_packets, s.rx_bytes, s.rx_errors);
}

static void l2tp_ppp_seq_show_session(struct seq_file *m,
				      struct l2tp_session *session)
{
	struct l2tp_ppp_sess *ps = l2tp_session_priv(session);
	struct l2tp_tunnel *tunnel = session->tunnel;
	const struct inet_sock *inet = inet_sk(tunnel->sock);
	struct l2tp_stats_snapshot s;
	struct sock *sk;

	l2tp_stats_read(&session->stats, &s);
	rcu_read_lock();
	sk = rcu_dereference(ps->sk);
	seq_printf(m, "  SESSION '" L2TP_SESSION_FMT "' %08X/%d %04X/%04X -> %04X/%04X %d %c\n",
		   tunnel->tunnel_id, session->session_id,
		   ntohl(inet->inet_saddr),
		   ntohs(inet->inet_sport), tunnel->tunnel_id,
		   session->session_id, READ_ONCE(tunnel->peer_tunnel_id),
		   session->peer_session_id, sk ? READ_ONCE(sk->sk_state) : 0,
		   sk && rcu_dereference_sk_user_data(sk) == session ?
		   'Y' : 'N');
	seq_printf(m, "   0/0/%c/%c/%s %08x %u\n",
		   READ_ONCE(session->recv_seq) ? 'R' : '-',
		   READ_ONCE(session->send_seq) ? 'S' : '-',
		   READ_ONCE(session->lns_mode) ? "LNS" : "LAC", 0,
		   jiffies_to_msecs(READ_ONCE(session->reorder_timeout)));
	seq_printf(m, "   %u/%u %llu/%llu/%llu %llu/%llu/%llu\n",
		   READ_ONCE(session->nr),
		   atomic_read(&session->ns) & session->nr_max,
		   s.tx_packets, s.tx_bytes, s.tx_errors,
		   s.rx_packets, s.rx_bytes, s.rx_errors);
	if (sk)
		seq_printf(m, "   interface %s\n",
			   ppp_dev_name(&pppox_sk(sk)->chan));
	rcu_read_unlock();
}

static int l2tp_ppp_seq_show(struct seq_file *m, void *v)
{
	struct l2tp_ppp_seq *pd = v;

	if (v == SEQ_START_TOKEN) {
		seq_puts(m, "PPPoL2TP driver info, " L2TP_PPP_DRV_VERSION "\n"
			 "TUNNEL name, user-data-ok session-count\n"
			 " debug tx-pkts/bytes/errs rx-pkts/bytes/errs\n"
			 "  SESSION name, addr/port src-tid/sid dest-tid/sid state user-data-ok\n"
			 "   mtu/mru/rcvseq/sendseq/lns debug reorderto\n"
			 "   nr/ns tx-pkts/bytes/errs rx-pkts/bytes/errs\n");
	} else if (pd->session) {
		l2tp_ppp_seq_show_session(m, pd->session);
	} else {
		l2tp_ppp_seq_show_tunnel(m, pd->tunnel);
	}
	return 0;
}

static const struct seq_operations l2tp_ppp_seq_ops = {
	.start	= l2tp_ppp_seq_start,
	.next	= l2tp_ppp_seq_next,
	.stop	= l2tp_ppp_seq_stop,
	.show	= l2tp_ppp_seq_show,
};

static __net_init int l2tp_ppp_net_init(struct net *net)
{
	if (!proc_create_net("pppol2tp", 0444, net->proc_net,
			     &l2tp_ppp_seq_ops, sizeof(struct l2tp_ppp_seq)))
		return -ENOMEM;
	return 0;
}

static __net_exit void l2tp_ppp_net_exit(struct net *net)
{
	remove_proc_entry("pppol2tp", net->proc_net);
}

static struct pernet_operations l2tp_ppp_net_ops = {
	.init = l2tp_ppp_net_init,
	.exit = l2tp_ppp_net_exit,
};

#endif /* CONFIG_PROC_FS */

/* ---------------------------------------------------------- the family */

static const struct proto_ops l2tp_ppp_ops = {
	.family		= AF_PPPOX,
	.owner		= THIS_MODULE,
	.release	= l2tp_ppp_release,
	.bind		= sock_no_bind,
	.connect	= l2tp_ppp_connect,
	.socketpair	= sock_no_socketpair,
	.accept		= sock_no_accept,
	.getname	= l2tp_ppp_getname,
	.poll		= datagram_poll,
	.listen		= sock_no_listen,
	.shutdown	= sock_no_shutdown,
	.setsockopt	= l2tp_ppp_setsockopt,
	.getsockopt	= l2tp_ppp_getsockopt,
	.sendmsg	= l2tp_ppp_sendmsg,
	.recvmsg	= l2tp_ppp_recvmsg,
	.mmap		= sock_no_mmap,
	.ioctl		= pppox_ioctl,
#ifdef CONFIG_COMPAT
	.compat_ioctl	= pppox_compat_ioctl,
#endif
};

static struct proto l2tp_ppp_sk_proto = {
	.name		= "PPPOL2TP",
	.owner		= THIS_MODULE,
	.obj_size	= sizeof(struct l2tp_ppp_sock),
};

static int l2tp_ppp_create(struct net *net, struct socket *sock, int kern)
{
	struct sock *sk;

	sk = sk_alloc(net, PF_PPPOX, GFP_KERNEL, &l2tp_ppp_sk_proto, kern);
	if (!sk)
		return -ENOMEM;

	sock_init_data(sock, sk);
	/* The receive path reaches the socket under RCU alone. */
	sock_set_flag(sk, SOCK_RCU_FREE);
	sock->state = SS_UNCONNECTED;
	sock->ops = &l2tp_ppp_ops;
	sk->sk_protocol = PX_PROTO_OL2TP;
	sk->sk_family = PF_PPPOX;
	sk->sk_state = PPPOX_NONE;
	/* What upstream reports through SO_TYPE, although socket() asks
	 * for SOCK_DGRAM.
	 */
	sk->sk_type = SOCK_STREAM;
	sk->sk_destruct = l2tp_ppp_sk_destruct;
	INIT_WORK(&l2tp_ppp_sk(sk)->hangup, l2tp_ppp_hangup_work);
	return 0;
}

static const struct pppox_proto l2tp_ppp_pppox_proto = {
	.create	= l2tp_ppp_create,
	.ioctl	= l2tp_ppp_ioctl,
	.owner	= THIS_MODULE,
};

static int __init l2tp_ppp_init(void)
{
	int err;

	/* The module alias below spells the type out as a number. */
	BUILD_BUG_ON(L2TP_PWTYPE_PPP != 7);

	l2tp_ppp_wq = alloc_workqueue("l2tp_ppp", WQ_UNBOUND, 0);
	if (!l2tp_ppp_wq)
		return -ENOMEM;
	err = proto_register(&l2tp_ppp_sk_proto, 0);
	if (err)
		goto err_wq;
#ifdef CONFIG_PROC_FS
	err = register_pernet_device(&l2tp_ppp_net_ops);
	if (err)
		goto err_proto;
#endif
	err = register_pppox_proto(PX_PROTO_OL2TP, &l2tp_ppp_pppox_proto);
	if (err)
		goto err_pernet;
	err = l2tp_pw_register(L2TP_PWTYPE_PPP, &l2tp_ppp_pw_ops);
	if (err)
		goto err_pppox;

	pr_info("PPPoL2TP kernel driver, %s\n", L2TP_PPP_DRV_VERSION);
	return 0;

err_pppox:
	unregister_pppox_proto(PX_PROTO_OL2TP);
err_pernet:
#ifdef CONFIG_PROC_FS
	unregister_pernet_device(&l2tp_ppp_net_ops);
err_proto:
#endif
	proto_unregister(&l2tp_ppp_sk_proto);
err_wq:
	destroy_workqueue(l2tp_ppp_wq);
	return err;
}

static void __exit l2tp_ppp_exit(void)
{
	/* Sessions and sockets pin the module: none is left here. */
	l2tp_pw_unregister(L2TP_PWTYPE_PPP);
	unregister_pppox_proto(PX_PROTO_OL2TP);
#ifdef CONFIG_PROC_FS
	unregister_pernet_device(&l2tp_ppp_net_ops);
#endif
	proto_unregister(&l2tp_ppp_sk_proto);
	/* A hangup that dropped the last pin may still be returning. */
	destroy_workqueue(l2tp_ppp_wq);
}

module_init(l2tp_ppp_init);
module_exit(l2tp_ppp_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("PPP over L2TP over UDP");
MODULE_VERSION(L2TP_PPP_DRV_VERSION);
MODULE_ALIAS_NET_PF_PROTO(PF_PPPOX, PX_PROTO_OL2TP);
MODULE_ALIAS("net-l2tp-type-7");
