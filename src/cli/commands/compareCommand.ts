/** `evalgate compare`: judge a candidate report against a baseline report without re-running. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { defaultGates } from '../../config/defaults.js';
import type { GatesConfig } from '../../config/types.js';
import { loadConfig } from '../../config/loadConfig.js';
import { ExitCode, InputError } from '../../shared/errors.js';
import { judgeReport } from '../../pipeline/judgeReport.js';
import { renderVerdictText } from '../../render/verdictText.js';
import { readReport } from '../../report/reportFile.js';
import { parseCommandArgs, parseFraction } from '../args.js';
import { prepareOutputDir, verdictJson, writeOutputFile } from '../../pipeline/outputFiles.js';
import type { CommandContext } from './context.js';

export const COMPARE_HELP = `Usage: evalgate compare <baseline.json> <candidate.json> [options]

Applies the gates to two reports made on the same locked test set and prints the verdict. The
gates and statistics come from the config, as for 'evalgate run': ./evalgate.yml when it exists,
so that run and compare give the same verdict on the same reports; without one, the defaults.

Options:
  --config <file>            take the gates and statistics from this config (default: evalgate.yml
                             when it exists)
  --max-recall-drop <x>      per-class recall may not drop by more than x (default 0.02)
  --out <dir>                also write comment.md and verdict.json into this folder
  -h, --help                 show this help

Exit codes: 0 passed, 1 a gate failed, 2 bad input or usage, 3 internal error.`;

export async function compareCommand(argv: string[], context: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    'compare',
    argv,
    {
      config: { type: 'string' },
      'max-recall-drop': { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    true,
  );
  if (values.help) {
    context.stdout(COMPARE_HELP);
    return ExitCode.passed;
  }
  if (positionals.length !== 2) {
    throw new InputError(`'evalgate compare' takes two reports: <baseline.json> <candidate.json>`, {
      code: 'E_USAGE',
      hint: 'see: evalgate compare --help',
    });
  }
  const [baselinePath, candidatePath] = positionals.map((p) => path.resolve(context.cwd, p));
  // As `evalgate run` does: ./evalgate.yml unless --config names another; none means the defaults.
  // (One expression for both cases, as in runCommand: a literal path.resolve(cwd, 'evalgate.yml')
  // makes ncc copy every evalgate.yml of the repository into dist/ as an asset.)
  const configPath = path.resolve(context.cwd, values.config ?? 'evalgate.yml');
  const configFile = values.config || existsSync(configPath) ? configPath : null;
  const config = configFile ? loadConfig(configFile, { cwd: context.cwd }) : null;
  const gates: GatesConfig = config?.gates ?? defaultGates();
  const maxDrop = parseFraction(values['max-recall-drop'], 'max-recall-drop');
  if (maxDrop !== undefined) gates.perClassRecall = { ...gates.perClassRecall, maxDrop };

  const outDir = values.out ? path.resolve(context.cwd, values.out) : null;
  if (outDir) prepareOutputDir(outDir);
  const baseline = await readReport(baselinePath, 'baseline');
  const candidate = await readReport(candidatePath, 'candidate');
  if (config && configFile && !sameList(config.classes, candidate.classNames)) {
    // Gates written for other classes (cost matrix rows, per-class limits) would judge nonsense.
    throw new InputError(
      `the candidate report's classes are not the classes of ${path.relative(context.cwd, configFile) || configFile}`,
      {
        code: 'E_CONFIG_INVALID',
        where: positionals[1],
        hint: values.config
          ? 'pass the config the reports were made with'
          : 'evalgate compare reads ./evalgate.yml when it exists; pass --config <file> with the config the reports were made with',
      },
    );
  }
  const judgement = judgeReport({
    candidate,
    baseline,
    baselineSource: positionals[0],
    gates,
    statistics: config?.statistics,
  });
  context.stdout(renderVerdictText(judgement.verdict, candidate, judgement.comparison, baseline));
  if (outDir) {
    await writeOutputFile(path.join(outDir, 'comment.md'), judgement.comment);
    await writeOutputFile(
      path.join(outDir, 'verdict.json'),
      verdictJson(judgement.verdict, judgement.comparison),
    );
  }
  return judgement.verdict.passed ? ExitCode.passed : ExitCode.gateFailed;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((name, i) => name === b[i]);
}
