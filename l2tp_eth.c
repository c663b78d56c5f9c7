// SPDX-License-Identifier: GPL-2.0-only
/*
 * Ethernet pseudowires (RFC 4719): every L2TPv3 session of type
 * L2TP_PWTYPE_ETH gets an "l2tpeth" network device that carries whole
 * Ethernet frames through the session, so it can be addressed, bridged
 * or given VLAN sub-interfaces like any Ethernet port.
 *
 * This file owns that device: its creation together with the session,
 * both directions of its data path, and its removal from whichever side
 * starts it. Tunnels, sessions, L2TP headers, sequencing and the outer
 * IP/UDP encapsulation (fragmentation included) are l2tp_core's; the
 * netlink front end reaches l2tp_eth_session_create() through the
 * pseudowire registry.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/etherdevice.h>
#include <linux/if_ether.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/rcupdate.h>
#include <linux/rtnetlink.h>
#include <linux/seq_file.h>
#include <net/gro_cells.h>
#include <net/rtnetlink.h>

#include "l2tp_core.h"

#define L2TP_ETH_KIND		"l2tpeth"
#define L2TP_ETH_NAME_TEMPLATE	L2TP_ETH_KIND "%d"
#define L2TP_ETH_OFFLOADS	(NETIF_F_SG | NETIF_F_HW_CSUM | \
				 NETIF_F_ALL_TSO | NETIF_F_GSO_UDP_L4)

/**
 * DOC: l2tpeth device and session lifetime
 *
 * A device and its session are created as a pair, and the pair is
 * published under RTNL: the session is registered with the core first,
 * then the device. A deletion request that finds the new session at
 * once needs RTNL to unregister the device, so it waits until the
 * device is registered and linked to the session, and can never leave
 * a device behind.
 *
 * References:
 *
 * - The device holds one session reference (&struct l2tp_eth_priv
 *   .session), taken by ndo_init and dropped by the priv destructor,
 *   after the last device reference is gone. Transmit, the netdev
 *   callbacks and the rename notifier may therefore use the session
 *   without checking it.
 * - The session points back at the device through an RCU pointer
 *   (&struct l2tp_eth_sess.dev), which is not a reference. It is set
 *   once the device is registered and cleared by ndo_uninit under RTNL;
 *   unregistration waits for a grace period before freeing the device,
 *   so a receiver that saw the pointer may use the device until its
 *   rcu_read_unlock(). Nothing else keeps a device pointer, so no
 *   netdevice_tracker is needed.
 * - Sessions pin this module through &struct l2tp_session_ops.owner, so it
 *   cannot be unloaded while any of them is registered.
 *
 * Teardown can start from either end, and both ends converge:
 *
 * - Session first (netlink SESSION_DELETE, tunnel deletion, netns exit
 *   of the tunnel): the core's deletion work calls ->unregister_netdev
 *   with RTNL held, which queues the device on the core's batch, so a
 *   tunnel's devices go in one unregister_netdevice_many() call.
 * - Device first (``ip link del``, exit of the device's netns, module
 *   unload through rtnl_link_unregister()): ->dellink queues the device
 *   and ndo_uninit deletes the session.
 *
 * l2tp_session_delete() is idempotent, and the device pointer is gone
 * once the device is unregistered, so the two ends meeting halfway is
 * harmless.
 */

/**
 * struct l2tp_eth_priv - the device's private area (netdev_priv())
 * @session: the session this device sends into; a counted reference
 *	from ndo_init to the priv destructor
 * @gro_cells: per-cpu NAPI contexts that receive into GRO
 */
struct l2tp_eth_priv {
	struct l2tp_session *session;
	struct gro_cells gro_cells;
};

/**
 * struct l2tp_eth_sess - the session's private area (l2tp_session_priv())
 * @dev: the device, while it is registered; see the lifetime DOC above
 */
struct l2tp_eth_sess {
	struct net_device __rcu *dev;
};

static const struct net_device_ops l2tp_eth_netdev_ops;
static struct rtnl_link_ops l2tp_eth_link_ops;

