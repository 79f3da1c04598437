/**
 * The stress gates (gates.stress): each passes and fails as configured on synthetic stress
 * sections; the per-class gate's family is every cell × class tested; intervals agree with the
 * corrected decisions over a few hundred random cases; a gate naming a perturbation or severity the
 * run did not stress is refused naming gates.stress.<name>; a baseline without a stress section
 * gives its note and skips the change gates.
 */
import { describe, expect, it } from 'vitest';
import { evaluateGates } from '../../src/compare/gates.js';
import { STRESS_NOT_COMPARED_NOTE } from '../../src/compare/stressGates.js';
import type { GateResult, Interval } from '../../src/compare/types.js';
import { defaultGates, defaultStatistics } from '../../src/config/defaults.js';
import type { GatesConfig, StressGatesConfig } from '../../src/config/types.js';
import type { Report } from '../../src/report/types.js';
import { InputError } from '../../src/shared/errors.js';
import type { PValueAdjustment } from '../../src/stats/types.js';
import {
  balancedSamples,
  predictionsWithErrors,
  type StressedCell,
  stressedReport,
} from '../__fixtures__/stressedReports.js';
import { seededRandom } from '../helpers/goldenCases.js';

const ON = { significance: true, onUnproven: 'warn' } as const;
const OFF = { significance: false, onUnproven: 'warn' } as const;
const CLASSES = ['a', 'b', 'c'];

type CellSpec = [string, number, number[], number[]];

/** 100 samples per class; both models right on every clean sample. */
function pair(cells: CellSpec[], perClass = 100): { baseline: Report; candidate: Report } {
  const { ids, labels } = balancedSamples(CLASSES, perClass);
  const k = CLASSES.length;
  const side = (which: 2 | 3): StressedCell[] =>
    cells.map(([perturbation, severity, before, after]) => ({
      perturbation,
      severity,
      predictions: predictionsWithErrors(labels, k, which === 2 ? before : after),
    }));
  const clean = labels.slice();
  return {
    baseline: stressedReport(
      { classNames: CLASSES, ids, labels, predictions: clean, cells: side(2) },
      { modelSha256: 'a'.repeat(64) },
    ),
    candidate: stressedReport(
      { classNames: CLASSES, ids, labels, predictions: clean, cells: side(3) },
      { modelSha256: 'b'.repeat(64) },
    ),
  };
}

/** The candidate is brittle under gaussian noise (severity 3: 50 of 100 wrong per class), as good under fog. */
const BRITTLE: CellSpec[] = [
  ['gaussian_noise', 1, [2, 2, 2], [5, 5, 5]],
  ['gaussian_noise', 3, [5, 5, 5], [50, 50, 50]],
  ['fog', 1, [3, 3, 3], [3, 3, 3]],
  ['rotate', 1, [4, 4, 4], [4, 4, 4]],
];

function gates(stress: Partial<StressGatesConfig>): GatesConfig {
  return { ...defaultGates(), stress: { perturbations: {}, ...stress } };
}

const only = (verdict: { gates: GateResult[] }, gate: string) => verdict.gates.filter((g) => g.gate === gate);

