-- 0019_cell_key_salt.sql: the secret salt that makes a cell's key depend
-- on the cell's description as well as on its sheets (docs/SECURITY.md).
--
-- A cell's key is (sum of its record keys + HMAC-SHA256(salt, the cell's
-- canonical description: period, sorted filters, the row's key values))
-- mod 2^32 (daemon/cellkey.c): the same question always gets the same
-- answer, but two descriptions of the same set of sheets get independent
-- noise, so comparing the answers to A and to A-and-X no longer tells
-- whether A-but-not-X is empty. 256 random bits from the operating
-- system's generator (gen_random_uuid, as for the record keys); like the
-- record keys it never leaves the database and the daemon.
CREATE TABLE cell_key_salt (
	one boolean PRIMARY KEY DEFAULT true CHECK (one),
	salt text NOT NULL
);
INSERT INTO cell_key_salt (salt)
SELECT md5(gen_random_uuid()::text) || md5(gen_random_uuid()::text);
