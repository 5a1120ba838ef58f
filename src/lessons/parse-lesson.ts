/**
 * Reads a lesson file (format: lessons/README.md) into a `Lesson`: a front matter between `---` lines, an intro,
 * then one step per `## ` heading with its instruction, an optional `### Hint` section, and fenced blocks
 * ```setup, ```reward-python / ```reward-javascript and ```check. Every value is checked here, so a teacher's typo
 * fails with its line, never halfway through a class.
 */
import { generateDiscreteActionSpace, validateActionSpace, type ActionSpace } from '../sim/action-space';
import { defaultPpoConfig, resolvePpoConfig, type PpoConfig } from '../rl/config';
import { REWARD_TEMPLATES } from '../reward/examples';
import { glossaryEntry } from './glossary';
import { glossaryRefs } from './markdown';
import { CAMERA_SENSORS, LIDAR_SENSORS, sensorLayout, type SensorName } from '../sim/observation';
import {
  CHECK_KINDS,
  LESSON_LEVELS,
  LessonFormatError,
  PENALISED_CASES,
  type CheckKind,
  type Lesson,
  type LessonLevel,
  type LessonStep,
  type StepCheck,
  type StepSetup,
} from './lesson-format';

const FRONT_KEYS = ['id', 'title', 'level', 'minutes', 'prerequisites'] as const;
const SETUP_KEYS = ['track', 'reward-template', 'actions', 'hyperparameters', 'sensors', 'max-minutes', 'max-iterations', 'stop-on-lap'] as const;
const SENSOR_NAMES: readonly string[] = ['TRACK_GEOMETRY', ...CAMERA_SENSORS, ...LIDAR_SENSORS];

/** A step while it is being read: its lines and where they started. */
interface RawStep {
  title: string;
  line: number;
  text: string[];
  hint: string[] | null;
  setup: StepSetup | null;
  check: StepCheck | null;
}

/**
 * Parses one lesson file.
 * @param text the markdown; @param file its name, for messages and `Lesson.file`.
 * @throws LessonFormatError naming the line and what to write instead.
 */
export function parseLesson(text: string, file: string): Lesson {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const fail = (line: number, message: string): never => {
    throw new LessonFormatError(file, line, message);
  };
  if (lines[0]?.trim() !== '---') fail(1, "a lesson starts with its front matter: a line '---', then 'id: ...', 'title: ...', and '---'");
  const end = lines.indexOf('---', 1);
  if (end < 0) fail(1, "the front matter has no closing '---' line");
  const front = new Map<string, { value: string; line: number }>();
  for (let i = 1; i < end; i++) {
    if (lines[i].trim() === '') continue;
    const m = /^([a-z-]+):\s*(.*)$/.exec(lines[i]);
    if (!m) fail(i + 1, `expected 'key: value' in the front matter, got '${lines[i]}'`);
    if (!(FRONT_KEYS as readonly string[]).includes(m![1])) fail(i + 1, `unknown front matter key '${m![1]}' (known: ${FRONT_KEYS.join(', ')})`);
    front.set(m![1], { value: m![2].trim(), line: i + 1 });
  }
  for (const k of ['id', 'title', 'level', 'minutes'] as const) if (!front.get(k)?.value) fail(1, `the front matter needs '${k}: ...'`);
  const id = front.get('id')!.value;
  if (!/^[a-z0-9-]+$/.test(id)) fail(front.get('id')!.line, `id '${id}' may hold only a-z, 0-9 and '-'`);
  const level = front.get('level')!.value as LessonLevel;
  if (!LESSON_LEVELS.includes(level)) fail(front.get('level')!.line, `level '${level}' is not one of ${LESSON_LEVELS.join(', ')}`);
  const minutes = Number(front.get('minutes')!.value);
  if (!(minutes > 0)) fail(front.get('minutes')!.line, `minutes must be a positive number, got '${front.get('minutes')!.value}'`);
  const prerequisites = (front.get('prerequisites')?.value ?? '')
    .replace(/^\[|\]$/g, '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

  const intro: string[] = [];
  const steps: RawStep[] = [];
  let step: RawStep | null = null;
  for (let i = end + 1; i < lines.length; i++) {
    const line = lines[i];
    const fence = /^```\s*([a-z-]*)\s*$/.exec(line);
    if (fence && fence[1] !== '') {
      const kind = fence[1];
      const body: string[] = [];
      const start = i + 1;
      for (i++; i < lines.length && !/^```\s*$/.test(lines[i]); i++) body.push(lines[i]);
      if (i >= lines.length) fail(start - 1, `the \`\`\`${kind} block is not closed with a line '\`\`\`'`);
      if (!step) fail(start - 1, `a \`\`\`${kind} block must be inside a step (after a '## ' heading)`);
      const s = step!;
      if (kind === 'setup') s.setup = { ...s.setup, ...parseSetup(body, start + 1, fail) };
      else if (kind === 'reward-python' || kind === 'reward-javascript') {
        s.setup = { ...s.setup, reward: { language: kind === 'reward-python' ? 'python' : 'javascript', code: body.join('\n') + '\n' } };
      } else if (kind === 'check') {
        if (s.check) fail(start - 1, 'a step has at most one check');
        s.check = parseCheck(body, start + 1, fail);
      } else (s.hint ?? s.text).push('```' + kind, ...body, '```');
      continue;
    }
    for (const name of glossaryRefs(line)) {
      try {
        glossaryEntry(name);
      } catch (e) {
        fail(i + 1, `[[${name}]]: ${(e as Error).message}`);
      }
    }
    if (line.startsWith('## ')) {
      step = { title: line.slice(3).trim(), line: i + 1, text: [], hint: null, setup: null, check: null };
      steps.push(step);
    } else if (/^###\s+hint\s*$/i.test(line)) {
      if (!step) fail(i + 1, "'### Hint' must be inside a step");
      step!.hint = [];
    } else if (step) (step.hint ?? step.text).push(line);
    else intro.push(line);
  }
  if (steps.length === 0) fail(end + 1, "a lesson needs at least one step: a line '## Step title' and its instruction");
  const out: LessonStep[] = steps.map((s) => {
    const instruction = s.text.join('\n').trim();
    if (!instruction) fail(s.line, `step '${s.title}' has no instruction under its heading`);
    const hint = s.hint?.join('\n').trim() || null;
    return { title: s.title, instruction, hint, setup: s.setup, check: s.check };
  });
  return { id, title: front.get('title')!.value, level, minutes, prerequisites, intro: intro.join('\n').trim(), steps: out, file };
}

