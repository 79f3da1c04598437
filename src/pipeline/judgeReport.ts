/** Report -> verdict: compare with the baseline (when there is one), apply the gates, render. */
import { assertComparable } from '../compare/compatibility.js';
import { compareReports } from '../compare/compare.js';
import { evaluateGates } from '../compare/gates.js';
import { pairSamples } from '../compare/pairing.js';
import type { Comparison, Verdict, VerdictNote } from '../compare/types.js';
import type { GatesConfig, StatisticsConfig } from '../config/types.js';
import { defaultStatistics } from '../config/defaults.js';
import { renderComment } from '../render/markdown.js';
import type { Report } from '../report/types.js';

export interface Judgement {
  comparison: Comparison | null;
  verdict: Verdict;
  /** The PR comment body (markdown). */
  comment: string;
}

export interface JudgeInput {
  candidate: Report;
  baseline: Report | null;
  /** Where the baseline came from, for messages and the comment. */
  baselineSource?: string;
  gates: GatesConfig;
  /** `statistics` of evalgate.yml (confidence, α, correction, power); default: the schema's defaults. */
  statistics?: StatisticsConfig;
  title?: string;
  runUrl?: string;
  /** Scopes the comment's hidden marker (see `commentMarker`). */
  markerKey?: string;
  /** Notes from earlier stages (how the baseline was found, ...), listed before the verdict's own. */
  notes?: string[];
}

export function judgeReport(input: JudgeInput): Judgement {
  const { candidate, baseline } = input;
  const statistics = input.statistics ?? defaultStatistics();
  if (baseline) assertComparable(baseline, candidate, input.baselineSource ?? 'baseline');
  // Pair once: the comparison and the gates' bootstrap and cost tests use the same pairing.
  const pairing = baseline ? pairSamples(baseline, candidate) : null;
  const comparison =
    baseline && pairing
      ? compareReports(baseline, candidate, {
          confidence: statistics.confidence,
          pairing,
          // "Which class degrades first" under stress counts a drop beyond the stress tolerance.
          stressClassTolerance:
            input.gates.stress?.perClassRecall?.maxDrop ?? input.gates.perClassRecall.maxDrop,
        })
      : null;
  const gated = evaluateGates(input.gates, candidate, baseline, { statistics, comparison, pairing });
  const earlier = (input.notes ?? []).map((text): VerdictNote => ({ kind: 'baseline', text }));
  const verdict: Verdict = { ...gated, notes: [...earlier, ...gated.notes] };
  const comment = renderComment({
    candidate,
    baseline,
    comparison,
    verdict,
    title: input.title,
    baselineSource: input.baselineSource,
    runUrl: input.runUrl,
    markerKey: input.markerKey,
  });
  return { comparison, verdict, comment };
}
