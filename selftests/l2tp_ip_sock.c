// SPDX-License-Identifier: GPL-2.0
/*
 * The L2TPIP socket API of l2tp_ip and l2tp_ip6 as userspace sees it:
 * socket(AF_INET{,6}, SOCK_DGRAM, IPPROTO_L2TP), bind, connect,
 * getsockname/getpeername, sendmsg/recvmsg of control frames, ioctls,
 * socket options (IPsec policies included), demultiplexing of control
 * frames by connection id and address, ICMP error reports, and the
 * tunnel a socket carries being deleted when the socket is closed.
 *
 * Every returned sockaddr is read from a pattern-filled buffer and
 * compared byte for byte, so an uninitialised byte would show.
 *
 * Run by test_l2tp_ip_sock.sh inside the namespace it sets up (the
 * addresses below); L2TP_MODE=stock runs it against the stock modules,
 * where what we deliberately do differently is reported as SKIP or,
 * where both behaviours are pinned down, checked for upstream's answer.
 * Output is KTAP; exit status 0 pass, 1 fail.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/errqueue.h>
#include <linux/genetlink.h>
#include <linux/l2tp.h>
#include <linux/sockios.h>
#include <linux/xfrm.h>

#define __printf(f, a)	__attribute__((format(printf, f, a)))

#ifndef IPPROTO_L2TP
#define IPPROTO_L2TP	115	/* glibc's netinet/in.h lacks it */
#endif

/* The namespace test_l2tp_ip_sock.sh prepares. */
static const char *const addr_a[2] = { "10.99.0.1", "fd99::1" };
static const char *const addr_b[2] = { "10.99.0.2", "fd99::2" };
static const char *const addr_c[2] = { "10.99.0.3", "fd99::3" };
static const char *const addr_foreign[2] = { "192.0.2.1", "2001:db8::1" };
static const char *const addr_mcast[2] = { "224.0.0.1", "ff02::1" };
/* Routed through the router namespace, which answers with ICMP. */
static const char *const addr_prohibit[2] = { "10.98.1.1", "fd98:1::1" };
static const char *const addr_unreach[2] = { "10.98.2.1", "fd98:2::1" };
static const char *link_dev = "v0";	/* has a link-local address */

static bool ours = true;
static int tnum, tfail, tpass, tskip;

/* ------------------------------------------------------------ KTAP */

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

static void result(bool ok, const char *fmt, ...) __printf(2, 3);
static void result(bool ok, const char *fmt, ...)
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
}

/* A check of what only our modules do: SKIP against the stock ones. */
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

/* rc is a syscall result: expect failure with errno @want (0: success). */
static void check_errno(int rc, int err, int want, const char *fmt, ...)
	__printf(4, 5);
static void check_errno(int rc, int err, int want, const char *fmt, ...)
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
		diag("got rc %d errno %d (%s), want %s", rc, rc < 0 ? err : 0,
		     rc < 0 ? strerror(err) : "-", want ? strerror(want) : "success");
}

#define CHECK_ERRNO(call, want, ...) do {			\
	int __rc = (call);					\
	check_errno(__rc, errno, (want), __VA_ARGS__);		\
} while (0)

/* ------------------------------------------------------------ addresses */

union l2tp_sa {
	struct sockaddr sa;
	struct sockaddr_l2tpip v4;
	struct sockaddr_l2tpip6 v6;
	unsigned char raw[64];
};

static const char *fam_name(int fi)
{
	return fi ? "v6" : "v4";
}

static int fam_af(int fi)
{
	return fi ? AF_INET6 : AF_INET;
}

static socklen_t sa_len(int fi)
{
	return fi ? sizeof(struct sockaddr_l2tpip6) :
		    sizeof(struct sockaddr_l2tpip);
}

/* An L2TPIP sockaddr of family @fi; @ip NULL for the wildcard. */
static union l2tp_sa mk(int fi, const char *ip, uint32_t conn_id)
{
	union l2tp_sa a;

	memset(&a, 0, sizeof(a));
	if (fi) {
		a.v6.l2tp_family = AF_INET6;
		if (ip)
			inet_pton(AF_INET6, ip, &a.v6.l2tp_addr);
		a.v6.l2tp_conn_id = conn_id;
	} else {
		a.v4.l2tp_family = AF_INET;
		if (ip)
			inet_pton(AF_INET, ip, &a.v4.l2tp_addr);
		a.v4.l2tp_conn_id = conn_id;
	}
	return a;
}

static int l2tp_socket(int fi)
{
	int fd = socket(fam_af(fi), SOCK_DGRAM, IPPROTO_L2TP);

	if (fd < 0) {
		printf("Bail out! socket(%s, SOCK_DGRAM, IPPROTO_L2TP): %s\n",
		       fam_name(fi), strerror(errno));
		exit(1);
	}
	return fd;
}

