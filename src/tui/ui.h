/* SPDX-License-Identifier: MIT */
/* The UI's state and its files' functions (tui*.c, view.c), shared among them; not a public API. */
#ifndef OMG_TUI_UI_H
#define OMG_TUI_UI_H

#include <stddef.h>
#include <stdint.h>

#include "client/exit.h"
#include "client/render.h"
#include "client/session.h"
#include "ipc/protocol.h"
#include "tui/line.h"
#include "tui/model.h"
#include "tui/panel.h"
#include "tui/term.h"
#include "tui/theme.h"
#include "util/buf.h"
#include "util/strpool.h"

/* The smallest screen the UI draws on; below it, "terminal too small". */
#define UI_MIN_COLS 60
#define UI_MIN_ROWS 12
#define UI_LOG_MAX 2000

enum screen { SCR_LIST, SCR_DETAIL, SCR_REVIEW, SCR_TRANS, SCR_HELP };
enum prompt { PR_NONE, PR_FIND, PR_LIMIT, PR_QUIT };

/* Where a transaction started from the UI (or attached to) stands. */
enum tr_phase {
	TR_NONE,
	TR_PLANNING,   /* plan sent, waiting for the engine's plan */
	TR_REVIEW,     /* the plan is shown; g plans for real (a dry run) or commits it */
	TR_CONFIRMING, /* g on a dry run's review: the real plan asked for, committed
			* when it has the reviewed items */
	TR_FAILED,     /* the plan was refused (error shown in the review) */
	TR_DENIED,     /* refused for want of rights: offer the system engine */
	TR_RUNNING,    /* committing (ours or attached) */
	TR_DONE,       /* the result is in */
};

struct tr_log {
	char *text;
	uint16_t el;
};

struct trans_view {
	enum tr_phase phase;
	uint32_t kind;
	uint32_t req;           /* the request whose events and reply are ours */
	uint64_t plan;          /* the engine's plan id */
	int auto_commit;        /* u: commit the sync without a review */
	int attached;           /* following a transaction started elsewhere */
	int dry;                /* the plan shown is a dry run: g plans it for real first */
	int change_held;        /* the user agreed to change the held packages */
	int held_ask;           /* the "change it anyway? y/N" dialog is open */
	long sel;               /* the review's cursor: the sel-th item in review order */
	int show_sel;           /* the cursor moved: scroll the review to it when drawn */
	int name_w, ver_w;      /* the review's name and version columns (set as it is drawn) */
	struct strpool *arena;  /* the plan reply's strings */
	struct msg_plan_reply reply;
	char error[512];
	struct panel review_panel; /* the review's rows (set as it is drawn) */
	char title[256];
	/* progress */
	char phase_text[128];
	char dl_name[256];
	uint64_t dl_done, dl_total, dl_rate;
	uint32_t dl_index, dl_count, dl_percent;
	char pkg_name[256], pkg_text[64];
	uint32_t pkg_index, pkg_count, pkg_percent;
	struct tr_log *log;
	size_t nlog;
	struct panel log_panel; /* follows the newest line until scrolled back */
	/* a question */
	int asking;
	uint32_t qnum, qkind, qdef, qsel;
	char qtext[512];
	char **choices;
	size_t nchoices;
	double qdeadline;       /* ms clock */
	/* the result */
	uint32_t status, changes;
	char result[512];
};

struct ui {
	struct session *s;
	struct term *term;
	struct theme *theme;
	struct model *model;
	int utf8;                  /* the terminal takes UTF-8: arrows and bullets */
	int rows, cols, too_small;
	enum screen screen;
	int quit, detached, dirty;
	int drawn;                 /* a screen with packages has been drawn */
	int buffered;              /* messages read and not yet handled */
	int rc;
	/* the engine */
	char socket[4096];
	char *system_socket;        /* the system engine's, once the UI moved to it */
	uint32_t abandoned_req;     /* a plan the user went back from: cancelled on arrival */
	int connected;
	double reconnect_at;
	uint32_t sub_req, list_req, status_req;
	uint64_t list_generation;   /* the index generation of the list shown */
	uint64_t list_gen_req;      /* the generation when the list was asked for */
	int want_list;
	uint32_t vuln_note_req;     /* the LIST_VULNERABLE asked with the list, for its warning */
	char vuln_note[512];        /* why the vulnerable view is empty (no advisory data), or "" */
	/* the AUR's results for the search text (alpm), asked with aur requests */
	uint32_t aur_req;           /* the aur search on its way (one at a time) */
	int aur_frames;             /* frames of its reply taken so far */
	char aur_want[256];         /* the words the screen wants results for ("": none) */
	char aur_asked[256];        /* the words of the search on its way */
	char aur_have[256];         /* the words of the results the model has */
	char aur_note[512];         /* the last reply's warning (a timeout, the rate limit, not
				     * an alpm root), or "" */
	double aur_due;             /* when to ask for aur_want (once typing settles); 0: not due */
	int aur_off_asked;          /* not alpm: the engine was asked why there is no AUR */
	struct strpool *status_arena;
	struct msg_status_reply status;
	int have_status;
	double status_at;
	/* the list */
	long cur, top;
	int focus_detail;
	int list_h, detail_h, list_y, detail_y;
	int col_x[SORT_COUNT + 1];  /* where each list column starts (the last: the end) */
	int tab_x[VIEW_COUNT + 1];  /* where each view tab starts on the tabs row */
	/* the prompt */
	enum prompt prompt;
	char input[256];
	char find[256];            /* the last find, for n and N */
	long saved_cur;
	char saved_limit[256];
	/* the detail pane */
	uint32_t info_req;
	char info_name[256];       /* the package the text is for */
	char info_want[256];       /* the package it should be for */
	int info_want_aur;         /* info_want is one of the AUR's own rows: asked with aur info */
	char info_asked[256];      /* the package of info_req */
	int info_asked_aur;        /* info_req is an aur info request */
	uint32_t vulns_req;        /* the advisories of info_name (a vulnerable package) */
	struct buf info_text;      /* out_info_text's lines */
	size_t *info_line;         /* offsets of each line */
	size_t ninfo, capinfo;
	int info_width;
	struct panel detail_panel; /* the pane, or the full-screen detail */
	char detail_of[256];       /* the full-screen detail opened from the review: its package */
	struct panel help_panel;
	/* the status bar's message */
	char msg[512];
	int msg_el;
	double msg_until;
	double t0, first_frame_ms, first_chunk_ms, list_ms, connect_ms, fold_ms; /* OMG_UI_TIMING */
	struct trans_view tr;
	struct line line;          /* scratch row */
	struct line cell;          /* scratch column (the version), appended to line */
};

