// SPDX-License-Identifier: GPL-2.0
/*
 * l2tp_churn: the userspace half of test_lifetime.sh and test_ipsec.sh.
 * It talks to the "l2tp" generic netlink family directly, so that the
 * loops of those tests cost one system call per object instead of one
 * `ip` process, and it owns the sockets of managed tunnels.
 *
 *   l2tp_churn get tunnel TID
 *   l2tp_churn get session TID SID
 *	One GET. Prints "found using_ipsec=... [ifname=...] rx=N tx=N"
 *	(USING_IPSEC at the top level: absent, or its value; a type 21
 *	in the STATS nest is reported too; rx/tx: the packet counters) or
 *	"errno=NAME"; exits 0 when found, 2 on ENODEV, 1 otherwise.
 *
 *   l2tp_churn hold OPTIONS
 *	A managed L2TPv3 tunnel over a socket this process creates, binds
 *	and connects, with -n Ethernet sessions; prints "ready", then
 *	waits. SIGUSR1 attaches an ESP transport policy to the socket
 *	(both directions) and prints "xfrm on"; SIGUSR2 detaches it and
 *	prints "xfrm off"; SIGTERM/SIGINT exit (the socket closes with
 *	the process, taking the tunnel along).
 *
 *   l2tp_churn cycles COUNT OPTIONS
 *	COUNT times: create a tunnel (managed with -m) and -n sessions,
 *	then tear it down as -D says: "tunnel" (TUNNEL_DELETE), "session"
 *	(SESSION_DELETE of each session, then TUNNEL_DELETE) or "close"
 *	(close the managed socket). Tunnel ids count up from -t.
 *
 *   l2tp_churn race COUNT OPTIONS
 *	COUNT times: create a tunnel (managed with -m) and -n sessions,
 *	then let threads delete them at once: TUNNEL_DELETE, SESSION_DELETE
 *	of every session (last first) and, when managed, close() of the
 *	socket. Each request must succeed or say ENODEV, and the tunnel and
 *	its sessions must then be gone.
 *
 *   l2tp_churn flood ADDR PORT [PPS]
 *	UDP datagrams to ADDR:PORT, PPS a second (default 1000) in bursts
 *	every 10 ms, until killed.
 *
 * Any command may be preceded by "-N NAME" to run it in the network
 * namespace /run/netns/NAME (cheaper than `ip netns exec`).
 *
 * OPTIONS: -f 4|6 (address family), -e udp|ip (encapsulation), -l/-r
 * local and remote address, -p/-P local and remote UDP port (0: an
 * ephemeral local port), -t/-T tunnel and peer tunnel id, -s/-S first
 * session and peer session id, -n sessions, -i name of the first
 * session's device, -x attach the ESP policy before the socket is
 * bound, -m managed, -D teardown.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
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
#include <linux/xfrm.h>

#ifndef IPPROTO_L2TP
#define IPPROTO_L2TP	115
#endif

#define __aligned(n)	__attribute__((aligned(n)))
#define __printf(f, a)	__attribute__((format(printf, f, a)))

#define MAX_SESSIONS	64

static void die(const char *fmt, ...) __printf(1, 2);
static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("l2tp_churn: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static const char *errname(int e)
{
	const char *n = e ? strerrorname_np(e) : "0";

	return n ? n : "unknown";
}

/* ---------------------------------------------------------- netlink */

/* One netlink socket and its buffers; one per thread. */
struct nlctx {
	struct mnl_socket *sk;
	uint32_t seq;
	char rx[16384] __aligned(8);
	char tx[2048] __aligned(8);
	char reply[4096] __aligned(8);	/* first data message of a reply */
	bool has_reply;
};

static uint16_t l2tp_family;

