/** Input and output names, exactly as in action.yml (kebab-case). */
export const Inputs = {
  config: 'config',
  model: 'model',
  testSet: 'test-set',
  baseline: 'baseline',
  outputDir: 'output-dir',
  onnxruntimePath: 'onnxruntime-path',
  workingDirectory: 'working-directory',
} as const;

export const Outputs = {
  verdict: 'verdict',
  passed: 'passed',
  reportPath: 'report-path',
  commentPath: 'comment-path',
  accuracy: 'accuracy',
  regressions: 'regressions',
} as const;
