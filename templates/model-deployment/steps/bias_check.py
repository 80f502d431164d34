#!/usr/bin/env python3
"""bias-check: compares how the candidate treats each customer segment.

Computes, per segment, the share predicted to churn and the accuracy, and the
demographic parity gap (the largest difference in predicted share). Writes
bias.json with whether the gap stays within the maxParityGap parameter.
"""

import collections

import linear_model
from sluice_step import StepError, run


def main(step):
    limit = step.param("maxParityGap", float)
    try:
        model = linear_model.check(step.read_json(step.find("model.json")))
        groups = collections.defaultdict(list)
        for row in step.read_csv(step.find("holdout.csv")):
            groups[row["segment"]].append(row)
        segments = {name: segment(model, rows) for name, rows in sorted(groups.items())}
    except (KeyError, ValueError) as err:
        raise StepError(f"holdout.csv: {err}") from None
    if len(segments) < 2:
        raise StepError(f"the holdout has {len(segments)} segment(s); a bias check needs at least 2")
    shares = [s["predictedShare"] for s in segments.values()]
    gap = round(max(shares) - min(shares), 4)
    step.write_json("bias.json", {"segments": segments, "parityGap": gap, "maxParityGap": limit,
                                  "passed": gap <= limit})
    step.log(f"parity gap {gap} against a maximum of {limit}: {'ok' if gap <= limit else 'too large'}")


def segment(model, rows):
    predicted = sum(linear_model.predict_proba(model, r) >= 0.5 for r in rows)
    return {"rows": len(rows), "predictedShare": round(predicted / len(rows), 4),
            "accuracy": linear_model.evaluate(model, rows)["accuracy"]}


if __name__ == "__main__":
    run(main)
