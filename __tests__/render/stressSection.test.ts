/**
 * The stress suite in the comment and the terminal (issue 10, item 5): the corruption × severity
 * table with changes against the baseline's same cell, worst first and failed stress gates first;
 * the Mermaid chart of mean accuracy against severity; folded per-class details with the flip
 * rate; the budget with the default suite on 1,000 classes; the CLI's one line.
 */
import { describe, expect, it } from 'vitest';
import { compareReports } from '../../src/compare/compare.js';
import { evaluateGates } from '../../src/compare/gates.js';
import type { GateResult, Verdict } from '../../src/compare/types.js';
import type { GatesConfig } from '../../src/config/types.js';
import type { ClassMetrics } from '../../src/metrics/types.js';
import type { Report, StressCellReport } from '../../src/report/types.js';
import { MAX_STRESS_DETAILS_CHARS } from '../../src/render/commentBudget.js';
import { MAX_COMMENT_CHARS, renderComment } from '../../src/render/markdown.js';
import {
  renderStress,
  renderStressDetails,
  renderStressSection,
  stressSummaryLine,
  stressView,
} from '../../src/render/stressSection.js';
import { IMAGE_PERTURBATIONS } from '../../src/modalities/image/perturbations/registry.js';
import { renderVerdictText } from '../../src/render/verdictText.js';
import { digestOf, digitsPair, manyClassReport } from '../__fixtures__/reports.js';

const GATES: GatesConfig = {
  perClassRecall: { maxDrop: 0.02, onMissingClass: 'fail', significance: false, onUnproven: 'warn' },
};

/** A stress cell: `broken` of the stressed samples the clean model gets right are now wrong. */
interface CellSpec {
  perturbation: string;
  family?: string;
  severity: number;
  broken: number;
  /** Broken samples are taken class by class from this class on (default 0). */
  fromClass?: number;
}

/**
 * `report` with a stress section over `sampleIndices` (default: all samples): each cell's
 * predictions are the clean ones with `broken` correct samples predicted as the next class, and
 * its metrics and per-class table are computed from them. `records` stands in for per-sample
 * records the report lacks (labels and clean predictions of every test sample).
 */
function withStress(
  report: Report,
  cells: CellSpec[],
  options: { sampleIndices?: number[]; records?: { labels: number[]; predictions: number[] } } = {},
): Report {
  const labelsAll = options.records?.labels ?? report.samples.labels;
  const cleanAll = options.records?.predictions ?? report.samples.predictions;
  const sampleIndices = options.sampleIndices ?? labelsAll.map((_, i) => i);
  const k = report.classNames.length;
  const labels = sampleIndices.map((i) => labelsAll[i]!);
  const clean = sampleIndices.map((i) => cleanAll[i]!);
  const stressCells = cells.map((spec): StressCellReport => {
    const predictions = [...clean];
    const from = spec.fromClass ?? 0;
    const order = labels
      .map((label, i) => ({ i, rank: (label - from + k) % k }))
      .sort((a, b) => a.rank - b.rank || a.i - b.i);
    let left = spec.broken;
    for (const { i } of order) {
      if (left === 0) break;
      if (predictions[i] !== labels[i]) continue;
      predictions[i] = (labels[i]! + 1) % k;
      left--;
    }
    if (left > 0) throw new Error(`cannot break ${spec.broken} samples`);
    const support = new Array<number>(k).fill(0);
    const predicted = new Array<number>(k).fill(0);
    const hits = new Array<number>(k).fill(0);
    for (let i = 0; i < labels.length; i++) {
      support[labels[i]!]!++;
      predicted[predictions[i]!]!++;
      if (predictions[i] === labels[i]) hits[labels[i]!]!++;
    }
    const correct = hits.reduce((s, v) => s + v, 0);
    const classes: ClassMetrics[] = report.classNames.map((name, c) => ({
      name,
      support: support[c]!,
      predicted: predicted[c]!,
      truePositives: hits[c]!,
      precision: predicted[c]! > 0 ? hits[c]! / predicted[c]! : null,
      recall: support[c]! > 0 ? hits[c]! / support[c]! : null,
      f1: support[c]! > 0 ? (2 * hits[c]!) / (support[c]! + predicted[c]!) : null,
      evaluable: support[c]! > 0,
    }));
    return {
      perturbation: spec.perturbation,
      family: spec.family ?? (spec.perturbation.endsWith('_noise') ? 'noise' : 'blur'),
      severity: spec.severity,
      parameters: {},
      samples: labels.length,
      unchanged: 0,
      metrics: { ...report.metrics, samples: labels.length, accuracy: correct / labels.length },
      classes,
      predictions,
    };
  });
  return {
    ...report,
    stress: {
      seed: 0,
      subset: options.sampleIndices ? 'stratified' : 'all',
      sampleIndices,
      cells: stressCells,
    },
  };
}