static void nl_open(struct nlctx *c)
{
	struct timeval tv = { .tv_sec = 20 };

	c->sk = mnl_socket_open(NETLINK_GENERIC);
	if (!c->sk || mnl_socket_bind(c->sk, 0, MNL_SOCKET_AUTOPID) < 0)
		die("netlink socket: %s", strerror(errno));
	setsockopt(mnl_socket_get_fd(c->sk), SOL_SOCKET, SO_RCVTIMEO,
		   &tv, sizeof(tv));
	c->seq = time(NULL);
}

static struct nlmsghdr *nl_start(struct nlctx *c, uint16_t type, uint8_t cmd)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(c->tx);
	struct genlmsghdr *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = ++c->seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = 1;
	return nlh;
}

/* Send the request and wait for its ack; 0 or the positive errno. */
static int nl_txn(struct nlctx *c, struct nlmsghdr *nlh)
{
	c->has_reply = false;
	if (mnl_socket_sendto(c->sk, nlh, nlh->nlmsg_len) < 0)
		return errno;
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(c->sk, c->rx, sizeof(c->rx));
		const struct nlmsghdr *m = (const void *)c->rx;
		int len = n;

		if (n < 0)
			return errno;
		for (; mnl_nlmsg_ok(m, len); m = mnl_nlmsg_next(m, &len)) {
			if (m->nlmsg_seq != nlh->nlmsg_seq)
				continue;
			if (m->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = mnl_nlmsg_get_payload(m);

				return -e->error;
			}
			if (!c->has_reply && m->nlmsg_len <= sizeof(c->reply)) {
				memcpy(c->reply, m, m->nlmsg_len);
				c->has_reply = true;
			}
		}
	}
}

static int family_cb(const struct nlattr *a, void *data)
{
	if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID)
		*(uint16_t *)data = mnl_attr_get_u16(a);
	return MNL_CB_OK;
}

static void resolve_family(struct nlctx *c)
{
	struct nlmsghdr *nlh = nl_start(c, GENL_ID_CTRL, CTRL_CMD_GETFAMILY);
	int err;

	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, L2TP_GENL_NAME);
	err = nl_txn(c, nlh);
	if (err || !c->has_reply)
		die("genl family %s: %s", L2TP_GENL_NAME, errname(err));
	mnl_attr_parse((struct nlmsghdr *)c->reply, sizeof(struct genlmsghdr),
		       family_cb, &l2tp_family);
}

/* -------------------------------------------------- configuration */

struct cfg {
	int af;
	int encap;
	uint32_t tid, ptid, sid, psid;
	const char *laddr, *raddr;
	uint16_t lport, rport;
	int nsess;
	const char *ifname;
	bool xfrm, managed;
	const char *teardown;
};

static void parse_opts(struct cfg *c, int argc, char **argv)
{
	int o;

	*c = (struct cfg){
		.af = AF_INET, .encap = L2TP_ENCAPTYPE_UDP,
		.tid = 1000, .ptid = 2000, .sid = 1, .psid = 1,
		.rport = 1701, .teardown = "tunnel",
	};
	while ((o = getopt(argc, argv, "f:e:l:r:p:P:t:T:s:S:n:i:xmD:")) != -1) {
		switch (o) {
		case 'f':
			c->af = atoi(optarg) == 6 ? AF_INET6 : AF_INET;
			break;
		case 'e':
			c->encap = strcmp(optarg, "ip") ? L2TP_ENCAPTYPE_UDP :
							  L2TP_ENCAPTYPE_IP;
			break;
		case 'l':
			c->laddr = optarg;
			break;
		case 'r':
			c->raddr = optarg;
			break;
		case 'p':
			c->lport = atoi(optarg);
			break;
		case 'P':
			c->rport = atoi(optarg);
			break;
		case 't':
			c->tid = strtoul(optarg, NULL, 0);
			break;
		case 'T':
			c->ptid = strtoul(optarg, NULL, 0);
			break;
		case 's':
			c->sid = strtoul(optarg, NULL, 0);
			break;
		case 'S':
			c->psid = strtoul(optarg, NULL, 0);
			break;
		case 'n':
			c->nsess = atoi(optarg);
			break;
		case 'i':
			c->ifname = optarg;
			break;
		case 'x':
			c->xfrm = true;
			break;
		case 'm':
			c->managed = true;
			break;
		case 'D':
			c->teardown = optarg;
			break;
		default:
			die("unknown option");
		}
	}
	if (!c->laddr || !c->raddr)
		die("-l and -r are needed");
	if (c->nsess < 0 || c->nsess > MAX_SESSIONS)
		die("at most %d sessions", MAX_SESSIONS);
}

