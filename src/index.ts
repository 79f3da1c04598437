/** Action entry: everything happens in run(). The same file is the decode workers' script. */
import { run } from './action/run.js';
import { isDecodeWorker, runDecodeWorker } from './dataset/decodeWorker.js';
import { STRESS_TRANSFORMS } from './stress/stressTransform.js';

if (isDecodeWorker()) {
  runDecodeWorker(STRESS_TRANSFORMS);
} else {
  // `guard`: an uncaught exception or unhandled rejection anywhere still ends with a verdict of
  // error, every output and the summary, and exits 3 with a plain message (processGuard.ts).
  await run({
    decodeWorkerScript: new URL(import.meta.url),
    guard: {
      on: (event, listener) => process.on(event, listener),
      off: (event, listener) => process.off(event, listener),
      get exitCode() {
        return process.exitCode;
      },
      exit: (code) => process.stdout.write('', () => process.exit(code)),
    },
  });
  // HTTP keep-alive sockets (cache service, GitHub API) can hold the event loop open long after
  // the work is done: exit once stdout has flushed, with the status run() set (core.setFailed
  // sets process.exitCode to 1; a run that stopped with an error then sets 2 or 3).
  const code = Number(process.exitCode ?? 0);
  process.stdout.write('', () => process.exit(code));
}
