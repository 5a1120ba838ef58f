/**
 * The message bar of the studio (`App.svelte`): what `Studio`, the garage and a saved training run say to the user.
 * A notice is data, never parsed back: a follow-up the studio will report on is a field, not words to look for.
 */

/** A message on show in the studio. */
export interface Notice {
  kind: 'info' | 'error';
  text: string;
  /**
   * Set on the notice of a model training just saved (save-trained.ts): its evaluation follows. The bar adds
   * "Evaluating it now." after `text`; when the evaluation ends, `evaluatedNotice` gives the notice with its result.
   */
  evaluating?: boolean;
}

/** The sentence the bar adds while a notice's evaluation is under way. */
export const EVALUATING_NOW = 'Evaluating it now.';

/** The words the bar shows for a notice. */
export function noticeText(notice: Notice): string {
  return notice.evaluating ? `${notice.text} ${EVALUATING_NOW}` : notice.text;
}

/**
 * The notice of an evaluating one once its evaluation has ended: the same text, then how many trials lapped.
 * @param trials the evaluation's trials (`lapTimeS` null for a trial that did not complete a lap).
 */
export function evaluatedNotice(notice: Notice, trials: readonly { lapTimeS: number | null }[]): Notice {
  const laps = trials.filter((t) => t.lapTimeS !== null).length;
  return { kind: notice.kind, text: `${notice.text} Evaluated: ${laps} of ${trials.length} trials completed a lap (see Evaluation).` };
}
