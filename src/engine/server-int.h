/* SPDX-License-Identifier: MIT */
/* Private to the engine's socket server: its state and what its parts (server*.c) call of each other. */
#ifndef OMG_ENGINE_SERVER_INT_H
#define OMG_ENGINE_SERVER_INT_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "engine/server.h"
#include "engine/service.h"
#include "engine/status.h"
#include "ipc/frame.h"
#include "ipc/protocol.h"
#include "util/buf.h"
#include "util/clock.h"

struct cache;
struct txn;
struct history;
struct audit;
struct backend_ops;
struct aur_job;
struct aur_svc;
struct aur_foreign;

/* One client connection (server-client.c). */
struct conn {
	int fd;
	uid_t uid;
	pid_t pid;
	int hello;             /* handshake done */
	int closing;           /* close once the output is flushed */
	int held;              /* requests wait for the index to catch up */
	int want_out;          /* EPOLLOUT armed */
	struct frame_reader in;
	struct buf out;
	size_t out_off;        /* bytes of out already written */
	double tokens, last;   /* rate limit bucket */
	double stalled_since;  /* when output started waiting, 0 if not */
	uint32_t sub_id;       /* the subscribe request's id, 0 when not subscribed */
	uint32_t sub_what;
	uint32_t attach_id;    /* the attach request's id, 0 when not attached */
	double plan_wait;      /* when its plan started waiting for the running transaction */
	uint32_t plan_wait_id; /* that plan's request id, for the event saying why */
	int plan_wait_said;    /* why it waits was said */
	uint64_t dry_plan;     /* the id of its last dry-run plan (never committed), 0 none */
	uint64_t sec_wait;     /* a vulns --refresh waits until sec_done reaches this, 0 none */
	struct aur_job *aur_job; /* its aur request, on a worker (server-aur.c), or NULL */
	int aur_foreign_wait;  /* a list waits for the look at the foreign packages */
	int dead;              /* dropped: freed once the current batch of events is handled */
	struct conn *next;     /* kept when dropped, so a loop standing on it goes on */
	struct conn *dead_next;
};

/* Events of the running commit kept for a client that attaches later. */
#define REPLAY_MAX 256

/*
 * Freshness. Every batch of inotify events bumps event_seq. A refresh
 * remembers the event_seq it started at (refresh_seq); when it ends, the
 * index reflects every change up to then (index_seq = refresh_seq). A
 * request that arrives while index_seq < event_seq waits (its connection is
 * held) until a refresh that started after it ends, so an answer never
 * predates a change the client could have seen.
 *
 * Everything here belongs to the loop's thread, except the fields marked as
 * written by the refresh or the look-for-updates thread.
 */
struct server {
	struct engine *e;
	struct server_opts o;
	int epfd, lfd, sigfd, timerfd, inofd, donefd, checkfd;
	struct conn *conns;
	struct conn *dead;     /* dropped during this batch of events; see server_client_reap() */
	unsigned nconns;
	double last_activity, last_check;
	int stop;
	struct cache *cache;
	uint64_t requests;
	time_t started, index_time;
	uint64_t event_seq, index_seq, refresh_seq;
	/* the refresh thread: these are written by it until it signals donefd */
	int refreshing;
	pthread_t thread;
	int r_rc;
	struct engine_update *r_update;
	char r_err[512];
	char *reload_error; /* why the last refresh failed, shown as a warning */
	struct buf key;     /* scratch: a request as a cache key */
	/* The transaction: one at a time, run by its own thread (txn.c). */
	struct txn *txn;
	struct conn *owner;      /* the client that planned it; NULL once gone */
	uint32_t plan_req, commit_req; /* their request ids */
	uint64_t plan_seq, plan_id;
	int committed;           /* the owner sent commit */
	int txnfd;               /* eventfd: the worker queued output */
	struct buf replay[REPLAY_MAX];
	size_t replay_n;
	struct buf last_result;  /* the last transaction's result frame (id 0) */
	int result_pending;      /* last_result waits for the index refresh */
	int stop_after_txn;      /* SIGTERM came during a commit */
	struct history *history;
	struct audit *audit;
	char *txn_error;         /* why transactions are off, or NULL */
	char *lock_marker;       /* txn_opts.lock_marker */
	char describe[256];      /* scratch: the transaction, for a status reply */
	/* The snapshot: witnesses of the index being served (taken by the refresh
	 * that built it, before it read anything), and when it was last written. */
	struct witnesses wit, r_wit;
	int have_wit;
	double snap_last;
	char *snap_error;        /* the last write's failure, logged once */
	struct update_check check; /* the last private look for updates (alpm) */
	/* The look-for-updates thread (backend check_updates): these are written
	 * by it until it signals checkfd. */
	int checking, check_again;
	pthread_t c_thread;
	const struct backend_ops *c_ops;
	char *c_root, *c_dir;
	struct update_counts c_counts;
	int c_rc;
	char c_err[512];
	double c_started;
	/* Advisories (server-security.c): the state, its refresh thread (which
	 * signals secfd) and how many refreshes have ended. */
	struct security *sec;
	int secfd;
	pthread_t sec_thread;
	uint64_t sec_done;
	/* The AUR (server-aur.c): its service, the workers (which signal aurfd)
	 * and what the AUR says of the foreign packages. */
	struct aur_svc *aur;
	int aurfd;
	struct aur_job *aur_jobs, *foreign_job;
	struct aur_foreign *aur_foreign;
	uint64_t aur_foreign_gen; /* the index generation whose foreign packages it covers */
};

