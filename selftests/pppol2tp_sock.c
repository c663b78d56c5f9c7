// SPDX-License-Identifier: GPL-2.0
/*
 * PPPoL2TP sockets (l2tp_ppp) as userspace sees them: the socket family
 * and its autoload, connect() with each of the four sockaddr formats over
 * UDP (IPv4 and IPv6) and L2TPIP tunnels, the tunnel management socket
 * (session 0/0) that creates an L2TPv2 or L2TPv3 tunnel from a UDP fd,
 * every connect() error, getsockname/getpeername, the SOL_PPPOL2TP
 * options and their effect seen through generic netlink, the PPP and
 * statistics ioctls, the data path (frames decoded byte for byte on the
 * wire, FF 03 added and stripped), the PPP channel handed to /dev/ppp,
 * /proc/net/pppol2tp, sessions made by netlink then taken by a socket,
 * and what closing a socket, the tunnel's socket or netlink deletes.
 *
 * Run by test_ppp_sock.sh in a fresh network namespace; everything goes
 * over the loopback device (127.0.0.1 and ::1).  L2TP_MODE=stock runs it
 * against the stock modules, the oracle: every check here holds for them
 * unless it is reported as "# SKIP beyond upstream".  Output is KTAP;
 * exit status 0 pass, 1 fail.
 */

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/if.h>
#include <linux/if_pppol2tp.h>
#include <linux/if_pppox.h>
#include <linux/l2tp.h>
#include <linux/ppp-ioctl.h>
#include <linux/sockios.h>

#define __printf(f, a)	__attribute__((format(printf, f, a)))
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#ifndef IPPROTO_L2TP
#define IPPROTO_L2TP	115
#endif
#ifndef SOL_PPPOL2TP
#define SOL_PPPOL2TP	273
#endif

/* The x86-64 sizes that select the address format in connect(). */
_Static_assert(sizeof(struct sockaddr_pppol2tp) == 38, "v2/inet size");
_Static_assert(sizeof(struct sockaddr_pppol2tpin6) == 50, "v2/inet6 size");
_Static_assert(sizeof(struct sockaddr_pppol2tpv3) == 46, "v3/inet size");
_Static_assert(sizeof(struct sockaddr_pppol2tpv3in6) == 58, "v3/inet6 size");
_Static_assert(sizeof(struct pppol2tp_ioc_stats) == 72, "ioc stats size");

/* PPPOX socket states, as /proc/net/pppol2tp prints them. */
#define ST_CONNECTED	1
#define ST_BOUND	2

static bool ours = true;
static int tnum, tpass, tfail, tskip;
static pid_t self;

/* ------------------------------------------------------------------ KTAP */

static void diag(const char *fmt, ...) __printf(1, 2);
static void diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static bool result(bool ok, const char *fmt, ...) __printf(2, 3);
static bool result(bool ok, const char *fmt, ...)
{
	va_list ap;

	tnum++;
	if (ok)
		tpass++;
	else
		tfail++;
	printf("%s %d - ", ok ? "ok" : "not ok", tnum);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	return ok;
}

/* Gate of a check of what only our modules do: SKIP against stock. */
static bool ours_only(const char *what)
{
	if (ours)
		return true;
	tnum++;
	tskip++;
	printf("ok %d - %s # SKIP beyond upstream\n", tnum, what);
	fflush(stdout);
	return false;
}

static void skip(const char *reason, const char *what)
{
	tnum++;
	tskip++;
	printf("ok %d - %s # SKIP %s\n", tnum, what, reason);
	fflush(stdout);
}

/* @rc is a syscall result: want failure with errno @want, 0 for success. */
static bool check_errno(long rc, int err, int want, const char *fmt, ...)
	__printf(4, 5);
static bool check_errno(long rc, int err, int want, const char *fmt, ...)
{
	char desc[256];
	va_list ap;
	bool ok;

	va_start(ap, fmt);
	vsnprintf(desc, sizeof(desc), fmt, ap);
	va_end(ap);
	ok = want ? rc < 0 && err == want : rc >= 0;
	result(ok, "%s", desc);
	if (!ok)
		diag("got rc %ld errno %d (%s), want %s", rc, rc < 0 ? err : 0,
		     rc < 0 ? strerror(err) : "-",
		     want ? strerror(want) : "success");
	return ok;
}

#define CHECK(call, want, ...) ({					\
	long __rc = (call);						\
	check_errno(__rc, errno, (want), __VA_ARGS__);			\
})

static void hexdump(const char *label, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	char line[3 * 64 + 1];
	size_t i, n = 0;

	for (i = 0; i < len && i < 64; i++)
		n += snprintf(line + n, sizeof(line) - n, "%02x ", p[i]);
	line[n] = 0;
	diag("%s (%zu): %s%s", label, len, line, len > 64 ? "..." : "");
}

/* Compare two byte strings; dump both when they differ. */
static bool same_bytes(const void *got, size_t glen, const void *want,
		       size_t wlen)
{
	if (glen == wlen && !memcmp(got, want, glen))
		return true;
	hexdump("got ", got, glen);
	hexdump("want", want, wlen);
	return false;
}

static void msleep(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* -------------------------------------------------------------- netlink */

static struct mnl_socket *nl;
static uint16_t l2tp_genl;
static unsigned int nl_seq;

/* What a TUNNEL_GET or SESSION_GET answer holds. */
struct nl_info {
	bool has[L2TP_ATTR_MAX + 1];
	uint64_t val[L2TP_ATTR_MAX + 1];
	uint64_t st[L2TP_ATTR_STATS_MAX + 1];
};

static int stats_attr_cb(const struct nlattr *a, void *data)
{
	struct nl_info *in = data;
	uint16_t t = mnl_attr_get_type(a);

	if (t <= L2TP_ATTR_STATS_MAX && mnl_attr_get_payload_len(a) == 8)
		in->st[t] = mnl_attr_get_u64(a);
	return MNL_CB_OK;
}

static int info_attr_cb(const struct nlattr *a, void *data)
{
	struct nl_info *in = data;
	uint16_t t = mnl_attr_get_type(a);

	if (t > L2TP_ATTR_MAX)
		return MNL_CB_OK;
	in->has[t] = true;
	if (t == L2TP_ATTR_STATS) {
		mnl_attr_parse_nested(a, stats_attr_cb, in);
		return MNL_CB_OK;
	}
	switch (mnl_attr_get_payload_len(a)) {
	case 1:
		in->val[t] = mnl_attr_get_u8(a);
		break;
	case 2:
		in->val[t] = mnl_attr_get_u16(a);
		break;
	case 4:
		in->val[t] = mnl_attr_get_u32(a);
		break;
	case 8:
		in->val[t] = mnl_attr_get_u64(a);
		break;
	}
	return MNL_CB_OK;
}

static int info_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	return mnl_attr_parse(nlh, sizeof(struct genlmsghdr), info_attr_cb,
			      data);
}

static int family_attr_cb(const struct nlattr *a, void *data)
{
	if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID)
		*(uint16_t *)data = mnl_attr_get_u16(a);
	return MNL_CB_OK;
}

static int family_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	return mnl_attr_parse(nlh, sizeof(struct genlmsghdr), family_attr_cb,
			      data);
}

/* The attributes of one l2tp request; a field is sent when it is set. */
struct nl_req {
	const char *family;	/* CTRL_CMD_GETFAMILY only */
	uint32_t tid, sid, ptid, psid;
	bool has_tid, has_sid, has_ptid, has_psid;
	int version;		/* 0: absent */
	uint16_t encap, pw;
	bool has_encap, has_pw, has_fd;
	int fd;
};

static void put_req(struct nlmsghdr *nlh, const struct nl_req *r)
{
	if (r->family)
		mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, r->family);
	if (r->has_tid)
		mnl_attr_put_u32(nlh, L2TP_ATTR_CONN_ID, r->tid);
	if (r->has_ptid)
		mnl_attr_put_u32(nlh, L2TP_ATTR_PEER_CONN_ID, r->ptid);
	if (r->has_sid)
		mnl_attr_put_u32(nlh, L2TP_ATTR_SESSION_ID, r->sid);
	if (r->has_psid)
		mnl_attr_put_u32(nlh, L2TP_ATTR_PEER_SESSION_ID, r->psid);
	if (r->version)
		mnl_attr_put_u8(nlh, L2TP_ATTR_PROTO_VERSION, r->version);
	if (r->has_encap)
		mnl_attr_put_u16(nlh, L2TP_ATTR_ENCAP_TYPE, r->encap);
	if (r->has_pw)
		mnl_attr_put_u16(nlh, L2TP_ATTR_PW_TYPE, r->pw);
	if (r->has_fd)
		mnl_attr_put_u32(nlh, L2TP_ATTR_FD, r->fd);
}

/* One request and its answer: 0 or the negative errno. */
static int nl_call(uint16_t type, uint8_t cmd, const struct nl_req *r,
		   mnl_cb_t cb, void *data)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	unsigned int seq = ++nl_seq;
	struct genlmsghdr *g;
	int n, rc;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = L2TP_GENL_VERSION;
	put_req(nlh, r);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0)
			return -errno;
		rc = mnl_cb_run(buf, n, seq, mnl_socket_get_portid(nl), cb,
				data);
	} while (rc == MNL_CB_OK);
	return rc < 0 ? -errno : 0;
}

static int l2tp_call(uint8_t cmd, const struct nl_req *r, struct nl_info *in)
{
	if (in)
		memset(in, 0, sizeof(*in));
	return nl_call(l2tp_genl, cmd, r, in ? info_msg_cb : NULL, in);
}

static bool netlink_setup(void)
{
	struct nl_req r = { .family = L2TP_GENL_NAME };

	nl = mnl_socket_open(NETLINK_GENERIC);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		return false;
	return !nl_call(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, &r, family_msg_cb,
			&l2tp_genl) && l2tp_genl;
}

static int tunnel_create(int version, int encap, uint32_t tid, uint32_t ptid,
			 int fd)
{
	struct nl_req r = { .tid = tid, .has_tid = true, .ptid = ptid,
			    .has_ptid = true, .version = version,
			    .encap = encap, .has_encap = true,
			    .fd = fd, .has_fd = true };

	return l2tp_call(L2TP_CMD_TUNNEL_CREATE, &r, NULL);
}

static int tunnel_get(uint32_t tid, struct nl_info *in)
{
	struct nl_req r = { .tid = tid, .has_tid = true };
	struct nl_info scratch;

	return l2tp_call(L2TP_CMD_TUNNEL_GET, &r, in ? in : &scratch);
}

static int tunnel_delete(uint32_t tid)
{
	struct nl_req r = { .tid = tid, .has_tid = true };

	return l2tp_call(L2TP_CMD_TUNNEL_DELETE, &r, NULL);
}

static int session_create(uint32_t tid, uint32_t sid, uint32_t psid, int pw)
{
	struct nl_req r = { .tid = tid, .has_tid = true, .sid = sid,
			    .has_sid = true, .psid = psid, .has_psid = true,
			    .pw = pw, .has_pw = true };

	return l2tp_call(L2TP_CMD_SESSION_CREATE, &r, NULL);
}

static int session_get(uint32_t tid, uint32_t sid, struct nl_info *in)
{
	struct nl_req r = { .tid = tid, .has_tid = true, .sid = sid,
			    .has_sid = true };
	struct nl_info scratch;

	return l2tp_call(L2TP_CMD_SESSION_GET, &r, in ? in : &scratch);
}

static int session_delete(uint32_t tid, uint32_t sid)
{
	struct nl_req r = { .tid = tid, .has_tid = true, .sid = sid,
			    .has_sid = true };

	return l2tp_call(L2TP_CMD_SESSION_DELETE, &r, NULL);
}

