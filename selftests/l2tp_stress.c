// SPDX-License-Identifier: GPL-2.0
/*
 * l2tp_stress: the race stress of test_stress.sh.
 *
 *   l2tp_stress -A NETNS_A -B NETNS_B [-d SECONDS] [-s SEED] [-w SECONDS]
 *		 [-i ip4] [-i ip6] [-H SECONDS]
 *
 * Two network namespaces made by `ip netns add` (A: 10.70.0.1, fd70::1;
 * B: 10.70.0.2, fd70::2, over a veth pair) and, for -d seconds, about
 * twenty threads doing everything at once to the l2tp modules:
 *
 *  - tunnel creators: 24 slots of twelve kinds (UDP/IPv4, UDP/IPv6,
 *    IP/IPv4, IP/IPv6 with -i; L2TPv2 and v3; managed, on a socket this
 *    program owns, or unmanaged), each (re)made with a tunnel id drawn
 *    from a pool of 40 that all slots share, so creates collide; every
 *    tunnel of A gets a mirror in B (id + 1000) that carries its traffic
 *    back;
 *  - session creators: Ethernet and PPP sessions with ids from a pool of
 *    8 (L2TPv3 ids collide across the namespace), random cookies and
 *    sequencing, their mirrors in B, the l2tpeth devices up and
 *    addressed (10.<100+tid>.<sid>.1 in A, .2 in B);
 *  - deleters: TUNNEL_DELETE, SESSION_DELETE by id and by device name,
 *    RTM_DELLINK of l2tpeth devices, MODIFY and GET, on random ids;
 *  - a closer of managed tunnel sockets and PPPoL2TP sockets, in any
 *    order relative to the netlink deletes;
 *  - a PPPoL2TP connector: session sockets (adopting a netlink PPP
 *    session or creating one) and tunnel management sockets (0/0);
 *  - an ioctl thread: PPPIOCGL2TPSTATS, PPPIOCGCHAN, PPPIOC[GS]MRU/FLAGS,
 *    SIOCGIFMTU, get/setsockopt, getsockname/getpeername and recv on a
 *    dup of a live or dying PPPoL2TP socket (sometimes right after
 *    deleting its session);
 *  - dumpers (tunnel and session dumps of both namespaces) and readers of
 *    /sys/kernel/debug/l2tp/tunnels and /proc/net/pppol2tp;
 *  - traffic: PPP frames sent on the PPPoL2TP sockets, UDP datagrams
 *    through the l2tpeth devices both ways (counted where they arrive),
 *    raw L2TPv2/v3 packets (valid, truncated, control, unknown ids) from
 *    B at A's tunnels over UDP and IP;
 *  - namespace rounds: a child (this program, re-executed) unshares a
 *    namespace, builds tunnels of every kind with sessions, PPPoL2TP
 *    sockets and traffic, linked to B by a veth pair; B floods it, the
 *    child is killed and the namespace dies with the flood still on.
 *
 * Every call's result is checked against a list of the errnos that the
 * races make legitimate for that operation (ENODEV for a delete that lost
 * the race, EEXIST for a colliding id, ...); anything else is reported
 * with the operation and the errno, and fails the run. A watchdog thread
 * prints the operation a thread is stuck in, with its kernel stack, and
 * exits with status 3 if one call lasts more than -w seconds (60); -H
 * tests it: a thread blocks for good after that many seconds.
 *
 * At the end everything is closed and deleted, and the namespaces must be
 * empty: no tunnel or session in a netlink dump, no l2tpeth device, no
 * tunnel in debugfs or /proc/net/pppol2tp, every round's namespace gone.
 * The count of successful calls of every operation is printed, and each
 * family of them must have succeeded at least once. The seed (-s, else
 * the time) is printed first ("# seed N"): each thread draws its
 * operations from its own generator seeded from it.
 *
 * Output is KTAP result lines (numbered from 1, without a plan: the
 * calling script renumbers them among its own); exit status 0 pass,
 * 1 fail, 3 watchdog.
 *
 *   l2tp_stress nsround ROUND NETNS_B SEED IPKINDS
 *	(internal) the child of a namespace round.
 */

#include <arpa/inet.h>
#include <fcntl.h>
#include <inttypes.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/if_packet.h>
#include <linux/if_pppol2tp.h>
#include <linux/if_pppox.h>
#include <linux/ppp-ioctl.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>
#include <linux/veth.h>

#include "l2tp_test.h"

#ifndef IPPROTO_L2TP
#define IPPROTO_L2TP	115
#endif
#ifndef SOL_PPPOL2TP
#define SOL_PPPOL2TP	273
#endif

#define NSLOT		24	/* tunnel slots in A */
#define TID_POOL	40	/* A's tunnel ids: 1..TID_POOL */
#define SID_POOL	8	/* session ids: 1..SID_POOL */
#define B_TID(t)	((t) + 1000)	/* the mirror's ids in B */
#define B_SID(s)	((s) + 500)
#define NPX		24	/* PPPoL2TP sockets held at once */
#define NETH		64	/* recent Ethernet sessions, traffic targets */
#define PORT_A		20000	/* UDP port of slot k: PORT_A + k in A */
#define PORT_B		30000	/* and PORT_B + k in B */
#define PW_PORT		9999	/* UDP through the pseudowires */
#define MAXERR		160

enum { NS_A, NS_B };

static const char *const addr4[2] = { "10.70.0.1", "10.70.0.2" };
static const char *const addr6[2] = { "fd70::1", "fd70::2" };
static struct in_addr in4[2];
static struct in6_addr in6[2];

static const char *debugfs_tunnels = "/sys/kernel/debug/l2tp/tunnels";

static void die(const char *fmt, ...) __printf(1, 2);
static void die(const char *fmt, ...)
{
	va_list ap;

	printf("Bail out! ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	_exit(1);
}

static const char *errname(int e)
{
	const char *n = e ? strerrorname_np(e) : "0";

	return n ? n : "?";
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ULL + ts.tv_nsec / 1000000;
}

/* 0, or the errno of a failed system call. */
static int sysret(long rc)
{
	return rc < 0 ? errno : 0;
}

/* ------------------------------------------------------- operations */

enum {
	OP_TCREATE_U, OP_TCREATE_M, OP_TCREATE_B, OP_TDELETE, OP_TMODIFY,
	OP_TGET, OP_SCREATE_ETH, OP_SCREATE_PPP, OP_SCREATE_B, OP_SDELETE,
	OP_SDELETE_IFNAME, OP_DELLINK, OP_SMODIFY, OP_SGET, OP_DEV_UP,
	OP_DEV_ADDR, OP_MSOCK, OP_MCLOSE, OP_PX_CONNECT, OP_PX_MGMT,
	OP_PX_CLOSE, OP_IOC_STATS, OP_IOC_CHAN, OP_IOC_PPP, OP_IOC_IFMTU,
	OP_SETSOCKOPT, OP_GETSOCKOPT, OP_GETNAME, OP_PX_RECV, OP_DUMP_T,
	OP_DUMP_S, OP_DEBUGFS, OP_PROC, OP_PX_SEND, OP_PX_SEND_BIG,
	OP_ETH_SEND, OP_PW_RX, OP_RAW_SEND, OP_NS_SETUP, OP_NS_TRAFFIC,
	OP_NS_REAP, OP_NS_GONE, OP_CLEANUP, OP_HANG,
	NOPS
};

/*
 * Each operation with the errnos its races make legitimate (a zero ends
 * the list) and whether it must have succeeded at least once.
 */
struct opdef {
	const char *name;
	int ok[8];
	bool progress;
};

static const struct opdef opdefs[NOPS] = {
	/* A tunnel id or UDP port still held by another slot's tunnel. */
	[OP_TCREATE_U] = { "TUNNEL_CREATE unmanaged", { EEXIST, EADDRINUSE }, true },
	[OP_TCREATE_M] = { "TUNNEL_CREATE managed", { EEXIST }, true },
	[OP_TCREATE_B] = { "TUNNEL_CREATE mirror in B", { EEXIST, EADDRINUSE }, true },
	[OP_TDELETE] = { "TUNNEL_DELETE", { ENODEV }, true },
	[OP_TMODIFY] = { "TUNNEL_MODIFY", { ENODEV } },
	[OP_TGET] = { "TUNNEL_GET", { ENODEV } },
	/*
	 * ENODEV: no tunnel, or one being deleted; EEXIST: the id, or the
	 * device name of a session being deleted; EPROTONOSUPPORT: Ethernet
	 * asked of an L2TPv2 tunnel (the id's slot changed kind).
	 */
	[OP_SCREATE_ETH] = { "SESSION_CREATE eth", { ENODEV, EEXIST, EPROTONOSUPPORT }, true },
	[OP_SCREATE_PPP] = { "SESSION_CREATE ppp", { ENODEV, EEXIST }, true },
	[OP_SCREATE_B] = { "SESSION_CREATE mirror in B", { ENODEV, EEXIST, EPROTONOSUPPORT }, true },
	[OP_SDELETE] = { "SESSION_DELETE", { ENODEV }, true },
	[OP_SDELETE_IFNAME] = { "SESSION_DELETE by IFNAME", { ENODEV } },
	/* Upstream's l2tpeth has no rtnl_link_ops: EOPNOTSUPP (stock only). */
	[OP_DELLINK] = { "RTM_DELLINK l2tpeth", { ENODEV, EOPNOTSUPP } },
	[OP_SMODIFY] = { "SESSION_MODIFY", { ENODEV } },
	[OP_SGET] = { "SESSION_GET", { ENODEV } },
	[OP_DEV_UP] = { "l2tpeth up", { ENODEV }, true },
	/* EEXIST: a device of the same name, still being deleted, kept it. */
	[OP_DEV_ADDR] = { "l2tpeth address", { ENODEV, EEXIST }, true },
	[OP_MSOCK] = { "managed socket bind/connect", { EADDRINUSE } },
	[OP_MCLOSE] = { "close managed tunnel socket", { 0 }, true },
	/*
	 * ENOENT: no such tunnel; EEXIST: the session has a socket, or its
	 * id is taken; EPROTOTYPE: the session is Ethernet; ENODEV: the
	 * tunnel is being deleted.
	 */
	[OP_PX_CONNECT] = { "PPPoL2TP connect session", { ENOENT, EEXIST, EPROTOTYPE, ENODEV }, true },
	/*
	 * Management (0/0): EBADF: no socket to create the tunnel on;
	 * EBUSY: that socket belongs to another tunnel; EPROTONOSUPPORT:
	 * it is an L2TPIP socket; EEXIST: session 0 has its socket already.
	 */
	[OP_PX_MGMT] = { "PPPoL2TP connect management", { EEXIST, EBUSY, EBADF, ENODEV, EPROTONOSUPPORT, EPROTOTYPE } },
	[OP_PX_CLOSE] = { "close PPPoL2TP socket", { 0 }, true },
	/* ENOTCONN: the session went; EBADR: no such PPP session (mgmt). */
	[OP_IOC_STATS] = { "PPPIOCGL2TPSTATS", { ENOTCONN, EBADR }, true },
	[OP_IOC_CHAN] = { "PPPIOCGCHAN", { ENOTCONN }, true },
	/* ENOSYS: not on a management socket. */
	[OP_IOC_PPP] = { "PPPIOC[GS]MRU/FLAGS", { ENOTCONN, ENOSYS }, true },
	[OP_IOC_IFMTU] = { "SIOCGIFMTU", { ENODEV }, true },
	[OP_SETSOCKOPT] = { "setsockopt SOL_PPPOL2TP", { ENOTCONN, ENOPROTOOPT }, true },
	[OP_GETSOCKOPT] = { "getsockopt SOL_PPPOL2TP", { ENOTCONN, ENOPROTOOPT }, true },
	[OP_GETNAME] = { "getsockname/getpeername", { ENOTCONN, EBADF }, true },
	[OP_PX_RECV] = { "recv PPPoL2TP", { EAGAIN, EIO, ENOTCONN } },
	[OP_DUMP_T] = { "TUNNEL_GET dump", { 0 }, true },
	[OP_DUMP_S] = { "SESSION_GET dump", { 0 }, true },
	[OP_DEBUGFS] = { "read debugfs", { 0 }, true },
	[OP_PROC] = { "read /proc/net/pppol2tp", { 0 }, true },
	/*
	 * ENOTCONN/EBADF: the session went (ours hangs the socket up,
	 * upstream leaves it connected to nothing); ENOMEM: the send
	 * buffer is full (sock_wmalloc does not wait).
	 */
	[OP_PX_SEND] = { "send PPPoL2TP", { ENOTCONN, EBADF, ENOMEM }, true },
	/* EMSGSIZE: ours refuses a frame no UDP datagram can hold. */
	[OP_PX_SEND_BIG] = { "send PPPoL2TP 65000 bytes", { ENOTCONN, EBADF, ENOMEM, EMSGSIZE } },
	/*
	 * No route (device gone), no neighbour, queues full; EINVAL: the
	 * route still led to a device being unregistered, which refuses
	 * new neighbours (arp_constructor finds no in_device, or
	 * ___neigh_create dead neighbour parms).
	 */
	[OP_ETH_SEND] = { "UDP through l2tpeth", { ENETUNREACH, EHOSTUNREACH, ENETDOWN, ENOBUFS, EAGAIN, EINVAL }, true },
	[OP_PW_RX] = { "UDP received through l2tpeth", { 0 }, true },
	[OP_RAW_SEND] = { "raw L2TP packet", { ENOBUFS, EAGAIN }, true },
	[OP_NS_SETUP] = { "netns round setup", { 0 }, true },
	/* The flood outlives the namespace it is aimed at. */
	[OP_NS_TRAFFIC] = { "flood into a dying netns", { ENETUNREACH, EHOSTUNREACH, ENOBUFS, EAGAIN, EINVAL, EADDRNOTAVAIL }, true },
	[OP_NS_REAP] = { "reap netns child", { 0 } },
	[OP_NS_GONE] = { "netns dismantled", { 0 }, true },
	[OP_CLEANUP] = { "final TUNNEL_DELETE", { ENODEV } },
	[OP_HANG] = { "injected hang (-H)", { 0 } },
};

static uint64_t counts[NOPS][MAXERR];	/* [op][0]: successes */
static int unexpected;
static bool ours_mode;

static bool err_ok(int op, int err)
{
	int i;

	/* Only the stock l2tpeth lacks rtnl_link_ops. */
	if (op == OP_DELLINK && err == EOPNOTSUPP)
		return !ours_mode;
	for (i = 0; i < 8 && opdefs[op].ok[i]; i++)
		if (opdefs[op].ok[i] == err)
			return true;
	return false;
}

static void note(int op, int err)
{
	__atomic_add_fetch(&counts[op][err < MAXERR ? err : MAXERR - 1], 1,
			   __ATOMIC_RELAXED);
	if (!err || err_ok(op, err))
		return;
	if (__atomic_add_fetch(&unexpected, 1, __ATOMIC_RELAXED) <= 50)
		ktap_diag("unexpected errno: %s: %s (%d)", opdefs[op].name,
			  errname(err), err);
}

/* ----------------------------------------------------------- workers */

struct rtnl {
	struct mnl_socket *sk;
	uint32_t seq;
	char buf[8192] __aligned(8);
};

struct worker {
	const char *name;
	void (*fn)(struct worker *w);
	int home;		/* NS_A or NS_B */
	pthread_t th;
	pid_t ktid;
	uint64_t rng;
	const char *op;		/* the call in progress, for the watchdog */
	uint64_t op_t0;		/* when it began (ms); 0 when idle */
	struct l2tp_nl *nl[2];	/* one per namespace */
	struct rtnl *rt[2];
};

static int ns_fd[2];
static volatile int stop;
static uint64_t seed;
static int watchdog_s = 60;
static int hang_after_s = -1;	/* -H: the watchdog's self-test */

static void ns_enter(int which)
{
	if (setns(ns_fd[which], CLONE_NEWNET))
		die("setns: %s", strerror(errno));
}

static uint64_t rnd64(struct worker *w)
{
	uint64_t x = w->rng;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	w->rng = x;
	return x * 0x2545F4914F6CDD1DULL;
}

static uint32_t rnd(struct worker *w, uint32_t n)
{
	return n ? (uint32_t)(rnd64(w) >> 16) % n : 0;
}

static void op_begin(struct worker *w, int op)
{
	__atomic_store_n(&w->op, opdefs[op].name, __ATOMIC_RELAXED);
	__atomic_store_n(&w->op_t0, now_ms(), __ATOMIC_RELEASE);
}

static int op_end(struct worker *w, int op, int err)
{
	__atomic_store_n(&w->op_t0, 0, __ATOMIC_RELEASE);
	note(op, err);
	return err;
}

/* Run @expr (0 or an errno) as operation @op of worker @w. */
#define DO(w, op, expr) ({						\
	int __e;							\
	op_begin((w), (op));						\
	__e = (expr);							\
	op_end((w), (op), __e);						\
})

