/* SPDX-License-Identifier: MIT */
/* Requests from the CLI to the engine, and their replies decoded as frames. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "engine/service.h"
#include "ipc/codec.h"
#include "ipc/frame.h"
#include "util/xalloc.h"

int cli_open_engine(struct cli *c)
{
	char err[1024];
	int status;
	const char *no_store = getenv("OMG_NO_STORE");
	struct engine_opts o = {c->root, c->backend, !(no_store && *no_store), NULL};
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

/* Sends req to the engine at c->socket and collects its replies. */
static int request_socket(struct cli *c, struct msg *req, struct replies *out)
{
	char err[512];
	if (!c->client) {
		c->client = xcalloc(1, sizeof(*c->client));
		if (client_open(c->client, c->socket, "omg-cli", err, sizeof(err)) != 0) {
			fprintf(stderr, "omg: %s\n", err);
			free(c->client);
			c->client = NULL;
			return EXIT_ROOT;
		}
		c->backend_name = c->client->engine.backend;
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
	if (c->socket)
		return request_socket(c, req, out);
	if (!c->engine) {
		int rc = cli_open_engine(c);
		if (rc)
			return rc;
	}
	/* In process, the engine answers into a buffer of frames that is then
	 * decoded exactly as replies from a socket are. */
	struct buf frames = {0};
	service_request(c->engine, req, OMG_FRAME_MAX_DEFAULT, emit_frame, &frames);
	int rc = decode_all(&frames, out);
	buf_free(&frames);
	return rc;
}

void replies_free(struct replies *r)
{
	free(r->pkgs);
	strpool_free(r->arena);
	memset(r, 0, sizeof(*r));
}
