/**
 * Whether two reports may be compared at all. A comparison across different data or a different
 * class list produces numbers that look meaningful and are not, so it is refused with the reason.
 */
import { InputError } from '../shared/errors.js';
import { REPORT_SCHEMA, type Report } from '../report/types.js';
import { assertComparableTestSet, HOW_TO_REPLACE_BASELINE } from './testSetCompatibility.js';

/**
 * Throws InputError (where = `baselineSource`) when `baseline` and `candidate` cannot be compared:
 * another report schema or tool major version, another test set (root digest), or another class
 * list (names or order).
 */
export function assertComparable(baseline: Report, candidate: Report, baselineSource: string): void {
  assertSchema(baseline, `baseline ${baselineSource}`, baselineSource);
  assertSchema(candidate, 'the candidate report', baselineSource);

  const baselineMajor = majorVersion(baseline.tool?.version);
  const candidateMajor = majorVersion(candidate.tool?.version);
  if (baselineMajor !== candidateMajor) {
    throw new InputError(
      `baseline ${baselineSource} was made by evalgate ${baseline.tool?.version ?? '(unknown version)'} but this run ` +
        `is evalgate ${candidate.tool?.version ?? '(unknown version)'}; reports from different major versions ` +
        'are not comparable',
      { code: 'E_BASELINE_INCOMPATIBLE', where: baselineSource, hint: HOW_TO_REPLACE_BASELINE },
    );
  }

  assertComparableTestSet(
    baseline,
    { digest: candidate.testSet.digest, size: candidate.testSet.size, classNames: candidate.classNames },
    baselineSource,
  );
}

/**
 * Reports read from a file have passed validateReport (report/reportFile.ts), which checks the same;
 * this is kept as a cheap defence for a Report that reaches here another way (built in memory,
 * or by a caller of this module that skipped the reader), where a wrong schema would otherwise
 * surface as a confusing digest or class-list mismatch.
 */
function assertSchema(report: Report, what: string, where: string): void {
  const schema: unknown = (report as { schema?: unknown }).schema;
  if (schema !== REPORT_SCHEMA) {
    throw new InputError(
      `${what} has schema ${JSON.stringify(schema ?? null)}, expected "${REPORT_SCHEMA}"; it is not an evalgate report ` +
        'this version can read',
      { code: 'E_REPORT_INVALID', where, hint: HOW_TO_REPLACE_BASELINE },
    );
  }
}

/** Major part of a semver string (`0.1.0` -> `0`); null when missing or malformed. */
function majorVersion(version: string | undefined): string | null {
  const match = /^v?(\d+)\./.exec(version ?? '');
  return match ? match[1]! : null;
}

// ---------------------------------------------------------------------------------------------
// Comparable, but not on the same terms: what reached the model differs.

/** Differences listed one by one in the note; the rest are counted. */
const MAX_LISTED_DIFFERENCES = 6;

/**
 * What differs between how the baseline and the candidate fed their models and read them: each
 * preprocessing setting (`settings.preprocess`: resize, crop, colour, scale, mean, std, layout,
 * channels, ...), the size of the input tensor, and the kind of output read (`model.outputKind`,
 * what `model.outputs` resolved to). Each entry names the setting and both values:
 * "preprocess.mean: 0.5 in the baseline, 0.45 here". Empty when nothing differs, or when a report
 * does not record the setting (an older report is not blamed for what it did not write down).
 */
export function settingsDifferences(baseline: Report, candidate: Report): string[] {
  const differences: string[] = [];
  const before = baseline.settings?.preprocess;
  const after = candidate.settings?.preprocess;
  if (isRecord(before) && isRecord(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    for (const key of keys) {
      if (!(key in before) || !(key in after)) continue; // a setting one version does not record
      if (sameValue(before[key], after[key])) continue;
      differences.push(`preprocess.${key}: ${bothValues(before[key], after[key])}`);
    }
  }
  const inputBefore = inputSize(baseline);
  const inputAfter = inputSize(candidate);
  if (inputBefore !== null && inputAfter !== null && inputBefore !== inputAfter) {
    differences.push(`input ${inputBefore} in the baseline, ${inputAfter} here`);
  }
  const kindBefore = baseline.model?.outputKind;
  const kindAfter = candidate.model?.outputKind;
  if (typeof kindBefore === 'string' && typeof kindAfter === 'string' && kindBefore !== kindAfter) {
    differences.push(`model.outputs: ${kindBefore} in the baseline, ${kindAfter} here`);
  }
  return differences;
}

/**
 * The verdict's note when the two runs fed or read their models differently, or null: a change
 * in the figures may then come from the settings, not from the model, and a reviewer must know.
 */
export function settingsDifferenceNote(baseline: Report, candidate: Report): string | null {
  const differences = settingsDifferences(baseline, candidate);
  if (differences.length === 0) return null;
  const listed = differences.slice(0, MAX_LISTED_DIFFERENCES);
  const rest = differences.length - listed.length;
  return (
    'The baseline fed or read its model differently, so a change may come from the settings, not the model: ' +
    `${listed.join('; ')}${rest > 0 ? `; and ${rest} more (see both reports' settings)` : ''}`
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** "0.5 in the baseline, 0.45 here", with enough digits that the two never read the same. */
function bothValues(before: unknown, after: unknown): string {
  let a = settingText(before, 6);
  let b = settingText(after, 6);
  if (a === b) {
    a = settingText(before, 17);
    b = settingText(after, 17);
  }
  return `${a} in the baseline, ${b} here`;
}

/** A setting as a reader writes it: a one-value list as its value, null as "none", numbers short. */
function settingText(value: unknown, digits: number): string {
  if (value === null || value === undefined) return 'none';
  if (typeof value === 'number') return String(Number(value.toPrecision(digits)));
  if (Array.isArray(value)) {
    const items = value.map((v) => settingText(v, digits));
    return items.length === 1 ? items[0]! : `[${items.join(', ')}]`;
  }
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** The input tensor fed, without its batch dimension, as "1×28×28"; null when not recorded. */
function inputSize(report: Report): string | null {
  const model = report.model;
  const input = model?.inputs?.find((tensor) => tensor.name === model.input) ?? model?.inputs?.[0];
  if (input === undefined || !Array.isArray(input.shape) || input.shape.length < 2) return null;
  return input.shape.slice(1).join('×');
}
