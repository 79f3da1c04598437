/** What a command may touch: its working folder and output streams (tests substitute them). */
export interface CommandContext {
  cwd: string;
  /**
   * The environment: EVALGATE_CACHE_DIR (downloads), EVALGATE_DEBUG (stacks of internal errors),
   * and what npm and onnxruntime's installer need. The CLI passes process.env; tests their own.
   */
  env: NodeJS.ProcessEnv;
  stdout(line: string): void;
  stderr(line: string): void;
  stderrStream: NodeJS.WriteStream;
  /** Clock in milliseconds for the progress line (default performance.now); tests inject one. */
  now?: () => number;
  /** Script that starts a decode worker (the CLI's own entry); without it, decoding stays on this thread. */
  decodeWorkerScript?: URL;
}
