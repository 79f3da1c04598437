/**
 * Argument checks shared by the statistics functions. A bad argument here is a bug in the caller
 * (configuration values are validated with user-facing messages before they reach this library), so
 * these throw RangeError, which the CLI and action report as an internal error.
 */

export function checkCount(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
  }
}

/** Two proportions k1/n1 and k2/n2: counts, with no more successes than trials. */
export function checkTwoProportions(k1: number, n1: number, k2: number, n2: number): void {
  checkCount('k1', k1);
  checkCount('n1', n1);
  checkCount('k2', k2);
  checkCount('n2', n2);
  if (k1 > n1 || k2 > n2)
    throw new RangeError(`successes must not exceed n (k1=${k1}, n1=${n1}, k2=${k2}, n2=${n2})`);
}

export function checkProbability(name: string, value: number): void {
  if (!(value >= 0 && value <= 1)) {
    throw new RangeError(`${name} must be a number in [0, 1], got ${value}`);
  }
}

/** Levels such as confidence, power and α must lie strictly inside (0, 1). */
export function checkOpenUnit(name: string, value: number): void {
  if (!(value > 0 && value < 1)) {
    throw new RangeError(`${name} must be a number strictly between 0 and 1, got ${value}`);
  }
}

export function checkFinite(name: string, value: number): void {
  if (!Number.isFinite(value)) {
    throw new RangeError(`${name} must be a finite number, got ${value}`);
  }
}