/* ---------------------------------------------------------- sockets */

static void put_addr(struct sockaddr_storage *ss, socklen_t *len,
		     const struct cfg *c, const char *addr, uint16_t port,
		     uint32_t conn_id)
{
	memset(ss, 0, sizeof(*ss));
	if (c->af == AF_INET6) {
		struct sockaddr_in6 *s6 = (void *)ss;
		struct sockaddr_l2tpip6 *l6 = (void *)ss;

		s6->sin6_family = AF_INET6;
		if (inet_pton(AF_INET6, addr, &s6->sin6_addr) != 1)
			die("bad IPv6 address %s", addr);
		if (c->encap == L2TP_ENCAPTYPE_IP) {
			l6->l2tp_conn_id = conn_id;
			*len = sizeof(*l6);
		} else {
			s6->sin6_port = htons(port);
			*len = sizeof(*s6);
		}
	} else {
		struct sockaddr_in *s4 = (void *)ss;
		struct sockaddr_l2tpip *l4 = (void *)ss;

		s4->sin_family = AF_INET;
		if (inet_pton(AF_INET, addr, &s4->sin_addr) != 1)
			die("bad IPv4 address %s", addr);
		if (c->encap == L2TP_ENCAPTYPE_IP) {
			l4->l2tp_conn_id = conn_id;
			*len = sizeof(*l4);
		} else {
			s4->sin_port = htons(port);
			*len = sizeof(*s4);
		}
	}
}

/*
 * Attach (or, with !on, detach) an ESP transport-mode policy to the
 * socket for both directions: what IP_XFRM_POLICY/IPV6_XFRM_POLICY
 * take is a struct xfrm_userpolicy_info followed by its templates.
 */
static int sock_xfrm(int fd, int af, bool on)
{
	int level = af == AF_INET6 ? SOL_IPV6 : SOL_IP;
	int opt = af == AF_INET6 ? IPV6_XFRM_POLICY : IP_XFRM_POLICY;
	struct {
		struct xfrm_userpolicy_info info;
		struct xfrm_user_tmpl tmpl;
	} p;
	int dir;

	if (!on)
		return setsockopt(fd, level, opt, NULL, 0);
	for (dir = XFRM_POLICY_IN; dir <= XFRM_POLICY_OUT; dir++) {
		memset(&p, 0, sizeof(p));
		p.info.sel.family = af;
		p.info.lft.soft_byte_limit = XFRM_INF;
		p.info.lft.hard_byte_limit = XFRM_INF;
		p.info.lft.soft_packet_limit = XFRM_INF;
		p.info.lft.hard_packet_limit = XFRM_INF;
		p.info.dir = dir;
		p.info.action = XFRM_POLICY_ALLOW;
		p.info.share = XFRM_SHARE_ANY;
		p.tmpl.family = af;
		p.tmpl.id.proto = IPPROTO_ESP;
		p.tmpl.mode = XFRM_MODE_TRANSPORT;
		p.tmpl.aalgos = ~0U;
		p.tmpl.ealgos = ~0U;
		p.tmpl.calgos = ~0U;
		if (setsockopt(fd, level, opt, &p, sizeof(p)))
			return -1;
	}
	return 0;
}

