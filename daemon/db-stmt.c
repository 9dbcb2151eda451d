/* db-stmt.c: the SQL text of every prepared statement. Values are always
 * parameters; nothing here is ever formatted with data. */
#include <stdlib.h>
#include <string.h>

#include "callsheetd.h"

/*
 * Where a statement names the coded fields (sheet_fields[]), it says so
 * once, between {{ and }}: an item that db_stmts_init() repeats for each
 * field, in sheet_fields[] order and separated by ", ", at startup,
 * before any connection prepares a statement. In the item, %f is the
 * field's name (its column) and $N the parameter of the first field, one
 * more for each next; after it, $+K is the K-th parameter after the
 * fields'. "{{coalesce(s.%f, 0)}}" is "coalesce(s.call_type, 0), ...".
 */

/* A stored sheet's (s) coded columns, 0 for a field that does not
 * apply. */
#define SHEET_CODES "{{coalesce(s.%f, 0)}}"

/*
 * One statement stores a whole group-committed batch: a function planned
 * once per connection (schema/0011_sheet_insert_batch.sql). It returns a
 * row only for the sheets it did not insert, by their position in the
 * batch: 'd' duplicate, 'c' conflict, 'r' retry in the next batch.
 */
static const char insert_sheets_sql[] =
        "SELECT ord, status, period_from, period_to FROM"
        " sheet_insert_batch($1::uuid[], $2::bigint[], $3::int[], $4::int[],"
        " {{$5::smallint[]}}, $+1::bigint[], $+2::int)";

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

/*
 * A stored sheet as a change needs it: its values (taxonomy ids, 0 for
 * none), its row version (xmin: the write checks nobody changed it
 * since), whether it was logged within the window ($2 days), the closed
 * periods its call lies in now or would after the change ($4: the new
 * call time, or NULL), how it was voided, and whether the change id $3 was
 * seen before: c.same when for this very change (this sheet, account $5,
 * action $6 and digest $7: the same request), false when for another.
 */
static const char sheet_load_sql[] =
        "SELECT s.xmin::text, extract(epoch FROM s.call_start)::bigint,"
        " s.duration_s, " SHEET_CODES ", s.topics, s.jurist_id,"
        " s.logged_at >= now() - make_interval(days => $2::int),"
        " (SELECT coalesce(max(id), 0) FROM closed_period),"
        " (SELECT string_agg(p.id || ' ' || lower(p.months) || ' ' ||"
        "   upper(p.months), ',' ORDER BY lower(p.months))"
        "  FROM closed_period p WHERE p.id IN"
        "  (closed_period_of(s.call_start),"
        "   closed_period_of(to_timestamp($4::bigint)))),"
        " extract(epoch FROM s.voided_at)::bigint, v.name,"
        " (SELECT a.reason FROM audit a WHERE a.sheet_id = s.id"
        "  AND a.action = 'void' ORDER BY a.id DESC LIMIT 1),"
        " c.same, extract(epoch FROM c.at)::bigint, c.name, c.reason"
        " FROM sheet s LEFT JOIN account v ON v.id = s.voided_by"
        " LEFT JOIN LATERAL (SELECT a.sheet_id = s.id"
        "  AND a.account_id = $5::int AND a.action = $6"
        "  AND coalesce(a.change_digest = decode($7, 'hex'), true) AS same,"
        "  a.at, u.name, a.reason FROM audit a JOIN account u"
        "  ON u.id = a.account_id WHERE a.change_id = $3::uuid) c ON true"
        " WHERE s.id = $1::uuid";

/*
 * The tail of a change: its audit row and the closed periods it restates,
 * in the same statement as the update, so both or neither are stored.
 * $4 change id, $5 account, $6 reason, $7 closed period ids, $8 the call
 * time before, $9 the change's digest (hex); upd yields the id and the
 * call time after.
 */
#define CHANGE_AUDIT_SQL(action, old, new)                                     \
	"), aud AS ("                                                          \
	" INSERT INTO audit (change_id, account_id, sheet_id, action, old,"    \
	"  new, reason, call_before, call_after, change_digest)"               \
	" SELECT $4::uuid, $5::int, upd.id, '" action "', " old                \
	", " new ","                                                           \
	         "  $6, to_timestamp($8::bigint), upd.call_start,"             \
	         "  decode($9, 'hex') FROM upd"                                \
	         " RETURNING id, at"                                           \
	         "), rst AS ("                                                 \
	         " INSERT INTO restatement (period_id, audit_id)"              \
	         " SELECT unnest($7::int[]), aud.id FROM aud"                  \
	         ") SELECT extract(epoch FROM aud.at)::bigint FROM aud"

