/** The output folder of a run (CLI or action): checked before the work, written after it. */
import { accessSync, constants, mkdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Comparison, Verdict } from '../compare/types.js';
import { InputError } from '../shared/errors.js';

/** Creates the folder and checks that it is writable, so a bad --out fails before a long evaluation. */
export function prepareOutputDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (error) {
    throw new InputError(
      `cannot write the output folder: ${(error as NodeJS.ErrnoException).code ?? error}`,
      {
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
        where: file,
      },
    );
  }
}

/** verdict.json: the gates' results and the comparison, for scripts. */
export function verdictJson(verdict: Verdict, comparison: Comparison | null): string {
  return `${JSON.stringify({ ...verdict, comparison }, null, 1)}\n`;
}
