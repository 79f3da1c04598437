/**
 * Typed errors. Lower modules throw these; only the adapters (CLI, action) turn them into
 * messages and exit codes, so a user mistake never surfaces as a stack trace.
 */

/** Exit codes shared by the CLI and the action (documented in the README). */
export const ExitCode = {
  passed: 0,
  gateFailed: 1,
  badInput: 2,
  internal: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export interface ErrorDetails {
  /** Where the problem is: a file, `file:line`, a config key path or an input name. */
  where?: string;
  /** What the user can do about it. */
  hint?: string;
  cause?: unknown;
}

/** Base class: something evalgate understood and can explain. */
export class EvalgateError extends Error {
  readonly where?: string;
  readonly hint?: string;
  readonly exitCode: ExitCode;

  constructor(message: string, exitCode: ExitCode, details: ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.where = details.where;
    this.hint = details.hint;
    this.exitCode = exitCode;
  }
}

/** Bad input or usage: a config, a file, a flag or a model that the user has to fix. Exit code 2. */
export class InputError extends EvalgateError {
  constructor(message: string, details: ErrorDetails = {}) {
    super(message, ExitCode.badInput, details);
  }
}

/** Formats any thrown value for a person: message, location and hint; no stack for known errors. */
export function describeError(error: unknown): string {
  if (error instanceof EvalgateError) {
    const lines = [error.where ? `${error.where}: ${error.message}` : error.message];
    if (error.hint) lines.push(`hint: ${error.hint}`);
    return lines.join('\n');
  }
  return `internal error: ${errorMessage(error)}\nThis is a bug in evalgate; please report it with the command you ran.`;
}

/** Exit code for any thrown value: known errors carry theirs, anything else is internal (3). */
export function exitCodeOf(error: unknown): ExitCode {
  return error instanceof EvalgateError ? error.exitCode : ExitCode.internal;
}

/** A thrown value's own words: its message for an Error, else the value as text. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Why a file-system call failed, short: its errno code (ENOENT, EACCES...), else its message. */
export function fileErrorReason(error: unknown): string {
  return (error as NodeJS.ErrnoException | undefined)?.code ?? errorMessage(error);
}

/**
 * A file that could not be read or written, as an InputError naming it: `notFound` when the path
 * does not exist (and `notFound` is given), else `<failed> (<errno code>)`.
 */
export function fileAccessError(
  error: unknown,
  where: string,
  words: { failed: string; notFound?: string; hint?: string },
): InputError {
  const notFound =
    (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT' ? words.notFound : undefined;
  return new InputError(notFound ?? `${words.failed} (${fileErrorReason(error)})`, {
    where,
    hint: words.hint,
    cause: error,
  });
}
