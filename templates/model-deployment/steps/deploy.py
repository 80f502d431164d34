#!/usr/bin/env python3
"""deploy: promotes the approved model to where the serving stack loads it.

Writes MODEL/model.json and MODEL/deployment.json (version = the run, the Git
revision, the checks' results) under the servingPrefix parameter (a directory
or s3:// prefix), or under this step's serving/ prefix when it is empty. To
deploy to a SageMaker endpoint instead, call boto3's sagemaker client here
(the image then needs boto3).
"""

import json

from sluice_step import join, run


def main(step):
    name = step.param("modelName", str)
    target = join(step.param("servingPrefix", str) or step.path("serving"), name)
    decision = step.read_json(step.find("decision.json"))
    model_uri = join(target, "model.json")
    step.store.write(model_uri, step.store.read(step.find("model.json")))
    record = {
        "model": name,
        "version": step.run_id,
        "uri": model_uri,
        "pipeline": step.pipeline,
        "environment": step.environment,
        "revision": step.revision,
        "metrics": decision["validation"]["metrics"],
        "parityGap": decision["bias"]["parityGap"],
    }
    step.store.write(join(target, "deployment.json"), _json(record))
    step.write_json("deployment.json", record)
    step.log(f"deployed {name} version {step.run_id} to {target}")


def _json(value):
    return (json.dumps(value, indent=2, sort_keys=True) + "\n").encode("utf-8")


if __name__ == "__main__":
    run(main)
