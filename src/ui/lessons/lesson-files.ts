/**
 * The shipped lessons: every `lessons/NN-slug.md`, bundled by Vite as text and fetched only when the lesson panel
 * opens (lazy glob), parsed with src/lessons/parse-lesson.ts. A lesson file that does not parse is reported by name
 * and line; the others still load.
 */
import { parseLesson } from '../../lessons/parse-lesson';
import type { Lesson } from '../../lessons/lesson-format';

const files = import.meta.glob('/lessons/*.md', { query: '?raw', import: 'default' }) as Record<string, () => Promise<string>>;

/** @returns the lessons in file order, and one message per file that could not be read. */
export async function loadLessons(): Promise<{ lessons: Lesson[]; errors: string[] }> {
  const names = Object.keys(files)
    .filter((p) => /\/\d\d-[^/]+\.md$/.test(p))
    .sort();
  const lessons: Lesson[] = [];
  const errors: string[] = [];
  for (const path of names) {
    try {
      lessons.push(parseLesson(await files[path](), path.split('/').pop()!));
    } catch (e) {
      errors.push((e as Error).message);
    }
  }
  return { lessons, errors };
}
