/* SPDX-License-Identifier: MIT */
/* The libalpm backend: pacman.conf, sync and local databases, merged package records. */
#include <alpm.h>
#include <dirent.h>
#include <limits.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/backend/backend.h"
#include "engine/backend/pacconf.h"
#include "util/buf.h"
#include "util/fdio.h"
#include "util/xalloc.h"
#include "util/xdg.h"

/* A package an apply keeps at its installed version: in the handle's IgnorePkg
 * while the transaction lives. added: this plan put it there (pacman.conf had
 * not), so release takes it out again and no later plan inherits it. */
struct kept {
	char *name;
	int added;
};

struct alpm {
	alpm_handle_t *h;
	struct pacconf conf;
	const struct pkg_sink *sink; /* set while load() runs, for the log callback */
	const struct trans_cb *cb;   /* set while plan() or commit() runs */
	alpm_list_t *syncdbs;        /* borrowed from the handle */
	uint32_t kind;               /* the planned transaction: enum trans_kind, 0 none */
	uint32_t flags;              /* its enum trans_flag bits */
	int trans;                   /* alpm_trans_init succeeded */
	char **targets;              /* the names the user gave (explicit installs), with
				      * the packages of the files given */
	uint32_t ntargets;
	struct kept *kept;           /* TRANS_APPLY: the '=' targets of the planned transaction */
	uint32_t nkept;
	char *logerr;                /* check_updates, add_file: the last error libalpm */
	size_t logerrlen;            /* logged, kept for a one-line reason (not said apart) */
};

/* libalpm log callback: errors and warnings become sink warnings while
 * loading, and log events during a transaction; check_updates and add_file
 * keep the last error for their message. */
static void log_cb(void *ctx, alpm_loglevel_t level, const char *fmt, va_list ap)
{
	struct alpm *a = ctx;
	if (!(level & (ALPM_LOG_ERROR | ALPM_LOG_WARNING)))
		return;
	int keep = a->logerr && (level & ALPM_LOG_ERROR);
	if (!keep && !(a->sink && a->sink->warn) && !(a->cb && a->cb->event))
		return;
	char msg[1024];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	size_t n = strlen(msg);
	while (n && msg[n - 1] == '\n')
		msg[--n] = '\0';
	if (keep) {
		snprintf(a->logerr, a->logerrlen, "%s", msg);
		return;
	}
	if (a->sink && a->sink->warn) {
		a->sink->warn(a->sink->ctx, msg);
		return;
	}
	struct trans_event ev = {.kind = TEV_LOG, .name = "", .text = msg,
				 .level = level & ALPM_LOG_ERROR ? TLOG_ERROR : TLOG_WARNING};
	a->cb->event(a->cb->ctx, &ev);
}

static void alpm_close(void *self);

/* Applies the parsed configuration to a fresh handle. */
static int configure(struct alpm *a, char *err, size_t errlen)
{
	struct pacconf *c = &a->conf;
	alpm_option_set_logcb(a->h, log_cb, a);
	for (size_t i = 0; i < c->ncachedirs; i++)
		alpm_option_add_cachedir(a->h, c->cachedirs[i]);
	for (size_t i = 0; i < c->nhookdirs; i++)
		alpm_option_add_hookdir(a->h, c->hookdirs[i]);
	alpm_option_set_gpgdir(a->h, c->gpgdir);
	alpm_option_set_logfile(a->h, c->logfile);
	alpm_option_set_default_siglevel(a->h, c->siglevel);
	alpm_option_set_local_file_siglevel(a->h, c->localfilesiglevel);
	for (size_t i = 0; i < c->narchs; i++)
		alpm_option_add_architecture(a->h, c->archs[i]);
	for (size_t i = 0; i < c->nignorepkg; i++)
		alpm_option_add_ignorepkg(a->h, c->ignorepkg[i]);
	for (size_t i = 0; i < c->nignoregroup; i++)
		alpm_option_add_ignoregroup(a->h, c->ignoregroup[i]);
	for (size_t i = 0; i < c->nrepos; i++) {
		struct pacconf_repo *r = &c->repos[i];
		alpm_db_t *db = alpm_register_syncdb(a->h, r->name, r->siglevel);
		if (!db) {
			snprintf(err, errlen, "cannot register repository '%s': %s", r->name,
				 alpm_strerror(alpm_errno(a->h)));
			return -1;
		}
		alpm_db_set_usage(db, r->usage);
		for (size_t k = 0; k < r->nservers; k++)
			alpm_db_add_server(db, r->servers[k]);
	}
	a->syncdbs = alpm_get_syncdbs(a->h);
	return 0;
}

static void *alpm_open(const struct backend_opts *opts, char *err, size_t errlen, int *status)
{
	struct alpm *a = xcalloc(1, sizeof(*a));
	alpm_errno_t aerr = 0;
	*status = BACKEND_ERR_DB;
	if (pacconf_load(&a->conf, opts->root, err, errlen) != 0)
		goto fail;
	a->h = alpm_initialize(opts->root, a->conf.dbpath, &aerr);
	if (!a->h) {
		snprintf(err, errlen, "cannot open the pacman database at %s: %s", a->conf.dbpath,
			 alpm_strerror(aerr));
		goto fail;
	}
	if (configure(a, err, errlen) != 0)
		goto fail;
	*status = BACKEND_OK;
	return a;
fail:
	alpm_close(a);
	return NULL;
}

/* A string list built from an alpm list of strings or dependencies. */
struct list {
	const char **v;
	char **owned; /* strings computed for this record, freed after add() */
	uint32_t n, nowned;
};

/* Fills l from alpm list items; deps are rendered with alpm_dep_compute_string. */
static struct strlist to_list(struct list *l, alpm_list_t *items, int deps)
{
	uint32_t n = (uint32_t)alpm_list_count(items);
	l->v = xrealloc(l->v, (n ? n : 1) * sizeof(*l->v));
	l->n = 0;
	for (alpm_list_t *i = items; i; i = i->next) {
		if (deps) {
			char *s = alpm_dep_compute_string(i->data);
			if (!s)
				continue;
			l->owned = xrealloc(l->owned, (l->nowned + 1) * sizeof(*l->owned));
			l->owned[l->nowned++] = s;
			l->v[l->n++] = s;
		} else {
			l->v[l->n++] = i->data;
		}
	}
	struct strlist out = {l->v, l->n};
	return out;
}

enum { L_LIC, L_GRP, L_DEP, L_OPT, L_PROV, L_CONF, L_REPL, L_COUNT };

/* Frees the strings computed for one record. */
static void lists_reset(struct list *lists)
{
	for (int i = 0; i < L_COUNT; i++) {
		for (uint32_t k = 0; k < lists[i].nowned; k++)
			free(lists[i].owned[k]);
		lists[i].nowned = 0;
	}
}

/*
 * libalpm fills a truncated desc entry from its directory name and leaves the
 * rest empty. repo-add always writes %FILENAME%, %ARCH% and %BUILDDATE%, so
 * an entry without them is corrupt. Returns the missing field, or NULL.
 */
static const char *sync_entry_missing(alpm_pkg_t *p)
{
	if (!alpm_pkg_get_filename(p))
		return "%FILENAME%";
	if (!alpm_pkg_get_arch(p))
		return "%ARCH%";
	if (alpm_pkg_get_builddate(p) <= 0)
		return "%BUILDDATE%";
	return NULL;
}

/* The usable sync package of this name in the first repository that has one. */
static alpm_pkg_t *find_sync(struct alpm *a, const char *name)
{
	for (alpm_list_t *d = a->syncdbs; d; d = d->next) {
		alpm_pkg_t *p = alpm_db_get_pkg(d->data, name);
		if (p && !sync_entry_missing(p))
			return p;
	}
	return NULL;
}

