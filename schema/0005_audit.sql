-- 0005_audit.sql: amending and voiding sheets with an audit trail, and
-- closed periods whose published figures are frozen.
--
-- A change to a sheet (amend, void) is one statement that updates the
-- sheet and inserts its audit row together, so there is never one without
-- the other. A voided sheet stays, with who voided it and why; reports
-- and the rollup (0004) leave it out.
--
-- Closing a period copies the rollup rows of its months into
-- published_rollup: the figures as published. A later change to a sheet
-- whose call lies in a closed period (before or after the change) is a
-- restatement: its audit row is linked to the period, and reports show
-- published and restated figures side by side with the reasons.

-- voided_by is an account id without a foreign key, like jurist_id
-- (0001): a foreign key on sheet costs every insert a trigger, and
-- accounts are never deleted.
-- The reason of a void is free text: it lives in the audit row, never in
-- the sheet, which holds no free text at all.
ALTER TABLE sheet
	ADD COLUMN voided_by integer;

-- Whole months of the service's calendar, [first month, month after), and
-- the snapshot the published figures were read in: a sheet written by a
-- transaction it does not see is not in them.
CREATE TABLE closed_period (
	id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	months daterange NOT NULL CHECK (
		lower(months) IS NOT NULL AND upper(months) IS NOT NULL AND
		extract(day FROM lower(months)) = 1 AND
		extract(day FROM upper(months)) = 1),
	closed_at timestamptz NOT NULL DEFAULT now(),
	closed_by integer NOT NULL REFERENCES account (id),
	snapshot pg_snapshot NOT NULL,
	EXCLUDE USING gist (months WITH &&)
);

-- The rollup (0004, as reports read it: rollup_live) of the closed months
-- as it was when they were closed:
-- the same columns and key, and the period it belongs to.
CREATE TABLE published_rollup (
	period_id integer NOT NULL REFERENCES closed_period (id),
	LIKE rollup INCLUDING ALL
);

-- old and new hold the changed fields only, as text: codes, call_start in
-- ISO 8601, topics separated by commas; JSON null for "does not apply".
-- change_id is the client's id for the change, so that a resend is found.
CREATE TABLE audit (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	change_id uuid UNIQUE,
	at timestamptz NOT NULL DEFAULT now(),
	account_id integer NOT NULL REFERENCES account (id),
	sheet_id uuid NOT NULL REFERENCES sheet (id),
	action text NOT NULL CHECK (action IN ('amend', 'void', 'late_log')),
	old jsonb NOT NULL DEFAULT '{}',
	new jsonb NOT NULL DEFAULT '{}',
	reason text,
	call_before timestamptz NOT NULL,
	call_after timestamptz NOT NULL
);
CREATE INDEX audit_sheet ON audit (sheet_id, id);
CREATE INDEX audit_at ON audit (at);

-- Which closed periods a change restates.
CREATE TABLE restatement (
	period_id integer NOT NULL REFERENCES closed_period (id),
	audit_id bigint NOT NULL REFERENCES audit (id),
	PRIMARY KEY (period_id, audit_id)
);

-- The closed period a call lies in, if any.
CREATE FUNCTION closed_period_of(call_start timestamptz) RETURNS integer
LANGUAGE sql STABLE AS $$
	SELECT id FROM closed_period
	WHERE months @> (call_start AT TIME ZONE service_timezone())::date
$$;

-- Closes the months [first, after). status: 'closed' with the new period
-- and the number of rollup rows frozen; 'overlap' with each period already
-- closed that overlaps it; 'open' if the period is not over yet. Sheets
-- are locked against writes meanwhile, so that a change either comes
-- before the copy (and is in the published figures) or after it (and
-- sees the period closed).
CREATE FUNCTION close_period(first date, after date, actor integer)
RETURNS TABLE (period_id integer, months_from date, months_to date,
	closed_at timestamptz, closed_by text, frozen bigint, status text)
LANGUAGE plpgsql AS $$
DECLARE
	pid integer;
	n bigint;
BEGIN
	IF after > date_trunc('month', now() AT TIME ZONE service_timezone())
	THEN
		RETURN QUERY SELECT NULL::integer, first, after,
			NULL::timestamptz, NULL::text, 0::bigint, 'open'::text;
		RETURN;
	END IF;
	LOCK TABLE sheet IN SHARE ROW EXCLUSIVE MODE;
	IF EXISTS (SELECT 1 FROM closed_period p
	           WHERE p.months && daterange(first, after)) THEN
		RETURN QUERY
		SELECT p.id, lower(p.months), upper(p.months), p.closed_at,
			a.name, 0::bigint, 'overlap'::text
		FROM closed_period p JOIN account a ON a.id = p.closed_by
		WHERE p.months && daterange(first, after)
		ORDER BY lower(p.months);
		RETURN;
	END IF;
	INSERT INTO closed_period (months, closed_by, snapshot)
	VALUES (daterange(first, after), actor, pg_current_snapshot())
	RETURNING id INTO pid;
	INSERT INTO published_rollup (period_id, month, call_type, department,
		dim, code, n)
	SELECT pid, r.month, r.call_type, r.department, r.dim, r.code,
		sum(r.n)
	FROM rollup_live r WHERE r.month >= first AND r.month < after
	GROUP BY 2, 3, 4, 5, 6 HAVING sum(r.n) <> 0;
	GET DIAGNOSTICS n = ROW_COUNT;
	RETURN QUERY
	SELECT p.id, lower(p.months), upper(p.months), p.closed_at, a.name,
		n, 'closed'::text
	FROM closed_period p JOIN account a ON a.id = p.closed_by
	WHERE p.id = pid;
END $$;

-- A sheet logged after its period was closed (from a spool that was
-- offline at the year's end) changes a published figure too: it is
-- recorded as a restatement. Not on every insert, which must stay cheap,
-- but when the rollup folds it (rollup_fold() moves the horizon, about
-- once a second): the sheets of the transactions folded that the close
-- did not see, and that no change has recorded already.
CREATE FUNCTION audit_late_sheets() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	tz text := service_timezone();
BEGIN
	IF NEW.horizon <= OLD.horizon OR
	   NOT EXISTS (SELECT 1 FROM closed_period) THEN
		RETURN NULL;
	END IF;
	WITH late AS (
		SELECT s.id, s.jurist_id, s.call_start, s.logged_at,
			p.id AS period_id
		FROM sheet s JOIN closed_period p
		  ON p.months @> (s.call_start AT TIME ZONE tz)::date
		WHERE s.xid >= OLD.horizon AND s.xid < NEW.horizon
		  AND NOT pg_visible_in_snapshot(s.xid, p.snapshot)
		  AND NOT EXISTS (SELECT 1 FROM audit a
		                  WHERE a.sheet_id = s.id)
	), aud AS (
		INSERT INTO audit (at, account_id, sheet_id, action,
			call_before, call_after)
		SELECT logged_at, jurist_id, id, 'late_log', call_start,
			call_start
		FROM late
		RETURNING id, sheet_id
	)
	INSERT INTO restatement (period_id, audit_id)
	SELECT late.period_id, aud.id FROM aud JOIN late ON late.id = aud.sheet_id;
	RETURN NULL;
END $$;
CREATE TRIGGER rollup_state_late AFTER UPDATE ON rollup_state
	FOR EACH ROW EXECUTE FUNCTION audit_late_sheets();