describe('gates.stress.<perturbation>: min-accuracy at a severity', () => {
  it('fails the brittle model at severity 3 and passes it at severity 1', () => {
    const { baseline, candidate } = pair(BRITTLE);
    const verdict = evaluateGates(
      gates({ perturbations: { gaussian_noise: { severity: 3, minAccuracy: 0.9, ...ON } } }),
      candidate,
      baseline,
    );
    const [result] = only(verdict, 'stress.gaussian_noise.min-accuracy');
    expect(result).toMatchObject({
      status: 'fail',
      finding: 'regressed',
      candidate: 0.5,
      test: 'binomial-exact',
    });
    expect(result!.stressCell).toEqual({ perturbation: 'gaussian_noise', severity: 3 });
    expect(result!.message).toMatch(/accuracy under gaussian_noise at severity 3 is 50\.0%/);
    expect(result!.baseline).toBeCloseTo(0.95, 12);
    expect(verdict.passed).toBe(false);
    const mild = evaluateGates(
      gates({ perturbations: { gaussian_noise: { severity: 1, minAccuracy: 0.9, ...ON } } }),
      candidate,
      baseline,
    );
    expect(only(mild, 'stress.gaussian_noise.min-accuracy')[0]).toMatchObject({
      status: 'pass',
      finding: 'within-tolerance',
    });
    expect(mild.passed).toBe(true);
  });

  it('a point estimate just below the minimum is only a possible regression, failing with on-unproven: fail or significance off', () => {
    const { baseline, candidate } = pair(BRITTLE);
    const at = (evidence: typeof ON | typeof OFF | { significance: true; onUnproven: 'fail' }) =>
      only(
        evaluateGates(
          gates({ perturbations: { gaussian_noise: { severity: 1, minAccuracy: 0.96, ...evidence } } }),
          candidate,
          baseline,
        ),
        'stress.gaussian_noise.min-accuracy',
      )[0]!;
    expect(at(ON)).toMatchObject({ status: 'warn', finding: 'possible-regression' });
    expect(at({ significance: true, onUnproven: 'fail' })).toMatchObject({
      status: 'fail',
      finding: 'possible-regression',
    });
    expect(at(OFF)).toMatchObject({ status: 'fail', finding: 'regressed' });
  });

  it('several perturbation minimums are one family, corrected together', () => {
    const { baseline, candidate } = pair(BRITTLE);
    const verdict = evaluateGates(
      gates({
        perturbations: {
          gaussian_noise: { severity: 3, minAccuracy: 0.9, ...ON },
          fog: { severity: 1, minAccuracy: 0.9, ...ON },
        },
      }),
      candidate,
      baseline,
    );
    const results = verdict.gates.filter((g) => g.gate.endsWith('.min-accuracy'));
    expect(results.map((r) => r.intervalCorrection)).toEqual([
      { correction: 'holm', family: 2 },
      { correction: 'holm', family: 2 },
    ]);
  });
});

