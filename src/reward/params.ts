/**
 * DeepRacer's reward-function input `params`, as reward code sees it. The env makes them, so they are
 * defined in the simulator layer (src/sim/params.ts: `DeepRacerParams`, `measureCar`, `buildParams`,
 * `PARAMS_KEYS`) and re-exported here for the reward side; sim/ never imports reward/ (.dependency-cruiser.cjs).
 */
export * from '../sim/params';
