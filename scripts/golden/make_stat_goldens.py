#!/usr/bin/python3
"""Golden statistics from scipy and statsmodels for evalgate's src/stats tests.

Run with Debian's python3 (python3-scipy 1.10, python3-statsmodels 0.13):

    /usr/bin/python3 scripts/golden/make_stat_goldens.py

Writes __tests__/__fixtures__/golden/stats.json: one list of cases per function of src/stats, each
case with its inputs and the reference library's result:

- wilson:    statsmodels proportion_confint(k, n, alpha, method='wilson')
- mcnemar:   statsmodels contingency_tables.mcnemar([[a, b], [c, d]], exact=True)
- binomialLess: scipy.stats.binomtest(k, n, p0, alternative='less')
- fisher:    scipy.stats.fisher_exact([[k1, n1-k1], [k2, n2-k2]]) two-sided
- unpairedNewcombe: statsmodels confint_proportions_2indep(k2, n2, k1, n1, method='newcomb')
  (candidate - baseline, so the candidate is statsmodels' first sample)
- pairedNewcombe: Newcombe (1998b) method 10 (square-and-add, corrected phi) computed here from its
  published formula on top of statsmodels' Wilson intervals (neither scipy nor statsmodels ships
  the paired interval), as R contingencytables::Newcombe_square_and_add_CI_paired_2x2 does; the TS
  test also checks that package's published worked example
- holm / bh: statsmodels multipletests(method='holm' / 'fdr_bh')
- unpairedMdd / unpairedSamples: statsmodels NormalIndPower().solve_power, ratio=1, two-sided,
  on Cohen's h, refined to full precision with brentq (statsmodels' own solver can be off by ~1e-5 relative)
- pairedMdd / pairedSamples: Connor (1987) formula solved here with scipy brentq
- meanInterval: mean +- t.ppf(1 - alpha/2, n-1) * sem, as scipy.stats.t.interval, with the t
  quantile polished by Newton steps on scipy's t.cdf (scipy 1.10's t.ppf is good to ~1e-9 only)
- pairedT:   scipy.stats.ttest_rel(candidate, baseline) (statistic, p-value, df) and its interval,
  checked against ttest_rel's confidence_interval to 1e-8 and computed with the polished quantile
- normalCdf / normalQuantile: scipy.stats.norm.cdf / norm.ppf
- tCdf / tQuantile: scipy.stats.t.cdf / the polished t.ppf
- welchT:    scipy.stats.ttest_ind(candidate, baseline, equal_var=False); interval from the
  Welch-Satterthwaite df and the polished t quantile
- signFlip:  scipy.stats.permutation_test((d,), sum, permutation_type='samples', n_resamples=inf),
  two-sided: the exact sign-flip test of paired differences (zeros included: they do not change p)
- randomizationMacroF1 / randomizationEce: the exact paired randomization test, enumerated here by
  brute force over all 2^k swaps of the samples where the two models' outputs differ, two-sided
  p = share with |S*| >= |S_obs| (relative tie tolerance 1e-9); S = candidate - baseline macro F1
  (sklearn f1_score(average='macro', labels=classes with samples)) or ECE (15 equal-width
  right-closed bins, computed here with numpy)

Degenerate inputs where scipy returns NaN (n = 1, zero variance) are decided by evalgate, not
scipy; the TS tests state those expectations themselves.
"""

import json
import math
import os
import warnings

import numpy as np
from scipy import optimize, stats
from sklearn.metrics import f1_score
from statsmodels.stats.contingency_tables import mcnemar
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

OUT = os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "__tests__", "__fixtures__", "golden", "stats.json"
)


def f(x):
    x = float(x)
    return None if math.isnan(x) else x


def wilson(k, n, conf):
    low, high = proportion_confint(k, n, alpha=1 - conf, method="wilson")
    return {"k": k, "n": n, "confidence": conf, "low": f(low), "high": f(high)}


