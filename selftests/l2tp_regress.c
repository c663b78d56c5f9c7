// SPDX-License-Identifier: GPL-2.0
/*
 * l2tp_regress: one regression test per upstream bug class, for the
 * teardown, registration and socket-validation races of the behaviour
 * notes (§4, classes 1 to 11 and 21). Each class drives the sequence that
 * exposed the upstream bug, many times over, and checks what userspace
 * can see: every call succeeds or fails with an errno of the valid set,
 * the objects are gone afterwards, and sockets are usable, or not, as
 * they should be. What the kernel must not do (splat, leak, hang) is
 * caught by run_tests.sh and by the bounded waits here.
 *
 *   l2tp_regress [-i] [-I] [-s SCALE] [CLASS...]
 *
 * -i, -I: l2tp_ip, l2tp_ip6 may be used (IP-encapsulated tunnels and
 * L2TPIP sockets); -s: scale the round counts and time budgets (default
 * 1, sized for a TCG guest); CLASS: the classes to run (default: all).
 * Run it in a network namespace of its own with lo up (127.0.0.1, ::1).
 * L2TP_MODE=stock runs it against the stock modules, the oracle; where
 * ours deliberately differs (Documentation/l2tp_ppp.rst, netlink.rst),
 * the check expects each mode's own errno.
 *
 *  1  Concurrent close of a tunnel's UDP socket, its management socket
 *     and its PPPoL2TP session sockets, with netlink SESSION_DELETE
 *     racing them; and pppol2tp_release against the session's destroy
 *     (SESSION_DELETE, TUNNEL_DELETE).
 *  2  Tunnel lookups (netlink GET and dump, /proc/net/pppol2tp, PPPoL2TP
 *     connect to the tunnel id) racing the close of the tunnel socket.
 *  3  A tunnel's close-all (TUNNEL_DELETE, or closing its socket) while
 *     userspace closes many session sockets and deletes the sessions;
 *     session sockets that outlive their session.
 *  4  L2TPv2 data flooding a PPP session while its socket is released,
 *     bound to /dev/ppp or not, and while SESSION_DELETE races the close.
 *  5  PPPoL2TP ioctls and socket options stalled in a user copy by
 *     userfaultfd while the socket is closed and its session and tunnel
 *     deleted; the call must finish cleanly once the fault is resolved,
 *     and the teardown must not wait for user memory, nor hold up the
 *     exit of other namespaces meanwhile.
 *  6  SESSION_GET by IFNAME racing the deletion of that Ethernet session.
 *  7  TUNNEL_DELETE racing the close of the managed tunnel socket (UDP
 *     and L2TPIP, IPv4 and IPv6); the socket stays usable after a delete.
 *  8  Concurrent registration on one UDP socket (netlink and PPPoL2TP):
 *     exactly one wins (stock can let two through: checked for ours);
 *     tunnels appear in GET and dumps only complete; UDP sockets in a
 *     BPF sockmap.
 *  9  A PPPoL2TP socket's own descriptor as the tunnel fd: an errno, no
 *     deadlock.
 * 10  Validation of the tunnel fd: every wrong kind of socket, sockets
 *     of another namespace, SO_REUSEPORT groups with a reuseport BPF
 *     program attached and detached, and a descriptor number that
 *     changes kind while tunnels are created on it.
 * 11  Concurrent bind() of one L2TPIP socket (IPv4, IPv6): exactly one
 *     wins; concurrent binds of one connection id by several sockets.
 * 21  Namespaces holding tunnels exit, two at a time and in a loop,
 *     while tunnels are deleted in flight there and in another
 *     namespace: every object goes, module references come back.
 *
 * Output is KTAP; exit status 0 pass, 1 fail.
 */

#include <net/if.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/bpf.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <linux/if_pppol2tp.h>
#include <linux/if_pppox.h>
#include <linux/netlink.h>
#include <linux/ppp-ioctl.h>
#include <linux/sockios.h>
#include <linux/userfaultfd.h>

#include "l2tp_test.h"

#ifndef IPPROTO_L2TP
#define IPPROTO_L2TP	115
#endif
#ifndef SOL_PPPOL2TP
#define SOL_PPPOL2TP	273
#endif
#ifndef SO_ATTACH_REUSEPORT_CBPF
#define SO_ATTACH_REUSEPORT_CBPF	51
#endif
#ifndef SO_DETACH_REUSEPORT_BPF
#define SO_DETACH_REUSEPORT_BPF	68
#endif

#define MAX_JOBS	8
#define GOT_DATA	9999	/* a read that returned data, in a tally */
#define GONE_WAIT_S	15	/* asynchronous teardown (stock) */

static bool ours = true;
static bool have_ip4, have_ip6;
static double scale = 1.0;
static struct l2tp_nl *nlp[MAX_JOBS + 1];	/* [0] is the main thread's */
#define NL	(nlp[0])

static void die(const char *fmt, ...) __printf(1, 2);
static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("l2tp_regress: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static const char *ename(int e)
{
	const char *n;

	if (e == 0)
		return "0";
	if (e == GOT_DATA)
		return "data";
	n = strerrorname_np(e);
	return n ? n : "?";
}

/* Deterministic, so that a failing run can be replayed. */
static unsigned int rnd_state = 2463534242u;

static unsigned int rnd(unsigned int below)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 17;
	rnd_state ^= rnd_state << 5;
	return below ? rnd_state % below : 0;
}

static void spin(unsigned int n)
{
	volatile unsigned int k;

	for (k = 0; k < n; k++)
		;
}

/* ------------------------------------------------------------ tallies */

/*
 * What a kind of call returned over all rounds: the count per errno
 * (0 is success), and how many results were outside the valid set.
 */
#define TALLY_MAX	12

struct tally {
	pthread_mutex_t lock;
	int err[TALLY_MAX], count[TALLY_MAX], n;
	int total, bad, first_bad;
};

#define TALLY_INIT	{ .lock = PTHREAD_MUTEX_INITIALIZER }
#define ALLOW(...)	((const int[]){ __VA_ARGS__, -1 })

static bool allowed(int err, const int *ok)
{
	for (; *ok >= 0; ok++)
		if (*ok == err)
			return true;
	return false;
}

static void tally(struct tally *t, int err, const int *ok)
{
	int i;

	pthread_mutex_lock(&t->lock);
	t->total++;
	if (!allowed(err, ok) && !t->bad++)
		t->first_bad = err;
	for (i = 0; i < t->n && t->err[i] != err; i++)
		;
	if (i == t->n && t->n < TALLY_MAX) {
		t->err[i] = err;
		t->count[i] = 0;
		t->n++;
	}
	if (i < t->n)
		t->count[i]++;
	pthread_mutex_unlock(&t->lock);
}

static void tally_diag(const struct tally *t)
{
	char line[512];
	int i, len = 0;

	for (i = 0; i < t->n; i++)
		len += snprintf(line + len, sizeof(line) - len, "%s%s x%d",
				i ? ", " : "", ename(t->err[i]), t->count[i]);
	ktap_diag("  %d results: %s%s%s", t->total, t->n ? line : "none",
		  t->bad ? "; unexpected: " : "",
		  t->bad ? ename(t->first_bad) : "");
}

/* One KTAP result: every result valid, and at least one. */
static bool tally_check(const struct tally *t, const char *fmt, ...)
	__printf(2, 3);
static bool tally_check(const struct tally *t, const char *fmt, ...)
{
	char desc[300];
	va_list ap;
	bool ok;

	va_start(ap, fmt);
	vsnprintf(desc, sizeof(desc), fmt, ap);
	va_end(ap);
	ok = !t->bad && t->total > 0;
	ktap_result(ok, "%s", desc);
	tally_diag(t);
	return ok;
}

/* A tally in memory shared with forked children. */
static struct tally *tally_shared(int n)
{
	pthread_mutexattr_t a;
	struct tally *t;
	int i;

