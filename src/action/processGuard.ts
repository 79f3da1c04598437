/**
 * The action's last line of defence: an exception nobody caught, or a promise rejection nobody
 * handled, would otherwise kill the process with a stack trace and leave the job without a
 * verdict: no outputs, no job summary, no comment (as undici's `assert(!this.paused)` did,
 * nodejs/undici#5360). The guard turns it into the same ending as any other error: `report`
 * (the run's failRun, with what the run knew) writes verdict=error and every output, the summary
 * and the comment, and the process exits with the error's code (3 for anything that is not one of
 * evalgate's errors) and a plain message; the stack trace goes to the debug log only.
 *
 * The process is a parameter, so tests hand in a stand-in and nothing touches the test runner's
 * own handlers. Installed by run() when the action's entry passes the real process.
 */

/** The part of `process` the guard uses. */
export interface GuardedProcess {
  on(event: 'uncaughtException' | 'unhandledRejection', listener: (error: unknown) => void): unknown;
  off(event: 'uncaughtException' | 'unhandledRejection', listener: (error: unknown) => void): unknown;
  exitCode?: number | string | null;
}

export interface ProcessGuardOptions {
  process: GuardedProcess;
  /** Writes the verdict of error for `error`: every output, the summary, the comment. */
  report(error: unknown): Promise<void>;
  /** The exit code for `error` (exitCodeOf: 2 for bad input, 3 for anything else). */
  exitCode(error: unknown): number;
  /** Ends the process (after stdout has flushed). */
  exit(code: number): void;
  /** The debug log (core.debug): where the stack trace goes. */
  debug(message: string): void;
  /** A plain line for the log when the guard cannot report through `report` (core.error / core.warning). */
  warn(message: string): void;
  /**
   * Longest wait for `report`, in ms (default 30 s): the comment may hang on the same network
   * that failed. The outputs are written before the first wait, so they stand either way.
   */
  reportTimeoutMs?: number;
}

export interface ProcessGuard {
  /** True once an uncaught error took over the run's ending: the run must not write a second one. */
  readonly tripped: boolean;
  /**
   * The run wrote its own ending (a verdict or an error). An uncaught error after that does not
   * rewrite it: it is logged and the process exits with the status the run set.
   */
  settle(): void;
  /** Removes the handlers. */
  dispose(): void;
}

const DEFAULT_REPORT_TIMEOUT_MS = 30_000;

export function installProcessGuard(options: ProcessGuardOptions): ProcessGuard {
  const timeoutMs = options.reportTimeoutMs ?? DEFAULT_REPORT_TIMEOUT_MS;
  let tripped = false;
  let settled = false;

  const handle = (kind: string) => (error: unknown) => {
    options.debug(`evalgate: ${kind}: ${stackOf(error)}`);
    // A second error while the first is being reported (the comment's request failing the same
    // way, say): the first report goes on and ends the process.
    if (tripped) return;
    tripped = true;
    if (settled) {
      options.warn(`evalgate: ${kind} after the run had ended (its verdict stands): ${plainMessage(error)}`);
      options.exit(Number(options.process.exitCode ?? 0) || 0);
      return;
    }
    const code = options.exitCode(error);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    // Through a promise, so that a report that throws at once is caught like one that rejects
    // (a throw out of this handler would end the process with a stack trace after all).
    const reported = Promise.resolve()
      .then(() => options.report(error))
      .then(() => 'reported' as const);
    Promise.race([reported, timedOut])
      .then(
        (how) => {
          if (how === 'timeout') {
            options.warn(`evalgate: reporting the error took longer than ${timeoutMs / 1000} s; stopping`);
          }
        },
        (reportError: unknown) => {
          options.debug(`evalgate: reporting the ${kind} failed: ${stackOf(reportError)}`);
          options.warn(
            `evalgate: ${plainMessage(error)} (and reporting it failed: ${plainMessage(reportError)})`,
          );
        },
      )
      .finally(() => {
        clearTimeout(timer);
        options.exit(code);
      });
  };

  const onException = handle('uncaught exception');
  const onRejection = handle('unhandled promise rejection');
  options.process.on('uncaughtException', onException);
  options.process.on('unhandledRejection', onRejection);
  return {
    get tripped() {
      return tripped;
    },
    settle() {
      settled = true;
    },
    dispose() {
      options.process.off('uncaughtException', onException);
      options.process.off('unhandledRejection', onRejection);
    },
  };
}

function stackOf(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

/** One line, no stack: the message of an Error, else the value as text. */
function plainMessage(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}
