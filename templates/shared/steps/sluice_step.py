"""What a Sluice step program needs: its context and its artifacts.

Sluice runs every step with its context in environment variables:

  SLUICE_RUN_ID         the run (on AWS, the Step Functions execution name)
  SLUICE_PROJECT        the project's name
  SLUICE_PIPELINE       the pipeline's name
  SLUICE_STEP           this step's name
  SLUICE_ENVIRONMENT    the environment: dev, staging, prod, ...
  SLUICE_REVISION       the Git revision that deployed the pipeline
  SLUICE_PARAMETERS     the run's parameters, a JSON object
  SLUICE_ARTIFACTS      the run's artifact prefix
  SLUICE_OUTPUT         this step's own prefix: everything it writes goes here
  SLUICE_PARENTS        the prefixes of the steps that ran just before it, as
                        a JSON list
  SLUICE_FOREACH_INDEX  inside a foreach: this copy's index, from 0
  SLUICE_FOREACH_ITEM   inside a foreach: this copy's item, as JSON
  SLUICE_FAILED_STEP    for an onFailure step: the step that failed, its error
  SLUICE_ERROR          and the cause (empty when it was reached without a
  SLUICE_CAUSE          failure)
  SLUICE_RUNS           the other pipelines of the project and environment:
                        for each, where its runs' artifacts are and its
                        latest successful run, as a JSON object (the local
                        backend, and on AWS the daemon for the runs it
                        starts; see artifact())

The whole contract is in the DSL reference, docs/dsl.md, "Step contract".

A prefix is a local directory when the local backend runs the pipeline and an
s3:// URI on AWS. Local directories need nothing but Python 3.8 or later.
S3 needs boto3 in the image (pip install boto3): without it, a step given an
s3:// prefix stops with an error instead of pretending it wrote anything.

Steps talk to each other only through these prefixes. A step whose values a
later switch or foreach reads writes them to outputs.json, a JSON object at
the top of its own prefix, and each list among them to KEY.json for a
distributed foreach: Step.set_outputs does both.

Standard library only (boto3 for S3 is imported only when an s3:// prefix is
used).
"""

import csv
import io
import json
import os
import sys
import tempfile

_MISSING = object()


class StepError(Exception):
    """A problem the step cannot get past: run() prints it and exits 1."""


def run(body):
    """Calls body(Step) and turns a StepError into exit status 1 with its message."""
    try:
        body(Step(os.environ))
    except StepError as err:
        print(f"error: {err}", file=sys.stderr)
        sys.exit(1)


