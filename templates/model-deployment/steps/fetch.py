#!/usr/bin/env python3
"""fetch: brings the candidate model and the holdout data into the run.

The candidate parameter names a model.json (local path or s3:// URI), such as
the one the training template registers under model/; "synthetic" trains one
on synthetic customers. The holdout parameter names a labelled CSV with a
segment column; "synthetic" generates one (biasStrength > 0 skews segment b,
to watch the bias check reject the candidate). Writes model.json and
holdout.csv for the two checks that run in parallel next.
"""

import linear_model
from sluice_step import StepError, run


def main(step):
    seed = step.param("seed", int)
    source = step.param("candidate", str)
    try:
        if source == "synthetic":
            model = linear_model.fit(linear_model.synthetic_customers(800, seed + 1), 0.3, 80)
        else:
            model = linear_model.check(step.read_json(source))
    except ValueError as err:
        raise StepError(f"candidate {source}: {err}") from None
    holdout = step.param("holdout", str)
    if holdout == "synthetic":
        rows = linear_model.synthetic_customers(step.param("rows", int), seed, step.param("biasStrength", float))
    else:
        rows = step.read_csv(holdout)
    if not rows or "segment" not in rows[0]:
        raise StepError(f"holdout {holdout} needs rows with a segment column for the bias check")
    step.write_json("model.json", model)
    step.write_csv("holdout.csv", rows, linear_model.columns())
    step.write_json("candidate.json", {"candidate": source, "holdout": holdout, "rows": len(rows)})
    step.log(f"candidate {source}, holdout of {len(rows)} rows")


if __name__ == "__main__":
    run(main)
