/* SPDX-License-Identifier: MIT */
/* The connect policy (socket, system engine, autostart), requests, and replies as frames. */
#include "client/session.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "client/report.h"
#include "ipc/autostart.h"
#include "ipc/codec.h"
#include "ipc/frame.h"
#include "ipc/sockpath.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/config.h"
#include "util/module.h"
#include "util/self.h"
#include "util/xalloc.h"
#include "util/xdg.h"

#define REPLY_TIMEOUT_MS 120000
#define CLIENT_NAME "omg-cli"

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
		for (uint32_t i = 0; i < m->u.pkgs.warnings.n && !out->quiet; i++)
			fprintf(stderr, "omg: warning: %s\n", m->u.pkgs.warnings.v[i]);
		out->warnings += m->u.pkgs.warnings.n;
		break;
	case MSG_STATUS_REPLY:
		out->have_status = 1;
		out->status = m->u.status;
		for (uint32_t i = 0; i < m->u.status.warnings.n && !out->quiet; i++)
			fprintf(stderr, "omg: warning: %s\n", m->u.status.warnings.v[i]);
		out->warnings += m->u.status.warnings.n;
		break;
	case MSG_VULNS_REPLY:
		if (!out->have_vulns)
			out->vulns = m->u.vulns_reply;
		out->have_vulns = 1;
		if (m->u.vulns_reply.count) {
			out->vrows = xgrow(out->vrows, &out->vcap, out->nvrows + m->u.vulns_reply.count,
					   sizeof(*out->vrows));
			memcpy(out->vrows + out->nvrows, m->u.vulns_reply.rows,
			       m->u.vulns_reply.count * sizeof(*out->vrows));
			out->nvrows += m->u.vulns_reply.count;
		}
		break;
	case MSG_TEXT:
		if (!out->text) {
			out->error = ERR_MALFORMED;
			out->error_text = "unexpected reply from the engine";
			return 1;
		}
		if (!out->text_failed &&
		    out->text(out->text_ctx, m->u.text.text, strlen(m->u.text.text)) != 0)
			out->text_failed = 1;
		break;
	case MSG_AUR_REVIEW:
		out->have_review = 1;
		out->review = m->u.aur_review;
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

/* Decodes every frame in the byte stream b into out; a bad one is said to s. */
static int decode_all(struct session *s, const struct buf *b, struct replies *out)
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
			report_error(s->report, "bad reply from the engine: %s", err);
			rc = EXIT_DB;
			break;
		}
		take(out, &m);
		frame_consume(&r);
	}
	frame_reader_free(&r);
	return rc;
}