/* Deletion may be deferred to a work item: poll for the final state. */
static int tunnel_gone(uint32_t tid)
{
	int i, rc = 0;

	for (i = 0; i < 50; i++) {
		rc = tunnel_get(tid, NULL);
		if (rc)
			return rc;
		msleep(100);
	}
	return rc;
}

static int session_gone(uint32_t tid, uint32_t sid)
{
	int i, rc = 0;

	for (i = 0; i < 50; i++) {
		rc = session_get(tid, sid, NULL);
		if (rc)
			return rc;
		msleep(100);
	}
	return rc;
}

/* ------------------------------------------------------------ addresses */

enum px_kind { V2IN4, V2IN6, V3IN4, V3IN6 };

static const struct {
	const char *name;
	socklen_t len;
	int version;
	int fi;		/* 0 inet, 1 inet6 */
} pxk[] = {
	[V2IN4] = { "v2/inet", sizeof(struct sockaddr_pppol2tp), 2, 0 },
	[V2IN6] = { "v2/inet6", sizeof(struct sockaddr_pppol2tpin6), 2, 1 },
	[V3IN4] = { "v3/inet", sizeof(struct sockaddr_pppol2tpv3), 3, 0 },
	[V3IN6] = { "v3/inet6", sizeof(struct sockaddr_pppol2tpv3in6), 3, 1 },
};

static enum px_kind kind_of(int version, int fi)
{
	if (version == 2)
		return fi ? V2IN6 : V2IN4;
	return fi ? V3IN6 : V3IN4;
}

union px_sa {
	struct sockaddr sa;
	struct sockaddr_pppol2tp v2;
	struct sockaddr_pppol2tpin6 v2in6;
	struct sockaddr_pppol2tpv3 v3;
	struct sockaddr_pppol2tpv3in6 v3in6;
	unsigned char raw[80];
};

struct px_ids {
	int fd;
	uint32_t tid, sid, ptid, psid;
};

union inet_sa {
	struct sockaddr sa;
	struct sockaddr_in v4;
	struct sockaddr_in6 v6;
	struct sockaddr_storage ss;
};

/*
 * A PPPoL2TP address of format @k with ids @id; @pid and @to (the tunnel
 * peer, NULL for none) as getsockname() fills them in.
 */
static socklen_t px_fill(union px_sa *a, enum px_kind k,
			 const struct px_ids *id, pid_t pid,
			 const union inet_sa *to)
{
	struct sockaddr_in sin = { 0 };
	struct sockaddr_in6 sin6 = { 0 };

	if (to && to->sa.sa_family == AF_INET)
		sin = to->v4;
	if (to && to->sa.sa_family == AF_INET6)
		sin6 = to->v6;
	memset(a, 0, sizeof(*a));
	switch (k) {
	case V2IN4:
		a->v2.sa_family = AF_PPPOX;
		a->v2.sa_protocol = PX_PROTO_OL2TP;
		a->v2.pppol2tp.pid = pid;
		a->v2.pppol2tp.fd = id->fd;
		a->v2.pppol2tp.addr = sin;
		a->v2.pppol2tp.s_tunnel = id->tid;
		a->v2.pppol2tp.s_session = id->sid;
		a->v2.pppol2tp.d_tunnel = id->ptid;
		a->v2.pppol2tp.d_session = id->psid;
		break;
	case V2IN6:
		a->v2in6.sa_family = AF_PPPOX;
		a->v2in6.sa_protocol = PX_PROTO_OL2TP;
		a->v2in6.pppol2tp.pid = pid;
		a->v2in6.pppol2tp.fd = id->fd;
		a->v2in6.pppol2tp.addr = sin6;
		a->v2in6.pppol2tp.s_tunnel = id->tid;
		a->v2in6.pppol2tp.s_session = id->sid;
		a->v2in6.pppol2tp.d_tunnel = id->ptid;
		a->v2in6.pppol2tp.d_session = id->psid;
		break;
	case V3IN4:
		a->v3.sa_family = AF_PPPOX;
		a->v3.sa_protocol = PX_PROTO_OL2TP;
		a->v3.pppol2tp.pid = pid;
		a->v3.pppol2tp.fd = id->fd;
		a->v3.pppol2tp.addr = sin;
		a->v3.pppol2tp.s_tunnel = id->tid;
		a->v3.pppol2tp.s_session = id->sid;
		a->v3.pppol2tp.d_tunnel = id->ptid;
		a->v3.pppol2tp.d_session = id->psid;
		break;
	case V3IN6:
		a->v3in6.sa_family = AF_PPPOX;
		a->v3in6.sa_protocol = PX_PROTO_OL2TP;
		a->v3in6.pppol2tp.pid = pid;
		a->v3in6.pppol2tp.fd = id->fd;
		a->v3in6.pppol2tp.addr = sin6;
		a->v3in6.pppol2tp.s_tunnel = id->tid;
		a->v3in6.pppol2tp.s_session = id->sid;
		a->v3in6.pppol2tp.d_tunnel = id->ptid;
		a->v3in6.pppol2tp.d_session = id->psid;
		break;
	}
	return pxk[k].len;
}

static int px_socket(void)
{
	int s = socket(AF_PPPOX, SOCK_DGRAM, PX_PROTO_OL2TP);

	if (s < 0) {
		printf("Bail out! socket(AF_PPPOX, SOCK_DGRAM, PX_PROTO_OL2TP): %s\n",
		       strerror(errno));
		exit(1);
	}
	return s;
}

static int px_connect(int s, enum px_kind k, const struct px_ids *id)
{
	union px_sa a;
	socklen_t len = px_fill(&a, k, id, 0, NULL);

	return connect(s, &a.sa, len);
}

/* getsockname (or getpeername) of @s must be exactly the expected one. */
static void check_name(int s, bool peer, enum px_kind k,
		       const struct px_ids *id, const union inet_sa *to,
		       const char *tag)
{
	union px_sa got, want;
	socklen_t len = sizeof(got), wlen;
	int rc;

	memset(&got, 0xa5, sizeof(got));
	rc = peer ? getpeername(s, &got.sa, &len) : getsockname(s, &got.sa, &len);
	if (!check_errno(rc, errno, 0, "%s: %s succeeds", tag,
			 peer ? "getpeername" : "getsockname"))
		return;
	wlen = px_fill(&want, k, id, self, to);
	result(same_bytes(&got, len, &want, wlen) && got.raw[len] == 0xa5,
	       "%s: %s is the %s format: fd %d, pid, ids %u/%u -> %u/%u, tunnel peer",
	       tag, peer ? "getpeername" : "getsockname", pxk[k].name, id->fd,
	       id->tid, id->sid, id->ptid, id->psid);
}

/* -------------------------------------------------------------- sockets */

static socklen_t inet_len(int fi)
{
	return fi ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
}

static union inet_sa loopback(int fi, uint16_t port)
{
	union inet_sa a;

	memset(&a, 0, sizeof(a));
	if (fi) {
		a.v6.sin6_family = AF_INET6;
		a.v6.sin6_addr = in6addr_loopback;
		a.v6.sin6_port = htons(port);
	} else {
		a.v4.sin_family = AF_INET;
		a.v4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		a.v4.sin_port = htons(port);
	}
	return a;
}

static uint16_t port_of(const union inet_sa *a)
{
	return ntohs(a->sa.sa_family == AF_INET6 ? a->v6.sin6_port :
						  a->v4.sin_port);
}

/* A UDP socket on the loopback address, at an ephemeral port (in @at). */
static int udp_bound(int fi, union inet_sa *at)
{
	socklen_t len = sizeof(*at);
	int s;

	*at = loopback(fi, 0);
	s = socket(fi ? AF_INET6 : AF_INET, SOCK_DGRAM, 0);
	if (s < 0 || bind(s, &at->sa, inet_len(fi)) < 0 ||
	    getsockname(s, &at->sa, &len) < 0) {
		printf("Bail out! UDP socket: %s\n", strerror(errno));
		exit(1);
	}
	return s;
}

/*
 * The tunnel's UDP socket and a plain UDP socket as its peer, connected
 * to each other: the peer sees what the tunnel sends and forges what it
 * receives.
 */
struct udp_pair {
	int tun, peer;
	union inet_sa tun_at, peer_at;
};

static void udp_pair(int fi, struct udp_pair *p)
{
	p->tun = udp_bound(fi, &p->tun_at);
	p->peer = udp_bound(fi, &p->peer_at);
	if (connect(p->tun, &p->peer_at.sa, inet_len(fi)) < 0 ||
	    connect(p->peer, &p->tun_at.sa, inet_len(fi)) < 0) {
		printf("Bail out! UDP connect: %s\n", strerror(errno));
		exit(1);
	}
}

/* An L2TPIP socket bound to @conn on loopback, connected to @peer_conn. */
static int l2tpip_socket(int fi, uint32_t conn, uint32_t peer_conn)
{
	struct sockaddr_l2tpip6 a6 = { .l2tp_family = AF_INET6 };
	struct sockaddr_l2tpip a4 = { .l2tp_family = AF_INET };
	int s = socket(fi ? AF_INET6 : AF_INET, SOCK_DGRAM, IPPROTO_L2TP);
	int rc;

	if (s < 0) {
		printf("Bail out! L2TPIP socket: %s\n", strerror(errno));
		exit(1);
	}
	if (fi) {
		a6.l2tp_addr = in6addr_loopback;
		a6.l2tp_conn_id = conn;
		rc = bind(s, (struct sockaddr *)&a6, sizeof(a6));
		a6.l2tp_conn_id = peer_conn;
		rc = rc ?: connect(s, (struct sockaddr *)&a6, sizeof(a6));
	} else {
		a4.l2tp_addr.s_addr = htonl(INADDR_LOOPBACK);
		a4.l2tp_conn_id = conn;
		rc = bind(s, (struct sockaddr *)&a4, sizeof(a4));
		a4.l2tp_conn_id = peer_conn;
		rc = rc ?: connect(s, (struct sockaddr *)&a4, sizeof(a4));
	}
	if (rc) {
		printf("Bail out! L2TPIP bind/connect: %s\n", strerror(errno));
		exit(1);
	}
	return s;
}

static bool wait_readable(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, ms) == 1;
}

/* recv() that gives up after @ms milliseconds without data: -1, EAGAIN. */
static ssize_t recv_wait(int fd, void *buf, size_t len, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	if (poll(&p, 1, ms) <= 0) {
		errno = EAGAIN;
		return -1;
	}
	return recv(fd, buf, len, MSG_DONTWAIT);
}

static ssize_t read_wait(int fd, void *buf, size_t len, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	if (poll(&p, 1, ms) <= 0) {
		errno = EAGAIN;
		return -1;
	}
	return read(fd, buf, len);
}

/* ------------------------------------------------------- L2TP packets */

/* How the tunnel's frames look on the wire. */
struct wire {
	int version;
	bool udp;	/* v3 over UDP: the flags and reserved word first */
	bool l2spec;	/* v3: the default L2-specific sublayer */
	bool ip_hdr;	/* the capturing socket is raw IPv4: skip the header */
};

/*
 * The L2TP data header of @w for @tid/@sid; with @seq, carrying @ns (v2:
 * Ns and Nr 0; v3: in the sublayer, when there is one).
 */
