#!/usr/bin/env python3
"""publish: makes the features available to training and analytics.

Writes dataset/features.csv and dataset/manifest.json (rows, columns,
checksum, the run and the Git revision that produced it) under this step's
prefix, and, when the publishPrefix parameter names a place (a directory or
s3:// prefix), a copy under publishPrefix/RUN_ID/ plus publishPrefix/latest.json
pointing at it.
"""

import csv
import hashlib
import io
import json

from sluice_step import join, run


def main(step):
    data = step.store.read(step.find("features.csv"))
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    manifest = {
        "rows": len(rows),
        "columns": list(rows[0]) if rows else [],
        "sha256": hashlib.sha256(data).hexdigest(),
        "run": step.run_id,
        "pipeline": step.pipeline,
        "environment": step.environment,
        "revision": step.revision,
    }
    step.write_bytes("dataset/features.csv", data)
    step.write_json("dataset/manifest.json", manifest)
    target = step.param("publishPrefix", str)
    if target:
        step.store.write(join(target, step.run_id, "features.csv"), data)
        step.store.write(join(target, step.run_id, "manifest.json"), _json(manifest))
        step.store.write(join(target, "latest.json"), _json({"run": step.run_id,
                                                             "features": join(target, step.run_id, "features.csv")}))
        step.log(f"published {len(rows)} rows to {join(target, step.run_id)}")
    step.log(f"dataset of {len(rows)} rows at {step.path('dataset')}")


def _json(value):
    return (json.dumps(value, indent=2, sort_keys=True) + "\n").encode("utf-8")


if __name__ == "__main__":
    run(main)
