#!/usr/bin/env python3
"""report: explains why no model was registered.

Reached when the model failed the quality gate (the run then succeeds: the
gate did its job) or when pick or evaluate failed (the run then fails, so the
failure shows on the execution and in alerts). Writes report.md.
"""

import sys

from sluice_step import StepError, run


def main(step):
    try:
        evaluation = step.read_json(step.find("evaluation.json"))
    except StepError as err:
        step.write_text("report.md", f"# Run {step.run_id}: failed before evaluation\n\n{err}\n"
                        "\nSee the execution's failed step for the cause.\n")
        print(f"error: the run failed before the model was evaluated ({err})", file=sys.stderr)
        sys.exit(1)
    test = evaluation["test"]
    lines = [
        f"# Run {step.run_id}: model not registered",
        "",
        f"Test accuracy {test['accuracy']} is below the minimum of {evaluation['minAccuracy']}.",
        "",
        "| metric | value |",
        "|---|---|",
    ] + [f"| {k} | {test[k]} |" for k in sorted(test)]
    step.write_text("report.md", "\n".join(lines) + "\n")
    step.log(f"model rejected: accuracy {test['accuracy']} < {evaluation['minAccuracy']}")


if __name__ == "__main__":
    run(main)
