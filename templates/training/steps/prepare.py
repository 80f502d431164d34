#!/usr/bin/env python3
"""prepare: reads (or generates) the training data and splits it.

Writes train.csv (what the models learn from, the last fifth of it held out
to compare the candidates) and test.csv (kept for the final evaluation).
The foreach that follows this step trains one model per learning rate.
"""

import linear_model
from sluice_step import StepError, run


def main(step):
    dataset = step.param("dataset", str)
    if dataset == "synthetic":
        rows = linear_model.synthetic_customers(step.param("rows", int), step.param("seed", int))
        step.log(f"generated {len(rows)} synthetic customers")
    else:
        rows = step.read_csv(dataset)
        step.log(f"read {len(rows)} rows from {dataset}")
    try:
        for row in rows:
            linear_model.to_features(row)
            linear_model.to_label(row)
    except ValueError as err:
        raise StepError(f"{dataset}: {err}") from None
    if len(rows) < 50:
        raise StepError(f"{dataset} has {len(rows)} rows; training needs at least 50")
    cut = len(rows) * 4 // 5
    step.write_csv("train.csv", rows[:cut], linear_model.columns())
    step.write_csv("test.csv", rows[cut:], linear_model.columns())
    step.write_json("split.json", {"source": dataset, "train": cut, "test": len(rows) - cut})
    step.log(f"train {cut} rows, test {len(rows) - cut} rows")


if __name__ == "__main__":
    run(main)
