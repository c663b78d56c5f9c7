// SPDX-License-Identifier: GPL-2.0-only
/*
 * /sys/kernel/debug/l2tp/tunnels: a human-readable listing of every
 * tunnel of the reader's network namespace, each followed by its
 * sessions, with configuration and counters. The text format is the
 * stock module's (see Documentation/debugfs.rst) because people grep
 * it; programs should use the generic netlink family instead.
 *
 * This file owns only the walk and the formatting. The objects, their
 * counters and the per-pseudowire detail lines (->show) come from
 * l2tp_core and the pseudowire modules.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/in.h>
#include <linux/ipv6.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/nsproxy.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <net/inet_sock.h>
#include <net/ipv6.h>
#include <net/net_namespace.h>
#include <net/sock.h>

#include "l2tp_core.h"

/**
 * DOC: walking tunnels and sessions across read() calls
 *
 * The listing is a sequence of records: the legend, then for every
 * tunnel in id order one tunnel record followed by one record per
 * session of it, in session id order. Tunnels and sessions come and go
 * while a reader is between two read() calls, so the iterator keeps no
 * pointer across them, only the position it reached: the ids of the
 * current tunnel and session and whether it stands on the tunnel record
 * or on a session record. References are taken by ->start/->next and
 * dropped by ->stop; every ->start looks the objects up again with the
 * core's get_next helpers, which return the object with the smallest
 * id not below the key. If the object the reader stood on has gone,
 * the walk thus resumes with whatever follows it, and a new object is
 * listed if its id lies ahead of the reader.
 */

/**
 * struct l2tp_dfs_iter - state of one open file
 * @net: the namespace listed: the opener's, held until release
 * @ns_tracker: tracks the @net reference
 * @pos: seq_file position of the current record (0 is the legend)
 * @tkey: id of the current tunnel
 * @skey: id of the current session, when @in_session
 * @in_session: the current record is a session of @tkey, not @tkey itself
 * @tunnel: the current tunnel, referenced between ->start and ->stop
 * @session: the current session, likewise
 */
struct l2tp_dfs_iter {
	struct net *net;
	netns_tracker ns_tracker;
	loff_t pos;
	u32 tkey;
	u32 skey;
	bool in_session;
	struct l2tp_tunnel *tunnel;
	struct l2tp_session *session;
};

static struct dentry *l2tp_dfs_dir;

static void l2tp_dfs_drop_refs(struct l2tp_dfs_iter *it)
{
	if (it->session) {
		l2tp_session_put(it->session);
		it->session = NULL;
	}
	if (it->tunnel) {
		l2tp_tunnel_put(it->tunnel);
		it->tunnel = NULL;
	}
}

/*
 * Look up the record the keys point at, or the first one after it, and
 * take references on it. Return: @it, or NULL past the last record.
 */
static struct l2tp_dfs_iter *l2tp_dfs_find(struct l2tp_dfs_iter *it)
{
	l2tp_dfs_drop_refs(it);

	for (;;) {
		u32 wanted = it->tkey;

		it->tunnel = l2tp_tunnel_get_next(it->net, &it->tkey);
		if (!it->tunnel)
			return NULL;
		if (it->tkey != wanted) {
			/* That tunnel went away: stand on the next one. */
			it->in_session = false;
			it->skey = 0;
		}
		if (!it->in_session)
			return it;

		it->skey = max(it->skey, l2tp_session_list_min(it->tunnel));
		it->session = l2tp_session_get_next(it->tunnel, &it->skey);
		if (it->session)
			return it;

		/* No session left: on to the next tunnel's own record. */
		l2tp_tunnel_put(it->tunnel);
		it->tunnel = NULL;
		if (it->tkey == U32_MAX)
			return NULL;
		it->tkey++;
		it->in_session = false;
		it->skey = 0;
	}
}

/* Step from the current record to the next one. */
static struct l2tp_dfs_iter *l2tp_dfs_advance(struct l2tp_dfs_iter *it)
{
	it->pos++;
	if (!it->in_session) {
		it->in_session = true;
		it->skey = 0;
	} else if (it->skey == U32_MAX) {
		if (it->tkey == U32_MAX)
			return NULL;
		it->tkey++;
		it->in_session = false;
	} else {
		it->skey++;
	}
	return l2tp_dfs_find(it);
}

static void l2tp_dfs_rewind(struct l2tp_dfs_iter *it)
{
	it->pos = 1;
	it->tkey = 0;
	it->skey = 0;
	it->in_session = false;
}

static void *l2tp_dfs_seq_start(struct seq_file *m, loff_t *pos)
{
	struct l2tp_dfs_iter *it = m->private;
	struct l2tp_dfs_iter *found;

	if (*pos == 0)
		return SEQ_START_TOKEN;

	/* Usually *pos is the record the last read stopped before. */
	if (it->pos == 0 || *pos < it->pos)
		l2tp_dfs_rewind(it);
	found = l2tp_dfs_find(it);
	while (found && it->pos < *pos)
		found = l2tp_dfs_advance(it);
	return found;
}

