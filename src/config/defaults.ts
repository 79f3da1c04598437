/**
 * The defaults of what users configure, as pure values: importing this module loads no parser and
 * no schema. The schema (schema.ts) takes its `.default(...)` values from here, so each default is
 * written once, and `evalgate compare` without a config uses the same settings as a config file
 * without those sections (a test in __tests__/config holds the two equal).
 */
import type { GatesConfig, StatisticsConfig } from './types.js';

/** `statistics` when evalgate.yml leaves it out. */
export const DEFAULT_STATISTICS: Readonly<StatisticsConfig> = Object.freeze({
  confidence: 0.95,
  alpha: 0.05,
  correction: 'holm',
  power: 0.8,
  minClassSamples: 30,
});

/** `gates.per-class-recall` when evalgate.yml leaves it out: the one gate that is always on. */
export const DEFAULT_PER_CLASS_RECALL: Readonly<GatesConfig['perClassRecall']> = Object.freeze({
  maxDrop: 0.02,
  onMissingClass: 'fail',
  significance: true,
  onUnproven: 'warn',
});

/** Whether a gate weighs evidence by default (`significance: on`) and what an unproven breach does. */
export const DEFAULT_EVIDENCE = Object.freeze({ significance: 'on', onUnproven: 'warn' } as const);

/** A fresh copy of the default gates (callers may change their copy). */
export function defaultGates(): GatesConfig {
  return { perClassRecall: { ...DEFAULT_PER_CLASS_RECALL } };
}

/** A fresh copy of the default statistics settings. */
export function defaultStatistics(): StatisticsConfig {
  return { ...DEFAULT_STATISTICS };
}
