// SPDX-License-Identifier: GPL-2.0
/*
 * l2tp_bench_nl: the control-plane half of `make bench` (bench.sh).  It
 * speaks the "l2tp" generic netlink family with libmnl and pipelines its
 * requests: up to WINDOW of them go out in one sendto(), then their acks
 * are read, so that the kernel's cost dominates, not ours.
 *
 *   l2tp_bench_nl calib
 *	A fixed integer loop; prints "calib_ms VALUE".
 *
 *   l2tp_bench_nl tunnels N
 *	Creates N unmanaged UDP/IPv4 tunnels on 127.0.0.1 (local ports
 *	from 20000 up), dumps them, deletes them all and waits until the
 *	dump is empty.  Needs lo up.
 *
 *   l2tp_bench_nl sessions N eth|ppp
 *	In one unmanaged tunnel: creates N sessions (eth: netdevs named
 *	bN; ppp: pseudowires with no netdev), measures the memory they
 *	took, dumps them, deletes them one by one; creates them again and
 *	deletes the tunnel holding them.  Every deletion is timed until
 *	the dump is empty and, for eth, the last netdev is gone.
 *
 *   l2tp_bench_nl dumps R
 *	Dumps all sessions R times; prints the mean time of one dump (for
 *	profiling the dump alone after a fill).
 *
 *   l2tp_bench_nl fill TID N FIRST_SID [eth]
 *	Adds N ppp (or eth) sessions (ids FIRST_SID...) to tunnel TID and
 *	exits; they go with the tunnel.
 *
 * Results are lines "NAME VALUE" (times in ms, memory in bytes per
 * object); anything else goes to stderr.  Exit status 1 on any error.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/l2tp.h>

#define WINDOW		128
#define MSG_ROOM	128	/* bytes of tx buffer per request */
#define BENCH_TID	1000
#define FIRST_PORT	20000

#define __printf(f, a)	__attribute__((format(printf, f, a)))

static struct mnl_socket *nl;
static uint16_t family;
static uint32_t seq;
static char txbuf[WINDOW * MSG_ROOM] __attribute__((aligned(8)));
static size_t txlen;
static int txcount;
static char rxbuf[1 << 16] __attribute__((aligned(8)));

static void die(const char *fmt, ...) __printf(1, 2);
static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("l2tp_bench_nl: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void result(const char *name, double v)
{
	printf("%s %.3f\n", name, v);
	fflush(stdout);
}

/* ---------------------------------------------------------- netlink */

static struct nlmsghdr *req(uint16_t type, uint8_t cmd, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(txbuf + txlen);
	struct genlmsghdr *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = L2TP_GENL_VERSION;
	return nlh;
}

/* Queue a request built by req(); at WINDOW, the batch goes out. */
static int flush(void);

static void queue(struct nlmsghdr *nlh)
{
	txlen += NLMSG_ALIGN(nlh->nlmsg_len);
	txcount++;
	if (txcount == WINDOW || txlen + MSG_ROOM > sizeof(txbuf))
		if (flush())
			exit(1);
}

typedef int (*msg_cb)(const struct nlmsghdr *nlh, void *data);

/*
 * Read until COUNT acks (or dump ends) have come; data messages go to
 * CB.  Returns the number of requests that failed; the first errno is
 * reported.
 */
static int collect(int count, msg_cb cb, void *data)
{
	int failed = 0;

	while (count > 0) {
		ssize_t n = mnl_socket_recvfrom(nl, rxbuf, sizeof(rxbuf));
		const struct nlmsghdr *m = (const void *)rxbuf;
		int len = n;

		if (n < 0)
			die("recv: %s", strerror(errno));
		for (; mnl_nlmsg_ok(m, len); m = mnl_nlmsg_next(m, &len)) {
			if (m->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = mnl_nlmsg_get_payload(m);

				if (e->error && !failed++)
					fprintf(stderr, "l2tp_bench_nl: request %u: %s\n",
						m->nlmsg_seq, strerror(-e->error));
				count--;
			} else if (m->nlmsg_type == NLMSG_DONE) {
				count--;
			} else if (cb) {
				cb(m, data);
			}
		}
	}
	return failed;
}

static int flush(void)
{
	int n = txcount;

	if (!n)
		return 0;
	if (mnl_socket_sendto(nl, txbuf, txlen) < 0)
		die("send: %s", strerror(errno));
	txlen = 0;
	txcount = 0;
	return collect(n, NULL, NULL);
}

static int family_attr(const struct nlattr *a, void *data)
{
	if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID)
		*(uint16_t *)data = mnl_attr_get_u16(a);
	return MNL_CB_OK;
}

static int family_msg(const struct nlmsghdr *nlh, void *data)
{
	return mnl_attr_parse(nlh, sizeof(struct genlmsghdr), family_attr, data);
}

