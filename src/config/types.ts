/** The resolved configuration: every path absolute, every default applied. */
import type { ConfiguredPreprocess } from '../dataset/types.js';
import type { Severity } from '../modalities/image/perturbations/types.js';
import type { ExecutionProvider, OutputKind } from '../runtime/types.js';

/**
 * Where a path was set, for messages that blame the right thing: a flag or action input
 * (`--model`, relative to the working folder) or a config key (`model.path` at `evalgate.yml:6`,
 * relative to the config file's folder).
 */
export interface SettingOrigin {
  /** The setting as a person names it: `--model`, `input 'model'`, `model.path`. */
  name: string;
  /** Location shown before the message: the flag itself, or `file:line` of the config key. */
  where: string;
  /** What a relative path in it starts from, for hints: "the config file's folder". */
  relativeTo: string;
}

/** A file that comes from disk or from a pinned https URL. */
export type ArtifactSource =
  | { kind: 'path'; path: string; sha256?: string; origin?: SettingOrigin }
  | { kind: 'url'; url: string; sha256: string };

export interface EvalConfig {
  /** The config file, or null when everything came from flags. */
  configFile: string | null;
  /** Folder that relative paths were resolved against. */
  baseDir: string;
  task: 'image-classification';
  model: {
    source: ArtifactSource;
    input?: string;
    output?: string;
    outputKind: OutputKind;
  };
  /** Class names in model-output order. */
  classes: string[];
  testSet: {
    source: ArtifactSource;
    /**
     * Manifest path: absolute for a local test set (resolved against the config's folder, or the
     * test-set folder for a bare name found only there); relative to the unpacked folder for a URL.
     */
    manifest?: string;
    /**
     * Absolute lock path; null for `lock: none`; undefined = the default (`evalgate.lock.json`
     * inside a folder, `<name>.evalgate.lock.json` beside an .npz).
     */
    lock: string | null | undefined;
  };
  /**
   * Everything but the channel count, which comes from the model's input; `scale` is null when
   * the config leaves it to the test set's data type.
   */
  preprocess: ConfiguredPreprocess;
  /** Absolute path of the baseline report, or null for none. */
  baselineReport: string | null;
  /** Where `baselineReport` was set (`--baseline`, or baseline.report in the config), for messages. */
  baselineReportOrigin?: SettingOrigin;
  /** Absolute path of the baseline model evaluated side by side (`baseline.model`), or null. */
  baselineModel: string | null;
  gates: GatesConfig;
  statistics: StatisticsConfig;
  /** null when no cost matrix is configured. */
  costs: CostsConfig | null;
  batchSize: number;
  /** null = default (5 when there are at least 5 classes, else off). */
  topK: number | null;
  seed: number;
  device: ExecutionProvider;
  /** The stress suite (`stress:`); absent = no stress run. */
  stress?: StressConfig;
}

/** `stress:` in evalgate.yml, resolved (docs/stress.md, "Config"). */
export interface StressConfig {
  /** Perturbation names, known to the registry, in the registry's order, each once. */
  perturbations: string[];
  /** Severities, ascending, each once. */
  severities: Severity[];
  /** 'all' test samples, or the size of a seeded subset stratified by class. */
  samples: number | 'all';
  /** Seed of every perturbation draw and of the subset: `stress.seed`, else the run's `seed`. */
  seed: number;
  /** `file:line` of the `stress` key, for messages raised once the test set is open. */
  where: string;
}

/** Flags that override the config file (CLI flags, action inputs), as the user typed them. */
export interface ConfigOverrides {
  /**
   * Folder that relative flag paths (and the config file's path) start from: the adapter's working
   * folder (the CLI's cwd, the action's working-directory).
   */
  cwd: string;
  /**
   * Folder that messages name the config file relative to (default `cwd`). The action passes the
   * workspace, so that `where` reads as a path in the repository (`ml/evalgate.yml:3:1`) whatever
   * its working-directory.
   */
  messagesRelativeTo?: string;
  model?: string;
  testSet?: string;
  baseline?: string | null;
  /** Lock file (`--lock`), relative to `cwd`; wins over test-set.lock. */
  lock?: string;
  /**
   * How messages name the overrides above: the CLI's flags by default (`--model`); the action
   * passes its inputs (`input 'model'`).
   */
  overrideNames?: Partial<Record<'model' | 'testSet' | 'baseline' | 'lock', string>>;
  batchSize?: number;
  device?: ExecutionProvider;
}

/** The user's gates, resolved (mirrors `gates` in evalgate.yml). Absent keys are off. */
export interface GatesConfig {
  perClassRecall: {
    /** Absolute drop in recall allowed per class (0.02 = two points). */
    maxDrop: number;
    /** What a class with no test samples does to the verdict: fail closed (default) or warn. */
    onMissingClass: 'fail' | 'warn';
  } & GateEvidence;
  accuracy?: { min?: number; maxDrop?: number } & GateEvidence;
  macroF1?: { maxDrop?: number; min?: number } & GateEvidence;
  /** Expected calibration error (15 equal-width bins). */
  ece?: { max?: number; maxIncrease?: number } & GateEvidence;
  /** Expected cost per sample under `costs.matrix`. */
  cost?: { max?: number; maxIncrease?: number } & GateEvidence;
  /** Gates per slice column of the manifest (`gates.slices`), in config order; absent = none. */
  slices?: Record<string, SliceGatesConfig>;
  /** Robustness gates on the stress section (`gates.stress`); absent = none. */
  stress?: StressGatesConfig;
}

/**
 * `gates.stress` (docs/config.md, "gates.stress"): a minimum accuracy per perturbation at one
 * severity, the largest drop of mean corruption accuracy, the largest per-class recall drop under
 * each stressed cell, and a ceiling on each cell's flip rate.
 */
export interface StressGatesConfig {
  /** `gates.stress.<perturbation>`, in config order (perturbation names as in the registry). */
  perturbations: Record<string, { severity: number; minAccuracy: number } & GateEvidence>;
  meanAccuracy?: { maxDrop: number } & GateEvidence;
  /** `severity`: only cells at or below it; absent = every stressed cell. */
  perClassRecall?: { maxDrop: number; severity?: number } & GateEvidence;
  flipRate?: { max: number } & GateEvidence;
}

/** `gates.slices.<column>`: applied to every value of the column (docs/config.md, "gates.slices"). */
export interface SliceGatesConfig {
  accuracy?: { min?: number; maxDrop?: number } & GateEvidence;
  perClassRecall?: { maxDrop: number } & GateEvidence;
}

/** How a gate weighs evidence (docs/statistics.md, "How verdicts are reached"). */
export interface GateEvidence {
  /** false = plain threshold behaviour (`significance: off`). */
  significance: boolean;
  /** Significance level; undefined = `StatisticsConfig.alpha`. */
  alpha?: number;
  /** A breach of the tolerance without enough evidence: a warning, or a failure. */
  onUnproven: 'warn' | 'fail';
}

/** `statistics` in evalgate.yml, resolved. */
export interface StatisticsConfig {
  /** Level of every reported interval (0.95). */
  confidence: number;
  /** Default significance level of the gates (0.05). */
  alpha: number;
  correction: 'holm' | 'benjamini-hochberg' | 'none';
  /** Power for minimum-detectable-drop warnings (0.8). */
  power: number;
  /** Classes with fewer test samples are flagged. */
  minClassSamples: number;
}

/** `costs` in evalgate.yml, resolved: matrix[true][predicted], class-list order. */
export interface CostsConfig {
  matrix: number[][];
  unit?: string;
}
