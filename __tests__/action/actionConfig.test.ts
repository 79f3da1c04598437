import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  parseActionInputs,
  parseBooleanInput,
  parseChoiceInput,
  parseCommentKey,
  parseLabelInput,
} from '../../src/action/actionConfig.js';
import { Inputs, Outputs } from '../../src/action/constants.js';
import { cacheScope } from '../../src/action/evaluateMode.js';
import { defaultCommentKey } from '../../src/action/runContext.js';
import { InputError } from '../../src/shared/errors.js';
import { commentMarker } from '../../src/render/markdown.js';
import { repoRoot } from '../helpers/cli.js';

interface ActionYml {
  runs: { using: string; main: string };
  branding: { icon: string; color: string };
  inputs: Record<string, { description?: string; default?: unknown; required?: boolean }>;
  outputs: Record<string, { description?: string }>;
}

const action = parse(readFileSync(path.join(repoRoot, 'action.yml'), 'utf8')) as ActionYml;

describe('action.yml', () => {
  it('declares exactly the inputs and outputs the code reads and sets', () => {
    expect(Object.keys(action.inputs).sort()).toEqual(Object.values(Inputs).sort());
    expect(Object.keys(action.outputs).sort()).toEqual(Object.values(Outputs).sort());
  });

  it('documents every input with a description and a string default, and every output with a description', () => {
    for (const [name, input] of Object.entries(action.inputs)) {
      expect(input.description, name).toMatch(/\S{3}/);
      expect(typeof input.default, name).toBe('string');
      expect(input.required, name).toBe(false);
    }
    for (const [name, output] of Object.entries(action.outputs))
      expect(output.description, name).toMatch(/\S{3}/);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the expression as action.yml spells it
    expect(action.inputs[Inputs.githubToken]!.default).toBe('${{ github.token }}');
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' });
    expect(action.branding.icon).not.toBe('');
  });

  it('has defaults that the input parser accepts and reads as documented', () => {
    const defaults = Object.fromEntries(
      Object.entries(action.inputs).map(([name, input]) => [name, String(input.default)]),
    );
    const config = parseActionInputs((name) =>
      name === Inputs.githubToken ? 'token' : (defaults[name] ?? ''),
    );
    expect(config).toMatchObject({
      mode: 'evaluate',
      config: 'evalgate.yml',
      baselineSource: 'auto',
      comment: true,
      commentKey: '',
      updateBaseline: false,
      acceptLabel: '',
      device: undefined,
      workingDirectory: '.',
      outputDir: 'evalgate-output',
    });
  });
});

describe('parseActionInputs', () => {
  const read = (values: Record<string, string>) => (name: string) => values[name] ?? '';

  it('reads empty inputs (a local run without action.yml defaults) as the defaults', () => {
    const config = parseActionInputs(read({}));
    expect(config.comment).toBe(true);
    expect(config.mode).toBe('evaluate');
    expect(config.model).toBeUndefined();
    expect(config.githubToken).toBe('');
  });

  it('names the input and the value in every error', () => {
    expect(() => parseActionInputs(read({ comment: 'yes' }))).toThrow(
      "input 'comment' must be true or false, got 'yes'",
    );
    expect(() => parseActionInputs(read({ 'baseline-source': 'repo' }))).toThrow(
      "input 'baseline-source' must be one of auto, model, repository, cache, none, got 'repo'",
    );
    expect(() => parseActionInputs(read({ device: 'gpu' }))).toThrow(
      /input 'device' must be one of cpu, cuda, got 'gpu'/,
    );
    expect(() => parseActionInputs(read({ mode: 'publsh', 'result-dir': 'r' }))).toThrow(
      /input 'mode' must be one of evaluate, publish, got 'publsh'; did you mean 'publish'\?/,
    );
  });

  it('requires result-dir in publish mode', () => {
    expect(() => parseActionInputs(read({ mode: 'publish' }))).toThrow(
      /input 'result-dir' is required when 'mode' is 'publish'/,
    );
    expect(parseActionInputs(read({ mode: 'publish', 'result-dir': 'result' })).resultDir).toBe('result');
  });
});