describe('gates.stress.mean-accuracy: max-drop against the baseline', () => {
  it('fails a significant drop of mean corruption accuracy (paired sign-flip test), passes a model as robust', () => {
    const { baseline, candidate } = pair(BRITTLE);
    const verdict = evaluateGates(gates({ meanAccuracy: { maxDrop: 0.02, ...ON } }), candidate, baseline);
    const [result] = only(verdict, 'stress.mean-accuracy.max-drop');
    // Corruption cells gn1, gn3, fog1: candidate (0.95 + 0.5 + 0.97)/3, baseline (0.98 + 0.95 + 0.97)/3.
    expect(result!.candidate).toBeCloseTo((0.95 + 0.5 + 0.97) / 3, 12);
    expect(result!.baseline).toBeCloseTo((0.98 + 0.95 + 0.97) / 3, 12);
    expect(result).toMatchObject({
      status: 'fail',
      finding: 'regressed',
      test: 'sign-flip',
      intervalMethod: 'paired-t',
    });
    const same = pair(BRITTLE.map(([p, s, before]) => [p, s, before, before] as CellSpec));
    const ok = evaluateGates(
      gates({ meanAccuracy: { maxDrop: 0.02, ...ON } }),
      same.candidate,
      same.baseline,
    );
    expect(only(ok, 'stress.mean-accuracy.max-drop')[0]).toMatchObject({
      status: 'pass',
      finding: 'within-tolerance',
    });
  });

  it('the mean excludes geometry: a drop under rotate alone does not move it', () => {
    const cells: CellSpec[] = [
      ['gaussian_noise', 1, [2, 2, 2], [2, 2, 2]],
      ['rotate', 1, [2, 2, 2], [60, 60, 60]],
    ];
    const { baseline, candidate } = pair(cells);
    const verdict = evaluateGates(gates({ meanAccuracy: { maxDrop: 0.02, ...ON } }), candidate, baseline);
    const [result] = only(verdict, 'stress.mean-accuracy.max-drop');
    expect(result).toMatchObject({ status: 'pass', candidate: 0.98, baseline: 0.98 });
    expect(result!.message).toMatch(/mean corruption accuracy \(1 cell\)/);
  });

  it('a baseline without a stress section: the change gates are not compared (skipped, saying why) and a note says to regenerate it', () => {
    const { baseline, candidate } = pair(BRITTLE);
    const { stress: _gone, ...plain } = baseline;
    const verdict = evaluateGates(
      gates({ meanAccuracy: { maxDrop: 0.02, ...ON }, perClassRecall: { maxDrop: 0.05, ...ON } }),
      candidate,
      plain as Report,
    );
    const mean = only(verdict, 'stress.mean-accuracy.max-drop')[0]!;
    expect(mean.status).toBe('skipped');
    expect(mean.message).toMatch(/not compared: the baseline report has no stress section/);
    expect(only(verdict, 'stress.per-class-recall')[0]).toMatchObject({ status: 'skipped' });
    expect(verdict.notes).toContainEqual({ kind: 'stress-not-compared', text: STRESS_NOT_COMPARED_NOTE });
    expect(STRESS_NOT_COMPARED_NOTE).toMatch(
      /^The baseline report has no stress section: stress changes are not compared; regenerate the baseline with stress:/,
    );
  });

  it('unpaired stress (another seed): Welch on the per-sample shares, and a note says why', () => {
    const { baseline, candidate } = pair(BRITTLE);
    const reseeded = { ...candidate, stress: { ...candidate.stress!, seed: 9 } } as Report;
    const verdict = evaluateGates(gates({ meanAccuracy: { maxDrop: 0.02, ...ON } }), reseeded, baseline);
    expect(only(verdict, 'stress.mean-accuracy.max-drop')[0]).toMatchObject({
      test: 'welch-t',
      status: 'fail',
    });
    expect(verdict.notes.find((n) => n.kind === 'stress-pairing')?.text).toMatch(
      /seed 0 and the candidate with seed 9/,
    );
  });
});

describe('gates.stress.per-class-recall', () => {
  it('fails every class under the brittle cell; the family is every cell × class tested', () => {
    const { baseline, candidate } = pair(BRITTLE);
    const verdict = evaluateGates(gates({ perClassRecall: { maxDrop: 0.05, ...ON } }), candidate, baseline);
    const results = only(verdict, 'stress.per-class-recall');
    expect(results).toHaveLength(4 * 3);
    const failed = results.filter((r) => r.status === 'fail');
    expect(failed.map((r) => `${r.stressCell!.perturbation} ${r.stressCell!.severity} ${r.subject}`)).toEqual(
      ['gaussian_noise 3 a', 'gaussian_noise 3 b', 'gaussian_noise 3 c'],
    );
    for (const r of results) expect(r.intervalCorrection).toEqual({ correction: 'holm', family: 12 });
    expect(failed[0]!.message).toMatch(/recall of 'a' under gaussian_noise at severity 3/);
  });

  it('severity limits the cells: at or below severity 1 the brittle cell is not gated', () => {
    const { baseline, candidate } = pair(BRITTLE);
    const verdict = evaluateGates(
      gates({ perClassRecall: { maxDrop: 0.05, severity: 1, ...ON } }),
      candidate,
      baseline,
    );
    const results = only(verdict, 'stress.per-class-recall');
    expect(new Set(results.map((r) => r.stressCell!.severity))).toEqual(new Set([1]));
    expect(results).toHaveLength(3 * 3);
    expect(verdict.passed).toBe(true);
  });
});