/** A stress gate's result, as the stress gates will name them. */
function gate(name: string, status: GateResult['status'], subject?: string): GateResult {
  return {
    gate: name,
    ...(subject === undefined ? {} : { subject }),
    status,
    baseline: null,
    candidate: null,
    threshold: 0.05,
    message: `${name} ${status}`,
    blocking: status === 'fail',
  };
}

function withGates(verdict: Verdict, gates: GateResult[]): Verdict {
  const failures = gates.filter((g) => g.blocking);
  return {
    ...verdict,
    gates: [...verdict.gates, ...gates],
    failures: [...verdict.failures, ...failures],
    passed: verdict.passed && failures.length === 0,
  };
}

/** Cells of a markdown table row. */
function cells(line: string): string[] {
  return line
    .slice(1, -1)
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());
}

function tableRows(section: string, firstHeader: string): string[][] {
  const lines = section.split('\n');
  const start = lines.findIndex((l) => l.startsWith('|') && cells(l)[0] === firstHeader);
  expect(start).toBeGreaterThanOrEqual(0);
  const rows: string[][] = [];
  for (let i = start; i < lines.length && lines[i]!.startsWith('|'); i++) rows.push(cells(lines[i]!));
  return rows;
}

/**
 * The digits example's baseline on a stratified subset of 100 stressed samples (the first 10 of
 * each class; one of class '5' and two each of '8' and '9' are wrong on clean images: 95 of 100
 * right), baseline and candidate
 * alike on clean images; under gaussian noise at severity 3 the candidate loses 49 samples.
 */
function brittlePair() {
  const { baseline: clean } = digitsPair();
  const sampleIndices = Array.from({ length: 10 }, (_, c) =>
    Array.from({ length: 10 }, (_, i) => c * 54 + i),
  ).flat();
  const baseline = withStress(
    clean,
    [
      { perturbation: 'gaussian_noise', severity: 1, broken: 1 },
      { perturbation: 'gaussian_noise', severity: 3, broken: 2 },
      { perturbation: 'gaussian_blur', severity: 1, broken: 0 },
      { perturbation: 'gaussian_blur', severity: 3, broken: 1 },
    ],
    { sampleIndices },
  );
  const candidate = withStress(
    { ...clean, model: { ...clean.model, sha256: digestOf('brittle').slice(7) } },
    [
      { perturbation: 'gaussian_noise', severity: 1, broken: 10 },
      { perturbation: 'gaussian_noise', severity: 3, broken: 49, fromClass: 3 },
      { perturbation: 'gaussian_blur', severity: 1, broken: 1 },
      { perturbation: 'gaussian_blur', severity: 3, broken: 2 },
    ],
    { sampleIndices },
  );
  const verdict = evaluateGates(GATES, candidate, baseline);
  return { baseline, candidate, verdict };
}

