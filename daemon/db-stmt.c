/* db-stmt.c: the SQL text of every prepared statement. Values are always
 * parameters; nothing here is ever formatted with data. */
#include "callsheetd.h"

/*
 * One statement stores a whole group-committed batch and classifies each
 * sheet, by its position in the batch: 'i' inserted, 'd' duplicate (same id,
 * same content: a resend), 'c' conflict (same id, other content), 'r' retry
 * (the id is being inserted by a transaction that was not visible to this
 * statement's snapshot: the next batch will see it committed).
 */
static const char insert_sheets_sql[] =
        "WITH input AS ("
        " SELECT * FROM unnest($1::uuid[], $2::bigint[], $3::int[],"
        "  $4::int[], $5::smallint[], $6::smallint[], $7::smallint[],"
        "  $8::smallint[], $9::smallint[], $10::smallint[],"
        "  $11::smallint[], $12::bigint[]) WITH ORDINALITY"
        " AS t(id, call_start, duration_s, jurist_id, call_type,"
        "  department, caller, pro_kind, pro_sector, household, origin,"
        "  topics, ord)"
        "), ins AS ("
        " INSERT INTO sheet (id, jurist_id, call_start, duration_s,"
        "  call_type, department, caller, pro_kind, pro_sector,"
        "  household, origin, topics)"
        " SELECT id, jurist_id, to_timestamp(call_start), duration_s,"
        "  call_type, department, caller, pro_kind, pro_sector,"
        "  household, origin, topics FROM input"
        " ON CONFLICT (id) DO NOTHING RETURNING id"
        ") SELECT i.ord, CASE"
        " WHEN ins.id IS NOT NULL THEN 'i'"
        " WHEN s.id IS NULL THEN 'r'"
        " WHEN (s.jurist_id, s.call_start, s.duration_s, s.call_type,"
        "  s.department, s.caller, s.pro_kind, s.pro_sector,"
        "  s.household, s.origin, s.topics) IS NOT DISTINCT FROM"
        "  (i.jurist_id, to_timestamp(i.call_start), i.duration_s,"
        "  i.call_type, i.department, i.caller, i.pro_kind,"
        "  i.pro_sector, i.household, i.origin, i.topics) THEN 'd'"
        " ELSE 'c' END"
        " FROM input i LEFT JOIN ins ON ins.id = i.id"
        " LEFT JOIN sheet s ON s.id = i.id";

const struct db_stmt db_stmts[] = {
        {STMT_INSERT_SHEETS, insert_sheets_sql, 12},
        {STMT_ACCOUNT_BY_NAME,
         "SELECT id, role, password_hash, disabled FROM account"
         " WHERE name = $1",
         1},
        {STMT_TAXONOMY,
         "SELECT t.id, t.dimension, t.code, t.label_en, t.label_fr,"
         " coalesce(t.topic_bit, -1), t.retired_at IS NOT NULL,"
         " coalesce(t.successor_id, 0), v.version,"
         " (SELECT value FROM setting WHERE name = 'timezone')"
         " FROM taxonomy t CROSS JOIN taxonomy_version v"
         " ORDER BY t.dimension, t.sort_order, t.code",
         0},
        /* reporting: disclosure control */
        {STMT_MIN_CELL,
         "SELECT min_cell FROM disclosure_min_cell WHERE role = $1", 1},
        {STMT_MIN_CELLS,
         "SELECT role, min_cell FROM disclosure_min_cell ORDER BY role", 0},
        {STMT_SET_MIN_CELL,
         "UPDATE disclosure_min_cell SET min_cell = $2, updated_at = now()"
         " WHERE role = $1",
         2},
};
const size_t db_nstmts = nitems(db_stmts);
