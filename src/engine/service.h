/* SPDX-License-Identifier: MIT */
/* The engine's request handler: one protocol request in, its reply messages out. */
#ifndef OMG_ENGINE_SERVICE_H
#define OMG_ENGINE_SERVICE_H

#include <stddef.h>
#include <stdint.h>

#include "engine/engine.h"
#include "engine/security/vulns.h"
#include "ipc/protocol.h"

/* Receives each reply; the message and everything it points to are borrowed
 * for the call only. */
typedef void (*service_emit)(void *ctx, const struct msg *reply);

/*
 * Answers req from the engine's index: search, info and list with pkgs
 * replies (split so that each stays under frame_max bytes, MSG_FLAG_MORE on
 * all but the last), status with a status reply, sbom with text replies
 * split the same way, anything else with an error. Every reply carries req's id. The same code serves the daemon and
 * the in-process CLI, so both print the same.
 */
/* What the server tells the service about itself, for the status reply. */
struct security;
struct aur_svc;
struct aur_foreign;
struct service_env {
	size_t frame_max;       /* replies are split to stay under this */
	const char *mode;       /* "user", "system", "in-process" */
	uint64_t started, index_time, clients, requests, cache_hits, cache_misses;
	const char *warning;    /* added to every reply's warnings (a failed reload), or NULL */
	const char *audit_dir;  /* the engine's audit log directory, or NULL */
	const char *transaction; /* what runs now, or NULL */
	const struct update_check *check; /* the last private look for updates, or NULL */
	const char *snapshot;   /* the snapshot file written, or NULL */
	struct security *security; /* advisory data (engine/security/security.h), or NULL */
	struct aur_svc *aur;       /* the AUR service (engine/aur/svc.h), or NULL */
	const struct aur_foreign *aur_foreign; /* what the AUR says of the foreign packages,
						* or NULL (not asked yet, or no AUR) */
	const char *aur_note;      /* why aur_foreign is missing or old, or NULL */
};

/* A look for updates against a private copy of the sync databases (alpm;
 * the engine's own, never the system's): its figures replace the index's. */
struct update_check {
	uint64_t checked;        /* Unix time it ended, 0 never */
	uint64_t upgradable, held;
	const char *error;       /* why the last one failed ("" if it did not) */
};

void service_request(struct engine *e, const struct msg *req, const struct service_env *env,
		     service_emit emit, void *ctx);
/* Fills the status reply s (strings borrowed from e and env; free the
 * warnings array with free((void *)s->warnings.v)). */
void service_status(struct engine *e, const struct service_env *env,
		    struct msg_status_reply *s);

#endif
