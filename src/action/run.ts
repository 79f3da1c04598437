/**
 * The action adapter: inputs -> the same core as the CLI -> outputs, job summary, exit status.
 * The one try/catch that turns errors into core.setFailed lives here.
 */
import path from 'node:path';
import * as core from '@actions/core';
import { loadConfig } from '../config/loadConfig.js';
import { runEvaluation } from '../pipeline/runEvaluation.js';
import { describeError } from '../errors.js';
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
      cwd,
      model: inputs.model,
      testSet: inputs.testSet,
      baseline: inputs.baseline,
    });
    const { report, judgement, files } = await runEvaluation({
      config,
      cwd,
      outDir: path.resolve(cwd, inputs.outputDir),
      runUrl: runUrlFromEnvironment(),
      evaluate: {
        onnxruntimePath: inputs.onnxruntimePath,
        decodeWorkers: options.decodeWorkerScript ? { script: options.decodeWorkerScript } : undefined,
      },
    });

    const { verdict } = judgement;
    core.setOutput(Outputs.verdict, verdict.passed ? 'pass' : 'fail');
    core.setOutput(Outputs.passed, String(verdict.passed));
    core.setOutput(Outputs.reportPath, files.report);
    core.setOutput(Outputs.commentPath, files.comment);
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

/** Link to this workflow run, from the variables every GitHub runner sets; undefined elsewhere. */
function runUrlFromEnvironment(): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repository, GITHUB_RUN_ID: runId } = process.env;
  return server && repository && runId ? `${server}/${repository}/actions/runs/${runId}` : undefined;
}
