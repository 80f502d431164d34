#!/usr/bin/env python3
"""train: trains one candidate model, with the learning rate this foreach copy was given.

Reads train.csv from prepare, learns from its first four fifths and scores
the held-out fifth. Writes model.json and metrics.json; pick compares the
metrics of every copy.
"""

import linear_model
from sluice_step import StepError, run


def main(step):
    rate = step.foreach_item
    if isinstance(rate, bool) or not isinstance(rate, (int, float)) or rate <= 0:
        raise StepError(f"SLUICE_FOREACH_ITEM must be a positive learning rate, not {rate!r}")
    rows = step.read_csv(step.find("train.csv"))
    cut = len(rows) * 4 // 5
    try:
        model = linear_model.fit(rows[:cut], float(rate), step.param("epochs", int))
        scores = linear_model.evaluate(model, rows[cut:])
    except ValueError as err:
        raise StepError(str(err)) from None
    step.write_json("model.json", model)
    step.write_json("metrics.json", {"learningRate": rate, "index": step.foreach_index,
                                     "validation": scores})
    step.log(f"learning rate {rate}: validation accuracy {scores['accuracy']}, log loss {scores['logLoss']}")


if __name__ == "__main__":
    run(main)
