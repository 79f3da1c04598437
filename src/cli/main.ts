/** The `evalgate` command line: dispatches to a command and turns errors into messages + exit codes. */
import { describeError, ExitCode, exitCodeOf, InputError } from '../shared/errors.js';
import { nearest } from '../config/suggest.js';
import { TOOL_VERSION } from '../shared/version.js';
import { compareCommand } from './commands/compareCommand.js';
import type { CommandContext } from './commands/context.js';
import { lockCommand } from './commands/lockCommand.js';
import { runCommand } from './commands/runCommand.js';
import { stressPreviewCommand } from './commands/stressPreviewCommand.js';

const HELP = `evalgate ${TOOL_VERSION}: a merge gate for model quality

Usage: evalgate <command> [options]

Commands:
  run             evaluate the model on the locked test set and judge it against the baseline
  lock            write the lock file of a test set
  compare         judge a candidate report against a baseline report
  stress-preview  write a contact sheet PNG of one image under every stress perturbation

Run 'evalgate <command> --help' for a command's options.
Exit codes: 0 passed, 1 a gate failed, 2 bad input or usage, 3 internal error.`;

const COMMANDS: Record<string, (argv: string[], context: CommandContext) => Promise<number>> = {
  run: runCommand,
  lock: lockCommand,
  compare: compareCommand,
  'stress-preview': stressPreviewCommand,
};

export async function main(argv: string[], context: CommandContext): Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      context.stdout(HELP);
      return command === undefined ? ExitCode.badInput : ExitCode.passed;
    }
    if (command === '--version' || command === '-v') {
      context.stdout(TOOL_VERSION);
      return ExitCode.passed;
    }
    const handler = COMMANDS[command];
    if (!handler) {
      const suggestion = nearest(command, Object.keys(COMMANDS));
      throw new InputError(
        `unknown command '${command}'${suggestion ? `; did you mean 'evalgate ${suggestion}'?` : ''}`,
        { code: 'E_USAGE', hint: "run 'evalgate --help' for the commands" },
      );
    }
    return await handler(rest, context);
  } catch (error) {
    context.stderr(`evalgate: ${describeError(error).replace(/\n/g, '\nevalgate: ')}`);
    if (exitCodeOf(error) === ExitCode.internal && context.env.EVALGATE_DEBUG && error instanceof Error) {
      context.stderr(error.stack ?? '');
    }
    return exitCodeOf(error);
  }
}
