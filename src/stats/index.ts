/** The statistics library: pure functions, numbers in, numbers out. */
export {
  type BootstrapOptions,
  type BootstrapResult,
  basicBootstrap,
  basicBootstrapPValue,
  quantileSorted,
} from './bootstrap.js';
export {
  binomialCdf,
  erfc,
  normalCdf,
  normalCritical,
  normalPdf,
  normalQuantile,
  tCdf,
  tCritical,
  tQuantile,
  tTwoSidedPValue,
} from './distributions.js';
export {
  binomialBoundInterval,
  clopperPearsonInterval,
  fisherExactChangeInterval,
  keepNearEnd,
  pairedExactChangeInterval,
} from './exactIntervals.js';
export { binomialTestLess, fisherExact, mcnemarExact } from './exactTests.js';
export { type FamilyLevels, familyLevels } from './familyLevels.js';
export { meanInterval, pairedMeanDifference, sampleVariance, welchMeanDifference } from './meanTests.js';
export { adjustPValues } from './multipleTesting.js';
export {
  type MinimumDetectableDropOptions,
  minimumDetectableDrop,
  type SamplesForDropOptions,
  samplesForDrop,
} from './power.js';
export {
  pairedDifferenceInterval,
  unpairedDifferenceInterval,
  wilsonInterval,
} from './proportionIntervals.js';
export { createRandom, type Random } from './random.js';
export {
  pairedRandomizationTest,
  type RandomizationOptions,
  type RandomizationResult,
  type SwapStatistic,
  signFlipTest,
} from './randomization.js';
export type {
  ComparisonDesign,
  Interval,
  MeanComparison,
  PairedCounts,
  PValueAdjustment,
  SampleSums,
} from './types.js';
