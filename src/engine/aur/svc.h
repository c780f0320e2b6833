/* SPDX-License-Identifier: MIT */
/* The engine's AUR service: answers aur requests (search, info, review, approve) with a short-lived
 * cache, keeps what the AUR says of the foreign packages, and hands builds what they need. */
#ifndef OMG_ENGINE_AUR_SVC_H
#define OMG_ENGINE_AUR_SVC_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/aur/aur.h"
#include "engine/aur/build.h"
#include "engine/aur/review.h"
#include "engine/index.h"
#include "ipc/protocol.h"
#include "util/buf.h"
#include "util/config.h"

struct aur_svc;

struct aur_svc_opts {
	const struct config *cfg; /* [aur] and [policy] aur (copied) */
	const char *data_dir;     /* the engine's data directory: approvals in DATA/aur, builds
				   * in DATA/aur-build unless [aur] build_dir; NULL: nothing kept
				   * on disk (no reviews, no builds) */
	int quiet;                /* failures are not logged (a client's process) */
};

/* The service for an alpm root with [aur] enabled; NULL otherwise (an apt
 * root never contacts the AUR). */
struct aur_svc *aur_svc_open(const char *backend, const struct aur_svc_opts *o);
void aur_svc_close(struct aur_svc *a);
/* Stops running fetches and builds soon (any thread): the engine is stopping. */
void aur_svc_cancel(struct aur_svc *a);

/* Why the AUR is off for this engine, for a reply's warning: "the AUR is for
 * Arch (alpm) roots only" or "the AUR is disabled ([aur] enabled = no)". */
const char *aur_svc_off_reason(const char *backend, const struct config *cfg);

/* Where approvals and declines are recorded (engine/audit.h; NULL: nowhere). */
struct audit;
void aur_svc_set_audit(struct aur_svc *a, struct audit *audit);

/* The answer to one aur request, made by aur_svc_run on any thread. */
struct aur_answer {
	uint32_t op;               /* enum aur_req_op */
	struct aur_list list;      /* search, info: the packages */
	char warning[512];         /* search, info: why the AUR gave nothing ("" fine) */
	/* review, approve: */
	int error_code;            /* non-zero: an error reply (enum err_code) with error */
	char error[512];
	char base[256];
	uint32_t kind;             /* enum aur_review_shown */
	char hash[65];
	uint32_t approved;
	struct buf text;
};

void aur_answer_free(struct aur_answer *ans);

/*
 * Answers req (MSG_AUR) into ans: blocking (the network), safe on any thread,
 * several at once. uid, pid: who asks (approvals record them). Search takes the
 * longest term to the RPC and keeps the results every other term matches
 * (name or description, case-insensitive), as the official search does.
 */
void aur_svc_run(struct aur_svc *a, const struct msg *req, uint32_t uid, int32_t pid,
		 struct aur_answer *ans);
/* Non-zero when a cached reply answers req now (the loop need not start a worker). */
int aur_svc_cached(struct aur_svc *a, const struct msg *req);

/* ---- the foreign packages ---- */

/* What the AUR says of the installed foreign packages; immutable once made. */
struct aur_foreign;
/* Asks the AUR about names (blocking, any thread); never NULL: a failure
 * keeps its reason (aur_foreign_error). */
struct aur_foreign *aur_foreign_fetch(struct aur_svc *a, const char *const *names, size_t n);
void aur_foreign_free(struct aur_foreign *f);
/* The AUR's record of name, or NULL (not in the AUR, or not asked). */
const struct aur_pkg *aur_foreign_find(const struct aur_foreign *f, const char *name);
/* Non-zero when name was asked and the AUR does not have it. */
int aur_foreign_missing(const struct aur_foreign *f, const char *name);
/* "" or why the fetch failed. */
const char *aur_foreign_error(const struct aur_foreign *f);
/* Unix time it was fetched. */
uint64_t aur_foreign_time(const struct aur_foreign *f);
/* Non-zero when f was asked about exactly names (sorted or not). */
int aur_foreign_same(const struct aur_foreign *f, const char *const *names, size_t n);

/* Fills out (a reply's record) from the AUR's p; strings borrowed from p, the
 * snapshot's URL written into url. a may be NULL (no URL then). */
void aur_pkg_aur(const struct aur_svc *a, const struct aur_pkg *p, struct pkg_aur *out,
		 char *url, size_t urllen);

/* ---- what builds need (engine/aur/install.c) ---- */

/* The configuration the service runs with (borrowed for its life). */
const struct config *aur_svc_config(const struct aur_svc *a);
/* The fetch settings (borrowed strings; cancel wired to aur_svc_cancel). */
void aur_svc_conf(const struct aur_svc *a, struct aur_conf *out);
/* The approvals store, and the lock every use of it takes. NULL without a data directory. */
struct aur_reviews *aur_svc_reviews(struct aur_svc *a, pthread_mutex_t **lock);
/* Where base's files are kept: BUILD_DIR/BASE (into out). 0, or -1 without one. */
int aur_svc_base_dir(const struct aur_svc *a, const char *base, char *out, size_t outlen);
/* The cancel flag builds poll. */
const int *aur_svc_cancel_flag(const struct aur_svc *a);
/* Unpacks the snapshot data[0..len) of base into dest, made afresh, in this
 * process: what omg __aur-unpack runs as the build user. 0 or -1 with err. */
int aur_unpack_fresh(const void *data, size_t len, const char *base, const char *dest, char *err,
		     size_t errlen);
/* Unpacks the snapshot tgz of base into dest (made afresh) as u, in a new
 * process (omg __aur-unpack). 0 or -1. */
int aur_svc_unpack(struct aur_svc *a, const struct aur_user *u, const char *base,
		   const struct buf *tgz, const char *dest, char *err, size_t errlen);
/*
 * Downloads p's snapshot and unpacks it as the build user (for uid) into
 * BUILD_DIR/BASE/snapshot, made afresh, whose path dir gets; the tarball stays
 * in tgz (caller frees with buf_free). 0 or -1 with err.
 */
int aur_svc_fetch_base(struct aur_svc *a, const struct aur_pkg *p, uint32_t uid, char *dir,
		       size_t dirlen, struct buf *tgz, char *err, size_t errlen);

#endif