/* Only if the row is still the one read ($2) and no period was closed
 * since ($3); else nothing, and the change is read and judged again. */
#define CHANGE_GUARD_SQL                                                       \
	" WHERE s.id = $1::uuid AND s.xmin::text = $2 AND"                     \
	" s.voided_at IS NULL AND"                                             \
	" (SELECT coalesce(max(id), 0) FROM closed_period) = $3::int"          \
	" RETURNING s.id, s.call_start"

/* $10 call time, $11 duration, $12 on the coded fields, then topics: the
 * whole amended sheet; then the changed fields, their values before and
 * their values after (SHEET_AMEND_NPARAMS in all). */
static const char sheet_amend_sql[] =
        "WITH upd AS ("
        " UPDATE sheet s SET call_start = to_timestamp($10::bigint),"
        "  duration_s = $11, {{%f = $12}}, topics = $+1" CHANGE_GUARD_SQL
                CHANGE_AUDIT_SQL("amend",
                                 "jsonb_object($+2::text[], $+3::text[])",
                                 "jsonb_object($+2::text[], $+4::text[])");

static const char sheet_void_sql[] =
        "WITH upd AS ("
        " UPDATE sheet s SET voided_at = now(), voided_by = "
        "$5::int" CHANGE_GUARD_SQL CHANGE_AUDIT_SQL("void", "'{}'::jsonb",
                                                    "'{}'::jsonb");

/*
 * The audit trail, oldest first, one row per changed field: $1 a sheet,
 * $2 and $3 days of the change, $4 the jurist whose sheets (NULL: all),
 * $5 entries at most. Fields come in the order of the Sheet message.
 */
static const char audit_list_sql[] =
        "SELECT e.id, extract(epoch FROM e.at)::bigint, u.name,"
        " e.sheet_id::text, e.action, e.reason, k.key, e.old ->> k.key,"
        " e.new ->> k.key,"
        " (SELECT string_agg(lower(p.months) || ' ' || upper(p.months), ','"
        "   ORDER BY lower(p.months)) FROM restatement r"
        "  JOIN closed_period p ON p.id = r.period_id"
        "  WHERE r.audit_id = e.id)"
        " FROM (SELECT a.* FROM audit a JOIN sheet s ON s.id = a.sheet_id"
        "  WHERE ($1::uuid IS NULL OR a.sheet_id = $1::uuid)"
        "  AND ($2::date IS NULL OR a.at >="
        "   ($2::date::timestamp AT TIME ZONE service_timezone()))"
        "  AND ($3::date IS NULL OR a.at <"
        "   ($3::date::timestamp AT TIME ZONE service_timezone()))"
        "  AND ($4::int IS NULL OR s.jurist_id = $4::int)"
        "  ORDER BY a.id LIMIT $5::int) e"
        " JOIN account u ON u.id = e.account_id"
        " LEFT JOIN LATERAL jsonb_object_keys(e.old || e.new) AS k(key)"
        "  ON true"
        " ORDER BY e.id, array_position(ARRAY['call_start', 'duration_s',"
        "  {{'%f'}}, 'topics'], k.key), k.key";

/* The closed periods a report's days [$1, $2) overlap, with the whole
 * months of each inside them, [f, t): empty when f >= t. */
#define RESTATE_BOUNDS_SQL                                                     \
	"WITH b AS (SELECT p.id, lower(p.months) AS pf,"                       \
	" upper(p.months) AS pt,"                                              \
	" greatest(lower(p.months), (date_trunc('month', $1::date - 1)"        \
	"  + interval '1 month')::date) AS f,"                                 \
	" least(upper(p.months), date_trunc('month', $2::date)::date) AS t"    \
	" FROM closed_period p"                                                \
	" WHERE p.months && daterange($1::date, $2::date)) "

/* The changes recorded as restatements of those periods whose call, before
 * or after, lies in the report's days; $3 not NULL: of that account's
 * sheets only (a jurist's, as GetAudit). */