def paired_newcombe(a, b, c, d, conf):
    n = a + b + c + d
    p1, p2 = (a + b) / n, (a + c) / n
    l1, u1 = proportion_confint(a + b, n, alpha=1 - conf, method="wilson")
    l2, u2 = proportion_confint(a + c, n, alpha=1 - conf, method="wilson")
    den = math.sqrt((a + b) * (c + d) * (a + c) * (b + d))
    # Newcombe's corrected phi, as in R contingencytables::Newcombe_square_and_add_CI_paired_2x2
    assoc = a * d - b * c
    phi = 0.0
    if den > 0 and assoc > n / 2:
        phi = (assoc - n / 2) / den
    elif den > 0 and assoc < 0:
        phi = assoc / den
    diff = (b - c) / n  # baseline - candidate, Newcombe's D
    lower = diff - math.sqrt(max(0.0, (p1 - l1) ** 2 - 2 * phi * (p1 - l1) * (u2 - p2) + (u2 - p2) ** 2))
    upper = diff + math.sqrt(max(0.0, (p2 - l2) ** 2 - 2 * phi * (p2 - l2) * (u1 - p1) + (u1 - p1) ** 2))
    # candidate - baseline = -(baseline - candidate)
    return {"counts": [a, b, c, d], "confidence": conf, "low": max(-1.0, -upper), "high": min(1.0, -lower)}


def unpaired_newcombe(k1, n1, k2, n2, conf):
    low, high = confint_proportions_2indep(k2, n2, k1, n1, method="newcomb", compare="diff", alpha=1 - conf)
    return {"k1": k1, "n1": n1, "k2": k2, "n2": n2, "confidence": conf, "low": f(low), "high": f(high)}


def normal_ind_power(h, n, alpha):
    return NormalIndPower().power(effect_size=h, nobs1=n, alpha=alpha, ratio=1, alternative="two-sided")


def unpaired_mdd(n, rate, alpha, power):
    h_max = 2 * math.asin(math.sqrt(rate))
    if normal_ind_power(h_max, n, alpha) < power:
        return None, None
    h_sm = NormalIndPower().solve_power(effect_size=None, nobs1=n, alpha=alpha, power=power, ratio=1)
    h = optimize.brentq(lambda x: normal_ind_power(x, n, alpha) - power, 1e-12, h_max, xtol=1e-15, rtol=1e-15)
    assert abs(h - h_sm) < 1e-4 * h, (h, h_sm)
    p2 = math.sin(math.asin(math.sqrt(rate)) - h / 2) ** 2
    return rate - p2, h_sm


def unpaired_samples(drop, rate, alpha, power):
    h = 2 * math.asin(math.sqrt(rate)) - 2 * math.asin(math.sqrt(rate - drop))
    n_sm = NormalIndPower().solve_power(effect_size=h, nobs1=None, alpha=alpha, power=power, ratio=1)
    n = optimize.brentq(lambda x: normal_ind_power(h, x, alpha) - power, 1e-3, 1e12, xtol=1e-12, rtol=1e-15)
    assert abs(n - n_sm) < 1e-4 * n, (n, n_sm)
    return math.ceil(n), n


def t_ppf(p, df):
    """scipy 1.10's t.ppf (cephes stdtrit) is only good to ~1e-9 relative (t.cdf(t.ppf(0.025, 51), 51)
    = 0.02500000011868), so polish it with Newton steps on the accurate t.cdf."""
    x = stats.t.ppf(p, df)
    for _ in range(3):
        x -= (stats.t.cdf(x, df) - p) / stats.t.pdf(x, df)
    return float(x)


def connor_n(drop, rate, alpha, power, churn):
    churn = max(0.0, min(0.5 * (1 - rate) if churn is None else churn, 1 - rate, rate - drop))
    psi = 2 * churn + drop
    za = stats.norm.isf(alpha / 2)
    zb = stats.norm.ppf(power)
    return (za * math.sqrt(psi) + zb * math.sqrt(max(0.0, psi - drop * drop))) ** 2 / drop**2