/* The tunnel socket of a managed tunnel: bound and connected. */
static int tunnel_socket(const struct cfg *c, uint32_t tid, uint32_t ptid,
			 uint16_t lport)
{
	int proto = c->encap == L2TP_ENCAPTYPE_IP ? IPPROTO_L2TP : 0;
	struct sockaddr_storage l, r;
	socklen_t llen, rlen;
	int fd = socket(c->af, SOCK_DGRAM | SOCK_CLOEXEC, proto);

	if (fd < 0)
		die("socket: %s", strerror(errno));
	if (c->xfrm && sock_xfrm(fd, c->af, true))
		die("IP(V6)_XFRM_POLICY: %s", strerror(errno));
	put_addr(&l, &llen, c, c->laddr, lport, tid);
	put_addr(&r, &rlen, c, c->raddr, c->rport, ptid);
	if (bind(fd, (void *)&l, llen))
		die("bind %s: %s", c->laddr, strerror(errno));
	if (connect(fd, (void *)&r, rlen))
		die("connect %s: %s", c->raddr, strerror(errno));
	return fd;
}

/* ---------------------------------------------------- l2tp requests */

static int tunnel_create(struct nlctx *n, const struct cfg *c, uint32_t tid,
			 uint32_t ptid, int fd)
{
	struct nlmsghdr *nlh = nl_start(n, l2tp_family,
					L2TP_CMD_TUNNEL_CREATE);

	mnl_attr_put_u32(nlh, L2TP_ATTR_CONN_ID, tid);
	mnl_attr_put_u32(nlh, L2TP_ATTR_PEER_CONN_ID, ptid);
	mnl_attr_put_u8(nlh, L2TP_ATTR_PROTO_VERSION, 3);
	mnl_attr_put_u16(nlh, L2TP_ATTR_ENCAP_TYPE, c->encap);
	if (fd >= 0) {
		mnl_attr_put_u32(nlh, L2TP_ATTR_FD, fd);
		return nl_txn(n, nlh);
	}
	if (c->af == AF_INET6) {
		struct in6_addr l, r;

		if (inet_pton(AF_INET6, c->laddr, &l) != 1 ||
		    inet_pton(AF_INET6, c->raddr, &r) != 1)
			die("bad IPv6 address");
		mnl_attr_put(nlh, L2TP_ATTR_IP6_SADDR, sizeof(l), &l);
		mnl_attr_put(nlh, L2TP_ATTR_IP6_DADDR, sizeof(r), &r);
	} else {
		struct in_addr l, r;

		if (inet_pton(AF_INET, c->laddr, &l) != 1 ||
		    inet_pton(AF_INET, c->raddr, &r) != 1)
			die("bad IPv4 address");
		mnl_attr_put(nlh, L2TP_ATTR_IP_SADDR, sizeof(l), &l);
		mnl_attr_put(nlh, L2TP_ATTR_IP_DADDR, sizeof(r), &r);
	}
	if (c->encap == L2TP_ENCAPTYPE_UDP) {
		mnl_attr_put_u16(nlh, L2TP_ATTR_UDP_SPORT, c->lport);
		mnl_attr_put_u16(nlh, L2TP_ATTR_UDP_DPORT, c->rport);
	}
	return nl_txn(n, nlh);
}

static int session_create(struct nlctx *n, uint32_t tid, uint32_t sid,
			  uint32_t psid, const char *ifname)
{
	struct nlmsghdr *nlh = nl_start(n, l2tp_family,
					L2TP_CMD_SESSION_CREATE);

	mnl_attr_put_u32(nlh, L2TP_ATTR_CONN_ID, tid);
	mnl_attr_put_u32(nlh, L2TP_ATTR_SESSION_ID, sid);
	mnl_attr_put_u32(nlh, L2TP_ATTR_PEER_SESSION_ID, psid);
	mnl_attr_put_u16(nlh, L2TP_ATTR_PW_TYPE, L2TP_PWTYPE_ETH);
	if (ifname)
		mnl_attr_put_strz(nlh, L2TP_ATTR_IFNAME, ifname);
	return nl_txn(n, nlh);
}

