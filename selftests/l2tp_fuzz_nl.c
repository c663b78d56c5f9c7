// SPDX-License-Identifier: GPL-2.0
/*
 * l2tp_fuzz_nl: a deterministic, multi-threaded fuzzer of the l2tp control
 * plane as userspace reaches it: the "l2tp" generic netlink family, the
 * PPPoL2TP sockets (AF_PPPOX/PX_PROTO_OL2TP), the L2TPIP sockets
 * (IPPROTO_L2TP over IPv4 and IPv6), the PPP channels they hand to
 * /dev/ppp, and, with --netns-churn, network namespaces that come and go
 * with tunnels, sessions and sockets in them.  test_fuzz_nl.sh runs it.
 *
 *   l2tp_fuzz_nl [--seed N] [--ops N] [--threads N] [--netns-churn]
 *		  [--replay-thread K|churn [--start M]] [--skip LIST]
 *		  [--log-dir DIR] [--watchdog SEC] [-v]
 *
 * Determinism.  The first line printed is always "# seed N" (--seed, else
 * $FUZZ_SEED, else the clock).  Worker K (0..threads-1) runs operations
 * 0, 1, 2, ... of its own stream; everything operation J of stream K
 * chooses (what to do, which attributes, ids, lengths, flags, which slot
 * of the thread's fd table) comes from a generator seeded by a hash of
 * (seed, K, J) alone, so a stream does not depend on how many threads
 * run or on what other streams did.  Only the outcomes do: which objects
 * exist, which fds other threads hold.  --ops is the total over the
 * workers (worker K takes an equal share); with --replay-thread K the
 * program runs stream K alone, single-threaded, operations --start ..
 * --start+--ops-1, which is the same sequence of operations that worker
 * K ran (-v prints each one and its result).  The netns churn thread is
 * stream "churn".  Anything unexpected is printed with the seed, the
 * stream and the operation index:
 *
 *   # anomaly: seed=S thread=K op=J [description]: what
 *
 * An anomaly is what the kernel must never do whatever it is sent: an
 * errno from the kernel-internal range (>= 512) reaching userspace, a
 * malformed netlink message, more bytes returned than the buffer holds,
 * non-zero padding in an address or a statistics block handed back.
 *
 * Nothing blocks: every socket is non-blocking, every send and receive
 * uses MSG_DONTWAIT, netlink replies are read until the socket is empty
 * (the kernel answers a request before sendto() returns).  A watchdog
 * ends the program with status 2 and the op indices in flight when one
 * operation runs for longer than --watchdog seconds (default 60), or no
 * thread completes one for that long.
 *
 * Output: "# seed", then anomalies and slow operations as they happen,
 * then a summary: operations per second, and for each kind of operation
 * the number of calls and the histogram of their outcomes (ok, errno
 * names, "none" for a netlink request nothing answered), and the line
 * "# result: ops=N seconds=S ops_per_s=R anomalies=A netns=R".  Exit
 * status 0 when every operation ran, 1 on an internal error, 2 on a hang.
 * The fuzzer's real verdict is the kernel's: splats, leaks and hangs,
 * which the test harness checks.
 *
 * --log-dir DIR: each thread writes every operation to DIR/<thread>.log
 * before running it (with a CLOCK_MONOTONIC timestamp, comparable to
 * dmesg's) and its result after, keeping the last 20000 to 40000 lines
 * (DIR/<thread>.log.old holds the previous batch), so that a kernel
 * splat can be matched with the operations in flight.
 *
 * --skip LIST: comma-separated operation names (see "ops" in the usage
 * text) never to choose; this changes the streams.
 *
 * --stall K:J: stream K (a number or "churn") stops for good before its
 * operation J; only to see the watchdog work.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <linux/if_pppol2tp.h>
#include <linux/if_pppox.h>
#include <linux/netlink.h>
#include <linux/ppp-ioctl.h>
#include <linux/sockios.h>

#include "l2tp_test.h"

#ifndef IPPROTO_L2TP
#define IPPROTO_L2TP	115
#endif
#ifndef SOL_PPPOL2TP
#define SOL_PPPOL2TP	273
#endif
#ifndef UDP_ENCAP
#define UDP_ENCAP	100
#endif
#ifndef MSG_PROBE
#define MSG_PROBE	0x10	/* not in the libc headers */
#endif
#ifndef SOL_NETLINK
#define SOL_NETLINK	270
#endif

#define MAX_WORKERS	32
#define CHURN_STREAM	1000		/* the netns churn thread's stream */
#define NSLOTS		24		/* fd table entries per thread */
#define TX_SIZE		(64 * 1024)
#define RX_SIZE		(64 * 1024)
#define DATA_SIZE	(200 * 1024)	/* payloads, up to 3 x 64 KiB */
#define LOG_ROTATE	20000		/* operations per log file */
#define SLOW_NS		(10LL * 1000000000)
#define MAX_ANOMALY_LINES 100

#define BIT(n)		(1u << (n))

/* ---------------------------------------------------------------- PRNG */

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

static uint64_t g_seed;

/* The generator state for operation @op of stream @stream. */
static uint64_t op_seed(int stream, uint64_t op)
{
	return mix64(g_seed ^ mix64(((uint64_t)stream << 40) + op + 1));
}

/* ------------------------------------------------------------- options */

static uint64_t opt_ops = 20000;
static int opt_threads = 4;
static bool opt_churn;
static int opt_replay = -1;		/* stream to replay, or -1 */
static uint64_t opt_start;
static bool opt_verbose;
static const char *opt_logdir;
static int opt_watchdog = 60;
static int opt_stall_stream = -1;	/* --stall: tests the watchdog */
static uint64_t opt_stall_op;

/* ------------------------------------------------------- global state */

static uint16_t g_family;		/* l2tp genl family id */
static uint32_t g_mcgrp;		/* its multicast group */
static int g_home_ns = -1;		/* the netns the program started in */
static int g_scratch_ns = -1;		/* a second netns for foreign sockets */
static int g_churn_ns = -1;		/* the churn thread's current netns */
static pthread_mutex_t g_churn_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_int g_fds[(MAX_WORKERS + 1) * NSLOTS];	/* every table's fds */
static atomic_uint_fast64_t g_progress;
static atomic_uint g_anomalies;
static atomic_bool g_workers_done;
static atomic_uint g_netns_rounds;
static pthread_mutex_t g_out_lock = PTHREAD_MUTEX_INITIALIZER;

static void die(const char *fmt, ...) __printf(1, 2);
static void die(const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&g_out_lock);
	fflush(stdout);
	fputs("l2tp_fuzz_nl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	printf("# internal error, seed=%" PRIu64 "\n", g_seed);
	fflush(stdout);
	_exit(1);
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* ------------------------------------------------------- outcome keys */

/* What the histograms are kept by: a group and an entry in it. */
enum {
	G_NL, G_DUMP, G_MCAST, G_SOCKET, G_BIND, G_CONNECT, G_SEND, G_RECV,
	G_SETOPT, G_GETOPT, G_GETNAME, G_SHUTDOWN, G_DUP, G_CLOSE, G_IOCTL,
	G_PPP, G_NETNS, NGROUPS
};
#define NSUB	32
#define NERR	136	/* 0 ok, errnos 1..133, 134 bigger, 135 no answer */
#define E_BIG	134
#define E_NONE	135

static const char *const group_names[NGROUPS] = {
	"nl", "dump", "mcast", "socket", "bind", "connect", "send", "recv",
	"setsockopt", "getsockopt", "getname", "shutdown", "dup", "close",
	"ioctl", "ppp", "netns",
};

/* fd table entries; F_FOREIGN marks a socket of another netns. */
enum fkind {
	FK_NONE, FK_PPPOX, FK_IP4, FK_IP6, FK_UDP4, FK_UDP6, FK_REUSE,
	FK_TCP, FK_UNIX, FK_NLDUMP, FK_NLMCAST, FK_PPPCHAN, FK_PPPUNIT,
	NKINDS
};

static const char *const kind_names[NKINDS] = {
	"none", "pppox", "l2tpip4", "l2tpip6", "udp4", "udp6", "udp-reuseport",
	"tcp", "unix", "nl-dump", "nl-mcast", "ppp-chan", "ppp-unit",
};

#define K_SOCKETS	(BIT(FK_PPPOX) | BIT(FK_IP4) | BIT(FK_IP6) |	\
			 BIT(FK_UDP4) | BIT(FK_UDP6) | BIT(FK_REUSE) |	\
			 BIT(FK_TCP) | BIT(FK_UNIX))
#define K_UDP		(BIT(FK_UDP4) | BIT(FK_UDP6) | BIT(FK_REUSE))
#define K_L2TPIP	(BIT(FK_IP4) | BIT(FK_IP6))
#define K_PPPDEV	(BIT(FK_PPPCHAN) | BIT(FK_PPPUNIT))

#define F_FOREIGN	0x01	/* made in another netns */
#define F_TUNNEL	0x02	/* a tunnel was made over it */

static const char *const cmd_names[] = {
	"NOOP", "TUNNEL_CREATE", "TUNNEL_DELETE", "TUNNEL_MODIFY",
	"TUNNEL_GET", "SESSION_CREATE", "SESSION_DELETE", "SESSION_MODIFY",
	"SESSION_GET", "other",
};

/* ioctls issued on sockets; "random" is a random 't' command, pppox only. */
struct ioctl_def {
	const char *name;
	unsigned long cmd;
};

static const struct ioctl_def ioctls[] = {
	{ "PPPIOCGCHAN", PPPIOCGCHAN },
	{ "PPPIOCGUNIT", PPPIOCGUNIT },
	{ "PPPIOCGL2TPSTATS", PPPIOCGL2TPSTATS },
	{ "SIOCGIFMTU", SIOCGIFMTU },
	{ "SIOCSIFMTU", SIOCSIFMTU },
	{ "PPPIOCGMRU", PPPIOCGMRU },
	{ "PPPIOCSMRU", PPPIOCSMRU },
	{ "PPPIOCGFLAGS", PPPIOCGFLAGS },
	{ "PPPIOCSFLAGS", PPPIOCSFLAGS },
	{ "SIOCINQ", SIOCINQ },
	{ "SIOCOUTQ", SIOCOUTQ },
	{ "random", 0 },
};

static const char *const ppp_names[] = {
	"attach-channel", "new-unit", "connect-unit", "write", "read",
	"ioctl",
};

static const char *const netns_names[] = {
	"round", "unshare", "setns",
};

static const char *sub_name(int g, int s, char *buf, size_t len)
{
	switch (g) {
	case G_NL:
		return cmd_names[s];
	case G_DUMP:
		if (s <= 9)
			return cmd_names[s];
		return s == 10 ? "resume" : "close-mid-dump";
	case G_MCAST:
		return s ? "read" : "open";
	case G_IOCTL:
		return ioctls[s].name;
	case G_PPP:
		return ppp_names[s];
	case G_NETNS:
		return netns_names[s];
	default:
		snprintf(buf, len, "%s%s", s >= 16 ? "foreign-" : "",
			 kind_names[s % 16]);
		return buf;
	}
}

/* ------------------------------------------------------ thread context */

struct fent {
	int fd;
	uint8_t kind;
	uint8_t flags;
};

struct fz {
	int stream;
	int gbase;			/* this thread's part of g_fds */
	uint64_t op;
	uint64_t rng;
	int mut;			/* mutation rate of this message, % */
	int fd_slot;			/* slot of the last L2TP_ATTR_FD, or -1 */
	int nl, nl_foreign;		/* genl sockets: home and scratch netns */
	int home_ns;			/* where this thread's sockets live */
	uint32_t seq;
	struct fent fds[NSLOTS];
	int closed[8];			/* recently closed fd numbers */
	unsigned int nclosed;
	uint8_t *tx, *rx, *data;
	uint32_t (*hist)[NERR];		/* [NGROUPS * NSUB][NERR] */
	const uint16_t *weights;
	char desc[480];
	int dlen;
	int logfd;
	char logpath[PATH_MAX];
	uint64_t nops, start, done_ops;
	uint64_t op_calls[32], op_ns[32];	/* per op_defs entry */
	atomic_uint_fast64_t cur_op;
	atomic_int_fast64_t op_t0;
	atomic_bool done;
	int64_t t_begin, t_end;
	pthread_t th;
};

static struct fz *g_threads[MAX_WORKERS + 1];
static int g_nthreads;

static uint64_t rnext(struct fz *z)
{
	z->rng += 0x9e3779b97f4a7c15ULL;
	return mix64(z->rng);
}

static uint32_t rnd(struct fz *z, uint32_t n)
{
	return n ? rnext(z) % n : 0;
}

static bool chance(struct fz *z, int pct)
{
	return (int)rnd(z, 100) < pct;
}

static void rfill(struct fz *z, void *p, size_t len)
{
	uint8_t *b = p;
	uint64_t v;

	while (len >= 8) {
		v = rnext(z);
		memcpy(b, &v, 8);
		b += 8;
		len -= 8;
	}
	v = rnext(z);
	memcpy(b, &v, len);
}

static const char *stream_name(int stream, char *buf, size_t len)
{
	if (stream == CHURN_STREAM)
		return "churn";
	snprintf(buf, len, "%d", stream);
	return buf;
}

