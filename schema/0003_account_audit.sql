-- 0003_account_audit.sql: who changed which account, and when.
--
-- Account administration (callsheet admin user ...) writes one row per
-- change, in the same statement as the change itself. Nothing here holds
-- a password or its hash.

CREATE TABLE account_audit (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	at timestamptz NOT NULL DEFAULT now(),
	actor_id integer REFERENCES account (id), -- NULL: callsheetd --create-user
	account_id integer NOT NULL REFERENCES account (id),
	action text NOT NULL CHECK (action IN ('create', 'password',
		'disable', 'enable')),
	role text CHECK (role IN ('jurist', 'reporter', 'admin'))
);
CREATE INDEX account_audit_account ON account_audit (account_id, at);

-- When the password last changed: tells an administrator which accounts
-- still have the one they were created with.
ALTER TABLE account ADD COLUMN password_changed_at timestamptz NOT NULL
	DEFAULT now();
