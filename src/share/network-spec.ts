/**
 * The network spec's weight layout and its check, for the share codecs: the tfjs-free ones of
 * `src/rl/network-spec.ts` (importing `src/rl/networks.ts` would put all of tfjs into every page
 * that opens a share link), under the names the codecs use.
 */
import { paramLayout, type NetworkSpec } from '../rl/network-spec';

export { paramLayout as weightLayout, restoreNetworkSpec as readNetworkSpec } from '../rl/network-spec';

/** Number of float32 weights of a spec. @throws Error as `paramLayout`. */
export function weightCount(spec: NetworkSpec): number {
  return paramLayout(spec).reduce((n, p) => n + p.size, 0);
}