/* Emits one merged record: sync metadata (if any) plus local install state. */
static int emit(struct alpm *a, const struct pkg_sink *sink, alpm_pkg_t *sync, alpm_pkg_t *local,
		struct list *lists)
{
	alpm_pkg_t *meta = sync ? sync : local;
	struct pkg p;
	memset(&p, 0, sizeof(p));
	p.name = alpm_pkg_get_name(meta);
	p.version = alpm_pkg_get_version(meta);
	if (!p.name || !p.version) {
		if (sink->warn)
			sink->warn(sink->ctx, "skipping a package entry with no name or version");
		return 0;
	}
	p.installed_version = local ? alpm_pkg_get_version(local) : "";
	p.repo = sync ? alpm_db_get_name(alpm_pkg_get_db(sync)) : "local";
	p.desc = alpm_pkg_get_desc(meta) ? alpm_pkg_get_desc(meta) : "";
	p.long_desc = "";
	p.url = alpm_pkg_get_url(meta) ? alpm_pkg_get_url(meta) : "";
	p.arch = alpm_pkg_get_arch(meta) ? alpm_pkg_get_arch(meta) : "";
	p.packager = alpm_pkg_get_packager(meta) ? alpm_pkg_get_packager(meta) : "";
	p.base = alpm_pkg_get_base(meta) ? alpm_pkg_get_base(meta) : p.name;
	p.section = "";
	p.installed_source = p.installed_source_version = ""; /* apt's notion */
	p.licenses = to_list(&lists[L_LIC], alpm_pkg_get_licenses(meta), 0);
	p.groups = to_list(&lists[L_GRP], alpm_pkg_get_groups(meta), 0);
	p.depends = to_list(&lists[L_DEP], alpm_pkg_get_depends(meta), 1);
	p.optdepends = to_list(&lists[L_OPT], alpm_pkg_get_optdepends(meta), 1);
	p.provides = to_list(&lists[L_PROV], alpm_pkg_get_provides(meta), 1);
	p.conflicts = to_list(&lists[L_CONF], alpm_pkg_get_conflicts(meta), 1);
	p.replaces = to_list(&lists[L_REPL], alpm_pkg_get_replaces(meta), 1);
	p.download_size = sync ? (int64_t)alpm_pkg_get_size(sync) : -1;
	p.installed_size = (int64_t)alpm_pkg_get_isize(local ? local : meta);
	p.build_date = (int64_t)alpm_pkg_get_builddate(meta);
	if (local) {
		p.flags |= PKG_INSTALLED;
		p.install_date = (int64_t)alpm_pkg_get_installdate(local);
		p.reason = alpm_pkg_get_reason(local) == ALPM_PKG_REASON_DEPEND ?
			PKG_REASON_DEPEND : PKG_REASON_EXPLICIT;
		if (!sync)
			p.flags |= PKG_FOREIGN;
		if (alpm_sync_get_new_version(local, a->syncdbs))
			p.flags |= PKG_UPGRADABLE;
		if (alpm_pkg_should_ignore(a->h, local))
			p.flags |= PKG_HELD;
		if (p.reason == PKG_REASON_DEPEND) {
			alpm_list_t *req = alpm_pkg_compute_requiredby(local);
			alpm_list_t *opt = req ? NULL : alpm_pkg_compute_optionalfor(local);
			if (!req && !opt)
				p.flags |= PKG_ORPHAN;
			FREELIST(req);
			FREELIST(opt);
		}
	}
	int rc = sink->add(sink->ctx, &p);
	lists_reset(lists);
	return rc;
}

/* Checks that a sync database exists and loads; returns its package list. */
static int load_syncdb(struct alpm *a, alpm_db_t *db, alpm_list_t **pkgs, char *err,
		       size_t errlen)
{
	const struct pkg_sink *sink = a->sink;
	*pkgs = NULL;
	char *path = xasprintf("%ssync/%s.db", a->conf.dbpath, alpm_db_get_name(db));
	int missing = access(path, F_OK) != 0;
	free(path);
	if (missing) {
		char msg[512];
		snprintf(msg, sizeof(msg),
			 "database file for '%s' does not exist (synchronise it with pacman -Sy)",
			 alpm_db_get_name(db));
		if (sink->warn)
			sink->warn(sink->ctx, msg);
		return 0;
	}
	if (alpm_db_get_valid(db) != 0) {
		alpm_errno_t e = alpm_errno(a->h);
		snprintf(err, errlen, "database '%s' is invalid: %s", alpm_db_get_name(db),
			 alpm_strerror(e));
		return -1;
	}
	*pkgs = alpm_db_get_pkgcache(db);
	if (!*pkgs && alpm_errno(a->h) != 0 && alpm_errno(a->h) != ALPM_ERR_DB_NOT_FOUND) {
		snprintf(err, errlen, "cannot read database '%s' (%ssync/%s.db): %s",
			 alpm_db_get_name(db), a->conf.dbpath, alpm_db_get_name(db),
			 alpm_strerror(alpm_errno(a->h)));
		return -1;
	}
	return 0;
}

static int alpm_load(void *self, const struct pkg_sink *sink, char *err, size_t errlen)
{
	struct alpm *a = self;
	struct list lists[L_COUNT];
	int rc = -1;
	memset(lists, 0, sizeof(lists));
	a->sink = sink;
	alpm_db_t *localdb = alpm_get_localdb(a->h);
	alpm_list_t *local = alpm_db_get_pkgcache(localdb);
	if (!local && alpm_errno(a->h) != 0) {
		snprintf(err, errlen, "cannot read the local database: %s",
			 alpm_strerror(alpm_errno(a->h)));
		goto out;
	}
	/* Sync packages, first repository wins, merged with their local install. */
	for (alpm_list_t *d = a->syncdbs; d; d = d->next) {
		alpm_list_t *pkgs;
		if (load_syncdb(a, d->data, &pkgs, err, errlen) != 0)
			goto out;
		for (alpm_list_t *i = pkgs; i; i = i->next) {
			const char *name = alpm_pkg_get_name(i->data);
			const char *missing = sync_entry_missing(i->data);
			if (missing && sink->warn) {
				char msg[512];
				snprintf(msg, sizeof(msg),
					 "database '%s': entry '%s-%s' is corrupt (no %s); skipped",
					 alpm_db_get_name(d->data), name ? name : "?",
					 alpm_pkg_get_version(i->data) ? alpm_pkg_get_version(i->data) : "?",
					 missing);
				sink->warn(sink->ctx, msg);
			}
			if (missing)
				continue;
			if (name && find_sync(a, name) != i->data)
				continue; /* shadowed by an earlier repository */
			alpm_pkg_t *lp = name ? alpm_db_get_pkg(localdb, name) : NULL;
			if (emit(a, sink, i->data, lp, lists) != 0)
				goto stopped;
		}
	}
	/* Installed packages in no repository (foreign, e.g. from the AUR). */
	for (alpm_list_t *i = local; i; i = i->next) {
		const char *name = alpm_pkg_get_name(i->data);
		if (name && find_sync(a, name))
			continue;
		if (emit(a, sink, NULL, i->data, lists) != 0)
			goto stopped;
	}
stopped:
	rc = 0;
out:
	a->sink = NULL;
	for (int i = 0; i < L_COUNT; i++) {
		free(lists[i].v);
		free(lists[i].owned);
	}
	return rc;
}

static int alpm_vercmp(const char *x, const char *y)
{
	return alpm_pkg_vercmp(x, y);
}

/* ---- transactions ---- */

/* Sends one event, when someone listens. */
static void send(struct alpm *a, const struct trans_event *ev)
{
	if (a->cb && a->cb->event)
		a->cb->event(a->cb->ctx, ev);
}

/* A phase or a log line. */
static void say(struct alpm *a, uint32_t kind, const char *text, uint32_t count)
{
	struct trans_event ev = {.kind = kind, .name = "", .text = text, .count = count};
	send(a, &ev);
}

