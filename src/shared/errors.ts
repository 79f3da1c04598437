/**
 * Typed errors. Lower modules throw these; only the adapters (CLI, action) turn them into
 * messages and exit codes, so a user mistake never surfaces as a stack trace.
 */

/** Exit codes shared by the CLI and the action (documented in the README and docs/cli.md, "Exit codes"). */
export const ExitCode = {
  passed: 0,
  gateFailed: 1,
  badInput: 2,
  internal: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * The closed set of error codes: stable names that scripts, dashboards and docs/errors.md rely
 * on. A code never changes meaning; new situations get new codes. Each value is its one-line
 * meaning (docs/errors.md holds the table with exit codes and what to do; a test keeps the codes and
 * their exit codes in step with it).
 */
export const ErrorCodes = {
  E_INPUT: 'bad input that no more specific code describes',
  E_USAGE: 'the command line is wrong: an unknown command, flag or value, or a missing argument',
  E_CONFIG_INVALID: 'evalgate.yml, an action input or a runner setting fails validation',
  E_FILE_NOT_FOUND: 'a file or folder that was named does not exist',
  E_FILE_ACCESS: 'a file or folder exists but cannot be read or written',
  E_LOCK_MISMATCH: 'the test set differs from its lock file',
  E_LOCK_INVALID: 'the lock file cannot be read or is not an evalgate lock',
  E_TEST_SET_INVALID: 'the test set cannot be read: its layout, a manifest, an image or an array is wrong',
  E_MODEL_INVALID: 'the model file cannot be loaded, or its inputs do not fit the preprocessing',
  E_MODEL_OUTPUTS:
    "the model's outputs do not fit the classes or `model.outputs`, or hold NaN or infinite values",
  E_ARTIFACT_DOWNLOAD: 'a model or test set URL could not be downloaded',
  E_ARTIFACT_CHECKSUM: "a file's sha256 differs from the one pinned in the config",
  E_BASELINE_MISSING: 'no baseline was found where one is required',
  E_BASELINE_INCOMPATIBLE: 'the baseline cannot be compared with this run (other test set, classes or task)',
  E_REPORT_INVALID: 'a report file is not a valid evalgate report',
  E_RESULT_INVALID: "publish mode's result folder is missing a file or fails its checks",
  E_RUNTIME_UNAVAILABLE: 'onnxruntime cannot be loaded or installed for this platform or device',
  E_GITHUB: 'the GitHub context, token or API refused what the run needs',
  E_GITHUB_UNAVAILABLE:
    'the GitHub API kept failing after its retries (an outage, not a mistake): re-run the job',
  E_INTERNAL: 'a bug in evalgate: please report it',
} as const;
export type ErrorCode = keyof typeof ErrorCodes;

/** True for a string that is one of the codes (for reading recorded errors back). */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ErrorCodes, value);
}

export interface ErrorDetails {
  /** Overrides the class's default code with a more specific one. */
  code?: ErrorCode;
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
  readonly code: ErrorCode;

  constructor(message: string, exitCode: ExitCode, details: ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.where = details.where;
    this.hint = details.hint;
    this.exitCode = exitCode;
    this.code = details.code ?? (exitCode === ExitCode.internal ? 'E_INTERNAL' : 'E_INPUT');
  }
}

/** Bad input or usage: a config, a file, a flag or a model that the user has to fix. Exit code 2, code E_INPUT unless given. */
export class InputError extends EvalgateError {
  constructor(message: string, details: ErrorDetails = {}) {
    super(message, ExitCode.badInput, details);
  }
}

/** A broken invariant inside evalgate (a bug, or a worker that died): exit code 3, code E_INTERNAL. */
export class InternalError extends EvalgateError {
  constructor(message: string, details: Omit<ErrorDetails, 'code'> = {}) {
    super(message, ExitCode.internal, { ...details, code: 'E_INTERNAL' });
  }
}

/**
 * A service the run depends on failed after its retries: neither the user's mistake nor a bug.
 * Exit code 3, as for an internal error, with its own code (E_GITHUB_UNAVAILABLE).
 */
export class ServiceError extends EvalgateError {
  constructor(message: string, details: Omit<ErrorDetails, 'code'> = {}) {
    super(message, ExitCode.internal, { ...details, code: 'E_GITHUB_UNAVAILABLE' });
  }
}

/** The code of any thrown value: known errors carry theirs, anything else is E_INTERNAL. */
export function errorCodeOf(error: unknown): ErrorCode {
  return error instanceof EvalgateError ? error.code : 'E_INTERNAL';
}

export interface DescribeOptions {
  /** Adds a last line `code: E_…` (default true); the action's comment shows the code on its own. */
  code?: boolean;
}

/** Formats any thrown value for a person: message, location, hint and code; no stack for known errors. */
export function describeError(error: unknown, options: DescribeOptions = {}): string {
  const lines =
    error instanceof EvalgateError
      ? [
          error.where ? `${error.where}: ${error.message}` : error.message,
          ...(error.hint ? [`hint: ${error.hint}`] : []),
        ]
      : [
          `internal error: ${errorMessage(error)}`,
          'This is a bug in evalgate; please report it with the command you ran.',
        ];
  if (options.code ?? true) lines.push(`code: ${errorCodeOf(error)}`);
  return lines.join('\n');
}

/** An error as recorded in verdict.json and the result files: `{ code, message, where, hint }`. */
export interface ErrorRecord {
  code: ErrorCode;
  message: string;
  where?: string;
  hint?: string;
}

export function errorRecord(error: unknown): ErrorRecord {
  if (!(error instanceof EvalgateError))
    return { code: 'E_INTERNAL', message: `internal error: ${errorMessage(error)}` };
  return {
    code: error.code,
    message: error.message,
    ...(error.where === undefined ? {} : { where: error.where }),
    ...(error.hint === undefined ? {} : { hint: error.hint }),
  };
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

/** The code of a failed file-system call: E_FILE_NOT_FOUND for ENOENT, else E_FILE_ACCESS. */
export function fileErrorCode(error: unknown): ErrorCode {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT'
    ? 'E_FILE_NOT_FOUND'
    : 'E_FILE_ACCESS';
}

/**
 * A file that could not be read or written, as an InputError naming it: `notFound` when the path
 * does not exist (and `notFound` is given), else `<failed> (<errno code>)`.
 */
export function fileAccessError(
  error: unknown,
  where: string,
  words: { failed: string; notFound?: string; hint?: string; code?: ErrorCode },
): InputError {
  const notFound =
    (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT' ? words.notFound : undefined;
  return new InputError(notFound ?? `${words.failed} (${fileErrorReason(error)})`, {
    where,
    hint: words.hint,
    cause: error,
    code: words.code ?? fileErrorCode(error),
  });
}