class Step:
    """The context of one step, read from SLUICE_* environment variables."""

    def __init__(self, environ):
        self.run_id = environ.get("SLUICE_RUN_ID", "manual")
        self.project = environ.get("SLUICE_PROJECT", "")
        self.pipeline = environ.get("SLUICE_PIPELINE", "")
        self.name = environ.get("SLUICE_STEP", "")
        self.environment = environ.get("SLUICE_ENVIRONMENT", "")
        self.revision = environ.get("SLUICE_REVISION", "")
        self.parameters = _json_env(environ, "SLUICE_PARAMETERS", {})
        if not isinstance(self.parameters, dict):
            raise StepError("SLUICE_PARAMETERS must be a JSON object")
        self.output = environ.get("SLUICE_OUTPUT", "")
        if not self.output:
            raise StepError("SLUICE_OUTPUT is not set: run this program as a Sluice step, "
                            "or set SLUICE_OUTPUT to a directory to try it by hand")
        self.artifacts = environ.get("SLUICE_ARTIFACTS", "")
        self.parents = _prefix_list(environ.get("SLUICE_PARENTS", ""))
        self.foreach_index = _int_env(environ, "SLUICE_FOREACH_INDEX")
        self.foreach_item = _json_env(environ, "SLUICE_FOREACH_ITEM", None)
        self.store = Store()
        self.runs = _json_env(environ, "SLUICE_RUNS", None)

    def log(self, message):
        """Prints a progress line, prefixed with the step's name."""
        print(f"[{self.name or 'step'}] {message}", flush=True)

    def param(self, name, kind, default=_MISSING):
        """Returns parameter name, checked to be of type kind (str, int, float, bool, list, dict)."""
        value = self.parameters.get(name, default)
        if value is _MISSING:
            raise StepError(f"parameter {name!r} is missing from SLUICE_PARAMETERS")
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise StepError(f"parameter {name!r} must be of type {kind.__name__}, not {value!r}")
        return value

    def path(self, *parts):
        """Returns the URI of a file under this step's output prefix."""
        return join(self.output, *parts)

    def write_bytes(self, name, data):
        """Writes data to the file name under the output prefix and returns its URI."""
        uri = self.path(name)
        self.store.write(uri, data)
        return uri

    def write_text(self, name, text):
        return self.write_bytes(name, text.encode("utf-8"))

    def write_json(self, name, value):
        return self.write_text(name, json.dumps(value, indent=2, sort_keys=True) + "\n")

    def write_csv(self, name, rows, columns):
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
        return self.write_text(name, buf.getvalue())

    def set_outputs(self, **values):
        """Writes outputs.json, the values a later switch or foreach reads.

        Each list value is also written to KEY.json, a JSON array: a
        distributed foreach over outputs.KEY reads its items from there.
        """
        for key, value in values.items():
            if isinstance(value, list):
                self.write_json(f"{key}.json", value)
        return self.write_json("outputs.json", values)

    def read_text(self, uri):
        return self.store.read(uri).decode("utf-8")

    def read_json(self, uri):
        try:
            return json.loads(self.read_text(uri))
        except ValueError as err:
            raise StepError(f"{uri} is not valid JSON: {err}") from None

    def read_csv(self, uri):
        """Returns the rows of a CSV file with a header line, as dicts of strings."""
        return list(csv.DictReader(io.StringIO(self.read_text(uri))))

    def find(self, name):
        """Returns the URI of the file called name that an earlier step wrote.

        The parents' prefixes are searched first, then the whole run but for
        this step's own prefix, where exactly one file of that name must exist.
        """
        for parent in self.parents:
            found = [u for u in self.store.list(parent) if basename(u) == name]
            if found:
                return found[0]
        own = join(self.output, "")
        found = [u for u in self.store.list(self.artifacts)
                 if basename(u) == name and not u.startswith(own)] if self.artifacts else []
        if len(found) == 1:
            return found[0]
        if found:
            raise StepError(f"{len(found)} files called {name} in this run ({', '.join(found)}); cannot tell which to read")
        raise StepError(f"no earlier step wrote {name} (looked in {self._searched()})")

    def find_all(self, name):
        """Returns the URIs of every file called name under the parents' prefixes,
        one per copy when the parent ran in a foreach."""
        roots = self.parents or ([self.artifacts] if self.artifacts else [])
        found = sorted({u for root in roots for u in self.store.list(root) if basename(u) == name})
        if not found:
            raise StepError(f"no parent step wrote {name} (looked in {self._searched()})")
        return found

    def artifact(self, pipeline, name, step=None, run="latest"):
        """Returns a local path to the file name that step wrote in run of pipeline.

        See the module's artifact(); the runs are this step's SLUICE_RUNS.
        """
        return _artifact(self.runs, self.store, pipeline, name, step, run)

    def _searched(self):
        places = self.parents + ([self.artifacts] if self.artifacts else [])
        return ", ".join(places) or "nowhere: SLUICE_PARENTS and SLUICE_ARTIFACTS are empty"


def artifact(pipeline, name, step=None, run="latest"):
    """Returns a local path to the file name that step wrote in run of pipeline.

    run is a run id of that pipeline, or "latest": its latest run that
    succeeded in this environment. name is a path under the step's prefix
    ("model/model.json"), or a file name found once anywhere under it (a
    step inside a foreach writes under one prefix per copy); without step,
    anywhere in the run. The other runs are known from SLUICE_RUNS, which
    the local backend gives every step before it starts, and which on AWS
    the daemon resolves when it starts a run: the step never asks the run
    store. On AWS the artifact is an s3:// object, downloaded to a
    temporary file (boto3); a run started by a schedule or outside Sluice,
    or one whose SLUICE_RUNS would not fit Batch's container overrides,
    is told of no other run (SLUICE_RUNS is {}): pass the artifact's
    s3:// URI as a parameter instead (sluice artifacts RUN lists them).
    """
    return _artifact(_json_env(os.environ, "SLUICE_RUNS", None), Store(), pipeline, name, step, run)


def _artifact(runs, store, pipeline, name, step, run):
    if not isinstance(runs, dict):
        raise StepError("reading another run's artifacts needs SLUICE_RUNS, which the local backend gives every step "
                        "and the daemon every run it starts on AWS; otherwise pass the artifact's s3:// URI as a parameter")
    if not runs:
        raise StepError("SLUICE_RUNS names no pipeline: on AWS a run started by a schedule or outside Sluice, or one whose "
                        "SLUICE_RUNS would not fit Batch's container overrides, is told of no other run; "
                        "pass the artifact's s3:// URI as a parameter instead")
    known = runs.get(pipeline)
    if not isinstance(known, dict) or not known.get("artifacts"):
        names = ", ".join(sorted(runs)) or "none"
        raise StepError(f"no pipeline {pipeline!r} is deployed in this project and environment (pipelines: {names})")
    if run == "latest":
        run = known.get("latest", "")
        if not run:
            raise StepError(f"pipeline {pipeline!r} has no run that succeeded in this environment yet")
    root = join(known["artifacts"], run, step) if step else join(known["artifacts"], run)
    where = f"run {run} of {pipeline}" + (f", step {step}" if step else "")
    direct = join(root, name)
    if store.exists(direct):
        return store.local(direct)
    found = [u for u in store.list(root) if basename(u) == basename(name)]
    if len(found) == 1:
        return store.local(found[0])
    if found:
        raise StepError(f"{len(found)} files called {name} in {where} ({', '.join(found)}); give its path under the step")
    raise StepError(f"{where} wrote no {name} (looked in {root})")