static size_t l2tp_hdr(unsigned char *b, const struct wire *w, uint32_t tid,
		       uint32_t sid, bool seq, uint32_t ns)
{
	size_t n = 0;
	uint32_t l2h;

	if (w->version == 2) {
		b[n++] = seq ? 0x08 : 0x00;
		b[n++] = 0x02;
		b[n++] = tid >> 8;
		b[n++] = tid;
		b[n++] = sid >> 8;
		b[n++] = sid;
		if (seq) {
			b[n++] = ns >> 8;
			b[n++] = ns;
			b[n++] = 0;
			b[n++] = 0;
		}
		return n;
	}
	if (w->udp) {
		b[n++] = 0x00;
		b[n++] = 0x03;
		b[n++] = 0;
		b[n++] = 0;
	}
	b[n++] = sid >> 24;
	b[n++] = sid >> 16;
	b[n++] = sid >> 8;
	b[n++] = sid;
	if (w->l2spec) {
		l2h = seq ? 0x40000000 | ns : 0;
		b[n++] = l2h >> 24;
		b[n++] = l2h >> 16;
		b[n++] = l2h >> 8;
		b[n++] = l2h;
	}
	return n;
}

/* A frame: the L2TP header, then @ppp_hdr (FF 03) if set, then @data. */
static size_t l2tp_frame(unsigned char *b, const struct wire *w, uint32_t tid,
			 uint32_t sid, bool seq, uint32_t ns, bool ppp_hdr,
			 const void *data, size_t len)
{
	size_t n = l2tp_hdr(b, w, tid, sid, seq, ns);

	if (ppp_hdr) {
		b[n++] = 0xff;
		b[n++] = 0x03;
	}
	memcpy(b + n, data, len);
	return n + len;
}

/*
 * Receive on @cap the frame the tunnel sent for peer session @psid.  A
 * raw socket also sees other frames of the protocol (the ones it sends
 * itself come back over loopback): those are skipped.  Returns the
 * length of the L2TP part copied to @out, or -1.
 */
static ssize_t capture(int cap, const struct wire *w, uint32_t psid,
		       unsigned char *out, size_t size)
{
	unsigned char buf[2048];
	uint32_t sid;
	size_t off;
	ssize_t n;
	int i;

	for (i = 0; i < 20; i++) {
		n = recv_wait(cap, buf, sizeof(buf), 2000);
		if (n < 0)
			return -1;
		off = w->ip_hdr ? (size_t)(buf[0] & 0xf) * 4 : 0;
		if ((size_t)n < off + 8)
			continue;
		if (w->version == 3 && !w->udp) {
			memcpy(&sid, buf + off, sizeof(sid));
			if (ntohl(sid) != psid)
				continue;
		}
		n -= off;
		if ((size_t)n > size)
			n = size;
		memcpy(out, buf + off, n);
		return n;
	}
	return -1;
}

/* ------------------------------------------------- ioctl/stats helpers */

static int get_stats(int s, uint16_t sid, struct pppol2tp_ioc_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->session_id = sid;
	return ioctl(s, PPPIOCGL2TPSTATS, st);
}

/* The eight counters of the ioctl against those netlink reports. */
static bool stats_match(const struct pppol2tp_ioc_stats *st,
			const struct nl_info *in)
{
	const uint64_t *n = in->st;
	bool ok;

	ok = st->tx_packets == n[L2TP_ATTR_TX_PACKETS] &&
	     st->tx_bytes == n[L2TP_ATTR_TX_BYTES] &&
	     st->tx_errors == n[L2TP_ATTR_TX_ERRORS] &&
	     st->rx_packets == n[L2TP_ATTR_RX_PACKETS] &&
	     st->rx_bytes == n[L2TP_ATTR_RX_BYTES] &&
	     st->rx_seq_discards == n[L2TP_ATTR_RX_SEQ_DISCARDS] &&
	     st->rx_oos_packets == n[L2TP_ATTR_RX_OOS_PACKETS] &&
	     st->rx_errors == n[L2TP_ATTR_RX_ERRORS];
	if (!ok)
		diag("ioctl tx %llu/%llu/%llu rx %llu/%llu/%llu/%llu/%llu, "
		     "netlink tx %llu/%llu/%llu rx %llu/%llu/%llu/%llu/%llu",
		     (unsigned long long)st->tx_packets,
		     (unsigned long long)st->tx_bytes,
		     (unsigned long long)st->tx_errors,
		     (unsigned long long)st->rx_packets,
		     (unsigned long long)st->rx_bytes,
		     (unsigned long long)st->rx_seq_discards,
		     (unsigned long long)st->rx_oos_packets,
		     (unsigned long long)st->rx_errors,
		     (unsigned long long)n[L2TP_ATTR_TX_PACKETS],
		     (unsigned long long)n[L2TP_ATTR_TX_BYTES],
		     (unsigned long long)n[L2TP_ATTR_TX_ERRORS],
		     (unsigned long long)n[L2TP_ATTR_RX_PACKETS],
		     (unsigned long long)n[L2TP_ATTR_RX_BYTES],
		     (unsigned long long)n[L2TP_ATTR_RX_SEQ_DISCARDS],
		     (unsigned long long)n[L2TP_ATTR_RX_OOS_PACKETS],
		     (unsigned long long)n[L2TP_ATTR_RX_ERRORS]);
	return ok;
}

static int set_opt(int s, int opt, int val)
{
	return setsockopt(s, SOL_PPPOL2TP, opt, &val, sizeof(val));
}

static int get_opt(int s, int opt, int *val)
{
	socklen_t len = sizeof(*val);

	*val = 0x5a5a5a5a;
	return getsockopt(s, SOL_PPPOL2TP, opt, val, &len);
}

/* Read the whole of a /proc file; NULL if it cannot be opened. */
static char *slurp(const char *path)
{
	size_t len = 0, size = 8192;
	char *buf = malloc(size);
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0 || !buf) {
		free(buf);
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	for (;;) {
		if (size - len < 1024)
			buf = realloc(buf, size *= 2);
		n = read(fd, buf + len, size - len - 1);
		if (n <= 0)
			break;
		len += n;
	}
	buf[len] = 0;
	close(fd);
	return buf;
}

/* ------------------------------------------------------------- tests */

/* socket(): the pppox core's errors, the autoloaded protocol. */
static void test_socket(void)
{
	int s, v;
	socklen_t len = sizeof(v);

	s = socket(AF_PPPOX, SOCK_DGRAM, PX_PROTO_OL2TP);
	check_errno(s, errno, 0,
		    "socket(AF_PPPOX, SOCK_DGRAM, PX_PROTO_OL2TP) (l2tp_ppp autoloads)");
	if (s >= 0) {
		getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &len);
		result(v == SOCK_STREAM, "the socket reports SO_TYPE SOCK_STREAM (got %d)", v);
		getsockopt(s, SOL_SOCKET, SO_PROTOCOL, &v, &len);
		result(v == PX_PROTO_OL2TP,
		       "the socket reports SO_PROTOCOL PX_PROTO_OL2TP (got %d)", v);
		getsockopt(s, SOL_SOCKET, SO_DOMAIN, &v, &len);
		result(v == AF_PPPOX, "the socket reports SO_DOMAIN AF_PPPOX (got %d)", v);
		close(s);
	}
	s = socket(AF_PPPOX, SOCK_STREAM, PX_PROTO_OL2TP);
	check_errno(s, errno, 0,
		    "socket(AF_PPPOX, SOCK_STREAM, PX_PROTO_OL2TP): the type is not checked");
	if (s >= 0)
		close(s);
	CHECK(socket(AF_PPPOX, SOCK_DGRAM, PX_MAX_PROTO + 1), EPROTOTYPE,
	      "socket(AF_PPPOX, ..., PX_MAX_PROTO + 1) is EPROTOTYPE");
	CHECK(socket(AF_PPPOX, SOCK_DGRAM, -1), EPROTOTYPE,
	      "socket(AF_PPPOX, ..., -1) is EPROTOTYPE");
	CHECK(socket(AF_PPPOX, SOCK_DGRAM, PX_MAX_PROTO), EPROTONOSUPPORT,
	      "socket(AF_PPPOX, ..., PX_MAX_PROTO), which no module provides, is EPROTONOSUPPORT");
}

/* A socket that is not connected yet. */
static void test_unconnected(void)
{
	struct pppol2tp_ioc_stats st;
	union px_sa a;
	socklen_t len = sizeof(a);
	struct ifreq ifr;
	char buf[16];
	int s = px_socket(), v = 1;

	CHECK(getsockname(s, &a.sa, &len), ENOTCONN, "unconnected: getsockname is ENOTCONN");
	len = sizeof(a);
	CHECK(getpeername(s, &a.sa, &len), ENOTCONN, "unconnected: getpeername is ENOTCONN");
	CHECK(set_opt(s, PPPOL2TP_SO_SENDSEQ, 1), ENOTCONN,
	      "unconnected: setsockopt SENDSEQ is ENOTCONN");
	CHECK(get_opt(s, PPPOL2TP_SO_SENDSEQ, &v), ENOTCONN,
	      "unconnected: getsockopt SENDSEQ is ENOTCONN");
	CHECK(setsockopt(s, SOL_IP, PPPOL2TP_SO_SENDSEQ, &v, sizeof(v)), EINVAL,
	      "unconnected: setsockopt at level SOL_IP is EINVAL (checked first)");
	CHECK(setsockopt(s, SOL_PPPOL2TP, PPPOL2TP_SO_SENDSEQ, &v, 3), EINVAL,
	      "unconnected: setsockopt with optlen 3 is EINVAL (checked first)");
	CHECK(ioctl(s, PPPIOCGCHAN, &v), ENOTCONN, "unconnected: PPPIOCGCHAN is ENOTCONN");
	CHECK(ioctl(s, PPPIOCGMRU, &v), ENOTCONN, "unconnected: PPPIOCGMRU is ENOTCONN");
	CHECK(ioctl(s, PPPIOCSFLAGS, &v), ENOTCONN, "unconnected: PPPIOCSFLAGS is ENOTCONN");
	CHECK(get_stats(s, 0, &st), ENOTCONN, "unconnected: PPPIOCGL2TPSTATS is ENOTCONN");
	CHECK(send(s, "x", 1, 0), ENOTCONN, "unconnected: send is ENOTCONN");
	CHECK(recv(s, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN,
	      "unconnected: recv MSG_DONTWAIT is EAGAIN");
	memset(&a, 0, sizeof(a));
	a.sa.sa_family = AF_PPPOX;
	CHECK(bind(s, &a.sa, sizeof(struct sockaddr_pppol2tp)), EOPNOTSUPP,
	      "bind is EOPNOTSUPP");
	CHECK(listen(s, 1), EOPNOTSUPP, "listen is EOPNOTSUPP");
	CHECK(accept(s, NULL, NULL), EOPNOTSUPP, "accept is EOPNOTSUPP");
	CHECK(shutdown(s, SHUT_RDWR), EOPNOTSUPP, "shutdown is EOPNOTSUPP");
	CHECK(ioctl(s, _IOR('L', 200, int), &v), ENOTTY, "an unknown ioctl is ENOTTY");
	CHECK(ioctl(s, FIONREAD, &v), ENOTTY, "FIONREAD (SIOCINQ) is ENOTTY");
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	if (CHECK(ioctl(s, SIOCGIFINDEX, &ifr), 0,
		  "generic socket ioctls still work: SIOCGIFINDEX"))
		result(ifr.ifr_ifindex == 1, "... it gives lo index 1 (got %d)", ifr.ifr_ifindex);
	close(s);
}

/* connect() address checks that need no tunnel. */
static void test_connect_addr(void)
{
	static const socklen_t bad_len[] = { 0, 16, 37, 39, 45, 47, 49, 51, 57, 59, 64 };
	struct px_ids id = { .fd = -1, .tid = 7, .sid = 1, .ptid = 8, .psid = 2 };
	union px_sa a;
	socklen_t len;
	unsigned int i;
	int k, s = px_socket();

	for (i = 0; i < ARRAY_SIZE(bad_len); i++) {
		px_fill(&a, V3IN6, &id, 0, NULL);
		CHECK(connect(s, &a.sa, bad_len[i]), EINVAL,
		      "connect with address length %u is EINVAL", bad_len[i]);
	}
	for (k = V2IN4; k <= V3IN6; k++) {
		len = px_fill(&a, k, &id, 0, NULL);
		a.v2.sa_protocol = PX_PROTO_OE;
		CHECK(connect(s, &a.sa, len), EINVAL,
		      "%s: sa_protocol PX_PROTO_OE is EINVAL", pxk[k].name);
		id.tid = 0;
		len = px_fill(&a, k, &id, 0, NULL);
		CHECK(connect(s, &a.sa, len), EINVAL,
		      "%s: tunnel id 0 is EINVAL", pxk[k].name);
		id.tid = 7;
		len = px_fill(&a, k, &id, 0, NULL);
		CHECK(connect(s, &a.sa, len), ENOENT,
		      "%s: a session in an unknown tunnel is ENOENT", pxk[k].name);
		id.sid = id.psid = 0;
		len = px_fill(&a, k, &id, 0, NULL);
		CHECK(connect(s, &a.sa, len), EBADF,
		      "%s: a management socket with fd -1 for an unknown tunnel is EBADF",
		      pxk[k].name);
		id.sid = 1;
		id.psid = 2;
	}
	close(s);
}

/* Try a management connect() in a child: a deadlock must not hang us. */
static void connect_in_child(int s, const struct px_ids *id, int want,
			     const char *what)
{
	int status, i;
	pid_t pid;

	pid = fork();
	if (pid == 0) {
		int rc = px_connect(s, V2IN4, id);

		_exit(rc < 0 ? errno : 0);
	}
	for (i = 0; i < 100; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
		msleep(100);
	}
	if (i == 100) {
		result(false, "%s: connect returns (no deadlock)", what);
		kill(pid, SIGKILL);
		return;
	}
	result(WIFEXITED(status) && WEXITSTATUS(status) == want,
	       "%s: connect returns %s", what, strerror(want));
	if (!WIFEXITED(status) || WEXITSTATUS(status) != want)
		diag("child status %#x", status);
}

/* A UDP socket made in a fresh netns, passed back over a socketpair. */
static int foreign_udp_socket(void)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = cbuf, .iov_len = 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c;
	int sp[2], fd = -1;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sp) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		char one = 1;
		struct iovec civ = { .iov_base = &one, .iov_len = 1 };
		struct msghdr cm = { .msg_iov = &civ, .msg_iovlen = 1,
				     .msg_control = cbuf,
				     .msg_controllen = sizeof(cbuf) };

		if (unshare(CLONE_NEWNET) < 0)
			_exit(1);
		fd = socket(AF_INET, SOCK_DGRAM, 0);
		c = CMSG_FIRSTHDR(&cm);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
		_exit(sendmsg(sp[1], &cm, 0) < 0);
	}
	if (recvmsg(sp[0], &m, 0) > 0) {
		c = CMSG_FIRSTHDR(&m);
		if (c && c->cmsg_type == SCM_RIGHTS)
			memcpy(&fd, CMSG_DATA(c), sizeof(int));
	}
	waitpid(pid, NULL, 0);
	close(sp[0]);
	close(sp[1]);
	return fd;
}

