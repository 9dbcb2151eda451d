-- 0009_exchange.sql: live watch and sheet export.
--
-- Every statement that changes sheets (log, amend, void, import) sends one
-- notification on callsheet_sheets once its transaction commits, so that
-- every daemon on this database can refresh its watchers' counters. The
-- payload is the transaction's id: PostgreSQL folds the notifications of
-- one transaction into one, and a daemon that listens on several
-- connections hears each copy and counts once.

CREATE FUNCTION sheet_changed_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_notify('callsheet_sheets', pg_current_xact_id()::text);
	RETURN NULL;
END $$;
CREATE TRIGGER sheet_changed AFTER INSERT OR UPDATE OR DELETE
	ON sheet FOR EACH STATEMENT EXECUTE FUNCTION sheet_changed_notify();

-- Export pages through the sheets by (call_start, id): a page starts where
-- the previous one ended without rereading it.
CREATE INDEX sheet_call_start_id ON sheet (call_start, id);