static bool l2tp_eth_is_ours(const struct net_device *dev)
{
	return dev->netdev_ops == &l2tp_eth_netdev_ops;
}

static int l2tp_eth_ndo_init(struct net_device *dev)
{
	struct l2tp_eth_priv *priv = netdev_priv(dev);
	int err;

	err = gro_cells_init(&priv->gro_cells, dev);
	if (err)
		return err;

	/* From here on a failed registration calls ndo_uninit and the
	 * destructor, which give this reference back.
	 */
	if (WARN_ON_ONCE(!l2tp_session_hold(priv->session))) {
		gro_cells_destroy(&priv->gro_cells);
		return -ENODEV;
	}

	eth_hw_addr_random(dev);
	/* l2tpeth over a tunnel whose route leads through another l2tpeth
	 * nests transmit locks of the same kind.
	 */
	netdev_lockdep_set_classes(dev);
	return 0;
}

static void l2tp_eth_ndo_uninit(struct net_device *dev)
{
	struct l2tp_eth_priv *priv = netdev_priv(dev);
	struct l2tp_eth_sess *spriv = l2tp_session_priv(priv->session);

	/* Receivers that still see the pointer are covered by the grace
	 * period unregistration waits for before freeing the device.
	 */
	RCU_INIT_POINTER(spriv->dev, NULL);
	gro_cells_destroy(&priv->gro_cells);

	/* However the device goes, its session goes with it; a no-op when
	 * the session's deletion is what unregisters the device.
	 */
	l2tp_session_delete(priv->session);
}

static void l2tp_eth_dev_destructor(struct net_device *dev)
{
	struct l2tp_eth_priv *priv = netdev_priv(dev);

	if (priv->session)
		l2tp_session_put(priv->session);
}

/* Owns @skb: l2tp_xmit_skb() consumes it whatever the outcome. */
static netdev_tx_t l2tp_eth_ndo_xmit(struct sk_buff *skb,
				     struct net_device *dev)
{
	struct l2tp_eth_priv *priv = netdev_priv(dev);
	unsigned int len = skb->len;
	int ret;

	ret = l2tp_xmit_skb(priv->session, skb);
	/* NET_XMIT_CN means the frame was queued below us, only congested. */
	if (likely(net_xmit_eval(ret) == NET_XMIT_SUCCESS))
		dev_dstats_tx_add(dev, len);
	else
		dev_dstats_tx_dropped(dev);

	return NETDEV_TX_OK;
}

static const struct net_device_ops l2tp_eth_netdev_ops = {
	.ndo_init		= l2tp_eth_ndo_init,
	.ndo_uninit		= l2tp_eth_ndo_uninit,
	.ndo_start_xmit		= l2tp_eth_ndo_xmit,
	.ndo_set_mac_address	= eth_mac_addr,
	.ndo_validate_addr	= eth_validate_addr,
};

/* Reported as DEVTYPE=l2tpeth in uevents, as the stock module does. */
static const struct device_type l2tp_eth_devtype = {
	.name = L2TP_ETH_KIND,
};

static void l2tp_eth_dev_setup(struct net_device *dev)
{
	SET_NETDEV_DEVTYPE(dev, &l2tp_eth_devtype);
	ether_setup(dev);

	dev->netdev_ops = &l2tp_eth_netdev_ops;
	dev->rtnl_link_ops = &l2tp_eth_link_ops;
	/* Each frame becomes a different outer packet, so a shared skb
	 * (pktgen's clone_skb) cannot be sent twice.
	 */
	dev->priv_flags &= ~IFF_TX_SKB_SHARING;
	dev->lltx = true;
	/* Superpackets and partial checksums go through whole where the
	 * session can carry them, and are cut here otherwise: the core's
	 * "segmentation offload". VLAN sub-interfaces inherit them.
	 */
	dev->features |= L2TP_ETH_OFFLOADS;
	dev->hw_features |= L2TP_ETH_OFFLOADS;
	dev->vlan_features |= L2TP_ETH_OFFLOADS;
	netif_set_tso_max_size(dev, L2TP_GSO_MAX_SIZE);
	/* Per-cpu drop counters too, so a flood of drops shares no line. */
	dev->pcpu_stat_type = NETDEV_PCPU_STAT_DSTATS;
	dev->needs_free_netdev = true;
	dev->priv_destructor = l2tp_eth_dev_destructor;

	/* Same bounds as the stock module: users set any MTU that fits in
	 * the IP packet length, fragmentation of the outer packet is the
	 * core's business.
	 */
	dev->min_mtu = 0;
	dev->max_mtu = ETH_MAX_MTU;
}

