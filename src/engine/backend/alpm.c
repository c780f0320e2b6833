/* SPDX-License-Identifier: MIT */
/* The libalpm backend: pacman.conf, sync and local databases, merged package records. */
#include <alpm.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/backend/backend.h"
#include "engine/backend/pacconf.h"
#include "util/buf.h"
#include "util/xalloc.h"

struct alpm {
	alpm_handle_t *h;
	struct pacconf conf;
	const struct pkg_sink *sink; /* set while load() runs, for the log callback */
	alpm_list_t *syncdbs;        /* borrowed from the handle */
};

/* libalpm log callback: errors and warnings become sink warnings while loading. */
static void log_cb(void *ctx, alpm_loglevel_t level, const char *fmt, va_list ap)
{
	struct alpm *a = ctx;
	if (!(level & (ALPM_LOG_ERROR | ALPM_LOG_WARNING)) || !a->sink || !a->sink->warn)
		return;
	char msg[1024];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	size_t n = strlen(msg);
	while (n && msg[n - 1] == '\n')
		msg[--n] = '\0';
	a->sink->warn(a->sink->ctx, msg);
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

static void alpm_close(void *self)
{
	struct alpm *a = self;
	if (!a)
		return;
	if (a->h)
		alpm_release(a->h);
	pacconf_free(&a->conf);
	free(a);
}

/* The module's one export, found by backend_module(). */
__attribute__((visibility("default"))) extern const struct backend_ops omg_backend_alpm;
const struct backend_ops omg_backend_alpm = {
	.name = "alpm",
	.open = alpm_open,
	.load = alpm_load,
	.vercmp = alpm_vercmp,
	.close = alpm_close,
};
