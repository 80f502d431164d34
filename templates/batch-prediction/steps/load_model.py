#!/usr/bin/env python3
"""load-model: fetches the model the run predicts with and checks it.

The model parameter names a model.json (a local path or s3:// URI), such as
the one the training template's register step writes under model/;
"run:PIPELINE/RUN" reads the model/model.json that the register step of run
RUN ("latest": the latest that succeeded) of the training pipeline PIPELINE
registered in this environment (sluice_step.artifact); "synthetic" trains a
small reference model on synthetic customers. Writes model.json.
"""

import linear_model
from sluice_step import StepError, run


def main(step):
    source = step.param("model", str)
    if source == "synthetic":
        model = linear_model.fit(linear_model.synthetic_customers(600, 101), 0.3, 60)
        step.log("trained a reference model on synthetic customers")
    else:
        if source.startswith("run:"):
            pipeline, _, run_id = source[len("run:"):].partition("/")
            source = step.artifact(pipeline, "model/model.json", step="register", run=run_id or "latest")
            step.log(f"model of run {run_id or 'latest'} of {pipeline}: {source}")
        try:
            model = linear_model.check(step.read_json(source))
        except ValueError as err:
            raise StepError(f"{source}: {err}") from None
    step.write_json("model.json", model)
    step.write_json("model-source.json", {"source": source})
    step.log(f"model from {source} is ready")


if __name__ == "__main__":
    run(main)
