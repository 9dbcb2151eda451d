/* test_tls.c: TLS as clients meet it: login and logging over TLS; a
 * plaintext client, an untrusted certificate, a name the certificate does
 * not carry, TLS 1.1 and weak ciphers all refused with a clear reason; a
 * silent or stalled handshake dropped; a new certificate taken on SIGHUP
 * by new connections while open ones go on; bad TLS settings refused at
 * start. */
#include <sys/socket.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "harness.h"

static struct th_daemon d;
static char *conninfo;
static char dir[64], conf[128], logpath[128];

static void sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void
sh(const char *fmt, ...)
{
	va_list ap;
	char *cmd;

	va_start(ap, fmt);
	cmd = xvasprintf(fmt, ap);
	va_end(ap);
	if (system(cmd) != 0)
		th_die("command failed: %s", cmd);
	free(cmd);
}

static void
make_certs(void)
{
	const char *lib = getenv("CALLSHEET_TEST_LIB");
	char tmpl[] = "/tmp/callsheet-tls.XXXXXX";

	if (lib == NULL || mkdtemp(tmpl) == NULL)
		th_die("no CALLSHEET_TEST_LIB or no temporary folder");
	snprintf(dir, sizeof dir, "%s", tmpl);
	sh("bash %s/mkcert.sh ca %s ca1", lib, dir);
	sh("bash %s/mkcert.sh ca %s ca2", lib, dir);
	/* an address only: "localhost" is not a name it carries */
	sh("bash %s/mkcert.sh server %s ca1 srv1 IP:127.0.0.1", lib, dir);
	sh("bash %s/mkcert.sh server %s ca2 srv2 IP:127.0.0.1", lib, dir);
	sh("bash %s/mkcert.sh dated %s old 20200101000000Z 20200102000000Z",
	   lib, dir);
	sh("bash %s/mkcert.sh dated %s early 20990101000000Z "
	   "20990102000000Z",
	   lib, dir);
}

static void
write_conf(const char *cert, const char *key)
{
	FILE *f = fopen(conf, "w");

	if (f == NULL)
		th_die("cannot write %s", conf);
	fprintf(f, "tls_cert = %s\ntls_key = %s\n", cert, key);
	fclose(f);
}