static int sock_bound(int fi, const char *ip, uint32_t conn_id)
{
	union l2tp_sa a = mk(fi, ip, conn_id);
	int fd = l2tp_socket(fi);

	if (bind(fd, &a.sa, sa_len(fi)) < 0) {
		diag("bind %s %s/%u: %s", fam_name(fi), ip ? ip : "any",
		     conn_id, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static int do_connect(int fd, int fi, const char *ip, uint32_t conn_id)
{
	union l2tp_sa a = mk(fi, ip, conn_id);

	return connect(fd, &a.sa, sa_len(fi));
}

/* ------------------------------------------------------------ frames */

/* A control header (T, L and S bits, version 3) and @payload. */
static size_t ctrl_frame(uint8_t *buf, uint32_t conn_id, const char *payload)
{
	size_t plen = strlen(payload), len = 12 + plen;

	buf[0] = 0xc8;
	buf[1] = 0x03;
	buf[2] = len >> 8;
	buf[3] = len & 0xff;
	buf[4] = conn_id >> 24;
	buf[5] = conn_id >> 16;
	buf[6] = conn_id >> 8;
	buf[7] = conn_id;
	memset(buf + 8, 0, 4);
	memcpy(buf + 12, payload, plen);
	return len;
}

static ssize_t send_ctrl(int fd, int fi, const char *ip, uint32_t conn_id,
			 const char *payload)
{
	union l2tp_sa a = mk(fi, ip, 0);
	uint8_t buf[2048];
	size_t len = ctrl_frame(buf, conn_id, payload);

	if (!ip)
		return send(fd, buf, len, 0);
	return sendto(fd, buf, len, 0, &a.sa, sa_len(fi));
}

static bool readable(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, ms) == 1;
}

#define WAIT_MS		3000	/* for what must arrive (slow guests) */
#define QUIET_MS	300	/* for what must not */

/* Receive one frame; true if it is the control frame carrying @payload. */
static bool got_ctrl(int fd, uint32_t conn_id, const char *payload)
{
	uint8_t want[2048], buf[2048];
	size_t wlen = ctrl_frame(want, conn_id, payload);
	ssize_t n;

	if (!readable(fd, WAIT_MS))
		return false;
	n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
	return n == (ssize_t)wlen && !memcmp(buf, want, wlen);
}

static bool quiet(int fd)
{
	uint8_t buf[2048];

	if (!readable(fd, QUIET_MS))
		return true;
	if (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) < 0)
		return true;
	return false;
}

/* ------------------------------------------------------------ pattern */

#define PATTERN	0xa5

/*
 * Call getsockname/getpeername (or recvfrom) into a pattern-filled
 * buffer and compare the first @want_len bytes with @want.
 */
static bool same_bytes(const union l2tp_sa *got, socklen_t got_len,
		       const union l2tp_sa *want, socklen_t want_len)
{
	size_t i;

	if (got_len != want_len) {
		diag("address length %u, want %u", got_len, want_len);
		return false;
	}
	for (i = 0; i < want_len; i++) {
		if (got->raw[i] != want->raw[i]) {
			diag("address byte %zu is 0x%02x, want 0x%02x", i,
			     got->raw[i], want->raw[i]);
			return false;
		}
	}
	return true;
}

static int getname(int fd, bool peer, union l2tp_sa *out, socklen_t *len)
{
	memset(out, PATTERN, sizeof(*out));
	*len = sizeof(*out);
	return peer ? getpeername(fd, &out->sa, len) :
		      getsockname(fd, &out->sa, len);
}

static void check_name(int fd, int fi, bool peer, const char *ip,
		       uint32_t conn_id, int scope, const char *what)
{
	union l2tp_sa got, want = mk(fi, ip, conn_id);
	socklen_t len;
	int rc;

	if (fi)
		want.v6.l2tp_scope_id = scope;
	rc = getname(fd, peer, &got, &len);
	if (rc < 0) {
		result(false, "%s %s: %s", fam_name(fi), what,
		       strerror(errno));
		return;
	}
	result(same_bytes(&got, len, &want, sa_len(fi)), "%s %s", fam_name(fi),
	       what);
}

/* ------------------------------------------------------------ bind */

static int ifindex_of(const char *dev)
{
	return if_nametoindex(dev);
}

static bool link_local_of(const char *dev, struct in6_addr *out)
{
	struct ifaddrs *ifa, *i;
	bool found = false;

	if (getifaddrs(&ifa))
		return false;
	for (i = ifa; i; i = i->ifa_next) {
		struct sockaddr_in6 *s6 = (void *)i->ifa_addr;

		if (!s6 || s6->sin6_family != AF_INET6 ||
		    strcmp(i->ifa_name, dev) ||
		    !IN6_IS_ADDR_LINKLOCAL(&s6->sin6_addr))
			continue;
		*out = s6->sin6_addr;
		found = true;
		break;
	}
	freeifaddrs(ifa);
	return found;
}

static void test_bind(int fi)
{
	const char *f = fam_name(fi);
	union l2tp_sa a;
	int fd, fd2;

	fd = l2tp_socket(fi);
	a = mk(fi, addr_a[fi], 100);
	CHECK_ERRNO(bind(fd, &a.sa, sa_len(fi) - 1), EINVAL,
		    "%s bind: short address length is EINVAL", f);
	a = mk(!fi, addr_a[!fi], 100);
	CHECK_ERRNO(bind(fd, &a.sa, sizeof(a.v6)), EINVAL,
		    "%s bind: the other family is EINVAL", f);
	a = mk(fi, addr_foreign[fi], 100);
	CHECK_ERRNO(bind(fd, &a.sa, sa_len(fi)), EADDRNOTAVAIL,
		    "%s bind: a foreign address is EADDRNOTAVAIL", f);
	if (fi) {
		a = mk(fi, "::ffff:10.99.0.1", 100);
		CHECK_ERRNO(bind(fd, &a.sa, sa_len(fi)), EADDRNOTAVAIL,
			    "v6 bind: a v4-mapped address is EADDRNOTAVAIL");
		a = mk(fi, addr_mcast[fi], 100);
		CHECK_ERRNO(bind(fd, &a.sa, sa_len(fi)), EADDRNOTAVAIL,
			    "v6 bind: a multicast address is EADDRNOTAVAIL");
	} else {
		int m = l2tp_socket(fi);

		a = mk(fi, addr_mcast[fi], 100);
		CHECK_ERRNO(bind(m, &a.sa, sa_len(fi)), 0,
			    "v4 bind: a multicast address is accepted");
		close(m);
	}

	a = mk(fi, addr_a[fi], 100);
	CHECK_ERRNO(bind(fd, &a.sa, sa_len(fi)), 0,
		    "%s bind to a local address and conn id 100", f);
	check_name(fd, fi, false, addr_a[fi], 100, 0,
		   "getsockname after bind: address and conn id, no stray bytes");
	CHECK_ERRNO(bind(fd, &a.sa, sa_len(fi)), EINVAL,
		    "%s bind: a second bind is EINVAL", f);

	fd2 = l2tp_socket(fi);
	CHECK_ERRNO(bind(fd2, &a.sa, sa_len(fi)), EADDRINUSE,
		    "%s bind: same address and conn id is EADDRINUSE", f);
	a = mk(fi, NULL, 100);
	CHECK_ERRNO(bind(fd2, &a.sa, sa_len(fi)), EADDRINUSE,
		    "%s bind: wildcard address, same conn id is EADDRINUSE", f);
	a = mk(fi, addr_b[fi], 100);
	CHECK_ERRNO(bind(fd2, &a.sa, sa_len(fi)), 0,
		    "%s bind: another address, same conn id is accepted", f);
	close(fd2);
	fd2 = l2tp_socket(fi);
	a = mk(fi, addr_a[fi], 101);
	CHECK_ERRNO(bind(fd2, &a.sa, sa_len(fi)), 0,
		    "%s bind: same address, another conn id is accepted", f);
	close(fd2);
	close(fd);

	/* Closing released the binding. */
	fd = l2tp_socket(fi);
	a = mk(fi, addr_a[fi], 100);
	CHECK_ERRNO(bind(fd, &a.sa, sa_len(fi)), 0,
		    "%s bind: the address is free again after close", f);
	close(fd);

	fd = l2tp_socket(fi);
	a = mk(fi, NULL, 0);
	CHECK_ERRNO(bind(fd, &a.sa, sa_len(fi)), 0,
		    "%s bind: wildcard address and conn id 0 (a listener)", f);
	check_name(fd, fi, false, NULL, 0, 0, "getsockname of a listener");
	close(fd);

	fd = l2tp_socket(fi);
	check_name(fd, fi, false, NULL, 0, 0, "getsockname before bind");
	close(fd);

	if (fi) {
		struct in6_addr ll;
		int idx = ifindex_of(link_dev);

		if (!idx || !link_local_of(link_dev, &ll)) {
			result(false, "v6: %s has a link-local address", link_dev);
			return;
		}
		fd = l2tp_socket(fi);
		a = mk(fi, NULL, 110);
		a.v6.l2tp_addr = ll;
		CHECK_ERRNO(bind(fd, &a.sa, sa_len(fi)), EINVAL,
			    "v6 bind: link-local without an interface is EINVAL");
		a.v6.l2tp_scope_id = 99999;
		CHECK_ERRNO(bind(fd, &a.sa, sa_len(fi)), ENODEV,
			    "v6 bind: link-local with an unknown scope is ENODEV");
		a.v6.l2tp_scope_id = idx;
		CHECK_ERRNO(bind(fd, &a.sa, sa_len(fi)), 0,
			    "v6 bind: link-local with its interface as scope id");
		{
			union l2tp_sa got, want = a;
			socklen_t len;

			getname(fd, false, &got, &len);
			result(same_bytes(&got, len, &want, sa_len(fi)),
			       "v6 getsockname: link-local address with scope id");
		}
		close(fd);
	}
}

/* Two threads bind one socket at once: exactly one may win. */
struct race {
	int fd, fi;
	pthread_barrier_t go;
};

static void *race_bind(void *arg)
{
	struct race *r = arg;
	union l2tp_sa a = mk(r->fi, addr_a[r->fi], 120);

	pthread_barrier_wait(&r->go);
	return (void *)(long)(bind(r->fd, &a.sa, sa_len(r->fi)) ? -errno : 0);
}

static void test_bind_race(int fi)
{
	int i, wins_ok = 0, rounds = 100;

	for (i = 0; i < rounds; i++) {
		struct race r = { .fi = fi };
		pthread_t t[2];
		void *ret[2];
		int wins = 0, k;

		r.fd = l2tp_socket(fi);
		pthread_barrier_init(&r.go, NULL, 2);
		for (k = 0; k < 2; k++)
			pthread_create(&t[k], NULL, race_bind, &r);
		for (k = 0; k < 2; k++) {
			pthread_join(t[k], &ret[k]);
			if (!ret[k])
				wins++;
		}
		pthread_barrier_destroy(&r.go);
		close(r.fd);
		if (wins == 1)
			wins_ok++;
	}
	result(wins_ok == rounds,
	       "%s bind: concurrent binds of one socket, exactly one wins (%d/%d)",
	       fam_name(fi), wins_ok, rounds);
}

/* ------------------------------------------------------------ connect */

static void test_connect(int fi)
{
	const char *f = fam_name(fi);
	char what[128];
	union l2tp_sa a;
	int fd;

	fd = l2tp_socket(fi);
	CHECK_ERRNO(do_connect(fd, fi, addr_b[fi], 200), EINVAL,
		    "%s connect before bind is EINVAL (no autobind)", f);
	close(fd);

	fd = sock_bound(fi, addr_a[fi], 200);
	a = mk(fi, addr_b[fi], 300);
	CHECK_ERRNO(connect(fd, &a.sa, sa_len(fi) - 1), EINVAL,
		    "%s connect: short address length is EINVAL", f);
	CHECK_ERRNO(do_connect(fd, fi, addr_mcast[fi], 300), EINVAL,
		    "%s connect: a multicast peer is EINVAL", f);
	if (fi) {
		a = mk(0, addr_b[0], 300);
		CHECK_ERRNO(connect(fd, &a.sa, sizeof(a.v6)), EINVAL,
			    "v6 connect: an AF_INET address is EINVAL");
		CHECK_ERRNO(do_connect(fd, fi, "::ffff:224.0.0.1", 300), EINVAL,
			    "v6 connect: a v4-mapped multicast peer is EINVAL");
		if (ours_only("v6 connect: a v4-mapped peer is ENETUNREACH"))
			CHECK_ERRNO(do_connect(fd, fi, "::ffff:10.99.0.2", 300),
				    ENETUNREACH,
				    "v6 connect: a v4-mapped peer is ENETUNREACH");
	} else {
		a = mk(1, addr_b[1], 300);
		CHECK_ERRNO(connect(fd, &a.sa, sizeof(a.v4)), EAFNOSUPPORT,
			    "v4 connect: an AF_INET6 address is EAFNOSUPPORT");
	}

	CHECK_ERRNO(getname(fd, true, &a, &(socklen_t){ 0 }), ENOTCONN,
		    "%s getpeername before connect is ENOTCONN", f);
	CHECK_ERRNO(do_connect(fd, fi, addr_b[fi], 300), 0,
		    "%s connect to a peer address and conn id 300", f);
	check_name(fd, fi, false, addr_a[fi], 200, 0,
		   "getsockname after connect: unchanged");
	if (fi) {
		check_name(fd, fi, true, addr_b[fi], 300, 0,
			   "getpeername after connect: peer and conn id");
	} else if (ours) {
		check_name(fd, fi, true, addr_b[fi], 300, 0,
			   "getpeername after connect: peer and conn id");
	} else {
		/* Upstream's quirk: it tests the (unused) port field. */
		CHECK_ERRNO(getname(fd, true, &a, &(socklen_t){ 0 }), ENOTCONN,
			    "v4 getpeername after connect with l2tp_unused 0 is ENOTCONN (upstream quirk)");
	}

	/* With a non-zero l2tp_unused upstream reports the peer too. */
	a = mk(fi, addr_b[fi], 301);
	if (fi)
		a.v6.l2tp_unused = htons(7);
	else
		a.v4.l2tp_unused = htons(7);
	CHECK_ERRNO(connect(fd, &a.sa, sa_len(fi)), 0,
		    "%s reconnect to conn id 301 with l2tp_unused 7", f);
	check_name(fd, fi, true, addr_b[fi], 301, 0,
		   "getpeername after reconnect: new conn id, l2tp_unused 0");

	a.sa.sa_family = AF_UNSPEC;
	CHECK_ERRNO(connect(fd, &a.sa, sa_len(fi)), 0,
		    "%s connect(AF_UNSPEC) disconnects", f);
	if (!fi || ours) {
		CHECK_ERRNO(getname(fd, true, &a, &(socklen_t){ 0 }), ENOTCONN,
			    "%s getpeername after disconnect is ENOTCONN", f);
	} else {
		ours_only("v6 getpeername after disconnect is ENOTCONN");
	}
	snprintf(what, sizeof(what),
		 "%s getsockname after disconnect keeps the bound address", f);
	if (ours_only(what))
		check_name(fd, fi, false, addr_a[fi], 200, 0,
			   "getsockname after disconnect keeps the bound address");
	CHECK_ERRNO(send_ctrl(fd, fi, NULL, 300, "x"), EDESTADDRREQ,
		    "%s send after disconnect is EDESTADDRREQ", f);
	close(fd);

	fd = l2tp_socket(fi);
	a = mk(fi, NULL, 0);
	a.sa.sa_family = AF_UNSPEC;
	CHECK_ERRNO(connect(fd, &a.sa, sa_len(fi)), 0,
		    "%s connect(AF_UNSPEC) of an unbound socket is harmless", f);
	close(fd);

	if (!fi) {
		fd = sock_bound(fi, addr_a[fi], 210);
		CHECK_ERRNO(do_connect(fd, fi, addr_foreign[fi], 211), 0,
			    "v4 connect to a routable foreign peer");
		close(fd);
	}
}

/* ------------------------------------------------------------ messages */

static void test_roundtrip(int fi)
{
	const char *f = fam_name(fi);
	union l2tp_sa from, want;
	uint8_t buf[2048], frame[2048];
	struct msghdr mh;
	struct iovec iov;
	socklen_t flen;
	size_t len;
	int a, b, v;
	ssize_t n;

	a = sock_bound(fi, addr_a[fi], 1000);
	b = sock_bound(fi, addr_b[fi], 2000);
	if (a < 0 || b < 0) {
		result(false, "%s two bound sockets", f);
		return;
	}
	do_connect(a, fi, addr_b[fi], 2000);
	do_connect(b, fi, addr_a[fi], 1000);

	CHECK_ERRNO(send_ctrl(a, fi, NULL, 2000, "hello"), 0,
		    "%s send on a connected socket", f);
	len = ctrl_frame(frame, 2000, "hello");
	memset(&from, PATTERN, sizeof(from));
	flen = sizeof(from);
	n = readable(b, WAIT_MS) ?
	    recvfrom(b, buf, sizeof(buf), MSG_DONTWAIT, &from.sa, &flen) : -1;
	result(n == (ssize_t)len && !memcmp(buf, frame, len),
	       "%s the peer receives the frame without the zero session id", f);
	want = mk(fi, addr_a[fi], 0);
	if (!fi) {
		struct sockaddr_in sin = {
			.sin_family = AF_INET,
		};

		inet_pton(AF_INET, addr_a[fi], &sin.sin_addr);
		memset(&want, 0, sizeof(want));
		memcpy(&want, &sin, sizeof(sin));
	}
	result(n > 0 && same_bytes(&from, flen, &want,
				   fi ? sizeof(struct sockaddr_l2tpip6) :
					sizeof(struct sockaddr_in)),
	       "%s recvfrom: source address, conn id and padding zero", f);

	/* Back the other way, to an explicit address. */
	send_ctrl(b, fi, addr_a[fi], 1000, "world");
	result(got_ctrl(a, 1000, "world"), "%s sendto an explicit address", f);

	/* An AF_UNSPEC destination is taken as this family's. */
	{
		union l2tp_sa d = mk(fi, addr_a[fi], 0);

		d.sa.sa_family = AF_UNSPEC;
		len = ctrl_frame(frame, 1000, "unspec");
		CHECK_ERRNO(sendto(b, frame, len, 0, &d.sa, sa_len(fi)), 0,
			    "%s sendto an AF_UNSPEC address", f);
		result(got_ctrl(a, 1000, "unspec"),
		       "%s ... which arrives", f);
	}

	/* SIOCINQ, MSG_PEEK, MSG_TRUNC. */
	send_ctrl(a, fi, NULL, 2000, "0123456789");
	len = ctrl_frame(frame, 2000, "0123456789");
	readable(b, WAIT_MS);
	v = -1;
	CHECK_ERRNO(ioctl(b, SIOCINQ, &v), 0, "%s SIOCINQ", f);
	result(v == (int)len, "%s SIOCINQ is the next message's length (%d)",
	       f, v);
	n = recv(b, buf, 4, MSG_PEEK);
	result(n == 4, "%s MSG_PEEK of 4 bytes", f);
	memset(&mh, 0, sizeof(mh));
	iov.iov_base = buf;
	iov.iov_len = 5;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	n = recvmsg(b, &mh, MSG_TRUNC | MSG_PEEK);
	result(n == (ssize_t)len && (mh.msg_flags & MSG_TRUNC),
	       "%s MSG_TRUNC returns the full length and sets MSG_TRUNC", f);
	n = recvmsg(b, &mh, 0);
	result(n == 5 && (mh.msg_flags & MSG_TRUNC) &&
	       !memcmp(buf, frame, 5),
	       "%s a short buffer truncates the message", f);
	v = -1;
	ioctl(b, SIOCINQ, &v);
	result(v == 0, "%s SIOCINQ is 0 on an empty queue", f);
	v = -1;
	CHECK_ERRNO(ioctl(b, SIOCOUTQ, &v), 0, "%s SIOCOUTQ", f);
	result(v >= 0, "%s SIOCOUTQ gives the bytes held for sending (%d)",
	       f, v);
	{
		struct ifreq ifr = { 0 };

		strcpy(ifr.ifr_name, "lo");
		CHECK_ERRNO(ioctl(b, SIOCGIFINDEX, &ifr), 0,
			    "%s other ioctls reach the inet layer (SIOCGIFINDEX)",
			    f);
	}
	CHECK_ERRNO(recv(b, buf, sizeof(buf), MSG_OOB | MSG_DONTWAIT),
		    EOPNOTSUPP, "%s recv MSG_OOB is EOPNOTSUPP", f);

	/* Destination checks. */
	{
		int u = sock_bound(fi, addr_c[fi], 3000);
		union l2tp_sa d = mk(!fi, addr_a[!fi], 0);

		CHECK_ERRNO(send_ctrl(u, fi, NULL, 1000, "x"), EDESTADDRREQ,
			    "%s send without a destination is EDESTADDRREQ", f);
		len = ctrl_frame(frame, 1000, "x");
		CHECK_ERRNO(sendto(u, frame, len, 0, &d.sa, sizeof(d.v6)),
			    EAFNOSUPPORT,
			    "%s sendto the other family is EAFNOSUPPORT", f);
		d = mk(fi, addr_a[fi], 0);
		CHECK_ERRNO(sendto(u, frame, len, 0, &d.sa, fi ? 23 : 15),
			    EINVAL, "%s sendto with a short address is EINVAL",
			    f);
		if (fi) {
			int r = sock_bound(fi, addr_a[fi], 1500);

			len = ctrl_frame(frame, 1500, "rfc2133");
			CHECK_ERRNO(sendto(u, frame, len, 0, &d.sa, 24), 0,
				    "v6 sendto with an RFC 2133 size address");
			result(got_ctrl(r, 1500, "rfc2133"),
			       "v6 ... which arrives");
			close(r);
			len = ctrl_frame(frame, 1000, "x");
		}
		if (fi || ours_only("v4 send MSG_OOB is EOPNOTSUPP"))
			CHECK_ERRNO(sendto(u, frame, len, MSG_OOB, &d.sa,
					   sa_len(fi)), EOPNOTSUPP,
				    "%s send MSG_OOB is EOPNOTSUPP", f);
		close(u);
	}

	/* Bad control frames are dropped, not queued. */
	{
		union l2tp_sa d = mk(fi, addr_b[fi], 0);

		len = ctrl_frame(frame, 2000, "no T bit");
		frame[0] = 0x48;
		sendto(a, frame, len, 0, &d.sa, sa_len(fi));
		result(quiet(b), "%s a control frame without the T bit is dropped", f);
		len = ctrl_frame(frame, 2000, "");
		sendto(a, frame, 8, 0, &d.sa, sa_len(fi));
		result(quiet(b), "%s a control header shorter than 12 bytes is dropped",
		       f);
		sendto(a, frame, 0, 0, &d.sa, sa_len(fi));
		result(quiet(b), "%s an empty message (the session id alone) is dropped",
		       f);
	}

	/* A message to oneself (an unconnected socket hears anyone). */
	v = sock_bound(fi, addr_c[fi], 1600);
	send_ctrl(v, fi, addr_c[fi], 1600, "self");
	result(got_ctrl(v, 1600, "self"), "%s a socket can send to itself", f);
	close(v);

	/* MSG_MORE: IPv6 corks (correct length), IPv4 ignores it. */
	{
		uint8_t hdr[64];
		size_t hl = ctrl_frame(hdr, 2000, "corked:");

		CHECK_ERRNO(send(a, hdr, hl, MSG_MORE), 0,
			    "%s send with MSG_MORE", f);
		CHECK_ERRNO(send(a, "tail", 4, 0), 0,
			    "%s send the rest", f);
		n = readable(b, WAIT_MS) ?
		    recv(b, buf, sizeof(buf), MSG_DONTWAIT) : -1;
		if (fi) {
			result(n == (ssize_t)hl + 4 &&
			       !memcmp(buf, hdr, hl) &&
			       !memcmp(buf + hl, "tail", 4),
			       "v6 MSG_MORE: one message of exactly both parts (%zd)",
			       n);
		} else {
			result(n == (ssize_t)hl && !memcmp(buf, hdr, hl),
			       "v4 MSG_MORE is ignored: the first part alone");
			recv(b, buf, sizeof(buf), MSG_DONTWAIT);
		}
	}

	/* A large message, fragmented on the way if need be. */
	{
		static char big[1901];

		memset(big, 'z', sizeof(big) - 1);
		send_ctrl(a, fi, NULL, 2000, big);
		result(got_ctrl(b, 2000, big), "%s a 1912-byte control frame", f);
	}

	/* Hop limit / TTL: the socket's, and received as cmsg. */
	{
		char cbuf[256];
		struct cmsghdr *c;
		int one = 1, ttl = 42, got = -1;

		if (fi) {
			setsockopt(a, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &ttl,
				   sizeof(ttl));
			setsockopt(b, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &one,
				   sizeof(one));
		} else {
			setsockopt(a, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl));
			setsockopt(b, IPPROTO_IP, IP_RECVTTL, &one,
				   sizeof(one));
		}
		send_ctrl(a, fi, NULL, 2000, "ttl");
		memset(&mh, 0, sizeof(mh));
		iov.iov_base = buf;
		iov.iov_len = sizeof(buf);
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		mh.msg_control = cbuf;
		mh.msg_controllen = sizeof(cbuf);
		n = readable(b, WAIT_MS) ? recvmsg(b, &mh, MSG_DONTWAIT) : -1;
		for (c = CMSG_FIRSTHDR(&mh); n > 0 && c; c = CMSG_NXTHDR(&mh, c)) {
			if ((!fi && c->cmsg_level == IPPROTO_IP &&
			     c->cmsg_type == IP_TTL) ||
			    (fi && c->cmsg_level == IPPROTO_IPV6 &&
			     c->cmsg_type == IPV6_HOPLIMIT))
				memcpy(&got, CMSG_DATA(c), sizeof(got));
		}
		result(got == ttl, "%s IP_TTL/IPV6_UNICAST_HOPS sent, received as cmsg (%d)",
		       f, got);
	}
	if (fi) {
		/* IPV6_HOPLIMIT as ancillary data on send. */
		char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
		struct cmsghdr *c;
		int hl = 7, got = -1;

		len = ctrl_frame(frame, 2000, "cmsg");
		memset(&mh, 0, sizeof(mh));
		iov.iov_base = frame;
		iov.iov_len = len;
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		mh.msg_control = cbuf;
		mh.msg_controllen = sizeof(cbuf);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = IPPROTO_IPV6;
		c->cmsg_type = IPV6_HOPLIMIT;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &hl, sizeof(hl));
		CHECK_ERRNO(sendmsg(a, &mh, 0), 0, "v6 sendmsg with IPV6_HOPLIMIT");

		memset(&mh, 0, sizeof(mh));
		iov.iov_base = buf;
		iov.iov_len = sizeof(buf);
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		mh.msg_control = cbuf;
		mh.msg_controllen = sizeof(cbuf);
		n = readable(b, WAIT_MS) ? recvmsg(b, &mh, MSG_DONTWAIT) : -1;
		for (c = CMSG_FIRSTHDR(&mh); n > 0 && c; c = CMSG_NXTHDR(&mh, c))
			if (c->cmsg_level == IPPROTO_IPV6 &&
			    c->cmsg_type == IPV6_HOPLIMIT)
				memcpy(&got, CMSG_DATA(c), sizeof(got));
		result(got == hl, "v6 ... the receiver sees hop limit %d (%d)",
		       hl, got);
	}
	close(a);
	close(b);
}

