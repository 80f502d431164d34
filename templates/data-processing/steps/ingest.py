#!/usr/bin/env python3
"""ingest: brings the raw records into the run.

Reads the CSV named by the source parameter (a local path or s3:// URI), or
generates synthetic customers when source is "synthetic" (corruptFraction
of them broken, to watch the quality gate stop bad data). Writes raw.csv and
ingest.json with the row count and a checksum.
"""

import hashlib

import records
from sluice_step import StepError, run


def main(step):
    source = step.param("source", str)
    if source == "synthetic":
        rows = records.synthetic(step.param("rows", int), step.param("seed", int),
                                 step.param("corruptFraction", float))
        uri = step.write_csv("raw.csv", rows, records.COLUMNS)
    else:
        data = step.store.read(source)
        if not data.strip():
            raise StepError(f"{source} is empty")
        uri = step.write_bytes("raw.csv", data)
    raw = step.store.read(uri)
    count = len(step.read_csv(uri))
    step.write_json("ingest.json", {"source": source, "rows": count,
                                    "sha256": hashlib.sha256(raw).hexdigest()})
    step.log(f"ingested {count} rows from {source}")


if __name__ == "__main__":
    run(main)