static char *
path(const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

/* The daemon's stderr goes to logpath, so that the test can read it. */
static void
start_daemon(void)
{
	const char *extra[] = {"-c", conf, "--login-timeout", "2", NULL};

	th_daemon_start_log(&d, conninfo, extra, logpath);
}

static bool
log_has(const char *needle)
{
	FILE *f = fopen(logpath, "r");
	char line[1024];
	bool found = false;

	while (f != NULL && !found && fgets(line, sizeof line, f) != NULL)
		found = strstr(line, needle) != NULL;
	if (f != NULL)
		fclose(f);
	return found;
}

static int
tls_connect(const char *server, const char *ca, enum cs_tls_mode mode,
            struct cs_client **c, struct cs_error *err)
{
	struct cs_options o = {.server = server,
	                       .user = "jurist1",
	                       .password = "j1-pass",
	                       .ca_file = ca,
	                       .tls = mode,
	                       .timeout_ms = 10000};

	memset(err, 0, sizeof *err);
	return cs_connect(&o, c, err);
}

/* A connection over TLS; the daemon may still be reaching PostgreSQL. */
static struct cs_client *
must_connect(const char *ca)
{
	struct cs_client *c = NULL;
	struct cs_error err;
	double deadline = th_now() + 20;

	while (tls_connect(d.server, ca, CS_TLS_AUTO, &c, &err) != 0) {
		if (err.code != CALLSHEET__ERROR_CODE__UNAVAILABLE ||
		    th_now() > deadline)
			th_die("TLS connect with %s: %s", ca, err.message);
		usleep(50000);
	}
	return c;
}

static void
test_tls_login_and_log(const char *ca1)
{
	struct cs_client *c = must_connect(ca1);

	CHECK(strncmp(cs_transport(c), "TLSv1.", 6) == 0 &&
	              strcmp(cs_transport(c), "TLSv1.1") != 0,
	      "the session runs over TLS 1.2 or later: %s", cs_transport(c));
	CHECK(cs_role(c) == CALLSHEET__ROLE__JURIST, "logged in over TLS");
	CHECK(th_log_one(c), "a sheet is logged over TLS");
	cs_close(c);
}

static void
test_refusals(const char *ca1, const char *ca2)
{
	struct cs_client *c = NULL;
	struct cs_error err;
	char *localhost = xasprintf("localhost:%u", d.port);

	CHECK(tls_connect(d.server, NULL, CS_TLS_AUTO, &c, &err) != 0 &&
	              err.code == CALLSHEET__ERROR_CODE__BAD_REQUEST &&
	              strstr(err.message, "only accepts TLS") != NULL,
	      "a plaintext client is told to use TLS (got %d: %s)", err.code,
	      err.message);
	CHECK(tls_connect(d.server, ca2, CS_TLS_AUTO, &c, &err) != 0 &&
	              err.code == CALLSHEET__ERROR_CODE__UNAUTHENTICATED &&
	              strstr(err.message, "cannot verify the certificate") !=
	                      NULL &&
	              strstr(err.message, ca2) != NULL,
	      "a certificate from another CA is refused (got %d: %s)", err.code,
	      err.message);
	CHECK(tls_connect(d.server, NULL, CS_TLS_ON, &c, &err) != 0 &&
	              err.code == CALLSHEET__ERROR_CODE__UNAUTHENTICATED,
	      "the system store does not trust a private CA (got %d: %s)",
	      err.code, err.message);
	CHECK(tls_connect(localhost, ca1, CS_TLS_AUTO, &c, &err) != 0 &&
	              err.code == CALLSHEET__ERROR_CODE__UNAUTHENTICATED &&
	              strstr(err.message, "is not valid for 'localhost'") !=
	                      NULL,
	      "a name the certificate does not carry is refused (got %d: %s)",
	      err.code, err.message);
	CHECK(tls_connect(d.server, "/nonexistent/ca.pem", CS_TLS_AUTO, &c,
	                  &err) != 0 &&
	              strstr(err.message, "cannot read the CA file "
	                                  "/nonexistent/ca.pem") != NULL,
	      "a missing CA file is named (got: %s)", err.message);
	free(localhost);
}

/* A handshake from a client that offers only what we say. */
static bool
handshake_ok(int max_version, const char *ciphers)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	SSL *ssl;
	int fd = th_raw_connect(&d), rc;

	SSL_CTX_set_security_level(ctx, 0);
	SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION);
	SSL_CTX_set_max_proto_version(ctx, max_version);
	if (ciphers != NULL)
		SSL_CTX_set_cipher_list(ctx, ciphers);
	ssl = SSL_new(ctx);
	SSL_set_fd(ssl, fd);
	rc = SSL_connect(ssl);
	SSL_free(ssl);
	SSL_CTX_free(ctx);
	ERR_clear_error();
	close(fd);
	return rc == 1;
}

static void
test_versions_and_ciphers(void)
{
	CHECK(handshake_ok(TLS1_2_VERSION, NULL),
	      "control: a TLS 1.2 client is served");
	CHECK(!handshake_ok(TLS1_1_VERSION, NULL), "TLS 1.1 is refused");
	CHECK(!handshake_ok(TLS1_VERSION, NULL), "TLS 1.0 is refused");
	CHECK(handshake_ok(TLS1_2_VERSION, "ECDHE-ECDSA-AES128-GCM-SHA256"),
	      "control: an ECDHE AES-GCM suite is served");
	CHECK(!handshake_ok(TLS1_2_VERSION, "ECDHE-ECDSA-AES128-SHA"),
	      "a CBC suite is refused");
}

/* Returns once the server closed the socket; false if not in time. */
static bool
closed_within(int fd, double seconds)
{
	double deadline = th_now() + seconds;
	char buf[256];

	while (th_now() < deadline) {
		ssize_t n = recv(fd, buf, sizeof buf, 0);

		if (n == 0)
			return true;
		if (n < 0)
			return false; /* the 10 s receive timeout */
	}
	return false;
}

