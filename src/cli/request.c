/* SPDX-License-Identifier: MIT */
/* Requests from the CLI to the engine, and their replies decoded as frames. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "engine/config.h"
#include "engine/service.h"
#include "ipc/autostart.h"
#include "ipc/codec.h"
#include "ipc/frame.h"
#include "ipc/sockpath.h"
#include "util/clock.h"
#include "util/self.h"
#include "util/xalloc.h"
#include "util/xdg.h"

int cli_open_engine(struct cli *c)
{
	char err[1024];
	int status;
	const char *no_store = getenv("OMG_NO_STORE");
	struct engine_opts o = {c->root, c->backend, !(no_store && *no_store), NULL, 0};
	c->engine = engine_open(&o, err, sizeof(err), &status);
	if (!c->engine) {
		fprintf(stderr, "omg: %s\n", err);
		return status ? status : EXIT_DB;
	}
	c->backend_name = engine_backend_name(c->engine);
	return 0;
}

int cli_exit_for(uint32_t error)
{
	switch (error) {
	case 0:
		return EXIT_OK;
	case ERR_USAGE:
	case ERR_UNKNOWN_TYPE:
	case ERR_UNSUPPORTED:
		return EXIT_USAGE;
	case ERR_DENIED:
		return EXIT_DENIED;
	case ERR_TRANS:
	case ERR_STATE:
	case ERR_INTERRUPTED:
		return EXIT_TRANS;
	case ERR_LOCKED:
		return EXIT_LOCKED;
	case ERR_CANCELLED:
		return EXIT_CANCELLED;
	default:
		return EXIT_DB;
	}
}

/* service_emit: frames each reply as it would go over a socket. */
static void emit_frame(void *ctx, const struct msg *reply)
{
	codec_encode(ctx, reply);
}

/* Appends the strings of l to *into (a list over an arena array). */
static void concat(struct strpool *arena, struct strlist *into, struct strlist l)
{
	if (!l.n)
		return;
	const char **v = strpool_alloc(arena, (into->n + l.n) * sizeof(*v));
	if (into->n)
		memcpy(v, into->v, into->n * sizeof(*v));
	memcpy(v + into->n, l.v, l.n * sizeof(*v));
	into->v = v;
	into->n += l.n;
}

/* Folds one decoded reply into out; returns non-zero when it is the last. */
static int take(struct replies *out, const struct msg *m)
{
	switch (m->h.type) {
	case MSG_PKGS:
		if (m->u.pkgs.count) {
			out->pkgs = xgrow(out->pkgs, &out->cap, out->n + m->u.pkgs.count,
					  sizeof(*out->pkgs));
			memcpy(out->pkgs + out->n, m->u.pkgs.pkgs,
			       m->u.pkgs.count * sizeof(*out->pkgs));
			out->n += m->u.pkgs.count;
		}
		concat(out->arena, &out->missing, m->u.pkgs.missing);
		concat(out->arena, &out->providers, m->u.pkgs.providers);
		for (uint32_t i = 0; i < m->u.pkgs.warnings.n; i++)
			fprintf(stderr, "omg: warning: %s\n", m->u.pkgs.warnings.v[i]);
		break;
	case MSG_STATUS_REPLY:
		out->have_status = 1;
		out->status = m->u.status;
		for (uint32_t i = 0; i < m->u.status.warnings.n; i++)
			fprintf(stderr, "omg: warning: %s\n", m->u.status.warnings.v[i]);
		break;
	case MSG_ERROR:
		out->error = m->u.error.code ? m->u.error.code : ERR_BACKEND;
		out->error_text = m->u.error.message;
		break;
	default:
		out->error = ERR_MALFORMED;
		out->error_text = "unexpected reply from the engine";
		return 1;
	}
	return !(m->h.flags & MSG_FLAG_MORE);
}

