#!/usr/bin/env python3
"""predict: scores one shard, the item this foreach copy was given.

Writes predictions.csv (customer_id, churn_probability, churn_predicted) and
summary.json for merge.
"""

import linear_model
from sluice_step import StepError, run


def main(step):
    shard = step.foreach_item
    if not isinstance(shard, dict) or "uri" not in shard or "index" not in shard:
        raise StepError(f"SLUICE_FOREACH_ITEM must be a shard written by the shard step, not {shard!r}")
    threshold = step.param("threshold", float)
    try:
        model = linear_model.check(step.read_json(step.find("model.json")))
        out = []
        for row in step.read_csv(shard["uri"]):
            p = linear_model.predict_proba(model, row)
            out.append({"customer_id": row.get("customer_id", ""), "churn_probability": f"{p:.4f}",
                        "churn_predicted": int(p >= threshold)})
    except ValueError as err:
        raise StepError(f"{shard['uri']}: {err}") from None
    if len(out) != shard.get("rows", len(out)):
        raise StepError(f"{shard['uri']} has {len(out)} rows, the shard step wrote {shard['rows']}")
    step.write_csv("predictions.csv", out, ["customer_id", "churn_probability", "churn_predicted"])
    positives = sum(r["churn_predicted"] for r in out)
    step.write_json("summary.json", {"index": shard["index"], "rows": len(out), "positives": positives})
    step.log(f"shard {shard['index']}: {len(out)} rows, {positives} predicted to churn")


if __name__ == "__main__":
    run(main)