static void
test_stalled(void)
{
	static const uint8_t partial_hello[] = {0x16, 0x03, 0x01, 0x00};
	int silent = th_raw_connect(&d), stalled = th_raw_connect(&d);
	double t0 = th_now();

	if (write(stalled, partial_hello, sizeof partial_hello) < 0)
		th_die("write");
	CHECK(closed_within(silent, 8),
	      "a client silent after connecting is dropped");
	CHECK(closed_within(stalled, 8),
	      "a client that stalls in the handshake is dropped");
	CHECK(th_now() - t0 < 5, "both within the login deadline (%.1f s)",
	      th_now() - t0);
	close(silent);
	close(stalled);
}

/* A TLS daemon at its connection limit closes new connections at once:
 * the client says the server is unavailable (retry later). */
static void
test_tls_limit(const char *ca1)
{
	struct th_daemon d2;
	char *cert1 = path("srv1.pem"), *key1 = path("srv1.key");
	const char *extra[] = {"--tls-cert",        cert1, "--tls-key", key1,
	                       "--max-connections", "1",   NULL};
	struct cs_options o = {.ca_file = ca1, .timeout_ms = 5000};
	struct cs_client *c = NULL;
	struct cs_error err = {0};
	int holder;

	th_daemon_start(&d2, conninfo, extra);
	holder = th_raw_connect(&d2);
	o.server = d2.server;
	CHECK(cs_connect(&o, &c, &err) != 0 &&
	              err.code == CALLSHEET__ERROR_CODE__UNAVAILABLE,
	      "over the limit, a TLS client is told to retry later (got %d: "
	      "%s)",
	      err.code, err.message);
	close(holder);
	CHECK(th_daemon_stop(&d2) == 0, "SIGTERM: the daemon exits 0");
	free(cert1);
	free(key1);
}

/* SIGHUP: new connections get srv2 (ca2), the open one goes on. */
static void
test_reload(struct cs_client *open_conn, const char *ca1, const char *ca2)
{
	char *cert2 = path("srv2.pem"), *key2 = path("srv2.key");
	struct cs_client *c = NULL;
	struct cs_error err;
	double deadline;

	write_conf(cert2, key2);
	kill(d.pid, SIGHUP);
	deadline = th_now() + 10;
	while (tls_connect(d.server, ca2, CS_TLS_AUTO, &c, &err) != 0 &&
	       th_now() < deadline)
		usleep(20000);
	CHECK(c != NULL, "after SIGHUP, the new certificate is served: %s",
	      err.message);
	cs_close(c);
	c = NULL;
	CHECK(tls_connect(d.server, ca1, CS_TLS_AUTO, &c, &err) != 0 &&
	              err.code == CALLSHEET__ERROR_CODE__UNAUTHENTICATED,
	      "and the old one no more (got %d: %s)", err.code, err.message);
	CHECK(th_log_one(open_conn),
	      "a connection opened before the reload goes on");

	write_conf("/nonexistent/cert.pem", key2);
	kill(d.pid, SIGHUP);
	deadline = th_now() + 10;
	while (!log_has("keeping the running TLS certificate") &&
	       th_now() < deadline)
		usleep(20000);
	CHECK(log_has("keeping the running TLS certificate"),
	      "a certificate that does not load is refused at reload");
	c = must_connect(ca2);
	CHECK(th_log_one(c), "and the running one stays in service");
	cs_close(c);

	/* issue 11, 5: an expired certificate was swapped in on SIGHUP,
	 * after which every client refused the server */
	free(cert2);
	free(key2);
	cert2 = path("old.pem");
	key2 = path("old.key");
	write_conf(cert2, key2);
	kill(d.pid, SIGHUP);
	deadline = th_now() + 10;
	while (!log_has("expired on") && th_now() < deadline)
		usleep(20000);
	CHECK(log_has("keeping the running TLS certificate: tls_cert") &&
	              log_has("expired on Jan  2 00:00:00 2020 GMT: clients "
	                      "would refuse it; renew it"),
	      "an expired certificate is refused at reload, saying so");
	c = must_connect(ca2);
	CHECK(th_log_one(c), "and the running one stays in service");
	cs_close(c);
	free(cert2);
	free(key2);
}

