"""Turning a real car's sensor readings into the values the simulator's sensors give (docs/car-protocol.md
section 7), so a model trained in Raceline reads on the car what it read in training.

- FRONT_FACING_CAMERA: a frame [height, width, 3] RGB (or [height, width] grey) uint8 becomes 120 x 160
  luma values 0..255, row-major (ITU-R BT.601 luma, the weights OpenCV's RGB2GRAY uses; box-averaged
  down to 120 x 160). STEREO_CAMERAS: two such images, interleaved as 2 channels (left, right).
- LIDAR: a sweep of ranges (metres) at known angles becomes 64 ranges from -150 to +150 degrees (right to
  left, counter-clockwise), each the nearest reading within its ray's share of the angle, clipped to
  [0.15, 1.0] m; no reading there counts as 1.0 m.
- SECTOR_LIDAR: 8 sectors of 8 of those rays, 1 when any ray sees something within 0.5 m.
- DISCRETIZED_SECTOR_LIDAR: 8 sectors x 8 values, value j set when the sector's nearest reading is within
  2.0 m x (j + 1) / 8 (readings under 2 m count here; a sector that sees nothing is all 0).
"""
from __future__ import annotations

import math
from typing import Sequence

import numpy as np

IMAGE_HEIGHT, IMAGE_WIDTH = 120, 160
LIDAR_RAYS = 64
LIDAR_HALF_ANGLE = math.radians(150)
LIDAR_MIN_M, LIDAR_MAX_M = 0.15, 1.0
SECTOR_CLIP_M = 0.5
DISCRETIZED_RANGE_M = 2.0


def camera_observation(frame) -> np.ndarray:
    """A camera frame as the model's 120 x 160 luma values, flat (19,200 float64 in 0..255)."""
    image = np.asarray(frame, dtype=np.float64)
    if image.ndim == 3:
        if image.shape[2] < 3:
            image = image[:, :, 0]
        else:
            image = image[:, :, 0] * 0.299 + image[:, :, 1] * 0.587 + image[:, :, 2] * 0.114
    if image.ndim != 2:
        raise ValueError(f"camera frame: expected [height, width] or [height, width, 3], got shape {np.shape(frame)}")
    h, w = image.shape
    if h < IMAGE_HEIGHT or w < IMAGE_WIDTH:
        raise ValueError(f"camera frame: {h}x{w} is smaller than the model's {IMAGE_HEIGHT}x{IMAGE_WIDTH}")
    # Box average: each output pixel is the mean of its block of input pixels.
    rows = np.linspace(0, h, IMAGE_HEIGHT + 1).astype(int)
    cols = np.linspace(0, w, IMAGE_WIDTH + 1).astype(int)
    summed = np.add.reduceat(np.add.reduceat(image, rows[:-1], axis=0), cols[:-1], axis=1)
    counts = np.outer(np.diff(rows), np.diff(cols))
    return np.clip(np.round(summed / counts), 0, 255).reshape(-1)


def stereo_observation(left, right) -> np.ndarray:
    """Two frames as the model's 120 x 160 x 2 values (left, right interleaved), flat."""
    return np.stack([camera_observation(left), camera_observation(right)], axis=1).reshape(-1)


def lidar_rays(angles_rad: Sequence[float], ranges_m: Sequence[float], max_m: float = LIDAR_MAX_M) -> np.ndarray:
    """A sweep resampled to the simulator's 64 rays: the nearest reading within each ray's share of
    -150..+150 degrees (0 = straight ahead, positive = left), `max_m` where there is none; not clipped below."""
    angles = np.asarray(angles_rad, dtype=np.float64)
    ranges = np.asarray(ranges_m, dtype=np.float64)
    step = 2 * LIDAR_HALF_ANGLE / (LIDAR_RAYS - 1)
    index = np.round((angles + LIDAR_HALF_ANGLE) / step).astype(int)
    ok = (index >= 0) & (index < LIDAR_RAYS) & np.isfinite(ranges) & (ranges > 0)
    out = np.full(LIDAR_RAYS, max_m)
    np.minimum.at(out, index[ok], np.minimum(ranges[ok], max_m))
    return out


def lidar_observation(angles_rad, ranges_m) -> np.ndarray:
    """LIDAR: 64 ranges clipped to [0.15, 1.0] m."""
    return np.clip(lidar_rays(angles_rad, ranges_m), LIDAR_MIN_M, LIDAR_MAX_M)


def sector_lidar_observation(angles_rad, ranges_m) -> np.ndarray:
    """SECTOR_LIDAR: 8 values, 1 when a sector of 8 rays sees something within 0.5 m."""
    rays = lidar_rays(angles_rad, ranges_m).reshape(8, 8)
    return (rays.min(axis=1) < SECTOR_CLIP_M).astype(np.float64)


def discretized_sector_lidar_observation(angles_rad, ranges_m, sectors: int = 8, values: int = 8) -> np.ndarray:
    """DISCRETIZED_SECTOR_LIDAR: sectors x values of 0/1, a thermometer code of each sector's nearest reading."""
    nearest = lidar_rays(angles_rad, ranges_m, DISCRETIZED_RANGE_M).reshape(sectors, -1).min(axis=1)
    thresholds = DISCRETIZED_RANGE_M * (np.arange(values) + 1) / values
    seen = (nearest < DISCRETIZED_RANGE_M)[:, None]
    return (seen & (nearest[:, None] <= thresholds[None, :])).astype(np.float64).reshape(-1)
