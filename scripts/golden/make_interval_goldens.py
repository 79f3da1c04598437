#!/usr/bin/python3
"""Golden intervals that invert exact tests, for evalgate's src/stats/exactIntervals.ts tests.

Run with Debian's python3 (python3-scipy 1.10, python3-statsmodels 0.13):

    /usr/bin/python3 scripts/golden/make_interval_goldens.py

Writes __tests__/__fixtures__/golden/intervals.json:

- clopperPearson: statsmodels proportion_confint(k, n, alpha, method='beta') (the Clopper-Pearson
  interval; the exact McNemar test inverted on the discordant pairs)
- fisherOddsRatio: Fisher's two-sided (minimum-likelihood) test inverted, computed here
  independently of the TypeScript code: for the table [[k1, n1-k1], [k2, n2-k2]] and odds ratio psi,
  X = k1 given the margins is scipy.stats.nchypergeom_fisher(N, n1, m, psi); the p-value of psi is
  the total probability of the tables no more probable than the observed one (relative tolerance
  1e-7); the accepted log-odds {t : p(e^t) >= alpha} are scanned on a grid of step 0.01 in
  [-40, 40] and each end refined with brentq. The ends are mapped to the conditional expected change
  E[k2/n2 - k1/n1 | margins; psi]. Only tables whose accepted set is one interval on the grid and
  contains the MLE are written (the TS code chooses the MLE's side otherwise).
"""

import json
import math
import os

import numpy as np
from scipy import optimize, stats
from statsmodels.stats.proportion import proportion_confint

OUT = os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "__tests__", "__fixtures__", "golden", "intervals.json"
)


def clopper_pearson(k, n, alpha):
    low, high = proportion_confint(k, n, alpha=alpha, method="beta")
    return {"k": k, "n": n, "alpha": alpha, "low": float(low), "high": float(high)}


def fisher_case(k1, n1, k2, n2, alpha):
    total, m = n1 + n2, k1 + k2
    lo, hi = max(0, m - n2), min(n1, m)
    xs = np.arange(lo, hi + 1)

    def pmf(t):
        return stats.nchypergeom_fisher(total, n1, m, math.exp(t)).pmf(xs)

    def pvalue(t):
        w = pmf(t)
        observed = w[k1 - lo] * (1 + 1e-7)
        return min(1.0, float(w[w <= observed].sum() / w.sum()))

    def change(t):
        if t <= -40:
            x = lo
        elif t >= 40:
            x = hi
        else:
            w = pmf(t)
            x = float((w * xs).sum() / w.sum())
        return (m - x) / n2 - x / n1

    grid = np.round(np.arange(-40, 40.0001, 0.01), 2)
    accepted = np.array([pvalue(t) >= alpha for t in grid])
    if not accepted.any():
        return None
    idx = np.nonzero(accepted)[0]
    if idx[-1] - idx[0] + 1 != len(idx):
        return None  # not one piece on the grid
    f = lambda t: pvalue(t) - alpha  # noqa: E731

    def refine(i_acc, i_rej):
        a, r = grid[i_acc], grid[i_rej]
        try:
            return optimize.brentq(f, min(a, r), max(a, r), xtol=1e-12)
        except ValueError:
            return a

    lower = -40.0 if idx[0] == 0 else refine(idx[0], idx[0] - 1)
    upper = 40.0 if idx[-1] == len(grid) - 1 else refine(idx[-1], idx[-1] + 1)
    return {
        "k1": k1,
        "n1": n1,
        "k2": k2,
        "n2": n2,
        "alpha": alpha,
        "low": change(upper),
        "high": change(lower),
        "pValue": float(stats.fisher_exact([[k1, n1 - k1], [k2, n2 - k2]])[1]),
    }


def main():
    cp = []
    for k, n in [(0, 1), (1, 1), (0, 10), (3, 10), (10, 10), (9, 9), (5, 11), (12, 12), (1, 100), (47, 60), (200, 401)]:
        for alpha in [0.05, 0.005, 0.05 / 9, 0.1]:
            cp.append(clopper_pearson(k, n, alpha))
    fisher = []
    for k1, n1, k2, n2 in [(50, 52, 41, 52), (55, 60, 48, 60), (10, 10, 7, 10), (3, 20, 9, 20), (30, 40, 30, 40),
                           (0, 15, 4, 15), (100, 110, 90, 105)]:
        for alpha in [0.05, 0.005]:
            case = fisher_case(k1, n1, k2, n2, alpha)
            if case is not None:
                fisher.append(case)
    with open(OUT, "w") as fh:
        json.dump({"clopperPearson": cp, "fisherChange": fisher}, fh, indent=1)
        fh.write("\n")
    print(f"wrote {len(cp)} Clopper-Pearson and {len(fisher)} Fisher cases to {os.path.relpath(OUT)}")


if __name__ == "__main__":
    main()
