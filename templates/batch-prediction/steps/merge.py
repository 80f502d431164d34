#!/usr/bin/env python3
"""merge: joins the predict copies into one result.

Checks that every shard was predicted, concatenates the predictions in shard
order into predictions.csv and writes summary.json; with the outputPrefix
parameter set (a directory or s3:// prefix) it also writes the predictions
to outputPrefix/RUN_ID/predictions.csv.
"""

from sluice_step import StepError, dirname, join, run


def main(step):
    expected = step.read_json(step.find("shard-manifest.json"))["shards"]
    parts = {}
    for uri in step.find_all("summary.json"):
        summary = step.read_json(uri)
        parts[summary["index"]] = (summary, join(dirname(uri), "predictions.csv"))
    missing = sorted({s["index"] for s in expected} - set(parts))
    if missing:
        raise StepError(f"shards {missing} have no predictions; cannot merge a partial result")
    header, lines, positives = None, [], 0
    for index in sorted(parts):
        summary, uri = parts[index]
        head, *body = step.read_text(uri).splitlines()
        if header not in (None, head):
            raise StepError(f"{uri} has columns {head!r}, other shards {header!r}")
        header, positives = head, positives + summary["positives"]
        lines.extend(body)
    text = "\n".join([header] + lines) + "\n"
    step.write_text("predictions.csv", text)
    result = {"rows": len(lines), "shards": len(parts), "positives": positives,
              "positiveRate": round(positives / len(lines), 4) if lines else 0.0}
    step.write_json("summary.json", result)
    target = step.param("outputPrefix", str)
    if target:
        step.store.write(join(target, step.run_id, "predictions.csv"), text.encode("utf-8"))
        step.log(f"wrote the predictions to {join(target, step.run_id)}")
    step.log(f"{result['rows']} predictions from {result['shards']} shards, {positives} predicted to churn")


if __name__ == "__main__":
    run(main)