/* libalpm event callback: phases, scriptlet and hook output, .pacnew files. */
static void event_cb(void *ctx, alpm_event_t *e)
{
	struct alpm *a = ctx;
	char text[1024];
	/* libalpm passes the member struct of the event's type, not a whole union
	 * (a smaller, less aligned object): read each through its own type. */
	alpm_event_type_t type;
	memcpy(&type, e, sizeof(type));
	switch (type) {
	case ALPM_EVENT_DB_RETRIEVE_START: say(a, TEV_PHASE, "refreshing databases", 0); break;
	case ALPM_EVENT_PKG_RETRIEVE_START:
		say(a, TEV_PHASE, "downloading", (uint32_t)((alpm_event_pkg_retrieve_t *)(void *)e)->num);
		break;
	case ALPM_EVENT_KEYRING_START: say(a, TEV_PHASE, "checking keys", 0); break;
	case ALPM_EVENT_INTEGRITY_START: say(a, TEV_PHASE, "checking package integrity", 0); break;
	case ALPM_EVENT_LOAD_START: say(a, TEV_PHASE, "loading package files", 0); break;
	case ALPM_EVENT_FILECONFLICTS_START: say(a, TEV_PHASE, "checking file conflicts", 0); break;
	case ALPM_EVENT_DISKSPACE_START: say(a, TEV_PHASE, "checking disk space", 0); break;
	case ALPM_EVENT_TRANSACTION_START: say(a, TEV_PHASE, "applying changes", 0); break;
	case ALPM_EVENT_HOOK_START:
		say(a, TEV_PHASE, ((alpm_event_hook_t *)(void *)e)->when == ALPM_HOOK_PRE_TRANSACTION
				      ? "running pre-transaction hooks" : "running post-transaction hooks", 0);
		break;
	case ALPM_EVENT_HOOK_RUN_START:
		snprintf(text, sizeof(text), "hook (%zu/%zu): %s", ((alpm_event_hook_run_t *)(void *)e)->position,
			 ((alpm_event_hook_run_t *)(void *)e)->total, ((alpm_event_hook_run_t *)(void *)e)->desc ? ((alpm_event_hook_run_t *)(void *)e)->desc : ((alpm_event_hook_run_t *)(void *)e)->name);
		say(a, TEV_LOG, text, 0);
		break;
	case ALPM_EVENT_SCRIPTLET_INFO: {
		snprintf(text, sizeof(text), "%s", ((alpm_event_scriptlet_info_t *)(void *)e)->line);
		size_t n = strlen(text);
		while (n && text[n - 1] == '\n')
			text[--n] = '\0';
		say(a, TEV_LOG, text, 0);
		break;
	}
	case ALPM_EVENT_PACNEW_CREATED:
		snprintf(text, sizeof(text), "kept your %s; the package's version is %s.pacnew",
			 ((alpm_event_pacnew_created_t *)(void *)e)->file, ((alpm_event_pacnew_created_t *)(void *)e)->file);
		say(a, TEV_DECISION, text, 0);
		break;
	case ALPM_EVENT_PACSAVE_CREATED:
		snprintf(text, sizeof(text), "your modified %s was saved as %s.pacsave",
			 ((alpm_event_pacsave_created_t *)(void *)e)->file, ((alpm_event_pacsave_created_t *)(void *)e)->file);
		say(a, TEV_DECISION, text, 0);
		break;
	case ALPM_EVENT_OPTDEP_REMOVAL: {
		char *dep = alpm_dep_compute_string(((alpm_event_optdep_removal_t *)(void *)e)->optdep);
		snprintf(text, sizeof(text), "%s optionally requires %s",
			 alpm_pkg_get_name(((alpm_event_optdep_removal_t *)(void *)e)->pkg), dep ? dep : "?");
		free(dep);
		say(a, TEV_LOG, text, 0);
		break;
	}
	case ALPM_EVENT_DATABASE_MISSING:
		snprintf(text, sizeof(text), "database '%s' is missing (run omg sync)",
			 ((alpm_event_database_missing_t *)(void *)e)->dbname);
		say(a, TEV_LOG, text, 0);
		break;
	default:
		break;
	}
}

/* libalpm progress callback: per package, and the checks before. */
static void progress_cb(void *ctx, alpm_progress_t p, const char *pkg, int percent,
			size_t howmany, size_t current)
{
	static const char *const what[] = {
		[ALPM_PROGRESS_ADD_START] = "installing",
		[ALPM_PROGRESS_UPGRADE_START] = "upgrading",
		[ALPM_PROGRESS_DOWNGRADE_START] = "downgrading",
		[ALPM_PROGRESS_REINSTALL_START] = "reinstalling",
		[ALPM_PROGRESS_REMOVE_START] = "removing",
		[ALPM_PROGRESS_CONFLICTS_START] = "checking conflicts",
		[ALPM_PROGRESS_DISKSPACE_START] = "checking disk space",
		[ALPM_PROGRESS_INTEGRITY_START] = "checking integrity",
		[ALPM_PROGRESS_LOAD_START] = "loading",
		[ALPM_PROGRESS_KEYRING_START] = "checking keys",
	};
	struct trans_event ev = {
		.kind = TEV_PACKAGE,
		.name = pkg ? pkg : "",
		.text = (unsigned)p < sizeof(what) / sizeof(what[0]) && what[p] ? what[p] : "working",
		.percent = percent < 0 ? 0 : percent > 100 ? 100 : (uint32_t)percent,
		.index = (uint32_t)current,
		.count = (uint32_t)howmany,
	};
	send(ctx, &ev);
}

/* libalpm download callback: bytes per file. */
static void download_cb(void *ctx, const char *file, alpm_download_event_type_t type, void *data)
{
	struct trans_event ev = {.kind = TEV_DOWNLOAD, .name = file ? file : "", .text = ""};
	switch (type) {
	case ALPM_DOWNLOAD_INIT:
		break;
	case ALPM_DOWNLOAD_PROGRESS: {
		alpm_download_event_progress_t *p = data;
		ev.done = p->downloaded > 0 ? (uint64_t)p->downloaded : 0;
		ev.total = p->total > 0 ? (uint64_t)p->total : 0;
		ev.percent = ev.total ? (uint32_t)(ev.done * 100 / ev.total) : 0;
		if (ev.percent >= 100)
			ev.percent = 99; /* 100 is for the end */
		break;
	}
	case ALPM_DOWNLOAD_RETRY:
		ev.text = "retrying";
		break;
	case ALPM_DOWNLOAD_COMPLETED: {
		alpm_download_event_completed_t *c = data;
		ev.done = ev.total = c->total > 0 ? (uint64_t)c->total : 0;
		ev.percent = 100;
		ev.text = c->result == 0 ? "done" : c->result > 0 ? "up to date" : "failed";
		break;
	}
	}
	send(ctx, &ev);
}

/* Non-zero if the planned apply keeps name ('=') at its installed version. */
static int is_kept(const struct alpm *a, const char *name)
{
	for (uint32_t i = 0; i < a->nkept; i++)
		if (strcmp(a->kept[i].name, name) == 0)
			return 1;
	return 0;
}

/* libalpm question callback: asks the client through cb->ask, with safe
 * defaults (never remove a package the user did not name, never import a key).
 * A package an apply keeps is not installed anyway: the user said so already. */
