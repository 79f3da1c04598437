/**
 * What a new user hit in the CLI's messages (issue 9, item 11): each error names its location once,
 * blames the flag or the config key that was really used, is a sentence, shows the valid forms,
 * counts in words, suggests only close names, shows a fixed batch as it is, and reports a changed
 * test set before any label in it.
 *
 * The configs here are written by the tests (the example's image folder, its models), so that they
 * do not depend on how the bundled example's evalgate.yml is set up.
 */
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyExample, fixtureModels, runCli, IMAGE_FOLDER_CONFIG } from '../../helpers/cli.js';

/** A copy of the example with `my.yml` (IMAGE_FOLDER_CONFIG after `edit`) and a fresh lock of its image folder. */
async function scratch(edit: (text: string) => string = (t) => t): Promise<string> {
  const dir = copyExample();
  writeFileSync(path.join(dir, 'my.yml'), IMAGE_FOLDER_CONFIG);
  const locked = await runCli(['lock', '--config', 'my.yml'], dir);
  expect(locked.code).toBe(0);
  writeFileSync(path.join(dir, 'my.yml'), edit(IMAGE_FOLDER_CONFIG));
  return dir;
}

/** The first line of an error, split as describeError writes it: `evalgate: <where>: <message>`. */
function firstLine(stderr: string): string {
  return stderr.split('\n')[0].replace(/^evalgate: /, '');
}

async function bad(dir: string, args: string[]) {
  const result = await runCli(args, dir);
  expect(result.code).toBe(2);
  expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
  return result;
}

describe('a missing model', () => {
  it('given by --model: blames the flag and names the path once', async () => {
    const dir = await scratch();
    const result = await bad(dir, ['run', '--config', 'my.yml', '--no-baseline', '--model', 'nope.onnx']);
    const file = path.join(dir, 'nope.onnx');
    expect(firstLine(result.stderr)).toBe(`--model: model not found: ${file}`);
    expect(result.stderr.split(file).length - 1).toBe(1);
    expect(result.stderr).toContain(
      'hint: check --model (relative paths start at the folder evalgate runs in)',
    );
    expect(result.stderr).not.toContain('model.path');
  });

  it("set by model.path: blames the config key at its line, relative to the config's folder", async () => {
    const dir = await scratch((t) => t.replace('path: model.onnx', 'path: nope.onnx'));
    const result = await bad(dir, ['run', '--config', 'my.yml', '--no-baseline']);
    expect(firstLine(result.stderr)).toBe(`my.yml:4: model not found: ${path.join(dir, 'nope.onnx')}`);
    expect(result.stderr).toContain("check model.path (relative paths start at the config file's folder)");
  });
});

describe('a mistyped --baseline', () => {
  it('is reported as the flag, not as the config file', async () => {
    const dir = await scratch();
    const result = await bad(dir, ['run', '--config', 'my.yml', '--baseline', 'baselin.json']);
    expect(firstLine(result.stderr)).toBe('--baseline: the baseline report baselin.json does not exist');
    expect(result.stderr).not.toContain('my.yml');
  });

  it('set by baseline.report, it names the config key at its line', async () => {
    const dir = await scratch((t) => `${t}baseline:\n  report: baselin.json\n`);
    const result = await bad(dir, ['run', '--config', 'my.yml']);
    expect(firstLine(result.stderr)).toBe('my.yml:17: the baseline report baselin.json does not exist');
    expect(result.stderr).toContain('baseline.report');
  });
});

describe('a missing config', () => {
  it('--config nope.yml is a sentence, not ENOENT', async () => {
    const dir = copyExample();
    const result = await bad(dir, ['run', '--config', 'nope.yml']);
    expect(firstLine(result.stderr)).toBe(`there is no config file nope.yml in ${dir}`);
    expect(result.stderr).not.toContain('ENOENT');
  });

  it('no evalgate.yml in the folder is a sentence that says what to do', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'evalgate-empty-'));
    const result = await bad(dir, ['run']);
    expect(firstLine(result.stderr)).toBe(`there is no config file evalgate.yml in ${dir}`);
    expect(result.stderr).toContain(
      'run evalgate in the folder that holds evalgate.yml, or pass --config <file>',
    );
    expect(result.stderr).not.toContain('ENOENT');
  });
});

describe('preprocess.resize in a wrong form', () => {
  it.each([
    ['24x24', 'write it as  resize: [24, 24]'],
    ['[24]', 'whole numbers of pixels'],
    ['0', 'whole numbers of pixels'],
  ])('resize: %s shows both valid forms', async (value, hint) => {
    const dir = await scratch((t) => t.replace('  color: gray', `  resize: ${value}\n  color: gray`));
    const result = await bad(dir, ['run', '--config', 'my.yml', '--no-baseline']);
    expect(firstLine(result.stderr)).toMatch(
      /^my\.yml:10: 'preprocess\.resize' must be a whole number of pixels for a square \(resize: 224\) or \[height, width\] \(resize: \[224, 320\]\), got /,
    );
    expect(result.stderr).toContain(hint);
  });
});

