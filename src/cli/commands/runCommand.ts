/** `evalgate run`: evaluate, compare with the baseline, write report.json + comment.md, exit by verdict. */
import path from 'node:path';
import { loadConfig } from '../../config/loadConfig.js';
import type { ExecutionProvider } from '../../runtime/types.js';
import { ExitCode, InputError } from '../../errors.js';
import { evaluateModel } from '../../pipeline/evaluateModel.js';
import { judgeReport } from '../../pipeline/judgeReport.js';
import { loadBaseline } from '../../pipeline/loadBaseline.js';
import { assertComparableTestSet } from '../../compare/testSetCompatibility.js';
import { prepareOutputDir, verdictJson, writeOutputFile } from '../../pipeline/outputFiles.js';
import { renderVerdictText } from '../../render/verdictText.js';
import type { Report } from '../../report/types.js';
import { parseCommandArgs, parsePositiveInt } from '../args.js';
import { MAX_BATCH_SIZE } from '../../config/schema.js';
import { createProgress } from '../progress.js';
import type { CommandContext } from './context.js';

export const RUN_HELP = `Usage: evalgate run [options]

Evaluates the model on the locked test set, compares the result with the baseline report and
applies the gates. Writes report.json and comment.md into the output folder.

Options:
  --config <file>            config file (default: evalgate.yml)
  --baseline <report.json>   baseline report (overrides baseline.report in the config)
  --no-baseline              ignore any configured baseline (sets the first baseline)
  --out <dir>                output folder (default: evalgate-output)
  --model <file>             model to evaluate (overrides model.path)
  --test-set <path>          test set folder or .npz (overrides test-set.path)
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
    throw new InputError('--baseline and --no-baseline contradict each other; give one');
  }
  const device = values.device;
  if (device !== undefined && device !== 'cpu' && device !== 'cuda') {
    throw new InputError(`--device must be 'cpu' or 'cuda', got '${device}'`);
  }
  const configFile = path.resolve(context.cwd, values.config ?? 'evalgate.yml');
  const fromCwd = (value: string | undefined) =>
    value === undefined ? undefined : path.resolve(context.cwd, value);
  const config = loadConfig(configFile, {
    model: fromCwd(values.model),
    testSet: fromCwd(values['test-set']),
    baseline: values['no-baseline'] ? null : fromCwd(values.baseline),
    batchSize: parsePositiveInt(values['batch-size'], 'batch-size', MAX_BATCH_SIZE),
    device: device as ExecutionProvider | undefined,
  });

  const outDir = path.resolve(context.cwd, values.out ?? 'evalgate-output');
  prepareOutputDir(outDir);
  const baseline = await loadBaseline(config, context.cwd);

  const progress = createProgress('evaluating', context.stderrStream);
  let report: Report;
  try {
    report = await evaluateModel(config, {
      onnxruntimePath: values['onnxruntime-path'],
      decodeWorkers: context.decodeWorkerScript ? { script: context.decodeWorkerScript } : undefined,
      onProgress: (done, total) => progress.update(done, total),
      // A baseline made on other data is refused before the model runs, not after.
      onTestSetVerified: (testSet) => {
        if (baseline.report) assertComparableTestSet(baseline.report, testSet, baseline.source!);
      },
    });
  } finally {
    progress.done();
  }
  const judgement = judgeReport({
    candidate: report,
    baseline: baseline.report,
    baselineSource: baseline.source,
    gates: config.gates,
    title: values.title,
  });

  const reportPath = path.join(outDir, 'report.json');
  const commentPath = path.join(outDir, 'comment.md');
  await writeOutputFile(reportPath, `${JSON.stringify(report, null, 1)}\n`);
  await writeOutputFile(commentPath, judgement.comment);
  await writeOutputFile(
    path.join(outDir, 'verdict.json'),
    verdictJson(judgement.verdict, judgement.comparison),
  );

  context.stdout(renderVerdictText(judgement.verdict, report, judgement.comparison));
  context.stdout(`report:  ${path.relative(context.cwd, reportPath) || reportPath}`);
  context.stdout(`comment: ${path.relative(context.cwd, commentPath) || commentPath}`);
  return judgement.verdict.passed ? ExitCode.passed : ExitCode.gateFailed;
}
