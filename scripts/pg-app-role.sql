-- scripts/pg-app-role.sql: a PostgreSQL role for callsheetd with only what
-- serving needs (docs/SECURITY.md, "Least privilege"). Run it as the owner
-- of the database (whoever applies the migrations), in the callsheet
-- database, after every `callsheetd --migrate`, since new migrations may
-- add tables:
--
--   psql -d callsheet -v app_role=callsheet_app -f scripts/pg-app-role.sql
--
-- The role can read and write rows; it cannot delete any, change the
-- schema, rewrite the audit trail or the migration record, or own
-- anything. callsheetd then runs with --pg 'dbname=callsheet
-- user=callsheet_app ...' and without --migrate.
\set ON_ERROR_STOP on

SELECT format('CREATE ROLE %I LOGIN', :'app_role')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'app_role')
\gexec

SELECT format('GRANT CONNECT ON DATABASE %I TO %I', current_database(),
              :'app_role') \gexec
SELECT format('GRANT USAGE ON SCHEMA public TO %I', :'app_role') \gexec
SELECT format('GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA public'
              ' TO %I', :'app_role') \gexec
SELECT format('GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO %I',
              :'app_role') \gexec

-- Append-only, or not the daemon's business at all.
SELECT format('REVOKE UPDATE ON %I FROM %I', t, :'app_role')
  FROM unnest(ARRAY['account_audit', 'audit', 'restatement',
                     'closed_period', 'published_rollup']) AS t
 WHERE to_regclass(t) IS NOT NULL \gexec
SELECT format('REVOKE INSERT, UPDATE ON schema_migrations FROM %I',
              :'app_role') \gexec
-- Derived data, written only by the sheet triggers (SECURITY DEFINER).
SELECT format('REVOKE INSERT, UPDATE ON %I FROM %I', t, :'app_role')
  FROM unnest(ARRAY['rollup']) AS t
 WHERE to_regclass(t) IS NOT NULL \gexec
