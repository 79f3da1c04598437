/** Action entry: everything happens in run(). The same file is the decode workers' script. */
import { run } from './action/run.js';
import { isDecodeWorker, runDecodeWorker } from './dataset/decodeWorker.js';

if (isDecodeWorker()) runDecodeWorker();
else await run({ decodeWorkerScript: new URL(import.meta.url) });
