#!/usr/bin/python3
"""Golden classification metrics from scikit-learn for evalgate's metric tests.

Run with Debian's python3 (python3-sklearn 1.2.1, numpy):

    /usr/bin/python3 scripts/golden/make_metric_goldens.py

Writes __tests__/__fixtures__/golden/metrics.json: a list of cases, each with class names, labels,
probabilities, the numpy argmax predictions, top-k, and the figures scikit-learn computes for them.

Probabilities are stored as integers over a common denominator (`probabilityScale`) to keep the file
small and exact: both sides build the float32 score as float32(int / scale) (a float64 division
rounded once to float32), so numpy and the TypeScript test see bit-identical scores, and therefore
identical ties. Expected NaN (e.g. Cohen's kappa with a single class everywhere) is written as null.

Per-class figures are scikit-learn's raw values (zero_division=0, labels=range(C)); the test maps
them onto evalgate's documented nulls (recall of a class without test samples, precision and F1 of
a class that is absent and never predicted).
"""

import json
import os
import sys
import warnings

import numpy as np
from sklearn.metrics import (
    accuracy_score,
    balanced_accuracy_score,
    cohen_kappa_score,
    confusion_matrix,
    matthews_corrcoef,
    precision_recall_fscore_support,
    top_k_accuracy_score,
)

OUT = os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "__tests__", "__fixtures__", "golden", "metrics.json"
)
SCALE = 1000


def scores_from_ints(ints):
    """float32(int / SCALE), exactly as the TypeScript test rebuilds them."""
    return (np.asarray(ints, dtype=np.float64) / SCALE).astype(np.float32)


def realistic_ints(rng, labels, num_classes, skill, temperature):
    """Softmax probabilities of noisy logits with a bump at the true class, quantised to 1/SCALE."""
    n = len(labels)
    logits = rng.normal(0.0, 1.0, size=(n, num_classes))
    logits[np.arange(n), labels] += skill
    logits /= temperature
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    return quantise(p)


def quantise(p):
    """Rows of integers summing to SCALE (largest-remainder rounding), so they stay probabilities."""
    raw = p * SCALE
    ints = np.floor(raw).astype(np.int64)
    rest = SCALE - ints.sum(axis=1)
    order = np.argsort(-(raw - ints), axis=1, kind="stable")
    for i in range(len(ints)):
        ints[i, order[i, : rest[i]]] += 1
    return ints


def one_hot_ints(predictions, num_classes):
    """Scores whose argmax is the given prediction (all mass on it; the rest tie at 0)."""
    ints = np.zeros((len(predictions), num_classes), dtype=np.int64)
    ints[np.arange(len(predictions)), predictions] = SCALE
    return ints


def null_if_nan(x):
    x = float(x)
    return None if np.isnan(x) else x


