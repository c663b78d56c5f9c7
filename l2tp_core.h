/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * L2TP core API: tunnels, sessions, their tables and their data path.
 *
 * This header is the contract between l2tp_core and the modules built
 * on it: the management front end (l2tp_netlink), the pseudowires
 * (l2tp_eth, l2tp_ppp), the IP encapsulation (l2tp_ip, l2tp_ip6) and
 * l2tp_debugfs. What only the core needs stays in l2tp_core.c.
 */
#ifndef _L2TP_CORE_H
#define _L2TP_CORE_H

#include <linux/l2tp.h>
#include <linux/idr.h>
#include <linux/refcount.h>
#include <linux/rhashtable-types.h>
#include <linux/skbuff.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <linux/u64_stats_sync.h>
#include <linux/workqueue.h>
#include <net/dst_cache.h>
#include <net/sock.h>
#include <net/ipv6.h>

/**
 * DOC: L2TP object lifetime and locking
 *
 * Objects. A &struct l2tp_tunnel owns one socket (UDP, or L2TPIP for IP
 * encapsulation) and the sessions created in it. A &struct l2tp_session
 * belongs to exactly one tunnel and is bound to one pseudowire (Ethernet
 * netdev, PPP channel, ...). Both are reference counted and freed with
 * kfree_rcu(), so the receive path may use them under rcu_read_lock()
 * without taking a reference.
 *
 * Tables (per network namespace, private to l2tp_core.c):
 *
 * - tunnels: an IDR keyed by tunnel id; it holds one tunnel reference.
 * - L2TPv3 sessions: a hash list keyed by session id, shared by every v3
 *   tunnel of the namespace, because an IP-encapsulated packet carries
 *   only a session id. Two UDP tunnels may reuse an id (the receiving
 *   socket tells them apart); IP-encapsulated sessions must be unique.
 * - per tunnel: an IDR of its sessions keyed by session id; it holds one
 *   session reference. L2TPv2 receive finds the tunnel by id, then the
 *   session in it; dumps resume from a session id in O(log n).
 *
 * Lock order: tunnel->lock, then the per-net table lock. Both are taken
 * with bottom halves disabled and never while holding a socket lock.
 * RTNL is only taken in process context by the deletion work, never
 * under either spinlock.
 *
 * Contexts. Receive runs in softirq under RCU and takes no lock unless
 * the session sequences its data (then session->reorder_q.lock).
 * Transmit runs in any context that may call dev_queue_xmit(). Creation
 * and deletion requests run in process context (netlink, socket calls).
 *
 * Deletion is two-phase. l2tp_session_delete() and l2tp_tunnel_delete()
 * mark the object dead and unpublish it at once, so lookups fail and
 * the ids may be reused immediately; then a work item on the "l2tp"
 * workqueue closes the pseudowire (netdevs of a whole tunnel are
 * unregistered in one RTNL batch), releases the socket and drops the
 * table references. Callers that must see the teardown finished (the
 * netlink delete commands, netns exit) call l2tp_tunnel_delete_sync()
 * or flush the work.
 */

/* Sizes of the fixed header parts (RFC 2661 §3.1, RFC 3931 §4.1). */
#define L2TP_V2_HDR_MIN		6	/* flags, tunnel id, session id */
#define L2TP_V2_SEQ_LEN		4	/* Ns, Nr */
#define L2TP_V3_UDP_HDR_LEN	4	/* flags/version word + reserved */
#define L2TP_V3_SESSION_LEN	4
#define L2TP_V3_SUBLAYER_LEN	4	/* the default L2-specific sublayer */
#define L2TP_COOKIE_MAX		8
/* Largest data header we build: v3 over UDP, 8-byte cookie, sublayer. */
#define L2TP_HDR_MAX		(L2TP_V3_UDP_HDR_LEN + L2TP_V3_SESSION_LEN + \
				 L2TP_COOKIE_MAX + L2TP_V3_SUBLAYER_LEN)

/*
 * The largest frame sent as one superpacket (see "segmentation offload"
 * in l2tp_core.c): with any outer header it must still fit the 16-bit
 * length fields of IPv4 and UDP.
 */
#define L2TP_GSO_MAX_SIZE	(GSO_LEGACY_MAX_SIZE - 256)

