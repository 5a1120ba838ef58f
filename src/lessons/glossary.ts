/**
 * The glossary: a short plain-English definition of every term the studio and the lessons use, written for a
 * student who has never met reinforcement learning. The studio shows them in a popover next to the term
 * (src/ui/Term.svelte); lessons link to them with `[[term]]` (src/lessons/markdown.ts), and a lesson naming a term
 * that is not here fails to load (src/lessons/parse-lesson.ts). Pure data and a lookup: no DOM, no svelte.
 */
import type { ActionSpace } from '../sim/action-space';

export interface GlossaryEntry {
  /** Stable id, kebab-case: what `[[...]]` and `<Term id>` name (`approx-kl`). */
  id: string;
  /** The term as a heading shows it (`Approx KL`). */
  term: string;
  /** Other spellings a lesson may write in `[[...]]`: plurals, DeepRacer's labels, config names. */
  aliases: readonly string[];
  /** One to three sentences, plain words. */
  definition: string;
}

/** Every term, roughly in the order a student meets them. */
export const GLOSSARY: readonly GlossaryEntry[] = [
  {
    id: 'reinforcement-learning',
    term: 'Reinforcement learning',
    aliases: ['RL'],
    definition: 'Learning by trying things and getting points for them. Nobody shows the car how to drive: it tries actions, gets a reward for each, and slowly does more of what earned the most.',
  },
  {
    id: 'agent',
    term: 'Agent',
    aliases: ['agents'],
    definition: 'The one that learns and acts: here, the car and the neural network that drives it.',
  },
  {
    id: 'observation',
    term: 'Observation',
    aliases: ['observations', 'state', 'states'],
    definition:
      'What the car senses at one step, as a list of numbers: the track-geometry numbers, the camera pixels or the LiDAR distances ("What the car sees" shows them). The policy reads it to choose an action.',
  },
  {
    id: 'action',
    term: 'Action',
    aliases: ['actions'],
    definition: 'One choice the car makes at a step: a steering angle and a speed.',
  },
  {
    id: 'action-space',
    term: 'Action space',
    aliases: ['action spaces', 'discrete action space', 'continuous action space'],
    definition:
      'All the actions the car may choose from. A discrete action space is a fixed list (for example 10 pairs of steering angle and speed); a continuous one lets the car pick any steering and speed inside a range.',
  },
  {
    id: 'step',
    term: 'Step',
    aliases: ['steps'],
    definition: 'One moment of an episode: the car looks (an observation), picks an action, moves for 1/15 of a second and gets a reward. A lap takes a few hundred steps.',
  },
  {
    id: 'episode',
    term: 'Episode',
    aliases: ['episodes'],
    definition: 'One attempt from a start until the car leaves the track, finishes the lap or runs out of time. Training is made of thousands of episodes.',
  },
  {
    id: 'reward',
    term: 'Reward',
    aliases: ['rewards'],
    definition: 'The number the car gets after every step: your way of saying "good" or "bad". The car learns to collect as much reward as it can over a whole episode.',
  },
  {
    id: 'reward-function',
    term: 'Reward function',
    aliases: ['reward functions', 'reward_function'],
    definition: 'The small program you write that looks at the car\'s situation (params) and returns the reward for that step. The car learns whatever it pays for, good or silly.',
  },
  {
    id: 'policy',
    term: 'Policy',
    aliases: ['policies'],
    definition: 'The car\'s way of choosing: for each observation it gives every action a chance of being picked. Training changes the policy so that actions that led to more reward become likelier.',
  },
  {
    id: 'model',
    term: 'Model',
    aliases: ['models'],
    definition: 'What training makes and saves: the neural network that holds the policy, together with its action space, sensors and settings. You can evaluate, clone, share or race a model.',
  },
  {
    id: 'training',
    term: 'Training',
    aliases: [],
    definition: 'Letting the cars drive episode after episode while PPO improves the policy from what happened, one iteration at a time.',
  },
  {
    id: 'iteration',
    term: 'Iteration',
    aliases: ['iterations', 'policy-updating iteration'],
    definition: 'One round of learning: the cars drive a number of episodes, then PPO updates the policy from them. Each point on the training charts is one iteration.',
  },
  {
    id: 'evaluation',
    term: 'Evaluation',
    aliases: ['evaluate', 'evaluates', 'evaluated', 'evaluations'],
    definition: 'A test drive of a model: it drives on its own, always taking the action it rates best (no exploring), and learns nothing. It shows how good the model really is.',
  },
  {
    id: 'trial',
    term: 'Trial',
    aliases: ['trials'],
    definition: 'One evaluation drive from the start line. An evaluation runs several trials (3 here) and the table shows each one\'s progress, lap time and how it ended.',
  },
  {
    id: 'exploration',
    term: 'Exploration',
    aliases: ['explore', 'exploring'],
    definition: 'Trying actions other than the one that looks best, to find out whether they are better. Without it the car never discovers a faster way; entropy measures how much it still explores.',
  },
  {
    id: 'entropy',
    term: 'Entropy',
    aliases: ['policy entropy'],
    definition:
      'How unsure the policy is about which action to pick, measured in nats. With N actions picked equally often it is ln(N), the most it can be; a car that always picks the same action has entropy 0. It falls as the car learns.',
  },
  {
    id: 'nats',
    term: 'Nats',
    aliases: ['nat'],
    definition: 'The unit of entropy and of KL when they are worked out with the natural logarithm, ln. A fair coin toss has ln(2) ≈ 0.69 nats of entropy (1 nat is about 1.44 bits).',
  },
  {
    id: 'ln-n',
    term: 'ln(N)',
    aliases: ['ln', 'ln(10)', 'natural logarithm'],
    definition: 'The natural logarithm of N. It is the entropy, in nats, of choosing one of N actions completely at random: ln(2) ≈ 0.69, ln(10) ≈ 2.30, ln(1) = 0 (one action leaves nothing to be unsure about).',
  },
  {
    id: 'approx-kl',
    term: 'Approx KL',
    aliases: ['approximate KL', 'approximate KL divergence', 'KL', 'KL divergence'],
    definition:
      'Approximate KL divergence: how much one update changed the policy, in nats (0 means not at all). Small values, around 0.01 or less, are careful steps; big jumps can make training wobble.',
  },
  {
    id: 'ppo',
    term: 'PPO',
    aliases: ['proximal policy optimization'],
    definition: 'Proximal Policy Optimization, the learning method DeepRacer and Raceline use. After each iteration it nudges the policy towards actions that did better than expected, but never too far at once.',
  },
  {
    id: 'hyperparameter',
    term: 'Hyperparameter',
    aliases: ['hyperparameters'],
    definition: 'A setting of the learning itself, not of the car, chosen before training: the learning rate or the discount factor, for example.',
  },
  {
    id: 'batch-size',
    term: 'Gradient descent batch size',
    aliases: ['batch size', 'batch', 'minibatch', 'minibatches', 'minibatch size', 'minibatchSize'],
    definition: 'How many steps of experience go into each small update (a minibatch). An iteration\'s experience is shuffled and cut into minibatches of this size.',
  },
  {
    id: 'epochs',
    term: 'Number of epochs',
    aliases: ['epoch', 'epochs', 'updateEpochs'],
    definition: 'How many times PPO goes through one iteration\'s experience while updating. More epochs learn more from the same drives, but too many can over-fit them.',
  },
  {
    id: 'learning-rate',
    term: 'Learning rate',
    aliases: ['learningRate'],
    definition: 'How big a change each update makes to the network. Too big and training jumps about; too small and it crawls.',
  },
  {
    id: 'entropy-bonus',
    term: 'Entropy (hyperparameter)',
    aliases: ['entropy bonus', 'entropyCoef', 'beta_entropy'],
    definition: 'How much the car is paid for staying unsure while it learns. Higher keeps it exploring longer; lower lets it settle on one way of driving sooner.',
  },
  {
    id: 'discount-factor',
    term: 'Discount factor',
    aliases: ['gamma', 'discount'],
    definition: 'How much the car cares about rewards that come later, between 0 and 1 (also called gamma). At 0.999 rewards hundreds of steps ahead still count; at 0.9 only the next few steps matter.',
  },
  {
    id: 'loss-type',
    term: 'Loss type',
    aliases: ['valueLoss', 'value loss'],
    definition: 'How the error of the network\'s guess of future reward is measured while learning: Huber is gentle with big errors and steadier; mean squared error learns faster from them but can be jumpy.',
  },
  {
    id: 'episodes-per-iteration',
    term: 'Experience episodes per iteration',
    aliases: ['episodesPerIteration', 'number of experience episodes between each policy-updating iteration', 'experience episodes'],
    definition: 'How many episodes the cars drive before each update of the policy. More give steadier updates; fewer give quicker ones.',
  },
  {
    id: 'parallel-cars',
    term: 'Parallel cars',
    aliases: ['numEnvs'],
    definition: 'How many cars drive at once while training, each on its own copy of the track. More cars gather experience faster, as long as the computer keeps up.',
  },
  {
    id: 'waypoint',
    term: 'Waypoint',
    aliases: ['waypoints'],
    definition: "One of the numbered points along the centre line of the track. A reward function can use them (params['waypoints']) to work out which way the track goes.",
  },
  {
    id: 'progress',
    term: 'Progress',
    aliases: ['mean progress'],
    definition: 'How much of the lap the car drove in an episode or trial, in percent: 100% is a full lap.',
  },
  {
    id: 'lap-time',
    term: 'Lap time',
    aliases: ['lap times'],
    definition: 'Seconds taken to drive one full lap in an evaluation trial. A trial that does not finish the lap has no lap time.',
  },
  {
    id: 'limit-lap',
    term: 'Limit lap',
    aliases: ['limit line'],
    definition: 'The fastest lap this car could drive on this track: the best line, at the most speed its grip, motor and brakes allow. Compare a lap time with it to see how much is left to win.',
  },
  {
    id: 'off-track',
    term: 'Off track',
    aliases: ['off-track', 'offtrack', 'is_offtrack'],
    definition: 'The car has left the road. In training that ends the episode; in an evaluation trial it ends the trial without a lap time.',
  },
];