/* A request naming a tunnel (sid == 0: none) or a session. */
static int key_req(struct nlctx *n, uint8_t cmd, uint32_t tid, uint32_t sid)
{
	struct nlmsghdr *nlh = nl_start(n, l2tp_family, cmd);

	mnl_attr_put_u32(nlh, L2TP_ATTR_CONN_ID, tid);
	if (sid)
		mnl_attr_put_u32(nlh, L2TP_ATTR_SESSION_ID, sid);
	return nl_txn(n, nlh);
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Poll a GET until it says ENODEV; false if it still finds the object. */
static bool wait_gone(struct nlctx *n, uint8_t cmd, uint32_t tid,
		      uint32_t sid, int *last)
{
	int i;

	for (i = 0; i < 500; i++) {
		*last = key_req(n, cmd, tid, sid);
		if (*last == ENODEV)
			return true;
		sleep_ms(10);
	}
	return false;
}

/* -------------------------------------------------------------- get */

static int get_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;

	if (mnl_attr_get_type(a) <= L2TP_ATTR_MAX)
		tb[mnl_attr_get_type(a)] = a;
	return MNL_CB_OK;
}

static int cmd_get(int argc, char **argv)
{
	const struct nlattr *tb[L2TP_ATTR_MAX + 1] = { 0 };
	const struct nlattr *st[L2TP_ATTR_MAX + 1] = { 0 };
	static struct nlctx n;
	bool session;
	uint32_t tid, sid = 0;
	int err;

	if (argc < 3)
		die("get tunnel TID | get session TID SID");
	session = !strcmp(argv[1], "session");
	if (session && argc < 4)
		die("get session TID SID");
	tid = strtoul(argv[2], NULL, 0);
	if (session)
		sid = strtoul(argv[3], NULL, 0);
	nl_open(&n);
	resolve_family(&n);
	err = key_req(&n, session ? L2TP_CMD_SESSION_GET : L2TP_CMD_TUNNEL_GET,
		      tid, sid);
	if (err) {
		printf("errno=%s\n", errname(err));
		return err == ENODEV ? 2 : 1;
	}
	if (!n.has_reply) {
		printf("errno=none, but no reply\n");
		return 1;
	}
	mnl_attr_parse((struct nlmsghdr *)n.reply, sizeof(struct genlmsghdr),
		       get_cb, tb);
	if (tb[L2TP_ATTR_STATS])
		mnl_attr_parse_nested(tb[L2TP_ATTR_STATS], get_cb, st);
	printf("found");
	if (tb[L2TP_ATTR_USING_IPSEC])
		printf(" using_ipsec=%u",
		       mnl_attr_get_payload_len(tb[L2TP_ATTR_USING_IPSEC]) ?
		       mnl_attr_get_u8(tb[L2TP_ATTR_USING_IPSEC]) : 256);
	else
		printf(" using_ipsec=absent");
	/* In the stats nest type 21 would be another counter: say so. */
	if (st[L2TP_ATTR_USING_IPSEC])
		printf(" stats_nest_has_type_%d", L2TP_ATTR_USING_IPSEC);
	if (tb[L2TP_ATTR_IFNAME])
		printf(" ifname=%s", mnl_attr_get_str(tb[L2TP_ATTR_IFNAME]));
	printf(" rx=%" PRIu64 " tx=%" PRIu64 "\n",
	       st[L2TP_ATTR_RX_PACKETS] ?
	       mnl_attr_get_u64(st[L2TP_ATTR_RX_PACKETS]) : 0,
	       st[L2TP_ATTR_TX_PACKETS] ?
	       mnl_attr_get_u64(st[L2TP_ATTR_TX_PACKETS]) : 0);
	return 0;
}

/* ------------------------------------------------------------- hold */

static volatile sig_atomic_t got_sig;

static void on_signal(int sig)
{
	got_sig = sig;
}

static void say(const char *s)
{
	printf("%s\n", s);
	fflush(stdout);
}

