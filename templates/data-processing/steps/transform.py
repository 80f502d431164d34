#!/usr/bin/env python3
"""transform: turns valid records into model features.

Drops the rows validate counted as broken (within the allowed fraction) and
derives tenure_days (as of the newest signup), yearly_spend, an age band and
one column per plan. Writes features.csv and transform.json.
"""

import records
from sluice_step import StepError, run

PLANS = sorted(records.PLANS)
COLUMNS = ["customer_id", "country", "tenure_days", "yearly_spend", "age_band"] + [f"plan_{p}" for p in PLANS]


def main(step):
    rows = step.read_csv(step.find("raw.csv"))
    seen = set()
    valid = [r for r in rows if not records.problems(r, seen)]
    if not valid:
        raise StepError("no valid rows to transform")
    as_of = max(records.signup(r) for r in valid)
    features = [features_of(r, as_of) for r in valid]
    step.write_csv("features.csv", features, COLUMNS)
    step.write_json("transform.json", {"rows": len(rows), "kept": len(valid),
                                       "dropped": len(rows) - len(valid), "asOf": as_of.isoformat()})
    step.log(f"kept {len(valid)} of {len(rows)} rows")


def features_of(row, as_of):
    age = float(row["age"])
    out = {
        "customer_id": row["customer_id"],
        "country": row["country"],
        "tenure_days": (as_of - records.signup(row)).days,
        "yearly_spend": round(float(row["monthly_spend"]) * 12, 2),
        "age_band": "18-29" if age < 30 else "30-49" if age < 50 else "50+",
    }
    for plan in PLANS:
        out[f"plan_{plan}"] = int(row["plan"] == plan)
    return out


if __name__ == "__main__":
    run(main)
