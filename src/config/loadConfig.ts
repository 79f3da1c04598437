/**
 * Reads evalgate.yml: YAML -> schema validation (with line numbers and suggestions) -> an
 * EvalConfig with every path resolved against the config file's folder and CLI overrides applied.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isMap, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { resolveManifestPath } from '../dataset/testSetPaths.js';
import { fileErrorCode, fileErrorReason, InputError } from '../shared/errors.js';
import { countOf } from '../shared/plural.js';
import { IMAGE_PERTURBATIONS, perturbationNamed } from '../modalities/image/perturbations/registry.js';
import { configSchema, type RawConfig, STRESS_GATE_KEYS } from './schema.js';
import { resolveStress } from './stressConfig.js';
import { nearest } from './suggest.js';
import type {
  CostsConfig,
  GateEvidence,
  GatesConfig,
  SliceGatesConfig,
  StatisticsConfig,
  StressGatesConfig,
} from './types.js';
import type { ArtifactSource, ConfigOverrides, EvalConfig, SettingOrigin } from './types.js';

/** Loads, validates and resolves a config file. */
export function loadConfig(configFile: string, overrides: ConfigOverrides): EvalConfig {
  const absolute = path.resolve(overrides.cwd, configFile);
  // Messages name the file as the user would type it: relative to where they are.
  const displayName = path.relative(overrides.messagesRelativeTo ?? overrides.cwd, absolute) || absolute;
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (error) {
    throw configFileError(error, displayName, path.dirname(absolute));
  }
  const { config, locate } = parseConfig(text, displayName);
  return resolveConfig({
    raw: config,
    baseDir: path.dirname(absolute),
    configFile: absolute,
    overrides,
    locate,
  });
}

/** Why the config file cannot be read, as a sentence (never a bare `ENOENT`). */
function configFileError(error: unknown, displayName: string, folder: string): InputError {
  const errno = (error as NodeJS.ErrnoException | undefined)?.code;
  const message =
    errno === 'ENOENT'
      ? `there is no config file ${displayName} in ${folder}`
      : errno === 'EISDIR'
        ? `the config file ${displayName} is a folder, not a file`
        : errno === 'EACCES' || errno === 'EPERM'
          ? `the config file ${displayName} cannot be read: permission denied`
          : `the config file ${displayName} cannot be read (${fileErrorReason(error)})`;
  return new InputError(message, {
    code: fileErrorCode(error),
    hint:
      errno === 'ENOENT'
        ? "run evalgate in the folder that holds evalgate.yml, or pass --config <file> (in the action: its 'config' input); docs/config.md shows a minimal one"
        : "pass --config <file> (in the action: its 'config' input) with a readable YAML file",
    cause: error,
  });
}

/** `file:line` of a key path in the config, for messages about values that passed the schema. */
export type Locate = (keyPath: string[]) => string;

/** Parses and validates config text; errors cite `file:line` and the key path. */
export function parseConfigText(text: string, displayName: string): RawConfig {
  return parseConfig(text, displayName).config;
}

function parseConfig(text: string, displayName: string): { config: RawConfig; locate: Locate } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const first = doc.errors[0];
    const pos = lineCounter.linePos(first.pos[0]);
    throw new InputError(`invalid YAML: ${first.message.split('\n')[0]}`, {
      code: 'E_CONFIG_INVALID',
      where: `${displayName}:${pos.line}:${pos.col}`,
      hint: 'check indentation and quoting around that line',
    });
  }
  const data: unknown = doc.toJS();
  if (data === null || data === undefined) {
    throw new InputError('the config file is empty', {
      code: 'E_CONFIG_INVALID',
      where: displayName,
      hint: 'it needs at least version: 1, model, classes and test-set (see docs/config.md)',
    });
  }
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new InputError('the config must be a YAML mapping of keys to values', {
      code: 'E_CONFIG_INVALID',
      where: displayName,
    });
  }
  const locate: Locate = (keyPath) => `${displayName}:${lineOfPath(doc, lineCounter, keyPath)}`;
  checkStressGateNames(
    data,
    (key) => `${displayName}:${lineOfKey(doc, lineCounter, ['gates', 'stress'], key)}`,
  );
  const parsed = configSchema.safeParse(data);
  if (parsed.success) return { config: parsed.data, locate };

  const messages = collapseArrayIssues(parsed.error.issues.flatMap(unionBranchIssues)).map((issue) =>
    describeIssue(issue, doc, lineCounter, displayName),
  );
  const [first, ...rest] = messages;
  throw new InputError(
    rest.length === 0
      ? first.message
      : `${first.message}\n${rest.map((m) => `  also ${m.where}: ${m.message}`).join('\n')}`,
    { code: 'E_CONFIG_INVALID', where: first.where, hint: first.hint },
  );
}

