/**
 * The helpers every store class uses: turn whatever IndexedDB throws into a {@link StoreError}, check a record
 * with `restore` before writing it, and restore lists without hiding unreadable records.
 */
import { InvalidRecordError, RestoreError, toStoreError } from './errors';
import { restoreAs, type RecordOfType, type RecordType } from './records';

/**
 * Runs one storage step, turning anything it throws into a {@link StoreError}.
 * @param doing what is being done, for the fallback message (`saving model "m-1"`).
 * @param subject what a full disk failed to save (`this model`, `the checkpoint`).
 */
export async function guard<T>(doing: string, subject: string, step: () => PromiseLike<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    throw toStoreError(error, doing, subject);
  }
}

/**
 * Checks a record before a write with the same `restore` reads use, so nothing unreadable is ever written.
 * @throws InvalidRecordError naming the record and the field.
 */
export function checkWrite<T extends RecordType>(record: unknown, type: T, label: string): RecordOfType<T> {
  try {
    return restoreAs(record, type);
  } catch (error) {
    if (error instanceof RestoreError) {
      throw new InvalidRecordError(`Cannot save ${label}: ${error.message}. Nothing was written.`, { cause: error });
    }
    throw error;
  }
}

/** The records that restored and those that did not (each with its error), for lists that must not hide anything. */
export interface ReadReport<T> {
  records: T[];
  unreadable: RestoreError[];
}

/** Restores each raw value as `type`, collecting failures instead of stopping at the first. */
export function restoreAll<T extends RecordType>(raws: unknown[], type: T): ReadReport<RecordOfType<T>> {
  const report: ReadReport<RecordOfType<T>> = { records: [], unreadable: [] };
  for (const raw of raws) {
    try {
      report.records.push(restoreAs(raw, type));
    } catch (error) {
      if (!(error instanceof RestoreError)) throw error;
      report.unreadable.push(error);
    }
  }
  return report;
}

/** The records of a report, or the first unreadable record's error. */
export function strict<T>(report: ReadReport<T>): T[] {
  if (report.unreadable.length > 0) throw report.unreadable[0];
  return report.records;
}
