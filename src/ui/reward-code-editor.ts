/**
 * The CodeMirror 6 editor of `RewardEditor.svelte` behind a small interface, in a module of its own so
 * that CodeMirror (about a third of the page's script) loads only when the reward editor is first shown.
 */
import { basicSetup } from 'codemirror';
import { EditorView } from '@codemirror/view';
import { Compartment, EditorState, type Extension } from '@codemirror/state';
import { lintGutter, setDiagnostics, type Diagnostic } from '@codemirror/lint';
import { javascript } from '@codemirror/lang-javascript';
import { python } from '@codemirror/lang-python';
import type { RewardLanguage } from '../reward/compile';

/** Language names in the editor's accessible name. */
const LANGUAGE_NAMES: Record<RewardLanguage, string> = { python: 'Python', javascript: 'JavaScript' };

/** CodeMirror's basic setup (history, search, brackets, completion...) plus the lint gutter. */
const editorSetup: Extension = [basicSetup, lintGutter()];

const editorTheme = EditorView.theme({
  '&': { fontSize: '13px', height: '100%', backgroundColor: '#fff' },
  '&.cm-focused': { outline: '2px solid #1a5fb4', outlineOffset: '1px' },
  '.cm-scroller': { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace', lineHeight: '1.45' },
  '.cm-gutters': { backgroundColor: '#f4f4f4', color: '#555', borderRight: '1px solid #ddd' },
});

/** The editor's highlighting and its accessible name, for one language. */
function languageExtension(language: RewardLanguage): Extension {
  return [
    language === 'python' ? python() : javascript(),
    // tabindex: the editable content is in the tab order anyway; said explicitly, checkers see the scroller as reachable.
    EditorView.contentAttributes.of({ 'aria-label': `Reward function (${LANGUAGE_NAMES[language]})`, tabindex: '0' }),
  ];
}

/** A reward-code editor in the page. */
export interface RewardCodeEditor {
  /** The document's text. */
  text(): string;
  /** Replaces the whole document (no-op when equal). */
  setText(code: string): void;
  /** Switches the highlighting and the accessible name. */
  setLanguage(language: RewardLanguage): void;
  /** Marks one line (1-based, clamped to the document) with an error message, or clears marks when `line` is null. */
  markError(line: number | null, message: string): void;
  /** Selects line `n` (1-based, clamped), scrolls to it and focuses the editor. */
  goToLine(n: number): void;
  destroy(): void;
}

/**
 * @param parent element the editor fills.
 * @param code initial document.
 * @param language initial language.
 * @param onEdit called with the new text after each change of the document (typed, or by `setText`).
 */
export function createRewardCodeEditor(parent: HTMLElement, code: string, language: RewardLanguage, onEdit: (code: string) => void): RewardCodeEditor {
  const languageCompartment = new Compartment();
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: code,
      extensions: [
        editorSetup,
        languageCompartment.of(languageExtension(language)),
        editorTheme,
        EditorView.updateListener.of((u) => {
          if (u.docChanged) onEdit(u.state.doc.toString());
        }),
      ],
    }),
  });
  const lineAt = (n: number) => view.state.doc.line(Math.min(Math.max(1, n), view.state.doc.lines));
  return {
    text: () => view.state.doc.toString(),
    setText(c) {
      if (c !== view.state.doc.toString()) view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: c } });
    },
    setLanguage: (l) => view.dispatch({ effects: languageCompartment.reconfigure(languageExtension(l)) }),
    markError(line, message) {
      const diagnostics: Diagnostic[] = [];
      if (line != null) {
        const l = lineAt(line);
        diagnostics.push({ from: l.from, to: l.to, severity: 'error', message });
      }
      view.dispatch(setDiagnostics(view.state, diagnostics));
    },
    goToLine(n) {
      const l = lineAt(n);
      view.dispatch({ selection: { anchor: l.from, head: l.to }, scrollIntoView: true });
      view.focus();
    },
    destroy: () => view.destroy(),
  };
}
