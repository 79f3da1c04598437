/**
 * The action's inputs, read once at run time (never at module load) and checked by pure
 * validators whose messages name the input: `input 'comment' must be true or false, got 'yes'`.
 */
import * as core from '@actions/core';
import { nearest } from '../config/suggest.js';
import { InputError } from '../shared/errors.js';
import type { ExecutionProvider } from '../runtime/types.js';
import { type ActionMode, BASELINE_SOURCES, type BaselineSourceChoice, Inputs, MODES } from './constants.js';

export interface ActionConfig {
  mode: ActionMode;
  /** Config file, relative to `workingDirectory`. */
  config: string;
  model?: string;
  testSet?: string;
  /** Baseline report path (overrides baseline.report). */
  baseline?: string;
  baselineSource: BaselineSourceChoice;
  /** Empty: no GitHub API calls (no comment, no base-commit reads, no label check). */
  githubToken: string;
  comment: boolean;
  /** Scopes the comment marker and the baseline cache key; empty = derived from workflow and job. */
  commentKey: string;
  updateBaseline: boolean;
  /** Label that accepts a failed gate; empty = off. */
  acceptLabel: string;
  /** undefined = the config's `device`. */
  device?: ExecutionProvider;
  onnxruntimePath?: string;
  workingDirectory: string;
  outputDir: string;
  /** Publish mode: the folder holding the evaluate job's output-dir (downloaded artifact). */
  resultDir?: string;
}

/** Reads every input through `core.getInput` (which trims) and validates it. */
export function getActionConfig(): ActionConfig {
  return parseActionInputs((name) => core.getInput(name));
}

/**
 * Validates raw input values. An empty value means the default (inputs that a local run, e.g.
 * `@github/local-action`, leaves unset arrive empty, not with action.yml's default).
 */
export function parseActionInputs(read: (name: string) => string): ActionConfig {
  const text = (name: string) => read(name).trim();
  const optional = (name: string) => text(name) || undefined;
  const mode = parseChoiceInput(Inputs.mode, text(Inputs.mode), MODES, 'evaluate');
  const resultDir = optional(Inputs.resultDir);
  if (mode === 'publish' && resultDir === undefined) {
    throw new InputError(`input '${Inputs.resultDir}' is required when '${Inputs.mode}' is 'publish'`, {
      code: 'E_CONFIG_INVALID',
      hint: 'download the evaluate job’s output-dir artifact (actions/download-artifact) and pass its folder as result-dir',
    });
  }
  const device = text(Inputs.device);
  return {
    mode,
    config: text(Inputs.config) || 'evalgate.yml',
    model: optional(Inputs.model),
    testSet: optional(Inputs.testSet),
    baseline: optional(Inputs.baseline),
    baselineSource: parseChoiceInput(
      Inputs.baselineSource,
      text(Inputs.baselineSource),
      BASELINE_SOURCES,
      'auto',
    ),
    githubToken: text(Inputs.githubToken),
    comment: parseBooleanInput(Inputs.comment, text(Inputs.comment), true),
    commentKey: parseCommentKey(text(Inputs.commentKey)),
    updateBaseline: parseBooleanInput(Inputs.updateBaseline, text(Inputs.updateBaseline), false),
    acceptLabel: parseLabelInput(Inputs.acceptLabel, text(Inputs.acceptLabel)),
    device:
      device === '' ? undefined : parseChoiceInput(Inputs.device, device, ['cpu', 'cuda'] as const, 'cpu'),
    onnxruntimePath: optional(Inputs.onnxruntimePath),
    workingDirectory: text(Inputs.workingDirectory) || '.',
    outputDir: text(Inputs.outputDir) || 'evalgate-output',
    resultDir,
  };
}

/** YAML 1.2 core-schema booleans, as `core.getBooleanInput` accepts them; empty = `fallback`. */
export function parseBooleanInput(name: string, value: string, fallback: boolean): boolean {
  if (value === '') return fallback;
  if (['true', 'True', 'TRUE'].includes(value)) return true;
  if (['false', 'False', 'FALSE'].includes(value)) return false;
  throw new InputError(`input '${name}' must be true or false, got '${value}'`, {
    code: 'E_CONFIG_INVALID',
    hint: `write ${name}: true or ${name}: false in the step's with: block`,
  });
}

/** One of `choices` (exact, lower case); empty = `fallback`. Suggests the nearest for a typo. */
export function parseChoiceInput<T extends string>(
  name: string,
  value: string,
  choices: readonly T[],
  fallback: T,
): T {
  if (value === '') return fallback;
  if ((choices as readonly string[]).includes(value)) return value as T;
  const suggestion = nearest(value, choices);
  throw new InputError(
    `input '${name}' must be one of ${choices.join(', ')}, got '${value}'` +
      (suggestion ? `; did you mean '${suggestion}'?` : ''),
    { code: 'E_CONFIG_INVALID' },
  );
}

/** GitHub label names are at most 50 characters; one label, not a list. */
export function parseLabelInput(name: string, value: string): string {
  if (value.length > 50) {
    throw new InputError(
      `input '${name}' must be a label name of at most 50 characters, got ${value.length}`,
      { code: 'E_CONFIG_INVALID' },
    );
  }
  if (/[\n,]/.test(value)) {
    throw new InputError(`input '${name}' must be one label name, got '${value}'`, {
      code: 'E_CONFIG_INVALID',
      hint: 'give a single label, for example evalgate/accept-regression',
    });
  }
  return value;
}

/** The key ends up in an HTML comment and a cache key: keep it short and on one line. */
export function parseCommentKey(value: string): string {
  if (value.length > 100 || /[\r\n]/.test(value)) {
    throw new InputError(
      `input '${Inputs.commentKey}' must be one line of at most 100 characters, got ${JSON.stringify(value.slice(0, 40))}${value.length > 40 ? '…' : ''}`,
      { code: 'E_CONFIG_INVALID' },
    );
  }
  return value;
}