/**
 * Every key of `gates.stress` other than its named gates must be a perturbation name. Checked
 * before the schema, which would otherwise read a misspelt `mean-acuracy` as a perturbation gate
 * and ask for its severity.
 */
function checkStressGateNames(data: unknown, where: (key: string) => string): void {
  const gates = (data as { gates?: unknown }).gates;
  const stress =
    gates !== null && typeof gates === 'object' ? (gates as { stress?: unknown }).stress : undefined;
  if (stress === null || typeof stress !== 'object' || Array.isArray(stress)) return;
  const named: readonly string[] = STRESS_GATE_KEYS;
  const perturbations = IMAGE_PERTURBATIONS.map((p) => p.name);
  for (const key of Object.keys(stress)) {
    if (named.includes(key) || perturbationNamed(key) !== undefined) continue;
    const suggestion = nearest(key, [...named, ...perturbations]);
    throw new InputError(
      `unknown key 'gates.stress.${key}': neither a stress gate nor a perturbation${suggestion ? `; did you mean 'gates.stress.${suggestion}'?` : ''}`,
      {
        code: 'E_CONFIG_INVALID',
        where: where(key),
        hint: `the keys under 'gates.stress' are ${named.join(', ')} and perturbation names: ${perturbations.join(', ')}`,
      },
    );
  }
}

/**
 * A value that fails every option of a union (`stress: default | { ... }`) but got past the type
 * check of exactly one of them, a mapping (`stress: { samples: some }`), is that mapping's mistake:
 * its own issues, at their full paths, say more than "matches no option".
 */
function unionBranchIssues(issue: z.core.$ZodIssue): z.core.$ZodIssue[] {
  if (issue.code !== 'invalid_union' || !('errors' in issue) || issue.errors.length === 0) return [issue];
  const rootTypeMismatch = (issues: z.core.$ZodIssue[]) =>
    issues.every((i) => i.path.length === 0 && (i.code === 'invalid_type' || i.code === 'invalid_value'));
  // Only a mapping's mistakes (a key's value, an unknown key): a list is described as a whole.
  const inMapping = (issues: z.core.$ZodIssue[]) =>
    issues.every((i) => typeof i.path[0] === 'string' || i.code === 'unrecognized_keys');
  const matched = issue.errors.filter((branch) => !rootTypeMismatch(branch));
  if (matched.length !== 1 || !inMapping(matched[0]!)) return [issue];
  return matched[0]!.flatMap((inner) =>
    unionBranchIssues({ ...inner, path: [...issue.path, ...inner.path] } as z.core.$ZodIssue),
  );
}

/** One message for the same mistake in many list items (`classes: [0, 1, ..., 9]` unquoted). */
function collapseArrayIssues(issues: z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const shape = `${issue.code}|${issue.path.map((p) => (typeof p === 'number' ? '[]' : String(p))).join('.')}`;
    if (seen.has(shape)) return false;
    seen.add(shape);
    return true;
  });
}

interface IssueMessage {
  where: string;
  message: string;
  hint?: string;
}