def paired_mdd(n, rate, alpha, power, churn):
    if connor_n(rate, rate, alpha, power, churn) > n:
        return None
    return optimize.brentq(
        lambda d: connor_n(d, rate, alpha, power, churn) - n, 1e-12, rate, xtol=1e-15, rtol=1e-15
    )


def sign_flip(d):
    d = np.array(d, dtype=float)
    r = stats.permutation_test((d,), lambda x, axis: np.sum(x, axis=axis), vectorized=True,
                               permutation_type="samples", n_resamples=np.inf, alternative="two-sided")
    return {"differences": [float(x) for x in d], "p": float(r.pvalue)}


def enumerate_swaps(units, figure_difference):
    """Two-sided exact randomization p over all 2^k swap sets of `units` (sample indices)."""
    observed = figure_difference(())
    k = len(units)
    count = 0
    for mask in range(2**k):
        swapped = tuple(units[j] for j in range(k) if mask >> j & 1)
        if abs(figure_difference(swapped)) >= abs(observed) * (1 - 1e-9):
            count += 1
    return observed, count / 2**k


def macro_f1_case(labels, pb, pc):
    labels, pb, pc = map(np.array, (labels, pb, pc))
    present = sorted(set(labels.tolist()))

    def difference(swapped):
        b, c = pb.copy(), pc.copy()
        idx = list(swapped)
        b[idx], c[idx] = pc[idx], pb[idx]
        fb = f1_score(labels, b, labels=present, average="macro", zero_division=0)
        fc = f1_score(labels, c, labels=present, average="macro", zero_division=0)
        return fc - fb

    units = [i for i in range(len(labels)) if pb[i] != pc[i]]
    observed, p = enumerate_swaps(units, difference)
    return {"labels": labels.tolist(), "baseline": pb.tolist(), "candidate": pc.tolist(),
            "classes": int(max(labels.max(), pb.max(), pc.max()) + 1), "units": len(units),
            "observed": float(observed), "p": p}


def ece(labels, pred, conf, bins=15):
    # Right-closed equal-width bins ((m-1)/M, m/M]; 0 goes to the first bin.
    index = np.clip(np.ceil(conf * bins).astype(int) - 1, 0, bins - 1)
    gap = np.zeros(bins)
    np.add.at(gap, index, (pred == labels).astype(float) - conf)
    return np.abs(gap).sum() / len(labels)


def ece_case(labels, pb, pc, cb, cc):
    labels, pb, pc, cb, cc = map(np.array, (labels, pb, pc, cb, cc))

    def difference(swapped):
        b, c, xb, xc = pb.copy(), pc.copy(), cb.copy(), cc.copy()
        idx = list(swapped)
        b[idx], c[idx], xb[idx], xc[idx] = pc[idx], pb[idx], cc[idx], cb[idx]
        return ece(labels, c, xc) - ece(labels, b, xb)

    units = [i for i in range(len(labels)) if pb[i] != pc[i] or cb[i] != cc[i]]
    observed, p = enumerate_swaps(units, difference)
    return {"labels": labels.tolist(), "baseline": pb.tolist(), "candidate": pc.tolist(),
            "baselineConfidences": cb.tolist(), "candidateConfidences": cc.tolist(),
            "units": len(units), "observed": float(observed), "p": p}