	t = mmap(NULL, n * sizeof(*t), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (t == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	memset(t, 0, n * sizeof(*t));
	pthread_mutexattr_init(&a);
	pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
	for (i = 0; i < n; i++)
		pthread_mutex_init(&t[i].lock, &a);
	return t;
}

/* ------------------------------------------------------------- budget */

/*
 * Rounds of a class: at least @min, at most @max (both scaled), and no
 * new round once @secs (scaled) have passed after the minimum.
 */
struct budget {
	double t0, end;
	int min, max, done;
};

static void budget_start(struct budget *b, double secs, int min, int max)
{
	b->t0 = now_s();
	b->end = b->t0 + secs * scale;
	b->min = min * scale < 1 ? 1 : min * scale;
	b->max = max * scale < b->min ? b->min : max * scale;
	b->done = 0;
}

static bool budget_next(struct budget *b)
{
	if (b->done >= b->max)
		return false;
	if (b->done >= b->min && now_s() > b->end)
		return false;
	b->done++;
	return true;
}

static void budget_diag(const struct budget *b, const char *what)
{
	ktap_diag("%s: %d rounds in %.1f s", what, b->done, now_s() - b->t0);
}

/* ---------------------------------------------------------------- jobs */

/* A thread of a race: all of them start together at a barrier. */
struct job {
	void (*fn)(struct job *j);
	pthread_t th;
	pthread_barrier_t *bar;
	unsigned int spin;
	struct l2tp_nl *nl;
	int fd;
	int *fds, nfds;
	uint32_t tid;
	uint32_t *sids;
	int nsids;
	bool reverse;
	const char *name;
	struct tally *t, *t2;
	volatile int *flag;
	void *arg;
	int err;
};

static volatile int jobs_done;

static void *job_main(void *arg)
{
	struct job *j = arg;

	if (j->bar)
		pthread_barrier_wait(j->bar);
	spin(j->spin);
	j->fn(j);
	__atomic_add_fetch(&jobs_done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static pthread_barrier_t jobs_bar;

static void jobs_start(struct job *j, int n)
{
	int i;

	if (n > MAX_JOBS)
		die("too many jobs");
	jobs_done = 0;
	pthread_barrier_init(&jobs_bar, NULL, n);
	for (i = 0; i < n; i++) {
		j[i].bar = &jobs_bar;
		if (!j[i].nl)
			j[i].nl = nlp[i + 1];
		if (pthread_create(&j[i].th, NULL, job_main, &j[i]))
			die("pthread_create");
	}
}

static void jobs_join(struct job *j, int n)
{
	int i;

	for (i = 0; i < n; i++)
		pthread_join(j[i].th, NULL);
	pthread_barrier_destroy(&jobs_bar);
}

static void jobs_run(struct job *j, int n)
{
	jobs_start(j, n);
	jobs_join(j, n);
}

/* Random start delays: the threads' order varies from round to round. */
static void jobs_shuffle(struct job *j, int n, unsigned int max_spin)
{
	int i;

	for (i = 0; i < n; i++)
		j[i].spin = rnd(max_spin);
}

/* ------------------------------------------------------------ netlink */

static struct l2tp_nl *nl_new(void)
{
	struct l2tp_nl *c = calloc(1, sizeof(*c));
	int err;

	if (!c)
		die("out of memory");
	err = l2tp_nl_open(c, 30);
	if (err)
		die("genl family l2tp: %s", strerror(err));
	return c;
}

static int nl_tunnel_create(struct l2tp_nl *c, uint32_t tid, uint32_t ptid,
			    int version, int encap, int fd, int af)
{
	struct nlmsghdr *nlh = l2tp_nl_req(c, L2TP_CMD_TUNNEL_CREATE);

	mnl_attr_put_u32(nlh, L2TP_ATTR_CONN_ID, tid);
	mnl_attr_put_u32(nlh, L2TP_ATTR_PEER_CONN_ID, ptid);
	mnl_attr_put_u8(nlh, L2TP_ATTR_PROTO_VERSION, version);
	mnl_attr_put_u16(nlh, L2TP_ATTR_ENCAP_TYPE, encap);
	if (fd >= 0) {
		mnl_attr_put_u32(nlh, L2TP_ATTR_FD, fd);
		return l2tp_nl_txn(c, nlh);
	}
	if (af == AF_INET6) {
		mnl_attr_put(nlh, L2TP_ATTR_IP6_SADDR, 16, &in6addr_loopback);
		mnl_attr_put(nlh, L2TP_ATTR_IP6_DADDR, 16, &in6addr_loopback);
	} else {
		mnl_attr_put_u32(nlh, L2TP_ATTR_IP_SADDR, htonl(INADDR_LOOPBACK));
		mnl_attr_put_u32(nlh, L2TP_ATTR_IP_DADDR, htonl(INADDR_LOOPBACK));
	}
	if (encap == L2TP_ENCAPTYPE_UDP) {
		/* Below the ephemeral range; unique while the tid is. */
		mnl_attr_put_u16(nlh, L2TP_ATTR_UDP_SPORT, 10000 + tid % 20000);
		mnl_attr_put_u16(nlh, L2TP_ATTR_UDP_DPORT, 1701);
	}
	return l2tp_nl_txn(c, nlh);
}

static uint16_t unmanaged_port(uint32_t tid)
{
	return 10000 + tid % 20000;
}

static int nl_session_create(struct l2tp_nl *c, uint32_t tid, uint32_t sid,
			     int pw, const char *ifname)
{
	struct nlmsghdr *nlh = l2tp_nl_req(c, L2TP_CMD_SESSION_CREATE);

	mnl_attr_put_u32(nlh, L2TP_ATTR_CONN_ID, tid);
	mnl_attr_put_u32(nlh, L2TP_ATTR_SESSION_ID, sid);
	mnl_attr_put_u32(nlh, L2TP_ATTR_PEER_SESSION_ID, sid);
	mnl_attr_put_u16(nlh, L2TP_ATTR_PW_TYPE, pw);
	if (ifname)
		mnl_attr_put_strz(nlh, L2TP_ATTR_IFNAME, ifname);
	return l2tp_nl_txn(c, nlh);
}

/* A request that names a tunnel (sid 0: no session) or a session. */
static int nl_key(struct l2tp_nl *c, uint8_t cmd, uint32_t tid, uint32_t sid)
{
	struct nlmsghdr *nlh = l2tp_nl_req(c, cmd);

	mnl_attr_put_u32(nlh, L2TP_ATTR_CONN_ID, tid);
	if (sid)
		mnl_attr_put_u32(nlh, L2TP_ATTR_SESSION_ID, sid);
	return l2tp_nl_txn(c, nlh);
}

static int nl_ifname_req(struct l2tp_nl *c, uint8_t cmd, const char *ifname)
{
	struct nlmsghdr *nlh = l2tp_nl_req(c, cmd);

	mnl_attr_put_strz(nlh, L2TP_ATTR_IFNAME, ifname);
	return l2tp_nl_txn(c, nlh);
}

/* What the tests read of a tunnel or session message. */
struct nl_obj {
	uint32_t tid, ptid, sid;
	uint16_t encap, sport;
	bool has_tid, has_ptid, has_sid, has_encap, has_sport;
	char ifname[IFNAMSIZ];
	uint64_t rx_packets;
};

static int obj_stats_cb(const struct nlattr *a, void *data)
{
	struct nl_obj *o = data;

	if (mnl_attr_get_type(a) == L2TP_ATTR_RX_PACKETS &&
	    mnl_attr_get_payload_len(a) == 8)
		o->rx_packets = mnl_attr_get_u64(a);
	return MNL_CB_OK;
}

static int obj_cb(const struct nlattr *a, void *data)
{
	struct nl_obj *o = data;
	unsigned int len = mnl_attr_get_payload_len(a);

	switch (mnl_attr_get_type(a)) {
	case L2TP_ATTR_CONN_ID:
		o->has_tid = len == 4;
		o->tid = o->has_tid ? mnl_attr_get_u32(a) : 0;
		break;
	case L2TP_ATTR_PEER_CONN_ID:
		o->has_ptid = len == 4;
		o->ptid = o->has_ptid ? mnl_attr_get_u32(a) : 0;
		break;
	case L2TP_ATTR_SESSION_ID:
		o->has_sid = len == 4;
		o->sid = o->has_sid ? mnl_attr_get_u32(a) : 0;
		break;
	case L2TP_ATTR_ENCAP_TYPE:
		o->has_encap = len == 2;
		o->encap = o->has_encap ? mnl_attr_get_u16(a) : 0;
		break;
	case L2TP_ATTR_UDP_SPORT:
		o->has_sport = len == 2;
		o->sport = o->has_sport ? mnl_attr_get_u16(a) : 0;
		break;
	case L2TP_ATTR_IFNAME:
		snprintf(o->ifname, sizeof(o->ifname), "%.*s", (int)len,
			 (const char *)mnl_attr_get_payload(a));
		break;
	case L2TP_ATTR_STATS:
		mnl_attr_parse_nested(a, obj_stats_cb, o);
		break;
	}
	return MNL_CB_OK;
}

static void nl_parse(const struct nlmsghdr *nlh, struct nl_obj *o)
{
	memset(o, 0, sizeof(*o));
	mnl_attr_parse(nlh, sizeof(struct genlmsghdr), obj_cb, o);
}

/* The reply of the last GET, parsed; false if there was none. */
static bool nl_reply(struct l2tp_nl *c, struct nl_obj *o)
{
	if (!c->has_reply)
		return false;
	nl_parse((const struct nlmsghdr *)c->reply, o);
	return true;
}

struct nl_dump_arg {
	void (*cb)(const struct nl_obj *o, void *arg);
	void *arg;
};

static void nl_dump_msg(const struct nlmsghdr *m, void *arg)
{
	struct nl_dump_arg *d = arg;
	struct nl_obj o;

	nl_parse(m, &o);
	if (d->cb)
		d->cb(&o, d->arg);
}

/* A dump; @cb sees every object. 0 or the positive errno. */
static int nl_dump(struct l2tp_nl *c, uint8_t cmd,
		   void (*cb)(const struct nl_obj *o, void *arg), void *arg)
{
	struct nlmsghdr *nlh = l2tp_nl_req(c, cmd);
	struct nl_dump_arg d = { cb, arg };

	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	return l2tp_nl_run(c, nlh, nl_dump_msg, &d);
}

/* Poll a GET until it says ENODEV: true, or false after GONE_WAIT_S. */
static bool wait_gone(struct l2tp_nl *c, uint32_t tid, uint32_t sid)
{
	double end = now_s() + GONE_WAIT_S;

	do {
		if (nl_key(c, sid ? L2TP_CMD_SESSION_GET : L2TP_CMD_TUNNEL_GET,
			   tid, sid) == ENODEV)
			return true;
		msleep(5);
	} while (now_s() < end);
	return false;
}

/* 0 when the tunnel and the sessions are gone, EEXIST when one is not. */
static int gone_all(struct l2tp_nl *c, uint32_t tid, const uint32_t *sids,
		    int n)
{
	int k;

	if (!wait_gone(c, tid, 0))
		return EEXIST;
	for (k = 0; k < n; k++)
		if (!wait_gone(c, tid, sids[k]))
			return EEXIST;
	return 0;
}

static bool netdev_gone(const char *name)
{
	double end = now_s() + GONE_WAIT_S;

	do {
		if (!if_nametoindex(name))
			return true;
		msleep(5);
	} while (now_s() < end);
	return false;
}

/* ------------------------------------------------------------ sockets */

union sa {
	struct sockaddr sa;
	struct sockaddr_in in;
	struct sockaddr_in6 in6;
	struct sockaddr_l2tpip l2;
	struct sockaddr_l2tpip6 l26;
	struct sockaddr_storage ss;
};

static socklen_t sa_loop(union sa *a, int af, uint16_t port)
{
	memset(a, 0, sizeof(*a));
	if (af == AF_INET6) {
		a->in6.sin6_family = AF_INET6;
		a->in6.sin6_addr = in6addr_loopback;
		a->in6.sin6_port = htons(port);
		return sizeof(a->in6);
	}
	a->in.sin_family = AF_INET;
	a->in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a->in.sin_port = htons(port);
	return sizeof(a->in);
}

static uint16_t sock_port(int fd)
{
	union sa a;
	socklen_t len = sizeof(a);

	if (getsockname(fd, &a.sa, &len))
		return 0;
	return ntohs(a.sa.sa_family == AF_INET6 ? a.in6.sin6_port :
		     a.in.sin_port);
}

/* A UDP socket bound to the loopback address (@port 0: ephemeral). */
static int udp_bound(int af, uint16_t port)
{
	int fd = socket(af, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	union sa a;
	socklen_t len = sa_loop(&a, af, port);

	if (fd < 0)
		die("UDP socket: %s", strerror(errno));
	if (bind(fd, &a.sa, len))
		die("bind UDP: %s", strerror(errno));
	return fd;
}

static void udp_connect(int fd, int af, uint16_t port)
{
	union sa a;
	socklen_t len = sa_loop(&a, af, port);

	if (connect(fd, &a.sa, len))
		die("connect UDP: %s", strerror(errno));
}

/* Two UDP sockets on loopback connected to each other. */
static void udp_pair(int af, int *tun, int *peer)
{
	*tun = udp_bound(af, 0);
	*peer = udp_bound(af, 0);
	udp_connect(*tun, af, sock_port(*peer));
	udp_connect(*peer, af, sock_port(*tun));
}

/* An L2TPIP socket bound to @conn (and connected to @peer_conn unless
 * it is 0), or -1 with errno.
 */
static int l2tpip_socket(int af, uint32_t conn, uint32_t peer_conn)
{
	int fd = socket(af, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_L2TP);
	union sa a;
	socklen_t len;

	if (fd < 0)
		return -1;
	memset(&a, 0, sizeof(a));
	if (af == AF_INET6) {
		a.l26.l2tp_family = AF_INET6;
		a.l26.l2tp_addr = in6addr_loopback;
		a.l26.l2tp_conn_id = conn;
		len = sizeof(a.l26);
	} else {
		a.l2.l2tp_family = AF_INET;
		a.l2.l2tp_addr.s_addr = htonl(INADDR_LOOPBACK);
		a.l2.l2tp_conn_id = conn;
		len = sizeof(a.l2);
	}
	if (bind(fd, &a.sa, len))
		goto err;
	if (peer_conn) {
		if (af == AF_INET6)
			a.l26.l2tp_conn_id = peer_conn;
		else
			a.l2.l2tp_conn_id = peer_conn;
		if (connect(fd, &a.sa, len))
			goto err;
	}
	return fd;
err:
	len = errno;
	close(fd);
	errno = len;
	return -1;
}

static int px_socket(void)
{
	int s = socket(AF_PPPOX, SOCK_DGRAM | SOCK_CLOEXEC, PX_PROTO_OL2TP);

	if (s < 0)
		die("PPPoL2TP socket: %s", strerror(errno));
	return s;
}

/*
 * connect() a PPPoL2TP socket (v2 or v3 sockaddr over IPv4: only the ids
 * and the fd matter). Session 0/0 makes it the tunnel management socket,
 * creating the tunnel on @fd if it does not exist. 0 or the errno.
 */
static int px_connect(int s, int ver, int fd, uint32_t tid, uint32_t ptid,
		      uint32_t sid, uint32_t psid)
{
	int rc;

	if (ver == 2) {
		struct sockaddr_pppol2tp a = {
			.sa_family = AF_PPPOX,
			.sa_protocol = PX_PROTO_OL2TP,
		};

		a.pppol2tp.fd = fd;
		a.pppol2tp.addr.sin_family = AF_INET;
		a.pppol2tp.s_tunnel = tid;
		a.pppol2tp.d_tunnel = ptid;
		a.pppol2tp.s_session = sid;
		a.pppol2tp.d_session = psid;
		rc = connect(s, (struct sockaddr *)&a, sizeof(a));
	} else {
		struct sockaddr_pppol2tpv3 a = {
			.sa_family = AF_PPPOX,
			.sa_protocol = PX_PROTO_OL2TP,
		};

		a.pppol2tp.fd = fd;
		a.pppol2tp.addr.sin_family = AF_INET;
		a.pppol2tp.s_tunnel = tid;
		a.pppol2tp.d_tunnel = ptid;
		a.pppol2tp.s_session = sid;
		a.pppol2tp.d_session = psid;
		rc = connect(s, (struct sockaddr *)&a, sizeof(a));
	}
	return rc ? errno : 0;
}

/* Session ids: L2TPv2 ones are 16-bit; L2TPv3 ones unique per netns. */
static uint32_t sid_for(int ver, uint32_t tid, int k)
{
	return ver == 2 ? (uint32_t)k + 1 : tid * 64 + k + 1;
}

static uint32_t tid_counter = 100;

/* Fresh tunnel ids (16-bit, for L2TPv2), never reused within a run. */
static uint32_t new_tid(void)
{
	uint32_t t = __atomic_fetch_add(&tid_counter, 1, __ATOMIC_RELAXED);

	return 100 + (t - 100) % 60000;
}

static int sys_err(long rc)
{
	return rc < 0 ? errno : 0;
}

/* Read a whole file and throw it away (a racing reader). */
static int read_all(const char *path)
{
	char buf[4096];
	int fd = open(path, O_RDONLY | O_CLOEXEC), err = 0;
	ssize_t n;

	if (fd < 0)
		return errno;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		;
	if (n < 0)
		err = errno;
	close(fd);
	return err;
}

/*
 * A PPPoL2TP socket whose session has gone: the detach may lag behind
 * netlink (stock tears down in work items); wait until ioctls say
 * ENOTCONN, then check send and receive. Ours also hangs the socket up
 * (poll says POLLHUP, a reader gets end of file; l2tp_ppp.rst); stock
 * leaves it connected with no session behind it (EBADF on send, no
 * hangup, nothing to read).
 */
static void check_detached(int s, struct tally *t_det, struct tally *t_send,
			   struct tally *t_recv)
{
	struct pppol2tp_ioc_stats st;
	struct pollfd pfd = { .fd = s, .events = POLLIN };
	double end = now_s() + GONE_WAIT_S;
	char buf[64];
	ssize_t n;
	int e;

	do {
		e = sys_err(ioctl(s, PPPIOCGL2TPSTATS, &st));
		if (e == ENOTCONN)
			break;
		msleep(2);
	} while (now_s() < end);
	tally(t_det, e, ALLOW(ENOTCONN));
	if (t_send) {
		e = sys_err(send(s, "\x00\x21xyz", 5, MSG_DONTWAIT));
		tally(t_send, e, ours ? ALLOW(ENOTCONN) : ALLOW(EBADF));
	}
	if (t_recv) {
		/* Hung up: a blocking read returns at once. */
		if (poll(&pfd, 1, 0) == 1 && pfd.revents & POLLHUP)
			n = recv(s, buf, sizeof(buf), 0);
		else
			n = recv(s, buf, sizeof(buf), MSG_DONTWAIT);
		e = n < 0 ? errno : n ? GOT_DATA : 0;
		tally(t_recv, e, ours ? ALLOW(0) : ALLOW(EAGAIN));
	}
}

/* --------------------------------------------------------- common jobs */

/* close() j->fd, or every j->fds[] (last first if j->reverse). */
static void job_close(struct job *j)
{
	int k, fd;

	if (!j->nfds) {
		tally(j->t, sys_err(close(j->fd)), ALLOW(0));
		if (j->flag)
			*j->flag = 1;
		return;
	}
	for (k = 0; k < j->nfds; k++) {
		fd = j->fds[j->reverse ? j->nfds - 1 - k : k];
		tally(j->t, sys_err(close(fd)), ALLOW(0));
	}
}

/* SESSION_DELETE of every j->sids[] of tunnel j->tid. */
static void job_sdel(struct job *j)
{
	int k;
	uint32_t sid;

	for (k = 0; k < j->nsids; k++) {
		sid = j->sids[j->reverse ? j->nsids - 1 - k : k];
		tally(j->t, nl_key(j->nl, L2TP_CMD_SESSION_DELETE, j->tid, sid),
		      ALLOW(0, ENODEV));
	}
}

static void job_tdel(struct job *j)
{
	tally(j->t, nl_key(j->nl, L2TP_CMD_TUNNEL_DELETE, j->tid, 0),
	      ALLOW(0, ENODEV));
}

/* ============================================================ class 1 */

static void class1(void)
{
	struct tally t_setup = TALLY_INIT, t_close = TALLY_INIT;
	struct tally t_sdel = TALLY_INIT, t_gone = TALLY_INIT;
	struct tally r_setup = TALLY_INIT, r_close = TALLY_INIT;
	struct tally r_sdel = TALLY_INIT, r_tdel = TALLY_INIT;
	struct tally r_gone = TALLY_INIT;
	struct budget b;
	uint32_t tid, sid;
	int u, p, i;

	for (budget_start(&b, 10, 8, 200); budget_next(&b);) {
		int ver = b.done % 2 ? 2 : 3;
		int af = b.done / 2 % 2 ? AF_INET6 : AF_INET;
		int m, s[4], f1[2], f2[3], k, err;
		struct job j[4] = {};
		uint32_t sids[5];

		i = b.done;
		tid = new_tid();
		udp_pair(af, &u, &p);
		m = px_socket();
		err = px_connect(m, ver, u, tid, 1, 0, 0);
		tally(&t_setup, err, ALLOW(0));
		if (err) {
			close(m);
			close(u);
			close(p);
			continue;
		}
		for (k = 0; k < 4; k++) {
			sids[k] = sid_for(ver, tid, k);
			s[k] = px_socket();
			tally(&t_setup, px_connect(s[k], ver, -1, tid, 1, sids[k],
						   sids[k]), ALLOW(0));
		}
		sids[4] = sid_for(ver, tid, 4);
		tally(&t_setup, nl_session_create(NL, tid, sids[4],
						  L2TP_PWTYPE_PPP, NULL),
		      ALLOW(0));

		f1[0] = s[0];
		f1[1] = s[2];
		f2[0] = s[1];
		f2[1] = s[3];
		f2[2] = m;
		j[0] = (struct job){ .fn = job_close, .fd = u, .t = &t_close };
		j[1] = (struct job){ .fn = job_close, .fds = f1, .nfds = 2,
				     .t = &t_close };
		j[2] = (struct job){ .fn = job_close, .fds = f2, .nfds = 3,
				     .reverse = i & 4, .t = &t_close };
		j[3] = (struct job){ .fn = job_sdel, .tid = tid, .sids = sids,
				     .nsids = 5, .reverse = i & 8,
				     .t = &t_sdel };
		jobs_shuffle(j, 4, 40000);
		jobs_run(j, 4);
		tally(&t_gone, gone_all(NL, tid, sids, 5), ALLOW(0));
		close(p);
	}
	budget_diag(&b, "class 1: concurrent closes");
	tally_check(&t_setup, "class 1: tunnel by management connect, 4 session sockets, 1 netlink PPP session");
	tally_check(&t_close, "class 1: tunnel socket, management socket and session sockets closed concurrently: every close() returns 0");
	tally_check(&t_sdel, "class 1: SESSION_DELETE racing the closes: 0 or ENODEV");
	tally_check(&t_gone, "class 1: the tunnel and every session are gone after each round");

	/* pppol2tp_release racing the session's destroy. */
	tid = new_tid();
	udp_pair(AF_INET, &u, &p);
	tally(&r_setup, nl_tunnel_create(NL, tid, 1, 2, L2TP_ENCAPTYPE_UDP, u, 0),
	      ALLOW(0));
	for (budget_start(&b, 6, 8, 250); budget_next(&b);) {
		bool tdel = b.done % 3 == 0;
		struct job j[3] = {};
		int s, err;

		sid = b.done;
		s = px_socket();
		err = px_connect(s, 2, -1, tid, 1, sid, sid);
		tally(&r_setup, err, ALLOW(0));
		j[0] = (struct job){ .fn = job_close, .fd = s, .t = &r_close };
		j[1] = (struct job){ .fn = job_sdel, .tid = tid, .sids = &sid,
				     .nsids = 1, .t = &r_sdel };
		j[2] = (struct job){ .fn = job_tdel, .tid = tid, .t = &r_tdel };
		jobs_shuffle(j, 3, 40000);
		jobs_run(j, tdel ? 3 : 2);
		if (!tdel) {
			tally(&r_gone, wait_gone(NL, tid, sid) ? 0 : EEXIST,
			      ALLOW(0));
			continue;
		}
		tally(&r_gone, gone_all(NL, tid, &sid, 1), ALLOW(0));
		/* The same socket carries the next tunnel. */
		tid = new_tid();
		tally(&r_setup, nl_tunnel_create(NL, tid, 1, 2,
						 L2TP_ENCAPTYPE_UDP, u, 0),
		      ALLOW(0));
	}
	nl_key(NL, L2TP_CMD_TUNNEL_DELETE, tid, 0);
	tally(&r_gone, wait_gone(NL, tid, 0) ? 0 : EEXIST, ALLOW(0));
	close(u);
	close(p);
	budget_diag(&b, "class 1: release vs destroy");
	tally_check(&r_setup, "class 1: a session socket per round, its tunnel re-made on the same UDP socket after each delete");
	tally_check(&r_close, "class 1: pppol2tp_release racing SESSION_DELETE and TUNNEL_DELETE: close() returns 0");
	tally_check(&r_sdel, "class 1: ... SESSION_DELETE: 0 or ENODEV");
	tally_check(&r_tdel, "class 1: ... TUNNEL_DELETE: 0 or ENODEV");
	tally_check(&r_gone, "class 1: ... the session (and the deleted tunnels) are gone");
}

/* ============================================================ class 2 */

struct c2 {
	uint32_t tid;
	volatile int closed, stop;
	int conn[8], nconn;
	struct tally *t_get, *t_conn, *t_dump;
};

static void c2_getter(struct job *j)
{
	struct c2 *c = j->arg;
	double end = now_s() + 20;
	int e1, e2;

	do {
		e1 = nl_key(j->nl, L2TP_CMD_TUNNEL_GET, c->tid, 0);
		tally(c->t_get, e1, ALLOW(0, ENODEV));
		e2 = nl_key(j->nl, L2TP_CMD_SESSION_GET, c->tid, 1);
		tally(c->t_get, e2, ALLOW(0, ENODEV));
	} while (!(c->closed && e1 == ENODEV) && now_s() < end);
	c->stop = 1;
}

static void c2_connect(struct job *j)
{
	struct c2 *c = j->arg;
	int s, e;

	while (c->nconn < 8) {
		s = px_socket();
		e = px_connect(s, 2, -1, c->tid, 1, 10 + c->nconn, 10 + c->nconn);
		tally(c->t_conn, e, ALLOW(0, ENOENT, ENODEV));
		if (e) {
			close(s);
			break;
		}
		c->conn[c->nconn++] = s;
	}
}

static void c2_dumper(struct job *j)
{
	struct c2 *c = j->arg;

	while (!c->stop) {
		tally(c->t_dump, nl_dump(j->nl, L2TP_CMD_TUNNEL_GET, NULL, NULL),
		      ALLOW(0));
		tally(c->t_dump, nl_dump(j->nl, L2TP_CMD_SESSION_GET, NULL, NULL),
		      ALLOW(0));
		tally(c->t_dump, read_all("/proc/net/pppol2tp"), ALLOW(0));
	}
}

static void class2(void)
{
	struct tally t_setup = TALLY_INIT, t_close = TALLY_INIT;
	struct tally t_get = TALLY_INIT, t_conn = TALLY_INIT;
	struct tally t_dump = TALLY_INIT, t_gone = TALLY_INIT;
	struct tally t_det = TALLY_INIT;
	struct budget b;

	for (budget_start(&b, 10, 8, 120); budget_next(&b);) {
		int af = b.done % 2 ? AF_INET : AF_INET6;
		bool by_px = b.done / 2 % 2;
		struct c2 c = { .t_get = &t_get, .t_conn = &t_conn,
				.t_dump = &t_dump };
		struct job j[4] = {};
		int u, p, m = -1, s[2], k, err;

		c.tid = new_tid();
		udp_pair(af, &u, &p);
		if (by_px) {
			m = px_socket();
			err = px_connect(m, 2, u, c.tid, 1, 0, 0);
		} else {
			err = nl_tunnel_create(NL, c.tid, 1, 2, L2TP_ENCAPTYPE_UDP,
					       u, 0);
		}
		tally(&t_setup, err, ALLOW(0));
		for (k = 0; k < 2; k++) {
			s[k] = px_socket();
			tally(&t_setup, px_connect(s[k], 2, -1, c.tid, 1, k + 1,
						   k + 1), ALLOW(0));
		}
		j[0] = (struct job){ .fn = job_close, .fd = u, .t = &t_close,
				     .flag = &c.closed };
		j[1] = (struct job){ .fn = c2_getter, .arg = &c };
		j[2] = (struct job){ .fn = c2_connect, .arg = &c };
		j[3] = (struct job){ .fn = c2_dumper, .arg = &c };
		jobs_shuffle(j, 4, 40000);
		j[0].spin += 100000;	/* let the lookups get going */
		jobs_run(j, 4);

		tally(&t_gone, wait_gone(NL, c.tid, 0) ? 0 : EEXIST, ALLOW(0));
		for (k = 0; k < c.nconn; k++) {
			check_detached(c.conn[k], &t_det, NULL, NULL);
			close(c.conn[k]);
		}
		for (k = 0; k < 2; k++) {
			check_detached(s[k], &t_det, NULL, NULL);
			close(s[k]);
		}
		if (m >= 0)
			close(m);
		close(p);
	}
	budget_diag(&b, "class 2");
	tally_check(&t_setup, "class 2: managed L2TPv2 tunnels (netlink and PPPoL2TP made) with 2 session sockets");
	tally_check(&t_close, "class 2: the tunnel socket's close() returns 0 under concurrent lookups");
	tally_check(&t_get, "class 2: TUNNEL_GET and SESSION_GET racing the close: 0 or ENODEV");
	tally_check(&t_conn, "class 2: PPPoL2TP connect to the closing tunnel: 0, ENOENT or ENODEV");
	tally_check(&t_dump, "class 2: tunnel and session dumps and /proc/net/pppol2tp reads succeed meanwhile");
	tally_check(&t_gone, "class 2: the tunnel is gone after its socket's close");
	tally_check(&t_det, "class 2: every session socket, connected before or during the close, ends detached (ENOTCONN)");
}

/* ============================================================ class 3 */

#define C3_PX	16
#define C3_NL	6
#define C3_ETH	2

struct c3 {
	int *fds, n;
	struct tally *t;
};

/* Ioctls on session sockets until each says ENOTCONN (or 20 s). */
static void c3_ioctls(struct job *j)
{
	struct pppol2tp_ioc_stats st;
	double end = now_s() + 20;
	int k, e, live;

	do {
		live = 0;
		for (k = 0; k < j->nfds; k++) {
			e = sys_err(ioctl(j->fds[k], PPPIOCGL2TPSTATS, &st));
			tally(j->t, e, ALLOW(0, ENOTCONN));
			live += !e;
		}
	} while (live && now_s() < end);
}

static void class3(void)
{
	struct tally t_setup = TALLY_INIT, t_all = TALLY_INIT;
	struct tally t_close = TALLY_INIT, t_sdel = TALLY_INIT;
	struct tally t_ioc = TALLY_INIT, t_gone = TALLY_INIT;
	struct tally t_det = TALLY_INIT, t_send = TALLY_INIT;
	struct tally t_recv = TALLY_INIT, t_dev = TALLY_INIT;
	struct budget b;

	for (budget_start(&b, 18, 6, 40); budget_next(&b);) {
		int ver = b.done % 2 ? 2 : 3, mode = b.done % 3;
		int af = b.done / 2 % 2 ? AF_INET6 : AF_INET;
		int nsess = C3_PX + C3_NL + (ver == 3 ? C3_ETH : 0);
		uint32_t tid = new_tid(), sids[C3_PX + C3_NL + C3_ETH];
		char names[C3_ETH][IFNAMSIZ];
		struct job j[4] = {};
		int u, p, m = -1, px[C3_PX], k, err;

		udp_pair(af, &u, &p);
		if (ver == 2) {
			m = px_socket();
			err = px_connect(m, 2, u, tid, 1, 0, 0);
		} else {
			err = nl_tunnel_create(NL, tid, 1, 3, L2TP_ENCAPTYPE_UDP,
					       u, 0);
		}
		tally(&t_setup, err, ALLOW(0));
		for (k = 0; k < nsess; k++)
			sids[k] = sid_for(ver, tid, k);
		for (k = 0; k < C3_PX; k++) {
			px[k] = px_socket();
			tally(&t_setup, px_connect(px[k], ver, -1, tid, 1, sids[k],
						   sids[k]), ALLOW(0));
		}
		for (k = C3_PX; k < C3_PX + C3_NL; k++)
			tally(&t_setup, nl_session_create(NL, tid, sids[k],
							  L2TP_PWTYPE_PPP, NULL),
			      ALLOW(0));
		for (k = C3_PX + C3_NL; k < nsess; k++) {
			snprintf(names[k - C3_PX - C3_NL], IFNAMSIZ, "rgc%u_%d",
				 tid, k);
			tally(&t_setup, nl_session_create(NL, tid, sids[k],
							  L2TP_PWTYPE_ETH,
							  names[k - C3_PX - C3_NL]),
			      ALLOW(0));
		}

		if (mode == 1)
			j[0] = (struct job){ .fn = job_close, .fd = u,
					     .t = &t_all };
		else
			j[0] = (struct job){ .fn = job_tdel, .tid = tid,
					     .t = &t_all };
		if (mode == 2) {
			j[1] = (struct job){ .fn = c3_ioctls, .fds = px,
					     .nfds = C3_PX / 2, .t = &t_ioc };
			j[2] = (struct job){ .fn = c3_ioctls, .fds = px + C3_PX / 2,
					     .nfds = C3_PX / 2, .t = &t_ioc };
		} else {
			j[1] = (struct job){ .fn = job_close, .fds = px,
					     .nfds = C3_PX / 2, .t = &t_close };
			j[2] = (struct job){ .fn = job_close, .fds = px + C3_PX / 2,
					     .nfds = C3_PX / 2, .reverse = true,
					     .t = &t_close };
		}
		j[3] = (struct job){ .fn = job_sdel, .tid = tid, .sids = sids,
				     .nsids = nsess, .reverse = true,
				     .t = &t_sdel };
		jobs_shuffle(j, 4, 40000);
		jobs_run(j, 4);

		tally(&t_gone, gone_all(NL, tid, sids, nsess), ALLOW(0));
		for (k = C3_PX + C3_NL; k < nsess; k++)
			tally(&t_dev, netdev_gone(names[k - C3_PX - C3_NL]) ?
			      0 : EEXIST, ALLOW(0));
		if (mode == 2) {
			for (k = 0; k < C3_PX; k++) {
				check_detached(px[k], &t_det, &t_send, &t_recv);
				tally(&t_close, sys_err(close(px[k])), ALLOW(0));
			}
		}
		if (mode != 1)
			close(u);
		if (m >= 0)
			close(m);
		close(p);
	}
	budget_diag(&b, "class 3");
	tally_check(&t_setup, "class 3: tunnels with %d socket, %d netlink PPP and (L2TPv3) %d Ethernet sessions",
		    C3_PX, C3_NL, C3_ETH);
	tally_check(&t_all, "class 3: close-all by TUNNEL_DELETE (0 or ENODEV) or by closing the tunnel socket (0)");
	tally_check(&t_close, "class 3: session sockets closed during the close-all: close() returns 0");
	tally_check(&t_sdel, "class 3: SESSION_DELETE of every session during the close-all: 0 or ENODEV");
	tally_check(&t_ioc, "class 3: PPPIOCGL2TPSTATS racing the close-all: 0 or ENOTCONN");
	tally_check(&t_gone, "class 3: the tunnel and all its sessions are gone after each round");
	tally_check(&t_dev, "class 3: the Ethernet sessions' netdevs are gone");
	tally_check(&t_det, "class 3: session sockets that outlive their session end detached (ENOTCONN)");
	tally_check(&t_send, "class 3: ... send() fails with %s", ours ?
		    "ENOTCONN (ours: hung up)" : "EBADF (stock: no session)");
	tally_check(&t_recv, "class 3: ... recv() gives %s", ours ?
		    "end of file after POLLHUP (ours: hung up)" :
		    "EAGAIN, no POLLHUP (stock: stays open)");
}

/* ============================================================ class 4 */

struct flood {
	int fd;
	uint32_t tid;
	volatile int stop;
	unsigned long sent;
};

/* L2TPv2 data packets for sessions 1-4: header, FF 03, PPP IPv4. */
static void *flood_main(void *arg)
{
	struct flood *f = arg;
	unsigned char pkt[40];
	unsigned int n = 0;
	int k;

	memset(pkt, 0x5a, sizeof(pkt));
	pkt[0] = 0x00;
	pkt[1] = 0x02;
	pkt[2] = f->tid >> 8;
	pkt[3] = f->tid;
	pkt[6] = 0xff;
	pkt[7] = 0x03;
	pkt[8] = 0x00;
	pkt[9] = 0x21;
	while (!f->stop) {
		for (k = 0; k < 4; k++, n++) {
			pkt[4] = 0;
			pkt[5] = 1 + n % 4;
			if (send(f->fd, pkt, sizeof(pkt), MSG_DONTWAIT) > 0)
				f->sent++;
		}
		usleep(500);
	}
	return NULL;
}

/* Wait for a frame on @fd and check it is the flood's PPP IPv4 frame. */
static int c4_frame(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	unsigned char buf[256];
	ssize_t n;

	if (poll(&pfd, 1, 10000) != 1)
		return ETIMEDOUT;
	n = read(fd, buf, sizeof(buf));
	if (n < 0)
		return errno;
	return n >= 2 && buf[0] == 0x00 && buf[1] == 0x21 ? 0 : EBADMSG;
}

static void class4(void)
{
	struct tally t_setup = TALLY_INIT, t_conn = TALLY_INIT;
	struct tally t_frame = TALLY_INIT, t_close = TALLY_INIT;
	struct tally t_sdel = TALLY_INIT, t_gone = TALLY_INIT;
	struct tally t_ppp = TALLY_INIT;
	struct flood f = {};
	struct nl_obj o;
	struct budget b;
	pthread_t th;
	bool have_ppp = access("/dev/ppp", R_OK | W_OK) == 0;
	int u, p, ppp_rounds = 0;

	f.tid = new_tid();
	udp_pair(AF_INET, &u, &p);
	tally(&t_setup, nl_tunnel_create(NL, f.tid, 1, 2, L2TP_ENCAPTYPE_UDP,
					 u, 0), ALLOW(0));
	f.fd = p;
	if (pthread_create(&th, NULL, flood_main, &f))
		die("pthread_create");

	for (budget_start(&b, 8, 8, 400); budget_next(&b);) {
		uint32_t sid = 1 + b.done % 4;
		int variant = b.done % 4, s, pfd = -1, idx, e;
		struct job j[2] = {};

		if (variant == 1 && !have_ppp)
			variant = 0;
		s = px_socket();
		e = px_connect(s, 2, -1, f.tid, 1, sid, sid);
		tally(&t_conn, e, ALLOW(0));
		if (e) {
			close(s);
			continue;
		}
		switch (variant) {
		case 0:		/* frames read, then close */
			tally(&t_frame, c4_frame(s), ALLOW(0));
			tally(&t_close, sys_err(close(s)), ALLOW(0));
			break;
		case 1:		/* bound to a PPP channel on /dev/ppp */
			ppp_rounds++;
			e = sys_err(ioctl(s, PPPIOCGCHAN, &idx));
			pfd = open("/dev/ppp", O_RDWR | O_CLOEXEC);
			if (!e && pfd < 0)
				e = errno;
			if (!e)
				e = sys_err(ioctl(pfd, PPPIOCATTCHAN, &idx));
			tally(&t_ppp, e, ALLOW(0));
			if (!e)
				tally(&t_frame, c4_frame(pfd), ALLOW(0));
			tally(&t_close, sys_err(close(s)), ALLOW(0));
			if (pfd >= 0)
				close(pfd);
			break;
		case 2:		/* SESSION_DELETE racing the close */
			tally(&t_frame, c4_frame(s), ALLOW(0));
			j[0] = (struct job){ .fn = job_close, .fd = s,
					     .t = &t_close };
			j[1] = (struct job){ .fn = job_sdel, .tid = f.tid,
					     .sids = &sid, .nsids = 1,
					     .t = &t_sdel };
			jobs_shuffle(j, 2, 40000);
			jobs_run(j, 2);
			break;
		default:	/* closed with frames still queued */
			tally(&t_frame, c4_frame(s) == 0 ? 0 : EIO, ALLOW(0));
			msleep(2);
			tally(&t_close, sys_err(close(s)), ALLOW(0));
			break;
		}
		tally(&t_gone, wait_gone(NL, f.tid, sid) ? 0 : EEXIST, ALLOW(0));
	}
	f.stop = 1;
	pthread_join(th, NULL);
	budget_diag(&b, "class 4");
	ktap_diag("class 4: %lu packets sent, %d rounds through /dev/ppp",
		  f.sent, ppp_rounds);
	tally(&t_setup, nl_key(NL, L2TP_CMD_TUNNEL_GET, f.tid, 0), ALLOW(0));
	if (!nl_reply(NL, &o))
		o.rx_packets = 0;
	ktap_result(o.rx_packets > 0,
		    "class 4: the tunnel counted received data packets (%llu)",
		    (unsigned long long)o.rx_packets);
	tally(&t_setup, nl_key(NL, L2TP_CMD_TUNNEL_DELETE, f.tid, 0), ALLOW(0));
	tally(&t_gone, wait_gone(NL, f.tid, 0) ? 0 : EEXIST, ALLOW(0));
	close(u);
	close(p);
	tally_check(&t_setup, "class 4: managed L2TPv2 tunnel flooded with data for 4 sessions");
	tally_check(&t_conn, "class 4: a session socket connects to a flooded session each round");
	tally_check(&t_frame, "class 4: frames reach the socket (or its /dev/ppp channel) before it is released");
	if (have_ppp)
		tally_check(&t_ppp, "class 4: PPPIOCGCHAN and PPPIOCATTCHAN under the flood");
	else
		ktap_skip("no /dev/ppp", "class 4: PPPIOCGCHAN and PPPIOCATTCHAN under the flood");
	tally_check(&t_close, "class 4: close() of a session socket under traffic returns 0");
	tally_check(&t_sdel, "class 4: SESSION_DELETE racing that close: 0 or ENODEV");
	tally_check(&t_gone, "class 4: each session is gone once its socket is closed");
}

/* ============================================================ class 5 */

enum c5_kind {
	C5_STATS_SESS,	/* PPPIOCGL2TPSTATS, session socket: copy_to_user */
	C5_STATS_TUN,	/* ... management socket: copy_from_user first */
	C5_STATS_SID,	/* ... management socket asking for a session */
	C5_GMRU,	/* PPPIOCGMRU: put_user */
	C5_IFMTU,	/* SIOCSIFMTU: the generic path's ifreq copy */
	C5_GETOPT,	/* getsockopt RECVSEQ: copy_to_user */
	C5_SETOPT,	/* setsockopt RECVSEQ: copy_from_user */
	C5_N
};

static const char *const c5_name[C5_N] = {
	"PPPIOCGL2TPSTATS on a session socket",
	"PPPIOCGL2TPSTATS on a management socket",
	"PPPIOCGL2TPSTATS on a management socket for a session",
	"PPPIOCGMRU on a session socket",
	"SIOCSIFMTU on a session socket",
	"getsockopt(PPPOL2TP_SO_RECVSEQ) on a session socket",
	"setsockopt(PPPOL2TP_SO_RECVSEQ) on a session socket",
};

struct c5_call {
	enum c5_kind kind;
	int fd;
	void *arg;
	volatile int done;
	int err;
};

static void c5_do(struct c5_call *c)
{
	socklen_t len = sizeof(int);
	long rc = -1;

	switch (c->kind) {
	case C5_STATS_SESS:
	case C5_STATS_TUN:
	case C5_STATS_SID:
		rc = ioctl(c->fd, PPPIOCGL2TPSTATS, c->arg);
		break;
	case C5_GMRU:
		rc = ioctl(c->fd, PPPIOCGMRU, c->arg);
		break;
	case C5_IFMTU:
		rc = ioctl(c->fd, SIOCSIFMTU, c->arg);
		break;
	case C5_GETOPT:
		rc = getsockopt(c->fd, SOL_PPPOL2TP, PPPOL2TP_SO_RECVSEQ, c->arg,
				&len);
		break;
	case C5_SETOPT:
		rc = setsockopt(c->fd, SOL_PPPOL2TP, PPPOL2TP_SO_RECVSEQ, c->arg,
				sizeof(int));
		break;
	default:
		break;
	}
	c->err = sys_err(rc);
}

static void *c5_call_main(void *arg)
{
	struct c5_call *c = arg;

	c5_do(c);
	c->done = 1;
	return NULL;
}

/* What the page holds once the fault is resolved. */
static void c5_fill(enum c5_kind k, void *page, uint32_t sid)
{
	struct pppol2tp_ioc_stats *st = page;
	struct ifreq *ifr = page;

	switch (k) {
	case C5_STATS_SID:
		st->session_id = sid;
		break;
	case C5_IFMTU:
		snprintf(ifr->ifr_name, IFNAMSIZ, "rgnone0");
		ifr->ifr_mtu = 1400;
		break;
	case C5_SETOPT:
		*(int *)page = 1;
		break;
	default:
		break;
	}
}

/* The result once the fault is resolved; @deleted: the teardown had
 * finished by then.
 */
static const int *c5_want(enum c5_kind k, bool deleted)
{
	static const int ok[] = { 0, -1 }, enodev[] = { ENODEV, -1 };
	static const int ebadr[] = { EBADR, -1 }, ok_ebadr[] = { 0, EBADR, -1 };
	static const int enotconn[] = { ENOTCONN, -1 };
	static const int ok_enotconn[] = { 0, ENOTCONN, -1 };

	switch (k) {
	case C5_STATS_SID:
		return deleted ? ebadr : ok_ebadr;
	case C5_IFMTU:
		return enodev;
	case C5_SETOPT:
		return deleted ? enotconn : ok_enotconn;
	default:
		return ok;
	}
}

static int uffd_open(void)
{
	struct uffdio_api api = { .api = UFFD_API };
	int fd = syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		return -1;
	if (ioctl(fd, UFFDIO_API, &api)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* A fresh page whose first touch stalls in @uffd. */
static void *uffd_page(int uffd, size_t psz)
{
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };
	void *page = mmap(NULL, psz, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (page == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	reg.range.start = (unsigned long)page;
	reg.range.len = psz;
	if (ioctl(uffd, UFFDIO_REGISTER, &reg))
		die("UFFDIO_REGISTER: %s", strerror(errno));
	return page;
}

/* True once a fault on @page is pending. */
static bool uffd_fault(int uffd, void *page, size_t psz, int ms)
{
	struct pollfd pfd = { .fd = uffd, .events = POLLIN };
	struct uffd_msg msg;
	unsigned long a;

	if (poll(&pfd, 1, ms) != 1)
		return false;
	if (read(uffd, &msg, sizeof(msg)) != sizeof(msg) ||
	    msg.event != UFFD_EVENT_PAGEFAULT)
		return false;
	a = msg.arg.pagefault.address;
	return a >= (unsigned long)page && a < (unsigned long)page + psz;
}

static void uffd_resolve(int uffd, void *page, const void *src, size_t psz)
{
	struct uffdio_copy cp = {
		.dst = (unsigned long)page,
		.src = (unsigned long)src,
		.len = psz,
	};

	if (ioctl(uffd, UFFDIO_COPY, &cp) && errno != EEXIST)
		die("UFFDIO_COPY: %s", strerror(errno));
}

/*
 * Does a namespace exit elsewhere complete within @secs? A child makes a
 * namespace with one end of a veth pair in it and the other here, then
 * exits; the pair goes once the namespace has been dismantled, which
 * includes l2tp's pre_exit and its flush of the shared workqueue.
 * 0: it did; ETIMEDOUT: the peer is still here; EIO: no probe.
 */
static int netns_exit_probe(double secs)
{
	char parent[16];
	int status = -1;
	double end;
	pid_t pid;

	snprintf(parent, sizeof(parent), "%d", (int)getpid());
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		if (unshare(CLONE_NEWNET))
			_exit(1);
		execlp("ip", "ip", "link", "add", "rgc5a", "type", "veth", "peer",
		       "name", "rgc5b", "netns", parent, (char *)NULL);
		_exit(1);
	}
	if (pid > 0)
		waitpid(pid, &status, 0);
	if (status || !if_nametoindex("rgc5b"))
		return EIO;
	end = now_s() + secs;
	while (if_nametoindex("rgc5b") && now_s() < end)
		msleep(20);
	return if_nametoindex("rgc5b") ? ETIMEDOUT : 0;
}

static void *c5_call_main(void *arg);
static void *uffd_page(int uffd, size_t psz);
static bool uffd_fault(int uffd, void *page, size_t psz, int ms);
static void uffd_resolve(int uffd, void *page, const void *src, size_t psz);

/*
 * A stalled ioctl on a session socket while the tunnel's UDP socket is
 * closed: the tunnel teardown then runs in l2tp's shared workqueue. It
 * may not wait for the stalled call, or every namespace exit in the
 * system (pre_exit flushes that workqueue) waits with it.
 */
static void class5_netns(int uffd, size_t psz, char *src)
{
	struct c5_call call = { .kind = C5_STATS_SESS };
	uint32_t tid = new_tid();
	int u, p, m, s, e;
	pthread_t th;
	double end;
	void *page;

	udp_pair(AF_INET, &u, &p);
	m = px_socket();
	s = px_socket();
	e = px_connect(m, 2, u, tid, 1, 0, 0);
	if (!e)
		e = px_connect(s, 2, -1, tid, 1, 1, 1);
	if (e)
		die("class 5 setup: %s", strerror(e));
	page = uffd_page(uffd, psz);
	call.fd = s;
	call.arg = page;
	if (pthread_create(&th, NULL, c5_call_main, &call))
		die("pthread_create");
	if (!uffd_fault(uffd, page, psz, 10000))
		ktap_diag("class 5: the ioctl did not stall");
	close(s);
	close(u);
	msleep(200);
	e = netns_exit_probe(15);
	if (e == EIO)
		ktap_skip("no veth probe", "class 5: a stalled PPPoL2TP ioctl does not hold up namespace exits");
	else
		ktap_result(!e, "class 5: with an ioctl stalled and its tunnel's socket closed, a netns exit elsewhere still completes");
	memset(src, 0, psz);
	uffd_resolve(uffd, page, src, psz);
	end = now_s() + 20;
	while (!call.done && now_s() < end)
		msleep(2);
	if (!call.done)
		die("class 5: the stalled ioctl never returned");
	pthread_join(th, NULL);
	if (if_nametoindex("rgc5b") && !netdev_gone("rgc5b"))
		ktap_diag("class 5: the probe's veth peer never went");
	ktap_result(wait_gone(NL, tid, 0) && wait_gone(NL, tid, 1),
		    "class 5: ... the tunnel is gone once the call returned (%s)",
		    ename(call.err));
	munmap(page, psz);
	close(m);
	close(p);
}

/* The close-and-delete threads of a round. */
static void c5_teardown_jobs(struct job *j, int fd, uint32_t tid,
			     uint32_t *sid, struct tally *tc, struct tally *td)
{
	j[0] = (struct job){ .fn = job_close, .fd = fd, .t = tc };
	j[1] = (struct job){ .fn = job_sdel, .tid = tid, .sids = sid,
			     .nsids = 1, .t = td };
	j[2] = (struct job){ .fn = job_tdel, .tid = tid, .t = td };
}

static void class5(void)
{
	struct tally t_setup = TALLY_INIT, t_stall[C5_N], t_res[C5_N];
	struct tally t_live[C5_N], t_close = TALLY_INIT, t_del = TALLY_INIT;
	struct tally t_gone = TALLY_INIT, t_content = TALLY_INIT;
	size_t psz = sysconf(_SC_PAGESIZE);
	char *src = calloc(1, psz);
	int uffd = uffd_open(), k, r, rounds;
	struct budget b;

	for (k = 0; k < C5_N; k++) {
		t_stall[k] = (struct tally)TALLY_INIT;
		t_res[k] = (struct tally)TALLY_INIT;
		t_live[k] = (struct tally)TALLY_INIT;
	}
	if (uffd < 0) {
		ktap_diag("class 5: userfaultfd unavailable (%s): plain races of the calls against close and delete instead",
			  strerror(errno));
	}
	rounds = 6;
	budget_start(&b, 20, C5_N * 2, C5_N * rounds);
	if (b.min < C5_N)	/* every kind at least once */
		b.min = C5_N;
	if (b.max < b.min)
		b.max = b.min;
	while (budget_next(&b)) {
		enum c5_kind kind = (b.done - 1) % C5_N;
		bool first = b.done <= C5_N, mgmt, deleted = false;
		struct c5_call call = { .kind = kind };
		struct pppol2tp_ioc_stats *st;
		uint32_t tid = new_tid(), sid = 1;
		struct job j[3] = {};
		double end;
		pthread_t th;
		void *page;
		int u, p, m, s, e;

		mgmt = kind == C5_STATS_TUN || kind == C5_STATS_SID;
		udp_pair(AF_INET, &u, &p);
		m = px_socket();
		s = px_socket();
		e = px_connect(m, 2, u, tid, 1, 0, 0);
		if (!e)
			e = px_connect(s, 2, -1, tid, 1, sid, sid);
		tally(&t_setup, e, ALLOW(0));
		call.fd = mgmt ? m : s;

		if (uffd < 0) {
			/* Plain race: the call loops while the rest goes. */
			page = calloc(1, psz);
			c5_fill(kind, page, sid);
			c5_teardown_jobs(j, call.fd, tid, &sid, &t_close, &t_del);
			jobs_shuffle(j, 3, 40000);
			jobs_start(j, 3);
			for (r = 0; r < 200 && jobs_done < 3; r++) {
				c5_do(&call);
				tally(&t_res[kind], call.err,
				      ALLOW(0, ENOTCONN, EBADF, EBADR, ENODEV));
			}
			jobs_join(j, 3);
			free(page);
			goto cleanup;
		}

		page = uffd_page(uffd, psz);
		call.arg = page;
		if (pthread_create(&th, NULL, c5_call_main, &call))
			die("pthread_create");
		tally(&t_stall[kind], uffd_fault(uffd, page, psz, 10000) ?
		      0 : ETIMEDOUT, ALLOW(0));

		/* Close the socket, delete its session and tunnel. */
		c5_teardown_jobs(j, call.fd, tid, &sid, &t_close, &t_del);
		jobs_shuffle(j, 3, 20000);
		jobs_start(j, 3);
		if (first) {
			/*
			 * Once per kind, the whole teardown must finish while
			 * the call is stalled: it may not wait for user memory
			 * (upstream does not; a stalled fault would otherwise
			 * hold a shared worker and every netns exit behind it).
			 */
			end = now_s() + 5;
			while (jobs_done < 3 && now_s() < end)
				msleep(5);
			tally(&t_live[kind], jobs_done == 3 ? 0 : ETIMEDOUT,
			      ALLOW(0));
			if (jobs_done == 3)
				deleted = wait_gone(NL, tid, 0) &&
					  wait_gone(NL, tid, sid);
			if (deleted) {
				/* Stock closes sessions in work items too. */
				msleep(20);
			}
		} else {
			msleep(rnd(4));
		}
		memset(src, 0, psz);
		c5_fill(kind, src, sid);
		uffd_resolve(uffd, page, src, psz);
		end = now_s() + 20;
		while (!call.done && now_s() < end)
			msleep(2);
		if (!call.done) {
			ktap_result(false, "class 5: %s returns once its fault is resolved",
				    c5_name[kind]);
			ktap_diag("the call is stuck; giving up on class 5");
			jobs_join(j, 3);
			break;
		}
		pthread_join(th, NULL);
		jobs_join(j, 3);
		tally(&t_res[kind], call.err, c5_want(kind, deleted));
		st = page;
		if (!call.err && (kind == C5_STATS_SESS || kind == C5_STATS_TUN))
			tally(&t_content, st->tunnel_id == tid &&
			      st->session_id == (kind == C5_STATS_SESS ? sid : 0) ?
			      0 : EBADMSG, ALLOW(0));
		if (!call.err && (kind == C5_GMRU || kind == C5_GETOPT))
			tally(&t_content, *(int *)page == 0 ? 0 : EBADMSG,
			      ALLOW(0));
		munmap(page, psz);
cleanup:
		tally(&t_gone, wait_gone(NL, tid, 0) && wait_gone(NL, tid, sid) ?
		      0 : EEXIST, ALLOW(0));
		close(mgmt ? s : m);
		close(u);
		close(p);
	}
	budget_diag(&b, "class 5");
	tally_check(&t_setup, "class 5: a management and a session socket per round");
	for (k = 0; k < C5_N; k++) {
		if (uffd >= 0) {
			tally_check(&t_stall[k], "class 5: %s stalls in its user copy (userfaultfd)",
				    c5_name[k]);
			tally_check(&t_live[k], "class 5: %s stalled: close, SESSION_DELETE and TUNNEL_DELETE complete meanwhile",
				    c5_name[k]);
		}
		tally_check(&t_res[k], "class 5: %s then returns %s", c5_name[k],
			    uffd < 0 ? "0 or the errno of a closed or detached socket" :
			    k == C5_STATS_SID ? "EBADR (that session is gone)" :
			    k == C5_IFMTU ? "ENODEV (the generic path)" :
			    k == C5_SETOPT ? "ENOTCONN (session gone)" : "0");
	}
	if (uffd >= 0)
		tally_check(&t_content, "class 5: the stalled calls' results name the right tunnel and session");
	tally_check(&t_close, "class 5: close() of the socket in use returns 0");
	tally_check(&t_del, "class 5: SESSION_DELETE and TUNNEL_DELETE: 0 or ENODEV");
	tally_check(&t_gone, "class 5: the tunnel and session are gone after each round");
	if (uffd >= 0) {
		class5_netns(uffd, psz, src);
		close(uffd);
	}
	free(src);
}

/* ============================================================ class 6 */

struct c6 {
	uint32_t tid, sid;
	const char *name;
	struct tally *t_get, *t_match;
};

static void c6_get_by_name(struct job *j)
{
	struct c6 *c = j->arg;
	double end = now_s() + 20;
	struct nl_obj o;
	int e;

	do {
		e = nl_ifname_req(j->nl, L2TP_CMD_SESSION_GET, c->name);
		tally(c->t_get, e, ALLOW(0, ENODEV));
		if (!e)
			tally(c->t_match, nl_reply(j->nl, &o) && o.sid == c->sid &&
			      o.tid == c->tid && !strcmp(o.ifname, c->name) ?
			      0 : EBADMSG, ALLOW(0));
	} while (e != ENODEV && now_s() < end);
}

static void c6_get_by_id(struct job *j)
{
	struct c6 *c = j->arg;
	double end = now_s() + 20;
	int e;

	do {
		e = nl_key(j->nl, L2TP_CMD_SESSION_GET, c->tid, c->sid);
		tally(c->t_get, e, ALLOW(0, ENODEV));
	} while (e != ENODEV && now_s() < end);
}

static void c6_del_by_name(struct job *j)
{
	struct c6 *c = j->arg;

	tally(j->t, nl_ifname_req(j->nl, L2TP_CMD_SESSION_DELETE, c->name),
	      ALLOW(0, ENODEV));
}

#define C6_N	3	/* sessions per round */

static void class6(void)
{
	struct tally t_setup = TALLY_INIT, t_get = TALLY_INIT;
	struct tally t_match = TALLY_INIT, t_del = TALLY_INIT;
	struct tally t_gone = TALLY_INIT;
	char names[C6_N][IFNAMSIZ];
	uint32_t tid = new_tid(), sids[C6_N];
	struct budget b;

	tally(&t_setup, nl_tunnel_create(NL, tid, 1, 3, L2TP_ENCAPTYPE_UDP, -1,
					 AF_INET), ALLOW(0));
	for (budget_start(&b, 14, 6, 100); budget_next(&b);) {
		struct c6 c[C6_N];
		int mode = b.done % 4, nj = 0, k, e = 0;
		struct job j[MAX_JOBS] = {};

		for (k = 0; k < C6_N; k++) {
			sids[k] = 100000 + b.done * C6_N + k;
			snprintf(names[k], IFNAMSIZ, "rgs%d", b.done * C6_N + k);
			c[k] = (struct c6){ .tid = tid, .sid = sids[k],
					    .name = names[k], .t_get = &t_get,
					    .t_match = &t_match };
			e = e ?: nl_session_create(NL, tid, sids[k],
						   L2TP_PWTYPE_ETH, names[k]);
		}
		tally(&t_setup, e, ALLOW(0));
		if (e)
			break;
		for (k = 0; k < C6_N; k++)
			j[nj++] = (struct job){ .fn = c6_get_by_name, .arg = &c[k] };
		j[nj++] = (struct job){ .fn = c6_get_by_id, .arg = &c[0] };
		if (mode == 0 || mode == 2)
			for (k = 0; k < C6_N; k++)
				j[nj++] = (struct job){ .fn = c6_del_by_name,
							.arg = &c[k],
							.t = &t_del };
		if (mode == 1 || mode == 2)
			j[nj++] = (struct job){ .fn = job_sdel, .tid = tid,
						.sids = sids, .nsids = C6_N,
						.reverse = b.done & 4,
						.t = &t_del };
		if (mode == 3)
			j[nj++] = (struct job){ .fn = job_tdel, .tid = tid,
						.t = &t_del };
		jobs_shuffle(j, nj, 40000);
		for (k = C6_N + 1; k < nj; k++)
			j[k].spin += 60000;	/* the lookups first */
		jobs_run(j, nj);
		for (k = 0; k < C6_N; k++)
			tally(&t_gone, netdev_gone(names[k]) &&
			      nl_ifname_req(NL, L2TP_CMD_SESSION_GET, names[k]) ==
			      ENODEV ? 0 : EEXIST, ALLOW(0));
		if (mode == 3) {
			tally(&t_gone, wait_gone(NL, tid, 0) ? 0 : EEXIST,
			      ALLOW(0));
			tid = new_tid();
			tally(&t_setup, nl_tunnel_create(NL, tid, 1, 3,
							 L2TP_ENCAPTYPE_UDP, -1,
							 AF_INET), ALLOW(0));
		}
	}
	nl_key(NL, L2TP_CMD_TUNNEL_DELETE, tid, 0);
	tally(&t_gone, wait_gone(NL, tid, 0) ? 0 : EEXIST, ALLOW(0));
	budget_diag(&b, "class 6");
	tally_check(&t_setup, "class 6: %d Ethernet sessions with named netdevs per round",
		    C6_N);
	tally_check(&t_get, "class 6: SESSION_GET by IFNAME (and by id) racing the delete: 0 or ENODEV");
	tally_check(&t_match, "class 6: ... a found session is the one named, complete");
	tally_check(&t_del, "class 6: SESSION_DELETE by IFNAME, by id, both, or TUNNEL_DELETE: 0 or ENODEV");
	tally_check(&t_gone, "class 6: the netdevs and the sessions are gone after each round");
}

/* ============================================================ class 7 */

enum c7_var { C7_UDP4, C7_UDP6, C7_IP4, C7_IP6 };

static void class7(void)
{
	struct tally t_setup = TALLY_INIT, t_tdel = TALLY_INIT;
	struct tally t_close = TALLY_INIT, t_gone = TALLY_INIT;
	struct tally t_use = TALLY_INIT, t_again = TALLY_INIT;
	enum c7_var vars[4];
	int nv = 0;
	struct budget b;

	vars[nv++] = C7_UDP4;
	vars[nv++] = C7_UDP6;
	if (have_ip4)
		vars[nv++] = C7_IP4;
	if (have_ip6)
		vars[nv++] = C7_IP6;
	ktap_diag("class 7: variants: UDP/IPv4 UDP/IPv6%s%s",
		  have_ip4 ? " IP/IPv4" : "", have_ip6 ? " IP/IPv6" : "");

	for (budget_start(&b, 14, 8, 100); budget_next(&b);) {
		enum c7_var v = vars[b.done % nv];
		bool ip = v == C7_IP4 || v == C7_IP6;
		int af = v == C7_UDP6 || v == C7_IP6 ? AF_INET6 : AF_INET;
		int mode = b.done / nv % 3, u, p = -1, e;
		uint32_t tid = new_tid(), sid = tid * 64 + 1;
		char name[IFNAMSIZ], buf[16];
		struct pollfd pfd;
		struct job j[2] = {};

		if (ip) {
			u = l2tpip_socket(af, tid, tid + 1);
			if (u < 0) {
				tally(&t_setup, errno, ALLOW(0));
				continue;
			}
		} else {
			udp_pair(af, &u, &p);
		}
		e = nl_tunnel_create(NL, tid, tid + 1, 3,
				     ip ? L2TP_ENCAPTYPE_IP : L2TP_ENCAPTYPE_UDP,
				     u, 0);
		/* A netdev costs much under TCG: Ethernet every 4th round. */
		snprintf(name, sizeof(name), "rgt%u", tid);
		if (!e)
			e = nl_session_create(NL, tid, sid, b.done % 4 ?
					      L2TP_PWTYPE_PPP : L2TP_PWTYPE_ETH,
					      b.done % 4 ? NULL : name);
		tally(&t_setup, e, ALLOW(0));

		j[0] = (struct job){ .fn = job_tdel, .tid = tid, .t = &t_tdel };
		j[1] = (struct job){ .fn = job_close, .fd = u, .t = &t_close };
		jobs_shuffle(j, 2, 60000);
		jobs_run(j, mode == 2 ? 1 : 2);
		tally(&t_gone, gone_all(NL, tid, &sid, 1) == 0 &&
		      netdev_gone(name) ? 0 : EEXIST, ALLOW(0));
		if (mode == 2) {
			/* Deleted, not closed: the socket is userspace's. */
			if (!ip) {
				send(p, "ping", 4, 0);
				pfd = (struct pollfd){ .fd = u, .events = POLLIN };
				tally(&t_use, poll(&pfd, 1, 10000) == 1 &&
				      recv(u, buf, sizeof(buf), 0) == 4 ?
				      0 : EIO, ALLOW(0));
			}
			tid = new_tid();
			tally(&t_again, nl_tunnel_create(NL, tid, tid + 1, 3,
							 ip ? L2TP_ENCAPTYPE_IP :
							 L2TP_ENCAPTYPE_UDP,
							 u, 0), ALLOW(0));
			close(u);
			tally(&t_gone, wait_gone(NL, tid, 0) ? 0 : EEXIST,
			      ALLOW(0));
		}
		if (p >= 0)
			close(p);
	}
	budget_diag(&b, "class 7");
	tally_check(&t_setup, "class 7: managed L2TPv3 tunnels with a PPP or an Ethernet session");
	tally_check(&t_tdel, "class 7: TUNNEL_DELETE racing the close of the managed socket: 0 or ENODEV");
	tally_check(&t_close, "class 7: ... close() returns 0");
	tally_check(&t_gone, "class 7: tunnel, session (and netdev) are gone after each round");
	tally_check(&t_use, "class 7: a UDP socket whose tunnel was deleted still receives datagrams");
	tally_check(&t_again, "class 7: ... and carries a new tunnel");
}

/* ============================================================ class 8 */

struct c8 {
	int fd;
	uint32_t tid;
	bool px;
	int px_sock;
	int err;
};

static void c8_register(struct job *j)
{
	struct c8 *c = j->arg;

	if (c->px)
		c->err = px_connect(c->px_sock, 2, c->fd, c->tid, 1, 0, 0);
	else
		c->err = nl_tunnel_create(j->nl, c->tid, 1, 2,
					  L2TP_ENCAPTYPE_UDP, c->fd, 0);
}

/* Tunnels created and deleted while others look (visible only whole). */
#define C8_WIN	64

struct c8v {
	uint32_t base;
	uint16_t port[C8_WIN];
	bool managed[C8_WIN];
	volatile uint32_t cur;
	volatile int stop;
	struct tally *t_seen, *t_op;
};

static void c8v_check(const struct nl_obj *o, void *arg)
{
	struct c8v *v = arg;
	uint32_t k = o->tid - v->base;
	bool ok;

	if (!o->has_tid || o->tid < v->base || k >= C8_WIN)
		return;
	ok = o->has_ptid && o->ptid == o->tid + 1 && o->has_encap &&
	     o->encap == L2TP_ENCAPTYPE_UDP && o->has_sport &&
	     o->sport == __atomic_load_n(&v->port[k], __ATOMIC_ACQUIRE);
	tally(v->t_seen, ok ? 0 : EBADMSG, ALLOW(0));
}

static void c8v_creator(struct job *j)
{
	struct c8v *v = j->arg;
	int k, fd, e;

	for (k = 0; k < C8_WIN; k++) {
		uint32_t tid = v->base + k;

		fd = -1;
		if (k % 3 == 2) {
			fd = udp_bound(AF_INET, 0);
			udp_connect(fd, AF_INET, 1701);
			__atomic_store_n(&v->port[k], sock_port(fd),
					 __ATOMIC_RELEASE);
		} else {
			__atomic_store_n(&v->port[k], unmanaged_port(tid),
					 __ATOMIC_RELEASE);
		}
		v->cur = tid;
		e = nl_tunnel_create(j->nl, tid, tid + 1, 3, L2TP_ENCAPTYPE_UDP,
				     fd, AF_INET);
		tally(v->t_op, e, ALLOW(0));
		/* A managed one went with its socket's close already. */
		if (k >= 4)
			tally(v->t_op, nl_key(j->nl, L2TP_CMD_TUNNEL_DELETE,
					      tid - 4, 0), (k - 4) % 3 == 2 ?
			      ALLOW(0, ENODEV) : ALLOW(0));
		if (fd >= 0)
			close(fd);	/* tunnel k goes with it */
	}
	for (k = C8_WIN - 4; k < C8_WIN; k++)
		nl_key(j->nl, L2TP_CMD_TUNNEL_DELETE, v->base + k, 0);
	v->stop = 1;
}

static void c8v_dumper(struct job *j)
{
	struct c8v *v = j->arg;

	while (!v->stop)
		tally(v->t_op, nl_dump(j->nl, L2TP_CMD_TUNNEL_GET, c8v_check, v),
		      ALLOW(0));
}

static void c8v_getter(struct job *j)
{
	struct c8v *v = j->arg;
	struct nl_obj o;
	int e;

	while (!v->stop) {
		e = nl_key(j->nl, L2TP_CMD_TUNNEL_GET, v->cur, 0);
		tally(v->t_op, e, ALLOW(0, ENODEV));
		if (!e && nl_reply(j->nl, &o))
			c8v_check(&o, v);
	}
}

/* bpf(2), no library: a sockmap, updates and deletes by socket fd. */
static long sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

static int sockmap_create(void)
{
	union bpf_attr a = {};

	a.map_type = BPF_MAP_TYPE_SOCKMAP;
	a.key_size = 4;
	a.value_size = 4;
	a.max_entries = 4;
	return sys_bpf(BPF_MAP_CREATE, &a);
}

static int sockmap_set(int map, uint32_t key, int fd)
{
	union bpf_attr a = {};
	uint32_t val = fd;

	a.map_fd = map;
	a.key = (unsigned long)&key;
	a.value = (unsigned long)&val;
	a.flags = BPF_ANY;
	return sys_err(sys_bpf(BPF_MAP_UPDATE_ELEM, &a));
}

static int sockmap_del(int map, uint32_t key)
{
	union bpf_attr a = {};

	a.map_fd = map;
	a.key = (unsigned long)&key;
	return sys_err(sys_bpf(BPF_MAP_DELETE_ELEM, &a));
}

struct c8m {
	int map, fd;
	volatile int stop;
	struct tally *t_map, *t_unmap, *t_tun;
};

/* An empty sockmap slot is EINVAL to delete (not ENOENT). */
static void c8m_mapper(struct job *j)
{
	struct c8m *c = j->arg;
	int e;

	while (!c->stop) {
		e = sockmap_set(c->map, 0, c->fd);
		tally(c->t_map, e, ALLOW(0, EBUSY));
		tally(c->t_unmap, sockmap_del(c->map, 0),
		      e ? ALLOW(EINVAL) : ALLOW(0));
	}
}

static void c8m_tunneler(struct job *j)
{
	struct c8m *c = j->arg;
	uint32_t tid;
	int k, e;

	for (k = 0; k < 150; k++) {
		tid = new_tid();
		e = nl_tunnel_create(j->nl, tid, 1, 3, L2TP_ENCAPTYPE_UDP, c->fd, 0);
		tally(c->t_tun, e, ALLOW(0, EBUSY));
		if (!e)
			tally(c->t_tun, nl_key(j->nl, L2TP_CMD_TUNNEL_DELETE, tid, 0),
			      ALLOW(0));
		if (!e && !wait_gone(j->nl, tid, 0))
			tally(c->t_tun, EEXIST, ALLOW(0));
	}
	c->stop = 1;
}

static void class8_sockmap(void)
{
	struct tally t_map = TALLY_INIT, t_tun = TALLY_INIT;
	struct tally t_race = TALLY_INIT, t_rmap = TALLY_INIT;
	struct tally t_runmap = TALLY_INIT;
	struct c8m c = { .t_map = &t_rmap, .t_unmap = &t_runmap,
			 .t_tun = &t_race };
	struct job j[2] = {};
	uint32_t tid;
	int map, u, p, px, e;

	map = sockmap_create();
	if (map < 0) {
		ktap_skip(strerror(errno), "class 8: UDP sockets in a BPF sockmap");
		return;
	}
	udp_pair(AF_INET, &u, &p);
	e = sockmap_set(map, 0, u);
	if (e) {
		ktap_skip(strerror(e), "class 8: UDP sockets in a BPF sockmap");
		goto out;
	}
	tid = new_tid();
	tally(&t_tun, nl_tunnel_create(NL, tid, 1, 3, L2TP_ENCAPTYPE_UDP, u, 0),
	      ALLOW(EBUSY));
	px = px_socket();
	tally(&t_tun, px_connect(px, 2, u, tid, 1, 0, 0), ALLOW(EBUSY));
	close(px);
	tally(&t_tun, nl_key(NL, L2TP_CMD_TUNNEL_GET, tid, 0), ALLOW(ENODEV));
	tally_check(&t_tun, "class 8: a UDP socket in a sockmap is refused as the tunnel fd (netlink, PPPoL2TP): EBUSY, no tunnel left");

	t_tun = (struct tally)TALLY_INIT;
	tally(&t_tun, sockmap_del(map, 0), ALLOW(0));
	tally(&t_tun, nl_tunnel_create(NL, tid, 1, 3, L2TP_ENCAPTYPE_UDP, u, 0),
	      ALLOW(0));
	tally_check(&t_tun, "class 8: once out of the sockmap it carries a tunnel");

	/* The tunnel's socket offered to a sockmap. */
	e = sockmap_set(map, 1, u);
	tally(&t_map, e, ALLOW(0, EBUSY));
	tally_check(&t_map, "class 8: a tunnel's socket into a sockmap: 0 or EBUSY, no crash (%s)",
		    ename(e));
	t_map = (struct tally)TALLY_INIT;
	tally(&t_map, nl_key(NL, L2TP_CMD_TUNNEL_GET, tid, 0), ALLOW(0));
	tally(&t_map, nl_key(NL, L2TP_CMD_TUNNEL_DELETE, tid, 0), ALLOW(0));
	tally(&t_map, wait_gone(NL, tid, 0) ? 0 : EEXIST, ALLOW(0));
	if (!e)
		tally(&t_map, sockmap_del(map, 1), ALLOW(0));
	tally_check(&t_map, "class 8: ... the tunnel is intact, then deleted");

	/* Both at once, in a loop. */
	c.map = map;
	c.fd = u;
	j[0] = (struct job){ .fn = c8m_mapper, .arg = &c };
	j[1] = (struct job){ .fn = c8m_tunneler, .arg = &c };
	jobs_run(j, 2);
	sockmap_del(map, 0);
	tally_check(&t_rmap, "class 8: sockmap inserts racing TUNNEL_CREATE/DELETE on one socket: 0 or EBUSY");
	tally_check(&t_runmap, "class 8: ... each delete from the map: 0 after an insert, EINVAL after a refused one");
	tally_check(&t_race, "class 8: ... TUNNEL_CREATE: 0 or EBUSY; the tunnels made delete");
out:
	close(u);
	close(p);
	close(map);
}

static void class8(void)
{
	struct tally t_win = TALLY_INIT, t_lose = TALLY_INIT;
	struct tally t_sid = TALLY_INIT, t_sid_lose = TALLY_INIT;
	struct tally t_mix = TALLY_INIT, t_mix_lose = TALLY_INIT;
	struct tally t_gone = TALLY_INIT, t_seen = TALLY_INIT;
	struct tally t_op = TALLY_INIT;
	struct budget b;
	int k;

	for (budget_start(&b, 8, 8, 250); budget_next(&b);) {
		int af = b.done % 2 ? AF_INET : AF_INET6, kind = b.done % 3;
		struct c8 c[4] = {};
		struct job j[4] = {};
		uint32_t tid = new_tid();
		int u, p, wins = 0, fds[4], peers[4];

		udp_pair(af, &u, &p);
		for (k = 0; k < 4; k++) {
			c[k].fd = u;
			c[k].px_sock = -1;
			switch (kind) {
			case 0:		/* same fd, different tunnel ids */
				c[k].tid = k ? new_tid() : tid;
				break;
			case 1:		/* same tunnel id, different fds */
				udp_pair(af, &fds[k], &peers[k]);
				c[k].fd = fds[k];
				c[k].tid = tid;
				break;
			default:	/* same fd, netlink and PPPoL2TP */
				c[k].tid = k ? new_tid() : tid;
				c[k].px = k % 2;
				if (c[k].px)
					c[k].px_sock = px_socket();
				break;
			}
			j[k] = (struct job){ .fn = c8_register, .arg = &c[k] };
		}
		jobs_shuffle(j, 4, 10000);
		jobs_run(j, 4);
		for (k = 0; k < 4; k++) {
			wins += !c[k].err;
			if (c[k].err)
				tally(kind == 0 ? &t_lose : kind == 1 ?
				      &t_sid_lose : &t_mix_lose, c[k].err,
				      kind == 1 ? ALLOW(EEXIST) : ALLOW(EBUSY));
		}
		/* Upstream may register one socket twice (see below). */
		tally(kind == 0 ? &t_win : kind == 1 ? &t_sid : &t_mix,
		      wins == 1 ? 0 : wins ? EMLINK : ENOENT,
		      kind == 1 || ours ? ALLOW(0) : ALLOW(0, EMLINK));
		for (k = 0; k < 4; k++) {
			if (c[k].err)
				continue;
			nl_key(NL, L2TP_CMD_TUNNEL_DELETE, c[k].tid, 0);
			tally(&t_gone, wait_gone(NL, c[k].tid, 0) ? 0 : EEXIST,
			      ALLOW(0));
		}
		for (k = 0; k < 4; k++) {
			if (c[k].px_sock >= 0)
				close(c[k].px_sock);
			if (kind == 1) {
				close(fds[k]);
				close(peers[k]);
			}
		}
		close(u);
		close(p);
	}
	budget_diag(&b, "class 8: concurrent registration");
	/*
	 * Stock 6.12 checks a socket's tunnel by walking the tunnel IDR for
	 * tunnel->sock, which l2tp_tunnel_register() sets only after
	 * release_sock(): two registrations of one socket under different
	 * ids can both pass (EMLINK in the results). Ours claims the socket
	 * under its lock. "Exactly one" is checked for ours; against stock,
	 * "at least one" and the losers' errno.
	 */
	tally_check(&t_win, "class 8: 4 threads register one UDP socket under 4 tunnel ids: %s",
		    ours ? "exactly one wins" : "at least one wins");
	if (!ours)
		ktap_ours_only("class 8: ... exactly one wins (upstream may register the socket twice)");
	tally_check(&t_lose, "class 8: ... the others get EBUSY");
	tally_check(&t_sid, "class 8: 4 threads register one tunnel id on 4 sockets: exactly one wins");
	tally_check(&t_sid_lose, "class 8: ... the others get EEXIST");
	tally_check(&t_mix, "class 8: netlink and PPPoL2TP management connects register one socket: %s",
		    ours ? "exactly one wins" : "at least one wins");
	if (!ours)
		ktap_ours_only("class 8: ... exactly one wins (upstream may register the socket twice)");
	tally_check(&t_mix_lose, "class 8: ... the others get EBUSY");
	tally_check(&t_gone, "class 8: the winners' tunnels are deleted");

	/* Visible only when complete. */
	for (budget_start(&b, 10, 2, 12); budget_next(&b);) {
		struct c8v v = { .t_seen = &t_seen, .t_op = &t_op };
		struct job j[3] = {};

		v.base = new_tid();
		for (k = 1; k < C8_WIN + 1; k++)
			new_tid();
		v.cur = v.base;
		j[0] = (struct job){ .fn = c8v_creator, .arg = &v };
		j[1] = (struct job){ .fn = c8v_dumper, .arg = &v };
		j[2] = (struct job){ .fn = c8v_getter, .arg = &v };
		jobs_run(j, 3);
		for (k = 0; k < C8_WIN; k++)
			tally(&t_gone, wait_gone(NL, v.base + k, 0) ? 0 : EEXIST,
			      ALLOW(0));
	}
	budget_diag(&b, "class 8: creation under dumps");
	tally_check(&t_op, "class 8: tunnels created and deleted under concurrent dumps and GETs: every request 0 (GET: or ENODEV)");
	tally_check(&t_seen, "class 8: every tunnel a dump or GET shows is complete (peer id, encapsulation, its socket's port)");
	tally_check(&t_gone, "class 8: all of them are gone afterwards");

	class8_sockmap();
}

/* ============================================================ class 9 */

struct c9_shared {
	struct tally *t_own, *t_nl, *t_busy, *t_ok;
	volatile int stop;
	volatile int cur;
};

static void *c9_locker(void *arg)
{
	struct c9_shared *c = arg;
	union sa a;
	socklen_t len;
	int mru;

	while (!c->stop) {
		len = sizeof(a);
		ioctl(c->cur, PPPIOCGMRU, &mru);
		getsockname(c->cur, &a.sa, &len);
	}
	return NULL;
}

/* The child: many own-fd connects, with a thread locking the socket. */
static void c9_child(struct c9_shared *c, int rounds)
{
	struct l2tp_nl *nl = nl_new();
	uint32_t tid;
	pthread_t th;
	int s, m, u, p, i;

	c->cur = -1;
	if (pthread_create(&th, NULL, c9_locker, c))
		_exit(2);
	for (i = 0; i < rounds; i++) {
		tid = new_tid();
		s = px_socket();
		c->cur = s;
		tally(c->t_own, px_connect(s, 2, s, tid, 1, 0, 0),
		      ALLOW(EPROTONOSUPPORT));
		tally(c->t_own, px_connect(s, 3, s, tid, 1, 0, 0),
		      ALLOW(EPROTONOSUPPORT));
		tally(c->t_nl, nl_tunnel_create(nl, tid, 1, 2, L2TP_ENCAPTYPE_UDP,
						s, 0), ALLOW(EPROTONOSUPPORT));
		tally(c->t_nl, nl_key(nl, L2TP_CMD_TUNNEL_GET, tid, 0),
		      ALLOW(ENODEV));
		if (i % 4 == 0) {
			/* A management socket, then its own fd again. */
			udp_pair(AF_INET, &u, &p);
			m = px_socket();
			c->cur = m;
			tally(c->t_ok, px_connect(m, 2, u, tid, 1, 0, 0), ALLOW(0));
			tally(c->t_own, px_connect(m, 2, m, new_tid(), 1, 0, 0),
			      ALLOW(EPROTONOSUPPORT));
			tally(c->t_busy, px_connect(m, 2, m, tid, 1, 0, 0),
			      ALLOW(EBUSY));
			/* In an existing tunnel the fd is not used. */
			tally(c->t_ok, px_connect(s, 2, s, tid, 1, 1, 1), ALLOW(0));
			c->cur = -1;
			close(m);
			close(u);
			close(p);
		}
		c->cur = -1;
		close(s);
	}
	c->stop = 1;
	pthread_join(th, NULL);
	_exit(0);
}

static void class9(void)
{
	struct tally *t = tally_shared(4);
	struct c9_shared *c;
	int status = -1, rounds = 300 * scale;
	double end;
	pid_t pid;

	c = mmap(NULL, sizeof(*c), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (c == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	c->t_own = &t[0];
	c->t_nl = &t[1];
	c->t_busy = &t[2];
	c->t_ok = &t[3];
	if (rounds < 10)
		rounds = 10;
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0)
		c9_child(c, rounds);
	end = now_s() + 60 + 60 * scale;
	while (waitpid(pid, &status, WNOHANG) != pid) {
		if (now_s() > end) {
			kill(pid, SIGKILL);
			status = -1;
			break;
		}
		msleep(20);
	}
	ktap_result(status == 0, "class 9: %d rounds of own-fd connects finish (no deadlock)",
		    rounds);
	if (status)
		ktap_diag("child status %#x", status);
	tally_check(c->t_own, "class 9: the PPPoL2TP socket's own fd as tunnel fd in connect (v2, v3, unconnected or management): EPROTONOSUPPORT");
	tally_check(c->t_nl, "class 9: ... as FD of netlink TUNNEL_CREATE: EPROTONOSUPPORT, no tunnel");
	tally_check(c->t_busy, "class 9: a connected management socket's own fd for its own tunnel: EBUSY");
	tally_check(c->t_ok, "class 9: management and session connects around them succeed");
	munmap(c, sizeof(*c));
	munmap(t, 4 * sizeof(*t));
}

/* =========================================================== class 10 */

/* A socket made in a fresh netns, handed back over a socketpair. */
static int foreign_socket(int af, int type, int proto)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = {};
	char one = 1;
	struct iovec iov = { .iov_base = &one, .iov_len = 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = cbuf,
			    .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm;
	int sp[2], fd = -1;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sp))
		return -1;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		if (unshare(CLONE_NEWNET))
			_exit(1);
		fd = socket(af, type, proto);
		if (fd < 0)
			_exit(1);
		cm = CMSG_FIRSTHDR(&m);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &fd, sizeof(int));
		_exit(sendmsg(sp[1], &m, 0) < 0);
	}
	if (pid > 0 && recvmsg(sp[0], &m, 0) > 0) {
		cm = CMSG_FIRSTHDR(&m);
		if (cm && cm->cmsg_type == SCM_RIGHTS)
			memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
	close(sp[0]);
	close(sp[1]);
	return fd;
}

/*
 * Offer @fd as a tunnel fd: netlink TUNNEL_CREATE (@encap) and, for UDP,
 * a PPPoL2TP management connect; both must give @want, and no tunnel may
 * be left. When @want is 0 the tunnels made are deleted.
 */
static void c10_offer(int fd, int encap, int want, const char *what)
{
	uint32_t tid = new_tid();
	int e, e2 = want, s;
	bool gone;

	e = nl_tunnel_create(NL, tid, 1, 3, encap, fd, 0);
	if (!e) {
		nl_key(NL, L2TP_CMD_TUNNEL_DELETE, tid, 0);
		wait_gone(NL, tid, 0);
	}
	if (encap == L2TP_ENCAPTYPE_UDP) {
		s = px_socket();
		e2 = px_connect(s, 2, fd, tid, 1, 0, 0);
		close(s);
		/* Closing a management socket leaves its tunnel. */
		if (!e2)
			nl_key(NL, L2TP_CMD_TUNNEL_DELETE, tid, 0);
	}
	gone = wait_gone(NL, tid, 0);
	ktap_result(e == want && e2 == want && gone, "class 10: %s as the %s tunnel fd: %s",
		    what, encap == L2TP_ENCAPTYPE_UDP ? "UDP" : "IP",
		    ename(want));
	if (e != want || e2 != want || !gone)
		ktap_diag("netlink %s, PPPoL2TP %s, tunnel %s", ename(e),
			  encap == L2TP_ENCAPTYPE_UDP ? ename(e2) : "-",
			  gone ? "gone" : "left behind");
}

static int c10_reuseport(int port)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), one = 1;
	union sa a;
	socklen_t len = sa_loop(&a, AF_INET, port);

	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) ||
	    bind(fd, &a.sa, len))
		die("reuseport socket: %s", strerror(errno));
	return fd;
}

/* Sockets of a changing kind behind one descriptor number. */
struct c10f {
	int num;
	volatile int stop;
	struct tally *t_tun;
};

static void c10f_changer(struct job *j)
{
	struct c10f *c = j->arg;
	unsigned int k = 0;
	int fd;

	while (!c->stop) {
		switch (k++ % 5) {
		case 0:
			fd = udp_bound(AF_INET, 0);
			break;
		case 1:
			fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
			break;
		case 2:
			fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
			break;
		case 3:
			fd = eventfd(0, EFD_CLOEXEC);
			break;
		default:
			fd = have_ip4 ? l2tpip_socket(AF_INET, 0, 0) :
				udp_bound(AF_INET6, 0);
			break;
		}
		if (fd < 0)
			continue;
		dup2(fd, c->num);
		close(fd);
	}
}

static void c10f_creator(struct job *j)
{
	struct c10f *c = j->arg;
	uint32_t tid;
	int k, e;

	for (k = 0; k < 300 * scale; k++) {
		tid = new_tid();
		e = nl_tunnel_create(j->nl, tid, 1, 3, L2TP_ENCAPTYPE_UDP, c->num,
				     0);
		tally(c->t_tun, e, ALLOW(0, EPROTONOSUPPORT, EBUSY, ENOTSOCK));
		if (!e) {
			tally(c->t_tun, nl_key(j->nl, L2TP_CMD_TUNNEL_DELETE, tid,
					       0), ALLOW(0, ENODEV));
			tally(c->t_tun, wait_gone(j->nl, tid, 0) ? 0 : EEXIST,
			      ALLOW(0));
		}
	}
	c->stop = 1;
}

static void class10(void)
{
	struct sock_filter prog[] = { BPF_STMT(BPF_RET | BPF_K, 0) };
	struct sock_fprog fprog = { .len = 1, .filter = prog };
	struct tally t_rp = TALLY_INIT, t_rp_bpf = TALLY_INIT;
	struct tally t_rp_gone = TALLY_INIT, t_fd = TALLY_INIT;
	struct c10f cf = { .t_tun = &t_fd };
	struct job j[2] = {};
	struct budget b;
	int fd, e, zero = 0, esp = UDP_ENCAP_ESPINUDP;

	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	c10_offer(fd, L2TP_ENCAPTYPE_UDP, EPROTONOSUPPORT, "an AF_UNIX datagram socket");
	close(fd);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	c10_offer(fd, L2TP_ENCAPTYPE_UDP, EPROTONOSUPPORT, "an AF_UNIX stream socket");
	close(fd);
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	c10_offer(fd, L2TP_ENCAPTYPE_UDP, EPROTONOSUPPORT, "a netlink socket");
	close(fd);
	fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	c10_offer(fd, L2TP_ENCAPTYPE_UDP, EPROTONOSUPPORT, "a packet socket");
	close(fd);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	c10_offer(fd, L2TP_ENCAPTYPE_UDP, EPROTONOSUPPORT, "a TCP socket");
	close(fd);
	fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
	c10_offer(fd, L2TP_ENCAPTYPE_UDP, EPROTONOSUPPORT, "a TCP/IPv6 socket");
	close(fd);
	fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_UDP);
	c10_offer(fd, L2TP_ENCAPTYPE_UDP, EPROTONOSUPPORT, "a raw IPv4 socket (protocol UDP)");
	close(fd);
	fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_L2TP);
	c10_offer(fd, L2TP_ENCAPTYPE_IP, EPROTONOSUPPORT, "a raw IPv4 socket (protocol 115)");
	close(fd);
	fd = udp_bound(AF_INET, 0);
	c10_offer(fd, L2TP_ENCAPTYPE_IP, EPROTONOSUPPORT, "a UDP socket");
	close(fd);
	fd = eventfd(0, EFD_CLOEXEC);
	c10_offer(fd, L2TP_ENCAPTYPE_UDP, ENOTSOCK, "an eventfd (no socket)");
	close(fd);
	c10_offer(999, L2TP_ENCAPTYPE_UDP, EBADF, "a closed descriptor");
	if (have_ip4) {
		fd = l2tpip_socket(AF_INET, new_tid(), 0);
		c10_offer(fd, L2TP_ENCAPTYPE_UDP, EPROTONOSUPPORT,
			  "an L2TPIP socket");
		close(fd);
	}
	if (have_ip6) {
		fd = l2tpip_socket(AF_INET6, new_tid(), 0);
		c10_offer(fd, L2TP_ENCAPTYPE_UDP, EPROTONOSUPPORT,
			  "an L2TPIP/IPv6 socket");
		close(fd);
	}
	fd = foreign_socket(AF_INET, SOCK_DGRAM, 0);
	c10_offer(fd, L2TP_ENCAPTYPE_UDP, EINVAL, "a UDP socket of another netns");
	close(fd);
	fd = foreign_socket(AF_INET6, SOCK_DGRAM, 0);
	c10_offer(fd, L2TP_ENCAPTYPE_UDP, EINVAL, "a UDP/IPv6 socket of another netns");
	close(fd);
	if (have_ip4) {
		fd = foreign_socket(AF_INET, SOCK_DGRAM, IPPROTO_L2TP);
		c10_offer(fd, L2TP_ENCAPTYPE_IP, EINVAL,
			  "an L2TPIP socket of another netns");
		close(fd);
	}
	fd = foreign_socket(AF_UNIX, SOCK_DGRAM, 0);
	c10_offer(fd, L2TP_ENCAPTYPE_UDP, EINVAL, "an AF_UNIX socket of another netns");
	close(fd);

	/* A UDP socket that already has another encapsulation. */
	fd = udp_bound(AF_INET, 0);
	e = sys_err(setsockopt(fd, IPPROTO_UDP, UDP_ENCAP, &esp, sizeof(esp)));
	if (e) {
		ktap_skip(strerror(e), "class 10: a UDP socket with ESP-in-UDP encapsulation");
	} else {
		c10_offer(fd, L2TP_ENCAPTYPE_UDP, ours ? EBUSY : 0, ours ?
			  "a UDP socket with ESP-in-UDP encapsulation (ours: refused)" :
			  "a UDP socket with ESP-in-UDP encapsulation (stock: taken over)");
	}
	close(fd);

	/* SO_REUSEPORT groups, with and without a reuseport program. */
	for (budget_start(&b, 6, 6, 100); budget_next(&b);) {
		bool bpf = b.done % 2, close_tunnel = b.done / 2 % 2;
		uint32_t tid = new_tid(), tid2 = new_tid();
		int a, c, d, port, peer;

		a = c10_reuseport(0);
		port = sock_port(a);
		c = c10_reuseport(port);
		if (bpf)
			tally(&t_rp_bpf, sys_err(setsockopt(a, SOL_SOCKET,
							    SO_ATTACH_REUSEPORT_CBPF,
							    &fprog, sizeof(fprog))),
			      ALLOW(0));
		tally(&t_rp, nl_tunnel_create(NL, tid, 1, 3, L2TP_ENCAPTYPE_UDP,
					      a, 0), ALLOW(0));
		tally(&t_rp, nl_tunnel_create(NL, tid2, 1, 3, L2TP_ENCAPTYPE_UDP,
					      c, 0), ALLOW(0));
		tally(&t_rp, nl_session_create(NL, tid, tid * 64 + 1,
					       L2TP_PWTYPE_PPP, NULL), ALLOW(0));
		/* Traffic into the group: control messages, data for 1. */
		peer = udp_bound(AF_INET, 0);
		udp_connect(peer, AF_INET, port);
		send(peer, "\xc8\x03\x00\x0c\x00\x00\x00\x01\x00\x00\x00\x00", 12, 0);
		if (bpf)
			tally(&t_rp_bpf, sys_err(setsockopt(a, SOL_SOCKET,
							    SO_DETACH_REUSEPORT_BPF,
							    &zero, sizeof(zero))),
			      ALLOW(0));
		/* Members join and leave the group. */
		d = c10_reuseport(port);
		close(d);
		tally(&t_rp, sys_err(close(c)), ALLOW(0));
		send(peer, "\xc8\x03\x00\x0c\x00\x00\x00\x01\x00\x00\x00\x00", 12, 0);
		tally(&t_rp, nl_key(NL, L2TP_CMD_TUNNEL_GET, tid, 0), ALLOW(0));
		if (close_tunnel)
			tally(&t_rp, sys_err(close(a)), ALLOW(0));
		else
			tally(&t_rp, nl_key(NL, L2TP_CMD_TUNNEL_DELETE, tid, 0),
			      ALLOW(0));
		tally(&t_rp_gone, wait_gone(NL, tid, 0) && wait_gone(NL, tid2, 0) ?
		      0 : EEXIST, ALLOW(0));
		if (!close_tunnel)
			close(a);
		close(peer);
	}
	budget_diag(&b, "class 10: reuseport");
	tally_check(&t_rp, "class 10: SO_REUSEPORT UDP sockets carry tunnels while the group changes");
	tally_check(&t_rp_bpf, "class 10: ... SO_ATTACH_REUSEPORT_CBPF and SO_DETACH_REUSEPORT_BPF on a tunnel socket");
	tally_check(&t_rp_gone, "class 10: ... the tunnels go with TUNNEL_DELETE, their socket's close or the group's");

	/* One descriptor number, its socket replaced under TUNNEL_CREATE. */
	cf.num = 900;
	dup2(2, cf.num);
	j[0] = (struct job){ .fn = c10f_changer, .arg = &cf };
	j[1] = (struct job){ .fn = c10f_creator, .arg = &cf };
	jobs_run(j, 2);
	close(cf.num);
	tally_check(&t_fd, "class 10: TUNNEL_CREATE on a descriptor whose socket changes kind: 0, EPROTONOSUPPORT, EBUSY or ENOTSOCK; made tunnels delete");
}