function describeIssue(
  issue: z.core.$ZodIssue,
  doc: Document,
  lineCounter: LineCounter,
  displayName: string,
): IssueMessage {
  const keyPath = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0];
    const fullKey = [...keyPath, key].join('.');
    const known = knownKeysAt(keyPath);
    const suggestion = nearest(key, known);
    return {
      where: `${displayName}:${lineOfKey(doc, lineCounter, keyPath, key)}`,
      message:
        `unknown key '${fullKey}'` +
        (suggestion ? `; did you mean '${[...keyPath, suggestion].join('.')}'?` : '') +
        (issue.keys.length > 1 ? ` (also unknown: ${issue.keys.slice(1).join(', ')})` : ''),
      hint: `valid keys ${keyPath.length ? `under '${keyPath.join('.')}' ` : ''}are: ${known.join(', ')}`,
    };
  }
  const where = `${displayName}:${lineOfPath(doc, lineCounter, keyPath)}`;
  const field = keyPath.length ? `'${keyPath.join('.')}'` : 'the config';
  if (keyPath[0] === 'preprocess' && SIZE_KEYS.has(keyPath[1] ?? '')) {
    return sizeIssue(keyPath[1], valueAt(doc, keyPath.slice(0, 2)), where);
  }
  const given = valueAt(doc, keyPath);
  const description = schemaAt(keyPath)?.description as string | undefined;
  if (given === undefined) {
    return { where, message: `${field} is required`, hint: description };
  }
  if (issue.code === 'invalid_value' && 'values' in issue) {
    const values = issue.values.map((v) => JSON.stringify(v));
    // `version: '1'`: the right value written as text; say so rather than "did you mean '1'".
    const sameText = issue.values.find((v) => typeof v !== 'string' && String(v) === String(given));
    if (sameText !== undefined) {
      return {
        where,
        message: `${field} must be ${JSON.stringify(sameText)} (a number), not the text ${JSON.stringify(given)}`,
      };
    }
    const suggestion = typeof given === 'string' ? nearest(given, issue.values.map(String)) : undefined;
    return {
      where,
      message: `${field} must be one of ${values.join(', ')}, got ${JSON.stringify(given)}${suggestion ? `; did you mean '${suggestion}'?` : ''}`,
    };
  }
  if (issue.code === 'invalid_type') {
    const known = knownKeysAt(keyPath);
    if (issue.expected === 'object' && known.length > 0) {
      return {
        where,
        message: `${field} must be a mapping with the keys ${known.join(', ')}, got ${JSON.stringify(given)}`,
        hint: `for example:  ${keyPath.at(-1)}: { ${known[0]}: ... }`,
      };
    }
    if (issue.expected === 'string' && typeof given === 'number') {
      const list =
        keyPath.length > 1 && /^\d+$/.test(keyPath.at(-1)!) ? `'${keyPath.slice(0, -1).join('.')}'` : field;
      return {
        where,
        message: `${list} must hold text, got the number ${given}`,
        hint: `quote names that look like numbers, e.g. ['0', '1', '2']`,
      };
    }
  }
  const reason =
    issue.code === 'invalid_union' && description
      ? description
      : issue.message.replace(/^Invalid input: /, '');
  return { where, message: `${field}: ${reason}, got ${JSON.stringify(given)}` };
}

/** The `preprocess` keys that take a size in pixels. */
const SIZE_KEYS = new Set(['resize', 'center-crop']);

/** A size that is not one: the message shows both valid forms, and `24x24` gets its fix. */
function sizeIssue(key: string, given: unknown, where: string): IssueMessage {
  const pair = typeof given === 'string' ? /^\s*(\d+)\s*[x×X*,]\s*(\d+)\s*$/.exec(given) : null;
  return {
    where,
    message:
      `'preprocess.${key}' must be a whole number of pixels for a square (${key}: 224) or ` +
      `[height, width] (${key}: [224, 320]), got ${JSON.stringify(given)}`,
    hint: pair
      ? `write it as  ${key}: [${pair[1]}, ${pair[2]}]  (height first, then width)`
      : 'sizes are whole numbers of pixels, at least 1',
  };
}

/** Keys the schema allows at a key path (for suggestions), walking through optional/default wrappers. */
function knownKeysAt(keyPath: string[]): string[] {
  const node = mappingOf(schemaAt(keyPath));
  return node?.shape ? Object.keys(node.shape).filter((k) => k !== '$schema') : [];
}

/** The schema node at a key path (list items by index), unwrapped; undefined past the schema's shape. */
// biome-ignore lint/suspicious/noExplicitAny: walking zod's schema tree generically
function schemaAt(keyPath: string[]): any {
  // biome-ignore lint/suspicious/noExplicitAny: walking zod's schema tree generically
  let node: any = unwrap(configSchema);
  for (const key of keyPath) {
    if (/^\d+$/.test(key) && node?.element) node = unwrap(node.element);
    else node = unwrap(mappingOf(node)?.shape?.[key]);
  }
  return node;
}