static const char restate_changes_sql[] = RESTATE_BOUNDS_SQL
        "SELECT b.id, extract(epoch FROM a.at)::bigint, u.name,"
        " a.sheet_id::text, a.action, a.reason"
        " FROM b JOIN restatement rs ON rs.period_id = b.id"
        " JOIN audit a ON a.id = rs.audit_id"
        " JOIN account u ON u.id = a.account_id"
        " WHERE ((a.call_before >= ($1::date::timestamp AT TIME ZONE"
        "  service_timezone()) AND a.call_before <"
        "  ($2::date::timestamp AT TIME ZONE service_timezone()))"
        " OR (a.call_after >= ($1::date::timestamp AT TIME ZONE"
        "  service_timezone()) AND a.call_after <"
        "  ($2::date::timestamp AT TIME ZONE service_timezone())))"
        " AND ($3::int IS NULL OR EXISTS (SELECT 1 FROM sheet s"
        "  WHERE s.id = a.sheet_id AND s.jurist_id = $3::int))"
        " ORDER BY b.pf, a.id LIMIT 1000";

/*
 * Watch: calls by type, and topics of consultations, over the three
 * calendar periods of the service's zone (set first by STMT_SET_TIMEZONE
 * in the same operation, so that date_trunc is the zone's): rows of
 * (0 for a call type or 1 for a topic, taxonomy id, today, this week,
 * this month). Today and the week from the sheets, in one pass grouped by
 * type and topic mask (a few hundred groups at most); the month from the
 * rollup (rollup_live: exact, and a few rows to read).
 */
static const char watch_counts_sql[] =
        "WITH b AS (SELECT date_trunc('day', now()) AS d,"
        " date_trunc('week', now()) AS w, date_trunc('month', now()) AS m),"
        " c AS (SELECT id FROM taxonomy"
        "  WHERE dimension = 'call_type' AND code = 'consultation'),"
        " s AS MATERIALIZED (SELECT s.call_type, s.topics,"
        " count(*) FILTER (WHERE s.call_start >= b.d"
        "  AND s.call_start < b.d + interval '1 day') AS n0,"
        " count(*) AS n1"
        " FROM sheet s, b WHERE s.voided_at IS NULL AND s.call_start >= b.w"
        " AND s.call_start < b.w + interval '1 week' GROUP BY 1, 2),"
        " wk AS (SELECT 0 AS kind, call_type::integer AS id, sum(n0) AS n0,"
        "  sum(n1) AS n1 FROM s GROUP BY 2"
        " UNION ALL"
        " SELECT 1, tp.id, sum(n0), sum(n1) FROM s"
        " JOIN taxonomy tp ON tp.topic_bit IS NOT NULL"
        "  AND (s.topics >> tp.topic_bit) & 1 = 1"
        " WHERE s.call_type IN (SELECT id FROM c) GROUP BY 2),"
        " mo AS (SELECT 0 AS kind, r.call_type::integer AS id, sum(r.n) AS n2"
        " FROM rollup_live r, b WHERE r.month = b.m::date AND r.dim = 0"
        " GROUP BY 2"
        " UNION ALL"
        " SELECT 1, tp.id, sum(r.n) FROM rollup_live r"
        " JOIN taxonomy tp ON tp.topic_bit IS NOT NULL"
        "  AND (r.code >> tp.topic_bit) & 1 = 1, b"
        " WHERE r.month = b.m::date AND r.dim = 6"
        " AND r.call_type IN (SELECT id FROM c) GROUP BY 2)"
        " SELECT coalesce(wk.kind, mo.kind), coalesce(wk.id, mo.id),"
        " coalesce(wk.n0, 0), coalesce(wk.n1, 0), coalesce(mo.n2, 0)"
        " FROM wk FULL JOIN mo ON wk.kind = mo.kind AND wk.id = mo.id";

/* The sheet columns export and check read, in this order
 * (SHEET_NCOLUMNS, read by sheet_row_from_db()). */
#define SHEET_COLUMNS                                                          \
	"s.id, floor(extract(epoch FROM s.call_start))::bigint,"               \
	" s.duration_s, " SHEET_CODES ", s.topics"

/*
 * A page of current sheets in (call_start, id) order, from where the
 * previous page ended ($3 microseconds since the epoch, $4 id); $1 and $2
 * are dates of the service's zone (set first), NULL for no bound.
 */
