/** Shared helpers for CLI tests: a scratch copy of the bundled example and an in-process runner. */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CommandContext } from '../../src/cli/commands/context.js';
import { main } from '../../src/cli/main.js';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const exampleDir = path.join(repoRoot, 'examples', 'digits');
export const fixtureModels = path.join(repoRoot, '__tests__', '__fixtures__', 'models');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `evalgate <argv>` in this process with captured output. */
export async function runCli(argv: string[], cwd: string): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const context: CommandContext = {
    cwd,
    env: process.env,
    stdout: (line) => out.push(line),
    stderr: (line) => err.push(line),
    stderrStream: { isTTY: false, write: () => true } as unknown as NodeJS.WriteStream,
  };
  const code = await main(argv, context);
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

/** A scratch folder holding a copy of the example (models, test set, lock, baseline, config). */
export function copyExample(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'evalgate-example-'));
  cpSync(exampleDir, dir, { recursive: true });
  return dir;
}

/** Writes `evalgate.yml` into `dir` from the example config with `edit` applied to its text. */
export function writeConfig(dir: string, edit: (text: string) => string, name = 'evalgate.yml'): string {
  const text = readFileSync(path.join(exampleDir, 'evalgate.yml'), 'utf8');
  const file = path.join(dir, name);
  writeFileSync(file, edit(text));
  return file;
}

/**
 * The example config's text without its stress suite (`stress:`) and its stress gates
 * (`gates.stress`), comments included, for tests that set their own suite or a test set the suite
 * cannot perturb.
 */
export function withoutStress(text: string): string {
  const edited = text
    .replace(/^ {2}# [^\n]*\n(?= {2}stress:\n)/m, '')
    .replace(/^ {2}stress:\n(?: {4}.*\n)+/m, '')
    .replace(/^# [^\n]*\n(?=stress:\n)/m, '')
    .replace(/^stress:\n(?: {2}.*\n)+/m, '');
  if (/^ *stress:/m.test(edited))
    throw new Error('withoutStress: the example config holds a stress: key it cannot remove');
  return edited;
}

/**
 * The bundled example's config read as a plain image-folder test set (no manifest, no slices), for
 * tests that write their own config over a copy of the example and must not depend on how the
 * example's own config changes.
 */
export const IMAGE_FOLDER_CONFIG = `version: 1
task: image-classification
model:
  path: model.onnx
  outputs: logits
classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']
test-set:
  path: test-set
preprocess:
  color: gray
  scale: 0.00392156862745098
  mean: 0.5
  std: 0.5
  layout: NCHW
batch-size: 64
`;