static void question_cb(void *ctx, alpm_question_t *q)
{
	struct alpm *a = ctx;
	static const char *const yes_no[] = {"no", "yes"};
	char text[1024];
	struct trans_question tq = {.kind = TQ_OTHER, .text = text,
				    .choices = {yes_no, 2}, .def = 0};
	const char **providers = NULL;
	/* As with events: each question is its own struct, not a whole union. */
	alpm_question_type_t type;
	memcpy(&type, q, sizeof(type));
	void *any = q;
	switch (type) {
	case ALPM_QUESTION_INSTALL_IGNOREPKG: {
		const char *name = alpm_pkg_get_name(((alpm_question_install_ignorepkg_t *)any)->pkg);
		if (is_kept(a, name)) {
			snprintf(text, sizeof(text), "%s is kept at its installed version (=%s): "
						     "not upgraded for a dependency", name, name);
			say(a, TEV_LOG, text, 0);
			((alpm_question_any_t *)any)->answer = 0;
			return;
		}
		if (a->flags & TRANS_CHANGE_HELD) {
			/* The user agreed to change ignored packages: the plan names it. */
			((alpm_question_any_t *)any)->answer = 1;
			return;
		}
		tq.kind = TQ_IGNORED;
		snprintf(text, sizeof(text), "%s is in IgnorePkg/IgnoreGroup. Install anyway?", name);
		break;
	}
	case ALPM_QUESTION_REPLACE_PKG:
		tq.kind = TQ_REPLACE;
		snprintf(text, sizeof(text), "Replace %s with %s/%s (removes %s)?",
			 alpm_pkg_get_name(((alpm_question_replace_t *)any)->oldpkg), alpm_db_get_name(((alpm_question_replace_t *)any)->newdb),
			 alpm_pkg_get_name(((alpm_question_replace_t *)any)->newpkg), alpm_pkg_get_name(((alpm_question_replace_t *)any)->oldpkg));
		break;
	case ALPM_QUESTION_CONFLICT_PKG:
		tq.kind = TQ_CONFLICT;
		snprintf(text, sizeof(text), "%s and %s are in conflict. Remove %s?",
			 ((alpm_question_conflict_t *)any)->conflict->package1, ((alpm_question_conflict_t *)any)->conflict->package2,
			 ((alpm_question_conflict_t *)any)->conflict->package2);
		break;
	case ALPM_QUESTION_CORRUPTED_PKG:
		tq.kind = TQ_CORRUPTED;
		tq.def = 1; /* a cached download, fetched again next time */
		snprintf(text, sizeof(text), "File %s is corrupted (%s). Delete it?",
			 ((alpm_question_corrupted_t *)any)->filepath, alpm_strerror(((alpm_question_corrupted_t *)any)->reason));
		break;
	case ALPM_QUESTION_REMOVE_PKGS:
		tq.kind = TQ_SKIP;
		snprintf(text, sizeof(text),
			 "%zu package(s) cannot be upgraded because of unresolvable dependencies. "
			 "Skip them and go on?", alpm_list_count(((alpm_question_remove_pkgs_t *)any)->packages));
		break;
	case ALPM_QUESTION_SELECT_PROVIDER: {
		tq.kind = TQ_PROVIDER;
		char *dep = alpm_dep_compute_string(((alpm_question_select_provider_t *)any)->depend);
		snprintf(text, sizeof(text), "Which provider of %s?", dep ? dep : "?");
		free(dep);
		size_t n = alpm_list_count(((alpm_question_select_provider_t *)any)->providers), i = 0;
		providers = xcalloc(n ? n : 1, sizeof(*providers));
		for (alpm_list_t *l = ((alpm_question_select_provider_t *)any)->providers; l; l = l->next)
			providers[i++] = alpm_pkg_get_name(l->data);
		tq.choices = (struct strlist){providers, (uint32_t)n};
		break;
	}
	case ALPM_QUESTION_IMPORT_KEY:
		tq.kind = TQ_IMPORT_KEY;
		snprintf(text, sizeof(text), "Import PGP key %s (%s)?",
			 ((alpm_question_import_key_t *)any)->key->fingerprint ? ((alpm_question_import_key_t *)any)->key->fingerprint : "?",
			 ((alpm_question_import_key_t *)any)->key->uid ? ((alpm_question_import_key_t *)any)->key->uid : "?");
		break;
	default:
		snprintf(text, sizeof(text), "libalpm asks question %d", (int)type);
		break;
	}
	uint32_t ans = tq.def;
	if (a->cb && a->cb->ask && tq.choices.n)
		ans = a->cb->ask(a->cb->ctx, &tq);
	if (ans >= tq.choices.n)
		ans = tq.def;
	if (type == ALPM_QUESTION_SELECT_PROVIDER)
		((alpm_question_select_provider_t *)any)->use_index = (int)ans;
	else
		((alpm_question_any_t *)any)->answer = (int)ans; /* 1 = yes */
	free(providers);
}

/* Drops the transaction (and the lock). */
static void alpm_release_trans(void *self)
{
	struct alpm *a = self;
	if (a->trans)
		alpm_trans_release(a->h);
	a->trans = 0;
	a->kind = 0;
	a->flags = 0;
	for (uint32_t i = 0; i < a->ntargets; i++)
		free(a->targets[i]);
	free(a->targets);
	a->targets = NULL;
	a->ntargets = 0;
	for (uint32_t i = 0; i < a->nkept; i++) {
		if (a->kept[i].added)
			alpm_option_remove_ignorepkg(a->h, a->kept[i].name);
		free(a->kept[i].name);
	}
	free(a->kept);
	a->kept = NULL;
	a->nkept = 0;
}

/* Who has the lock file open, from /proc: "pacman (pid 12)". */
static void alpm_lock_holder(void *self, char *out, size_t outlen)
{
	struct alpm *a = self;
	const char *lock = alpm_option_get_lockfile(a->h);
	out[0] = '\0';
	if (!lock || access(lock, F_OK) != 0)
		return;
	DIR *proc = opendir("/proc");
	struct dirent *d;
	while (proc && (d = readdir(proc))) {
		if (d->d_name[0] < '1' || d->d_name[0] > '9')
			continue;
		char path[600], link[PATH_MAX];
		snprintf(path, sizeof(path), "/proc/%s/fd", d->d_name);
		DIR *fds = opendir(path);
		struct dirent *f;
		while (fds && (f = readdir(fds))) {
			snprintf(path, sizeof(path), "/proc/%s/fd/%s", d->d_name, f->d_name);
			ssize_t n = readlink(path, link, sizeof(link) - 1);
			if (n <= 0)
				continue;
			link[n] = '\0';
			if (strcmp(link, lock) != 0)
				continue;
			char comm[64] = "?";
			snprintf(path, sizeof(path), "/proc/%s/comm", d->d_name);
			FILE *fp = fopen(path, "r");
			if (fp) {
				if (fgets(comm, sizeof(comm), fp))
					comm[strcspn(comm, "\n")] = '\0';
				fclose(fp);
			}
			snprintf(out, outlen, "%s (pid %s)", comm, d->d_name);
			break;
		}
		if (fds)
			closedir(fds);
		if (out[0])
			break;
	}
	if (proc)
		closedir(proc);
	if (!out[0])
		snprintf(out, outlen, "no running process (%s is left over: if no package manager "
				      "runs, remove it)", lock);
}

/* db.lck: created by alpm_trans_init, left behind by a process killed while holding it. */
static const char *alpm_lock_file(void *self)
{
	struct alpm *a = self;
	return alpm_option_get_lockfile(a->h);
}

/* The error for a failed alpm_trans_init. */
static int init_failed(struct alpm *a, char *err, size_t errlen, int *status)
{
	alpm_errno_t e = alpm_errno(a->h);
	if (e == ALPM_ERR_HANDLE_LOCK) {
		*status = BACKEND_ERR_LOCKED;
		snprintf(err, errlen, "the package database is locked (%s)",
			 alpm_option_get_lockfile(a->h));
	} else {
		*status = BACKEND_ERR_TXN;
		snprintf(err, errlen, "cannot start a transaction: %s", alpm_strerror(e));
	}
	return -1;
}

/* Non-zero if name is one of the user's targets. */
static int is_target(const struct alpm *a, const char *name)
{
	for (uint32_t i = 0; i < a->ntargets; i++)
		if (strcmp(a->targets[i], name) == 0)
			return 1;
	return 0;
}

/* The sync package for an install target: "repo/name", a name, or
 * something a package provides. NULL with err. */
static alpm_pkg_t *find_target(struct alpm *a, const char *target, char *err, size_t errlen)
{
	const char *slash = strchr(target, '/');
	if (slash) {
		for (alpm_list_t *d = a->syncdbs; d; d = d->next)
			if (strncmp(alpm_db_get_name(d->data), target, (size_t)(slash - target)) == 0 &&
			    alpm_db_get_name(d->data)[slash - target] == '\0')
				return alpm_db_get_pkg(d->data, slash + 1);
		snprintf(err, errlen, "no repository named '%.*s'", (int)(slash - target), target);
		return NULL;
	}
	alpm_pkg_t *p = find_sync(a, target);
	if (!p)
		p = alpm_find_dbs_satisfier(a->h, a->syncdbs, target);
	if (!p)
		snprintf(err, errlen, "package '%s' was not found", target);
	return p;
}

/* Explains a failed alpm_trans_prepare or alpm_trans_commit from its data
 * list, whose items' type follows the error (freed here). */
