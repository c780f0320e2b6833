/* SPDX-License-Identifier: MIT */
/* The UI's state, shared by its event loop (tui.c) and its screens (view.c); not a public API. */
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
	TR_REVIEW,     /* the plan is shown; g commits it */
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
	struct buf info_text;      /* out_info_text's lines */
	size_t *info_line;         /* offsets of each line */
	size_t ninfo, capinfo;
	int info_width;
	struct panel detail_panel; /* the pane, or the full-screen detail */
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

/* view.c: draws the current screen into the terminal (flush included); sizes
 * the panels to what they show. */
void view_draw(struct ui *u);
/* view.c: the list layout for the screen size (rows of list and detail). */
void view_layout(struct ui *u);
/* view.c: the list column a screen x falls in (enum sort), or -1. */
int view_column_at(const struct ui *u, int x);
/* view.c: the view tab a screen x on the tabs row falls in, or -1. */
int view_tab_at(const struct ui *u, int x);
/* tui.c: a message in the status bar for a few seconds. */
void ui_say(struct ui *u, int el, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