/* tui.c: the loop, set-up and teardown (tui_run in tui.h). */
/* A message in the status bar for a few seconds. */
void tui_say(struct ui *u, int el, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The package under the cursor, or NULL (borrowed from the model until it changes). */
struct mpkg *tui_current(struct ui *u);
/* The package the detail shows: the review's one on its full-screen detail, else
 * the list's under the cursor; its name in *name (borrowed), NULL when none. */
struct mpkg *tui_detail_pkg(struct ui *u, const char **name);

/* tui-engine.c: the connection to the engine and its list, status and info replies. */
/* Connects (or reconnects) to the root's engine, spawning one when none runs and
 * spawn is set; an exit status, u->connected says whether it did. */
int tui_engine_connect(struct ui *u, int spawn);
/* Sends m; its request id, or 0 when the engine is gone (said in the status bar). */
uint32_t tui_engine_send(struct ui *u, struct msg *m);
/* Asks for the whole package list, and for the engine's status. */
void tui_engine_ask_list(struct ui *u);
void tui_engine_ask_status(struct ui *u);
/* Reads what the engine sent (when read is set) and handles every message. */
void tui_engine_pump(struct ui *u, int read);
/* Once a turn: asks for the detail under the cursor and the AUR's results
 * for the search text, polls the status, reconnects. */
void tui_engine_tick(struct ui *u);
/* How long the loop may sleep, at most timeout ms: less when an AUR search is due. */
int tui_engine_sleep_ms(const struct ui *u, int timeout);
/* Non-zero when text has a word the AUR searches for (2 characters or more). */
int tui_aur_searchable(const char *text);
/* Non-zero on an alpm root (the AUR's). */
int tui_alpm(const struct ui *u);

/* tui-trans.c: the transaction view (plan, review, commit, progress, questions). */
/* Forgets the view's plan, progress, log and question; sets up its panels. */
void tui_trans_reset(struct ui *u);
/* g on the list: plans the marks; u: refreshes the databases. */
void tui_trans_review(struct ui *u);
void tui_trans_sync(struct ui *u);
/* g on the review: asks about held packages, plans a dry run for real, or commits
 * the plan; Esc: drops it, back to the list. */
void tui_trans_commit(struct ui *u);
/* The held-package dialog's answer: yes plans again with TRANS_CHANGE_HELD. */
void tui_trans_held_answer(struct ui *u, int yes);
/* The held-package dialog's question ("omg-held is held (dpkg hold): change it
 * anyway? y/N") into out. */
void tui_trans_held_question(const struct ui *u, char *out, size_t len);
/* The review's items in the order it shows them (grouped by action): the
 * number, and the item indexes into *order (malloc'd). */
size_t tui_trans_review_order(const struct ui *u, uint32_t **order);
/* The review's groups, in the order it shows them (enum trans_action). */
#define TUI_REVIEW_GROUPS 7
extern const int tui_review_group[TUI_REVIEW_GROUPS];
void tui_trans_back(struct ui *u);
/* Answers the open question with choice a. */
void tui_trans_answer(struct ui *u, uint32_t a);
/* Follows the transaction the engine's status says is committing. */
void tui_trans_attach(struct ui *u);
/* The permission screen: s starts the system engine with sudo, r finds one running. */
void tui_trans_start_system(struct ui *u);
void tui_trans_find_system(struct ui *u);
/* Handles m when it is the transaction's (1; arena may be adopted), else 0. */
int tui_trans_on_msg(struct ui *u, const struct msg *m, struct strpool **arena);
/* The engine went away (err says how): a running change logs it. */
void tui_trans_engine_lost(struct ui *u, const char *err);
/* Quitting: cancels a plan under review, so the engine lets go of its lock. */
void tui_trans_quit(struct ui *u);

/* tui-keys.c: every key and mouse event, resize included (the one place). */
void tui_keys_on_key(struct ui *u, const struct term_key *k);

/* view.c: draws the current screen into the terminal (flush included); sizes
 * the panels to what they show. */
void view_draw(struct ui *u);
/* view.c: the list layout for the screen size (rows of list and detail). */
void view_layout(struct ui *u);
/* view.c: the list column a screen x falls in (enum sort), or -1. */
int view_column_at(const struct ui *u, int x);
/* view.c: the view tab a screen x on the tabs row falls in, or -1. */
int view_tab_at(const struct ui *u, int x);

#endif
