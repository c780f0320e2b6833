/* SPDX-License-Identifier: MIT */
/* The engine module's one exported table (ipc/embed.h): what a client process calls in it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/audit.h"
#include "engine/aur/svc.h"
#include "engine/backend/backend.h"
#include "engine/daemon.h"
#include "engine/engine.h"
#include "engine/security/security.h"
#include "engine/service.h"
#include "engine/service-int.h"
#include "engine/store.h"
#include "ipc/codec.h"
#include "ipc/embed.h"
#include "ipc/frame.h"
#include "util/buf.h"
#include "util/strpool.h"
#include "util/xalloc.h"

/* The engine in a client's process: the index, and the advisory data once a
 * request needs it. */
struct embed_engine {
	struct engine *e;
	struct security *sec;
	struct config cfg;
	int cfg_loaded;
	struct aur_svc *aur; /* opened by the first aur request */
	int aur_tried;
};

/* The user's configuration, read once. */
static const struct config *embed_config(struct embed_engine *ee)
{
	if (!ee->cfg_loaded) {
		char err[512];
		char *path = config_path(0);
		if (config_load(&ee->cfg, path, err, sizeof(err)) != 0)
			fprintf(stderr, "omg: %s (using the defaults)\n", err);
		free(path);
		ee->cfg_loaded = 1;
	}
	return &ee->cfg;
}

/* embed_api.open. */
static struct embed_engine *embed_open(const char *root, const char *backend, char *err,
				       size_t errlen, int *status)
{
	const char *no_store = getenv("OMG_NO_STORE");
	struct engine_opts o = {root, backend, !(no_store && *no_store), NULL, 0};
	struct engine *e = engine_open(&o, err, errlen, status);
	if (!e)
		return NULL;
	struct embed_engine *ee = xcalloc(1, sizeof(*ee));
	ee->e = e;
	return ee;
}

/* embed_api.close. */
static void embed_close(struct embed_engine *ee)
{
	security_close(ee->sec);
	aur_svc_close(ee->aur);
	engine_close(ee->e);
	free(ee);
}

/* embed_api.backend_name. */
static const char *embed_backend_name(const struct embed_engine *ee)
{
	return engine_backend_name(ee->e);
}

/* Whether m needs the advisory data (opening it costs a backend module, a
 * store read and a join: not for a search). */
static int needs_security(const struct msg *m)
{
	return m->h.type == MSG_VULNS || m->h.type == MSG_SBOM || m->h.type == MSG_STATUS ||
	       (m->h.type == MSG_LIST && (m->u.list.kind == LIST_VULNERABLE ||
					  m->u.list.kind == LIST_UPGRADABLE));
}

/* The advisory data for an in-process engine: the user's configuration, the
 * same store as the user's daemon; fetched here only on vulns --refresh. */
static struct security *embed_security(struct embed_engine *ee, const struct msg *m)
{
	if (!ee->sec) {
		embed_config(ee);
		/* OMG_NO_STORE: nothing kept on disk, advisories included. */
		const char *no_store = getenv("OMG_NO_STORE");
		char *dir = no_store && *no_store ? NULL : store_default_dir();
		struct security_opts so = {engine_root(ee->e), engine_backend_name(ee->e), dir,
					   &ee->cfg, engine_backend(ee->e), 1};
		ee->sec = security_open(&so);
		free(dir);
	}
	if (m->h.type == MSG_VULNS && (m->u.vulns.flags & VULNS_REFRESH)) {
		struct msg_vulns_reply r;
		security_describe(ee->sec, 0, &r);
		if (r.state != VULNS_OFF) {
			security_set_refreshing(ee->sec, 1);
			security_refresh_run(ee->sec);
			security_refresh_done(ee->sec);
		}
	}
	security_update(ee->sec, engine_index(ee->e), engine_generation(ee->e));
	return ee->sec;
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

/* An aur request in process: answered here and now (the network included),
 * with the user's configuration and store. */
static void embed_aur(struct embed_engine *ee, const struct msg *m, struct service_env *env,
		      struct sink *s)
{
	const struct config *cfg = embed_config(ee);
	if (!ee->aur_tried) {
		ee->aur_tried = 1;
		const char *no_store = getenv("OMG_NO_STORE");
		char *dir = no_store && *no_store ? NULL : store_default_dir();
		struct aur_svc_opts ao = {cfg, dir, 1};
		ee->aur = aur_svc_open(engine_backend_name(ee->e), &ao);
		free(dir);
	}
	env->aur = ee->aur;
	if (!ee->aur) {
		const char *why = aur_svc_off_reason(engine_backend_name(ee->e), cfg);
		service_aur_reply(m, NULL, why ? why : "the AUR is off", engine_index(ee->e), env,
				  emit, s);
		return;
	}
	struct aur_answer ans;
	aur_svc_run(ee->aur, m, (uint32_t)getuid(), (int32_t)getpid(), &ans);
	service_aur_reply(m, &ans, NULL, engine_index(ee->e), env, emit, s);
	aur_answer_free(&ans);
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
		if (codec_decode(p, len, &m, arena, err, sizeof(err)) == CODEC_OK) {
			env.security = needs_security(&m) ? embed_security(e, &m) : NULL;
			if (m.h.type == MSG_AUR)
				embed_aur(e, &m, &env, &s);
			else
				service_request(e->e, &m, &env, emit, &s);
		} else
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
	const struct engine *e = ee->e;
	const struct engine_timing *t = engine_timing(e);
	out->store = store[t->store];
	out->open_ms = t->open_ms;
	out->load_ms = t->load_ms;
	out->index_ms = t->index_ms;
	out->store_ms = t->store_ms;
	out->packages = index_count(engine_index(e));
	out->index_bytes = index_bytes(engine_index(e));
}

/* embed_api.aur_unpack. */
static int embed_aur_unpack(int fd, size_t max, const char *base, const char *dest, char *err,
			    size_t errlen)
{
	struct buf b = {0};
	char chunk[65536];
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(err, errlen, "cannot read the snapshot: %s", strerror(errno));
			buf_free(&b);
			return -1;
		}
		if (n == 0)
			break;
		if (b.len + (size_t)n > max) {
			snprintf(err, errlen, "snapshot of %s: larger than %zu bytes", base, max);
			buf_free(&b);
			return -1;
		}
		buf_append(&b, chunk, (size_t)n);
	}
	int rc = aur_unpack_fresh(b.p ? b.p : "", b.len, base, dest, err, errlen);
	buf_free(&b);
	return rc;
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
	.aur_unpack = embed_aur_unpack,
};
