/** Settings used when no evalgate.yml is given (e.g. `evalgate compare` without --config); they equal the schema's defaults. */
import type { GatesConfig, StatisticsConfig } from '../compare/types.js';

export function defaultGates(): GatesConfig {
  return {
    perClassRecall: { maxDrop: 0.02, onMissingClass: 'fail', significance: true, onUnproven: 'warn' },
  };
}

export function defaultStatistics(): StatisticsConfig {
  return { confidence: 0.95, alpha: 0.05, correction: 'holm', power: 0.8, minClassSamples: 30 };
}