/* Header flag bits of the first 16-bit word. */
#define L2TP_HDRFLAG_T		0x8000	/* control message */
#define L2TP_HDRFLAG_L		0x4000	/* v2: length field present */
#define L2TP_HDRFLAG_S		0x0800	/* v2: Ns/Nr present */
#define L2TP_HDRFLAG_O		0x0200	/* v2: offset size present */
#define L2TP_HDRFLAG_P		0x0100	/* v2: priority (ignored) */
#define L2TP_HDR_VER_MASK	0x000f
#define L2TP_HDR_VER_2		2
#define L2TP_HDR_VER_3		3
/* Default L2-specific sublayer: S bit and 24-bit sequence number. */
#define L2TP_SUBLAYER_S		0x40000000
#define L2TP_SEQ_V2_MAX		0xffff
#define L2TP_SEQ_V3_MAX		0xffffff

/* Name buffer sizes; the tracepoints export them, as upstream's do. */
#define L2TP_TUNNEL_NAME_MAX	20
#define L2TP_SESSION_NAME_MAX	32

/**
 * struct l2tp_stats - counters of a tunnel or a session
 * @pcpu: per-cpu packet and byte counters, updated for every packet
 * @tx_errors: packets that could not be sent
 * @rx_seq_discards: received packets dropped by the sequencing rules
 * @rx_oos_packets: packets that arrived out of order and were reordered
 * @rx_errors: received packets dropped for any reason
 * @rx_cookie_discards: received packets with the wrong cookie
 * @rx_invalid: received packets with a bad header (tunnel only)
 *
 * The hot counters are per-cpu so that no packet writes a cache line
 * shared with other CPUs; the rare ones are plain atomics. Byte counts
 * include the L2TP header but not the UDP and IP headers, on both sides.
 */
struct l2tp_stats {
	struct l2tp_pcpu_stats __percpu *pcpu;
	atomic_long_t tx_errors;
	atomic_long_t rx_seq_discards;
	atomic_long_t rx_oos_packets;
	atomic_long_t rx_errors;
	atomic_long_t rx_cookie_discards;
	atomic_long_t rx_invalid;
};

/**
 * struct l2tp_pcpu_stats - one CPU's share of the hot counters
 * @tx_packets: packets sent
 * @tx_bytes: bytes sent
 * @rx_packets: packets delivered to the pseudowire
 * @rx_bytes: bytes delivered to the pseudowire
 * @syncp: lets 32-bit readers see consistent 64-bit values
 */
struct l2tp_pcpu_stats {
	u64_stats_t tx_packets;
	u64_stats_t tx_bytes;
	u64_stats_t rx_packets;
	u64_stats_t rx_bytes;
	struct u64_stats_sync syncp;
};

/**
 * struct l2tp_stats_snapshot - all counters summed, as reported to users
 * @tx_packets: see &struct l2tp_pcpu_stats
 * @tx_bytes: see &struct l2tp_pcpu_stats
 * @tx_errors: see &struct l2tp_stats
 * @rx_packets: see &struct l2tp_pcpu_stats
 * @rx_bytes: see &struct l2tp_pcpu_stats
 * @rx_seq_discards: see &struct l2tp_stats
 * @rx_oos_packets: see &struct l2tp_stats
 * @rx_errors: see &struct l2tp_stats
 * @rx_cookie_discards: see &struct l2tp_stats
 * @rx_invalid: see &struct l2tp_stats
 */
struct l2tp_stats_snapshot {
	u64 tx_packets;
	u64 tx_bytes;
	u64 tx_errors;
	u64 rx_packets;
	u64 rx_bytes;
	u64 rx_seq_discards;
	u64 rx_oos_packets;
	u64 rx_errors;
	u64 rx_cookie_discards;
	u64 rx_invalid;
};

/**
 * struct l2tp_tunnel_cfg - how to build the socket of an unmanaged tunnel
 * @encap: L2TP_ENCAPTYPE_UDP or L2TP_ENCAPTYPE_IP
 * @family: AF_INET or AF_INET6
 * @local_ip: IPv4 local address
 * @peer_ip: IPv4 peer address
 * @local_ip6: IPv6 local address
 * @peer_ip6: IPv6 peer address
 * @local_udp_port: UDP source port (UDP encapsulation)
 * @peer_udp_port: UDP destination port (UDP encapsulation)
 * @use_udp_checksums: IPv4: compute UDP checksums on transmit
 * @udp6_zero_tx_checksums: IPv6: send zero UDP checksums
 * @udp6_zero_rx_checksums: IPv6: accept zero UDP checksums
 *
 * Only the encapsulation matters for a managed tunnel, whose socket comes
 * from userspace already bound and connected.
 */
