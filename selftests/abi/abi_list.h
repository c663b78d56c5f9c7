/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Everything the ABI check compares, as an X-macro list.  Both
 * abi_gen.c (built against the system's headers) and abi_check.c (built
 * against ours) include this file after defining:
 *
 *   ABI_CONST(name)          integer macro or enumerator: value, type size
 *                            and signedness
 *   ABI_STR(name)            string macro: length and bytes
 *   ABI_ENUM(tag)            named enum type: size and signedness
 *   ABI_STRUCT(tag)          struct: size and alignment
 *   ABI_FIELD(tag, m)        member: offset and size
 *   ABI_INT_FIELD(tag, m)    integer member: as ABI_FIELD plus signedness
 *   ABI_ARRAY_FIELD(tag, m)  array member: as ABI_FIELD plus element size
 *                            and element signedness
 *
 * abi_names.sh fails if the system's l2tp.h or if_pppol2tp.h declares a
 * name that is missing here, so a new upstream name cannot slip by.  A
 * few entries go beyond those two files (IPPROTO_L2TP and the
 * if_pppox.h wrappers whose layout depends on our structs).
 */

/* Generic netlink family identity */
ABI_STR(L2TP_GENL_NAME)
ABI_STR(L2TP_GENL_MCGROUP)
ABI_CONST(L2TP_GENL_VERSION)

/* Commands */
ABI_CONST(L2TP_CMD_NOOP)
ABI_CONST(L2TP_CMD_TUNNEL_CREATE)
ABI_CONST(L2TP_CMD_TUNNEL_DELETE)
ABI_CONST(L2TP_CMD_TUNNEL_MODIFY)
ABI_CONST(L2TP_CMD_TUNNEL_GET)
ABI_CONST(L2TP_CMD_SESSION_CREATE)
ABI_CONST(L2TP_CMD_SESSION_DELETE)
ABI_CONST(L2TP_CMD_SESSION_MODIFY)
ABI_CONST(L2TP_CMD_SESSION_GET)
ABI_CONST(__L2TP_CMD_MAX)
ABI_CONST(L2TP_CMD_MAX)

/* Top-level attributes */
ABI_CONST(L2TP_ATTR_NONE)
ABI_CONST(L2TP_ATTR_PW_TYPE)
ABI_CONST(L2TP_ATTR_ENCAP_TYPE)
ABI_CONST(L2TP_ATTR_OFFSET)
ABI_CONST(L2TP_ATTR_DATA_SEQ)
ABI_CONST(L2TP_ATTR_L2SPEC_TYPE)
ABI_CONST(L2TP_ATTR_L2SPEC_LEN)
ABI_CONST(L2TP_ATTR_PROTO_VERSION)
ABI_CONST(L2TP_ATTR_IFNAME)
ABI_CONST(L2TP_ATTR_CONN_ID)
ABI_CONST(L2TP_ATTR_PEER_CONN_ID)
ABI_CONST(L2TP_ATTR_SESSION_ID)
ABI_CONST(L2TP_ATTR_PEER_SESSION_ID)
ABI_CONST(L2TP_ATTR_UDP_CSUM)
ABI_CONST(L2TP_ATTR_VLAN_ID)
ABI_CONST(L2TP_ATTR_COOKIE)
ABI_CONST(L2TP_ATTR_PEER_COOKIE)
ABI_CONST(L2TP_ATTR_DEBUG)
ABI_CONST(L2TP_ATTR_RECV_SEQ)
ABI_CONST(L2TP_ATTR_SEND_SEQ)
ABI_CONST(L2TP_ATTR_LNS_MODE)
ABI_CONST(L2TP_ATTR_USING_IPSEC)
ABI_CONST(L2TP_ATTR_RECV_TIMEOUT)
ABI_CONST(L2TP_ATTR_FD)
ABI_CONST(L2TP_ATTR_IP_SADDR)
ABI_CONST(L2TP_ATTR_IP_DADDR)
ABI_CONST(L2TP_ATTR_UDP_SPORT)
ABI_CONST(L2TP_ATTR_UDP_DPORT)
ABI_CONST(L2TP_ATTR_MTU)
ABI_CONST(L2TP_ATTR_MRU)
ABI_CONST(L2TP_ATTR_STATS)
ABI_CONST(L2TP_ATTR_IP6_SADDR)
ABI_CONST(L2TP_ATTR_IP6_DADDR)
ABI_CONST(L2TP_ATTR_UDP_ZERO_CSUM6_TX)
ABI_CONST(L2TP_ATTR_UDP_ZERO_CSUM6_RX)
ABI_CONST(L2TP_ATTR_PAD)
ABI_CONST(__L2TP_ATTR_MAX)
ABI_CONST(L2TP_ATTR_MAX)