/** Reads the `key: value` lines of a ```setup block. */
function parseSetup(body: string[], firstLine: number, fail: (line: number, message: string) => never): StepSetup {
  const setup: StepSetup = {};
  body.forEach((raw, k) => {
    const line = firstLine + k;
    if (raw.trim() === '') return;
    const m = /^([a-z-]+):\s*(.*)$/.exec(raw.trim());
    if (!m || !(SETUP_KEYS as readonly string[]).includes(m[1])) fail(line, `expected one of ${SETUP_KEYS.join(', ')} as 'key: value', got '${raw.trim()}'`);
    const [, key, value] = m!;
    if (key === 'track') setup.track = value;
    else if (key === 'reward-template') {
      if (!REWARD_TEMPLATES.some((t) => t.id === value)) fail(line, `no reward template '${value}' (known: ${REWARD_TEMPLATES.map((t) => t.id).join(', ')})`);
      setup.rewardTemplate = value;
    } else if (key === 'actions') setup.actionSpace = parseActions(value, line, fail);
    else if (key === 'hyperparameters') setup.hyperparameters = parseHyperparameters(value, line, fail);
    else if (key === 'sensors') {
      const names = value.split(',').map((s) => s.trim()).filter(Boolean);
      for (const n of names) if (!SENSOR_NAMES.includes(n)) fail(line, `unknown sensor '${n}' (known: ${SENSOR_NAMES.join(', ')})`);
      try {
        sensorLayout(names as SensorName[]);
      } catch (e) {
        fail(line, (e as Error).message);
      }
      setup.sensors = names;
    } else if (key === 'stop-on-lap') {
      if (value !== 'on' && value !== 'off') fail(line, `stop-on-lap must be 'on' or 'off', got '${value}'`);
      setup.stopOnLap = value === 'on';
    } else if (key === 'max-iterations') {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1) fail(line, `max-iterations must be a whole number of at least 1, got '${value}'`);
      setup.maxIterations = n;
    } else {
      const n = Number(value);
      if (!(n > 0)) fail(line, `max-minutes must be a positive number, got '${value}'`);
      setup.maxMinutes = n;
    }
  });
  return setup;
}

/** `discrete <max steering> <steering levels> <max speed> <speed levels>` or `continuous <steer low> <steer high> <speed low> <speed high>`. */
function parseActions(value: string, line: number, fail: (line: number, message: string) => never): ActionSpace {
  const [type, ...rest] = value.split(/\s+/);
  const n = rest.map(Number);
  if ((type !== 'discrete' && type !== 'continuous') || n.length !== 4 || n.some((x) => !Number.isFinite(x))) {
    return fail(line, `actions: write 'discrete <max steering °> <steering levels> <max speed m/s> <speed levels>' or 'continuous <steering low °> <steering high °> <speed low m/s> <speed high m/s>', got '${value}'`);
  }
  try {
    return type === 'discrete'
      ? generateDiscreteActionSpace(n[0], n[1], n[2], n[3])
      : validateActionSpace({ type: 'continuous', steering_angle: { low: n[0], high: n[1] }, speed: { low: n[2], high: n[3] } });
  } catch (e) {
    return fail(line, `actions: ${(e as Error).message}`);
  }
}

