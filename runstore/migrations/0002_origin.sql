-- A resumed run names the run whose succeeded steps it reused.
ALTER TABLE runs ADD COLUMN origin TEXT NOT NULL DEFAULT '';
