import { describe, expect, it } from 'vitest';
import {
  calibrationStateToJSON,
  computeCalibration,
  createCalibrationState,
  updateCalibrationState,
} from '../../src/metrics/calibration.js';
import type { Report } from '../../src/report/types.js';
import { renderCalibrationSection } from '../../src/render/calibrationSection.js';
import { digitsPair, makeReport, matrixFrom } from '../__fixtures__/reports.js';
import { withStatistics } from '../helpers/statisticsFixture.js';

/** A two-class report whose calibration comes from samples (confidence of the predicted class, right?). */
function reportWith(samples: Array<[confidence: number, right: boolean]>): Report {
  const report = makeReport({ classNames: ['ok', 'defect'], matrix: matrixFrom([10, 10], []) });
  const rows = new Float32Array(samples.length * 2);
  const labels: number[] = [];
  samples.forEach(([confidence, right], i) => {
    rows[2 * i] = confidence;
    rows[2 * i + 1] = 1 - confidence;
    labels.push(right ? 0 : 1);
  });
  const state = updateCalibrationState(createCalibrationState(2), rows, labels, samples.length);
  return { ...report, calibration: { ...computeCalibration(state), state: calibrationStateToJSON(state) } };
}

/** The data lines of the Mermaid block: `bar [...]` and `line [...]` as number arrays. */
function series(markdown: string): { bars: number[][]; lines: number[][]; categories: string[] } {
  const block = markdown.split('```mermaid\n')[1]!.split('```')[0]!;
  const parse = (text: string) => text.split(',').map((x) => Number(x.trim()));
  const bars: number[][] = [];
  const lines: number[][] = [];
  let categories: string[] = [];
  for (const line of block.split('\n')) {
    const bar = /^\s*bar \[(.*)\]$/.exec(line);
    const plot = /^\s*line \[(.*)\]$/.exec(line);
    const axis = /^\s*x-axis "confidence" \[(.*)\]$/.exec(line);
    if (bar) bars.push(parse(bar[1]!));
    if (plot) lines.push(parse(plot[1]!));
    if (axis) categories = axis[1]!.split(', ').map((x) => JSON.parse(x) as string);
  }
  return { bars, lines, categories };
}

describe('renderCalibrationSection', () => {
  it('shows baseline and candidate figures side by side, with the change, folded in <details>', () => {
    const { baseline, candidate } = digitsPair();
    const out = renderCalibrationSection(withStatistics(candidate), withStatistics(baseline));
    expect(out.startsWith('<details>\n<summary>Calibration: ECE ')).toBe(true);
    expect(out.endsWith('</details>')).toBe(true);
    expect(out).toMatch(/<summary>Calibration: ECE \d+\.\d\d% \(baseline \d+\.\d\d%\)<\/summary>/);
    expect(out).toContain('| | baseline | candidate | change |');
    for (const label of [
      'ECE (15 equal-width bins)',
      'MCE (worst bin)',
      'Adaptive ECE (≈ equal-mass bins, on a fixed grid)',
      'Brier score',
      'NLL (nats)',
    ]) {
      expect(out).toContain(`| ${label}`);
    }
    expect(out).toContain('blue line: baseline');
    // Lower is better for every calibration figure: a rise is marked worse, a fall better (issue 9, item 8).
    for (const line of out.split('\n').filter((l) => /^\| (ECE|MCE|Adaptive|Brier|NLL)/.test(l))) {
      const change = line.split('|').at(-2)!.trim();
      if (change.includes('+')) expect(change.startsWith('❗ +'), line).toBe(true);
      if (change.includes('−')) expect(change.startsWith('✓ −'), line).toBe(true);
    }
  });

  it('draws perfect calibration, baseline and candidate accuracy over the bins both models fill', () => {
    const candidate = reportWith([
      [0.95, true],
      [0.95, true],
      [0.95, false],
      [0.75, true],
      [0.75, false],
      [0.55, false],
    ]);
    const baseline = reportWith([
      [0.97, true],
      [0.75, true],
      [0.65, false],
    ]);
    const out = renderCalibrationSection(candidate, baseline);
    const { bars, lines, categories } = series(out);
    // Bins (0.73, 0.80] and (0.93, 1.00]: the only ones holding samples of both models.
    expect(categories).toEqual(['0.77', '0.97']);
    expect(lines).toEqual([
      [0.767, 0.967],
      [1, 1],
      [0.5, 0.667],
    ]);
    expect(bars).toEqual([[0.333, 0.5]]);
    expect(out).toContain('Left out of the chart (samples in one model only): (0.53, 0.60], (0.60, 0.67].');
    // Every non-empty bin is in the table, with its figures.
    expect(out).toContain('| (0.60, 0.67] | 1 | 0.0% | 0 | — | — |');
    expect(out).toContain('| (0.53, 0.60] | 0 | — | 1 | 55.0% | 0.0% |');
    expect(out).toContain('| (0.93, 1.00] | 1 | 100.0% | 3 | 95.0% | 66.7% |');
  });

  it('draws the candidate alone without a baseline, and says so when the baseline predates calibration', () => {
    const { baseline, candidate } = digitsPair();
    const alone = renderCalibrationSection(withStatistics(candidate), null);
    expect(alone).toContain('| | candidate |');
    expect(alone).not.toContain('baseline');
    expect(series(alone).lines).toHaveLength(2);

    const old = renderCalibrationSection(withStatistics(candidate), baseline);
    expect(old).toContain('The baseline report has no calibration data (written by an older evalgate)');
    expect(series(old).lines).toHaveLength(2);
  });

  it('renders nothing for a candidate report without calibration', () => {
    const { baseline, candidate } = digitsPair();
    expect(renderCalibrationSection(candidate, withStatistics(baseline))).toBe('');
  });

  it('says so instead of drawing when no bin holds samples of both models', () => {
    const out = renderCalibrationSection(reportWith([[0.95, true]]), reportWith([[0.55, true]]));
    expect(out).not.toContain('```mermaid');
    expect(out).toContain('No confidence bin holds samples of both models');
  });

  it('stays under 3 KB with all 15 bins filled in both models', () => {
    // Two classes cannot have a top-1 confidence below 0.5: 16 classes fill the low bins too.
    const wide = (shift: number): Report => {
      const report = makeReport({
        classNames: Array.from({ length: 16 }, (_, i) => `c${i}`),
        matrix: matrixFrom(Array(16).fill(10), []),
      });
      const rows = new Float32Array(150 * 16);
      const labels: number[] = [];
      for (let i = 0; i < 150; i++) {
        const confidence = ((i % 15) + 0.5 + shift) / 15;
        rows.fill((1 - confidence) / 15, i * 16, (i + 1) * 16);
        rows[i * 16] = confidence;
        labels.push(i % 3 === 0 ? 1 : 0);
      }
      const state = updateCalibrationState(createCalibrationState(16), rows, labels, 150);
      return {
        ...report,
        calibration: { ...computeCalibration(state), state: calibrationStateToJSON(state) },
      };
    };
    const out = renderCalibrationSection(wide(0), wide(0.2));
    const { bars, lines, categories } = series(out);
    expect(categories).toHaveLength(15);
    for (const values of [...bars, ...lines]) expect(values).toHaveLength(15);
    expect(out.length).toBeLessThan(3000);
  });
});
