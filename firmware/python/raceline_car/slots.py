"""Two model slots on disk (docs/car-protocol.md section 5.4).

Layout of the state directory::

    slot0.bin, slot1.bin     pack bytes; a partial upload is the prefix received so far
    slot0.json, slot1.json   {"state": "partial" | "valid", "size": n, "hash": hex}
    active.json              {"slot": 0 | 1}

Metadata files are replaced atomically (write a temporary file, fsync, ``os.replace``, fsync the
directory), so a power cut leaves either the old or the new record. Data is appended and fsynced
before the car acknowledges it, so the resume offset (the file size) never runs ahead of the disk.
The active slot's files are never written.
"""
from __future__ import annotations

import hashlib
import json
import os
from typing import Optional

from .messages import HASH_SIZE, SLOT_EMPTY, SLOT_PARTIAL, SLOT_VALID, SlotInfo

_STATES = {"partial": SLOT_PARTIAL, "valid": SLOT_VALID}


class DiskSlots:
    def __init__(self, directory: str, capacity: int, fsync: bool = True) -> None:
        self.dir = directory
        self.capacity = capacity
        self.fsync = fsync
        os.makedirs(directory, exist_ok=True)

    def _path(self, name: str) -> str:
        return os.path.join(self.dir, name)

    def _write_json(self, name: str, value) -> None:
        tmp = self._path(name + ".tmp")
        with open(tmp, "w") as f:
            json.dump(value, f)
            f.flush()
            if self.fsync:
                os.fsync(f.fileno())
        os.replace(tmp, self._path(name))
        if self.fsync:
            fd = os.open(self.dir, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)

    def _read_json(self, name: str):
        try:
            with open(self._path(name)) as f:
                return json.load(f)
        except (OSError, ValueError):
            return None

    def info(self, slot: int) -> SlotInfo:
        meta = self._read_json(f"slot{slot}.json")
        if not meta or meta.get("state") not in _STATES:
            return SlotInfo()
        try:
            written = os.path.getsize(self._path(f"slot{slot}.bin"))
        except OSError:
            written = 0
        size = int(meta["size"])
        state = _STATES[meta["state"]]
        if state == SLOT_VALID and written != size:
            return SlotInfo()  # a valid record whose data is damaged counts as empty
        return SlotInfo(state, size, min(written, size), bytes.fromhex(meta["hash"]))

    def active_slot(self) -> Optional[int]:
        meta = self._read_json("active.json")
        slot = meta.get("slot") if isinstance(meta, dict) else None
        return slot if slot in (0, 1) and self.info(slot).state == SLOT_VALID else None

    def _not_active(self, slot: int) -> None:
        if slot == self.active_slot():
            raise RuntimeError(f"slot {slot} is active and must not be written")

    def begin(self, slot: int, size: int, hash_: bytes) -> None:
        self._not_active(slot)
        self._write_json(f"slot{slot}.json", {"state": "partial", "size": size, "hash": hash_.hex()})
        with open(self._path(f"slot{slot}.bin"), "wb"):
            pass

    def append(self, slot: int, data: bytes) -> None:
        self._not_active(slot)
        with open(self._path(f"slot{slot}.bin"), "ab") as f:
            f.write(data)
            f.flush()
            if self.fsync:
                os.fsync(f.fileno())

    def read(self, slot: int) -> bytes:
        with open(self._path(f"slot{slot}.bin"), "rb") as f:
            return f.read()

    def mark_valid(self, slot: int) -> None:
        info = self.info(slot)
        self._write_json(f"slot{slot}.json", {"state": "valid", "size": info.size, "hash": info.hash.hex()})

    def discard(self, slot: int) -> None:
        self._not_active(slot)
        for name in (f"slot{slot}.json", f"slot{slot}.bin"):
            try:
                os.remove(self._path(name))
            except OSError:
                pass

    def set_active(self, slot: int) -> None:
        if self.info(slot).state != SLOT_VALID:
            raise RuntimeError(f"slot {slot} is not verified")
        self._write_json("active.json", {"slot": slot})

    def check_at_boot(self) -> Optional[int]:
        """Re-hash the active slot; if it is damaged, fall back to the other valid slot. Returns the active slot."""
        active = self.active_slot()
        order = [active, 1 - active] if active is not None else []
        for slot in order:
            data = self.read(slot) if self.info(slot).state == SLOT_VALID else b""
            if len(data) > HASH_SIZE and hashlib.sha256(data[:-HASH_SIZE]).digest() == data[-HASH_SIZE:] == self.info(slot).hash:
                if slot != active:
                    self._write_json("active.json", {"slot": slot})
                return slot
        if active is not None:
            self._write_json("active.json", {"slot": None})
        return None
