# Raceline car link: CRC-32, COBS and frames (docs/car-protocol.md section 2).
# MicroPython and CPython; no allocation-heavy features.
import struct

try:
    from binascii import crc32 as _crc32  # present on most MicroPython ports and CPython

    def crc32(data):
        return _crc32(data) & 0xFFFFFFFF

except ImportError:
    _TABLE = []
    for _n in range(256):
        _c = _n
        for _k in range(8):
            _c = (0xEDB88320 ^ (_c >> 1)) if _c & 1 else (_c >> 1)
        _TABLE.append(_c)

    def crc32(data):
        c = 0xFFFFFFFF
        for b in data:
            c = _TABLE[(c ^ b) & 0xFF] ^ (c >> 8)
        return c ^ 0xFFFFFFFF

VERSION = 1
OVERHEAD = 10  # 6-byte header + 4-byte CRC


def cobs_encode(data):
    # Canonical COBS plus the 0x00 delimiter.
    out = bytearray(b"\x00")
    code_at = 0
    code = 1
    n = len(data)
    for i in range(n):
        b = data[i]
        if b:
            out.append(b)
            code += 1
        if b == 0 or code == 0xFF:
            out[code_at] = code
            code_at = len(out)
            code = 1
            if b == 0 or i + 1 < n:  # a full block at the very end opens no new block
                out.append(0)
    if code_at < len(out):
        out[code_at] = code
    out.append(0)
    return out


def cobs_decode(enc):
    # Returns the decoded bytes, or None when malformed.
    out = bytearray()
    i = 0
    n = len(enc)
    if n == 0:
        return None
    while i < n:
        code = enc[i]
        if code == 0 or i + code > n:
            return None
        out.extend(enc[i + 1:i + code])
        i += code
        if code != 0xFF and i < n:
            out.append(0)
    return out


def encode_frame(type_, seq, payload):
    body = struct.pack("<BBHH", VERSION, type_, seq & 0xFFFF, len(payload)) + payload
    return cobs_encode(body + struct.pack("<I", crc32(body)))


def decode_frame(raw):
    # (version, type, sequence, payload) or None when the length or CRC is wrong.
    if raw is None or len(raw) < OVERHEAD:
        return None
    version, type_, seq, length = struct.unpack_from("<BBHH", raw, 0)
    if length != len(raw) - OVERHEAD:
        return None
    if struct.unpack_from("<I", raw, 6 + length)[0] != crc32(raw[:6 + length]):
        return None
    return version, type_, seq, bytes(raw[6:6 + length])


class Splitter:
    # Collects bytes up to each 0x00 and yields decoded frames; bad frames are counted and dropped.
    def __init__(self, max_frame):
        self.max = max_frame + max_frame // 254 + 1
        self.buf = bytearray()
        self.overflow = False
        self.bad = 0

    def push(self, data, handle):
        for b in data:
            if b:
                if len(self.buf) < self.max:
                    self.buf.append(b)
                else:
                    self.overflow = True
                continue
            raw = self.buf
            self.buf = bytearray()
            if self.overflow:
                self.overflow = False
                self.bad += 1
            elif raw:
                f = decode_frame(cobs_decode(raw))
                if f is None:
                    self.bad += 1
                else:
                    handle(f)
