/**
 * Where the page fetches Pyodide's files for the reward sandbox: `<site>/pyodide/`, the files
 * the `pyodideAssets` plugin of vite.config.ts puts there (never a CDN, so the site works offline).
 *
 * Computed on the page and sent to the workers in their init message: a worker's own location is
 * `<site>/assets/…` in the built site (base './') and `/src/workers/…` in dev, neither of which is
 * the site root, whereas the page's location is.
 */

/**
 * @param base Vite's base (`import.meta.env.BASE_URL`): './' in the build, '/' in dev.
 * @param page the page's URL (`self.location.href` on the page).
 * @returns an absolute URL ending in '/', e.g. 'http://127.0.0.1:4173/pyodide/'.
 */
export function pyodideIndexURL(base: string = import.meta.env.BASE_URL, page: string = self.location.href): string {
  return new URL(`${base.replace(/\/?$/, '/')}pyodide/`, page).href;
}