struct l2tp_tunnel_cfg {
	enum l2tp_encap_type encap;
	int family;
	struct in_addr local_ip;
	struct in_addr peer_ip;
	struct in6_addr local_ip6;
	struct in6_addr peer_ip6;
	u16 local_udp_port;
	u16 peer_udp_port;
	bool use_udp_checksums;
	bool udp6_zero_tx_checksums;
	bool udp6_zero_rx_checksums;
};

/* Bits of &struct l2tp_tunnel.flags and &struct l2tp_session.flags. */
enum {
	L2TP_DEAD,		/* deletion started; never cleared */
	L2TP_OWNER_PINNED,	/* session: the owner module is pinned */
	L2TP_REGISTERED,	/* published once; free_* traces only these */
	L2TP_ATTACHED,		/* session: set at creation, cleared (and
				 * waiters woken) once the pseudowire is off
				 * the system: netdev unlisted or closed
				 */
};

/**
 * struct l2tp_tunnel - one L2TP control connection and its data sessions
 * @tunnel_id: our tunnel id (16 bits used for L2TPv2)
 * @peer_tunnel_id: the peer's tunnel id, sent in L2TPv2 data headers
 * @version: L2TP_HDR_VER_2 or L2TP_HDR_VER_3
 * @encap: L2TP_ENCAPTYPE_UDP or L2TP_ENCAPTYPE_IP
 * @fd: the userspace socket's descriptor for a managed tunnel, else -1
 * @sock: the tunnel socket; a reference is held until the tunnel is freed
 * @kernel_sock: the socket the kernel created for an unmanaged tunnel,
 *	released by the deletion work; NULL for a managed tunnel
 * @net: the network namespace of the tunnel (and of its socket)
 * @refcount: held by the tunnel table, by each session, by the deletion
 *	work while it runs, and by every caller between a get and a put
 * @flags: L2TP_DEAD once deletion started
 * @lock: protects @sessions and @accept_sessions
 * @accept_sessions: cleared when deletion starts, so no session can be
 *	added to a dying tunnel
 * @sessions: IDR of the tunnel's sessions by session id (RCU readable)
 * @session_count: number of sessions in @sessions
 * @stats: tunnel counters
 * @dst_cache: route cache for transmit, so sending takes no socket lock
 * @dst_key: hash of the socket addressing @dst_cache was filled for; a
 *	managed socket that userspace reconnects invalidates the cache
 * @del_work: the deletion work item
 * @rcu: frees the tunnel after a grace period
 * @name: "tunl <id>", for log messages
 *
 * Receive may use a tunnel found in a table under rcu_read_lock() without
 * taking a reference; everything else goes through l2tp_tunnel_get().
 */
struct l2tp_tunnel {
	u32 tunnel_id;
	u32 peer_tunnel_id;
	int version;
	enum l2tp_encap_type encap;
	int fd;
	struct sock *sock;
	struct socket *kernel_sock;
	struct net *net;
	refcount_t refcount;
	unsigned long flags;
	spinlock_t lock;	/* @sessions, @accept_sessions */
	bool accept_sessions;
	struct idr sessions;
	unsigned int session_count;
	struct l2tp_stats stats;
	struct dst_cache dst_cache;
	u32 dst_key;
	struct work_struct del_work;
	struct rcu_head rcu;
	char name[L2TP_TUNNEL_NAME_MAX];
};

/**
 * struct l2tp_session_cfg - parameters of a new session
 * @pw_type: pseudowire type (enum l2tp_pwtype)
 * @recv_seq: drop received packets that carry no sequence number
 * @send_seq: send sequence numbers
 * @lns_mode: act as LNS: never let the peer switch our @send_seq
 * @l2specific_type: L2TPv3 sublayer (enum l2tp_l2spec_type)
 * @cookie: cookie we send (L2TPv3)
 * @cookie_len: 0, 4 or 8
 * @peer_cookie: cookie we expect from the peer (L2TPv3)
 * @peer_cookie_len: 0, 4 or 8
 * @reorder_timeout: how long (jiffies) to hold out-of-order packets;
 *	0 disables reordering
 * @ifname: requested interface name for pseudowires with a netdev, or NULL
 */