/*
 * The MTU that makes a full-sized frame fit the path without outer
 * fragmentation: the path MTU cached on the tunnel socket, less the
 * outer IP and UDP headers, the L2TP header of this session and the
 * frame's Ethernet header. With no usable route yet, assume a 1500
 * byte path (1446 for v3 over UDP/IPv4 with the default sublayer,
 * 1458 over IP encapsulation, as the stock module computes).
 */
static void l2tp_eth_dev_set_mtu(struct net_device *dev,
				 struct l2tp_tunnel *tunnel,
				 const struct l2tp_session *session)
{
	unsigned int encap, overhead;
	u32 path_mtu;

	/* The IP options part of the overhead is read under the socket
	 * lock, which kernel_sock_ip_overhead() expects.
	 */
	lock_sock(tunnel->sock);
	encap = l2tp_tunnel_overhead(tunnel, session);
	release_sock(tunnel->sock);
	overhead = encap + ETH_HLEN;
	path_mtu = l2tp_tunnel_dst_mtu(tunnel);

	if (path_mtu > overhead && path_mtu - overhead <= dev->max_mtu)
		dev->mtu = path_mtu - overhead;
	else
		dev->mtu = ETH_DATA_LEN - overhead;

	/* Room for the outer headers and the underlay's link-layer header,
	 * so locally built frames need no reallocation on the way out.
	 */
	dev->needed_headroom = encap + ETH_HLEN;
}

/*
 * Receive one frame from the session. Softirq context under RCU (the
 * core's contract); this function owns @skb and frees or delivers it.
 */
static void l2tp_eth_recv(struct l2tp_session *session, struct sk_buff *skb,
			  int data_len)
{
	struct l2tp_eth_sess *spriv = l2tp_session_priv(session);
	struct l2tp_eth_priv *priv;
	struct net_device *dev;

	dev = rcu_dereference(spriv->dev);
	if (unlikely(!dev)) {
		kfree_skb_reason(skb, SKB_DROP_REASON_DEV_READY);
		return;
	}

	if (unlikely(!pskb_may_pull(skb, ETH_HLEN))) {
		DEV_STATS_INC(dev, rx_length_errors);
		DEV_STATS_INC(dev, rx_errors);
		kfree_skb_reason(skb, SKB_DROP_REASON_PKT_TOO_SMALL);
		return;
	}

	/* The frame enters the stack as if received on @dev: forget the
	 * outer packet's route, conntrack entry, IPsec state and flow hash,
	 * and, when @dev sits in another namespace, its mark and timestamp.
	 */
	skb_scrub_packet(skb, !net_eq(dev_net(dev), session->tunnel->net));
	skb_clear_hash(skb);
	skb->priority = 0;
	/* Whatever was verified of the outer packet says nothing about
	 * the frame's own checksums: the stack checks those. A checksum
	 * still to be written inside the frame means the frame was built
	 * on this host (l2tp_core's offloaded transmit, through veth): the
	 * stack trusts it, as it would on the sender's side.
	 */
	if (skb->ip_summed != CHECKSUM_PARTIAL ||
	    skb_checksum_start_offset(skb) < 0)
		skb->ip_summed = CHECKSUM_NONE;
	skb->protocol = eth_type_trans(skb, dev);

	priv = netdev_priv(dev);
	if (likely(gro_cells_receive(&priv->gro_cells, skb) == NET_RX_SUCCESS))
		dev_dstats_rx_add(dev, data_len);
	/* else gro_cells counted the drop in the core rx_dropped counter. */
}

