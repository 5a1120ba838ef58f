/** Data the track plot (TrackPlot.svelte) draws. */

/** A path: [m * 2] points x, y (m) and [m] values to colour them by. */
export interface PlotPath {
  points: Float32Array;
  values: Float32Array;
}
