# The car's side of the Raceline car link (docs/car-protocol.md section 5), MicroPython and CPython.
import struct
import hashlib
import time
from car_wire import Splitter, encode_frame, VERSION
import car_pack
from car_slots import EMPTY, PARTIAL, VALID

FIRMWARE = "raceline-micropython 1"
HELLO, BEGIN, DATA, VERIFY, SWITCH, TELEMETRY_CONFIG, INFER, ABORT = 1, 2, 3, 4, 5, 6, 7, 8
REPLY, TELEMETRY, ERROR = 0x80, 0xA0, 0xFF
BAD_VERSION, UNKNOWN_TYPE, BAD_PAYLOAD, BAD_STATE, TOO_LARGE = 1, 2, 3, 4, 5
UNSUPPORTED_FORMAT, HASH_MISMATCH, BAD_PACK, NOT_VERIFIED, STORAGE, NO_MODEL = 6, 7, 8, 9, 10, 11
FORMATS = (1, 2)  # float32 and int8 packs


def ticks_ms():
    if hasattr(time, "ticks_ms"):
        return time.ticks_ms()
    return int(time.monotonic() * 1000)


def hexstr(b):
    from binascii import hexlify
    return hexlify(b).decode()


class Refusal(Exception):
    def __init__(self, code, message):
        Exception.__init__(self, message)
        self.code = code


def sha256(data):
    return hashlib.sha256(data).digest()