/*
 * A connected socket that once sent elsewhere with sendto() must still
 * send to its peer. Upstream's IPv4 sendmsg routes a sendto() with the
 * socket's cached flow (inet->cork.fl) and later builds the header of a
 * connected send from that flow, so the frame goes to the address of
 * the last sendto() instead.
 */
static void test_send_after_sendto(int fi)
{
	const char *f = fam_name(fi);
	char what[128];
	int a, b, c;

	snprintf(what, sizeof(what),
		 "%s a connected send after a sendto() elsewhere goes to the peer",
		 f);
	if (!fi && !ours_only(what))
		return;
	a = sock_bound(fi, addr_a[fi], 1700);
	b = sock_bound(fi, addr_b[fi], 1701);
	c = sock_bound(fi, addr_c[fi], 1702);
	do_connect(a, fi, addr_b[fi], 1701);
	send_ctrl(a, fi, addr_c[fi], 1702, "to c");
	result(got_ctrl(c, 1702, "to c"), "%s sendto() a third socket", f);
	send_ctrl(a, fi, NULL, 1701, "to the peer");
	result(got_ctrl(b, 1701, "to the peer") && quiet(c), "%s", what);
	close(a);
	close(b);
	close(c);
}

/* ------------------------------------------------------------ demux */

#define NSOCK	64

