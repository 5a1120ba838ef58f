import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SHIPPED_TRACK_NAMES } from '../../src/share/shipped-tracks';

describe('SHIPPED_TRACK_NAMES', () => {
  it('names exactly the tracks in tracks/*.json (add a new track there and here)', () => {
    const dir = join(dirname(fileURLToPath(import.meta.url)), '../../tracks');
    const files = readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -'.json'.length));
    expect([...SHIPPED_TRACK_NAMES].sort()).toEqual(files.sort());
  });
});
