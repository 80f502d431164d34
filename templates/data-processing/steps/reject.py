#!/usr/bin/env python3
"""reject: stops a run whose data failed validation.

Writes rejection.md with the failed checks and examples, then exits 1 so the
run fails: nothing downstream gets bad data, and the failure shows on the
execution and in alerts. Fix the source (or the rules in records.py) and run
again.
"""

import sys

from sluice_step import run


def main(step):
    report = step.read_json(step.find("quality-report.json"))
    failed = [c for c in report["checks"] if not c["passed"]]
    lines = [f"# Run {step.run_id}: data rejected", ""]
    lines += [f"- {c['name']}: {c['detail']}" for c in failed]
    lines += ["", "Problems by kind:", ""]
    lines += [f"- {kind}: {n}" for kind, n in report["problems"].items()]
    lines += ["", "First examples:", ""]
    lines += [f"- line {e['line']}: {', '.join(e['problems'])}" for e in report["examples"]]
    step.write_text("rejection.md", "\n".join(lines) + "\n")
    summary = "; ".join(f"{c['name']}: {c['detail']}" for c in failed)
    print(f"error: data rejected by the quality gate: {summary}", file=sys.stderr)
    sys.exit(1)


if __name__ == "__main__":
    run(main)
