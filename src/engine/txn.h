/* SPDX-License-Identifier: MIT */
/* One transaction on its own thread: plan, wait for the client's word, commit; its output queued for the loop. */
#ifndef OMG_ENGINE_TXN_H
#define OMG_ENGINE_TXN_H

#include <stddef.h>
#include <stdint.h>

#include "engine/backend/backend.h"
#include "engine/history.h"
#include "engine/security/policy.h"
#include "ipc/protocol.h"
#include "util/buf.h"

struct txn;
struct audit;
struct aur_txn;

struct txn_opts {
	const char *root;               /* the engine's real root (copied) */
	const struct backend *backend;
	uint64_t plan_id;               /* the id the plan reply carries */
	uint32_t uid;                   /* who asked, for history and the audit log */
	int32_t pid;
	unsigned lock_seconds;          /* how long to wait for another process's lock */
	unsigned question_seconds;      /* how long a question waits for an answer */
	unsigned plan_seconds;          /* how long a plan waits for commit or cancel */
	struct history *history;        /* required: no transaction without a record */
	struct audit *audit;            /* NULL: none kept */
	int notify_fd;                  /* an eventfd written whenever output is queued */
	const char *lock_marker;        /* while the backend holds a lock file, a note of it
					 * here (txn_recover_lock), or NULL */
	/* [policy], judged once the backend reported the plan (docs/security.md).
	 * policy.deny is copied. The request's overrides count only with
	 * override_ok (the caller checked [policy] override and who asks). */
	struct policy policy;
	int override_ok;
	/*
	 * The severity rule's data: a feed reference the loop took
	 * (security_feed_get), handed to the transaction, which calls
	 * feed_put(feed_ctx, feed) once done with it (on its own thread, before
	 * txn_free returns; also when txn_start fails). for_version is
	 * vulns_for_version; vercmp NULL: the backend's. No feed: the rule
	 * finds nothing.
	 */
	const struct feed *feed;
	policy_for_version for_version;
	vulns_vercmp vercmp;
	void (*feed_put)(void *ctx, const struct feed *f);
	void *feed_ctx;
	/* The targets to build from the AUR (engine/aur/install.h), taken out of the
	 * request's by the caller; the transaction frees it. NULL: none. */
	struct aur_txn *aur;
};

/* What the worker hands the loop, in order. Each frame is a whole encoded
 * message with request id 0: the loop sets the id of each receiver. */
enum txn_out_kind {
	TXN_OUT_EVENT = 1, /* a MSG_EVENT_TRANS */
	TXN_OUT_PLAN,      /* the MSG_PLAN_REPLY */
	TXN_OUT_FAILED,    /* a MSG_ERROR: planning failed; the worker ends */
	TXN_OUT_DONE,      /* the MSG_TRANS_RESULT: committed, failed or cancelled; the
			    * worker ends */
	TXN_OUT_END,       /* no frame: a dry run ended with its plan; the worker ends */
};

struct txn_out {
	enum txn_out_kind kind;
	struct buf frame; /* caller frees with buf_free */
};

/* Checks a plan request before any backend sees it: a known kind, known
 * flags (TRANS_AS_DEPS with install only), package files (absolute paths)
 * as install targets only, and for TRANS_APPLY the grammar of its targets
 * (ipc/trans.h: at least one, each an action character and a name, no name
 * twice). 0, or -1 with the reason in
 * err (the client gets ERR_USAGE). The one place this rule lives. */
int txn_check_plan(const struct msg_plan *req, char *err, size_t errlen);
/* Starts planning req on a new thread (strings copied). NULL with a reason. */
struct txn *txn_start(const struct msg_plan *req, const struct txn_opts *o, char *err,
		      size_t errlen);
/* Takes the next output: 1 with *out filled, 0 when none is queued. */
int txn_next(struct txn *t, struct txn_out *out);
/* The client confirmed: commit once the plan is ready. */
void txn_commit(struct txn *t);
/* The client declined or went away before the commit: release the plan.
 * Ignored once the commit has started. */
void txn_cancel(struct txn *t);
/* An answer to question number q. 0, or -1 when no such question waits or
 * the answer is not one of its choices. */
int txn_answer(struct txn *t, uint32_t q, uint32_t answer);
/* How many clients receive this transaction's events and could answer a
 * question; with none, questions take their default at once. */
void txn_set_listeners(struct txn *t, unsigned n);
/* Non-zero once the commit has started. */
int txn_committing(const struct txn *t);
/* The transaction's kind (enum trans_kind). */
uint32_t txn_kind(const struct txn *t);
/* Non-zero for a TRANS_DRY_RUN plan: it ends with its reply and is never committed. */
int txn_dry_run(const struct txn *t);
/* "install omg-spell (committing)", for status, into out. */
void txn_describe(struct txn *t, char *out, size_t len);
/* Waits for the thread to end (after its last output) and frees t. */
void txn_free(struct txn *t);

/*
 * A lock file a dead engine's transaction left: the marker names the lock's
 * path, inode and mtime and the engine's pid. If that engine is gone and the
 * lock is still the same file, it was ours and nobody holds it: it is removed
 * and why is written into note (returns 1). A lock that is not exactly the one
 * we took is never touched. 0 when there was nothing to do.
 */
int txn_recover_lock(const char *marker, char *note, size_t notelen);

#endif
