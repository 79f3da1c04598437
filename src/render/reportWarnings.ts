/**
 * The report's own warnings as a renderer should list them. Both renderers state "the test set
 * is not locked" themselves, from `testSet.locked` (so a report without the pipeline's warning
 * still says it); the pipeline's warning about the same thing is then left out, so the fact is
 * shown once.
 */
import type { Report } from '../report/types.js';

/** The pipeline's unlocked-test-set warning: it mentions `lock: none` or says "unlocked". */
const UNLOCKED_WARNING = /\block: none\b|\bunlocked\b|\bnot locked\b/i;

export function warningsToShow(report: Report): string[] {
  if (report.testSet.locked) return report.warnings;
  return report.warnings.filter((warning) => !UNLOCKED_WARNING.test(warning));
}
