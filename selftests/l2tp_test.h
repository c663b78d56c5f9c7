/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the C test programs share: KTAP output, errno checks and a small
 * genetlink client (libmnl) for the "l2tp" family.  Header-only, so each
 * program stays one .c file; every function is static and may go unused.
 *
 * KTAP: call ktap_result()/CHECK() per check, ktap_finish() at the end
 * (prints the plan and returns the exit status).  Set ktap_ours = false
 * in oracle mode (L2TP_MODE=stock): ktap_ours_only() then records a SKIP
 * for a check of behaviour upstream lacks.
 */
#ifndef L2TP_TEST_H
#define L2TP_TEST_H

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/time.h>
#include <unistd.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/l2tp.h>

#define __printf(f, a)	__attribute__((format(printf, f, a)))
#define __maybe_unused	__attribute__((unused))
#define __aligned(n)	__attribute__((aligned(n)))
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

/* ------------------------------------------------------------------ KTAP */

static bool ktap_ours = true;
static int ktap_num, ktap_pass, ktap_fail, ktap_skips;

/* True unless L2TP_MODE says the stock modules are loaded. */
static __maybe_unused bool ktap_mode_is_ours(void)
{
	const char *m = getenv("L2TP_MODE");

	return !m || strcmp(m, "stock");
}

static __maybe_unused void ktap_diag(const char *fmt, ...) __printf(1, 2);
static __maybe_unused void ktap_diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static __maybe_unused bool ktap_vresult(bool ok, const char *fmt, va_list ap)
{
	ktap_num++;
	if (ok)
		ktap_pass++;
	else
		ktap_fail++;
	printf("%s %d - ", ok ? "ok" : "not ok", ktap_num);
	vprintf(fmt, ap);
	putchar('\n');
	fflush(stdout);
	return ok;
}

static __maybe_unused bool ktap_result(bool ok, const char *fmt, ...)
	__printf(2, 3);
static __maybe_unused bool ktap_result(bool ok, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ok = ktap_vresult(ok, fmt, ap);
	va_end(ap);
	return ok;
}

static __maybe_unused void ktap_skip(const char *reason, const char *what)
{
	ktap_num++;
	ktap_skips++;
	printf("ok %d - %s # SKIP %s\n", ktap_num, what, reason);
	fflush(stdout);
}

/* Gate of a check of what only our modules do: a SKIP against stock. */
static __maybe_unused bool ktap_ours_only(const char *what)
{
	if (ktap_ours)
		return true;
	ktap_skip("beyond upstream", what);
	return false;
}

/* @rc is a syscall's result: want failure with errno @want, or success
 * when @want is 0.
 */
static __maybe_unused bool ktap_errno(long rc, int err, int want,
				      const char *fmt, ...) __printf(4, 5);
static __maybe_unused bool ktap_errno(long rc, int err, int want,
				      const char *fmt, ...)
{
	char desc[256];
	va_list ap;
	bool ok;

	va_start(ap, fmt);
	vsnprintf(desc, sizeof(desc), fmt, ap);
	va_end(ap);
	ok = want ? rc < 0 && err == want : rc >= 0;
	ktap_result(ok, "%s", desc);
	if (!ok)
		ktap_diag("got rc %ld errno %d (%s), want %s", rc,
			  rc < 0 ? err : 0, rc < 0 ? strerror(err) : "-",
			  want ? strerror(want) : "success");
	return ok;
}

#define CHECK(call, want, ...) ({					\
	long __rc = (call);						\
	ktap_errno(__rc, errno, (want), __VA_ARGS__);			\
})

/* Print the plan and the totals; the exit status for main(). */
static __maybe_unused int ktap_finish(void)
{
	printf("1..%d\n", ktap_num);
	printf("# totals: pass:%d fail:%d skip:%d\n", ktap_pass, ktap_fail,
	       ktap_skips);
	fflush(stdout);
	return ktap_fail ? 1 : 0;
}

/* Write @s to a proc, sys or tracefs file; a failure is reported. */
static __maybe_unused bool write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	bool ok = fd >= 0 && write(fd, s, strlen(s)) == (ssize_t)strlen(s);

	if (!ok)
		ktap_diag("write %s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	return ok;
}