/* =========================================================== class 11 */

struct c11 {
	int fd, af;
	uint32_t conn, peer;
	bool connect;
	int err;
};

static void c11_bind(struct job *j)
{
	struct c11 *c = j->arg;
	union sa a = {};
	socklen_t len;

	if (c->af == AF_INET6) {
		a.l26.l2tp_family = AF_INET6;
		a.l26.l2tp_addr = in6addr_loopback;
		a.l26.l2tp_conn_id = c->conn;
		len = sizeof(a.l26);
	} else {
		a.l2.l2tp_family = AF_INET;
		a.l2.l2tp_addr.s_addr = htonl(INADDR_LOOPBACK);
		a.l2.l2tp_conn_id = c->conn;
		len = sizeof(a.l2);
	}
	if (c->connect) {
		if (c->af == AF_INET6)
			a.l26.l2tp_conn_id = c->peer;
		else
			a.l2.l2tp_conn_id = c->peer;
		c->err = sys_err(connect(c->fd, &a.sa, len));
	} else {
		c->err = sys_err(bind(c->fd, &a.sa, len));
	}
}

static uint32_t c11_bound_conn(int fd)
{
	union sa a;
	socklen_t len = sizeof(a);

	if (getsockname(fd, &a.sa, &len))
		return 0;
	return a.sa.sa_family == AF_INET6 ? a.l26.l2tp_conn_id :
		a.l2.l2tp_conn_id;
}