static void nl_open(void)
{
	int big = 32 << 20;
	struct nlmsghdr *nlh;

	nl = mnl_socket_open(NETLINK_GENERIC);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		die("netlink: %s", strerror(errno));
	/* Room for a whole window of acks, and for big dumps. */
	setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVBUFFORCE,
		   &big, sizeof(big));
	nlh = req(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, NLM_F_ACK);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, L2TP_GENL_NAME);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		die("send: %s", strerror(errno));
	if (collect(1, family_msg, &family) || !family)
		die("no %s genetlink family", L2TP_GENL_NAME);
}

/* ------------------------------------------------------- requests */

static void tunnel_create(uint32_t tid, uint16_t sport)
{
	struct nlmsghdr *nlh = req(family, L2TP_CMD_TUNNEL_CREATE, NLM_F_ACK);
	struct in_addr lo = { htonl(INADDR_LOOPBACK) };

	mnl_attr_put_u32(nlh, L2TP_ATTR_CONN_ID, tid);
	mnl_attr_put_u32(nlh, L2TP_ATTR_PEER_CONN_ID, tid);
	mnl_attr_put_u8(nlh, L2TP_ATTR_PROTO_VERSION, 3);
	mnl_attr_put_u16(nlh, L2TP_ATTR_ENCAP_TYPE, L2TP_ENCAPTYPE_UDP);
	mnl_attr_put(nlh, L2TP_ATTR_IP_SADDR, sizeof(lo), &lo);
	mnl_attr_put(nlh, L2TP_ATTR_IP_DADDR, sizeof(lo), &lo);
	mnl_attr_put_u16(nlh, L2TP_ATTR_UDP_SPORT, sport);
	mnl_attr_put_u16(nlh, L2TP_ATTR_UDP_DPORT, 1701);
	queue(nlh);
}

static void session_create(uint32_t tid, uint32_t sid, bool eth)
{
	struct nlmsghdr *nlh = req(family, L2TP_CMD_SESSION_CREATE, NLM_F_ACK);
	char name[IFNAMSIZ];

	mnl_attr_put_u32(nlh, L2TP_ATTR_CONN_ID, tid);
	mnl_attr_put_u32(nlh, L2TP_ATTR_SESSION_ID, sid);
	mnl_attr_put_u32(nlh, L2TP_ATTR_PEER_SESSION_ID, sid);
	mnl_attr_put_u16(nlh, L2TP_ATTR_PW_TYPE,
			 eth ? L2TP_PWTYPE_ETH : L2TP_PWTYPE_PPP);
	if (eth) {
		/* Named, so that neither side pays for "l2tpeth%d". */
		snprintf(name, sizeof(name), "b%u", sid);
		mnl_attr_put_strz(nlh, L2TP_ATTR_IFNAME, name);
	}
	queue(nlh);
}

static void delete(uint8_t cmd, uint32_t tid, uint32_t sid)
{
	struct nlmsghdr *nlh = req(family, cmd, NLM_F_ACK);

	mnl_attr_put_u32(nlh, L2TP_ATTR_CONN_ID, tid);
	if (cmd == L2TP_CMD_SESSION_DELETE)
		mnl_attr_put_u32(nlh, L2TP_ATTR_SESSION_ID, sid);
	queue(nlh);
}

static int count_msg(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(*(long *)data)++;
	return MNL_CB_OK;
}

/* Dump tunnels or sessions; returns how many came. */
static long dump(uint8_t cmd)
{
	struct nlmsghdr *nlh = req(family, cmd, NLM_F_DUMP);
	long n = 0;

	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		die("send: %s", strerror(errno));
	collect(1, count_msg, &n);
	return n;
}

/* -------------------------------------------------------- measures */

/* A /proc/meminfo field, in bytes. */
static long long meminfo(const char *field)
{
	char line[256];
	size_t len = strlen(field);
	long long kb = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		die("/proc/meminfo: %s", strerror(errno));
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, field, len) && line[len] == ':')
			kb = atoll(line + len + 1);
	fclose(f);
	return kb * 1024;
}

static void settle(void)
{
	int fd;

	/* Let RCU callbacks and deferred frees run, then reclaim caches. */
	usleep(300000);
	fd = open("/proc/sys/vm/drop_caches", O_WRONLY);
	if (fd >= 0) {
		if (write(fd, "3", 1) < 0)
			fprintf(stderr, "drop_caches: %s\n", strerror(errno));
		close(fd);
	}
}

/*
 * Is netdev NAME still there?  Through sysfs, which `ip netns exec`
 * mounts for our netns: if_nametoindex() would cost a request_module()
 * (a modprobe run, 0.1-0.5 s under TCG) for every name already gone.
 */
static bool netdev_exists(const char *name)
{
	char path[64];

	snprintf(path, sizeof(path), "/sys/class/net/%s", name);
	return !access(path, F_OK);
}

/* Wait until the dump CMD is empty and netdevs b{first..last} are gone. */
static void wait_gone(uint8_t cmd, uint32_t first, uint32_t last, bool eth)
{
	char name[IFNAMSIZ];
	uint32_t i = first;
	double t0 = now_ms();

	for (;;) {
		bool busy = dump(cmd) > 0;

		while (!busy && eth && i <= last) {
			snprintf(name, sizeof(name), "b%u", i);
			if (netdev_exists(name))
				busy = true;
			else
				i++;
		}
		if (!busy)
			return;
		if (now_ms() - t0 > 600000)
			die("objects still there after 10 minutes");
		usleep(2000);
	}
}