def add_randomization_cases(cases):
    rng = np.random.default_rng(20250105)
    flips = [[1, 1, 1], [1, 1, 1, 1], [10, 10, 10, 10, 0, 0, 0], [-1, 1], [9, -1, 10, 10, 0], [0, 0, 0],
             [0.5, -0.25, 1.5, 2.0, -0.75, 1.0], [1, -1, 2, -2, 3], [3, 3, -3, 1, 1, 1, 1, 2, 0, 9, 9]]
    flips += [list(rng.integers(-3, 4, 14).astype(float)), list(np.round(rng.normal(0.3, 1, 12), 3))]
    cases["signFlip"] = [sign_flip(d) for d in flips]

    macro = [
        # four samples of class 0 broken (predicted 1), nothing fixed: the b = 4, c = 0 case
        ([0] * 10 + [1] * 10 + [2] * 10, [0] * 10 + [1] * 10 + [2] * 10, [1] * 4 + [0] * 6 + [1] * 10 + [2] * 10),
        # one sample changed
        ([0, 0, 0, 1, 1, 1], [0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 1, 1]),
        # changes among wrong predictions only (correctness unchanged, predicted counts move)
        ([0, 0, 1, 1, 2, 2, 2], [1, 0, 2, 1, 2, 0, 2], [2, 0, 0, 1, 2, 1, 2]),
    ]
    for classes, n, k, accuracy in [(3, 40, 8, 0.8), (4, 60, 12, 0.8), (5, 50, 10, 0.8), (3, 30, 14, 0.8),
                                    (3, 30, 12, 0.4)]:
        labels = rng.integers(0, classes, n)
        pb = np.where(rng.random(n) < accuracy, labels, rng.integers(0, classes, n))
        pc = pb.copy()
        idx = rng.choice(n, k, replace=False)
        pc[idx] = (pb[idx] + rng.integers(1, classes, k)) % classes
        macro.append((labels.tolist(), pb.tolist(), pc.tolist()))
    cases["randomizationMacroF1"] = [macro_f1_case(*m) for m in macro]

    eces = []
    for n, k in [(30, 6), (50, 10), (40, 13)]:
        labels = rng.integers(0, 3, n)
        cb = np.round(rng.uniform(0.34, 1.0, n), 6)
        pb = np.where(rng.random(n) < cb, labels, (labels + 1) % 3)
        pc, cc = pb.copy(), cb.copy()
        idx = rng.choice(n, k, replace=False)
        cc[idx] = np.round(rng.uniform(0.34, 1.0, k), 6)
        pc[idx] = np.where(rng.random(k) < cc[idx] - 0.1, labels[idx], (labels[idx] + 2) % 3)
        eces.append((labels.tolist(), pb.tolist(), pc.tolist(), cb.tolist(), cc.tolist()))
    cases["randomizationEce"] = [ece_case(*e) for e in eces]


