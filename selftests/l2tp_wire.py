#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""
l2tp_wire.py: build, inject, capture and decode L2TP data packets, and
read or change the kernel's L2TP sessions over generic netlink, for the
datapath selftests (test_datapath_udp.sh, test_datapath_ip.sh,
test_datapath_v2.sh).

Python 3 standard library only.  One run executes a small script read
from standard input, one command per line, so that a test scenario costs
one interpreter start however many packets it sends:

  ns NAME NETNS             name a network namespace (/run/netns/NETNS);
                            NAME=NETNS arguments on the command line do
                            the same
  path P NS KIND SRC DST [SPORT DPORT]
                            an injection path: raw sockets in NS sending
                            from SRC to DST; KIND is udp4, udp6 (L2TP over
                            UDP) or ip4, ip6 (IP protocol 115)
  cap C NS DEV [wire|frame] capture the frames DEV receives in NS (an
                            AF_PACKET socket; what the namespace itself
                            sends is left out), decoded as an underlay
                            carrying L2TP (wire, the default for veth*)
                            or as the test frames of a pseudowire
  inj P [KEY=VALUE...]      send L2TP data packets along path P, see
                            build_l2tp() for the keys
  frame NS DEV [tag=N] [len=L] [count=K]
                            write K Ethernet test frames into DEV (as if
                            the namespace transmitted them on it)
  pppox C NS TID SID PTID PSID
                            a PPPoL2TP socket on L2TPv2 session TID/SID of
                            NS, which also serves as capture C of the
                            frames the session receives
  psend C [tag=N] [len=L] [count=K]
                            send K test frames through the PPPoL2TP
                            socket of capture C
  expect C N [SECONDS]      wait until capture C holds N packets
  idle C [SECONDS]          wait until capture C has been quiet that long
  show C                    print the packets of capture C not shown yet
  flush C                   forget the packets of capture C
  stats NS                  print the counters of every tunnel and session
  snmp NS                   print the UDP and UDP6 error counters of NS
  wait NS TID SID|- KEY=VALUE...
                            wait (5 s at most) until the counters or
                            settings of a session (or, with -, of the
                            tunnel) have these values
  modify NS TID SID KEY=VALUE...
                            L2TP_CMD_SESSION_MODIFY: send_seq, recv_seq,
                            lns_mode, timeout (reorder timeout in ms)
  tunnel NS KEY=VALUE...    L2TP_CMD_TUNNEL_CREATE of an unmanaged tunnel:
                            tid= ptid= local= remote= [ver=2|3]
                            [encap=udp|ip] [sport= dport=] [csum=1]
  session NS KEY=VALUE...   L2TP_CMD_SESSION_CREATE: tid= sid= psid=
                            [pw=5|7] [sub=none|default] [cookie=HEX]
                            [peer_cookie=HEX] [name=IFNAME] [send_seq=]
                            [recv_seq=] [lns_mode=]
  sleep SECONDS