static int cmd_hold(int argc, char **argv)
{
	static struct nlctx n;
	struct sigaction sa = { .sa_handler = on_signal };
	sigset_t block, old;
	char name[IFNAMSIZ];
	struct cfg c;
	int fd, err, i;

	parse_opts(&c, argc, argv);
	nl_open(&n);
	resolve_family(&n);

	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigaddset(&block, SIGUSR2);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &old);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	fd = tunnel_socket(&c, c.tid, c.ptid, c.lport);
	err = tunnel_create(&n, &c, c.tid, c.ptid, fd);
	if (err)
		die("TUNNEL_CREATE %u: %s", c.tid, errname(err));
	for (i = 0; i < c.nsess; i++) {
		const char *ifn = NULL;

		if (c.ifname) {
			snprintf(name, sizeof(name), i ? "%s%d" : "%s",
				 c.ifname, i);
			ifn = name;
		}
		err = session_create(&n, c.tid, c.sid + i, c.psid + i, ifn);
		if (err)
			die("SESSION_CREATE %u/%u: %s", c.tid, c.sid + i,
			    errname(err));
	}
	say("ready");
	for (;;) {
		got_sig = 0;
		sigsuspend(&old);
		switch (got_sig) {
		case SIGUSR1:
		case SIGUSR2:
			if (sock_xfrm(fd, c.af, got_sig == SIGUSR1))
				die("IP(V6)_XFRM_POLICY: %s", strerror(errno));
			say(got_sig == SIGUSR1 ? "xfrm on" : "xfrm off");
			break;
		case SIGTERM:
		case SIGINT:
			return 0;
		}
	}
}

/* ----------------------------------------------------------- cycles */

/* Counts of the errnos seen, for the summary line. */
struct errcount {
	int err[8], count[8], n;
};

static void note_err(struct errcount *e, int err)
{
	int i;

	for (i = 0; i < e->n; i++) {
		if (e->err[i] == err) {
			e->count[i]++;
			return;
		}
	}
	if (e->n < 8) {
		e->err[e->n] = err;
		e->count[e->n++] = 1;
	}
}

static void print_errs(const char *what, const struct errcount *e)
{
	int i;

	printf("%s:", what);
	for (i = 0; i < e->n; i++)
		printf(" %s x%d", errname(e->err[i]), e->count[i]);
	putchar('\n');
}

/* Local UDP port of cycle i: ephemeral unless -p gave a base. */
static uint16_t cycle_port(const struct cfg *c, int i)
{
	return c->lport ? c->lport + i % 20000 : 0;
}