static const char export_page_sql[] =
        "SELECT " SHEET_COLUMNS ","
        " to_char(s.call_start, 'YYYY-MM-DD\"T\"HH24:MI:SSTZH:TZM'),"
        " (extract(epoch FROM s.call_start) * 1000000)::bigint"
        " FROM sheet s WHERE s.voided_at IS NULL"
        " AND s.call_start >= coalesce($1::date::timestamptz, '-infinity')"
        " AND s.call_start < coalesce($2::date::timestamptz, 'infinity')"
        " AND (s.call_start, s.id) > (coalesce('epoch'::timestamptz"
        "  + $3::bigint * interval '1 microsecond', '-infinity'),"
        "  coalesce($4::uuid, '00000000-0000-0000-0000-000000000000'))"
        " ORDER BY s.call_start, s.id LIMIT $5";

/*
 * One account's sheets ($1 its id, or NULL for every account; $2 its name,
 * or NULL), latest call first, voided ones marked; the service's zone set
 * first. By days ($3 and $4 dates of that zone, $3 NULL: today), or by an
 * id range ($3 and $4 uuids: the ids an id prefix covers).
 */
#define LIST_SQL(where)                                                        \
	"SELECT " SHEET_COLUMNS ","                                            \
	" to_char(s.call_start, 'YYYY-MM-DD\"T\"HH24:MI:SSTZH:TZM'), a.name,"  \
	" s.voided_at IS NOT NULL"                                             \
	" FROM sheet s JOIN account a ON a.id = s.jurist_id WHERE " where      \
	" AND ($1::int IS NULL OR s.jurist_id = $1::int)"                      \
	" AND ($2::text IS NULL OR a.name = $2::text)"                         \
	" ORDER BY s.call_start DESC, s.id LIMIT $5::int"
static const char list_days_sql[] =
        LIST_SQL("s.call_start >= coalesce($3::date, current_date)"
                 "::timestamptz AND s.call_start < coalesce($4::date,"
                 " coalesce($3::date, current_date) + 1)::timestamptz");
static const char list_prefix_sql[] =
        LIST_SQL("s.id BETWEEN $3::uuid AND $4::uuid");

