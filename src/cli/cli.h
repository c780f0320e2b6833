/* SPDX-License-Identifier: MIT */
/* The scripted CLI: parsed options and the commands. */
#ifndef OMG_CLI_CLI_H
#define OMG_CLI_CLI_H

#include <stddef.h>

#include "client/exit.h"
#include "client/render.h"
#include "client/report.h"
#include "client/session.h"
#include "client/suggest.h"
#include "ipc/protocol.h"
#include "util/buf.h"

struct cli {
	struct session s; /* the engine: --root, --backend, --socket, --no-daemon */
	struct render out; /* everything for stdout (written once at the end), --json, --color */
	struct report err; /* the errors said, for --json's error object */
	/* With --json, when the command fails: the key its answer (an array) goes
	 * under beside the error (NULL: dropped; an object's keys always stay), and
	 * more keys of the error object itself (",\"missing\":[...]"). */
	const char *json_partial;
	struct buf json_error;
	/* global options */
	int timing, quiet;
	/* command options */
	int regex, names_only, installed_only, list_kind;
	size_t limit;
	unsigned idle;           /* daemon: --idle SECONDS */
	int idle_set;
	int system;              /* daemon: --system */
	int all;                 /* daemon stop: --all */
	int ready_fd;            /* daemon: --ready-fd (set by the client that starts it) */
	const char *config;      /* daemon: --config PATH */
	int yes;                 /* transactions: --yes, no confirmation, default answers */
	int dry_run;             /* transactions: --dry-run, show the plan and stop */
	int recursive;           /* remove: --recursive */
	int change_held;         /* install, remove: --change-held, held packages may change */
	int asdeps;              /* install: --asdeps, installed as dependencies */
	int no_sync;             /* upgrade: --no-sync */
	int refresh;             /* vulns: --refresh */
	const char *overrides[4]; /* install, remove, upgrade: --override RULE, each rule once */
	uint32_t noverrides;
	enum { SOURCE_ALL, SOURCE_AUR, SOURCE_REPO } source; /* search, upgrade: --aur, --repo */
	int approve;             /* aur review: --approve */
	int flush_failed;        /* cli_flush could not write stdout */
	const char *theme;       /* the UI's --theme (passed on, not used here) */
	int mouse;               /* the UI's --no-mouse: 0; -1 unset */
	/* the command to run */
	const struct command *cmd;
	int argc;
	char **argv;
};

enum { CLI_RUN_UI = -1, CLI_RUN_COMMAND = -2 };

/* Parses the command line into *c: CLI_RUN_COMMAND to run the command with
 * cli_run, CLI_RUN_UI for the full-screen UI (no command on a terminal:
 * c->s, c->theme and c->mouse are set), or an exit status when there is
 * nothing more to do (help, version, a usage error, said on stderr). */
int cli_parse(struct cli *c, int argc, char **argv);
/* Runs the parsed command, writes stdout once, closes the session. An exit
 * status (enum omg_exit; EXIT_OUTPUT when stdout could not be written). */
int cli_run(struct cli *c);

/* Says what is known of names the engine does not have (v[0..n), filled by
 * client/suggest.c): whole, "package 'x' was not found; did you mean ...?"
 * for each; else, after an engine's own "not found", "'x': did you mean
 * ...?" where there is a hint. Adds "missing" to the JSON error object. */
void cli_say_missing(struct cli *c, const struct suggestion *v, size_t n, int whole);

/* Writes what stdout has so far (fitted to the terminal) and empties it: a
 * result printed before a slower one. 0 or -1. */
int cli_flush(struct cli *c);

int cmd_search(struct cli *c, int argc, char **argv);
/* Asks the engine's AUR service (an aur request of op with args) into r:
 * an exit status (cmd.c). */
int cli_ask_aur(struct cli *c, uint32_t op, uint32_t flags, const char *by, int argc, char **argv,
		struct replies *r);
/* The review of the AUR package name (its base's files): shown in the pager
 * and asked about when interactive, recorded without asking with approve,
 * printed otherwise. An exit status: EXIT_CANCELLED when declined (aur.c). */
int cli_aur_review(struct cli *c, const char *name, int approve, int interactive);
/* omg __aur-unpack BASE DEST: what the engine runs as the AUR build user to
 * unpack a snapshot read on standard input (aur.c). An exit status. */
int cli_aur_unpack(int argc, char **argv);
/* omg aur review [--approve] PKG (aur.c). */
int cmd_aur(struct cli *c, int argc, char **argv);
int cmd_info(struct cli *c, int argc, char **argv);
int cmd_list(struct cli *c, int argc, char **argv);
int cmd_status(struct cli *c, int argc, char **argv);
/* omg vulns (vulns.c). */
int cmd_vulns(struct cli *c, int argc, char **argv);
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
/* omg sbom: the CycloneDX document on stdout (sbom.c). */
int cmd_sbom(struct cli *c, int argc, char **argv);
/* omg completions bash|zsh|fish: the shell's completion script on stdout (completions.c). */
int cmd_completions(struct cli *c, int argc, char **argv);
/* omg shell-init bash|zsh|fish: the prompt integration on stdout (shellinit.c). */
int cmd_shell_init(struct cli *c, int argc, char **argv);

#endif
