import { describe, expect, it } from 'vitest';
import { glossaryRefs, plainText, renderInline, renderMarkdown } from '../../src/lessons/markdown';

describe('renderMarkdown', () => {
  it('renders paragraphs, lists, emphasis, inline code, code blocks and links', () => {
    expect(renderMarkdown('Hold **Up** and *steer*.\nThen `progress` rises.')).toBe('<p>Hold <strong>Up</strong> and <em>steer</em>. Then <code>progress</code> rises.</p>');
    expect(renderMarkdown('- one\n- two *x*\n\n1. first\n2. second')).toBe('<ul><li>one</li><li>two <em>x</em></li></ul>\n<ol><li>first</li><li>second</li></ol>');
    expect(renderMarkdown('```python\nif a < b:\n    pass\n```')).toBe('<pre><code>if a &lt; b:\n    pass</code></pre>');
    expect(renderMarkdown('[docs](https://example.org/a?b=1&c=2) and [here](#top)')).toBe(
      '<p><a href="https://example.org/a?b=1&amp;c=2" target="_blank" rel="noopener noreferrer">docs</a> and <a href="#top">here</a></p>',
    );
  });

  it('never lets HTML or script URLs through', () => {
    const out = renderMarkdown('<img src=x onerror=alert(1)> [x](javascript:alert(1)) `<b>`');
    expect(out).not.toMatch(/<img|<b>|href="javascript/);
    expect(out).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(out).toContain('[x](javascript:alert(1))');
    expect(out).toContain('<code>&lt;b&gt;</code>');
    expect(renderMarkdown('[a"onclick="x](https://e.org/"x)')).not.toMatch(/"onclick="/);
  });

  it("keeps `params['speed']` literal inside code", () => {
    expect(renderMarkdown("Use `params['speed']` with *care*")).toBe('<p>Use <code>params[&#39;speed&#39;]</code> with <em>care</em></p>');
  });
});

describe('renderMarkdown glossary terms', () => {
  it('renders [[term]] and [[shown|term]] as a button opening a popover with the definition', () => {
    const out = renderMarkdown('Each [[episode]] ends; many [[episodes|episode]] make [[Approx KL]] move.', { idPrefix: 'step' });
    expect(out).toContain('<button type="button" class="term" popovertarget="step-term-0" data-term="episode">episode</button>');
    expect(out).toContain('<span class="term-pop" id="step-term-0" popover><strong>Episode</strong> One attempt');
    expect(out).toContain('popovertarget="step-term-1" data-term="episode">episodes</button>');
    expect(out).toContain('data-term="approx-kl">Approx KL</button>');
    expect(out).toContain('id="step-term-2" popover><strong>Approx KL</strong>');
  });

  it('keeps [[term]] literal inside code and an unknown term as text', () => {
    expect(renderMarkdown('Write `[[episode]]`.')).toBe('<p>Write <code>[[episode]]</code>.</p>');
    expect(renderMarkdown('[[no such term]]')).toBe('<p>[[no such term]]</p>');
  });

  it('lets no markup in through a term', () => {
    const out = renderMarkdown('[[<img src=x onerror=alert(1)>|episode]] [[episode|<b>]]', { idPrefix: 'x" onclick="y' });
    expect(out).not.toMatch(/<img|<b>|onclick=/);
    expect(out).toContain('&lt;img src=x onerror=alert(1)&gt;</button>');
  });

  it('renders a [[term]] in a heading line like in body text, with its popover apart from the line', () => {
    const { html, popovers } = renderInline('Watch the [[entropies|entropy]] *fall*', { idPrefix: 'title' });
    expect(html).toBe('Watch the <button type="button" class="term" popovertarget="title-term-0" data-term="entropy">entropies</button> <em>fall</em>');
    expect(popovers).toMatch(/^<span class="term-pop" id="title-term-0" popover><strong>Entropy<\/strong> How unsure the policy is/);
    // The same button and popover as a term in a paragraph.
    const body = renderMarkdown('Watch the [[entropies|entropy]] *fall*', { idPrefix: 'title' });
    expect(body).toBe(`<p>${html.replace('</button>', `</button>${popovers}`)}</p>`);
    expect(renderInline('Plain <b>title</b>')).toEqual({ html: 'Plain &lt;b&gt;title&lt;/b&gt;', popovers: '' });
    expect(plainText('Watch the [[entropies|entropy]] *fall* & `x<y`')).toBe('Watch the entropies fall & x<y');
  });

  it('lists the glossary names a text links to, outside code', () => {
    expect(glossaryRefs('[[episode]] and [[steps|step]] but not `[[reward]]`\n```\n[[policy]]\n```')).toEqual(['episode', 'step']);
  });
});
