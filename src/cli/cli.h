/* SPDX-License-Identifier: MIT */
/* The scripted CLI: parsed options, the engine it queries, and the commands. */
#ifndef OMG_CLI_CLI_H
#define OMG_CLI_CLI_H

#include <stddef.h>

#include "engine/engine.h"
#include "ipc/client.h"
#include "ipc/protocol.h"
#include "util/buf.h"
#include "util/strpool.h"

/* Exit codes, documented in omg(1) and the README. */
enum cli_exit {
	EXIT_OK = 0,
	EXIT_NOMATCH = 1,  /* search found nothing */
	EXIT_USAGE = 2,    /* bad option, command or regex */
	EXIT_UNKNOWN = 3,  /* info: a package does not exist */
	EXIT_ROOT = 4,     /* root missing, unreadable, no package system */
	EXIT_DB = 5,       /* configuration or database missing or corrupt */
	EXIT_MODULE = 6,   /* a backend module is missing: an installation problem */
	EXIT_TRANS = 7,    /* a transaction cannot be done, failed or was interrupted */
	EXIT_LOCKED = 8,   /* another process kept the package database locked */
	EXIT_DENIED = 9,   /* the engine refused: not root or not in the admin group */
	EXIT_AUDIT = 10,   /* audit verify: the log was edited, reordered or truncated */
	EXIT_CANCELLED = 11, /* the plan was not confirmed, or cancelled */
};

struct cli {
	/* global options */
	const char *root, *backend;
	int json, color, timing, quiet;
	size_t width; /* terminal columns for text output; 0 = do not truncate */
	/* command options */
	int regex, names_only, installed_only, list_kind;
	size_t limit;
	const char *socket;      /* --socket or OMG_SOCKET: talk to the engine there */
	int no_daemon;           /* --no-daemon or OMG_NO_DAEMON: the engine runs in process */
	unsigned idle;           /* daemon: --idle SECONDS */
	int idle_set;
	int system;              /* daemon: --system */
	int all;                 /* daemon stop: --all */
	int ready_fd;            /* daemon: --ready-fd (set by the client that starts it) */
	const char *config;      /* daemon: --config PATH */
	int yes;                 /* transactions: --yes, no confirmation, default answers */
	int dry_run;             /* transactions: --dry-run, show the plan and stop */
	int recursive;           /* remove: --recursive */
	int no_sync;             /* upgrade: --no-sync */
	double connect_ms;       /* time to reach the engine (and start it) */
	/* state */
	struct client *client;    /* the connection, when socket is set */
	struct engine *engine;    /* in-process engine, opened by the first request */
	const char *backend_name; /* "alpm" or "apt", from the engine */
	struct buf out; /* everything for stdout, written once at the end */
};

/* The replies to one request, decoded from frames as a socket peer sees them. */
struct replies {
	struct strpool *arena;
	struct msg_pkg *pkgs;
	size_t n, cap;
	struct strlist missing, providers;
	int have_status;
	struct msg_status_reply status;
	uint32_t error;          /* enum msg_error_code, 0 when none */
	const char *error_text;
};

/* Sends req and collects every reply; backend warnings go to stderr. Returns
 * 0, or the exit status after printing why the engine could not answer.
 * Free the replies with replies_free. */
int cli_request(struct cli *c, struct msg *req, struct replies *out);
void replies_free(struct replies *r);
/* cli_request, and an engine's error reply printed and turned into an exit
 * status. 0 or an exit status; free the replies either way. */
int cli_ask(struct cli *c, struct msg *req, struct replies *r);
/* cli_ask for the engine's status (r->status). */
int cli_ask_status(struct cli *c, struct replies *r);
/* The exit status for an engine error reply (printed by the caller). */
int cli_exit_for(uint32_t error);

/* Opens the engine for the command; prints the error and returns an exit
 * code (non-zero) on failure. Backend warnings go to stderr. */
int cli_open_engine(struct cli *c);
/*
 * Connects c->client to the engine for c's root: --socket/OMG_SOCKET if
 * given; else the system engine's socket for "/" if one answers; else the
 * user engine's, which is started first when none answers and spawn is set
 * (and the configuration allows it). The socket used goes to path. Returns
 * 0, 1 when no engine answers and none was started, or an exit status after
 * printing why.
 */
int cli_connect(struct cli *c, int spawn, char *path, size_t pathlen);
/* The user-mode socket for c's root and backend ("root" or "root\nbackend"
 * hashed into its name), with the root's real path in real. An exit status. */
int cli_user_socket(struct cli *c, char *path, size_t len, char *real, size_t reallen);

int cmd_search(struct cli *c, int argc, char **argv);
int cmd_info(struct cli *c, int argc, char **argv);
int cmd_list(struct cli *c, int argc, char **argv);
int cmd_status(struct cli *c, int argc, char **argv);
int cmd_daemon(struct cli *c, int argc, char **argv);
/* Transactions (trans.c): sync, install, remove, upgrade, attach, history. */
int cmd_sync(struct cli *c, int argc, char **argv);
int cmd_install(struct cli *c, int argc, char **argv);
int cmd_remove(struct cli *c, int argc, char **argv);
int cmd_upgrade(struct cli *c, int argc, char **argv);
int cmd_attach(struct cli *c, int argc, char **argv);
int cmd_history(struct cli *c, int argc, char **argv);
/* omg audit log|verify (audit.c). */
int cmd_audit(struct cli *c, int argc, char **argv);
/* omg completions bash|zsh|fish: the shell's completion script on stdout (completions.c). */
int cmd_completions(struct cli *c, int argc, char **argv);
/* omg shell-init bash|zsh|fish: the prompt integration on stdout (shellinit.c). */
int cmd_shell_init(struct cli *c, int argc, char **argv);

/* Output (out.c). */
enum out_color {
	COL_RESET, COL_NAME, COL_VERSION, COL_NEWVERSION, COL_REPO, COL_INSTALLED,
	COL_HELD, COL_LABEL, COL_DIM,
};
/* The escape for a semantic element, or "" when colour is off. */
const char *out_col(const struct cli *c, enum out_color e);
/* One name per line (--quiet). */
void out_pkg_names(struct cli *c, const struct msg_pkg *v, size_t n);
/* An aligned table of packages: state flags, name, version, repo, description. */
void out_pkg_table(struct cli *c, const struct msg_pkg *v, size_t n);
/* A JSON array of brief package objects (search and list). */
void out_pkg_json_array(struct cli *c, const struct msg_pkg *v, size_t n);
/* Every field of one package (a full record), as text or as a JSON object. */
void out_info_text(struct cli *c, const struct msg_pkg *p);
void out_info_json(struct cli *c, const struct msg_pkg *p);
/* omg daemon status: the engine's facts, as text or JSON. */
void out_engine_status(struct cli *c, const char *socket, const struct msg_status_reply *s);
/* "2026-11-24 06:30:12" (local time) for a Unix time, into out. */
void out_time(char *out, size_t len, int64_t t);
/* "8.00 KiB" for a byte count. */
void out_size(struct buf *b, int64_t bytes);

#endif