/*
 * The socket bound to @conn receives a control frame sent to it (an
 * L2TPIP socket puts the 4 zero bytes of session id 0 in front).
 */
static int c11_usable(int af, int fd, uint32_t conn)
{
	unsigned char msg[12] = { 0xc8, 0x03, 0, 12 };
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	char buf[64];
	int s, e = 0;

	msg[4] = conn >> 24;
	msg[5] = conn >> 16;
	msg[6] = conn >> 8;
	msg[7] = conn;
	s = l2tpip_socket(af, new_tid() + 500000, conn);
	if (s < 0)
		return errno;
	if (send(s, msg, sizeof(msg), 0) < 0)
		e = errno;
	else if (poll(&pfd, 1, 10000) != 1 || recv(fd, buf, sizeof(buf), 0) <= 0)
		e = EIO;
	close(s);
	return e;
}

static void class11(void)
{
	int afs[2], naf = 0, f, k;

	if (have_ip4)
		afs[naf++] = AF_INET;
	if (have_ip6)
		afs[naf++] = AF_INET6;
	if (!naf) {
		ktap_skip("no l2tp_ip in this mode", "class 11: concurrent binds of L2TPIP sockets");
		return;
	}
	for (f = 0; f < naf; f++) {
		struct tally t_one = TALLY_INIT, t_lose = TALLY_INIT;
		struct tally t_name = TALLY_INIT, t_many = TALLY_INIT;
		struct tally t_many_lose = TALLY_INIT, t_bc = TALLY_INIT;
		struct tally t_use = TALLY_INIT;
		const char *fam = afs[f] == AF_INET6 ? "IPv6" : "IPv4";
		int af = afs[f];
		struct budget b;

		for (budget_start(&b, 5, 10, 400); budget_next(&b);) {
			int mode = b.done % 3, wins = 0, winner = -1, s;
			uint32_t base = new_tid() + 100000;
			struct c11 c[4] = {};
			struct job j[4] = {};

			s = socket(af, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_L2TP);
			if (s < 0)
				die("L2TPIP socket: %s", strerror(errno));
			for (k = 0; k < 4; k++) {
				c[k].af = af;
				c[k].fd = s;
				switch (mode) {
				case 0:		/* one socket, 4 ids */
					c[k].conn = base + k;
					break;
				case 1:		/* 4 sockets, one id */
					c[k].conn = base;
					if (k)
						c[k].fd = socket(af, SOCK_DGRAM |
								 SOCK_CLOEXEC,
								 IPPROTO_L2TP);
					break;
				default:	/* binds and connects */
					c[k].conn = base + k;
					c[k].peer = base + 10;
					c[k].connect = k % 2;
					break;
				}
				j[k] = (struct job){ .fn = c11_bind, .arg = &c[k] };
			}
			jobs_shuffle(j, 4, 10000);
			jobs_run(j, 4);
			for (k = 0; k < 4; k++) {
				if (c[k].connect) {
					tally(&t_bc, c[k].err, ALLOW(0, EINVAL));
					continue;
				}
				if (!c[k].err) {
					wins++;
					winner = k;
				} else {
					tally(mode == 1 ? &t_many_lose : &t_lose,
					      c[k].err, mode == 1 ? ALLOW(EADDRINUSE) :
					      ALLOW(EINVAL));
				}
			}
			if (mode == 2)
				tally(&t_bc, wins == 1 ? 0 : EMLINK, ALLOW(0));
			else
				tally(mode == 1 ? &t_many : &t_one,
				      wins == 1 ? 0 : wins ? EMLINK : ENOENT,
				      ALLOW(0));
			if (winner >= 0)
				tally(&t_name, c11_bound_conn(c[winner].fd) ==
				      c[winner].conn ? 0 : EBADMSG, ALLOW(0));
			if (winner >= 0 && mode != 2 && b.done % 6 < 2)
				tally(&t_use, c11_usable(af, c[winner].fd,
							 c[winner].conn),
				      ALLOW(0));
			for (k = 0; k < 4; k++)
				if (k == 0 || (mode == 1 && c[k].fd >= 0))
					close(c[k].fd);
		}
		budget_diag(&b, "class 11");
		tally_check(&t_one, "class 11: %s: 4 threads bind one L2TPIP socket: exactly one succeeds", fam);
		tally_check(&t_lose, "class 11: %s: ... the others get EINVAL", fam);
		tally_check(&t_name, "class 11: %s: ... getsockname names the winner's connection id", fam);
		tally_check(&t_use, "class 11: %s: ... and the winner receives control frames for it", fam);
		tally_check(&t_many, "class 11: %s: 4 sockets bind one connection id at once: exactly one succeeds", fam);
		tally_check(&t_many_lose, "class 11: %s: ... the others get EADDRINUSE", fam);
		tally_check(&t_bc, "class 11: %s: binds racing connects on one socket: one bind wins, connect 0 or EINVAL", fam);
	}
}