/* Attributes nested in L2TP_ATTR_STATS */
ABI_CONST(L2TP_ATTR_STATS_NONE)
ABI_CONST(L2TP_ATTR_TX_PACKETS)
ABI_CONST(L2TP_ATTR_TX_BYTES)
ABI_CONST(L2TP_ATTR_TX_ERRORS)
ABI_CONST(L2TP_ATTR_RX_PACKETS)
ABI_CONST(L2TP_ATTR_RX_BYTES)
ABI_CONST(L2TP_ATTR_RX_SEQ_DISCARDS)
ABI_CONST(L2TP_ATTR_RX_OOS_PACKETS)
ABI_CONST(L2TP_ATTR_RX_ERRORS)
ABI_CONST(L2TP_ATTR_STATS_PAD)
ABI_CONST(L2TP_ATTR_RX_COOKIE_DISCARDS)
ABI_CONST(L2TP_ATTR_RX_INVALID)
ABI_CONST(__L2TP_ATTR_STATS_MAX)
ABI_CONST(L2TP_ATTR_STATS_MAX)

/* Named enums and their values */
ABI_ENUM(l2tp_pwtype)
ABI_CONST(L2TP_PWTYPE_NONE)
ABI_CONST(L2TP_PWTYPE_ETH_VLAN)
ABI_CONST(L2TP_PWTYPE_ETH)
ABI_CONST(L2TP_PWTYPE_PPP)
ABI_CONST(L2TP_PWTYPE_PPP_AC)
ABI_CONST(L2TP_PWTYPE_IP)
ABI_CONST(__L2TP_PWTYPE_MAX)

ABI_ENUM(l2tp_l2spec_type)
ABI_CONST(L2TP_L2SPECTYPE_NONE)
ABI_CONST(L2TP_L2SPECTYPE_DEFAULT)

ABI_ENUM(l2tp_encap_type)
ABI_CONST(L2TP_ENCAPTYPE_UDP)
ABI_CONST(L2TP_ENCAPTYPE_IP)

ABI_ENUM(l2tp_seqmode)
ABI_CONST(L2TP_SEQ_NONE)
ABI_CONST(L2TP_SEQ_IP)
ABI_CONST(L2TP_SEQ_ALL)

ABI_ENUM(l2tp_debug_flags)
ABI_CONST(L2TP_MSG_DEBUG)
ABI_CONST(L2TP_MSG_CONTROL)
ABI_CONST(L2TP_MSG_SEQ)
ABI_CONST(L2TP_MSG_DATA)

/* PPPoL2TP socket options and the old debug flag names */
ABI_CONST(PPPOL2TP_SO_DEBUG)
ABI_CONST(PPPOL2TP_SO_RECVSEQ)
ABI_CONST(PPPOL2TP_SO_SENDSEQ)
ABI_CONST(PPPOL2TP_SO_LNSMODE)
ABI_CONST(PPPOL2TP_SO_REORDERTO)
ABI_CONST(PPPOL2TP_MSG_DEBUG)
ABI_CONST(PPPOL2TP_MSG_CONTROL)
ABI_CONST(PPPOL2TP_MSG_SEQ)
ABI_CONST(PPPOL2TP_MSG_DATA)

/* Helper macro l2tp.h defines, and the protocol number it pulls in */
ABI_CONST(__SOCK_SIZE__)
ABI_CONST(IPPROTO_L2TP)

