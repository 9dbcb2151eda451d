/* db-stmt.c: the SQL text of every prepared statement. Values are always
 * parameters; nothing here is ever formatted with data. */
#include "callsheetd.h"

/*
 * One statement stores a whole group-committed batch. It returns a row
 * only for the sheets it did not insert, by their position in the batch:
 * 'd' duplicate (same id, same content: a resend), 'c' conflict (same id,
 * other content), 'r' retry (the id is being inserted by a transaction
 * this statement's snapshot cannot see: the next batch will). In the usual
 * case, all inserted, it looks nothing up and returns nothing.
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
        "), rest AS ("
        " SELECT * FROM input WHERE id NOT IN (SELECT id FROM ins)"
        ") SELECT i.ord, CASE"
        " WHEN s.id IS NULL THEN 'r'"
        " WHEN (s.jurist_id, s.call_start, s.duration_s, s.call_type,"
        "  s.department, s.caller, s.pro_kind, s.pro_sector,"
        "  s.household, s.origin, s.topics) IS NOT DISTINCT FROM"
        "  (i.jurist_id, to_timestamp(i.call_start), i.duration_s,"
        "  i.call_type, i.department, i.caller, i.pro_kind,"
        "  i.pro_sector, i.household, i.origin, i.topics) THEN 'd'"
        " ELSE 'c' END"
        " FROM rest i LEFT JOIN sheet s ON s.id = i.id";

/* Taxonomy administration. A statement that finds nothing to change
 * returns no row rather than failing: someone else changed the taxonomy
 * since the daemon checked the request against its copy. */
static const char tax_add_sql[] =
        "INSERT INTO taxonomy (dimension, code, label_en, label_fr,"
        " sort_order, topic_bit)"
        " SELECT $1::text, $2::text, $3::text, $4::text,"
        "  coalesce((SELECT max(sort_order) FROM taxonomy"
        "   WHERE dimension = $1::text), 0) + 1, b.bit"
        " FROM (SELECT CASE WHEN $1::text = 'topic' THEN"
        "  (SELECT min(g) FROM generate_series(0, 62) g WHERE NOT EXISTS"
        "   (SELECT 1 FROM taxonomy x WHERE x.topic_bit = g)) END AS bit) b"
        " WHERE $1::text <> 'topic' OR b.bit IS NOT NULL"
        " ON CONFLICT DO NOTHING RETURNING id";
static const char tax_retire_sql[] =
        "UPDATE taxonomy t SET retired_at = now(), successor_id ="
        "  (SELECT s.id FROM taxonomy s WHERE s.dimension = $1::text"
        "   AND s.code = $3::text AND s.retired_at IS NULL)"
        " WHERE t.dimension = $1::text AND t.code = $2::text"
        "  AND t.retired_at IS NULL AND ($3::text IS NULL OR EXISTS"
        "  (SELECT 1 FROM taxonomy s WHERE s.dimension = $1::text"
        "   AND s.code = $3::text AND s.retired_at IS NULL"
        "   AND s.code <> $2::text))"
        " RETURNING t.id";
static const char tax_map_sql[] =
        "UPDATE taxonomy t SET successor_id = s.id FROM taxonomy s"
        " WHERE t.dimension = $1::text AND t.code = $2::text"
        "  AND t.retired_at IS NOT NULL AND s.dimension = $1::text"
        "  AND s.code = $3::text AND s.retired_at IS NULL AND s.id <> t.id"
        " RETURNING t.id";
/*
 * Account administration. Each change writes its audit row in the same
 * statement. Every statement returns accounts as (id, name, role,
 * disabled, created_at, password_changed_at), times in Unix seconds.
 */
#define ACCOUNT_COLS                                                           \
	" id, name, role, disabled,"                                           \
	" extract(epoch FROM created_at)::bigint,"                             \
	" extract(epoch FROM password_changed_at)::bigint"
static const char user_add_sql[] =
        "WITH a AS ("
        " INSERT INTO account (name, role, password_hash)"
        " VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING"
        " RETURNING *"
        "), audit AS ("
        " INSERT INTO account_audit (actor_id, account_id, action, role)"
        " SELECT $4::integer, id, 'create', role FROM a"
        ") SELECT" ACCOUNT_COLS " FROM a";
static const char user_passwd_sql[] =
        "WITH a AS ("
        " UPDATE account SET password_hash = $2, password_changed_at = now()"
        " WHERE name = $1 RETURNING *"
        "), audit AS ("
        " INSERT INTO account_audit (actor_id, account_id, action)"
        " SELECT $3::integer, id, 'password' FROM a"
        ") SELECT" ACCOUNT_COLS " FROM a";
/*
 * No row: no such account. Else the account and what happened (7th
 * column): 'changed', 'unchanged' (it already was so), or 'last_admin'
 * (refused: nobody could administer accounts any more). The admins are
 * locked so that two admins cannot disable each other at once.
 */
static const char user_disable_sql[] =
        "WITH target AS ("
        " SELECT * FROM account WHERE name = $1 FOR UPDATE"
        "), admins AS ("
        " SELECT count(*) AS n FROM (SELECT 1 FROM account"
        "  WHERE role = 'admin' AND NOT disabled FOR UPDATE) x"
        "), a AS ("
        " UPDATE account SET disabled = $2::boolean FROM target, admins"
        " WHERE account.id = target.id AND target.disabled <> $2::boolean"
        "  AND NOT ($2::boolean AND target.role = 'admin' AND admins.n <= 1)"
        " RETURNING account.id"
        "), audit AS ("
        " INSERT INTO account_audit (actor_id, account_id, action)"
        " SELECT $3::integer, id, CASE WHEN $2::boolean THEN 'disable'"
        "  ELSE 'enable' END FROM a"
        ") SELECT t.id, t.name, t.role,"
        " CASE WHEN a.id IS NOT NULL THEN $2::boolean ELSE t.disabled END,"
        " extract(epoch FROM t.created_at)::bigint,"
        " extract(epoch FROM t.password_changed_at)::bigint,"
        " CASE WHEN a.id IS NOT NULL THEN 'changed'"
        "  WHEN t.disabled = $2::boolean THEN 'unchanged'"
        "  ELSE 'last_admin' END"
        " FROM target t LEFT JOIN a ON a.id = t.id";

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
        {STMT_TAX_ADD, tax_add_sql, 4},
        {STMT_TAX_RENAME,
         "UPDATE taxonomy SET label_en = coalesce($3::text, label_en),"
         " label_fr = coalesce($4::text, label_fr)"
         " WHERE dimension = $1::text AND code = $2::text RETURNING id",
         4},
        {STMT_TAX_RETIRE, tax_retire_sql, 3},
        {STMT_TAX_MAP, tax_map_sql, 3},
        {STMT_TAX_VERSION, "SELECT version FROM taxonomy_version", 0},
        {STMT_USER_ADD, user_add_sql, 4},
        {STMT_USER_PASSWD, user_passwd_sql, 3},
        {STMT_USER_DISABLE, user_disable_sql, 3},
        {STMT_USER_LIST, "SELECT" ACCOUNT_COLS " FROM account ORDER BY name",
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
