import { describe, expect, it } from 'vitest';
import { withBanner } from '../../src/action/acceptance.js';
import { publishedCommentBody, sanitizeUntrustedMarkdown } from '../../src/action/sanitizeComment.js';
import { compareReports } from '../../src/compare/compare.js';
import { evaluateGates } from '../../src/compare/gates.js';
import type { GatesConfig } from '../../src/config/types.js';
import { GITHUB_COMMENT_LIMIT } from '../../src/shared/githubLimits.js';
import type { Report } from '../../src/report/types.js';
import { commentMarker, renderComment } from '../../src/render/markdown.js';
import { digitsPair, manyClassReport, withCalibration, withCost } from '../__fixtures__/reports.js';

const ZWSP = '\u200b';
const GATES: GatesConfig = {
  perClassRecall: { maxDrop: 0.02, onMissingClass: 'fail', significance: true, onUnproven: 'warn' },
};

function rendered(baseline: Report, candidate: Report, gates: GatesConfig = GATES): string {
  return renderComment({
    candidate,
    baseline,
    comparison: compareReports(baseline, candidate),
    verdict: evaluateGates(gates, candidate, baseline),
    baselineSource: 'baseline.json at base commit bbbbbbb (main)',
    runUrl: 'https://github.com/octo/models/actions/runs/4242',
    markerKey: 'PR gate/evaluate',
  });
}

/** The body below the marker line, as publish mode hands it to the sanitizer. */
const belowMarker = (body: string) => body.slice(body.indexOf('\n') + 1);

describe('sanitizeUntrustedMarkdown leaves evalgate’s own comments as they are', () => {
  it('passes a failed verdict with calibration, cost, folds and a run link through unchanged', () => {
    const { baseline, candidate } = digitsPair();
    const cost = Array.from({ length: 10 }, (_, i) =>
      Array.from({ length: 10 }, (_, j) => (i === j ? 0 : 1)),
    );
    const body = belowMarker(
      rendered(
        withCost(withCalibration(baseline), cost, 'USD'),
        withCost(withCalibration(candidate), cost, 'USD'),
        {
          ...GATES,
          accuracy: { min: 0.99, significance: true, onUnproven: 'warn' },
        },
      ),
    );
    expect(body).toContain('<details>');
    expect(body).toContain('<sub>');
    expect(sanitizeUntrustedMarkdown(body)).toBe(body);
  });

  it('passes through class names that spell HTML, images, mentions and references (the renderer escaped them)', () => {
    const hostile = (i: number) =>
      [
        '<img src=x>',
        '![pixel](https://evil.example/p.png)',
        '@octo-org/admins',
        'fixes #12',
        'GH-7',
        'a&#64;b',
      ][i % 6]! + ` ${i}`;
    const baseline = manyClassReport(12, { names: hostile, seed: 'base' });
    const candidate = manyClassReport(12, { names: hostile, regressed: [0, 1, 2, 3, 4, 5], seed: 'cand' });
    const body = belowMarker(rendered(baseline, candidate));
    expect(body).toContain('@\u200bocto');
    expect(sanitizeUntrustedMarkdown(body)).toBe(body);
  });
});