/* Seconds on the monotonic clock (clock_ms), the unit of every time above. */
static inline double server_now(void)
{
	return clock_ms() / 1e3;
}

/* ---- server.c: the loop ---- */

/* What the service reports about this server into env; env borrows from s
 * until s changes (its transaction text is s->describe). */
void server_env(struct server *s, struct service_env *env);

/* ---- server-client.c: connections ---- */

/* Accepts every pending connection on s->lfd; a refused one is told why and closed. */
void server_client_accept(struct server *s);
/* Handles epoll events for c: hang-up, output room, input. */
void server_client_event(struct server *s, struct conn *c, uint32_t events);
/* Unlinks and closes c; its memory stays until server_client_reap. */
void server_client_drop(struct server *s, struct conn *c);
/* Frees the connections dropped since the last call. */
void server_client_reap(struct server *s);
/* Writes what it can of c's output. Returns -1 if c was dropped. */
int server_client_flush(struct server *s, struct conn *c);
/* Queues one message to c (m is encoded at once; nothing is kept). */
void server_client_queue(struct conn *c, const struct msg *m);
/* Queues an error for request id (text is copied). */
void server_client_queue_error(struct conn *c, uint32_t id, uint32_t code, const char *text);
/* Queues ok for request id. */
void server_client_queue_ok(struct conn *c, uint32_t id);
/* Appends len bytes of whole frames at p to c's output with id as their request id. */
void server_client_queue_frames(struct conn *c, const void *p, size_t len, uint32_t id);
/* Non-zero if uid is root or, in system mode, a member of the admin group. */
int server_client_may_mutate(const struct server *s, uid_t uid);
/* Non-zero if uid is root or a member of the admin group, in either mode
 * (whom [policy] override = admin lets override). */
int server_client_is_admin(const struct server *s, uid_t uid);
/* Lets held connections go on, now that the index caught up. */
void server_client_release_held(struct server *s);
/* The timer: drops stalled clients and lets plans that waited lock_seconds be refused. */
void server_client_tick(struct server *s);

/* ---- server-txn.c: transactions ---- */

/* Opens the history and the audit log (or says in s->txn_error why transactions are off). */
void server_txn_open(struct server *s);
/* Handles the transaction messages; 0 when m is not one. */
int server_txn_handle(struct server *s, struct conn *c, const struct msg *m);
/* Whether a plan frame (len bytes at p) from c must wait for the running
 * transaction (or the engine's look at the databases); it is told why once.
 * 1 to wait, 0 to handle it now. */
int server_txn_plan_waits(struct server *s, struct conn *c, const uint8_t *p, size_t len);
/* Called by the timer for each connection: a plan that has waited a second
 * on the engine's look at the databases is told so (once). */
void server_txn_wait_tick(struct server *s, struct conn *c, double now);
/* The worker signalled txnfd: routes what it queued. */
void server_txn_output(struct server *s);
/* Sends the pending result, once the index caught up. */
void server_txn_deliver_result(struct server *s);
/* c is going away: a plan it owns is cancelled; the listeners are counted again. */
void server_txn_client_gone(struct server *s, struct conn *c);
/* SIGTERM or SIGINT: 1 to stop now, 0 when the stop waits for the transaction. */
int server_txn_stop(struct server *s);
/* Non-zero while a transaction runs or its result is still to be delivered. */
int server_txn_busy(const struct server *s);
/* Cancels and frees a transaction still there (a commit runs to its end). */
void server_txn_end(struct server *s);
/* Frees the replay, the last result, the history and the audit log. */
void server_txn_close(struct server *s);

