#!/usr/bin/env python3
"""shard: splits the input into shards that predict handles in parallel.

Reads the input CSV (or generates synthetic customers), writes shards of at
most shardSize rows under shards/, and lists them in outputs.json as
"shards": the foreach that follows runs one predict copy per item.
"""

import linear_model
from sluice_step import StepError, run

MAX_SHARDS = 10000


def main(step):
    source = step.param("input", str)
    size = step.param("shardSize", int)
    if size < 1:
        raise StepError(f"shardSize must be at least 1, not {size}")
    if source == "synthetic":
        rows = linear_model.synthetic_customers(step.param("rows", int), step.param("seed", int))
        columns = linear_model.columns()
    else:
        rows = step.read_csv(source)
        columns = list(rows[0]) if rows else []
    if not rows:
        raise StepError(f"{source} has no rows to predict")
    count = (len(rows) + size - 1) // size
    if count > MAX_SHARDS:
        raise StepError(f"{len(rows)} rows in shards of {size} make {count} shards, more than {MAX_SHARDS}; raise shardSize")
    shards = []
    for index in range(count):
        chunk = rows[index * size:(index + 1) * size]
        uri = step.write_csv(f"shards/shard-{index:05d}.csv", chunk, columns)
        shards.append({"index": index, "uri": uri, "rows": len(chunk)})
    step.write_json("shard-manifest.json", {"source": source, "rows": len(rows), "shards": shards})
    step.set_outputs(shards=shards)
    step.log(f"{len(rows)} rows in {count} shards of up to {size}")


if __name__ == "__main__":
    run(main)
