#!/usr/bin/python3
"""Golden calibration figures for evalgate's calibration tests (src/metrics/calibration.ts).

Run with Debian's python3 (numpy 1.24, python3-sklearn 1.2.1):

    /usr/bin/python3 scripts/golden/make_calibration_goldens.py

Writes __tests__/__fixtures__/golden/calibration.json: a list of cases, each with class names, the
dtype of its probabilities (float32 as models give them, or float64), the probabilities row-major,
the labels, and the figures computed here. Probabilities are written as the exact decimal of each
value (Python's shortest repr of the float64, which for a float32 value is that value promoted),
so both sides see bit-identical inputs, and therefore identical bin assignments at bin edges.

Every figure is computed here independently of the TypeScript code:
- ECE and MCE (Guo et al. 2017, "On Calibration of Modern Neural Networks", and their code
  github.com/gpleiss/temperature_scaling): 15 bins with edges np.linspace(0, 1, 16), a sample in
  bin m when lower < confidence <= upper (right-closed); confidence 0 goes to the first bin (Guo's
  code drops it; evalgate keeps every sample). ECE = sum_m prop_m * |avg_conf_m - acc_m|,
  MCE = max over non-empty bins of |avg_conf_m - acc_m|. Confidences are compared in float64
  (a float32 confidence promoted exactly), so float32(2/15) and float64 2/15 may fall in
  different bins, as they must.
- Adaptive ECE from evalgate's fixed fine grid (see GRID below), re-implemented here with numpy:
  cells (e_{k-1}, e_k] (np.searchsorted side='left'), walked in order and closed into a bin as soon
  as the cumulative count reaches the next multiple of n/15. `adaptiveEceExact` is the textbook
  equal-mass ECE (sorted confidences split by np.array_split into 15 bins); it is stored for
  information: the grid version is equal-mass only up to the grid's resolution.
- Multiclass Brier = mean over samples of sum_k (p_k - y_k)^2, from the definition (range [0, 2]);
  for binary cases also 2 * sklearn.metrics.brier_score_loss(y, p[:, 1]) (sklearn's binary Brier
  is the squared error of the positive class only, half the two-class sum).
- NLL = mean of -log(clip(p_y, 1e-15, 1)) from the definition. sklearn.metrics.log_loss(eps=1e-15)
  is stored as `nllSklearn`: it also clips and then RENORMALISES each row to sum 1, so it differs
  from the definition by the rounding of float32 rows (up to ~1e-6); the script asserts that bound.
  It is null for a case with an all-zero row, which sklearn turns into a uniform row.
- Expected cost (`costs`): the mean of per-sample costs matrix[true][pred] expanded from a
  confusion matrix, and its t interval from scipy.stats.t.interval (n - 1 degrees of freedom).
"""

import json
import os

import numpy as np
from scipy import stats
from sklearn.metrics import brier_score_loss, log_loss

OUT = os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "__tests__", "__fixtures__", "golden", "calibration.json"
)
BINS = 15
NLL_CLIP = 1e-15


def make_grid():
    """evalgate's fine grid (src/metrics/calibration.ts ADAPTIVE_GRID_EDGES), every edge a dyadic
    rational, exact in float64: k/128 for k = 0..127, then four cells per octave of 1 - p,
    1 - f * 2^-o for o = 7..23 and f = 7/8, 3/4, 5/8, 1/2 (down to 1 - 2^-24, the largest float32
    below 1), then 1."""
    edges = [k / 128 for k in range(128)]
    for o in range(7, 24):
        for f in (7 / 8, 3 / 4, 5 / 8, 1 / 2):
            edges.append(1 - f * 2.0 ** -o)
    edges.append(1.0)
    edges = np.array(edges, dtype=np.float64)
    assert np.all(np.diff(edges) > 0)
    return edges


GRID = make_grid()


def top1(p):
    """Confidence (float64) and first-argmax prediction, as numpy.argmax and evalgate."""
    pred = np.argmax(p, axis=1)
    conf = p[np.arange(len(p)), pred].astype(np.float64)
    return conf, pred


def guo_bins(conf, correct):
    edges = np.linspace(0.0, 1.0, BINS + 1)
    bins = []
    for m in range(BINS):
        lower, upper = edges[m], edges[m + 1]
        in_bin = (conf > lower) & (conf <= upper)
        if m == 0:
            in_bin |= conf <= lower
        if m == BINS - 1:
            in_bin |= conf > upper
        bins.append(in_bin)
    return bins


def ece_mce(conf, correct):
    n = len(conf)
    ece = 0.0
    mce = 0.0
    counts, sums, hits = [], [], []
    for in_bin in guo_bins(conf, correct):
        prop = in_bin.mean()
        counts.append(int(in_bin.sum()))
        sums.append(float(conf[in_bin].sum()))
        hits.append(int(correct[in_bin].sum()))
        if in_bin.sum() > 0:
            gap = abs(conf[in_bin].mean() - correct[in_bin].mean())
            ece += prop * gap
            mce = max(mce, gap)
    return ece, mce, {"count": counts, "confidenceSum": sums, "correct": hits}