static void l2tp_eth_unregister_netdev(struct l2tp_session *session,
				       struct list_head *head)
{
	struct l2tp_eth_sess *spriv = l2tp_session_priv(session);
	struct net_device *dev;

	ASSERT_RTNL();
	dev = rtnl_dereference(spriv->dev);
	if (dev && dev->reg_state == NETREG_REGISTERED)
		unregister_netdevice_queue(dev, head);
}

/*
 * ->unregister_netdev has normally taken the device away already; this
 * is the safety net for a teardown that did not batch it.
 */
static void l2tp_eth_close(struct l2tp_session *session)
{
	struct l2tp_eth_sess *spriv = l2tp_session_priv(session);

	if (!rcu_access_pointer(spriv->dev))
		return;

	rtnl_lock();
	l2tp_eth_unregister_netdev(session, NULL);
	rtnl_unlock();
}

static void l2tp_eth_show(struct seq_file *m, struct l2tp_session *session)
{
	struct l2tp_eth_sess *spriv = l2tp_session_priv(session);
	struct net_device *dev;

	rcu_read_lock();
	dev = rcu_dereference(spriv->dev);
	if (dev)
		seq_printf(m, "   interface %s\n", dev->name);
	rcu_read_unlock();
}

static const struct l2tp_session_ops l2tp_eth_session_ops = {
	.owner			= THIS_MODULE,
	.recv_skb		= l2tp_eth_recv,
	.close			= l2tp_eth_close,
	.unregister_netdev	= l2tp_eth_unregister_netdev,
	.show			= l2tp_eth_show,
};

static int l2tp_eth_session_create(struct net *net, struct l2tp_tunnel *tunnel,
				   u32 session_id, u32 peer_session_id,
				   struct l2tp_session_cfg *cfg,
				   struct netlink_ext_ack *extack)
{
	unsigned char name_assign_type = NET_NAME_ENUM;
	const char *name = L2TP_ETH_NAME_TEMPLATE;
	struct l2tp_eth_sess *spriv;
	struct l2tp_session *session;
	struct l2tp_eth_priv *priv;
	struct net_device *dev;
	int err;

	if (cfg->ifname) {
		/* alloc_netdev() insists on a name that fits. */
		if (strnlen(cfg->ifname, IFNAMSIZ) >= IFNAMSIZ) {
			NL_SET_ERR_MSG(extack, "interface name too long");
			return -EINVAL;
		}
		name = cfg->ifname;
		name_assign_type = NET_NAME_USER;
	}

	session = l2tp_session_create(sizeof(*spriv), tunnel, session_id,
				      peer_session_id, cfg);
	if (IS_ERR(session))
		return PTR_ERR(session);
	session->ops = &l2tp_eth_session_ops;
	spriv = l2tp_session_priv(session);

	dev = alloc_netdev(sizeof(*priv), name, name_assign_type,
			   l2tp_eth_dev_setup);
	if (!dev) {
		err = -ENOMEM;
		goto err_put_session;
	}
	dev_net_set(dev, tunnel->net);
	l2tp_eth_dev_set_mtu(dev, tunnel, session);
	priv = netdev_priv(dev);
	priv->session = session;

	rtnl_lock();
	err = l2tp_session_register(session, tunnel, extack);
	if (err) {
		rtnl_unlock();
		free_netdev(dev);
		goto err_put_session;
	}

	err = register_netdevice(dev);
	if (err) {
		if (err == -EEXIST)
			NL_SET_ERR_MSG(extack, "interface name already in use");
		else if (err == -EINVAL)
			NL_SET_ERR_MSG(extack, "invalid interface name");
		/* Gave back the session reference ndo_init may have taken. */
		l2tp_session_delete(session);
		rtnl_unlock();
		free_netdev(dev);
		l2tp_session_put(session);
		return err;
	}

