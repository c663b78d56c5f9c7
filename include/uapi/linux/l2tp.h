/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Userspace interface of the L2TP subsystem: the address formats of
 * L2TPv3-over-IP sockets and the "l2tp" generic netlink family that
 * creates, inspects and removes tunnels and sessions.
 *
 * Every name and number below is fixed ABI shared with the stock Linux
 * modules and with existing tools (iproute2, l2tpd and friends).  Only
 * append to the enumerations, never renumber or remove anything, even
 * the entries that nothing uses any more.
 */

#ifndef _UAPI_LINUX_L2TP_H_
#define _UAPI_LINUX_L2TP_H_

#include <linux/types.h>
#include <linux/socket.h>	/* __kernel_sa_family_t */
#include <linux/in.h>		/* struct in_addr and IPPROTO_L2TP (115) */
#include <linux/in6.h>		/* struct in6_addr */

/*
 * Size of the generic struct sockaddr.  <linux/in.h> provides the same
 * definition with the same value, so repeating it here is harmless.
 */
#define __SOCK_SIZE__	16

/**
 * struct sockaddr_l2tpip - address of an L2TPv3-over-IPv4 socket
 * @l2tp_family: AF_INET
 * @l2tp_unused: sits where sockaddr_in keeps its port; IP has no ports,
 *	so the kernel ignores this field
 * @l2tp_addr: local address for bind(), peer address for connect()
 * @l2tp_conn_id: L2TPv3 control connection id (tunnel id); bind() with 0
 *	to receive control messages for every connection
 * @__pad: tail padding up to the size of struct sockaddr
 *
 * The members up to @l2tp_addr overlay struct sockaddr_in, so generic
 * IPv4 code can read the family and address.
 */
struct sockaddr_l2tpip {
	__kernel_sa_family_t	l2tp_family;
	__be16			l2tp_unused;
	struct in_addr		l2tp_addr;
	__u32			l2tp_conn_id;
	unsigned char		__pad[__SOCK_SIZE__ -
				      (sizeof(__kernel_sa_family_t) +
				       sizeof(__be16) +
				       sizeof(struct in_addr) +
				       sizeof(__u32))];
};

/**
 * struct sockaddr_l2tpip6 - address of an L2TPv3-over-IPv6 socket
 * @l2tp_family: AF_INET6
 * @l2tp_unused: placeholder for the sockaddr_in6 port, ignored
 * @l2tp_flowinfo: IPv6 flow label and traffic class
 * @l2tp_addr: local address for bind(), peer address for connect()
 * @l2tp_scope_id: interface index scoping a link-local @l2tp_addr
 * @l2tp_conn_id: L2TPv3 control connection id (tunnel id)
 *
 * The members up to @l2tp_scope_id overlay struct sockaddr_in6; the
 * connection id is appended after them.
 */
struct sockaddr_l2tpip6 {
	__kernel_sa_family_t	l2tp_family;
	__be16			l2tp_unused;
	__be32			l2tp_flowinfo;
	struct in6_addr		l2tp_addr;
	__u32			l2tp_scope_id;
	__u32			l2tp_conn_id;
};

/*
 * Generic netlink family "l2tp".
 *
 * Tunnels are addressed by L2TP_ATTR_CONN_ID; sessions by CONN_ID plus
 * L2TP_ATTR_SESSION_ID, or by L2TP_ATTR_IFNAME for sessions that own a
 * network device.  The GET commands also support dumps.  Successful
 * CREATE, DELETE and MODIFY requests are echoed to the multicast group.
 */
enum {
	L2TP_CMD_NOOP			= 0,	/* replies with an empty message */
	L2TP_CMD_TUNNEL_CREATE		= 1,
	L2TP_CMD_TUNNEL_DELETE		= 2,
	L2TP_CMD_TUNNEL_MODIFY		= 3,	/* changes nothing, only notifies */
	L2TP_CMD_TUNNEL_GET		= 4,
	L2TP_CMD_SESSION_CREATE		= 5,
	L2TP_CMD_SESSION_DELETE		= 6,
	L2TP_CMD_SESSION_MODIFY		= 7,	/* sequencing, LNS mode, reorder */
	L2TP_CMD_SESSION_GET		= 8,
	__L2TP_CMD_MAX
};

#define L2TP_CMD_MAX	(__L2TP_CMD_MAX - 1)

