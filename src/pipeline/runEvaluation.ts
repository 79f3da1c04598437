/**
 * One evaluation run as both adapters do it: check the output folder, read the baseline, evaluate
 * (refusing a baseline made on other data before the model runs), judge, and write report.json,
 * comment.md and verdict.json. The CLI and the action only turn flags or inputs into the config
 * and the result into their own output.
 */
import path from 'node:path';
import { assertComparableTestSet } from '../compare/testSetCompatibility.js';
import type { EvalConfig } from '../config/types.js';
import type { Report } from '../report/types.js';
import { type EvaluateOptions, evaluateModel } from './evaluateModel.js';
import { type Judgement, judgeReport } from './judgeReport.js';
import { loadBaseline } from './loadBaseline.js';
import { prepareOutputDir, verdictJson, writeOutputFile } from './outputFiles.js';

export interface RunEvaluationInput {
  config: EvalConfig;
  /** Folder that shown paths are relative to. */
  cwd: string;
  outDir: string;
  evaluate?: Omit<EvaluateOptions, 'onTestSetVerified'>;
  /** Heading of the comment, and a link to the CI run for its footer. */
  title?: string;
  runUrl?: string;
}

export interface RunEvaluationResult {
  report: Report;
  judgement: Judgement;
  files: { report: string; comment: string; verdict: string };
}

export async function runEvaluation(input: RunEvaluationInput): Promise<RunEvaluationResult> {
  const { config, outDir } = input;
  prepareOutputDir(outDir);
  const baseline = await loadBaseline(config, input.cwd);
  const report = await evaluateModel(config, {
    ...input.evaluate,
    // A baseline made on other data is refused before the model runs, not after.
    onTestSetVerified: (testSet) => {
      if (baseline.report) assertComparableTestSet(baseline.report, testSet, baseline.source!);
    },
  });
  const judgement = judgeReport({
    candidate: report,
    baseline: baseline.report,
    baselineSource: baseline.source,
    gates: config.gates,
    title: input.title,
    runUrl: input.runUrl,
  });
  const files = {
    report: path.join(outDir, 'report.json'),
    comment: path.join(outDir, 'comment.md'),
    verdict: path.join(outDir, 'verdict.json'),
  };
  await writeOutputFile(files.report, `${JSON.stringify(report, null, 1)}\n`);
  await writeOutputFile(files.comment, judgement.comment);
  await writeOutputFile(files.verdict, verdictJson(judgement.verdict, judgement.comparison));
  return { report, judgement, files };
}