static void *l2tp_dfs_seq_next(struct seq_file *m, void *v, loff_t *pos)
{
	struct l2tp_dfs_iter *it = m->private;

	++*pos;
	if (v == SEQ_START_TOKEN) {
		l2tp_dfs_rewind(it);
		return l2tp_dfs_find(it);
	}
	return l2tp_dfs_advance(it);
}

static void l2tp_dfs_seq_stop(struct seq_file *m, void *v)
{
	l2tp_dfs_drop_refs(m->private);
}

/* Sessions of the legacy PPPoL2TP tunnel socket (id 0) are not counted. */
static unsigned int l2tp_dfs_session_count(struct l2tp_tunnel *tunnel)
{
	unsigned int count = READ_ONCE(tunnel->session_count);
	struct l2tp_session *session;

	session = l2tp_tunnel_get_session(tunnel, 0);
	if (session) {
		l2tp_session_put(session);
		if (count)
			count--;
	}
	return count;
}

static void l2tp_dfs_show_addresses(struct seq_file *m,
				    const struct l2tp_tunnel *tunnel)
{
	const struct sock *sk = tunnel->sock;
	const struct inet_sock *inet = inet_sk(sk);

#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6)
		seq_printf(m, " from %pI6c to %pI6c\n",
			   &inet6_sk(sk)->saddr, &sk->sk_v6_daddr);
#endif
	if (sk->sk_family == AF_INET)
		seq_printf(m, " from %pI4 to %pI4\n",
			   &inet->inet_saddr, &inet->inet_daddr);
	if (tunnel->encap == L2TP_ENCAPTYPE_UDP)
		seq_printf(m, " source port %u, dest port %u\n",
			   ntohs(inet->inet_sport), ntohs(inet->inet_dport));
}

static void l2tp_dfs_show_tunnel(struct seq_file *m, struct l2tp_tunnel *tunnel)
{
	struct l2tp_stats_snapshot st;
	const char *encap = "";

	if (tunnel->encap == L2TP_ENCAPTYPE_UDP)
		encap = "UDP";
	else if (tunnel->encap == L2TP_ENCAPTYPE_IP)
		encap = "IP";

	seq_printf(m, "\nTUNNEL %u peer %u",
		   tunnel->tunnel_id, tunnel->peer_tunnel_id);
	if (tunnel->sock)
		l2tp_dfs_show_addresses(m, tunnel);
	seq_printf(m, " L2TPv%d, %s\n", tunnel->version, encap);
	seq_printf(m, " %u sessions, refcnt %u/%u\n",
		   l2tp_dfs_session_count(tunnel),
		   tunnel->sock ? refcount_read(&tunnel->sock->sk_refcnt) : 0,
		   refcount_read(&tunnel->refcount));

	/* The stock 6.12 module labels the first group "rx" as well; see
	 * Documentation/debugfs.rst for why this one says "tx".
	 */
	l2tp_stats_read(&tunnel->stats, &st);
	seq_printf(m, " %08x tx %llu/%llu/%llu rx %llu/%llu/%llu\n", 0,
		   st.tx_packets, st.tx_bytes, st.tx_errors,
		   st.rx_packets, st.rx_bytes, st.rx_errors);
}

static void l2tp_dfs_show_cookie(struct seq_file *m, const char *label,
				 const u8 *cookie, int len)
{
	if (!len)
		return;
	/* Only the 4 and 8 byte forms exist on the wire; stock prints the
	 * first 4 bytes, then 4 more only for an 8-byte cookie.
	 */
	seq_printf(m, "   %s %4phN", label, cookie);
	if (len == 8)
		seq_printf(m, "%4phN", cookie + 4);
	seq_putc(m, '\n');
}

static void l2tp_dfs_show_session(struct seq_file *m,
				  struct l2tp_session *session)
{
	u8 recv_seq = READ_ONCE(session->recv_seq);
	u8 send_seq = READ_ONCE(session->send_seq);
	struct l2tp_stats_snapshot st;
	const char *pw = "";
	u32 nr, ns;

	if (session->pwtype == L2TP_PWTYPE_ETH)
		pw = "ETH";
	else if (session->pwtype == L2TP_PWTYPE_PPP)
		pw = "PPP";

	/* Unlocked reads: a snapshot for humans. The core counts ns freely
	 * and masks it to the sequence space when it builds a header.
	 */
	nr = READ_ONCE(session->nr);
	ns = (u32)atomic_read(&session->ns) & session->nr_max;