/* ---- server-refresh.c: index reloads, status and updates ---- */

/* Watches the database directories and prepares the private look for updates. */
void server_refresh_setup(struct server *s);
/* Starts a refresh unless one runs (its end starts another if needed). */
void server_refresh_start(struct server *s);
/* The refresh thread signalled donefd: swaps its index in, or keeps ours and says why. */
void server_refresh_done(struct server *s);
/* Reads pending inotify events; any starts a refresh. */
void server_refresh_drain_inotify(struct server *s);
/* The look-for-updates thread signalled checkfd: keeps its figures. */
void server_refresh_check_done(struct server *s);
/* Non-zero while a database change has not reached the index. */
int server_refresh_stale(const struct server *s);
/* The timer at t: recheck, look for updates, the snapshot heartbeat. */
void server_refresh_tick(struct server *s, double t);
/* Queues a status event to the subscribed connection c. */
void server_refresh_status_event(struct server *s, struct conn *c);
/* Status subscribers hear of a change (a new index, new advisory data). */
void server_refresh_notify(struct server *s);
/* Rewrites the snapshot now (stopped: the engine is exiting). */
void server_refresh_snapshot(struct server *s, int stopped);

/* ---- server-security.c: advisories ---- */

/* Opens the advisory state for the engine's root and joins it with the index. */
void server_security_open(struct server *s);
/* Joins the advisory data with the current index if either changed. */
void server_security_sync(struct server *s);
/* Starts a refresh of the feed unless one runs (or there is no feed). */
void server_security_start(struct server *s);
/* The refresh thread signalled secfd: swaps the new data in; waiting requests go on. */
void server_security_done(struct server *s);
/* The timer: a refresh when [security] refresh says one is due. */
void server_security_tick(struct server *s);
/* Whether a request frame from c must wait for a refresh (vulns --refresh):
 * 1 to hold it, 0 to handle it now. */
int server_security_waits(struct server *s, struct conn *c, const uint8_t *p, size_t len);
/* Waits for a running refresh and frees the state. */
void server_security_close(struct server *s);
/* Rewrites the snapshot file from the current status (stopped: the engine is exiting). */
void server_refresh_snapshot(struct server *s, int stopped);
/* Waits for the refresh and look-for-updates threads, writes the last
 * snapshot and frees what they own. */
void server_refresh_close(struct server *s);

/* ---- server-aur.c: the AUR ---- */

/* Opens the AUR service (alpm roots with [aur] enabled) and its eventfd. */
void server_aur_open(struct server *s);
/* Whether a request frame from c must wait: an aur request that needs the
 * network (started on a worker now), a list --upgradable or --foreign while
 * the foreign packages are looked up. 1 to hold it, 0 to handle it now. */
int server_aur_waits(struct server *s, struct conn *c, const uint8_t *p, size_t len);
/* Non-zero for an aur request only root or the admin group may make: an
 * approval or a decline, which decides what the engine will build as root's
 * transaction, and a review, which downloads into the engine's build directory. */
int server_aur_mutates(const struct msg *m);
/* A worker ended (aurfd): takes the foreign look in, lets waiting requests go on. */
void server_aur_done(struct server *s);
/* Answers c's aur request m (its worker's answer, a cache hit, or why not). */
void server_aur_reply(struct server *s, struct conn *c, const struct msg *m,
		      const struct service_env *env, service_emit emit);
/* c went away: its worker's answer is dropped when the worker ends. */
void server_aur_conn_gone(struct server *s, struct conn *c);
/* The AUR part of a plan (install, upgrade, apply): the install targets (an
 * apply's '+' ones) the index does not know, or the foreign packages the AUR
 * has newer (an upgrade's, or an apply's '+' on one), go to *aur (NULL:
 * none); req's targets become the others (*official, an array the caller
 * frees). 0 (never fails today). */
struct aur_txn;
int server_aur_split(struct server *s, struct msg_plan *req, const char ***official,
		     struct aur_txn **aur, uid_t uid);
/* Cancels the workers, waits for them and frees the service. */
void server_aur_close(struct server *s);

#endif