static void trans_error(struct alpm *a, alpm_list_t *data, char *err, size_t errlen)
{
	alpm_errno_t e = alpm_errno(a->h);
	struct buf b = {0};
	for (alpm_list_t *i = data; i; i = i->next) {
		if (b.len > 600) {
			buf_puts(&b, "; ...");
			break; /* the rest is only freed */
		}
		const char *sep = b.len ? "; " : "";
		if (e == ALPM_ERR_UNSATISFIED_DEPS) {
			alpm_depmissing_t *m = i->data;
			char *dep = alpm_dep_compute_string(m->depend);
			if (m->causingpkg)
				buf_printf(&b, "%sremoving %s breaks %s, which requires %s", sep,
					   m->causingpkg, m->target, dep ? dep : "?");
			else
				buf_printf(&b, "%s%s requires %s, which no repository provides", sep,
					   m->target, dep ? dep : "?");
			free(dep);
		} else if (e == ALPM_ERR_CONFLICTING_DEPS) {
			alpm_conflict_t *c = i->data;
			buf_printf(&b, "%s%s and %s are in conflict", sep, c->package1, c->package2);
		} else if (e == ALPM_ERR_FILE_CONFLICTS) {
			alpm_fileconflict_t *c = i->data;
			if (c->type == ALPM_FILECONFLICT_TARGET)
				buf_printf(&b, "%s%s exists in both %s and %s", sep, c->file, c->target,
					   c->ctarget);
			else
				buf_printf(&b, "%s%s: %s exists in the filesystem", sep, c->target, c->file);
		} else if (e == ALPM_ERR_PKG_INVALID || e == ALPM_ERR_PKG_INVALID_CHECKSUM ||
			   e == ALPM_ERR_PKG_INVALID_SIG) {
			buf_printf(&b, "%s%s is invalid or corrupted", sep, (const char *)i->data);
		} else {
			buf_printf(&b, "%s%s", sep, (const char *)i->data); /* target names */
		}
	}
	for (alpm_list_t *i = data; i; i = i->next) {
		if (e == ALPM_ERR_UNSATISFIED_DEPS)
			alpm_depmissing_free(i->data);
		else if (e == ALPM_ERR_CONFLICTING_DEPS)
			alpm_conflict_free(i->data);
		else if (e == ALPM_ERR_FILE_CONFLICTS)
			alpm_fileconflict_free(i->data);
		else
			free(i->data);
	}
	alpm_list_free(data);
	snprintf(err, errlen, "%s%s%s", alpm_strerror(e), b.len ? ": " : "", b.len ? b.p : "");
	buf_free(&b);
}

/* Where the package p a transaction adds comes from: its repository, or
 * "file" for a package file (pacman -U). */
static const char *repo_of(alpm_pkg_t *p)
{
	if (alpm_pkg_get_origin(p) == ALPM_PKG_FROM_FILE)
		return "file";
	return alpm_pkg_get_db(p) ? alpm_db_get_name(alpm_pkg_get_db(p)) : "";
}

/* Reports what the prepared transaction adds and removes. */
static void report_plan(struct alpm *a, const struct trans_cb *cb)
{
	alpm_db_t *localdb = alpm_get_localdb(a->h);
	for (alpm_list_t *i = alpm_trans_get_add(a->h); i; i = i->next) {
		alpm_pkg_t *p = i->data;
		alpm_pkg_t *old = alpm_db_get_pkg(localdb, alpm_pkg_get_name(p));
		struct trans_item it = {
			.action = ACT_INSTALL,
			.reason = PKG_REASON_DEPEND,
			.name = alpm_pkg_get_name(p),
			.old_version = old ? alpm_pkg_get_version(old) : "",
			.new_version = alpm_pkg_get_version(p),
			.repo = repo_of(p),
			.download = (int64_t)alpm_pkg_download_size(p),
			.size_change = (int64_t)alpm_pkg_get_isize(p) -
				       (old ? (int64_t)alpm_pkg_get_isize(old) : 0),
		};
		if (old) {
			int c = alpm_pkg_vercmp(it.new_version, it.old_version);
			it.action = c > 0 ? ACT_UPGRADE : c < 0 ? ACT_DOWNGRADE : ACT_REINSTALL;
			it.reason = alpm_pkg_get_reason(old) == ALPM_PKG_REASON_DEPEND
					    ? PKG_REASON_DEPEND : PKG_REASON_EXPLICIT;
		}
		if (is_target(a, it.name))
			it.reason = PKG_REASON_EXPLICIT;
		if (alpm_trans_get_flags(a->h) & ALPM_TRANS_FLAG_ALLDEPS)
			it.reason = PKG_REASON_DEPEND; /* libalpm gives each this reason */
		cb->item(cb->ctx, &it);
	}
	/* NOSAVE (an apply's '_') is the whole transaction's: every removal
	 * in it leaves no .pacsave, a purge. */
	uint32_t rm = (alpm_trans_get_flags(a->h) & ALPM_TRANS_FLAG_NOSAVE) ? ACT_PURGE : ACT_REMOVE;
	for (alpm_list_t *i = alpm_trans_get_remove(a->h); i; i = i->next) {
		alpm_pkg_t *p = i->data;
		struct trans_item it = {
			.action = rm,
			.reason = alpm_pkg_get_reason(p) == ALPM_PKG_REASON_DEPEND ? PKG_REASON_DEPEND
										 : PKG_REASON_EXPLICIT,
			.name = alpm_pkg_get_name(p),
			.old_version = alpm_pkg_get_version(p),
			.new_version = "",
			.repo = "local",
			.size_change = -(int64_t)alpm_pkg_get_isize(p),
		};
		cb->item(cb->ctx, &it);
	}
}

/* Why libalpm ignores the sync package p: "IgnorePkg", or "IgnoreGroup G"
 * for the first of its groups in IgnoreGroup, into why. 0 when it does not. */
static int ignored_why(struct alpm *a, alpm_pkg_t *p, char *why, size_t len)
{
	if (!alpm_pkg_should_ignore(a->h, p))
		return 0;
	snprintf(why, len, "IgnorePkg");
	if (alpm_list_find_str(alpm_option_get_ignorepkgs(a->h), alpm_pkg_get_name(p)))
		return 1;
	for (alpm_list_t *g = alpm_pkg_get_groups(p); g; g = g->next)
		if (alpm_list_find_str(alpm_option_get_ignoregroups(a->h), g->data)) {
			snprintf(why, len, "IgnoreGroup %s", (const char *)g->data);
			break;
		}
	return 1;
}

/* Reports, through cb->held, every package the prepared transaction installs
 * or upgrades although pacman.conf ignores it (IgnorePkg, IgnoreGroup): a
 * named target (libalpm's alpm_add_pkg does not look), or a dependency the
 * question allowed. Removing an ignored package is not a change IgnorePkg
 * guards (pacman -R does not ask either). */
static void report_held(struct alpm *a, const struct trans_cb *cb)
{
	char why[256];
	if (!cb->held)
		return;
	for (alpm_list_t *i = alpm_trans_get_add(a->h); i; i = i->next)
		if (ignored_why(a, i->data, why, sizeof(why)))
			cb->held(cb->ctx, alpm_pkg_get_name(i->data), why);
}

/* Adds the removal of the installed package name to the transaction. 0, or -1 with err. */
static int remove_target(struct alpm *a, const char *name, char *err, size_t errlen)
{
	alpm_pkg_t *p = alpm_db_get_pkg(alpm_get_localdb(a->h), name);
	if (!p) {
		snprintf(err, errlen, "package '%s' is not installed", name);
		return -1;
	}
	if (alpm_remove_pkg(a->h, p) != 0 && alpm_errno(a->h) != ALPM_ERR_TRANS_DUP_TARGET) {
		snprintf(err, errlen, "cannot remove %s: %s", name, alpm_strerror(alpm_errno(a->h)));
		return -1;
	}
	return 0;
}

/* Says that the package p the user named is up to date. */
static void say_up_to_date(struct alpm *a, alpm_pkg_t *p)
{
	char text[512];
	snprintf(text, sizeof(text), "%s is up to date", alpm_pkg_get_name(p));
	say(a, TEV_LOG, text, 0);
}

/*
 * Adds the install of the package file at path (absolute: the client's
 * working directory is not ours) to the transaction, as pacman -U does: read
 * with its file list, its signature checked as LocalFileSigLevel says, and its
 * name counted among the user's targets. libalpm owns the package once it is
 * in the transaction; one it skips (up to date, ALPM_TRANS_FLAG_NEEDED) is
 * freed here. 0, or -1 with err naming the file.
 */
static int add_file(struct alpm *a, const char *path, char *err, size_t errlen)
{
	alpm_pkg_t *p = NULL;
	char logged[512] = "";
	a->logerr = logged;
	a->logerrlen = sizeof(logged);
	int r = alpm_pkg_load(a->h, path, 1, alpm_option_get_local_file_siglevel(a->h), &p);
	a->logerr = NULL;
	if (r != 0) {
		/* libalpm's log has the detail ("error while reading package
		 * PATH: ..."); its errno alone may say only "libarchive error". */
		if (strstr(logged, path))
			snprintf(err, errlen, "%s", logged);
		else
			snprintf(err, errlen, "cannot install %s: %s%s%s", path,
				 alpm_strerror(alpm_errno(a->h)), logged[0] ? ": " : "", logged);
		return -1;
	}
	if (alpm_add_pkg(a->h, p) != 0) {
		snprintf(err, errlen, "cannot install %s: %s", path,
			 alpm_strerror(alpm_errno(a->h)));
		alpm_pkg_free(p);
		return -1;
	}
	a->targets[a->ntargets++] = xstrdup(alpm_pkg_get_name(p));
	if (!alpm_list_find_ptr(alpm_trans_get_add(a->h), p)) {
		say_up_to_date(a, p);
		alpm_pkg_free(p);
	}
	return 0;
}