// biome-ignore lint/suspicious/noExplicitAny: zod wrapper types differ; all expose unwrap()
function unwrap(node: any): any {
  let current = node;
  while (current && typeof current.unwrap === 'function' && !current.shape && !current.element) {
    current = current.unwrap();
  }
  return current;
}

/**
 * The mapping a node stands for: the node itself, or the mapping option of a union of a word and a
 * mapping (`stress: default | { ... }`), whose keys are the ones to walk into and to suggest.
 */
// biome-ignore lint/suspicious/noExplicitAny: walking zod's schema tree generically
function mappingOf(node: any): any {
  if (node?._zod?.def?.type !== 'union') return node;
  // biome-ignore lint/suspicious/noExplicitAny: zod union options are schema nodes
  return unwrap(node.options.find((option: any) => unwrap(option)?.shape)) ?? node;
}

function valueAt(doc: Document, keyPath: string[]): unknown {
  const node = doc.getIn(keyPath, true);
  if (node === undefined) return undefined;
  return isScalar(node) ? node.value : doc.getIn(keyPath);
}

function lineOfPath(doc: Document, lineCounter: LineCounter, keyPath: string[]): number {
  for (let depth = keyPath.length; depth >= 0; depth--) {
    // biome-ignore lint/suspicious/noExplicitAny: yaml nodes carry an optional range
    const node: any = depth === 0 ? doc.contents : doc.getIn(keyPath.slice(0, depth), true);
    if (node?.range) return lineCounter.linePos(node.range[0]).line;
  }
  return 1;
}

function lineOfKey(doc: Document, lineCounter: LineCounter, parentPath: string[], key: string): number {
  const parent = parentPath.length === 0 ? doc.contents : doc.getIn(parentPath, true);
  if (isMap(parent)) {
    for (const pair of parent.items) {
      // biome-ignore lint/suspicious/noExplicitAny: pair keys are yaml nodes with ranges
      const keyNode: any = pair.key;
      if (isScalar(keyNode) && String(keyNode.value) === key && keyNode.range) {
        return lineCounter.linePos(keyNode.range[0]).line;
      }
    }
  }
  return lineOfPath(doc, lineCounter, parentPath);
}

export interface ResolveConfigInput {
  raw: RawConfig;
  /** Folder that the config's own paths are relative to (the config file's folder). */
  baseDir: string;
  configFile: string | null;
  /** Flags or action inputs, with the folder their relative paths start from. */
  overrides: ConfigOverrides;
  /** Names the `file:line:column` of a key path, for messages; the config file's name otherwise. */
  locate?: Locate;
}

