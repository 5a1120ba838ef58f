"""The car's side of the protocol (docs/car-protocol.md section 5), over any byte transport."""
from __future__ import annotations

import hashlib
import struct
import sys
import time
from typing import Callable, List, Optional, Tuple

from . import FIRMWARE
from . import messages as m
from .pack import Pack, PackError, act, parse_pack
from .slots import DiskSlots
from .wire import PROTOCOL_VERSION, Frame, FrameSplitter, encode_frame


def log(message: str) -> None:
    print(f"raceline-car: {message}", file=sys.stderr, flush=True)


class Session:
    """Per-connection state; a reconnect starts a new one (the slots persist)."""

    def __init__(self, write: Callable[[bytes], None]) -> None:
        self.write = write
        self.sequence = 0
        self.begun: Optional[m.Request] = None
        self.since_ack = 0
        self.gap_reported_at = -1
        self.telemetry_period_ms = 0
        self.last_telemetry = float("-inf")


class CarDevice:
    def __init__(
        self,
        slots: DiskSlots,
        sensors: List[Tuple[str, int]],
        max_frame_size: int = 1024,
        max_window: int = 16,
        read_state: Callable[[], Tuple[float, int]] = lambda: (0.0, 0),
    ) -> None:
        self.slots = slots
        self.sensors = sensors
        self.max_frame_size = max_frame_size
        self.max_window = max_window
        self.read_state = read_state  # (speed m/s, battery mV)
        self.formats = [m.FORMAT_FLOAT32, m.FORMAT_INT8]
        self.session: Optional[Session] = None
        self.splitter: Optional[FrameSplitter] = None
        self.last_action: Tuple[int, float, float] = (-1, 0.0, 0.0)
        self.pack: Optional[Pack] = None
        active = slots.check_at_boot()
        if active is not None:
            self.pack = parse_pack(slots.read(active))
            log(f"slot {active} active: '{self.pack.name}' {self.pack.hash.hex()[:16]}")
        else:
            log("no model yet; waiting for an upload")

    # ---- connection ----

    def connect(self, write: Callable[[bytes], None]) -> None:
        self.session = Session(write)
        self.splitter = FrameSplitter(self.max_frame_size, on_bad=lambda e: None)

    def receive(self, data: bytes) -> None:
        """Feed bytes read from the transport."""
        for frame in self.splitter.push(data):
            self.handle(frame)

    def send(self, type_: int, payload: bytes) -> None:
        s = self.session
        s.write(encode_frame(type_, s.sequence, payload))
        s.sequence = (s.sequence + 1) & 0xFFFF

    def reply(self, request_type: int, reply_to: int, body: bytes = b"") -> None:
        self.send(request_type | m.REPLY, struct.pack("<H", reply_to) + body)

    def handle(self, f: Frame) -> None:
        try:
            if f.version != PROTOCOL_VERSION:
                raise m.Refusal(m.BAD_VERSION, f"protocol version {f.version} is not supported; this car speaks {PROTOCOL_VERSION}")
            self.dispatch(f.sequence, m.decode_request(f.type, f.payload))
        except m.Refusal as e:
            self.send(m.ERROR, m.encode_error(f.sequence, e.code, f.type, str(e)))
        except Exception as e:  # storage failures and bugs are answered too, never silent
            log(f"failure handling type 0x{f.type:02x}: {e!r}")
            self.send(m.ERROR, m.encode_error(f.sequence, m.STORAGE, f.type, f"car failure: {e}"))

    # ---- requests ----

    def upload_slot(self, hash_: Optional[bytes] = None) -> int:
        active = self.slots.active_slot()
        if active is not None:
            return 1 - active
        one = self.slots.info(1)
        return 1 if hash_ is not None and one.state != m.SLOT_EMPTY and one.hash == hash_ else 0

    def hello_info(self) -> m.HelloInfo:
        return m.HelloInfo(
            max_frame_size=self.max_frame_size,
            formats=self.formats,
            max_window=self.max_window,
            free_space=self.slots.capacity,
            active_slot=self.slots.active_slot(),
            slots=[self.slots.info(0), self.slots.info(1)],
            sensors=self.sensors,
            firmware=FIRMWARE,
        )

    def dispatch(self, seq: int, r: m.Request) -> None:
        s = self.session
        if r.type == m.HELLO:
            self.send(m.HELLO | m.REPLY, m.encode_hello(seq, self.hello_info()))
        elif r.type == m.BEGIN:
            if r.format not in self.formats:
                raise m.Refusal(m.UNSUPPORTED_FORMAT, f"pack format {r.format} is not supported")
            if r.size > self.slots.capacity:
                raise m.Refusal(m.TOO_LARGE, f"pack of {r.size} bytes exceeds the {self.slots.capacity}-byte slot")
            if r.size <= m.HASH_SIZE:
                raise m.Refusal(m.BAD_PAYLOAD, f"pack size {r.size} is too small")
            slot = self.upload_slot(r.hash)
            info = self.slots.info(slot)
            same = info.state != m.SLOT_EMPTY and info.size == r.size and info.hash == r.hash
            if not same:
                self.slots.begin(slot, r.size, r.hash)
            s.begun, s.since_ack, s.gap_reported_at = r, 0, -1
            self.reply(m.BEGIN, seq, struct.pack("<BI", slot, info.written if same else 0))
        elif r.type == m.DATA:
            self.data(seq, r.offset, r.data)
        elif r.type == m.VERIFY:
            self.verify(seq, r.hash)
        elif r.type == m.SWITCH:
            active = self.slots.active_slot()
            if active is not None and self.slots.info(active).hash == r.hash:
                self.reply(m.SWITCH, seq, bytes([active]) + r.hash)
                return
            slot = self.upload_slot(r.hash)
            info = self.slots.info(slot)
            if info.state != m.SLOT_VALID or info.hash != r.hash:
                raise m.Refusal(m.NOT_VERIFIED, f"model {r.hash.hex()[:16]} is not verified in slot {slot}; upload and VERIFY it first")
            pack = parse_pack(self.slots.read(slot), check_hash=False)
            self.slots.set_active(slot)
            self.pack = pack
            log(f"switched to slot {slot}: '{pack.name}' {pack.hash.hex()[:16]}")
            self.reply(m.SWITCH, seq, bytes([slot]) + r.hash)
        elif r.type == m.TELEMETRY_CONFIG:
            s.telemetry_period_ms, s.last_telemetry = r.period_ms, float("-inf")
            self.reply(m.TELEMETRY_CONFIG, seq, struct.pack("<H", r.period_ms))
        elif r.type == m.INFER:
            if self.pack is None:
                raise m.Refusal(m.NO_MODEL, "the car has no active model; upload one first")
            if len(r.observation) != self.pack.observation_size:
                raise m.Refusal(m.BAD_PAYLOAD, f"INFER: {len(r.observation)} values, the model reads {self.pack.observation_size}")
            index, steering, speed = self.drive(r.observation)
            self.reply(m.INFER, seq, struct.pack("<hff", index, steering, speed))
        elif r.type == m.ABORT:
            for slot in (0, 1):
                if slot != self.slots.active_slot() and self.slots.info(slot).state == m.SLOT_PARTIAL:
                    self.slots.discard(slot)
            s.begun = None
            self.reply(m.ABORT, seq)

    def data(self, seq: int, offset: int, data: bytes) -> None:
        s = self.session
        if s.begun is None:
            raise m.Refusal(m.BAD_STATE, "DATA before BEGIN on this connection")
        slot = self.upload_slot(s.begun.hash)
        info = self.slots.info(slot)
        if info.state == m.SLOT_EMPTY or info.hash != s.begun.hash:
            raise m.Refusal(m.BAD_STATE, "DATA for an upload the car has discarded; send BEGIN again")
        if offset + len(data) > info.size:
            raise m.Refusal(m.BAD_PAYLOAD, f"DATA at {offset} + {len(data)} bytes runs past the pack size {info.size}")

        def ack(written: int, gap: bool) -> None:
            self.reply(m.DATA, seq, struct.pack("<IB", written, 1 if gap else 0))

        if info.state == m.SLOT_VALID or offset + len(data) <= info.written:
            return ack(info.written, False)  # duplicate
        if offset > info.written:
            if s.gap_reported_at != info.written:
                s.gap_reported_at = info.written
                ack(info.written, True)
            return
        self.slots.append(slot, data[info.written - offset :])
        written = offset + len(data)
        s.gap_reported_at = -1
        s.since_ack += 1
        if s.since_ack >= s.begun.ack_every or written == info.size:
            s.since_ack = 0
            ack(written, False)

    def verify(self, seq: int, hash_: bytes) -> None:
        slot = self.upload_slot(hash_)
        info = self.slots.info(slot)
        if info.state == m.SLOT_VALID and info.hash == hash_:
            return self.reply(m.VERIFY, seq, bytes([slot]) + hash_)
        if info.state != m.SLOT_PARTIAL or info.written != info.size:
            raise m.Refusal(m.BAD_STATE, f"VERIFY before the upload is complete (slot {slot}: {info.written} of {info.size} bytes)")
        data = self.slots.read(slot)
        digest = hashlib.sha256(data[: -m.HASH_SIZE]).digest()
        if not (digest == info.hash == hash_ == data[-m.HASH_SIZE :]):
            self.slots.discard(slot)
            raise m.Refusal(m.HASH_MISMATCH, f"received bytes hash to {digest.hex()[:16]}, expected {info.hash.hex()[:16]}; upload discarded, the active model is unchanged")
        try:
            pack = parse_pack(data, check_hash=False)
            have = dict(self.sensors)
            for name, size in pack.sensors:
                if have.get(name) != size:
                    raise PackError(f"the model reads {name} ({size} values); this car has {', '.join(f'{n} ({z})' for n, z in self.sensors) or 'no sensors'}")
        except PackError as e:
            self.slots.discard(slot)
            raise m.Refusal(m.BAD_PACK, str(e))
        self.slots.mark_valid(slot)
        self.reply(m.VERIFY, seq, bytes([slot]) + hash_)

    # ---- driving ----

    def drive(self, observation) -> Tuple[int, float, float]:
        """One control step with the active model; sends telemetry when due. Returns (action, steering deg, speed m/s)."""
        self.last_action = act(self.pack, observation)
        s = self.session
        now = time.monotonic() * 1000
        if s is not None and s.telemetry_period_ms and now - s.last_telemetry >= s.telemetry_period_ms:
            s.last_telemetry = now
            speed, battery = self.read_state()
            index, steering, _ = self.last_action
            self.send(m.TELEMETRY, m.encode_telemetry(int(now), speed, steering, index, battery, self.slots.active_slot()))
        return self.last_action