/* The fd handed to a management socket must be a usable UDP socket. */
static void test_tunnel_fds(void)
{
	struct px_ids id = { .tid = 1500, .ptid = 1600 };
	struct udp_pair u, used;
	int s = px_socket(), fd;

	id.fd = s;
	connect_in_child(s, &id, EPROTONOSUPPORT,
			 "the pppox socket's own fd as the tunnel fd");
	fd = px_socket();
	id.fd = fd;
	CHECK(px_connect(s, V2IN4, &id), EPROTONOSUPPORT,
	      "another pppox socket as the tunnel fd is EPROTONOSUPPORT");
	close(fd);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	id.fd = fd;
	CHECK(px_connect(s, V2IN4, &id), EPROTONOSUPPORT,
	      "a TCP socket as the tunnel fd is EPROTONOSUPPORT");
	close(fd);
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	id.fd = fd;
	CHECK(px_connect(s, V2IN4, &id), EPROTONOSUPPORT,
	      "an AF_UNIX datagram socket as the tunnel fd is EPROTONOSUPPORT");
	close(fd);
	fd = l2tpip_socket(0, 1501, 1601);
	id.fd = fd;
	CHECK(px_connect(s, V3IN4, &id), EPROTONOSUPPORT,
	      "an L2TPIP socket as a v3 management socket's fd is EPROTONOSUPPORT (UDP only)");
	close(fd);
	fd = open("/dev/null", O_RDONLY);
	id.fd = fd;
	CHECK(px_connect(s, V2IN4, &id), ENOTSOCK,
	      "a file that is no socket as the tunnel fd is ENOTSOCK");
	close(fd);
	id.fd = 999;
	CHECK(px_connect(s, V2IN4, &id), EBADF, "a closed fd as the tunnel fd is EBADF");
	fd = foreign_udp_socket();
	if (fd >= 0) {
		id.fd = fd;
		CHECK(px_connect(s, V2IN4, &id), EINVAL,
		      "a UDP socket of another netns as the tunnel fd is EINVAL");
		close(fd);
	} else {
		result(false, "a UDP socket made in another netns");
	}
	udp_pair(0, &used);
	CHECK(tunnel_create(2, L2TP_ENCAPTYPE_UDP, 1502, 1602, used.tun), 0,
	      "netlink makes a tunnel on a UDP socket");
	id.fd = used.tun;
	CHECK(px_connect(s, V2IN4, &id), EBUSY,
	      "that UDP socket as another tunnel's fd is EBUSY");
	result(tunnel_get(id.tid, NULL) == -ENODEV,
	       "none of the failed connects left tunnel %u behind", id.tid);

	udp_pair(0, &u);
	id.fd = u.tun;
	CHECK(px_connect(s, V2IN4, &id), 0,
	      "after the failures the socket connects with a good UDP socket");
	close(s);
	close(u.tun);
	close(u.peer);
	result(tunnel_gone(id.tid) == -ENODEV, "closing the UDP socket deletes tunnel %u", id.tid);
	close(used.tun);
	close(used.peer);
	result(tunnel_gone(1502) == -ENODEV, "closing the UDP socket deletes tunnel 1502");
}

/* SOL_PPPOL2TP options of a session socket, seen through netlink too. */
static void test_session_opts(int s, uint32_t tid, uint32_t sid, const char *tag)
{
	static const struct { int opt; const char *name; int attr; } o[] = {
		{ PPPOL2TP_SO_RECVSEQ, "RECVSEQ", L2TP_ATTR_RECV_SEQ },
		{ PPPOL2TP_SO_SENDSEQ, "SENDSEQ", L2TP_ATTR_SEND_SEQ },
		{ PPPOL2TP_SO_LNSMODE, "LNSMODE", L2TP_ATTR_LNS_MODE },
	};
	struct nl_info in;
	unsigned char raw[8];
	socklen_t len;
	unsigned int i;
	int v;

	for (i = 0; i < ARRAY_SIZE(o); i++) {
		CHECK(set_opt(s, o[i].opt, 1), 0, "%s: set %s 1", tag, o[i].name);
		get_opt(s, o[i].opt, &v);
		result(v == 1, "%s: ... getsockopt gives 1 (got %d)", tag, v);
		result(!session_get(tid, sid, &in) && in.has[o[i].attr] &&
		       in.val[o[i].attr] == 1,
		       "%s: ... netlink SESSION_GET shows it", tag);
		CHECK(set_opt(s, o[i].opt, 2), EINVAL, "%s: %s 2 is EINVAL", tag, o[i].name);
		CHECK(set_opt(s, o[i].opt, -1), EINVAL, "%s: %s -1 is EINVAL", tag, o[i].name);
	}
	CHECK(set_opt(s, PPPOL2TP_SO_REORDERTO, 200), 0, "%s: set REORDERTO 200 ms", tag);
	get_opt(s, PPPOL2TP_SO_REORDERTO, &v);
	result(v == 200, "%s: ... getsockopt gives 200 (got %d)", tag, v);
	result(!session_get(tid, sid, &in) && in.has[L2TP_ATTR_RECV_TIMEOUT] &&
	       in.val[L2TP_ATTR_RECV_TIMEOUT] == 200,
	       "%s: ... netlink shows RECV_TIMEOUT 200", tag);
	CHECK(set_opt(s, PPPOL2TP_SO_DEBUG, 0xff), 0, "%s: set DEBUG 0xff", tag);
	get_opt(s, PPPOL2TP_SO_DEBUG, &v);
	result(v == 0, "%s: ... getsockopt DEBUG gives 0 (got %d)", tag, v);
	CHECK(set_opt(s, 99, 1), ENOPROTOOPT, "%s: setsockopt option 99 is ENOPROTOOPT", tag);
	CHECK(get_opt(s, 99, &v), ENOPROTOOPT, "%s: getsockopt option 99 is ENOPROTOOPT", tag);
	v = 1;
	CHECK(setsockopt(s, SOL_PPPOL2TP, PPPOL2TP_SO_LNSMODE, &v, 3), EINVAL,
	      "%s: setsockopt optlen 3 is EINVAL", tag);
	CHECK(setsockopt(s, SOL_IP, PPPOL2TP_SO_LNSMODE, &v, sizeof(v)), EINVAL,
	      "%s: setsockopt at level SOL_IP is EINVAL", tag);
	len = sizeof(v);
	CHECK(getsockopt(s, SOL_IP, PPPOL2TP_SO_LNSMODE, &v, &len), EINVAL,
	      "%s: getsockopt at level SOL_IP is EINVAL", tag);
	memset(raw, 0xa5, sizeof(raw));
	len = 2;
	CHECK(getsockopt(s, SOL_PPPOL2TP, PPPOL2TP_SO_REORDERTO, raw, &len), 0,
	      "%s: getsockopt with optlen 2 succeeds", tag);
	result(len == 2 && raw[0] == 200 && raw[1] == 0 && raw[2] == 0xa5,
	       "%s: ... 2 bytes of the value written, optlen 2", tag);
	memset(raw, 0xa5, sizeof(raw));
	len = sizeof(raw);
	CHECK(getsockopt(s, SOL_PPPOL2TP, PPPOL2TP_SO_REORDERTO, raw, &len), 0,
	      "%s: getsockopt with optlen 8 succeeds", tag);
	result(len == 4 && raw[4] == 0xa5, "%s: ... optlen becomes 4", tag);
	len = (socklen_t)-1;
	CHECK(getsockopt(s, SOL_PPPOL2TP, PPPOL2TP_SO_REORDERTO, raw, &len), EINVAL,
	      "%s: getsockopt with a negative optlen is EINVAL", tag);
	memset(raw, 0, sizeof(raw));
	CHECK(setsockopt(s, SOL_PPPOL2TP, PPPOL2TP_SO_RECVSEQ, raw, 8), 0,
	      "%s: setsockopt optlen 8 is accepted", tag);

	for (i = 0; i < ARRAY_SIZE(o); i++)
		set_opt(s, o[i].opt, 0);
	set_opt(s, PPPOL2TP_SO_REORDERTO, 0);
	result(!session_get(tid, sid, &in) && !in.val[L2TP_ATTR_RECV_SEQ] &&
	       !in.val[L2TP_ATTR_SEND_SEQ] && !in.val[L2TP_ATTR_LNS_MODE] &&
	       !in.has[L2TP_ATTR_RECV_TIMEOUT],
	       "%s: all back to 0, netlink agrees (no RECV_TIMEOUT)", tag);
}