/* Decodes every frame in the byte stream b into out. */
static int decode_all(const struct buf *b, struct replies *out)
{
	struct frame_reader r;
	frame_reader_init(&r, (size_t)1 << 30);
	frame_feed(&r, b->p ? b->p : "", b->len);
	const uint8_t *p;
	size_t n;
	int rc = 0;
	while (frame_next(&r, &p, &n) == FRAME_READY) {
		struct msg m;
		char err[256];
		if (codec_decode(p, n, &m, out->arena, err, sizeof(err)) != CODEC_OK) {
			fprintf(stderr, "omg: bad reply from the engine: %s\n", err);
			rc = EXIT_DB;
			break;
		}
		take(out, &m);
		frame_consume(&r);
	}
	frame_reader_free(&r);
	return rc;
}

#define REPLY_TIMEOUT_MS 120000
#define CLIENT_NAME "omg-cli"

int cli_user_socket(struct cli *c, char *path, size_t len, char *real, size_t reallen)
{
	const char *root = c->root && *c->root ? c->root : "/";
	char buf[PATH_MAX], err[512];
	struct stat st;
	if (!realpath(root, buf) || stat(buf, &st) != 0) {
		fprintf(stderr, "omg: cannot use root '%s': %s\n", root, strerror(errno));
		return EXIT_ROOT;
	}
	if (!S_ISDIR(st.st_mode)) {
		fprintf(stderr, "omg: cannot use root '%s': %s\n", root, strerror(ENOTDIR));
		return EXIT_ROOT;
	}
	snprintf(real, reallen, "%s", buf);
	char *key = c->backend ? xasprintf("%s\n%s", buf, c->backend) : xstrdup(buf);
	int rc = sockpath_user(key, path, len, err, sizeof(err));
	free(key);
	if (rc != 0) {
		fprintf(stderr, "omg: %s\n", err);
		return EXIT_ROOT;
	}
	return 0;
}

/* The engine's log beside our other state: $XDG_STATE_HOME/omg/NAME.log
 * for socket .../NAME.sock (caller frees), or NULL. */
static char *log_path(const char *sock)
{
	char *dir = xdg_omg_dir(XDG_STATE);
	if (!dir || xdg_mkdirs(dir) != 0) {
		free(dir);
		return NULL;
	}
	const char *base = strrchr(sock, '/');
	base = base ? base + 1 : sock;
	size_t n = strcspn(base, ".");
	char *log = xasprintf("%s/%.*s.log", dir, (int)n, base);
	free(dir);
	return log;
}

/* Starts the engine for c's root at path (none answered there) and
 * connects cl to it. 0, or an exit status after printing why. */
static int start_engine(struct cli *c, struct client *cl, const char *path, const char *real)
{
	char err[1024];
	struct config cfg;
	char *cpath = config_path(0);
	if (config_load(&cfg, cpath, err, sizeof(err)) != 0)
		config_defaults(&cfg); /* a bad file is the engine's to report: it refuses to start */
	free(cpath);
	if (!cfg.autostart) {
		fprintf(stderr, "omg: no engine at %s, and autostart is off in the configuration "
				"([client] autostart), so start one with omg daemon start\n", path);
		return EXIT_ROOT;
	}
	char exe[PATH_MAX];
	if (self_path(exe, sizeof(exe)) != 0) {
		fprintf(stderr, "omg: cannot find our own program to start the engine: %s\n",
			strerror(errno));
		return EXIT_MODULE;
	}
	const char *argv[12];
	size_t k = 0;
	argv[k++] = exe;
	if (real[0] || c->root) {
		argv[k++] = "--root";
		argv[k++] = real[0] ? real : c->root;
	}
	if (c->backend) {
		argv[k++] = "--backend";
		argv[k++] = c->backend;
	}
	argv[k++] = "daemon";
	argv[k++] = "--socket";
	argv[k++] = path;
	argv[k] = NULL;
	char *log = log_path(path);
	struct autostart a = {path, argv, log, cfg.start_timeout, CLIENT_NAME};
	int status;
	int rc = autostart_open(cl, &a, err, sizeof(err), &status);
	free(log);
	if (rc != 0) {
		fprintf(stderr, "omg: %s\n", err);
		return status ? status : EXIT_ROOT;
	}
	return 0;
}