struct l2tp_session_cfg {
	enum l2tp_pwtype pw_type;
	bool recv_seq;
	bool send_seq;
	bool lns_mode;
	u16 l2specific_type;
	u8 cookie[L2TP_COOKIE_MAX];
	int cookie_len;
	u8 peer_cookie[L2TP_COOKIE_MAX];
	int peer_cookie_len;
	unsigned long reorder_timeout;
	const char *ifname;
};

struct l2tp_session;

/**
 * struct l2tp_session_ops - callbacks of a session, set by its pseudowire
 * @owner: module providing the callbacks; l2tp_session_register() pins it
 *	and the last l2tp_session_put() releases it
 * @recv_skb: deliver a data packet whose L2TP header has been pulled.
 *	Softirq context under RCU; the callee owns @skb. @data_len is the
 *	length that was counted in the receive statistics.
 * @close: detach the pseudowire. Process context, may sleep; called once,
 *	after the session is unpublished and before its last reference goes.
 * @unregister_netdev: for pseudowires that own a net_device: queue it on
 *	@head with unregister_netdevice_queue(). Called with RTNL held, just
 *	before @close, so that a whole tunnel's devices go in one batch.
 * @show: append pseudowire details to the debugfs listing.
 */
struct l2tp_session_ops {
	struct module *owner;
	void (*recv_skb)(struct l2tp_session *session, struct sk_buff *skb,
			 int data_len);
	void (*close)(struct l2tp_session *session);
	void (*unregister_netdev)(struct l2tp_session *session,
				  struct list_head *head);
	void (*show)(struct seq_file *m, struct l2tp_session *session);
};

/**
 * struct l2tp_session - one pseudowire inside a tunnel
 * @session_id: our session id (16 bits used for L2TPv2)
 * @peer_session_id: the peer's id, sent in data headers
 * @tunnel: the parent tunnel; the session holds a reference on it
 * @flags: L2TP_DEAD once deletion started; L2TP_ATTACHED until the
 *	pseudowire is detached (netdev unlisted, or closed)
 * @refcount: held by the tunnel's session table, by the deletion work,
 *	by the pseudowire's objects (netdev, socket) and by get/put callers
 * @pwtype: pseudowire type (enum l2tp_pwtype)
 * @ops: pseudowire callbacks, see &struct l2tp_session_ops
 * @cookie: cookie sent in L2TPv3 data headers
 * @peer_cookie: cookie required in received L2TPv3 data headers
 * @cookie_len: 0, 4 or 8
 * @peer_cookie_len: 0, 4 or 8
 * @recv_seq: see &struct l2tp_session_cfg (READ_ONCE/WRITE_ONCE: changed
 *	by netlink and socket options while packets flow)
 * @send_seq: see &struct l2tp_session_cfg; the LAC logic may flip it on
 *	receive, so it is also read and written with *_ONCE
 * @lns_mode: see &struct l2tp_session_cfg
 * @l2specific_type: L2TPv3 sublayer type
 * @hdr_len: length of the data header we build (depends on @send_seq)
 * @ns: next sequence number to send; atomic because a netdev with lltx
 *	transmits on several CPUs at once and each packet needs its own number
 * @nr: next sequence number expected; with @reorder_skip, @nr_oos and
 *	@nr_oos_count protected by @reorder_q.lock
 * @nr_max: sequence number mask: 0xffff (v2) or 0xffffff (v3)
 * @nr_window_size: half of the sequence space: acceptance window
 * @nr_oos: last out-of-sequence number seen while not reordering
 * @nr_oos_count: in-order run after @nr_oos, to resynchronise
 * @reorder_skip: adopt the next received number as @nr
 * @reorder_timeout: jiffies to hold out-of-order packets, 0 = drop them
 * @reorder_q: packets held for reordering, ordered by sequence number
 * @reorder_timer: expires held packets even when no new packet arrives
 * @stats: session counters
 * @v3_node: entry in the per-net L2TPv3 session table
 * @del_work: the deletion work item
 * @close_node: links the session into a teardown batch
 * @rcu: frees the session after a grace period
 * @ifname: interface name of the pseudowire's netdev, for lookups
 * @priv: pseudowire private area, see l2tp_session_priv()
 *
 * @del_work shares its memory with @close_node and @rcu, which are used
 * only after it: the work is queued at most once (by the unpublish
 * winner), its function links the session into a batch (a work item may
 * reuse its memory once its function runs), and the batch unlinks it
 * before dropping the table's reference, so the last put, which queues
 * @rcu, comes later still. @rcu is not at @del_work's address, which
 * DEBUG_OBJECTS tracks. A work item per session, not one shared one:
 * closing a session with a netdev waits in rtnl_unlock() for the
 * device's references, and one-by-one deletes overlap those waits only
 * if their works run side by side. Memory per session is a benchmark
 * target (a 100k-session LNS), so the layout is kept tight.
 */
