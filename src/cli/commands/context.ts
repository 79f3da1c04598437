/** What a command may touch: its working folder and output streams (tests substitute them). */
export interface CommandContext {
  cwd: string;
  stdout(line: string): void;
  stderr(line: string): void;
  stderrStream: NodeJS.WriteStream;
}