/* Append to the description of the current operation. */
static void dsc(struct fz *z, const char *fmt, ...) __printf(2, 3);
static void dsc(struct fz *z, const char *fmt, ...)
{
	int room = (int)sizeof(z->desc) - z->dlen;
	va_list ap;
	int n;

	if (room <= 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(z->desc + z->dlen, room, fmt, ap);
	va_end(ap);
	z->dlen += n < room ? n : room - 1;
}

static void log_line(struct fz *z, const char *s)
{
	char sn[16];
	struct timespec ts;
	char line[600];
	int n;

	if (z->logfd < 0 && !opt_verbose)
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	n = snprintf(line, sizeof(line), "[%5ld.%06ld] %s/%" PRIu64 " %s\n",
		     (long)ts.tv_sec, ts.tv_nsec / 1000,
		     stream_name(z->stream, sn, sizeof(sn)), z->op, s);
	if (n >= (int)sizeof(line))
		n = sizeof(line) - 1;
	if (z->logfd >= 0 && write(z->logfd, line, n) < 0)
		die("log: %s", strerror(errno));
	if (opt_verbose) {
		pthread_mutex_lock(&g_out_lock);
		fwrite(line, 1, n, stdout);
		pthread_mutex_unlock(&g_out_lock);
	}
}

/* Called once the operation's arguments are known, before its syscalls. */
static void begin(struct fz *z)
{
	log_line(z, z->desc);
}

static void anomaly(struct fz *z, const char *fmt, ...) __printf(2, 3);
static void anomaly(struct fz *z, const char *fmt, ...)
{
	unsigned int n = atomic_fetch_add(&g_anomalies, 1);
	char sn[16], what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (n >= MAX_ANOMALY_LINES)
		return;
	pthread_mutex_lock(&g_out_lock);
	printf("# anomaly: seed=%" PRIu64 " thread=%s op=%" PRIu64
	       " [%s]: %s\n", g_seed, stream_name(z->stream, sn, sizeof(sn)),
	       z->op, z->desc, what);
	fflush(stdout);
	pthread_mutex_unlock(&g_out_lock);
	log_line(z, what);
}

static const char *err_name(int e, char *buf, size_t len)
{
	const char *n;

	if (e == 0)
		return "ok";
	if (e == E_NONE)
		return "none";
	if (e == E_BIG)
		return "other";
	n = strerrorname_np(e);
	if (n)
		return n;
	snprintf(buf, len, "E%d", e);
	return buf;
}

/* Count the outcome of an operation: 0, a positive errno, or -1 when
 * nothing answered.
 */
static void rec(struct fz *z, int g, int sub, int err)
{
	char b[16], line[64];
	int bucket;

	if (err >= 512)
		anomaly(z, "kernel-internal errno %d reached userspace", err);
	if (err < 0)
		bucket = E_NONE;
	else if (err >= E_BIG)
		bucket = E_BIG;
	else
		bucket = err;
	z->hist[g * NSUB + sub][bucket]++;
	if (z->logfd >= 0 || opt_verbose) {
		snprintf(line, sizeof(line), "  = %s",
			 err < 0 ? "none" : err_name(err, b, sizeof(b)));
		log_line(z, line);
	}
}

/* 0 or the errno of a system call's result. */
static int sret(long r)
{
	return r < 0 ? errno : 0;
}

/* ------------------------------------------------------------ fd table */

static void slot_set(struct fz *z, int s, int fd, int kind, int flags)
{
	z->fds[s].fd = fd;
	z->fds[s].kind = kind;
	z->fds[s].flags = flags;
	atomic_store(&g_fds[z->gbase + s], fd);
}

static void slot_close(struct fz *z, int s)
{
	struct fent *e = &z->fds[s];
	int kind = e->kind + (e->flags & F_FOREIGN ? 16 : 0);
	int fd = e->fd;

	if (fd < 0)
		return;
	atomic_store(&g_fds[z->gbase + s], -1);
	e->fd = -1;
	e->kind = FK_NONE;
	e->flags = 0;
	rec(z, G_CLOSE, kind, sret(close(fd)));
	z->closed[z->nclosed++ % ARRAY_SIZE(z->closed)] = fd;
}

/* A slot whose entry is one of @kinds with @flags, searched from a random
 * start; -1 if none.
 */
static int find_slot(struct fz *z, uint32_t kinds, int flags)
{
	unsigned int start = rnd(z, NSLOTS), i;

	for (i = 0; i < NSLOTS; i++) {
		struct fent *e = &z->fds[(start + i) % NSLOTS];

		if (e->fd >= 0 && (kinds & BIT(e->kind)) &&
		    (e->flags & flags) == flags)
			return (start + i) % NSLOTS;
	}
	return -1;
}

/* A slot for a new fd: a random one, closing what it held. */
static int free_slot(struct fz *z)
{
	int s = rnd(z, NSLOTS);

	slot_close(z, s);
	return s;
}

static void close_all(struct fz *z)
{
	int order[NSLOTS], i, j, t;

	for (i = 0; i < NSLOTS; i++)
		order[i] = i;
	for (i = NSLOTS - 1; i > 0; i--) {
		j = rnd(z, i + 1);
		t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	for (i = 0; i < NSLOTS; i++)
		slot_close(z, order[i]);
}

/* -------------------------------------------------------- netns moves */

static void enter_ns(int fd)
{
	if (setns(fd, CLONE_NEWNET))
		die("setns: %s", strerror(errno));
}

/* Bring lo up in the calling thread's netns. */
static void lo_up(void)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return;
	if (!ioctl(fd, SIOCGIFFLAGS, &ifr)) {
		ifr.ifr_flags |= IFF_UP;
		ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	close(fd);
}

/* A netns other than @z's own for a foreign socket: the scratch one, the
 * churn thread's current one, or home (for the churn thread); a new fd
 * the caller closes, or -1.
 */
static int foreign_ns(struct fz *z)
{
	int fd = -1;

	if (chance(z, 30)) {
		if (z->stream == CHURN_STREAM) {
			fd = dup(g_home_ns);
		} else {
			pthread_mutex_lock(&g_churn_lock);
			if (g_churn_ns >= 0)
				fd = dup(g_churn_ns);
			pthread_mutex_unlock(&g_churn_lock);
		}
	}
	if (fd < 0)
		fd = dup(g_scratch_ns);
	return fd;
}

/* ------------------------------------------------------- value pools */

/* Ids: boundaries, small ones that collide, random ones. */
static uint32_t rid(struct fz *z)
{
	static const uint32_t bound[] = {
		0, 1, 0xffff, 0x10000, 0xffffffff, 0xfffe, 0x7fffffff,
	};
	int r = rnd(z, 100);

	if (r < 65)
		return 1 + rnd(z, 8);
	if (r < 88)
		return bound[rnd(z, ARRAY_SIZE(bound))];
	if (r < 95)
		return 1 + rnd(z, 64);
	return (uint32_t)rnext(z);
}

static uint16_t pick_port(struct fz *z)
{
	int r = rnd(z, 100);

	if (r < 82)
		return 17000 + rnd(z, 12);
	if (r < 88)
		return 0;
	if (r < 93)
		return 1701;
	return rnext(z);
}

/* An IPv4 address, network order. */
static uint32_t pick_ip4(struct fz *z)
{
	int r = rnd(z, 100);

	if (r < 72)
		return htonl(INADDR_LOOPBACK);
	if (r < 80)
		return htonl(0x7f000002);
	if (r < 86)
		return 0;
	if (r < 90)
		return htonl(0x0a010203);
	if (r < 93)
		return htonl(0xe0000001);
	if (r < 95)
		return htonl(INADDR_BROADCAST);
	return rnext(z);
}

static void pick_ip6(struct fz *z, struct in6_addr *a)
{
	int r = rnd(z, 100);

	memset(a, 0, sizeof(*a));
	if (r < 72) {
		a->s6_addr[15] = 1;
	} else if (r < 80) {
		/* :: */
	} else if (r < 85) {
		a->s6_addr[0] = 0xff;
		a->s6_addr[1] = 0x02;
		a->s6_addr[15] = 1;
	} else if (r < 90) {
		a->s6_addr[0] = 0xfe;
		a->s6_addr[1] = 0x80;
		a->s6_addr[15] = 1;
	} else if (r < 95) {
		a->s6_addr[10] = 0xff;
		a->s6_addr[11] = 0xff;
		a->s6_addr[12] = 127;
		a->s6_addr[15] = 1;
	} else {
		rfill(z, a, sizeof(*a));
	}
}

/* An fd to hand over as a tunnel socket (L2TP_ATTR_FD, the fd of a
 * pppol2tp address): a socket of the table, the pppox socket's own fd
 * (@self), a closed one, another thread's, a random number.  *slotp: the
 * table slot it came from, or -1.
 */
static int pick_fd(struct fz *z, int self, int *slotp)
{
	static const int odd[] = { -1, 0, 1, 2, INT_MAX, INT_MIN, 1023 };
	int r = rnd(z, 100), s = -1, fd;

	if (slotp)
		*slotp = -1;
	if (r < 6 && self >= 0)
		return self;
	if (r < 32)
		s = find_slot(z, BIT(FK_UDP4) | BIT(FK_UDP6), 0);
	else if (r < 42)
		s = find_slot(z, K_L2TPIP, 0);
	else if (r < 46)
		s = find_slot(z, BIT(FK_PPPOX), 0);
	else if (r < 51)
		s = find_slot(z, BIT(FK_TCP), 0);
	else if (r < 56)
		s = find_slot(z, BIT(FK_UNIX), 0);
	else if (r < 61)
		s = find_slot(z, BIT(FK_REUSE), 0);
	else if (r < 70)
		s = find_slot(z, K_UDP | K_L2TPIP, F_TUNNEL);
	else if (r < 77)
		s = find_slot(z, K_SOCKETS, F_FOREIGN);
	if (s >= 0) {
		if (slotp)
			*slotp = s;
		return z->fds[s].fd;
	}
	r = rnd(z, 100);
	if (r < 30)
		return z->closed[rnd(z, ARRAY_SIZE(z->closed))];
	if (r < 55) {
		fd = atomic_load(&g_fds[rnd(z, ARRAY_SIZE(g_fds))]);
		return fd >= 0 ? fd : (int)rnd(z, 256);
	}
	if (r < 65)
		return z->nl;
	if (r < 80)
		return odd[rnd(z, ARRAY_SIZE(odd))];
	return rnd(z, 512);
}

/* -------------------------------------------------- netlink messages */

static struct nlmsghdr *nl_msg(struct fz *z, size_t off, int cmd,
			       uint16_t flags, int version)
{
	struct nlmsghdr *nlh = (void *)(z->tx + off);
	struct genlmsghdr *g = (void *)(nlh + 1);

	memset(nlh, 0, NLMSG_HDRLEN + GENL_HDRLEN);
	nlh->nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN;
	nlh->nlmsg_type = g_family;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = ++z->seq;
	g->cmd = cmd;
	g->version = version;
	return nlh;
}

/* Append an attribute; false if the buffer is full. */
static bool nla_add(struct fz *z, struct nlmsghdr *nlh, uint16_t type,
		    const void *data, size_t len)
{
	size_t off = NLMSG_ALIGN(nlh->nlmsg_len);
	size_t used = (uint8_t *)nlh - z->tx;
	struct nlattr *a;

	if (len > 0xffff - NLA_HDRLEN)
		len = 0xffff - NLA_HDRLEN;
	if (used + off + NLA_ALIGN(NLA_HDRLEN + len) > TX_SIZE)
		return false;
	a = (void *)((uint8_t *)nlh + off);
	a->nla_len = NLA_HDRLEN + len;
	a->nla_type = type;
	if (len)
		memcpy((uint8_t *)a + NLA_HDRLEN, data, len);
	memset((uint8_t *)a + NLA_HDRLEN + len, 0,
	       NLA_ALIGN(NLA_HDRLEN + len) - NLA_HDRLEN - len);
	nlh->nlmsg_len = off + NLA_ALIGN(NLA_HDRLEN + len);
	return true;
}

/* The attribute type, now and then with a flag bit it should not have. */
static uint16_t atype(struct fz *z, uint16_t t)
{
	if (z->mut && chance(z, z->mut / 4))
		t |= rnd(z, 2) ? NLA_F_NESTED : NLA_F_NET_BYTEORDER;
	return t;
}

/* A number of @natural bytes, or with a wrong length or value. */
static void put_num(struct fz *z, struct nlmsghdr *nlh, uint16_t type,
		    size_t natural, uint64_t v)
{
	static const uint8_t lens[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 12, 16 };
	uint8_t b[16];
	size_t len = natural;

	rfill(z, b, sizeof(b));
	if (z->mut && chance(z, z->mut)) {
		len = lens[rnd(z, ARRAY_SIZE(lens))];
		if (chance(z, 50))
			v = rnext(z);
	}
	memcpy(b, &v, len < 8 ? len : 8);
	nla_add(z, nlh, atype(z, type), b, len);
}

static void put_bin(struct fz *z, struct nlmsghdr *nlh, uint16_t type,
		    const void *p, size_t len)
{
	uint8_t b[64];

	if (z->mut && chance(z, z->mut)) {
		rfill(z, b, sizeof(b));
		memcpy(b, p, len < sizeof(b) ? len : sizeof(b));
		len = rnd(z, 2) ? rnd(z, len + 1) : len + 1 + rnd(z, 16);
		if (len > sizeof(b))
			len = sizeof(b);
		p = b;
	}
	nla_add(z, nlh, atype(z, type), p, len);
}

static void put_flag(struct fz *z, struct nlmsghdr *nlh, uint16_t type)
{
	uint8_t b[8];

	rfill(z, b, sizeof(b));
	nla_add(z, nlh, atype(z, type), b,
		z->mut && chance(z, z->mut) ? 1 + rnd(z, 8) : 0);
}

/* An interface name: a pool that collides, the 15-byte limit and past
 * it, empty, unterminated, patterns, garbage.  Returns the length to
 * send (the NUL included when there is one).
 */
static size_t gen_ifname(struct fz *z, char *b, size_t cap)
{
	int r = rnd(z, 100);
	size_t n;

	if (r < 55) {
		n = snprintf(b, cap, "fz%u", rnd(z, 8));
	} else if (r < 65) {
		n = snprintf(b, cap, "l2tpeth%u", rnd(z, 6));
	} else if (r < 69) {
		n = snprintf(b, cap, "fz%%d");
	} else if (r < 74) {
		n = 15;
		memset(b, 'a' + rnd(z, 3), n);
	} else if (r < 79) {
		n = 16;
		memset(b, 'q', n);
	} else if (r < 84) {
		n = 17 + rnd(z, 300);
		memset(b, 'z', n);
	} else if (r < 87) {
		n = 0;
	} else if (r < 89) {
		n = snprintf(b, cap, "lo");
	} else if (r < 91) {
		n = snprintf(b, cap, "..");
	} else if (r < 93) {
		n = snprintf(b, cap, "fz%%d%%d");
	} else {
		n = 1 + rnd(z, 20);
		rfill(z, b, n);
	}
	b[n] = 0;
	if (chance(z, 95))
		n++;		/* the NUL */
	return n;
}

static uint16_t pick_pw(struct fz *z)
{
	static const uint16_t odd[] = { 0, 4, 8, 0xb, 12, 0xffff, 1 };
	int r = rnd(z, 100);

	if (r < 48)
		return L2TP_PWTYPE_ETH;
	if (r < 90)
		return L2TP_PWTYPE_PPP;
	return odd[rnd(z, ARRAY_SIZE(odd))];
}

static uint8_t pick_bool8(struct fz *z)
{
	return chance(z, 85) ? rnd(z, 2) : rnext(z);
}

static void put_stats_nest(struct fz *z, struct nlmsghdr *nlh)
{
	size_t off = NLMSG_ALIGN(nlh->nlmsg_len);
	int n = rnd(z, 6), i;
	struct nlattr *a;

	if (!nla_add(z, nlh, L2TP_ATTR_STATS | (chance(z, 70) ?
			     NLA_F_NESTED : 0), NULL, 0))
		return;
	for (i = 0; i < n; i++)
		put_num(z, nlh, rnd(z, 13), 8, rnext(z));
	a = (void *)((uint8_t *)nlh + off);
	a->nla_len = nlh->nlmsg_len - off;
}

/* One attribute of @type (any number, the 35 known ones and others),
 * with a plausible value for it.
 */
static void put_attr(struct fz *z, struct nlmsghdr *nlh, int type)
{
	static const uint64_t timeouts[] = {
		0, 1, 10, 100, 1000, 60000, 0xffffffffULL, ~0ULL,
	};
	char name[512];
	uint8_t b[64];
	struct in6_addr a6;
	size_t n;

	switch (type) {
	case L2TP_ATTR_CONN_ID:
	case L2TP_ATTR_PEER_CONN_ID:
	case L2TP_ATTR_SESSION_ID:
	case L2TP_ATTR_PEER_SESSION_ID:
		put_num(z, nlh, type, 4, rid(z));
		break;
	case L2TP_ATTR_PW_TYPE:
		put_num(z, nlh, type, 2, pick_pw(z));
		break;
	case L2TP_ATTR_ENCAP_TYPE:
		put_num(z, nlh, type, 2, chance(z, 92) ? rnd(z, 2) :
			(uint16_t)rnext(z));
		break;
	case L2TP_ATTR_PROTO_VERSION:
		put_num(z, nlh, type, 1, chance(z, 92) ? 2 + rnd(z, 2) :
			rnd(z, 256));
		break;
	case L2TP_ATTR_L2SPEC_TYPE:
	case L2TP_ATTR_RECV_SEQ:
	case L2TP_ATTR_SEND_SEQ:
	case L2TP_ATTR_LNS_MODE:
	case L2TP_ATTR_UDP_CSUM:
	case L2TP_ATTR_USING_IPSEC:
	case L2TP_ATTR_DATA_SEQ:
		put_num(z, nlh, type, 1, pick_bool8(z));
		break;
	case L2TP_ATTR_L2SPEC_LEN:
		put_num(z, nlh, type, 1, chance(z, 80) ? 4 : rnd(z, 256));
		break;
	case L2TP_ATTR_IFNAME:
		n = gen_ifname(z, name, sizeof(name));
		nla_add(z, nlh, atype(z, type), name, n);
		break;
	case L2TP_ATTR_COOKIE:
	case L2TP_ATTR_PEER_COOKIE:
		rfill(z, b, sizeof(b));
		switch (rnd(z, 6)) {
		case 0: n = 0; break;
		case 1: n = 4; break;
		case 2: n = 8; break;
		case 3: n = 1 + rnd(z, 8); break;
		case 4: n = 9 + rnd(z, 40); break;
		default: n = rnd(z, 2) ? 4 : 8; break;
		}
		nla_add(z, nlh, atype(z, type), b, n);
		break;
	case L2TP_ATTR_RECV_TIMEOUT:
		put_num(z, nlh, type, 8, chance(z, 80) ?
			timeouts[rnd(z, ARRAY_SIZE(timeouts))] : rnext(z));
		break;
	case L2TP_ATTR_FD:
		put_num(z, nlh, type, 4, (uint32_t)pick_fd(z, -1, &z->fd_slot));
		break;
	case L2TP_ATTR_IP_SADDR:
	case L2TP_ATTR_IP_DADDR:
		put_num(z, nlh, type, 4, pick_ip4(z));
		break;
	case L2TP_ATTR_UDP_SPORT:
	case L2TP_ATTR_UDP_DPORT:
		put_num(z, nlh, type, 2, pick_port(z));
		break;
	case L2TP_ATTR_IP6_SADDR:
	case L2TP_ATTR_IP6_DADDR:
		pick_ip6(z, &a6);
		put_bin(z, nlh, type, &a6, sizeof(a6));
		break;
	case L2TP_ATTR_UDP_ZERO_CSUM6_TX:
	case L2TP_ATTR_UDP_ZERO_CSUM6_RX:
		put_flag(z, nlh, type);
		break;
	case L2TP_ATTR_STATS:
		put_stats_nest(z, nlh);
		break;
	case L2TP_ATTR_PAD:
		memset(b, 0, 8);
		nla_add(z, nlh, type, b, rnd(z, 3) ? 0 : rnd(z, 9));
		break;
	case L2TP_ATTR_DEBUG:
		put_num(z, nlh, type, 4, chance(z, 50) ? rnd(z, 16) : rnext(z));
		break;
	case L2TP_ATTR_OFFSET:
	case L2TP_ATTR_VLAN_ID:
	case L2TP_ATTR_MTU:
	case L2TP_ATTR_MRU:
		put_num(z, nlh, type, 2, chance(z, 50) ? 1500 - rnd(z, 100) :
			(uint16_t)rnext(z));
		break;
	default:
		n = rnd(z, 33);
		rfill(z, b, n);
		nla_add(z, nlh, type, b, n);
		break;
	}
}

/* Any attribute type: mostly the known ones, some 0 and unknown ones. */
static void put_random_attr(struct fz *z, struct nlmsghdr *nlh)
{
	int r = rnd(z, 100), type;

	if (r < 80)
		type = 1 + rnd(z, L2TP_ATTR_MAX);
	else if (r < 85)
		type = 0;
	else if (r < 95)
		type = L2TP_ATTR_MAX + 1 + rnd(z, 30);
	else
		type = rnd(z, NLA_TYPE_MASK + 1);
	put_attr(z, nlh, type);
}

/* @type with probability @pct (missing required attributes included). */
static void maybe(struct fz *z, struct nlmsghdr *nlh, int type, int pct)
{
	if (chance(z, pct))
		put_attr(z, nlh, type);
}

static void build_tunnel_create(struct fz *z, struct nlmsghdr *nlh)
{
	int r;

	maybe(z, nlh, L2TP_ATTR_CONN_ID, 97);
	maybe(z, nlh, L2TP_ATTR_PEER_CONN_ID, 95);
	maybe(z, nlh, L2TP_ATTR_PROTO_VERSION, 96);
	maybe(z, nlh, L2TP_ATTR_ENCAP_TYPE, 96);
	r = rnd(z, 100);
	if (r < 40) {
		put_attr(z, nlh, L2TP_ATTR_FD);
	} else if (r < 70) {
		maybe(z, nlh, L2TP_ATTR_IP_SADDR, 95);
		maybe(z, nlh, L2TP_ATTR_IP_DADDR, 95);
	} else if (r < 92) {
		maybe(z, nlh, L2TP_ATTR_IP6_SADDR, 95);
		maybe(z, nlh, L2TP_ATTR_IP6_DADDR, 95);
		maybe(z, nlh, L2TP_ATTR_UDP_ZERO_CSUM6_TX, 30);
		maybe(z, nlh, L2TP_ATTR_UDP_ZERO_CSUM6_RX, 30);
	} else {
		/* both families, or one address of each */
		maybe(z, nlh, L2TP_ATTR_IP_SADDR, 70);
		maybe(z, nlh, L2TP_ATTR_IP6_DADDR, 70);
		maybe(z, nlh, L2TP_ATTR_IP6_SADDR, 50);
		maybe(z, nlh, L2TP_ATTR_IP_DADDR, 50);
		maybe(z, nlh, L2TP_ATTR_FD, 30);
	}
	if (r >= 40) {
		maybe(z, nlh, L2TP_ATTR_UDP_SPORT, 85);
		maybe(z, nlh, L2TP_ATTR_UDP_DPORT, 85);
	}
	maybe(z, nlh, L2TP_ATTR_UDP_CSUM, 20);
	maybe(z, nlh, L2TP_ATTR_DEBUG, 10);
	maybe(z, nlh, L2TP_ATTR_MTU, 5);
}

static void build_session_create(struct fz *z, struct nlmsghdr *nlh)
{
	maybe(z, nlh, L2TP_ATTR_CONN_ID, 97);
	maybe(z, nlh, L2TP_ATTR_SESSION_ID, 96);
	maybe(z, nlh, L2TP_ATTR_PEER_SESSION_ID, 95);
	maybe(z, nlh, L2TP_ATTR_PW_TYPE, 96);
	maybe(z, nlh, L2TP_ATTR_L2SPEC_TYPE, 60);
	maybe(z, nlh, L2TP_ATTR_L2SPEC_LEN, 50);
	maybe(z, nlh, L2TP_ATTR_COOKIE, 30);
	maybe(z, nlh, L2TP_ATTR_PEER_COOKIE, 30);
	maybe(z, nlh, L2TP_ATTR_IFNAME, 30);
	maybe(z, nlh, L2TP_ATTR_RECV_SEQ, 25);
	maybe(z, nlh, L2TP_ATTR_SEND_SEQ, 25);
	maybe(z, nlh, L2TP_ATTR_LNS_MODE, 20);
	maybe(z, nlh, L2TP_ATTR_RECV_TIMEOUT, 20);
	maybe(z, nlh, L2TP_ATTR_MTU, 10);
	maybe(z, nlh, L2TP_ATTR_MRU, 5);
	maybe(z, nlh, L2TP_ATTR_VLAN_ID, 5);
	maybe(z, nlh, L2TP_ATTR_OFFSET, 5);
	maybe(z, nlh, L2TP_ATTR_DATA_SEQ, 5);
	maybe(z, nlh, L2TP_ATTR_DEBUG, 5);
}

/* A session by ids, by name, by both or by neither. */
static void build_session_key(struct fz *z, struct nlmsghdr *nlh)
{
	int r = rnd(z, 100);

	if (r < 75 || r >= 95) {
		maybe(z, nlh, L2TP_ATTR_CONN_ID, 95);
		maybe(z, nlh, L2TP_ATTR_SESSION_ID, 95);
	}
	if (r >= 75)
		put_attr(z, nlh, L2TP_ATTR_IFNAME);
}

static void build_cmd(struct fz *z, struct nlmsghdr *nlh, int cmd)
{
	switch (cmd) {
	case L2TP_CMD_TUNNEL_CREATE:
		build_tunnel_create(z, nlh);
		break;
	case L2TP_CMD_TUNNEL_DELETE:
	case L2TP_CMD_TUNNEL_GET:
		maybe(z, nlh, L2TP_ATTR_CONN_ID, 95);
		break;
	case L2TP_CMD_TUNNEL_MODIFY:
		maybe(z, nlh, L2TP_ATTR_CONN_ID, 95);
		maybe(z, nlh, L2TP_ATTR_UDP_CSUM, 40);
		maybe(z, nlh, L2TP_ATTR_DEBUG, 30);
		break;
	case L2TP_CMD_SESSION_CREATE:
		build_session_create(z, nlh);
		break;
	case L2TP_CMD_SESSION_DELETE:
	case L2TP_CMD_SESSION_GET:
		build_session_key(z, nlh);
		break;
	case L2TP_CMD_SESSION_MODIFY:
		build_session_key(z, nlh);
		maybe(z, nlh, L2TP_ATTR_RECV_SEQ, 50);
		maybe(z, nlh, L2TP_ATTR_SEND_SEQ, 50);
		maybe(z, nlh, L2TP_ATTR_LNS_MODE, 40);
		maybe(z, nlh, L2TP_ATTR_RECV_TIMEOUT, 40);
		maybe(z, nlh, L2TP_ATTR_DEBUG, 10);
		break;
	default:
		break;
	}
}

/* A command: weights lean on creation so objects exist to act on. */
static int pick_cmd(struct fz *z)
{
	static const uint8_t w[] = { 3, 20, 8, 4, 6, 26, 10, 6, 6, 2 };
	int r = rnd(z, 91), i;

	for (i = 0; i < (int)ARRAY_SIZE(w); i++) {
		if (r < w[i])
			break;
		r -= w[i];
	}
	return i < 9 ? i : 9 + (int)rnd(z, 247);
}

/* ------------------------------------------------- netlink transport */

static int nl_socket(struct fz *z)
{
	struct timeval tv = { .tv_sec = 5 };
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int fd, one = 1;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
		    NETLINK_GENERIC);
	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		close(fd);
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (z && chance(z, 50))
		setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	if (z && chance(z, 20))
		setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	return fd;
}

struct nlres {
	int err;		/* the ack's errno, -1 if none yet */
	int done_err;		/* NLMSG_DONE's errno, -1 if none yet */
	int ndata;		/* l2tp messages */
	bool ended;		/* nothing more to read */
};

/* Attributes from @p to @end must tile it exactly. */
static bool attrs_ok(const uint8_t *p, const uint8_t *end, int depth)
{
	while (p < end) {
		const struct nlattr *a = (const void *)p;
		size_t l;

		if (end - p < NLA_HDRLEN || a->nla_len < NLA_HDRLEN ||
		    a->nla_len > end - p)
			return false;
		l = a->nla_len;
		if ((a->nla_type & NLA_TYPE_MASK) == L2TP_ATTR_STATS &&
		    depth == 0 && !attrs_ok(p + NLA_HDRLEN, p + l, 1))
			return false;
		p += NLA_ALIGN(l);
	}
	return true;
}

/* Check every message in @n bytes and note acks and dump ends. */
static void nl_parse(struct fz *z, const uint8_t *buf, size_t n,
		     bool truncated, uint32_t seq, struct nlres *res)
{
	while (n >= NLMSG_HDRLEN) {
		const struct nlmsghdr *m = (const void *)buf;
		const uint8_t *pl = buf + NLMSG_HDRLEN;
		size_t adv;

		if (m->nlmsg_len < NLMSG_HDRLEN || m->nlmsg_len > n) {
			if (!truncated)
				anomaly(z, "netlink message of length %u in %zu bytes",
					m->nlmsg_len, n);
			return;
		}
		if (m->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = (const void *)pl;

			if (m->nlmsg_len < NLMSG_HDRLEN + sizeof(*e)) {
				anomaly(z, "short NLMSG_ERROR (%u bytes)",
					m->nlmsg_len);
			} else if (e->error > 0 || e->error < -4095) {
				anomaly(z, "NLMSG_ERROR with error %d", e->error);
			} else if (m->nlmsg_seq == seq && res->err < 0) {
				res->err = -e->error;
			}
		} else if (m->nlmsg_type == NLMSG_DONE) {
			int e = 0;

			if (m->nlmsg_len >= NLMSG_HDRLEN + sizeof(int))
				memcpy(&e, pl, sizeof(e));
			if (e > 0 || e < -4095)
				anomaly(z, "NLMSG_DONE with error %d", e);
			else if (res->done_err < 0)
				res->done_err = -e;
		} else if (m->nlmsg_type == g_family) {
			if (m->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN ||
			    !attrs_ok(pl + GENL_HDRLEN, buf + m->nlmsg_len, 0))
				anomaly(z, "malformed l2tp message (cmd %u, %u bytes)",
					m->nlmsg_len > NLMSG_HDRLEN ? pl[0] : 0,
					m->nlmsg_len);
			res->ndata++;
		}
		adv = NLMSG_ALIGN(m->nlmsg_len);
		if (adv >= n)
			break;
		buf += adv;
		n -= adv;
	}
}

/* Read what is queued on @fd, at most @max receives, until an ack for
 * @seq (if @stop_at_ack), NLMSG_DONE, or nothing more.  A dump in progress
 * makes its next part on each receive.
 */
static void nl_drain(struct fz *z, int fd, uint32_t seq, int max,
		     bool stop_at_ack, size_t bufsize, struct nlres *res)
{
	int i;

	for (i = 0; i < max; i++) {
		struct iovec iov = { z->rx, bufsize };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
		ssize_t n = recvmsg(fd, &mh, MSG_DONTWAIT | MSG_TRUNC);
		bool trunc;

		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				res->ended = true;
				return;
			}
			if (errno >= 512)
				anomaly(z, "netlink recv: errno %d", errno);
			if (errno == ENOBUFS || errno == EINTR)
				continue;
			res->ended = true;
			return;
		}
		trunc = (size_t)n > bufsize || (mh.msg_flags & MSG_TRUNC);
		nl_parse(z, z->rx, (size_t)n > bufsize ? bufsize : (size_t)n,
			 trunc, seq, res);
		if (res->done_err >= 0 || (stop_at_ack && res->err >= 0))
			return;
	}
}

