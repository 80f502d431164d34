#!/usr/bin/env python3
"""register: publishes the model that passed the quality gate as a versioned package.

Writes model/model.json and model-package.json (name, version = the run id,
the Git revision that deployed the pipeline, the metrics) under this step's
prefix, where serving and batch-prediction pipelines can find it. To use a
model registry (SageMaker Model Registry, MLflow) instead, call it here.
"""

from sluice_step import run


def main(step):
    name = step.param("modelName", str)
    evaluation = step.read_json(step.find("evaluation.json"))
    model_uri = step.write_bytes("model/model.json", step.store.read(step.find("best-model.json")))
    package = {
        "name": name,
        "version": step.run_id,
        "pipeline": step.pipeline,
        "environment": step.environment,
        "revision": step.revision,
        "model": model_uri,
        "metrics": evaluation["test"],
        "learningRate": evaluation["learningRate"],
    }
    step.write_json("model-package.json", package)
    step.log(f"registered {name} version {step.run_id} at {model_uri}")


if __name__ == "__main__":
    run(main)
