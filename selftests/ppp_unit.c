// SPDX-License-Identifier: GPL-2.0
/*
 * One end of a PPP-over-L2TP link without pppd: the tunnel and session
 * sockets an L2TP daemon would make, and the PPP channel attached to a
 * fresh ppp unit through /dev/ppp, so that a pppN device carries IP at
 * once (no LCP: both ends run this program). Used by the lifetime tests
 * to tear the link down in every order while traffic flows.
 *
 *   ppp_unit -v 2|3 [-6] -l LOCAL -r PEER -p LPORT -P RPORT
 *            -t TID -T PTID -s SID -S PSID
 *   ppp_unit -v 3 [-6] -n -t TID -s SID -S PSID
 *
 * -n: the tunnel exists already (made with ip l2tp): connect only the
 * session socket. After setup the program prints "ready unit=N" and then
 * obeys commands on stdin, one per line, answering each with one line:
 *
 *   close udp|mgmt|session|chan|unit   close that descriptor
 *   hangup SECONDS     wait for the PPP channel to be hung up: "hangup"
 *                      or "alive"
 *   stats              "tx=N rx=N" from PPPIOCGL2TPSTATS on the session
 *   exit               leave (closing whatever is still open)
 */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/if_pppox.h>
#include <linux/if_pppol2tp.h>
#include <linux/ppp-ioctl.h>

enum { FD_UDP, FD_MGMT, FD_SESSION, FD_CHAN, FD_UNIT, FD_MAX };
static const char *const fd_names[FD_MAX] = {
	"udp", "mgmt", "session", "chan", "unit",
};
static int fds[FD_MAX] = { -1, -1, -1, -1, -1 };

struct opts {
	int version;
	bool v6;
	bool existing;
	const char *local, *peer;
	int lport, rport;
	unsigned int tid, ptid, sid, psid;
};

static void die(const char *what)
{
	fprintf(stderr, "ppp_unit: %s: %s\n", what, strerror(errno));
	exit(1);
}

static socklen_t fill_inet(const struct opts *o, const char *addr, int port,
			   struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (o->v6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		if (inet_pton(AF_INET6, addr, &s6->sin6_addr) != 1)
			die(addr);
		return sizeof(*s6);
	}
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

	s4->sin_family = AF_INET;
	s4->sin_port = htons(port);
	if (inet_pton(AF_INET, addr, &s4->sin_addr) != 1)
		die(addr);
	return sizeof(*s4);
}

static int udp_socket(const struct opts *o)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd;

	fd = socket(o->v6 ? AF_INET6 : AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		die("udp socket");
	len = fill_inet(o, o->local, o->lport, &ss);
	if (bind(fd, (struct sockaddr *)&ss, len))
		die("udp bind");
	len = fill_inet(o, o->peer, o->rport, &ss);
	if (connect(fd, (struct sockaddr *)&ss, len))
		die("udp connect");
	return fd;
}

/* Connect a PPPoL2TP socket with the sockaddr variant of version/family. */
static int pppol2tp_connect(const struct opts *o, int tunnel_fd,
			    unsigned int sid, unsigned int psid)
{
	union {
		struct sockaddr_pppol2tp v2;
		struct sockaddr_pppol2tpin6 v2in6;
		struct sockaddr_pppol2tpv3 v3;
		struct sockaddr_pppol2tpv3in6 v3in6;
	} sa;
	socklen_t len;
	int fd;

	memset(&sa, 0, sizeof(sa));
#define FILL(s) do {						\
	(s).sa_family = AF_PPPOX;				\
	(s).sa_protocol = PX_PROTO_OL2TP;			\
	(s).pppol2tp.fd = tunnel_fd;				\
	(s).pppol2tp.s_tunnel = o->tid;				\
	(s).pppol2tp.d_tunnel = o->ptid;			\
	(s).pppol2tp.s_session = sid;				\
	(s).pppol2tp.d_session = psid;				\
	len = sizeof(s);					\
} while (0)
	if (o->version == 2 && !o->v6)
		FILL(sa.v2);
	else if (o->version == 2)
		FILL(sa.v2in6);
	else if (!o->v6)
		FILL(sa.v3);
	else
		FILL(sa.v3in6);
#undef FILL

	fd = socket(AF_PPPOX, SOCK_DGRAM, PX_PROTO_OL2TP);
	if (fd < 0)
		die("pppox socket");
	if (connect(fd, (struct sockaddr *)&sa, len))
		die(sid || psid ? "connect session" : "connect tunnel");
	return fd;
}

