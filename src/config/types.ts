/** The resolved configuration: every path absolute, every default applied. */
import type { CostsConfig, GatesConfig, StatisticsConfig } from '../compare/types.js';
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
  /** Folder that relative flag paths start from (default: the process's working folder). */
  cwd?: string;
  model?: string;
  testSet?: string;
  baseline?: string | null;
  batchSize?: number;
  device?: ExecutionProvider;
}
