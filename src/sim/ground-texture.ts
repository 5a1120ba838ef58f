/**
 * The track as the camera sees it from above: a greyscale raster of the ground at 2 cm a texel —
 * grass, road surface, white border lines and a dashed yellow centre line, as DeepRacer's tracks are
 * painted — made once per track and sampled by `camera.ts`. Shades are the luma (BT.601, what
 * DeepRacer's `ObservationRGBToYFilter` computes) of the colours, so images match a greyscale camera.
 */
import type { Track } from '../track/track';
import type { Polyline } from '../track/polyline';

/** Luma of each surface, 0..255. */
export const SHADE = {
  /** Grass around the track (green ~ rgb(70, 120, 60)). */
  grass: 98,
  /** Road surface (dark asphalt ~ rgb(45, 45, 48)). */
  road: 45,
  /** White border lines. */
  border: 235,
  /** Yellow dashed centre line (~ rgb(235, 200, 40)). */
  centre: 192,
  /** Anything above the horizon or beyond the texture (the room around the track). */
  background: 150,
} as const;

/** Texel size, m. */
export const TEXEL_M = 0.02;
/** Width of the painted border lines and the centre line, m (DeepRacer tracks: about 5 cm and 3 cm). */
const BORDER_LINE_M = 0.05;
const CENTRE_LINE_M = 0.03;
/** Dash and gap of the centre line, m. */
const DASH_M = 0.15;
const GAP_M = 0.15;
/** Grass around the track's bounding box, m. */
const MARGIN_M = 1.5;

export interface GroundTexture {
  /** World x, y of texel (0, 0)'s corner, m. */
  x0: number;
  y0: number;
  /** Texels per row and rows. */
  width: number;
  height: number;
  /** [height * width] luma, row-major, row 0 at y0. */
  data: Uint8Array;
}

/**
 * Rasterises a track. Cost: one inside test per texel plus stamping the painted lines; about
 * 0.1–0.5 s for the largest tracks, so make it once per track and worker.
 */
export function makeGroundTexture(track: Track): GroundTexture {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const line of [track.inner, track.outer, track.center]) {
    for (let i = 0; i < line.xs.length; i++) {
      minX = Math.min(minX, line.xs[i]);
      maxX = Math.max(maxX, line.xs[i]);
      minY = Math.min(minY, line.ys[i]);
      maxY = Math.max(maxY, line.ys[i]);
    }
  }
  const x0 = minX - MARGIN_M;
  const y0 = minY - MARGIN_M;
  const width = Math.ceil((maxX - minX + 2 * MARGIN_M) / TEXEL_M);
  const height = Math.ceil((maxY - minY + 2 * MARGIN_M) / TEXEL_M);
  const data = new Uint8Array(width * height);
  for (let r = 0; r < height; r++) {
    const y = y0 + (r + 0.5) * TEXEL_M;
    for (let c = 0; c < width; c++) data[r * width + c] = track.contains(x0 + (c + 0.5) * TEXEL_M, y) ? SHADE.road : SHADE.grass;
  }
  const tex: GroundTexture = { x0, y0, width, height, data };
  stampLine(tex, track.inner, BORDER_LINE_M, SHADE.border, null);
  stampLine(tex, track.outer, BORDER_LINE_M, SHADE.border, null);
  stampLine(tex, track.center, CENTRE_LINE_M, SHADE.centre, { dash: DASH_M, gap: GAP_M });
  return tex;
}

/** Paints a line of `widthM` along a polyline, solid or dashed (by arc length). */
function stampLine(tex: GroundTexture, line: Polyline, widthM: number, shade: number, dashes: { dash: number; gap: number } | null): void {
  const step = TEXEL_M / 2;
  const radius = widthM / 2;
  const rt = Math.ceil(radius / TEXEL_M);
  const p = new Float64Array(3);
  for (let s = 0; s <= line.length; s += step) {
    if (dashes && s % (dashes.dash + dashes.gap) >= dashes.dash) continue;
    line.pointAt(s, p);
    const cc = Math.floor((p[0] - tex.x0) / TEXEL_M);
    const cr = Math.floor((p[1] - tex.y0) / TEXEL_M);
    for (let dr = -rt; dr <= rt; dr++) {
      const r = cr + dr;
      if (r < 0 || r >= tex.height) continue;
      const ty = tex.y0 + (r + 0.5) * TEXEL_M - p[1];
      for (let dc = -rt; dc <= rt; dc++) {
        const c = cc + dc;
        if (c < 0 || c >= tex.width) continue;
        const tx = tex.x0 + (c + 0.5) * TEXEL_M - p[0];
        if (tx * tx + ty * ty <= radius * radius) tex.data[r * tex.width + c] = shade;
      }
    }
  }
}

/** Luma at world (x, y), nearest texel; `SHADE.background` outside the texture. */
export function sampleGround(tex: GroundTexture, x: number, y: number): number {
  const c = Math.floor((x - tex.x0) / TEXEL_M);
  const r = Math.floor((y - tex.y0) / TEXEL_M);
  if (c < 0 || r < 0 || c >= tex.width || r >= tex.height) return SHADE.background;
  return tex.data[r * tex.width + c];
}