/* =========================================================== class 21 */

static const char *const c21_mods[] = {
	"l2tp_core", "l2tp_netlink", "l2tp_eth", "l2tp_ppp", "l2tp_ip",
	"l2tp_ip6",
};

static void refcnts(char *buf, size_t len)
{
	char path[64], v[32];
	size_t off = 0;
	unsigned int i;
	FILE *f;

	buf[0] = 0;
	for (i = 0; i < ARRAY_SIZE(c21_mods); i++) {
		snprintf(path, sizeof(path), "/sys/module/%s/refcnt", c21_mods[i]);
		f = fopen(path, "r");
		if (!f || !fgets(v, sizeof(v), f))
			snprintf(v, sizeof(v), "-\n");
		if (f)
			fclose(f);
		v[strcspn(v, "\n")] = 0;
		off += snprintf(buf + off, len - off, "%s=%s ", c21_mods[i], v);
	}
}

static void lo_up(void)
{
	struct ifreq ifr = {};
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	snprintf(ifr.ifr_name, IFNAMSIZ, "lo");
	if (fd < 0 || ioctl(fd, SIOCGIFFLAGS, &ifr))
		_exit(3);
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr))
		_exit(3);
	close(fd);
}

/*
 * In a new namespace: tunnels of every kind with sessions, one of them
 * being deleted and one managed socket being closed as the process (and
 * with it the namespace) goes away.
 */
