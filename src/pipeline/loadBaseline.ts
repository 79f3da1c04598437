/** The baseline a run is judged against: read before the evaluation, so a bad one fails in seconds. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { EvalConfig } from '../config/types.js';
import { InputError } from '../errors.js';
import { readReport } from '../report/reportFile.js';
import type { Report } from '../report/types.js';

export interface LoadedBaseline {
  report: Report | null;
  /** The baseline's path as shown to people (relative to `cwd`). */
  source?: string;
}

/**
 * Reads the configured baseline report. None configured: the run sets the first baseline. One
 * configured but missing is an error, never a silent "first baseline": a typo or a deleted file
 * must not turn off the per-class gate.
 */
export async function loadBaseline(config: EvalConfig, cwd: string): Promise<LoadedBaseline> {
  if (!config.baselineReport) return { report: null };
  const source = path.relative(cwd, config.baselineReport) || config.baselineReport;
  if (!existsSync(config.baselineReport)) {
    throw new InputError(`the baseline report ${source} does not exist`, {
      where: config.configFile ?? source,
      hint:
        'fix the path (baseline.report or --baseline); to set the first baseline, run once with ' +
        `--no-baseline and commit the report.json it writes as ${source}`,
    });
  }
  return { report: await readReport(config.baselineReport, 'baseline'), source };
}