static void test_demux(int fi)
{
	const char *f = fam_name(fi);
	int fds[NSOCK], tx, i, good = 0, lis, x, y;
	char pl[32];

	tx = sock_bound(fi, addr_a[fi], 9);
	for (i = 0; i < NSOCK; i++)
		fds[i] = sock_bound(fi, addr_b[fi], 5000 + i);
	for (i = NSOCK - 1; i >= 0; i--) {
		snprintf(pl, sizeof(pl), "to %d", 5000 + i);
		send_ctrl(tx, fi, addr_b[fi], 5000 + i, pl);
	}
	for (i = 0; i < NSOCK; i++) {
		snprintf(pl, sizeof(pl), "to %d", 5000 + i);
		if (fds[i] >= 0 && got_ctrl(fds[i], 5000 + i, pl) &&
		    quiet(fds[i]))
			good++;
	}
	result(good == NSOCK,
	       "%s demux: %d sockets, each gets exactly its conn id's frame (%d)",
	       f, NSOCK, good);

	send_ctrl(tx, fi, addr_b[fi], 7777, "nobody");
	for (i = 0, good = 0; i < NSOCK; i++)
		good += quiet(fds[i]);
	result(good == NSOCK, "%s demux: a frame for an unbound conn id reaches no one",
	       f);

	/* Same conn id on two addresses: the frame's address decides. */
	x = sock_bound(fi, addr_b[fi], 300);
	y = sock_bound(fi, addr_c[fi], 300);
	send_ctrl(tx, fi, addr_c[fi], 300, "to c");
	result(got_ctrl(y, 300, "to c") && quiet(x),
	       "%s demux: same conn id on two addresses, by destination", f);

	/* A connected socket only hears its peer. */
	do_connect(y, fi, addr_b[fi], 301);
	send_ctrl(tx, fi, addr_c[fi], 300, "from a");
	result(quiet(y), "%s demux: a connected socket ignores other sources", f);
	send_ctrl(x, fi, addr_c[fi], 300, "from b");
	result(got_ctrl(y, 300, "from b"),
	       "%s demux: ... and hears its peer", f);
	close(x);
	close(y);

	/* The conn id 0 listener. */
	lis = sock_bound(fi, NULL, 0);
	send_ctrl(tx, fi, addr_b[fi], 0, "sccrq");
	result(got_ctrl(lis, 0, "sccrq"), "%s demux: conn id 0 reaches the listener",
	       f);
	send_ctrl(tx, fi, addr_b[fi], 5003, "known");
	result(got_ctrl(fds[3], 5003, "known") && quiet(lis),
	       "%s demux: a bound conn id wins over the listener", f);
	send_ctrl(tx, fi, addr_b[fi], 7777, "unknown");
	if (ours)
		result(got_ctrl(lis, 7777, "unknown"),
		       "%s demux: an unbound conn id falls back to the listener", f);
	else
		result(quiet(lis),
		       "%s demux: an unbound conn id is dropped (upstream has no fallback)",
		       f);
	close(lis);

	for (i = 0; i < NSOCK; i++)
		close(fds[i]);
	close(tx);
}

