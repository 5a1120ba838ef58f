/**
 * A small `--flag value` / `--flag=value` / `--switch` parser for the headless tools.
 * Values that look like numbers become numbers; a flag with no value becomes `true`.
 */
export type Args = Record<string, string | number | boolean>;

/**
 * @param argv arguments after the script name; @param defaults values for absent flags.
 * @throws Error for a positional argument (every argument must be a --flag).
 */
export function parseArgs(argv: string[], defaults: Args = {}): Args {
  const out: Args = { ...defaults };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) throw new Error(`unexpected argument '${a}': flags look like --name value`);
    const eq = a.indexOf('=');
    let key: string;
    let value: string | boolean;
    if (eq > 0) {
      key = a.slice(2, eq);
      value = a.slice(eq + 1);
    } else {
      key = a.slice(2);
      const next = argv[i + 1];
      if (next !== undefined && !next.startsWith('--')) {
        value = next;
        i++;
      } else value = true;
    }
    key = key.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    out[key] = typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)) ? Number(value) : value;
  }
  return out;
}
