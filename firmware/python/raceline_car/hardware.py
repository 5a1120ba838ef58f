"""Sensor and motor adapters: the only file to change for a particular car.

The model reads the sensors named in its pack, in order, each giving the values the simulator's
sensor of that name gives (same units, same normalisation; see docs/car-protocol.md section 7).
``read_observation`` concatenates them; ``set_motors`` turns the model's command into PWM.

The defaults below drive nothing: they let the runtime take uploads and answer INFER requests
(how the conformance suite runs it) on any computer. Replace them on the car.
"""
from __future__ import annotations

from typing import List, Optional, Sequence, Tuple

from . import sensors as convert


def read_camera():
    """One camera frame as a numpy array [height, width, 3] RGB uint8 (e.g. picamera2's capture_array())."""
    raise NotImplementedError("read_camera: connect your camera here (picamera2 or OpenCV)")


def read_stereo():
    """Two frames (left, right) of the stereo camera, each as ``read_camera`` returns one."""
    raise NotImplementedError("read_stereo: connect your stereo camera here")


def read_lidar() -> Tuple[Sequence[float], Sequence[float]]:
    """One LiDAR sweep: (angles in radians, 0 straight ahead and positive to the left; ranges in metres),
    e.g. from an RPLIDAR A1 via its serial driver."""
    raise NotImplementedError("read_lidar: connect your LiDAR here")


def read_observation(sensors: Sequence[Tuple[str, int]]) -> Optional[List[float]]:
    """The model's observation: each sensor's values in pack order, converted to the simulator's form
    (``sensors.py``), or None when the car cannot provide one of them (its adapter is not connected, or
    TRACK_GEOMETRY, which only the simulator has): then the car does not drive."""
    readers = {
        "FRONT_FACING_CAMERA": lambda: convert.camera_observation(read_camera()),
        "STEREO_CAMERAS": lambda: convert.stereo_observation(*read_stereo()),
        "LIDAR": lambda: convert.lidar_observation(*read_lidar()),
        "SECTOR_LIDAR": lambda: convert.sector_lidar_observation(*read_lidar()),
        "DISCRETIZED_SECTOR_LIDAR": lambda: convert.discretized_sector_lidar_observation(*read_lidar()),
    }
    values: List[float] = []
    for name, size in sensors:
        reader = readers.get(name)
        if reader is None:
            return None
        try:
            part = reader()
        except NotImplementedError:
            return None
        if len(part) != size:
            raise ValueError(f"sensor {name}: {len(part)} values, the model reads {size}")
        values.extend(float(v) for v in part)
    return values


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
