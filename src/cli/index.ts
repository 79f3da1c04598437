/** Entry of the `evalgate` binary (bundled to dist/cli/index.js): runs the CLI on this process. */
import { describeError, ExitCode } from '../errors.js';
import type { CommandContext } from './commands/context.js';
import { main } from './main.js';

const context: CommandContext = {
  cwd: process.cwd(),
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
  stderrStream: process.stderr,
};

main(process.argv.slice(2), context).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`evalgate: ${describeError(error)}\n`);
    process.exitCode = ExitCode.internal;
  },
);