/* ------------------------------------------------------------ IPsec */

static int sock_policy(int fd, int fi, int dir, int action)
{
	struct xfrm_userpolicy_info p;

	memset(&p, 0, sizeof(p));
	p.sel.family = fam_af(fi);
	p.lft.soft_byte_limit = XFRM_INF;
	p.lft.hard_byte_limit = XFRM_INF;
	p.lft.soft_packet_limit = XFRM_INF;
	p.lft.hard_packet_limit = XFRM_INF;
	p.dir = dir;
	p.action = action;
	return setsockopt(fd, fi ? IPPROTO_IPV6 : IPPROTO_IP,
			  fi ? IPV6_XFRM_POLICY : IP_XFRM_POLICY, &p, sizeof(p));
}

static void test_ipsec(int fi)
{
	const char *f = fam_name(fi);
	int a, b;

	a = sock_bound(fi, addr_a[fi], 1100);
	b = sock_bound(fi, addr_b[fi], 2100);
	CHECK_ERRNO(sock_policy(a, fi, XFRM_POLICY_OUT, XFRM_POLICY_BLOCK), 0,
		    "%s IP(V6)_XFRM_POLICY: a blocking output policy", f);
	CHECK_ERRNO(send_ctrl(a, fi, addr_b[fi], 2100, "blocked"),
		    fi ? EPERM : EHOSTUNREACH,
		    "%s ... sending fails (%s)", f, fi ? "EPERM" : "EHOSTUNREACH");
	result(quiet(b), "%s ... and nothing arrives", f);
	CHECK_ERRNO(sock_policy(a, fi, XFRM_POLICY_OUT, XFRM_POLICY_ALLOW), 0,
		    "%s an allowing output policy replaces it", f);
	send_ctrl(a, fi, addr_b[fi], 2100, "allowed");
	result(got_ctrl(b, 2100, "allowed"), "%s ... and frames flow again", f);

	CHECK_ERRNO(sock_policy(b, fi, XFRM_POLICY_IN, XFRM_POLICY_BLOCK), 0,
		    "%s a blocking input policy on the receiver", f);
	send_ctrl(a, fi, addr_b[fi], 2100, "in-blocked");
	result(quiet(b), "%s ... drops received control frames", f);
	close(a);
	close(b);
}

