/**
 * The action adapter: inputs -> the same core as the CLI -> outputs, job summary, exit status.
 * The one try/catch that turns errors into core.setFailed lives here.
 */
import path from 'node:path';
import * as core from '@actions/core';
import { loadConfig } from '../config/loadConfig.js';
import { describeError } from '../errors.js';
import { evaluateModel } from '../pipeline/evaluateModel.js';
import { judgeReport } from '../pipeline/judgeReport.js';
import { loadBaseline } from '../pipeline/loadBaseline.js';
import { assertComparableTestSet } from '../compare/testSetCompatibility.js';
import { prepareOutputDir, writeOutputFile } from '../pipeline/outputFiles.js';
import { Inputs, Outputs } from './constants.js';

export interface ActionInputs {
  config: string;
  model?: string;
  testSet?: string;
  baseline?: string;
  outputDir: string;
  onnxruntimePath?: string;
  workingDirectory: string;
}

/** Reads the inputs at run time (never at module load). */
export function getActionInputs(): ActionInputs {
  const optional = (name: string) => core.getInput(name) || undefined;
  return {
    config: core.getInput(Inputs.config) || 'evalgate.yml',
    model: optional(Inputs.model),
    testSet: optional(Inputs.testSet),
    baseline: optional(Inputs.baseline),
    outputDir: core.getInput(Inputs.outputDir) || 'evalgate-output',
    onnxruntimePath: optional(Inputs.onnxruntimePath),
    workingDirectory: core.getInput(Inputs.workingDirectory) || '.',
  };
}

export interface RunOptions {
  /** Script that starts a decode worker (the action's bundled entry). */
  decodeWorkerScript?: URL;
}

export async function run(options: RunOptions = {}): Promise<void> {
  try {
    const inputs = getActionInputs();
    const cwd = path.resolve(inputs.workingDirectory);
    const config = loadConfig(path.resolve(cwd, inputs.config), {
      model: inputs.model && path.resolve(cwd, inputs.model),
      testSet: inputs.testSet && path.resolve(cwd, inputs.testSet),
      baseline: inputs.baseline && path.resolve(cwd, inputs.baseline),
    });
    const outDir = path.resolve(cwd, inputs.outputDir);
    prepareOutputDir(outDir);
    const baseline = await loadBaseline(config, cwd);
    const report = await evaluateModel(config, {
      onnxruntimePath: inputs.onnxruntimePath,
      decodeWorkers: options.decodeWorkerScript ? { script: options.decodeWorkerScript } : undefined,
      onTestSetVerified: (testSet) => {
        if (baseline.report) assertComparableTestSet(baseline.report, testSet, baseline.source!);
      },
    });
    const judgement = judgeReport({
      candidate: report,
      baseline: baseline.report,
      baselineSource: baseline.source,
      gates: config.gates,
    });

    const reportPath = path.join(outDir, 'report.json');
    const commentPath = path.join(outDir, 'comment.md');
    await writeOutputFile(reportPath, `${JSON.stringify(report, null, 1)}\n`);
    await writeOutputFile(commentPath, judgement.comment);

    const { verdict } = judgement;
    core.setOutput(Outputs.verdict, verdict.passed ? 'pass' : 'fail');
    core.setOutput(Outputs.passed, String(verdict.passed));
    core.setOutput(Outputs.reportPath, reportPath);
    core.setOutput(Outputs.commentPath, commentPath);
    core.setOutput(Outputs.accuracy, String(report.metrics.accuracy ?? ''));
    core.setOutput(
      Outputs.regressions,
      JSON.stringify(verdict.failures.map((f) => ({ gate: f.gate, subject: f.subject, message: f.message }))),
    );
    try {
      await core.summary.addRaw(judgement.comment).write();
    } catch (error) {
      // The summary is a convenience: the verdict, the outputs and the files stand without it.
      core.warning(`evalgate: could not write the job summary: ${(error as Error).message}`);
    }
    for (const failure of verdict.failures)
      core.error(failure.message, { title: `evalgate: ${failure.gate}` });
    if (!verdict.passed) {
      core.setFailed(`evalgate: ${verdict.failures.length} gate(s) failed`);
    }
  } catch (error) {
    core.setOutput(Outputs.verdict, 'error');
    core.setFailed(describeError(error));
  }
}
