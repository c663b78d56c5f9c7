// SPDX-License-Identifier: GPL-2.0
/*
 * Security properties of the L2TP modules: who may do what, what one
 * namespace can see of another, and that no uninitialised kernel byte
 * reaches userspace.  Run by test_security.sh as root in the initial
 * network namespace (the objects it makes there are its own, with ids
 * no other test uses; "--cleanup" deletes the unmanaged ones if a run
 * was cut short).
 *
 * 1. Privilege.
 *  a. A process of uid 65534 with no capability, in the initial user
 *     namespace: every l2tp genl command but NOOP, dumps included, is
 *     EPERM and changes nothing (the objects are checked afterwards by
 *     root).  Upstream's PPPoL2TP connect needs no capability (so anyone
 *     creates tunnels and sessions, even a session in root's netlink
 *     tunnel, and takes over root's unconnected PPP session) and its
 *     "l2tp" multicast group is open to everyone; ours asks CAP_NET_ADMIN
 *     for both, as for the netlink commands (EPERM: beyond upstream).
 *     L2TPIP sockets are plain datagram sockets (not raw-like) in both.
 *  b. The root of an unprivileged user namespace (made by uid 65534)
 *     that owns a fresh netns ("A"): creates, modifies, dumps and deletes
 *     its own tunnels (UDP/IPv4, UDP/IPv6, IP/IPv4, IP/IPv6, and managed
 *     by fd) and sessions (Ethernet with l2tpeth devices, PPP by netlink
 *     and by PPPoL2TP sockets), and sees nothing of the initial netns or
 *     of a second user namespace's netns ("B"), though the same tunnel id
 *     and interface name exist in all three: dumps, GETs (ENODEV), IFNAME
 *     lookups, DELETE/MODIFY/SESSION_CREATE of foreign ids (ENODEV, the
 *     foreign objects unchanged), PPPoL2TP connects to foreign tunnels
 *     (ENOENT), /proc/net/pppol2tp, the debugfs listing (per reader's
 *     netns; the userns root itself cannot open it: EACCES), and
 *     notifications (ours: each listener gets only its own netns's; the
 *     stock modules multicast to every netns, which is asserted as the
 *     documented upstream difference).  Sockets of the initial netns
 *     passed as L2TP_ATTR_FD or as a PPPoL2TP tunnel fd are EINVAL.
 *
 * 2. No uninitialised bytes.  Each result is read twice, into buffers
 *    filled with 0xa5 and then 0x5a: the bytes the kernel wrote must be
 *    the same both times and the rest of the buffer untouched.
 *    - getsockname/getpeername of PPPoL2TP management and session
 *      sockets in all four address formats, into oversized buffers;
 *      recvfrom/recvmsg on them (no address: length 0, buffer untouched);
 *    - L2TPIP (v4, v6) getsockname/getpeername/recvfrom likewise;
 *    - PPPIOCGL2TPSTATS on session and management sockets (all 72 bytes
 *      written, the bits beside using_ipsec zero);
 *    - every SOL_PPPOL2TP getsockopt with optlen 0, 1, 3, 4 and 64;
 *    - netlink: TUNNEL_GET of the four tunnel kinds, SESSION_GET of
 *      Ethernet (cookies, IFNAME) and PPP sessions, both dumps, and
 *      notifications: every attribute walked, nested STATS included, its
 *      length checked against its type, the padding after it zero, the
 *      genetlink reserved byte zero.
 *    selftests/l2tp_ip_sock.c and pppol2tp_sock.c already compare each
 *    returned sockaddr with its expected value byte for byte (and
 *    pppol2tp_sock.c one short getsockopt); l2tp_nl.c checks EPERM per
 *    command and a one-tunnel userns round.  This program covers what
 *    they do not: two patterns, the bytes past the returned length, the
 *    stats ioctl, all options and lengths, and netlink padding.
 *
 * Output is KTAP; the exit status is 0 pass, 1 fail.
 */

#include <arpa/inet.h>
#include <netinet/in.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "l2tp_test.h"

#include <linux/if.h>
#include <linux/if_pppol2tp.h>
#include <linux/if_pppox.h>
#include <linux/netlink.h>
#include <linux/ppp-ioctl.h>
#include <linux/sockios.h>

#ifndef IPPROTO_L2TP
#define IPPROTO_L2TP	115
#endif
#ifndef SOL_PPPOL2TP
#define SOL_PPPOL2TP	273
#endif

#define NOBODY		65534
#define PAT0		0xa5
#define PAT1		0x5a

/* ------------------------------------------------------------ object ids */

/* The initial netns (made by root). */
#define T_M4		0x5ec10001u	/* v3, UDP/IPv4, managed by fd */
#define S_ETH1		0x5ec1e001u	/*  Ethernet "l2tpsec1", cookies */
#define S_PPP1		0x5ec1f001u	/*  PPP, RECV_TIMEOUT, LNS mode */
#define S_PPP2		0x5ec1f002u	/*  PPP, for nobody to take over */
#define T_SH		0x5ec20002u	/* in all three netns; here UDP/IPv6 */
#define S_ETH0		0x5ec2e002u	/*  Ethernet "l2tpsec0" */
#define T_I4		0x5ec30003u	/* v3, IP/IPv4 */
#define T_I6		0x5ec40004u	/* v3, IP/IPv6 */
#define S_I6		0x5ec4f004u	/*  PPP */
#define T_PV2		4001u		/* PPPoL2TP tunnels of part 2: v2 ids */
#define T_PV3		0x5ec50000u	/* ... v3 ids: T_PV3 + k */
#define T_NOBODY	0x5ec70001u	/* what nobody tries to create */
#define S_NOBODY	0x5ec1e0ffu
#define T_UPPP		4100u		/* nobody's PPPoL2TP tunnel */
#define S_UPPP		4101u
#define S_UIN_M4	0x5ec1d001u	/* nobody's session in T_M4 */
#define CONN_IP_BASE	0x5ec80000u	/* conn ids of loose L2TPIP sockets */

/* Namespace A (a userns root). */
#define TA_U6		0xa0000002u
#define TA_I4		0xa0000003u
#define TA_I6		0xa0000004u
#define TA_M		0xa0000005u	/* managed, short-lived */
#define TA_X		0xa0000009u	/* foreign-fd attempts: never made */
#define TA_P		4200u		/* PPPoL2TP, v2 */
#define SA_P		4201u
#define SA_ETH0		0xa00e0001u	/* in T_SH, "l2tpsec0" */
#define SA_PPP6		0xa00f0002u	/* in TA_U6 */
#define SA_PPP4		0xa00f0003u	/* in TA_I4 */
#define SA_ETHA		0xa00e0004u	/* in TA_I6, "l2tpsecA" */

/* Namespace B (another userns root). */
#define TB		0xb0000001u
#define SB_PPP		0xb00f0001u

/* T_SH's peer tunnel id tells its netns apart. */
#define PEER_I		0x1111u
#define PEER_A		0xaaaau
#define PEER_B		0xbbbbu

#define PORT_SH		17002
#define PORT_U6		17004

/* ---------------------------------------------------------------- state */

static struct l2tp_nl nl;	/* this process's genl socket */
static uint32_t mcgrp;		/* id of the "l2tp" multicast group */

/* Initial-netns sockets a worker inherits (the foreign-fd checks). */
static int fd_m4 = -1;		/* T_M4's tunnel socket */
static int fd_udp = -1;		/* a spare UDP socket */
static int fd_l2tpip = -1;	/* a spare L2TPIP socket */
static int fd_unix = -1;	/* an AF_UNIX socket */

/* ------------------------------------------------------------- helpers */

/* @call returns 0 or a positive errno (netlink): want @want (0: success). */
#define ECHECK(call, want, ...) ({					\
	int __e = (call);						\
	ktap_errno(__e ? -1 : 0, __e, (want), __VA_ARGS__);		\
})

/* The whole of a small file, NUL-terminated, in @buf; false on error. */
static bool read_file(const char *path, char *buf, size_t size, int *err)
{
	size_t len = 0;
	ssize_t n;
	int fd;

	*err = 0;
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		*err = errno;
		return false;
	}
	while (len < size - 1 && (n = read(fd, buf + len, size - 1 - len)) > 0)
		len += n;
	buf[len] = 0;
	close(fd);
	return true;
}

static uint64_t cap_eff(void)
{
	static char buf[4096];
	unsigned long long v = ~0ULL;
	const char *p;
	int err;

	if (!read_file("/proc/self/status", buf, sizeof(buf), &err))
		return v;
	p = strstr(buf, "CapEff:");
	if (p)
		sscanf(p + 7, "%llx", &v);
	return v;
}

/* Give up every privilege of root: uid/gid 65534, no capability. */
static bool drop_to_nobody(void)
{
	if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
	    setresuid(NOBODY, NOBODY, NOBODY))
		return false;
	/* setresuid() made us undumpable; /proc/self must stay ours. */
	prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
	return true;
}

static int ifindex(const char *name)
{
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM, 0), rc;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	rc = ioctl(s, SIOCGIFINDEX, &ifr);
	close(s);
	return rc ? 0 : ifr.ifr_ifindex;
}

/* Poll until device @name is gone from the current netns. */
static bool dev_gone(const char *name)
{
	int i;

	for (i = 0; i < 100 && ifindex(name); i++)
		msleep(50);
	return !ifindex(name);
}

static bool lo_up(void)
{
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	bool ok;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	ok = !ioctl(s, SIOCGIFFLAGS, &ifr);
	ifr.ifr_flags |= IFF_UP;
	ok = ok && !ioctl(s, SIOCSIFFLAGS, &ifr);
	close(s);
	return ok;
}

static bool readable(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, ms) == 1;
}

/* All @len bytes at @p equal @pat. */
static bool all_pat(const void *p, size_t len, uint8_t pat)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i < len; i++)
		if (b[i] != pat)
			return false;
	return true;
}

/* ------------------------------------------------------------- netlink */

static int mcgrp_cb(const struct nlattr *a, void *data)
{
	const struct nlattr *g, *f;
	const char *name = NULL;
	uint32_t id = 0;

	if (mnl_attr_get_type(a) != CTRL_ATTR_MCAST_GROUPS)
		return MNL_CB_OK;
	mnl_attr_for_each_nested(g, a) {
		name = NULL;
		id = 0;
		mnl_attr_for_each_nested(f, g) {
			if (mnl_attr_get_type(f) == CTRL_ATTR_MCAST_GRP_NAME)
				name = mnl_attr_get_str(f);
			else if (mnl_attr_get_type(f) == CTRL_ATTR_MCAST_GRP_ID)
				id = mnl_attr_get_u32(f);
		}
		if (name && !strcmp(name, L2TP_GENL_MCGROUP))
			*(uint32_t *)data = id;
	}
	return MNL_CB_OK;
}

/* Open this process's genl socket and learn the family and its group. */
static bool nl_setup(void)
{
	struct nlmsghdr *nlh;
	int err = l2tp_nl_open(&nl, 5);

	if (err) {
		ktap_diag("l2tp genl family: %s", strerror(err));
		return false;
	}
	nlh = l2tp_nl_start(&nl, GENL_ID_CTRL, CTRL_CMD_GETFAMILY);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, L2TP_GENL_NAME);
	if (l2tp_nl_txn(&nl, nlh) || !nl.has_reply)
		return false;
	mnl_attr_parse((struct nlmsghdr *)nl.reply, sizeof(struct genlmsghdr),
		       mcgrp_cb, &mcgrp);
	return mcgrp != 0;
}

struct tun {
	uint32_t tid, ptid;
	uint8_t ver;
	uint16_t encap;
	int fam;		/* AF_INET or AF_INET6 (unmanaged) */
	int fd;			/* >= 0: managed */
	uint16_t sport, dport;
};

struct sess {
	uint32_t tid, sid, psid;
	uint16_t pw;
	const char *ifname;
	const char *cookie, *peer_cookie;	/* 4 or 8 bytes */
	int cookie_len, peer_cookie_len;
	uint64_t recv_timeout;
	bool lns;
};

static int tunnel_create(const struct tun *t)
{
	struct nlmsghdr *nlh = l2tp_nl_req(&nl, L2TP_CMD_TUNNEL_CREATE);

	mnl_attr_put_u32(nlh, L2TP_ATTR_CONN_ID, t->tid);
	mnl_attr_put_u32(nlh, L2TP_ATTR_PEER_CONN_ID, t->ptid);
	mnl_attr_put_u8(nlh, L2TP_ATTR_PROTO_VERSION, t->ver ? t->ver : 3);
	mnl_attr_put_u16(nlh, L2TP_ATTR_ENCAP_TYPE, t->encap);
	if (t->fd >= 0) {
		mnl_attr_put_u32(nlh, L2TP_ATTR_FD, t->fd);
	} else if (t->fam == AF_INET6) {
		mnl_attr_put(nlh, L2TP_ATTR_IP6_SADDR, 16, &in6addr_loopback);
		mnl_attr_put(nlh, L2TP_ATTR_IP6_DADDR, 16, &in6addr_loopback);
		if (t->encap == L2TP_ENCAPTYPE_UDP) {
			mnl_attr_put(nlh, L2TP_ATTR_UDP_ZERO_CSUM6_TX, 0, NULL);
			mnl_attr_put(nlh, L2TP_ATTR_UDP_ZERO_CSUM6_RX, 0, NULL);
		}
	} else {
		mnl_attr_put_u32(nlh, L2TP_ATTR_IP_SADDR, htonl(INADDR_LOOPBACK));
		mnl_attr_put_u32(nlh, L2TP_ATTR_IP_DADDR, htonl(INADDR_LOOPBACK));
	}
	if (t->fd < 0 && t->encap == L2TP_ENCAPTYPE_UDP) {
		mnl_attr_put_u16(nlh, L2TP_ATTR_UDP_SPORT, t->sport);
		mnl_attr_put_u16(nlh, L2TP_ATTR_UDP_DPORT, t->dport);
	}
	return l2tp_nl_txn(&nl, nlh);
}

