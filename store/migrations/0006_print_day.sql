-- 0006: a day's receipt (the Z-report) print job names its day, so it can
-- be printed, and reprinted, after the day was closed.
ALTER TABLE print_jobs ADD COLUMN day TEXT CHECK (day IS NULL OR length(day) = 10);
