/**
 * A top-down DeepRacer car on planck-js: one rigid body driven by a speed controller, steered by
 * a rate-limited front axle, held to its path by lateral tyre impulses with a grip limit, so a
 * car that corners too fast slides wide.
 *
 * Geometry from the simapp URDF (`bundle/urdf/deepracer/deepracer_single_cam.urdf`, see
 * reference/deepracer.md §7): wheelbase ≈ 0.164 m, wheel track ≈ 0.162 m, wheel radius 0.035 m.
 * The tyre model follows the "top-down car" impulse technique (iforce2d, Box2D tutorials): at
 * each axle, the impulse that cancels the sideways velocity, clamped to μ·N·dt.
 */
import { Box, Vec2, type Body, type World } from 'planck';

/** Car constants. Lengths in m, masses in kg, angles in rad unless the name says deg. */
export const CAR = {
  /** Front axle ahead of the car origin (origin = midway between the axles), m. */
  frontAxleX: 0.082,
  /** Rear axle behind the origin, m (negative). */
  rearAxleX: -0.082,
  /** Half the wheel track (wheel centre lateral offset), m. */
  halfTrack: 0.081,
  /** DeepRacer's "agent position": the point 0.14 m ahead of the origin (simapp RELATIVE_POSITION_OF_FRONT_OF_CAR). */
  frontPointX: 0.14,
  /** Chassis footprint used for collisions and drawing, m. */
  length: 0.3,
  width: 0.19,
  /** Total mass, kg (DeepRacer ≈ 1.5 kg with batteries). */
  mass: 1.5,
  /** Fastest the steering servo turns the front wheels, rad/s. */
  steeringRate: 6,
  /** Speed controller time constant, s (commanded minus actual speed, divided by this, is the asked acceleration). */
  speedTau: 0.12,
  /** Largest driving acceleration, m/s². */
  maxAccel: 4,
  /** Largest braking deceleration, m/s². */
  maxBrake: 6,
  /** Lateral tyre grip coefficient μ: the tyres hold at most μ·g of sideways acceleration. */
  grip: 1.0,
  /** Gravity, m/s². */
  gravity: 9.81,
} as const;

/** Steering angle limit of the wheels, rad (±30°). */
export const MAX_STEER_RAD = (30 * Math.PI) / 180;

/** Per-car actuator state that lives outside planck. */
export interface CarControl {
  /** Commanded steering, rad, positive = left. */
  steerCmd: number;
  /** Current front-wheel angle, rad. */
  steer: number;
  /** Commanded speed, m/s. */
  speedCmd: number;
}

/** Collision group shared by all cars: negative, so training cars never collide with each other. */
export const CAR_GROUP = -1;

/**
 * Adds a car body to a zero-gravity world, origin at (x, y) facing `heading` rad.
 * @returns the planck body; its user data is the car index.
 */
export function createCarBody(world: World, index: number, x: number, y: number, heading: number): Body {
  const body = world.createBody({
    type: 'dynamic',
    position: Vec2(x, y),
    angle: heading,
    bullet: false,
    allowSleep: false,
    userData: index,
  });
  body.createFixture({
    shape: new Box(CAR.length / 2, CAR.width / 2),
    density: 1,
    filterGroupIndex: CAR_GROUP,
    friction: 0.3,
  });
  const inertia = (CAR.mass * (CAR.length * CAR.length + CAR.width * CAR.width)) / 12;
  body.setMassData({ mass: CAR.mass, center: Vec2(0, 0), I: inertia });
  return body;
}

const newVel = Vec2(0, 0);

/**
 * Applies one physics sub-step of actuation to a car: steering servo, speed controller and
 * lateral tyre grip at both axles. Call before `world.step(dt)`.
 * @param dt sub-step length, s.
 */
export function applyCarForces(body: Body, control: CarControl, dt: number): void {
  const maxDelta = CAR.steeringRate * dt;
  const ds = control.steerCmd - control.steer;
  control.steer += ds > maxDelta ? maxDelta : ds < -maxDelta ? -maxDelta : ds;

  const m = CAR.mass;
  const inertia = body.getInertia();
  const theta = body.getAngle();
  const c = Math.cos(theta);
  const s = Math.sin(theta);
  const vel = body.getLinearVelocity();
  let vx = vel.x;
  let vy = vel.y;
  let w = body.getAngularVelocity();

  // Speed controller along the heading (all-wheel drive, applied at the centre of mass).
  const vForward = vx * c + vy * s;
  let accel = (control.speedCmd - vForward) / CAR.speedTau;
  if (accel > CAR.maxAccel) accel = CAR.maxAccel;
  else if (accel < -CAR.maxBrake) accel = -CAR.maxBrake;
  const jDrive = m * accel * dt;
  vx += (jDrive * c) / m;
  vy += (jDrive * s) / m;

  // Lateral grip: sequential impulses at the front and rear axle, each clamped to μ·(m/2)·g·dt.
  const maxJ = CAR.grip * (m / 2) * CAR.gravity * dt;
  let accFront = 0;
  let accRear = 0;
  const fc = Math.cos(theta + control.steer);
  const fs = Math.sin(theta + control.steer);
  for (let iter = 0; iter < 2; iter++) {
    for (let axle = 0; axle < 2; axle++) {
      const ax = axle === 0 ? CAR.frontAxleX : CAR.rearAxleX;
      const rx = ax * c;
      const ry = ax * s;
      // Sideways direction of the wheel: the front wheels are turned by the steering angle.
      const nx = axle === 0 ? -fs : -s;
      const ny = axle === 0 ? fc : c;
      const vpx = vx - w * ry;
      const vpy = vy + w * rx;
      const vLat = vpx * nx + vpy * ny;
      const rxn = rx * ny - ry * nx;
      const mEff = 1 / (1 / m + (rxn * rxn) / inertia);
      let j = -mEff * vLat;
      const acc = axle === 0 ? accFront : accRear;
      let total = acc + j;
      if (total > maxJ) total = maxJ;
      else if (total < -maxJ) total = -maxJ;
      j = total - acc;
      if (axle === 0) accFront = total;
      else accRear = total;
      vx += (j * nx) / m;
      vy += (j * ny) / m;
      w += (j * rxn) / inertia;
    }
  }

  // The sequential impulses above are exact velocity changes of the rigid body; hand planck the
  // result, and let it integrate positions (and resolve contacts) in world.step.
  newVel.x = vx;
  newVel.y = vy;
  body.setLinearVelocity(newVel);
  body.setAngularVelocity(w);
}