/* The SQL as written here; db_stmts_init() expands the coded fields. */
struct db_stmt db_stmts[] = {
        {STMT_INSERT_SHEETS, insert_sheets_sql, SHEET_BATCH_NPARAMS, 4},
        {STMT_ACCOUNT_BY_NAME,
         "SELECT id, role, password_hash, disabled FROM account"
         " WHERE name = $1",
         1, 4},
        {STMT_TAXONOMY,
         "SELECT t.id, t.dimension, t.code, t.label_en, t.label_fr,"
         " coalesce(t.topic_bit, -1), t.retired_at IS NOT NULL,"
         " coalesce(t.successor_id, 0), v.version,"
         " (SELECT value FROM setting WHERE name = 'timezone'),"
         " coalesce(floor(extract(epoch FROM t.retired_at))::bigint, 0)"
         " FROM taxonomy t CROSS JOIN taxonomy_version v"
         " ORDER BY t.dimension, t.sort_order, t.code",
         0, 11},
        {STMT_TAX_ADD, tax_add_sql, 4, 1},
        {STMT_TAX_RENAME,
         "UPDATE taxonomy SET label_en = coalesce($3::text, label_en),"
         " label_fr = coalesce($4::text, label_fr)"
         " WHERE dimension = $1::text AND code = $2::text RETURNING id",
         4, 1},
        {STMT_TAX_RETIRE, tax_retire_sql, 3, 1},
        {STMT_TAX_MAP, tax_map_sql, 3, 1},
        {STMT_TAX_VERSION, "SELECT version FROM taxonomy_version", 0, 1},
        {STMT_USER_ADD, user_add_sql, 4, 6},
        {STMT_USER_PASSWD, user_passwd_sql, 3, 6},
        {STMT_USER_DISABLE, user_disable_sql, 3, 7},
        {STMT_USER_LIST, "SELECT" ACCOUNT_COLS " FROM account ORDER BY name", 0,
         6},
        /* reporting: disclosure control */
        {STMT_MIN_CELL,
         "SELECT min_cell, method, max_noise, noise_variance,"
         " (SELECT salt FROM cell_key_salt)"
         " FROM disclosure_min_cell WHERE role = $1",
         1, 5},
        {STMT_MIN_CELLS,
         "SELECT role, min_cell, method, max_noise, noise_variance"
         " FROM disclosure_min_cell ORDER BY role",
         0, 5},
        /* every value, as req-min-cell.c judged the whole row */
        {STMT_SET_MIN_CELL,
         "UPDATE disclosure_min_cell SET min_cell = $2,"
         " method = $3, max_noise = $4::int, noise_variance = $5::real,"
         " updated_at = now() WHERE role = $1 RETURNING role",
         5, 1},
        {STMT_SHEET_LOAD, sheet_load_sql, 7, 15 + SHEET_NCODES},
        {STMT_SHEET_AMEND, sheet_amend_sql, SHEET_AMEND_NPARAMS, 1},
        {STMT_SHEET_VOID, sheet_void_sql, 9, 1},
        {STMT_AUDIT_LIST, audit_list_sql, 5, 10},
        {STMT_CLOSE_PERIOD,
         "SELECT period_id, months_from, months_to,"
         " extract(epoch FROM closed_at)::bigint, closed_by, frozen, status,"
         " to_char(date_trunc('month', now() AT TIME ZONE"
         " service_timezone()), 'YYYY-MM-DD')"
         " FROM close_period($1::date, $2::date, $3::int)",
         3, 8},
        {STMT_RESTATE_PERIODS,
         RESTATE_BOUNDS_SQL "SELECT b.id, b.pf, b.pt, b.f, b.t FROM b"
                            " ORDER BY b.pf",
         2, 5},
        {STMT_RESTATE_CHANGES, restate_changes_sql, 3, 6},
        /* the service's zone for the rest of an operation (its
         * transaction): dates and to_char() are the service's
         * (db_call_timezone) */
        {STMT_SET_TIMEZONE, "SELECT set_config('TimeZone', $1, true)", 1, 1},
        /* the new sheets folded into the rollup (fold.c): how many */
        {STMT_ROLLUP_FOLD, "SELECT rollup_fold()", 0, 1},
        {STMT_WATCH_CLOCK,
         "SELECT to_char(now(), 'YYYY-MM-DD\"T\"HH24:MI:SSTZH:TZM'),"
         " date_trunc('day', now())::date::text,"
         " date_trunc('week', now())::date::text,"
         " date_trunc('month', now())::date::text,"
         " ceil(extract(epoch FROM date_trunc('day', now())"
         "  + interval '1 day' - now()))::int",
         0, 5},
        {STMT_WATCH_COUNTS, watch_counts_sql, 0, 5},
        /* CheckSheets: the stored sheets and who logged each */
        {STMT_SHEETS_BY_ID,
         "SELECT " SHEET_COLUMNS ", s.jurist_id"
         " FROM sheet s WHERE s.id = ANY($1::uuid[])",
         1, SHEET_NCOLUMNS + 1},
        {STMT_EXPORT_PAGE, export_page_sql, 5, SHEET_NCOLUMNS + 2},
        {STMT_LIST_DAYS, list_days_sql, 5, SHEET_NCOLUMNS + 3},
        {STMT_LIST_PREFIX, list_prefix_sql, 5, SHEET_NCOLUMNS + 3},
        /* session tokens (req-session.c): $1 is a token's SHA-256, hex */
        {STMT_SESSION_LOGIN,
         "SELECT a.id, a.role, '', a.disabled FROM session_token t"
         " JOIN account a ON a.id = t.account_id"
         " WHERE t.token_sha256 = decode($1, 'hex') AND a.name = $2"
         "  AND t.revoked_at IS NULL AND t.expires_at > now()",
         2, 4},
        {STMT_SESSION_START,
         "INSERT INTO session_token (token_sha256, account_id, expires_at)"
         " VALUES (decode($1, 'hex'), $2::int,"
         "  now() + make_interval(secs => $3::int))"
         " RETURNING floor(extract(epoch FROM expires_at))::bigint",
         3, 1},
        {STMT_SESSION_END,
         "UPDATE session_token SET revoked_at = now()"
         " WHERE token_sha256 = decode($1, 'hex') AND account_id = $2::int"
         "  AND revoked_at IS NULL",
         2, 0},
        /* funder: a year's populations and budget, replaced whole */
        {STMT_SET_POPULATION,
         "INSERT INTO year_population (year, source, departments,"
         " populations, updated_by)"
         " VALUES ($1::int, $2, $3::text[], $4::bigint[], $5)"
         " ON CONFLICT (year) DO UPDATE SET source = EXCLUDED.source,"
         " departments = EXCLUDED.departments,"
         " populations = EXCLUDED.populations, updated_at = now(),"
         " updated_by = EXCLUDED.updated_by",
         5, 0},
        {STMT_SET_BUDGET,
         "INSERT INTO year_budget (year, total_cents, funders, cents,"
         " updated_by)"
         " VALUES ($1::int, $2::bigint, $3::text[], $4::bigint[], $5)"
         " ON CONFLICT (year) DO UPDATE SET"
         " total_cents = EXCLUDED.total_cents, funders = EXCLUDED.funders,"
         " cents = EXCLUDED.cents, updated_at = now(),"
         " updated_by = EXCLUDED.updated_by",
         5, 0},
        {STMT_YEAR_POPULATION,
         "SELECT y.source, u.d, u.p FROM year_population y,"
         " unnest(y.departments, y.populations) AS u(d, p)"
         " WHERE y.year = $1::int ORDER BY u.d",
         1, 3},
        {STMT_YEAR_BUDGET,
         "SELECT b.total_cents, u.f, u.c FROM year_budget b"
         " LEFT JOIN LATERAL unnest(b.funders, b.cents) WITH ORDINALITY"
         " AS u(f, c, i) ON true WHERE b.year = $1::int ORDER BY u.i",
         1, 3},
};
const size_t db_nstmts = nitems(db_stmts);