describe('stress table', () => {
  it('shows each cell with its change against the baseline, worst perturbation first', () => {
    const { baseline, candidate, verdict } = brittlePair();
    const view = stressView(candidate, baseline, verdict)!;
    expect(view.rows.map((r) => r.perturbation)).toEqual(['gaussian_noise', 'gaussian_blur']);
    // Clean on the 100 stressed samples (5 wrong), not the 540 of the test set (97.8%).
    expect(view.rows[0]!.clean.accuracy.candidate).toBeCloseTo(0.95, 12);
    // (−0.09 − 0.47) / 2: the mean of the severities' changes.
    expect(view.rows[0]!.meanChange).toBeCloseTo(-0.28, 12);
    const section = renderStressSection(view);
    // Nothing failed: folded, the worst cell in the summary.
    expect(section.startsWith('<details>')).toBe(true);
    expect(section).toContain(
      '<summary>Stress (2 perturbations × 2 severities on 100 samples): worst gaussian\\_noise s3 46.0% (❗ −47.0 pp)</summary>',
    );
    const rows = tableRows(section, 'perturbation');
    expect(rows[0]).toEqual(['perturbation', 'clean', 'severity 1', 'severity 3', 'mean change']);
    expect(rows[2]).toEqual([
      'gaussian\\_noise',
      '95.0% 0.0 pp',
      '85.0% ❗ −9.0 pp',
      '46.0% ❗ −47.0 pp',
      '❗ −28.0 pp',
    ]);
    expect(rows[3]).toEqual([
      'gaussian\\_blur',
      '95.0% 0.0 pp',
      '94.0% ❗ −1.0 pp',
      '93.0% ❗ −1.0 pp',
      '❗ −1.0 pp',
    ]);
    expect(section).toContain('stratified subset of 100 stressed samples');
  });

  it('puts a failed stress gate first and flags it, even when another perturbation fell further', () => {
    const { baseline, candidate, verdict } = brittlePair();
    const judged = withGates(verdict, [
      gate('stress.gaussian_noise.min-accuracy', 'pass'),
      gate('stress.gaussian_blur.min-accuracy', 'fail'),
      gate('stress.mean-accuracy', 'pass'),
      gate('stress.flip-rate', 'warn'),
    ]);
    const view = stressView(candidate, baseline, judged)!;
    expect(view.rows.map((r) => [r.perturbation, r.status])).toEqual([
      ['gaussian_blur', 'fail'],
      ['gaussian_noise', 'pass'],
    ]);
    const section = renderStressSection(view);
    // A failed or warning stress gate is news: a section of its own.
    expect(section.startsWith('### Stress (2 perturbations × 2 severities on 100 samples)')).toBe(true);
    const rows = tableRows(section, 'perturbation');
    expect(rows[2]![0]).toBe('❌ gaussian\\_blur');
    expect(rows[3]![0]).toBe('✅ gaussian\\_noise');
    expect(section).toContain('Stress gates: ✅ stress.mean-accuracy: pass · ⚠️ stress.flip-rate: warn.');
  });

  it('flags the perturbation a suite-wide stress gate failed on, by its stress cell', () => {
    const { baseline, candidate, verdict } = brittlePair();
    const judged = withGates(verdict, [
      {
        ...gate('stress.per-class-recall', 'fail', '3'),
        stressCell: { perturbation: 'gaussian_blur', severity: 3 },
      },
    ]);
    const view = stressView(candidate, baseline, judged)!;
    expect(view.rows.map((r) => [r.perturbation, r.status])).toEqual([
      ['gaussian_blur', 'fail'],
      ['gaussian_noise', null],
    ]);
  });

  it('renders the candidate alone, saying so, when the baseline report has no stress section', () => {
    const { baseline, candidate, verdict } = brittlePair();
    const bare = { ...baseline, stress: undefined };
    const view = stressView(candidate, bare, verdict)!;
    expect(view.compared).toBe(false);
    const section = renderStressSection(view);
    expect(section).toContain('The baseline report has no stress section');
    const rows = tableRows(section, 'perturbation');
    expect(rows[0]!.at(-1)).toBe('mean change from clean');
    // (85 − 95 + 46 − 95) / 2 = −29.5 pp from clean.
    expect(rows[2]).toEqual(['gaussian\\_noise', '95.0%', '85.0%', '46.0%', '❗ −29.5 pp']);
    // One line, the candidate's, in red.
    expect(section.split('\n').filter((l) => l.startsWith('  line ['))).toEqual([
      '  line [0.95, 0.895, 0.695]',
    ]);
    expect(section).toContain('"plotColorPalette": "#cf222e"');
    expect(stressSummaryLine(view)).toBe(
      'stress: 2 perturbations × 2 severities on 100 samples; worst: gaussian_noise s3 46.0% (-49.0 pp from clean); the baseline report has no stress section',
    );
  });

  it('marks a cell whose perturbation changed no image, with a legend, and the verdict warns of it', () => {
    const { baseline, candidate } = brittlePair();
    const blurred = {
      ...candidate,
      stress: {
        ...candidate.stress!,
        cells: candidate.stress!.cells.map((c) =>
          c.perturbation === 'gaussian_noise' && c.severity === 1 ? { ...c, unchanged: c.samples } : c,
        ),
      },
    };
    const verdict = evaluateGates(GATES, blurred, baseline);
    const section = renderStressSection(stressView(blurred, baseline, verdict));
    const noise = tableRows(section, 'perturbation').find((r) => r[0]!.endsWith('gaussian\\_noise'))!;
    expect(noise[2]).toMatch(/ ∅$/);
    expect(noise[3]).not.toMatch(/∅/);
    expect(section).toContain(
      '_∅ the perturbation left every image unchanged at this severity: the figure is the clean one._',
    );
    expect(renderStressSection(stressView(candidate, baseline, verdict))).not.toContain('∅');
    const note = verdict.notes.find((n) => n.kind === 'stress-no-effect')!;
    expect(note.text).toBe(
      'Stress that changed no image: gaussian_noise at severity 1 left all 100 stressed images exactly as they were, so those cells ' +
        'repeat the clean figures and say nothing about robustness (docs/stress.md, "When a perturbation changes nothing").',
    );
    expect(verdict.notes.filter((n) => n.kind === 'stress-no-effect')).toHaveLength(1);
    const comment = renderComment({
      candidate: blurred,
      baseline,
      comparison: compareReports(baseline, blurred),
      verdict,
    });
    expect(comment).toContain(
      '- ⚠️ Stress that changed no image: gaussian\\_noise at severity 1 left all 100',
    );
  });

  it('renders nothing without a stress section', () => {
    const { baseline, candidate, verdict } = brittlePair();
    const none = { ...candidate, stress: undefined };
    expect(stressView(none, baseline, verdict)).toBeNull();
    expect(renderStress(none, baseline, verdict)).toEqual({ section: '', details: '' });
    expect(stressSummaryLine(null)).toBeNull();
    const comment = renderComment({
      candidate: none,
      baseline,
      comparison: compareReports(baseline, none),
      verdict,
    });
    expect(comment).not.toContain('Stress');
    expect(renderVerdictText(verdict, none, null, baseline)).not.toContain('stress:');
  });
});

