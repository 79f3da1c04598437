/**
 * One evaluation run as both adapters do it: check the output folder, read the baseline, evaluate
 * (refusing a baseline made on other data before the model runs), evaluate the baseline model
 * side by side when the baseline is a model, judge, and write report.json, comment.md and
 * verdict.json. The CLI and the action only turn flags or inputs into the config and the baseline
 * plan, and the result into their own output.
 */
import path from 'node:path';
import { hashFile } from '../shared/hashFile.js';
import { assertComparableTestSet } from '../compare/testSetCompatibility.js';
import type { EvalConfig } from '../config/types.js';
import { InputError } from '../shared/errors.js';
import type { Report } from '../report/types.js';
import { type BaselinePlan, baselineFromConfig, type FileBaseline } from './baselineSources.js';
import { evaluateModel } from './evaluateModel.js';
import type { EvaluateOptions } from './types.js';
import { type Judgement, judgeReport } from './judgeReport.js';
import { loadBaselineReport } from './loadBaseline.js';
import { prepareOutputDir, recordError, verdictJson, writeOutputFile } from './outputFiles.js';

export interface RunEvaluationInput {
  config: EvalConfig;
  /** Folder that shown paths are relative to. */
  cwd: string;
  outDir: string;
  evaluate?: Omit<EvaluateOptions, 'onTestSetVerified'>;
  /** The baseline to judge against; default: from the config (baseline.model, else baseline.report, else none). */
  baseline?: BaselinePlan;
  /** Heading of the comment, and a link to the CI run for its footer. */
  title?: string;
  runUrl?: string;
  /** Scopes the comment's hidden marker, so several evaluations on one pull request keep their own comment. */
  markerKey?: string;
  /** Called when the baseline model's evaluation starts (for progress display). */
  onBaselineModel?: () => void;
}

export interface RunEvaluationResult {
  report: Report;
  /** The report judged against (read, or made by evaluating the baseline model); null for none. */
  baselineReport: Report | null;
  baseline: BaselinePlan;
  judgement: Judgement;
  /** `baseline` is written only when the baseline was a model evaluated in this run. */
  files: { report: string; comment: string; verdict: string; baseline?: string };
}

export async function runEvaluation(input: RunEvaluationInput): Promise<RunEvaluationResult> {
  prepareOutputDir(input.outDir);
  try {
    return await evaluateAndWrite(input);
  } catch (error) {
    // A run that stops leaves its error in verdict.json (`error: { code, message, where, hint }`)
    // for scripts, in place of a verdict; the error itself goes on to the adapter.
    await recordError(path.join(input.outDir, 'verdict.json'), error);
    throw error;
  }
}

async function evaluateAndWrite(input: RunEvaluationInput): Promise<RunEvaluationResult> {
  const { config, outDir } = input;
  const plan = input.baseline ?? baselineFromConfig(config, input.cwd);
  const readBaseline = await loadBaselineReport(plan);
  const report = await evaluateModel(config, {
    ...input.evaluate,
    // A baseline made on other data is refused before the model runs, not after.
    onTestSetVerified: (testSet) => {
      if (readBaseline && plan.kind === 'report') assertComparableTestSet(readBaseline, testSet, plan.name);
    },
  });
  const notes = [...plan.notes];
  let baselineReport = readBaseline;
  if (plan.kind === 'model') {
    input.onBaselineModel?.();
    const evaluated = await evaluateBaselineModel(plan, config, report, input.evaluate);
    baselineReport = evaluated.report;
    if (evaluated.note) notes.push(evaluated.note);
  }
  const judgement = judgeReport({
    candidate: report,
    baseline: baselineReport,
    baselineSource: plan.kind === 'none' ? undefined : plan.description,
    gates: config.gates,
    statistics: config.statistics,
    title: input.title,
    runUrl: input.runUrl,
    markerKey: input.markerKey,
    notes,
  });
  const files: RunEvaluationResult['files'] = {
    report: path.join(outDir, 'report.json'),
    comment: path.join(outDir, 'comment.md'),
    verdict: path.join(outDir, 'verdict.json'),
  };
  await writeOutputFile(files.report, `${JSON.stringify(report, null, 1)}\n`);
  await writeOutputFile(files.comment, judgement.comment);
  await writeOutputFile(files.verdict, verdictJson(judgement.verdict, judgement.comparison));
  if (plan.kind === 'model' && baselineReport !== null && baselineReport !== report) {
    files.baseline = path.join(outDir, 'baseline-report.json');
    await writeOutputFile(files.baseline, `${JSON.stringify(baselineReport, null, 1)}\n`);
  }
  return { report, baselineReport, baseline: plan, judgement, files };
}

/**
 * The baseline model on the same locked test set with the same settings (preprocessing, batch
 * size, device, seed), so the two reports differ only by the model and pair sample by sample.
 * A baseline model that is byte for byte the candidate is not run twice.
 */
async function evaluateBaselineModel(
  plan: FileBaseline,
  config: EvalConfig,
  candidate: Report,
  options: RunEvaluationInput['evaluate'],
): Promise<{ report: Report; note?: string }> {
  const { sha256 } = await hashFile(plan.file);
  if (sha256 === candidate.model.sha256) {
    return {
      report: candidate,
      note: `The baseline model (${plan.description}) is the same file as the candidate: nothing changed to compare.`,
    };
  }
  const baselineConfig: EvalConfig = {
    ...config,
    model: { ...config.model, source: { kind: 'path', path: plan.file } },
  };
  let report: Report;
  try {
    report = await evaluateModel(baselineConfig, options);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    throw new InputError(`evaluating the baseline model (${plan.description}): ${error.message}`, {
      code: error.code,
      where: error.where ?? plan.name,
      hint: error.hint,
      cause: error,
    });
  }
  // The file evaluated may be a temporary copy read from the base commit: show the name people know.
  return { report: { ...report, model: { ...report.model, source: plan.name } } };
}
