// Types for the tests that import scripts/docs/stress-table.mjs.
import type { Perturbation } from '../../src/modalities/image/perturbations/types.js';

export const START: string;
export const END: string;
export function renderPerturbationTable(perturbations: readonly Perturbation[]): string;
export function withTable(doc: string, table: string): string;
