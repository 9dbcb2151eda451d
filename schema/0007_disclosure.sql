-- 0007_disclosure.sql: disclosure control: the minimum cell size of each
-- role. A query answered to a session of that role hides every count under
-- it (and the counts that would let one recompute a hidden one); 0 means no
-- suppression. Defaults: none for admin and jurist, 3 for reporter (the
-- French official-statistics rule). Changed by an admin (MinCell request,
-- `callsheet admin min-cell`).

CREATE TABLE disclosure_min_cell (
	role text PRIMARY KEY CHECK (role IN ('jurist', 'reporter', 'admin')),
	min_cell integer NOT NULL CHECK (min_cell BETWEEN 0 AND 1000),
	updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO disclosure_min_cell (role, min_cell) VALUES
	('admin', 0),
	('jurist', 0),
	('reporter', 3);