/** Applies overrides and resolves paths; reads the classes file. Pure apart from that read. */
export function resolveConfig(input: ResolveConfigInput): EvalConfig {
  const { raw, baseDir, configFile, overrides, locate } = input;
  const fallback = configFile ?? 'flags';
  const at: Locate = locate ?? (() => fallback);
  const fromBase = (p: string) => path.resolve(baseDir, p);
  // Flags are paths as typed: relative to where the command ran, not to the config file.
  const { cwd } = overrides;
  const flag = (
    key: keyof NonNullable<ConfigOverrides['overrideNames']>,
    fallback: string,
  ): SettingOrigin => {
    const name = overrides.overrideNames?.[key] ?? fallback;
    return { name, where: name, relativeTo: 'the folder evalgate runs in' };
  };
  const configKey = (keyPath: string[]): SettingOrigin => ({
    name: keyPath.join('.'),
    where: at(keyPath),
    relativeTo: "the config file's folder",
  });

  const modelSource: ArtifactSource = overrides.model
    ? sourceFromFlag(overrides.model, cwd, flag('model', '--model'))
    : artifactSource(raw.model, 'model', at, fromBase);
  const testSetSource: ArtifactSource = overrides.testSet
    ? sourceFromFlag(overrides.testSet, cwd, flag('testSet', '--test-set'))
    : artifactSource(raw['test-set'], 'test-set', at, fromBase);

  const classes = readClasses(raw, at, fromBase);
  const lockSetting = raw['test-set'].lock;
  // --lock wins. A test set given by flag brings its own lock (the default beside or inside it):
  // the configured lock belongs to the configured test set. `lock: none` stays none.
  const lock =
    overrides.lock !== undefined
      ? path.resolve(cwd, overrides.lock)
      : lockSetting === 'none'
        ? null
        : lockSetting === undefined || overrides.testSet
          ? undefined
          : fromBase(lockSetting);
  const manifestSetting = raw['test-set'].manifest;
  const manifest =
    manifestSetting === undefined || testSetSource.kind === 'url'
      ? manifestSetting // a downloaded test set's manifest is inside what was downloaded
      : resolveManifestPath({
          manifest: manifestSetting,
          base: baseDir,
          testSetRoot: testSetSource.path,
          where: at(['test-set', 'manifest']),
        });

  const pre = raw.preprocess;
  const baselineFromFlag = overrides.baseline !== undefined;
  const baselineSetting = baselineFromFlag
    ? overrides.baseline === null || overrides.baseline === undefined
      ? null
      : path.resolve(cwd, overrides.baseline)
    : raw.baseline?.report
      ? fromBase(raw.baseline.report)
      : null;
  const baselineReportOrigin =
    baselineSetting === null
      ? undefined
      : baselineFromFlag
        ? flag('baseline', '--baseline')
        : configKey(['baseline', 'report']);

  return {
    configFile,
    baseDir,
    task: raw.task,
    model: {
      source: modelSource,
      input: raw.model.input,
      output: raw.model.output,
      outputKind: raw.model.outputs,
    },
    classes,
    testSet: { source: testSetSource, manifest, lock },
    preprocess: {
      resize: toSize(pre.resize),
      centerCrop: toSize(pre['center-crop']),
      color: pre.color,
      scale: pre.scale ?? null,
      mean: toList(pre.mean),
      std: checkStd(toList(pre.std), at(['preprocess', 'std'])),
      layout: pre.layout,
    },
    baselineReport: baselineSetting,
    ...(baselineReportOrigin ? { baselineReportOrigin } : {}),
    baselineModel: raw.baseline?.model ? fromBase(raw.baseline.model) : null,
    gates: resolveGates(raw.gates),
    statistics: resolveStatistics(raw.statistics),
    costs: checkCostGate(raw, classes, at),
    batchSize: overrides.batchSize ?? raw['batch-size'],
    topK: raw['top-k'] ?? null,
    seed: raw.seed,
    device: overrides.device ?? raw.device,
    ...(raw.stress !== undefined ? { stress: resolveStress(raw.stress, raw.seed, at) } : {}),
  };
}

export function resolveStatistics(raw: RawConfig['statistics']): StatisticsConfig {
  return {
    confidence: raw.confidence,
    alpha: raw.alpha,
    correction: raw.correction,
    power: raw.power,
    minClassSamples: raw['min-class-samples'],
  };
}

type RawEvidence = { significance: 'on' | 'off'; alpha?: number; 'on-unproven': 'warn' | 'fail' };

function evidence(raw: RawEvidence): GateEvidence {
  return { significance: raw.significance === 'on', alpha: raw.alpha, onUnproven: raw['on-unproven'] };
}

export function resolveGates(raw: RawConfig['gates']): GatesConfig {
  const recall = raw['per-class-recall'];
  return {
    perClassRecall: {
      maxDrop: recall['max-drop'],
      onMissingClass: recall['on-missing-class'],
      ...evidence(recall),
    },
    accuracy: raw.accuracy
      ? { min: raw.accuracy.min, maxDrop: raw.accuracy['max-drop'], ...evidence(raw.accuracy) }
      : undefined,
    macroF1: raw['macro-f1']
      ? { min: raw['macro-f1'].min, maxDrop: raw['macro-f1']['max-drop'], ...evidence(raw['macro-f1']) }
      : undefined,
    ece: raw.ece
      ? { max: raw.ece.max, maxIncrease: raw.ece['max-increase'], ...evidence(raw.ece) }
      : undefined,
    cost: raw.cost
      ? { max: raw.cost.max, maxIncrease: raw.cost['max-increase'], ...evidence(raw.cost) }
      : undefined,
    slices: raw.slices ? resolveSliceGates(raw.slices) : undefined,
    ...(raw.stress ? { stress: resolveStressGates(raw.stress) } : {}),
  };
}

