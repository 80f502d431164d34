#!/usr/bin/env python3
"""validate: checks the raw records and decides whether they may go on.

Writes quality-report.json (every check, the problems counted by kind, the
first examples) and outputs.json with "verdict": "pass" or "fail", which the
pipeline's switch reads: pass goes on to transform, fail to reject.
"""

import collections

import records
from sluice_step import run


def main(step):
    rows = step.read_csv(step.find("raw.csv"))
    min_rows = step.param("minRows", int)
    max_invalid = step.param("maxInvalidFraction", float)
    columns = set(rows[0]) if rows else set()
    missing = [c for c in records.COLUMNS if c not in columns]
    counts, examples, invalid, seen = collections.Counter(), [], 0, set()
    for number, row in enumerate(rows if not missing else [], start=2):
        found = records.problems(row, seen)
        counts.update(found)
        invalid += bool(found)
        if found and len(examples) < 10:
            examples.append({"line": number, "problems": found})
    fraction = invalid / len(rows) if rows else 1.0
    checks = [
        {"name": "columns", "passed": not missing, "detail": f"missing {missing}" if missing else "all present"},
        {"name": "rows", "passed": len(rows) >= min_rows, "detail": f"{len(rows)} rows, need {min_rows}"},
        {"name": "invalid rows", "passed": not missing and fraction <= max_invalid,
         "detail": f"{invalid} rows ({fraction:.2%}) break a rule, at most {max_invalid:.2%} allowed"},
    ]
    verdict = "pass" if all(c["passed"] for c in checks) else "fail"
    step.write_json("quality-report.json", {"verdict": verdict, "rows": len(rows), "invalidRows": invalid,
                                            "invalidFraction": round(fraction, 6), "checks": checks,
                                            "problems": dict(sorted(counts.items())), "examples": examples})
    step.set_outputs(verdict=verdict, invalidFraction=round(fraction, 6))
    for c in checks:
        step.log(f"{c['name']}: {'ok' if c['passed'] else 'FAILED'} ({c['detail']})")


if __name__ == "__main__":
    run(main)
