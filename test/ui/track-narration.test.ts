import { describe, expect, it } from 'vitest';
import { loadTrack } from '../../src/track/node/track-files';
import { TrackNarrator } from '../../src/ui/track-narration';

const track = loadTrack('reinvent_base');
const FRAME_MS = 33;

/** Drives along the centre line from `fromM` to `toM` (m along it) at `speed` m/s, one pose per frame; returns what was said, with times. */
function drive(n: TrackNarrator, t0: number, fromM: number, toM: number, speed: number, offset = 0): { said: { t: number; text: string }[]; t: number } {
  const said: { t: number; text: string }[] = [];
  let t = t0;
  for (let s = fromM; s <= toM; s += (speed * FRAME_MS) / 1000) {
    const p = track.pointAt(s);
    const x = p.x - Math.sin(p.heading) * offset;
    const y = p.y + Math.cos(p.heading) * offset;
    const text = n.update(x, y, t);
    if (text) said.push({ t, text });
    t += FRAME_MS;
  }
  return { said, t };
}

describe('TrackNarrator (text alternative of the track view)', () => {
  it('reports progress and speed at most every reportGapMs while the car drives on the centre line', () => {
    const n = new TrackNarrator(track, 'Car 1', { eventGapMs: 3000, reportGapMs: 10_000 });
    const { said } = drive(n, 0, 0, 2 * 30, 2); // 30 s at 2 m/s, more than one lap
    const reports = said.filter((s) => s.text.startsWith('Car 1:'));
    expect(reports.length).toBeGreaterThanOrEqual(2);
    expect(reports.length).toBeLessThanOrEqual(3);
    for (let i = 1; i < reports.length; i++) expect(reports[i].t - reports[i - 1].t).toBeGreaterThanOrEqual(10_000);
    for (let i = 1; i < said.length; i++) expect(said[i].t - said[i - 1].t).toBeGreaterThanOrEqual(3000);
    expect(reports.at(-1)!.text).toMatch(/^Car 1: \d+% of the lap, 2\.0 m\/s, on the track\.$/);
    const laps = said.filter((s) => /completed a lap/.test(s.text));
    expect(laps.length).toBe(Math.floor(60 / track.length));
    expect(laps[0].text).toBe('Car 1 completed a lap (1 so far).');
  });

  it('announces leaving and re-joining the track, a completed lap, and a reset, no more than one sentence pair every eventGapMs', () => {
    const n = new TrackNarrator(track, 'Car 1', { eventGapMs: 3000, reportGapMs: 60_000 });
    let t = drive(n, 0, 0, 2, 2).t;
    const off = drive(n, t, 2, 10, 2, track.nominalWidth * 1.5); // well outside the road
    expect(off.said.map((s) => s.text).join(' ')).toMatch(/Car 1 went off the track at \d+% of the lap\./);
    t = off.t + 4000;
    const back = drive(n, t, 10, 14, 2);
    expect(back.said.map((s) => s.text).join(' ')).toMatch(/back on the track/);
    t = back.t + 4000;
    const lap = drive(n, t, 14, track.length + 3, 3);
    expect(lap.said.map((s) => s.text).join(' ')).toMatch(/completed a lap \(1 so far\)/);
    const all = [...off.said, ...back.said, ...lap.said];
    for (let i = 1; i < all.length; i++) expect(all[i].t - all[i - 1].t).toBeGreaterThanOrEqual(3000);
    t = lap.t + 4000;
    const start = track.pointAt(track.length / 2);
    expect(n.update(start.x, start.y, t)).toMatch(/starts a new episode at 5\d% of the lap/);
  });
});
