# ESP32 entry point: the Raceline car link on a UART (a USB-serial bridge to the computer, or a
# BLE-UART module such as an HM-10 whose UART side is wired to these pins), and a 15 Hz control loop.
# Copy car_wire.py, car_pack.py, car_slots.py, car_device.py, hardware.py and this file to the board.
import time
from machine import UART
import car_slots
import car_device
import hardware

UART_ID = 1
TX_PIN, RX_PIN = 17, 16
BAUD = 115200
CONTROL_MS = 66  # 15 Hz, DeepRacer's control rate

uart = UART(UART_ID, baudrate=BAUD, tx=TX_PIN, rx=RX_PIN, rxbuf=2048)
device = car_device.CarDevice(
    car_slots.Slots("/models", 160 * 1024),
    [("TRACK_GEOMETRY", 22)],  # the sensors this car can give, NAME and number of values
    max_frame=512,
    max_window=4,
    read_state=lambda: (hardware.read_speed(), hardware.read_battery_mv()),
)
device.connect(uart.write)
hardware.stop()
next_step = time.ticks_ms()
while True:
    n = uart.any()
    if n:
        device.receive(uart.read(n))
    if time.ticks_diff(time.ticks_ms(), next_step) >= 0:
        next_step = time.ticks_add(next_step, CONTROL_MS)
        if device.pack is not None:
            obs = hardware.read_observation(device.pack.sensors)
            if obs is not None:
                index, steering, speed = device.drive(obs)
                hardware.set_motors(steering, speed)
    else:
        time.sleep_ms(1)
