/**
 * The page's first work before its heavy parts: the studio reads storage first (then Train is enabled), and the
 * parts loaded on demand that the studio shows from the start (the lesson panel, the track renderer, the charts,
 * the sensor preview) and the service worker's precache start only then, so the page downloads little before it
 * can be used. `Studio.open` calls {@link studioReady}; without a studio (a screen alone), waiting ends after
 * {@link FALLBACK_MS}.
 */

/** How long waiting lasts at most, ms, when no studio says it is ready. */
export const FALLBACK_MS = 4000;

let release: () => void = () => {};
const ready = new Promise<void>((resolve) => (release = resolve));
let fallback: ReturnType<typeof setTimeout> | null = null;

/** Resolves once the studio has read storage (or after {@link FALLBACK_MS}). */
export function afterFirstWork(): Promise<void> {
  fallback ??= setTimeout(() => release(), FALLBACK_MS);
  return ready;
}

/** Says the studio has read storage: what waits in {@link afterFirstWork} goes on. */
export function studioReady(): void {
  release();
}