/* Attach the session's channel to a new ppp unit; returns the unit. */
static int ppp_attach(void)
{
	int chan, unit = -1;

	if (ioctl(fds[FD_SESSION], PPPIOCGCHAN, &chan))
		die("PPPIOCGCHAN");
	fds[FD_CHAN] = open("/dev/ppp", O_RDWR);
	if (fds[FD_CHAN] < 0)
		die("/dev/ppp");
	if (ioctl(fds[FD_CHAN], PPPIOCATTCHAN, &chan))
		die("PPPIOCATTCHAN");
	fds[FD_UNIT] = open("/dev/ppp", O_RDWR);
	if (fds[FD_UNIT] < 0)
		die("/dev/ppp");
	if (ioctl(fds[FD_UNIT], PPPIOCNEWUNIT, &unit))
		die("PPPIOCNEWUNIT");
	if (ioctl(fds[FD_CHAN], PPPIOCCONNECT, &unit))
		die("PPPIOCCONNECT");
	return unit;
}

static void cmd_close(const char *name)
{
	for (int i = 0; i < FD_MAX; i++) {
		if (strcmp(name, fd_names[i]))
			continue;
		if (fds[i] >= 0)
			close(fds[i]);
		fds[i] = -1;
		printf("closed %s\n", name);
		return;
	}
	printf("error unknown descriptor %s\n", name);
}

/* ppp_generic reports a channel whose socket let it go with POLLHUP. */
static void cmd_hangup(int seconds)
{
	struct pollfd p = { .fd = fds[FD_CHAN], .events = POLLIN };
	int n;

	if (p.fd < 0) {
		printf("error no channel\n");
		return;
	}
	n = poll(&p, 1, seconds * 1000);
	printf("%s\n", n > 0 && (p.revents & POLLHUP) ? "hangup" : "alive");
}

static void cmd_stats(void)
{
	struct pppol2tp_ioc_stats st;

	memset(&st, 0, sizeof(st));
	if (ioctl(fds[FD_SESSION], PPPIOCGL2TPSTATS, &st))
		printf("error %s\n", strerror(errno));
	else
		printf("tx=%llu rx=%llu\n", (unsigned long long)st.tx_packets,
		       (unsigned long long)st.rx_packets);
}

static void usage(void)
{
	fprintf(stderr, "usage: ppp_unit -v 2|3 [-6] [-n] -l LOCAL -r PEER -p LPORT -P RPORT -t TID -T PTID -s SID -S PSID\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct opts o = { .version = 2 };
	char line[128];
	int c, unit;

	while ((c = getopt(argc, argv, "v:6nl:r:p:P:t:T:s:S:")) != -1) {
		switch (c) {
		case 'v': o.version = atoi(optarg); break;
		case '6': o.v6 = true; break;
		case 'n': o.existing = true; break;
		case 'l': o.local = optarg; break;
		case 'r': o.peer = optarg; break;
		case 'p': o.lport = atoi(optarg); break;
		case 'P': o.rport = atoi(optarg); break;
		case 't': o.tid = strtoul(optarg, NULL, 0); break;
		case 'T': o.ptid = strtoul(optarg, NULL, 0); break;
		case 's': o.sid = strtoul(optarg, NULL, 0); break;
		case 'S': o.psid = strtoul(optarg, NULL, 0); break;
		default: usage();
		}
	}
	if (!o.tid || !o.sid || (!o.existing && (!o.local || !o.peer)))
		usage();

	if (!o.existing) {
		fds[FD_UDP] = udp_socket(&o);
		fds[FD_MGMT] = pppol2tp_connect(&o, fds[FD_UDP], 0, 0);
	}
	fds[FD_SESSION] = pppol2tp_connect(&o, -1, o.sid, o.psid);
	unit = ppp_attach();
	printf("ready unit=%d\n", unit);
	fflush(stdout);

	while (fgets(line, sizeof(line), stdin)) {
		char arg[32] = "";

		line[strcspn(line, "\n")] = 0;
		if (sscanf(line, "close %31s", arg) == 1)
			cmd_close(arg);
		else if (sscanf(line, "hangup %31s", arg) == 1)
			cmd_hangup(atoi(arg));
		else if (!strcmp(line, "stats"))
			cmd_stats();
		else if (!strcmp(line, "exit"))
			break;
		else
			printf("error unknown command\n");
		fflush(stdout);
	}
	return 0;
}
