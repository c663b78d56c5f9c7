// SPDX-License-Identifier: GPL-2.0
/*
 * l2tp_scale: many sessions in one tunnel, checked for correctness (never
 * for time): every SESSION_CREATE succeeds, a dump that spans thousands
 * of messages returns each session exactly once, data packets reach the
 * first, a middle and the last session (receive lookup at scale), and
 * one TUNNEL_DELETE takes them all.
 *
 *   l2tp_scale COUNT
 *
 * The sessions are of pseudowire type PPP, made through netlink without
 * a socket, so no netdev is created per session. The tunnel is an
 * unmanaged L2TPv3 UDP tunnel on 127.0.0.1:6001 -> 127.0.0.1:6002; data
 * is sent from a UDP socket bound to the peer's port. Requests are sent
 * in batches of up to BATCH messages per system call. Output is KTAP.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
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

#define TID		4000
#define PTID		4001
#define LPORT		6001
#define RPORT		6002
#define BATCH		200

static struct mnl_socket *nl;
static uint16_t family;
static unsigned int seq = 1;
static int tnum, failed;

static void result(bool ok, const char *what)
{
	printf("%s %d - %s\n", ok ? "ok" : "not ok", ++tnum, what);
	if (!ok)
		failed++;
}

static void die(const char *what)
{
	printf("not ok %d - %s: %s\n", ++tnum, what, strerror(errno));
	printf("# l2tp_scale: fatal\n");
	exit(1);
}

static struct nlmsghdr *put_genl(char *buf, uint16_t type, uint8_t cmd,
				 uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = seq++;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = type == GENL_ID_CTRL ? 1 : L2TP_GENL_VERSION;
	return nlh;
}

static int family_attr(const struct nlattr *a, void *data)
{
	if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID)
		*(uint16_t *)data = mnl_attr_get_u16(a);
	return MNL_CB_OK;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	return mnl_attr_parse(nlh, sizeof(struct genlmsghdr), family_attr,
			      data);
}

/* Send what is in buf and read replies until every ack has come. */
static int exchange(char *buf, size_t len, unsigned int acks,
		    mnl_cb_t cb, void *data)
{
	static char rx[32768];
	int errors = 0, n;

	if (mnl_socket_sendto(nl, buf, len) < 0)
		die("sendto");
	while (acks) {
		struct nlmsghdr *nlh;

		n = mnl_socket_recvfrom(nl, rx, sizeof(rx));
		if (n < 0)
			die("recvfrom");
		for (nlh = (struct nlmsghdr *)rx; mnl_nlmsg_ok(nlh, n);
		     nlh = mnl_nlmsg_next(nlh, &n)) {
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

				if (e->error)
					errors++;
				acks--;
			} else if (nlh->nlmsg_type == NLMSG_DONE) {
				acks--;
			} else if (cb) {
				cb(nlh, data);
			}
		}
	}
	return errors;
}

static void resolve_family(void)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;

	nlh = put_genl(buf, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, NLM_F_ACK);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, L2TP_GENL_NAME);
	exchange(buf, nlh->nlmsg_len, 1, family_cb, &family);
	if (!family) {
		errno = ENOENT;
		die("l2tp genl family");
	}
}

static int tunnel_create(void)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;

	nlh = put_genl(buf, family, L2TP_CMD_TUNNEL_CREATE, NLM_F_ACK);
	mnl_attr_put_u32(nlh, L2TP_ATTR_CONN_ID, TID);
	mnl_attr_put_u32(nlh, L2TP_ATTR_PEER_CONN_ID, PTID);
	mnl_attr_put_u8(nlh, L2TP_ATTR_PROTO_VERSION, 3);
	mnl_attr_put_u16(nlh, L2TP_ATTR_ENCAP_TYPE, L2TP_ENCAPTYPE_UDP);
	mnl_attr_put_u32(nlh, L2TP_ATTR_IP_SADDR, htonl(INADDR_LOOPBACK));
	mnl_attr_put_u32(nlh, L2TP_ATTR_IP_DADDR, htonl(INADDR_LOOPBACK));
	mnl_attr_put_u16(nlh, L2TP_ATTR_UDP_SPORT, LPORT);
	mnl_attr_put_u16(nlh, L2TP_ATTR_UDP_DPORT, RPORT);
	return exchange(buf, nlh->nlmsg_len, 1, NULL, NULL);
}

/* Sessions 1..count, BATCH requests per system call; returns failures. */
static int sessions_create(unsigned int count)
{
	static char buf[BATCH * 128];
	unsigned int id = 1, n;
	int errors = 0;

	while (id <= count) {
		size_t len = 0;

		for (n = 0; n < BATCH && id <= count; n++, id++) {
			struct nlmsghdr *nlh;

			nlh = put_genl(buf + len, family,
				       L2TP_CMD_SESSION_CREATE, NLM_F_ACK);
			mnl_attr_put_u32(nlh, L2TP_ATTR_CONN_ID, TID);
			mnl_attr_put_u32(nlh, L2TP_ATTR_SESSION_ID, id);
			mnl_attr_put_u32(nlh, L2TP_ATTR_PEER_SESSION_ID, id);
			mnl_attr_put_u16(nlh, L2TP_ATTR_PW_TYPE,
					 L2TP_PWTYPE_PPP);
			mnl_attr_put_u8(nlh, L2TP_ATTR_L2SPEC_TYPE,
					L2TP_L2SPECTYPE_NONE);
			len += NLMSG_ALIGN(nlh->nlmsg_len);
		}
		errors += exchange(buf, len, n, NULL, NULL);
	}
	return errors;
}

