/** Entry of the `evalgate` binary (bundled to dist/cli/index.js): runs the CLI on this process. */
import { isDecodeWorker, runDecodeWorker } from '../dataset/decodeWorker.js';
import { describeError, ExitCode } from '../shared/errors.js';
import type { CommandContext } from './commands/context.js';
import { main } from './main.js';
import { STRESS_TRANSFORMS } from '../stress/stressTransform.js';

const context: CommandContext = {
  cwd: process.cwd(),
  env: process.env,
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
  stderrStream: process.stderr,
  // This file (bundled: dist/cli/index.js) doubles as the decode workers' script.
  decodeWorkerScript: new URL(import.meta.url),
};

if (isDecodeWorker()) runDecodeWorker(STRESS_TRANSFORMS);
else runCli();

function runCli(): void {
  // A reader that goes away (`evalgate run | head`) is not an error worth a stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
    });
  }
  main(process.argv.slice(2), context).then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      process.stderr.write(`evalgate: ${describeError(error)}\n`);
      process.exitCode = ExitCode.internal;
    },
  );
}