/* ------------------------------------------------------------ ICMP */

static int wait_error(int fd)
{
	char buf[64];

	if (!readable(fd, WAIT_MS))
		return 0;
	if (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) < 0)
		return errno;
	return -1;
}

static void test_icmp(int fi)
{
	const char *f = fam_name(fi);
	char what[128];
	int fd, one = 1, err;

	snprintf(what, sizeof(what),
		 "%s ICMP: a hard error reaches the connected socket", f);
	if (!ours_only(what))
		return;
	fd = sock_bound(fi, NULL, 1200);
	do_connect(fd, fi, addr_prohibit[fi], 1201);
	send_ctrl(fd, fi, NULL, 1201, "prohibited");
	err = wait_error(fd);
	result(err == (fi ? EACCES : EHOSTUNREACH), "%s (%s)", what,
	       err > 0 ? strerror(err) : "none");
	close(fd);

	fd = sock_bound(fi, NULL, 1202);
	do_connect(fd, fi, addr_unreach[fi], 1203);
	send_ctrl(fd, fi, NULL, 1203, "unreachable");
	err = wait_error(fd);
	result(err == 0, "%s ICMP: a soft error is not reported without RECVERR",
	       f);
	if (fi)
		setsockopt(fd, IPPROTO_IPV6, IPV6_RECVERR, &one, sizeof(one));
	else
		setsockopt(fd, IPPROTO_IP, IP_RECVERR, &one, sizeof(one));
	send_ctrl(fd, fi, NULL, 1203, "unreachable");
	err = wait_error(fd);
	result(err == (fi ? ENETUNREACH : EHOSTUNREACH),
	       "%s ICMP: with RECVERR a soft error is reported (%s)", f,
	       err > 0 ? strerror(err) : "none");
	if (fi) {
		struct sock_extended_err *ee = NULL;
		char cbuf[512], buf[256];
		struct cmsghdr *c;
		struct msghdr mh;
		struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
		ssize_t n;

		memset(&mh, 0, sizeof(mh));
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		mh.msg_control = cbuf;
		mh.msg_controllen = sizeof(cbuf);
		n = recvmsg(fd, &mh, MSG_ERRQUEUE | MSG_DONTWAIT);
		for (c = CMSG_FIRSTHDR(&mh); n >= 0 && c; c = CMSG_NXTHDR(&mh, c))
			if (c->cmsg_level == IPPROTO_IPV6 &&
			    c->cmsg_type == IPV6_RECVERR)
				ee = (void *)CMSG_DATA(c);
		result(ee && ee->ee_origin == SO_EE_ORIGIN_ICMP6 &&
		       ee->ee_type == 1 && ee->ee_errno == ENETUNREACH,
		       "v6 ICMP: MSG_ERRQUEUE gives the ICMPv6 error");
	}
	close(fd);
}