static int nl_send(int fd, const void *buf, size_t len)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

	return sret(sendto(fd, buf, len, MSG_DONTWAIT, (struct sockaddr *)&sa,
			   sizeof(sa)));
}

static uint16_t pick_nl_flags(struct fz *z, bool dump)
{
	uint16_t f = NLM_F_REQUEST;

	if (chance(z, dump ? 30 : 90))
		f |= NLM_F_ACK;
	if (dump)
		f |= chance(z, 90) ? NLM_F_DUMP : NLM_F_ROOT;
	else if (chance(z, 4))
		f |= NLM_F_DUMP;
	if (chance(z, 4))
		f |= (rnext(z) & 0x0f20) | (chance(z, 20) ? NLM_F_ECHO : 0);
	if (chance(z, 1))
		f &= ~NLM_F_REQUEST;
	return f;
}

static int pick_version(struct fz *z)
{
	if (chance(z, 94))
		return L2TP_GENL_VERSION;
	return rnd(z, 2) ? rnd(z, 3) : rnd(z, 256);
}

/* ------------------------------------------------------- netlink ops */

static void op_nl(struct fz *z)
{
	int r = rnd(z, 100), cmd, extra, fd, i;
	struct nlmsghdr *nlh, *n2;
	struct nlres res = { -1, -1, 0, false };
	size_t sendlen;
	uint16_t flags;

	z->mut = r < 55 ? 0 : r < 85 ? 8 : 40;
	cmd = pick_cmd(z);
	flags = pick_nl_flags(z, false);
	nlh = nl_msg(z, 0, cmd, flags, pick_version(z));
	if (z->mut < 40 || chance(z, 50))
		build_cmd(z, nlh, cmd);
	extra = z->mut ? rnd(z, z->mut / 8 + 2) : chance(z, 10);
	for (i = 0; i < extra; i++)
		put_random_attr(z, nlh);
	if (chance(z, 3))
		put_stats_nest(z, nlh);
	sendlen = nlh->nlmsg_len;
	dsc(z, "nl %s flags=%#x mut=%d len=%zu", cmd_names[cmd > 9 ? 9 : cmd],
	    flags, z->mut, sendlen);
	if (cmd > 9)
		dsc(z, " cmd=%d", cmd);
	r = rnd(z, 100);
	if (r < 2) {
		/* cut inside the attributes */
		sendlen = NLMSG_HDRLEN + rnd(z, sendlen - NLMSG_HDRLEN + 1);
		nlh->nlmsg_len = sendlen;
		dsc(z, " cut=%zu", sendlen);
	} else if (r < 3) {
		/* a header promising more than is sent */
		nlh->nlmsg_len = sendlen + 1 + rnd(z, 64);
		dsc(z, " claims=%u", nlh->nlmsg_len);
	} else if (r < 4) {
		/* the genl header itself cut */
		sendlen = NLMSG_HDRLEN + rnd(z, GENL_HDRLEN);
		nlh->nlmsg_len = sendlen;
		dsc(z, " genl-cut=%zu", sendlen);
	} else if (r < 7) {
		/* a second request in the same datagram */
		int cmd2 = pick_cmd(z);

		n2 = nl_msg(z, NLMSG_ALIGN(sendlen), cmd2,
			    pick_nl_flags(z, false), pick_version(z));
		build_cmd(z, n2, cmd2 > 8 ? 0 : cmd2);
		sendlen = NLMSG_ALIGN(sendlen) + n2->nlmsg_len;
		dsc(z, " +%s", cmd_names[cmd2 > 9 ? 9 : cmd2]);
	}
	fd = z->nl_foreign >= 0 && chance(z, 10) ? z->nl_foreign : z->nl;
	if (fd == z->nl_foreign)
		dsc(z, " foreign-netns");
	begin(z);
	i = nl_send(fd, z->tx, sendlen);
	if (i) {
		rec(z, G_NL, cmd > 9 ? 9 : cmd, i);
		return;
	}
	nl_drain(z, fd, nlh->nlmsg_seq, 64, true, RX_SIZE, &res);
	rec(z, G_NL, cmd > 9 ? 9 : cmd, res.err);
	if (cmd == L2TP_CMD_TUNNEL_CREATE && res.err == 0 && z->fd_slot >= 0)
		z->fds[z->fd_slot].flags |= F_TUNNEL;
}