	strscpy(session->ifname, dev->name, sizeof(session->ifname));
	rcu_assign_pointer(spriv->dev, dev);
	rtnl_unlock();

	/* The table and the device hold their own references. */
	l2tp_session_put(session);
	return 0;

err_put_session:
	l2tp_session_put(session);
	return err;
}

static const struct l2tp_pw_ops l2tp_eth_pw_ops = {
	.owner		= THIS_MODULE,
	.session_create	= l2tp_eth_session_create,
};

/*
 * Beyond upstream: a link kind, so that "ip link del" removes the
 * pseudowire and the device's netns exit deletes it rather than moving
 * it to init_net. Devices are still made only with their session.
 */
static int l2tp_eth_newlink(struct net *src_net, struct net_device *dev,
			    struct nlattr *tb[], struct nlattr *data[],
			    struct netlink_ext_ack *extack)
{
	NL_SET_ERR_MSG(extack,
		       "l2tpeth devices come with their session: use \"ip l2tp add session\"");
	return -EOPNOTSUPP;
}

static void l2tp_eth_dellink(struct net_device *dev, struct list_head *head)
{
	struct l2tp_eth_priv *priv = netdev_priv(dev);

	/* Mark the session dead now so lookups miss it at once; the
	 * device's ndo_uninit would do it too, later in this batch.
	 */
	l2tp_session_delete(priv->session);
	unregister_netdevice_queue(dev, head);
}

static struct rtnl_link_ops l2tp_eth_link_ops __read_mostly = {
	.kind		= L2TP_ETH_KIND,
	.priv_size	= sizeof(struct l2tp_eth_priv),
	.setup		= l2tp_eth_dev_setup,
	.newlink	= l2tp_eth_newlink,
	.dellink	= l2tp_eth_dellink,
};

/*
 * Keep session->ifname, the key of IFNAME lookups and what netlink
 * reports, in step with renames (the stock module keeps the first name).
 * Readers may race a rename and see a torn name once; lookups then just
 * miss, as they would a moment earlier or later.
 */
static int l2tp_eth_netdev_event(struct notifier_block *nb,
				 unsigned long event, void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct l2tp_eth_priv *priv;

	if (event != NETDEV_CHANGENAME || !l2tp_eth_is_ours(dev))
		return NOTIFY_DONE;

	priv = netdev_priv(dev);
	strscpy(priv->session->ifname, dev->name,
		sizeof(priv->session->ifname));
	return NOTIFY_OK;
}

static struct notifier_block l2tp_eth_notifier = {
	.notifier_call = l2tp_eth_netdev_event,
};

static int __init l2tp_eth_init(void)
{
	int err;

	/* The module alias below spells the type out as a number. */
	BUILD_BUG_ON(L2TP_PWTYPE_ETH != 5);

	err = register_netdevice_notifier(&l2tp_eth_notifier);
	if (err)
		return err;
	err = rtnl_link_register(&l2tp_eth_link_ops);
	if (err)
		goto err_notifier;
	err = l2tp_pw_register(L2TP_PWTYPE_ETH, &l2tp_eth_pw_ops);
	if (err)
		goto err_link;

	pr_info("L2TPv3 Ethernet pseudowires\n");
	return 0;

err_link:
	rtnl_link_unregister(&l2tp_eth_link_ops);
err_notifier:
	unregister_netdevice_notifier(&l2tp_eth_notifier);
	return err;
}

static void __exit l2tp_eth_exit(void)
{
	/* No new sessions first. Sessions pin the module, so none is left;
	 * rtnl_link_unregister() also waits for devices still being torn
	 * down, whose destructor is our code.
	 */
	l2tp_pw_unregister(L2TP_PWTYPE_ETH);
	rtnl_link_unregister(&l2tp_eth_link_ops);
	unregister_netdevice_notifier(&l2tp_eth_notifier);
}

module_init(l2tp_eth_init);
module_exit(l2tp_eth_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("L2TPv3 Ethernet pseudowire network devices");
MODULE_ALIAS("net-l2tp-type-5");
