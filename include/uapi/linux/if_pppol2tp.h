/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * PPP over L2TP (PPPoL2TP): the tunnel/session addresses that userspace
 * hands to connect() on an AF_PPPOX/PX_PROTO_OL2TP socket, and the
 * socket options of such a socket.  The complete sockaddr_pppol2tp*
 * wrappers that embed these structures live in <linux/if_pppox.h>.
 *
 * Which of the four layouts is meant is deduced from the address length
 * passed to connect(), so none of them may change size or shape.
 */

#ifndef _UAPI__LINUX_IF_PPPOL2TP_H
#define _UAPI__LINUX_IF_PPPOL2TP_H

#include <linux/types.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/l2tp.h>

/*
 * Common members of all four layouts:
 * pid: meant to name the process owning @fd (0 = caller); ignored.
 * fd: the tunnel's UDP (or, for L2TPv3, L2TP/IP) socket in the caller's
 *	file table.
 * addr: peer address; ignored, the tunnel socket decides where to send.
 * s_tunnel, s_session: our ids, matched against received packets.
 * d_tunnel, d_session: the peer's ids, written into sent packets.
 * A session id pair of 0/0 turns the socket into the L2TPv2 tunnel
 * management socket instead of a session socket.
 */

/**
 * struct pppol2tp_addr - L2TPv2 session over IPv4 (16-bit ids)
 * @pid: owner of @fd, unused
 * @fd: tunnel socket descriptor
 * @addr: peer IPv4 address and port, unused
 * @s_tunnel: local tunnel id
 * @s_session: local session id
 * @d_tunnel: peer tunnel id
 * @d_session: peer session id
 */
struct pppol2tp_addr {
	__kernel_pid_t		pid;
	int			fd;
	struct sockaddr_in	addr;
	__u16			s_tunnel;
	__u16			s_session;
	__u16			d_tunnel;
	__u16			d_session;
};

/**
 * struct pppol2tpin6_addr - L2TPv2 session over IPv6 (16-bit ids)
 * @pid: owner of @fd, unused
 * @fd: tunnel socket descriptor
 * @s_tunnel: local tunnel id
 * @s_session: local session id
 * @d_tunnel: peer tunnel id
 * @d_session: peer session id
 * @addr: peer IPv6 address and port, unused
 *
 * Unlike the IPv4 layout, the ids come before the address here.
 */
struct pppol2tpin6_addr {
	__kernel_pid_t		pid;
	int			fd;
	__u16			s_tunnel;
	__u16			s_session;
	__u16			d_tunnel;
	__u16			d_session;
	struct sockaddr_in6	addr;
};

/**
 * struct pppol2tpv3_addr - L2TPv3 session over IPv4 (32-bit ids)
 * @pid: owner of @fd, unused
 * @fd: tunnel socket descriptor (UDP or L2TP/IP)
 * @addr: peer IPv4 address and port, unused
 * @s_tunnel: local tunnel (control connection) id
 * @s_session: local session id
 * @d_tunnel: peer tunnel id
 * @d_session: peer session id
 */
struct pppol2tpv3_addr {
	__kernel_pid_t		pid;
	int			fd;
	struct sockaddr_in	addr;
	__u32			s_tunnel;
	__u32			s_session;
	__u32			d_tunnel;
	__u32			d_session;
};

/**
 * struct pppol2tpv3in6_addr - L2TPv3 session over IPv6 (32-bit ids)
 * @pid: owner of @fd, unused
 * @fd: tunnel socket descriptor (UDP or L2TP/IP)
 * @s_tunnel: local tunnel (control connection) id
 * @s_session: local session id
 * @d_tunnel: peer tunnel id
 * @d_session: peer session id
 * @addr: peer IPv6 address and port, unused
 */
struct pppol2tpv3in6_addr {
	__kernel_pid_t		pid;
	int			fd;
	__u32			s_tunnel;
	__u32			s_session;
	__u32			d_tunnel;
	__u32			d_session;
	struct sockaddr_in6	addr;
};

/*
 * Options for setsockopt()/getsockopt() at level SOL_PPPOL2TP, each an
 * int.  On a tunnel management socket only PPPOL2TP_SO_DEBUG applies.
 */
enum {
	PPPOL2TP_SO_DEBUG	= 1,	/* deprecated: accepted, ignored */
	PPPOL2TP_SO_RECVSEQ	= 2,	/* 1: drop input without Ns */
	PPPOL2TP_SO_SENDSEQ	= 3,	/* 1: put Ns on output */
	PPPOL2TP_SO_LNSMODE	= 4,	/* 1: LNS, 0: LAC */
	PPPOL2TP_SO_REORDERTO	= 5	/* reorder timeout, ms; 0: none */
};

/*
 * Old spellings of enum l2tp_debug_flags for PPPOL2TP_SO_DEBUG.
 * Deprecated along with that option.
 */
enum {
	PPPOL2TP_MSG_DEBUG	= L2TP_MSG_DEBUG,
	PPPOL2TP_MSG_CONTROL	= L2TP_MSG_CONTROL,
	PPPOL2TP_MSG_SEQ	= L2TP_MSG_SEQ,
	PPPOL2TP_MSG_DATA	= L2TP_MSG_DATA
};

#endif /* _UAPI__LINUX_IF_PPPOL2TP_H */