/* Sleep up to @ms, in steps, so that a stop is seen quickly. */
static void nap(int ms)
{
	while (ms > 0 && !stop) {
		msleep(ms > 50 ? 50 : ms);
		ms -= 50;
	}
}

/* ---------------------------------------------------------- rtnetlink */

static int rt_open(struct rtnl *r)
{
	struct timeval tv = { .tv_sec = 120 };

	r->sk = mnl_socket_open(NETLINK_ROUTE);
	if (!r->sk || mnl_socket_bind(r->sk, 0, MNL_SOCKET_AUTOPID) < 0)
		return errno;
	setsockopt(mnl_socket_get_fd(r->sk), SOL_SOCKET, SO_RCVTIMEO, &tv,
		   sizeof(tv));
	return 0;
}

static int rt_txn(struct rtnl *r, struct nlmsghdr *nlh)
{
	nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = ++r->seq;
	if (mnl_socket_sendto(r->sk, nlh, nlh->nlmsg_len) < 0)
		return errno;
	for (;;) {
		char rx[4096] __aligned(8);
		ssize_t n = mnl_socket_recvfrom(r->sk, rx, sizeof(rx));
		const struct nlmsghdr *m = (const void *)rx;
		int len = n;

		if (n < 0)
			return errno;
		for (; mnl_nlmsg_ok(m, len); m = mnl_nlmsg_next(m, &len)) {
			if (m->nlmsg_seq == nlh->nlmsg_seq &&
			    m->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = mnl_nlmsg_get_payload(m);

				return -e->error;
			}
		}
	}
}

/*
 * The index of device @name, by RTM_GETLINK. Not with an ioctl: for a
 * name that does not exist those run modprobe (dev_load), which costs
 * seconds, and minutes on the debug kernel.
 */
static int if_index(struct rtnl *r, const char *name, int *index)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(r->buf);
	struct ifinfomsg *ifi;

	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = ++r->seq;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	if (mnl_socket_sendto(r->sk, nlh, nlh->nlmsg_len) < 0)
		return errno;
	for (;;) {
		char rx[8192] __aligned(8);
		ssize_t n = mnl_socket_recvfrom(r->sk, rx, sizeof(rx));
		const struct nlmsghdr *m = (const void *)rx;
		int len = n;

		if (n < 0)
			return errno;
		for (; mnl_nlmsg_ok(m, len); m = mnl_nlmsg_next(m, &len)) {
			if (m->nlmsg_seq != nlh->nlmsg_seq)
				continue;
			if (m->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = mnl_nlmsg_get_payload(m);

				return e->error ? -e->error : ENODEV;
			}
			if (m->nlmsg_type == RTM_NEWLINK) {
				const struct ifinfomsg *i = mnl_nlmsg_get_payload(m);

				*index = i->ifi_index;
				return 0;
			}
		}
	}
}

/* Set device @name up (RTM_NEWLINK by name). */
static int if_up(struct rtnl *r, const char *name)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(r->buf);
	struct ifinfomsg *ifi;

	nlh->nlmsg_type = RTM_NEWLINK;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_flags = IFF_UP;
	ifi->ifi_change = IFF_UP;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return rt_txn(r, nlh);
}

/* Add @addr/@plen (IPv4 or IPv6, without DAD) to device @name. */
static int addr_add(struct rtnl *r, const char *name, const char *addr,
		    int plen)
{
	int af = strchr(addr, ':') ? AF_INET6 : AF_INET;
	struct ifaddrmsg *ifa;
	struct nlmsghdr *nlh;
	unsigned char a[16];
	int index, err;

	err = if_index(r, name, &index);
	if (err)
		return err;
	if (inet_pton(af, addr, a) != 1)
		return EINVAL;
	nlh = mnl_nlmsg_put_header(r->buf);
	nlh->nlmsg_type = RTM_NEWADDR;
	nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = af;
	ifa->ifa_prefixlen = plen;
	ifa->ifa_index = index;
	if (af == AF_INET6)
		ifa->ifa_flags = IFA_F_NODAD;
	mnl_attr_put(nlh, IFA_LOCAL, af == AF_INET ? 4 : 16, a);
	mnl_attr_put(nlh, IFA_ADDRESS, af == AF_INET ? 4 : 16, a);
	return rt_txn(r, nlh);
}

/* RTM_DELLINK by name. */
static int link_del(struct rtnl *r, const char *name)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(r->buf);
	struct ifinfomsg *ifi;

	nlh->nlmsg_type = RTM_DELLINK;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return rt_txn(r, nlh);
}

/* A veth pair: @name here, @peer in the namespace of @peer_nsfd. */
static int veth_add(struct rtnl *r, const char *name, const char *peer,
		    int peer_nsfd)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(r->buf);
	struct nlattr *info, *data, *pi;
	struct ifinfomsg *ifi;

	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	pi = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, peer);
	mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, peer_nsfd);
	mnl_attr_nest_end(nlh, pi);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	return rt_txn(r, nlh);
}

/* ------------------------------------------------------ l2tp netlink */

struct kind {
	const char *name;
	int af;
	int encap;
	int version;
	bool managed;
};

static const struct kind all_kinds[] = {
	{ "udp4/v2/managed", AF_INET, L2TP_ENCAPTYPE_UDP, 2, true },
	{ "udp4/v2", AF_INET, L2TP_ENCAPTYPE_UDP, 2, false },
	{ "udp4/v3/managed", AF_INET, L2TP_ENCAPTYPE_UDP, 3, true },
	{ "udp4/v3", AF_INET, L2TP_ENCAPTYPE_UDP, 3, false },
	{ "udp6/v2/managed", AF_INET6, L2TP_ENCAPTYPE_UDP, 2, true },
	{ "udp6/v2", AF_INET6, L2TP_ENCAPTYPE_UDP, 2, false },
	{ "udp6/v3/managed", AF_INET6, L2TP_ENCAPTYPE_UDP, 3, true },
	{ "udp6/v3", AF_INET6, L2TP_ENCAPTYPE_UDP, 3, false },
	{ "ip4/v3/managed", AF_INET, L2TP_ENCAPTYPE_IP, 3, true },
	{ "ip4/v3", AF_INET, L2TP_ENCAPTYPE_IP, 3, false },
	{ "ip6/v3/managed", AF_INET6, L2TP_ENCAPTYPE_IP, 3, true },
	{ "ip6/v3", AF_INET6, L2TP_ENCAPTYPE_IP, 3, false },
};

static const struct kind *kinds[ARRAY_SIZE(all_kinds)];
static int nkinds;
static bool have_ip4, have_ip6;

static struct l2tp_nl *nl_new(void)
{
	struct l2tp_nl *c = calloc(1, sizeof(*c));
	int err;

	if (!c)
		die("out of memory");
	err = l2tp_nl_open(c, 120);
	if (err)
		die("genl family %s: %s", L2TP_GENL_NAME, errname(err));
	return c;
}

