/* SPDX-License-Identifier: MIT */
/* The engine module's one exported table (ipc/embed.h): what a client process calls in it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/audit.h"
#include "engine/daemon.h"
#include "engine/engine.h"
#include "engine/service.h"
#include "ipc/codec.h"
#include "ipc/embed.h"
#include "ipc/frame.h"
#include "util/buf.h"
#include "util/strpool.h"
#include "util/xalloc.h"

/* embed_api.open. */
static struct embed_engine *embed_open(const char *root, const char *backend, char *err,
				       size_t errlen, int *status)
{
	const char *no_store = getenv("OMG_NO_STORE");
	struct engine_opts o = {root, backend, !(no_store && *no_store), NULL, 0};
	return (struct embed_engine *)engine_open(&o, err, errlen, status);
}

/* embed_api.close. */
static void embed_close(struct embed_engine *e)
{
	engine_close((struct engine *)e);
}

/* embed_api.backend_name. */
static const char *embed_backend_name(const struct embed_engine *e)
{
	return engine_backend_name((const struct engine *)e);
}

/* Where service_request's replies go: encoded into one frame each, handed on. */
struct sink {
	embed_put put;
	void *ctx;
	struct buf frame;
};

/* service_emit: encodes one reply and passes its frame on. */
static void emit(void *ctx, const struct msg *reply)
{
	struct sink *s = ctx;
	buf_reset(&s->frame);
	if (codec_encode(&s->frame, reply) == 0)
		s->put(s->ctx, s->frame.p, s->frame.len);
}

/* Sends one error reply for request id. */
static void reply_error(struct sink *s, uint32_t id, uint32_t code, const char *text)
{
	struct msg m;
	codec_error(&m, id, code, text);
	emit(s, &m);
}

/* embed_api.request: each frame in req is decoded and answered as a socket
 * peer's would be (the same service, the same encoder). */
static void embed_request(struct embed_engine *e, const void *req, size_t n, embed_put put,
			  void *ctx)
{
	struct sink s = {put, ctx, {0}};
	struct frame_reader r;
	struct service_env env = {.frame_max = OMG_FRAME_MAX_DEFAULT, .mode = "in-process"};
	frame_reader_init(&r, OMG_FRAME_MAX_DEFAULT);
	frame_feed(&r, req, n);
	const uint8_t *p;
	size_t len;
	enum frame_result fr;
	while ((fr = frame_next(&r, &p, &len)) == FRAME_READY) {
		struct strpool *arena = strpool_new();
		struct msg m;
		char err[256];
		if (codec_decode(p, len, &m, arena, err, sizeof(err)) == CODEC_OK)
			service_request((struct engine *)e, &m, &env, emit, &s);
		else
			reply_error(&s, 0, ERR_MALFORMED, err);
		strpool_free(arena);
		frame_consume(&r);
	}
	if (fr == FRAME_TOO_BIG)
		reply_error(&s, 0, ERR_MALFORMED, "request frame too big");
	frame_reader_free(&r);
	buf_free(&s.frame);
}

/* embed_api.timing. */
static void embed_timing(const struct embed_engine *ee, struct embed_timing *out)
{
	static const char *const store[] = {"off", "hit", "miss", "write failed"};
	const struct engine *e = (const struct engine *)ee;
	const struct engine_timing *t = engine_timing(e);
	out->store = store[t->store];
	out->open_ms = t->open_ms;
	out->load_ms = t->load_ms;
	out->index_ms = t->index_ms;
	out->store_ms = t->store_ms;
	out->packages = index_count(engine_index(e));
	out->index_bytes = index_bytes(engine_index(e));
}

__attribute__((visibility("default"))) const struct embed_api omg_engine_embed = {
	.abi = EMBED_ABI,
	.protocol = OMG_PROTO_VERSION,
	.daemon_run = daemon_run,
	.open = embed_open,
	.close = embed_close,
	.backend_name = embed_backend_name,
	.request = embed_request,
	.timing = embed_timing,
	.audit_read = audit_read,
	.audit_verify = audit_verify,
};
