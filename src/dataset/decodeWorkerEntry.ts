/** Decode-worker script for unbundled runs (lib/, benchmarks): bundled entries check isDecodeWorker() instead. */
import { runDecodeWorker } from './decodeWorker.js';

runDecodeWorker();