static void c21_victim(struct tally *t)
{
	struct l2tp_nl *nl;
	uint32_t t1, t2, t3, t4;
	int u, p, m, s[2], k;

	if (unshare(CLONE_NEWNET))
		_exit(2);
	lo_up();
	nl = nl_new();
	t1 = new_tid();
	t2 = new_tid();
	t3 = new_tid();
	t4 = new_tid();
	tally(t, nl_tunnel_create(nl, t1, 1, 3, L2TP_ENCAPTYPE_UDP, -1, AF_INET),
	      ALLOW(0));
	tally(t, nl_session_create(nl, t1, t1 * 64 + 1, L2TP_PWTYPE_ETH, NULL),
	      ALLOW(0));
	tally(t, nl_session_create(nl, t1, t1 * 64 + 2, L2TP_PWTYPE_PPP, NULL),
	      ALLOW(0));
	tally(t, nl_tunnel_create(nl, t2, 1, 3, L2TP_ENCAPTYPE_UDP, -1, AF_INET6),
	      ALLOW(0));
	tally(t, nl_session_create(nl, t2, t2 * 64 + 1, L2TP_PWTYPE_ETH, NULL),
	      ALLOW(0));
	udp_pair(AF_INET, &u, &p);
	m = px_socket();
	tally(t, px_connect(m, 2, u, t3, 1, 0, 0), ALLOW(0));
	for (k = 0; k < 2; k++) {
		s[k] = px_socket();
		tally(t, px_connect(s[k], 2, -1, t3, 1, k + 1, k + 1), ALLOW(0));
	}
	if (have_ip4) {
		tally(t, nl_tunnel_create(nl, t4, 1, 3, L2TP_ENCAPTYPE_IP, -1,
					  AF_INET), ALLOW(0));
		tally(t, nl_session_create(nl, t4, t4 * 64 + 1, L2TP_PWTYPE_ETH,
					   NULL), ALLOW(0));
	}
	/* Deletes in flight as the namespace dies. */
	close(u);
	tally(t, nl_key(nl, L2TP_CMD_TUNNEL_DELETE, t2, 0), ALLOW(0));
	_exit(0);
}