def make_case(name, description, class_names, labels, ints, top_k):
    labels = np.asarray(labels, dtype=np.int64)
    ints = np.asarray(ints, dtype=np.int64)
    c = len(class_names)
    assert ints.shape == (len(labels), c)
    scores = scores_from_ints(ints)
    predictions = np.argmax(scores, axis=1)  # first maximum
    all_labels = list(range(c))

    if c == 2:
        # sklearn treats 2 classes as binary: y_score must be the positive class's score, and k=1
        # thresholds it at 0.5. The cases avoid exact 0.5 so this equals the multiclass rule.
        assert not np.any(ints[:, 1] * 2 == SCALE)
        top_k_score = scores[:, 1]
    else:
        top_k_score = scores
    top_k_acc = top_k_accuracy_score(labels, top_k_score, k=top_k, labels=all_labels)
    top_k_hits = top_k_accuracy_score(labels, top_k_score, k=top_k, labels=all_labels, normalize=False)
    # Per sample too, so a tie rule that only preserves the total cannot pass.
    per_sample_hits = [
        int(top_k_accuracy_score(labels[i : i + 1], top_k_score[i : i + 1], k=top_k, labels=all_labels,
                                 normalize=False))
        for i in range(len(labels))
    ]
    assert sum(per_sample_hits) == top_k_hits

    p, r, f, s = precision_recall_fscore_support(
        labels, predictions, labels=all_labels, average=None, zero_division=0
    )
    present = sorted(set(labels.tolist()))
    macro = precision_recall_fscore_support(labels, predictions, labels=present, average="macro", zero_division=0)
    weighted = precision_recall_fscore_support(
        labels, predictions, labels=present, average="weighted", zero_division=0
    )
    cm = confusion_matrix(labels, predictions, labels=all_labels)
    return {
        "name": name,
        "description": description,
        "classNames": class_names,
        "topK": top_k,
        "probabilityScale": SCALE,
        "labels": labels.tolist(),
        "predictions": predictions.tolist(),
        "probabilities": ints.reshape(-1).tolist(),
        "expected": {
            "accuracy": float(accuracy_score(labels, predictions)),
            "topKAccuracy": float(top_k_acc),
            "topKHits": int(top_k_hits),
            "topKHitsPerSample": per_sample_hits,
            "precision": [float(x) for x in p],
            "recall": [float(x) for x in r],
            "f1": [float(x) for x in f],
            "support": [int(x) for x in s],
            "macroPrecision": float(macro[0]),
            "macroRecall": float(macro[1]),
            "macroF1": float(macro[2]),
            "weightedPrecision": float(weighted[0]),
            "weightedRecall": float(weighted[1]),
            "weightedF1": float(weighted[2]),
            "balancedAccuracy": null_if_nan(balanced_accuracy_score(labels, predictions)),
            "matthewsCorrelation": null_if_nan(matthews_corrcoef(labels, predictions)),
            "cohenKappa": null_if_nan(cohen_kappa_score(labels, predictions)),
            "confusionMatrix": cm.tolist(),
        },
    }


def names(c, prefix="class"):
    return [f"{prefix}{i}" for i in range(c)]