def main():
    # ttest_ind warns about a constant group (one Welch case has one on purpose).
    warnings.filterwarnings("ignore", message="Precision loss occurred")
    cases = {}
    confs = [0.95, 0.9, 0.99, 0.5, 0.999999]
    wilson_inputs = [(0, 1), (1, 1), (0, 10), (10, 10), (5, 10), (1, 2), (50, 52), (52, 52), (1, 3),
                     (9999, 10000), (0, 10000), (5000, 10000), (81, 263)]
    cases["wilson"] = [wilson(k, n, 0.95) for k, n in wilson_inputs] + [
        wilson(k, n, c) for k, n in [(7, 30), (0, 5), (30, 30)] for c in confs
    ]

    mcnemar_inputs = [(0, 0), (9, 0), (0, 9), (11, 1), (5, 5), (1, 0), (0, 1), (3, 7), (100, 80),
                      (5000, 4900), (5100, 4900), (1, 30), (0, 60), (0, 1100), (2, 3)]
    cases["mcnemar"] = [
        {"b": b, "c": c, "p": f(mcnemar([[10, b], [c, 10]], exact=True).pvalue)} for b, c in mcnemar_inputs
    ]

    binom_inputs = [(0, 1, 0.5), (1, 1, 0.9), (0, 1, 0.9), (45, 52, 0.9), (0, 10, 0.5), (10, 10, 0.5),
                    (9000, 10000, 0.905), (880, 1000, 0.9), (0, 100, 0.99), (3, 5, 0), (3, 5, 1),
                    (4, 5, 1), (0, 5, 0), (95, 100, 0.9), (41, 52, 0.95)]
    cases["binomialLess"] = [
        {"k": k, "n": n, "p0": p0, "p": f(stats.binomtest(k, n, p0, alternative="less").pvalue)}
        for k, n, p0 in binom_inputs
    ]

    fisher_inputs = [(0, 10, 0, 10), (10, 10, 10, 10), (0, 0, 3, 5), (3, 5, 0, 0), (1, 1, 0, 1),
                     (9, 10, 3, 10), (56, 70, 48, 80), (50, 52, 41, 52), (5, 10, 5, 10), (3, 10, 7, 10),
                     (7, 10, 3, 10), (2, 4, 2, 4), (1, 2, 1, 2), (0, 20, 20, 20), (4900, 5000, 4850, 5000),
                     (9500, 10000, 9400, 10000), (1, 9, 11, 14), (12, 200, 1, 200), (300, 1000, 700, 1000),
                     (10, 20, 10, 20), (0, 3, 3, 3), (2, 3, 1, 4), (2400, 5000, 2600, 5000),
                     (4990, 10000, 5010, 10000), (499, 1000, 501, 1000), (0, 1000, 40, 1000)]
    cases["fisher"] = [
        {"k1": k1, "n1": n1, "k2": k2, "n2": n2,
         "p": f(stats.fisher_exact([[k1, n1 - k1], [k2, n2 - k2]]).pvalue)}
        for k1, n1, k2, n2 in fisher_inputs
    ]

    unpaired_inputs = [(56, 70, 48, 80), (9, 10, 3, 10), (0, 10, 0, 10), (10, 10, 10, 10), (0, 1, 1, 1),
                       (1, 1, 0, 1), (6, 7, 2, 7), (5, 56, 0, 29), (50, 52, 41, 52), (9500, 10000, 9400, 10000),
                       (10, 10, 0, 20)]
    cases["unpairedNewcombe"] = [unpaired_newcombe(*x, 0.95) for x in unpaired_inputs] + [
        unpaired_newcombe(56, 70, 48, 80, c) for c in confs
    ]

    paired_inputs = [(36, 12, 2, 0), (43, 9, 0, 0), (52, 0, 0, 0), (0, 0, 0, 10), (1, 0, 0, 0), (0, 1, 0, 0),
                     (0, 0, 1, 0), (5, 5, 5, 5), (8, 3, 3, 6), (900, 11, 1, 88), (9000, 400, 350, 250),
                     (0, 7, 3, 0), (12, 0, 4, 2), (59, 6, 16, 80), (1, 1, 7, 12), (40, 1, 1, 10), (30, 0, 0, 30)]
    cases["pairedNewcombe"] = [paired_newcombe(*x, 0.95) for x in paired_inputs] + [
        paired_newcombe(36, 12, 2, 0, c) for c in confs
    ]

    p_sets = [[0.01, 0.04, 0.03, 0.005], [0.2, 0.2, 0.2], [1.0, 0.5], [0.0039, 0.5, 0.5, 1, 1, 1, 0.25, 1, 1, 1],
              [0.04], [0.9, 0.001, 0.03, 0.03, 0.6, 1e-12], [0.5, 0.5, 0.01, 0.011], [0.3, 0.4, 0.5, 0.6]]
    cases["holm"] = [{"p": ps, "adjusted": list(map(float, multipletests(ps, method="holm")[1]))} for ps in p_sets]
    cases["bh"] = [{"p": ps, "adjusted": list(map(float, multipletests(ps, method="fdr_bh")[1]))} for ps in p_sets]

    power_inputs = [(52, 0.9615, 0.05, 0.8), (30, 0.9, 0.05, 0.8), (100, 0.95, 0.05, 0.8), (300, 0.8, 0.05, 0.9),
                    (1000, 0.99, 0.005, 0.8), (10000, 0.9, 0.05, 0.8), (5, 0.5, 0.05, 0.8), (1, 0.9, 0.05, 0.8),
                    (20, 1.0, 0.05, 0.8), (2000, 0.7, 1e-6, 0.95)]
    cases["unpairedMdd"] = []
    for n, rate, alpha, power in power_inputs:
        drop, h = unpaired_mdd(n, rate, alpha, power)
        cases["unpairedMdd"].append(
            {"n": n, "baselineRate": rate, "alpha": alpha, "power": power, "drop": drop, "statsmodelsH": h})
    cases["pairedMdd"] = []
    for n, rate, alpha, power in power_inputs:
        for churn in [None, 0.0, 0.01, 0.3]:
            cases["pairedMdd"].append({"n": n, "baselineRate": rate, "alpha": alpha, "power": power,
                                       "churn": churn, "drop": paired_mdd(n, rate, alpha, power, churn)})
    sample_inputs = [(0.02, 0.9615, 0.05, 0.8), (0.05, 0.9, 0.05, 0.8), (0.1, 0.8, 0.05, 0.9),
                     (0.01, 0.99, 0.005, 0.8), (0.5, 0.5, 0.05, 0.8), (0.9, 0.9, 0.05, 0.8), (0.003, 0.95, 0.05, 0.8)]
    cases["unpairedSamples"] = []
    cases["pairedSamples"] = []
    for drop, rate, alpha, power in sample_inputs:
        n, n_real = unpaired_samples(drop, rate, alpha, power)
        cases["unpairedSamples"].append({"drop": drop, "baselineRate": rate, "alpha": alpha, "power": power,
                                         "n": n, "statsmodelsN": n_real})
        for churn in [None, 0.0, 0.02]:
            cases["pairedSamples"].append({"drop": drop, "baselineRate": rate, "alpha": alpha, "power": power,
                                           "churn": churn,
                                           "n": math.ceil(connor_n(drop, rate, alpha, power, churn)),
                                           "nReal": connor_n(drop, rate, alpha, power, churn)})

    rng = np.random.default_rng(20240604)
    samples = [
        [1.0, 2.0, 3.5],
        [0.0, 0.0, 10.0, 0.0, 1.0],
        list(rng.integers(0, 5, 30).astype(float)),
        list(np.round(rng.exponential(0.7, 200), 3)),
        list(rng.integers(0, 2, 1000).astype(float)),
        [2.0, 2.5],
    ]
    cases["meanInterval"] = []
    for xs in samples:
        arr = np.array(xs)
        for conf in [0.95, 0.99, 0.5]:
            half = t_ppf(1 - (1 - conf) / 2, len(arr) - 1) * stats.sem(arr)
            low, high = arr.mean() - half, arr.mean() + half
            cases["meanInterval"].append({"values": xs, "confidence": conf, "low": low, "high": high})

    pairs = []
    for n in [3, 10, 52, 400]:
        base = rng.integers(0, 4, n).astype(float)
        cand = base.copy()
        flip = rng.random(n) < 0.3
        cand[flip] = rng.integers(0, 4, int(flip.sum())).astype(float)
        pairs.append((list(base), list(cand)))
    pairs.append(([1.0, 2.0, 3.0], [2.0, 2.5, 3.5]))
    pairs.append(([0.0, 0.0, 1.0, 0.0], [10.0, 0.0, 1.0, 0.0]))
    cases["pairedT"] = []
    for base, cand in pairs:
        r = stats.ttest_rel(cand, base)
        diffs = np.array(cand) - np.array(base)
        for conf in [0.95, 0.9]:
            ci = r.confidence_interval(conf)
            half = t_ppf(1 - (1 - conf) / 2, r.df) * stats.sem(diffs)
            assert abs(ci.low - (diffs.mean() - half)) < 1e-8 * (1 + abs(ci.low))
            ci = type(ci)(diffs.mean() - half, diffs.mean() + half)
            cases["pairedT"].append({"baseline": base, "candidate": cand, "confidence": conf,
                                     "mean": float(np.mean(np.array(cand) - np.array(base))),
                                     "t": f(r.statistic), "p": f(r.pvalue), "df": float(r.df),
                                     "low": f(ci.low), "high": f(ci.high)})

    cases["welchT"] = []
    welch_pairs = [(list(rng.normal(1.0, 0.5, 40)), list(rng.normal(1.2, 1.5, 25))),
                   ([1.0, 2.0, 3.5], [0.0, 1.0, 1.0]),
                   ([0.0, 0.0, 1.0, 0.0, 2.0], [3.0, 3.0, 3.5]),
                   (list(rng.integers(0, 3, 500).astype(float)), list(rng.integers(0, 3, 480).astype(float))),
                   ([5.0, 5.0, 5.0], [1.0, 2.0, 4.0, 8.0])]
    for base, cand in welch_pairs:
        r = stats.ttest_ind(cand, base, equal_var=False)
        v1 = np.var(base, ddof=1) / len(base)
        v2 = np.var(cand, ddof=1) / len(cand)
        df = (v1 + v2) ** 2 / (v1**2 / (len(base) - 1) + v2**2 / (len(cand) - 1))
        mean = np.mean(cand) - np.mean(base)
        for conf in [0.95, 0.99]:
            half = t_ppf(1 - (1 - conf) / 2, df) * math.sqrt(v1 + v2)
            cases["welchT"].append({"baseline": [float(x) for x in base], "candidate": [float(x) for x in cand],
                                    "confidence": conf, "mean": float(mean), "t": f(r.statistic),
                                    "p": f(r.pvalue), "df": float(df),
                                    "low": float(mean - half), "high": float(mean + half)})

    xs = [-38.0, -20.0, -8.5, -5.0, -3.0, -1.96, -0.7, -0.46875, -0.2, 0.0, 1e-8, 0.3, 0.5, 1.0, 2.5, 4.0, 6.0]
    cases["normalCdf"] = [{"x": x, "cdf": float(stats.norm.cdf(x))} for x in xs]
    ps = [1e-300, 1e-20, 1e-9, 5e-7, 0.0005, 0.025, 0.05, 0.2, 0.5, 0.8, 0.975, 0.999999]
    cases["normalQuantile"] = [{"p": p, "quantile": float(stats.norm.ppf(p))} for p in ps]

    t_points = [(0.025, 51), (0.975, 51), (0.005, 2.3456), (0.995, 4.123), (1e-10, 5), (0.3, 10.5), (0.025, 1),
                (0.0005, 3.7), (0.025, 1e6)]
    cases["tQuantile"] = [{"p": p, "df": df, "quantile": t_ppf(p, df)} for p, df in t_points]
    cases["tCdf"] = [{"t": t, "df": df, "cdf": float(stats.t.cdf(t, df))}
                     for t, df in [(-3, 2), (-1.5, 3.7), (-40, 5), (-8, 400), (0.3, 10.5), (2.5, 7), (-6, 1e6)]]

    add_randomization_cases(cases)

    for name in ("meanInterval", "pairedT"):
        for case in cases[name]:
            for key in ("values", "baseline", "candidate"):
                if key in case:
                    case[key] = [float(x) for x in case[key]]
            for key in ("low", "high"):
                case[key] = float(case[key])

    out = {
        "generator": "scripts/golden/make_stat_goldens.py",
        "versions": {"scipy": __import__("scipy").__version__,
                     "statsmodels": __import__("statsmodels").__version__, "numpy": np.__version__},
        "cases": cases,
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as fh:
        json.dump(out, fh, indent=1)
        fh.write("\n")
    print("wrote", os.path.relpath(OUT), {k: len(v) for k, v in cases.items()})


if __name__ == "__main__":
    main()