def adaptive_ece_grid(conf, correct):
    n = len(conf)
    cell = np.clip(np.searchsorted(GRID, conf, side="left") - 1, 0, len(GRID) - 2)
    cells = len(GRID) - 1
    count = np.bincount(cell, minlength=cells)
    conf_sum = np.bincount(cell, weights=conf, minlength=cells)
    hit = np.bincount(cell, weights=correct.astype(np.float64), minlength=cells)
    total = 0.0
    m = 1
    cum = 0
    b_conf = 0.0
    b_hit = 0.0
    bins = 0
    for k in range(cells):
        if count[k] == 0:
            continue
        cum += int(count[k])
        b_conf += conf_sum[k]
        b_hit += hit[k]
        if cum * BINS >= m * n:
            total += abs(b_hit - b_conf)
            bins += 1
            b_conf = 0.0
            b_hit = 0.0
            m = cum * BINS // n + 1
    nonzero = [[int(k), int(count[k])] for k in np.nonzero(count)[0]]
    return total / n, bins, nonzero


def adaptive_ece_exact(conf, correct):
    order = np.argsort(conf, kind="stable")
    total = 0.0
    for part in np.array_split(order, BINS):
        if len(part) == 0:
            continue
        total += len(part) * abs(conf[part].mean() - correct[part].mean())
    return total / len(conf)


def make_case(name, description, class_names, probabilities, labels):
    p = probabilities
    dtype = str(p.dtype)
    assert dtype in ("float32", "float64")
    labels = np.asarray(labels, dtype=np.int64)
    n, c = p.shape
    conf, pred = top1(p)
    correct = (pred == labels).astype(np.int64)
    p64 = p.astype(np.float64)
    onehot = np.zeros((n, c))
    onehot[np.arange(n), labels] = 1.0
    brier = float(np.sum((p64 - onehot) ** 2, axis=1).mean())
    p_true = np.clip(p64[np.arange(n), labels], NLL_CLIP, 1.0)
    nll = float(np.mean(-np.log(p_true)))
    # sklearn renormalises an all-zero row to uniform after clipping (p_y = 1/C), where the
    # definition clips p_y = 0 to 1e-15: no sklearn figure for cases holding such a row.
    nll_sklearn = None
    if np.all(p64.sum(axis=1) > 0):
        rows = p64 / p64.sum(axis=1, keepdims=True)
        nll_sklearn = float(log_loss(labels, rows, eps=NLL_CLIP, labels=list(range(c))))
        assert abs(nll_sklearn - nll) < 1e-6 * max(1.0, nll), (name, nll, nll_sklearn)
    ece, mce, bins = ece_mce(conf, correct)
    adaptive, adaptive_bins, grid_cells = adaptive_ece_grid(conf, correct)
    expected = {
        "predictions": pred.tolist(),
        "correct": int(correct.sum()),
        "ece": float(ece),
        "mce": float(mce),
        "adaptiveEce": float(adaptive),
        "adaptiveBins": adaptive_bins,
        "adaptiveEceExact": float(adaptive_ece_exact(conf, correct)),
        "brier": brier,
        "nll": nll,
        "nllSklearn": nll_sklearn,
        "bins": bins,
        "gridCells": grid_cells,
    }
    if c == 2:
        expected["brierSklearnBinaryTimesTwo"] = float(2 * brier_score_loss(labels, p64[:, 1]))
    return {
        "name": name,
        "description": description,
        "classNames": class_names,
        "dtype": dtype,
        "labels": labels.tolist(),
        "probabilities": [float(x) for x in p.ravel()],
        "expected": expected,
    }


def names(c):
    return [f"class{i}" for i in range(c)]


def softmax(logits):
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def realistic(rng, n, c, skill, temperature):
    labels = rng.integers(0, c, size=n)
    logits = rng.normal(0.0, 1.0, size=(n, c))
    logits[np.arange(n), labels] += skill
    return softmax(logits / temperature), labels


def rows_with_top(values, c, rng, correct_every=2):
    """One row per value: `value` at a random class, the rest of the mass spread evenly over the
    others (each below the top), labels correct on every `correct_every`-th row."""
    n = len(values)
    p = np.zeros((n, c), dtype=np.float64)
    labels = np.zeros(n, dtype=np.int64)
    for i, v in enumerate(values):
        top = int(rng.integers(0, c))
        p[i, :] = (1.0 - v) / (c - 1) if v > 0 else 0.0
        p[i, top] = v
        labels[i] = top if i % correct_every == 0 else (top + 1 + int(rng.integers(0, c - 1))) % c
    return p, labels


def edge_values(dtype):
    """Confidences on the 15 bin edges m/15 (as numpy.linspace makes them, then rounded to dtype),
    on fine-grid edges (k/128, 1 - 2^-k), exactly 1, and exactly 0 (an all-zero row)."""
    linspace = np.linspace(0.0, 1.0, BINS + 1)[1:]
    grid = [0.5, 127 / 128, 1 - 2.0**-10, 1 - 2.0**-20, 1 - 2.0**-24, 1 - 2.0**-7]
    values = np.concatenate([linspace, grid, [1.0, 0.0]]).astype(dtype)
    return values