class CarDevice:
    def __init__(self, slots, sensors, max_frame=512, max_window=4, read_state=None, log=print):
        self.slots = slots
        self.sensors = sensors  # [(name, size)]
        self.max_frame = max_frame
        self.max_window = max_window
        self.read_state = read_state or (lambda: (0.0, 0))  # (speed m/s, battery mV)
        self.log = log
        self.write = None
        self.pack = None
        self.last = (-1, 0.0, 0.0)
        # At boot the active model is hashed again; if flash damaged it, the other verified slot drives.
        active = slots.active_slot()
        for slot in ((active, 1 - active) if active is not None else ()):
            state, size, written, hash_ = slots.info(slot)
            if state != VALID:
                continue
            data = slots.read(slot)
            if sha256(data[:-32]) == data[-32:] == hash_:
                if slot != active:
                    self.log("slot %d fails its hash; slot %d takes over" % (active, slot))
                    slots.set_active(slot)
                self.pack = car_pack.parse(data)
                break
            data = None

    def connect(self, write):
        # A new connection (the slots persist).
        self.write = write
        self.seq = 0
        self.splitter = Splitter(self.max_frame)
        self.begun = None  # (size, hash, ack_every)
        self.since_ack = 0
        self.gap_at = -1
        self.tele_period = 0
        self.tele_last = None

    def receive(self, data):
        self.splitter.push(data, self.handle)

    def send(self, type_, payload):
        self.write(encode_frame(type_, self.seq, payload))
        self.seq = (self.seq + 1) & 0xFFFF

    def reply(self, req_type, reply_to, body=b""):
        self.send(req_type | REPLY, struct.pack("<H", reply_to) + body)

    def handle(self, frame):
        version, type_, seq, p = frame
        try:
            if version != VERSION:
                raise Refusal(BAD_VERSION, "protocol version %d is not supported" % version)
            self.dispatch(type_, seq, p)
        except Refusal as e:
            self.error(seq, e.code, type_, str(e))
        except Exception as e:  # storage failures and bugs are answered too
            self.error(seq, STORAGE, type_, "car failure: %s" % e)

    def error(self, seq, code, type_, message):
        m = message.encode()[:200]
        self.send(ERROR, struct.pack("<HBBB", seq, code, type_, len(m)) + m)

    def upload_slot(self, hash_=None):
        active = self.slots.active_slot()
        if active is not None:
            return 1 - active
        one = self.slots.info(1)
        return 1 if hash_ is not None and one[0] != EMPTY and one[3] == hash_ else 0

    def hello(self, seq):
        active = self.slots.active_slot()
        out = struct.pack("<HBBHBBI", seq, VERSION, 3, self.max_frame, self.max_window, 0xFF if active is None else active, self.slots.capacity)
        for i in (0, 1):
            state, size, written, hash_ = self.slots.info(i)
            out += struct.pack("<BII", state, size, written) + hash_
        out += bytes([len(self.sensors)])
        for name, size in self.sensors:
            out += bytes([len(name)]) + name.encode() + struct.pack("<H", size)
        fw = FIRMWARE.encode()
        self.send(HELLO | REPLY, out + bytes([len(fw)]) + fw)

    def dispatch(self, t, seq, p):
        n = len(p)
        if t == HELLO:
            self.hello(seq)
        elif t == BEGIN:
            if n != 38:
                raise Refusal(BAD_PAYLOAD, "BEGIN payload must be 38 bytes")
            size, fmt, ack_every = struct.unpack_from("<IBB", p, 0)
            hash_ = p[6:]
            if fmt not in FORMATS:
                raise Refusal(UNSUPPORTED_FORMAT, "pack format %d is not supported" % fmt)
            if size > self.slots.capacity:
                raise Refusal(TOO_LARGE, "pack of %d bytes exceeds the %d-byte slot" % (size, self.slots.capacity))
            if size <= 32 or ack_every < 1:
                raise Refusal(BAD_PAYLOAD, "bad BEGIN size or ack_every")
            slot = self.upload_slot(hash_)
            state, have_size, written, have_hash = self.slots.info(slot)
            same = state != EMPTY and have_size == size and have_hash == hash_
            if not same:
                self.slots.begin(slot, size, hash_)
                written = 0
            self.begun = (size, hash_, ack_every)
            self.since_ack = 0
            self.gap_at = -1
            self.reply(BEGIN, seq, struct.pack("<BI", slot, written))
        elif t == DATA:
            if n < 4:
                raise Refusal(BAD_PAYLOAD, "DATA payload shorter than its offset")
            self.data(seq, struct.unpack_from("<I", p, 0)[0], p[4:])
        elif t == VERIFY:
            if n != 32:
                raise Refusal(BAD_PAYLOAD, "VERIFY payload must be 32 bytes")
            self.verify(seq, p)
        elif t == SWITCH:
            if n != 32:
                raise Refusal(BAD_PAYLOAD, "SWITCH payload must be 32 bytes")
            active = self.slots.active_slot()
            if active is not None and self.slots.info(active)[3] == p:
                return self.reply(SWITCH, seq, bytes([active]) + p)
            slot = self.upload_slot(p)
            state, size, written, hash_ = self.slots.info(slot)
            if state != VALID or hash_ != p:
                raise Refusal(NOT_VERIFIED, "model %s is not verified in slot %d" % (hexstr(p)[:16], slot))
            pack = car_pack.parse(self.slots.read(slot))
            self.slots.set_active(slot)
            self.pack = pack
            self.reply(SWITCH, seq, bytes([slot]) + p)
        elif t == TELEMETRY_CONFIG:
            if n != 2:
                raise Refusal(BAD_PAYLOAD, "TELEMETRY_CONFIG payload must be 2 bytes")
            self.tele_period = struct.unpack("<H", p)[0]
            self.tele_last = None
            self.reply(TELEMETRY_CONFIG, seq, p)
        elif t == INFER:
            if self.pack is None:
                raise Refusal(NO_MODEL, "the car has no active model; upload one first")
            if n != 4 * self.pack.observation_size():
                raise Refusal(BAD_PAYLOAD, "INFER: %d values, the model reads %d" % (n // 4, self.pack.observation_size()))
            index, steering, speed = self.drive(struct.unpack("<%df" % (n // 4), p))
            self.reply(INFER, seq, struct.pack("<hff", index, steering, speed))
        elif t == ABORT:
            for slot in (0, 1):
                if slot != self.slots.active_slot() and self.slots.info(slot)[0] == PARTIAL:
                    self.slots.discard(slot)
            self.begun = None
            self.reply(ABORT, seq)
        else:
            raise Refusal(UNKNOWN_TYPE, "message type 0x%02x is unknown" % t)

    def data(self, seq, offset, chunk):
        if self.begun is None:
            raise Refusal(BAD_STATE, "DATA before BEGIN on this connection")
        size, hash_, ack_every = self.begun
        slot = self.upload_slot(hash_)
        state, have_size, written, have_hash = self.slots.info(slot)
        if state == EMPTY or have_hash != hash_:
            raise Refusal(BAD_STATE, "DATA for an upload the car has discarded; send BEGIN again")
        if offset + len(chunk) > have_size:
            raise Refusal(BAD_PAYLOAD, "DATA runs past the pack size")
        if state == VALID or offset + len(chunk) <= written:
            return self.reply(DATA, seq, struct.pack("<IB", written, 0))  # duplicate
        if offset > written:
            if self.gap_at != written:
                self.gap_at = written
                self.reply(DATA, seq, struct.pack("<IB", written, 1))
            return
        self.slots.append(slot, chunk[written - offset:])
        written = offset + len(chunk)
        self.gap_at = -1
        self.since_ack += 1
        if self.since_ack >= ack_every or written == have_size:
            self.since_ack = 0
            self.reply(DATA, seq, struct.pack("<IB", written, 0))

    def verify(self, seq, want):
        slot = self.upload_slot(want)
        state, size, written, hash_ = self.slots.info(slot)
        if state == VALID and hash_ == want:
            return self.reply(VERIFY, seq, bytes([slot]) + want)
        if state != PARTIAL or written != size:
            raise Refusal(BAD_STATE, "VERIFY before the upload is complete (%d of %d bytes)" % (written, size))
        data = self.slots.read(slot)
        digest = sha256(data[:-32])
        if not (digest == hash_ == want == data[-32:]):
            self.slots.discard(slot)
            raise Refusal(HASH_MISMATCH, "received bytes hash to %s, expected %s; upload discarded, the active model is unchanged" % (hexstr(digest)[:16], hexstr(hash_)[:16]))
        try:
            pack = car_pack.parse(data)
            have = dict(self.sensors)
            for name, n in pack.sensors:
                if have.get(name) != n:
                    raise car_pack.PackError("the model reads %s (%d values); this car lacks it" % (name, n))
        except car_pack.PackError as e:
            self.slots.discard(slot)
            raise Refusal(BAD_PACK, str(e))
        self.slots.mark_valid(slot)
        self.reply(VERIFY, seq, bytes([slot]) + want)

    def drive(self, obs):
        # One control step: the active model's (action, steering deg, speed m/s); telemetry when due.
        self.last = car_pack.act(self.pack, obs)
        now = ticks_ms()
        if self.write is not None and self.tele_period and (self.tele_last is None or now - self.tele_last >= self.tele_period):
            self.tele_last = now
            speed, battery = self.read_state()
            active = self.slots.active_slot()
            self.send(TELEMETRY, struct.pack("<IffhHBB", now & 0xFFFFFFFF, speed, self.last[1], self.last[0], battery, 0xFF if active is None else active, 0))
        return self.last
