/** Action entry: everything happens in run(). The same file is the decode workers' script. */
import { run } from './action/run.js';
import { isDecodeWorker, runDecodeWorker } from './dataset/decodeWorker.js';

if (isDecodeWorker()) {
  runDecodeWorker();
} else {
  await run({ decodeWorkerScript: new URL(import.meta.url) });
  // HTTP keep-alive sockets (cache service, GitHub API) can hold the event loop open long after
  // the work is done: exit once stdout has flushed, with the status run() set (core.setFailed
  // sets process.exitCode to 1; a run that stopped with an error then sets 2 or 3).
  const code = Number(process.exitCode ?? 0);
  process.stdout.write('', () => process.exit(code));
}