/** `entropyCoef=0.05, learningRate=0.0003`: PPO config names and numbers (booleans and strings as written). */
function parseHyperparameters(value: string, line: number, fail: (line: number, message: string) => never): Partial<PpoConfig> {
  const out: Record<string, unknown> = {};
  for (const part of value.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^([A-Za-z]+)\s*=\s*(\S+)$/.exec(part);
    if (!m) fail(line, `hyperparameters: write 'name=value, name=value', got '${part}'`);
    const [, key, v] = m!;
    out[key] = v === 'true' ? true : v === 'false' ? false : Number.isFinite(Number(v)) ? Number(v) : v;
  }
  try {
    resolvePpoConfig(out as Partial<PpoConfig>);
  } catch (e) {
    fail(line, `hyperparameters: ${(e as Error).message}`);
  }
  return out as Partial<PpoConfig>;
}

/** The one non-empty line of a ```check block: a kind and its arguments. */
function parseCheck(body: string[], firstLine: number, fail: (line: number, message: string) => never): StepCheck {
  const rows = body.map((l, k) => ({ text: l.trim(), line: firstLine + k })).filter((r) => r.text !== '');
  if (rows.length !== 1) return fail(firstLine, 'a ```check block holds exactly one line: a check kind and its arguments');
  const [kind, ...args] = rows[0].text.split(/\s+/);
  const line = rows[0].line;
  if (!(CHECK_KINDS as readonly string[]).includes(kind)) return fail(line, `unknown check '${kind}' (known: ${CHECK_KINDS.join(', ')})`);
  const needNumber = (what: string): void => {
    if (args.length !== 1 || !Number.isFinite(Number(args[0]))) fail(line, `${kind} needs one number: ${what}`);
  };
  switch (kind as CheckKind) {
    case 'entropy-below':
      if (args.length < 1 || args.length > 2 || args.some((a) => !Number.isFinite(Number(a))) || (args.length === 2 && !(Number.isInteger(Number(args[1])) && Number(args[1]) >= 1))) {
        fail(line, 'entropy-below needs the entropy to get below and, optionally, the iterations the chart must have first (entropy-below 2 20)');
      }
      break;
    case 'evaluation-near-centre':
      if (args.length !== 1 || !(Number(args[0]) > 0 && Number(args[0]) <= 1)) fail(line, 'evaluation-near-centre needs one number in (0, 1]: the largest mean distance from the centre line, as a fraction of half the track width');
      break;
    case 'evaluation-near-limit':
      if (args.length !== 1 || !(Number(args[0]) >= 1)) fail(line, "evaluation-near-limit needs one number of at least 1: the largest mean lap time as a multiple of the car's limit lap (evaluation-near-limit 1.5)");
      break;
    case 'trained-with-reward':
      if (args.length !== 1 || args[0] !== 'centre') fail(line, `trained-with-reward needs 'centre' (a model trained with a reward that prefers the centre line)`);
      break;
    case 'hyperparameter-is':
      if (args.length !== 2 || !(args[0] in defaultPpoConfig) || !Number.isFinite(Number(args[1]))) fail(line, `hyperparameter-is needs a PPO setting name and the value the step asks for, such as 'hyperparameter-is entropyCoef 0.005', got '${args.join(' ')}'`);
      break;
    case 'compare-trails': {
      const share = Number(args[1]);
      if (args.length !== 2 || (args[0] !== 'left' && args[0] !== 'right') || !(share > 0 && share <= 1)) fail(line, `compare-trails needs a side and a share of the steps, such as 'compare-trails right 0.6', got '${args.join(' ')}'`);
      break;
    }
    case 'drove-with-keyboard':
      needNumber('the percent of a lap to drive');
      break;
    case 'action-space-size':
      needNumber('the number of actions');
      break;
    case 'models-saved':
      needNumber('how many models');
      break;
    case 'reward-penalises':
      if (args.length !== 1 || !(PENALISED_CASES as readonly string[]).includes(args[0])) fail(line, `reward-penalises needs one of ${PENALISED_CASES.join(', ')}`);
      break;
    case 'action-space-type':
      if (args[0] !== 'discrete' && args[0] !== 'continuous') fail(line, 'action-space-type needs discrete or continuous');
      break;
    case 'training-format':
      if (!['time_trial', 'object_avoidance', 'head_to_bot'].includes(args[0])) fail(line, 'training-format needs time_trial, object_avoidance or head_to_bot');
      break;
    case 'hyperparameter-changed':
      if (args.length !== 1 || !(args[0] in defaultPpoConfig)) fail(line, `hyperparameter-changed needs one PPO setting name such as entropyCoef, got '${args.join(' ')}'`);
      break;
    case 'track-selected':
      if (args.length !== 1) fail(line, 'track-selected needs one track name');
      break;
    case 'sensors-include':
      if (args.length !== 1 || !SENSOR_NAMES.includes(args[0])) fail(line, `sensors-include needs one of ${SENSOR_NAMES.join(', ')}`);
      break;
    default:
      if (args.length > 0) fail(line, `${kind} takes no arguments`);
  }
  return { kind: kind as CheckKind, args };
}