/* Adds the install of target (find_target's syntax, or a package file's
 * absolute path) to the transaction; says so when it is up to date. 0, or -1
 * with err. */
static int add_target(struct alpm *a, const char *target, char *err, size_t errlen)
{
	if (target[0] == '/')
		return add_file(a, target, err, errlen);
	alpm_db_t *localdb = alpm_get_localdb(a->h);
	alpm_pkg_t *p = find_target(a, target, err, errlen);
	if (!p)
		return -1;
	int r = alpm_add_pkg(a->h, p);
	if (r != 0 && alpm_errno(a->h) != ALPM_ERR_TRANS_DUP_TARGET) {
		snprintf(err, errlen, "cannot install %s: %s", target, alpm_strerror(alpm_errno(a->h)));
		return -1;
	}
	alpm_pkg_t *old = alpm_db_get_pkg(localdb, alpm_pkg_get_name(p));
	if (r == 0 && old &&
	    alpm_pkg_vercmp(alpm_pkg_get_version(p), alpm_pkg_get_version(old)) == 0)
		say_up_to_date(a, p);
	return 0;
}

/* Keeps the installed package name out of the planned apply: libalpm's
 * IgnorePkg on this handle, which release() undoes (unless pacman.conf has it). */
static void keep_pkg(struct alpm *a, const char *name)
{
	a->kept = xrealloc(a->kept, (a->nkept + 1) * sizeof(*a->kept));
	struct kept *k = &a->kept[a->nkept++];
	k->name = xstrdup(name);
	k->added = !alpm_list_find_str(alpm_option_get_ignorepkgs(a->h), name);
	if (k->added)
		alpm_option_add_ignorepkg(a->h, name);
}

/* The transaction flag a dry run adds: ALPM_TRANS_FLAG_NOLOCK. libalpm then
 * neither creates nor checks db.lck, reads the databases as they are, and
 * refuses to commit (ALPM_ERR_TRANS_NOT_LOCKED): prepare writes nothing, so
 * a user who may not write the database directory can see a plan. */
static int lock_flag(const struct trans_request *req)
{
	return (req->flags & TRANS_DRY_RUN) ? ALPM_TRANS_FLAG_NOLOCK : 0;
}

/*
 * Starts a TRANS_APPLY transaction: the '-', '_' and '=' targets must be
 * installed (checked before the lock is taken); '=' ones are kept; '+' ones
 * are added with ALPM_TRANS_FLAG_NEEDED, '-' and '_' removed. libalpm's NOSAVE
 * (no .pacsave of a modified backup file) is a flag of the whole transaction:
 * any '_' sets it, so a '-' in the same apply keeps no .pacsave either, nor
 * does an upgrade that drops a modified backup file (said as a warning). With
 * an install among them libalpm takes its sync path, which checks dependencies
 * against the removals too and removes them first; removals alone take the
 * remove path. 0, or -1 with err and *status.
 */
static int apply_begin(struct alpm *a, const struct trans_request *req, char *err, size_t errlen,
		       int *status)
{
	alpm_db_t *localdb = alpm_get_localdb(a->h);
	int flags = ALPM_TRANS_FLAG_NEEDED | lock_flag(req), removes = 0;
	for (uint32_t i = 0; i < req->targets.n; i++) {
		const char *t = req->targets.v[i];
		if (t[0] == APPLY_INSTALL)
			continue;
		if (!alpm_db_get_pkg(localdb, t + 1)) {
			snprintf(err, errlen, t[0] == APPLY_KEEP
				 ? "package '%s' is not installed: there is no version to keep"
				 : "package '%s' is not installed", t + 1);
			return -1;
		}
		if (t[0] == APPLY_PURGE)
			flags |= ALPM_TRANS_FLAG_NOSAVE;
		removes |= t[0] == APPLY_REMOVE;
	}
	for (uint32_t i = 0; i < req->targets.n; i++)
		if (req->targets.v[i][0] == APPLY_KEEP)
			keep_pkg(a, req->targets.v[i] + 1);
	if (alpm_trans_init(a->h, flags) != 0)
		return init_failed(a, err, errlen, status);
	a->trans = 1;
	a->kind = TRANS_APPLY;
	if ((flags & ALPM_TRANS_FLAG_NOSAVE) && removes) {
		struct trans_event ev = {.kind = TEV_LOG, .level = TLOG_WARNING, .name = "",
					 .text = "a purge (_) is in this transaction: libalpm saves no "
						 ".pacsave file for any package it removes"};
		send(a, &ev);
	}
	for (uint32_t i = 0; i < req->targets.n; i++) {
		const char *t = req->targets.v[i];
		if (t[0] == APPLY_REMOVE || t[0] == APPLY_PURGE) {
			if (remove_target(a, t + 1, err, errlen) != 0)
				return -1;
		} else if (t[0] == APPLY_INSTALL) {
			if (add_target(a, t + 1, err, errlen) != 0)
				return -1;
		}
	}
	return 0;
}

/* The first package of add, other than p itself, that depends on p (by name
 * or by something p provides), or NULL. Borrowed from the transaction. */
static alpm_pkg_t *needed_by(alpm_list_t *add, alpm_pkg_t *p)
{
	alpm_list_t one = {.data = p, .prev = &one, .next = NULL};
	for (alpm_list_t *i = add; i; i = i->next) {
		if (strcmp(alpm_pkg_get_name(i->data), alpm_pkg_get_name(p)) == 0)
			continue;
		for (alpm_list_t *d = alpm_pkg_get_depends(i->data); d; d = d->next) {
			char *dep = alpm_dep_compute_string(d->data);
			int hit = dep && alpm_find_satisfier(&one, dep);
			free(dep);
			if (hit)
				return i->data;
		}
	}
	return NULL;
}

/* After prepare: the apply does what its marks say. libalpm may install a
 * package the apply removes (an install needs it: it would be removed and
 * installed again) or, answered yes, remove or upgrade a kept one. 0, or -1 with err. */
static int apply_verify(struct alpm *a, const struct trans_request *req, char *err, size_t errlen)
{
	alpm_list_t *add = alpm_trans_get_add(a->h), *rem = alpm_trans_get_remove(a->h);
	for (uint32_t i = 0; i < req->targets.n; i++) {
		const char *t = req->targets.v[i], *name = t + 1;
		alpm_pkg_t *again = alpm_pkg_find(add, name);
		int adds = again != NULL, removes = alpm_pkg_find(rem, name) != NULL;
		if ((t[0] == APPLY_REMOVE || t[0] == APPLY_PURGE) && adds) {
			alpm_pkg_t *by = needed_by(add, again);
			if (by)
				snprintf(err, errlen, "apply: removing %s conflicts with installing %s, "
						      "which needs it", name, alpm_pkg_get_name(by));
			else
				snprintf(err, errlen, "apply: %s is to be removed, but the plan installs "
						      "it", name);
			return -1;
		}
		if (t[0] == APPLY_KEEP && (adds || removes)) {
			snprintf(err, errlen, "apply: %s is to be kept, but the plan would %s it", name,
				 removes ? "remove" : "upgrade");
			return -1;
		}
	}
	return 0;
}