/* Put the local and remote addresses of side @side (NS_A/NS_B). */
static void put_addrs(struct nlmsghdr *nlh, int af, int side)
{
	if (af == AF_INET6) {
		mnl_attr_put(nlh, L2TP_ATTR_IP6_SADDR, 16, &in6[side]);
		mnl_attr_put(nlh, L2TP_ATTR_IP6_DADDR, 16, &in6[!side]);
	} else {
		mnl_attr_put(nlh, L2TP_ATTR_IP_SADDR, 4, &in4[side]);
		mnl_attr_put(nlh, L2TP_ATTR_IP_DADDR, 4, &in4[!side]);
	}
}

static int tunnel_create(struct l2tp_nl *c, const struct kind *k, int side,
			 uint32_t tid, uint32_t ptid, uint16_t sport,
			 uint16_t dport, int fd, bool csum)
{
	struct nlmsghdr *nlh = l2tp_nl_req(c, L2TP_CMD_TUNNEL_CREATE);

	mnl_attr_put_u32(nlh, L2TP_ATTR_CONN_ID, tid);
	mnl_attr_put_u32(nlh, L2TP_ATTR_PEER_CONN_ID, ptid);
	mnl_attr_put_u8(nlh, L2TP_ATTR_PROTO_VERSION, k->version);
	mnl_attr_put_u16(nlh, L2TP_ATTR_ENCAP_TYPE, k->encap);
	if (fd >= 0) {
		mnl_attr_put_u32(nlh, L2TP_ATTR_FD, fd);
		return l2tp_nl_txn(c, nlh);
	}
	put_addrs(nlh, k->af, side);
	if (k->encap == L2TP_ENCAPTYPE_UDP) {
		mnl_attr_put_u16(nlh, L2TP_ATTR_UDP_SPORT, sport);
		mnl_attr_put_u16(nlh, L2TP_ATTR_UDP_DPORT, dport);
		if (k->af == AF_INET && csum)
			mnl_attr_put_u8(nlh, L2TP_ATTR_UDP_CSUM, 1);
	}
	return l2tp_nl_txn(c, nlh);
}

struct sess_cfg {
	int pw;
	const char *ifname;
	uint8_t cookie[8], pcookie[8];
	int clen, pclen;
	int recv_seq, send_seq, lns;	/* -1: leave out */
	uint64_t timeout_ms;
};

static int session_create(struct l2tp_nl *c, uint32_t tid, uint32_t sid,
			  uint32_t psid, const struct sess_cfg *sc)
{
	struct nlmsghdr *nlh = l2tp_nl_req(c, L2TP_CMD_SESSION_CREATE);

	mnl_attr_put_u32(nlh, L2TP_ATTR_CONN_ID, tid);
	mnl_attr_put_u32(nlh, L2TP_ATTR_SESSION_ID, sid);
	mnl_attr_put_u32(nlh, L2TP_ATTR_PEER_SESSION_ID, psid);
	mnl_attr_put_u16(nlh, L2TP_ATTR_PW_TYPE, sc->pw);
	if (sc->ifname)
		mnl_attr_put_strz(nlh, L2TP_ATTR_IFNAME, sc->ifname);
	if (sc->clen)
		mnl_attr_put(nlh, L2TP_ATTR_COOKIE, sc->clen, sc->cookie);
	if (sc->pclen)
		mnl_attr_put(nlh, L2TP_ATTR_PEER_COOKIE, sc->pclen, sc->pcookie);
	if (sc->recv_seq >= 0)
		mnl_attr_put_u8(nlh, L2TP_ATTR_RECV_SEQ, sc->recv_seq);
	if (sc->send_seq >= 0)
		mnl_attr_put_u8(nlh, L2TP_ATTR_SEND_SEQ, sc->send_seq);
	if (sc->lns >= 0)
		mnl_attr_put_u8(nlh, L2TP_ATTR_LNS_MODE, sc->lns);
	if (sc->timeout_ms)
		mnl_attr_put_u64(nlh, L2TP_ATTR_RECV_TIMEOUT, sc->timeout_ms);
	return l2tp_nl_txn(c, nlh);
}

/* A request naming a tunnel (sid 0: none), a session, or a device. */
static int key_req(struct l2tp_nl *c, uint8_t cmd, uint32_t tid,
		   uint32_t sid, const char *ifname)
{
	struct nlmsghdr *nlh = l2tp_nl_req(c, cmd);

	if (ifname) {
		mnl_attr_put_strz(nlh, L2TP_ATTR_IFNAME, ifname);
	} else {
		mnl_attr_put_u32(nlh, L2TP_ATTR_CONN_ID, tid);
		if (sid)
			mnl_attr_put_u32(nlh, L2TP_ATTR_SESSION_ID, sid);
	}
	return l2tp_nl_txn(c, nlh);
}

static int session_modify(struct l2tp_nl *c, uint32_t tid, uint32_t sid,
			  int rseq, int sseq, int lns, uint64_t timeout)
{
	struct nlmsghdr *nlh = l2tp_nl_req(c, L2TP_CMD_SESSION_MODIFY);

	mnl_attr_put_u32(nlh, L2TP_ATTR_CONN_ID, tid);
	mnl_attr_put_u32(nlh, L2TP_ATTR_SESSION_ID, sid);
	mnl_attr_put_u8(nlh, L2TP_ATTR_RECV_SEQ, rseq);
	mnl_attr_put_u8(nlh, L2TP_ATTR_SEND_SEQ, sseq);
	mnl_attr_put_u8(nlh, L2TP_ATTR_LNS_MODE, lns);
	mnl_attr_put_u64(nlh, L2TP_ATTR_RECV_TIMEOUT, timeout);
	return l2tp_nl_txn(c, nlh);
}

struct dump_ids {
	uint32_t tid[4096];
	int n;
};

static int dump_attr_cb(const struct nlattr *a, void *data)
{
	struct dump_ids *ids = data;

	if (mnl_attr_get_type(a) == L2TP_ATTR_CONN_ID &&
	    mnl_attr_get_payload_len(a) == 4 && ids->n < 4096)
		ids->tid[ids->n++] = mnl_attr_get_u32(a);
	return MNL_CB_OK;
}

struct dump_arg {
	int *count;
	struct dump_ids *ids;
};

static void dump_msg(const struct nlmsghdr *m, void *arg)
{
	struct dump_arg *d = arg;

	(*d->count)++;
	if (d->ids)
		mnl_attr_parse(m, sizeof(struct genlmsghdr), dump_attr_cb,
			       d->ids);
}

/* A TUNNEL_GET or SESSION_GET dump: the object count in *@count and,
 * with @ids, each object's CONN_ID. 0 or the errno.
 */
static int nl_dump(struct l2tp_nl *c, uint8_t cmd, int *count,
		   struct dump_ids *ids)
{
	struct nlmsghdr *nlh = l2tp_nl_req(c, cmd);
	struct dump_arg d = { count, ids };

	*count = 0;
	if (ids)
		ids->n = 0;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	return l2tp_nl_run(c, nlh, dump_msg, &d);
}

/* --------------------------------------------------------- the world */

struct slot {
	pthread_mutex_t lock;
	const struct kind *k;
	uint32_t tid;		/* A's tunnel as this slot last made it */
	uint32_t btid;		/* its mirror in B */
	int fd;			/* the managed socket, -1 */
};

struct px {
	pthread_mutex_t lock;
	int fd;
	uint32_t tid, sid;
	bool mgmt;
};

static struct slot slots[NSLOT];
static int tid_slot[TID_POOL + 1];	/* slot + 1 that last made the id */
static struct px pxs[NPX];
static uint32_t eth_ring[NETH];		/* tid << 8 | sid, 0 empty */
static uint32_t eth_next;

static void eth_name(char *buf, size_t len, int side, uint32_t t, uint32_t s)
{
	snprintf(buf, len, "l%c%u.%u", side == NS_A ? 'a' : 'b', t, s);
}

/* The pseudowire address of session (t, s) on side @side. */
static void pw_addr(char *buf, size_t len, int side, uint32_t t, uint32_t s)
{
	snprintf(buf, len, "10.%u.%u.%d", 100 + t, s, side == NS_A ? 1 : 2);
}

/* ---------------------------------------------------- tunnel sockets */

union sa {
	struct sockaddr sa;
	struct sockaddr_in v4;
	struct sockaddr_in6 v6;
	struct sockaddr_l2tpip l4;
	struct sockaddr_l2tpip6 l6;
};

static socklen_t fill_sa(union sa *u, const struct kind *k, int side,
			 uint16_t port, uint32_t conn)
{
	memset(u, 0, sizeof(*u));
	if (k->af == AF_INET6) {
		if (k->encap == L2TP_ENCAPTYPE_IP) {
			u->l6.l2tp_family = AF_INET6;
			u->l6.l2tp_addr = in6[side];
			u->l6.l2tp_conn_id = conn;
			return sizeof(u->l6);
		}
		u->v6.sin6_family = AF_INET6;
		u->v6.sin6_addr = in6[side];
		u->v6.sin6_port = htons(port);
		return sizeof(u->v6);
	}
	if (k->encap == L2TP_ENCAPTYPE_IP) {
		u->l4.l2tp_family = AF_INET;
		u->l4.l2tp_addr = in4[side];
		u->l4.l2tp_conn_id = conn;
		return sizeof(u->l4);
	}
	u->v4.sin_family = AF_INET;
	u->v4.sin_addr = in4[side];
	u->v4.sin_port = htons(port);
	return sizeof(u->v4);
}

/* A's socket for a managed tunnel of slot @k: bound and connected. */
static int managed_socket(const struct kind *kd, int k, uint32_t tid,
			  int *fdp)
{
	int proto = kd->encap == L2TP_ENCAPTYPE_IP ? IPPROTO_L2TP : 0;
	union sa l, r;
	socklen_t ll, rl;
	int fd, err = 0;

	fd = socket(kd->af, SOCK_DGRAM | SOCK_CLOEXEC, proto);
	if (fd < 0)
		return errno;
	ll = fill_sa(&l, kd, NS_A, PORT_A + k, tid);
	rl = fill_sa(&r, kd, NS_B, PORT_B + k, B_TID(tid));
	if (bind(fd, &l.sa, ll) || connect(fd, &r.sa, rl))
		err = errno;
	if (err) {
		close(fd);
		return err;
	}
	*fdp = fd;
	return 0;
}

/* ----------------------------------------------- tunnel create/delete */

/* Tear down what slot @s holds, in a random order. Slot locked. */
static void slot_teardown(struct worker *w, struct slot *s)
{
	struct l2tp_nl *a = w->nl[NS_A], *b = w->nl[NS_B];
	bool close_first = rnd(w, 2);
	int fd = s->fd;

	s->fd = -1;
	if (fd >= 0 && close_first)
		DO(w, OP_MCLOSE, sysret(close(fd)));
	if (s->tid && (fd < 0 || !close_first || rnd(w, 2)))
		DO(w, OP_TDELETE, key_req(a, L2TP_CMD_TUNNEL_DELETE, s->tid, 0,
					  NULL));
	if (fd >= 0 && !close_first)
		DO(w, OP_MCLOSE, sysret(close(fd)));
	if (s->btid)
		DO(w, OP_TDELETE, key_req(b, L2TP_CMD_TUNNEL_DELETE, s->btid, 0,
					  NULL));
	s->tid = 0;
	s->btid = 0;
}

