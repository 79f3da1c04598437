/** Report -> verdict: compare with the baseline (when there is one), apply the gates, render. */
import { assertComparable } from '../compare/compatibility.js';
import { compareReports } from '../compare/compare.js';
import { evaluateGates } from '../compare/gates.js';
import type { Comparison, GatesConfig, Verdict } from '../compare/types.js';
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
  title?: string;
  runUrl?: string;
}

export function judgeReport(input: JudgeInput): Judgement {
  const { candidate, baseline } = input;
  if (baseline) assertComparable(baseline, candidate, input.baselineSource ?? 'baseline');
  const comparison = baseline ? compareReports(baseline, candidate) : null;
  const verdict = evaluateGates(input.gates, candidate, baseline);
  const comment = renderComment({
    candidate,
    baseline,
    comparison,
    verdict,
    title: input.title,
    baselineSource: input.baselineSource,
    runUrl: input.runUrl,
  });
  return { comparison, verdict, comment };
}