static void c21_exiter(struct tally *t, int rounds)
{
	int i, status;
	pid_t pid;

	for (i = 0; i < rounds; i++) {
		pid = fork();
		if (pid < 0)
			_exit(2);
		if (pid == 0)
			c21_victim(t);
		if (waitpid(pid, &status, 0) != pid || status)
			tally(t, ECHILD, ALLOW(0));
	}
	_exit(0);
}

static void class21(void)
{
	struct tally *t = tally_shared(1), t_del = TALLY_INIT;
	char base[256], now[256], prev[256];
	int rounds = 20 * scale, status, i, alive = 2, ndel = 0;
	pid_t pid[2];
	double end;

	if (rounds < 2)
		rounds = 2;
	/* Settle: nothing of the earlier classes may still be going. */
	refcnts(base, sizeof(base));
	for (i = 0; i < 20; i++) {
		msleep(500);
		refcnts(now, sizeof(now));
		if (!strcmp(now, base))
			break;
		strcpy(base, now);
	}
	ktap_diag("class 21: module refcounts before: %s", base);

	fflush(stdout);
	for (i = 0; i < 2; i++) {
		pid[i] = fork();
		if (pid[i] < 0)
			die("fork: %s", strerror(errno));
		if (pid[i] == 0)
			c21_exiter(t, rounds);
	}
	/* Meanwhile, tunnels come and go in this namespace. */
	while (alive) {
		uint32_t tid = new_tid();
		int u, p;

		udp_pair(AF_INET, &u, &p);
		tally(&t_del, nl_tunnel_create(NL, tid, 1, 3, L2TP_ENCAPTYPE_UDP,
					       ndel % 2 ? u : -1, AF_INET),
		      ALLOW(0));
		tally(&t_del, nl_session_create(NL, tid, tid * 64 + 1,
						L2TP_PWTYPE_PPP, NULL), ALLOW(0));
		tally(&t_del, nl_key(NL, L2TP_CMD_TUNNEL_DELETE, tid, 0), ALLOW(0));
		close(u);
		close(p);
		ndel++;
		for (i = 0; i < 2; i++) {
			if (pid[i] > 0 && waitpid(pid[i], &status, WNOHANG) == pid[i]) {
				if (status)
					tally(t, ECHILD, ALLOW(0));
				pid[i] = 0;
				alive--;
			}
		}
	}
	ktap_diag("class 21: %d namespaces made and destroyed, %d tunnels deleted meanwhile",
		  2 * rounds, ndel);
	tally_check(t, "class 21: namespaces with UDP%s tunnels, Ethernet and PPP sessions exit with deletes in flight",
		    have_ip4 ? ", IP" : "");
	tally_check(&t_del, "class 21: tunnels created and deleted in another namespace meanwhile");

	end = now_s() + 90;
	do {
		refcnts(now, sizeof(now));
		if (!strcmp(now, base))
			break;
		strcpy(prev, now);
		msleep(200);
	} while (now_s() < end);
	ktap_result(!strcmp(now, base), "class 21: module refcounts come back once the namespaces are gone");
	if (strcmp(now, base))
		ktap_diag("now: %s", now);
	tally(&t_del, nl_dump(NL, L2TP_CMD_TUNNEL_GET, NULL, NULL), ALLOW(0));
	munmap(t, sizeof(*t));
}

