/** `evalgate run`: evaluate, compare with the baseline, write report.json + comment.md, exit by verdict. */
import path from 'node:path';
import { loadConfig } from '../../config/loadConfig.js';
import { noBaseline, reportBaseline } from '../../pipeline/baselineSources.js';
import { type RunEvaluationResult, runEvaluation } from '../../pipeline/runEvaluation.js';
import type { ExecutionProvider } from '../../runtime/types.js';
import { ExitCode, InputError } from '../../shared/errors.js';
import { renderVerdictText } from '../../render/verdictText.js';
import { parseCommandArgs, parsePositiveInt } from '../args.js';
import { MAX_BATCH_SIZE } from '../../config/schema.js';
import os from 'node:os';
import { artifactCacheDir } from '../../shared/artifactCacheDir.js';
import { createProgress } from '../progress.js';
import type { CommandContext } from './context.js';

export const RUN_HELP = `Usage: evalgate run [options]

Evaluates the model on the locked test set, compares the result with the baseline report and
applies the gates. Writes report.json and comment.md into the output folder. With baseline.model
in the config, the baseline model is evaluated in the same run, on the same test set, and the
candidate is judged against it (unless --baseline or --no-baseline is given).

Options:
  --config <file>            config file (default: evalgate.yml)
  --baseline <report.json>   baseline report (overrides baseline.report in the config)
  --no-baseline              ignore any configured baseline, report or model (sets the first baseline)
  --out <dir>                output folder (default: evalgate-output)
  --model <file>             model to evaluate (overrides model.path)
  --test-set <path>          test set folder or .npz (overrides test-set.path)
  --lock <file>              lock file to check the test set against (overrides test-set.lock;
                             default: <folder>/evalgate.lock.json, <name>.evalgate.lock.json
                             beside an .npz)
  --batch-size <n>           samples per inference batch (overrides batch-size)
  --device <cpu|cuda>        onnxruntime execution provider (overrides device)
  --onnxruntime-path <dir>   use the onnxruntime-node installed in this folder
  --title <text>             heading of the verdict comment
  -h, --help                 show this help

Exit codes: 0 passed, 1 a gate failed, 2 bad input or usage, 3 internal error.`;

export async function runCommand(argv: string[], context: CommandContext): Promise<number> {
  const { values } = parseCommandArgs(
    'run',
    argv,
    {
      config: { type: 'string' },
      baseline: { type: 'string' },
      'no-baseline': { type: 'boolean' },
      out: { type: 'string' },
      model: { type: 'string' },
      'test-set': { type: 'string' },
      lock: { type: 'string' },
      'batch-size': { type: 'string' },
      device: { type: 'string' },
      'onnxruntime-path': { type: 'string' },
      title: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    false,
  );
  if (values.help) {
    context.stdout(RUN_HELP);
    return ExitCode.passed;
  }
  if (values.baseline && values['no-baseline']) {
    throw new InputError('--baseline and --no-baseline contradict each other; give one', { code: 'E_USAGE' });
  }
  const device = values.device;
  if (device !== undefined && device !== 'cpu' && device !== 'cuda') {
    throw new InputError(`--device must be 'cpu' or 'cuda', got '${device}'`, { code: 'E_USAGE' });
  }
  const configFile = path.resolve(context.cwd, values.config ?? 'evalgate.yml');
  const config = loadConfig(configFile, {
    cwd: context.cwd,
    model: values.model,
    testSet: values['test-set'],
    lock: values.lock,
    baseline: values['no-baseline'] ? null : values.baseline,
    batchSize: parsePositiveInt(values['batch-size'], 'batch-size', MAX_BATCH_SIZE),
    device: device as ExecutionProvider | undefined,
  });

  const progress = createProgress(context.stderrStream, { now: context.now });
  progress.phase(config.testSet.lock === null ? 'reading the test set' : 'verifying the lock');
  let result: RunEvaluationResult;
  try {
    result = await runEvaluation({
      config,
      cwd: context.cwd,
      outDir: path.resolve(context.cwd, values.out ?? 'evalgate-output'),
      title: values.title,
      // --baseline and --no-baseline win over baseline.model; otherwise the config decides.
      baseline: values['no-baseline']
        ? noBaseline()
        : values.baseline && config.baselineReport
          ? reportBaseline(config.baselineReport, context.cwd, config)
          : undefined,
      evaluate: {
        onnxruntimePath: values['onnxruntime-path'],
        runtimeResolution: { env: context.env },
        cacheDir: artifactCacheDir(context.env, os.homedir()),
        decodeWorkers: context.decodeWorkerScript ? { script: context.decodeWorkerScript } : undefined,
        onProgress: (done, total) => progress.update(done, total),
      },
      onBaselineModel: () => progress.phase('evaluating the baseline model', true),
    });
    progress.finish();
  } finally {
    progress.done();
  }
  const { report, judgement, files, baselineReport } = result;
  context.stdout(renderVerdictText(judgement.verdict, report, judgement.comparison, baselineReport));
  context.stdout(`report:  ${path.relative(context.cwd, files.report) || files.report}`);
  context.stdout(`comment: ${path.relative(context.cwd, files.comment) || files.comment}`);
  return judgement.verdict.passed ? ExitCode.passed : ExitCode.gateFailed;
}
