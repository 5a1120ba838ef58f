/**
 * The three official DeepRacer example reward functions as templates, in Python (DeepRacer's
 * language, the default for new models) and JavaScript. The logic is the one the DeepRacer developer
 * guide describes (`deepracer-reward-function-examples.md`; reference/deepracer.md §1.4); the code is
 * Raceline's own.
 */
import type { RewardLanguage } from './compile';

export interface RewardTemplate {
  id: string;
  title: string;
  description: string;
  language: RewardLanguage;
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

const followCenterLinePy = `def reward_function(params):
    '''Follow the centre line (DeepRacer's default example).

    Three bands around the centre line: the closer the car, the higher the reward.
    '''
    track_width = params['track_width']
    distance_from_center = params['distance_from_center']

    band_1 = 0.1 * track_width
    band_2 = 0.25 * track_width
    band_3 = 0.5 * track_width

    if distance_from_center <= band_1:
        reward = 1.0
    elif distance_from_center <= band_2:
        reward = 0.5
    elif distance_from_center <= band_3:
        reward = 0.1
    else:
        reward = 1e-3  # probably crashed or close to off track

    return float(reward)
`;

const stayInsideBordersPy = `def reward_function(params):
    '''Stay inside the two borders.

    Full reward while every wheel is on the track and the car keeps a margin from the edge.
    '''
    all_wheels_on_track = params['all_wheels_on_track']
    distance_from_center = params['distance_from_center']
    track_width = params['track_width']

    margin = 0.05  # metres from the border

    reward = 1e-3
    if all_wheels_on_track and (0.5 * track_width - distance_from_center) >= margin:
        reward = 1.0

    return float(reward)
`;

const preventZigZagPy = `def reward_function(params):
    '''Prevent zig-zag: follow the centre line, and pay less for sharp steering.'''
    distance_from_center = params['distance_from_center']
    track_width = params['track_width']
    steering = abs(params['steering_angle'])

    band_1 = 0.1 * track_width
    band_2 = 0.25 * track_width
    band_3 = 0.5 * track_width

    if distance_from_center <= band_1:
        reward = 1.0
    elif distance_from_center <= band_2:
        reward = 0.5
    elif distance_from_center <= band_3:
        reward = 0.1
    else:
        reward = 1e-3

    steering_threshold = 15  # degrees
    if steering > steering_threshold:
        reward *= 0.8

    return float(reward)
`;

/**
 * Raceline's race reward (the racing setup, race/presets.ts): paid for speed while every wheel is on the road, plus a
 * bonus on finishing a lap that grows as the lap gets shorter, so the fastest lap earns the most. It only reads
 * DeepRacer's params, so it pastes into DeepRacer unchanged.
 */
const raceJs = `function reward_function(params) {
  // Race: go fast on the road, and finish the lap in as few steps as possible.
  if (params.is_offtrack || !params.all_wheels_on_track) return 1e-3;
  // Speed cubed: at 4 m/s a step pays 1, at 2 m/s only 0.125, so slow driving pays little.
  let reward = Math.pow(params.speed / 4, 3);
  // A finished lap pays 10000 / steps: 125 for a lap in 80 steps (5.3 s), 62.5 for one in 160 steps.
  if (params.progress >= 100) reward += 10000 / params.steps;
  return reward;
}
`;

const racePy = `def reward_function(params):
    # Race: go fast on the road, and finish the lap in as few steps as possible.
    if params['is_offtrack'] or not params['all_wheels_on_track']:
        return 1e-3
    # Speed cubed: at 4 m/s a step pays 1, at 2 m/s only 0.125, so slow driving pays little.
    reward = (params['speed'] / 4.0) ** 3
    # A finished lap pays 10000 / steps: 125 for a lap in 80 steps (5.3 s), 62.5 for one in 160 steps.
    if params['progress'] >= 100:
        reward += 10000.0 / params['steps']
    return float(reward)
`;

const RACE_TITLE = 'Race: fast laps';
const RACE_DESCRIPTION = 'Pays speed cubed on the road and a bonus for a finished lap that grows as the lap gets shorter (the racing setup).';

/** The templates: the three examples in Python first (default first), then in JavaScript. */
export const REWARD_TEMPLATES: readonly RewardTemplate[] = [
  {
    id: 'follow-center-line-py',
    title: 'Follow the centre line',
    description: 'Reward 1.0 near the centre line, 0.5 and 0.1 in wider bands, almost nothing near the edge.',
    language: 'python',
    code: followCenterLinePy,
  },
  {
    id: 'stay-inside-borders-py',
    title: 'Stay inside the two borders',
    description: 'Reward 1.0 while all wheels are on the track with a 5 cm margin, almost nothing otherwise.',
    language: 'python',
    code: stayInsideBordersPy,
  },
  {
    id: 'prevent-zig-zag-py',
    title: 'Prevent zig-zag',
    description: 'The centre-line reward, multiplied by 0.8 when the steering exceeds 15 degrees.',
    language: 'python',
    code: preventZigZagPy,
  },
  { id: 'race-py', title: RACE_TITLE, description: RACE_DESCRIPTION, language: 'python', code: racePy },
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
  { id: 'race', title: RACE_TITLE, description: RACE_DESCRIPTION, language: 'javascript', code: raceJs },
];

/** The templates of one language, in the order above. */
export function templatesFor(language: RewardLanguage): RewardTemplate[] {
  return REWARD_TEMPLATES.filter((t) => t.language === language);
}

/** The reward a new model starts with: follow the centre line, in Python (as in DeepRacer). */
export const DEFAULT_REWARD = REWARD_TEMPLATES[0];

/** The same reward in JavaScript: the headless tools' default (no Python runtime to load). */
export const DEFAULT_JS_REWARD = templatesFor('javascript')[0];