/* The tunnel management socket: options and ioctls. */
static void test_mgmt_opts(int m, const char *tag)
{
	static const int bad[] = { PPPOL2TP_SO_RECVSEQ, PPPOL2TP_SO_SENDSEQ,
				   PPPOL2TP_SO_LNSMODE, PPPOL2TP_SO_REORDERTO };
	static const struct { unsigned long cmd; const char *name; } io[] = {
		{ PPPIOCGMRU, "PPPIOCGMRU" }, { PPPIOCGFLAGS, "PPPIOCGFLAGS" },
		{ PPPIOCSMRU, "PPPIOCSMRU" }, { PPPIOCSFLAGS, "PPPIOCSFLAGS" },
	};
	unsigned int i;
	int v;

	CHECK(set_opt(m, PPPOL2TP_SO_DEBUG, 0xff), 0, "%s: management socket: set DEBUG", tag);
	CHECK(get_opt(m, PPPOL2TP_SO_DEBUG, &v), 0, "%s: management socket: get DEBUG", tag);
	result(v == 0, "%s: ... DEBUG reads 0 (got %d)", tag, v);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		CHECK(set_opt(m, bad[i], 0), ENOPROTOOPT,
		      "%s: management socket: setsockopt %d is ENOPROTOOPT", tag, bad[i]);
		CHECK(get_opt(m, bad[i], &v), ENOPROTOOPT,
		      "%s: management socket: getsockopt %d is ENOPROTOOPT", tag, bad[i]);
	}
	for (i = 0; i < ARRAY_SIZE(io); i++) {
		v = 1500;
		CHECK(ioctl(m, io[i].cmd, &v), ENOSYS,
		      "%s: management socket: %s is ENOSYS", tag, io[i].name);
	}
}

/* /proc/net/pppol2tp: the lines of tunnel @tid's block. */
struct proc_block {
	char *text;
	char *lines[32];
	int n;
	bool header_ok;
};

static const char proc_header[] =
	"PPPoL2TP driver info, V2.0\n"
	"TUNNEL name, user-data-ok session-count\n"
	" debug tx-pkts/bytes/errs rx-pkts/bytes/errs\n"
	"  SESSION name, addr/port src-tid/sid dest-tid/sid state user-data-ok\n"
	"   mtu/mru/rcvseq/sendseq/lns debug reorderto\n"
	"   nr/ns tx-pkts/bytes/errs rx-pkts/bytes/errs\n";

static bool proc_find(struct proc_block *pb, uint32_t tid)
{
	char key[64], *p, *end, *save;

	memset(pb, 0, sizeof(*pb));
	pb->text = slurp("/proc/net/pppol2tp");
	if (!pb->text)
		return false;
	pb->header_ok = !strncmp(pb->text, proc_header, strlen(proc_header));
	snprintf(key, sizeof(key), "\nTUNNEL 'tunl %u', ", tid);
	p = strstr(pb->text, key);
	if (!p)
		return false;
	p++;
	end = strstr(p, "\n\nTUNNEL ");
	if (end)
		end[1] = 0;
	for (p = strtok_r(p, "\n", &save); p && pb->n < 32;
	     p = strtok_r(NULL, "\n", &save))
		pb->lines[pb->n++] = p;
	return true;
}

/* Index of the line of session @sid in the block, or -1. */
static int proc_session(const struct proc_block *pb, uint32_t tid, uint32_t sid)
{
	char key[64];
	int i;

	snprintf(key, sizeof(key), "  SESSION 'sess %u/%u' ", tid, sid);
	for (i = 0; i < pb->n; i++)
		if (!strncmp(pb->lines[i], key, strlen(key)))
			return i;
	return -1;
}

static bool proc_line(const struct proc_block *pb, int i, const char *want)
{
	if (i >= 0 && i < pb->n && !strcmp(pb->lines[i], want))
		return true;
	diag("line %d: \"%s\"", i, i >= 0 && i < pb->n ? pb->lines[i] : "(none)");
	diag("want   : \"%s\"", want);
	return false;
}

struct proc_sess {
	uint32_t sid, ptid, psid;
	int state;		/* PPPOX state bits of the socket; -1: none */
	bool recv_seq, send_seq, lns;
	unsigned int reorder_ms, nr, ns;
	const struct nl_info *in;	/* the session's counters */
};

/* The three or four lines of session @ps, as upstream prints them. */
static void check_proc_session(const struct proc_block *pb, uint32_t tid,
			       const union inet_sa *local,
			       const struct proc_sess *ps, const char *tag)
{
	const uint64_t *st = ps->in->st;
	char want[256], ipfield[16];
	int i = proc_session(pb, tid, ps->sid);

	if (!result(i >= 0, "%s: /proc/net/pppol2tp lists session %u/%u", tag, tid, ps->sid))
		return;
	if (local->sa.sa_family == AF_INET) {
		snprintf(ipfield, sizeof(ipfield), "%08X",
			 ntohl(local->v4.sin_addr.s_addr));
	} else {
		/* An IPv6 socket's inet_saddr is no address of ours: the
		 * field is taken as printed, after the closing quote.
		 */
		const char *q = strchr(pb->lines[i] + strlen("  SESSION '"), '\'');

		snprintf(ipfield, sizeof(ipfield), "%.8s", q ? q + 2 : "");
	}
	snprintf(want, sizeof(want), "  SESSION 'sess %u/%u' %s/%u %04X/%04X -> %04X/%04X %d %c",
		 tid, ps->sid, ipfield, port_of(local), tid, ps->sid, ps->ptid, ps->psid,
		 ps->state < 0 ? 0 : ps->state, ps->state < 0 ? 'N' : 'Y');
	result(proc_line(pb, i, want), "%s: ... its address, ids, socket state line", tag);
	snprintf(want, sizeof(want), "   0/0/%c/%c/%s %08x %u", ps->recv_seq ? 'R' : '-',
		 ps->send_seq ? 'S' : '-', ps->lns ? "LNS" : "LAC", 0, ps->reorder_ms);
	result(proc_line(pb, i + 1, want), "%s: ... its options line", tag);
	snprintf(want, sizeof(want), "   %u/%u %llu/%llu/%llu %llu/%llu/%llu", ps->nr, ps->ns,
		 (unsigned long long)st[L2TP_ATTR_TX_PACKETS],
		 (unsigned long long)st[L2TP_ATTR_TX_BYTES],
		 (unsigned long long)st[L2TP_ATTR_TX_ERRORS],
		 (unsigned long long)st[L2TP_ATTR_RX_PACKETS],
		 (unsigned long long)st[L2TP_ATTR_RX_BYTES],
		 (unsigned long long)st[L2TP_ATTR_RX_ERRORS]);
	result(proc_line(pb, i + 2, want), "%s: ... its nr/ns and counters line", tag);
	if (ps->state < 0)
		result(i + 3 >= pb->n || strncmp(pb->lines[i + 3], "   interface ", 13),
		       "%s: ... no interface line without a socket", tag);
	else
		result(proc_line(pb, i + 3, "   interface (null)"),
		       "%s: ... interface line of a channel with no ppp unit", tag);
}

static void check_proc_tunnel(const struct proc_block *pb, uint32_t tid, const char *tag)
{
	struct nl_info in;
	char want[256];
	int refs;

	result(pb->header_ok, "%s: /proc/net/pppol2tp starts with the upstream header", tag);
	result(sscanf(pb->lines[0], "TUNNEL 'tunl %*u', Y %d", &refs) == 1,
	       "%s: ... TUNNEL 'tunl %u', Y <count> (got \"%s\")", tag, tid, pb->lines[0]);
	tunnel_get(tid, &in);
	snprintf(want, sizeof(want), " %08x %llu/%llu/%llu %llu/%llu/%llu", 0,
		 (unsigned long long)in.st[L2TP_ATTR_TX_PACKETS],
		 (unsigned long long)in.st[L2TP_ATTR_TX_BYTES],
		 (unsigned long long)in.st[L2TP_ATTR_TX_ERRORS],
		 (unsigned long long)in.st[L2TP_ATTR_RX_PACKETS],
		 (unsigned long long)in.st[L2TP_ATTR_RX_BYTES],
		 (unsigned long long)in.st[L2TP_ATTR_RX_ERRORS]);
	result(proc_line(pb, 1, want), "%s: ... the tunnel counters line matches netlink", tag);
}

/*
 * What the options do to received L2TPv2 frames: a LAC starts and stops
 * sending sequence numbers as the peer does; RECVSEQ drops frames
 * without them; an LNS that sends them drops frames without them.
 */
static void test_seq_rx(int s, int peer, const struct wire *w, uint32_t tid,
			uint32_t sid, const char *tag)
{
	unsigned char pkt[256], buf[256];
	struct pppol2tp_ioc_stats st;
	ssize_t got;
	size_t n;
	int i, v;

	n = l2tp_frame(pkt, w, tid, sid, true, 0, true, "seq-zero", 8);
	send(peer, pkt, n, 0);
	got = recv_wait(s, buf, sizeof(buf), 2000);
	result(got == 8 && !memcmp(buf, "seq-zero", 8), "%s: a frame with Ns 0 is received", tag);
	get_opt(s, PPPOL2TP_SO_SENDSEQ, &v);
	result(v == 1, "%s: ... and the LAC now sends sequence numbers: SENDSEQ reads 1", tag);
	n = l2tp_frame(pkt, w, tid, sid, false, 0, true, "no-seq-1", 8);
	send(peer, pkt, n, 0);
	got = recv_wait(s, buf, sizeof(buf), 2000);
	result(got == 8 && !memcmp(buf, "no-seq-1", 8), "%s: a frame without is received", tag);
	get_opt(s, PPPOL2TP_SO_SENDSEQ, &v);
	result(v == 0, "%s: ... and the LAC stops: SENDSEQ reads 0", tag);

	set_opt(s, PPPOL2TP_SO_RECVSEQ, 1);
	n = l2tp_frame(pkt, w, tid, sid, false, 0, true, "dropped1", 8);
	send(peer, pkt, n, 0);
	n = l2tp_frame(pkt, w, tid, sid, true, 1, true, "seq-one!", 8);
	send(peer, pkt, n, 0);
	got = recv_wait(s, buf, sizeof(buf), 2000);
	result(got == 8 && !memcmp(buf, "seq-one!", 8),
	       "%s: RECVSEQ 1: a frame without Ns is dropped, the next with Ns 1 received", tag);
	set_opt(s, PPPOL2TP_SO_RECVSEQ, 0);

	set_opt(s, PPPOL2TP_SO_LNSMODE, 1);
	set_opt(s, PPPOL2TP_SO_SENDSEQ, 1);
	n = l2tp_frame(pkt, w, tid, sid, false, 0, true, "dropped2", 8);
	send(peer, pkt, n, 0);
	/* Let the frame meet the LNS before it stops sending Ns. */
	for (i = 0; i < 50; i++) {
		get_stats(s, 0, &st);
		if (st.rx_seq_discards >= 2)
			break;
		msleep(100);
	}
	set_opt(s, PPPOL2TP_SO_SENDSEQ, 0);
	n = l2tp_frame(pkt, w, tid, sid, false, 0, true, "no-seq-2", 8);
	send(peer, pkt, n, 0);
	got = recv_wait(s, buf, sizeof(buf), 2000);
	result(got == 8 && !memcmp(buf, "no-seq-2", 8),
	       "%s: an LNS sending Ns drops a frame without; once it stops, it takes them", tag);
	set_opt(s, PPPOL2TP_SO_LNSMODE, 0);
	get_stats(s, 0, &st);
	result(st.rx_seq_discards == 2 && !st.rx_oos_packets,
	       "%s: ... rx_seq_discards 2 (got %llu), rx_oos_packets 0", tag,
	       (unsigned long long)st.rx_seq_discards);
}

/*
 * The debugfs listing (l2tp_debugfs) of an L2TPv2 tunnel with a
 * management socket: the PPP session with its interface line, and not
 * the internal session 0.
 */