/* A dump: read to the end, or stop part-way and keep the socket (a later
 * op resumes it after the tables changed), or close it mid-dump.
 */
static void op_dump(struct fz *z)
{
	int r = rnd(z, 100), cmd, fd, s = -1, i, n, policy, sub;
	struct nlres res = { -1, -1, 0, false };
	struct nlmsghdr *nlh;
	size_t bufsize;
	uint16_t flags;

	z->mut = r < 70 ? 0 : 20;
	if (chance(z, 85))
		cmd = rnd(z, 2) ? L2TP_CMD_TUNNEL_GET : L2TP_CMD_SESSION_GET;
	else
		cmd = pick_cmd(z);
	sub = cmd > 9 ? 9 : cmd;
	flags = pick_nl_flags(z, true);
	nlh = nl_msg(z, 0, cmd, flags, pick_version(z));
	n = chance(z, 30) ? 1 + rnd(z, 3) : 0;
	for (i = 0; i < n; i++)
		put_random_attr(z, nlh);
	policy = rnd(z, 100);
	bufsize = chance(z, 10) ? 64 + rnd(z, 2048) : RX_SIZE;
	if (chance(z, 25)) {
		fd = z->nl;
	} else {
		int ns = chance(z, 10) ? foreign_ns(z) : -1;

		if (ns >= 0)
			enter_ns(ns);
		fd = nl_socket(z);
		if (ns >= 0) {
			enter_ns(z->home_ns);
			close(ns);
		}
		if (fd < 0) {
			rec(z, G_DUMP, sub, errno);
			return;
		}
		if (policy >= 55) {
			s = free_slot(z);
			slot_set(z, s, fd, FK_NLDUMP, 0);
		}
	}
	dsc(z, "dump %s flags=%#x policy=%d buf=%zu%s", cmd_names[sub], flags,
	    policy, bufsize, fd == z->nl ? " main-socket" : "");
	begin(z);
	i = nl_send(fd, z->tx, nlh->nlmsg_len);
	if (i) {
		rec(z, G_DUMP, sub, i);
	} else if (policy < 55) {
		nl_drain(z, fd, nlh->nlmsg_seq, 4096, false, bufsize, &res);
		rec(z, G_DUMP, sub, res.done_err >= 0 ? res.done_err : res.err);
	} else if (policy < 80) {
		nl_drain(z, fd, nlh->nlmsg_seq, 1 + rnd(z, 3), false, bufsize,
			 &res);
		rec(z, G_DUMP, sub, res.done_err >= 0 ? res.done_err : res.err);
	} else {
		nl_drain(z, fd, nlh->nlmsg_seq, rnd(z, 2), false, bufsize, &res);
		rec(z, G_DUMP, sub, res.done_err >= 0 ? res.done_err : res.err);
		if (s >= 0)
			slot_close(z, s);
		else if (fd != z->nl)
			close(fd);
		rec(z, G_DUMP, 11, 0);
		return;
	}
	if (s < 0 && fd != z->nl)
		close(fd);
}

/* Go on reading a dump left part-way (or the main socket's backlog). */
static void op_dump_resume(struct fz *z)
{
	struct nlres res = { -1, -1, 0, false };
	int s = find_slot(z, BIT(FK_NLDUMP), 0);
	int fd = s >= 0 ? z->fds[s].fd : z->nl;
	int n = 1 + rnd(z, 8);

	dsc(z, "dump-resume fd=%d reads=%d", fd, n);
	begin(z);
	nl_drain(z, fd, 0, n, false, RX_SIZE, &res);
	rec(z, G_DUMP, 10, res.done_err);
	if (s >= 0 && (res.done_err >= 0 || chance(z, 20)))
		slot_close(z, s);
}

/* A socket in the l2tp multicast group, read now and then, or left to
 * overflow.
 */
