/**
 * Input and output names, exactly as in action.yml (kebab-case). A test reads action.yml and
 * checks that both lists match, so a renamed input cannot silently stop being read.
 */
export const Inputs = {
  config: 'config',
  model: 'model',
  testSet: 'test-set',
  baseline: 'baseline',
  baselineSource: 'baseline-source',
  githubToken: 'github-token',
  comment: 'comment',
  commentKey: 'comment-key',
  updateBaseline: 'update-baseline',
  acceptLabel: 'accept-label',
  device: 'device',
  onnxruntimePath: 'onnxruntime-path',
  workingDirectory: 'working-directory',
  outputDir: 'output-dir',
  mode: 'mode',
  resultDir: 'result-dir',
} as const;

export const Outputs = {
  verdict: 'verdict',
  passed: 'passed',
  reportPath: 'report-path',
  commentPath: 'comment-path',
  regressions: 'regressions',
  accuracy: 'accuracy',
  commentId: 'comment-id',
  baselineSource: 'baseline-source',
  acceptedBy: 'accepted-by',
  errorCode: 'error-code',
} as const;

/** Where a run's baseline comes from (`baseline-source`); `auto` picks the first that applies, in this order. */
export const BASELINE_SOURCES = ['auto', 'model', 'repository', 'cache', 'none'] as const;
export type BaselineSourceChoice = (typeof BASELINE_SOURCES)[number];

export const MODES = ['evaluate', 'publish'] as const;
export type ActionMode = (typeof MODES)[number];

/** Files of the result folder that publish mode reads (written by evaluate mode into output-dir). */
export const ResultFiles = {
  report: 'report.json',
  comment: 'comment.md',
  verdict: 'verdict.json',
  pullRequest: 'pull-request.json',
} as const;
