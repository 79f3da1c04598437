// Synthetic `evalgate.report/v1` documents for `npm run bench:verdicts`: the figures are computed
// by the engine's own metrics code (lib/metrics, compiled from src/), so the gates read reports
// shaped exactly like those `evalgate run` writes, with per-sample records for the paired tests.
import { computeMetrics } from '../../../lib/metrics/computeMetrics.js';
import { createMetricState } from '../../../lib/metrics/metricState.js';
import { REPORT_SCHEMA } from '../../../lib/report/types.js';

/**
 * The class names, sample ids, labels and stored confidences of a test set of `classes` x
 * `perClass` samples (class by class), plain and typed; every report of the test set shares them
 * read-only.
 */
export function syntheticTestSet(classes, perClass) {
  const classNames = Array.from({ length: classes }, (_, k) => `class-${k}`);
  const ids = [];
  const labels = [];
  for (let k = 0; k < classes; k++) {
    for (let i = 0; i < perClass; i++) {
      ids.push(`${classNames[k]}/${String(i).padStart(4, '0')}.png`);
      labels.push(k);
    }
  }
  // Every simulated prediction gets the same stored confidence; the recall gate does not read it.
  const confidences = labels.map(() => 0.9);
  return {
    classNames,
    ids,
    labels,
    confidences,
    labelArray: Int32Array.from(labels),
    confidenceArray: Float64Array.from(confidences),
  };
}

/** A report of one model on `testSet` with the given per-sample predictions. */
export function syntheticReport(testSet, predictions, modelName) {
  const { classNames, ids, labels } = testSet;
  const c = classNames.length;
  const state = createMetricState(c, 0);
  for (let i = 0; i < labels.length; i++) state.confusion[labels[i] * c + predictions[i]] += 1;
  state.count = labels.length;
  const { classes, confusionMatrix, ...headline } = computeMetrics(state, classNames);
  const support = {};
  for (const cls of classes) support[cls.name] = cls.support;
  return {
    schema: REPORT_SCHEMA,
    tool: { name: 'evalgate', version: '0.1.0' },
    createdAt: '2025-01-01T00:00:00.000Z',
    task: 'image-classification',
    model: {
      source: `${modelName}.onnx`,
      sha256: modelName.padEnd(64, '0').slice(0, 64),
      size: 0,
      parameterCount: null,
      externalData: [],
      inputs: [],
      outputs: [],
      input: 'input',
      output: 'logits',
      outputKind: 'logits',
    },
    testSet: {
      digest: `sha256:${'5'.repeat(64)}`,
      locked: true,
      format: 'image-folder',
      source: 'simulated',
      size: labels.length,
      support,
    },
    classNames,
    metrics: headline,
    classes,
    confusionMatrix,
    slices: [],
    environment: {
      os: 'simulated',
      arch: 'x64',
      cpu: 'simulated',
      cpuCount: 1,
      node: process.version,
      onnxruntime: 'none',
      executionProvider: 'cpu',
    },
    settings: { batchSize: 1, decodeWorkers: 0, intraOpThreads: null, seed: 0, topK: 0, preprocess: {} },
    samples: {
      ids,
      labels,
      predictions,
      confidences: testSet.confidences,
    },
    timing: { totalSeconds: 0, inferenceSeconds: 0, samplesPerSecond: 0 },
    warnings: [],
  };
}