	seq_printf(m, "  SESSION %u, peer %u, %s\n",
		   session->session_id, session->peer_session_id, pw);
	if (recv_seq || send_seq)
		seq_printf(m, "   nr %u, ns %u\n", nr, ns);
	seq_printf(m, "   refcnt %u\n", refcount_read(&session->refcount));
	seq_printf(m, "   config 0/0/%c/%c/-/%s %08x %u\n",
		   recv_seq ? 'R' : '-', send_seq ? 'S' : '-',
		   READ_ONCE(session->lns_mode) ? "LNS" : "LAC", 0,
		   jiffies_to_msecs(READ_ONCE(session->reorder_timeout)));
	seq_printf(m, "   offset 0 l2specific %u/%d\n",
		   session->l2specific_type,
		   session->l2specific_type == L2TP_L2SPECTYPE_DEFAULT ?
		   L2TP_V3_SUBLAYER_LEN : 0);
	l2tp_dfs_show_cookie(m, "cookie", session->cookie,
			     session->cookie_len);
	l2tp_dfs_show_cookie(m, "peer cookie", session->peer_cookie,
			     session->peer_cookie_len);

	l2tp_stats_read(&session->stats, &st);
	seq_printf(m, "   %u/%u tx %llu/%llu/%llu rx %llu/%llu/%llu\n",
		   nr, ns, st.tx_packets, st.tx_bytes, st.tx_errors,
		   st.rx_packets, st.rx_bytes, st.rx_errors);

	if (session->ops && session->ops->show)
		session->ops->show(m, session);
}

/* The legend, as the stock module prints it (11 lines). */
static const char l2tp_dfs_legend[] =
	"TUNNEL ID, peer ID from IP to IP\n"
	" L2TPv2/L2TPv3, UDP/IP\n"
	" sessions session-count, refcnt refcnt/sk->refcnt\n"
	" debug tx-pkts/bytes/errs rx-pkts/bytes/errs\n"
	"  SESSION ID, peer ID, PWTYPE\n"
	"   refcnt cnt\n"
	"   offset OFFSET l2specific TYPE/LEN\n"
	"   [ cookie ]\n"
	"   [ peer cookie ]\n"
	"   config mtu/mru/rcvseq/sendseq/dataseq/lns debug reorderto\n"
	"   nr/ns tx-pkts/bytes/errs rx-pkts/bytes/errs\n";

static int l2tp_dfs_seq_show(struct seq_file *m, void *v)
{
	struct l2tp_dfs_iter *it = v;

	if (v == SEQ_START_TOKEN)
		seq_puts(m, l2tp_dfs_legend);
	else if (it->in_session)
		l2tp_dfs_show_session(m, it->session);
	else
		l2tp_dfs_show_tunnel(m, it->tunnel);
	return 0;
}

static const struct seq_operations l2tp_dfs_seq_ops = {
	.start	= l2tp_dfs_seq_start,
	.next	= l2tp_dfs_seq_next,
	.stop	= l2tp_dfs_seq_stop,
	.show	= l2tp_dfs_seq_show,
};

static int l2tp_dfs_open(struct inode *inode, struct file *file)
{
	struct l2tp_dfs_iter *it;

	it = __seq_open_private(file, &l2tp_dfs_seq_ops, sizeof(*it));
	if (!it)
		return -ENOMEM;

	/* The opener's own namespace. Its nsproxy cannot change under us,
	 * and unlike a pid lookup this is right inside a pid namespace.
	 */
	it->net = get_net_track(current->nsproxy->net_ns, &it->ns_tracker,
				GFP_KERNEL);
	return 0;
}

static int l2tp_dfs_release(struct inode *inode, struct file *file)
{
	struct seq_file *m = file->private_data;
	struct l2tp_dfs_iter *it = m->private;

	/* ->stop dropped the object references; only the netns is held. */
	put_net_track(it->net, &it->ns_tracker);
	return seq_release_private(inode, file);
}

static const struct file_operations l2tp_dfs_fops = {
	.owner		= THIS_MODULE,
	.open		= l2tp_dfs_open,
	.read		= seq_read,
	.llseek		= seq_lseek,
	.release	= l2tp_dfs_release,
};

static int __init l2tp_dfs_init(void)
{
	/* debugfs failures are not fatal and need no checking: a missing
	 * directory makes the file creation a no-op.
	 */
	l2tp_dfs_dir = debugfs_create_dir("l2tp", NULL);
	debugfs_create_file("tunnels", 0600, l2tp_dfs_dir, NULL, &l2tp_dfs_fops);
	return 0;
}

static void __exit l2tp_dfs_exit(void)
{
	debugfs_remove_recursive(l2tp_dfs_dir);
}

module_init(l2tp_dfs_init);
module_exit(l2tp_dfs_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("L2TP tunnel and session listing in debugfs");
