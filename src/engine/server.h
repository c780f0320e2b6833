/* SPDX-License-Identifier: MIT */
/* The engine's socket server: one epoll loop serving the protocol to many clients. */
#ifndef OMG_ENGINE_SERVER_H
#define OMG_ENGINE_SERVER_H

#include <stddef.h>
#include <sys/types.h>

#include "engine/engine.h"
#include "util/config.h"

struct server_opts {
	const char *socket;      /* the path to listen on */
	int listen_fd;           /* >= 0: an inherited listening socket (socket activation) */
	int system;              /* system mode: any local user reads, admins mutate */
	gid_t admin_gid;         /* system mode: members may mutate; (gid_t)-1 for root only */
	const char *admin_group; /* its name, for messages */
	int ready_fd;            /* >= 0: "ok\n" is written and the fd closed once serving */
	unsigned idle_seconds;   /* exit after this long with no client; 0 = never */
	size_t frame_max;        /* the largest request accepted */
	unsigned max_clients;    /* connections beyond this get ERR_BUSY and are closed */
	unsigned rate;           /* requests per second per connection (token bucket) */
	unsigned burst;          /* bucket size */
	size_t out_max;          /* a client whose unread replies exceed this is dropped */
	unsigned stall_seconds;  /* a client that reads nothing for this long is dropped */
	size_t cache_bytes;      /* L1 reply cache size; 0 turns it off */
	unsigned cache_ttl;      /* seconds an L1 entry is served */
	unsigned recheck_seconds; /* fingerprint check without an inotify event; 0 = never */
	const char *data_dir;    /* history and audit log live here; NULL: no transactions */
	const struct config *config; /* the configuration file's keys ([security], [policy]);
				      * NULL: the defaults */
	unsigned lock_seconds;   /* a transaction waits this long for another's lock */
	unsigned question_seconds; /* a question waits this long for an answer */
	unsigned plan_seconds;   /* a plan waits this long for commit or cancel */
	const char *snapshot;    /* the status snapshot file to keep current; NULL: none */
	int snapshot_shared;     /* system mode: the file (and its directory) readable by all */
	unsigned snapshot_seconds; /* rewrite it this often when nothing changes */
	unsigned check_seconds;  /* look for updates privately this often (alpm); 0 = never */
	/* [policy] (docs/security.md), from the engine's own configuration file only */
	int block_severity;      /* enum severity; -1 none */
	char deny[sizeof(((struct config *)0)->deny)]; /* comma-separated globs */
	int require_signatures;
	int override_admin;      /* --override accepted from root and the admin group */
	/* SIGHUP: called to read the configuration again into o (a copy of the
	 * current options); returns 0 to apply it, -1 to keep the old (it logs why). */
	int (*reload)(void *ctx, struct server_opts *o);
	void *reload_ctx;
};

/* Fills o with the defaults documented in omgd(8). */
void server_defaults(struct server_opts *o);

/*
 * Listens on o->socket (or serves o->listen_fd) and serves e until SIGTERM
 * or SIGINT (clean exit, socket removed) or the idle timeout. A socket left
 * by a dead engine is replaced; one a live engine answers on is an error.
 * Returns 0, or -1 with one line in err when it could not start serving.
 */
int server_run(struct engine *e, const struct server_opts *o, char *err, size_t errlen);

#endif