/* One {{item}} (n bytes) for each coded field, $N numbered from there;
 * *next: the parameter after the fields'. */
static void
expand_fields(struct strbuf *sb, const char *item, size_t n, long *next)
{
	for (size_t f = 0; f < SHEET_NCODES; f++) {
		const char *p = item, *end = item + n;

		if (f > 0)
			sb_add(sb, ", ");
		while (p < end) {
			char *after;

			if (strncmp(p, "%f", 2) == 0) {
				sb_add(sb, sheet_fields[f].name);
				p += 2;
			} else if (*p == '$' && p[1] >= '1' && p[1] <= '9') {
				long first = strtol(p + 1, &after, 10);

				sb_addf(sb, "$%ld", first + (long)f);
				*next = first + (long)SHEET_NCODES;
				p = after;
			} else
				sb_addn(sb, p++, 1);
		}
	}
}

/* The statement's SQL with the coded fields expanded; its highest
 * parameter in *max. */
static char *
stmt_expand(const char *sql, long *max)
{
	struct strbuf sb = {0};
	long next = 0;
	const char *p = sql;

	*max = 0;
	while (*p != '\0') {
		const char *end;
		char *after;
		long k;

		if (strncmp(p, "{{", 2) == 0) {
			if ((end = strstr(p, "}}")) == NULL)
				fatalx("db-stmt: {{ without }}: %s", sql);
			expand_fields(&sb, p + 2, (size_t)(end - p - 2), &next);
			if (next - 1 > *max)
				*max = next - 1;
			p = end + 2;
			continue;
		}
		if (*p != '$') {
			sb_addn(&sb, p++, 1);
			continue;
		}
		if (p[1] == '+') {
			if (next == 0)
				fatalx("db-stmt: $+ before {{$N}}: %s", sql);
			k = next - 1 + strtol(p + 2, &after, 10);
			sb_addf(&sb, "$%ld", k);
		} else {
			k = strtol(p + 1, &after, 10);
			sb_addn(&sb, p, (size_t)(after - p));
		}
		if (k > *max)
			*max = k;
		p = after;
	}
	return sb_steal(&sb);
}

void
db_stmts_init(void)
{
	static bool done;

	if (done)
		return;
	done = true;
	for (size_t i = 0; i < db_nstmts; i++) {
		struct db_stmt *s = &db_stmts[i];
		long max;
		char *sql = stmt_expand(s->sql, &max);

		if (max != s->nparams)
			fatalx("statement %s uses %ld parameters; db-stmt.c "
			       "says %d",
			       s->name, max, s->nparams);
		if (strcmp(sql, s->sql) == 0)
			free(sql);
		else
			s->sql = sql; /* for the daemon's life */
	}
}
