-- A step a run reused from another run (resume, run --from --origin)
-- names the attempt it reused, and each artifact copied for it names the
-- artifact it is a copy of, so lineage reaches the run that wrote it.
ALTER TABLE attempts ADD COLUMN origin_run TEXT NOT NULL DEFAULT '';
ALTER TABLE attempts ADD COLUMN origin_attempt INTEGER NOT NULL DEFAULT 0;
ALTER TABLE artifacts ADD COLUMN source TEXT NOT NULL DEFAULT '';