describe('gates.stress.flip-rate: a ceiling per cell', () => {
  it('fails the cell whose flip rate is proven above the ceiling, corrected across cells', () => {
    const { baseline, candidate } = pair(BRITTLE);
    const verdict = evaluateGates(gates({ flipRate: { max: 0.2, ...ON } }), candidate, baseline);
    const results = only(verdict, 'stress.flip-rate.max');
    expect(results).toHaveLength(4);
    const gn3 = results.find((r) => r.stressCell!.severity === 3)!;
    expect(gn3).toMatchObject({
      status: 'fail',
      finding: 'regressed',
      candidate: 0.5,
      test: 'binomial-exact',
    });
    expect(gn3.baseline).toBeCloseTo(0.05, 12);
    expect(gn3.interval!.low).toBeGreaterThan(0.2);
    expect(gn3.intervalCorrection).toEqual({ correction: 'holm', family: 4 });
    expect(results.filter((r) => r !== gn3).every((r) => r.status === 'pass')).toBe(true);
  });
});

describe('refused gates.stress keys', () => {
  const { baseline, candidate } = pair(BRITTLE);
  const refused = (config: Partial<StressGatesConfig>, report: Report = candidate): InputError => {
    try {
      evaluateGates(gates(config), report, baseline);
    } catch (error) {
      return error as InputError;
    }
    throw new Error('not refused');
  };

  it('a perturbation the run did not stress names the key and what was stressed', () => {
    const error = refused({ perturbations: { motion_blur: { severity: 3, minAccuracy: 0.9, ...ON } } });
    expect(error).toBeInstanceOf(InputError);
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe(
      'gates.stress.motion_blur names a perturbation this run did not stress: it stressed gaussian_noise (severities 1, 3), fog (severity 1), rotate (severity 1)',
    );
  });

  it('a severity the run did not stress', () => {
    const error = refused({ perturbations: { gaussian_noise: { severity: 5, minAccuracy: 0.9, ...ON } } });
    expect(error.message).toMatch(
      /^gates\.stress\.gaussian_noise asks for severity 5, and this run stressed gaussian_noise at severities 1, 3$/,
    );
  });

  it('any stress gate on a report without a stress section', () => {
    const { stress: _gone, ...plain } = candidate;
    const error = refused({ flipRate: { max: 0.1, ...ON } }, plain as Report);
    expect(error.message).toMatch(
      /^gates\.stress\.flip-rate gates the stress suite, and this run stressed nothing/,
    );
  });
});

describe('stress intervals agree with the corrected decisions', () => {
  function excludes(interval: Interval, value: number): boolean {
    return interval.low > value || interval.high < value;
  }

  it('over a few hundred random stress sections: per-class change, min-accuracy and flip-rate bounds', () => {
    const random = seededRandom(20240610);
    const corrections: PValueAdjustment[] = ['holm', 'benjamini-hochberg', 'none'];
    const int = (n: number) => Math.floor(random() * n);
    let checked = 0;
    let rejections = 0;
    for (let round = 0; round < 300; round++) {
      const perClass = 5 + int(40);
      const cells: CellSpec[] = [];
      const names = ['gaussian_noise', 'fog', 'pixelate'];
      for (const name of names.slice(0, 1 + int(3))) {
        for (const severity of [1, 3].slice(0, 1 + int(2))) {
          const before = CLASSES.map(() => int(perClass + 1));
          const after = before.map((b) =>
            Math.min(perClass, Math.max(0, b + int(perClass) - int(perClass / 2))),
          );
          cells.push([name, severity, before, after]);
        }
      }
      const { baseline, candidate } = pair(cells, perClass);
      const statistics = {
        ...defaultStatistics(),
        correction: corrections[round % 3]!,
        alpha: [0.05, 0.1, 0.01][int(3)]!,
      };
      const verdict = evaluateGates(
        gates({
          perturbations: { gaussian_noise: { severity: 1, minAccuracy: 0.3 + random() * 0.6, ...ON } },
          perClassRecall: { maxDrop: random() * 0.1, ...ON },
          flipRate: { max: random() * 0.5, ...ON },
        }),
        candidate,
        baseline,
        { statistics },
      );
      for (const r of verdict.gates.filter((g) => g.gate.startsWith('stress.'))) {
        if (r.interval == null || r.pValue == null || !r.intervalMatchesTest) continue;
        const rejected = r.pValue < r.alpha!;
        rejections += rejected ? 1 : 0;
        checked++;
        const agrees =
          r.gate === 'stress.per-class-recall'
            ? excludes(r.interval, 0) === rejected
            : r.gate === 'stress.flip-rate.max'
              ? r.interval.low > r.threshold === rejected
              : r.interval.high < r.threshold === rejected;
        if (!agrees) throw new Error(`round ${round}: ${JSON.stringify(r)}`);
      }
    }
    expect(checked).toBeGreaterThan(1000);
    expect(rejections).toBeGreaterThan(100);
  });
});

