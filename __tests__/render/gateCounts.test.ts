import { describe, expect, it } from 'vitest';
import { evaluateGates } from '../../src/compare/gates.js';
import type { GatesConfig } from '../../src/config/types.js';
import {
  countGates,
  failedGateCount,
  gateKey,
  listUnderGates,
  perClassSummary,
} from '../../src/render/gateCounts.js';
import { digitsPair, makeReport, matrixFrom } from '../__fixtures__/reports.js';

const OFF = { significance: false, onUnproven: 'warn' } as const;

describe('gate counts mean what the user configured (issue 9, item 7)', () => {
  const { baseline, candidate } = digitsPair();

  it('names the configured gate of each result', () => {
    expect(gateKey({ gate: 'per-class-recall' })).toBe('per-class-recall');
    expect(gateKey({ gate: 'accuracy.max-drop' })).toBe('accuracy');
    expect(gateKey({ gate: 'accuracy.min' })).toBe('accuracy');
    expect(gateKey({ gate: 'slices.light.accuracy' })).toBe('slices.light');
  });

  it('counts 3 configured gates, not their 13 results, and a gate as failed when any of its results fails', () => {
    const gates: GatesConfig = {
      perClassRecall: { maxDrop: 0.02, onMissingClass: 'fail', ...OFF },
      accuracy: { min: 0.5, maxDrop: 0.01, ...OFF },
      macroF1: { maxDrop: 0.5, ...OFF },
    };
    const verdict = evaluateGates(gates, candidate, baseline);
    expect(verdict.gates).toHaveLength(13);
    expect(countGates(verdict)).toMatchObject({
      configured: 3,
      checked: 3,
      failed: 2,
      passed: 1,
      notCompared: [],
    });
    // '8' regressed and accuracy dropped by more than 1 point: 2 results, 2 gates.
    expect(failedGateCount(verdict.failures)).toBe(2);
  });

  it('counts 50 regressed classes as one failed gate, summed up under it', () => {
    const names = Array.from({ length: 60 }, (_, i) => `c${i}`);
    const before = makeReport({
      classNames: names,
      matrix: matrixFrom(
        names.map(() => 20),
        [],
      ),
    });
    const broken = names
      .slice(0, 50)
      .map((_, i) => [[i + 1 === names.length ? 0 : i + 1, 5]] as Array<[number, number]>);
    const after = makeReport({
      classNames: names,
      matrix: matrixFrom(
        names.map(() => 20),
        broken,
      ),
    });
    const gates: GatesConfig = { perClassRecall: { maxDrop: 0.02, onMissingClass: 'fail', ...OFF } };
    const verdict = evaluateGates(gates, after, before);
    expect(verdict.failures).toHaveLength(50);
    expect(countGates(verdict)).toMatchObject({ configured: 1, checked: 1, failed: 1 });
    expect(failedGateCount(verdict.failures)).toBe(1);
    expect(listUnderGates(verdict.failures, verdict.gates)).toEqual([
      { key: 'per-class-recall', summary: '60 classes, 50 regressed', items: verdict.failures },
    ]);
  });

  it('says which configured gates had nothing to compare with, and never counts them as checked', () => {
    const gates: GatesConfig = {
      perClassRecall: { maxDrop: 0.02, onMissingClass: 'fail', ...OFF },
      accuracy: { maxDrop: 0.1, ...OFF },
    };
    const first = countGates(evaluateGates(gates, baseline, null));
    expect(first).toMatchObject({ configured: 2, checked: 0, notCompared: ['per-class-recall', 'accuracy'] });
  });

  it('sums up the per-class findings in one line', () => {
    const names = ['cat', 'dog', 'truck'];
    const before = makeReport({ classNames: names, matrix: matrixFrom([50, 50, 50], []) });
    const after = makeReport({ classNames: names, matrix: matrixFrom([50, 40, 0], [[], [[0, 10]]]) });
    const verdict = evaluateGates(
      { perClassRecall: { maxDrop: 0.02, onMissingClass: 'warn', ...OFF } },
      after,
      before,
    );
    expect(perClassSummary(verdict.gates)).toBe('3 classes, 1 regressed, 1 not evaluable');
  });
});
