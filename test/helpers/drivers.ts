/** Hand-written drivers for env tests: they read the TRACK_GEOMETRY observation. */

/** Continuous action [steer, speed] in [-1, 1] steering at the 0.5 m lookahead point; speed in m/s within 0.5..4. */
export function purePursuit(obs: Float32Array, offset: number, speed: number): [number, number] {
  const forward = obs[offset + 8];
  const left = obs[offset + 9];
  const steer = Math.max(-1, Math.min(1, (2 * Math.atan2(left, forward)) / (Math.PI / 6)));
  return [steer, (speed - 2.25) / 1.75];
}

/** Index of the action of the console's default discrete space nearest to pure pursuit at 1 m/s. */
export function purePursuitDiscrete(obs: Float32Array, offset: number): number {
  const [steer] = purePursuit(obs, offset, 1);
  const level = Math.round((steer + 1) * 2); // 0..4 = -30, -15, 0, 15, 30 degrees
  return level * 2 + 1; // the 1 m/s action of that steering level
}
