/**
 * The `RewardFunction` contract and DeepRacer's validity rule for its value, as reward code sees them.
 * The env calls reward functions through this contract, so it is defined in the simulator layer
 * (src/sim/reward-function.ts) and implemented here (js-reward.ts, python-reward.ts, the sandbox);
 * sim/ never imports reward/ (.dependency-cruiser.cjs).
 */
export * from '../sim/reward-function';
