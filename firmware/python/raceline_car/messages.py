"""Message types, error codes and payload layouts (docs/car-protocol.md sections 3-4), car side.

A reply's type is its request's type with bit 7 set; its payload starts with ``reply_to`` (u16), the
sequence number of the request it answers. All integers little-endian.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import List, Optional, Tuple

HELLO, BEGIN, DATA, VERIFY, SWITCH, TELEMETRY_CONFIG, INFER, ABORT = range(1, 9)
REPLY = 0x80
TELEMETRY = 0xA0
ERROR = 0xFF

BAD_VERSION, UNKNOWN_TYPE, BAD_PAYLOAD, BAD_STATE, TOO_LARGE = 1, 2, 3, 4, 5
UNSUPPORTED_FORMAT, HASH_MISMATCH, BAD_PACK, NOT_VERIFIED, STORAGE, NO_MODEL = 6, 7, 8, 9, 10, 11

FORMAT_FLOAT32, FORMAT_INT8 = 1, 2
SLOT_EMPTY, SLOT_PARTIAL, SLOT_VALID = 0, 1, 2
HASH_SIZE = 32


class Refusal(Exception):
    """A request the car answers with ERROR ``code``."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass
class SlotInfo:
    state: int = SLOT_EMPTY
    size: int = 0
    written: int = 0
    hash: bytes = bytes(HASH_SIZE)


@dataclass
class HelloInfo:
    max_frame_size: int
    formats: List[int]
    max_window: int
    free_space: int
    active_slot: Optional[int]
    slots: List[SlotInfo]
    sensors: List[Tuple[str, int]]
    firmware: str
    protocol_version: int = 1


def _short(s: str) -> bytes:
    b = s.encode("utf-8")[:255]
    return bytes([len(b)]) + b


def encode_hello(reply_to: int, h: HelloInfo) -> bytes:
    mask = 0
    for f in h.formats:
        mask |= 1 << (f - 1)
    active = 0xFF if h.active_slot is None else h.active_slot
    out = struct.pack("<HBBHBBI", reply_to, h.protocol_version, mask, h.max_frame_size, h.max_window, active, h.free_space)
    for s in h.slots:
        out += struct.pack("<BII", s.state, s.size, s.written) + s.hash
    out += bytes([len(h.sensors)])
    for name, size in h.sensors:
        out += _short(name) + struct.pack("<H", size)
    return out + _short(h.firmware)


def encode_error(reply_to: int, code: int, request_type: int, message: str) -> bytes:
    return struct.pack("<HBB", reply_to, code, request_type) + _short(message[:200])


def encode_telemetry(time_ms: int, speed: float, steering: float, action: int, battery_mv: int, active_slot: Optional[int]) -> bytes:
    active = 0xFF if active_slot is None else active_slot
    return struct.pack("<IffhHBB", time_ms & 0xFFFFFFFF, speed, steering, action, battery_mv, active, 0)


@dataclass
class Request:
    type: int
    size: int = 0
    format: int = 0
    ack_every: int = 1
    hash: bytes = b""
    offset: int = 0
    data: bytes = b""
    period_ms: int = 0
    observation: List[float] = field(default_factory=list)


def decode_request(type_: int, p: bytes) -> Request:
    """Raises Refusal(UNKNOWN_TYPE) or Refusal(BAD_PAYLOAD)."""

    def exact(n: int) -> None:
        if len(p) != n:
            raise Refusal(BAD_PAYLOAD, f"payload of type 0x{type_:02x} has {len(p)} bytes, expected {n}")

    if type_ in (HELLO, ABORT):
        exact(0)
        return Request(type_)
    if type_ == BEGIN:
        exact(6 + HASH_SIZE)
        size, fmt, ack_every = struct.unpack_from("<IBB", p)
        if ack_every < 1:
            raise Refusal(BAD_PAYLOAD, "ack_every must be at least 1")
        return Request(type_, size=size, format=fmt, ack_every=ack_every, hash=p[6:])
    if type_ == DATA:
        if len(p) < 4:
            raise Refusal(BAD_PAYLOAD, "DATA payload shorter than its offset field")
        return Request(type_, offset=struct.unpack_from("<I", p)[0], data=p[4:])
    if type_ in (VERIFY, SWITCH):
        exact(HASH_SIZE)
        return Request(type_, hash=p)
    if type_ == TELEMETRY_CONFIG:
        exact(2)
        return Request(type_, period_ms=struct.unpack("<H", p)[0])
    if type_ == INFER:
        if len(p) % 4:
            raise Refusal(BAD_PAYLOAD, "INFER payload is not whole float32 values")
        return Request(type_, observation=list(struct.unpack(f"<{len(p) // 4}f", p)))
    raise Refusal(UNKNOWN_TYPE, f"message type 0x{type_:02x} is unknown")
