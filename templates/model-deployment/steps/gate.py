#!/usr/bin/env python3
"""gate: joins the two checks and decides.

Reads validation.json and bias.json from the parallel branches and writes
decision.json and outputs.json with "decision": "approve" or "reject" and the
reasons; the pipeline's switch reads it to deploy or reject.
"""

from sluice_step import run


def main(step):
    validation = step.read_json(step.find("validation.json"))
    bias = step.read_json(step.find("bias.json"))
    reasons = []
    if not validation["passed"]:
        reasons.append(f"accuracy {validation['metrics']['accuracy']} is below {validation['minAccuracy']}")
    if not bias["passed"]:
        reasons.append(f"parity gap {bias['parityGap']} is above {bias['maxParityGap']}")
    decision = "reject" if reasons else "approve"
    step.write_json("decision.json", {"decision": decision, "reasons": reasons,
                                      "validation": validation, "bias": bias})
    step.set_outputs(decision=decision, reasons=reasons)
    step.log(f"{decision}: {'; '.join(reasons) or 'both checks passed'}")


if __name__ == "__main__":
    run(main)
