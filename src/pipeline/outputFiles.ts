/** The output folder of a run (CLI or action): checked before the work, written after it. */
import { accessSync, constants, mkdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Comparison, Verdict } from '../compare/types.js';
import { errorRecord, InputError } from '../shared/errors.js';

/** Creates the folder and checks that it is writable, so a bad --out fails before a long evaluation. */
export function prepareOutputDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (error) {
    throw new InputError(
      `cannot write the output folder: ${(error as NodeJS.ErrnoException).code ?? error}`,
      {
        code: 'E_FILE_ACCESS',
        where: dir,
        hint: 'pass --out <folder> with a folder you can write to',
      },
    );
  }
}

/** Writes one output file; a failure names the file (exit 2), never an internal error. */
export async function writeOutputFile(file: string, text: string): Promise<void> {
  try {
    await writeFile(file, text);
  } catch (error) {
    throw new InputError(
      `cannot write ${path.basename(file)}: ${(error as NodeJS.ErrnoException).code ?? error}`,
      {
        code: 'E_FILE_ACCESS',
        where: file,
      },
    );
  }
}

/** verdict.json: the gates' results and the comparison, for scripts. Notes are written as their text. */
export function verdictJson(verdict: Verdict, comparison: Comparison | null): string {
  const notes = verdict.notes.map((note) => note.text);
  return `${JSON.stringify({ ...verdict, notes, comparison }, null, 1)}\n`;
}

/**
 * verdict.json of a run that stopped before a verdict: `passed: false` and the error as
 * `{ code, message, where, hint }` (docs/errors.md lists the codes). It has no `failures` or
 * `warnings` lists, so that a script reading "no failures" as a pass cannot take it for one.
 */
export function errorVerdictJson(error: unknown): string {
  return `${JSON.stringify({ passed: false, error: errorRecord(error) }, null, 1)}\n`;
}

/** Writes errorVerdictJson to `file`, best effort: the error that stopped the run matters more. */
export async function recordError(file: string, error: unknown): Promise<void> {
  try {
    await writeFile(file, errorVerdictJson(error));
  } catch {
    // The folder was writable when the run started; if it no longer is, the message still goes out.
  }
}
