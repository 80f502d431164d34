"""The customer records this pipeline processes, and the rules they must follow.

validate counts the rows that break a rule; transform drops them. Edit
COLUMNS and problems() to describe your own data.
"""

import datetime
import random

COLUMNS = ["customer_id", "signup_date", "country", "age", "monthly_spend", "plan"]
COUNTRIES = {"DE", "ES", "FR", "GB", "IT", "NL", "US"}
PLANS = {"basic", "pro", "team"}


def synthetic(rows, seed, corrupt_fraction):
    """Returns rows of customer records; corrupt_fraction of them break one rule each."""
    rng = random.Random(seed)
    start = datetime.date(2021, 1, 1)
    out = []
    for i in range(rows):
        row = {
            "customer_id": f"c{i:07d}",
            "signup_date": (start + datetime.timedelta(days=rng.randint(0, 1400))).isoformat(),
            "country": rng.choice(sorted(COUNTRIES)),
            "age": str(rng.randint(18, 80)),
            "monthly_spend": f"{rng.uniform(5, 300):.2f}",
            "plan": rng.choice(sorted(PLANS)),
        }
        if rng.random() < corrupt_fraction:
            _corrupt(row, rng, out)
        out.append(row)
    return out


def _corrupt(row, rng, earlier):
    kind = rng.randrange(5)
    if kind == 0:
        row["customer_id"] = ""
    elif kind == 1:
        row["monthly_spend"] = "-12.50"
    elif kind == 2:
        row["age"] = "7"
    elif kind == 3:
        row["signup_date"] = "31/02/2023"
    elif earlier:
        row["customer_id"] = earlier[-1]["customer_id"]


def problems(row, seen_ids):
    """Returns the rules row breaks, as short phrases; records its id in seen_ids."""
    found = []
    cid = (row.get("customer_id") or "").strip()
    if not cid:
        found.append("empty customer_id")
    elif cid in seen_ids:
        found.append("duplicate customer_id")
    seen_ids.add(cid)
    if _date(row.get("signup_date")) is None:
        found.append("signup_date is not a YYYY-MM-DD date")
    if row.get("country") not in COUNTRIES:
        found.append("unknown country")
    age = _number(row.get("age"))
    if age is None or not 18 <= age <= 120:
        found.append("age outside 18..120")
    spend = _number(row.get("monthly_spend"))
    if spend is None or spend < 0:
        found.append("monthly_spend negative or not a number")
    if row.get("plan") not in PLANS:
        found.append("unknown plan")
    return found


def signup(row):
    return _date(row["signup_date"])


def _date(value):
    try:
        return datetime.date.fromisoformat(value or "")
    except ValueError:
        return None


def _number(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return None