describe('stress chart', () => {
  it('draws mean accuracy against severity, baseline then candidate, in the reliability diagram’s syntax', () => {
    const { baseline, candidate, verdict } = brittlePair();
    const section = renderStressSection(stressView(candidate, baseline, verdict));
    const block = section.slice(section.indexOf('```mermaid'), section.lastIndexOf('```') + 3).split('\n');
    expect(block).toEqual([
      '```mermaid',
      '%%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "#0969da, #cf222e"}}}}%%',
      'xychart-beta',
      '  title "Mean accuracy under stress"',
      '  x-axis "severity" ["clean", "1", "3"]',
      '  y-axis "accuracy" 0 --> 1',
      // Baseline: clean 0.95; s1 (0.94 + 0.95) / 2; s3 (0.93 + 0.94) / 2.
      '  line [0.95, 0.945, 0.935]',
      // Candidate: s1 (0.85 + 0.94) / 2; s3 (0.46 + 0.93) / 2.
      '  line [0.95, 0.895, 0.695]',
      '```',
    ]);
    expect(section).toContain('Blue line: baseline; red line: candidate');
  });
});

describe('stress details', () => {
  it('shows the flip rate per cell and the recall of the classes that fell most', () => {
    const { baseline, candidate, verdict } = brittlePair();
    const details = renderStressDetails(stressView(candidate, baseline, verdict));
    const at = details.indexOf('<summary>gaussian\\_noise (noise)');
    const noise = details.slice(details.lastIndexOf('<details>', at), details.indexOf('</details>', at));
    // 49 broken from class '3' on: '3' to '7' lose every sample they had right at severity 3.
    expect(noise).toContain("<summary>gaussian\\_noise (noise): recall fell most for '3'</summary>");
    const rows = tableRows(noise, '');
    expect(rows[0]).toEqual(['', 'clean', 'severity 1', 'severity 3']);
    // Flip rate: 10 and 49 of 100 against the baseline's 1 and 2; lower is better.
    expect(rows[2]).toEqual(['flip rate (all samples)', '—', '10.0% ❗ +9.0 pp', '49.0% ❗ +47.0 pp']);
    expect(rows[3]).toEqual(["recall of '3'", '100.0% 0.0 pp', '100.0% 0.0 pp', '0.0% ❗ −100.0 pp']);
    // Five classes per perturbation, the others counted.
    expect(rows).toHaveLength(2 + 1 + 5);
    expect(noise).toContain('_5 of 10 classes shown (recall fell most first); all in the full report._');
  });

  it('shortens to fewer classes, then fewer perturbations, to fit its budget', () => {
    const { baseline, candidate, verdict } = brittlePair();
    const view = stressView(candidate, baseline, verdict)!;
    const full = renderStressDetails(view);
    const short = renderStressDetails(view, full.length - 1);
    expect(short.length).toBeLessThan(full.length);
    expect(short).toContain('_3 of 10 classes shown');
    // One class each for both perturbations is 964 characters: 800 keeps the worst perturbation only.
    expect(renderStressDetails(view, 1000)).toContain('_1 of 10 classes shown');
    const one = renderStressDetails(view, 800);
    expect(one.length).toBeLessThanOrEqual(800);
    expect(one).toContain('gaussian\\_noise (noise)');
    expect(one).toContain('_… and 1 more perturbation in the full report._');
    expect(one.split('<details>').length).toBe(one.split('</details>').length);
    expect(renderStressDetails(view, 100)).toBe('');
  });
});

