import { describe, expect, it } from 'vitest';
import { compareReports } from '../../src/compare/compare.js';
import { evaluateGates } from '../../src/compare/gates.js';
import type { GatesConfig } from '../../src/config/types.js';
import type { Report } from '../../src/report/types.js';
import { MAX_COMMENT_CHARS, commentMarker, renderComment } from '../../src/render/markdown.js';
import { formatRate, formatRateInterval } from '../../src/render/formatNumbers.js';
import { MAX_POWER_ROWS } from '../../src/render/powerSection.js';
import { wilsonInterval } from '../../src/stats/proportionIntervals.js';
import {
  digitsPair,
  discordantPair,
  makeReport,
  manyClassReport,
  matrixFrom,
  withCalibration,
  withCost,
} from '../__fixtures__/reports.js';

const ON = { significance: true, onUnproven: 'warn' } as const;
const OFF = { significance: false, onUnproven: 'warn' } as const;
const GATES: GatesConfig = { perClassRecall: { maxDrop: 0.02, onMissingClass: 'fail', ...ON } };
/** Plain thresholds: every drop beyond the tolerance is a regression, whatever the sample size. */
const PLAIN: GatesConfig = { perClassRecall: { maxDrop: 0.02, onMissingClass: 'fail', ...OFF } };

function render(baseline: Report | null, candidate: Report, gates: GatesConfig = GATES, extra = {}): string {
  const comparison = baseline === null ? null : compareReports(baseline, candidate);
  const verdict = evaluateGates(gates, candidate, baseline);
  return renderComment({
    candidate,
    baseline,
    comparison,
    verdict,
    baselineSource: '.evalgate/baseline.json',
    ...extra,
  });
}

/** Cells of a markdown table row, split on pipes that are not backslash-escaped. */
function cells(line: string): string[] {
  const out: string[] = [];
  let cell = '';
  for (let i = 1; i < line.length; i++) {
    const c = line[i]!;
    if (c === '\\') {
      cell += c + (line[i + 1] ?? '');
      i++;
    } else if (c === '|') {
      out.push(cell.trim());
      cell = '';
    } else cell += c;
  }
  return out;
}

/** The lines of the table under `heading`. */
function tableAfter(body: string, heading: string): string[] {
  const start = body.indexOf(heading);
  expect(start).toBeGreaterThanOrEqual(0);
  const lines = body.slice(start).split('\n');
  const first = lines.findIndex((l) => l.startsWith('|'));
  const rest = lines.slice(first);
  const end = rest.findIndex((l) => !l.startsWith('|'));
  return end === -1 ? rest : rest.slice(0, end);
}

/** The text inside the `<details>` block whose summary contains `summary`. */
function detailsBlock(body: string, summary: string): string {
  const at = body.indexOf(summary);
  expect(at).toBeGreaterThan(0);
  const open = body.lastIndexOf('<details>', at);
  const close = body.indexOf('</details>', at);
  expect(open).toBeGreaterThanOrEqual(0);
  expect(body.lastIndexOf('</details>', at)).toBeLessThan(open);
  expect(close).toBeGreaterThan(at);
  return body.slice(open, close);
}

