/**
 * "Did you mean" suggestions for misspelt config keys, enum values, flags and commands. The rule
 * (a normalized edit distance of at most a third, MAX_TYPO_DISTANCE) lives in shared/nearestName.ts,
 * so that the test-set readers, which sit below the config, suggest class names by the same rule.
 */
export { MAX_TYPO_DISTANCE, nearest } from '../shared/nearestName.js';
