"""Sensor and motor adapters: the only file to change for a particular car.

The model reads the sensors named in its pack, in order, each giving the values the simulator's
sensor of that name gives (same units, same normalisation; see docs/car-protocol.md section 7).
``read_observation`` concatenates them; ``set_motors`` turns the model's command into PWM.

The defaults below drive nothing: they let the runtime take uploads and answer INFER requests
(how the conformance suite runs it) on any computer. Replace them on the car.
"""
from __future__ import annotations

from typing import List, Optional, Sequence, Tuple


def read_camera():
    """One camera frame as a numpy array [height, width, channels] uint8 (e.g. picamera2's capture_array())."""
    raise NotImplementedError("read_camera: connect your camera here (picamera2 or OpenCV)")


def read_lidar() -> List[float]:
    """One LiDAR sweep: ranges in metres, evenly spaced over the sensor's field of view (e.g. an RPLIDAR A1 via its serial driver)."""
    raise NotImplementedError("read_lidar: connect your LiDAR here")


def read_observation(sensors: Sequence[Tuple[str, int]]) -> Optional[List[float]]:
    """The model's observation: each sensor's values in pack order, or None when the car cannot provide them (no driving)."""
    return None


def set_motors(steering_deg: float, speed_mps: float) -> None:
    """Command the steering servo (degrees, positive = left) and the drive motor (m/s).

    A typical hobby car: servo pulse 1.5 ms + steering_deg / 30 * 0.5 ms on a 50 Hz PWM channel
    (e.g. a PCA9685 board over I2C), and an ESC pulse mapped from speed the same way after calibration.
    """


def read_speed() -> float:
    """Measured forward speed, m/s (wheel encoder or IMU); 0 when the car has no speed sensor."""
    return 0.0


def read_battery_mv() -> int:
    """Battery voltage, mV (an ADC on a voltage divider, e.g. an ADS1115 over I2C); 0 when unknown."""
    return 0
