/**
 * Reading report JSON. It validates every field that comparison, gates and
 * rendering rely on, and fails closed: a damaged or hand-edited baseline whose class list, recalls
 * or identity are wrong must stop the run with a message naming the field (exit 2), never disable
 * a gate silently or crash later. What is checked is the report schema (./schema.ts); each
 * problem it finds is a `ReportProblem`, put into words once, in the one InputError.
 */
import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { fileErrorCode, fileErrorReason, InputError } from '../shared/errors.js';
import { formatReportProblems, type ReportProblem } from './reportProblems.js';
import { REPORT_SCHEMA, type Report, reportSchema } from './schema.js';

/** Reads a report; `role` names it in messages ('baseline', 'candidate'). */
export async function readReport(file: string, role: string): Promise<Report> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read the ${role} report: ${fileErrorReason(error)}`, {
      code: fileErrorCode(error),
      where: file,
      hint:
        role === 'baseline'
          ? 'create one with `evalgate run --out <dir>` on the model you ship, or drop --baseline to set the first baseline'
          : undefined,
    });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new InputError(`the ${role} report is not valid JSON: ${(error as Error).message}`, {
      code: 'E_REPORT_INVALID',
      where: file,
    });
  }
  return validateReport(data, file, role);
}

const REGENERATE =
  'the file may be truncated or hand-edited; regenerate it with `evalgate run` (for a baseline: on the model you ship)';

function valueAt(data: unknown, pathParts: ReadonlyArray<PropertyKey>): unknown {
  let value = data;
  for (const part of pathParts) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[part];
  }
  return value;
}

/**
 * A zod issue as a problem: the consistency refinement's issues carry theirs; a field issue is its
 * path, its requirement (the message) and the value found there in the original document.
 */
function problemOf(issue: z.core.$ZodIssue, data: unknown): ReportProblem {
  const carried = (issue as { params?: { problem?: ReportProblem } }).params?.problem;
  if (carried !== undefined) return carried;
  const path = issue.path.map((part) => (typeof part === 'number' ? part : String(part)));
  return { code: 'invalid-field', path, requirement: issue.message, value: valueAt(data, issue.path) };
}

/** The problems of a document that claims to be a report (empty when it is a valid one). */
export function reportProblems(data: unknown): ReportProblem[] {
  const parsed = reportSchema.safeParse(data);
  return parsed.success ? [] : parsed.error.issues.map((issue) => problemOf(issue, data));
}

/** Checks the fields that comparison and rendering rely on; anything else is carried as it is. */
export function validateReport(data: unknown, file: string, role: string): Report {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new InputError(`the ${role} report is not a JSON object`, {
      code: 'E_REPORT_INVALID',
      where: file,
      hint: REGENERATE,
    });
  }
  const schema = (data as { schema?: unknown }).schema;
  if (schema !== REPORT_SCHEMA) {
    throw new InputError(
      `the ${role} report has schema ${JSON.stringify(schema ?? null)}, expected "${REPORT_SCHEMA}"`,
      { code: 'E_REPORT_INVALID', where: file, hint: 'pass a report.json written by `evalgate run`' },
    );
  }
  // The parsed copy is discarded and the original returned: nothing is copied, and fields the
  // schema carries without checking (slices, settings, timing) stay as they are.
  const problems = reportProblems(data);
  if (problems.length > 0) {
    throw new InputError(
      `the ${role} report is damaged or was edited by hand: ${formatReportProblems(problems)}`,
      { code: 'E_REPORT_INVALID', where: file, hint: REGENERATE },
    );
  }
  return data as Report;
}