static void tunnel_creator(struct worker *w)
{
	struct l2tp_nl *a = w->nl[NS_A], *b = w->nl[NS_B];

	while (!stop) {
		int k = rnd(w, NSLOT), fd = -1, err;
		struct slot *s = &slots[k];
		const struct kind *kd = s->k;
		uint32_t t = 1 + rnd(w, TID_POOL);

		pthread_mutex_lock(&s->lock);
		slot_teardown(w, s);
		if (kd->managed) {
			err = DO(w, OP_MSOCK, managed_socket(kd, k, t, &fd));
			if (!err) {
				err = DO(w, OP_TCREATE_M,
					 tunnel_create(a, kd, NS_A, t, B_TID(t),
						       0, 0, fd, false));
				if (err) {
					close(fd);
					fd = -1;
				}
			}
		} else {
			err = DO(w, OP_TCREATE_U,
				 tunnel_create(a, kd, NS_A, t, B_TID(t),
					       PORT_A + k, PORT_B + k, -1,
					       rnd(w, 2)));
		}
		if (!err) {
			s->tid = t;
			s->fd = fd;
			__atomic_store_n(&tid_slot[t], k + 1, __ATOMIC_RELAXED);
			/* Whatever B had under that id is another's mirror. */
			DO(w, OP_TDELETE, key_req(b, L2TP_CMD_TUNNEL_DELETE,
						  B_TID(t), 0, NULL));
			err = DO(w, OP_TCREATE_B,
				 tunnel_create(b, kd, NS_B, B_TID(t), t,
					       PORT_B + k, PORT_A + k, -1,
					       rnd(w, 2)));
			if (!err)
				s->btid = B_TID(t);
		}
		pthread_mutex_unlock(&s->lock);
		nap(rnd(w, 40));
	}
}

static void tunnel_deleter(struct worker *w)
{
	struct l2tp_nl *a = w->nl[NS_A], *b = w->nl[NS_B];

	while (!stop) {
		uint32_t t = 1 + rnd(w, TID_POOL);
		int r = rnd(w, 16);

		if (r < 7)
			DO(w, OP_TDELETE, key_req(a, L2TP_CMD_TUNNEL_DELETE, t, 0,
						  NULL));
		else if (r < 9)
			DO(w, OP_TDELETE, key_req(b, L2TP_CMD_TUNNEL_DELETE,
						  B_TID(t), 0, NULL));
		else if (r < 11)
			DO(w, OP_TMODIFY, key_req(a, L2TP_CMD_TUNNEL_MODIFY, t,
						  0, NULL));
		else
			DO(w, OP_TGET, key_req(r & 1 ? a : b, L2TP_CMD_TUNNEL_GET,
					       r & 1 ? t : B_TID(t), 0, NULL));
		nap(40 + rnd(w, 60));
	}
}

/* ------------------------------------------------------------ sessions */

/* Bring device @name up and give it @addr/24. */
static void dev_setup(struct worker *w, int side, const char *name,
		      const char *addr)
{
	if (!DO(w, OP_DEV_UP, if_up(w->rt[side], name)))
		DO(w, OP_DEV_ADDR, addr_add(w->rt[side], name, addr, 24));
}

static const struct kind *tid_kind(uint32_t t)
{
	int k = __atomic_load_n(&tid_slot[t], __ATOMIC_RELAXED);

	return k ? slots[k - 1].k : NULL;
}

static void session_creator(struct worker *w)
{
	struct l2tp_nl *a = w->nl[NS_A], *b = w->nl[NS_B];

	while (!stop) {
		uint32_t t = 1 + rnd(w, TID_POOL), s = 1 + rnd(w, SID_POOL);
		const struct kind *kd = tid_kind(t);
		bool v2 = kd ? kd->version == 2 : rnd(w, 2);
		struct sess_cfg ca = { .recv_seq = -1, .send_seq = -1,
				       .lns = -1 };
		struct sess_cfg cb;
		char na[IFNAMSIZ], nb[IFNAMSIZ], ad[32];
		int err, i;

		ca.pw = v2 || rnd(w, 3) == 0 ? L2TP_PWTYPE_PPP : L2TP_PWTYPE_ETH;
		/* Now and then Ethernet on L2TPv2: EPROTONOSUPPORT. */
		if (v2 && rnd(w, 32) == 0)
			ca.pw = L2TP_PWTYPE_ETH;
		if (!v2 && rnd(w, 2)) {
			ca.clen = rnd(w, 2) ? 4 : 8;
			ca.pclen = ca.clen;
			for (i = 0; i < 8; i++) {
				ca.cookie[i] = t + i;
				ca.pcookie[i] = s + 0x80 + i;
			}
		}
		if (rnd(w, 4) == 0) {
			ca.recv_seq = 1;
			ca.send_seq = 1;
			ca.lns = rnd(w, 2);
			if (rnd(w, 2))
				ca.timeout_ms = 20 + rnd(w, 100);
		}
		cb = ca;
		memcpy(cb.cookie, ca.pcookie, 8);
		memcpy(cb.pcookie, ca.cookie, 8);
		eth_name(na, sizeof(na), NS_A, t, s);
		eth_name(nb, sizeof(nb), NS_B, t, s);
		if (ca.pw == L2TP_PWTYPE_ETH) {
			ca.ifname = na;
			cb.ifname = nb;
		}
		err = DO(w, ca.pw == L2TP_PWTYPE_ETH ? OP_SCREATE_ETH :
			 OP_SCREATE_PPP, session_create(a, t, s, B_SID(s), &ca));
		if (err) {
			nap(rnd(w, 20));
			continue;
		}
		err = DO(w, OP_SCREATE_B, session_create(b, B_TID(t), B_SID(s),
							 s, &cb));
		if (ca.pw == L2TP_PWTYPE_ETH) {
			pw_addr(ad, sizeof(ad), NS_A, t, s);
			dev_setup(w, NS_A, na, ad);
			if (!err) {
				pw_addr(ad, sizeof(ad), NS_B, t, s);
				dev_setup(w, NS_B, nb, ad);
			}
			i = __atomic_fetch_add(&eth_next, 1, __ATOMIC_RELAXED);
			__atomic_store_n(&eth_ring[i % NETH], t << 8 | s,
					 __ATOMIC_RELAXED);
		}
		nap(rnd(w, 30));
	}
}

static void session_deleter(struct worker *w)
{
	struct l2tp_nl *a = w->nl[NS_A], *b = w->nl[NS_B];

	while (!stop) {
		uint32_t t = 1 + rnd(w, TID_POOL), s = 1 + rnd(w, SID_POOL);
		uint32_t e = __atomic_load_n(&eth_ring[rnd(w, NETH)],
					     __ATOMIC_RELAXED);
		char name[IFNAMSIZ];
		int r = rnd(w, 20);

		/* Half the time a recent Ethernet session, likely alive. */
		if (e && rnd(w, 2)) {
			t = e >> 8;
			s = e & 0xff;
		}

		if (r < 7) {
			DO(w, OP_SDELETE, key_req(a, L2TP_CMD_SESSION_DELETE, t,
						  s, NULL));
		} else if (r < 9) {
			eth_name(name, sizeof(name), NS_A, t, s);
			DO(w, OP_SDELETE_IFNAME,
			   key_req(a, L2TP_CMD_SESSION_DELETE, 0, 0, name));
		} else if (r < 11) {
			DO(w, OP_SDELETE, key_req(b, L2TP_CMD_SESSION_DELETE,
						  B_TID(t), B_SID(s), NULL));
		} else if (r < 12) {
			eth_name(name, sizeof(name), r & 1 ? NS_A : NS_B, t, s);
			DO(w, OP_DELLINK, link_del(w->rt[r & 1 ? NS_A : NS_B],
						   name));
		} else if (r < 15) {
			int on = rnd(w, 2);

			DO(w, OP_SMODIFY, session_modify(a, t, s, on, on,
							 rnd(w, 2),
							 rnd(w, 2) ? 50 : 0));
		} else if (r < 18) {
			DO(w, OP_SGET, key_req(a, L2TP_CMD_SESSION_GET, t, s,
					       NULL));
		} else {
			eth_name(name, sizeof(name), NS_A, t, s);
			DO(w, OP_SGET, key_req(a, L2TP_CMD_SESSION_GET, 0, 0,
					       name));
		}
		nap(40 + rnd(w, 60));
	}
}

/* ----------------------------------------------------- socket closing */

/* Take the descriptor out of a table entry (so that nobody else uses
 * its number), or -1.
 */
static int px_take(struct px *p)
{
	int fd;

	pthread_mutex_lock(&p->lock);
	fd = p->fd;
	p->fd = -1;
	pthread_mutex_unlock(&p->lock);
	return fd;
}

/* A private duplicate of an entry's descriptor, or -1. */
static int px_dup(struct px *p, uint32_t *tid, uint32_t *sid, bool *mgmt)
{
	int fd = -1;

	pthread_mutex_lock(&p->lock);
	if (p->fd >= 0) {
		fd = fcntl(p->fd, F_DUPFD_CLOEXEC, 0);
		*tid = p->tid;
		*sid = p->sid;
		*mgmt = p->mgmt;
	}
	pthread_mutex_unlock(&p->lock);
	return fd;
}

static void closer(struct worker *w)
{
	while (!stop) {
		int fd;

		if (rnd(w, 3) == 0) {
			struct slot *s = &slots[rnd(w, NSLOT)];

			pthread_mutex_lock(&s->lock);
			fd = s->fd;
			s->fd = -1;
			pthread_mutex_unlock(&s->lock);
		} else {
			fd = px_take(&pxs[rnd(w, NPX)]);
			if (fd >= 0) {
				DO(w, OP_PX_CLOSE, sysret(close(fd)));
				fd = -1;
			}
		}
		if (fd >= 0)
			DO(w, OP_MCLOSE, sysret(close(fd)));
		nap(40 + rnd(w, 80));
	}
}

/* ------------------------------------------------------------- pppox */

union px_sa {
	struct sockaddr sa;
	struct sockaddr_pppol2tp v2;
	struct sockaddr_pppol2tpin6 v2in6;
	struct sockaddr_pppol2tpv3 v3;
	struct sockaddr_pppol2tpv3in6 v3in6;
};

/* The sockaddr variant for @version and @v6, with the given ids. */
static socklen_t px_addr(union px_sa *u, int version, bool v6, int fd,
			 uint32_t tid, uint32_t sid, uint32_t ptid,
			 uint32_t psid)
{
#define PX_FILL(f) do {							\
	u->f.sa_family = AF_PPPOX;					\
	u->f.sa_protocol = PX_PROTO_OL2TP;				\
	u->f.pppol2tp.fd = fd;						\
	u->f.pppol2tp.s_tunnel = tid;					\
	u->f.pppol2tp.s_session = sid;					\
	u->f.pppol2tp.d_tunnel = ptid;					\
	u->f.pppol2tp.d_session = psid;					\
} while (0)
	memset(u, 0, sizeof(*u));
	if (version == 2 && !v6) {
		PX_FILL(v2);
		return sizeof(u->v2);
	}
	if (version == 2) {
		PX_FILL(v2in6);
		return sizeof(u->v2in6);
	}
	if (!v6) {
		PX_FILL(v3);
		return sizeof(u->v3);
	}
	PX_FILL(v3in6);
	return sizeof(u->v3in6);
#undef PX_FILL
}

/* One random ioctl, option, name or receive call on PPPoL2TP socket @fd. */
static void px_poke(struct worker *w, int fd, bool mgmt)
{
	static const unsigned long ppp_reqs[] = {
		PPPIOCGMRU, PPPIOCGFLAGS, PPPIOCSMRU, PPPIOCSFLAGS,
	};
	struct pppol2tp_ioc_stats st;
	union px_sa u;
	struct ifreq ifr;
	char buf[256];
	socklen_t len;
	int v = 0, opt;

	switch (rnd(w, 9)) {
	case 0:
		memset(&st, 0, sizeof(st));
		st.session_id = mgmt ? rnd(w, SID_POOL + 1) : 0;
		DO(w, OP_IOC_STATS, sysret(ioctl(fd, PPPIOCGL2TPSTATS, &st)));
		break;
	case 1:
		DO(w, OP_IOC_CHAN, sysret(ioctl(fd, PPPIOCGCHAN, &v)));
		break;
	case 2:
		v = 1500;
		DO(w, OP_IOC_PPP, sysret(ioctl(fd, ppp_reqs[rnd(w, 4)], &v)));
		break;
	case 3:
		/* Falls through to the device ioctls. Of a device that
		 * surely exists: a missing one makes the kernel run
		 * modprobe (dev_load).
		 */
		memset(&ifr, 0, sizeof(ifr));
		strcpy(ifr.ifr_name, "lo");
		DO(w, OP_IOC_IFMTU, sysret(ioctl(fd, SIOCGIFMTU, &ifr)));
		break;
	case 4:
		opt = 1 + rnd(w, 5);
		v = rnd(w, opt == PPPOL2TP_SO_REORDERTO ? 200 : 2);
		DO(w, OP_SETSOCKOPT,
		   sysret(setsockopt(fd, SOL_PPPOL2TP, opt, &v, sizeof(v))));
		break;
	case 5:
		len = sizeof(v);
		DO(w, OP_GETSOCKOPT,
		   sysret(getsockopt(fd, SOL_PPPOL2TP, 1 + rnd(w, 5), &v,
				     &len)));
		break;
	case 6:
	case 7:
		len = sizeof(u);
		DO(w, OP_GETNAME,
		   sysret(rnd(w, 2) ? getsockname(fd, &u.sa, &len) :
			  getpeername(fd, &u.sa, &len)));
		break;
	default:
		DO(w, OP_PX_RECV, sysret(recv(fd, buf, sizeof(buf),
					      MSG_DONTWAIT)));
		break;
	}
}