describe('stress in the comment', () => {
  it('puts the stress table after the per-class table, with the details', () => {
    const { baseline, candidate, verdict } = brittlePair();
    const comment = renderComment({
      candidate,
      baseline,
      comparison: compareReports(baseline, candidate),
      verdict,
    });
    const classes = comment.indexOf('### Per-class results');
    const stress = comment.indexOf('<summary>Stress (2 perturbations');
    expect(classes).toBeGreaterThan(0);
    expect(stress).toBeGreaterThan(classes);
    expect(comment).toContain('<summary>Stress per perturbation: flip rate');
  });

  it('stays under the limit with the default suite on 1,000 classes, keeping every regressed class', () => {
    const n = 1000;
    const regressed = [3, 97, 420, 777, 998];
    // The default suite: every perturbation of the registry.
    const perturbations = IMAGE_PERTURBATIONS.map((p) => p.name);
    expect(perturbations).toHaveLength(21);
    // 3 samples per class, no per-sample records in the report: the clean records are given.
    const labels = Array.from({ length: 3 * n }, (_, i) => Math.floor(i / 3));
    const records = (lost: number[]) => {
      const predictions = [...labels];
      for (const c of lost) for (let j = 0; j < 2; j++) predictions[3 * c + j] = (c + 1) % n;
      return { labels, predictions };
    };
    const suite = (scale: number) =>
      perturbations.flatMap((perturbation, p) =>
        [1, 2, 3, 4, 5].map((severity) => ({
          perturbation,
          family: 'corruption',
          severity,
          broken: Math.min(2500, scale * severity * (p + 1) * 5),
          fromClass: p * 37,
        })),
      );
    const baseline = withStress(manyClassReport(n, { seed: 'base' }), suite(1), { records: records([]) });
    const candidate = withStress(manyClassReport(n, { regressed, seed: 'cand' }), suite(3), {
      records: records(regressed),
    });
    const verdict = withGates(evaluateGates(GATES, candidate, baseline), [
      gate('stress.gaussian_noise.min-accuracy', 'fail'),
      gate('stress.mean-accuracy', 'fail'),
    ]);
    const comparison = compareReports(baseline, candidate);
    const comment = renderComment({ candidate, baseline, comparison, verdict });
    expect(comment.length).toBeLessThanOrEqual(MAX_COMMENT_CHARS);
    expect(comment).toContain('### Stress (21 perturbations × 5 severities on 3,000 samples)');
    expect(comment).toContain('| ❌ gaussian\\_noise |');
    const listed = comment
      .split('\n')
      .filter((l) => l.startsWith('| ❌ regressed |'))
      .map((l) => cells(l)[1]);
    expect(listed.sort()).toEqual(regressed.map((i) => `class-${i}`).sort());
    const { details } = renderStress(candidate, baseline, verdict);
    expect(details.length).toBeLessThanOrEqual(MAX_STRESS_DETAILS_CHARS);
    expect(details.length).toBeGreaterThan(0);
  });

  it('drops the stress details before the per-class table or the stress table when room runs out', () => {
    const { baseline, candidate, verdict } = brittlePair();
    const comparison = compareReports(baseline, candidate);
    // Failed-gate messages of quotes (6 characters each once escaped, at most 400 a message) fill the top.
    const commentWith = (quotes: number) => {
      const filler: GateResult[] = [];
      for (let left = quotes, i = 0; left > 0; left -= 400, i++) {
        filler.push({ ...gate(`filler-${i}`, 'fail'), message: '"'.repeat(Math.min(400, left)) });
      }
      return renderComment({ candidate, baseline, comparison, verdict: withGates(verdict, filler) });
    };
    let quotes = 0;
    let body = commentWith(0);
    expect(body.includes('<summary>Stress per perturbation')).toBe(true);
    while (body.includes('<summary>Stress per perturbation')) {
      // Never the details without the per-class table.
      expect(body.includes('### Per-class results')).toBe(true);
      quotes += 25;
      body = commentWith(quotes);
      expect(body.length).toBeLessThanOrEqual(MAX_COMMENT_CHARS);
    }
    // The first comment without the details keeps the per-class table and the stress table.
    expect(body.includes('### Per-class results')).toBe(true);
    expect(body.includes('<summary>Stress (2 perturbations × 2 severities on 100 samples)')).toBe(true);
    expect(body.includes('cut to fit')).toBe(false);
  });
});

describe('stress line in the terminal', () => {
  it('names the suite and the worst cell against the baseline, and the failed stress gates', () => {
    const { baseline, candidate, verdict } = brittlePair();
    const judged = withGates(verdict, [gate('stress.gaussian_noise.min-accuracy', 'fail')]);
    const text = renderVerdictText(judged, candidate, compareReports(baseline, candidate), baseline);
    expect(text).toContain(
      '  stress: 2 perturbations × 2 severities on 100 samples; worst: gaussian_noise s3 46.0% (-47.0 pp against the baseline); FAILED: stress.gaussian_noise.min-accuracy\n',
    );
  });

  it('measures from clean when no baseline report is given', () => {
    const { candidate, verdict } = brittlePair();
    const text = renderVerdictText(verdict, candidate, null);
    expect(text).toContain(
      '  stress: 2 perturbations × 2 severities on 100 samples; worst: gaussian_noise s3 46.0% (-49.0 pp from clean)\n',
    );
  });
});