static void check_debugfs(uint32_t tid, uint32_t ptid, uint32_t sid, uint32_t psid,
			  const char *tag)
{
	char *text = slurp("/sys/kernel/debug/l2tp/tunnels"), key[64], *blk, *end, *sess;

	if (!text) {
		skip("no l2tp debugfs", "debugfs lists the session");
		return;
	}
	snprintf(key, sizeof(key), "\nTUNNEL %u peer %u", tid, ptid);
	blk = strstr(text, key);
	if (result(blk, "%s: debugfs lists tunnel %u", tag, tid)) {
		end = strstr(blk + 1, "\nTUNNEL ");
		if (end)
			*end = 0;
		result(strstr(blk, "\n 1 sessions, refcnt "),
		       "%s: ... counting 1 session (session 0 is not counted)", tag);
		snprintf(key, sizeof(key), "\n  SESSION %u, peer %u, PPP\n", sid, psid);
		sess = strstr(blk, key);
		result(sess, "%s: ... with PPP session %u", tag, sid);
		if (sess) {
			end = strstr(sess + 1, "\n  SESSION ");
			if (end)
				*end = 0;
			result(strstr(sess, "\n   interface (null)\n"),
			       "%s: ... and its interface line", tag);
		}
		result(!strstr(blk, "\n  SESSION 0, peer 0, PPP\n"),
		       "%s: ... but not the internal session 0", tag);
	}
	free(text);
}

/*
 * The PPP channel: a frame queued on the socket before PPPIOCGCHAN is
 * handed to the channel; /dev/ppp attached to the channel reads what
 * arrives and writes through the session.
 */
static void test_channel(int s, int peer, const struct wire *w, uint32_t tid,
			 uint32_t sid, uint32_t ptid, uint32_t psid,
			 uint32_t ns, const char *tag)
{
	static const unsigned char lcp1[] = { 0xc0, 0x21, 0x01, 0x01, 0x00, 0x04 };
	static const unsigned char lcp2[] = { 0xc0, 0x21, 0x09, 0x02, 0x00, 0x08,
					      0xde, 0xad, 0xbe, 0xef };
	static const unsigned char lcp3[] = { 0xc0, 0x21, 0x0a, 0x02, 0x00, 0x08,
					      0x12, 0x34, 0x56, 0x78 };
	unsigned char pkt[256], want[256], buf[256];
	struct pppol2tp_ioc_stats st0, st1;
	int idx = -2, idx2 = -2, ch;
	size_t n;
	ssize_t got;

	n = l2tp_frame(pkt, w, tid, sid, false, 0, true, lcp1, sizeof(lcp1));
	send(peer, pkt, n, 0);
	result(wait_readable(s, 2000), "%s: a frame waits on the socket", tag);
	if (!CHECK(ioctl(s, PPPIOCGCHAN, &idx), 0, "%s: PPPIOCGCHAN", tag))
		return;
	result(idx >= 0, "%s: ... gives a channel index (%d)", tag, idx);
	ioctl(s, PPPIOCGCHAN, &idx2);
	result(idx2 == idx, "%s: ... the same index again", tag);
	CHECK(recv(s, buf, sizeof(buf), MSG_DONTWAIT), EIO,
	      "%s: once bound, recv is EIO", tag);
	ch = open("/dev/ppp", O_RDWR);
	if (!check_errno(ch, errno, 0, "%s: open /dev/ppp", tag))
		return;
	CHECK(ioctl(ch, PPPIOCATTCHAN, &idx), 0, "%s: PPPIOCATTCHAN to channel %d", tag, idx);
	got = read_wait(ch, buf, sizeof(buf), 2000);
	result(got > 0 && same_bytes(buf, got, lcp1, sizeof(lcp1)),
	       "%s: the frame queued before PPPIOCGCHAN is read from /dev/ppp without FF 03", tag);
	n = l2tp_frame(pkt, w, tid, sid, false, 0, true, lcp2, sizeof(lcp2));
	send(peer, pkt, n, 0);
	got = read_wait(ch, buf, sizeof(buf), 2000);
	result(got > 0 && same_bytes(buf, got, lcp2, sizeof(lcp2)),
	       "%s: a frame received now is read from /dev/ppp", tag);

	get_stats(s, 0, &st0);
	CHECK(write(ch, lcp3, sizeof(lcp3)), 0, "%s: write to the channel", tag);
	got = capture(peer, w, psid, buf, sizeof(buf));
	n = l2tp_frame(want, w, ptid, psid, false, ns, true, lcp3, sizeof(lcp3));
	result(got > 0 && same_bytes(buf, got, want, n),
	       "%s: ... goes out as an L2TP frame with FF 03", tag);
	get_stats(s, 0, &st1);
	result(st1.tx_packets == st0.tx_packets + 1 &&
	       st1.tx_bytes == st0.tx_bytes + n,
	       "%s: ... counted: tx_packets +1, tx_bytes +%zu", tag, n);
	close(ch);
}

/*
 * Wait until the session under socket @s is gone (@why), then check what
 * the socket answers.  Upstream leaves it connected to nothing: EBADF.
 * Ours hangs it up (documented beyond upstream): the PPP channel is
 * unregistered, the socket is no longer connected and reads end of file.
 */
static void check_orphan(int s, const char *why, const char *tag)
{
	struct pollfd p = { .fd = s, .events = POLLIN };
	struct timeval tv = { .tv_sec = 2 };
	struct pppol2tp_ioc_stats st;
	socklen_t len;
	union px_sa a;
	int i, rc = 0, err = 0;
	char buf[16];

	for (i = 0; i < 50; i++) {
		rc = send(s, "x", 1, 0);
		err = errno;
		if (rc < 0)
			break;
		msleep(100);
	}
	len = sizeof(a);
	if (!ours) {
		check_errno(rc, err, EBADF, "%s: after %s, send on the socket is EBADF", tag, why);
		CHECK(getsockname(s, &a.sa, &len), EBADF, "%s: ... getsockname is EBADF", tag);
	}
	if (ours_only("the orphaned socket is hung up")) {
		check_errno(rc, err, ENOTCONN,
			    "%s: after %s, the socket is hung up: send is ENOTCONN", tag, why);
		/* The hangup comes from a work item: poll waits for it. */
		result(poll(&p, 1, 5000) == 1 && (p.revents & POLLHUP),
		       "%s: ... poll gives POLLHUP", tag);
		CHECK(getsockname(s, &a.sa, &len), ENOTCONN,
		      "%s: ... getsockname is ENOTCONN", tag);
		/* Blocking (bounded): a non-blocking read would be EAGAIN. */
		setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		result(recv(s, buf, sizeof(buf), 0) == 0, "%s: ... recv gives end of file", tag);
	}
	CHECK(set_opt(s, PPPOL2TP_SO_SENDSEQ, 1), ENOTCONN, "%s: ... setsockopt is ENOTCONN", tag);
	CHECK(get_stats(s, 0, &st), ENOTCONN, "%s: ... PPPIOCGL2TPSTATS is ENOTCONN", tag);
}

/*
 * Upstream hands a UDP datagram with fewer than 14 bytes of L2TP to the
 * tunnel's socket, as if it were no data frame, counters unchanged. Ours
 * parses the header as it is and delivers a complete short data frame to
 * its session (documented in Documentation/l2tp.rst).
 */
static void test_short_frame(int s, const struct udp_pair *u, const struct wire *w,
			     uint32_t tid, uint32_t sid, const char *tag)
{
	unsigned char pkt[64], buf[64];
	struct pppol2tp_ioc_stats st0, st1;
	ssize_t to_udp, to_sess;
	size_t n;

	get_stats(s, 0, &st0);
	n = l2tp_frame(pkt, w, tid, sid, false, 0, true, "ab", 2);
	send(u->peer, pkt, n, 0);
	if (ours) {
		to_sess = recv_wait(s, buf, sizeof(buf), 1000);
		to_udp = recv_wait(u->tun, buf + 32, 32, to_sess < 0 ? 1000 : 0);
		get_stats(s, 0, &st1);
		result(to_sess == 2 && !memcmp(buf, "ab", 2) && to_udp < 0 &&
		       st1.rx_packets == st0.rx_packets + 1,
		       "%s: a %zu-byte data frame reaches its session", tag, n);
		return;
	}
	to_udp = recv_wait(u->tun, buf, sizeof(buf), 1000);
	/* Keep the session's queue clean whatever happened. */
	to_sess = recv_wait(s, buf + 32, 32, to_udp < 0 ? 1000 : 0);
	get_stats(s, 0, &st1);
	result(to_udp == (ssize_t)n && !memcmp(buf, pkt, n) && to_sess < 0 &&
	       st1.rx_packets == st0.rx_packets,
	       "%s: a %zu-byte data frame (under 14) goes to the tunnel's UDP socket as it is",
	       tag, n);
	if (to_sess >= 0)
		diag("the session socket received it (%zd bytes)", to_sess);
}

/*
 * A tunnel made by a management socket from a UDP socket, a session
 * socket in it, and everything such a pair can do, for format @k.
 */
