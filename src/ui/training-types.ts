/** The studio's per-iteration training figures; defined in src/rl/training-types.ts, where the data is made. */
export type { IterationPoint } from '../rl/training-types';