static __maybe_unused void msleep(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* -------------------------------------------------------------- netlink */

/* One genetlink socket with its buffers; one per thread. */
struct l2tp_nl {
	struct mnl_socket *sk;
	uint16_t family;
	uint32_t seq;
	char rx[32768] __aligned(8);
	char tx[4096] __aligned(8);
	char reply[8192] __aligned(8);	/* first data message of a reply */
	bool has_reply;
};

/*
 * Send @nlh and read until its ack or, for a dump, its NLMSG_DONE; @cb
 * (if any) sees each data message of the answer. 0 or the positive errno
 * (of the ack, or the one a failed dump puts in NLMSG_DONE).
 */
static __maybe_unused int
l2tp_nl_run(struct l2tp_nl *c, struct nlmsghdr *nlh,
	    void (*cb)(const struct nlmsghdr *m, void *arg), void *arg)
{
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
			if (m->nlmsg_type == NLMSG_DONE) {
				const int *e = mnl_nlmsg_get_payload(m);

				return m->nlmsg_len >= NLMSG_LENGTH(4) && *e < 0 ?
				       -*e : 0;
			}
			if (cb)
				cb(m, arg);
		}
	}
}

static void l2tp_nl_keep_reply(const struct nlmsghdr *m, void *arg)
{
	struct l2tp_nl *c = arg;

	if (!c->has_reply && m->nlmsg_len <= sizeof(c->reply)) {
		memcpy(c->reply, m, m->nlmsg_len);
		c->has_reply = true;
	}
}

/* Send @nlh and read until its ack: 0 or the positive errno; the first
 * data message of the answer is kept in c->reply.
 */
static __maybe_unused int l2tp_nl_txn(struct l2tp_nl *c, struct nlmsghdr *nlh)
{
	c->has_reply = false;
	return l2tp_nl_run(c, nlh, l2tp_nl_keep_reply, c);
}

/* A genetlink request header for @cmd of family @type in c->tx. */
static __maybe_unused struct nlmsghdr *
l2tp_nl_start(struct l2tp_nl *c, uint16_t type, uint8_t cmd)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(c->tx);
	struct genlmsghdr *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = ++c->seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = L2TP_GENL_VERSION;
	return nlh;
}

/* An l2tp request for @cmd (c->family must be resolved). */
static __maybe_unused struct nlmsghdr *l2tp_nl_req(struct l2tp_nl *c,
						   uint8_t cmd)
{
	return l2tp_nl_start(c, c->family, cmd);
}

static int l2tp_nl_family_cb(const struct nlattr *a, void *data)
{
	if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID)
		*(uint16_t *)data = mnl_attr_get_u16(a);
	return MNL_CB_OK;
}

/* Open the socket (receive timeout @timeout_s) and resolve the family:
 * 0 or the positive errno (ENOENT: no l2tp family registered).
 */
static __maybe_unused int l2tp_nl_open(struct l2tp_nl *c, int timeout_s)
{
	struct timeval tv = { .tv_sec = timeout_s };
	struct nlmsghdr *nlh;
	int err;

	memset(c, 0, sizeof(*c));
	c->sk = mnl_socket_open(NETLINK_GENERIC);
	if (!c->sk)
		return errno;
	if (mnl_socket_bind(c->sk, 0, MNL_SOCKET_AUTOPID) < 0) {
		err = errno;
		mnl_socket_close(c->sk);
		c->sk = NULL;
		return err;
	}
	setsockopt(mnl_socket_get_fd(c->sk), SOL_SOCKET, SO_RCVTIMEO,
		   &tv, sizeof(tv));
	c->seq = time(NULL);
	nlh = l2tp_nl_start(c, GENL_ID_CTRL, CTRL_CMD_GETFAMILY);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, L2TP_GENL_NAME);
	err = l2tp_nl_txn(c, nlh);
	if (!err && !c->has_reply)
		err = ENOENT;
	if (!err)
		mnl_attr_parse((struct nlmsghdr *)c->reply,
			       sizeof(struct genlmsghdr), l2tp_nl_family_cb,
			       &c->family);
	return err;
}

static __maybe_unused void l2tp_nl_close(struct l2tp_nl *c)
{
	if (c->sk)
		mnl_socket_close(c->sk);
	c->sk = NULL;
}

#endif /* L2TP_TEST_H */
