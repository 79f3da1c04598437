/**
 * The report document (`evalgate.report/v1`): the run's result and the baseline format. Every type
 * is inferred from the one report schema (src/report/schema.ts) that validates reports when they
 * are read; this module re-exports them under the names the other stages import.
 */
export {
  type Environment,
  type HeadlineMetrics,
  type ModelIdentity,
  REPORT_SCHEMA,
  type Report,
  type RunSettings,
  type SampleRecords,
  type SliceReport,
  type StressCellReport,
  type StressReport,
  type TestSetIdentity,
} from './schema.js';