static void op_mcast(struct fz *z)
{
	struct nlres res = { -1, -1, 0, false };
	int s = find_slot(z, BIT(FK_NLMCAST), 0), fd;

	if (s < 0 || chance(z, 20)) {
		dsc(z, "mcast open");
		begin(z);
		fd = nl_socket(z);
		if (fd < 0) {
			rec(z, G_MCAST, 0, errno);
			return;
		}
		if (setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
			       &g_mcgrp, sizeof(g_mcgrp))) {
			rec(z, G_MCAST, 0, errno);
			close(fd);
			return;
		}
		s = free_slot(z);
		slot_set(z, s, fd, FK_NLMCAST, 0);
		rec(z, G_MCAST, 0, 0);
		return;
	}
	dsc(z, "mcast read fd=%d", z->fds[s].fd);
	begin(z);
	nl_drain(z, z->fds[s].fd, 0, 1 + rnd(z, 64), false, RX_SIZE, &res);
	rec(z, G_MCAST, 1, 0);
}

/* --------------------------------------------------------- addresses */

union sa_any {
	struct sockaddr sa;
	struct sockaddr_in in;
	struct sockaddr_in6 in6;
	struct sockaddr_l2tpip ip;
	struct sockaddr_l2tpip6 ip6;
	struct sockaddr_un un;
	struct sockaddr_pppol2tp p2;
	struct sockaddr_pppol2tpin6 p2in6;
	struct sockaddr_pppol2tpv3 p3;
	struct sockaddr_pppol2tpv3in6 p3in6;
	uint8_t raw[160];
};

static const socklen_t pppox_lens[] = {
	sizeof(struct sockaddr_pppol2tp), sizeof(struct sockaddr_pppol2tpin6),
	sizeof(struct sockaddr_pppol2tpv3),
	sizeof(struct sockaddr_pppol2tpv3in6),
};

/* Often the exact length @len, else a wrong one. */
static socklen_t vary_len(struct fz *z, socklen_t len)
{
	static const socklen_t odd[] = { 0, 1, 2, 8, 15, 16, 28, 31, 32, 33,
					 38, 46, 50, 58, 100, 128 };

	if (chance(z, 88))
		return len;
	if (chance(z, 40))
		return len + (rnd(z, 2) ? 1 : -1);
	return odd[rnd(z, ARRAY_SIZE(odd))];
}

/* A pppol2tp address of one of the four layouts for the pppox socket
 * @self; *tslot gets the table slot of the tunnel fd in it (or -1).
 */
static socklen_t gen_pppox_addr(struct fz *z, union sa_any *a, int self,
				int *tslot)
{
	int v = rnd(z, 4), fd = pick_fd(z, self, tslot);
	uint32_t st = rid(z), dt = rid(z), ss, ds;
	int pid = chance(z, 80) ? 0 : chance(z, 50) ? getpid() : (int)rnext(z);
	struct in6_addr a6;

	if (chance(z, 28)) {
		ss = 0;
		ds = chance(z, 90) ? 0 : rid(z);
	} else {
		ss = rid(z);
		ds = rid(z);
	}
	memset(a, 0, sizeof(*a));
	a->sa.sa_family = chance(z, 97) ? AF_PPPOX : rnd(z, 64);
	/* sa_protocol sits at the same place in all four */
	a->p2.sa_protocol = chance(z, 96) ? PX_PROTO_OL2TP : rnd(z, 8);
	switch (v) {
	case 0:
		a->p2.pppol2tp = (struct pppol2tp_addr){
			.pid = pid, .fd = fd, .s_tunnel = st, .s_session = ss,
			.d_tunnel = dt, .d_session = ds,
			.addr = { .sin_family = AF_INET,
				  .sin_port = htons(pick_port(z)),
				  .sin_addr.s_addr = pick_ip4(z) },
		};
		break;
	case 1:
		a->p2in6.pppol2tp = (struct pppol2tpin6_addr){
			.pid = pid, .fd = fd, .s_tunnel = st, .s_session = ss,
			.d_tunnel = dt, .d_session = ds,
			.addr = { .sin6_family = AF_INET6,
				  .sin6_port = htons(pick_port(z)) },
		};
		pick_ip6(z, &a6);
		memcpy(&a->p2in6.pppol2tp.addr.sin6_addr, &a6, sizeof(a6));
		break;
	case 2:
		a->p3.pppol2tp = (struct pppol2tpv3_addr){
			.pid = pid, .fd = fd, .s_tunnel = st, .s_session = ss,
			.d_tunnel = dt, .d_session = ds,
			.addr = { .sin_family = AF_INET,
				  .sin_port = htons(pick_port(z)),
				  .sin_addr.s_addr = pick_ip4(z) },
		};
		break;
	default:
		a->p3in6.pppol2tp = (struct pppol2tpv3in6_addr){
			.pid = pid, .fd = fd, .s_tunnel = st, .s_session = ss,
			.d_tunnel = dt, .d_session = ds,
			.addr = { .sin6_family = AF_INET6,
				  .sin6_port = htons(pick_port(z)) },
		};
		pick_ip6(z, &a6);
		memcpy(&a->p3in6.pppol2tp.addr.sin6_addr, &a6, sizeof(a6));
		break;
	}
	dsc(z, " v%d%s fd=%d t=%u/%u s=%u/%u", v < 2 ? 2 : 3,
	    v & 1 ? "in6" : "", fd, st, dt, ss, ds);
	return vary_len(z, pppox_lens[v]);
}

/* An address for bind/connect/sendto on a socket of @kind. */
static socklen_t gen_addr(struct fz *z, union sa_any *a, int kind,
			  int self, int *tslot)
{
	*tslot = -1;
	memset(a, 0, sizeof(*a));
	if (chance(z, 6)) {
		socklen_t len = rnd(z, sizeof(*a) + 1);

		rfill(z, a, sizeof(*a));
		if (chance(z, 50))
			a->sa.sa_family = rnd(z, 2) ? AF_INET : AF_INET6;
		dsc(z, " random-addr/%u", len);
		return len;
	}
	if (chance(z, 4)) {
		a->sa.sa_family = AF_UNSPEC;
		dsc(z, " AF_UNSPEC");
		return vary_len(z, sizeof(struct sockaddr));
	}
	switch (kind) {
	case FK_PPPOX:
		return gen_pppox_addr(z, a, self, tslot);
	case FK_IP4:
		a->ip.l2tp_family = AF_INET;
		a->ip.l2tp_addr.s_addr = pick_ip4(z);
		a->ip.l2tp_conn_id = rid(z);
		if (chance(z, 5))
			a->ip.l2tp_unused = rnext(z);
		dsc(z, " l2tpip conn=%u", a->ip.l2tp_conn_id);
		return vary_len(z, sizeof(a->ip));
	case FK_IP6:
		a->ip6.l2tp_family = AF_INET6;
		pick_ip6(z, &a->ip6.l2tp_addr);
		a->ip6.l2tp_conn_id = rid(z);
		a->ip6.l2tp_scope_id = chance(z, 80) ? 0 : rnd(z, 4);
		if (chance(z, 5))
			a->ip6.l2tp_flowinfo = rnext(z);
		dsc(z, " l2tpip6 conn=%u", a->ip6.l2tp_conn_id);
		return vary_len(z, sizeof(a->ip6));
	case FK_UDP6:
		a->in6.sin6_family = AF_INET6;
		a->in6.sin6_port = htons(pick_port(z));
		pick_ip6(z, &a->in6.sin6_addr);
		dsc(z, " port=%u", ntohs(a->in6.sin6_port));
		return vary_len(z, sizeof(a->in6));
	case FK_UNIX:
		a->un.sun_family = AF_UNIX;
		return offsetof(struct sockaddr_un, sun_path) + 1 +
			snprintf(a->un.sun_path + 1, sizeof(a->un.sun_path) - 1,
				 "l2tp-fuzz-%u", rnd(z, 4));
	default:
		a->in.sin_family = AF_INET;
		a->in.sin_port = htons(pick_port(z));
		a->in.sin_addr.s_addr = pick_ip4(z);
		dsc(z, " port=%u", ntohs(a->in.sin_port));
		return vary_len(z, sizeof(a->in));
	}
}

/* A payload: random bytes, or an L2TP-looking header with ids from the
 * pools (v2 with any of the T/L/S/O/P bits, v3 data or control over
 * UDP, v3 over IP) followed by random bytes.
 */
static void gen_payload(struct fz *z, uint8_t *b, size_t len, int kind)
{
	uint8_t h[32];
	size_t hl = 0;
	uint16_t f;
	int i;

	if (len <= 256) {
		rfill(z, b, len);
	} else {
		memset(b, rnd(z, 256), len);
		rfill(z, b, 256);
	}
	if (len < 4 || chance(z, 35))
		return;
	if (kind == FK_IP4 || kind == FK_IP6) {
		uint32_t sid = chance(z, 20) ? 0 : htonl(rid(z));

		memcpy(h, &sid, 4);
		hl = 4;
		if (!sid) {
			h[4] = 0xc8;
			h[5] = 3;
			hl = 6;
		}
	} else if (chance(z, 50)) {
		f = 0x0002 | (rnext(z) & 0xcb00);
		h[0] = f >> 8;
		h[1] = f;
		hl = 2;
		if (f & 0x4000) {
			h[hl++] = len >> 8;
			h[hl++] = len;
		}
		for (i = 0; i < 2; i++) {
			uint16_t id = rid(z);

			h[hl++] = id >> 8;
			h[hl++] = id;
		}
		if (f & 0x0800) {
			rfill(z, h + hl, 4);
			hl += 4;
		}
		if (f & 0x0200) {
			h[hl++] = 0;
			h[hl++] = rnd(z, 8);
		}
	} else {
		uint32_t sid = htonl(rid(z));

		h[0] = chance(z, 20) ? 0xc8 : 0;
		h[1] = 3;
		h[2] = h[3] = 0;
		memcpy(h + 4, &sid, 4);
		hl = 8;
	}
	if (hl > len)
		hl = len;
	memcpy(b, h, hl);
	if (len >= hl + 2 && chance(z, 50)) {
		b[hl] = 0xff;
		b[hl + 1] = 0x03;
	}
}

/* ---------------------------------------------------------- sockets */

/* Bind a fresh socket of @kind (and maybe connect it) as a tunnel
 * would want it.
 */
static void sock_setup(struct fz *z, int fd, int kind)
{
	union sa_any a;
	socklen_t len;
	int one = 1, ts;

	switch (kind) {
	case FK_REUSE:
		setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
		/* fall through */
	case FK_UDP4:
	case FK_UDP6:
	case FK_IP4:
	case FK_IP6:
	case FK_TCP:
		if (chance(z, 20))
			break;
		len = gen_addr(z, &a, kind == FK_REUSE ? FK_UDP4 : kind, -1,
			       &ts);
		if (bind(fd, &a.sa, len))
			break;
		dsc(z, " bound");
		if (kind == FK_TCP || chance(z, 50))
			break;
		len = gen_addr(z, &a, kind == FK_REUSE ? FK_UDP4 : kind, -1,
			       &ts);
		if (!connect(fd, &a.sa, len))
			dsc(z, " connected");
		break;
	default:
		break;
	}
}

static void op_socket(struct fz *z)
{
	static const uint8_t w[] = { 0, 26, 10, 8, 20, 10, 6, 5, 5 };
	int r = rnd(z, 90), kind, fd, ns = -1, s, err = 0;
	bool foreign;

	for (kind = 0; kind < (int)ARRAY_SIZE(w) - 1; kind++) {
		if (r < w[kind])
			break;
		r -= w[kind];
	}
	foreign = chance(z, 10) && kind <= FK_UDP6;
	s = free_slot(z);
	dsc(z, "socket %s%s", foreign ? "foreign-" : "", kind_names[kind]);
	begin(z);
	if (foreign) {
		ns = foreign_ns(z);
		if (ns < 0) {
			rec(z, G_NETNS, 2, errno);
			return;
		}
		enter_ns(ns);
	}
	switch (kind) {
	case FK_PPPOX:
		fd = socket(AF_PPPOX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
			    PX_PROTO_OL2TP);
		break;
	case FK_IP4:
		fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
			    IPPROTO_L2TP);
		break;
	case FK_IP6:
		fd = socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
			    IPPROTO_L2TP);
		break;
	case FK_UDP6:
		fd = socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
			    0);
		break;
	case FK_TCP:
		fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
			    0);
		break;
	case FK_UNIX:
		fd = socket(AF_UNIX, (rnd(z, 2) ? SOCK_DGRAM : SOCK_STREAM) |
			    SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		break;
	default:
		fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
			    0);
		break;
	}
	if (fd < 0)
		err = errno;
	else
		sock_setup(z, fd, kind);
	if (ns >= 0) {
		enter_ns(z->home_ns);
		close(ns);
	}
	rec(z, G_SOCKET, kind + (foreign ? 16 : 0), err);
	if (fd >= 0)
		slot_set(z, s, fd, kind, foreign ? F_FOREIGN : 0);
}

static int sock_slot(struct fz *z)
{
	return find_slot(z, K_SOCKETS, 0);
}

static int sub_of(struct fent *e)
{
	return e->kind + (e->flags & F_FOREIGN ? 16 : 0);
}

static void op_bind(struct fz *z)
{
	int s = sock_slot(z), ts, err;
	union sa_any a;
	socklen_t len;

	if (s < 0)
		return;
	dsc(z, "bind %s fd=%d", kind_names[z->fds[s].kind], z->fds[s].fd);
	len = gen_addr(z, &a, z->fds[s].kind, z->fds[s].fd, &ts);
	begin(z);
	err = sret(bind(z->fds[s].fd, &a.sa, len));
	rec(z, G_BIND, sub_of(&z->fds[s]), err);
}