/*
 * A private duplicate of a held PPPoL2TP socket, searching from a random
 * entry, or -1 if none is held.
 */
static int px_pick(struct worker *w, uint32_t *tid, uint32_t *sid,
		   bool *mgmt)
{
	int i, start = rnd(w, NPX), fd;

	for (i = 0; i < NPX; i++) {
		fd = px_dup(&pxs[(start + i) % NPX], tid, sid, mgmt);
		if (fd >= 0)
			return fd;
	}
	return -1;
}

static void px_connector(struct worker *w)
{
	struct l2tp_nl *b = w->nl[NS_B];

	while (!stop) {
		struct px *p = NULL;
		int k = rnd(w, NSLOT), s, fd, tfd = -1, err, op, i;
		struct slot *sl = &slots[k];
		const struct kind *kd = sl->k;
		bool mgmt = rnd(w, 5) == 0;
		struct sess_cfg cb = { .pw = L2TP_PWTYPE_PPP, .recv_seq = -1,
				       .send_seq = -1, .lns = -1 };
		union px_sa u;
		socklen_t len;
		uint32_t t;

		/* A free entry: only this thread fills them. */
		for (i = 0, s = rnd(w, NPX); i < NPX && !p; i++) {
			struct px *q = &pxs[(s + i) % NPX];

			pthread_mutex_lock(&q->lock);
			if (q->fd < 0)
				p = q;
			pthread_mutex_unlock(&q->lock);
		}
		if (!p) {
			nap(20);
			continue;
		}
		pthread_mutex_lock(&sl->lock);
		t = sl->tid ? sl->tid : 1 + rnd(w, TID_POOL);
		if (sl->fd >= 0)
			tfd = fcntl(sl->fd, F_DUPFD_CLOEXEC, 0);
		pthread_mutex_unlock(&sl->lock);

		s = mgmt ? 0 : 1 + rnd(w, SID_POOL);
		len = px_addr(&u, rnd(w, 8) ? kd->version : 2 + (int)rnd(w, 2),
			      rnd(w, 8) ? kd->af == AF_INET6 : rnd(w, 2), tfd,
			      t, s, B_TID(t), mgmt ? 0 : B_SID(s));
		fd = socket(AF_PPPOX, SOCK_DGRAM | SOCK_CLOEXEC, PX_PROTO_OL2TP);
		if (fd < 0)
			die("socket(AF_PPPOX): %s", strerror(errno));
		op = mgmt ? OP_PX_MGMT : OP_PX_CONNECT;
		err = DO(w, op, sysret(connect(fd, &u.sa, len)));
		if (tfd >= 0)
			close(tfd);
		if (err) {
			close(fd);
			nap(rnd(w, 20));
			continue;
		}
		/* A call or two on the socket while it is surely alive. */
		for (i = rnd(w, 3); i > 0; i--)
			px_poke(w, fd, mgmt);
		pthread_mutex_lock(&p->lock);
		if (p->fd < 0) {
			p->fd = fd;
			p->tid = t;
			p->sid = s;
			p->mgmt = mgmt;
			fd = -1;
		}
		pthread_mutex_unlock(&p->lock);
		if (fd >= 0)
			DO(w, OP_PX_CLOSE, sysret(close(fd)));
		if (!mgmt)
			DO(w, OP_SCREATE_B, session_create(b, B_TID(t), B_SID(s),
							   s, &cb));
		nap(rnd(w, 40));
	}
}

/* Ioctls, options and names of a dup of a live or dying socket. */
static void ioctler(struct worker *w)
{
	struct l2tp_nl *a = w->nl[NS_A];

	while (!stop) {
		uint32_t t = 0, s = 0;
		bool mgmt = false;
		int fd = px_pick(w, &t, &s, &mgmt), n, i;

		if (fd < 0) {
			nap(10);
			continue;
		}
		/* Sometimes its session goes first: a dying socket. */
		if (!mgmt && rnd(w, 6) == 0)
			DO(w, OP_SDELETE, key_req(a, L2TP_CMD_SESSION_DELETE, t,
						  s, NULL));
		n = 1 + rnd(w, 4);
		for (i = 0; i < n; i++)
			px_poke(w, fd, mgmt);
		close(fd);
		nap(rnd(w, 5));
	}
}

/* ----------------------------------------------------------- traffic */

static void px_sender(struct worker *w)
{
	static uint8_t big[65000];
	uint8_t frame[64];
	int i;

	memset(frame, 0x5a, sizeof(frame));
	frame[0] = 0x00;		/* PPP protocol: IPv4 */
	frame[1] = 0x21;
	while (!stop) {
		for (i = 0; i < 4; i++) {
			uint32_t t, s;
			bool mgmt;
			int fd = px_pick(w, &t, &s, &mgmt);

			if (fd < 0)
				continue;
			if (rnd(w, 400) == 0)
				DO(w, OP_PX_SEND_BIG,
				   sysret(send(fd, big, sizeof(big), MSG_DONTWAIT)));
			else
				DO(w, OP_PX_SEND,
				   sysret(send(fd, frame, 20 + rnd(w, 44),
					       MSG_DONTWAIT)));
			close(fd);
		}
		nap(10);
	}
}

static int socket_in(struct worker *w, int which, int domain, int type,
		     int proto)
{
	int fd;

	ns_enter(which);
	fd = socket(domain, type | SOCK_CLOEXEC, proto);
	ns_enter(w->home);
	if (fd < 0)
		die("socket: %s", strerror(errno));
	return fd;
}

/* UDP datagrams through the l2tpeth devices, both ways. */
static void eth_sender(struct worker *w)
{
	int fd[2] = {
		socket_in(w, NS_A, AF_INET, SOCK_DGRAM, 0),
		socket_in(w, NS_B, AF_INET, SOCK_DGRAM, 0),
	};
	char msg[64], ad[32];
	int i, side;

	memset(msg, 'u', sizeof(msg));
	while (!stop) {
		for (i = 0; i < 4; i++) {
			uint32_t e = __atomic_load_n(&eth_ring[rnd(w, NETH)],
						     __ATOMIC_RELAXED);
			struct sockaddr_in to = {
				.sin_family = AF_INET,
				.sin_port = htons(PW_PORT),
			};

			if (!e)
				continue;
			for (side = NS_A; side <= NS_B; side++) {
				pw_addr(ad, sizeof(ad), !side, e >> 8, e & 0xff);
				inet_pton(AF_INET, ad, &to.sin_addr);
				DO(w, OP_ETH_SEND,
				   sysret(sendto(fd[side], msg, sizeof(msg),
						 MSG_DONTWAIT, (void *)&to,
						 sizeof(to))));
			}
		}
		nap(10);
	}
	close(fd[0]);
	close(fd[1]);
}

/* What arrives through the pseudowires, on both sides. */
static void receiver(struct worker *w)
{
	struct sockaddr_in any = {
		.sin_family = AF_INET,
		.sin_port = htons(PW_PORT),
	};
	struct pollfd pf[2];
	char buf[256];
	int side;

	for (side = NS_A; side <= NS_B; side++) {
		pf[side].fd = socket_in(w, side, AF_INET, SOCK_DGRAM, 0);
		pf[side].events = POLLIN;
		if (bind(pf[side].fd, (void *)&any, sizeof(any)))
			die("bind UDP %d: %s", PW_PORT, strerror(errno));
	}
	while (!stop) {
		if (poll(pf, 2, 100) <= 0)
			continue;
		for (side = NS_A; side <= NS_B; side++)
			while (recv(pf[side].fd, buf, sizeof(buf),
				    MSG_DONTWAIT) > 0)
				note(OP_PW_RX, 0);
	}
	close(pf[0].fd);
	close(pf[1].fd);
}

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

/* An Ethernet frame of random content: 60 bytes at @p. */
static int fake_eth(struct worker *w, uint8_t *p)
{
	int i;

	for (i = 0; i < 60; i++)
		p[i] = rnd64(w);
	if (rnd(w, 2))
		memset(p, 0xff, 6);
	p[6] = 0x02;			/* locally administered source */
	p[12] = 0x08;			/* IPv4 */
	p[13] = 0x00;
	return 60;
}

/*
 * An L2TP packet for UDP (@udp) or IP encapsulation, at tunnel @tid and
 * session @sid: mostly data packets that match, some control packets,
 * unknown ids, options (length, sequence, offset, cookies) and
 * truncations. Returns its length.
 */
static int fake_l2tp(struct worker *w, uint8_t *p, bool udp, int version,
		     uint32_t tid, uint32_t sid)
{
	int n = 0, lpos = -1, i;

	if (version == 2) {
		uint16_t flags = 2;

		if (rnd(w, 2))
			flags |= 0x4000;		/* L */
		if (rnd(w, 4) == 0)
			flags |= 0x0800;		/* S */
		if (rnd(w, 8) == 0)
			flags |= 0x0200;		/* O */
		if (rnd(w, 16) == 0)
			flags |= 0x8000 | 0x4000 | 0x0800;	/* control */
		put16(p, flags);
		n = 2;
		if (flags & 0x4000) {
			lpos = n;
			n += 2;
		}
		put16(p + n, tid);
		put16(p + n + 2, sid);
		n += 4;
		if (flags & 0x0800) {
			put16(p + n, rnd64(w));
			put16(p + n + 2, rnd64(w));
			n += 4;
		}
		if (flags & 0x0200) {
			int pad = rnd(w, 8);

			put16(p + n, pad);
			memset(p + n + 2, 0, pad);
			n += 2 + pad;
		}
		p[n++] = 0xff;
		p[n++] = 0x03;
		p[n++] = 0x00;
		p[n++] = 0x21;
		for (i = 0; i < 20; i++)
			p[n++] = rnd64(w);
		if (lpos >= 0)
			put16(p + lpos, n);
	} else {
		if (udp) {
			put16(p, rnd(w, 16) ? 3 : 0xc003);
			put16(p + 2, 0);
			n = 4;
		}
		put32(p + n, rnd(w, 16) ? sid : 0);
		n += 4;
		if (rnd(w, 4) == 0) {
			int c = rnd(w, 2) ? 4 : 8;

			for (i = 0; i < c; i++)
				p[n++] = tid + i;
		}
		put32(p + n, rnd(w, 3) ? 0 : 0x40000000 | rnd(w, 1 << 24));
		n += 4;
		n += fake_eth(w, p + n);
	}
	if (rnd(w, 16) == 0)
		n = rnd(w, n);
	return n;
}

struct raw_socks {
	int u4, u6, r4, r6;
};

