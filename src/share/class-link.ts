/**
 * Class links: a teacher's class in the URL fragment (never sent to a server), so students open one link and get
 * the class's lesson path and track, with the class name shown, and the teacher's race event starts from the
 * class's rules. Nothing to install, no account.
 *
 * Fragment: `#/class/c1.<base64url>` where the bytes are raw DEFLATE (RFC 1951) of UTF-8 JSON
 * `{"v": 1, "name": string, "lessons": [lesson id, ...], "track": string, "event": RaceEventConfig}`.
 * Versions: a newer `v` is refused with a message to reload; old versions keep their decoder.
 */
import { deflateSync, inflateSync } from 'fflate';
import { fromBase64Url, toBase64Url } from './bytes';
import { validateEvent, type RaceEventConfig } from '../race/rules';

/** Fragment route of a class link. */
export const CLASS_ROUTE = '#/class/';
export const CLASS_LINK_VERSION = 1;
/** Longest fragment read, characters (a class carries no models: a few hundred characters in practice). */
export const MAX_CLASS_LINK_CHARS = 20_000;
/** Longest class name, characters. */
export const MAX_CLASS_NAME = 80;

export interface ClassLink {
  /** Shown to students, e.g. "Year 10 Computing — Tuesday". */
  name: string;
  /** Lesson ids (front matter `id`) in the order the class takes them; at least one. */
  lessons: string[];
  /** The track students start on (a shipped track's name). */
  track: string;
  /** The class race: its track, format and rules (src/race/rules.ts). */
  event: RaceEventConfig;
}

/** Thrown for a fragment that is not a readable class link; the message says what to do. */
export class ClassLinkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClassLinkError';
  }
}

/**
 * Checks a class: name, lessons, track and race rules.
 * @throws ClassLinkError naming the field that is wrong.
 */
export function validateClass(c: ClassLink): ClassLink {
  if (typeof c.name !== 'string' || c.name.trim() === '') throw new ClassLinkError('class link: the class has no name; give it one');
  if (c.name.length > MAX_CLASS_NAME) throw new ClassLinkError(`class link: the class name is ${c.name.length} characters; keep it to ${MAX_CLASS_NAME}`);
  if (!Array.isArray(c.lessons) || c.lessons.length === 0) throw new ClassLinkError('class link: choose at least one lesson');
  for (const id of c.lessons) if (typeof id !== 'string' || !/^[a-z0-9-]+$/.test(id)) throw new ClassLinkError(`class link: '${String(id)}' is not a lesson id`);
  if (typeof c.track !== 'string' || c.track === '') throw new ClassLinkError('class link: the track is missing');
  if (!c.event || typeof c.event !== 'object') throw new ClassLinkError('class link: the race rules are missing');
  try {
    validateEvent(c.event);
  } catch (e) {
    throw new ClassLinkError(`class link: ${(e as Error).message}`);
  }
  return c;
}

/**
 * The fragment (with `#/class/`) of a class.
 * @throws ClassLinkError as `validateClass`.
 */
export function encodeClassLink(c: ClassLink): string {
  validateClass(c);
  const json = JSON.stringify({ v: CLASS_LINK_VERSION, name: c.name.trim(), lessons: c.lessons, track: c.track, event: c.event });
  return `${CLASS_ROUTE}c${CLASS_LINK_VERSION}.${toBase64Url(deflateSync(new TextEncoder().encode(json), { level: 9 }))}`;
}

/** Whether a URL or fragment is a class link. */
export function isClassLink(text: string): boolean {
  return text.includes(CLASS_ROUTE);
}

/**
 * Reads a class link (a whole URL or the fragment).
 * @throws ClassLinkError when it is cut short, damaged, of a newer version, or holds an invalid class.
 */
export function decodeClassLink(text: string): ClassLink {
  const at = text.indexOf(CLASS_ROUTE);
  const body = (at >= 0 ? text.slice(at + CLASS_ROUTE.length) : text).trim();
  if (body.length > MAX_CLASS_LINK_CHARS) throw new ClassLinkError(`class link: ${body.length} characters is more than a class link holds (${MAX_CLASS_LINK_CHARS}); ask your teacher for the link again`);
  const m = /^c(\d+)\.([A-Za-z0-9_-]+)$/.exec(body);
  if (!m) throw new ClassLinkError('class link: not a Raceline class link (expected #/class/c1.…); copy the whole link again');
  if (Number(m[1]) > CLASS_LINK_VERSION) throw new ClassLinkError(`class link: version ${m[1]} is newer than this Raceline reads (${CLASS_LINK_VERSION}); reload the page to update`);
  let value: Partial<ClassLink> & { v?: number };
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(inflateSync(fromBase64Url(m[2]))));
  } catch {
    throw new ClassLinkError('class link: the link is damaged or cut short; copy the whole link again');
  }
  if (!value || typeof value !== 'object') throw new ClassLinkError('class link: the link is damaged; copy the whole link again');
  return validateClass({ name: value.name as string, lessons: value.lessons as string[], track: value.track as string, event: value.event as RaceEventConfig });
}