def cost_case(name, confusion, matrix, confidence):
    """Expected cost per sample and its t interval (scipy.stats.t.interval) from per-sample costs
    expanded out of the confusion matrix, for src/metrics/costs.ts."""
    confusion = np.asarray(confusion, dtype=np.int64)
    matrix = np.asarray(matrix, dtype=np.float64)
    per_sample = np.concatenate([np.full(confusion[i, j], matrix[i, j])
                                 for i in range(len(matrix)) for j in range(len(matrix))])
    n = len(per_sample)
    mean = float(per_sample.mean())
    interval = None
    if n >= 2:
        sem = per_sample.std(ddof=1) / np.sqrt(n)
        if sem > 0:
            low, high = stats.t.interval(confidence, n - 1, loc=mean, scale=sem)
        else:
            low, high = mean, mean
        interval = {"low": float(low), "high": float(high)}
    return {"name": name, "confusion": confusion.tolist(), "matrix": matrix.tolist(), "confidence": confidence,
            "expected": {"mean": mean, "interval": interval, "sum": float(per_sample.sum()),
                         "sumOfSquares": float((per_sample ** 2).sum()), "samples": n}}


def main():
    rng = np.random.default_rng(20240517)
    cases = []

    p, y = realistic(rng, 300, 10, skill=2.5, temperature=0.6)
    cases.append(make_case("realistic-10-classes", "softmax of noisy logits, float32, moderately calibrated",
                           names(10), p.astype(np.float32), y))

    p, y = realistic(rng, 300, 10, skill=4.0, temperature=0.15)
    p32 = p.astype(np.float32)
    assert np.any(p32.max(axis=1) == 1.0), "want float32 confidences of exactly 1.0"
    cases.append(make_case("overconfident", "low-temperature softmax, float32: most confidences within 2^-20 of 1 "
                           "and many exactly 1.0; wrong samples with p_y underflowing to 0 (NLL clip)",
                           names(10), p32, y))

    p, y = rows_with_top(edge_values(np.float32).astype(np.float64), 16, rng)
    cases.append(make_case("bin-edges-float32", "confidences exactly float32(m/15), on fine-grid edges, 1.0 and 0",
                           names(16), p.astype(np.float32), y))
    # In float32 the top value must stay the float32 edge value: rebuild check.
    assert np.array_equal(top1(p.astype(np.float32))[0], edge_values(np.float32).astype(np.float64))

    p, y = rows_with_top(edge_values(np.float64), 16, rng)
    cases.append(make_case("bin-edges-float64", "confidences exactly numpy.linspace(0, 1, 16) edges in float64, "
                           "on fine-grid edges, 1.0 and 0", names(16), p, y))

    p, _ = realistic(rng, 120, 5, skill=3.0, temperature=0.7)
    cases.append(make_case("all-correct", "every prediction right (labels = argmax)", names(5),
                           p.astype(np.float32), np.argmax(p.astype(np.float32), axis=1)))

    cases.append(make_case("single-sample", "one sample, wrong", names(3),
                           np.array([[0.2, 0.7, 0.1]], dtype=np.float32), [0]))

    values = rng.uniform(0.8, 1.0, size=90)
    p, y = rows_with_top(values, 4, rng, correct_every=1)
    y[::7] = (y[::7] + 1) % 4
    cases.append(make_case("empty-bins", "confidences only above 0.8: 12 of 15 bins empty", names(4),
                           p.astype(np.float32), y))

    p1 = rng.uniform(0.0, 1.0, size=150)
    p = np.stack([1.0 - p1, p1], axis=1)
    y = (rng.uniform(0.0, 1.0, size=150) < p1).astype(np.int64)
    cases.append(make_case("binary", "two classes, float64, labels drawn from p1 (well calibrated)",
                           ["negative", "positive"], p, y))

    costs = [
        cost_case("missed-defect", [[90, 10], [3, 47]], [[0, 1], [10, 0]], 0.95),
        cost_case("three-classes-90", [[40, 3, 2], [5, 30, 1], [0, 4, 15]],
                  [[0, 1, 2.5], [4, 0, 1], [8, 0.5, 0]], 0.9),
        cost_case("perfect", [[5, 0], [0, 5]], [[0, 1], [10, 0]], 0.95),
    ]

    with open(OUT, "w") as f:
        json.dump({"generator": "scripts/golden/make_calibration_goldens.py",
                   "numpy": np.__version__,
                   "sklearn": __import__("sklearn").__version__,
                   "bins": BINS,
                   "nllClip": NLL_CLIP,
                   "gridEdges": [float(e) for e in GRID],
                   "cases": cases,
                   "costs": costs}, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {len(cases)} cases to {os.path.relpath(OUT)}")


if __name__ == "__main__":
    main()