int cli_connect(struct cli *c, int spawn, char *path, size_t pathlen)
{
	char err[1024], real[PATH_MAX];
	struct client *cl = xcalloc(1, sizeof(*cl));
	int rc;
	real[0] = '\0';
	if (c->socket) {
		snprintf(path, pathlen, "%s", c->socket);
	} else {
		if ((rc = cli_user_socket(c, path, pathlen, real, sizeof(real))) != 0)
			goto fail;
		char sys[256];
		/* A system engine for the real system serves every user's reads. */
		if (!c->backend && strcmp(real, "/") == 0 &&
		    sockpath_system("/", sys, sizeof(sys), err, sizeof(err)) == 0 &&
		    client_open(cl, sys, CLIENT_NAME, err, sizeof(err)) == 0) {
			snprintf(path, pathlen, "%s", sys);
			goto done;
		}
	}
	/* The common case first: the engine runs. Only a miss pays for reading
	 * the configuration and preparing a start. */
	rc = client_open(cl, path, CLIENT_NAME, err, sizeof(err));
	if (rc == 0)
		goto done;
	if (rc == -2 && !spawn) {
		rc = 1;
		goto fail;
	}
	if (rc == -1) {
		fprintf(stderr, "omg: %s\n", err);
		rc = EXIT_ROOT;
		goto fail;
	}
	if ((rc = start_engine(c, cl, path, real)) != 0)
		goto fail;
done:
	c->client = cl;
	c->backend_name = cl->engine.backend;
	return 0;
fail:
	free(cl);
	return rc;
}

/* Sends req to the engine and collects its replies. */
static int request_socket(struct cli *c, struct msg *req, struct replies *out)
{
	char err[512], path[4096];
	if (!c->client) {
		double t0 = clock_ms();
		int rc = cli_connect(c, 1, path, sizeof(path));
		c->connect_ms = clock_ms() - t0;
		if (rc)
			return rc == 1 ? EXIT_ROOT : rc;
	}
	if (client_send(c->client, req, err, sizeof(err)) != 0) {
		fprintf(stderr, "omg: %s\n", err);
		return EXIT_DB;
	}
	for (;;) {
		struct msg m;
		if (client_recv(c->client, &m, out->arena, REPLY_TIMEOUT_MS, err, sizeof(err)) != 0) {
			fprintf(stderr, "omg: %s\n", err);
			return EXIT_DB;
		}
		if (m.h.id != req->h.id && m.h.id != 0)
			continue; /* an event or a stale reply */
		if (take(out, &m))
			return 0;
	}
}

int cli_request(struct cli *c, struct msg *req, struct replies *out)
{
	memset(out, 0, sizeof(*out));
	out->arena = strpool_new();
	if (!c->no_daemon)
		return request_socket(c, req, out);
	if (!c->engine) {
		int rc = cli_open_engine(c);
		if (rc)
			return rc;
	}
	/* In process, the engine answers into a buffer of frames that is then
	 * decoded exactly as replies from a socket are. */
	struct buf frames = {0};
	struct service_env env = {.frame_max = OMG_FRAME_MAX_DEFAULT, .mode = "in-process"};
	service_request(c->engine, req, &env, emit_frame, &frames);
	int rc = decode_all(&frames, out);
	buf_free(&frames);
	return rc;
}

int cli_ask(struct cli *c, struct msg *req, struct replies *r)
{
	int rc = cli_request(c, req, r);
	if (rc)
		return rc;
	if (r->error) {
		fprintf(stderr, "omg: %s\n", r->error_text ? r->error_text : "engine error");
		return cli_exit_for(r->error);
	}
	return 0;
}

int cli_ask_status(struct cli *c, struct replies *r)
{
	struct msg req;
	memset(&req, 0, sizeof(req));
	req.h.type = MSG_STATUS;
	return cli_ask(c, &req, r);
}

void replies_free(struct replies *r)
{
	free(r->pkgs);
	strpool_free(r->arena);
	memset(r, 0, sizeof(*r));
}