static void op_connect(struct fz *z)
{
	int s, ts, err;
	union sa_any a;
	socklen_t len;

	/* pppox sockets first: their connect is what makes sessions */
	s = chance(z, 70) ? find_slot(z, BIT(FK_PPPOX), 0) : -1;
	if (s < 0)
		s = sock_slot(z);
	if (s < 0)
		return;
	dsc(z, "connect %s fd=%d", kind_names[z->fds[s].kind], z->fds[s].fd);
	len = gen_addr(z, &a, z->fds[s].kind, z->fds[s].fd, &ts);
	dsc(z, " len=%u", len);
	begin(z);
	err = sret(connect(z->fds[s].fd, &a.sa, len));
	rec(z, G_CONNECT, sub_of(&z->fds[s]), err);
	/* a session 0/0 connect made (or found) a tunnel on that fd */
	if (!err && ts >= 0 && z->fds[s].kind == FK_PPPOX)
		z->fds[ts].flags |= F_TUNNEL;
}

static size_t pick_size(struct fz *z)
{
	int r = rnd(z, 100);

	if (r < 8)
		return 0;
	if (r < 40)
		return 1 + rnd(z, 64);
	if (r < 78)
		return 65 + rnd(z, 1500);
	if (r < 92)
		return 1501 + rnd(z, 64000);
	return 65536 + rnd(z, DATA_SIZE - 65536);
}

static void op_send(struct fz *z)
{
	int s = sock_slot(z), flags = MSG_DONTWAIT | MSG_NOSIGNAL, ts, n, i;
	size_t len = pick_size(z), off = 0;
	struct iovec iov[3];
	struct msghdr mh = { .msg_iov = iov };
	union sa_any a;
	ssize_t rc;

	if (s < 0)
		return;
	dsc(z, "send %s fd=%d len=%zu", kind_names[z->fds[s].kind],
	    z->fds[s].fd, len);
	gen_payload(z, z->data, len, z->fds[s].kind);
	n = 1 + rnd(z, 3);
	for (i = 0; i < n; i++) {
		size_t l = i == n - 1 ? len - off : rnd(z, len - off + 1);

		iov[i].iov_base = z->data + off;
		iov[i].iov_len = l;
		off += l;
	}
	mh.msg_iovlen = n;
	if (chance(z, 30)) {
		mh.msg_namelen = gen_addr(z, &a, z->fds[s].kind, -1, &ts);
		mh.msg_name = &a;
	}
	if (chance(z, 10))
		flags |= MSG_MORE;
	if (chance(z, 3))
		flags |= MSG_OOB;
	if (chance(z, 3))
		flags |= MSG_CONFIRM;
	if (chance(z, 2))
		flags |= MSG_PROBE;
	dsc(z, " flags=%#x", flags);
	begin(z);
	rc = sendmsg(z->fds[s].fd, &mh, flags);
	if (rc > (ssize_t)len)
		anomaly(z, "sendmsg of %zu bytes returned %zd", len, rc);
	rec(z, G_SEND, sub_of(&z->fds[s]), sret(rc));
}

/* Padding the kernel must have zeroed in an address it returned. */
static void check_addr(struct fz *z, int kind, const union sa_any *a,
		       socklen_t len, const char *what)
{
	static const uint8_t zero[8];

	if ((kind == FK_UDP4 || kind == FK_REUSE || kind == FK_TCP) &&
	    a->sa.sa_family == AF_INET && len == sizeof(a->in) &&
	    memcmp(a->in.sin_zero, zero, sizeof(a->in.sin_zero)))
		anomaly(z, "%s: sockaddr_in with non-zero sin_zero", what);
	if (kind == FK_IP4 && len == sizeof(a->ip) &&
	    memcmp(a->ip.__pad, zero, sizeof(a->ip.__pad)))
		anomaly(z, "%s: sockaddr_l2tpip with non-zero padding", what);
	if (kind == FK_PPPOX && len == pppox_lens[0] &&
	    memcmp(a->p2.pppol2tp.addr.sin_zero, zero, 8))
		anomaly(z, "%s: pppol2tp address with non-zero sin_zero", what);
	if (kind == FK_PPPOX && len == pppox_lens[2] &&
	    memcmp(a->p3.pppol2tp.addr.sin_zero, zero, 8))
		anomaly(z, "%s: pppol2tpv3 address with non-zero sin_zero",
			what);
}

