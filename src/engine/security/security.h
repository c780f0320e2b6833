/* SPDX-License-Identifier: MIT */
/* The engine's advisory data: the stored feed, its refresh through the fetch module, and its
 * join with the current index. Owned by the server loop's thread unless a function says otherwise. */
#ifndef OMG_ENGINE_SECURITY_SECURITY_H
#define OMG_ENGINE_SECURITY_SECURITY_H

#include <stddef.h>
#include <stdint.h>

#include "engine/backend/backend.h"
#include "engine/index.h"
#include "engine/security/feed.h"
#include "engine/security/vulns.h"
#include "ipc/protocol.h"
#include "util/config.h"

struct security;

struct security_opts {
	const char *root;        /* the engine's real root */
	const char *backend;     /* "alpm" or "apt": which feed */
	const char *store_dir;   /* where the LMDB store lives (the feed is kept there) */
	const struct config *cfg; /* [security] keys (copied) */
	const struct backend *be; /* the backend: its module's version comparison is loaded
				   * when there is a feed to join (not for a root without one) */
	int quiet;               /* a failed refresh is not logged (in a client's process,
				  * where the reply says it) */
};

/* Opens the state and loads the stored feed, if any (a damaged one is
 * dropped with a logged line). Never NULL. */
struct security *security_open(const struct security_opts *o);
void security_close(struct security *s);

/* Joins the feed with ix when either changed since the last call (gen is
 * ix's generation). Cheap when nothing changed. */
void security_update(struct security *s, const struct index *ix, uint64_t gen);
/* The current join, or NULL without data. Borrowed until the next
 * security_update or security_refresh_done. */
const struct vulns *security_vulns(const struct security *s);

/*
 * A feed that outlives a swap: security_feed_get takes a reference (NULL
 * without data), security_feed_put drops it. Safe from any thread, e.g. a
 * transaction's (the policy reads the feed while the loop may swap in a new one).
 */
const struct feed *security_feed_get(struct security *s);
void security_feed_put(struct security *s, const struct feed *f);
/* The backend's version comparison, for the policy (loaded on first use; NULL
 * when the module cannot be loaded, which is logged once). */
vulns_vercmp security_vercmp(struct security *s);

/* Whether a refresh is due at now (Unix time): [security] refresh passed
 * since the last try, or there is no data yet (refresh 0: never by itself). */
int security_refresh_due(const struct security *s, uint64_t now);
/*
 * The refresh: security_refresh_run fetches (conditional GET), parses and
 * stores the feed. It blocks and runs on a worker thread; nothing else of s
 * may be used on that thread. security_refresh_done, back on the loop's
 * thread, swaps the new feed in (or keeps the old with the failure noted).
 */
void security_refresh_run(struct security *s);
void security_refresh_done(struct security *s);
/* Bumps with each new feed (a stored one loaded, a refresh that brought one). */
uint64_t security_feed_seq(const struct security *s);
/* Non-zero while a refresh runs (between the loop starting it and _done). */
int security_refreshing(const struct security *s);
void security_set_refreshing(struct security *s, int on);
/* Stops a running fetch soon (any thread): the engine is stopping. */
void security_cancel(struct security *s);

/* Fills the reply's header fields (state, feed, url, times, error, figures);
 * rows are added by the caller from security_vulns. now: Unix time. */
void security_describe(const struct security *s, uint64_t now, struct msg_vulns_reply *r);
/* The status's figures. */
void security_status(const struct security *s, uint64_t now, struct msg_status_reply *st);

#endif