static struct nlmsghdr *session_msg(const struct sess *s)
{
	struct nlmsghdr *nlh = l2tp_nl_req(&nl, L2TP_CMD_SESSION_CREATE);

	mnl_attr_put_u32(nlh, L2TP_ATTR_CONN_ID, s->tid);
	mnl_attr_put_u32(nlh, L2TP_ATTR_SESSION_ID, s->sid);
	mnl_attr_put_u32(nlh, L2TP_ATTR_PEER_SESSION_ID, s->psid);
	mnl_attr_put_u16(nlh, L2TP_ATTR_PW_TYPE, s->pw);
	if (s->ifname)
		mnl_attr_put_strz(nlh, L2TP_ATTR_IFNAME, s->ifname);
	if (s->cookie_len)
		mnl_attr_put(nlh, L2TP_ATTR_COOKIE, s->cookie_len, s->cookie);
	if (s->peer_cookie_len)
		mnl_attr_put(nlh, L2TP_ATTR_PEER_COOKIE, s->peer_cookie_len,
			     s->peer_cookie);
	if (s->recv_timeout)
		mnl_attr_put_u64(nlh, L2TP_ATTR_RECV_TIMEOUT, s->recv_timeout);
	if (s->lns)
		mnl_attr_put_u8(nlh, L2TP_ATTR_LNS_MODE, 1);
	return nlh;
}

static int session_create(const struct sess *s)
{
	return l2tp_nl_txn(&nl, session_msg(s));
}

/* A request that names an object: a tunnel, a session or an ifname. */
static struct nlmsghdr *key_msg(uint8_t cmd, uint32_t tid, uint32_t sid,
				const char *ifname)
{
	struct nlmsghdr *nlh = l2tp_nl_req(&nl, cmd);

	if (ifname)
		mnl_attr_put_strz(nlh, L2TP_ATTR_IFNAME, ifname);
	if (tid)
		mnl_attr_put_u32(nlh, L2TP_ATTR_CONN_ID, tid);
	if (sid)
		mnl_attr_put_u32(nlh, L2TP_ATTR_SESSION_ID, sid);
	return nlh;
}

static int key_req(uint8_t cmd, uint32_t tid, uint32_t sid, const char *ifname)
{
	return l2tp_nl_txn(&nl, key_msg(cmd, tid, sid, ifname));
}

static int session_set_seq(uint32_t tid, uint32_t sid, uint8_t v)
{
	struct nlmsghdr *nlh = key_msg(L2TP_CMD_SESSION_MODIFY, tid, sid, NULL);

	mnl_attr_put_u8(nlh, L2TP_ATTR_RECV_SEQ, v);
	mnl_attr_put_u8(nlh, L2TP_ATTR_SEND_SEQ, v);
	return l2tp_nl_txn(&nl, nlh);
}

/* The scalar attributes of one tunnel or session message. */
struct info {
	bool has[L2TP_ATTR_MAX + 1];
	uint64_t v[L2TP_ATTR_MAX + 1];
	char ifname[IFNAMSIZ];
};

static int info_cb(const struct nlattr *a, void *data)
{
	struct info *in = data;
	uint16_t t = mnl_attr_get_type(a);
	const void *p = mnl_attr_get_payload(a);

	if (t > L2TP_ATTR_MAX)
		return MNL_CB_OK;
	in->has[t] = true;
	switch (mnl_attr_get_payload_len(a)) {
	case 1:
		in->v[t] = *(const uint8_t *)p;
		break;
	case 2:
		in->v[t] = mnl_attr_get_u16(a);
		break;
	case 4:
		in->v[t] = mnl_attr_get_u32(a);
		break;
	case 8:
		in->v[t] = mnl_attr_get_u64(a);
		break;
	}
	if (t == L2TP_ATTR_IFNAME)
		snprintf(in->ifname, sizeof(in->ifname), "%s",
			 mnl_attr_get_str(a));
	return MNL_CB_OK;
}

static void parse_info(const struct nlmsghdr *nlh, struct info *in)
{
	memset(in, 0, sizeof(*in));
	mnl_attr_parse(nlh, sizeof(struct genlmsghdr), info_cb, in);
}

/* A GET: 0 with the reply's attributes in @in, or the errno. */
static int get(uint8_t cmd, uint32_t tid, uint32_t sid, const char *ifname,
	       struct info *in)
{
	int err = key_req(cmd, tid, sid, ifname);

	memset(in, 0, sizeof(*in));
	if (!err && !nl.has_reply)
		err = ENODATA;
	if (!err)
		parse_info((struct nlmsghdr *)nl.reply, in);
	return err;
}

static int tunnel_get(uint32_t tid, struct info *in)
{
	return get(L2TP_CMD_TUNNEL_GET, tid, 0, NULL, in);
}

static int session_get(uint32_t tid, uint32_t sid, struct info *in)
{
	return get(L2TP_CMD_SESSION_GET, tid, sid, NULL, in);
}

/* Poll until a GET says ENODEV (teardown may finish in a work item). */
static bool gone(uint8_t cmd, uint32_t tid, uint32_t sid)
{
	struct info in;
	int i, err = 0;

	for (i = 0; i < 100; i++) {
		err = get(cmd, tid, sid, NULL, &in);
		if (err == ENODEV)
			return true;
		msleep(50);
	}
	ktap_diag("GET %u/%u still answers %s", tid, sid, strerror(err));
	return false;
}

struct obj {
	uint32_t tid, sid, ptid, psid;
};

#define MAX_OBJS 64

/* A dump: the keys of every object listed, in @o (@n of them). */
static int dump(uint8_t cmd, struct obj *o, int *n)
{
	struct nlmsghdr *nlh = l2tp_nl_req(&nl, cmd);
	uint32_t seq = nlh->nlmsg_seq;
	struct info in;

	*n = 0;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	if (mnl_socket_sendto(nl.sk, nlh, nlh->nlmsg_len) < 0)
		return errno;
	for (;;) {
		ssize_t len = mnl_socket_recvfrom(nl.sk, nl.rx, sizeof(nl.rx));
		const struct nlmsghdr *m = (const void *)nl.rx;
		int left = len;

		if (len < 0)
			return errno;
		for (; mnl_nlmsg_ok(m, left); m = mnl_nlmsg_next(m, &left)) {
			if (m->nlmsg_seq != seq)
				continue;
			if (m->nlmsg_type == NLMSG_DONE)
				return 0;
			if (m->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = mnl_nlmsg_get_payload(m);

				return -e->error;
			}
			parse_info(m, &in);
			if (*n < MAX_OBJS)
				o[(*n)++] = (struct obj){
					in.v[L2TP_ATTR_CONN_ID],
					in.v[L2TP_ATTR_SESSION_ID],
					in.v[L2TP_ATTR_PEER_CONN_ID],
					in.v[L2TP_ATTR_PEER_SESSION_ID],
				};
		}
	}
}

/* @o holds exactly the @nwant objects of @want (keys tid/sid/ptid). */
static bool same_set(const struct obj *o, int n, const struct obj *want,
		     int nwant)
{
	int i, j, hits = 0;

	for (i = 0; i < n; i++) {
		for (j = 0; j < nwant; j++)
			if (o[i].tid == want[j].tid && o[i].sid == want[j].sid &&
			    o[i].ptid == want[j].ptid)
				break;
		if (j == nwant) {
			ktap_diag("unexpected object %#x/%#x (peer %#x)",
				  o[i].tid, o[i].sid, o[i].ptid);
			return false;
		}
		hits++;
	}
	if (hits != nwant)
		ktap_diag("%d objects listed, want %d", hits, nwant);
	return hits == nwant;
}

static bool has_obj(const struct obj *o, int n, uint32_t tid, uint32_t sid)
{
	int i;

	for (i = 0; i < n; i++)
		if (o[i].tid == tid && o[i].sid == sid)
			return true;
	return false;
}

/* A socket joined to the "l2tp" multicast group of the current netns. */
static int listener(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	int grp = mcgrp;

	if (s < 0)
		return -1;
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    setsockopt(s, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &grp,
		       sizeof(grp)) < 0) {
		close(s);
		return -1;
	}
	return s;
}

static void drain(int s)
{
	char buf[8192];

	while (recv(s, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
}

/* -------------------------------------------- workers and namespaces */

/*
 * A worker is a forked child that runs a list of checks in another
 * identity: nobody, the root of a user namespace, or root inside one of
 * those namespaces.  It prints its own KTAP lines, numbered on from the
 * parent's, and hands its counters (and up to MAX_FDS descriptors) back
 * over a socketpair when it is done.
 */
enum who {
	AS_NOBODY,		/* uid 65534, no capability, initial netns */
	AS_USERNS_ROOT,		/* root of ns->user, in ns->net */
	AS_ROOT_IN_NET,		/* real root, in ns->net only */
};

struct nsctx {
	const char *name;
	pid_t holder;		/* keeps the namespaces alive */
	int hold;		/* closing it ends the holder */
	int user, net;		/* /proc/<holder>/ns/{user,net} */
};

static struct nsctx ns_a = { .name = "A", .holder = -1, .hold = -1, .user = -1, .net = -1 };
static struct nsctx ns_b = { .name = "B", .holder = -1, .hold = -1, .user = -1, .net = -1 };

#define MAX_FDS 4

struct tally {
	int num, pass, fail, skips;
};

static int handback[MAX_FDS];
static int n_handback;

/* In a worker: give @fd to the parent when the worker ends. */
static void hand_back(int fd)
{
	if (n_handback < MAX_FDS && fd >= 0)
		handback[n_handback++] = fd;
}

static const char *me = "root";	/* who this process is, for messages */

static bool enter(enum who w, const struct nsctx *ns)
{
	switch (w) {
	case AS_NOBODY:
		me = "nobody";
		return drop_to_nobody();
	case AS_USERNS_ROOT:
		me = ns->name;
		/* The userns's owner may join it; it is then its root. */
		return drop_to_nobody() && !setns(ns->user, CLONE_NEWUSER) &&
		       !setns(ns->net, CLONE_NEWNET);
	case AS_ROOT_IN_NET:
		me = "root in a userns's netns";
		return !setns(ns->net, CLONE_NEWNET);
	}
	return false;
}

static void worker_report(int sk)
{
	struct tally t = { ktap_num, ktap_pass, ktap_fail, ktap_skips };
	char cbuf[CMSG_SPACE(sizeof(int) * MAX_FDS)];
	struct iovec iov = { .iov_base = &t, .iov_len = sizeof(t) };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *c;

	if (n_handback) {
		memset(cbuf, 0, sizeof(cbuf));
		m.msg_control = cbuf;
		m.msg_controllen = CMSG_SPACE(sizeof(int) * n_handback);
		c = CMSG_FIRSTHDR(&m);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * n_handback);
		memcpy(CMSG_DATA(c), handback, sizeof(int) * n_handback);
	}
	if (sendmsg(sk, &m, 0) < 0)
		_exit(2);
}

/*
 * Run @fn as @w (in @ns); the descriptors it hands back land in @fds.
 * Returns how many it handed back.
 */
static int run_as(enum who w, const struct nsctx *ns, const char *what,
		  void (*fn)(void), int *fds)
{
	char cbuf[CMSG_SPACE(sizeof(int) * MAX_FDS)];
	struct tally t;
	struct iovec iov = { .iov_base = &t, .iov_len = sizeof(t) };
	struct msghdr m = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c;
	int sp[2], n = 0, status;
	ssize_t got;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0)
		return 0;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		close(sp[0]);
		n_handback = 0;
		if (!ktap_result(enter(w, ns), "%s: worker enters its identity",
				 what))
			ktap_diag("%s", strerror(errno));
		else if (ktap_result(nl_setup(), "%s: l2tp genl family resolved",
				     what))
			fn();
		fflush(stdout);
		worker_report(sp[1]);
		_exit(0);
	}
	close(sp[1]);
	got = pid < 0 ? -1 : recvmsg(sp[0], &m, 0);
	if (got == (ssize_t)sizeof(t)) {
		ktap_num = t.num;
		ktap_pass = t.pass;
		ktap_fail = t.fail;
		ktap_skips = t.skips;
		c = CMSG_FIRSTHDR(&m);
		if (c && c->cmsg_type == SCM_RIGHTS) {
			n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
			memcpy(fds, CMSG_DATA(c), sizeof(int) * n);
		}
	}
	close(sp[0]);
	if (pid > 0)
		waitpid(pid, &status, 0);
	if (got != (ssize_t)sizeof(t))
		ktap_result(false, "%s: worker ran to completion", what);
	return n;
}

/*
 * A holder: uid 65534 unshares a user namespace and a netns, maps itself
 * to root, brings lo up and waits; the parent opens its namespaces.
 */
