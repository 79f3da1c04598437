// Types of simulate.mjs, for the TypeScript test of the generator.
import type { PairedCounts } from '../../../src/stats/types.js';

export declare const BOTH_RIGHT: 0;
export declare const BASELINE_ONLY: 1;
export declare const CANDIDATE_ONLY: 2;
export declare const BOTH_WRONG: 3;

export interface ClassScenario {
  /** The baseline's expected recall. */
  recall: number;
  /** Share of samples whose correctness flips with no real change, half each way. */
  churn: number;
  /** Real recall drop (baseline − candidate). */
  drop: number;
}

export declare function pairedCellProbabilities(scenario: ClassScenario): PairedCounts;
export declare function outcomeOf(u: number, probabilities: PairedCounts): 0 | 1 | 2 | 3;
export declare function simulateRun(
  random: () => number,
  options: {
    classes: number;
    perClass: number;
    recall: number;
    churn: number;
    drops: number[];
    studied?: number;
  },
): { baseline: Uint8Array; candidates: Uint8Array[] };
export declare function pairedCounts(
  baseline: Uint8Array,
  candidate: Uint8Array,
  label: number,
  perClass: number,
): PairedCounts;
export declare function predictionsFrom(correct: Uint8Array, classes: number, perClass: number): number[];