def main():
    warnings.simplefilter("ignore")  # zero-division and k >= C warnings are the point of some cases
    rng = np.random.default_rng(20240611)
    cases = []

    # Realistic 10 classes: imbalanced prior, ~80% accuracy.
    prior = rng.dirichlet(np.full(10, 5.0))
    y = rng.choice(10, size=500, p=prior)
    cases.append(make_case("random-10-classes", "seeded realistic 10-class model, 500 samples, k=5",
                           names(10), y, realistic_ints(rng, y, 10, 2.5, 0.8), 5))

    # 100 classes, few samples each (some classes absent), quantised probabilities with many ties.
    y = rng.integers(0, 100, size=300)
    cases.append(make_case("random-100-classes", "seeded 100-class model, 300 samples, k=5",
                           names(100), y, realistic_ints(rng, y, 100, 3.0, 0.5), 5))

    # The same kind of data at k=1 and k=3 (k=5 above).
    y = rng.choice(8, size=200, p=rng.dirichlet(np.full(8, 3.0)))
    ints = realistic_ints(rng, y, 8, 1.5, 1.0)
    cases.append(make_case("topk-k1", "8 classes, 200 samples, k=1 (equals accuracy)", names(8), y, ints, 1))
    cases.append(make_case("topk-k3", "8 classes, 200 samples, k=3", names(8), y, ints, 3))

    # Absent classes: class 4 has no test samples but is predicted; class 5 neither.
    y = rng.choice([0, 1, 2, 3], size=60)
    pred = y.copy()
    flip = rng.random(60) < 0.3
    pred[flip] = rng.choice([0, 1, 2, 3, 4], size=int(flip.sum()))
    pred[:3] = 4
    cases.append(make_case("absent-class", "class 4 absent but predicted, class 5 absent and never predicted",
                           names(6), y, one_hot_ints(pred, 6), 3))

    # Zero division: class 2 is present but never predicted.
    y = np.array([0, 0, 1, 1, 2, 2, 2, 3, 3, 3, 0, 1])
    pred = np.array([0, 1, 1, 1, 0, 1, 3, 3, 3, 0, 0, 1])
    cases.append(make_case("zero-division", "class 2 present but never predicted (precision 0/0 -> 0)",
                           names(4), y, realistic_ints(rng, pred, 4, 4.0, 0.5), 2))

    # Single true class, varied predictions (MCC 0/0 -> sklearn 0).
    y = np.full(20, 1)
    pred = rng.choice(4, size=20, p=[0.1, 0.6, 0.2, 0.1])
    cases.append(make_case("single-true-class", "every label is class 1, predictions vary",
                           names(4), y, one_hot_ints(pred, 4), 3))

    # Single predicted class, varied labels.
    y = rng.choice(4, size=20)
    cases.append(make_case("single-predicted-class", "labels vary, every prediction is class 2",
                           names(4), y, one_hot_ints(np.full(20, 2), 4), 1))

    # One class everywhere: kappa is NaN in sklearn (null here), MCC 0.
    y = np.full(15, 0)
    cases.append(make_case("single-class-everywhere", "every label and prediction is class 0",
                           names(3), y, one_hot_ints(y, 3), 1))

    # Ties in scores: equal top scores (argmax takes the first), true class tied with others
    # (sklearn's top-k ranks the higher class index first among equals).
    tie_rows = [
        [250, 250, 250, 250, 0, 0],
        [0, 400, 400, 100, 100, 0],
        [300, 0, 300, 0, 300, 100],
        [200, 200, 200, 200, 200, 0],
        [100, 300, 100, 300, 100, 100],
        [500, 100, 100, 100, 100, 100],
        [0, 0, 0, 0, 500, 500],
        [167, 167, 166, 167, 167, 166],
    ]
    tie_ints = []
    tie_labels = []
    for row in tie_rows:
        for label in range(6):
            tie_ints.append(row)
            tie_labels.append(label)
    for k in (1, 2, 3, 5):
        cases.append(make_case(f"ties-k{k}", f"rows with tied scores, every true class per row, k={k}",
                               names(6), tie_labels, tie_ints, k))

    # Random ties: coarse scores (0..3 per class) make many exact ties, true class anywhere.
    y = rng.integers(0, 7, size=150)
    coarse = rng.integers(0, 4, size=(150, 7))
    cases.append(make_case("random-ties-k1", "coarse integer scores with many ties, k=1 (top-1 != argmax on ties)",
                           names(7), y, coarse, 1))
    cases.append(make_case("random-ties-k3", "coarse integer scores with many ties, k=3", names(7), y, coarse, 3))

    y = rng.integers(0, 5, size=40)
    cases.append(make_case("perfect", "every prediction right", names(5), y, realistic_ints(rng, y, 5, 50.0, 1.0), 3))
    cases.append(make_case("all-wrong", "every prediction wrong", names(5), y, one_hot_ints((y + 1) % 5, 5), 1))

    # Binary: probabilities sum to SCALE, never exactly 0.5.
    y = rng.integers(0, 2, size=80)
    ints = realistic_ints(rng, y, 2, 1.0, 1.0)
    ints[ints[:, 1] * 2 == SCALE] = [499, 501]
    cases.append(make_case("binary", "two classes, k=1", ["negative", "positive"], y, ints, 1))

    # k >= number of classes: every sample is a hit (sklearn warns, scores 1.0).
    y = rng.integers(0, 3, size=30)
    cases.append(make_case("k-exceeds-classes", "3 classes, k=5", names(3), y, realistic_ints(rng, y, 3, 1.0, 1.0), 5))

    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as fh:
        json.dump({"generator": "scripts/golden/make_metric_goldens.py",
                   "sklearn": __import__("sklearn").__version__, "numpy": np.__version__, "cases": cases},
                  fh, separators=(",", ":"))
        fh.write("\n")
    print(f"wrote {len(cases)} cases to {os.path.relpath(OUT)} ({os.path.getsize(OUT)} bytes)", file=sys.stderr)


if __name__ == "__main__":
    main()