/**
 * `gates.stress`, resolved; its perturbation names were checked against the registry
 * (checkStressGateNames) and are checked against the run's stress section by compare/stressGates.ts.
 */
function resolveStressGates(raw: NonNullable<RawConfig['gates']['stress']>): StressGatesConfig {
  const { 'mean-accuracy': mean, 'per-class-recall': recall, 'flip-rate': flip, ...rest } = raw;
  const perturbations: StressGatesConfig['perturbations'] = {};
  for (const [name, gate] of Object.entries(rest)) {
    const g = gate as { severity: number; 'min-accuracy': number } & RawEvidence;
    perturbations[name] = { severity: g.severity, minAccuracy: g['min-accuracy'], ...evidence(g) };
  }
  return {
    perturbations,
    ...(mean ? { meanAccuracy: { maxDrop: mean['max-drop'], ...evidence(mean) } } : {}),
    ...(recall
      ? {
          perClassRecall: {
            maxDrop: recall['max-drop'],
            ...(recall.severity === undefined ? {} : { severity: recall.severity }),
            ...evidence(recall),
          },
        }
      : {}),
    ...(flip ? { flipRate: { max: flip.max, ...evidence(flip) } } : {}),
  };
}

/** `gates.slices`, resolved; whether each column exists is checked against the test set (compare/sliceGates.ts). */
function resolveSliceGates(raw: NonNullable<RawConfig['gates']['slices']>): Record<string, SliceGatesConfig> {
  const slices: Record<string, SliceGatesConfig> = {};
  for (const [column, gates] of Object.entries(raw)) {
    const accuracy = gates.accuracy;
    const recall = gates['per-class-recall'];
    slices[column] = {
      ...(accuracy
        ? { accuracy: { min: accuracy.min, maxDrop: accuracy['max-drop'], ...evidence(accuracy) } }
        : {}),
      ...(recall ? { perClassRecall: { maxDrop: recall['max-drop'], ...evidence(recall) } } : {}),
    };
  }
  return slices;
}

/** The cost matrix, checked; a cost gate without one cannot be applied and is refused. */
function checkCostGate(raw: RawConfig, classes: string[], at: Locate): CostsConfig | null {
  if (raw.gates.cost !== undefined && raw.costs === undefined) {
    throw new InputError('gates.cost needs a cost matrix, and costs.matrix is not set', {
      code: 'E_CONFIG_INVALID',
      where: at(['gates', 'cost']),
      hint: 'add costs: { matrix: [[...], ...] } (rows = true class, columns = predicted class), or remove gates.cost',
    });
  }
  return raw.costs ? checkCosts(raw.costs, classes, at) : null;
}

/** The cost matrix must be square over the class list: one row and one column per class. */
function checkCosts(raw: NonNullable<RawConfig['costs']>, classes: string[], at: Locate): CostsConfig {
  const n = classes.length;
  if (raw.matrix.length !== n) {
    throw new InputError(
      `costs.matrix has ${countOf(raw.matrix.length, 'row')} for ${countOf(n, 'class', 'classes')}`,
      {
        code: 'E_CONFIG_INVALID',
        where: at(['costs', 'matrix']),
        hint: 'give one row per true class, in class-list order (rows = true class, columns = predicted class)',
      },
    );
  }
  raw.matrix.forEach((row, i) => {
    if (row.length !== n) {
      throw new InputError(
        `costs.matrix row ${i + 1} (true class '${classes[i]}') has ${countOf(row.length, 'column')} for ${countOf(n, 'class', 'classes')}`,
        {
          code: 'E_CONFIG_INVALID',
          where: at(['costs', 'matrix', String(i)]),
          hint: 'give one column per predicted class, in class-list order',
        },
      );
    }
  });
  return { matrix: raw.matrix.map((row) => [...row]), unit: raw.unit };
}