static int alpm_plan(void *self, const struct trans_request *req, const struct trans_cb *cb,
		     char *err, size_t errlen, int *status)
{
	struct alpm *a = self;
	alpm_release_trans(a);
	*status = BACKEND_ERR_TXN;
	a->cb = cb;
	a->flags = req->flags;
	alpm_option_set_eventcb(a->h, event_cb, a);
	alpm_option_set_progresscb(a->h, progress_cb, a);
	alpm_option_set_dlcb(a->h, download_cb, a);
	alpm_option_set_questioncb(a->h, question_cb, a);
	int rc = -1;
	/* The names to install explicitly: an apply's '+' targets, without the
	 * '+'; a package file's name is added when add_file has read it. */
	a->targets = xcalloc(req->targets.n + 1, sizeof(*a->targets));
	for (uint32_t i = 0; i < req->targets.n; i++) {
		const char *t = req->targets.v[i];
		if ((req->kind == TRANS_APPLY && *t++ != APPLY_INSTALL) || t[0] == '/')
			continue;
		a->targets[a->ntargets++] = xstrdup(t);
	}
	if (req->kind == TRANS_SYNC) {
		/* alpm_db_update takes the lock at commit; look now so the engine can
		 * wait (a dry run takes none and does not wait). */
		if (!(req->flags & TRANS_DRY_RUN) && access(alpm_option_get_lockfile(a->h), F_OK) == 0) {
			*status = BACKEND_ERR_LOCKED;
			snprintf(err, errlen, "the package database is locked (%s)",
				 alpm_option_get_lockfile(a->h));
			goto out;
		}
		for (alpm_list_t *d = a->syncdbs; d; d = d->next) {
			struct trans_item it = {.action = ACT_REFRESH, .name = alpm_db_get_name(d->data),
						.old_version = "", .new_version = "",
						.repo = alpm_db_get_name(d->data)};
			cb->item(cb->ctx, &it);
		}
		a->kind = TRANS_SYNC;
		rc = 0;
		goto out;
	}
	if (req->kind != TRANS_INSTALL && req->kind != TRANS_REMOVE && req->kind != TRANS_UPGRADE &&
	    req->kind != TRANS_APPLY) {
		snprintf(err, errlen, "unknown transaction kind %u", req->kind);
		*status = BACKEND_ERR_USAGE;
		goto out;
	}
	if ((req->kind == TRANS_INSTALL || req->kind == TRANS_REMOVE) && !req->targets.n) {
		snprintf(err, errlen, "name at least one package");
		*status = BACKEND_ERR_USAGE;
		goto out;
	}
	if (req->kind == TRANS_APPLY) {
		if (apply_begin(a, req, err, errlen, status) != 0)
			goto out;
	} else {
		int flags = lock_flag(req) |
			    (req->kind == TRANS_INSTALL ? ALPM_TRANS_FLAG_NEEDED
			     : req->kind == TRANS_REMOVE && (req->flags & TRANS_RECURSIVE)
				     ? ALPM_TRANS_FLAG_RECURSE : 0);
		if (req->kind == TRANS_INSTALL && (req->flags & TRANS_AS_DEPS))
			flags |= ALPM_TRANS_FLAG_ALLDEPS; /* pacman --asdeps */
		if (alpm_trans_init(a->h, flags) != 0) {
			init_failed(a, err, errlen, status);
			goto out;
		}
		a->trans = 1;
		a->kind = req->kind;
		if (req->kind == TRANS_UPGRADE && alpm_sync_sysupgrade(a->h, 0) != 0) {
			snprintf(err, errlen, "cannot compute the upgrade: %s",
				 alpm_strerror(alpm_errno(a->h)));
			goto out;
		}
		for (uint32_t i = 0; i < req->targets.n; i++) {
			const char *t = req->targets.v[i];
			if ((req->kind == TRANS_REMOVE ? remove_target(a, t, err, errlen)
						       : add_target(a, t, err, errlen)) != 0)
				goto out;
		}
	}
	alpm_list_t *data = NULL;
	if (alpm_trans_prepare(a->h, &data) != 0) {
		trans_error(a, data, err, errlen);
		goto out;
	}
	if (req->kind == TRANS_APPLY && apply_verify(a, req, err, errlen) != 0)
		goto out;
	report_plan(a, cb);
	report_held(a, cb);
	rc = 0;
out:
	a->cb = NULL;
	if (rc != 0)
		alpm_release_trans(a);
	else
		*status = BACKEND_OK;
	return rc;
}

static int alpm_commit(void *self, const struct trans_cb *cb, char *err, size_t errlen,
		       int *status)
{
	struct alpm *a = self;
	int rc = -1;
	*status = BACKEND_ERR_TXN;
	if (a->flags & TRANS_DRY_RUN) {
		/* Planned without the lock: libalpm would refuse too (TRANS_NOT_LOCKED). */
		snprintf(err, errlen, "a dry-run plan is never committed");
		return -1;
	}
	a->cb = cb;
	if (a->kind == TRANS_SYNC) {
		int r = alpm_db_update(a->h, a->syncdbs, 0);
		if (r < 0) {
			alpm_errno_t e = alpm_errno(a->h);
			*status = e == ALPM_ERR_HANDLE_LOCK ? BACKEND_ERR_LOCKED : BACKEND_ERR_TXN;
			snprintf(err, errlen, "cannot refresh the databases: %s", alpm_strerror(e));
		} else {
			say(a, TEV_LOG, r == 1 ? "every database is up to date" : "databases refreshed", 0);
			rc = 0;
		}
	} else if (!a->trans) {
		snprintf(err, errlen, "nothing is planned");
	} else if (!alpm_trans_get_add(a->h) && !alpm_trans_get_remove(a->h)) {
		rc = 0; /* nothing to do */
	} else {
		alpm_list_t *data = NULL;
		if (alpm_trans_commit(a->h, &data) != 0)
			trans_error(a, data, err, errlen);
		else
			rc = 0;
	}
	a->cb = NULL;
	if (rc == 0)
		*status = BACKEND_OK;
	return rc;
}


static void alpm_close(void *self)
{
	struct alpm *a = self;
	if (!a)
		return;
	alpm_release_trans(a);
	if (a->h)
		alpm_release(a->h);
	pacconf_free(&a->conf);
	free(a);
}

/* ---- looking for updates (checkupdates) ---- */

/*
 * check_updates works as pacman-contrib's checkupdates does, in process:
 * dir/local links to the system's local database, dir/sync holds copies of
 * the system's sync databases that a handle whose dbpath is dir refreshes
 * from the servers. libalpm takes its lock as dir/db.lck, so the system's
 * sync state and lock are only ever read. dir/check.lck (flock) keeps two
 * looks at the same dir apart, and tells a stale dir/db.lck.
 */


/* Makes path a symlink to target: made when missing, replaced in one rename
 * when it points elsewhere; a file or directory there is left alone (-1). */
static int link_to(const char *target, const char *path, char *err, size_t errlen)
{
	char cur[PATH_MAX];
	ssize_t n = readlink(path, cur, sizeof(cur) - 1);
	if (n >= 0) {
		cur[n] = '\0';
		if (strcmp(cur, target) == 0)
			return 0;
	} else if (errno != ENOENT) {
		snprintf(err, errlen, "%s: %s", path,
			 errno == EINVAL ? "exists and is not a symbolic link" : strerror(errno));
		return -1;
	}
	char *tmp = xasprintf("%s.new", path);
	int rc = 0;
	unlink(tmp);
	if (symlink(target, tmp) != 0 || rename(tmp, path) != 0) {
		snprintf(err, errlen, "cannot link %s to %s: %s", path, target, strerror(errno));
		unlink(tmp);
		rc = -1;
	}
	free(tmp);
	return rc;
}


/* fd_fill_fn: copies the open file *ctx into fd, with its times. */
static int fill_copy(int out, void *ctx)
{
	int in = *(int *)ctx;
	struct stat st;
	char buf[65536];
	ssize_t n;
	if (fstat(in, &st) != 0)
		return -1;
	while ((n = read(in, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || fd_write_all(out, buf, (size_t)n) != 0)
			return -1;
	}
	struct timespec times[2] = {st.st_atim, st.st_mtim};
	return futimens(out, times);
}

/* Copies from to to through a temporary file beside to (fd_replace_path),
 * keeping from's mtime: to appears whole, or stays as it was. */
static int copy_file(const char *from, const char *to, char *err, size_t errlen)
{
	int in = open(from, O_RDONLY | O_CLOEXEC);
	int rc = in < 0 ? -1 : fd_replace_path(to, 0644, fill_copy, &in);
	if (rc != 0)
		snprintf(err, errlen, "cannot copy %s to %s: %s", from, to, strerror(errno));
	if (in >= 0)
		close(in);
	return rc;
}

/* Copies the system's file from over to when it is newer, when to is missing,
 * or when force; *copied tells. No from is not an error: nothing to copy. */
static int update_copy(const char *from, const char *to, int force, int *copied, char *err,
		       size_t errlen)
{
	struct stat s, p;
	*copied = 0;
	if (stat(from, &s) != 0) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "%s: %s", from, strerror(errno));
		return -1;
	}
	if (!force && stat(to, &p) == 0 &&
	    (s.st_mtim.tv_sec < p.st_mtim.tv_sec ||
	     (s.st_mtim.tv_sec == p.st_mtim.tv_sec && s.st_mtim.tv_nsec <= p.st_mtim.tv_nsec)))
		return 0; /* ours is as new: the system's, or newer from the server */
	if (copy_file(from, to, err, errlen) != 0)
		return -1;
	*copied = 1;
	return 0;
}