static void bench_tunnels(uint32_t n)
{
	double t;
	long got;
	uint32_t i;

	if (n > 45000) {
		fprintf(stderr, "tunnels: %u is more than the port range, skipped\n", n);
		return;
	}
	t = now_ms();
	for (i = 0; i < n; i++)
		tunnel_create(BENCH_TID + i, FIRST_PORT + i);
	if (flush())
		exit(1);
	result("tunnel_create_ms", now_ms() - t);

	t = now_ms();
	got = dump(L2TP_CMD_TUNNEL_GET);
	result("tunnel_dump_ms", now_ms() - t);
	if (got != n)
		die("tunnel dump: %ld of %u", got, n);

	t = now_ms();
	for (i = 0; i < n; i++)
		delete(L2TP_CMD_TUNNEL_DELETE, BENCH_TID + i, 0);
	if (flush())
		exit(1);
	wait_gone(L2TP_CMD_TUNNEL_GET, 0, 0, false);
	result("tunnel_delete_ms", now_ms() - t);
}

static void create_sessions(uint32_t n, bool eth, uint32_t tid, uint32_t first)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		session_create(tid, first + i, eth);
	if (flush())
		exit(1);
}

static void bench_sessions(uint32_t n, bool eth)
{
	long long avail, slab;
	double t;
	long got;
	uint32_t i;

	tunnel_create(BENCH_TID, FIRST_PORT);
	if (flush())
		exit(1);
	settle();
	avail = meminfo("MemAvailable");
	slab = meminfo("Slab");

	t = now_ms();
	create_sessions(n, eth, BENCH_TID, 1);
	result("session_create_ms", now_ms() - t);
	/* wait_gone() looks for the netdevs in sysfs: it must see ours. */
	if (eth && (!netdev_exists("b1") || netdev_exists("b0")))
		die("/sys/class/net is not this netns's (use ip netns exec)");

	settle();
	result("session_mem_avail_bytes",
	       (double)(avail - meminfo("MemAvailable")) / n);
	result("session_mem_slab_bytes", (double)(meminfo("Slab") - slab) / n);

	t = now_ms();
	got = dump(L2TP_CMD_SESSION_GET);
	result("session_dump_ms", now_ms() - t);
	if (got != n)
		die("session dump: %ld of %u", got, n);

	t = now_ms();
	for (i = 1; i <= n; i++)
		delete(L2TP_CMD_SESSION_DELETE, BENCH_TID, i);
	if (flush())
		exit(1);
	wait_gone(L2TP_CMD_SESSION_GET, 1, n, eth);
	result("session_delete_ms", now_ms() - t);

	create_sessions(n, eth, BENCH_TID, 1);
	t = now_ms();
	delete(L2TP_CMD_TUNNEL_DELETE, BENCH_TID, 0);
	if (flush())
		exit(1);
	wait_gone(L2TP_CMD_SESSION_GET, 1, n, eth);
	wait_gone(L2TP_CMD_TUNNEL_GET, 0, 0, false);
	result("tunnel_delete_sessions_ms", now_ms() - t);
}

static void calib(void)
{
	volatile uint64_t x = 88172645463325252ULL;
	double t = now_ms();
	long i;

	/* xorshift64: no memory traffic, no syscalls. */
	for (i = 0; i < 20000000; i++) {
		uint64_t v = x;

		v ^= v << 13;
		v ^= v >> 7;
		v ^= v << 17;
		x = v;
	}
	result("calib_ms", now_ms() - t);
}

static uint32_t number(const char *s)
{
	char *end;
	unsigned long v = strtoul(s, &end, 0);

	if (*end || !v || v > 1000000)
		die("bad number %s", s);
	return v;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "calib")) {
		calib();
		return 0;
	}
	nl_open();
	if (argc == 3 && !strcmp(argv[1], "tunnels")) {
		bench_tunnels(number(argv[2]));
	} else if (argc == 4 && !strcmp(argv[1], "sessions")) {
		bench_sessions(number(argv[2]), !strcmp(argv[3], "eth"));
	} else if (argc == 3 && !strcmp(argv[1], "dumps")) {
		uint32_t i, r = number(argv[2]);
		double t = now_ms();
		long n = 0;

		for (i = 0; i < r; i++)
			n += dump(L2TP_CMD_SESSION_GET);
		result("dump_ms", (now_ms() - t) / r);
		result("dump_sessions", n / r);
	} else if ((argc == 5 || (argc == 6 && !strcmp(argv[5], "eth"))) &&
		   !strcmp(argv[1], "fill")) {
		double t = now_ms();

		create_sessions(number(argv[3]), argc == 6, number(argv[2]),
				number(argv[4]));
		result("fill_ms", now_ms() - t);
	} else {
		fprintf(stderr, "usage: l2tp_bench_nl calib | tunnels N | "
			"sessions N eth|ppp | fill TID N FIRST_SID [eth] | dumps R\n");
		return 2;
	}
	return 0;
}
