#!/usr/bin/env python3
"""offline-validation: scores the candidate on the holdout data.

Writes validation.json with the metrics and whether accuracy reaches the
minAccuracy parameter; the gate reads it.
"""

import linear_model
from sluice_step import StepError, run


def main(step):
    minimum = step.param("minAccuracy", float)
    try:
        model = linear_model.check(step.read_json(step.find("model.json")))
        metrics = linear_model.evaluate(model, step.read_csv(step.find("holdout.csv")))
    except ValueError as err:
        raise StepError(str(err)) from None
    passed = metrics["accuracy"] >= minimum
    step.write_json("validation.json", {"metrics": metrics, "minAccuracy": minimum, "passed": passed})
    step.log(f"accuracy {metrics['accuracy']} against a minimum of {minimum}: {'ok' if passed else 'too low'}")


if __name__ == "__main__":
    run(main)