describe('renderComment', () => {
  const { baseline, candidate, improved } = digitsPair();

  it('starts with the hidden marker, which a key can scope', () => {
    expect(render(baseline, candidate).split('\n')[0]).toBe('<!-- evalgate:comment -->');
    expect(commentMarker()).toBe('<!-- evalgate:comment -->');
    expect(commentMarker('ci.yml/digits')).toBe('<!-- evalgate:comment key=ci.yml/digits -->');
    // A key cannot close the HTML comment early.
    expect(commentMarker('x --> <b>')).toBe('<!-- evalgate:comment key=x_--___b_ -->');
    const body = renderComment({
      candidate,
      baseline,
      comparison: compareReports(baseline, candidate),
      verdict: evaluateGates(GATES, candidate, baseline),
      markerKey: 'eval-b',
    });
    expect(body.startsWith('<!-- evalgate:comment key=eval-b -->\n')).toBe(true);
  });

  it('headlines a failure with the configured gates, and lists the regressed class under its gate', () => {
    // Two gates configured (per-class-recall, accuracy), not 11 results (issue 9, item 7).
    const body = render(baseline, candidate, { ...GATES, accuracy: { min: 0.5, ...ON } });
    const headline = body.split('\n').find((l) => l.startsWith('## '))!;
    expect(headline).toBe('## ❌ evalgate: failed, 1 of 2 gates failed');
    const failed = body.slice(body.indexOf('### Failed gates (1)'));
    expect(failed).toMatch(
      /^### Failed gates \(1\)\n\n- ❌ \*\*per-class-recall\*\*: 10 classes, 1 regressed\n {2}- recall of '8' dropped by 38\.9 pp \(94\.4% → 55\.6%, 54 samples; [\d.]+% CI of the change[^;]* −\d+\.\d to −\d+\.\d pp; paired exact p &lt; 0\.001 after Holm\), more than the allowed 2\.0 pp\n/,
    );
  });

  it('says each failed gate once: the paragraph under the heading does not repeat the list', () => {
    // Issue 9, item 8: it used to say "Recall dropped significantly by more than 2.0 pp for 1 class: '8'."
    const body = render(baseline, candidate);
    const top = body.slice(body.indexOf('## '), body.indexOf('### Failed gates'));
    expect(top).not.toMatch(/'8'|Recall dropped|regress/);
    expect(body.match(/recall of '8' dropped by/g)).toHaveLength(1);
  });

  it("labels a gate's interval with its own level when its alpha is not the table's", () => {
    // The summary column is headed at statistics.confidence (95%); an accuracy gate at alpha 0.01
    // shows the 99% interval that agrees with its own test, and must say so in the cell.
    const summaryRow = (body: string) => body.split('\n').find((l) => l.startsWith('| accuracy'))!;
    const atOwnLevel = render(baseline, candidate, {
      ...GATES,
      accuracy: { maxDrop: 0.01, ...ON, alpha: 0.01 },
    });
    expect(atOwnLevel).toContain('95% CI of change');
    expect(summaryRow(atOwnLevel)).toMatch(/pp \(99% CI\)/);
    const atTableLevel = render(baseline, candidate, { ...GATES, accuracy: { maxDrop: 0.01, ...ON } });
    expect(summaryRow(atTableLevel)).not.toContain('CI)');
  });

  it('headlines a pass without a failed-gates section', () => {
    const body = render(baseline, improved);
    expect(body).toContain('## ✅ evalgate: passed\n');
    expect(body).toContain('The 1 gate passed against the baseline.');
    expect(render(baseline, improved, { ...GATES, accuracy: { min: 0.5, maxDrop: 0.1, ...ON } })).toContain(
      'All 2 gates passed against the baseline.',
    );
    expect(body).not.toContain('Failed gates');
    expect(body).not.toContain('❌');
  });

  it('uses the given title', () => {
    expect(render(baseline, improved, GATES, { title: 'digits model' })).toContain(
      '## ✅ digits model: passed',
    );
  });

  it('shows baseline, candidate and signed change for each headline metric', () => {
    const table = tableAfter(render(baseline, candidate), '### Summary');
    expect(cells(table[0]!)).toEqual(['metric', 'baseline', 'candidate', 'change', '95% CI of change', 'p']);
    const accuracy = table.map(cells).find((row) => row[0] === 'accuracy')!;
    // 528/540 -> 507/540: 97.78% -> 93.89%, a drop of 3.89 points, with Wilson intervals, the
    // interval that inverts McNemar's exact test, and McNemar's p (b = 21, c = 0).
    expect(accuracy).toEqual([
      'accuracy',
      '97.8% (96.2–98.7%)',
      '93.9% (91.5–95.6%)',
      '❗ −3.89 pp',
      expect.stringMatching(/^−\d\.\d to −\d\.\d pp$/),
      '&lt;0.001',
    ]);
    const mcc = table.map(cells).find((row) => row[0] === 'Matthews correlation')!;
    expect(mcc[3]).toMatch(/^❗ −0\.\d{3}$/);
    const better = tableAfter(render(candidate, baseline), '### Summary').map(cells);
    expect(better.find((row) => row[0] === 'accuracy')![3]).toBe('✓ +3.89 pp');
    // The marks mean worse / better whatever the metric's direction, explained once, under the
    // summary table (issue 9, item 8); the method line follows.
    const text = render(baseline, candidate);
    expect(text.split('❗ worse, ✓ better than the baseline').length).toBe(2);
    expect(text).toContain(
      '_❗ worse, ✓ better than the baseline, whichever way the figure moves (lower is better for ECE, Brier, ' +
        'NLL and cost). Intervals at 95%; compared sample by sample on 540 paired samples (',
    );
    expect(text).toMatch(
      /p-values of changes are two-sided, of bounds \(min, max\) one-sided; per-class p-values[^_]* adjusted by Holm across 10 classes\._/,
    );
  });

  it('names the resampling tests behind the macro-F1, ECE and cost gates in the method line', () => {
    const costs = [
      [0, 1, 1, 1, 1, 1, 1, 1, 1, 1],
      [1, 0, 1, 1, 1, 1, 1, 1, 1, 1],
      [1, 1, 0, 1, 1, 1, 1, 1, 1, 1],
      [1, 1, 1, 0, 1, 1, 1, 1, 1, 1],
      [1, 1, 1, 1, 0, 1, 1, 1, 1, 1],
      [1, 1, 1, 1, 1, 0, 1, 1, 1, 1],
      [1, 1, 1, 1, 1, 1, 0, 1, 1, 1],
      [1, 1, 1, 1, 1, 1, 1, 0, 1, 1],
      [1, 1, 1, 1, 1, 1, 1, 1, 0, 1],
      [1, 1, 1, 1, 1, 1, 1, 1, 1, 0],
    ];
    const gates: GatesConfig = {
      ...GATES,
      macroF1: { min: 0.5, maxDrop: 0.02, ...ON },
      cost: { maxIncrease: 0.01, ...ON },
    };
    const body = render(withCost(baseline, costs), withCost(candidate, costs), gates);
    expect(body).toContain(
      '; macro F1 changes by paired randomization tests (intervals: basic bootstrap); the cost change by an ' +
        'exact sign-flip test (t interval); macro F1 bounds by a one-sided basic bootstrap; p-values of changes ' +
        'are two-sided',
    );
  });

  it('lists the regressed class first in the per-class table and marks it', () => {
    const table = tableAfter(render(baseline, candidate), '### Per-class results');
    expect(cells(table[0]!)).toEqual([
      'status',
      'class',
      'support',
      'recall (baseline)',
      'recall (candidate)',
      '95% CI',
      'change',
      // Each class's interval is at its own Holm-adjusted level (issue 9, item 5).
      'CI of change (Holm-adjusted)',
      'p (Holm)',
      'precision (95% CI)',
      'F1',
    ]);
    const rows = table.slice(2).map(cells);
    expect(rows).toHaveLength(10);
    // Every precision comes with its Wilson interval (issue 4: recall and precision intervals).
    for (const row of rows) expect(row[9]).toMatch(/^\d+\.\d% \(\d+\.\d–\d+\.\d%\)$/);
    const eight = candidate.classes.find((c) => c.name === '8')!;
    const interval = wilsonInterval(eight.truePositives, eight.predicted, 0.95)!;
    expect(rows[0]![9]).toBe(`${formatRate(eight.precision)} (${formatRateInterval(interval)})`);
    expect(rows[0]!.slice(0, 9)).toEqual([
      '❌ regressed',
      '8',
      '54',
      '94.4%',
      '55.6%',
      '42.4–68.0%',
      '❗ −38.89 pp',
      expect.stringMatching(/^−\d+\.\d to −\d+\.\d pp$/),
      '&lt;0.001',
    ]);
    expect(rows.slice(1).every((row) => row[0] === '✅ within tolerance')).toBe(true);
  });

  it('marks improved classes and classes without test samples', () => {
    const names = ['cat', 'dog', 'truck'];
    const before = makeReport({ classNames: names, matrix: matrixFrom([50, 50, 50], [[[1, 5]], [], []]) });
    const after = makeReport({ classNames: names, matrix: matrixFrom([50, 50, 0], [[], [], []]) });
    const body = render(before, after, { perClassRecall: { maxDrop: 0.02, onMissingClass: 'warn', ...OFF } });
    const rows = tableAfter(body, '### Per-class results').slice(2).map(cells);
    expect(rows.map((r) => [r[0], r[1]])).toEqual([
      ['⚠️ not evaluable', 'truck'],
      ['✅ within tolerance', 'dog'],
      ['✓ improved', 'cat'],
    ]);
    expect(body).toContain("class 'truck' has no test samples");
    const failing = render(before, after);
    expect(tableAfter(failing, '### Per-class results').slice(2).map(cells)[0]![0]).toBe('❌ not evaluable');
    expect(failing).toContain(
      "- ❌ **per-class-recall**: 3 classes, 1 not evaluable\n  - class 'truck' has no test samples: its recall cannot be checked",
    );
  });

  it('never counts a class without test samples as a passed gate in the headline', () => {
    const names = ['cat', 'dog', 'truck'];
    const before = makeReport({ classNames: names, matrix: matrixFrom([50, 50, 50], []) });
    const after = makeReport({ classNames: names, matrix: matrixFrom([50, 50, 0], []) });
    const warn: GatesConfig = { perClassRecall: { maxDrop: 0.02, onMissingClass: 'warn', ...OFF } };
    const body = render(before, after, warn);
    expect(body).not.toContain('All 1 gate');
    expect(body).not.toContain('The 1 gate passed');
    expect(body).toContain(
      '1 gate passed against the baseline; 1 class not evaluable (no test samples, reported as a warning): it was not checked.',
    );
    const failing = render(
      before,
      makeReport({ classNames: names, matrix: matrixFrom([50, 40, 0], [[], [[0, 5]]]) }),
      warn,
    );
    expect(failing.split('\n').find((l) => l.startsWith('## '))).toBe(
      '## ❌ evalgate: failed, 1 of 1 gate failed, 1 class not evaluable',
    );
  });

  it('folds the confusion matrix in a details block, rows = true class', () => {
    const block = detailsBlock(render(baseline, candidate), 'Confusion matrix');
    expect(block).toContain(
      '<summary>Confusion matrix (rows = true class, columns = predicted class)</summary>',
    );
    const matrix = tableAfter(block, '<summary>Confusion matrix');
    expect(cells(matrix[0]!)).toEqual(['true \\ predicted', ...'0123456789'.split('')]);
    // Row '8' of the regressed model: 9 predicted as 1, 7 as 3, 3 as 5, 30 right, 5 as 9.
    expect(cells(matrix[10]!)).toEqual(['8', '·', '9', '·', '7', '·', '3', '·', '·', '**30**', '5']);
    const pairs = tableAfter(block, 'Most frequent confusions').map(cells);
    expect(pairs[2]).toEqual(['8', '1', '9', '1']);
  });

  it('names the model and test set with digests, sizes and lock state', () => {
    const body = render(baseline, candidate);
    expect(body).toContain(
      `Model \`${candidate.model.sha256.slice(0, 12)}…\` against baseline model \`${baseline.model.sha256.slice(0, 12)}…\``,
    );
    expect(body).toContain('(540 samples, locked)');
    const identity = detailsBlock(body, 'Model, test set and environment');
    expect(identity).toContain(`\`${candidate.model.sha256}\``);
    expect(identity).toContain(`\`${candidate.testSet.digest}\``);
    expect(identity).toContain('183.0 KiB');
    expect(identity).toContain('onnxruntime 1.30.0 · cpu');
    expect(identity).toContain('.evalgate/baseline.json');
  });

  it('warns visibly when the test set is not locked, and shows report warnings', () => {
    const unlocked = {
      ...candidate,
      testSet: { ...candidate.testSet, locked: false },
      warnings: ['outputs look like probabilities'],
    };
    const body = render(baseline, unlocked);
    expect(body).toContain('- ⚠️ **The test set is not locked**');
    expect(body).toContain('(540 samples, **not locked**)');
    expect(body).toContain('- ⚠️ outputs look like probabilities');
  });

  it('states an unlocked test set once, from testSet.locked, and lists report warnings as they are', () => {
    const unlocked = {
      ...candidate,
      testSet: { ...candidate.testSet, locked: false },
      warnings: ['outputs look like probabilities', 'class list read from labels.txt; lock: none was set'],
    };
    const notes = render(baseline, unlocked).split('### Notes')[1]!.split('###')[0]!;
    expect(notes.match(/The test set is not locked/g)).toHaveLength(1);
    expect(notes).toContain('- ⚠️ outputs look like probabilities');
    // No filtering: a warning that happens to mention the lock is shown too.
    expect(notes).toContain('- ⚠️ class list read from labels.txt; lock: none was set');
    const locked = render(baseline, { ...candidate, warnings: [] });
    expect(locked).not.toContain('not locked');
  });

  it('shows a number field holding text as a dash, never as raw HTML', () => {
    const crafted = {
      ...candidate,
      model: { ...candidate.model, size: '<img src=x onerror=alert(1)>' as unknown as number },
      testSet: { ...candidate.testSet, size: '<b>540</b>' as unknown as number },
    };
    const body = render(baseline, crafted);
    expect(body).not.toContain('<img');
    expect(body).not.toContain('<b>');
    expect(body).toContain('— samples');
  });

  it('says that a run without baseline sets the first baseline and shows its figures alone', () => {
    const body = render(null, baseline);
    expect(body).toContain('## ✅ evalgate: passed (first baseline)');
    expect(body).toContain('this run sets the first baseline');
    expect(cells(tableAfter(body, '### Summary')[0]!)).toEqual(['metric', 'value', '95% CI']);
    expect(tableAfter(body, '### Summary').map(cells)[2]).toEqual(['accuracy', '97.8%', '96.2–98.7%']);
    expect(cells(tableAfter(body, '### Per-class results')[0]!)).toEqual([
      'status',
      'class',
      'support',
      'recall',
      '95% CI',
      'precision (95% CI)',
      'F1',
    ]);
    expect(body).not.toContain('change');
    expect(body).not.toContain('❌');
    expect(body).not.toContain('against baseline model');
    expect(tableAfter(body, '### Per-class results').slice(2).map(cells)[0]!.slice(0, 4)).toEqual([
      '➖ not compared',
      '8',
      '54',
      '94.4%',
    ]);
  });

  it('fails a first run with a class without test samples and still says it sets the first baseline', () => {
    const absent = makeReport({ classNames: ['cat', 'dog'], matrix: matrixFrom([50, 0], []) });
    const body = render(null, absent);
    expect(body).toContain('## ❌ evalgate: failed, 1 of 1 gate failed');
    expect(body).toContain(
      "- ❌ **per-class-recall**: 2 classes, 1 not evaluable, 1 not compared\n  - class 'dog' has no test samples",
    );
    expect(body).toContain('No baseline report to compare with: this run sets the first baseline.');
  });

  it('links the workflow run only for http(s) URLs', () => {
    expect(render(baseline, candidate, GATES, { runUrl: 'https://github.com/o/r/actions/runs/7' })).toContain(
      '[the workflow run](https://github.com/o/r/actions/runs/7)',
    );
    expect(render(baseline, candidate, GATES, { runUrl: 'javascript:alert(1)' })).not.toContain('javascript');
  });
});

