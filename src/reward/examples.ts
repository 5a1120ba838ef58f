/**
 * The three official DeepRacer example reward functions as JavaScript templates. The logic is
 * the one the DeepRacer developer guide describes (`deepracer-reward-function-examples.md`;
 * reference/deepracer.md §1.4); the code is Raceline's own.
 */

export interface RewardTemplate {
  id: string;
  title: string;
  description: string;
  language: 'javascript';
  code: string;
}

const followCenterLine = `// Follow the centre line (DeepRacer's default example).
// Three bands around the centre line: the closer the car, the higher the reward.
function reward_function(params) {
  const trackWidth = params.track_width;
  const distance = params.distance_from_center;

  const band1 = 0.1 * trackWidth;
  const band2 = 0.25 * trackWidth;
  const band3 = 0.5 * trackWidth;

  let reward;
  if (distance <= band1) {
    reward = 1.0;
  } else if (distance <= band2) {
    reward = 0.5;
  } else if (distance <= band3) {
    reward = 0.1;
  } else {
    reward = 1e-3; // probably crashed or close to off track
  }
  return reward;
}
`;

const stayInsideBorders = `// Stay inside the two borders.
// Full reward while every wheel is on the track and the car keeps a margin from the edge.
function reward_function(params) {
  const allWheelsOnTrack = params.all_wheels_on_track;
  const distance = params.distance_from_center;
  const trackWidth = params.track_width;

  const margin = 0.05; // metres from the border

  let reward = 1e-3;
  if (allWheelsOnTrack && 0.5 * trackWidth - distance >= margin) {
    reward = 1.0;
  }
  return reward;
}
`;

const preventZigZag = `// Prevent zig-zag: follow the centre line, and pay less for sharp steering.
function reward_function(params) {
  const distance = params.distance_from_center;
  const trackWidth = params.track_width;
  const steering = Math.abs(params.steering_angle);

  const band1 = 0.1 * trackWidth;
  const band2 = 0.25 * trackWidth;
  const band3 = 0.5 * trackWidth;

  let reward;
  if (distance <= band1) {
    reward = 1.0;
  } else if (distance <= band2) {
    reward = 0.5;
  } else if (distance <= band3) {
    reward = 0.1;
  } else {
    reward = 1e-3;
  }

  const steeringThreshold = 15; // degrees
  if (steering > steeringThreshold) {
    reward *= 0.8;
  }
  return reward;
}
`;

/** The templates, default first. */
export const REWARD_TEMPLATES: readonly RewardTemplate[] = [
  {
    id: 'follow-center-line',
    title: 'Follow the centre line',
    description: 'Reward 1.0 near the centre line, 0.5 and 0.1 in wider bands, almost nothing near the edge.',
    language: 'javascript',
    code: followCenterLine,
  },
  {
    id: 'stay-inside-borders',
    title: 'Stay inside the two borders',
    description: 'Reward 1.0 while all wheels are on the track with a 5 cm margin, almost nothing otherwise.',
    language: 'javascript',
    code: stayInsideBorders,
  },
  {
    id: 'prevent-zig-zag',
    title: 'Prevent zig-zag',
    description: 'The centre-line reward, multiplied by 0.8 when the steering exceeds 15 degrees.',
    language: 'javascript',
    code: preventZigZag,
  },
];

/** The reward a new model starts with: follow the centre line. */
export const DEFAULT_REWARD = REWARD_TEMPLATES[0];
