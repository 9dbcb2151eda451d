-- 0012_sheet_index.sql: one index fewer to write for every sheet.
--
-- sheet_call_start (0001) is a prefix of sheet_call_start_id (0009): any
-- scan of a period reads the longer one as well, and every insert paid
-- for both.
DROP INDEX IF EXISTS sheet_call_start;