struct l2tp_session {
	u32 session_id;
	u32 peer_session_id;
	struct l2tp_tunnel *tunnel;
	unsigned long flags;
	refcount_t refcount;
	enum l2tp_pwtype pwtype;
	const struct l2tp_session_ops *ops;
	u8 cookie[L2TP_COOKIE_MAX];
	u8 peer_cookie[L2TP_COOKIE_MAX];
	u8 cookie_len;
	u8 peer_cookie_len;
	u8 recv_seq;
	u8 send_seq;
	u8 lns_mode;
	u16 l2specific_type;
	unsigned int hdr_len;
	atomic_t ns;
	u32 nr;
	u32 nr_max;
	u32 nr_window_size;
	u32 nr_oos;
	int nr_oos_count;
	int reorder_skip;
	unsigned long reorder_timeout;
	struct sk_buff_head reorder_q;
	struct timer_list reorder_timer;
	struct l2tp_stats stats;
	struct rhlist_head v3_node;
	union {
		struct work_struct del_work;
		struct {
			struct list_head close_node;
			struct rcu_head rcu;
		};
	};
	char ifname[IFNAMSIZ];
	unsigned long priv[] __aligned(sizeof(unsigned long));
};

/* How log lines and tracepoints name a session: tunnel id, session id. */
#define L2TP_SESSION_FMT	"sess %u/%u"

/*
 * Pseudowire private areas up to this size (PPP's and Ethernet's, on a
 * production config) share the core's session cache: 12 sessions to a
 * 4 KiB page on x86_64, where kmalloc-512 holds 8. Bigger ones, such as
 * a PPP area with a debug mutex, come from kmalloc.
 */
#define L2TP_SESSION_PRIV_CACHED	48

/**
 * struct l2tp_pw_ops - how the management API creates a pseudowire type
 * @owner: the pseudowire module
 * @session_create: create, set up and register a session of this type in
 *	@tunnel. Process context, may sleep. Return: 0 or a negative errno,
 *	with a message in @extack.
 */
struct l2tp_pw_ops {
	struct module *owner;
	int (*session_create)(struct net *net, struct l2tp_tunnel *tunnel,
			      u32 session_id, u32 peer_session_id,
			      struct l2tp_session_cfg *cfg,
			      struct netlink_ext_ack *extack);
};

static inline void *l2tp_session_priv(struct l2tp_session *session)
{
	return &session->priv[0];
}

static inline bool l2tp_tunnel_dead(const struct l2tp_tunnel *tunnel)
{
	return test_bit(L2TP_DEAD, &tunnel->flags);
}

static inline bool l2tp_session_dead(const struct l2tp_session *session)
{
	return test_bit(L2TP_DEAD, &session->flags);
}

/*
 * The first session id that listings (netlink dumps, debugfs, /proc)
 * show: session 0 of an L2TPv2 tunnel is the internal session of a
 * PPPoL2TP tunnel management socket, which upstream lists nowhere.
 */
static inline u32 l2tp_session_list_min(const struct l2tp_tunnel *tunnel)
{
	return tunnel->version == L2TP_HDR_VER_2 ? 1 : 0;
}

