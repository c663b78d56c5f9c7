#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Extract a few members of a big multi-block .tar.xz without reading all of it.

    xz_tar_member.py TARBALL DESTDIR MEMBER...

Decompressing the whole Debian kernel source tarball (1.5 GB) takes many
minutes in the TCG test guest; the tarball is written as independent
24 MiB xz blocks, though, so this decodes one block at a time, from the
last one backwards (the selftests live in tools/, near the end), looks
for the members' tar headers, and stops as soon as all are written to
DESTDIR/MEMBER. The block table comes from `xz --robot -lvv`, which only
reads the index at the end of the file. Exits 1 if a member is missing.
"""

import lzma
import os
import subprocess
import sys

TAR_BLOCK = 512


def xz_blocks(path):
    """(compressed data offset, compressed size, uncompressed offset, size)."""
    out = subprocess.run(['xz', '--robot', '-lvv', path], check=True,
                         capture_output=True, text=True).stdout
    blocks = []
    for line in out.splitlines():
        f = line.split('\t')
        if f[0] != 'block':
            continue
        # block, stream, nr in stream, nr in file, comp off, uncomp off,
        # total size, uncomp size, ratio, check, check value, header
        # size, size flags, compressed data size, memory, filters
        comp_off, uncomp_off = int(f[4]), int(f[5])
        uncomp_size, header = int(f[7]), int(f[11])
        blocks.append((comp_off + header, int(f[13]), uncomp_off,
                       uncomp_size))
    return blocks


def decode_block(fh, block):
    data_off, data_size, _, _ = block
    fh.seek(data_off)
    raw = fh.read(data_size)
    # Each xz block starts LZMA2 afresh: a raw decoder needs no header.
    dec = lzma.LZMADecompressor(format=lzma.FORMAT_RAW, filters=[
        {'id': lzma.FILTER_LZMA2, 'dict_size': 64 << 20}])
    return dec.decompress(raw)


def header_at(buf, pos):
    """(name, size) if a ustar header starts at pos, else None."""
    hdr = buf[pos:pos + TAR_BLOCK]
    if len(hdr) < TAR_BLOCK or hdr[257:262] != b'ustar':
        return None
    name = hdr[0:100].split(b'\0', 1)[0]
    prefix = hdr[345:500].split(b'\0', 1)[0]
    if prefix:
        name = prefix + b'/' + name
    size_field = hdr[124:136].split(b'\0', 1)[0].strip() or b'0'
    return name.decode('utf-8', 'replace'), int(size_field, 8)


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    path, dest, wanted = sys.argv[1], sys.argv[2], set(sys.argv[3:])
    blocks = xz_blocks(path)
    with open(path, 'rb') as fh:
        nxt = b''
        for i in range(len(blocks) - 1, -1, -1):
            cur = decode_block(fh, blocks[i])
            # A member may run on into the following block.
            buf = cur + nxt[:1 << 20]
            # Uncompressed block offsets are multiples of 512.
            for pos in range(0, len(cur), TAR_BLOCK):
                h = header_at(buf, pos)
                if not h or h[0] not in wanted:
                    continue
                name, size = h
                body = buf[pos + TAR_BLOCK:pos + TAR_BLOCK + size]
                if len(body) != size:
                    continue
                out = os.path.join(dest, name)
                os.makedirs(os.path.dirname(out), exist_ok=True)
                with open(out, 'wb') as o:
                    o.write(body)
                wanted.discard(name)
            if not wanted:
                return 0
            nxt = cur
    print('not found: ' + ' '.join(sorted(wanted)), file=sys.stderr)
    return 1


if __name__ == '__main__':
    sys.exit(main())