static void raw_open(struct worker *w, struct raw_socks *rs, int which)
{
	int small = 1;

	rs->u4 = socket_in(w, which, AF_INET, SOCK_DGRAM, 0);
	rs->u6 = socket_in(w, which, AF_INET6, SOCK_DGRAM, 0);
	rs->r4 = have_ip4 ? socket_in(w, which, AF_INET, SOCK_RAW, IPPROTO_L2TP) : -1;
	rs->r6 = have_ip6 ? socket_in(w, which, AF_INET6, SOCK_RAW, IPPROTO_L2TP) : -1;
	/* Raw sockets also get every L2TP/IP packet that arrives: keep
	 * their queues small.
	 */
	if (rs->r4 >= 0)
		setsockopt(rs->r4, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
	if (rs->r6 >= 0)
		setsockopt(rs->r6, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
}

static void raw_close(struct raw_socks *rs)
{
	close(rs->u4);
	close(rs->u6);
	if (rs->r4 >= 0)
		close(rs->r4);
	if (rs->r6 >= 0)
		close(rs->r6);
}

/*
 * One raw L2TP packet from @rs at @v4/@v6: UDP to port @port with a v2
 * or v3 header, or (if @ip and available) L2TP/IP. Ids from the pools.
 */
static int raw_one(struct worker *w, struct raw_socks *rs,
		   const struct in_addr *v4, const struct in6_addr *v6,
		   uint16_t port, bool ip, uint32_t tid, uint32_t sid)
{
	struct sockaddr_in6 s6 = { .sin6_family = AF_INET6, .sin6_addr = *v6 };
	struct sockaddr_in s4 = { .sin_family = AF_INET, .sin_addr = *v4 };
	bool six = rnd(w, 2);
	uint8_t pkt[256];
	int n, fd;

	if (ip && (six ? rs->r6 : rs->r4) >= 0) {
		n = fake_l2tp(w, pkt, false, 3, tid, sid);
		fd = six ? rs->r6 : rs->r4;
	} else {
		n = fake_l2tp(w, pkt, true, 2 + rnd(w, 2), tid, sid);
		fd = six ? rs->u6 : rs->u4;
		s4.sin_port = htons(port);
		s6.sin6_port = htons(port);
	}
	if (six)
		return sysret(sendto(fd, pkt, n, MSG_DONTWAIT, (void *)&s6,
				     sizeof(s6)));
	return sysret(sendto(fd, pkt, n, MSG_DONTWAIT, (void *)&s4, sizeof(s4)));
}

/* Raw L2TP from B at A's tunnels. */
static void raw_sender(struct worker *w)
{
	struct raw_socks rs;
	int i;

	raw_open(w, &rs, NS_B);
	while (!stop) {
		for (i = 0; i < 8; i++)
			DO(w, OP_RAW_SEND,
			   raw_one(w, &rs, &in4[NS_A], &in6[NS_A],
				   PORT_A + rnd(w, NSLOT), rnd(w, 3) == 0,
				   1 + rnd(w, TID_POOL), rnd(w, SID_POOL + 1)));
		nap(10);
	}
	raw_close(&rs);
}

/* ------------------------------------------------- dumps and readers */

/* -H: block in the kernel for good (reading a pipe nobody writes). */
static int hang(void)
{
	int p[2];
	char c;

	if (pipe(p))
		return errno;
	return sysret(read(p[0], &c, 1));
}

static void dumper(struct worker *w)
{
	uint64_t hang_at = now_ms() + hang_after_s * 1000ULL;
	int n, side;

	while (!stop) {
		if (hang_after_s >= 0 && now_ms() >= hang_at)
			DO(w, OP_HANG, hang());
		for (side = NS_A; side <= NS_B; side++) {
			DO(w, OP_DUMP_T, nl_dump(w->nl[side], L2TP_CMD_TUNNEL_GET,
						 &n, NULL));
			DO(w, OP_DUMP_S, nl_dump(w->nl[side], L2TP_CMD_SESSION_GET,
						 &n, NULL));
		}
		nap(20 + rnd(w, 40));
	}
}

/*
 * Read a whole file; the number of tunnel records in *@tunnels: lines
 * "TUNNEL <id> ..." (debugfs) or "TUNNEL '<name>' ..." (procfs), not the
 * legend lines that start with "TUNNEL" too. 0 or the errno.
 */
static int read_file(const char *path, int *tunnels)
{
	size_t len = 0, cap = 65536;
	char *buf = malloc(cap + 1), *p;
	int fd = open(path, O_RDONLY | O_CLOEXEC), err = 0;
	ssize_t n;

	*tunnels = 0;
	if (!buf)
		die("out of memory");
	if (fd < 0) {
		free(buf);
		return errno;
	}
	while ((n = read(fd, buf + len, cap - len)) > 0) {
		len += n;
		if (len == cap) {
			cap *= 2;
			buf = realloc(buf, cap + 1);
			if (!buf)
				die("out of memory");
		}
	}
	if (n < 0)
		err = errno;
	close(fd);
	buf[len] = 0;
	for (p = buf; p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, "TUNNEL ", 7) &&
		    (p[7] == '\'' || (p[7] >= '0' && p[7] <= '9')))
			(*tunnels)++;
	free(buf);
	return err;
}

static bool have_debugfs;

static void reader(struct worker *w)
{
	int side, n;

	while (!stop) {
		for (side = NS_A; side <= NS_B; side++) {
			/* Both files belong to the opener's namespace. */
			ns_enter(side);
			if (have_debugfs)
				DO(w, OP_DEBUGFS, read_file(debugfs_tunnels, &n));
			DO(w, OP_PROC, read_file("/proc/thread-self/net/pppol2tp",
						 &n));
		}
		ns_enter(w->home);
		nap(30 + rnd(w, 60));
	}
}

/* -------------------------------------------------- namespace rounds */

static char self_exe[4096];
static uint32_t ns_rounds;

/* The child's half of round @r: see nsround_main(). */
static pid_t nsround_spawn(int r, const char *nsb, int *out)
{
	char rs[16], ss[32], ks[8];
	char *argv[] = { "l2tp_stress", "nsround", rs, (char *)nsb, ss, ks,
			 NULL };
	int p[2];
	pid_t pid;

	snprintf(rs, sizeof(rs), "%d", r);
	snprintf(ss, sizeof(ss), "%" PRIu64, seed);
	snprintf(ks, sizeof(ks), "%d", have_ip4 | have_ip6 << 1);
	if (pipe2(p, O_CLOEXEC))
		die("pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (!pid) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(p[1], 1);
		execv(self_exe, argv);
		_exit(127);
	}
	close(p[1]);
	*out = p[0];
	return pid;
}

/* Ask the kernel to log the stacks of its blocked tasks (sysrq w). */
static void log_blocked_tasks(void)
{
	int fd = open("/proc/sysrq-trigger", O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	if (write(fd, "w", 1) == 1)
		ktap_diag("blocked tasks: see the kernel log (sysrq w)");
	close(fd);
}

static void print_stack(const char *path);

/*
 * Follow the child's setup: it prints "step NAME" before each step, then
 * "ready" or "error STEP ERRNO". A step may take up to three quarters of
 * the watchdog's limit (the kernel may be slow, a debug one under TCG
 * much more so); past that the child's kernel stack is printed and the
 * round fails with ETIMEDOUT. 0 once ready; the last line in @line.
 */
static int nsround_ready(struct worker *w, pid_t pid, int fd, char *line,
			 size_t len)
{
	struct pollfd pf = { .fd = fd, .events = POLLIN };
	uint64_t limit = watchdog_s * 750ULL, t0 = now_ms();
	char step[128] = "start", path[64];
	size_t n = 0;

	for (;;) {
		if (now_ms() - t0 > limit) {
			line[n] = 0;
			ktap_diag("netns child: step \"%s\" takes more than %" PRIu64 " s; its kernel stack:",
				  step, limit / 1000);
			snprintf(path, sizeof(path), "/proc/%d/stack", pid);
			print_stack(path);
			log_blocked_tasks();
			return ETIMEDOUT;
		}
		if (poll(&pf, 1, 200) <= 0)
			continue;
		if (read(fd, line + n, 1) != 1) {
			line[n] = 0;
			return EPROTO;
		}
		if (line[n] != '\n' && n + 2 < len) {
			n++;
			continue;
		}
		line[n] = 0;
		if (!strcmp(line, "ready"))
			return 0;
		if (strncmp(line, "step ", 5))
			return EPROTO;
		/* Progress: the next step has its own time. */
		snprintf(step, sizeof(step), "%s", line + 5);
		op_begin(w, OP_NS_SETUP);
		t0 = now_ms();
		n = 0;
	}
}

/* Flood round @x's addresses in the child namespace for @ms. */
static void ns_flood(struct worker *w, struct raw_socks *rs, int x, int ms)
{
	struct in_addr v4;
	struct in6_addr v6;
	char a[64];
	uint64_t end = now_ms() + ms;
	int i;

	snprintf(a, sizeof(a), "10.99.%d.1", x);
	inet_pton(AF_INET, a, &v4);
	snprintf(a, sizeof(a), "fd99:%x::1", x);
	inet_pton(AF_INET6, a, &v6);
	do {
		for (i = 0; i < 8; i++)
			DO(w, OP_NS_TRAFFIC,
			   raw_one(w, rs, &v4, &v6, 1701 + rnd(w, 4),
				   rnd(w, 3) == 0, 1 + rnd(w, 6),
				   1 + rnd(w, 4)));
		msleep(5);
	} while (now_ms() < end);
}

static bool vb_gone(struct worker *w, const char *name)
{
	int index;

	return if_index(w->rt[NS_B], name, &index) == ENODEV;
}

/*
 * Wait (flooding) until the child namespace's veth end left B: at most
 * the watchdog's limit, which the flood's own calls keep resetting.
 */
static int ns_wait_gone(struct worker *w, struct raw_socks *rs, int x,
			const char *name)
{
	uint64_t end = now_ms() + watchdog_s * 1000ULL;

	while (now_ms() < end) {
		if (vb_gone(w, name))
			return 0;
		ns_flood(w, rs, x, 50);
	}
	log_blocked_tasks();
	return ETIMEDOUT;
}

static void ns_thread(struct worker *w)
{
	struct raw_socks rs;
	char line[128], vb[IFNAMSIZ], path[64];
	const char *nsb = getenv("STRESS_NSB_PATH");
	int r = 0;

	raw_open(w, &rs, NS_B);
	while (!stop) {
		int fd, err, x, hold = -1, st;
		pid_t pid;

		r++;
		x = r % 200;
		snprintf(vb, sizeof(vb), "vb%d", r);
		pid = nsround_spawn(r, nsb, &fd);
		op_begin(w, OP_NS_SETUP);
		err = nsround_ready(w, pid, fd, line, sizeof(line));
		op_end(w, OP_NS_SETUP, err);
		if (err)
			ktap_diag("netns round %d: %s", r, line[0] ? line : "no answer");
		if (!err && rnd(w, 2)) {
			/* Keep the namespace past its last process. */
			snprintf(path, sizeof(path), "/proc/%d/ns/net", pid);
			hold = open(path, O_RDONLY | O_CLOEXEC);
		}
		if (!err)
			ns_flood(w, &rs, x, 500 + rnd(w, 2000));
		kill(pid, SIGKILL);
		DO(w, OP_NS_REAP, sysret(waitpid(pid, &st, 0)));
		close(fd);
		if (hold >= 0) {
			ns_flood(w, &rs, x, 100 + rnd(w, 400));
			close(hold);
		}
		if (!err) {
			err = DO(w, OP_NS_GONE, ns_wait_gone(w, &rs, x, vb));
			if (!err)
				__atomic_add_fetch(&ns_rounds, 1, __ATOMIC_RELAXED);
			else
				ktap_diag("netns round %d: %s still in B", r, vb);
		} else {
			/* A half-made round: let its veth go if it has one. */
			ns_wait_gone(w, &rs, x, vb);
		}
		nap(200 + rnd(w, 800));
	}
	raw_close(&rs);
}

/*
 * The child of a namespace round: a namespace of its own, a veth pair to
 * B (10.99.X.1 here, .2 there; fd99:X::1/2), tunnels of every kind with
 * Ethernet and PPP sessions, PPPoL2TP sockets, then traffic until it is
 * killed. Prints "step NAME" as it goes, "ready" once all is set up, or
 * "error STEP ERRNO".
 */
#define NS_STEP(step) do {						\
	printf("step %s\n", (step));					\
	fflush(stdout);							\
} while (0)

#define NS_FAIL(step, err) do {						\
	printf("error %s %s\n", (step), errname(err));			\
	fflush(stdout);							\
	return 1;							\
} while (0)