describe('renderComment escaping', () => {
  const hostile = [
    'a|b',
    '<img src=x>',
    '`x`',
    '*bold* _it_ [link](http://e)',
    'line\nbreak',
    '@octo/team',
    '&amp;',
    'https://evil.example/phish',
    'www.evil.example',
    '#1',
    'org/repo#2',
    'GH-3',
    'safe\u202Egnp.exe',
  ];
  const support = hostile.map(() => 40);
  const before = makeReport({
    classNames: hostile,
    matrix: matrixFrom(support, []),
    modelSource: 'models/<b>m|odel</b>.onnx',
  });
  const after = makeReport({
    classNames: hostile,
    matrix: matrixFrom(support, [[[1, 10]], [[0, 10]]]),
    modelSource: 'models/<b>m|odel</b>.onnx',
  });
  const body = render(before, after);

  it('renders hostile class and file names as text, never as HTML or markdown', () => {
    expect(body).not.toContain('<img');
    expect(body).not.toContain('<b>');
    expect(body).toContain('&lt;img src=x&gt;');
    expect(body).toContain('\\`x\\`');
    expect(body).toContain('\\*bold\\* \\_it\\_ \\[link\\](http:\u200b//e)');
    expect(body).toContain('&amp;amp;');
    expect(body).toContain('line\\\\nbreak');
    expect(body).not.toMatch(/@octo/);
    expect(body).toContain('&lt;b&gt;m\\|odel&lt;/b&gt;.onnx');
  });

  it('breaks autolinks, issue references and bidi overrides in class names', () => {
    // GitHub links these after rendering markdown, so only a zero-width space inside stops it.
    expect(body).not.toMatch(/https?:\/\//);
    expect(body).not.toMatch(/www\./);
    expect(body).not.toMatch(/#\d/);
    expect(body).not.toMatch(/GH-\d/i);
    expect(body).toContain('https:\u200b//evil.example/phish');
    expect(body).toContain('www\u200b.evil.example');
    expect(body).toContain('org/repo#\u200b2');
    expect(body).not.toMatch(/[\u202a-\u202e\u2066-\u2069\u200e\u200f]/);
    expect(body).toContain('safe\\\\u202egnp.exe');
  });

  it('keeps every table row at its column count when names contain pipes', () => {
    for (const heading of [
      '### Per-class results',
      '<summary>Confusion matrix',
      'Most frequent confusions',
    ]) {
      const table = tableAfter(body, heading);
      const width = cells(table[0]!).length;
      for (const line of table) expect(cells(line)).toHaveLength(width);
    }
    const row = tableAfter(body, '### Per-class results')
      .map(cells)
      .find((r) => r[1] === 'a\\|b')!;
    expect(row[0]).toBe('❌ regressed');
  });

  it('lists both regressed hostile names first', () => {
    const rows = tableAfter(body, '### Per-class results').slice(2).map(cells);
    expect(rows.slice(0, 2).map((r) => r[1])).toEqual(['a\\|b', '&lt;img src=x&gt;']);
  });
});

describe('renderComment size', () => {
  const regressed = [3, 97, 420, 777, 998];

  function large(n: number, regressedClasses: number[], names?: (i: number) => string) {
    const baseline = manyClassReport(n, { names, seed: 'base' });
    const candidate = manyClassReport(n, { names, regressed: regressedClasses, seed: 'cand' });
    return render(baseline, candidate, PLAIN);
  }

  function regressedNames(body: string): string[] {
    return tableAfter(body, '### Per-class results')
      .map(cells)
      .filter((row) => row[0] === '❌ regressed')
      .map((row) => row[1]!);
  }

  it('stays under the limit with 1,000 classes and keeps every regressed class', () => {
    const body = large(1000, regressed);
    expect(body.length).toBeLessThanOrEqual(MAX_COMMENT_CHARS);
    expect(regressedNames(body).sort()).toEqual(regressed.map((i) => `class-${i}`).sort());
    expect(body).toMatch(/_\d[\d,]* more classes within tolerance — see the full report\._/);
    // The partial confusion matrix still fits and names the classes it shows.
    const matrix = detailsBlock(body, 'Confusion matrix');
    expect(matrix).toContain('of 1,000 classes');
    expect(matrix).toContain('class-777');
  });

  it('stays under the limit with 10,000 classes and keeps every regressed class', () => {
    const many = [...regressed, 5000, 9999];
    const body = large(10_000, many);
    expect(body.length).toBeLessThanOrEqual(MAX_COMMENT_CHARS);
    expect(regressedNames(body).sort()).toEqual(many.map((i) => `class-${i}`).sort());
    expect(body).toContain('### Per-class results (10,000 classes)');
    expect(body).toContain('more classes within tolerance');
    expect(body.trimEnd().endsWith('</sub>')).toBe(true);
  });

  it('stays under the limit when thousands of long-named classes regress, saying how many are not shown', () => {
    const all = Array.from({ length: 3000 }, (_, i) => i * 3);
    const body = large(10_000, all, (i) => `${'<very>|long|class|name '.repeat(10)}${i}`);
    expect(body.length).toBeLessThanOrEqual(MAX_COMMENT_CHARS);
    expect(body).toContain('## ❌ evalgate: failed, 1 of 1 gate failed');
    expect(body).toContain('- ❌ **per-class-recall**: 10,000 classes, 3,000 regressed\n');
    expect(body).toMatch(
      /_[\d,]+ more regressed classes and [\d,]+ more classes within tolerance — see the full report\._/,
    );
    expect(body).toContain('  - … and 2,975 more classes, all in the full report');
    expect(body).not.toContain('<very>');
  });

  it('cuts at a line break with a note when even the fixed parts are too long, closing what it folds', () => {
    const { baseline, candidate } = digitsPair();
    const verdict = evaluateGates(GATES, candidate, baseline);
    // Hand-made gate results: 25 listed failures whose messages escape to six times their length.
    const failures = Array.from({ length: 40 }, (_, i) => ({
      ...verdict.failures[0]!,
      gate: `custom-${i}`,
      message: '"'.repeat(1000),
    }));
    const body = renderComment({
      candidate: { ...candidate, warnings: Array.from({ length: 10 }, () => '"'.repeat(1000)) },
      baseline,
      comparison: compareReports(baseline, candidate),
      verdict: { ...verdict, failures, gates: [...verdict.gates, ...failures] },
    });
    expect(body.length).toBeLessThanOrEqual(MAX_COMMENT_CHARS);
    expect(body.endsWith('_This comment was cut to fit GitHub’s size limit; see the full report._\n')).toBe(
      true,
    );
    expect(body.split('<details>').length).toBe(body.split('</details>').length);
  });

  it('stays under the limit when class names and warnings escape to entities', () => {
    const names = (i: number) => `${'&<'.repeat(60)}${i}`;
    const baseline = manyClassReport(200, { names, seed: 'base' });
    const regressedAll = Array.from({ length: 200 }, (_, i) => i);
    const candidate = {
      ...manyClassReport(200, { names, regressed: regressedAll, seed: 'cand' }),
      warnings: Array.from({ length: 10 }, () => '&'.repeat(2000)),
    };
    const body = render(baseline, candidate, PLAIN);
    expect(body.length).toBeLessThanOrEqual(MAX_COMMENT_CHARS);
    expect(body.split('<details>').length).toBe(body.split('</details>').length);
    expect(body).not.toMatch(/<(?!!--|details>|\/details>|summary>|\/summary>|br>|sub>|\/sub>)/);
  });
});

describe('renderComment evidence', () => {
  const NAMES = ['cat', 'dog', 'truck'];
  // cat: 3 of 100 broken (a drop of 3 points, p = 0.75 after Holm): a possible regression.
  const possible = discordantPair(NAMES, [{ n: 100, broken: 3 }, { n: 100 }, { n: 100 }]);

  it('lists possible regressions apart from failures and says the run passed with them', () => {
    const body = render(possible.baseline, possible.candidate);
    expect(body).toContain('## ⚠️ evalgate: passed, 1 possible regression\n');
    expect(body).toContain(
      '1 gate passed against the baseline; 1 possible regression beyond the tolerance without significant ' +
        'evidence (a warning, listed below).',
    );
    expect(body).not.toContain('Failed gates');
    const section = body.slice(body.indexOf('### Possible regressions (1)'));
    expect(section).toContain('_Beyond the tolerance, but not statistically significant at α = 0.05');
    expect(section).toContain(
      "- ⚠️ **per-class-recall**: 3 classes, 1 possible regression\n  - recall of 'cat' dropped by 3.0 pp (100.0% → 97.0%, 100 samples; ",
    );
    const rows = tableAfter(body, '### Per-class results').slice(2).map(cells);
    expect(rows[0]!.slice(0, 2)).toEqual(['⚠️ possible regression', 'cat']);
    expect(rows[0]![8]).toBe('0.750');
  });

  it('fails on a possible regression under on-unproven: fail, and says why', () => {
    const gates: GatesConfig = { perClassRecall: { ...GATES.perClassRecall, onUnproven: 'fail' } };
    const body = render(possible.baseline, possible.candidate, gates);
    expect(body).toContain('## ❌ evalgate: failed, 1 of 1 gate failed');
    expect(body).toContain(
      '- ❌ **per-class-recall**: 3 classes, 1 possible regression (without significant evidence; on-unproven: fail)\n' +
        "  - recall of 'cat' dropped by 3.0 pp",
    );
    expect(tableAfter(body, '### Per-class results').slice(2).map(cells)[0]![0]).toBe(
      '❌ possible regression',
    );
  });

  it('says in the notes and under the summary when the samples could not be paired', () => {
    const unpaired = {
      ...possible.baseline,
      samples: { ids: [], labels: [], predictions: [], confidences: [] },
    };
    const body = render(unpaired, possible.candidate);
    expect(body).toContain(
      '- ℹ️ Compared without pairing samples: the baseline report carries no per-sample records. The tests are unpaired',
    );
    expect(body).toContain(
      'compared without pairing samples (Fisher exact tests, with the intervals that invert them; see the notes)',
    );
    expect(body).not.toContain('predictions changed');
  });

  it('folds the power table, most samples missing first, with a one-line note', () => {
    const { baseline, candidate } = digitsPair();
    const body = render(baseline, candidate);
    // Issue 9, item 6: one short line in the notes, the detail folded below.
    expect(body).toContain(
      '- ℹ️ 10 of 10 classes have too few test samples to see a recall drop of 2.0 pp: about 663 per class needed (54 now)\n',
    );
    const block = detailsBlock(body, 'Statistical power of the per-class gate');
    expect(block).toContain(
      '<summary>Statistical power of the per-class gate: 10 of 10 classes cannot detect a drop of 2.0 pp</summary>',
    );
    const rows = tableAfter(block, '| class |').map(cells);
    expect(rows[0]).toEqual([
      'class',
      'support',
      'smallest detectable drop',
      'samples needed',
      'more needed',
      'flag',
    ]);
    expect(rows).toHaveLength(12);
    const more = rows.slice(2).map((r) => Number(r[4]!.replace(/,/g, '')));
    expect([...more].sort((a, b) => b - a)).toEqual(more);
  });

  it('shows the calibration section and the expected cost when the reports carry them', () => {
    const matrix = [
      [0, 1, 1],
      [1, 0, 1],
      [10, 10, 0],
    ];
    const baseline = withCost(withCalibration(possible.baseline), matrix, 'USD');
    const candidate = withCost(withCalibration(possible.candidate), matrix, 'USD');
    const gates: GatesConfig = { ...GATES, cost: { maxIncrease: 0.5, ...ON } };
    const body = render(baseline, candidate, gates);
    expect(body).toContain('<summary>Calibration: ECE');
    const cost = tableAfter(body, '### Summary')
      .map(cells)
      .find((row) => row[0] === 'expected cost per sample (USD)')!;
    expect(cost.slice(0, 4)).toEqual([
      'expected cost per sample (USD)',
      '0.000',
      expect.stringMatching(/^0\.010 \(/),
      // Lower is better for a cost: a rise is marked worse (issue 9, item 8).
      '❗ +0.010',
    ]);
    expect(cost[5]).toMatch(/^0\.\d{3}$/);
  });
});

describe('renderComment size with significance on', () => {
  it.each([1_000, 10_000])(
    'stays under the limit with %i classes of 3 samples, all of them underpowered',
    (n) => {
      const regressed = [3, 97, 420, 777, 998];
      const baseline = manyClassReport(n, { seed: 'base' });
      const candidate = manyClassReport(n, { regressed, seed: 'cand' });
      const body = render(baseline, candidate);
      expect(body.length).toBeLessThanOrEqual(MAX_COMMENT_CHARS);
      // 3 samples per class, no per-sample records: 3/3 -> 1/3 is not significant (Fisher p = 0.4).
      expect(body).toContain(`## ⚠️ evalgate: passed, 5 possible regressions`);
      expect(body).toContain('### Possible regressions (5)');
      const power = detailsBlock(body, 'Statistical power of the per-class gate');
      expect(power).toContain(`of ${n.toLocaleString('en-US')} classes cannot detect a drop of 2.0 pp`);
      expect(power).toContain(
        `_… and ${(n - MAX_POWER_ROWS).toLocaleString('en-US')} more classes in verdict.json._`,
      );
      const listed = tableAfter(body, '### Per-class results')
        .map(cells)
        .filter((row) => row[0] === '⚠️ possible regression')
        .map((row) => row[1]);
      expect(listed.sort()).toEqual(regressed.map((i) => `class-${i}`).sort());
    },
  );
});

describe('renderComment: issue 9 (one power line, other settings named)', () => {
  const { baseline, candidate } = digitsPair();

  it('says in the notes, marked as a warning, when the baseline fed or read its model differently', () => {
    const other = {
      ...candidate,
      settings: { ...candidate.settings, preprocess: { ...candidate.settings.preprocess, resize: [32, 32] } },
      model: { ...candidate.model, outputKind: 'probabilities' as const },
    };
    const notes = render(baseline, other).split('### Notes')[1]!.split('###')[0]!;
    expect(notes).toContain(
      '- ⚠️ The baseline fed or read its model differently, so a change may come from the settings, not the ' +
        'model: preprocess.resize: \\[8, 8\\] in the baseline, \\[32, 32\\] here; model.outputs: logits in the ' +
        'baseline, probabilities here\n',
    );
    expect(render(baseline, candidate)).not.toContain('fed or read its model differently');
  });

  it('never cuts a long note in the middle of a word', () => {
    const verdict = evaluateGates(GATES, candidate, baseline);
    const long = `${'the quick brown fox jumps over the lazy dog '.repeat(12)}per class`;
    const body = renderComment({
      candidate,
      baseline,
      comparison: compareReports(baseline, candidate),
      verdict: { ...verdict, notes: [{ kind: 'underpowered', text: long }] },
    });
    const line = body.split('\n').find((l) => l.startsWith('- ℹ️ the quick'))!;
    expect(line.endsWith('…')).toBe(true);
    expect(line).toMatch(/ (the|quick|brown|fox|jumps|over|lazy|dog)…$/);
  });

  it('on a first-baseline run speaks of no paired test, in the note or in the folded power table', () => {
    const body = render(null, baseline);
    expect(body).toContain(
      '- ℹ️ 10 of 10 classes have too few test samples to see a recall drop of 2.0 pp: about ',
    );
    expect(body).toContain('<summary>Statistical power of the per-class gate');
    expect(body).not.toMatch(/paired/);
  });
});