static void test_udp(enum px_kind k)
{
	const int ver = pxk[k].version, fi = pxk[k].fi;
	const struct wire w = { .version = ver, .udp = true };
	const uint32_t base = ver == 2 ? 1000 : 0x10000;
	const uint32_t tid = base + k, ptid = base + 100 + k;
	const uint32_t sid = base + 200 + k, psid = base + 300 + k;
	/* The session connects with the other family's format: the tunnel
	 * socket's family decides what getsockname gives back. */
	const enum px_kind other = kind_of(ver, !fi);
	struct px_ids mid = { .tid = tid, .ptid = ptid };
	struct px_ids sidv = { .fd = -1, .tid = tid, .sid = sid, .ptid = ptid, .psid = psid };
	struct pppol2tp_ioc_stats st, mst;
	unsigned char pkt[256], want[256], buf[256];
	struct nl_info tin, sin;
	struct udp_pair u;
	struct msghdr mh;
	struct iovec iov;
	size_t n, tx_bytes, rx_bytes = 0;
	ssize_t got;
	const char *tag = pxk[k].name;
	char tagbuf[64];
	int m, m2, s, s2, v;

	udp_pair(fi, &u);
	mid.fd = u.tun;
	m = px_socket();
	if (!CHECK(px_connect(m, k, &mid), 0,
		   "%s: a management socket (0/0) makes tunnel %u from the UDP socket", tag, tid)) {
		close(m);
		close(u.tun);
		close(u.peer);
		return;
	}
	result(!tunnel_get(tid, &tin) && tin.val[L2TP_ATTR_PROTO_VERSION] == (unsigned)ver &&
	       tin.val[L2TP_ATTR_ENCAP_TYPE] == L2TP_ENCAPTYPE_UDP &&
	       tin.val[L2TP_ATTR_PEER_CONN_ID] == ptid,
	       "%s: ... netlink: version %d, UDP, peer tunnel %u", tag, ver, ptid);
	CHECK(px_connect(m, k, &mid), EBUSY, "%s: connecting it again is EBUSY", tag);
	m2 = px_socket();
	CHECK(px_connect(m2, k, &mid), EEXIST,
	      "%s: a second management socket for the tunnel is EEXIST", tag);
	close(m2);
	result(!session_get(tid, 0, &sin) && sin.val[L2TP_ATTR_PW_TYPE] == L2TP_PWTYPE_PPP &&
	       sin.val[L2TP_ATTR_PEER_SESSION_ID] == 0,
	       "%s: ... netlink SESSION_GET finds its PPP session 0", tag);
	check_name(m, false, k, &mid, &u.peer_at, tag);
	check_name(m, true, k, &mid, &u.peer_at, tag);
	test_mgmt_opts(m, tag);

	s = px_socket();
	if (!CHECK(px_connect(s, other, &sidv), 0,
		   "%s: a session socket %u -> %u connects (with the %s format, fd -1)",
		   tag, sid, psid, pxk[other].name))
		goto out;
	result(!session_get(tid, sid, &sin) && sin.val[L2TP_ATTR_PW_TYPE] == L2TP_PWTYPE_PPP &&
	       sin.val[L2TP_ATTR_PEER_SESSION_ID] == psid,
	       "%s: ... netlink: a PPP session with peer session %u", tag, psid);
	sidv.fd = u.tun;
	check_name(s, false, k, &sidv, &u.peer_at, tag);
	check_name(s, true, k, &sidv, &u.peer_at, tag);
	CHECK(px_connect(s, k, &sidv), EBUSY,
	      "%s: connecting the session socket again is EBUSY", tag);
	s2 = px_socket();
	CHECK(px_connect(s2, k, &sidv), EEXIST,
	      "%s: a second socket for the session is EEXIST", tag);
	close(s2);

	/* Data, both ways. */
	CHECK(send(s, "hello", 5, 0), 0, "%s: send 5 bytes on the session socket", tag);
	got = capture(u.peer, &w, psid, buf, sizeof(buf));
	n = l2tp_frame(want, &w, ptid, psid, false, 0, true, "hello", 5);
	tx_bytes = n;
	result(got > 0 && same_bytes(buf, got, want, n),
	       "%s: ... the peer gets an L2TPv%d data frame: header, FF 03, payload", tag, ver);
	n = l2tp_frame(pkt, &w, tid, sid, false, 0, true, "world!", 6);
	rx_bytes += n;
	send(u.peer, pkt, n, 0);
	got = recv_wait(s, buf, sizeof(buf), 2000);
	result(got == 6 && !memcmp(buf, "world!", 6),
	       "%s: a frame from the peer is received without FF 03", tag);
	n = l2tp_frame(pkt, &w, tid, sid, false, 0, false, "\xc0\x21no-ff03", 9);
	rx_bytes += n;
	send(u.peer, pkt, n, 0);
	got = recv_wait(s, buf, sizeof(buf), 2000);
	result(got == 9 && !memcmp(buf, "\xc0\x21no-ff03", 9),
	       "%s: a frame without FF 03 is received as it is", tag);
	n = l2tp_frame(pkt, &w, tid, sid, false, 0, true, "0123456789", 10);
	rx_bytes += n;
	send(u.peer, pkt, n, 0);
	memset(&mh, 0, sizeof(mh));
	iov.iov_base = buf;
	iov.iov_len = 4;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	wait_readable(s, 2000);
	got = recvmsg(s, &mh, MSG_DONTWAIT);
	result(got == 4 && !memcmp(buf, "0123", 4) && (mh.msg_flags & MSG_TRUNC),
	       "%s: recvmsg into 4 bytes gives 4 and MSG_TRUNC", tag);

	/* Counters. */
	if (CHECK(get_stats(s, 0, &st), 0, "%s: PPPIOCGL2TPSTATS on the session socket", tag)) {
		result(st.tunnel_id == (uint16_t)tid && st.session_id == (uint16_t)sid &&
		       !st.using_ipsec,
		       "%s: ... tunnel_id %u, session_id %u (16 bits), using_ipsec 0 "
		       "(got %u/%u/%u)",
		       tag, (uint16_t)tid, (uint16_t)sid, st.tunnel_id, st.session_id,
		       st.using_ipsec);
		result(st.tx_packets == 1 && st.tx_bytes == tx_bytes && !st.tx_errors &&
		       st.rx_packets == 3 && st.rx_bytes == rx_bytes && !st.rx_errors &&
		       !st.rx_seq_discards && !st.rx_oos_packets,
		       "%s: ... tx 1/%zu rx 3/%zu: bytes count the L2TP header", tag,
		       tx_bytes, rx_bytes);
		result(!session_get(tid, sid, &sin) && stats_match(&st, &sin),
		       "%s: ... the same as netlink's session counters", tag);
	}
	CHECK(ioctl(s, PPPIOCGL2TPSTATS, NULL), EFAULT,
	      "%s: PPPIOCGL2TPSTATS to NULL is EFAULT", tag);
	if (sid > 0xffff) {
		CHECK(get_stats(m, sid, &mst), EBADR,
		      "%s: PPPIOCGL2TPSTATS on the management socket cannot select "
		      "session %#x (16-bit session_id): EBADR",
		      tag, sid);
	} else if (CHECK(get_stats(m, sid, &mst), 0,
			 "%s: PPPIOCGL2TPSTATS on the management socket, session_id %u",
			 tag, sid)) {
		result(mst.tunnel_id == (uint16_t)tid && mst.session_id == (uint16_t)sid &&
		       !memcmp(&mst.tx_packets, &st.tx_packets, 8 * 8),
		       "%s: ... gives that session's counters", tag);
	}
	if (CHECK(get_stats(m, 0, &mst), 0,
		  "%s: PPPIOCGL2TPSTATS on the management socket, session_id 0", tag)) {
		tunnel_get(tid, &tin);
		result(mst.tunnel_id == (uint16_t)tid && mst.session_id == 0 &&
		       stats_match(&mst, &tin),
		       "%s: ... gives the tunnel's counters, as netlink", tag);
	}
	CHECK(get_stats(m, (uint16_t)(sid + 1), &mst), EBADR,
	      "%s: ... an unknown session_id is EBADR", tag);
	test_short_frame(s, &u, &w, tid, sid, tag);
	v = 1234;
	CHECK(ioctl(s, PPPIOCGMRU, &v), 0, "%s: PPPIOCGMRU on the session", tag);
	result(v == 0, "%s: ... gives 0 (got %d)", tag, v);
	v = 1234;
	CHECK(ioctl(s, PPPIOCGFLAGS, &v), 0, "%s: PPPIOCGFLAGS on the session", tag);
	result(v == 0, "%s: ... gives 0 (got %d)", tag, v);
	v = 1400;
	CHECK(ioctl(s, PPPIOCSMRU, &v), 0, "%s: PPPIOCSMRU on the session is accepted", tag);
	CHECK(ioctl(s, PPPIOCSFLAGS, &v), 0, "%s: PPPIOCSFLAGS on the session is accepted", tag);
	v = 1234;
	ioctl(s, PPPIOCGMRU, &v);
	result(v == 0, "%s: ... PPPIOCGMRU still gives 0", tag);

	snprintf(tagbuf, sizeof(tagbuf), "%s session", tag);
	test_session_opts(s, tid, sid, tagbuf);

	/* Sequence numbers: v2 has them in the header; a v3 session made by
	 * connect() has no L2-specific sublayer to carry them. */
	set_opt(s, PPPOL2TP_SO_SENDSEQ, 1);
	send(s, "s0", 2, 0);
	send(s, "s1", 2, 0);
	got = capture(u.peer, &w, psid, buf, sizeof(buf));
	n = l2tp_frame(want, &w, ptid, psid, ver == 2, 0, true, "s0", 2);
	result(got > 0 && same_bytes(buf, got, want, n),
	       "%s: SENDSEQ 1: the frame %s", tag, ver == 2 ? "has the S bit and Ns 0" :
	       "is unchanged (no sublayer)");
	got = capture(u.peer, &w, psid, buf, sizeof(buf));
	n = l2tp_frame(want, &w, ptid, psid, ver == 2, 1, true, "s1", 2);
	result(got > 0 && same_bytes(buf, got, want, n),
	       "%s: ... the next one %s", tag, ver == 2 ? "has Ns 1" : "too");
	set_opt(s, PPPOL2TP_SO_SENDSEQ, 0);

	if (ver == 2)
		test_seq_rx(s, u.peer, &w, tid, sid, tag);
	test_channel(s, u.peer, &w, tid, sid, ptid, psid, 0, tag);

	if (ver == 2) {
		struct proc_block pb;
		struct proc_sess ps = { .sid = sid, .ptid = ptid, .psid = psid,
					.state = ST_CONNECTED | ST_BOUND,
					.recv_seq = true, .lns = true,
					.reorder_ms = 200, .nr = 2, .ns = 2,
					.in = &sin };

		set_opt(s, PPPOL2TP_SO_RECVSEQ, 1);
		set_opt(s, PPPOL2TP_SO_LNSMODE, 1);
		set_opt(s, PPPOL2TP_SO_REORDERTO, 200);
		session_get(tid, sid, &sin);
		if (result(proc_find(&pb, tid),
			   "%s: /proc/net/pppol2tp lists tunnel %u", tag, tid)) {
			check_proc_tunnel(&pb, tid, tag);
			result(proc_session(&pb, tid, 0) < 0,
			       "%s: ... but not the internal session 0", tag);
			check_proc_session(&pb, tid, &u.tun_at, &ps, tag);
		}
		free(pb.text);
		check_debugfs(tid, ptid, sid, psid, tag);
	} else {
		char *text = slurp("/proc/net/pppol2tp"), key[32];

		snprintf(key, sizeof(key), "TUNNEL 'tunl %u'", tid);
		result(text && !strstr(text, key),
		       "%s: /proc/net/pppol2tp does not list the v3 tunnel", tag);
		free(text);
	}

	if (k == V2IN4) {
		v = -2;
		CHECK(ioctl(m, PPPIOCGCHAN, &v), 0,
		      "%s: PPPIOCGCHAN on the management socket", tag);
		result(v == -1, "%s: ... gives index -1: no channel (got %d)", tag, v);
	}

	if (!fi) {
		/* Close the sockets first, then the tunnel's. */
		close(s);
		result(session_gone(tid, sid) == -ENODEV,
		       "%s: closing the session socket deletes the session", tag);
		close(m);
		result(session_gone(tid, 0) == -ENODEV,
		       "%s: closing the management socket deletes session 0", tag);
		CHECK(tunnel_get(tid, NULL), 0, "%s: ... but not the tunnel", tag);
		close(u.tun);
		result(tunnel_gone(tid) == -ENODEV,
		       "%s: closing the UDP socket deletes the tunnel", tag);
	} else {
		close(u.tun);
		result(tunnel_gone(tid) == -ENODEV,
		       "%s: closing the UDP socket first deletes the tunnel", tag);
		result(session_gone(tid, sid) == -ENODEV, "%s: ... and its session", tag);
		check_orphan(s, "closing the tunnel's UDP socket", tag);
		close(s);
		close(m);
	}
	close(u.peer);
	return;
out:
	close(s);
	close(m);
	close(u.tun);
	close(u.peer);
}

