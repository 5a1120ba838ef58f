"""``python3 -m raceline_car``: the car runtime over stdin/stdout, a TCP socket or a serial port.

    python3 -m raceline_car --state-dir ~/raceline --serial /dev/ttyGS0 --drive   # on the car (USB gadget serial)
    python3 -m raceline_car --state-dir /tmp/car --tcp 127.0.0.1:0                # for the conformance suite
"""
from __future__ import annotations

import argparse
import os
import select
import socket
import sys
import time

from . import hardware
from .device import CarDevice, log
from .slots import DiskSlots

CONTROL_HZ = 15  # DeepRacer's control rate


def parse_sensor(text: str):
    name, _, size = text.partition(":")
    if not size.isdigit():
        raise argparse.ArgumentTypeError(f"--sensor wants NAME:SIZE (e.g. TRACK_GEOMETRY:22), got '{text}'")
    return name, int(size)


def open_serial(path: str, baud: int) -> int:
    import termios
    import tty

    fd = os.open(path, os.O_RDWR | os.O_NOCTTY)
    tty.setraw(fd)
    attrs = termios.tcgetattr(fd)
    speed = getattr(termios, f"B{baud}")
    attrs[4] = attrs[5] = speed
    termios.tcsetattr(fd, termios.TCSANOW, attrs)
    return fd


def serve(device: CarDevice, read_fd: int, write, drive: bool) -> None:
    """Runs one connection until the peer closes it."""
    device.connect(write)
    next_step = time.monotonic()
    while True:
        timeout = max(0.0, next_step - time.monotonic()) if drive else None
        ready, _, _ = select.select([read_fd], [], [], timeout)
        if ready:
            try:
                data = os.read(read_fd, 4096)
            except OSError:
                data = b""
            if not data:
                return
            try:
                device.receive(data)
            except OSError as e:  # the peer went away while the car was answering
                log(f"connection lost: {e}")
                return
        if drive and time.monotonic() >= next_step:
            next_step += 1 / CONTROL_HZ
            step(device)


def step(device: CarDevice) -> None:
    if device.pack is None:
        return
    obs = hardware.read_observation(device.pack.sensors)
    if obs is None:
        return
    _, steering, speed = device.drive(obs)
    hardware.set_motors(steering, speed)


def main() -> None:
    p = argparse.ArgumentParser(prog="python3 -m raceline_car", description="Raceline reference car runtime")
    p.add_argument("--state-dir", required=True, help="folder for the model slots")
    link = p.add_mutually_exclusive_group(required=True)
    link.add_argument("--stdio", action="store_true", help="speak the protocol on stdin/stdout")
    link.add_argument("--tcp", metavar="HOST:PORT", help="listen on a TCP port (port 0: any free port, printed on stdout)")
    link.add_argument("--serial", metavar="DEVICE", help="a serial port, e.g. /dev/ttyGS0 (USB gadget) or /dev/serial0")
    p.add_argument("--baud", type=int, default=115200)
    p.add_argument("--sensor", type=parse_sensor, action="append", help="a sensor the car has, NAME:SIZE (default TRACK_GEOMETRY:22)")
    p.add_argument("--max-frame", type=int, default=1024, help="largest frame accepted, bytes")
    p.add_argument("--capacity", type=int, default=32 << 20, help="bytes per model slot (default 32 MiB: room for a float32 camera pack)")
    p.add_argument("--drive", action="store_true", help=f"run the control loop at {CONTROL_HZ} Hz (sensors -> model -> motors)")
    p.add_argument("--no-fsync", action="store_true", help="skip fsync (faster on SD cards; a power cut may then lose the last chunks)")
    a = p.parse_args()
    slots = DiskSlots(a.state_dir, a.capacity, fsync=not a.no_fsync)
    device = CarDevice(slots, a.sensor or [("TRACK_GEOMETRY", 22)], max_frame_size=a.max_frame,
                       read_state=lambda: (hardware.read_speed(), hardware.read_battery_mv()))
    if a.stdio:
        out = sys.stdout.buffer

        def write(b: bytes) -> None:
            out.write(b)
            out.flush()

        serve(device, sys.stdin.fileno(), write, a.drive)
    elif a.serial:
        fd = open_serial(a.serial, a.baud)
        log(f"on {a.serial} at {a.baud} baud")
        while True:
            serve(device, fd, lambda b: os.write(fd, b), a.drive)
    else:
        host, _, port = a.tcp.rpartition(":")
        server = socket.create_server((host or "127.0.0.1", int(port)))
        print(f"listening on {server.getsockname()[0]}:{server.getsockname()[1]}", flush=True)
        while True:
            conn, peer = server.accept()
            log(f"connection from {peer[0]}:{peer[1]}")
            with conn:
                serve(device, conn.fileno(), conn.sendall, a.drive)
            log("connection closed")


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