/** Spelling-insensitive key: lower case, runs of spaces, `-` and `_` as one space. */
function keyOf(name: string): string {
  return name.trim().toLowerCase().replace(/[\s_-]+/g, ' ');
}

const BY_NAME = new Map<string, GlossaryEntry>();
for (const e of GLOSSARY) {
  for (const name of [e.id, e.term, ...e.aliases]) {
    const k = keyOf(name);
    const other = BY_NAME.get(k);
    if (other && other !== e) throw new Error(`glossary: '${name}' names both '${other.id}' and '${e.id}'; give one of them another alias`);
    BY_NAME.set(k, e);
  }
}

/**
 * The entry a name stands for: its id, its term or one of its aliases, in any case, with `-`, `_` and spaces alike.
 * @returns the entry, or null when the glossary has no such term.
 */
export function lookupTerm(name: string): GlossaryEntry | null {
  return BY_NAME.get(keyOf(name)) ?? null;
}

/**
 * The entry a name stands for (see `lookupTerm`).
 * @throws Error naming the term and the nearest known ids, for a name the glossary does not hold.
 */
export function glossaryEntry(name: string): GlossaryEntry {
  const e = lookupTerm(name);
  if (e) return e;
  const k = keyOf(name);
  const near = [...new Set([...BY_NAME].filter(([n]) => editDistance(n, k) <= Math.max(2, Math.floor(k.length / 4))).map(([, g]) => g.id))];
  throw new Error(`'${name}' is not in the glossary (src/lessons/glossary.ts)${near.length ? `; did you mean ${near.map((n) => `'${n}'`).join(', ')}?` : ''}`);
}

/** Levenshtein distance of two strings (insertions, deletions and substitutions). */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
}

/** The entropy of choosing one of `n` actions uniformly at random, nats: ln(n). */
export function uniformEntropy(n: number): number {
  return Math.log(n);
}

/**
 * What the entropy chart's numbers mean for an action space: for a discrete one of N actions, that random choice
 * gives ln(N) nats and a single sure action 0; for a continuous one, that the entropy is of two bell curves and
 * has no such top.
 */
export function entropyScale(space: ActionSpace): string {
  if (space.type === 'continuous') {
    return 'Your action space is continuous: the car draws steering and speed from two bell curves, so there is no ln(N) top; the entropy falls as the curves get narrower and can go below 0.';
  }
  const n = space.actions.length;
  return n <= 1
    ? 'Your action space has 1 action, so the entropy is always 0: there is nothing to choose.'
    : `Your action space has ${n} actions: picking them at random gives ln(${n}) ≈ ${uniformEntropy(n).toFixed(2)} nats, always picking the same one gives 0.`;
}