/*
 * Forged ICMP errors sent to ourselves: the quoted frame goes from
 * addr_a to addr_c, with only @l2tp_len bytes of its L2TP header.
 */
static uint16_t inet_csum(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (p[i] << 8) | p[i + 1];
	if (len & 1)
		sum += p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons(~sum & 0xffff);
}

static int forge_icmp(int fi, const uint8_t *l2tp, size_t l2tp_len)
{
	uint8_t pkt[128] = { 0 };
	union l2tp_sa to = mk(fi, addr_a[fi], 0);
	size_t len;
	int fd, rc;

	if (fi) {
		/* Destination unreachable, administratively prohibited. */
		pkt[0] = 1;
		pkt[1] = 1;
		pkt[8] = 0x60;
		pkt[12] = 0;
		pkt[13] = l2tp_len;
		pkt[14] = IPPROTO_L2TP;
		pkt[15] = 64;
		inet_pton(AF_INET6, addr_a[fi], pkt + 16);
		inet_pton(AF_INET6, addr_c[fi], pkt + 32);
		memcpy(pkt + 48, l2tp, l2tp_len);
		len = 48 + l2tp_len;
		fd = socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6);
	} else {
		/* Destination unreachable, communication prohibited. */
		pkt[0] = 3;
		pkt[1] = 13;
		pkt[8] = 0x45;
		pkt[11] = 20 + l2tp_len;
		pkt[16] = 64;
		pkt[17] = IPPROTO_L2TP;
		inet_pton(AF_INET, addr_a[fi], pkt + 20);
		inet_pton(AF_INET, addr_c[fi], pkt + 24);
		memcpy(&pkt[18], &(uint16_t){ inet_csum(pkt + 8, 20) }, 2);
		memcpy(pkt + 28, l2tp, l2tp_len);
		len = 28 + l2tp_len;
		memcpy(&pkt[2], &(uint16_t){ inet_csum(pkt, len) }, 2);
		fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	}
	if (fd < 0)
		return -1;
	to.v4.l2tp_unused = 0;
	rc = sendto(fd, pkt, len, 0, &to.sa,
		    fi ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in));
	close(fd);
	return rc;
}

static void test_icmp_forged(int fi)
{
	static const uint8_t data8[8] = { 0, 0, 0x12, 0x34, 0, 0, 0, 0 };
	static const uint8_t ctrl8[8] = { 0, 0, 0, 0, 0xc8, 3, 0, 12 };
	const uint8_t ctrl_other[12] = { 0, 0, 0, 0, 0xc8, 3, 0, 12,
					 0, 0, 0x07, 0x07 };
	const uint8_t ctrl_mine[12] = { 0, 0, 0, 0, 0xc8, 3, 0, 12,
					0, 0, 1801 >> 8, 1801 & 0xff };
	const char *f = fam_name(fi);
	int fd, want = fi ? EACCES : EHOSTUNREACH, err;
	char what[128];

	snprintf(what, sizeof(what),
		 "%s forged ICMP: errors quoting 8 bytes reach the socket", f);
	if (!ours_only(what))
		return;
	fd = sock_bound(fi, addr_a[fi], 1800);
	do_connect(fd, fi, addr_c[fi], 1801);

	forge_icmp(fi, data8, sizeof(data8));
	err = wait_error(fd);
	result(err == want, "%s forged ICMP: a data frame quoted in 8 bytes (%s)",
	       f, err > 0 ? strerror(err) : "none");
	forge_icmp(fi, ctrl8, sizeof(ctrl8));
	err = wait_error(fd);
	result(err == want,
	       "%s forged ICMP: a control frame quoted without its conn id (%s)",
	       f, err > 0 ? strerror(err) : "none");
	forge_icmp(fi, ctrl_other, sizeof(ctrl_other));
	err = wait_error(fd);
	result(err == 0,
	       "%s forged ICMP: a control frame to another conn id is not ours",
	       f);
	forge_icmp(fi, ctrl_mine, sizeof(ctrl_mine));
	err = wait_error(fd);
	result(err == want,
	       "%s forged ICMP: a control frame to the peer's conn id (%s)", f,
	       err > 0 ? strerror(err) : "none");
	close(fd);
}

