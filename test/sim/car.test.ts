import { describe, expect, it } from 'vitest';
import { Vec2, World } from 'planck';
import { applyCarForces, CAR, createCarBody } from '../../src/sim/car';

/** Drives a car at a commanded speed and full left lock until steady, returns the path radius v/ω. */
function steadyTurnRadius(speed: number, steerDeg: number): { radius: number; speed: number } {
  const world = new World({ gravity: Vec2(0, 0) });
  const body = createCarBody(world, 0, 0, 0, 0);
  const control = { steerCmd: 0, steer: 0, speedCmd: speed };
  const dt = 1 / 60;
  // Reach the speed going straight, then turn.
  for (let k = 0; k < 120; k++) {
    applyCarForces(body, control, dt);
    world.step(dt);
  }
  control.steerCmd = (steerDeg * Math.PI) / 180;
  for (let k = 0; k < 240; k++) {
    applyCarForces(body, control, dt);
    world.step(dt);
  }
  const v = body.getLinearVelocity();
  const w = body.getAngularVelocity();
  const vMag = Math.hypot(v.x, v.y);
  return { radius: vMag / Math.abs(w), speed: vMag };
}

describe('car dynamics', () => {
  const wheelbase = CAR.frontAxleX - CAR.rearAxleX;

  it('reaches the commanded speed going straight', () => {
    const { speed } = steadyTurnRadius(2, 0.0001);
    expect(speed).toBeCloseTo(2, 2);
  });

  it('follows the kinematic (bicycle) radius at low speed', () => {
    // Slow: lateral acceleration far below the grip limit, so the tyres do not slide.
    const { radius } = steadyTurnRadius(0.5, 30);
    const kinematic = Math.hypot(wheelbase / Math.tan(Math.PI / 6), wheelbase / 2);
    expect(radius).toBeGreaterThan(kinematic * 0.9);
    expect(radius).toBeLessThan(kinematic * 1.15);
  });

  it('slides wide when a tight corner is taken too fast: lateral acceleration is capped near μg', () => {
    const { radius, speed } = steadyTurnRadius(3, 30);
    const kinematic = wheelbase / Math.tan(Math.PI / 6);
    expect(radius).toBeGreaterThan(2 * kinematic);
    expect((speed * speed) / radius).toBeLessThan(CAR.grip * CAR.gravity * 1.05);
  });
});