/*
 * Top-level attributes.  The comment on each gives its payload and what
 * it is for.  Entries marked "unused" are accepted for compatibility but
 * have no effect; they keep their numbers so later ones do not move.
 */
enum {
	L2TP_ATTR_NONE			= 0,	/* never sent */
	L2TP_ATTR_PW_TYPE		= 1,	/* u16: enum l2tp_pwtype */
	L2TP_ATTR_ENCAP_TYPE		= 2,	/* u16: enum l2tp_encap_type */
	L2TP_ATTR_OFFSET		= 3,	/* u16: unused */
	L2TP_ATTR_DATA_SEQ		= 4,	/* unused, see l2tp_seqmode */
	L2TP_ATTR_L2SPEC_TYPE		= 5,	/* u8: enum l2tp_l2spec_type */
	L2TP_ATTR_L2SPEC_LEN		= 6,	/* u8: unused */
	L2TP_ATTR_PROTO_VERSION		= 7,	/* u8: 2 or 3 */
	L2TP_ATTR_IFNAME		= 8,	/* string: session netdev name */
	L2TP_ATTR_CONN_ID		= 9,	/* u32: local tunnel id */
	L2TP_ATTR_PEER_CONN_ID		= 10,	/* u32: peer tunnel id */
	L2TP_ATTR_SESSION_ID		= 11,	/* u32: local session id */
	L2TP_ATTR_PEER_SESSION_ID	= 12,	/* u32: peer session id */
	L2TP_ATTR_UDP_CSUM		= 13,	/* u8: present => IPv4 UDP csum */
	L2TP_ATTR_VLAN_ID		= 14,	/* u16: unused */
	L2TP_ATTR_COOKIE		= 15,	/* binary, 0/4/8 bytes: sent */
	L2TP_ATTR_PEER_COOKIE		= 16,	/* binary, 0/4/8 bytes: expected */
	L2TP_ATTR_DEBUG			= 17,	/* u32: deprecated, reads as 0 */
	L2TP_ATTR_RECV_SEQ		= 18,	/* u8: drop unsequenced input */
	L2TP_ATTR_SEND_SEQ		= 19,	/* u8: put Ns on output */
	L2TP_ATTR_LNS_MODE		= 20,	/* u8: act as LNS, not LAC */
	L2TP_ATTR_USING_IPSEC		= 21,	/* u8: reported if IPsec is on */
	L2TP_ATTR_RECV_TIMEOUT		= 22,	/* u64: reorder timeout, msec */
	L2TP_ATTR_FD			= 23,	/* u32: fd of a userspace socket */
	L2TP_ATTR_IP_SADDR		= 24,	/* __be32: IPv4 local address */
	L2TP_ATTR_IP_DADDR		= 25,	/* __be32: IPv4 peer address */
	L2TP_ATTR_UDP_SPORT		= 26,	/* u16: local UDP port */
	L2TP_ATTR_UDP_DPORT		= 27,	/* u16: peer UDP port */
	L2TP_ATTR_MTU			= 28,	/* u16: unused */
	L2TP_ATTR_MRU			= 29,	/* u16: unused */
	L2TP_ATTR_STATS			= 30,	/* nest: L2TP_ATTR_STATS_* */
	L2TP_ATTR_IP6_SADDR		= 31,	/* struct in6_addr: local */
	L2TP_ATTR_IP6_DADDR		= 32,	/* struct in6_addr: peer */
	L2TP_ATTR_UDP_ZERO_CSUM6_TX	= 33,	/* flag: no IPv6 UDP csum out */
	L2TP_ATTR_UDP_ZERO_CSUM6_RX	= 34,	/* flag: allow zero csum in */
	L2TP_ATTR_PAD			= 35,	/* aligns the u64 attributes */
	__L2TP_ATTR_MAX
};

#define L2TP_ATTR_MAX	(__L2TP_ATTR_MAX - 1)

/*
 * Counters carried inside L2TP_ATTR_STATS, all u64.  A tunnel and a
 * session report the same set.  The pad entry sits in the middle because
 * the last two counters were added after it.
 */