/* A session socket in an L2TPv3 tunnel over IP (l2tp_ip, l2tp_ip6). */
static void test_ip(int fi)
{
	const enum px_kind k = kind_of(3, fi);
	const struct wire w = { .version = 3, .ip_hdr = !fi };
	const uint32_t tid = 0x50000 + fi, ptid = 0x60000 + fi;
	const uint32_t sid = 0x70000 + fi, psid = 0x80000 + fi;
	struct px_ids id = { .fd = -1, .tid = tid, .sid = sid, .ptid = ptid, .psid = psid };
	struct pppol2tp_ioc_stats st;
	unsigned char pkt[256], want[256], buf[256];
	union inet_sa to = loopback(fi, 0);
	const char *tag = fi ? "v3/ip6" : "v3/ip";
	size_t txn, rxn;
	ssize_t got;
	int ipfd, raw, s;

	ipfd = l2tpip_socket(fi, tid, ptid);
	if (!CHECK(tunnel_create(3, L2TP_ENCAPTYPE_IP, tid, ptid, ipfd), 0,
		   "%s: netlink makes an IP-encapsulated tunnel on the L2TPIP socket", tag)) {
		close(ipfd);
		return;
	}
	raw = socket(fi ? AF_INET6 : AF_INET, SOCK_RAW, IPPROTO_L2TP);
	s = px_socket();
	if (!CHECK(px_connect(s, k, &id), 0, "%s: a session socket connects (%s format)",
		   tag, pxk[k].name))
		goto out;
	id.fd = ipfd;
	check_name(s, false, k, &id, &to, tag);

	CHECK(send(s, "hello", 5, 0), 0, "%s: send 5 bytes", tag);
	got = capture(raw, &w, psid, buf, sizeof(buf));
	txn = l2tp_frame(want, &w, ptid, psid, false, 0, true, "hello", 5);
	result(got > 0 && same_bytes(buf, got, want, txn),
	       "%s: ... the wire has session id, FF 03, payload (no sublayer)", tag);
	rxn = l2tp_frame(pkt, &w, tid, sid, false, 0, true, "world!", 6);
	sendto(raw, pkt, rxn, 0, &to.sa, inet_len(fi));
	got = recv_wait(s, buf, sizeof(buf), 2000);
	result(got == 6 && !memcmp(buf, "world!", 6),
	       "%s: a frame for the session is received", tag);
	if (CHECK(get_stats(s, 0, &st), 0, "%s: PPPIOCGL2TPSTATS", tag))
		result(st.tx_packets == 1 && st.tx_bytes == txn &&
		       st.rx_packets == 1 && st.rx_bytes == rxn,
		       "%s: ... tx 1/%zu rx 1/%zu (got %llu/%llu %llu/%llu)", tag, txn, rxn,
		       (unsigned long long)st.tx_packets, (unsigned long long)st.tx_bytes,
		       (unsigned long long)st.rx_packets, (unsigned long long)st.rx_bytes);

	close(ipfd);
	result(tunnel_gone(tid) == -ENODEV,
	       "%s: closing the L2TPIP socket deletes the tunnel", tag);
	check_orphan(s, "closing the L2TPIP socket", tag);
	close(s);
	close(raw);
	return;
out:
	close(s);
	close(raw);
	close(ipfd);
	tunnel_gone(tid);
}

/*
 * Sessions made by netlink (pseudowire type PPP) and taken over by a
 * socket; a non-PPP session; netlink deleting what a socket holds.
 */
static void test_netlink(int ver)
{
	const struct wire w = { .version = ver, .udp = true, .l2spec = ver == 3 };
	const uint32_t tid = ver == 2 ? 1700 : 0x90000, ptid = ver == 2 ? 1800 : 0x91000;
	/* Session ids under 0x10000: PPPIOCGL2TPSTATS selects with 16 bits. */
	const uint32_t s1 = ver == 2 ? 11 : 0x3a01, ps1 = ver == 2 ? 21 : 0x3b01;
	const uint32_t s2 = s1 + 1, s3 = s1 + 2, s4 = s1 + 3;
	const enum px_kind k = kind_of(ver, 0);
	struct px_ids id = { .fd = -1, .tid = tid, .sid = s1, .ptid = ptid, .psid = 999 };
	struct px_ids mid = { .fd = -1, .tid = tid, .ptid = ptid };
	struct pppol2tp_ioc_stats st;
	unsigned char want[256], buf[256];
	char tag[32];
	struct nl_info in;
	struct udp_pair u;
	size_t n;
	ssize_t got;
	int s, x, m;

	snprintf(tag, sizeof(tag), "netlink v%d", ver);
	udp_pair(0, &u);
	if (!CHECK(tunnel_create(ver, L2TP_ENCAPTYPE_UDP, tid, ptid, u.tun), 0,
		   "%s: netlink makes tunnel %u on a UDP socket", tag, tid))
		goto out_udp;
	CHECK(session_create(tid, s1, ps1, L2TP_PWTYPE_PPP), 0,
	      "%s: netlink makes PPP session %u -> %u", tag, s1, ps1);
	if (ver == 2) {
		struct proc_block pb;
		struct proc_sess ps = { .sid = s1, .ptid = ptid, .psid = ps1,
					.state = -1, .in = &in };

		session_get(tid, s1, &in);
		if (result(proc_find(&pb, tid), "%s: /proc/net/pppol2tp lists tunnel %u", tag, tid))
			check_proc_session(&pb, tid, &u.tun_at, &ps, tag);
		free(pb.text);
	}
	s = px_socket();
	CHECK(px_connect(s, k, &id), 0,
	      "%s: a socket connects to the session (peer id 999 given)", tag);
	result(!session_get(tid, s1, &in) && in.val[L2TP_ATTR_PEER_SESSION_ID] == ps1,
	       "%s: ... the session keeps its peer session id %u", tag, ps1);
	id.fd = u.tun;
	id.psid = ps1;
	check_name(s, false, k, &id, &u.peer_at, tag);
	x = px_socket();
	CHECK(px_connect(x, k, &id), EEXIST, "%s: a second socket for it is EEXIST", tag);
	close(x);

	CHECK(send(s, "nl", 2, 0), 0, "%s: send on the session socket", tag);
	got = capture(u.peer, &w, ps1, buf, sizeof(buf));
	n = l2tp_frame(want, &w, ptid, ps1, false, 0, true, "nl", 2);
	result(got > 0 && same_bytes(buf, got, want, n), "%s: ... the frame on the wire%s", tag,
	       ver == 3 ? " has the default L2-specific sublayer" : "");
	set_opt(s, PPPOL2TP_SO_SENDSEQ, 1);
	send(s, "nl", 2, 0);
	got = capture(u.peer, &w, ps1, buf, sizeof(buf));
	n = l2tp_frame(want, &w, ptid, ps1, true, 0, true, "nl", 2);
	result(got > 0 && same_bytes(buf, got, want, n),
	       "%s: SENDSEQ 1: the frame carries Ns 0 (%s)", tag,
	       ver == 3 ? "sublayer S bit" : "header S bit");
	set_opt(s, PPPOL2TP_SO_SENDSEQ, 0);

	m = px_socket();
	CHECK(px_connect(m, k, &mid), 0,
	      "%s: a management socket with fd -1 connects to the existing tunnel", tag);
	CHECK(get_stats(m, s1, &st), 0, "%s: ... its PPPIOCGL2TPSTATS selects session %u", tag, s1);
	result(st.tx_packets == 2 && st.session_id == s1, "%s: ... its counters (tx %llu)", tag,
	       (unsigned long long)st.tx_packets);
	CHECK(get_stats(m, 0x7777, &st), EBADR, "%s: ... an unknown session is EBADR", tag);
	if (ver == 3) {
		CHECK(session_create(tid, s2, s2 + 0x100, L2TP_PWTYPE_ETH), 0,
		      "%s: netlink makes an Ethernet session %u", tag, s2);
		x = px_socket();
		id.sid = s2;
		CHECK(px_connect(x, k, &id), EPROTOTYPE,
		      "%s: connecting a socket to the Ethernet session is EPROTOTYPE", tag);
		close(x);
		CHECK(get_stats(m, s2, &st), EBADR,
		      "%s: PPPIOCGL2TPSTATS of the Ethernet session is EBADR", tag);
		CHECK(session_delete(tid, s2), 0, "%s: netlink deletes the Ethernet session", tag);
	} else {
		CHECK(session_create(tid, s2, s2 + 0x100, L2TP_PWTYPE_ETH), EPROTONOSUPPORT,
		      "%s: netlink refuses an Ethernet session in an L2TPv2 tunnel", tag);
	}

	/* Netlink deletes the session under the socket. */
	CHECK(session_delete(tid, s1), 0, "%s: netlink deletes the connected session", tag);
	result(session_gone(tid, s1) == -ENODEV, "%s: ... it is gone", tag);
	check_orphan(s, "netlink SESSION_DELETE", tag);
	close(s);

	/* Closing the socket deletes a netlink-made session. */
	CHECK(session_create(tid, s3, s3 + 0x100, L2TP_PWTYPE_PPP), 0,
	      "%s: netlink makes PPP session %u", tag, s3);
	s = px_socket();
	id.fd = -1;
	id.sid = s3;
	CHECK(px_connect(s, k, &id), 0, "%s: a socket connects to it", tag);
	close(s);
	result(session_gone(tid, s3) == -ENODEV,
	       "%s: closing the socket deletes session %u", tag, s3);

	/* Netlink deletes the tunnel under a session socket. */
	s = px_socket();
	id.sid = s4;
	CHECK(px_connect(s, k, &id), 0,
	      "%s: a socket makes session %u in the netlink tunnel", tag, s4);
	result(!session_get(tid, s4, &in) && in.val[L2TP_ATTR_PW_TYPE] == L2TP_PWTYPE_PPP,
	       "%s: ... netlink sees a PPP session", tag);
	CHECK(tunnel_delete(tid), 0, "%s: netlink deletes the tunnel", tag);
	result(tunnel_gone(tid) == -ENODEV, "%s: ... it is gone", tag);
	check_orphan(s, "netlink TUNNEL_DELETE", tag);
	close(s);
	close(m);
out_udp:
	close(u.tun);
	close(u.peer);
	tunnel_gone(tid);
}

/* A management socket with peer tunnel 0 learns it from a session. */
static void test_peer_fill(void)
{
	struct px_ids mid = { .tid = 1900 };
	struct px_ids sid = { .fd = -1, .tid = 1900, .sid = 5, .ptid = 1901, .psid = 6 };
	struct nl_info in;
	struct udp_pair u;
	union inet_sa junk;
	union px_sa a;
	socklen_t len;
	int m, s, s2;

	udp_pair(0, &u);
	mid.fd = u.tun;
	m = px_socket();
	CHECK(px_connect(m, V2IN4, &mid), 0,
	      "a management socket makes a tunnel with peer tunnel 0");
	s = px_socket();
	CHECK(px_connect(s, V2IN4, &sid), 0, "... a session socket with peer tunnel 1901 connects");
	result(!tunnel_get(1900, &in) && in.val[L2TP_ATTR_PEER_CONN_ID] == 1901,
	       "... the tunnel takes 1901 as its peer (got %llu)",
	       (unsigned long long)in.val[L2TP_ATTR_PEER_CONN_ID]);

	/* Only the length, sa_protocol, fd and ids of the address count. */
	junk = loopback(0, 9);
	junk.v4.sin_addr.s_addr = htonl(0xc0000201);
	sid.sid = 7;
	sid.ptid = 1902;
	len = px_fill(&a, V2IN4, &sid, 4242, &junk);
	a.v2.sa_family = AF_UNSPEC;
	s2 = px_socket();
	CHECK(connect(s2, &a.sa, len), 0,
	      "a session connect with sa_family AF_UNSPEC, pid 4242, a foreign address succeeds");
	result(!tunnel_get(1900, &in) && in.val[L2TP_ATTR_PEER_CONN_ID] == 1901,
	       "... a known peer tunnel id is not replaced by the session's 1902");
	sid.fd = u.tun;
	sid.ptid = 1901;
	check_name(s2, false, V2IN4, &sid, &u.peer_at, "... it");
	close(s2);
	close(s);
	close(m);
	close(u.tun);
	close(u.peer);
	result(tunnel_gone(1900) == -ENODEV, "... closing the UDP socket deletes it");
}

int main(void)
{
	const char *mode = getenv("L2TP_MODE");
	int k;

	if (mode && !strcmp(mode, "stock"))
		ours = false;
	self = getpid();
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	diag("PPPoL2TP socket API, %s modules", ours ? "our" : "stock");

	test_socket();
	if (!netlink_setup()) {
		result(false, "the l2tp generic netlink family resolves");
		return 1;
	}
	test_unconnected();
	test_connect_addr();
	test_tunnel_fds();
	for (k = V2IN4; k <= V3IN6; k++)
		test_udp(k);
	test_ip(0);
	test_ip(1);
	test_netlink(2);
	test_netlink(3);
	test_peer_fill();

	printf("# pppol2tp_sock: pass:%d fail:%d skip:%d\n", tpass, tfail, tskip);
	return tfail ? 1 : 0;
}