static void op_recv(struct fz *z)
{
	static const size_t sizes[] = { 0, 1, 4, 16, 64, 1500, 2048, 65536,
					 70000 };
	static const socklen_t nlens[] = { 0, 4, 16, 28, 32, 64, 128 };
	int s = sock_slot(z), flags = MSG_DONTWAIT;
	size_t len = sizes[rnd(z, ARRAY_SIZE(sizes))];
	uint8_t cbuf[256];
	struct iovec iov = { z->data, len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	union sa_any a;
	socklen_t given;
	ssize_t rc;

	if (s < 0)
		return;
	memset(&a, 0xa5, sizeof(a));
	if (chance(z, 60)) {
		mh.msg_name = &a;
		mh.msg_namelen = nlens[rnd(z, ARRAY_SIZE(nlens))];
	}
	if (chance(z, 30)) {
		mh.msg_control = cbuf;
		mh.msg_controllen = rnd(z, 2) ? sizeof(cbuf) : rnd(z, 32);
	}
	if (chance(z, 10))
		flags |= MSG_PEEK;
	if (chance(z, 10))
		flags |= MSG_TRUNC;
	if (chance(z, 5))
		flags |= MSG_ERRQUEUE;
	if (chance(z, 3))
		flags |= MSG_WAITALL;
	if (chance(z, 3))
		flags |= MSG_OOB;
	given = mh.msg_namelen;
	dsc(z, "recv %s fd=%d len=%zu namelen=%u flags=%#x",
	    kind_names[z->fds[s].kind], z->fds[s].fd, len, mh.msg_namelen,
	    flags);
	begin(z);
	rc = recvmsg(z->fds[s].fd, &mh, flags);
	if (rc > (ssize_t)len && !(flags & MSG_TRUNC))
		anomaly(z, "recvmsg into %zu bytes returned %zd", len, rc);
	/* only what the kernel wrote: msg_namelen says how long its address
	 * was, the copy stops at the length we gave
	 */
	if (rc >= 0 && mh.msg_name && z->fds[s].kind == FK_IP4 &&
	    given >= sizeof(a.in) && mh.msg_namelen == sizeof(a.in) &&
	    (a.in.sin_port || memcmp(a.in.sin_zero, "\0\0\0\0\0\0\0\0", 8)))
		anomaly(z, "l2tpip recvmsg: sockaddr_in port %u, padding not zero",
			ntohs(a.in.sin_port));
	if (rc >= 0 && mh.msg_name && z->fds[s].kind == FK_IP6 &&
	    given >= sizeof(a.ip6) && mh.msg_namelen == sizeof(a.ip6) &&
	    (a.ip6.l2tp_unused || a.ip6.l2tp_conn_id || a.ip6.l2tp_flowinfo))
		anomaly(z, "l2tpip6 recvmsg: unused %#x conn_id %#x flowinfo %#x, not 0",
			a.ip6.l2tp_unused, a.ip6.l2tp_conn_id,
			a.ip6.l2tp_flowinfo);
	rec(z, G_RECV, sub_of(&z->fds[s]), sret(rc));
}

static int pick_optval(struct fz *z)
{
	static const int vals[] = { 0, 1, 2, -1, 100, 0x7fffffff, INT_MIN,
				    3, 1000 };

	return chance(z, 85) ? vals[rnd(z, ARRAY_SIZE(vals))] : (int)rnext(z);
}

/* A level and option: mostly SOL_PPPOL2TP 1..5. */
static void pick_opt(struct fz *z, int *level, int *name)
{
	static const int udp[] = { UDP_ENCAP, UDP_CORK, UDP_NO_CHECK6_TX,
				   UDP_NO_CHECK6_RX, UDP_SEGMENT, UDP_GRO };
	int r = rnd(z, 100);

	if (r < 78) {
		*level = SOL_PPPOL2TP;
		*name = chance(z, 88) ? 1 + rnd(z, 5) : rnd(z, 2) ? 0 :
			6 + rnd(z, 100);
	} else if (r < 88) {
		*level = SOL_UDP;
		*name = udp[rnd(z, ARRAY_SIZE(udp))];
	} else if (r < 94) {
		*level = SOL_SOCKET;
		*name = rnd(z, 2) ? SO_RCVBUF : SO_SNDBUF;
	} else {
		*level = rnd(z, 2) ? (int)rnext(z) :
			 SOL_PPPOL2TP - 1 + (int)rnd(z, 3);
		*name = rnd(z, 16);
	}
}

static void op_setsockopt(struct fz *z)
{
	static const socklen_t lens[] = { 0, 1, 2, 3, 4, 4, 4, 4, 5, 8, 16,
					  4096 };
	int s = sock_slot(z), level, name, err;
	uint8_t buf[4096];
	socklen_t len;
	int v;

	if (s < 0)
		return;
	pick_opt(z, &level, &name);
	v = pick_optval(z);
	len = lens[rnd(z, ARRAY_SIZE(lens))];
	rfill(z, buf, 16);
	memcpy(buf, &v, sizeof(v));
	dsc(z, "setsockopt %s fd=%d level=%d name=%d val=%d len=%u",
	    kind_names[z->fds[s].kind], z->fds[s].fd, level, name, v, len);
	begin(z);
	err = sret(setsockopt(z->fds[s].fd, level, name, buf, len));
	rec(z, G_SETOPT, sub_of(&z->fds[s]), err);
}

static void op_getsockopt(struct fz *z)
{
	static const int lens[] = { 0, 1, 2, 3, 4, 4, 4, 8, 16, 64, -1 };
	int s = sock_slot(z), level, name, err, given;
	uint8_t buf[64];
	socklen_t len;

	if (s < 0)
		return;
	pick_opt(z, &level, &name);
	given = lens[rnd(z, ARRAY_SIZE(lens))];
	len = given;
	memset(buf, 0xa5, sizeof(buf));
	dsc(z, "getsockopt %s fd=%d level=%d name=%d len=%d",
	    kind_names[z->fds[s].kind], z->fds[s].fd, level, name, given);
	begin(z);
	err = sret(getsockopt(z->fds[s].fd, level, name, buf, &len));
	if (!err && given >= 0 && len > (socklen_t)given)
		anomaly(z, "getsockopt wrote length %u into a %d-byte buffer",
			len, given);
	rec(z, G_GETOPT, sub_of(&z->fds[s]), err);
}

static void op_getname(struct fz *z)
{
	static const socklen_t lens[] = { 0, 2, 8, 16, 28, 32, 38, 46, 50,
					  58, 160 };
	int s = sock_slot(z), err, peer = rnd(z, 2);
	socklen_t given = lens[rnd(z, ARRAY_SIZE(lens))], len = given;
	union sa_any a;

	if (s < 0)
		return;
	memset(&a, 0xa5, sizeof(a));
	dsc(z, "%s %s fd=%d len=%u", peer ? "getpeername" : "getsockname",
	    kind_names[z->fds[s].kind], z->fds[s].fd, given);
	begin(z);
	err = sret(peer ? getpeername(z->fds[s].fd, &a.sa, &len) :
		   getsockname(z->fds[s].fd, &a.sa, &len));
	if (!err && len <= given && given <= sizeof(a))
		check_addr(z, z->fds[s].kind, &a, len,
			   peer ? "getpeername" : "getsockname");
	rec(z, G_GETNAME, sub_of(&z->fds[s]), err);
}

static void op_shutdown(struct fz *z)
{
	int s = sock_slot(z), how = rnd(z, 4);

	if (s < 0)
		return;
	dsc(z, "shutdown %s fd=%d how=%d", kind_names[z->fds[s].kind],
	    z->fds[s].fd, how);
	begin(z);
	rec(z, G_SHUTDOWN, sub_of(&z->fds[s]), sret(shutdown(z->fds[s].fd, how)));
}

static void op_dup(struct fz *z)
{
	int s = sock_slot(z), d, fd;
	struct fent e;

	if (s < 0)
		return;
	e = z->fds[s];
	d = free_slot(z);
	if (z->fds[s].fd < 0)	/* d was s */
		return;
	dsc(z, "dup %s fd=%d", kind_names[e.kind], e.fd);
	begin(z);
	fd = fcntl(e.fd, F_DUPFD_CLOEXEC, 0);
	rec(z, G_DUP, sub_of(&e), sret(fd));
	if (fd >= 0)
		slot_set(z, d, fd, e.kind, e.flags);
}

static void op_close(struct fz *z)
{
	int s = find_slot(z, ~0u, 0);

	if (s < 0)
		return;
	dsc(z, "close %s fd=%d", kind_names[z->fds[s].kind], z->fds[s].fd);
	begin(z);
	slot_close(z, s);
}

static void gen_ifreq(struct fz *z, struct ifreq *ifr)
{
	int r = rnd(z, 100);

	memset(ifr, 0, sizeof(*ifr));
	if (r < 40)
		snprintf(ifr->ifr_name, IFNAMSIZ, "l2tpeth%u", rnd(z, 4));
	else if (r < 70)
		snprintf(ifr->ifr_name, IFNAMSIZ, "fz%u", rnd(z, 8));
	else if (r < 90)
		snprintf(ifr->ifr_name, IFNAMSIZ, "ppp%u", rnd(z, 4));
	else
		rfill(z, ifr->ifr_name, IFNAMSIZ);
	ifr->ifr_mtu = chance(z, 80) ? 68 + (int)rnd(z, 1500) : (int)rnext(z);
}

static void op_ioctl(struct fz *z)
{
	int s, i = rnd(z, ARRAY_SIZE(ioctls)), err;
	unsigned long cmd = ioctls[i].cmd;
	union {
		struct pppol2tp_ioc_stats st;
		struct ifreq ifr;
		uint8_t raw[256];
	} arg;
	void *p = &arg;

	/* random ioctls only where nothing else but l2tp can take them */
	s = find_slot(z, cmd && chance(z, 40) ? K_SOCKETS : BIT(FK_PPPOX), 0);
	if (s < 0)
		return;
	rfill(z, &arg, sizeof(arg));
	if (!cmd) {
		cmd = _IOC(rnd(z, 4), 't', rnd(z, 256), rnd(z, 256));
	} else if (cmd == PPPIOCGL2TPSTATS) {
		arg.st.tunnel_id = rid(z);
		arg.st.session_id = chance(z, 40) ? 0 : rid(z);
	} else if (cmd == SIOCGIFMTU || cmd == SIOCSIFMTU) {
		gen_ifreq(z, &arg.ifr);
	}
	if (chance(z, 3))
		p = NULL;
	dsc(z, "ioctl %s %s fd=%d cmd=%#lx%s", ioctls[i].name,
	    kind_names[z->fds[s].kind], z->fds[s].fd, cmd, p ? "" : " NULL");
	begin(z);
	err = sret(ioctl(z->fds[s].fd, cmd, p));
	if (!err && p && cmd == PPPIOCGL2TPSTATS) {
		uint32_t w;

		memcpy(&w, (uint8_t *)&arg + 4, 4);
		if (w & ~1u)
			anomaly(z, "PPPIOCGL2TPSTATS: bits beside using_ipsec set (%#x)",
				w);
	}
	rec(z, G_IOCTL, i, err);
}

/* -------------------------------------------------------- /dev/ppp */

/* A pppox socket's channel on /dev/ppp, then maybe a ppp unit on it. */
static void op_ppp_attach(struct fz *z)
{
	int s = find_slot(z, BIT(FK_PPPOX), 0), chan = -1, unit = -1, cfd, ufd;
	int err, d;

	if (s < 0)
		return;
	dsc(z, "ppp attach fd=%d", z->fds[s].fd);
	begin(z);
	if (ioctl(z->fds[s].fd, PPPIOCGCHAN, &chan)) {
		rec(z, G_PPP, 0, errno);
		return;
	}
	if (chance(z, 5))
		chan += rnd(z, 3) - 1;
	cfd = open("/dev/ppp", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (cfd < 0) {
		rec(z, G_PPP, 0, errno);
		return;
	}
	err = sret(ioctl(cfd, PPPIOCATTCHAN, &chan));
	rec(z, G_PPP, 0, err);
	if (err) {
		close(cfd);
		return;
	}
	d = free_slot(z);
	slot_set(z, d, cfd, FK_PPPCHAN, 0);
	if (!chance(z, 50))
		return;
	ufd = open("/dev/ppp", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (ufd < 0) {
		rec(z, G_PPP, 1, errno);
		return;
	}
	err = sret(ioctl(ufd, PPPIOCNEWUNIT, &unit));
	rec(z, G_PPP, 1, err);
	if (err) {
		close(ufd);
		return;
	}
	d = free_slot(z);
	slot_set(z, d, ufd, FK_PPPUNIT, 0);
	s = find_slot(z, BIT(FK_PPPCHAN), 0);
	if (s >= 0)
		rec(z, G_PPP, 2, sret(ioctl(z->fds[s].fd, PPPIOCCONNECT, &unit)));
}

static void op_ppp_io(struct fz *z)
{
	int s = find_slot(z, K_PPPDEV, 0), r = rnd(z, 100), v;
	size_t len = rnd(z, 2) ? rnd(z, 64) : rnd(z, 4000);
	ssize_t rc;

	if (s < 0)
		return;
	dsc(z, "ppp %s fd=%d len=%zu op=%d", kind_names[z->fds[s].kind],
	    z->fds[s].fd, len, r);
	begin(z);
	if (r < 50) {
		rfill(z, z->data, len);
		if (len >= 2 && chance(z, 70)) {
			z->data[0] = 0;
			z->data[1] = chance(z, 50) ? 0x21 : 0x57;
		}
		rc = write(z->fds[s].fd, z->data, len);
		if (rc > (ssize_t)len)
			anomaly(z, "ppp write of %zu returned %zd", len, rc);
		rec(z, G_PPP, 3, sret(rc));
	} else if (r < 80) {
		rc = read(z->fds[s].fd, z->data, len);
		if (rc > (ssize_t)len)
			anomaly(z, "ppp read into %zu returned %zd", len, rc);
		rec(z, G_PPP, 4, sret(rc));
	} else {
		static const unsigned long cmds[] = {
			PPPIOCGUNIT, PPPIOCGCHAN, PPPIOCSMRU, PPPIOCGFLAGS,
			PPPIOCDISCONN, PPPIOCGMRU,
		};

		v = 1500;
		rec(z, G_PPP, 5, sret(ioctl(z->fds[s].fd,
					    cmds[rnd(z, ARRAY_SIZE(cmds))],
					    &v)));
	}
}

/* ------------------------------------------------------------ op table */

struct op_def {
	const char *name;
	void (*fn)(struct fz *z);
	uint16_t w_worker;	/* weight in a worker */
	uint16_t w_churn;	/* weight in the netns churn thread */
};

static const struct op_def op_defs[] = {
	{ "nl", op_nl, 300, 420 },
	{ "dump", op_dump, 40, 30 },
	{ "dump-resume", op_dump_resume, 15, 5 },
	{ "mcast", op_mcast, 8, 2 },
	{ "socket", op_socket, 110, 180 },
	{ "bind", op_bind, 45, 40 },
	{ "connect", op_connect, 120, 200 },
	{ "send", op_send, 80, 50 },
	{ "recv", op_recv, 50, 10 },
	{ "setsockopt", op_setsockopt, 40, 15 },
	{ "getsockopt", op_getsockopt, 25, 5 },
	{ "ioctl", op_ioctl, 45, 15 },
	{ "getname", op_getname, 20, 5 },
	{ "shutdown", op_shutdown, 8, 2 },
	{ "dup", op_dup, 10, 5 },
	{ "close", op_close, 55, 10 },
	{ "ppp-attach", op_ppp_attach, 12, 10 },
	{ "ppp-io", op_ppp_io, 15, 5 },
};
#define NOPS	ARRAY_SIZE(op_defs)
_Static_assert(NOPS <= 32, "op_calls[] too small");

static uint16_t w_worker[NOPS], w_churn[NOPS];
static unsigned int wsum_worker, wsum_churn;

static int pick_op(struct fz *z)
{
	const uint16_t *w = z->stream == CHURN_STREAM ? w_churn : w_worker;
	unsigned int sum = z->stream == CHURN_STREAM ? wsum_churn : wsum_worker;
	unsigned int r = rnd(z, sum), i;

	for (i = 0; i < NOPS - 1; i++) {
		if (r < w[i])
			break;
		r -= w[i];
	}
	return i;
}

static void run_op(struct fz *z, uint64_t op)
{
	int64_t t0 = now_ns(), dt;
	char sn[16];
	int k;

	z->op = op;
	z->rng = op_seed(z->stream, op);
	z->dlen = 0;
	z->desc[0] = 0;
	z->mut = 0;
	z->fd_slot = -1;
	atomic_store(&z->op_t0, t0);
	atomic_store(&z->cur_op, op);
	if (z->stream == opt_stall_stream && op == opt_stall_op)
		for (;;)
			pause();
	k = pick_op(z);
	op_defs[k].fn(z);
	if (!z->dlen) {
		/* nothing in the table to act on: logged all the same */
		dsc(z, "%s: no fd to act on", op_defs[k].name);
		log_line(z, z->desc);
	}
	dt = now_ns() - t0;
	z->op_calls[k]++;
	z->op_ns[k] += dt;
	if (dt > SLOW_NS) {
		pthread_mutex_lock(&g_out_lock);
		printf("# slow: seed=%" PRIu64 " thread=%s op=%" PRIu64
		       " took %" PRId64 " ms [%s]\n", g_seed,
		       stream_name(z->stream, sn, sizeof(sn)), op,
		       dt / 1000000, z->desc);
		fflush(stdout);
		pthread_mutex_unlock(&g_out_lock);
	}
	z->done_ops++;
	atomic_fetch_add(&g_progress, 1);
	if (z->logfd >= 0 && z->done_ops % LOG_ROTATE == 0) {
		char old[PATH_MAX + 8];

		snprintf(old, sizeof(old), "%s.old", z->logpath);
		rename(z->logpath, old);
		close(z->logfd);
		z->logfd = open(z->logpath, O_WRONLY | O_CREAT | O_TRUNC |
				O_APPEND | O_CLOEXEC, 0644);
	}
}

/* ------------------------------------------------------------ threads */

static struct fz *fz_new(int stream)
{
	struct fz *z = calloc(1, sizeof(*z));
	char sn[16];
	int i;

	if (!z)
		die("out of memory");
	z->stream = stream;
	z->gbase = (stream == CHURN_STREAM ? MAX_WORKERS : stream % MAX_WORKERS) *
		   NSLOTS;
	z->tx = aligned_alloc(8, TX_SIZE);
	z->rx = aligned_alloc(8, RX_SIZE);
	z->data = malloc(DATA_SIZE);
	z->hist = calloc(NGROUPS * NSUB, sizeof(*z->hist));
	if (!z->tx || !z->rx || !z->data || !z->hist)
		die("out of memory");
	for (i = 0; i < NSLOTS; i++)
		z->fds[i].fd = -1;
	for (i = 0; i < (int)ARRAY_SIZE(z->closed); i++)
		z->closed[i] = 3 + i;
	z->nl = z->nl_foreign = -1;
	z->home_ns = g_home_ns;
	z->seq = (uint32_t)mix64(g_seed + stream);
	z->logfd = -1;
	atomic_store(&z->op_t0, now_ns());
	if (opt_logdir) {
		snprintf(z->logpath, sizeof(z->logpath), "%s/%s.log", opt_logdir,
			 stream_name(stream, sn, sizeof(sn)));
		z->logfd = open(z->logpath, O_WRONLY | O_CREAT | O_TRUNC |
				O_APPEND | O_CLOEXEC, 0644);
		if (z->logfd < 0)
			die("%s: %s", z->logpath, strerror(errno));
	}
	return z;
}

/* The thread's genl sockets: one in its netns, one in the scratch one. */
static void fz_open_nl(struct fz *z)
{
	z->nl = nl_socket(NULL);
	if (z->nl < 0)
		die("netlink socket: %s", strerror(errno));
	enter_ns(g_scratch_ns);
	z->nl_foreign = nl_socket(NULL);
	enter_ns(z->home_ns);
}

static void fz_close_nl(struct fz *z)
{
	if (z->nl >= 0)
		close(z->nl);
	if (z->nl_foreign >= 0)
		close(z->nl_foreign);
	z->nl = z->nl_foreign = -1;
}

static void *worker_main(void *arg)
{
	struct fz *z = arg;
	uint64_t i;

	z->t_begin = now_ns();
	atomic_store(&z->op_t0, z->t_begin);
	fz_open_nl(z);
	for (i = 0; i < z->nops; i++)
		run_op(z, z->start + i);
	/* Everything left closes in a random order of its own. */
	z->rng = op_seed(z->stream, ~0ULL >> 24);
	z->op = z->start + z->nops;
	close_all(z);
	fz_close_nl(z);
	z->t_end = now_ns();
	atomic_store(&z->done, true);
	return NULL;
}

/* Rounds of: a new netns, a burst of operations in it (mostly creating
 * tunnels, sessions and sockets), then every fd closed and the netns
 * left to die with what is in it.  Runs until the workers finish (or for
 * --ops operations when replayed alone).
 */
static void *churn_main(void *arg)
{
	struct fz *z = arg;
	uint64_t op = z->start, round = 0, n, i;
	int ns, err;

	z->t_begin = now_ns();
	atomic_store(&z->op_t0, z->t_begin);
	for (;;) {
		atomic_store(&z->op_t0, now_ns());
		if (opt_replay < 0 && atomic_load(&g_workers_done))
			break;
		if (opt_replay >= 0 && op >= z->start + z->nops)
			break;
		z->rng = op_seed(z->stream, (1ULL << 39) + round++);
		n = 10 + rnd(z, 90);
		err = sret(unshare(CLONE_NEWNET));
		rec(z, G_NETNS, 1, err);
		if (err) {
			msleep(100);
			continue;
		}
		lo_up();
		ns = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
		if (ns < 0)
			die("/proc/thread-self/ns/net: %s", strerror(errno));
		z->home_ns = ns;
		pthread_mutex_lock(&g_churn_lock);
		g_churn_ns = dup(ns);
		pthread_mutex_unlock(&g_churn_lock);
		fz_open_nl(z);
		for (i = 0; i < n; i++) {
			if (opt_replay >= 0 && op >= z->start + z->nops)
				break;
			run_op(z, op++);
		}
		pthread_mutex_lock(&g_churn_lock);
		close(g_churn_ns);
		g_churn_ns = -1;
		pthread_mutex_unlock(&g_churn_lock);
		z->rng = op_seed(z->stream, (1ULL << 38) + round);
		close_all(z);
		fz_close_nl(z);
		enter_ns(g_home_ns);
		z->home_ns = g_home_ns;
		close(ns);
		rec(z, G_NETNS, 0, 0);
		atomic_fetch_add(&g_netns_rounds, 1);
	}
	z->t_end = now_ns();
	atomic_store(&z->done, true);
	return NULL;
}

static void *scratch_main(void *arg)
{
	(void)arg;
	if (unshare(CLONE_NEWNET))
		die("unshare(CLONE_NEWNET): %s", strerror(errno));
	lo_up();
	g_scratch_ns = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (g_scratch_ns < 0)
		die("/proc/thread-self/ns/net: %s", strerror(errno));
	return NULL;
}

/* ------------------------------------------------------------- output */

static void hang_report(int64_t idle)
{
	char sn[16];
	int i;

	pthread_mutex_lock(&g_out_lock);
	printf("# hang: an operation ran for more than %d s (the last to complete anywhere: %" PRId64
	       " s ago), seed=%" PRIu64 "\n", opt_watchdog, idle / 1000000000,
	       g_seed);
	for (i = 0; i < g_nthreads; i++) {
		struct fz *z = g_threads[i];
		uint64_t op = atomic_load(&z->cur_op);

		if (atomic_load(&z->done))
			continue;
		z->desc[sizeof(z->desc) - 1] = 0;
		printf("# hang: thread=%s op=%" PRIu64 " running for %" PRId64
		       " s [%s]\n", stream_name(z->stream, sn, sizeof(sn)), op,
		       (now_ns() - atomic_load(&z->op_t0)) / 1000000000,
		       z->desc);
		printf("# reproduce: l2tp_fuzz_nl --seed %" PRIu64
		       " --replay-thread %s --ops %" PRIu64 "\n", g_seed,
		       stream_name(z->stream, sn, sizeof(sn)), op + 1);
	}
	fflush(stdout);
	_exit(2);
}

static void print_summary(double secs)
{
	uint32_t (*sum)[NERR] = calloc(NGROUPS * NSUB, sizeof(*sum));
	uint64_t total = 0;
	char sn[16], b[32], line[2048];
	int t, k, e, n;

	if (!sum)
		die("out of memory");
	for (t = 0; t < g_nthreads; t++) {
		struct fz *z = g_threads[t];

		total += z->done_ops;
		printf("# thread %s: %" PRIu64 " ops in %.1f s\n",
		       stream_name(z->stream, sn, sizeof(sn)), z->done_ops,
		       (z->t_end - z->t_begin) / 1e9);
		for (k = 0; k < NGROUPS * NSUB; k++)
			for (e = 0; e < NERR; e++)
				sum[k][e] += z->hist[k][e];
	}
	printf("# time per operation:");
	for (k = 0; k < (int)NOPS; k++) {
		uint64_t calls = 0, ns = 0;

		for (t = 0; t < g_nthreads; t++) {
			calls += g_threads[t]->op_calls[k];
			ns += g_threads[t]->op_ns[k];
		}
		if (calls)
			printf(" %s %" PRIu64 "x%.2fms", op_defs[k].name, calls,
			       ns / 1e6 / calls);
	}
	printf("\n# outcomes (calls: result count ...):\n");
	for (k = 0; k < NGROUPS * NSUB; k++) {
		uint64_t calls = 0;

		for (e = 0; e < NERR; e++)
			calls += sum[k][e];
		if (!calls)
			continue;
		n = snprintf(line, sizeof(line), "#   %s/%s: %" PRIu64 ":",
			     group_names[k / NSUB],
			     sub_name(k / NSUB, k % NSUB, b, sizeof(b)), calls);
		for (e = 0; e < NERR && n < (int)sizeof(line) - 40; e++)
			if (sum[k][e])
				n += snprintf(line + n, sizeof(line) - n, " %s %u",
					      err_name(e, sn, sizeof(sn)),
					      sum[k][e]);
		puts(line);
	}
	printf("# result: ops=%" PRIu64 " seconds=%.1f ops_per_s=%.0f anomalies=%u netns=%u\n",
	       total, secs, secs > 0 ? total / secs : 0.0,
	       atomic_load(&g_anomalies), atomic_load(&g_netns_rounds));
	fflush(stdout);
	free(sum);
}

/* --------------------------------------------------------------- main */

static void usage(FILE *f)
{
	unsigned int i;

	fprintf(f,
		"usage: l2tp_fuzz_nl [--seed N] [--ops N] [--threads N] [--netns-churn]\n"
		"                    [--replay-thread K|churn [--start M]] [--skip OPS]\n"
		"                    [--log-dir DIR] [--watchdog SEC] [--stall K:J] [-v]\n"
		"defaults: seed $FUZZ_SEED or the clock, ops $FUZZ_OPS or 20000, 4 threads\n"
		"ops:");
	for (i = 0; i < NOPS; i++)
		fprintf(f, " %s", op_defs[i].name);
	fputc('\n', f);
}

static void skip_ops(const char *list)
{
	char *copy = strdup(list), *tok, *save = NULL;
	unsigned int i;

	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < NOPS; i++)
			if (!strcmp(tok, op_defs[i].name))
				break;
		if (i == NOPS) {
			usage(stderr);
			die("unknown operation %s", tok);
		}
		w_worker[i] = w_churn[i] = 0;
	}
	free(copy);
}

static int mcast_cb(const struct nlattr *a, void *data)
{
	const struct nlattr *g;
	uint32_t id = 0;
	bool ours = false;

	mnl_attr_for_each_nested(g, a) {
		if (mnl_attr_get_type(g) == CTRL_ATTR_MCAST_GRP_ID)
			id = mnl_attr_get_u32(g);
		if (mnl_attr_get_type(g) == CTRL_ATTR_MCAST_GRP_NAME &&
		    !strcmp(mnl_attr_get_str(g), L2TP_GENL_MCGROUP))
			ours = true;
	}
	if (ours)
		*(uint32_t *)data = id;
	return MNL_CB_OK;
}

static int family_cb(const struct nlattr *a, void *data)
{
	if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GROUPS)
		mnl_attr_parse_nested(a, mcast_cb, data);
	return MNL_CB_OK;
}

