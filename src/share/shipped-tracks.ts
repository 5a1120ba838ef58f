/**
 * Names of the tracks shipped in `tracks/*.json`, so that a codec can tell a shipped track's name from an unknown
 * one without loading the geometry (the page bundles the files through Vite, Node reads them from disk; this
 * list works in both). `test/share/shipped-tracks.test.ts` fails when it and the folder disagree: add a new
 * track's file stem here.
 */
export const SHIPPED_TRACK_NAMES: readonly string[] = Object.freeze([
  '2022_reinvent_champ_ccw',
  '2024_reinvent_champ_ccw',
  'AmericasGeneratedInclStart',
  'Bowtie_track',
  'Canada_Training',
  'China_track',
  'LGSWide',
  'Mexico_track',
  'New_York_Track',
  'Oval_track',
  'Straight_track',
  'Tokyo_Training_track',
  'Vegas_track',
  'Virtual_May19_Train_track',
  'reInvent2019_track',
  'reInvent2019_wide',
  'reinvent_base',
]);