int session_user_socket(const struct session *s, char *path, size_t len, char *real,
			size_t reallen)
{
	char err[PATH_MAX + 256], key[PATH_MAX + 64];
	if (sockpath_key(s->root, s->backend, real, reallen, key, sizeof(key), err,
			 sizeof(err)) != 0 ||
	    sockpath_user(key, path, len, err, sizeof(err)) != 0) {
		report_error(s->report, "%s", err);
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

/* Starts the engine for s's root at path (none answered there) and
 * connects cl to it. 0, or an exit status after printing why. */
static int start_engine(struct session *s, struct client *cl, const char *path, const char *real)
{
	char err[1024];
	struct config cfg;
	char *cpath = config_path(0);
	if (config_load(&cfg, cpath, err, sizeof(err)) != 0)
		config_defaults(&cfg); /* a bad file is the engine's to report: it refuses to start */
	free(cpath);
	if (!cfg.autostart) {
		report_error(s->report, "no engine at %s, and autostart is off in the configuration "
				"([client] autostart), so start one with omg daemon start", path);
		return EXIT_ROOT;
	}
	char exe[PATH_MAX];
	if (self_path(exe, sizeof(exe)) != 0) {
		report_error(s->report, "cannot find our own program to start the engine: %s",
			strerror(errno));
		return EXIT_MODULE;
	}
	const char *argv[12];
	size_t k = 0;
	argv[k++] = exe;
	if (real[0] || s->root) {
		argv[k++] = "--root";
		argv[k++] = real[0] ? real : s->root;
	}
	if (s->backend) {
		argv[k++] = "--backend";
		argv[k++] = s->backend;
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
		report_error(s->report, "%s", err);
		return status ? status : EXIT_ROOT;
	}
	return 0;
}

int session_connect(struct session *s, int spawn, char *path, size_t pathlen)
{
	char err[1024], real[PATH_MAX];
	struct client *cl = xcalloc(1, sizeof(*cl));
	int rc;
	real[0] = '\0';
	if (s->socket) {
		snprintf(path, pathlen, "%s", s->socket);
	} else {
		if ((rc = session_user_socket(s, path, pathlen, real, sizeof(real))) != 0)
			goto fail;
		char sys[256];
		/* A system engine for the real system serves every user's reads. */
		if (!s->backend && strcmp(real, "/") == 0 &&
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
		free(cl);
		return EXIT_OK; /* nothing answers, and we were not to start one */
	}
	if (rc == -1) {
		report_error(s->report, "%s", err);
		rc = EXIT_ROOT;
		goto fail;
	}
	if ((rc = start_engine(s, cl, path, real)) != 0)
		goto fail;
done:
	s->client = cl;
	s->backend_name = cl->engine.backend;
	return 0;
fail:
	free(cl);
	return rc;
}

const struct embed_api *session_engine_module(struct session *s, char *err, size_t errlen)
{
	if (s->api)
		return s->api;
	char why[PATH_MAX + 256];
	const struct embed_api *api = module_symbol(EMBED_MODULE, EMBED_SYMBOL, why, sizeof(why));
	if (!api) {
		snprintf(err, errlen, "the engine module %s", why);
		return NULL;
	}
	if (api->abi != EMBED_ABI || api->protocol != OMG_PROTO_VERSION) {
		snprintf(err, errlen, "the engine module %s is from another omg build (interface %u, "
			 "protocol %u; this omg: %u, %u)", EMBED_MODULE, api->abi, api->protocol,
			 EMBED_ABI, OMG_PROTO_VERSION);
		return NULL;
	}
	return s->api = api;
}

/* embed_put: collects reply frames into a buffer. */
static void put_frames(void *ctx, const void *p, size_t n)
{
	buf_append(ctx, p, n);
}

/* Sends req to the in-process engine (opened on first use): its replies come
 * back as frames and are decoded exactly as a socket's are. */
static int request_local(struct session *s, struct msg *req, struct replies *out)
{
	if (!s->local) {
		char err[PATH_MAX + 512];
		const struct embed_api *api = session_engine_module(s, err, sizeof(err));
		if (!api) {
			report_error(s->report, "%s", err);
			return EXIT_MODULE;
		}
		int status = 0;
		s->local = api->open(s->root, s->backend, err, sizeof(err), &status);
		if (!s->local) {
			report_error(s->report, "%s", err);
			return status ? status : EXIT_DB;
		}
		s->backend_name = api->backend_name(s->local);
	}
	struct buf in = {0}, frames = {0};
	req->h.id = 1;
	codec_encode(&in, req);
	s->api->request(s->local, in.p, in.len, put_frames, &frames);
	int rc = decode_all(s, &frames, out);
	buf_free(&in);
	buf_free(&frames);
	return rc;
}

/* Sends req to the engine and collects its replies. */
static int request_socket(struct session *s, struct msg *req, struct replies *out)
{
	char err[512], path[4096];
	if (!s->client) {
		double t0 = clock_ms();
		int rc = session_connect(s, 1, path, sizeof(path));
		s->connect_ms = clock_ms() - t0;
		if (rc)
			return rc;
	}
	if (client_send(s->client, req, err, sizeof(err)) != 0) {
		report_error(s->report, "%s", err);
		return EXIT_DB;
	}
	for (;;) {
		struct msg m;
		if (client_recv(s->client, &m, out->arena, REPLY_TIMEOUT_MS, err, sizeof(err)) != 0) {
			report_error(s->report, "%s", err);
			return EXIT_DB;
		}
		if (m.h.id != req->h.id && m.h.id != 0)
			continue; /* an event or a stale reply */
		if (take(out, &m))
			return 0;
	}
}

/* Sends req and collects the replies into out (set up by the caller). */
static int request(struct session *s, struct msg *req, struct replies *out)
{
	out->arena = strpool_new();
	out->quiet = s->warned;
	int rc = s->no_daemon ? request_local(s, req, out) : request_socket(s, req, out);
	if (out->warnings)
		s->warned = 1;
	return rc;
}

int session_request(struct session *s, struct msg *req, struct replies *out)
{
	memset(out, 0, sizeof(*out));
	return request(s, req, out);
}

/* An engine's error reply in r said and turned into an exit status (0: none). */
static int said_error(struct session *s, const struct replies *r)
{
	if (!r->error)
		return 0;
	report_error(s->report, "%s", r->error_text ? r->error_text : "engine error");
	return exit_for_error(r->error);
}

int session_ask_text(struct session *s, struct msg *req,
		     int (*text)(void *ctx, const char *p, size_t n), void *ctx, struct replies *r)
{
	memset(r, 0, sizeof(*r));
	r->text = text;
	r->text_ctx = ctx;
	int rc = request(s, req, r);
	return rc ? rc : said_error(s, r);
}

int session_ask(struct session *s, struct msg *req, struct replies *r)
{
	int rc = session_request(s, req, r);
	return rc ? rc : said_error(s, r);
}

int session_ask_status(struct session *s, struct replies *r)
{
	struct msg req;
	memset(&req, 0, sizeof(req));
	req.h.type = MSG_STATUS;
	return session_ask(s, &req, r);
}

void replies_free(struct replies *r)
{
	free(r->pkgs);
	free(r->vrows);
	strpool_free(r->arena);
	memset(r, 0, sizeof(*r));
}

void session_close(struct session *s)
{
	if (s->client) {
		client_close(s->client);
		free(s->client);
		s->client = NULL;
	}
	if (s->local) {
		s->api->close(s->local);
		s->local = NULL;
	}
}