/* L2TPv3 over IP socket addresses */
ABI_STRUCT(sockaddr_l2tpip)
ABI_INT_FIELD(sockaddr_l2tpip, l2tp_family)
ABI_INT_FIELD(sockaddr_l2tpip, l2tp_unused)
ABI_FIELD(sockaddr_l2tpip, l2tp_addr)
ABI_INT_FIELD(sockaddr_l2tpip, l2tp_conn_id)
ABI_ARRAY_FIELD(sockaddr_l2tpip, __pad)

ABI_STRUCT(sockaddr_l2tpip6)
ABI_INT_FIELD(sockaddr_l2tpip6, l2tp_family)
ABI_INT_FIELD(sockaddr_l2tpip6, l2tp_unused)
ABI_INT_FIELD(sockaddr_l2tpip6, l2tp_flowinfo)
ABI_FIELD(sockaddr_l2tpip6, l2tp_addr)
ABI_INT_FIELD(sockaddr_l2tpip6, l2tp_scope_id)
ABI_INT_FIELD(sockaddr_l2tpip6, l2tp_conn_id)

/* PPPoL2TP connect() addresses */
ABI_STRUCT(pppol2tp_addr)
ABI_INT_FIELD(pppol2tp_addr, pid)
ABI_INT_FIELD(pppol2tp_addr, fd)
ABI_FIELD(pppol2tp_addr, addr)
ABI_INT_FIELD(pppol2tp_addr, s_tunnel)
ABI_INT_FIELD(pppol2tp_addr, s_session)
ABI_INT_FIELD(pppol2tp_addr, d_tunnel)
ABI_INT_FIELD(pppol2tp_addr, d_session)

ABI_STRUCT(pppol2tpin6_addr)
ABI_INT_FIELD(pppol2tpin6_addr, pid)
ABI_INT_FIELD(pppol2tpin6_addr, fd)
ABI_INT_FIELD(pppol2tpin6_addr, s_tunnel)
ABI_INT_FIELD(pppol2tpin6_addr, s_session)
ABI_INT_FIELD(pppol2tpin6_addr, d_tunnel)
ABI_INT_FIELD(pppol2tpin6_addr, d_session)
ABI_FIELD(pppol2tpin6_addr, addr)

ABI_STRUCT(pppol2tpv3_addr)
ABI_INT_FIELD(pppol2tpv3_addr, pid)
ABI_INT_FIELD(pppol2tpv3_addr, fd)
ABI_FIELD(pppol2tpv3_addr, addr)
ABI_INT_FIELD(pppol2tpv3_addr, s_tunnel)
ABI_INT_FIELD(pppol2tpv3_addr, s_session)
ABI_INT_FIELD(pppol2tpv3_addr, d_tunnel)
ABI_INT_FIELD(pppol2tpv3_addr, d_session)

ABI_STRUCT(pppol2tpv3in6_addr)
ABI_INT_FIELD(pppol2tpv3in6_addr, pid)
ABI_INT_FIELD(pppol2tpv3in6_addr, fd)
ABI_INT_FIELD(pppol2tpv3in6_addr, s_tunnel)
ABI_INT_FIELD(pppol2tpv3in6_addr, s_session)
ABI_INT_FIELD(pppol2tpv3in6_addr, d_tunnel)
ABI_INT_FIELD(pppol2tpv3in6_addr, d_session)
ABI_FIELD(pppol2tpv3in6_addr, addr)

/*
 * The packed sockaddr wrappers from <linux/if_pppox.h>.  That file is
 * the system's in both builds, but it embeds the structs above, so
 * these catch a change that only shows once packed (the connect()
 * address lengths 38, 50, 46 and 58 on x86-64).
 */
ABI_STRUCT(sockaddr_pppol2tp)
ABI_FIELD(sockaddr_pppol2tp, pppol2tp)
ABI_STRUCT(sockaddr_pppol2tpin6)
ABI_FIELD(sockaddr_pppol2tpin6, pppol2tp)
ABI_STRUCT(sockaddr_pppol2tpv3)
ABI_FIELD(sockaddr_pppol2tpv3, pppol2tp)
ABI_STRUCT(sockaddr_pppol2tpv3in6)
ABI_FIELD(sockaddr_pppol2tpv3in6, pppol2tp)