static uint64_t parse_u64(const char *s, const char *what)
{
	char *end;
	uint64_t v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || !*s || *end)
		die("bad %s: %s", what, s);
	return v;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "ops", required_argument, NULL, 'o' },
		{ "threads", required_argument, NULL, 't' },
		{ "netns-churn", no_argument, NULL, 'c' },
		{ "replay-thread", required_argument, NULL, 'r' },
		{ "start", required_argument, NULL, 'S' },
		{ "skip", required_argument, NULL, 'k' },
		{ "log-dir", required_argument, NULL, 'l' },
		{ "watchdog", required_argument, NULL, 'w' },
		{ "stall", required_argument, NULL, 'x' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	const char *seed_arg = getenv("FUZZ_SEED"), *ops_env = getenv("FUZZ_OPS");
	const char *skip = NULL;
	struct rlimit rl;
	char sn[16];
	struct l2tp_nl nl;
	pthread_t th;
	int64_t t0, last_change;
	uint64_t last_progress = 0;
	unsigned int i;
	int c, err;

	for (i = 0; i < NOPS; i++) {
		w_worker[i] = op_defs[i].w_worker;
		w_churn[i] = op_defs[i].w_churn;
	}
	if (ops_env && *ops_env)
		opt_ops = parse_u64(ops_env, "FUZZ_OPS");
	while ((c = getopt_long(argc, argv, "s:o:t:cr:S:k:l:w:x:vh", lo,
				NULL)) != -1) {
		switch (c) {
		case 's':
			seed_arg = optarg;
			break;
		case 'o':
			opt_ops = parse_u64(optarg, "--ops");
			break;
		case 't':
			opt_threads = parse_u64(optarg, "--threads");
			break;
		case 'c':
			opt_churn = true;
			break;
		case 'r':
			opt_replay = strcmp(optarg, "churn") ?
				     (int)parse_u64(optarg, "--replay-thread") :
				     CHURN_STREAM;
			break;
		case 'S':
			opt_start = parse_u64(optarg, "--start");
			break;
		case 'k':
			skip = optarg;
			break;
		case 'l':
			opt_logdir = optarg;
			break;
		case 'w':
			opt_watchdog = parse_u64(optarg, "--watchdog");
			break;
		case 'x':
			/* K:J, stream K stops for good before its op J */
			opt_stall_stream = strcmp(optarg, "churn") ?
					   atoi(optarg) : CHURN_STREAM;
			if (strchr(optarg, ':'))
				opt_stall_op = parse_u64(strchr(optarg, ':') + 1,
							 "--stall");
			break;
		case 'v':
			opt_verbose = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 1;
		}
	}
	if (seed_arg && *seed_arg)
		g_seed = parse_u64(seed_arg, "seed");
	else
		g_seed = mix64((uint64_t)now_ns() ^ ((uint64_t)getpid() << 32)) >> 1;
	/* always the first line: everything below can be replayed from it */
	printf("# seed %" PRIu64 "\n", g_seed);
	fflush(stdout);
	if (opt_threads < 1 || opt_threads > MAX_WORKERS)
		die("--threads must be 1..%d", MAX_WORKERS);
	if (opt_replay >= MAX_WORKERS && opt_replay != CHURN_STREAM)
		die("--replay-thread must be 0..%d or churn", MAX_WORKERS - 1);
	if (skip)
		skip_ops(skip);
	for (i = 0; i < NOPS; i++) {
		wsum_worker += w_worker[i];
		wsum_churn += w_churn[i];
	}
	if (!wsum_worker || !wsum_churn)
		die("every operation skipped");
	signal(SIGPIPE, SIG_IGN);
	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < 4096) {
		rl.rlim_cur = rl.rlim_max < 4096 ? rl.rlim_max : 4096;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	for (i = 0; i < ARRAY_SIZE(g_fds); i++)
		atomic_store(&g_fds[i], -1);

	err = l2tp_nl_open(&nl, 5);
	if (err)
		die("genl family %s: %s", L2TP_GENL_NAME, strerror(err));
	g_family = nl.family;
	mnl_attr_parse((struct nlmsghdr *)nl.reply, sizeof(struct genlmsghdr),
		       family_cb, &g_mcgrp);
	l2tp_nl_close(&nl);
	if (!g_family || !g_mcgrp)
		die("l2tp family id %u, multicast group %u", g_family, g_mcgrp);

	g_home_ns = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (g_home_ns < 0)
		die("/proc/thread-self/ns/net: %s", strerror(errno));
	if (pthread_create(&th, NULL, scratch_main, NULL) ||
	    pthread_join(th, NULL))
		die("scratch netns thread");

	if (opt_replay >= 0) {
		struct fz *z = fz_new(opt_replay);

		z->start = opt_start;
		z->nops = opt_ops;
		g_threads[g_nthreads++] = z;
		printf("# replay: thread %s, ops %" PRIu64 "..%" PRIu64 "\n",
		       stream_name(opt_replay, sn, sizeof(sn)), opt_start,
		       opt_start + opt_ops - 1);
	} else {
		for (c = 0; c < opt_threads; c++) {
			struct fz *z = fz_new(c);

			z->nops = opt_ops / opt_threads +
				  ((uint64_t)c < opt_ops % opt_threads);
			g_threads[g_nthreads++] = z;
		}
		if (opt_churn)
			g_threads[g_nthreads++] = fz_new(CHURN_STREAM);
		printf("# %d threads%s, %" PRIu64 " ops\n", opt_threads,
		       opt_churn ? " + netns churn" : "", opt_ops);
	}
	fflush(stdout);

	t0 = now_ns();
	for (c = 0; c < g_nthreads; c++) {
		struct fz *z = g_threads[c];

		if (pthread_create(&z->th, NULL, z->stream == CHURN_STREAM ?
				   churn_main : worker_main, z))
			die("pthread_create");
	}
	/* the watchdog: no op completed anywhere, or one op too long */
	last_change = now_ns();
	for (;;) {
		bool workers = true, all = true;
		uint64_t p;

		msleep(200);
		for (c = 0; c < g_nthreads; c++) {
			struct fz *z = g_threads[c];
			bool d = atomic_load(&z->done);

			all &= d;
			if (z->stream != CHURN_STREAM)
				workers &= d;
			if (!d && now_ns() - atomic_load(&z->op_t0) >
				  opt_watchdog * 1000000000LL)
				hang_report(now_ns() - last_change);
		}
		if (workers)
			atomic_store(&g_workers_done, true);
		if (all)
			break;
		p = atomic_load(&g_progress);
		if (p != last_progress) {
			last_progress = p;
			last_change = now_ns();
		} else if (now_ns() - last_change > opt_watchdog * 1000000000LL) {
			hang_report(now_ns() - last_change);
		}
	}
	for (c = 0; c < g_nthreads; c++)
		pthread_join(g_threads[c]->th, NULL);
	print_summary((now_ns() - t0) / 1e9);
	return 0;
}