static int nsround_main(int argc, char **argv)
{
	struct kind k4 = { "udp4", AF_INET, L2TP_ENCAPTYPE_UDP, 3, false };
	struct sess_cfg eth = { .pw = L2TP_PWTYPE_ETH, .recv_seq = -1,
				.send_seq = -1, .lns = -1 };
	struct sess_cfg ppp = eth;
	struct rtnl rn, rb;
	struct l2tp_nl *nl;
	struct worker w = { 0 };
	char vx[IFNAMSIZ], vb[IFNAMSIZ], a[64], path[128];
	int r, x, bfd, nfd, err, i, pxfd[8], npx = 0, ethidx[8], neth = 0;
	static const char *const devs[] = { "ne1", "ne2", "ne4", "ne5" };
	int pk, ufd, mfd, ipk;
	struct in_addr me4;
	struct in6_addr me6;
	union px_sa u;
	socklen_t len;

	if (argc < 6)
		die("nsround ROUND NETNS_B SEED IPKINDS");
	r = atoi(argv[2]);
	x = r % 200;
	w.rng = strtoull(argv[4], NULL, 0) * 7919 + r;
	ipk = atoi(argv[5]);
	ppp.pw = L2TP_PWTYPE_PPP;
	snprintf(vx, sizeof(vx), "vx%d", r);
	snprintf(vb, sizeof(vb), "vb%d", r);

	NS_STEP("unshare");
	bfd = open(argv[3], O_RDONLY | O_CLOEXEC);
	if (bfd < 0)
		NS_FAIL("open-netns-b", errno);
	if (unshare(CLONE_NEWNET))
		NS_FAIL("unshare", errno);
	nfd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (nfd < 0)
		NS_FAIL("open-netns", errno);
	NS_STEP("rtnetlink");
	memset(&rn, 0, sizeof(rn));
	memset(&rb, 0, sizeof(rb));
	err = rt_open(&rn);
	if (err)
		NS_FAIL("rtnl", err);
	if (setns(bfd, CLONE_NEWNET))
		NS_FAIL("setns-b", errno);
	err = rt_open(&rb);
	if (err)
		NS_FAIL("rtnl-b", err);
	/* B's new devices have IPv6 off by default: this one needs it. */
	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6", vb);
	if (setns(nfd, CLONE_NEWNET))
		NS_FAIL("setns-n", errno);

	err = if_up(&rn, "lo");
	if (err)
		NS_FAIL("lo-up", err);
	NS_STEP("veth");
	err = veth_add(&rn, vx, vb, bfd);
	if (err)
		NS_FAIL("veth", err);
	if (setns(bfd, CLONE_NEWNET))
		NS_FAIL("setns-b", errno);
	i = open(path, O_WRONLY | O_CLOEXEC);
	if (i >= 0) {
		if (write(i, "0", 1) != 1)
			NS_FAIL("ipv6-on", errno);
		close(i);
	}
	if (setns(nfd, CLONE_NEWNET))
		NS_FAIL("setns-n", errno);
	NS_STEP("addresses");
	snprintf(a, sizeof(a), "10.99.%d.1", x);
	inet_pton(AF_INET, a, &me4);
	err = if_up(&rn, vx) ?: addr_add(&rn, vx, a, 24);
	snprintf(a, sizeof(a), "fd99:%x::1", x);
	inet_pton(AF_INET6, a, &me6);
	err = err ?: addr_add(&rn, vx, a, 64);
	if (err)
		NS_FAIL("veth-addr", err);
	snprintf(a, sizeof(a), "10.99.%d.2", x);
	err = if_up(&rb, vb) ?: addr_add(&rb, vb, a, 24);
	snprintf(a, sizeof(a), "fd99:%x::2", x);
	err = err ?: addr_add(&rb, vb, a, 64);
	if (err)
		NS_FAIL("veth-addr-b", err);

	NS_STEP("genetlink");
	nl = nl_new();
	/* Addresses of both ends, as the tunnel code wants them. */
	in4[NS_A] = me4;
	in6[NS_A] = me6;
	snprintf(a, sizeof(a), "10.99.%d.2", x);
	inet_pton(AF_INET, a, &in4[NS_B]);
	snprintf(a, sizeof(a), "fd99:%x::2", x);
	inet_pton(AF_INET6, a, &in6[NS_B]);

	/* 1: UDP/IPv4 L2TPv3, two Ethernet sessions and a PPP one. */
	NS_STEP("tunnel 1");
	err = tunnel_create(nl, &k4, NS_A, 1, 1, 1701, 1701, -1, true);
	if (err)
		NS_FAIL("tunnel-1", err);
	eth.ifname = "ne1";
	err = session_create(nl, 1, 1, 1, &eth);
	eth.ifname = "ne2";
	eth.send_seq = eth.recv_seq = 1;
	err = err ?: session_create(nl, 1, 2, 2, &eth);
	err = err ?: session_create(nl, 1, 3, 3, &ppp);
	if (err)
		NS_FAIL("sessions-1", err);
	/* 2: UDP/IPv6 L2TPv2, PPP sessions. */
	NS_STEP("tunnel 2");
	k4.af = AF_INET6;
	k4.version = 2;
	err = tunnel_create(nl, &k4, NS_A, 2, 2, 1702, 1702, -1, false);
	err = err ?: session_create(nl, 2, 1, 1, &ppp);
	err = err ?: session_create(nl, 2, 2, 2, &ppp);
	if (err)
		NS_FAIL("tunnel-2", err);
	/* 3: UDP/IPv4 L2TPv2 on our socket through a management socket,
	 * with two sessions made by connect().
	 */
	NS_STEP("tunnel 3");
	k4.af = AF_INET;
	err = managed_socket(&k4, 1703 - PORT_A, 3, &mfd);
	if (err)
		NS_FAIL("socket-3", err);
	for (i = 0; i < 3; i++) {
		pk = socket(AF_PPPOX, SOCK_DGRAM | SOCK_CLOEXEC, PX_PROTO_OL2TP);
		if (pk < 0)
			NS_FAIL("pppox", errno);
		len = px_addr(&u, 2, false, mfd, 3, i, 3, i);
		if (connect(pk, &u.sa, len))
			NS_FAIL("pppox-connect", errno);
		pxfd[npx++] = pk;
	}
	/* 4: IP/IPv4 and 5: IP/IPv6, Ethernet sessions. */
	k4.version = 3;
	k4.encap = L2TP_ENCAPTYPE_IP;
	NS_STEP("tunnels 4 and 5");
	if (ipk & 1) {
		err = tunnel_create(nl, &k4, NS_A, 4, 4, 0, 0, -1, false);
		eth.ifname = "ne4";
		err = err ?: session_create(nl, 4, 40, 40, &eth);
		err = err ?: session_create(nl, 4, 41, 41, &ppp);
		if (err)
			NS_FAIL("tunnel-4", err);
		pk = socket(AF_PPPOX, SOCK_DGRAM | SOCK_CLOEXEC, PX_PROTO_OL2TP);
		len = px_addr(&u, 3, false, -1, 4, 41, 4, 41);
		if (pk < 0 || connect(pk, &u.sa, len))
			NS_FAIL("pppox-connect-4", errno);
		pxfd[npx++] = pk;
	}
	if (ipk & 2) {
		k4.af = AF_INET6;
		err = tunnel_create(nl, &k4, NS_A, 5, 5, 0, 0, -1, false);
		eth.ifname = "ne5";
		err = err ?: session_create(nl, 5, 50, 50, &eth);
		if (err)
			NS_FAIL("tunnel-5", err);
	}
	/* 6: UDP/IPv6 L2TPv3 on our socket, a PPP session with a socket. */
	NS_STEP("tunnel 6");
	k4.af = AF_INET6;
	k4.encap = L2TP_ENCAPTYPE_UDP;
	err = managed_socket(&k4, 1704 - PORT_A, 6, &ufd);
	err = err ?: tunnel_create(nl, &k4, NS_A, 6, 6, 0, 0, ufd, false);
	if (err)
		NS_FAIL("tunnel-6", err);
	pk = socket(AF_PPPOX, SOCK_DGRAM | SOCK_CLOEXEC, PX_PROTO_OL2TP);
	len = px_addr(&u, 3, true, ufd, 6, 60, 6, 60);
	if (pk < 0 || connect(pk, &u.sa, len))
		NS_FAIL("pppox-connect-6", errno);
	pxfd[npx++] = pk;

	NS_STEP("devices up");
	for (i = 0; i < 4; i++) {
		if (if_up(&rn, devs[i]))
			continue;
		if (!if_index(&rn, devs[i], &ethidx[neth]))
			neth++;
	}
	pk = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (pk < 0)
		NS_FAIL("packet", errno);
	{
		struct raw_socks rs;
		static uint8_t frame[64];
		uint8_t ppp_frame[48];

		rs.u4 = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		rs.u6 = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		rs.r4 = ipk & 1 ? socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC,
					 IPPROTO_L2TP) : -1;
		rs.r6 = ipk & 2 ? socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC,
					 IPPROTO_L2TP) : -1;
		memset(ppp_frame, 0x33, sizeof(ppp_frame));
		ppp_frame[0] = 0;
		ppp_frame[1] = 0x21;
		printf("ready\n");
		fflush(stdout);
		for (;;) {
			for (i = 0; i < npx; i++)
				send(pxfd[i], ppp_frame, sizeof(ppp_frame),
				     MSG_DONTWAIT);
			for (i = 0; i < neth; i++) {
				struct sockaddr_ll ll = {
					.sll_family = AF_PACKET,
					.sll_protocol = htons(0x0800),
					.sll_ifindex = ethidx[i],
					.sll_halen = 6,
				};

				memset(ll.sll_addr, 0xff, 6);
				fake_eth(&w, frame);
				sendto(pk, frame + 14, 46, MSG_DONTWAIT,
				       (void *)&ll, sizeof(ll));
			}
			for (i = 0; i < 4; i++)
				raw_one(&w, &rs, &me4, &me6, 1701 + rnd(&w, 4),
					rnd(&w, 3) == 0, 1 + rnd(&w, 6),
					1 + rnd(&w, 4));
			usleep(2000);
		}
	}
	return 0;
}

/* ---------------------------------------------------------- watchdog */

static struct worker *workers;
static int nworkers;

/* Print a kernel stack (/proc/PID/stack, /proc/self/task/TID/stack). */
static void print_stack(const char *path)
{
	char buf[4096];
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = 0;
	for (char *l = strtok(buf, "\n"); l; l = strtok(NULL, "\n"))
		ktap_diag("  %s", l);
}

static void *watchdog(void *arg)
{
	char path[64];

	(void)arg;
	for (;;) {
		uint64_t now = now_ms();
		int i;

		for (i = 0; i < nworkers; i++) {
			struct worker *w = &workers[i];
			uint64_t t0 = __atomic_load_n(&w->op_t0, __ATOMIC_ACQUIRE);

			if (!t0 || now < t0 || now - t0 < watchdog_s * 1000ULL)
				continue;
			printf("not ok %d - watchdog: thread %s stuck in \"%s\" for %" PRIu64 " s\n",
			       ktap_num + 1, w->name,
			       __atomic_load_n(&w->op, __ATOMIC_RELAXED),
			       (now - t0) / 1000);
			ktap_diag("kernel stack of %s (tid %d):", w->name,
				  w->ktid);
			snprintf(path, sizeof(path), "/proc/self/task/%d/stack",
				 w->ktid);
			print_stack(path);
			log_blocked_tasks();
			fflush(stdout);
			_exit(3);
		}
		sleep(1);
	}
	return NULL;
}

