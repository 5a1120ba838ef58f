/**
 * A tiny markdown renderer for lesson text, safe by construction: every character of the source is HTML-escaped
 * first, then only this subset becomes markup — paragraphs, `- ` and `1. ` lists, **strong**, *emphasis*,
 * `inline code`, fenced code blocks, [links](https://…) to http(s) or in-page (#) addresses, and glossary terms
 * `[[episode]]` or `[[episodes|episode]]` (shown text | glossary name), each a button that opens the term's definition
 * in a native popover. Raw HTML in a lesson file shows as text; it never reaches the page as markup. Pure: returns
 * strings. `renderInline` does one line (a step's heading) with its popovers apart; `plainText` gives its words.
 */
import { lookupTerm } from './glossary';

/** `[[shown]]` or `[[shown|glossary name]]`, on escaped text. */
const TERM_RE = /\[\[([^\]|]+)(?:\|([^\]|]+))?\]\]/g;

/** The glossary names a text's `[[...]]` references stand for, in order (as written, unescaped). */
export function glossaryRefs(source: string): string[] {
  const withoutCode = source.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]+`/g, '');
  return [...withoutCode.matchAll(TERM_RE)].map((m) => (m[2] ?? m[1]).trim());
}

/** Undoes `escapeHtml`. */
function unescapeHtml(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

/** Options of `renderMarkdown`. */
export interface RenderOptions {
  /** Prefix of the popover ids (`<prefix>-term-<n>`); distinct for texts shown on one page at once. */
  idPrefix?: string;
}

/** Escapes the five HTML-significant characters. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Inline markup of one escaped line: code first (its content stays literal), then terms, links, strong, emphasis. */
function inline(escaped: string, term: (shown: string, name: string) => string): string {
  const codes: string[] = [];
  const hold = (html: string): string => {
    codes.push(html);
    return `\u0000${codes.length - 1}\u0000`;
  };
  let s = escaped.replace(/`([^`]+)`/g, (_, c: string) => hold(`<code>${c}</code>`));
  s = s.replace(TERM_RE, (_, shown: string, name: string | undefined) => hold(term(shown.trim(), (name ?? shown).trim())));
  s = s.replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (whole, label: string, href: string) => {
    const raw = href.replace(/&amp;/g, '&');
    if (!/^(https?:\/\/|#)/.test(raw)) return whole;
    const external = raw.startsWith('http');
    return `<a href="${href}"${external ? ' target="_blank" rel="noopener noreferrer"' : ''}>${label}</a>`;
  });
  s = s.replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>').replace(/(^|[^*\w])\*([^*\s][^*]*)\*(?!\w)/g, '$1<em>$2</em>');
  return s.replace(/\u0000(\d+)\u0000/g, (_, i: string) => codes[Number(i)]);
}

/**
 * A glossary term as markup: a button with the shown text (escaped) that opens a popover holding the term and its
 * definition (escaped glossary text). An unknown name stays as the escaped text it was written as; lessons never get
 * there, parse-lesson.ts refuses them.
 */
function termHtml(shownEscaped: string, nameEscaped: string, id: string): string {
  const parts = termParts(shownEscaped, nameEscaped, id);
  return parts ? parts.button + parts.popover : `[[${shownEscaped}]]`;
}

/** `termHtml`'s button and popover apart; null for a name the glossary does not hold. */
function termParts(shownEscaped: string, nameEscaped: string, id: string): { button: string; popover: string } | null {
  const e = lookupTerm(unescapeHtml(nameEscaped));
  if (!e) return null;
  return {
    button: `<button type="button" class="term" popovertarget="${id}" data-term="${e.id}">${shownEscaped}</button>`,
    popover: `<span class="term-pop" id="${id}" popover><strong>${escapeHtml(e.term)}</strong> ${escapeHtml(e.definition)}</span>`,
  };
}

/** A prefix for popover ids, safe in an attribute. */
const idPrefixOf = (options: RenderOptions): string => (options.idPrefix ?? 'md').replace(/[^A-Za-z0-9_-]/g, '');

/**
 * Renders one line of lesson markdown with its inline markup only (a step's `## ` heading): terms, code, links,
 * strong and emphasis, no paragraph. The glossary popovers come apart from the line, for the caller to place after
 * the element that shows it, so the definitions are not part of that element's text (a heading's `textContent`).
 * @returns `html`, the line's markup with the terms' buttons, and `popovers`, their popovers' markup.
 */
export function renderInline(source: string, options: RenderOptions = {}): { html: string; popovers: string } {
  const prefix = idPrefixOf(options);
  const popovers: string[] = [];
  const html = inline(escapeHtml(source.replace(/\s+/g, ' ').trim()), (shown, name) => {
    const parts = termParts(shown, name, `${prefix}-term-${popovers.length}`);
    if (!parts) return `[[${shown}]]`;
    popovers.push(parts.popover);
    return parts.button;
  });
  return { html, popovers: popovers.join('') };
}

/** One line of lesson markdown as plain words (for a label): terms as their shown text, no markup, unescaped. */
export function plainText(source: string): string {
  return unescapeHtml(inline(escapeHtml(source.replace(/\s+/g, ' ').trim()), (shown) => shown).replace(/<[^>]*>/g, ''));
}

/**
 * Renders lesson markdown to HTML.
 * @param source markdown of the subset above; anything else is shown as escaped text.
 * @param options `idPrefix` for the glossary popovers' ids (default `md`).
 */
export function renderMarkdown(source: string, options: RenderOptions = {}): string {
  const prefix = idPrefixOf(options);
  let terms = 0;
  const term = (shown: string, name: string): string => termHtml(shown, name, `${prefix}-term-${terms++}`);
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  const out: string[] = [];
  let para: string[] = [];
  let list: { tag: 'ul' | 'ol'; items: string[] } | null = null;
  const flush = (): void => {
    if (para.length > 0) out.push(`<p>${inline(escapeHtml(para.join(' ')), term)}</p>`);
    para = [];
    if (list) out.push(`<${list.tag}>${list.items.map((i) => `<li>${inline(escapeHtml(i), term)}</li>`).join('')}</${list.tag}>`);
    list = null;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (/^```/.test(line)) {
      flush();
      const body: string[] = [];
      for (i++; i < lines.length && !/^```\s*$/.test(lines[i]); i++) body.push(lines[i]);
      out.push(`<pre><code>${escapeHtml(body.join('\n'))}</code></pre>`);
      continue;
    }
    const bullet = /^\s*[-*]\s+(.*)$/.exec(line);
    const numbered = /^\s*\d+\.\s+(.*)$/.exec(line);
    if (bullet || numbered) {
      const tag = bullet ? 'ul' : 'ol';
      if (para.length > 0 || (list && list.tag !== tag)) flush();
      list ??= { tag, items: [] };
      list.items.push((bullet ?? numbered)![1]);
    } else if (line.trim() === '') flush();
    else if (list && /^\s+\S/.test(line)) list.items[list.items.length - 1] += ' ' + line.trim();
    else {
      if (list) flush();
      para.push(line.trim());
    }
  }
  flush();
  return out.join('\n');
}
