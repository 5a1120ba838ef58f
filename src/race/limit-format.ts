/** A lap time against the limit lap's, in words; a file of its own so the page shows it without the physics (limit-lap.ts). */

/**
 * A lap time against the limit, as the studio shows it: `lap 11.20 s · limit 4.84 s · 2.31×`, or
 * `no lap · limit 4.84 s` without a lap.
 * @param lapTimeS the model's lap time, s, or null; @param limitS the limit lap's time, s.
 */
export function formatAgainstLimit(lapTimeS: number | null, limitS: number): string {
  if (lapTimeS === null || !Number.isFinite(lapTimeS)) return `no lap · limit ${limitS.toFixed(2)} s`;
  return `lap ${lapTimeS.toFixed(2)} s · limit ${limitS.toFixed(2)} s · ${(lapTimeS / limitS).toFixed(2)}×`;
}
