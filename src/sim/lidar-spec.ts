/**
 * The LiDAR's geometry (see `lidar.ts`), in a file of its own without planck, so the page can draw the rays
 * (src/ui/SensorView.svelte) without loading the physics engine.
 */
export const LIDAR_RAYS = 64;
export const LIDAR_HALF_ANGLE = 2.61799; // rad, ±150°
export const LIDAR_MIN_M = 0.15;
export const LIDAR_MAX_M = 1.0;