/* =============================================================== main */

static const struct {
	int id;
	void (*fn)(void);
} classes[] = {
	{ 10, class10 }, { 11, class11 }, { 9, class9 }, { 8, class8 },
	{ 1, class1 }, { 2, class2 }, { 3, class3 }, { 4, class4 },
	{ 5, class5 }, { 6, class6 }, { 7, class7 }, { 21, class21 },
};

int main(int argc, char **argv)
{
	bool want[32] = {}, any = false;
	unsigned int i;
	double t0;
	int o, n;

	while ((o = getopt(argc, argv, "iIs:")) != -1) {
		switch (o) {
		case 'i':
			have_ip4 = true;
			break;
		case 'I':
			have_ip6 = true;
			break;
		case 's':
			scale = atof(optarg);
			if (scale <= 0)
				die("bad scale");
			break;
		default:
			die("usage: l2tp_regress [-i] [-I] [-s SCALE] [CLASS...]");
		}
	}
	for (; optind < argc; optind++) {
		n = atoi(argv[optind]);
		if (n <= 0 || n >= 32)
			die("no class %s", argv[optind]);
		want[n] = any = true;
	}
	ours = ktap_ours = ktap_mode_is_ours();
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i <= MAX_JOBS; i++)
		nlp[i] = nl_new();
	ktap_diag("mode %s, l2tp_ip %s, l2tp_ip6 %s, scale %.2f",
		  ours ? "ours" : "stock", have_ip4 ? "yes" : "no",
		  have_ip6 ? "yes" : "no", scale);
	for (i = 0; i < ARRAY_SIZE(classes); i++) {
		if (any && !want[classes[i].id])
			continue;
		t0 = now_s();
		ktap_diag("---- class %d", classes[i].id);
		classes[i].fn();
		ktap_diag("---- class %d took %.1f s", classes[i].id, now_s() - t0);
	}
	return ktap_finish();
}