/* Brings dir/sync/<repo>.db and its .sig up to the system's copies. A copied
 * database takes the system's signature with it, or loses its own. */
static int update_repo_copy(const char *dbpath, const char *dir, const char *repo, char *err,
			    size_t errlen)
{
	char *from = xasprintf("%ssync/%s.db", dbpath, repo);
	char *to = xasprintf("%s/sync/%s.db", dir, repo);
	char *from_sig = xasprintf("%s.sig", from), *to_sig = xasprintf("%s.sig", to);
	int db_copied, sig_copied;
	int rc = update_copy(from, to, 0, &db_copied, err, errlen);
	if (rc == 0 && db_copied && access(from_sig, F_OK) != 0 && errno == ENOENT) {
		if (unlink(to_sig) != 0 && errno != ENOENT) {
			snprintf(err, errlen, "cannot remove %s: %s", to_sig, strerror(errno));
			rc = -1;
		}
	} else if (rc == 0) {
		rc = update_copy(from_sig, to_sig, db_copied, &sig_copied, err, errlen);
	}
	free(from);
	free(to);
	free(from_sig);
	free(to_sig);
	return rc;
}

/* Lays dir out and takes dir/check.lck into *lockfd (the caller closes it). */
static int prepare_check_dir(const struct pacconf *c, const char *dir, int *lockfd, char *err,
			     size_t errlen)
{
	struct stat st;
	char *path = NULL;
	int rc = -1;
	if (xdg_mkdirs(dir) != 0 || stat(dir, &st) != 0) {
		snprintf(err, errlen, "cannot create %s: %s", dir, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s is not a directory", dir);
		return -1;
	}
	path = xasprintf("%s/check.lck", dir);
	*lockfd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (*lockfd < 0) {
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
		goto out;
	}
	if (flock(*lockfd, LOCK_EX | LOCK_NB) != 0) {
		snprintf(err, errlen, "another look for updates is using %s", dir);
		goto out;
	}
	/* Only a holder of check.lck makes dir/db.lck: one there now is stale. */
	free(path);
	path = xasprintf("%s/db.lck", dir);
	if (unlink(path) != 0 && errno != ENOENT) {
		snprintf(err, errlen, "cannot remove the stale %s: %s", path, strerror(errno));
		goto out;
	}
	free(path);
	char *target = xasprintf("%slocal", c->dbpath);
	path = xasprintf("%s/local", dir);
	int linked = link_to(target, path, err, errlen);
	free(target);
	if (linked != 0)
		goto out;
	free(path);
	path = xasprintf("%s/sync", dir);
	if ((mkdir(path, 0700) != 0 && errno != EEXIST) || stat(path, &st) != 0) {
		snprintf(err, errlen, "cannot create %s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s is not a directory", path);
		goto out;
	}
	for (size_t i = 0; i < c->nrepos; i++)
		if (update_repo_copy(c->dbpath, dir, c->repos[i].name, err, errlen) != 0)
			goto out;
	rc = 0;
out:
	free(path);
	return rc;
}

/* Refreshes dir/sync from the configured servers, as pacman -Sy would. */
static int refresh_copies(struct alpm *a, char *err, size_t errlen)
{
	for (size_t i = 0; i < a->conf.nrepos; i++) {
		struct pacconf_repo *r = &a->conf.repos[i];
		if (!r->nservers && (r->usage & ALPM_DB_USAGE_SYNC)) {
			snprintf(err, errlen, "repository '%s' has no Server", r->name);
			return -1;
		}
	}
	if (!a->syncdbs)
		return 0;
	/* alpm_register_syncdb checked each copy's signature: one found invalid
	 * (say, copied while pacman -Sy replaced the pair) is fetched whole, not
	 * only if modified. */
	a->logerr[0] = '\0';
	if (alpm_db_update(a->h, a->syncdbs, 0) < 0) {
		snprintf(err, errlen, "cannot refresh the package databases: %s",
			 a->logerr[0] ? a->logerr : alpm_strerror(alpm_errno(a->h)));
		return -1;
	}
	return 0;
}

/* Counts what pacman -Qu lists: installed packages a repository has a newer
 * version of, ignored ones (IgnorePkg, IgnoreGroup) apart in *held. */
static int count_updates(struct alpm *a, alpm_list_t *local, uint64_t *upgradable, uint64_t *held,
			 char *err, size_t errlen)
{
	/* libalpm logs why a database does not load, and then has no packages. */
	for (alpm_list_t *d = a->syncdbs; d; d = d->next) {
		a->logerr[0] = '\0';
		if (!alpm_db_get_pkgcache(d->data) && a->logerr[0]) {
			snprintf(err, errlen, "cannot read database '%s': %s",
				 alpm_db_get_name(d->data), a->logerr);
			return -1;
		}
	}
	for (alpm_list_t *i = local; i; i = i->next) {
		if (!alpm_sync_get_new_version(i->data, a->syncdbs))
			continue;
		if (alpm_pkg_should_ignore(a->h, i->data))
			(*held)++;
		else
			(*upgradable)++;
	}
	return 0;
}

/* backend check_updates: refreshes dir's private copy of the sync databases
 * and counts; owns its handle and configuration, released on every path. */
static int alpm_check_updates(const char *root, const char *dir, struct update_counts *out,
			      char *err, size_t errlen)
{
	struct alpm *a = xcalloc(1, sizeof(*a));
	char logerr[512] = "";
	uint64_t upgradable = 0, held = 0;
	alpm_errno_t aerr = 0;
	int lockfd = -1, rc = -1;
	if (pacconf_load(&a->conf, root, err, errlen) != 0)
		goto out;
	if (prepare_check_dir(&a->conf, dir, &lockfd, err, errlen) != 0)
		goto out;
	a->h = alpm_initialize(root, dir, &aerr);
	if (!a->h) {
		snprintf(err, errlen, "cannot open the package databases at %s: %s", dir,
			 alpm_strerror(aerr));
		goto out;
	}
	/* The installed set as it is now, read before the servers are asked and
	 * before registering the sync databases can leave libalpm's errno set
	 * (an invalid signature, fetched again below). */
	alpm_list_t *local = alpm_db_get_pkgcache(alpm_get_localdb(a->h));
	if (!local && alpm_errno(a->h) != 0 && alpm_errno(a->h) != ALPM_ERR_DB_NOT_FOUND) {
		snprintf(err, errlen, "cannot read the local database (%slocal): %s",
			 a->conf.dbpath, alpm_strerror(alpm_errno(a->h)));
		goto out;
	}
	if (configure(a, err, errlen) != 0)
		goto out;
	if (a->conf.parallel_downloads > 0)
		alpm_option_set_parallel_downloads(a->h, (unsigned)a->conf.parallel_downloads);
	a->logerr = logerr;
	a->logerrlen = sizeof(logerr);
	if (refresh_copies(a, err, errlen) != 0)
		goto out;
	if (count_updates(a, local, &upgradable, &held, err, errlen) != 0)
		goto out;
	out->upgradable = upgradable;
	out->held = held;
	rc = 0;
out:
	alpm_close(a);
	if (lockfd >= 0)
		close(lockfd);
	return rc;
}

/* The module's one export, found by backend_module(). */
/* See backend.h: pacman.conf as alpm_open read it. */
static int alpm_accepts_unsigned(void *self, char *why, size_t whylen)
{
	return pacconf_accepts_unsigned(&((struct alpm *)self)->conf, why, whylen);
}

__attribute__((visibility("default"))) extern const struct backend_ops omg_backend_alpm;
const struct backend_ops omg_backend_alpm = {
	.name = "alpm",
	.open = alpm_open,
	.load = alpm_load,
	.vercmp = alpm_vercmp,
	.close = alpm_close,
	.plan = alpm_plan,
	.commit = alpm_commit,
	.release = alpm_release_trans,
	.lock_holder = alpm_lock_holder,
	.lock_file = alpm_lock_file,
	.check_updates = alpm_check_updates,
	.accepts_unsigned = alpm_accepts_unsigned,
};
