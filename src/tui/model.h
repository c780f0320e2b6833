/* SPDX-License-Identifier: MIT */
/* The UI's model: every package in brief, the user's marks, and the rows a view shows. */
#ifndef OMG_TUI_MODEL_H
#define OMG_TUI_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "ipc/protocol.h"

/* What the user marked a package for (aptitude's actions). */
enum mark {
	MARK_NONE = 0,
	MARK_INSTALL,  /* + on a package that is not installed */
	MARK_UPGRADE,  /* + or U on an upgradable package */
	MARK_REMOVE,   /* - */
	MARK_PURGE,    /* _ : remove with configuration files */
	MARK_KEEP,     /* = : hold (apt) or ignore (alpm) in this transaction */
};

/* The views (keys 1-8); security: upgrades from a security archive, held ones
 * apart, as the status's security figure counts them; vulnerable: installed
 * packages a known advisory affects (the engine's PKG_VULNERABLE, the
 * status's vulnerable figure); aur: the AUR's results for the UI's search
 * (model_aur_*). */
enum view { VIEW_ALL, VIEW_INSTALLED, VIEW_UPGRADABLE, VIEW_ORPHANS, VIEW_MARKED, VIEW_SECURITY,
	    VIEW_VULNERABLE, VIEW_AUR, VIEW_COUNT };

/* Sort keys, one per list column. */
enum sort { SORT_STATE, SORT_NAME, SORT_VERSION, SORT_REPO, SORT_DESC, SORT_COUNT };

/* One package in brief, as the engine's list gives it; strings in the model's arena. */
struct mpkg {
	const char *name, *version, *inst, *repo, *desc;
	const char *fold;  /* "name\ndescription" folded to lower case, for matching */
	uint32_t flags;    /* enum pkg_flag */
	uint8_t reason;    /* enum pkg_reason */
	uint8_t mark;      /* enum mark */
	uint8_t aur;       /* 1: a row of its own that only the AUR has (repo "aur"), after
			    * the engine's list; its strings are the AUR results' */
	uint8_t aur_hit;   /* 1: among the current AUR results (the AUR view's rows) */
	uint32_t votes;    /* the AUR's votes and popularity x 100, when it said them */
	uint32_t pop;
};

struct model;

struct model *model_new(void);
void model_free(struct model *m);

/* Loading: begin a new list (the old one stays visible until commit), add
 * the packages of each reply frame (copied), then commit: marks are carried
 * over by name and the view is rebuilt. */
void model_load_begin(struct model *m);
void model_load_add(struct model *m, const struct msg_pkg *v, size_t n);
void model_load_commit(struct model *m);
/* 1 while a load has begun and not committed. */
int model_loading(const struct model *m);
/* Shows the packages loaded so far before the load ends (the first screen). */
void model_load_peek(struct model *m);

/*
 * The AUR's results for a search: begin, add each reply frame's packages
 * (copied), then commit, which replaces the previous results (shown until
 * then). A result the list has (an installed foreign package) flags that
 * row; the others become rows of their own after the list's, in name order.
 * Marked AUR rows the new results lack are kept, marks and all; the list
 * reloading keeps the AUR rows too.
 */
void model_aur_begin(struct model *m);
void model_aur_add(struct model *m, const struct msg_pkg *v, size_t n);
void model_aur_commit(struct model *m);

/* Prepares the list for matching (folds every name and description), which
 * the first search would otherwise pay for; 1 when there was work to do. */
int model_prepare(struct model *m);

/* Every package (the list's in name order, then the AUR's own rows) and their count. */
size_t model_count(const struct model *m);
struct mpkg *model_pkg(struct model *m, size_t i);
/* The package named name, or NULL. */
struct mpkg *model_find(struct model *m, const char *name);

/* What the view shows: view, then limit, then the narrowing pattern, sorted.
 * With a limit, All shows the AUR's own rows that match it after the list's
 * (whatever the sort); the tab counts leave them out but for the AUR's. */
void model_set_view(struct model *m, enum view v);
enum view model_view(const struct model *m);
void model_set_sort(struct model *m, enum sort s, int reverse);
/* The version sort follows backend's order: "alpm" libalpm's, anything else
 * (apt, or not known yet) dpkg's; backend is borrowed for the call. */
void model_set_backend(struct model *m, const char *backend);
enum sort model_sort(const struct model *m);
int model_reverse(const struct model *m);
/* The limit (l): words that must all appear in a name or description; "" none. */
void model_set_limit(struct model *m, const char *pattern);
const char *model_limit(const struct model *m);
/* The narrowing pattern while the user types a search (/ or l); "" none. */
void model_set_narrow(struct model *m, const char *pattern);
/* Rows of the view and the package at row r. */
size_t model_rows(const struct model *m);
struct mpkg *model_row(struct model *m, size_t r);
/* The row showing pkg, or -1. */
long model_row_of(const struct model *m, const struct mpkg *p);
/* The row of the best match for pattern among the view's rows (exact name,
 * then name prefix, then name, then description), or -1. */
long model_best(struct model *m, const char *pattern);
/* The next row after (dir 1) or before (dir -1) row from that matches
 * pattern, wrapping around; -1 when none does. */
long model_next_match(struct model *m, const char *pattern, long from, int dir);
/* Packages in a view (the tab counts). */
size_t model_view_count(const struct model *m, enum view v);
/* Upgradable packages from a security archive. */
size_t model_security(const struct model *m);

/* Marks. model_mark returns 0, or -1 with why in err (nothing marked). */
int model_mark(struct model *m, struct mpkg *p, enum mark mk, int apt, char *err, size_t errlen);
/* Marks every upgradable package that is not held or kept (U); the count marked. */
size_t model_mark_upgrades(struct model *m);
/* Undoes the last marking step (Ctrl-U); 0, or -1 when there is none. */
int model_undo(struct model *m);
void model_clear_marks(struct model *m);
size_t model_marked(const struct model *m);
/*
 * The marks as apply targets ("+name", "-name", "_name", "=name") in name
 * order, into v (caller frees v and each string with free). The count.
 */
size_t model_targets(const struct model *m, char ***v);
/* The mark's letter in aptitude's action column (i, u, d, p, h) or ' '. */
char model_mark_letter(enum mark mk);

#endif