/* -------------------------------------------------------------- main */

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	int side;

	w->ktid = syscall(SYS_gettid);
	for (side = NS_A; side <= NS_B; side++) {
		ns_enter(side);
		w->nl[side] = nl_new();
		w->rt[side] = calloc(1, sizeof(struct rtnl));
		if (!w->rt[side] || rt_open(w->rt[side]))
			die("rtnetlink: %s", strerror(errno));
	}
	ns_enter(w->home);
	if (w->fn)
		w->fn(w);
	return NULL;
}

static const struct {
	const char *name;
	void (*fn)(struct worker *w);
	int home;
} roles[] = {
	{ "main", NULL, NS_A },
	{ "tunnel-creator-1", tunnel_creator, NS_A },
	{ "tunnel-creator-2", tunnel_creator, NS_A },
	{ "tunnel-deleter", tunnel_deleter, NS_A },
	{ "session-creator-1", session_creator, NS_A },
	{ "session-creator-2", session_creator, NS_A },
	{ "session-deleter", session_deleter, NS_A },
	{ "closer", closer, NS_A },
	{ "pppox-connector", px_connector, NS_A },
	{ "ioctls", ioctler, NS_A },
	{ "dumper", dumper, NS_A },
	{ "reader", reader, NS_A },
	{ "pppox-sender", px_sender, NS_A },
	{ "eth-sender", eth_sender, NS_A },
	{ "receiver", receiver, NS_A },
	{ "raw-sender", raw_sender, NS_B },
	{ "netns-rounds", ns_thread, NS_B },
};

/* The l2tpeth devices (by our names, or the default one) in @which. */
static int count_l2tpeth(int which, char *first, size_t len)
{
	struct if_nameindex *ifs, *i;
	int n = 0;

	ns_enter(which);
	ifs = if_nameindex();
	ns_enter(NS_A);
	if (!ifs)
		return -1;
	for (i = ifs; i->if_index; i++) {
		if (strncmp(i->if_name, "la", 2) && strncmp(i->if_name, "lb", 2) &&
		    strncmp(i->if_name, "l2tpeth", 7))
			continue;
		if (!n++)
			snprintf(first, len, "%s", i->if_name);
	}
	if_freenameindex(ifs);
	return n;
}

/* The veth ends of namespace rounds still in B. */
static int count_vb(char *first, size_t len)
{
	struct if_nameindex *ifs, *i;
	int n = 0;

	ns_enter(NS_B);
	ifs = if_nameindex();
	ns_enter(NS_A);
	if (!ifs)
		return -1;
	for (i = ifs; i->if_index; i++) {
		if (strncmp(i->if_name, "vb", 2))
			continue;
		if (!n++)
			snprintf(first, len, "%s", i->if_name);
	}
	if_freenameindex(ifs);
	return n;
}

struct leftovers {
	int tunnels[2], sessions[2], devs[2], dfs[2], proc[2], vb;
	char dev[2][IFNAMSIZ], vbname[IFNAMSIZ];
};

static void survey(struct worker *w, struct leftovers *l)
{
	int side;

	for (side = NS_A; side <= NS_B; side++) {
		DO(w, OP_DUMP_T, nl_dump(w->nl[side], L2TP_CMD_TUNNEL_GET,
					 &l->tunnels[side], NULL));
		DO(w, OP_DUMP_S, nl_dump(w->nl[side], L2TP_CMD_SESSION_GET,
					 &l->sessions[side], NULL));
		l->devs[side] = count_l2tpeth(side, l->dev[side], IFNAMSIZ);
		ns_enter(side);
		l->dfs[side] = 0;
		if (have_debugfs)
			DO(w, OP_DEBUGFS, read_file(debugfs_tunnels, &l->dfs[side]));
		DO(w, OP_PROC, read_file("/proc/thread-self/net/pppol2tp",
					 &l->proc[side]));
		ns_enter(NS_A);
	}
	l->vb = count_vb(l->vbname, IFNAMSIZ);
}

static bool all_gone(const struct leftovers *l)
{
	int side;

	for (side = NS_A; side <= NS_B; side++)
		if (l->tunnels[side] || l->sessions[side] || l->devs[side] ||
		    l->dfs[side] || l->proc[side])
			return false;
	return !l->vb;
}

/* Close every descriptor, delete every tunnel, wait for the rest. */
static void cleanup(struct worker *w, struct leftovers *l)
{
	static struct dump_ids ids;
	uint64_t end;
	int i, side, n;

	for (i = 0; i < NPX; i++) {
		int fd = px_take(&pxs[i]);

		if (fd >= 0)
			DO(w, OP_PX_CLOSE, sysret(close(fd)));
	}
	for (i = 0; i < NSLOT; i++) {
		if (slots[i].fd >= 0)
			DO(w, OP_MCLOSE, sysret(close(slots[i].fd)));
		slots[i].fd = -1;
	}
	end = now_ms() + 30000;
	do {
		bool any = false;

		for (side = NS_A; side <= NS_B; side++) {
			DO(w, OP_DUMP_T, nl_dump(w->nl[side], L2TP_CMD_TUNNEL_GET,
						 &n, &ids));
			for (i = 0; i < ids.n; i++) {
				any = true;
				DO(w, OP_CLEANUP,
				   key_req(w->nl[side], L2TP_CMD_TUNNEL_DELETE,
					   ids.tid[i], 0, NULL));
			}
		}
		if (!any)
			break;
		msleep(100);
	} while (now_ms() < end);
	/* The stock modules tear down in the background: give them time. */
	end = now_ms() + 30000;
	do {
		survey(w, l);
		if (all_gone(l))
			break;
		msleep(200);
	} while (now_ms() < end);
}

static void usage(void)
{
	die("usage: l2tp_stress -A NETNS_A -B NETNS_B [-d SECONDS] [-s SEED] [-w SECONDS] [-i ip4|ip6] [-H SECONDS]");
}

static int open_netns(const char *name)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die("netns %s: %s", name, strerror(errno));
	return fd;
}

int main(int argc, char **argv)
{
	const char *nsa = NULL, *nsb = NULL;
	static char nsb_path[300];
	struct leftovers left;
	struct worker *m;
	pthread_t wd;
	uint64_t end;
	int duration = 60, o, i, op, side;
	ssize_t n;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1 && !strcmp(argv[1], "nsround"))
		return nsround_main(argc, argv);

	seed = time(NULL);
	while ((o = getopt(argc, argv, "A:B:d:s:w:i:H:")) != -1) {
		switch (o) {
		case 'A':
			nsa = optarg;
			break;
		case 'B':
			nsb = optarg;
			break;
		case 'd':
			duration = atoi(optarg);
			break;
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 'w':
			watchdog_s = atoi(optarg);
			break;
		case 'H':
			hang_after_s = atoi(optarg);
			break;
		case 'i':
			if (!strcmp(optarg, "ip4"))
				have_ip4 = true;
			else if (!strcmp(optarg, "ip6"))
				have_ip6 = true;
			else
				usage();
			break;
		default:
			usage();
		}
	}
	if (!nsa || !nsb || duration < 1)
		usage();
	ours_mode = ktap_mode_is_ours();
	printf("# seed %" PRIu64 "\n", seed);
	ktap_diag("duration %d s, watchdog %d s, mode %s, L2TP/IP:%s%s", duration,
		  watchdog_s, ours_mode ? "ours" : "stock",
		  have_ip4 ? " ip4" : "", have_ip6 ? " ip6" : "");

	n = readlink("/proc/self/exe", self_exe, sizeof(self_exe) - 1);
	if (n <= 0)
		die("readlink /proc/self/exe: %s", strerror(errno));
	self_exe[n] = 0;
	snprintf(nsb_path, sizeof(nsb_path), "/run/netns/%s", nsb);
	setenv("STRESS_NSB_PATH", nsb_path, 1);
	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < 2; i++) {
		inet_pton(AF_INET, addr4[i], &in4[i]);
		inet_pton(AF_INET6, addr6[i], &in6[i]);
	}
	ns_fd[NS_A] = open_netns(nsa);
	ns_fd[NS_B] = open_netns(nsb);
	ns_enter(NS_A);
	have_debugfs = !access(debugfs_tunnels, R_OK);
	if (!have_debugfs)
		ktap_diag("no %s: debugfs is not read", debugfs_tunnels);

	for (i = 0; i < (int)ARRAY_SIZE(all_kinds); i++) {
		const struct kind *k = &all_kinds[i];

		if (k->encap == L2TP_ENCAPTYPE_IP &&
		    !(k->af == AF_INET ? have_ip4 : have_ip6))
			continue;
		kinds[nkinds++] = k;
	}
	for (i = 0; i < NSLOT; i++) {
		pthread_mutex_init(&slots[i].lock, NULL);
		slots[i].k = kinds[i % nkinds];
		slots[i].fd = -1;
	}
	for (i = 0; i < NPX; i++) {
		pthread_mutex_init(&pxs[i].lock, NULL);
		pxs[i].fd = -1;
	}

	nworkers = ARRAY_SIZE(roles);
	workers = calloc(nworkers, sizeof(*workers));
	if (!workers)
		die("out of memory");
	for (i = 0; i < nworkers; i++) {
		workers[i].name = roles[i].name;
		workers[i].fn = roles[i].fn;
		workers[i].home = roles[i].home;
		workers[i].rng = seed * 0x9E3779B97F4A7C15ULL + i + 1;
	}
	m = &workers[0];
	worker_main(m);
	if (pthread_create(&wd, NULL, watchdog, NULL))
		die("pthread_create");
	for (i = 1; i < nworkers; i++)
		if (pthread_create(&workers[i].th, NULL, worker_main, &workers[i]))
			die("pthread_create");

	end = now_ms() + duration * 1000ULL;
	while (now_ms() < end)
		msleep(200);
	stop = 1;
	ktap_diag("stopping after %d s", duration);
	for (i = 1; i < nworkers; i++)
		pthread_join(workers[i].th, NULL);
	cleanup(m, &left);

	/* Per-operation counts: successes, then each errno seen. */
	ktap_diag("%-30s %10s  %s", "operation", "succeeded", "errors");
	for (op = 0; op < NOPS; op++) {
		char errs[512] = "";
		size_t len = 0;
		int e;

		for (e = 1; e < MAXERR; e++)
			if (counts[op][e] && len < sizeof(errs) - 40)
				len += snprintf(errs + len, sizeof(errs) - len,
						"%s%s x%" PRIu64, len ? ", " : "",
						errname(e), counts[op][e]);
		ktap_diag("%-30s %10" PRIu64 "  %s", opdefs[op].name,
			  counts[op][0], errs);
	}
	ktap_diag("netns rounds completed: %u", ns_rounds);

	ktap_result(!unexpected, "no call failed with an errno its races do not explain (%d did)",
		    unexpected);
	for (op = 0; op < NOPS; op++)
		if (opdefs[op].progress)
			ktap_result(counts[op][0] > 0, "progress: %s succeeded %" PRIu64 " times",
				    opdefs[op].name, counts[op][0]);
	for (side = NS_A; side <= NS_B; side++) {
		const char *ns = side == NS_A ? "A" : "B";

		ktap_result(!left.tunnels[side] && !left.sessions[side],
			    "netns %s: no tunnel or session left in a netlink dump (%d, %d)",
			    ns, left.tunnels[side], left.sessions[side]);
		if (left.devs[side])
			ktap_diag("netns %s: %d l2tpeth devices, %s first", ns,
				  left.devs[side], left.dev[side]);
		ktap_result(!left.devs[side], "netns %s: no l2tpeth device left", ns);
		if (have_debugfs)
			ktap_result(!left.dfs[side], "netns %s: debugfs lists no tunnel (%d)",
				    ns, left.dfs[side]);
		ktap_result(!left.proc[side], "netns %s: /proc/net/pppol2tp lists no tunnel (%d)",
			    ns, left.proc[side]);
	}
	if (left.vb)
		ktap_diag("%d veth ends of dead namespaces in B, %s first",
			  left.vb, left.vbname);
	ktap_result(!left.vb, "every namespace round was dismantled");
	ktap_diag("l2tp_stress: pass %d fail %d", ktap_pass, ktap_fail);
	return ktap_fail ? 1 : 0;
}
