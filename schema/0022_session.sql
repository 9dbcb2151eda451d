-- 0022_session.sql: session tokens (callsheet login): a workstation logs in
-- once and then presents a token instead of the password.
--
-- Only the SHA-256 of a token is stored: the table lets nobody log in.
-- Tokens are never deleted (rows never are): they expire, are ended by a
-- logout, or are revoked when their account's password changes or the
-- account is disabled (the trigger below, whichever daemon or tool made
-- the change). Every token login reads this table, so a revocation holds
-- on every daemon at once.

CREATE TABLE session_token (
	token_sha256 bytea PRIMARY KEY CHECK (length(token_sha256) = 32),
	account_id integer NOT NULL REFERENCES account (id),
	created_at timestamptz NOT NULL DEFAULT now(),
	expires_at timestamptz NOT NULL,
	revoked_at timestamptz
);
CREATE INDEX session_token_account ON session_token (account_id)
	WHERE revoked_at IS NULL;

CREATE FUNCTION session_token_revoke() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE session_token SET revoked_at = now()
	 WHERE account_id = NEW.id AND revoked_at IS NULL;
	RETURN NULL;
END $$;
CREATE TRIGGER account_revokes_sessions AFTER UPDATE OF password_hash, disabled
	ON account FOR EACH ROW
	WHEN (NEW.password_hash IS DISTINCT FROM OLD.password_hash
	      OR (NEW.disabled AND NOT OLD.disabled))
	EXECUTE FUNCTION session_token_revoke();
