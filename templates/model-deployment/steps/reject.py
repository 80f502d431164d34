#!/usr/bin/env python3
"""reject: records why the candidate was not deployed.

A rejected candidate is a normal outcome, not a failure: the run succeeds and
the model in service stays. Writes rejection.md.
"""

from sluice_step import run


def main(step):
    decision = step.read_json(step.find("decision.json"))
    lines = [f"# Run {step.run_id}: candidate rejected", ""] + [f"- {r}" for r in decision["reasons"]]
    step.write_text("rejection.md", "\n".join(lines) + "\n")
    step.log(f"rejected: {'; '.join(decision['reasons'])}")


if __name__ == "__main__":
    run(main)