/* Pseudowire registry (indexed by enum l2tp_pwtype). */
int l2tp_pw_register(enum l2tp_pwtype type, const struct l2tp_pw_ops *ops);
void l2tp_pw_unregister(enum l2tp_pwtype type);
const struct l2tp_pw_ops *l2tp_pw_get(enum l2tp_pwtype type);
void l2tp_pw_put(const struct l2tp_pw_ops *ops);

/*
 * Lookups. Every l2tp_*_get*() returns the object with a reference the
 * caller drops with the matching *_put(), or NULL. The get_next variants
 * return the object with the smallest id >= *@key and set *@key to it,
 * so a dump resumes with ++key.
 */
struct l2tp_tunnel *l2tp_tunnel_get(const struct net *net, u32 tunnel_id);
struct l2tp_tunnel *l2tp_tunnel_get_next(const struct net *net, u32 *key);
bool __must_check l2tp_tunnel_hold(struct l2tp_tunnel *tunnel);
void l2tp_tunnel_put(struct l2tp_tunnel *tunnel);
struct l2tp_session *l2tp_tunnel_get_session(struct l2tp_tunnel *tunnel,
					     u32 session_id);
struct l2tp_session *l2tp_session_get_next(struct l2tp_tunnel *tunnel,
					   u32 *key);
struct l2tp_session *l2tp_session_get_by_ifname(const struct net *net,
						const char *ifname);
bool __must_check l2tp_session_hold(struct l2tp_session *session);
void l2tp_session_put(struct l2tp_session *session);

/* Tunnel life cycle. */
int l2tp_tunnel_create(struct net *net, int fd, int version, u32 tunnel_id,
		       u32 peer_tunnel_id, const struct l2tp_tunnel_cfg *cfg,
		       struct l2tp_tunnel **tunnelp,
		       struct netlink_ext_ack *extack);
void l2tp_tunnel_delete(struct l2tp_tunnel *tunnel);
void l2tp_tunnel_delete_sync(struct l2tp_tunnel *tunnel);
struct l2tp_tunnel *l2tp_sk_to_tunnel(const struct sock *sk);
int l2tp_tunnel_set_udp_csum(struct l2tp_tunnel *tunnel, bool ipv4_csum,
			     bool zero_csum6_tx, bool zero_csum6_rx);

/* Session life cycle. */
struct l2tp_session *l2tp_session_create(int priv_size,
					 struct l2tp_tunnel *tunnel,
					 u32 session_id, u32 peer_session_id,
					 const struct l2tp_session_cfg *cfg);
int l2tp_session_register(struct l2tp_session *session,
			  struct l2tp_tunnel *tunnel,
			  struct netlink_ext_ack *extack);
void l2tp_session_delete(struct l2tp_session *session);
void l2tp_session_delete_sync(struct l2tp_session *session);
void l2tp_session_set_seq(struct l2tp_session *session, int recv_seq,
			  int send_seq, int lns_mode);
void l2tp_session_set_header_len(struct l2tp_session *session);

/* Data path. */
int l2tp_xmit_skb(struct l2tp_session *session, struct sk_buff *skb);
int l2tp_udp_encap_recv(struct sock *sk, struct sk_buff *skb);
int l2tp_ip_recv_data(struct net *net, struct sk_buff *skb);
unsigned int l2tp_tunnel_overhead(const struct l2tp_tunnel *tunnel,
				  const struct l2tp_session *session);
u32 l2tp_tunnel_dst_mtu(const struct l2tp_tunnel *tunnel);
bool l2tp_tunnel_uses_xfrm(const struct l2tp_tunnel *tunnel);

/* Counters. */
void l2tp_stats_read(const struct l2tp_stats *stats,
		     struct l2tp_stats_snapshot *snap);

/*
 * Does the tunnel send IPv6 packets? An AF_INET6 socket connected to a
 * v4-mapped address sends IPv4 (upstream bug class 20).
 */
static inline bool l2tp_tunnel_is_v6(const struct l2tp_tunnel *tunnel)
{
#if IS_ENABLED(CONFIG_IPV6)
	const struct sock *sk = tunnel->sock;

	return sk->sk_family == AF_INET6 &&
	       !ipv6_addr_v4mapped(&sk->sk_v6_daddr);
#else
	return false;
#endif
}

#endif /* _L2TP_CORE_H */