/* In the certificates' folder, callsheetd ARGS 2>&1: whether it exited
 * 0; its output in out. */
static bool
daemon_ok(const char *args, char *out, size_t len)
{
	char *cmd = xasprintf("cd '%s' && %s %s 2>&1", dir,
	                      getenv("CALLSHEET_TEST_DAEMON"), args);
	FILE *p = popen(cmd, "r");
	size_t n = fread(out, 1, len - 1, p);

	out[n] = '\0';
	free(cmd);
	return pclose(p) == 0;
}

static void
test_bad_settings(void)
{
	static const struct {
		const char *args;
		bool ok;
		const char *says;
		const char *what;
	} cases[] = {
	        {"--tls-cert srv1.pem --check-config", false,
	         "TLS needs both tls_cert and tls_key",
	         "a certificate without its key"},
	        {"--tls-cert srv1.pem --tls-key srv2.key --check-config", false,
	         "tls_key srv2.key does not match tls_cert srv1.pem",
	         "the key of another certificate"},
	        {"--tls-cert none.pem --tls-key srv1.key --check-config", false,
	         "tls_cert: cannot load none.pem", "a missing certificate"},
	        {"--tls-cert srv1.pem --tls-key srv1.key --check-config", true,
	         "configuration ok", "a matching pair"},
	        {"--tls-cert old.pem --tls-key old.key --check-config", false,
	         "tls_cert old.pem (/CN=old) expired on Jan  2 00:00:00 2020 "
	         "GMT: clients would refuse it; renew it",
	         "an expired certificate"},
	        {"--tls-cert early.pem --tls-key early.key --check-config",
	         false,
	         "tls_cert early.pem (/CN=early) is not valid before Jan  1 "
	         "00:00:00 2099 GMT",
	         "a certificate not valid yet"},
	        {"--pg host=/nonexistent --listen 0.0.0.0:0", false,
	         "refusing to serve plaintext beyond this machine",
	         "plaintext beyond loopback"},
	};
	char out[4096];

	for (size_t i = 0; i < nitems(cases); i++) {
		bool ok = daemon_ok(cases[i].args, out, sizeof out);

		CHECK(ok == cases[i].ok && strstr(out, cases[i].says) != NULL,
		      "%s: %s, saying '%s' (got: %s)", cases[i].what,
		      cases[i].ok ? "accepted" : "refused", cases[i].says, out);
	}
}

int
main(void)
{
	char *ca1, *ca2, *cert1, *key1;
	struct cs_client *open_conn;
	int rc;

	signal(SIGPIPE, SIG_IGN);
	make_certs();
	snprintf(conf, sizeof conf, "%s/callsheetd.conf", dir);
	snprintf(logpath, sizeof logpath, "%s/callsheetd.log", dir);
	ca1 = path("ca1.pem");
	ca2 = path("ca2.pem");
	cert1 = path("srv1.pem");
	key1 = path("srv1.key");
	write_conf(cert1, key1);

	conninfo = th_createdb("t_tls");
	th_migrate(conninfo);
	th_create_user(conninfo, "jurist1", "jurist", "j1-pass");
	start_daemon();

	test_tls_login_and_log(ca1);
	test_refusals(ca1, ca2);
	test_versions_and_ciphers();
	test_stalled();
	test_tls_limit(ca1);
	open_conn = must_connect(ca1);
	test_reload(open_conn, ca1, ca2);
	cs_close(open_conn);
	test_bad_settings();

	CHECK(th_daemon_stop(&d) == 0, "SIGTERM: the daemon exits 0");
	if ((rc = th_finish()) == 0)
		sh("rm -rf '%s'", dir);
	else
		fprintf(stderr, "daemon log and certificates kept in %s\n",
		        dir);
	free(ca1);
	free(ca2);
	free(cert1);
	free(key1);
	free(conninfo);
	return rc;
}
