#!/usr/bin/env python3
"""Splits capture files (pcap or pcapng) into per-packet seed files for fuzz/decode_fuzz.

Each seed is the 2-byte selector decode_fuzz.cpp expects (link type, and how many 64-byte units the
snapshot length cut) followed by the captured bytes. Identical seeds are written once (named by
their SHA-1); at most --per-capture packets are taken from each capture, spread over the file.

usage: make_seeds.py OUT_DIR CAPTURE_OR_DIR...
"""
import argparse
import hashlib
import os
import struct
import sys

SUPPORTED_LINKS = {0, 1, 12, 101, 108, 113, 228, 229, 276}


def read_pcap(data):
    """Yields (link, orig_len, bytes) from a classic pcap file."""
    magic = struct.unpack("<I", data[:4])[0]
    endian = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    link = struct.unpack(endian + "I", data[20:24])[0] & 0x0FFFFFFF
    off = 24
    while off + 16 <= len(data):
        incl, orig = struct.unpack(endian + "II", data[off + 8:off + 16])
        if incl > len(data) - off - 16:
            return
        yield link, orig, data[off + 16:off + 16 + incl]
        off += 16 + incl


def read_pcapng(data):
    """Yields (link, orig_len, bytes) from the enhanced packet blocks of a pcapng file."""
    endian = "<"
    links = []
    off = 0
    while off + 12 <= len(data):
        block_type = struct.unpack(endian + "I", data[off:off + 4])[0]
        if block_type == 0x0A0D0D0A:  # section header: its byte-order magic sets the endianness
            endian = "<" if data[off + 8:off + 12] == b"\x4d\x3c\x2b\x1a" else ">"
            links = []
        length = struct.unpack(endian + "I", data[off + 4:off + 8])[0]
        if length < 12 or length > len(data) - off:
            return
        if block_type == 1 and length >= 20:
            links.append(struct.unpack(endian + "H", data[off + 8:off + 10])[0])
        elif block_type == 6 and length >= 32:
            iface, _, _, incl, orig = struct.unpack(endian + "IIIII", data[off + 8:off + 28])
            if iface < len(links) and incl <= length - 32:
                yield links[iface], orig, data[off + 28:off + 28 + incl]
        off += length


def read_capture(path):
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        return []
    magic = struct.unpack("<I", data[:4])[0]
    if magic in (0xA1B2C3D4, 0xA1B23C4D, 0xD4C3B2A1, 0x4D3CB2A1):
        return list(read_pcap(data))
    if magic == 0x0A0D0D0A:
        return list(read_pcapng(data))
    return []


def capture_files(paths):
    for p in paths:
        if os.path.isdir(p):
            for root, _, files in os.walk(p):
                for name in sorted(files):
                    if name.endswith((".pcap", ".pcapng", ".cap")):
                        yield os.path.join(root, name)
        elif os.path.isfile(p):
            yield p


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out_dir")
    parser.add_argument("inputs", nargs="+")
    parser.add_argument("--per-capture", type=int, default=300)
    parser.add_argument("--max-len", type=int, default=4096, help="bytes kept of each packet")
    args = parser.parse_args()

    os.makedirs(args.out_dir, exist_ok=True)
    captures = written = 0
    for path in capture_files(args.inputs):
        try:
            packets = [p for p in read_capture(path) if p[0] in SUPPORTED_LINKS]
        except (OSError, struct.error) as e:
            print(f"make_seeds: skipping {path}: {e}", file=sys.stderr)
            continue
        if not packets:
            continue
        captures += 1
        step = max(1, len(packets) // args.per_capture)
        for link, orig, frame in packets[::step][:args.per_capture]:
            frame = frame[:args.max_len]
            cut_units = min(15, max(0, orig - len(frame) + 63) // 64)
            seed = struct.pack(">H", (cut_units << 12) | link) + frame
            name = hashlib.sha1(seed).hexdigest()
            target = os.path.join(args.out_dir, name)
            if not os.path.exists(target):
                with open(target, "wb") as f:
                    f.write(seed)
                written += 1
    print(f"make_seeds: {written} seeds from {captures} captures in {args.out_dir}")


if __name__ == "__main__":
    main()
