/**
 * A link that reproduces a race event: the event (track, format, rules, seed) and every entry as its share link
 * (src/share/link-codec.ts), in the URL fragment, so no server sees it. Opening it and running the event gives the
 * same leaderboard (races are deterministic given the seed and the models, src/race/race.ts). A link codec, so
 * it lives in share/ beside class-link.ts; race/ sits below share/ and never imports it.
 *
 * Fragment: `#/race/r1.<base64url>` where the bytes are raw DEFLATE (RFC 1951) of UTF-8 JSON
 * `{"v": 1, "event": RaceEventConfig, "entries": [{"name": string, "link": "m1.…"}]}`. Share links are already
 * compressed, so an event of three MLP models is about as long as their three links.
 */
import { deflateSync, inflateSync } from 'fflate';
import { fromBase64Url, toBase64Url } from './bytes';
import { validateEvent, type RaceEventConfig } from '../race/rules';

/** Fragment route of a race event. */
export const EVENT_ROUTE = '#/race/';
export const EVENT_LINK_VERSION = 1;
/** Largest fragment decoded, characters (a class of 30 float32 MLP links). */
export const MAX_EVENT_LINK_CHARS = 4_000_000;

export interface EventLinkEntry {
  name: string;
  /** The entry's share link fragment (`m1.…`). */
  link: string;
}

export interface EventLink {
  event: RaceEventConfig;
  entries: EventLinkEntry[];
}

/** Thrown for a fragment that is not a readable race-event link; the message says what to do. */
export class EventLinkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EventLinkError';
  }
}

/** The fragment (with `#/race/`) of an event and its entries. */
export function encodeEventLink(link: EventLink): string {
  const json = JSON.stringify({ v: EVENT_LINK_VERSION, event: link.event, entries: link.entries });
  return `${EVENT_ROUTE}r${EVENT_LINK_VERSION}.${toBase64Url(deflateSync(new TextEncoder().encode(json), { level: 9 }))}`;
}

/** Whether a URL or fragment is a race-event link. */
export function isEventLink(text: string): boolean {
  return text.includes(EVENT_ROUTE);
}

/**
 * Reads an event link (a whole URL or just the fragment).
 * @throws EventLinkError when it is cut short, damaged, of a newer version, or holds an invalid event.
 */
export function decodeEventLink(text: string): EventLink {
  const at = text.indexOf(EVENT_ROUTE);
  const body = (at >= 0 ? text.slice(at + EVENT_ROUTE.length) : text).trim();
  if (body.length > MAX_EVENT_LINK_CHARS) throw new EventLinkError(`race event link: ${body.length} characters is more than this page reads (${MAX_EVENT_LINK_CHARS}); share the entries' zips instead`);
  const m = /^r(\d+)\.([A-Za-z0-9_-]+)$/.exec(body);
  if (!m) throw new EventLinkError('race event link: not a Raceline race link (expected #/race/r1.…); copy the whole link again');
  if (Number(m[1]) > EVENT_LINK_VERSION) throw new EventLinkError(`race event link: version ${m[1]} is newer than this Raceline reads (${EVENT_LINK_VERSION}); reload the page to update`);
  let value: { v?: number; event?: RaceEventConfig; entries?: EventLinkEntry[] };
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(inflateSync(fromBase64Url(m[2]))));
  } catch {
    throw new EventLinkError('race event link: the link is damaged or cut short; copy the whole link again');
  }
  if (!value.event || !Array.isArray(value.entries)) throw new EventLinkError('race event link: the event or its entries are missing');
  try {
    validateEvent(value.event);
  } catch (e) {
    throw new EventLinkError(`race event link: ${(e as Error).message}`);
  }
  for (const [i, e] of value.entries.entries()) {
    if (typeof e?.name !== 'string' || typeof e?.link !== 'string') throw new EventLinkError(`race event link: entry ${i + 1} has no name or link`);
  }
  return { event: value.event, entries: value.entries };
}