describe('counting stress gates', () => {
  it('each key under gates.stress counts as one gate, its cells and classes under it', async () => {
    const { gateKey } = await import('../../src/render/gateCounts.js');
    expect(gateKey({ gate: 'stress.gaussian_noise.min-accuracy' })).toBe('stress.gaussian_noise');
    expect(gateKey({ gate: 'stress.per-class-recall' })).toBe('stress.per-class-recall');
    expect(gateKey({ gate: 'stress.flip-rate.max' })).toBe('stress.flip-rate');
    expect(gateKey({ gate: 'accuracy.min' })).toBe('accuracy');
  });
});

describe('the note on stress that changed no image', () => {
  const withUnchanged = (report: Report, unchanged: Array<[string, number]>): Report => ({
    ...report,
    stress: {
      ...report.stress!,
      cells: report.stress!.cells.map((c) =>
        unchanged.some(([p, s]) => p === c.perturbation && s === c.severity)
          ? { ...c, unchanged: c.samples }
          : c,
      ),
    },
  });

  it('names each perturbation once, says at which severities, and advises leaving out only those that never changed an image', () => {
    const { candidate } = pair(BRITTLE);
    const report = withUnchanged(candidate, [
      ['gaussian_noise', 1],
      ['fog', 1],
      ['rotate', 1],
    ]);
    const notes = evaluateGates(defaultGates(), report, null).notes.filter(
      (n) => n.kind === 'stress-no-effect',
    );
    expect(notes).toEqual([
      {
        kind: 'stress-no-effect',
        text:
          'Stress that changed no image: gaussian_noise at severity 1, fog at every severity and rotate at every severity left all 300 ' +
          'stressed images exactly as they were, so those cells repeat the clean figures and say nothing about robustness ' +
          '(docs/stress.md, "When a perturbation changes nothing"). Leave them out of stress.perturbations for these images (fog, rotate).',
      },
    ]);
  });

  it('is absent when every cell changed at least one image, and given on a first-baseline run (no baseline) when one did not', () => {
    const { candidate } = pair(BRITTLE);
    expect(
      evaluateGates(defaultGates(), candidate, null).notes.some((n) => n.kind === 'stress-no-effect'),
    ).toBe(false);
    const partly = {
      ...candidate,
      stress: {
        ...candidate.stress!,
        cells: candidate.stress!.cells.map((c) => ({ ...c, unchanged: c.samples - 1 })),
      },
    };
    expect(evaluateGates(defaultGates(), partly, null).notes.some((n) => n.kind === 'stress-no-effect')).toBe(
      false,
    );
    const fog = withUnchanged(candidate, [['fog', 1]]);
    expect(
      evaluateGates(defaultGates(), fog, null).notes.find((n) => n.kind === 'stress-no-effect')!.text,
    ).toMatch(
      /^Stress that changed no image: fog at every severity left all 300 .* Leave it out of stress\.perturbations for these images\.$/,
    );
  });
});
