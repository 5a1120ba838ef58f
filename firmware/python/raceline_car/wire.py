"""Frames on the wire (docs/car-protocol.md section 2).

A frame is ``version u8, type u8, sequence u16, length u16, payload, crc32 u32`` (little-endian),
COBS-encoded and followed by one 0x00 delimiter. The CRC is IEEE CRC-32 (zlib.crc32) of everything
before it.
"""
from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from typing import Callable, Iterator

PROTOCOL_VERSION = 1
HEADER = struct.Struct("<BBHH")
FRAME_OVERHEAD = HEADER.size + 4


class FrameError(ValueError):
    """Bytes that are not a valid frame (COBS, length or CRC)."""


def cobs_encode(data: bytes) -> bytes:
    """COBS-encode ``data`` (canonical form) and append the 0x00 delimiter."""
    out = bytearray(b"\x00")
    code_at, code = 0, 1
    for i, b in enumerate(data):
        if b:
            out.append(b)
            code += 1
        if b == 0 or code == 0xFF:
            out[code_at] = code
            code_at, code = len(out), 1
            if b == 0 or i + 1 < len(data):  # a full block at the very end opens no new block
                out.append(0)
    if code_at < len(out):
        out[code_at] = code
    out.append(0)
    return bytes(out)


def cobs_decode(encoded: bytes) -> bytes:
    """Decode one COBS block run (no delimiter). Raises FrameError for malformed input."""
    if not encoded:
        raise FrameError("COBS: empty frame")
    out = bytearray()
    i, n = 0, len(encoded)
    while i < n:
        code = encoded[i]
        if code == 0:
            raise FrameError(f"COBS: byte {i} is 0x00")
        if i + code > n:
            raise FrameError(f"COBS: block at byte {i} runs past the end of the frame")
        block = encoded[i + 1 : i + code]
        if 0 in block:
            raise FrameError("COBS: 0x00 inside a block")
        out += block
        i += code
        if code != 0xFF and i < n:
            out.append(0)
    return bytes(out)


@dataclass
class Frame:
    version: int
    type: int
    sequence: int
    payload: bytes


def encode_frame(type_: int, sequence: int, payload: bytes) -> bytes:
    """The wire bytes of one frame: header, payload, CRC, COBS, delimiter."""
    body = HEADER.pack(PROTOCOL_VERSION, type_, sequence & 0xFFFF, len(payload)) + payload
    return cobs_encode(body + struct.pack("<I", zlib.crc32(body) & 0xFFFFFFFF))


def decode_frame(raw: bytes) -> Frame:
    """Parse and check a COBS-decoded frame. Raises FrameError."""
    if len(raw) < FRAME_OVERHEAD:
        raise FrameError(f"frame of {len(raw)} bytes is shorter than {FRAME_OVERHEAD}")
    version, type_, sequence, length = HEADER.unpack_from(raw)
    if length != len(raw) - FRAME_OVERHEAD:
        raise FrameError(f"length field {length} disagrees with frame size {len(raw)}")
    (crc,) = struct.unpack_from("<I", raw, HEADER.size + length)
    if crc != zlib.crc32(raw[: HEADER.size + length]) & 0xFFFFFFFF:
        raise FrameError("CRC mismatch")
    return Frame(version, type_, sequence, bytes(raw[HEADER.size : HEADER.size + length]))


class FrameSplitter:
    """Cuts a byte stream into frames at 0x00 and decodes them; bad frames go to ``on_bad``."""

    def __init__(self, max_frame_size: int, on_bad: Callable[[str], None] = lambda e: None) -> None:
        self.max_encoded = max_frame_size + max_frame_size // 254 + 1
        self.buf = bytearray()
        self.overflow = False
        self.on_bad = on_bad

    def push(self, data: bytes) -> Iterator[Frame]:
        for b in data:
            if b != 0:
                if len(self.buf) < self.max_encoded:
                    self.buf.append(b)
                else:
                    self.overflow = True
                continue
            raw, overflow = bytes(self.buf), self.overflow
            self.buf.clear()
            self.overflow = False
            if overflow:
                self.on_bad("frame too long")
            elif raw:
                try:
                    yield decode_frame(cobs_decode(raw))
                except FrameError as e:
                    self.on_bad(str(e))