/* Frames no socket may see: too short, no T/L bits, unknown sessions. */
static void test_malformed(int fi)
{
	union l2tp_sa to = mk(fi, addr_b[fi], 0);
	const char *f = fam_name(fi);
	uint8_t buf[64] = { 0 };
	int raw, lis, n;
	bool ok = true;
	size_t len;

	raw = socket(fam_af(fi), SOCK_RAW, IPPROTO_L2TP);
	lis = sock_bound(fi, NULL, 0);
	if (raw < 0 || lis < 0) {
		result(false, "%s raw socket and listener", f);
		return;
	}
	for (n = 0; n < 20; n++)
		sendto(raw, buf, n, 0, &to.sa, sa_len(fi));
	buf[4] = 0xc8;
	buf[5] = 0x03;
	for (n = 4; n < 16; n++)
		sendto(raw, buf, n, 0, &to.sa, sa_len(fi));
	memset(buf, 0xff, 4);
	for (n = 4; n < 20; n++)
		sendto(raw, buf, n, 0, &to.sa, sa_len(fi));
	ok = quiet(lis);
	result(ok, "%s short, untyped and unknown-session frames are dropped", f);

	memset(buf, 0, 4);
	len = ctrl_frame(buf + 4, 0, "raw");
	sendto(raw, buf, 4 + len, 0, &to.sa, sa_len(fi));
	result(got_ctrl(lis, 0, "raw"), "%s ... a well-formed one is delivered", f);
	close(raw);
	close(lis);
}

/* ------------------------------------------------------------ tunnels */

static struct mnl_socket *nl;
static uint16_t l2tp_family;
static unsigned int nl_seq;

static int family_cb(const struct nlattr *a, void *data)
{
	if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID)
		*(uint16_t *)data = mnl_attr_get_u16(a);
	return MNL_CB_OK;
}

static int family_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	return mnl_attr_parse(nlh, sizeof(struct genlmsghdr), family_cb, data);
}

/* One request, its answer; returns 0 or the negative errno. */
static int nl_txn(uint16_t type, uint8_t cmd, mnl_cb_t cb, void *data,
		  void (*attrs)(struct nlmsghdr *nlh, void *arg), void *arg)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;
	unsigned int seq = ++nl_seq;
	int n, rc;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = 1;
	if (attrs)
		attrs(nlh, arg);
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

static void family_attrs(struct nlmsghdr *nlh, void *arg)
{
	(void)arg;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, L2TP_GENL_NAME);
}

struct tunnel_req {
	uint32_t id, peer_id;
	int fd;
};

static void tunnel_attrs(struct nlmsghdr *nlh, void *arg)
{
	struct tunnel_req *t = arg;

	mnl_attr_put_u32(nlh, L2TP_ATTR_CONN_ID, t->id);
	if (t->fd < -1)
		return;
	mnl_attr_put_u32(nlh, L2TP_ATTR_PEER_CONN_ID, t->peer_id);
	mnl_attr_put_u8(nlh, L2TP_ATTR_PROTO_VERSION, 3);
	mnl_attr_put_u16(nlh, L2TP_ATTR_ENCAP_TYPE, L2TP_ENCAPTYPE_IP);
	mnl_attr_put_u32(nlh, L2TP_ATTR_FD, t->fd);
}

static int tunnel_cmd(uint8_t cmd, uint32_t id, uint32_t peer_id, int fd)
{
	struct tunnel_req t = { .id = id, .peer_id = peer_id, .fd = fd };

	return nl_txn(l2tp_family, cmd, NULL, NULL, tunnel_attrs, &t);
}

static bool tunnel_exists(uint32_t id)
{
	return tunnel_cmd(L2TP_CMD_TUNNEL_GET, id, 0, -2) == 0;
}

static bool tunnel_gone(uint32_t id)
{
	int i;

	for (i = 0; i < 50; i++) {
		if (!tunnel_exists(id))
			return true;
		usleep(100000);
	}
	return false;
}

static void test_tunnel(int fi)
{
	const char *f = fam_name(fi);
	uint32_t id = 40 + fi;
	int fd, fd2, rc;

	fd = sock_bound(fi, addr_a[fi], id);
	do_connect(fd, fi, addr_b[fi], 50 + fi);
	rc = tunnel_cmd(L2TP_CMD_TUNNEL_CREATE, id, 50 + fi, fd);
	check_errno(rc, -rc, 0, "%s a managed IP tunnel on the socket", f);
	rc = tunnel_cmd(L2TP_CMD_TUNNEL_CREATE, id + 100, 50 + fi, fd);
	check_errno(rc, -rc, EBUSY,
		    "%s a second tunnel on the same socket is EBUSY", f);
	close(fd);
	result(tunnel_gone(id), "%s closing the socket deletes its tunnel", f);

	fd = sock_bound(fi, addr_a[fi], id);
	fd2 = sock_bound(fi, addr_b[fi], 50 + fi);
	do_connect(fd, fi, addr_b[fi], 50 + fi);
	rc = tunnel_cmd(L2TP_CMD_TUNNEL_CREATE, id, 50 + fi, fd);
	check_errno(rc, -rc, 0, "%s a managed IP tunnel again", f);
	rc = tunnel_cmd(L2TP_CMD_TUNNEL_DELETE, id, 0, -2);
	check_errno(rc, -rc, 0, "%s netlink deletes the tunnel", f);
	result(tunnel_gone(id), "%s ... it is gone", f);
	send_ctrl(fd, fi, NULL, 50 + fi, "still here");
	result(got_ctrl(fd2, 50 + fi, "still here"),
	       "%s the socket still sends control frames after the tunnel", f);
	close(fd);
	close(fd2);
}

static bool netlink_setup(void)
{
	nl = mnl_socket_open(NETLINK_GENERIC);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		return false;
	return !nl_txn(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, family_msg_cb,
		       &l2tp_family, family_attrs, NULL) && l2tp_family;
}

/* ------------------------------------------------------------ main */

int main(void)
{
	const char *mode = getenv("L2TP_MODE");
	int fi;

	if (mode && !strcmp(mode, "stock"))
		ours = false;
	setvbuf(stdout, NULL, _IOLBF, 0);
	diag("L2TPIP socket API, %s modules", ours ? "our" : "stock");

	for (fi = 0; fi < 2; fi++) {
		test_bind(fi);
		test_bind_race(fi);
		test_connect(fi);
		test_roundtrip(fi);
		test_send_after_sendto(fi);
		test_demux(fi);
		test_ipsec(fi);
		test_icmp(fi);
		test_icmp_forged(fi);
		test_malformed(fi);
	}
	if (netlink_setup()) {
		for (fi = 0; fi < 2; fi++)
			test_tunnel(fi);
	} else {
		result(false, "the l2tp generic netlink family resolves");
	}

	printf("# l2tp_ip_sock: pass:%d fail:%d skip:%d\n", tpass, tfail,
	       tskip);
	return tfail ? 1 : 0;
}
