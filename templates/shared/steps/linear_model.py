"""A small logistic-regression model and synthetic customer data, standard library only.

The steps of this template train, evaluate and serve this model so that the
pipeline runs end to end anywhere Python 3 does. Replace it with your own
framework (scikit-learn, XGBoost, PyTorch, ...) once the image has it: the
steps only need fit, predict_proba and evaluate.
"""

import math
import random

FEATURES = ["tenure_months", "monthly_spend", "support_calls", "discount"]
LABEL = "label"
FORMAT = "sluice-logistic-regression/v1"


def synthetic_customers(rows, seed, bias=0.0):
    """Returns rows of customer records with a churn label (0/1) and a segment (a/b).

    bias > 0 makes segment b call support more often, so a model treats the
    segments differently: the bias check of model-deployment catches it.
    """
    rng = random.Random(seed)
    out = []
    for i in range(rows):
        segment = "a" if rng.random() < 0.5 else "b"
        calls = rng.randint(0, 5) + (round(bias * 5) if segment == "b" else 0)
        row = {
            "customer_id": f"c{seed}-{i:06d}",
            "segment": segment,
            "tenure_months": rng.randint(1, 72),
            "monthly_spend": round(rng.uniform(15, 120), 2),
            "support_calls": calls,
            "discount": rng.choice([0.0, 0.1, 0.2]),
        }
        z = (1.2 - 0.09 * row["tenure_months"] + 0.025 * row["monthly_spend"]
             + 0.7 * calls - 6.0 * row["discount"])
        row[LABEL] = 1 if rng.random() < _sigmoid(3.0 * z) else 0
        out.append(row)
    return out


def columns():
    return ["customer_id", "segment"] + FEATURES + [LABEL]


def to_features(row):
    """Returns the feature vector of a row whose values may be strings (read from CSV)."""
    try:
        return [float(row[f]) for f in FEATURES]
    except KeyError as err:
        raise ValueError(f"missing column {err.args[0]!r}; need {', '.join(FEATURES)}") from None
    except (TypeError, ValueError) as err:
        raise ValueError(f"non-numeric feature in row {row.get('customer_id', '?')}: {err}") from None


def to_label(row):
    value = str(row.get(LABEL, "")).strip()
    if value not in ("0", "1"):
        raise ValueError(f"label must be 0 or 1, not {value!r} (row {row.get('customer_id', '?')})")
    return int(value)


def fit(rows, learning_rate, epochs):
    """Trains by full-batch gradient descent on standardised features; returns the model."""
    if not rows:
        raise ValueError("no rows to train on")
    xs = [to_features(r) for r in rows]
    ys = [to_label(r) for r in rows]
    mean, std = _moments(xs)
    zs = [_standardise(x, mean, std) for x in xs]
    weights, intercept = [0.0] * len(FEATURES), 0.0
    for _ in range(epochs):
        grad, grad_b = [0.0] * len(FEATURES), 0.0
        for z, y in zip(zs, ys):
            err = _sigmoid(intercept + sum(w * v for w, v in zip(weights, z))) - y
            grad = [g + err * v for g, v in zip(grad, z)]
            grad_b += err
        weights = [w - learning_rate * g / len(zs) for w, g in zip(weights, grad)]
        intercept -= learning_rate * grad_b / len(zs)
    return {"format": FORMAT, "features": FEATURES, "mean": mean, "std": std,
            "weights": weights, "intercept": intercept,
            "learningRate": learning_rate, "epochs": epochs}


def check(model):
    """Raises ValueError unless model is a model this module wrote."""
    if not isinstance(model, dict) or model.get("format") != FORMAT:
        raise ValueError(f"not a {FORMAT} model")
    for key in ("mean", "std", "weights"):
        if len(model.get(key, [])) != len(FEATURES):
            raise ValueError(f"model {key} must have {len(FEATURES)} numbers")
    return model


def predict_proba(model, row):
    z = _standardise(to_features(row), model["mean"], model["std"])
    return _sigmoid(model["intercept"] + sum(w * v for w, v in zip(model["weights"], z)))


def evaluate(model, rows, threshold=0.5):
    """Returns accuracy, precision, recall, f1 and log loss of model on rows."""
    if not rows:
        raise ValueError("no rows to evaluate on")
    tp = fp = fn = tn = 0
    loss = 0.0
    for row in rows:
        p, y = predict_proba(model, row), to_label(row)
        loss -= math.log(max(p if y else 1 - p, 1e-12))
        hit = p >= threshold
        tp, fp, fn, tn = tp + (hit and y), fp + (hit and not y), fn + (not hit and y), tn + (not hit and not y)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"rows": len(rows), "accuracy": round((tp + tn) / len(rows), 4),
            "precision": round(precision, 4), "recall": round(recall, 4),
            "f1": round(f1, 4), "logLoss": round(loss / len(rows), 4)}


def _moments(xs):
    n = len(xs)
    mean = [sum(col) / n for col in zip(*xs)]
    std = [math.sqrt(sum((v - m) ** 2 for v in col) / n) or 1.0 for col, m in zip(zip(*xs), mean)]
    return mean, std


def _standardise(x, mean, std):
    return [(v - m) / s for v, m, s in zip(x, mean, std)]


def _sigmoid(z):
    if z < -30:
        return 0.0
    if z > 30:
        return 1.0
    return 1.0 / (1.0 + math.exp(-z))
