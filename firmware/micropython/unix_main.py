# The MicroPython runtime over stdin/stdout, for MicroPython's unix port and for CPython (the
# conformance suite runs it both ways):  micropython unix_main.py STATE_DIR
# One connection per process: the runtime exits when stdin closes.
import os
import sys
import car_slots
import car_device


def log(message):
    sys.stderr.write("raceline-micropython: %s\n" % message)


def main():
    state_dir = sys.argv[1] if len(sys.argv) > 1 else "car-state"
    out = sys.stdout.buffer

    def write(b):
        out.write(b)
        if hasattr(out, "flush"):
            out.flush()

    if hasattr(os, "read"):
        read = lambda: os.read(0, 4096)  # CPython: whatever has arrived
    else:
        read = lambda: sys.stdin.buffer.read(1)  # MicroPython's unix port: one byte at a time
    device = car_device.CarDevice(car_slots.Slots(state_dir, 256 * 1024), [("TRACK_GEOMETRY", 22)], log=log)
    device.connect(write)
    while True:
        data = read()
        if not data:
            return
        device.receive(data)


main()
