#!/usr/bin/env python3
"""evaluate: scores the picked model on the test set and sets the quality gate.

Writes evaluation.json and outputs.json with "quality": "pass" when the test
accuracy reaches the minAccuracy parameter, else "fail"; the pipeline's
switch reads it to register the model or report on it.
"""

import linear_model
from sluice_step import StepError, run


def main(step):
    minimum = step.param("minAccuracy", float)
    try:
        model = linear_model.check(step.read_json(step.find("best-model.json")))
        scores = linear_model.evaluate(model, step.read_csv(step.find("test.csv")))
    except ValueError as err:
        raise StepError(str(err)) from None
    quality = "pass" if scores["accuracy"] >= minimum else "fail"
    step.write_json("evaluation.json", {"test": scores, "minAccuracy": minimum, "quality": quality,
                                        "learningRate": model["learningRate"]})
    step.set_outputs(quality=quality, accuracy=scores["accuracy"])
    step.log(f"test accuracy {scores['accuracy']} against a minimum of {minimum}: {quality}")


if __name__ == "__main__":
    run(main)