Output lines, made for grep and awk in the shell tests:

  pkt C i=N l3=ip4 src=.. dst=.. ttl=.. df=0|1 frags=N l4=udp sport=..
      dport=.. csum=zero|ok|bad plen=N hdr=XXXXXXXX.XXXX.. tag=N flen=N
      fok=1                  (IPv6: fl=FLOWLABEL instead of df; IP
                             encapsulation: l4=ip115 and no UDP fields)
  pkt C i=N tag=N flen=N fok=1                (a pseudowire's frame)
  pkt C i=N frame=other tag=- flen=N          (not a test frame)
  stats begin NETNS                           (then one line per object:)
  stats tun tid=.. ptid=.. COUNTER=N...
  stats sess tid=.. sid=.. psid=.. send_seq=.. recv_seq=.. lns_mode=..
      timeout=.. COUNTER=N...
  snmp UdpInErrors=N UdpInCsumErrors=N Udp6InErrors=N Udp6InCsumErrors=N
  # ...                                      diagnostics

plen is the L2TP header plus payload (the UDP payload, or the IP payload
for IP encapsulation): what the kernel counts in tx_bytes and rx_bytes.
hdr is the L2TP header in 4-byte groups: everything between the start of
the L2TP packet and the inner Ethernet frame, which is found by the magic
every test frame carries.
"""

import ctypes
import os
import select
import socket
import struct
import sys
import time

# ------------------------------------------------------------- namespaces

CLONE_NEWNET = 0x40000000
_libc = ctypes.CDLL(None, use_errno=True)
_home_ns = os.open('/proc/self/ns/net', os.O_RDONLY)


def _setns(fd):
    if _libc.setns(fd, CLONE_NEWNET) != 0:
        err = ctypes.get_errno()
        raise OSError(err, 'setns: ' + os.strerror(err))


class Netns:
    """A network namespace in which sockets are made."""

    def __init__(self, name):
        self.name = name
        self.path = '/run/netns/' + name

    def socket(self, family, kind, proto=0):
        """A socket that lives in this namespace (sockets keep the
        namespace they were created in)."""
        fd = os.open(self.path, os.O_RDONLY)
        try:
            _setns(fd)
            return socket.socket(family, kind, proto)
        finally:
            _setns(_home_ns)
            os.close(fd)


# -------------------------------------------------------- test frames

# Every frame a test sends carries, after the Ethernet header, this magic
# and a 32-bit tag, then bytes that follow from the tag: the decoder finds
# the frame inside any encapsulation and checks it arrived intact.
MAGIC = b'L2TPWIRE'
FRAME_SRC = bytes.fromhex('024c32545000')
FRAME_TYPE = 0x88b5  # IEEE local experimental ethertype
FRAME_MIN = 14 + len(MAGIC) + 4


def frame_body(tag, n):
    return bytes((tag * 7 + i) & 0xff for i in range(n))


def test_frame(tag, length):
    if length < FRAME_MIN:
        raise ValueError('a test frame is at least %d bytes' % FRAME_MIN)
    head = (b'\xff' * 6 + FRAME_SRC + struct.pack('!H', FRAME_TYPE) +
            MAGIC + struct.pack('!I', tag))
    return head + frame_body(tag, length - len(head))


def parse_frame(frame):
    """(tag, ok) of a test frame, or None."""
    if len(frame) < FRAME_MIN or frame[14:14 + len(MAGIC)] != MAGIC:
        return None
    tag = struct.unpack_from('!I', frame, 14 + len(MAGIC))[0]
    body = frame[FRAME_MIN:]
    ok = (frame[12:14] == struct.pack('!H', FRAME_TYPE) and
          body == frame_body(tag, len(body)))
    return tag, ok


# ------------------------------------------------------------ checksums

def csum_fold(data):
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s


def udp_pseudo(src, dst, length):
    """The pseudo-header for addresses given packed (4 or 16 bytes)."""
    if len(src) == 16:
        return src + dst + struct.pack('!IxxxB', length, socket.IPPROTO_UDP)
    return src + dst + struct.pack('!xBH', socket.IPPROTO_UDP, length)


def udp_csum(src, dst, udp):
    c = ~csum_fold(udp_pseudo(src, dst, len(udp)) + udp) & 0xffff
    return c or 0xffff


# ------------------------------------------------------- L2TP headers

L2TP_L = 0x4000
L2TP_S = 0x0800
L2TP_O = 0x0200
SUBLAYER_S = 0x40000000


def _int(v):
    return int(v, 0)


def _ints(v):
    return [int(x, 0) for x in v.split(',')]


def build_l2tp(opts, udp, ns=None, tag=None):
    """One L2TP data packet (header and payload) from the inj keys:

    v=2|3|N       header version (the flags word of UDP encapsulation);
                  anything but 2 lays out a v3 header, as the receivers
                  parse it
    flags=N       the whole first 16 bits, instead of the version alone
    sid=N         session id (v3: 32 bits; v2: 16 bits); tid=N for v2
    cookie=HEX    v3 cookie bytes
    sub=default|none  v3 L2-specific sublayer (default: default)
    subword=N     the sublayer word itself, instead of the S bit and Ns
    seq=N[,N...]  sequence numbers: the S bit (v3 sublayer, v2 flags) and
                  Ns; one packet per number
    nr=N          v2 Nr
    len=L         the inner frame's length (default 64); tag=N its tag
                  (default: the sequence number, else 1)
    raw=HEX       this payload instead of a test frame
    ppp=1         the PPP address and control bytes (ff 03) before it
    lfield=1      v2: with the Length field (L bit)
    offset=N      v2: O bit, offset size N and N bytes of pad
    trunc=N       cut the L2TP packet to N bytes
    bare=HEX      the whole L2TP packet, nothing else
    """
    if 'bare' in opts:
        return bytes.fromhex(opts['bare'])
    ver = _int(opts.get('v', '3'))
    flags = _int(opts['flags']) if 'flags' in opts else ver
    if ver == 2:
        opt = b''
        if ns is not None:
            flags |= L2TP_S
            opt += struct.pack('!HH', ns, _int(opts.get('nr', '0')))
        if 'offset' in opts:
            flags |= L2TP_O
            n = _int(opts['offset'])
            opt += struct.pack('!H', n) + b'\0' * n
        ids = struct.pack('!HH', _int(opts.get('tid', '0')),
                          _int(opts.get('sid', '0')))
        lfield = opts.get('lfield') == '1'
        if lfield:
            flags |= L2TP_L
        hdr_tail = ids + opt
    else:
        hdr = b''
        if udp:
            hdr += struct.pack('!HH', flags, 0)
        hdr += struct.pack('!I', _int(opts.get('sid', '0')))
        hdr += bytes.fromhex(opts.get('cookie', ''))
        if opts.get('sub', 'default') == 'default':
            if 'subword' in opts:
                word = _int(opts['subword'])
            elif ns is not None:
                word = SUBLAYER_S | (ns & 0xffffff)
            else:
                word = 0
            hdr += struct.pack('!I', word)
    if 'raw' in opts:
        payload = bytes.fromhex(opts['raw'])
    else:
        if tag is None:
            tag = ns if ns is not None else 1
        payload = test_frame(tag, _int(opts.get('len', '64')))
    if opts.get('ppp') == '1':
        payload = b'\xff\x03' + payload
    if ver == 2:
        if lfield:
            total = 2 + 2 + len(hdr_tail) + len(payload)
            hdr = struct.pack('!HH', flags, total) + hdr_tail
        else:
            hdr = struct.pack('!H', flags) + hdr_tail
    pkt = hdr + payload
    if 'trunc' in opts:
        pkt = pkt[:_int(opts['trunc'])]
    return pkt


def hdr_hex(hdr):
    h = hdr.hex()
    return '.'.join(h[i:i + 8] for i in range(0, len(h), 8)) or '-'


# -------------------------------------------------------------- injection

KINDS = ('udp4', 'udp6', 'ip4', 'ip6')


class Path:
    """Raw sockets of one namespace sending L2TP packets to the kernel
    under test, as its peer would."""

    def __init__(self, ns, kind, src, dst, sport=0, dport=0):
        if kind not in KINDS:
            raise ValueError('path kind: ' + kind)
        self.kind = kind
        self.v6 = kind.endswith('6')
        self.udp = kind.startswith('udp')
        fam = socket.AF_INET6 if self.v6 else socket.AF_INET
        proto = socket.IPPROTO_UDP if self.udp else 115
        self.src, self.dst = src, dst
        self.sport, self.dport = sport, dport
        self.psrc = socket.inet_pton(fam, src)
        self.pdst = socket.inet_pton(fam, dst)
        self.sock = ns.socket(fam, socket.SOCK_RAW, proto)
        self.sock.bind((src, 0))
        # The kernel under test answers to SRC:SPORT; a socket there keeps
        # the namespace from sending ICMP port unreachable back.
        self.sink = None
        if self.udp:
            try:
                self.sink = ns.socket(fam, socket.SOCK_DGRAM)
                self.sink.bind((src, sport))
            except OSError:
                self.sink = None

    def send(self, l2tp, csum='auto'):
        if self.udp:
            udp = struct.pack('!HHHH', self.sport, self.dport,
                              8 + len(l2tp), 0) + l2tp
            good = udp_csum(self.psrc, self.pdst, udp)
            if csum == 'auto':
                c = good
            elif csum == 'zero':
                c = 0
            elif csum == 'bad':
                c = good ^ 0x0f0f
            else:
                c = _int(csum)
            data = udp[:6] + struct.pack('!H', c) + udp[8:]
        else:
            data = l2tp
        addr = (self.dst, 0, 0, 0) if self.v6 else (self.dst, 0)
        self.sock.sendto(data, addr)


# ---------------------------------------------------------------- capture

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4


class Capture:
    """Frames received by one device, decoded as they are read."""

    def __init__(self, name, ns, dev, kind=None):
        self.name = name
        # Protocol 0 receives nothing until bound to the one device.
        self.sock = ns.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
        self.sock.bind((dev, ETH_P_ALL))
        self.sock.setblocking(False)
        if kind is None:
            kind = 'wire' if dev.startswith('veth') else 'frame'
        self.l2tpeth = kind == 'frame'
        self.pkts = []
        self.shown = 0
        self.frags = {}
        self.last = time.monotonic()

    def fileno(self):
        return self.sock.fileno()

    def drain(self):
        while True:
            try:
                data, addr = self.sock.recvfrom(1 << 16)
            except BlockingIOError:
                return
            if addr[2] == PACKET_OUTGOING:
                continue
            self.last = time.monotonic()
            rec = self.decode(data)
            if rec is not None:
                self.pkts.append(rec)

    def decode(self, data):
        if self.l2tpeth:
            return decode_frame(data)
        return self.decode_wire(data)

    def decode_wire(self, data):
        off = 14
        etype = struct.unpack_from('!H', data, 12)[0]
        while etype in (0x8100, 0x88a8):
            etype = struct.unpack_from('!H', data, off + 2)[0]
            off += 4
        if etype == 0x0800:
            rec, proto, body = self.ipv4(data[off:])
        elif etype == 0x86dd:
            rec, proto, body = self.ipv6(data[off:])
        else:
            return None
        if body is None:
            return None
        if proto == socket.IPPROTO_UDP:
            if len(body) < 8:
                return None
            sport, dport, ulen, check = struct.unpack_from('!HHHH', body)
            udp = body[:ulen]
            if check == 0:
                cs = 'zero'
            elif csum_fold(udp_pseudo(rec['_s'], rec['_d'], len(udp)) +
                           udp) == 0xffff:
                cs = 'ok'
            else:
                cs = 'bad'
            rec.update(l4='udp', sport=sport, dport=dport, csum=cs)
            l2tp = udp[8:]
        elif proto == 115:
            rec['l4'] = 'ip115'
            l2tp = body
        else:
            return None
        del rec['_s'], rec['_d']
        rec['plen'] = len(l2tp)
        at = l2tp.find(MAGIC)
        if at >= 14:
            rec['hdr'] = hdr_hex(l2tp[:at - 14])
            rec.update(decode_frame(l2tp[at - 14:]))
        else:
            rec['hdr'] = hdr_hex(l2tp[:32])
            rec['tag'] = '-'
        return rec

    def reassemble(self, key, offset, more, piece):
        """The whole payload once every fragment is in, else None."""
        parts = self.frags.setdefault(key, [])
        parts.append((offset, more, piece))
        if not any(not m for _, m, _ in parts):
            return None
        parts.sort(key=lambda p: p[0])
        whole = b''
        for o, _, p in parts:
            if o != len(whole):
                return None
            whole += p
        del self.frags[key]
        return whole, len(parts)

    def ipv4(self, ip):
        ihl = (ip[0] & 0x0f) * 4
        tot, ident, frag, ttl, proto = struct.unpack_from('!xxHHHBB', ip)
        src, dst = ip[12:16], ip[16:20]
        rec = {'l3': 'ip4', 'src': socket.inet_ntop(socket.AF_INET, src),
               'dst': socket.inet_ntop(socket.AF_INET, dst), 'ttl': ttl,
               'df': (frag >> 14) & 1, 'frags': 1, '_s': src, '_d': dst}
        body = ip[ihl:tot]
        more, offset = (frag >> 13) & 1, (frag & 0x1fff) * 8
        if more or offset:
            got = self.reassemble((4, src, dst, ident, proto), offset, more,
                                  body)
            if got is None:
                return rec, proto, None
            body, rec['frags'] = got
        return rec, proto, body

    def ipv6(self, ip):
        vtcfl, plen, nh, hlim = struct.unpack_from('!IHBB', ip)
        src, dst = ip[8:24], ip[24:40]
        rec = {'l3': 'ip6', 'src': socket.inet_ntop(socket.AF_INET6, src),
               'dst': socket.inet_ntop(socket.AF_INET6, dst), 'ttl': hlim,
               'fl': '0x%05x' % (vtcfl & 0xfffff), 'frags': 1,
               '_s': src, '_d': dst}
        body = ip[40:40 + plen]
        while nh in (0, 43, 60, 44):
            if nh == 44:
                nxt, offm, ident = struct.unpack_from('!BxHI', body)
                got = self.reassemble((6, src, dst, ident), offm & 0xfff8,
                                      offm & 1, body[8:])
                if got is None:
                    return rec, nxt, None
                body, rec['frags'] = got
                nh = nxt
                continue
            nxt, hl = body[0], (body[1] + 1) * 8
            body, nh = body[hl:], nxt
        return rec, nh, body


def decode_frame(frame):
    got = parse_frame(frame)
    if got is None:
        return {'frame': 'other', 'tag': '-', 'flen': len(frame)}
    return {'tag': got[0], 'flen': len(frame), 'fok': int(got[1])}


REC_ORDER = ('l3', 'src', 'dst', 'ttl', 'df', 'fl', 'frags', 'l4', 'sport',
             'dport', 'csum', 'plen', 'hdr', 'frame', 'tag', 'flen', 'fok')


def format_rec(rec):
    return ' '.join('%s=%s' % (k, rec[k]) for k in REC_ORDER if k in rec)


# ------------------------------------------------------- PPPoL2TP sockets

AF_PPPOX = 24
PX_PROTO_OL2TP = 1


class Pppox:
    """A PPPoL2TP socket attached to an existing L2TPv2 session.  Never
    bound to a PPP channel, it sends what is written to it (after ff 03)
    and queues what the session receives (ff 03 stripped), so it serves
    as both the pseudowire's transmitter and a capture of its frames.
    Closing it deletes the session."""

    def __init__(self, name, ns, tid, sid, ptid, psid):
        self.name = name
        self.sock = ns.socket(AF_PPPOX, socket.SOCK_DGRAM, PX_PROTO_OL2TP)
        # struct sockaddr_pppol2tp (packed): family, protocol, then
        # pid, fd, sockaddr_in, and the four 16-bit ids.
        addr = (struct.pack('=HIii', AF_PPPOX, PX_PROTO_OL2TP, 0, -1) +
                b'\0' * 16 + struct.pack('=HHHH', tid, sid, ptid, psid))
        buf = ctypes.create_string_buffer(addr, len(addr))
        if _libc.connect(self.sock.fileno(), buf, len(addr)) != 0:
            err = ctypes.get_errno()
            raise OSError(err, 'PPPoL2TP connect %d/%d: %s' %
                          (tid, sid, os.strerror(err)))
        self.sock.setblocking(False)
        self.pkts = []
        self.shown = 0
        self.last = time.monotonic()

    def fileno(self):
        return self.sock.fileno()

    def drain(self):
        while True:
            try:
                data = self.sock.recv(1 << 16)
            except BlockingIOError:
                return
            self.last = time.monotonic()
            self.pkts.append(decode_frame(data))


# ------------------------------------------------------ generic netlink

NETLINK_GENERIC = 16
NLM_F_REQUEST = 0x1
NLM_F_ACK = 0x4
NLM_F_DUMP = 0x300
NLMSG_ERROR = 2
NLMSG_DONE = 3
GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2

L2TP_CMD_TUNNEL_CREATE = 1
L2TP_CMD_TUNNEL_GET = 4
L2TP_CMD_SESSION_CREATE = 5
L2TP_CMD_SESSION_MODIFY = 7
L2TP_CMD_SESSION_GET = 8

A_PW_TYPE = 1
A_ENCAP_TYPE = 2
A_L2SPEC_TYPE = 5
A_PROTO_VERSION = 7
A_IFNAME = 8
A_CONN_ID = 9
A_PEER_CONN_ID = 10
A_SESSION_ID = 11
A_PEER_SESSION_ID = 12
A_UDP_CSUM = 13
A_COOKIE = 15
A_PEER_COOKIE = 16
A_RECV_SEQ = 18
A_SEND_SEQ = 19
A_LNS_MODE = 20
A_RECV_TIMEOUT = 22
A_IP_SADDR = 24
A_IP_DADDR = 25
A_UDP_SPORT = 26
A_UDP_DPORT = 27
A_STATS = 30
A_IP6_SADDR = 31
A_IP6_DADDR = 32

STATS_NAMES = {1: 'tx_packets', 2: 'tx_bytes', 3: 'tx_errors',
               4: 'rx_packets', 5: 'rx_bytes', 6: 'rx_seq_discards',
               7: 'rx_oos_packets', 8: 'rx_errors', 10: 'rx_cookie_discards',
               11: 'rx_invalid'}
STATS_ORDER = [STATS_NAMES[k] for k in sorted(STATS_NAMES)]


def nla(kind, payload):
    n = 4 + len(payload)
    return struct.pack('=HH', n, kind) + payload + b'\0' * (-n % 4)


def nla_u8(kind, v):
    return nla(kind, struct.pack('=B', v))


def nla_u16(kind, v):
    return nla(kind, struct.pack('=H', v))


def nla_u32(kind, v):
    return nla(kind, struct.pack('=I', v))


def nla_u64(kind, v):
    return nla(kind, struct.pack('=Q', v))


def nla_parse(data):
    attrs = {}
    off = 0
    while off + 4 <= len(data):
        n, kind = struct.unpack_from('=HH', data, off)
        if n < 4:
            break
        attrs[kind & 0x3fff] = data[off + 4:off + n]
        off += (n + 3) & ~3
    return attrs


def nla_uint(b):
    return int.from_bytes(b, sys.byteorder)


class Genl:
    """The "l2tp" generic netlink family, from one namespace."""

    def __init__(self, ns):
        self.sock = ns.socket(socket.AF_NETLINK, socket.SOCK_RAW,
                              NETLINK_GENERIC)
        self.sock.bind((0, 0))
        self.seq = 0
        self.family = None
        got = self.request(GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
                           nla(CTRL_ATTR_FAMILY_NAME, b'l2tp\0'))
        self.family = nla_uint(got[0][CTRL_ATTR_FAMILY_ID])

    def request(self, family, cmd, attrs=b'', dump=False):
        """The attributes of each message of the answer; raises OSError
        on an error answer."""
        self.seq += 1
        flags = NLM_F_REQUEST | (NLM_F_DUMP if dump else NLM_F_ACK)
        body = struct.pack('=BBH', cmd, 1, 0) + attrs
        msg = struct.pack('=IHHII', 16 + len(body), family, flags, self.seq,
                          0) + body
        self.sock.send(msg)
        out = []
        while True:
            data = self.sock.recv(1 << 20)
            off = 0
            while off + 16 <= len(data):
                n, kind, _, seq, _ = struct.unpack_from('=IHHII', data, off)
                part = data[off + 16:off + n]
                off += (n + 3) & ~3
                if seq != self.seq:
                    continue
                if kind == NLMSG_DONE:
                    return out
                if kind == NLMSG_ERROR:
                    err = struct.unpack_from('=i', part)[0]
                    if err:
                        raise OSError(-err, os.strerror(-err))
                    return out
                out.append(nla_parse(part[4:]))

    def l2tp(self, cmd, attrs=b'', dump=False):
        return self.request(self.family, cmd, attrs, dump)

    def snapshot(self):
        """{(tid, sid or None): {name: value}} of every object."""
        snap = {}
        for a in self.l2tp(L2TP_CMD_TUNNEL_GET, dump=True):
            d = {'tid': nla_uint(a[A_CONN_ID]),
                 'ptid': nla_uint(a.get(A_PEER_CONN_ID, b'\0'))}
            d.update(stats_of(a))
            snap[(d['tid'], None)] = d
        for a in self.l2tp(L2TP_CMD_SESSION_GET, dump=True):
            d = {'tid': nla_uint(a[A_CONN_ID]),
                 'sid': nla_uint(a[A_SESSION_ID]),
                 'psid': nla_uint(a.get(A_PEER_SESSION_ID, b'\0')),
                 'send_seq': nla_uint(a.get(A_SEND_SEQ, b'\0')),
                 'recv_seq': nla_uint(a.get(A_RECV_SEQ, b'\0')),
                 'lns_mode': nla_uint(a.get(A_LNS_MODE, b'\0')),
                 'timeout': nla_uint(a.get(A_RECV_TIMEOUT, b'\0'))}
            d.update(stats_of(a))
            snap[(d['tid'], d['sid'])] = d
        return snap


def stats_of(attrs):
    st = nla_parse(attrs.get(A_STATS, b''))
    return {name: nla_uint(st.get(k, b'\0')) for k, name in
            STATS_NAMES.items()}


def format_stats(d):
    if 'sid' in d:
        keys = ['tid', 'sid', 'psid', 'send_seq', 'recv_seq', 'lns_mode',
                'timeout']
        kind = 'sess'
    else:
        keys = ['tid', 'ptid']
        kind = 'tun'
    return 'stats %s %s' % (kind, ' '.join('%s=%s' % (k, d[k]) for k in
                                           keys + STATS_ORDER))


# ------------------------------------------------------------- UDP MIB

def udp_snmp(ns):
    """The UDP and UDP6 error counters of a namespace (/proc/net/snmp
    and snmp6 of a process inside it)."""
    fd = os.open(ns.path, os.O_RDONLY)
    try:
        _setns(fd)
        with open('/proc/self/net/snmp') as f:
            v4 = [line.split() for line in f if line.startswith('Udp:')]
        with open('/proc/self/net/snmp6') as f:
            v6 = dict(line.split() for line in f if line.startswith('Udp6'))
    finally:
        _setns(_home_ns)
        os.close(fd)
    out = {}
    for k, v in zip(v4[0][1:], v4[1][1:]):
        if k in ('InErrors', 'InCsumErrors'):
            out['Udp' + k] = int(v)
    for k in ('Udp6InErrors', 'Udp6InCsumErrors'):
        out[k] = int(v6.get(k, 0))
    return out


# ------------------------------------------------------------ the script

class Runner:
    def __init__(self):
        self.netns = {}
        self.paths = {}
        self.caps = {}
        self.genl = {}
        self.txsocks = {}

    def ns(self, name):
        if name not in self.netns:
            raise ValueError('unknown namespace ' + name)
        return self.netns[name]

    def nl(self, name):
        if name not in self.genl:
            self.genl[name] = Genl(self.ns(name))
        return self.genl[name]

    def pump(self, timeout):
        """Read every capture, waiting at most timeout for input."""
        socks = list(self.caps.values())
        if socks:
            r, _, _ = select.select(socks, [], [], max(timeout, 0))
            for c in r:
                c.drain()
        elif timeout > 0:
            time.sleep(timeout)

    def run(self, lines):
        for n, line in enumerate(lines, 1):
            words = line.split('#', 1)[0].split()
            if not words:
                continue
            fn = getattr(self, 'do_' + words[0], None)
            if fn is None:
                raise ValueError('line %d: unknown command %s' % (n, words[0]))
            fn(*words[1:])
            sys.stdout.flush()

    @staticmethod
    def kv(words):
        return dict(w.split('=', 1) for w in words)

    def do_ns(self, name, netns):
        self.netns[name] = Netns(netns)

    def do_path(self, name, ns, kind, src, dst, sport='0', dport='0'):
        self.paths[name] = Path(self.ns(ns), kind, src, dst, int(sport),
                                int(dport))

    def do_cap(self, name, ns, dev, kind=None):
        self.caps[name] = Capture(name, self.ns(ns), dev, kind)

    def do_inj(self, path, *words):
        p = self.paths[path]
        opts = self.kv(words)
        seqs = _ints(opts['seq']) if 'seq' in opts else [None]
        count = _int(opts.get('count', '1'))
        gap = float(opts.get('gap', '0'))
        tag = _int(opts['tag']) if 'tag' in opts else None
        first = True
        for s in seqs:
            for i in range(count):
                if not first and gap:
                    time.sleep(gap)
                first = False
                t = tag + i if tag is not None else None
                p.send(build_l2tp(opts, p.udp, s, t), opts.get('csum', 'auto'))
        self.pump(0)

    def do_pppox(self, name, ns, tid, sid, ptid, psid):
        self.caps[name] = Pppox(name, self.ns(ns), int(tid), int(sid),
                                int(ptid), int(psid))

    def do_psend(self, name, *words):
        opts = self.kv(words)
        tag = _int(opts.get('tag', '1'))
        for i in range(_int(opts.get('count', '1'))):
            self.caps[name].sock.send(test_frame(tag + i,
                                                 _int(opts.get('len', '64'))))
        self.pump(0)

    def do_frame(self, ns, dev, *words):
        opts = self.kv(words)
        key = (ns, dev)
        if key not in self.txsocks:
            s = self.ns(ns).socket(socket.AF_PACKET, socket.SOCK_RAW, 0)
            s.bind((dev, 0))
            self.txsocks[key] = s
        tag = _int(opts.get('tag', '1'))
        for i in range(_int(opts.get('count', '1'))):
            self.txsocks[key].send(test_frame(tag + i,
                                              _int(opts.get('len', '64'))))
        self.pump(0)

    def do_expect(self, name, n, timeout='5'):
        cap = self.caps[name]
        end = time.monotonic() + float(timeout)
        while len(cap.pkts) < int(n):
            left = end - time.monotonic()
            if left <= 0:
                print('# %s: %d of %s packets after %s s' %
                      (name, len(cap.pkts), n, timeout))
                return
            self.pump(left)

    def do_idle(self, name, quiet='0.3'):
        cap = self.caps[name]
        end = time.monotonic() + 10 * float(quiet)
        cap.last = time.monotonic()
        while time.monotonic() < end:
            left = cap.last + float(quiet) - time.monotonic()
            if left <= 0:
                return
            self.pump(left)

    def do_show(self, name):
        cap = self.caps[name]
        self.pump(0)
        for i in range(cap.shown, len(cap.pkts)):
            print('pkt %s i=%d %s' % (name, i, format_rec(cap.pkts[i])))
        cap.shown = len(cap.pkts)

    def do_flush(self, name):
        self.pump(0)
        self.caps[name].pkts = []
        self.caps[name].shown = 0

    def do_snmp(self, ns):
        print('snmp ' + ' '.join('%s=%d' % kv for kv in
                                 udp_snmp(self.ns(ns)).items()))

    def do_sleep(self, secs):
        end = time.monotonic() + float(secs)
        while time.monotonic() < end:
            self.pump(end - time.monotonic())

    def do_stats(self, ns):
        snap = self.nl(ns).snapshot()
        print('stats begin ' + self.ns(ns).name)
        for key in sorted(snap, key=lambda k: (k[0], k[1] is not None,
                                               k[1] or 0)):
            print(format_stats(snap[key]))

    def do_wait(self, ns, tid, sid, *words):
        want = {k: int(v, 0) for k, v in self.kv(words).items()}
        key = (int(tid), None if sid == '-' else int(sid))
        end = time.monotonic() + 5
        while True:
            d = self.nl(ns).snapshot().get(key)
            if d and all(d.get(k) == v for k, v in want.items()):
                return
            if time.monotonic() > end:
                print('# wait %s %s %s: timed out, now %s' %
                      (ns, tid, sid, format_stats(d) if d else 'absent'))
                return
            self.pump(0.05)

    def do_modify(self, ns, tid, sid, *words):
        attrs = nla_u32(A_CONN_ID, int(tid)) + nla_u32(A_SESSION_ID, int(sid))
        for k, v in self.kv(words).items():
            if k == 'timeout':
                attrs += nla_u64(A_RECV_TIMEOUT, int(v))
            else:
                attrs += nla_u8({'send_seq': A_SEND_SEQ,
                                 'recv_seq': A_RECV_SEQ,
                                 'lns_mode': A_LNS_MODE}[k], int(v))
        self.nl(ns).l2tp(L2TP_CMD_SESSION_MODIFY, attrs)

    def do_tunnel(self, ns, *words):
        o = self.kv(words)
        attrs = (nla_u32(A_CONN_ID, int(o['tid'])) +
                 nla_u32(A_PEER_CONN_ID, int(o['ptid'])) +
                 nla_u8(A_PROTO_VERSION, int(o.get('ver', '3'))) +
                 nla_u16(A_ENCAP_TYPE, 1 if o.get('encap') == 'ip' else 0))
        if ':' in o['local']:
            attrs += (nla(A_IP6_SADDR, socket.inet_pton(socket.AF_INET6,
                                                         o['local'])) +
                      nla(A_IP6_DADDR, socket.inet_pton(socket.AF_INET6,
                                                         o['remote'])))
        else:
            attrs += (nla(A_IP_SADDR, socket.inet_aton(o['local'])) +
                      nla(A_IP_DADDR, socket.inet_aton(o['remote'])))
        if 'sport' in o:
            attrs += (nla_u16(A_UDP_SPORT, int(o['sport'])) +
                      nla_u16(A_UDP_DPORT, int(o['dport'])))
        if o.get('csum') == '1':
            attrs += nla_u8(A_UDP_CSUM, 1)
        self.nl(ns).l2tp(L2TP_CMD_TUNNEL_CREATE, attrs)

    def do_session(self, ns, *words):
        o = self.kv(words)
        attrs = (nla_u32(A_CONN_ID, int(o['tid'])) +
                 nla_u32(A_SESSION_ID, int(o['sid'])) +
                 nla_u32(A_PEER_SESSION_ID, int(o['psid'])) +
                 nla_u16(A_PW_TYPE, int(o.get('pw', '5'))))
        if 'sub' in o:
            attrs += nla_u8(A_L2SPEC_TYPE, 0 if o['sub'] == 'none' else 1)
        for k, a in (('cookie', A_COOKIE), ('peer_cookie', A_PEER_COOKIE)):
            if k in o:
                attrs += nla(a, bytes.fromhex(o[k]))
        if 'name' in o:
            attrs += nla(A_IFNAME, o['name'].encode() + b'\0')
        for k, a in (('send_seq', A_SEND_SEQ), ('recv_seq', A_RECV_SEQ),
                     ('lns_mode', A_LNS_MODE)):
            if k in o:
                attrs += nla_u8(a, int(o[k]))
        self.nl(ns).l2tp(L2TP_CMD_SESSION_CREATE, attrs)


def main(argv):
    # One CPU: the packets of one run reach the receiver's backlog queue
    # in the order they were sent.
    cpus = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {min(cpus)})
    r = Runner()
    for a in argv[1:]:
        name, _, netns = a.partition('=')
        r.do_ns(name, netns)
    try:
        r.run(sys.stdin.read().splitlines())
    except (OSError, ValueError, KeyError) as e:
        print('# l2tp_wire: error: %s' % e)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
