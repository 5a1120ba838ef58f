/// <reference types="vite-plugin-pwa/vanillajs" />
/**
 * The service worker that makes the site work offline (vite-plugin-pwa, configured in vite.config.ts):
 * registered after the page's load event, it precaches the whole site; `offline.ready` turns true when
 * that first precache is done (once per installation, not on later visits). In `vite` (dev) the
 * plugin's register module does nothing.
 */
import { registerSW } from 'virtual:pwa-register';
import { afterFirstWork } from './first-work';

/** Offline state shown by `OfflineNote.svelte`. */
class OfflineState {
  /** True once the service worker has precached the site on this visit. */
  ready = $state(false);
  /** Why the service worker could not be registered (the site still works online), or null. */
  error = $state<string | null>(null);
}

export const offline = new OfflineState();

let registered = false;

/** Registers the service worker (once per page; a no-op where service workers are unavailable). */
export function registerOfflineSupport(): void {
  if (registered || typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return;
  registered = true;
  // After the studio has read storage (first-work.ts) and the page's load event (immediate: false), so the
  // precache does not compete with the first paint.
  void afterFirstWork().then(() => registerSW({
    immediate: false,
    onOfflineReady: () => (offline.ready = true),
    onRegisterError: (e: unknown) => (offline.error = e instanceof Error ? e.message : String(e)),
  }));
}