describe('"did you mean" only for a close name', () => {
  it('a close typo of a key gets the suggestion; a far one does not', async () => {
    const close = await bad(await scratch((t) => t.replace('  color: gray', '  colr: gray')), [
      'run',
      '--config',
      'my.yml',
    ]);
    expect(close.stderr).toContain("did you mean 'preprocess.color'?");
    const far = await bad(await scratch((t) => t.replace('  color: gray', '  id: gray')), [
      'run',
      '--config',
      'my.yml',
    ]);
    expect(far.stderr).toContain("unknown key 'preprocess.id'");
    expect(far.stderr).not.toMatch(/did you mean/i); // 'std' is 2 edits of 2 letters away: a guess
  });

  it('a label folder far from every class gets no suggestion (a close one: __tests__/dataset/readImageFolder.test.ts)', async () => {
    const dir = await scratch();
    mkdirSync(path.join(dir, 'test-set', '12'));
    cpSync(path.join(dir, 'test-set', '1'), path.join(dir, 'test-set', '12'), { recursive: true });
    const far = await bad(dir, ['lock', 'test-set', '--classes', '0,1,2,3,4,5,6,7,8,9']);
    expect(far.stderr).toContain("label '12' (folder 12/) is not in the class list");
    expect(far.stderr).not.toMatch(/did you mean/i);
  });

  it('a mistyped command or flag still gets its suggestion', async () => {
    expect((await bad(copyExample(), ['rnu'])).stderr).toContain("did you mean 'evalgate run'");
    expect((await bad(copyExample(), ['run', '--basline', 'x.json'])).stderr).toContain(
      "did you mean '--baseline'",
    );
    expect((await bad(copyExample(), ['run', '--zzz'])).stderr).not.toMatch(/did you mean/i);
  });
});

describe('a location is not repeated inside one message', () => {
  it.each([
    ['a missing model (flag)', [], ['--model', 'nope.onnx']],
    ['a missing model (config)', [['path: model.onnx', 'path: nope.onnx']], []],
    ['a missing test set (flag)', [], ['--test-set', 'nope-set']],
    ['a missing test set (config)', [['path: test-set', 'path: nope-set']], []],
    [
      'a missing classes file',
      [["classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']", 'classes-file: nope.txt']],
      [],
    ],
    ['a missing lock', [['path: test-set', 'path: test-set\n  lock: nope.lock.json']], []],
    ['a missing baseline', [], ['--baseline', 'nope.json']],
  ] as Array<[string, Array<[string, string]>, string[]]>)('%s', async (_name, edits, flags) => {
    const dir = await scratch((t) => edits.reduce((text, [from, to]) => text.replace(from, to), t));
    const result = await bad(dir, ['run', '--config', 'my.yml', ...flags]);
    const line = firstLine(result.stderr);
    const [where, ...rest] = line.split(': ');
    const message = rest.join(': ');
    expect(message.length).toBeGreaterThan(0);
    // Neither the location nor, for a path, its absolute form comes back in the message.
    expect(message).not.toContain(where);
    expect(message).not.toContain(`${where}: `);
    const absolute = path.resolve(dir, where);
    if (where.includes('/')) expect(message).not.toContain(absolute);
  });
});

describe('counts are pluralised', () => {
  it('evalgate lock says "1 sample in 1 file (1 class)"', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'evalgate-one-'));
    mkdirSync(path.join(root, 'only'));
    const example = copyExample();
    cpSync(path.join(example, 'test-set', '0', 'digit-0010.png'), path.join(root, 'only', 'a.png'));
    const result = await runCli(['lock', root], root);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('locked 1 sample in 1 file (1 class)');
    expect(result.stdout).not.toMatch(/1 samples|1 files|1 classes|\(s\)/);
  });

  it('and "540 samples in 540 files (10 classes)" for many', async () => {
    const dir = await scratch();
    const result = await runCli(['lock', '--config', 'my.yml'], dir);
    expect(result.stdout).toContain('locked 540 samples in 540 files (10 classes)');
  });
});

describe("a fixed-batch model's shape shows its real batch size", () => {
  it('[1,1,8,8] for a batch-1 model whose layout does not fit, in words "1 channel"', async () => {
    const dir = await scratch((t) => t.replace('layout: NCHW', 'layout: NHWC'));
    const model = path.join(fixtureModels, 'digits-batch1.onnx');
    const result = await bad(dir, ['run', '--config', 'my.yml', '--no-baseline', '--model', model]);
    expect(result.stderr).toContain("the model input 'image' is [1,1,8,8], which reads as NCHW (1 channel)");
    expect(result.stderr).not.toMatch(/\[N|batch|channel\(s\)/);
  });

  it('[4,1,8,8] against [4,1,10,10] for a batch-4 model fed a wrong size', async () => {
    const dir = await scratch((t) => t.replace('  color: gray', '  resize: 10\n  color: gray'));
    const model = path.join(fixtureModels, 'digits-batch4.onnx');
    const result = await bad(dir, ['run', '--config', 'my.yml', '--no-baseline', '--model', model]);
    expect(result.stderr).toContain(
      "the model input 'image' expects [4,1,8,8] but preprocessing produces [4,1,10,10]",
    );
  });
});

describe('the lock is checked before the labels', () => {
  it('an unknown label folder and a changed file: the lock mismatch comes first', async () => {
    const dir = await scratch();
    const testSet = path.join(dir, 'test-set');
    mkdirSync(path.join(testSet, 'ten'));
    cpSync(path.join(testSet, '0', 'digit-0010.png'), path.join(testSet, 'ten', 'x.png'));
    writeFileSync(path.join(testSet, '3', 'digit-0045.png'), 'changed');
    const result = await bad(dir, ['run', '--config', 'my.yml', '--no-baseline']);
    expect(result.stderr).toContain('the test set does not match its lock');
    expect(result.stderr).toContain('ten/x.png');
    expect(result.stderr).toContain('3/digit-0045.png');
    expect(result.stderr).not.toContain("label 'ten'");
    expect(result.stderr.split('\n').at(-1)).toBe('evalgate: code: E_LOCK_MISMATCH');
  });
});
