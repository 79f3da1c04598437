/**
 * Decode-worker script for unbundled runs (lib/, benchmarks, tests) that can perturb stress cells:
 * the bundled entries (src/index.ts, src/cli/index.ts) start their workers the same way.
 */
import { runDecodeWorker } from '../dataset/decodeWorker.js';
import { STRESS_TRANSFORMS } from './stressTransform.js';

runDecodeWorker(STRESS_TRANSFORMS);