static bool holder_start(struct nsctx *ns)
{
	int ready[2], hold[2];
	char path[64], st = 0;
	pid_t pid;

	if (pipe2(ready, O_CLOEXEC) || pipe2(hold, O_CLOEXEC))
		return false;
	pid = fork();
	if (pid == 0) {
		close(ready[0]);
		close(hold[1]);
		if (ns_a.hold >= 0)
			close(ns_a.hold);
		st = 'n';
		if (drop_to_nobody() && !unshare(CLONE_NEWUSER | CLONE_NEWNET) &&
		    write_file("/proc/self/setgroups", "deny") &&
		    write_file("/proc/self/uid_map", "0 65534 1") &&
		    write_file("/proc/self/gid_map", "0 65534 1") && lo_up())
			st = 'y';
		else
			ktap_diag("holder %s: %s", ns->name, strerror(errno));
		if (write(ready[1], &st, 1) != 1)
			_exit(1);
		while (read(hold[0], &st, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	close(ready[1]);
	close(hold[0]);
	if (pid < 0 || read(ready[0], &st, 1) != 1)
		st = 0;
	close(ready[0]);
	ns->holder = pid;
	ns->hold = hold[1];
	if (st != 'y')
		return false;
	snprintf(path, sizeof(path), "/proc/%d/ns/user", pid);
	ns->user = open(path, O_RDONLY | O_CLOEXEC);
	snprintf(path, sizeof(path), "/proc/%d/ns/net", pid);
	ns->net = open(path, O_RDONLY | O_CLOEXEC);
	return ns->user >= 0 && ns->net >= 0;
}

static void holder_stop(struct nsctx *ns)
{
	if (ns->hold >= 0)
		close(ns->hold);
	if (ns->user >= 0)
		close(ns->user);
	if (ns->net >= 0)
		close(ns->net);
	if (ns->holder > 0)
		waitpid(ns->holder, NULL, 0);
	ns->hold = ns->user = ns->net = -1;
	ns->holder = -1;
}

/* ------------------------------------------------------------- sockets */

union inet_sa {
	struct sockaddr sa;
	struct sockaddr_in v4;
	struct sockaddr_in6 v6;
};

static socklen_t sa_len(int fam)
{
	return fam == AF_INET6 ? sizeof(struct sockaddr_in6) :
				 sizeof(struct sockaddr_in);
}

/* A UDP socket on loopback at an ephemeral port, its address in @at. */
static int udp_loop(int fam, union inet_sa *at)
{
	socklen_t len = sizeof(*at);
	int s = socket(fam, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	memset(at, 0, sizeof(*at));
	at->sa.sa_family = fam;
	if (fam == AF_INET6)
		at->v6.sin6_addr = in6addr_loopback;
	else
		at->v4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (s < 0 || bind(s, &at->sa, sa_len(fam)) ||
	    getsockname(s, &at->sa, &len)) {
		ktap_diag("UDP socket: %s", strerror(errno));
		if (s >= 0)
			close(s);
		return -1;
	}
	return s;
}

/* Two UDP sockets on loopback connected to each other. */
static bool udp_pair(int fam, int *tun, int *peer)
{
	union inet_sa a, b;

	*tun = udp_loop(fam, &a);
	*peer = udp_loop(fam, &b);
	return *tun >= 0 && *peer >= 0 && !connect(*tun, &b.sa, sa_len(fam)) &&
	       !connect(*peer, &a.sa, sa_len(fam));
}

/* An L2TPIP socket on loopback bound to @conn (connected to @peer if set). */
static int l2tpip(int fam, uint32_t conn, uint32_t peer)
{
	struct sockaddr_l2tpip6 a6 = { .l2tp_family = AF_INET6 };
	struct sockaddr_l2tpip a4 = { .l2tp_family = AF_INET };
	int s = socket(fam, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_L2TP);
	int rc;

	if (s < 0)
		return -1;
	if (fam == AF_INET6) {
		a6.l2tp_addr = in6addr_loopback;
		a6.l2tp_conn_id = conn;
		rc = bind(s, (struct sockaddr *)&a6, sizeof(a6));
		a6.l2tp_conn_id = peer;
		if (!rc && peer)
			rc = connect(s, (struct sockaddr *)&a6, sizeof(a6));
	} else {
		a4.l2tp_addr.s_addr = htonl(INADDR_LOOPBACK);
		a4.l2tp_conn_id = conn;
		rc = bind(s, (struct sockaddr *)&a4, sizeof(a4));
		a4.l2tp_conn_id = peer;
		/* Upstream's getpeername says ENOTCONN while this is 0. */
		a4.l2tp_unused = htons(1);
		if (!rc && peer)
			rc = connect(s, (struct sockaddr *)&a4, sizeof(a4));
	}
	if (rc) {
		ktap_diag("L2TPIP socket: %s", strerror(errno));
		close(s);
		return -1;
	}
	return s;
}

/* The four PPPoL2TP address formats, by version and tunnel family. */
enum px_kind { V2IN4, V2IN6, V3IN4, V3IN6 };

static const struct {
	const char *name;
	int ver, fam;
	socklen_t len;
} pxk[] = {
	[V2IN4] = { "v2/inet", 2, AF_INET, sizeof(struct sockaddr_pppol2tp) },
	[V2IN6] = { "v2/inet6", 2, AF_INET6, sizeof(struct sockaddr_pppol2tpin6) },
	[V3IN4] = { "v3/inet", 3, AF_INET, sizeof(struct sockaddr_pppol2tpv3) },
	[V3IN6] = { "v3/inet6", 3, AF_INET6, sizeof(struct sockaddr_pppol2tpv3in6) },
};

union px_sa {
	struct sockaddr sa;
	struct sockaddr_pppol2tp v2in4;
	struct sockaddr_pppol2tpin6 v2in6;
	struct sockaddr_pppol2tpv3 v3in4;
	struct sockaddr_pppol2tpv3in6 v3in6;
	uint8_t raw[128];
};

static int px_connect(int s, enum px_kind k, int fd, uint32_t tid,
		      uint32_t sid, uint32_t ptid, uint32_t psid)
{
	union px_sa a;

	memset(&a, 0, sizeof(a));
	a.sa.sa_family = AF_PPPOX;
	switch (k) {
	case V2IN4:
		a.v2in4.sa_protocol = PX_PROTO_OL2TP;
		a.v2in4.pppol2tp.fd = fd;
		a.v2in4.pppol2tp.s_tunnel = tid;
		a.v2in4.pppol2tp.s_session = sid;
		a.v2in4.pppol2tp.d_tunnel = ptid;
		a.v2in4.pppol2tp.d_session = psid;
		break;
	case V2IN6:
		a.v2in6.sa_protocol = PX_PROTO_OL2TP;
		a.v2in6.pppol2tp.fd = fd;
		a.v2in6.pppol2tp.s_tunnel = tid;
		a.v2in6.pppol2tp.s_session = sid;
		a.v2in6.pppol2tp.d_tunnel = ptid;
		a.v2in6.pppol2tp.d_session = psid;
		break;
	case V3IN4:
		a.v3in4.sa_protocol = PX_PROTO_OL2TP;
		a.v3in4.pppol2tp.fd = fd;
		a.v3in4.pppol2tp.s_tunnel = tid;
		a.v3in4.pppol2tp.s_session = sid;
		a.v3in4.pppol2tp.d_tunnel = ptid;
		a.v3in4.pppol2tp.d_session = psid;
		break;
	case V3IN6:
		a.v3in6.sa_protocol = PX_PROTO_OL2TP;
		a.v3in6.pppol2tp.fd = fd;
		a.v3in6.pppol2tp.s_tunnel = tid;
		a.v3in6.pppol2tp.s_session = sid;
		a.v3in6.pppol2tp.d_tunnel = ptid;
		a.v3in6.pppol2tp.d_session = psid;
		break;
	}
	return connect(s, &a.sa, pxk[k].len);
}

static int px_socket(void)
{
	return socket(AF_PPPOX, SOCK_DGRAM | SOCK_CLOEXEC, PX_PROTO_OL2TP);
}

/* /proc/net/pppol2tp of the current netns lists tunnel @tid. */
static bool proc_has_tunnel(uint32_t tid)
{
	static char buf[65536];
	char key[32];
	int err;

	if (!read_file("/proc/net/pppol2tp", buf, sizeof(buf), &err))
		return false;
	snprintf(key, sizeof(key), "TUNNEL 'tunl %u'", tid);
	return strstr(buf, key);
}

/* The debugfs listing of the current netns, into a static buffer. */
static const char *debugfs_text(int *err)
{
	static char buf[65536];

	if (!read_file("/sys/kernel/debug/l2tp/tunnels", buf, sizeof(buf), err))
		return NULL;
	return buf;
}

/* Print the TUNNEL lines of a debugfs listing (after a failed check). */
static void dfs_diag(const char *text)
{
	const char *p = text, *nl;

	while ((p = strstr(p, "TUNNEL "))) {
		nl = strchr(p, '\n');
		ktap_diag("%.*s", nl ? (int)(nl - p) : 60, p);
		p += 7;
	}
}

/* The listing has tunnel @tid (with peer @ptid unless 0). */
static bool dfs_has(const char *text, uint32_t tid, uint32_t ptid)
{
	const char *p = text;
	char key[48];
	size_t n;

	if (ptid)
		n = snprintf(key, sizeof(key), "TUNNEL %u peer %u", tid, ptid);
	else
		n = snprintf(key, sizeof(key), "TUNNEL %u ", tid);
	/* A whole number: "peer 4369" is no match for "peer 43690". */
	while ((p = strstr(p, key))) {
		if (p[n] < '0' || p[n] > '9')
			return true;
		p += n;
	}
	return false;
}

/* ================================================= part 2: raw bytes */

/* ----------------------------------------------------- sockaddrs */

/*
 * getsockname/getpeername of @s twice, into 128-byte buffers filled with
 * the two patterns: @want_len bytes written, the same both times, the
 * rest untouched.
 */
static void check_name(int s, bool peer, socklen_t want_len, const char *what)
{
	uint8_t b[2][128];
	socklen_t len[2];
	bool ok = true;
	int r, rc;

	for (r = 0; r < 2; r++) {
		memset(b[r], r ? PAT1 : PAT0, sizeof(b[r]));
		len[r] = sizeof(b[r]);
		rc = peer ? getpeername(s, (struct sockaddr *)b[r], &len[r]) :
			    getsockname(s, (struct sockaddr *)b[r], &len[r]);
		if (rc) {
			ktap_diag("%s: %s", what, strerror(errno));
			ok = false;
		}
	}
	if (ok && (len[0] != want_len || len[1] != want_len)) {
		ktap_diag("lengths %u and %u, want %u", len[0], len[1], want_len);
		ok = false;
	}
	if (ok && memcmp(b[0], b[1], want_len)) {
		ktap_diag("the two reads differ");
		ok = false;
	}
	if (ok && (!all_pat(b[0] + want_len, 128 - want_len, PAT0) ||
		   !all_pat(b[1] + want_len, 128 - want_len, PAT1))) {
		ktap_diag("bytes past the address were written");
		ok = false;
	}
	ktap_result(ok, "%s: %s fills %u bytes, the same under both patterns, no more",
		    what, peer ? "getpeername" : "getsockname", want_len);
}

/* A data frame from @peer for PPPoL2TP session @tid/@sid of version @ver. */
static void send_frame(int peer, int ver, uint32_t tid, uint32_t sid)
{
	uint8_t f[32];
	size_t n = 0;

	if (ver == 2) {
		f[n++] = 0x00;
		f[n++] = 0x02;		/* no options, version 2 */
		f[n++] = tid >> 8;
		f[n++] = tid;
		f[n++] = sid >> 8;
		f[n++] = sid;
	} else {
		f[n++] = 0x00;
		f[n++] = 0x03;		/* data, version 3, over UDP */
		f[n++] = 0;
		f[n++] = 0;
		f[n++] = sid >> 24;
		f[n++] = sid >> 16;
		f[n++] = sid >> 8;
		f[n++] = sid;
	}
	f[n++] = 0xff;
	f[n++] = 0x03;
	memcpy(f + n, "\xc0\x21pattern", 9);
	n += 9;
	if (send(peer, f, n, 0) != (ssize_t)n)
		ktap_diag("send: %s", strerror(errno));
}

/*
 * recvfrom and recvmsg on a PPPoL2TP session socket: no source address,
 * so the address length comes back 0 and the buffer stays as it was.
 */
static void check_px_recv(int s, int peer, int ver, uint32_t tid, uint32_t sid,
			  const char *what)
{
	uint8_t addr[2][128], data[256];
	struct iovec iov = { .iov_base = data, .iov_len = sizeof(data) };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
	socklen_t alen[2];
	ssize_t n[2];
	int r;

	for (r = 0; r < 2; r++) {
		send_frame(peer, ver, tid, sid);
		memset(addr[r], r ? PAT1 : PAT0, sizeof(addr[r]));
		alen[r] = sizeof(addr[r]);
		n[r] = readable(s, 3000) ?
		       recvfrom(s, data, sizeof(data), MSG_DONTWAIT,
				(struct sockaddr *)addr[r], &alen[r]) : -1;
	}
	ktap_result(n[0] == 9 && n[1] == 9 && !alen[0] && !alen[1] &&
		    all_pat(addr[0], 128, PAT0) && all_pat(addr[1], 128, PAT1),
		    "%s: recvfrom gives the frame, address length 0, address untouched",
		    what);
	if (n[0] != 9 || n[1] != 9 || alen[0] || alen[1])
		ktap_diag("got %zd/%zd bytes, address lengths %u/%u", n[0], n[1],
			  alen[0], alen[1]);

	send_frame(peer, ver, tid, sid);
	memset(addr[0], PAT0, sizeof(addr[0]));
	m.msg_name = addr[0];
	m.msg_namelen = sizeof(addr[0]);
	n[0] = readable(s, 3000) ? recvmsg(s, &m, MSG_DONTWAIT) : -1;
	ktap_result(n[0] == 9 && !m.msg_namelen && all_pat(addr[0], 128, PAT0),
		    "%s: recvmsg sets msg_namelen 0 and leaves msg_name alone",
		    what);
}

/* ----------------------------------------------------- stats ioctl */

static void check_stats(int s, bool mgmt, uint16_t sel, const char *what)
{
	struct pppol2tp_ioc_stats st[2];
	uint32_t word;
	bool ok = true;
	int r;

	for (r = 0; r < 2; r++) {
		memset(&st[r], r ? PAT1 : PAT0, sizeof(st[r]));
		if (mgmt)
			st[r].session_id = sel;
		if (ioctl(s, PPPIOCGL2TPSTATS, &st[r])) {
			ktap_diag("PPPIOCGL2TPSTATS: %s", strerror(errno));
			ok = false;
		}
	}
	if (ok && memcmp(&st[0], &st[1], sizeof(st[0]))) {
		ktap_diag("the two reads differ");
		ok = false;
	}
	/* tunnel_id, session_id, then a u32 whose bit 0 is using_ipsec. */
	memcpy(&word, (uint8_t *)&st[0] + 4, sizeof(word));
	if (ok && (word & ~1u)) {
		ktap_diag("word beside using_ipsec is %#x", word);
		ok = false;
	}
	ktap_result(ok, "%s: PPPIOCGL2TPSTATS%s writes all %zu bytes, the same "
		    "under both patterns, spare bits zero", what,
		    mgmt ? (sel ? " (session selected)" : " (tunnel)") : "",
		    sizeof(st[0]));
}

/* An ioctl that returns an int: 4 bytes written, the same twice. */
static void check_int_ioctl(int s, unsigned long req, const char *name,
			    const char *what)
{
	uint8_t b[2][16];
	bool ok = true;
	int r;

	for (r = 0; r < 2; r++) {
		memset(b[r], r ? PAT1 : PAT0, sizeof(b[r]));
		if (ioctl(s, req, b[r])) {
			ktap_diag("%s: %s", name, strerror(errno));
			ok = false;
		}
	}
	ok = ok && !memcmp(b[0], b[1], 4) && all_pat(b[0] + 4, 12, PAT0) &&
	     all_pat(b[1] + 4, 12, PAT1);
	ktap_result(ok, "%s: %s writes an int, the same under both patterns, "
		    "no more", what, name);
}

/* ----------------------------------------------------- getsockopt */

/*
 * Each option at optlen 0, 1, 3, 4 and 64: min(optlen, 4) bytes of the
 * expected int written, optlen set to that, nothing else touched.
 */
static void check_opts(int s, const int *opts, const int *vals, int nopts,
		       const char *what)
{
	static const int lens[] = { 0, 1, 3, 4, 64 };
	uint8_t b[2][64];
	socklen_t got[2];
	unsigned int i, l;
	bool ok = true;
	int r, want;

	for (i = 0; i < (unsigned int)nopts; i++) {
		for (l = 0; l < ARRAY_SIZE(lens); l++) {
			want = lens[l] < 4 ? lens[l] : 4;
			for (r = 0; r < 2; r++) {
				memset(b[r], r ? PAT1 : PAT0, sizeof(b[r]));
				got[r] = lens[l];
				if (getsockopt(s, SOL_PPPOL2TP, opts[i], b[r],
					       &got[r])) {
					ktap_diag("option %d optlen %d: %s",
						  opts[i], lens[l], strerror(errno));
					ok = false;
					got[r] = 0;
				}
			}
			if (!ok)
				break;
			if (got[0] != (socklen_t)want || got[1] != (socklen_t)want ||
			    memcmp(b[0], &vals[i], want) || memcmp(b[1], &vals[i], want) ||
			    !all_pat(b[0] + want, 64 - want, PAT0) ||
			    !all_pat(b[1] + want, 64 - want, PAT1)) {
				ktap_diag("option %d optlen %d: optlen %u/%u, bytes %02x %02x",
					  opts[i], lens[l], got[0], got[1], b[0][0],
					  b[0][want]);
				ok = false;
			}
		}
	}
	ktap_result(ok, "%s: %d getsockopt options at optlen 0/1/3/4/64 write "
		    "min(optlen, 4) bytes of the value and nothing more", what,
		    nopts);
}

/* ----------------------------------------------------- PPPoL2TP */

struct px_set {
	int tun, peer, mgmt, sess;
	uint32_t tid, sid;
};

static struct px_set pxs[4];

/* A tunnel of kind @k made by a management socket, and one session. */
static bool px_setup(enum px_kind k)
{
	struct px_set *p = &pxs[k];
	const int ver = pxk[k].ver;

	struct tun t = { .encap = L2TP_ENCAPTYPE_UDP, .ver = 3 };

	p->tid = ver == 2 ? T_PV2 + k : T_PV3 + k;
	p->sid = ver == 2 ? 40 + k : 0x5ec5a000u + k;
	p->mgmt = p->sess = -1;
	if (!udp_pair(pxk[k].fam, &p->tun, &p->peer))
		return false;
	p->sess = px_socket();
	if (k == V3IN6) {
		/*
		 * Not by a management socket: a second one's session 0
		 * would meet the first v3 tunnel's session 0 (v3 ids are
		 * per netns; upstream finds that one and says EEXIST).
		 */
		t.tid = p->tid;
		t.ptid = p->tid + 10;
		t.fd = p->tun;
		if (tunnel_create(&t))
			return false;
	} else {
		p->mgmt = px_socket();
		if (px_connect(p->mgmt, k, p->tun, p->tid, 0, p->tid + 10, 0)) {
			ktap_diag("%s: management connect: %s", pxk[k].name,
				  strerror(errno));
			return false;
		}
	}
	if (px_connect(p->sess, k, -1, p->tid, p->sid, p->tid + 10, p->sid + 10)) {
		ktap_diag("%s: connect: %s", pxk[k].name, strerror(errno));
		return false;
	}
	return true;
}

static void px_close(struct px_set *p)
{
	if (p->sess >= 0)
		close(p->sess);
	if (p->mgmt >= 0)
		close(p->mgmt);
	if (p->tun >= 0)
		close(p->tun);
	if (p->peer >= 0)
		close(p->peer);
	p->sess = p->mgmt = p->tun = p->peer = -1;
}

static void part2_pppol2tp(void)
{
	static const int sopts[] = {
		PPPOL2TP_SO_RECVSEQ, PPPOL2TP_SO_SENDSEQ, PPPOL2TP_SO_LNSMODE,
		PPPOL2TP_SO_DEBUG, PPPOL2TP_SO_REORDERTO,
	};
	static const int svals[] = { 1, 0, 1, 0, 300 };
	static const int mopts[] = { PPPOL2TP_SO_DEBUG };
	static const int mvals[] = { 0 };
	enum px_kind k;
	char tag[64];

	for (k = V2IN4; k <= V3IN6; k++) {
		struct px_set *p = &pxs[k];
		int one = 1, ms = 300;

		snprintf(tag, sizeof(tag), "PPPoL2TP %s", pxk[k].name);
		if (!ktap_result(px_setup(k), "%s: %s session socket connect", tag,
				 k == V3IN6 ? "netlink tunnel on a UDP socket," :
					      "management and"))
			continue;
		if (p->mgmt >= 0) {
			check_name(p->mgmt, false, pxk[k].len, tag);
			check_name(p->mgmt, true, pxk[k].len, tag);
			check_stats(p->mgmt, true, 0, tag);
			if (pxk[k].ver == 2)	/* the selector is 16 bits */
				check_stats(p->mgmt, true, p->sid, tag);
			check_opts(p->mgmt, mopts, mvals, ARRAY_SIZE(mopts), tag);
		}
		check_name(p->sess, false, pxk[k].len, tag);
		check_name(p->sess, true, pxk[k].len, tag);
		check_px_recv(p->sess, p->peer, pxk[k].ver, p->tid, p->sid, tag);
		check_stats(p->sess, false, 0, tag);
		check_int_ioctl(p->sess, PPPIOCGMRU, "PPPIOCGMRU", tag);
		check_int_ioctl(p->sess, PPPIOCGFLAGS, "PPPIOCGFLAGS", tag);
		/* Values with bits set, so that each byte means something. */
		setsockopt(p->sess, SOL_PPPOL2TP, PPPOL2TP_SO_RECVSEQ, &one, sizeof(one));
		setsockopt(p->sess, SOL_PPPOL2TP, PPPOL2TP_SO_LNSMODE, &one, sizeof(one));
		setsockopt(p->sess, SOL_PPPOL2TP, PPPOL2TP_SO_REORDERTO, &ms, sizeof(ms));
		check_opts(p->sess, sopts, svals, ARRAY_SIZE(sopts), tag);
	}
}

/* ----------------------------------------------------- L2TPIP */

/*
 * A 15-byte L2TPv3 control message for connection @conn (the receiver
 * finds its socket by the header's connection id): T, L, S set, version
 * 3, length, the id, Ns/Nr 0, three bytes of payload.
 */
static void send_ctrl(int s, uint32_t conn)
{
	const uint8_t f[15] = {
		0xc8, 0x03, 0, 15, conn >> 24, conn >> 16, conn >> 8, conn,
		0, 0, 0, 0, 'c', 't', 'l',
	};

	if (send(s, f, sizeof(f), 0) != sizeof(f))
		ktap_diag("L2TPIP send: %s", strerror(errno));
}

static void part2_l2tpip(void)
{
	int fams[2] = { AF_INET, AF_INET6 }, i, r, a, b;

	for (i = 0; i < 2; i++) {
		const int fam = fams[i];
		const uint32_t ca = CONN_IP_BASE + 1 + 2 * i, cb = ca + 1;
		const socklen_t want = fam == AF_INET6 ?
				       sizeof(struct sockaddr_l2tpip6) :
				       sizeof(struct sockaddr_l2tpip);
		/* Received frames carry a plain IPv4 source address. */
		const socklen_t want_from = fam == AF_INET6 ?
					    sizeof(struct sockaddr_l2tpip6) :
					    sizeof(struct sockaddr_in);
		const char *tag = fam == AF_INET6 ? "L2TPIP/IPv6" : "L2TPIP/IPv4";
		uint8_t from[2][128], data[64];
		socklen_t flen[2];
		ssize_t n[2];

		a = l2tpip(fam, ca, cb);
		b = l2tpip(fam, cb, ca);
		if (!ktap_result(a >= 0 && b >= 0, "%s: two connected sockets", tag)) {
			if (a >= 0)
				close(a);
			if (b >= 0)
				close(b);
			continue;
		}
		check_name(a, false, want, tag);
		check_name(a, true, want, tag);
		for (r = 0; r < 2; r++) {
			send_ctrl(a, cb);
			memset(from[r], r ? PAT1 : PAT0, sizeof(from[r]));
			flen[r] = sizeof(from[r]);
			n[r] = readable(b, 3000) ?
			       recvfrom(b, data, sizeof(data), MSG_DONTWAIT,
					(struct sockaddr *)from[r], &flen[r]) : -1;
		}
		check_int_ioctl(b, SIOCINQ, "SIOCINQ", tag);
		check_int_ioctl(a, SIOCOUTQ, "SIOCOUTQ", tag);
		ktap_result(n[0] == 15 && n[1] == 15 && flen[0] == want_from &&
			    flen[1] == want_from && !memcmp(from[0], from[1], want_from) &&
			    all_pat(from[0] + want_from, 128 - want_from, PAT0) &&
			    all_pat(from[1] + want_from, 128 - want_from, PAT1),
			    "%s: recvfrom fills %u address bytes, the same under both "
			    "patterns, no more", tag, want_from);
		close(a);
		close(b);
	}
}

/* ----------------------------------------------------- netlink bytes */

/* The payload size of attribute @t (-1: variable or unknown). */
static int attr_size(uint16_t t, bool stats)
{
	if (stats)
		return t == L2TP_ATTR_STATS_PAD ? 0 : 8;
	switch (t) {
	case L2TP_ATTR_PROTO_VERSION: case L2TP_ATTR_L2SPEC_TYPE:
	case L2TP_ATTR_L2SPEC_LEN: case L2TP_ATTR_DATA_SEQ:
	case L2TP_ATTR_UDP_CSUM: case L2TP_ATTR_RECV_SEQ:
	case L2TP_ATTR_SEND_SEQ: case L2TP_ATTR_LNS_MODE:
	case L2TP_ATTR_USING_IPSEC:
		return 1;
	case L2TP_ATTR_PW_TYPE: case L2TP_ATTR_ENCAP_TYPE:
	case L2TP_ATTR_OFFSET: case L2TP_ATTR_VLAN_ID:
	case L2TP_ATTR_UDP_SPORT: case L2TP_ATTR_UDP_DPORT:
	case L2TP_ATTR_MTU: case L2TP_ATTR_MRU:
		return 2;
	case L2TP_ATTR_CONN_ID: case L2TP_ATTR_PEER_CONN_ID:
	case L2TP_ATTR_SESSION_ID: case L2TP_ATTR_PEER_SESSION_ID:
	case L2TP_ATTR_DEBUG: case L2TP_ATTR_FD:
	case L2TP_ATTR_IP_SADDR: case L2TP_ATTR_IP_DADDR:
		return 4;
	case L2TP_ATTR_RECV_TIMEOUT:
		return 8;
	case L2TP_ATTR_IP6_SADDR: case L2TP_ATTR_IP6_DADDR:
		return 16;
	case L2TP_ATTR_UDP_ZERO_CSUM6_TX: case L2TP_ATTR_UDP_ZERO_CSUM6_RX:
	case L2TP_ATTR_PAD:
		return 0;
	}
	return -1;
}

/* Walk the attributes in @p/@len; the padding after each must be zero. */
static bool check_attrs(const uint8_t *p, size_t len, bool stats, char *why,
			size_t wsize)
{
	size_t off = 0;

	while (off < len) {
		struct nlattr a;
		size_t end, i;
		uint16_t t;
		int want;

		if (len - off < NLA_HDRLEN) {
			snprintf(why, wsize, "%zu stray bytes after the attributes",
				 len - off);
			return false;
		}
		memcpy(&a, p + off, sizeof(a));
		t = a.nla_type & NLA_TYPE_MASK;
		if (a.nla_len < NLA_HDRLEN || a.nla_len > len - off) {
			snprintf(why, wsize, "attribute %u: length %u", t, a.nla_len);
			return false;
		}
		want = attr_size(t, stats);
		if (!stats && t == L2TP_ATTR_STATS) {
			if (!check_attrs(p + off + NLA_HDRLEN, a.nla_len - NLA_HDRLEN,
					 true, why, wsize))
				return false;
		} else if (!stats && t == L2TP_ATTR_IFNAME) {
			/* A string: its NUL is inside the length. */
			if (a.nla_len == NLA_HDRLEN || p[off + a.nla_len - 1]) {
				snprintf(why, wsize, "IFNAME not NUL-terminated");
				return false;
			}
		} else if (want >= 0 && a.nla_len - NLA_HDRLEN != want) {
			snprintf(why, wsize, "attribute %u%s: %u payload bytes, want %d",
				 t, stats ? " (stats)" : "", a.nla_len - NLA_HDRLEN, want);
			return false;
		}
		end = off + NLA_ALIGN(a.nla_len);
		for (i = off + a.nla_len; i < end && i < len; i++) {
			if (p[i]) {
				snprintf(why, wsize, "attribute %u%s: padding byte %zu is %#x",
					 t, stats ? " (stats)" : "", i - off - a.nla_len,
					 p[i]);
				return false;
			}
		}
		off = end;
	}
	return true;
}

/*
 * Every message in @buf/@len: sane lengths, the genetlink header's
 * reserved byte zero, our seq and port id in l2tp messages (@seq 0: any),
 * every attribute well formed and its padding zero, and the alignment
 * bytes between messages zero.  Returns how many l2tp messages it saw,
 * or -1.
 */
static int check_msgs(const uint8_t *buf, size_t len, uint32_t seq,
		      uint32_t portid, const char *what)
{
	char why[160] = "";
	size_t off = 0, i;
	int n = 0;

	while (off < len && !why[0]) {
		struct nlmsghdr h;
		struct genlmsghdr g;

		if (len - off < NLMSG_HDRLEN) {
			snprintf(why, sizeof(why), "%zu stray bytes", len - off);
			break;
		}
		memcpy(&h, buf + off, sizeof(h));
		if (h.nlmsg_len < NLMSG_HDRLEN || h.nlmsg_len > len - off) {
			snprintf(why, sizeof(why), "message length %u", h.nlmsg_len);
			break;
		}
		if (h.nlmsg_type == nl.family) {
			n++;
			memcpy(&g, buf + off + NLMSG_HDRLEN, sizeof(g));
			if (h.nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN)
				snprintf(why, sizeof(why), "no genetlink header");
			else if (g.reserved)
				snprintf(why, sizeof(why), "genl reserved %#x", g.reserved);
			else if (g.version != L2TP_GENL_VERSION)
				snprintf(why, sizeof(why), "genl version %u", g.version);
			else if (seq && (h.nlmsg_seq != seq || h.nlmsg_pid != portid))
				snprintf(why, sizeof(why), "seq %u pid %u, want %u %u",
					 h.nlmsg_seq, h.nlmsg_pid, seq, portid);
			else
				check_attrs(buf + off + NLMSG_HDRLEN + GENL_HDRLEN,
					    h.nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN,
					    false, why, sizeof(why));
		}
		for (i = off + h.nlmsg_len; i < off + NLMSG_ALIGN(h.nlmsg_len) &&
		     i < len && !why[0]; i++)
			if (buf[i])
				snprintf(why, sizeof(why), "alignment byte %#x", buf[i]);
		off += NLMSG_ALIGN(h.nlmsg_len);
	}
	if (why[0]) {
		ktap_diag("%s: %s", what, why);
		return -1;
	}
	return n;
}

#define CAP_SIZE 32768

struct capture {
	uint8_t buf[CAP_SIZE];
	size_t len;
	bool tail_ok;	/* nothing written past what recv returned */
};

static struct capture cap[2];

/*
 * Send @req (as built in nl.tx) with sequence number @seq and read its
 * whole answer (up to the ack or NLMSG_DONE) into @c, whose buffer was
 * filled with @pat first.
 */
static bool capture_req(uint32_t seq, uint8_t pat, struct capture *c)
{
	struct nlmsghdr *req = (struct nlmsghdr *)nl.tx;
	int fd = mnl_socket_get_fd(nl.sk);

	memset(c->buf, pat, sizeof(c->buf));
	c->len = 0;
	c->tail_ok = true;
	req->nlmsg_seq = seq;
	if (send(fd, req, req->nlmsg_len, 0) < 0)
		return false;
	for (;;) {
		size_t start = c->len;
		ssize_t n = recv(fd, c->buf + start, sizeof(c->buf) - start, 0);
		const struct nlmsghdr *m;
		int left;

		if (n <= 0)
			return false;
		c->len += n;
		if (!all_pat(c->buf + c->len, sizeof(c->buf) - c->len, pat))
			c->tail_ok = false;
		m = (const void *)(c->buf + start);
		left = n;
		for (; mnl_nlmsg_ok(m, left); m = mnl_nlmsg_next(m, &left))
			if (m->nlmsg_seq == seq && (m->nlmsg_type == NLMSG_DONE ||
						    m->nlmsg_type == NLMSG_ERROR))
				return true;
		if (c->len >= sizeof(c->buf))
			return false;
	}
}

/*
 * The request now in nl.tx, twice under the same sequence number: the
 * two answers must be byte for byte the same, well formed, and hold
 * @want l2tp messages (-1: any number, at least one).
 */
static void check_answer(int want, const char *what)
{
	static uint32_t seq = 0x5ec00000;
	uint32_t portid = mnl_socket_get_portid(nl.sk);
	bool ok;
	int n;

	seq++;
	ok = capture_req(seq, PAT0, &cap[0]) && capture_req(seq, PAT1, &cap[1]);
	if (!ok) {
		ktap_result(false, "%s: answered", what);
		return;
	}
	n = check_msgs(cap[0].buf, cap[0].len, seq, portid, what);
	ok = n >= 0 && (want < 0 ? n > 0 : n == want);
	if (n >= 0 && !ok)
		ktap_diag("%d l2tp messages, want %d", n, want);
	if (cap[0].len != cap[1].len || memcmp(cap[0].buf, cap[1].buf, cap[0].len)) {
		ktap_diag("the two answers differ (%zu and %zu bytes)", cap[0].len,
			  cap[1].len);
		ok = false;
	}
	if (!cap[0].tail_ok || !cap[1].tail_ok) {
		ktap_diag("bytes past the received length were written");
		ok = false;
	}
	ktap_result(ok, "%s: every attribute and its padding well formed, the "
		    "same bytes under both patterns", what);
}

/* One notification from listener @ls into @c (filled with @pat first). */
static bool capture_notify(int ls, uint8_t pat, struct capture *c)
{
	ssize_t n;

	memset(c->buf, pat, sizeof(c->buf));
	c->len = 0;
	if (!readable(ls, 5000))
		return false;
	n = recv(ls, c->buf, sizeof(c->buf), MSG_DONTWAIT);
	if (n <= 0)
		return false;
	c->len = n;
	c->tail_ok = all_pat(c->buf + n, sizeof(c->buf) - n, pat);
	return true;
}

/*
 * The request in nl.tx, sent twice with the same sequence number: the
 * notifications it causes must be the same bytes and well formed.
 */
static void check_notify_twice(int ls, const char *what)
{
	static uint32_t seq = 0x5ecf0000;
	struct nlmsghdr *req = (struct nlmsghdr *)nl.tx;
	uint32_t portid = mnl_socket_get_portid(nl.sk);
	bool ok = true;
	int r, err;

	seq++;
	for (r = 0; r < 2 && ok; r++) {
		drain(ls);
		req->nlmsg_seq = seq;
		err = l2tp_nl_txn(&nl, req);
		ok = !err && capture_notify(ls, r ? PAT1 : PAT0, &cap[r]);
		if (!ok)
			ktap_diag("%s: %s", what, err ? strerror(err) : "no notification");
	}
	ok = ok && check_msgs(cap[0].buf, cap[0].len, seq, portid, what) == 1;
	if (ok && (cap[0].len != cap[1].len ||
		   memcmp(cap[0].buf, cap[1].buf, cap[0].len))) {
		ktap_diag("the two notifications differ");
		ok = false;
	}
	ok = ok && cap[0].tail_ok && cap[1].tail_ok;
	ktap_result(ok, "%s notification: well formed, the same bytes under "
		    "both patterns", what);
}

/* A notification caused by the request in nl.tx must be well formed. */
static void check_notify_once(int ls, const char *what)
{
	struct nlmsghdr *req = (struct nlmsghdr *)nl.tx;
	uint32_t portid = mnl_socket_get_portid(nl.sk);
	int err;
	bool ok;

	drain(ls);
	err = l2tp_nl_txn(&nl, req);
	ok = !err && capture_notify(ls, PAT0, &cap[0]) && cap[0].tail_ok &&
	     check_msgs(cap[0].buf, cap[0].len, req->nlmsg_seq, portid, what) == 1;
	if (err)
		ktap_diag("%s: %s", what, strerror(err));
	ktap_result(ok, "%s notification: well formed, nothing past its length",
		    what);
}

static void part2_netlink(void)
{
	struct sess tmp = {
		.tid = T_M4, .sid = 0x5ec1c001u, .psid = 0x5ec1c001u,
		.pw = L2TP_PWTYPE_PPP,
	};
	static const struct {
		uint32_t tid;
		const char *name;
	} tuns[] = {
		{ T_M4, "UDP/IPv4 managed" }, { T_SH, "UDP/IPv6" },
		{ T_I4, "IP/IPv4" }, { T_I6, "IP/IPv6" },
	};
	struct nlmsghdr *nlh;
	unsigned int i;
	char what[80];
	int ls;

	for (i = 0; i < ARRAY_SIZE(tuns); i++) {
		key_msg(L2TP_CMD_TUNNEL_GET, tuns[i].tid, 0, NULL);
		snprintf(what, sizeof(what), "TUNNEL_GET %s", tuns[i].name);
		check_answer(1, what);
	}
	key_msg(L2TP_CMD_SESSION_GET, T_M4, S_ETH1, NULL);
	check_answer(1, "SESSION_GET Ethernet (cookies, IFNAME)");
	key_msg(L2TP_CMD_SESSION_GET, 0, 0, "l2tpsec0");
	check_answer(1, "SESSION_GET by IFNAME");
	key_msg(L2TP_CMD_SESSION_GET, T_M4, S_PPP1, NULL);
	check_answer(1, "SESSION_GET PPP (RECV_TIMEOUT, LNS)");
	key_msg(L2TP_CMD_SESSION_GET, T_I6, S_I6, NULL);
	check_answer(1, "SESSION_GET PPP in an IP/IPv6 tunnel");
	key_msg(L2TP_CMD_SESSION_GET, pxs[V2IN6].tid, pxs[V2IN6].sid, NULL);
	check_answer(1, "SESSION_GET PPPoL2TP v2 session");
	nlh = l2tp_nl_req(&nl, L2TP_CMD_TUNNEL_GET);
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	check_answer(-1, "TUNNEL_GET dump");
	nlh = l2tp_nl_req(&nl, L2TP_CMD_SESSION_GET);
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	check_answer(-1, "SESSION_GET dump");

	ls = listener();
	if (!ktap_result(ls >= 0, "a listener joins the \"l2tp\" group"))
		return;
	key_msg(L2TP_CMD_TUNNEL_MODIFY, T_M4, 0, NULL);
	check_notify_twice(ls, "TUNNEL_MODIFY");
	nlh = key_msg(L2TP_CMD_SESSION_MODIFY, T_M4, S_PPP1, NULL);
	mnl_attr_put_u8(nlh, L2TP_ATTR_LNS_MODE, 1);
	check_notify_twice(ls, "SESSION_MODIFY (PPP)");
	nlh = key_msg(L2TP_CMD_SESSION_MODIFY, 0, 0, "l2tpsec1");
	mnl_attr_put_u8(nlh, L2TP_ATTR_RECV_SEQ, 0);
	check_notify_twice(ls, "SESSION_MODIFY (Ethernet, by IFNAME)");
	session_msg(&tmp);
	check_notify_once(ls, "SESSION_CREATE");
	key_msg(L2TP_CMD_SESSION_DELETE, tmp.tid, tmp.sid, NULL);
	check_notify_once(ls, "SESSION_DELETE");
	close(ls);
}

/* ============================================ the initial netns objects */

static const char cookie8[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
static const char cookie4[4] = { 9, 10, 11, 12 };

static int fd_unix_peer = -1;	/* the other end of fd_unix */

static bool init_setup(void)
{
	struct tun m4 = { .tid = T_M4, .ptid = T_M4 + 1, .encap = L2TP_ENCAPTYPE_UDP };
	struct tun sh = { .tid = T_SH, .ptid = PEER_I, .encap = L2TP_ENCAPTYPE_UDP,
			  .fam = AF_INET6, .fd = -1, .sport = PORT_SH,
			  .dport = PORT_SH + 1 };
	struct tun i4 = { .tid = T_I4, .ptid = T_I4 + 1, .encap = L2TP_ENCAPTYPE_IP,
			  .fam = AF_INET, .fd = -1 };
	struct tun i6 = { .tid = T_I6, .ptid = T_I6 + 1, .encap = L2TP_ENCAPTYPE_IP,
			  .fam = AF_INET6, .fd = -1 };
	struct sess eth1 = { .tid = T_M4, .sid = S_ETH1, .psid = S_ETH1 + 1,
			     .pw = L2TP_PWTYPE_ETH, .ifname = "l2tpsec1",
			     .cookie = cookie8, .cookie_len = 8,
			     .peer_cookie = cookie4, .peer_cookie_len = 4 };
	struct sess ppp1 = { .tid = T_M4, .sid = S_PPP1, .psid = S_PPP1 + 1,
			     .pw = L2TP_PWTYPE_PPP, .recv_timeout = 250, .lns = true };
	struct sess ppp2 = { .tid = T_M4, .sid = S_PPP2, .psid = S_PPP2 + 1,
			     .pw = L2TP_PWTYPE_PPP };
	struct sess eth0 = { .tid = T_SH, .sid = S_ETH0, .psid = S_ETH0 + 1,
			     .pw = L2TP_PWTYPE_ETH, .ifname = "l2tpsec0",
			     .cookie = cookie4, .cookie_len = 4 };
	struct sess s6 = { .tid = T_I6, .sid = S_I6, .psid = S_I6 + 1,
			   .pw = L2TP_PWTYPE_PPP };
	union inet_sa at;
	int peer, sp[2];
	bool ok = true;

	if (!udp_pair(AF_INET, &fd_m4, &peer))
		return false;
	close(peer);
	m4.fd = fd_m4;
	ok &= ECHECK(tunnel_create(&m4), 0, "init: managed UDP/IPv4 tunnel %#x", T_M4);
	ok &= ECHECK(tunnel_create(&sh), 0, "init: UDP/IPv6 tunnel %#x", T_SH);
	ok &= ECHECK(tunnel_create(&i4), 0, "init: IP/IPv4 tunnel %#x", T_I4);
	ok &= ECHECK(tunnel_create(&i6), 0, "init: IP/IPv6 tunnel %#x", T_I6);
	ok &= ECHECK(session_create(&eth1), 0, "init: Ethernet session l2tpsec1");
	ok &= ECHECK(session_create(&ppp1), 0, "init: PPP session %#x", S_PPP1);
	ok &= ECHECK(session_create(&ppp2), 0, "init: PPP session %#x", S_PPP2);
	ok &= ECHECK(session_create(&eth0), 0, "init: Ethernet session l2tpsec0");
	ok &= ECHECK(session_create(&s6), 0, "init: PPP session in the IP/IPv6 tunnel");

	fd_udp = udp_loop(AF_INET, &at);
	fd_l2tpip = l2tpip(AF_INET, CONN_IP_BASE + 9, 0);
	if (!socketpair(AF_UNIX, SOCK_DGRAM, 0, sp)) {
		fd_unix = sp[0];
		fd_unix_peer = sp[1];
	}
	return ok && fd_udp >= 0 && fd_l2tpip >= 0 && fd_unix >= 0;
}

/* Delete what root made in the initial netns (quietly). */
static void init_cleanup(void)
{
	enum px_kind k;

	key_req(L2TP_CMD_TUNNEL_DELETE, T_SH, 0, NULL);
	key_req(L2TP_CMD_TUNNEL_DELETE, T_I4, 0, NULL);
	key_req(L2TP_CMD_TUNNEL_DELETE, T_I6, 0, NULL);
	key_req(L2TP_CMD_TUNNEL_DELETE, T_M4, 0, NULL);
	key_req(L2TP_CMD_TUNNEL_DELETE, T_NOBODY, 0, NULL);
	for (k = V2IN4; k <= V3IN6; k++)
		px_close(&pxs[k]);
	if (fd_m4 >= 0)
		close(fd_m4);
	if (fd_udp >= 0)
		close(fd_udp);
	if (fd_l2tpip >= 0)
		close(fd_l2tpip);
	if (fd_unix >= 0) {
		close(fd_unix);
		close(fd_unix_peer);
	}
	fd_m4 = fd_udp = fd_l2tpip = fd_unix = -1;
}

/* ================================================== part 1a: nobody */

static void nobody_genl(void)
{
	struct tun t = { .tid = T_NOBODY, .ptid = 1, .encap = L2TP_ENCAPTYPE_UDP,
			 .fam = AF_INET, .fd = -1, .sport = 17091, .dport = 17092 };
	struct sess s = { .tid = T_M4, .sid = S_NOBODY, .psid = 1,
			  .pw = L2TP_PWTYPE_ETH, .ifname = "l2tpsecU" };
	const struct genlmsghdr *g;
	struct nlmsghdr *nlh;
	struct obj o[MAX_OBJS];
	int n, err;

	ktap_result(getuid() == NOBODY && cap_eff() == 0,
		    "nobody: uid 65534, no effective capability");
	nlh = l2tp_nl_req(&nl, L2TP_CMD_NOOP);
	err = l2tp_nl_txn(&nl, nlh);
	g = mnl_nlmsg_get_payload((struct nlmsghdr *)nl.reply);
	ktap_result(!err && nl.has_reply && g->cmd == L2TP_CMD_NOOP,
		    "nobody: NOOP is answered (%s)", strerror(err));

	ECHECK(tunnel_create(&t), EPERM, "nobody: TUNNEL_CREATE is EPERM");
	ECHECK(key_req(L2TP_CMD_TUNNEL_DELETE, T_I4, 0, NULL), EPERM,
	      "nobody: TUNNEL_DELETE is EPERM");
	ECHECK(key_req(L2TP_CMD_TUNNEL_MODIFY, T_M4, 0, NULL), EPERM,
	      "nobody: TUNNEL_MODIFY is EPERM");
	ECHECK(key_req(L2TP_CMD_TUNNEL_GET, T_M4, 0, NULL), EPERM,
	      "nobody: TUNNEL_GET is EPERM");
	ECHECK(dump(L2TP_CMD_TUNNEL_GET, o, &n), EPERM,
	      "nobody: TUNNEL_GET dump is EPERM");
	ECHECK(session_create(&s), EPERM, "nobody: SESSION_CREATE is EPERM");
	ECHECK(key_req(L2TP_CMD_SESSION_DELETE, T_M4, S_ETH1, NULL), EPERM,
	      "nobody: SESSION_DELETE is EPERM");
	ECHECK(key_req(L2TP_CMD_SESSION_DELETE, 0, 0, "l2tpsec0"), EPERM,
	      "nobody: SESSION_DELETE by IFNAME is EPERM");
	ECHECK(session_set_seq(T_M4, S_PPP1, 1), EPERM,
	      "nobody: SESSION_MODIFY is EPERM");
	ECHECK(key_req(L2TP_CMD_SESSION_GET, T_M4, S_ETH1, NULL), EPERM,
	      "nobody: SESSION_GET is EPERM");
	ECHECK(key_req(L2TP_CMD_SESSION_GET, 0, 0, "l2tpsec1"), EPERM,
	      "nobody: SESSION_GET by IFNAME is EPERM");
	ECHECK(dump(L2TP_CMD_SESSION_GET, o, &n), EPERM,
	      "nobody: SESSION_GET dump is EPERM");
}

/* Root, afterwards: none of nobody's requests changed anything. */
static void nobody_genl_verify(void)
{
	struct info in;

	ECHECK(tunnel_get(T_NOBODY, &in), ENODEV,
	      "root: nobody's TUNNEL_CREATE made no tunnel");
	ECHECK(session_get(T_M4, S_NOBODY, &in), ENODEV,
	      "root: nobody's SESSION_CREATE made no session");
	ktap_result(!ifindex("l2tpsecU"), "root: ... and no l2tpsecU device");
	ECHECK(tunnel_get(T_I4, &in), 0, "root: the tunnel nobody deleted is there");
	ECHECK(session_get(T_M4, S_ETH1, &in), 0,
	      "root: the session nobody deleted is there");
	ktap_result(ifindex("l2tpsec0") && ifindex("l2tpsec1"),
		    "root: l2tpsec0 and l2tpsec1 are there");
	ktap_result(!session_get(T_M4, S_PPP1, &in) && !in.v[L2TP_ATTR_RECV_SEQ] &&
		    !in.v[L2TP_ATTR_SEND_SEQ],
		    "root: the session nobody modified has RECV_SEQ/SEND_SEQ 0");
}

static void nobody_sockets(void)
{
	int tun, peer, mgmt, sess, in_m4, take, a4, a6, raw;
	struct sockaddr_l2tpip sa = { .l2tp_family = AF_INET };

	mgmt = px_socket();
	CHECK(mgmt, 0, "nobody: socket(AF_PPPOX, PX_PROTO_OL2TP) works (as upstream)");
	sess = px_socket();
	in_m4 = px_socket();
	take = px_socket();
	if (!udp_pair(AF_INET, &tun, &peer) || mgmt < 0 || sess < 0 ||
	    in_m4 < 0 || take < 0) {
		ktap_result(false, "nobody: sockets for PPPoL2TP");
		return;
	}
	close(peer);
	if (ktap_ours) {
		CHECK(px_connect(mgmt, V2IN4, tun, T_UPPP, 0, T_UPPP + 1, 0), EPERM,
		      "nobody: a PPPoL2TP management connect is EPERM "
		      "(beyond upstream: CAP_NET_ADMIN, as over netlink)");
		CHECK(px_connect(sess, V2IN4, -1, T_UPPP, S_UPPP, T_UPPP + 1,
				 S_UPPP + 1), EPERM,
		      "nobody: a PPPoL2TP session connect is EPERM");
		CHECK(px_connect(in_m4, V3IN4, -1, T_M4, S_UIN_M4, T_M4 + 1, 1),
		      EPERM, "nobody: cannot add a session to root's netlink tunnel");
		CHECK(px_connect(take, V3IN4, -1, T_M4, S_PPP2, T_M4 + 1, 1), EPERM,
		      "nobody: cannot take root's unconnected netlink PPP session");
		close(tun);
		close(mgmt);
		close(sess);
		close(in_m4);
		close(take);
		goto l2tpip;
	}
	CHECK(px_connect(mgmt, V2IN4, tun, T_UPPP, 0, T_UPPP + 1, 0), 0,
	      "nobody: a PPPoL2TP management connect creates tunnel %u "
	      "(as upstream: no capability check)", T_UPPP);
	CHECK(px_connect(sess, V2IN4, -1, T_UPPP, S_UPPP, T_UPPP + 1, S_UPPP + 1), 0,
	      "nobody: a PPPoL2TP session socket creates session %u", S_UPPP);
	CHECK(px_connect(in_m4, V3IN4, -1, T_M4, S_UIN_M4, T_M4 + 1, 1), 0,
	      "nobody: a session socket adds a session to root's netlink tunnel "
	      "(as upstream)");
	CHECK(px_connect(take, V3IN4, -1, T_M4, S_PPP2, T_M4 + 1, 1), 0,
	      "nobody: a session socket takes root's unconnected netlink PPP "
	      "session (as upstream)");
	hand_back(tun);
	hand_back(mgmt);
	hand_back(sess);
	hand_back(in_m4);
	close(take);

l2tpip:
	a4 = socket(AF_INET, SOCK_DGRAM, IPPROTO_L2TP);
	CHECK(a4, 0, "nobody: an L2TPIP/IPv4 socket (a datagram socket, as upstream)");
	sa.l2tp_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.l2tp_conn_id = CONN_IP_BASE + 0x11;
	CHECK(bind(a4, (struct sockaddr *)&sa, sizeof(sa)), 0,
	      "nobody: ... binds to a connection id");
	close(a4);
	a6 = l2tpip(AF_INET6, CONN_IP_BASE + 0x12, CONN_IP_BASE + 0x13);
	ktap_result(a6 >= 0, "nobody: an L2TPIP/IPv6 socket binds and connects");
	if (a6 >= 0)
		close(a6);
	raw = socket(AF_INET, SOCK_RAW, IPPROTO_L2TP);
	CHECK(raw, EPERM, "nobody: a raw IPPROTO_L2TP socket is EPERM (CAP_NET_RAW)");
	if (raw >= 0)
		close(raw);
}

static int nobody_ls = -1;

static void nobody_listen(void)
{
	int ls = listener();

	if (ktap_ours) {
		CHECK(ls, EPERM, "nobody: joining the \"l2tp\" multicast group is "
		      "EPERM (beyond upstream: GENL_MCAST_CAP_NET_ADMIN)");
		if (ls >= 0)
			close(ls);
		return;
	}
	CHECK(ls, 0, "nobody: joins the \"l2tp\" multicast group (as upstream: "
	      "the group has no permission flag)");
	hand_back(ls);
}

static void part1a(void)
{
	struct info in;
	int fds[MAX_FDS], n, i;

	run_as(AS_NOBODY, NULL, "nobody genl", nobody_genl, fds);
	nobody_genl_verify();

	n = run_as(AS_NOBODY, NULL, "nobody sockets", nobody_sockets, fds);
	if (ktap_ours) {
		ktap_result(n == 0 && gone(L2TP_CMD_TUNNEL_GET, T_UPPP, 0) &&
			    gone(L2TP_CMD_SESSION_GET, T_M4, S_UIN_M4) &&
			    !session_get(T_M4, S_PPP2, &in),
			    "root: nobody's connects created nothing, root's PPP "
			    "session is still there");
		for (i = n - 1; i >= 0; i--)
			close(fds[i]);
		n = run_as(AS_NOBODY, NULL, "nobody listener", nobody_listen, fds);
		for (i = n - 1; i >= 0; i--)
			close(fds[i]);
		return;
	}
	ktap_result(n == 4, "nobody's tunnel and session sockets handed to root");
	ktap_result(!tunnel_get(T_UPPP, &in) && in.v[L2TP_ATTR_PROTO_VERSION] == 2 &&
		    in.v[L2TP_ATTR_PEER_CONN_ID] == T_UPPP + 1,
		    "root: netlink sees nobody's v2 tunnel");
	ktap_result(!session_get(T_UPPP, S_UPPP, &in) &&
		    in.v[L2TP_ATTR_PW_TYPE] == L2TP_PWTYPE_PPP,
		    "root: ... and its PPP session");
	ktap_result(!session_get(T_M4, S_UIN_M4, &in),
		    "root: ... and its session in root's tunnel");
	ktap_result(gone(L2TP_CMD_SESSION_GET, T_M4, S_PPP2),
		    "root: the PPP session nobody took went with its socket");
	ktap_result(proc_has_tunnel(T_UPPP), "root: /proc/net/pppol2tp lists it");
	for (i = n - 1; i >= 0; i--)
		close(fds[i]);
	ktap_result(gone(L2TP_CMD_SESSION_GET, T_M4, S_UIN_M4) &&
		    gone(L2TP_CMD_TUNNEL_GET, T_UPPP, 0),
		    "root: nobody's sessions and tunnel go with the sockets");

	n = run_as(AS_NOBODY, NULL, "nobody listener", nobody_listen, fds);
	nobody_ls = n == 1 ? fds[0] : -1;
}

/* ========================================== part 1b: userns roots */

static void ns_setup_a(void)
{
	struct tun sh = { .tid = T_SH, .ptid = PEER_A, .encap = L2TP_ENCAPTYPE_UDP,
			  .fam = AF_INET, .fd = -1, .sport = PORT_SH,
			  .dport = PORT_SH + 1 };
	struct tun u6 = { .tid = TA_U6, .ptid = TA_U6 + 1, .encap = L2TP_ENCAPTYPE_UDP,
			  .fam = AF_INET6, .fd = -1, .sport = PORT_U6,
			  .dport = PORT_U6 + 1 };
	struct tun i4 = { .tid = TA_I4, .ptid = TA_I4 + 1, .encap = L2TP_ENCAPTYPE_IP,
			  .fam = AF_INET, .fd = -1 };
	struct tun i6 = { .tid = TA_I6, .ptid = TA_I6 + 1, .encap = L2TP_ENCAPTYPE_IP,
			  .fam = AF_INET6, .fd = -1 };
	struct tun m = { .tid = TA_M, .ptid = TA_M + 1, .encap = L2TP_ENCAPTYPE_UDP };
	struct sess eth0 = { .tid = T_SH, .sid = SA_ETH0, .psid = SA_ETH0 + 1,
			     .pw = L2TP_PWTYPE_ETH, .ifname = "l2tpsec0",
			     .cookie = cookie8, .cookie_len = 8 };
	struct sess ppp6 = { .tid = TA_U6, .sid = SA_PPP6, .psid = SA_PPP6 + 1,
			     .pw = L2TP_PWTYPE_PPP };
	struct sess ppp4 = { .tid = TA_I4, .sid = SA_PPP4, .psid = SA_PPP4 + 1,
			     .pw = L2TP_PWTYPE_PPP };
	struct sess etha = { .tid = TA_I6, .sid = SA_ETHA, .psid = SA_ETHA + 1,
			     .pw = L2TP_PWTYPE_ETH, .ifname = "l2tpsecA" };
	int tun, peer, mgmt, sess;
	struct info in;

	ktap_result(getuid() == 0 && cap_eff() != 0,
		    "A: uid 0 with capabilities in its user namespace");
	ECHECK(tunnel_create(&sh), 0, "A: UDP/IPv4 tunnel %#x (an id the initial netns also has)",
	      T_SH);
	ECHECK(tunnel_create(&u6), 0, "A: UDP/IPv6 tunnel");
	ECHECK(tunnel_create(&i4), 0, "A: IP/IPv4 tunnel");
	ECHECK(tunnel_create(&i6), 0, "A: IP/IPv6 tunnel");
	ECHECK(session_create(&eth0), 0,
	      "A: Ethernet session l2tpsec0 (a name the initial netns also has)");
	ECHECK(session_create(&ppp6), 0, "A: PPP session in the UDP/IPv6 tunnel");
	ECHECK(session_create(&ppp4), 0, "A: PPP session in the IP/IPv4 tunnel");
	ECHECK(session_create(&etha), 0, "A: Ethernet session l2tpsecA");
	ktap_result(ifindex("l2tpsec0") && ifindex("l2tpsecA"),
		    "A: its l2tpsec0 and l2tpsecA devices exist");
	ktap_result(!tunnel_get(T_SH, &in) && in.v[L2TP_ATTR_PEER_CONN_ID] == PEER_A &&
		    in.v[L2TP_ATTR_ENCAP_TYPE] == L2TP_ENCAPTYPE_UDP &&
		    in.has[L2TP_ATTR_IP_SADDR],
		    "A: TUNNEL_GET %#x gives its own tunnel (peer %#x, IPv4)", T_SH, PEER_A);
	ktap_result(!tunnel_get(TA_I6, &in) && in.v[L2TP_ATTR_ENCAP_TYPE] == L2TP_ENCAPTYPE_IP,
		    "A: TUNNEL_GET of its IP/IPv6 tunnel");
	ECHECK(session_set_seq(TA_I4, SA_PPP4, 1), 0, "A: SESSION_MODIFY");
	ktap_result(!session_get(TA_I4, SA_PPP4, &in) && in.v[L2TP_ATTR_RECV_SEQ] == 1 &&
		    in.v[L2TP_ATTR_SEND_SEQ] == 1, "A: ... takes effect");
	ECHECK(key_req(L2TP_CMD_TUNNEL_MODIFY, TA_U6, 0, NULL), 0, "A: TUNNEL_MODIFY");

	/* Managed by a socket of its own. */
	if (udp_pair(AF_INET, &tun, &peer)) {
		m.fd = tun;
		ECHECK(tunnel_create(&m), 0, "A: managed tunnel on its own UDP socket");
		close(tun);
		close(peer);
		ktap_result(gone(L2TP_CMD_TUNNEL_GET, TA_M, 0),
			    "A: ... goes when the socket is closed");
	}

	/* PPPoL2TP: kept open by the parent until the end. */
	mgmt = px_socket();
	sess = px_socket();
	if (!udp_pair(AF_INET, &tun, &peer) || mgmt < 0 || sess < 0) {
		ktap_result(false, "A: sockets for PPPoL2TP");
		return;
	}
	close(peer);
	CHECK(px_connect(mgmt, V2IN4, tun, TA_P, 0, TA_P + 1, 0), 0,
	      "A: a PPPoL2TP management socket creates tunnel %u", TA_P);
	CHECK(px_connect(sess, V2IN4, -1, TA_P, SA_P, TA_P + 1, SA_P + 1), 0,
	      "A: a PPPoL2TP session socket creates session %u", SA_P);
	ktap_result(!session_get(TA_P, SA_P, &in) &&
		    in.v[L2TP_ATTR_PW_TYPE] == L2TP_PWTYPE_PPP,
		    "A: netlink sees the PPPoL2TP session");
	ktap_result(proc_has_tunnel(TA_P), "A: its /proc/net/pppol2tp lists tunnel %u",
		    TA_P);
	hand_back(tun);
	hand_back(mgmt);
	hand_back(sess);
}

static void ns_setup_b(void)
{
	struct tun sh = { .tid = T_SH, .ptid = PEER_B, .encap = L2TP_ENCAPTYPE_UDP,
			  .fam = AF_INET, .fd = -1, .sport = PORT_SH,
			  .dport = PORT_SH + 1 };
	struct tun tb = { .tid = TB, .ptid = TB + 1, .encap = L2TP_ENCAPTYPE_IP,
			  .fam = AF_INET, .fd = -1 };
	struct sess s = { .tid = TB, .sid = SB_PPP, .psid = SB_PPP + 1,
			  .pw = L2TP_PWTYPE_PPP };

	ECHECK(tunnel_create(&sh), 0, "B: UDP/IPv4 tunnel %#x", T_SH);
	ECHECK(tunnel_create(&tb), 0, "B: IP/IPv4 tunnel %#x", TB);
	ECHECK(session_create(&s), 0, "B: PPP session %#x", SB_PPP);
}

/* What A sees of the others: nothing. */
static void ns_isolation_a(void)
{
	static const struct obj tuns[] = {
		{ T_SH, 0, PEER_A, 0 }, { TA_U6, 0, TA_U6 + 1, 0 },
		{ TA_I4, 0, TA_I4 + 1, 0 }, { TA_I6, 0, TA_I6 + 1, 0 },
		{ TA_P, 0, TA_P + 1, 0 },
	};
	static const struct obj sess[] = {
		{ T_SH, SA_ETH0, PEER_A, 0 }, { TA_U6, SA_PPP6, TA_U6 + 1, 0 },
		{ TA_I4, SA_PPP4, TA_I4 + 1, 0 }, { TA_I6, SA_ETHA, TA_I6 + 1, 0 },
		{ TA_P, SA_P, TA_P + 1, 0 },
	};
	struct tun t = { .tid = TA_X, .ptid = 1, .encap = L2TP_ENCAPTYPE_UDP };
	struct sess s = { .tid = T_M4, .sid = 77, .psid = 77, .pw = L2TP_PWTYPE_PPP };
	struct obj o[MAX_OBJS];
	struct info in;
	int n, err, px;

	err = dump(L2TP_CMD_TUNNEL_GET, o, &n);
	ktap_result(!err && same_set(o, n, tuns, ARRAY_SIZE(tuns)),
		    "A: the tunnel dump lists its 5 tunnels and nothing else");
	err = dump(L2TP_CMD_SESSION_GET, o, &n);
	ktap_result(!err && same_set(o, n, sess, ARRAY_SIZE(sess)),
		    "A: the session dump lists its 5 sessions and nothing else");
	ECHECK(tunnel_get(T_M4, &in), ENODEV, "A: TUNNEL_GET of an initial-netns tunnel is ENODEV");
	ECHECK(tunnel_get(TB, &in), ENODEV, "A: TUNNEL_GET of B's tunnel is ENODEV");
	ECHECK(tunnel_get(T_UPPP, &in), ENODEV, "A: ... and of nobody's (gone) tunnel id");
	ECHECK(session_get(T_M4, S_ETH1, &in), ENODEV,
	      "A: SESSION_GET of an initial-netns session is ENODEV");
	ECHECK(session_get(T_SH, S_ETH0, &in), ENODEV,
	      "A: SESSION_GET of the initial netns's session in the shared tunnel id is ENODEV");
	ECHECK(session_get(TB, SB_PPP, &in), ENODEV, "A: SESSION_GET of B's session is ENODEV");
	ECHECK(get(L2TP_CMD_SESSION_GET, 0, 0, "l2tpsec1", &in), ENODEV,
	      "A: SESSION_GET by an initial-netns IFNAME is ENODEV");
	ktap_result(!get(L2TP_CMD_SESSION_GET, 0, 0, "l2tpsec0", &in) &&
		    in.v[L2TP_ATTR_CONN_ID] == T_SH &&
		    in.v[L2TP_ATTR_SESSION_ID] == SA_ETH0,
		    "A: SESSION_GET by IFNAME l2tpsec0 finds its own session");

	ECHECK(key_req(L2TP_CMD_TUNNEL_DELETE, T_M4, 0, NULL), ENODEV,
	      "A: TUNNEL_DELETE of an initial-netns tunnel is ENODEV");
	ECHECK(key_req(L2TP_CMD_TUNNEL_MODIFY, T_I4, 0, NULL), ENODEV,
	      "A: TUNNEL_MODIFY of an initial-netns tunnel is ENODEV");
	ECHECK(key_req(L2TP_CMD_SESSION_DELETE, T_M4, S_ETH1, NULL), ENODEV,
	      "A: SESSION_DELETE of an initial-netns session is ENODEV");
	ECHECK(key_req(L2TP_CMD_SESSION_DELETE, 0, 0, "l2tpsec1"), ENODEV,
	      "A: SESSION_DELETE by an initial-netns IFNAME is ENODEV");
	ECHECK(session_set_seq(T_M4, S_PPP1, 1), ENODEV,
	      "A: SESSION_MODIFY of an initial-netns session is ENODEV");
	ECHECK(session_create(&s), ENODEV,
	      "A: SESSION_CREATE in an initial-netns tunnel is ENODEV");
	ECHECK(key_req(L2TP_CMD_TUNNEL_DELETE, TB, 0, NULL), ENODEV,
	      "A: TUNNEL_DELETE of B's tunnel is ENODEV");

	/* Initial-netns sockets, inherited, as tunnel sockets. */
	t.fd = fd_udp;
	ECHECK(tunnel_create(&t), EINVAL,
	      "A: TUNNEL_CREATE with FD of an initial-netns UDP socket is EINVAL");
	t.fd = fd_m4;
	ECHECK(tunnel_create(&t), EINVAL,
	      "A: TUNNEL_CREATE with FD of an initial-netns tunnel's socket is EINVAL");
	t.fd = fd_l2tpip;
	t.encap = L2TP_ENCAPTYPE_IP;
	ECHECK(tunnel_create(&t), EINVAL,
	      "A: TUNNEL_CREATE (IP) with FD of an initial-netns L2TPIP socket is EINVAL");
	t.fd = fd_unix;
	t.encap = L2TP_ENCAPTYPE_UDP;
	ECHECK(tunnel_create(&t), EINVAL,
	      "A: TUNNEL_CREATE with FD of an initial-netns AF_UNIX socket is EINVAL "
	      "(the netns is checked first, as upstream)");
	ECHECK(tunnel_get(TA_X, &in), ENODEV, "A: ... none of them made a tunnel");
	px = px_socket();
	CHECK(px_connect(px, V2IN4, fd_udp, 4299, 0, 4300, 0), EINVAL,
	      "A: a PPPoL2TP management connect with an initial-netns UDP socket is EINVAL");
	CHECK(px_connect(px, V2IN4, -1, T_PV2, 1, T_PV2 + 10, 1), ENOENT,
	      "A: a PPPoL2TP session connect to an initial-netns tunnel is ENOENT");
	CHECK(px_connect(px, V3IN4, -1, T_M4, 1, T_M4 + 1, 1), ENOENT,
	      "A: ... to an initial-netns netlink tunnel too");
	close(px);
	ECHECK(tunnel_get(4299, &in), ENODEV, "A: ... no tunnel was made");

	ktap_result(proc_has_tunnel(TA_P) && !proc_has_tunnel(T_PV2) &&
		    !proc_has_tunnel(T_PV2 + 1),
		    "A: /proc/net/pppol2tp lists its tunnel, none of the initial netns's");
	ktap_result(!ifindex("l2tpsec1"), "A: no l2tpsec1 device (the initial netns's)");
	ktap_result(open("/sys/kernel/debug/l2tp/tunnels", O_RDONLY) < 0 &&
		    errno == EACCES,
		    "A: its root cannot open the debugfs listing (EACCES: root-only "
		    "debugfs)");
}

/* Root, after A's attempts: the initial netns's objects are unchanged. */
static void ns_isolation_init(void)
{
	static const uint32_t foreign[] = { TA_U6, TA_I4, TA_I6, TA_P, TB };
	struct obj o[MAX_OBJS];
	struct info in;
	const char *dfs;
	unsigned int i;
	int n, err, bad = 0;

	ktap_result(!tunnel_get(T_M4, &in) && !session_get(T_M4, S_ETH1, &in) &&
		    !tunnel_get(T_I4, &in),
		    "root: the tunnels and sessions A tried to delete are there");
	ktap_result(!session_get(T_M4, S_PPP1, &in) && !in.v[L2TP_ATTR_RECV_SEQ],
		    "root: the session A tried to modify is unchanged");
	ktap_result(ifindex("l2tpsec1") && !ifindex("l2tpsecA"),
		    "root: l2tpsec1 is there, A's l2tpsecA is not");
	ktap_result(!tunnel_get(T_SH, &in) && in.v[L2TP_ATTR_PEER_CONN_ID] == PEER_I &&
		    in.has[L2TP_ATTR_IP6_SADDR],
		    "root: TUNNEL_GET %#x gives the initial netns's (peer %#x, IPv6)",
		    T_SH, PEER_I);
	err = dump(L2TP_CMD_TUNNEL_GET, o, &n);
	for (i = 0; i < ARRAY_SIZE(foreign); i++)
		bad += has_obj(o, n, foreign[i], 0);
	for (i = 0; i < (unsigned int)n; i++)
		bad += o[i].tid == T_SH && o[i].ptid != PEER_I;
	ktap_result(!err && !bad && has_obj(o, n, T_M4, 0),
		    "root: the tunnel dump holds none of A's or B's tunnels");
	ECHECK(session_get(TB, SB_PPP, &in), ENODEV,
	      "root: SESSION_GET of B's session is ENODEV");
	ktap_result(proc_has_tunnel(T_PV2) && !proc_has_tunnel(TA_P),
		    "root: /proc/net/pppol2tp lists its tunnel, not A's");
	dfs = debugfs_text(&err);
	if (!dfs) {
		ktap_result(false, "root: debugfs listing readable (%s)", strerror(err));
		return;
	}
	bad = 0;
	for (i = 0; i < ARRAY_SIZE(foreign); i++)
		bad += dfs_has(dfs, foreign[i], 0);
	if (!ktap_result(dfs_has(dfs, T_M4, T_M4 + 1) && dfs_has(dfs, T_SH, PEER_I) &&
			 !dfs_has(dfs, T_SH, PEER_A) && !dfs_has(dfs, T_SH, PEER_B) &&
			 !bad, "root: debugfs lists the initial netns's tunnels only"))
		dfs_diag(dfs);
}

/* Root inside A's netns: debugfs lists A's tunnels only. */
static void ns_debugfs_a(void)
{
	const char *dfs;
	int err;

	dfs = debugfs_text(&err);
	if (!dfs) {
		ktap_result(false, "root in A: debugfs listing readable (%s)",
			    strerror(err));
		return;
	}
	if (!ktap_result(dfs_has(dfs, T_SH, PEER_A) && dfs_has(dfs, TA_U6, TA_U6 + 1) &&
			 dfs_has(dfs, TA_I6, TA_I6 + 1) && dfs_has(dfs, TA_P, TA_P + 1) &&
			 !dfs_has(dfs, T_M4, 0) && !dfs_has(dfs, T_SH, PEER_I) &&
			 !dfs_has(dfs, TB, 0) && !dfs_has(dfs, T_PV2, 0),
			 "root in A: debugfs lists A's tunnels only"))
		dfs_diag(dfs);
	ktap_result(proc_has_tunnel(TA_P) && !proc_has_tunnel(T_PV2),
		    "root in A: /proc/net/pppol2tp lists A's tunnel only");
}

static void ns_cleanup_a(void)
{
	struct obj o[MAX_OBJS];
	int n, err, i;

	ECHECK(key_req(L2TP_CMD_SESSION_DELETE, 0, 0, "l2tpsec0"), 0,
	      "A: SESSION_DELETE by IFNAME l2tpsec0");
	ECHECK(key_req(L2TP_CMD_SESSION_DELETE, TA_I4, SA_PPP4, NULL), 0,
	      "A: SESSION_DELETE of a PPP session");
	ktap_result(dev_gone("l2tpsec0"), "A: ... l2tpsec0 is gone");
	ECHECK(key_req(L2TP_CMD_TUNNEL_DELETE, T_SH, 0, NULL), 0, "A: TUNNEL_DELETE %#x", T_SH);
	ECHECK(key_req(L2TP_CMD_TUNNEL_DELETE, TA_U6, 0, NULL), 0, "A: TUNNEL_DELETE (UDP/IPv6)");
	ECHECK(key_req(L2TP_CMD_TUNNEL_DELETE, TA_I4, 0, NULL), 0, "A: TUNNEL_DELETE (IP/IPv4)");
	ECHECK(key_req(L2TP_CMD_TUNNEL_DELETE, TA_I6, 0, NULL), 0, "A: TUNNEL_DELETE (IP/IPv6)");
	for (i = 0; i < 100; i++) {
		err = dump(L2TP_CMD_TUNNEL_GET, o, &n);
		if (!err && !n)
			break;
		msleep(50);
	}
	ktap_result(!err && !n, "A: nothing left in its dump (%d)", n);
	ktap_result(dev_gone("l2tpsecA"), "A: l2tpsecA went with its tunnel");
}

static void ns_cleanup_b(void)
{
	ECHECK(key_req(L2TP_CMD_TUNNEL_DELETE, T_SH, 0, NULL), 0, "B: TUNNEL_DELETE %#x", T_SH);
	ECHECK(key_req(L2TP_CMD_TUNNEL_DELETE, TB, 0, NULL), 0, "B: TUNNEL_DELETE %#x", TB);
}

/* ------------------------------------------------------- notifications */

static void ns_listen(void)
{
	int ls = listener();

	CHECK(ls, 0, "%s: its root joins the \"l2tp\" group of its netns", me);
	hand_back(ls);
}

/* TUNNEL_MODIFY of one tunnel, from whatever netns we are in. */
static uint32_t modify_tid;

static void modify_one(void)
{
	ECHECK(key_req(L2TP_CMD_TUNNEL_MODIFY, modify_tid, 0, NULL), 0,
	      "%s: TUNNEL_MODIFY %#x in its own netns", me, modify_tid);
}

static void modify_in(const struct nsctx *ns, uint32_t tid)
{
	int fds[MAX_FDS];

	modify_tid = tid;
	if (ns)
		run_as(AS_USERNS_ROOT, ns, ns->name, modify_one, fds);
	else
		modify_one();
}

/*
 * Read listener @ls until the notification about T_SH with peer @own
 * (its netns's marker); say which of the events E (one unique tunnel
 * per netns: @seen[0] initial, [1] A, [2] B) came before it.
 */
static bool read_until_marker(int ls, uint32_t own, bool seen[3], int *foreign)
{
	static const uint32_t ev[3] = { T_I4, TA_U6, TB };
	static const uint32_t peers[3] = { PEER_I, PEER_A, PEER_B };
	uint8_t buf[8192];
	int i, guard;

	memset(seen, 0, 3 * sizeof(bool));
	*foreign = 0;
	for (guard = 0; guard < 64; guard++) {
		const struct nlmsghdr *m = (const void *)buf;
		struct info in;
		ssize_t n;

		if (!readable(ls, 5000))
			return false;
		n = recv(ls, buf, sizeof(buf), MSG_DONTWAIT);
		if (n <= 0)
			return false;
		if (check_msgs(buf, n, 0, 0, "notification") < 0)
			(*foreign) += 1000;	/* malformed: fails the check */
		if (m->nlmsg_type != nl.family)
			continue;
		parse_info(m, &in);
		if (in.v[L2TP_ATTR_CONN_ID] == T_SH) {
			if (in.v[L2TP_ATTR_PEER_CONN_ID] == own)
				return true;
			(*foreign)++;
			continue;
		}
		for (i = 0; i < 3; i++) {
			if (in.v[L2TP_ATTR_CONN_ID] == ev[i]) {
				seen[i] = true;
				if (peers[i] != own)
					(*foreign)++;
			}
		}
	}
	return false;
}

static void part1b_notify(void)
{
	int ls_init = listener();
	struct {
		const char *name;
		int ls;
		uint32_t own;
		int self;	/* index of its own event */
	} l[4] = {
		{ "root's listener", ls_init, PEER_I, 0 },
		{ "nobody's listener", nobody_ls, PEER_I, 0 },
		{ "A's listener", -1, PEER_A, 1 },
		{ "B's listener", -1, PEER_B, 2 },
	};
	int fds[MAX_FDS], i;

	if (run_as(AS_USERNS_ROOT, &ns_a, "A listener", ns_listen, fds) == 1)
		l[2].ls = fds[0];
	if (run_as(AS_USERNS_ROOT, &ns_b, "B listener", ns_listen, fds) == 1)
		l[3].ls = fds[0];
	for (i = 0; i < 4; i++)
		if (l[i].ls >= 0)
			drain(l[i].ls);

	/* The events, then a marker in each netns (T_SH exists in all). */
	modify_in(NULL, T_I4);
	modify_in(&ns_a, TA_U6);
	modify_in(&ns_b, TB);
	modify_in(NULL, T_SH);
	modify_in(&ns_a, T_SH);
	modify_in(&ns_b, T_SH);

	for (i = 0; i < 4; i++) {
		bool seen[3], got;
		int foreign;

		if (l[i].ls < 0) {
			/* Ours refuses nobody the group: checked at the join. */
			if (!(ktap_ours && i == 1))
				ktap_result(false, "%s: exists", l[i].name);
			continue;
		}
		got = read_until_marker(l[i].ls, l[i].own, seen, &foreign);
		ktap_result(got && seen[l[i].self] && foreign < 1000,
			    "%s: gets its own netns's notifications, well formed",
			    l[i].name);
		if (ktap_ours) {
			ktap_result(got && !foreign,
				    "%s: gets no notification about another netns's "
				    "objects (%d)", l[i].name, foreign);
		} else {
			/* Documented upstream difference: multicast to all. */
			ktap_result(got && seen[0] && seen[1] && seen[2],
				    "%s: stock modules multicast every netns's "
				    "notifications to it (genlmsg_multicast_allns, "
				    "documented upstream difference)", l[i].name);
		}
		if (i != 1)
			close(l[i].ls);
	}
}

/* ================================================================ main */

static void part1b(void)
{
	int keep[MAX_FDS], fds[MAX_FDS], na, i;

	if (!ktap_result(holder_start(&ns_a) && holder_start(&ns_b),
			 "uid 65534 makes two user namespaces, each with its netns")) {
		holder_stop(&ns_b);
		holder_stop(&ns_a);
		return;
	}
	run_as(AS_USERNS_ROOT, &ns_b, "B setup", ns_setup_b, fds);
	na = run_as(AS_USERNS_ROOT, &ns_a, "A setup", ns_setup_a, keep);
	run_as(AS_USERNS_ROOT, &ns_a, "A isolation", ns_isolation_a, fds);
	ns_isolation_init();
	run_as(AS_ROOT_IN_NET, &ns_a, "root in A", ns_debugfs_a, fds);
	part1b_notify();
	for (i = na - 1; i >= 0; i--)
		close(keep[i]);
	run_as(AS_USERNS_ROOT, &ns_a, "A cleanup", ns_cleanup_a, fds);
	run_as(AS_USERNS_ROOT, &ns_b, "B cleanup", ns_cleanup_b, fds);
	holder_stop(&ns_b);
	holder_stop(&ns_a);
}

int main(int argc, char **argv)
{
	enum px_kind k;

	for (k = V2IN4; k <= V3IN6; k++)
		pxs[k].tun = pxs[k].peer = pxs[k].mgmt = pxs[k].sess = -1;
	ktap_ours = ktap_mode_is_ours();
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!nl_setup()) {
		printf("TAP version 13\n");
		ktap_result(false, "l2tp genl family and its multicast group");
		return ktap_finish();
	}
	if (argc > 1 && !strcmp(argv[1], "--cleanup")) {
		init_cleanup();
		return 0;
	}
	printf("TAP version 13\n");
	ktap_diag("mode %s", ktap_ours ? "ours" : "stock");
	signal(SIGPIPE, SIG_IGN);

	if (!ktap_result(init_setup(), "initial netns: tunnels, sessions and spare sockets")) {
		init_cleanup();
		return ktap_finish();
	}

	/* Part 2 first: it also connects the PPPoL2TP tunnels used below. */
	part2_pppol2tp();
	part2_l2tpip();
	part2_netlink();

	part1a();
	part1b();

	init_cleanup();
	if (nobody_ls >= 0)
		close(nobody_ls);
	return ktap_finish();
}