class Store:
    """Reads and writes files under local directories or s3:// URIs."""

    def __init__(self):
        self._client = None

    def read(self, uri):
        if not is_s3(uri):
            try:
                with open(uri, "rb") as f:
                    return f.read()
            except OSError as err:
                raise StepError(f"cannot read {uri}: {err.strerror}") from None
        bucket, key = split_s3(uri)
        try:
            return self._s3().get_object(Bucket=bucket, Key=key)["Body"].read()
        except Exception as err:  # botocore raises many types; all mean "cannot read"
            raise StepError(f"cannot read {uri}: {err}") from None

    def write(self, uri, data):
        if not is_s3(uri):
            try:
                os.makedirs(os.path.dirname(uri) or ".", exist_ok=True)
                with open(uri, "wb") as f:
                    f.write(data)
                return
            except OSError as err:
                raise StepError(f"cannot write {uri}: {err.strerror}") from None
        bucket, key = split_s3(uri)
        try:
            self._s3().put_object(Bucket=bucket, Key=key, Body=data)
        except Exception as err:
            raise StepError(f"cannot write {uri}: {err}") from None

    def exists(self, uri):
        if not is_s3(uri):
            return os.path.isfile(uri)
        bucket, key = split_s3(uri)
        try:
            self._s3().head_object(Bucket=bucket, Key=key)
            return True
        except StepError:
            raise
        except Exception:  # a missing key and a refused read both mean: not there to read
            return False

    def local(self, uri):
        """Returns a local path holding uri: itself, or a downloaded copy of an s3:// object."""
        if not is_s3(uri):
            return uri
        path = os.path.join(tempfile.mkdtemp(prefix="sluice-artifact-"), basename(uri))
        with open(path, "wb") as f:
            f.write(self.read(uri))
        return path

    def list(self, prefix):
        """Returns the URIs of every file under prefix, at any depth, sorted."""
        if not is_s3(prefix):
            found = []
            for root, dirs, files in os.walk(prefix):
                dirs.sort()
                found.extend(os.path.join(root, f) for f in files)
            return sorted(found)
        bucket, key = split_s3(prefix)
        key = key.rstrip("/") + "/" if key else ""
        try:
            pages = self._s3().get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=key)
            return sorted(f"s3://{bucket}/{o['Key']}" for page in pages for o in page.get("Contents", []))
        except Exception as err:
            raise StepError(f"cannot list {prefix}: {err}") from None

    def _s3(self):
        if self._client is None:
            try:
                import boto3  # only needed for s3:// prefixes
            except ImportError:
                raise StepError("this step was given an s3:// prefix but boto3 is not installed: "
                                "add boto3 to the image (pip install boto3)") from None
            self._client = boto3.client("s3")
        return self._client


def is_s3(uri):
    return uri.startswith("s3://")


def split_s3(uri):
    bucket, _, key = uri[len("s3://"):].partition("/")
    if not bucket:
        raise StepError(f"{uri} names no bucket")
    return bucket, key


def join(prefix, *parts):
    """Joins a prefix (directory or s3:// URI) and relative parts."""
    if is_s3(prefix):
        return "/".join([prefix.rstrip("/")] + [p.strip("/") for p in parts])
    return os.path.join(prefix, *parts)


def basename(uri):
    return uri.rstrip("/").rsplit("/", 1)[-1].rsplit(os.sep, 1)[-1]


def dirname(uri):
    """Returns the prefix that holds uri."""
    if is_s3(uri):
        return uri.rsplit("/", 1)[0]
    return os.path.dirname(uri)


def _json_env(environ, name, default):
    raw = environ.get(name, "")
    if not raw:
        return default
    try:
        return json.loads(raw)
    except ValueError as err:
        raise StepError(f"{name} is not valid JSON: {err}") from None


def _int_env(environ, name):
    raw = environ.get(name, "")
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise StepError(f"{name} must be an integer, not {raw!r}") from None


def _prefix_list(raw):
    raw = raw.strip()
    if not raw:
        return []
    try:
        value = json.loads(raw)
    except ValueError:
        value = None
    if isinstance(value, list) and all(isinstance(p, str) for p in value):
        return value
    raise StepError(f"SLUICE_PARENTS must be a JSON list of prefixes, not {raw!r}")