enum {
	L2TP_ATTR_STATS_NONE		= 0,	/* never sent */
	L2TP_ATTR_TX_PACKETS		= 1,
	L2TP_ATTR_TX_BYTES		= 2,
	L2TP_ATTR_TX_ERRORS		= 3,
	L2TP_ATTR_RX_PACKETS		= 4,
	L2TP_ATTR_RX_BYTES		= 5,
	L2TP_ATTR_RX_SEQ_DISCARDS	= 6,	/* dropped by sequence checks */
	L2TP_ATTR_RX_OOS_PACKETS	= 7,	/* queued out of order */
	L2TP_ATTR_RX_ERRORS		= 8,
	L2TP_ATTR_STATS_PAD		= 9,	/* aligns the counters */
	L2TP_ATTR_RX_COOKIE_DISCARDS	= 10,	/* cookie did not match */
	L2TP_ATTR_RX_INVALID		= 11,	/* malformed header */
	__L2TP_ATTR_STATS_MAX
};

#define L2TP_ATTR_STATS_MAX	(__L2TP_ATTR_STATS_MAX - 1)

/**
 * enum l2tp_pwtype - pseudowire carried by a session (RFC 3931 numbers)
 * @L2TP_PWTYPE_NONE: no pseudowire
 * @L2TP_PWTYPE_ETH_VLAN: Ethernet VLAN; no implementation in Linux
 * @L2TP_PWTYPE_ETH: Ethernet, one netdev per session (l2tp_eth)
 * @L2TP_PWTYPE_PPP: PPP, reached through a PPPoL2TP socket (l2tp_ppp)
 * @L2TP_PWTYPE_PPP_AC: PPP access concentrator; no in-tree implementation
 * @L2TP_PWTYPE_IP: IP; no implementation in Linux
 * @__L2TP_PWTYPE_MAX: one past the highest value
 */
enum l2tp_pwtype {
	L2TP_PWTYPE_NONE	= 0x0000,
	L2TP_PWTYPE_ETH_VLAN	= 0x0004,
	L2TP_PWTYPE_ETH		= 0x0005,
	L2TP_PWTYPE_PPP		= 0x0007,
	L2TP_PWTYPE_PPP_AC	= 0x0008,
	L2TP_PWTYPE_IP		= 0x000b,
	__L2TP_PWTYPE_MAX
};

/**
 * enum l2tp_l2spec_type - L2TPv3 L2-specific sublayer of a session
 * @L2TP_L2SPECTYPE_NONE: no sublayer in the data header
 * @L2TP_L2SPECTYPE_DEFAULT: the 4-byte default sublayer, which holds
 *	the sequence number
 */
enum l2tp_l2spec_type {
	L2TP_L2SPECTYPE_NONE,
	L2TP_L2SPECTYPE_DEFAULT
};

/**
 * enum l2tp_encap_type - transport that carries a tunnel
 * @L2TP_ENCAPTYPE_UDP: L2TP over UDP (L2TPv2 and L2TPv3)
 * @L2TP_ENCAPTYPE_IP: L2TPv3 directly over IP protocol 115
 */
enum l2tp_encap_type {
	L2TP_ENCAPTYPE_UDP,
	L2TP_ENCAPTYPE_IP
};

/**
 * enum l2tp_seqmode - values meant for L2TP_ATTR_DATA_SEQ (unused)
 * @L2TP_SEQ_NONE: no sequence numbers
 * @L2TP_SEQ_IP: sequence numbers on IP data only
 * @L2TP_SEQ_ALL: sequence numbers on all data
 */
enum l2tp_seqmode {
	L2TP_SEQ_NONE	= 0,
	L2TP_SEQ_IP	= 1,
	L2TP_SEQ_ALL	= 2
};

/**
 * enum l2tp_debug_flags - categories for L2TP_ATTR_DEBUG (deprecated)
 * @L2TP_MSG_DEBUG: general debugging
 * @L2TP_MSG_CONTROL: control-plane (netlink and socket API) events
 * @L2TP_MSG_SEQ: sequence number handling
 * @L2TP_MSG_DATA: data packets
 *
 * Kept for source compatibility only: the value is accepted and ignored,
 * and debugging is done with tracepoints instead.
 */
enum l2tp_debug_flags {
	L2TP_MSG_DEBUG		= 1 << 0,
	L2TP_MSG_CONTROL	= 1 << 1,
	L2TP_MSG_SEQ		= 1 << 2,
	L2TP_MSG_DATA		= 1 << 3
};

/* Name, version and multicast group of the generic netlink family */
#define L2TP_GENL_NAME		"l2tp"
#define L2TP_GENL_VERSION	1
#define L2TP_GENL_MCGROUP	"l2tp"

#endif /* _UAPI_LINUX_L2TP_H_ */
