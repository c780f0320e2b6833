/* SPDX-License-Identifier: MIT */
/* How a front end reaches an engine: the connect policy, requests, and their collected replies. */
#ifndef OMG_CLIENT_SESSION_H
#define OMG_CLIENT_SESSION_H

#include <stddef.h>

#include "client/exit.h"
#include "client/report.h"
#include "ipc/client.h"
#include "ipc/embed.h"
#include "ipc/protocol.h"
#include "util/buf.h"
#include "util/strpool.h"

/* The engine a front end talks to: chosen by the global options, reached
 * on the first request. Zero it, set the options, and session_close it. */
struct session {
	/* options */
	const char *root;    /* --root, NULL for the real system */
	const char *backend; /* --backend, NULL to detect */
	const char *socket;  /* --socket or OMG_SOCKET: the engine serving there */
	int no_daemon;       /* --no-daemon or OMG_NO_DAEMON: the engine in process */
	struct report *report; /* where errors are said (client/report.h); NULL: stderr only */
	/* state */
	struct client *client;        /* the socket connection, once made */
	struct embed_engine *local;   /* the in-process engine, once opened */
	const struct embed_api *api;  /* the engine module, once loaded */
	const char *backend_name;     /* "alpm" or "apt", from the engine */
	double connect_ms;            /* time to reach the engine (and start it) */
	int warned;                   /* the engine's warnings were said: not again */
};

/* The replies to one request, decoded from frames as a socket peer sees them. */
struct replies {
	struct strpool *arena;
	struct msg_pkg *pkgs;
	size_t n, cap;
	struct strlist missing, providers;
	int have_status;
	struct msg_status_reply status;
	int have_vulns;          /* a vulns reply: its header, and every piece's rows */
	struct msg_vulns_reply vulns;
	struct vuln *vrows;
	size_t nvrows, vcap;
	int have_review;         /* an aur-review reply */
	struct msg_aur_review review;
	uint32_t error;          /* enum msg_error_code, 0 when none */
	int quiet;               /* the session said the warnings already */
	uint32_t warnings;       /* how many the replies carried */
	const char *error_text;
	/* Text replies (a document in pieces, MSG_TEXT): each piece goes to
	 * text(text_ctx, piece, bytes) as it arrives; a non-zero return stops
	 * the calls (the rest is read and dropped) and sets text_failed.
	 * Without text a text reply is unexpected. Set by session_ask_text. */
	int (*text)(void *ctx, const char *p, size_t n);
	void *text_ctx;
	int text_failed;
};

/*
 * Connects s->client to the engine for s's root: --socket/OMG_SOCKET if
 * given; else the system engine's socket for "/" if one answers; else the
 * user engine's, which is started first when none answers and spawn is set
 * (and the configuration allows it). The socket used goes to path. Returns
 * an exit status; 0 with s->client NULL when nothing answers and spawn is
 * not set. Errors are said to s->report.
 */
int session_connect(struct session *s, int spawn, char *path, size_t pathlen);
/* The user engine's socket for s's root and backend into path, the root's
 * real path into real. An exit status, after printing why. */
int session_user_socket(const struct session *s, char *path, size_t len, char *real,
			size_t reallen);
/* The engine module (ipc/embed.h), loaded on first use; NULL with one line
 * in err (the exit status is then EXIT_MODULE). */
const struct embed_api *session_engine_module(struct session *s, char *err, size_t errlen);

/* Sends req (in process with no_daemon, else over the socket, connecting
 * first) and collects every reply; backend warnings go to stderr, once per
 * session (a command that asks again does not repeat them). An exit
 * status after printing why the engine could not answer. Free the replies
 * with replies_free either way. */
int session_request(struct session *s, struct msg *req, struct replies *out);
/* session_request, and an engine's error reply printed and turned into an
 * exit status. */
int session_ask(struct session *s, struct msg *req, struct replies *r);
/* session_ask for a request answered with text replies (sbom): each piece
 * goes to text(ctx, piece, bytes) as it arrives (see struct replies). */
int session_ask_text(struct session *s, struct msg *req,
		     int (*text)(void *ctx, const char *p, size_t n), void *ctx, struct replies *r);
/* session_ask for the engine's status (r->status). */
int session_ask_status(struct session *s, struct replies *r);
void replies_free(struct replies *r);
/* Closes the connection and the in-process engine. */
void session_close(struct session *s);

#endif