function artifactSource(
  section: { path?: string; url?: string; sha256?: string },
  name: string,
  at: Locate,
  fromBase: (p: string) => string,
): ArtifactSource {
  if (section.path && section.url) {
    throw new InputError(`'${name}' has both path and url; give one`, {
      code: 'E_CONFIG_INVALID',
      where: at([name]),
    });
  }
  const where = at([name, 'url']);
  if (section.url) {
    if (!/^https:\/\//i.test(section.url)) {
      throw new InputError(`'${name}.url' must be an https URL, got '${section.url}'`, {
        code: 'E_CONFIG_INVALID',
        where,
        hint: 'plain http can be tampered with in transit; serve the file over https',
      });
    }
    if (!section.sha256) {
      throw new InputError(`'${name}.url' needs '${name}.sha256' so that the download can be verified`, {
        code: 'E_CONFIG_INVALID',
        where,
        hint: `compute it with: sha256sum <file>  and add  sha256: <digest>  under ${name}`,
      });
    }
    return { kind: 'url', url: section.url, sha256: normaliseDigest(section.sha256) };
  }
  if (!section.path) {
    throw new InputError(`'${name}' needs a path (or a url with sha256)`, {
      code: 'E_CONFIG_INVALID',
      where: at([name]),
    });
  }
  return {
    kind: 'path',
    path: fromBase(section.path),
    sha256: section.sha256 ? normaliseDigest(section.sha256) : undefined,
    origin: { name: `${name}.path`, where: at([name, 'path']), relativeTo: "the config file's folder" },
  };
}

function sourceFromFlag(value: string, cwd: string, origin: SettingOrigin): ArtifactSource {
  if (/^[a-z]+:\/\//i.test(value)) {
    throw new InputError(`'${value}' is a URL; ${origin.name} takes a local path`, {
      code: 'E_CONFIG_INVALID',
      where: origin.where,
      hint: 'a download needs its sha256: put url and sha256 under model or test-set in the config file',
    });
  }
  return { kind: 'path', path: path.resolve(cwd, value), origin };
}

function readClasses(raw: RawConfig, at: Locate, fromBase: (p: string) => string): string[] {
  if (raw.classes && raw['classes-file']) {
    throw new InputError(`give either 'classes' or 'classes-file', not both`, {
      code: 'E_CONFIG_INVALID',
      where: at(['classes-file']),
    });
  }
  let classes: string[];
  if (raw.classes) {
    classes = raw.classes;
  } else if (raw['classes-file']) {
    const file = fromBase(raw['classes-file']);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      const missing = (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
      throw new InputError(
        missing
          ? `the classes file ${file} does not exist`
          : `the classes file ${file} cannot be read (${fileErrorReason(error)})`,
        {
          code: fileErrorCode(error),
          where: at(['classes-file']),
          hint: "check 'classes-file' (relative paths start at the config file's folder)",
          cause: error,
        },
      );
    }
    classes = text
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line.length > 0);
    if (classes.length === 0)
      throw new InputError('the classes file lists no class', { code: 'E_CONFIG_INVALID', where: file });
  } else {
    throw new InputError(`'classes' is required: the class names in the order of the model's outputs`, {
      code: 'E_CONFIG_INVALID',
      where: at([]),
      hint: 'add  classes: [cat, dog, ...]  or  classes-file: labels.txt  (one name per line)',
    });
  }
  const seen = new Set<string>();
  for (const name of classes) {
    if (seen.has(name)) {
      throw new InputError(`class '${name}' is listed twice in 'classes'`, {
        code: 'E_CONFIG_INVALID',
        where: raw.classes ? at(['classes', String(raw.classes.lastIndexOf(name))]) : at(['classes-file']),
      });
    }
    seen.add(name);
  }
  return classes;
}

function toSize(value: number | [number, number] | undefined): [number, number] | null {
  if (value === undefined) return null;
  return typeof value === 'number' ? [value, value] : value;
}

function toList(value: number | number[]): number[] {
  return typeof value === 'number' ? [value] : value;
}

function checkStd(std: number[], where: string): number[] {
  if (std.some((s) => s === 0)) {
    throw new InputError("'preprocess.std' must not contain 0 (it divides)", {
      code: 'E_CONFIG_INVALID',
      where,
    });
  }
  return std;
}

function normaliseDigest(digest: string): string {
  return digest.replace(/^sha256:/, '').toLowerCase();
}
