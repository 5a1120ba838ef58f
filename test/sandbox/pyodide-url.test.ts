import { describe, expect, it } from 'vitest';
import { pyodideIndexURL } from '../../src/sandbox/pyodide-url';

describe('pyodideIndexURL', () => {
  it("resolves the built site's relative base against the page, wherever the site is served", () => {
    expect(pyodideIndexURL('./', 'http://127.0.0.1:4173/')).toBe('http://127.0.0.1:4173/pyodide/');
    expect(pyodideIndexURL('./', 'https://example.org/course/raceline/index.html#model=1')).toBe('https://example.org/course/raceline/pyodide/');
  });

  it("resolves the dev server's absolute base against the origin", () => {
    expect(pyodideIndexURL('/', 'http://localhost:5173/some/page')).toBe('http://localhost:5173/pyodide/');
    expect(pyodideIndexURL('/raceline', 'http://localhost:5173/raceline/')).toBe('http://localhost:5173/raceline/pyodide/');
  });
});
