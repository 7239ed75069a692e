#!/usr/bin/env python3
"""png_colour.py FILE RRGGBB [TOLERANCE]: how many pixels of an 8-bit RGB
or RGBA PNG are within TOLERANCE (default 40, summed over channels) of
the colour. Standard library only; for tests that check a plot drew."""
import struct
import sys
import zlib


def pixels(path):
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, w = 8, b"", 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and ctype in (2, 6), "need 8-bit RGB(A)"
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = w * bpp
    prev = bytearray(stride)
    out = []
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pr = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[i] = (line[i] + pr) & 255
        out.append(line)
        prev = line
    return out, bpp


def main():
    rows, bpp = pixels(sys.argv[1])
    want = bytes.fromhex(sys.argv[2])
    tol = int(sys.argv[3]) if len(sys.argv) > 3 else 40
    n = 0
    for line in rows:
        for i in range(0, len(line), bpp):
            if sum(abs(line[i + k] - want[k]) for k in range(3)) <= tol:
                n += 1
    print(n)


if __name__ == "__main__":
    main()