static int cmd_cycles(int argc, char **argv)
{
	static struct nlctx n;
	struct errcount errs = { 0 };
	int count, i, j, fails = 0, fd = -1, err;
	bool by_session, by_close;
	struct cfg c;

	if (argc < 2)
		die("cycles COUNT OPTIONS");
	count = atoi(argv[1]);
	parse_opts(&c, argc - 1, argv + 1);
	by_session = !strcmp(c.teardown, "session");
	by_close = !strcmp(c.teardown, "close");
	if (by_close && !c.managed)
		die("-D close needs -m");
	nl_open(&n);
	resolve_family(&n);

	for (i = 0; i < count; i++) {
		uint32_t tid = c.tid + i;
		uint32_t sid = c.sid + (uint32_t)i * c.nsess;

		if (c.managed)
			fd = tunnel_socket(&c, tid, c.ptid + i,
					   cycle_port(&c, i));
		err = tunnel_create(&n, &c, tid, c.ptid + i, fd);
		if (err) {
			printf("# cycle %d: TUNNEL_CREATE %u: %s\n", i, tid,
			       errname(err));
			fails++;
			note_err(&errs, err);
			if (fd >= 0)
				close(fd);
			continue;
		}
		for (j = 0; j < c.nsess; j++) {
			err = session_create(&n, tid, sid + j, sid + j, NULL);
			if (err) {
				printf("# cycle %d: SESSION_CREATE %u/%u: %s\n",
				       i, tid, sid + j, errname(err));
				fails++;
				note_err(&errs, err);
			}
		}
		for (j = 0; by_session && j < c.nsess; j++) {
			err = key_req(&n, L2TP_CMD_SESSION_DELETE, tid, sid + j);
			if (err) {
				printf("# cycle %d: SESSION_DELETE %u/%u: %s\n",
				       i, tid, sid + j, errname(err));
				fails++;
				note_err(&errs, err);
			}
		}
		if (!by_close) {
			err = key_req(&n, L2TP_CMD_TUNNEL_DELETE, tid, 0);
			if (err) {
				printf("# cycle %d: TUNNEL_DELETE %u: %s\n", i,
				       tid, errname(err));
				fails++;
				note_err(&errs, err);
			}
		}
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	printf("cycles %d failures %d\n", count, fails);
	if (fails)
		print_errs("errors", &errs);
	return fails ? 1 : 0;
}

/* ------------------------------------------------------------- race */

struct racer {
	pthread_t thread;
	struct nlctx n;
	pthread_barrier_t *start;
	int what;		/* 0 tunnel delete, 1 session deletes, 2 close */
	uint32_t tid, sid;
	int nsess, fd;
	int errs[MAX_SESSIONS];
};

static void *racer_run(void *arg)
{
	struct racer *r = arg;
	int j;

	pthread_barrier_wait(r->start);
	switch (r->what) {
	case 0:
		r->errs[0] = key_req(&r->n, L2TP_CMD_TUNNEL_DELETE, r->tid, 0);
		break;
	case 1:
		for (j = r->nsess - 1; j >= 0; j--)
			r->errs[j] = key_req(&r->n, L2TP_CMD_SESSION_DELETE,
					     r->tid, r->sid + j);
		break;
	case 2:
		r->errs[0] = close(r->fd) ? errno : 0;
		break;
	}
	return NULL;
}

static int cmd_race(int argc, char **argv)
{
	static struct nlctx n;
	static struct racer rc[3];
	struct errcount tdel = { 0 }, sdel = { 0 };
	pthread_barrier_t start;
	int count, i, j, k, nthreads, fails = 0, err, fd = -1;
	struct cfg c;

	if (argc < 2)
		die("race COUNT OPTIONS");
	count = atoi(argv[1]);
	parse_opts(&c, argc - 1, argv + 1);
	nl_open(&n);
	resolve_family(&n);
	for (k = 0; k < 3; k++)
		nl_open(&rc[k].n);
	nthreads = c.managed ? 3 : 2;

	for (i = 0; i < count; i++) {
		uint32_t tid = c.tid + i;
		uint32_t sid = c.sid + (uint32_t)i * c.nsess;

		if (c.managed)
			fd = tunnel_socket(&c, tid, c.ptid + i,
					   cycle_port(&c, i));
		err = tunnel_create(&n, &c, tid, c.ptid + i, fd);
		if (err) {
			printf("# round %d: TUNNEL_CREATE %u: %s\n", i, tid,
			       errname(err));
			fails++;
			if (fd >= 0)
				close(fd);
			continue;
		}
		for (j = 0; j < c.nsess; j++) {
			err = session_create(&n, tid, sid + j, sid + j, NULL);
			if (err) {
				printf("# round %d: SESSION_CREATE %u/%u: %s\n",
				       i, tid, sid + j, errname(err));
				fails++;
			}
		}

		pthread_barrier_init(&start, NULL, nthreads);
		for (k = 0; k < nthreads; k++) {
			rc[k].start = &start;
			rc[k].what = k;
			rc[k].tid = tid;
			rc[k].sid = sid;
			rc[k].nsess = c.nsess;
			rc[k].fd = fd;
			if (pthread_create(&rc[k].thread, NULL, racer_run,
					   &rc[k]))
				die("pthread_create");
		}
		for (k = 0; k < nthreads; k++)
			pthread_join(rc[k].thread, NULL);
		pthread_barrier_destroy(&start);
		fd = -1;

		/* Deleting what another thread deleted first is ENODEV. */
		note_err(&tdel, rc[0].errs[0]);
		if (rc[0].errs[0] && rc[0].errs[0] != ENODEV) {
			printf("# round %d: TUNNEL_DELETE %u: %s\n", i, tid,
			       errname(rc[0].errs[0]));
			fails++;
		}
		for (j = 0; j < c.nsess; j++) {
			int e = rc[1].errs[j];

			note_err(&sdel, e);
			if (e && e != ENODEV) {
				printf("# round %d: SESSION_DELETE %u/%u: %s\n",
				       i, tid, sid + j, errname(e));
				fails++;
			}
		}
		if (c.managed && rc[2].errs[0]) {
			printf("# round %d: close: %s\n", i,
			       errname(rc[2].errs[0]));
			fails++;
		}
		if (!wait_gone(&n, L2TP_CMD_TUNNEL_GET, tid, 0, &err)) {
			printf("# round %d: tunnel %u still there (GET: %s)\n",
			       i, tid, errname(err));
			fails++;
		}
		for (j = 0; j < c.nsess; j++) {
			if (wait_gone(&n, L2TP_CMD_SESSION_GET, tid, sid + j,
				      &err))
				continue;
			printf("# round %d: session %u/%u still there (GET: %s)\n",
			       i, tid, sid + j, errname(err));
			fails++;
		}
	}
	printf("rounds %d failures %d\n", count, fails);
	print_errs("TUNNEL_DELETE", &tdel);
	if (c.nsess)
		print_errs("SESSION_DELETE", &sdel);
	return fails ? 1 : 0;
}

/* ------------------------------------------------------------ flood */

static int cmd_flood(int argc, char **argv)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in *s4 = (void *)&ss;
	struct sockaddr_in6 *s6 = (void *)&ss;
	static char payload[512];
	int fd, burst = 10, i;
	socklen_t len;

	if (argc < 3)
		die("flood ADDR PORT [PPS]");
	if (argc > 3)
		burst = atoi(argv[3]) / 100;
	if (burst < 1)
		burst = 1;
	if (inet_pton(AF_INET, argv[1], &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(atoi(argv[2]));
		len = sizeof(*s4);
	} else if (inet_pton(AF_INET6, argv[1], &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(atoi(argv[2]));
		len = sizeof(*s6);
	} else {
		die("bad address %s", argv[1]);
	}
	fd = socket(ss.ss_family, SOCK_DGRAM, 0);
	if (fd < 0)
		die("socket: %s", strerror(errno));
	memset(payload, 0x5a, sizeof(payload));
	for (;;) {
		/* Errors (no route while a device is gone) are expected. */
		for (i = 0; i < burst; i++)
			sendto(fd, payload, sizeof(payload), 0, (void *)&ss, len);
		sleep_ms(10);
	}
	return 0;
}

/* Move into the network namespace that `ip netns add NAME` made. */
static void enter_netns(const char *name)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNET))
		die("netns %s: %s", name, strerror(errno));
	close(fd);
}

int main(int argc, char **argv)
{
	if (argc > 2 && !strcmp(argv[1], "-N")) {
		enter_netns(argv[2]);
		argv[2] = argv[0];
		argc -= 2;
		argv += 2;
	}
	if (argc < 2)
		die("usage: [-N NETNS] get|hold|cycles|race|flood ...");
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(argv[1], "get"))
		return cmd_get(argc - 1, argv + 1);
	if (!strcmp(argv[1], "hold"))
		return cmd_hold(argc - 1, argv + 1);
	if (!strcmp(argv[1], "cycles"))
		return cmd_cycles(argc - 1, argv + 1);
	if (!strcmp(argv[1], "race"))
		return cmd_race(argc - 1, argv + 1);
	if (!strcmp(argv[1], "flood"))
		return cmd_flood(argc - 1, argv + 1);
	die("unknown command %s", argv[1]);
}
