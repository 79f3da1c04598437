/** The baseline report a run is judged against: read before the evaluation, so a bad one fails in seconds. */
import { readFile } from 'node:fs/promises';
import { fileErrorCode, InputError } from '../shared/errors.js';
import { validateReport } from '../report/reportFile.js';
import type { Report } from '../report/types.js';
import type { BaselinePlan } from './baselineSources.js';

/**
 * Reads and validates the report of a `report` plan; null for the other kinds. Messages name the
 * file as people know it (`plan.name`: a repository path, a cache entry), not a temporary copy.
 */
export async function loadBaselineReport(plan: BaselinePlan): Promise<Report | null> {
  if (plan.kind !== 'report') return null;
  let text: string;
  try {
    text = await readFile(plan.file, 'utf8');
  } catch (error) {
    throw new InputError(
      `cannot read the baseline report: ${(error as NodeJS.ErrnoException).code ?? error}`,
      {
        code: fileErrorCode(error),
        where: plan.name,
      },
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new InputError(`the baseline report is not valid JSON: ${(error as Error).message}`, {
      code: 'E_REPORT_INVALID',
      where: plan.name,
      hint: 'regenerate it with `evalgate run` on the model you ship',
    });
  }
  return validateReport(data, plan.name, 'baseline');
}
