/**
 * Arrow-key navigation in a tab list (WAI-ARIA Authoring Practices, "Tabs" with automatic activation):
 * only the selected tab is in the tab order, and ←/→ (↑/↓ too), Home and End select and focus another.
 */

/**
 * @param e the keydown event on the tab list.
 * @param ids the tabs' ids in order; each tab button's element id is `idPrefix + id`.
 * @param current the selected tab's id.
 * @returns the tab to select (already focused, the event's default prevented), or null for other keys.
 */
export function tabFromKey<T extends string>(e: KeyboardEvent, ids: readonly T[], current: T, idPrefix: string): T | null {
  const n = ids.length;
  const i = ids.indexOf(current);
  const next =
    e.key === 'ArrowRight' || e.key === 'ArrowDown'
      ? (i + 1) % n
      : e.key === 'ArrowLeft' || e.key === 'ArrowUp'
        ? (i - 1 + n) % n
        : e.key === 'Home'
          ? 0
          : e.key === 'End'
            ? n - 1
            : -1;
  if (next < 0 || n === 0) return null;
  e.preventDefault();
  const id = ids[next];
  queueMicrotask(() => document.getElementById(idPrefix + id)?.focus());
  return id;
}