describe('input validators', () => {
  it('accept the YAML 1.2 booleans core.getBooleanInput accepts, and nothing else', () => {
    for (const yes of ['true', 'True', 'TRUE']) expect(parseBooleanInput('x', yes, false)).toBe(true);
    for (const no of ['false', 'False', 'FALSE']) expect(parseBooleanInput('x', no, true)).toBe(false);
    expect(parseBooleanInput('x', '', true)).toBe(true);
    for (const bad of ['yes', '1', 'on', 'tru'])
      expect(() => parseBooleanInput('x', bad, true)).toThrow(InputError);
  });

  it('choices are exact', () => {
    expect(parseChoiceInput('m', 'cache', ['cache', 'none'] as const, 'none')).toBe('cache');
    expect(() => parseChoiceInput('m', 'Cache', ['cache', 'none'] as const, 'none')).toThrow(
      /did you mean 'cache'/,
    );
  });

  it('one label of at most 50 characters; a one-line comment key', () => {
    expect(parseLabelInput('accept-label', 'evalgate/accept-regression')).toBe('evalgate/accept-regression');
    expect(() => parseLabelInput('accept-label', 'a,b')).toThrow(/one label name/);
    expect(() => parseLabelInput('accept-label', 'x'.repeat(51))).toThrow(/at most 50 characters/);
    expect(() => parseCommentKey('a\nb')).toThrow(/input 'comment-key' must be one line/);
  });
});

describe('keys derived from the inputs when comment-key is empty', () => {
  const context = { workflow: 'PR gate', job: 'evaluate' };
  const inputs = { config: 'evalgate.yml', workingDirectory: '.' };

  it('keep the legs of a matrix over config, model or device on separate comments', () => {
    expect(defaultCommentKey(context, inputs)).toBe('PR gate/evaluate:evalgate.yml');
    const legs = [
      defaultCommentKey(context, inputs),
      defaultCommentKey(context, { ...inputs, model: 'models/a.onnx' }),
      defaultCommentKey(context, { ...inputs, model: 'models/b.onnx' }),
      defaultCommentKey(context, { ...inputs, model: 'models/b.onnx', device: 'cuda' }),
      defaultCommentKey(context, { ...inputs, config: 'other.yml' }),
      defaultCommentKey(context, { ...inputs, workingDirectory: 'service' }),
    ];
    expect(new Set(legs).size).toBe(legs.length);
    expect(legs[3]).toBe('PR gate/evaluate:evalgate.yml:model=models/b.onnx:device=cuda');
    expect(legs[5]).toBe('PR gate/evaluate:service/evalgate.yml');
    // Markers of different legs differ too (the marker reduces odd characters to '_').
    expect(new Set(legs.map((key) => commentMarker(key))).size).toBe(legs.length);
  });

  it('stay at most 100 characters, and still differ, for long paths', () => {
    const long = (name: string) =>
      defaultCommentKey(context, { ...inputs, model: `${'deep/'.repeat(30)}${name}.onnx` });
    expect(long('a')).toHaveLength(100);
    expect(long('a')).not.toBe(long('b'));
    expect(long('a')).toBe(long('a'));
  });

  it('scope the cached baseline by comment-key, else by the config path and the model input', () => {
    const workspace = path.join(path.sep, 'work', 'repo');
    const configFile = path.join(workspace, 'gates', 'evalgate.yml');
    expect(cacheScope({ commentKey: 'nightly', model: 'a.onnx' }, configFile, workspace)).toBe('nightly');
    expect(cacheScope({ commentKey: '' }, configFile, workspace)).toBe('gates/evalgate.yml');
    expect(cacheScope({ commentKey: '', model: 'models/a.onnx' }, configFile, workspace)).toBe(
      'gates/evalgate.yml:model=models/a.onnx',
    );
    expect(cacheScope({ commentKey: '' }, path.join(path.sep, 'elsewhere', 'e.yml'), workspace)).toBe(
      'e.yml',
    );
  });
});
