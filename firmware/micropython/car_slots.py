# Two model slots on flash (docs/car-protocol.md section 5.4), MicroPython and CPython.
#
#   slot0.bin, slot1.bin     pack bytes; a partial upload is the prefix received so far
#   slot0.meta, slot1.meta   "state size hash crc": state p (partial) or v (valid); crc = CRC-32 of the text before it
#   active.0, active.1       "generation slot crc": the newest record with a good CRC names the active slot
#
# MicroPython's filesystems cannot always rename over a file, so the active slot is kept in two
# journal records written in turn: a power cut during a write leaves a record with a bad CRC, and the
# other, older record still names a verified slot. Slot metadata is only ever written for the
# inactive slot, so a torn write there can lose an upload but never the model that drives the car.
import os
from binascii import hexlify, unhexlify
from car_wire import crc32

EMPTY, PARTIAL, VALID = 0, 1, 2
ZERO_HASH = bytes(32)


def _size(path):
    try:
        return os.stat(path)[6]
    except OSError:
        return 0


def _read_record(path):
    # The fields of a "a b ... crc" line whose CRC matches, or None.
    try:
        with open(path) as f:
            line = f.read().strip()
    except OSError:
        return None
    text, _, crc = line.rpartition(" ")
    try:
        if int(crc) != crc32(text.encode()):
            return None
    except ValueError:
        return None
    return text.split(" ")


def _write_record(path, fields):
    text = " ".join(str(x) for x in fields)
    with open(path, "w") as f:
        f.write("%s %d\n" % (text, crc32(text.encode())))


class Slots:
    def __init__(self, directory, capacity):
        self.dir = directory
        self.capacity = capacity
        try:
            os.mkdir(directory)
        except OSError:
            pass

    def path(self, name):
        return self.dir + "/" + name

    def info(self, slot):
        # (state, size, written, hash)
        r = _read_record(self.path("slot%d.meta" % slot))
        if r is None or len(r) != 3 or r[0] not in ("p", "v"):
            return EMPTY, 0, 0, ZERO_HASH
        size = int(r[1])
        written = min(_size(self.path("slot%d.bin" % slot)), size)
        state = VALID if r[0] == "v" else PARTIAL
        if state == VALID and written != size:
            return EMPTY, 0, 0, ZERO_HASH
        return state, size, written, unhexlify(r[2])

    def _journal(self):
        best = None
        for i in (0, 1):
            r = _read_record(self.path("active.%d" % i))
            if r is not None and len(r) == 2 and (best is None or int(r[0]) > best[0]):
                best = (int(r[0]), int(r[1]), i)
        return best

    def active_slot(self):
        j = self._journal()
        if j is None or j[1] not in (0, 1) or self.info(j[1])[0] != VALID:
            return None
        return j[1]

    def set_active(self, slot):
        if self.info(slot)[0] != VALID:
            raise OSError("slot %d is not verified" % slot)
        j = self._journal()
        gen, target = (1, 0) if j is None else (j[0] + 1, 1 - j[2])
        _write_record(self.path("active.%d" % target), (gen, slot))

    def _check_inactive(self, slot):
        if slot == self.active_slot():
            raise OSError("slot %d is active and must not be written" % slot)

    def begin(self, slot, size, hash_):
        self._check_inactive(slot)
        _write_record(self.path("slot%d.meta" % slot), ("p", size, hexlify(hash_).decode()))
        with open(self.path("slot%d.bin" % slot), "wb"):
            pass

    def append(self, slot, data):
        self._check_inactive(slot)
        with open(self.path("slot%d.bin" % slot), "ab") as f:
            f.write(data)

    def read(self, slot):
        with open(self.path("slot%d.bin" % slot), "rb") as f:
            return f.read()

    def mark_valid(self, slot):
        state, size, written, hash_ = self.info(slot)
        _write_record(self.path("slot%d.meta" % slot), ("v", size, hexlify(hash_).decode()))

    def discard(self, slot):
        self._check_inactive(slot)
        for name in ("slot%d.meta" % slot, "slot%d.bin" % slot):
            try:
                os.remove(self.path(name))
            except OSError:
                pass
