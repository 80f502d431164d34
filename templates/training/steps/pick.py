#!/usr/bin/env python3
"""pick: joins the search and keeps the best candidate.

Reads metrics.json of every train copy, ranks them by validation accuracy
(then by log loss) and copies the winner's model.json, which sits next to
its metrics, to best-model.json.
"""

from sluice_step import dirname, join, run


def main(step):
    candidates = []
    for uri in step.find_all("metrics.json"):
        metrics = step.read_json(uri)
        metrics["model"] = join(dirname(uri), "model.json")
        candidates.append(metrics)
    ranked = sorted(candidates, key=lambda c: (-c["validation"]["accuracy"], c["validation"]["logLoss"]))
    best = ranked[0]
    step.write_bytes("best-model.json", step.store.read(best["model"]))
    step.write_json("selection.json", {"best": best, "candidates": ranked})
    for c in ranked:
        step.log(f"learning rate {c['learningRate']}: accuracy {c['validation']['accuracy']}")
    step.log(f"picked learning rate {best['learningRate']} out of {len(ranked)} candidates")


if __name__ == "__main__":
    run(main)
