/** Reading and writing report JSON. Reading validates enough to give a clear error early. */
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../errors.js';
import { REPORT_SCHEMA, type Report } from './types.js';

export async function writeReport(file: string, report: Report): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(report, null, 1)}\n`);
}

/** Reads a report; `role` names it in messages ('baseline', 'candidate'). */
export async function readReport(file: string, role: string): Promise<Report> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new InputError(
      `cannot read the ${role} report: ${(error as NodeJS.ErrnoException).code ?? error}`,
      {
        where: file,
        hint:
          role === 'baseline'
            ? 'create one with `evalgate run --out <dir>` on the model you ship, or drop --baseline to set the first baseline'
            : undefined,
      },
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new InputError(`the ${role} report is not valid JSON: ${(error as Error).message}`, {
      where: file,
    });
  }
  return validateReport(data, file, role);
}

/** Checks the fields that comparison relies on; anything else is carried as it is. */
export function validateReport(data: unknown, file: string, role: string): Report {
  const report = data as Partial<Report> | null;
  if (!report || typeof report !== 'object') {
    throw new InputError(`the ${role} report is not a JSON object`, { where: file });
  }
  if (report.schema !== REPORT_SCHEMA) {
    throw new InputError(
      `the ${role} report has schema ${JSON.stringify(report.schema)}, expected "${REPORT_SCHEMA}"`,
      { where: file, hint: 'pass a report.json written by `evalgate run`' },
    );
  }
  const missing: string[] = [];
  if (typeof report.testSet?.digest !== 'string') missing.push('testSet.digest');
  if (!Array.isArray(report.classNames)) missing.push('classNames');
  if (!Array.isArray(report.classes)) missing.push('classes');
  if (typeof report.metrics !== 'object' || report.metrics === null) missing.push('metrics');
  if (!Array.isArray(report.confusionMatrix)) missing.push('confusionMatrix');
  if (missing.length > 0) {
    throw new InputError(`the ${role} report lacks ${missing.join(', ')}`, {
      where: file,
      hint: 'the file may be truncated or hand-edited; regenerate it with `evalgate run`',
    });
  }
  return report as Report;
}
