/** What every gate module reads: the configuration, both reports and the comparison already made. */
import type { Report } from '../report/types.js';
import type { PairedSamples, PairingAttempt } from './pairing.js';
import type { Comparison } from './types.js';
import type { GatesConfig, StatisticsConfig } from '../config/types.js';

export interface GateContext {
  gates: GatesConfig;
  statistics: StatisticsConfig;
  candidate: Report;
  baseline: Report | null;
  /** null without a baseline. */
  comparison: Comparison | null;
  /** The sample-by-sample pairing, or why there is none; null without a baseline. */
  pairing: PairingAttempt | null;
  /** Seed of the bootstrap tests (the report's seed), so a verdict is reproducible. */
  seed: number;
}

/** The paired per-sample records, or null when the samples could not be paired (or no baseline). */
export function pairedSamples(context: GateContext): PairedSamples | null {
  return context.pairing !== null && 'paired' in context.pairing ? context.pairing.paired : null;
}

/** Why a gate that needs paired records has none ("the baseline report carries no per-sample records"). */
export function unpairedReason(context: GateContext): string {
  if (context.pairing === null) return 'no baseline';
  return 'reason' in context.pairing ? `no sample-by-sample pairing (${context.pairing.reason})` : '';
}
