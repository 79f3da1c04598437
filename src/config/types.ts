/** The resolved configuration: every path absolute, every default applied. */
import type { PreprocessOptions } from '../dataset/types.js';
import type { ExecutionProvider, OutputKind } from '../runtime/types.js';

/** A file that comes from disk or from a pinned https URL. */
export type ArtifactSource =
  | { kind: 'path'; path: string; sha256?: string }
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
    /** Manifest path relative to the test-set folder. */
    manifest?: string;
    /** Absolute lock path; null for `lock: none`; undefined = default inside the test-set folder. */
    lock: string | null | undefined;
  };
  /** Everything but the channel count, which comes from the model's input. */
  preprocess: Omit<PreprocessOptions, 'channels'>;
  /** Absolute path of the baseline report, or null for none. */
  baselineReport: string | null;
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
