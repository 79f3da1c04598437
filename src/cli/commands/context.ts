/** What a command may touch: its working folder and output streams (tests substitute them). */
export interface CommandContext {
  cwd: string;
  stdout(line: string): void;
  stderr(line: string): void;
  stderrStream: NodeJS.WriteStream;
  /** Script that starts a decode worker (the CLI's own entry); without it, decoding stays on this thread. */
  decodeWorkerScript?: URL;
}
