/**
 * The one error every share codec throws (model zip, share link, model files). Its `kind` is for the UI to pick
 * the next action; its message is written for the user: what is wrong, where, and what to do.
 */

/** What was wrong with the input. */
export type ShareErrorKind =
  | 'not-a-zip' // the bytes are not a zip archive at all
  | 'truncated' // cut short: a partial download, a link copied in part
  | 'corrupt' // damaged bytes: a bad CRC, invalid deflate data, characters a link cannot hold
  | 'too-large' // over a stated size limit (checked before inflating anything)
  | 'unknown-format' // readable, but not a Raceline model (a DeepRacer model, another zip, another link)
  | 'newer-version' // made by a newer Raceline: update this one
  | 'missing-file' // a file the format needs is absent
  | 'invalid' // a file or field is malformed (bad JSON, a value out of range, an unsupported sensor)
  | 'inconsistent' // parts disagree: weights vs network spec, network vs action space or sensor
  | 'checksum' // the content does not match its checksum: damaged or edited
  | 'unknown-track'; // a shipped track this Raceline does not have, and no geometry in the file

export class ShareError extends Error {
  /**
   * @param kind what was wrong.
   * @param message the whole user-facing message.
   * @param file the file inside the zip (or `link`) the problem is in, when there is one.
   */
  constructor(
    readonly kind: ShareErrorKind,
    message: string,
    readonly file: string | null = null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ShareError';
  }
}