struct dump_state {
	unsigned char *seen;
	unsigned int count;
	unsigned int total, dups, strays, msgs;
	uint64_t rx_of[3];
	uint32_t rx_ids[3];
};

static int stats_attr(const struct nlattr *a, void *data)
{
	if (mnl_attr_get_type(a) == L2TP_ATTR_RX_PACKETS)
		*(uint64_t *)data = mnl_attr_get_u64(a);
	return MNL_CB_OK;
}

struct sess_attrs {
	uint32_t tid, sid;
	uint64_t rx;
};

static int session_attr(const struct nlattr *a, void *data)
{
	struct sess_attrs *s = data;

	switch (mnl_attr_get_type(a)) {
	case L2TP_ATTR_CONN_ID:
		s->tid = mnl_attr_get_u32(a);
		break;
	case L2TP_ATTR_SESSION_ID:
		s->sid = mnl_attr_get_u32(a);
		break;
	case L2TP_ATTR_STATS:
		mnl_attr_parse_nested(a, stats_attr, &s->rx);
		break;
	}
	return MNL_CB_OK;
}

static int dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump_state *d = data;
	struct sess_attrs s = { 0 };
	int i;

	d->msgs++;
	mnl_attr_parse(nlh, sizeof(struct genlmsghdr), session_attr, &s);
	if (s.tid != TID || !s.sid || s.sid > d->count) {
		d->strays++;
		return MNL_CB_OK;
	}
	d->total++;
	if (d->seen[s.sid])
		d->dups++;
	d->seen[s.sid] = 1;
	for (i = 0; i < 3; i++)
		if (d->rx_ids[i] == s.sid)
			d->rx_of[i] = s.rx;
	return MNL_CB_OK;
}

static void sessions_dump(struct dump_state *d)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;

	memset(d->seen, 0, d->count + 1);
	d->total = d->dups = d->strays = d->msgs = 0;
	nlh = put_genl(buf, family, L2TP_CMD_SESSION_GET, NLM_F_DUMP);
	exchange(buf, nlh->nlmsg_len, 1, dump_cb, d);
}

/* One L2TPv3 data packet to session @sid, from the peer's address. */
static void send_data(int fd, uint32_t sid)
{
	unsigned char pkt[16] = { 0x00, 0x03, 0x00, 0x00 };
	struct sockaddr_in to = {
		.sin_family = AF_INET,
		.sin_port = htons(LPORT),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};

	pkt[4] = sid >> 24;
	pkt[5] = sid >> 16;
	pkt[6] = sid >> 8;
	pkt[7] = sid;
	memcpy(pkt + 8, "\xff\x03\xc0\x21\x09\x00\x00\x04", 8);
	if (sendto(fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&to,
		   sizeof(to)) != sizeof(pkt))
		die("sendto data");
}

int main(int argc, char **argv)
{
	struct sockaddr_in peer = {
		.sin_family = AF_INET,
		.sin_port = htons(RPORT),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	struct dump_state d = { 0 };
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	char what[160];
	int fd, errors, i;

	d.count = argc > 1 ? strtoul(argv[1], NULL, 0) : 100000;
	d.seen = calloc(d.count + 1, 1);
	d.rx_ids[0] = 1;
	d.rx_ids[1] = d.count / 2 + 1;
	d.rx_ids[2] = d.count;

	nl = mnl_socket_open(NETLINK_GENERIC);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		die("netlink socket");
	resolve_family();

	result(tunnel_create() == 0, "TUNNEL_CREATE of the unmanaged UDP tunnel");
	errors = sessions_create(d.count);
	snprintf(what, sizeof(what), "%u SESSION_CREATE requests succeed (%d failed)",
		 d.count, errors);
	result(errors == 0, what);

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&peer, sizeof(peer)))
		die("data socket");
	for (i = 0; i < 3; i++)
		send_data(fd, d.rx_ids[i]);
	/* Loopback delivery is synchronous to sendto(), but be generous. */
	usleep(200 * 1000);

	sessions_dump(&d);
	snprintf(what, sizeof(what),
		 "the dump returns every session once: %u of %u, %u duplicates, %u strays",
		 d.total, d.count, d.dups, d.strays);
	result(d.total == d.count && !d.dups && !d.strays, what);
	printf("# dump: %u messages\n", d.msgs);
	snprintf(what, sizeof(what),
		 "data reached sessions %u, %u and %u: rx_packets %llu %llu %llu",
		 d.rx_ids[0], d.rx_ids[1], d.rx_ids[2],
		 (unsigned long long)d.rx_of[0], (unsigned long long)d.rx_of[1],
		 (unsigned long long)d.rx_of[2]);
	result(d.rx_of[0] == 1 && d.rx_of[1] == 1 && d.rx_of[2] == 1, what);

	nlh = put_genl(buf, family, L2TP_CMD_TUNNEL_DELETE, NLM_F_ACK);
	mnl_attr_put_u32(nlh, L2TP_ATTR_CONN_ID, TID);
	result(exchange(buf, nlh->nlmsg_len, 1, NULL, NULL) == 0,
	       "TUNNEL_DELETE of the tunnel with all its sessions");

	/* Upstream deletes in a work item: wait for the sessions to go. */
	for (i = 0; i < 600; i++) {
		sessions_dump(&d);
		if (!d.total)
			break;
		usleep(100 * 1000);
	}
	snprintf(what, sizeof(what), "no session is left (%u)", d.total);
	result(d.total == 0, what);

	close(fd);
	mnl_socket_close(nl);
	printf("# l2tp_scale: pass:%d fail:%d\n", tnum - failed, failed);
	return failed ? 1 : 0;
}