describe('sanitizeUntrustedMarkdown makes a forged body inert', () => {
  it('neutralises mentions, team mentions and issue references, also when spelled with character references', () => {
    const out = sanitizeUntrustedMarkdown(
      'ping @alice and @octo-org/admins; fixes #12, octo/models#3, GH-9, gh-10; ' +
        '&#64;bob &#x40;carol &commat;dave &#35;77 @&#117;ser https://github.com/octo/models/issues/5 /pull/6\n',
    );
    expect(out).not.toMatch(/@[A-Za-z0-9]/);
    expect(out).not.toMatch(/#\d/);
    expect(out).not.toMatch(/GH-\d/i);
    expect(out).not.toMatch(/\/(issues|pull)\/\d/);
    expect(out).toContain(`@${ZWSP}alice`);
    expect(out).toContain(`@${ZWSP}octo-org/admins`);
    expect(out).toContain(`octo/models#${ZWSP}3`);
    expect(out).toContain(`GH-${ZWSP}9`);
    expect(out).toContain(`@${ZWSP}bob @${ZWSP}carol`);
    expect(out).toContain('&amp;commat;dave'); // an unknown named reference shows literally
    expect(out).toContain(`@${ZWSP}user`);
    // Colours are not issue numbers; a number that merely starts like one still is.
    expect(sanitizeUntrustedMarkdown('#0969da #cf222e #123 #12345 #1a2b3c4d5')).toBe(
      `#0969da #cf222e #${ZWSP}123 #${ZWSP}12345 #${ZWSP}1a2b3c4d5`,
    );
  });

  it('removes images, inline, by reference and as HTML', () => {
    const out = sanitizeUntrustedMarkdown(
      '![passed](https://evil.example/badge.svg "ok")\n![a [b] c](<x>)\n![ref][logo] and ![shortcut]\n' +
        '<img src="https://evil.example/p.png">\n<IMG\nSRC=x>\n![[[deep]]](x)\n',
    );
    expect(out).not.toMatch(/!\[/);
    expect(out).not.toMatch(/<img/i);
    expect(out).not.toContain('evil.example');
    expect(out.match(/\(image removed\)/g)).toHaveLength(4);
  });

  it('strips raw HTML but the folds, small print and line breaks, which lose their attributes', () => {
    const out = sanitizeUntrustedMarkdown(
      '<details open><summary onclick="x">More</summary>\n<div align="right"><b>bold</b></div>\n' +
        '<sub class="s">small</sub><br/><BR><script>alert(1)</script>\n<!-- evalgate:comment key=other -->\n' +
        '</details>\n<a href="javascript:x">link</a> <<b></b>img src=x> 1 < 2\n',
    );
    expect(out).toBe(
      '<details><summary>More</summary>\nbold\n<sub>small</sub><br><br>alert(1)\n\n</details>\nlink &lt;img src=x> 1 &lt; 2\n',
    );
  });

  it('drops forged acceptance banners, with their quote block, however they are spelled', () => {
    const out = sanitizeUntrustedMarkdown(
      [
        '## ❌ evalgate: failed',
        '',
        '> [!WARNING]',
        '> **Regression accepted by @alice**: the label was added.',
        '',
        'Regr<b></b>ession&#32;ACCEPTED by the team',
        '',
        'A paragraph whose regression',
        'accepted line is split.',
        '',
        'No regressions here.',
      ].join('\n'),
    );
    expect(out).not.toMatch(/accepted/i);
    expect(out).not.toContain('[!WARNING]');
    expect(out).toContain('## ❌ evalgate: failed');
    expect(out).toContain('No regressions here.');
  });

  it('is idempotent: sanitizing twice changes nothing', () => {
    const hostile = [
      '<<b></b>img src=x> &amp;#64;x &#38;#64;y &foo; @a #1 GH-2 ![i](u) ![[[n]]](u)',
      'regression',
      '<i>Regression accepted</i>',
      'accepted',
      '> note',
      '> regression accepted',
      '<!-- unterminated',
    ].join('\n');
    const once = sanitizeUntrustedMarkdown(hostile);
    expect(sanitizeUntrustedMarkdown(once)).toBe(once);
    expect(once).not.toMatch(/regression accepted/i);
    expect(once).not.toMatch(/(?<!&)#\d/);
  });
});

describe('publishedCommentBody', () => {
  const input = {
    marker: commentMarker('publish/publish'),
    untrustedBody: '\n## ✅ evalgate: passed\n\ncc @alice\n',
    sourceRun: { id: 4242, url: 'https://github.com/octo/models/actions/runs/4242', headSha: 'c'.repeat(40) },
    publishRunUrl: 'https://github.com/octo/models/actions/runs/4343',
  };

  it('puts the publish job’s marker first and a trusted note on where the result comes from', () => {
    const body = publishedCommentBody(input);
    const lines = body.split('\n');
    expect(lines[0]).toBe(commentMarker('publish/publish'));
    expect(lines[1]).toBe('');
    expect(lines[2]).toBe('> [!NOTE]');
    expect(lines[3]).toBe(
      "> This result was produced by the pull request's own workflow run " +
        '([run 4242](https://github.com/octo/models/actions/runs/4242)) on commit `ccccccc`, which ran the pull ' +
        "request's code. It is posted by evalgate's publish job ([run](https://github.com/octo/models/actions/runs/4343)), " +
        'with mentions, references, images and HTML removed.',
    );
    expect(body).toContain(`cc @${ZWSP}alice`);
    expect(publishedCommentBody(input)).toBe(body);
  });

  it('keeps the acceptance banner, inserted after the marker, apart from the note', () => {
    const body = withBanner(publishedCommentBody(input), '> [!WARNING]\n> **Regression accepted by @bob**');
    expect(body).toMatch(
      /^<!--[^\n]*-->\n\n> \[!WARNING\]\n> \*\*Regression accepted by @bob\*\*\n\n> \[!NOTE\]/,
    );
  });

  it('stays under GitHub’s limit with room for the banner, however long the artifact’s body', () => {
    const body = publishedCommentBody({ ...input, untrustedBody: `@x\n${'| a | @b |\n'.repeat(9_000)}` });
    expect(body.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT - 500);
    expect(body).toContain("cut at GitHub's 65,536-character limit");
  });
});
