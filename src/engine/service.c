/* SPDX-License-Identifier: MIT */
/* Requests answered from the index, as protocol replies. */
#include "engine/service.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "engine/backend/backend.h"
#include "engine/query.h"
#include "engine/security/security.h"
#include "engine/service-int.h"
#include "engine/security/sbom.h"
#include "ipc/codec.h"
#include "util/buf.h"
#include "util/version.h"
#include "util/xalloc.h"

/* Sends one error reply. */
static void error(const struct msg *req, uint32_t code, const char *text, service_emit emit,
		  void *ctx)
{
	struct msg r;
	memset(&r, 0, sizeof(r));
	r.h.type = MSG_ERROR;
	r.h.id = req->h.id;
	r.u.error.code = code;
	r.u.error.message = text;
	emit(ctx, &r);
}

/* The index's warnings, env's and note (when not NULL) as a list (strings
 * borrowed; *store is the caller's to free). */
static struct strlist warnings_of(const struct index *ix, const struct service_env *env,
				  const char *note, const char ***store)
{
	size_t n = index_warning_count(ix);
	*store = xmalloc((n + 2) * sizeof(**store));
	for (size_t i = 0; i < n; i++)
		(*store)[i] = index_warning(ix, i);
	if (env->warning)
		(*store)[n++] = env->warning;
	if (note)
		(*store)[n++] = note;
	return (struct strlist){*store, (uint32_t)n};
}

/* Non-zero when the backend knows which upgrades come from a security
 * archive (apt: the candidate's suite or label); alpm has no such notion. */
static int security_known(struct engine *e)
{
	return strcmp(engine_backend(e)->name, "apt") == 0;
}

/* Bytes a package takes on the wire, roughly, to split replies. */
static size_t wire_size(const struct pkg *p, int full)
{
	size_t n = 64 + strlen(p->name) + strlen(p->version) + strlen(p->installed_version) +
		   strlen(p->repo) + strlen(p->desc);
	if (full) {
		n += strlen(p->long_desc) + strlen(p->url) + 512;
		const struct strlist *l[] = {&p->licenses, &p->groups, &p->depends, &p->optdepends,
					     &p->suggests, &p->provides, &p->conflicts, &p->replaces,
					     &p->pre_depends, &p->enhances, &p->breaks, &p->tags};
		for (size_t k = 0; k < sizeof(l) / sizeof(l[0]); k++)
			for (uint32_t i = 0; i < l[k]->n; i++)
				n += 4 + strlen(l[k]->v[i]);
		for (uint32_t i = 0; i < p->nversions; i++) {
			n += 32 + strlen(p->versions[i].version);
			for (uint32_t k = 0; k < p->versions[i].narchives; k++)
				n += 8 + strlen(p->versions[i].archives[k].where);
		}
	}
	return n;
}

/* Names of the packages at ids, as a list over a new array (caller frees). */
static struct strlist names_of(const struct index *ix, const struct ids *ids)
{
	const char **v = xmalloc((ids->n ? ids->n : 1) * sizeof(*v));
	for (size_t i = 0; i < ids->n; i++)
		v[i] = index_get(ix, ids->v[i])->name;
	return (struct strlist){v, (uint32_t)ids->n};
}

/* Sends the packages at ids as pkgs replies, split under frame_max. */
static void send_pkgs(const struct msg *req, const struct index *ix, const struct ids *ids,
		      int full, struct strlist missing, struct strlist providers, const char *note,
		      const struct service_env *env, service_emit emit, void *ctx)
{
	const char **warn_store;
	struct strlist warnings = warnings_of(ix, env, note, &warn_store);
	size_t frame_max = env->frame_max;
	struct msg_pkg *batch = xcalloc(ids->n ? ids->n : 1, sizeof(*batch));
	struct pkg_aur *aur = env->aur_foreign ? xcalloc(ids->n ? ids->n : 1, sizeof(*aur)) : NULL;
	char (*urls)[1024] = aur ? xmalloc((ids->n ? ids->n : 1) * sizeof(*urls)) : NULL;
	size_t start = 0;
	do {
		size_t n = 0, bytes = 256;
		while (start + n < ids->n) {
			const struct pkg *p = index_get(ix, ids->v[start + n]);
			size_t w = wire_size(p, full);
			if (n && bytes + w > frame_max / 2)
				break;
			batch[n].pkg = *p;
			batch[n].pkg.flags |= service_adv_flags(env, p);
			if (aur)
				service_aur_annotate(env, &batch[n], &aur[start + n], urls[start + n],
						     sizeof(urls[0]));
			if (full) {
				struct ids req_by = {0}, opt = {0};
				struct rdeps_more more;
				query_rdeps(ix, ids->v[start + n], &req_by, &opt, &more);
				batch[n].required_by = names_of(ix, &req_by);
				batch[n].optional_for = names_of(ix, &opt);
				batch[n].required_by_more = more.required_by;
				batch[n].optional_for_more = more.optional_for;
				ids_free(&req_by);
				ids_free(&opt);
			}
			bytes += w + 16 * (batch[n].required_by.n + batch[n].optional_for.n);
			n++;
		}
		struct msg r;
		memset(&r, 0, sizeof(r));
		r.h.type = MSG_PKGS;
		r.h.id = req->h.id;
		r.h.flags = start + n < ids->n ? MSG_FLAG_MORE : 0;
		r.u.pkgs.detail = full ? PKGS_FULL : PKGS_BRIEF;
		r.u.pkgs.count = (uint32_t)n;
		r.u.pkgs.pkgs = batch;
		if (start == 0) {
			r.u.pkgs.missing = missing;
			r.u.pkgs.providers = providers;
			r.u.pkgs.warnings = warnings;
		}
		emit(ctx, &r);
		for (size_t i = 0; i < n; i++) {
			free((void *)batch[i].required_by.v);
			free((void *)batch[i].optional_for.v);
			memset(&batch[i], 0, sizeof(batch[i]));
		}
		start += n;
	} while (start < ids->n);
	free(batch);
	free(aur);
	free(urls);
	free(warn_store);
}

/* The package counts of the status, in one pass over the index. Held
 * upgrades count as held, not upgradable (nor security). */
static void count_status(const struct index *ix, struct msg_status_reply *s)
{
	for (size_t i = 0; i < index_count(ix); i++) {
		const struct pkg *p = index_get(ix, i);
		uint32_t f = p->flags;
		s->installed += !!(f & PKG_INSTALLED);
		s->explicit_ += (f & PKG_INSTALLED) && p->reason == PKG_REASON_EXPLICIT;
		s->orphans += !!(f & PKG_ORPHAN);
		s->foreign += !!(f & PKG_FOREIGN);
		if (!(f & PKG_UPGRADABLE))
			continue;
		if (f & PKG_HELD) {
			s->held++;
		} else {
			s->upgradable++;
			s->security += !!(f & PKG_SECURITY);
		}
	}
}

void service_status(struct engine *e, const struct service_env *env,
		    struct msg_status_reply *s)
{
	const struct index *ix = engine_index(e);
	const char **warn_store;
	memset(s, 0, sizeof(*s));
	count_status(ix, s);
	s->packages = index_count(ix);
	s->backend = engine_backend_name(e);
	s->root = engine_root(e);
	s->warnings = warnings_of(ix, env, NULL, &warn_store);
	s->generation = engine_generation(e);
	s->mode = env->mode ? env->mode : "in-process";
	s->pid = (uint64_t)getpid();
	s->started = env->started;
	s->index_time = env->index_time;
	s->clients = env->clients;
	s->requests = env->requests;
	s->cache_hits = env->cache_hits;
	s->cache_misses = env->cache_misses;
	s->index_bytes = index_bytes(ix);
	s->audit_dir = env->audit_dir ? env->audit_dir : "";
	s->transaction = env->transaction ? env->transaction : "";
	const struct backend *b = engine_backend(e);
	s->security_known = (uint32_t)security_known(e);
	s->reboot_required = (uint32_t)(b->reboot_required(engine_root(e)) != 0);
	s->last_sync = b->last_sync(engine_root(e));
	s->check_error = "";
	if (env->check && env->check->checked) {
		/* Fresher than the system's own databases (it starts from a copy of them). */
		s->upgradable = env->check->upgradable;
		s->held = env->check->held;
		s->checked = env->check->checked;
	}
	if (env->check && env->check->error)
		s->check_error = env->check->error;
	s->snapshot = env->snapshot ? env->snapshot : "";
	if (env->security)
		security_status(env->security, (uint64_t)time(NULL), s);
	else
		s->vuln_state = VULNS_OFF;
}

/* The status reply. */
static void send_status(struct engine *e, const struct msg *req,
			const struct service_env *env, service_emit emit, void *ctx)
{
	struct msg r;
	memset(&r, 0, sizeof(r));
	r.h.type = MSG_STATUS_REPLY;
	r.h.id = req->h.id;
	service_status(e, env, &r.u.status);
	emit(ctx, &r);
	free((void *)r.u.status.warnings.v);
}

/* The SBOM as text replies, each piece under half of frame_max (the pkgs
 * replies' margin) and cut between UTF-8 characters: the codec checks each
 * piece is UTF-8 by itself. */
static void send_sbom(struct engine *e, const struct msg *req, const struct service_env *env,
		      service_emit emit, void *ctx)
{
	if (req->u.sbom.format != 0) {
		error(req, ERR_USAGE, "unknown SBOM format (this engine writes CycloneDX 1.5 JSON)",
		      emit, ctx);
		return;
	}
	struct sbom_opts o = {
		.backend = engine_backend_name(e),
		.root = engine_root(e),
		.tool_version = OMG_VERSION,
		.now = (uint64_t)time(NULL),
	};
	struct buf doc = {0};
	char err[256];
	const struct vulns *vs = env->security ? security_vulns(env->security) : NULL;
	if (sbom_cyclonedx(engine_index(e), vs, &o, &doc, err, sizeof(err)) != 0) {
		error(req, ERR_BACKEND, err, emit, ctx);
		buf_free(&doc);
		return;
	}
	size_t piece = env->frame_max / 2 > 256 ? env->frame_max / 2 : 256;
	struct buf part = {0};
	size_t at = 0;
	do {
		size_t n = doc.len - at < piece ? doc.len - at : piece;
		while (n && at + n < doc.len && ((unsigned char)doc.p[at + n] & 0xc0) == 0x80)
			n--; /* back to the start of a character */
		buf_reset(&part);
		buf_append(&part, doc.p + at, n);
		struct msg r;
		memset(&r, 0, sizeof(r));
		r.h.type = MSG_TEXT;
		r.h.id = req->h.id;
		r.h.flags = at + n < doc.len ? MSG_FLAG_MORE : 0;
		r.u.text.text = buf_str(&part);
		emit(ctx, &r);
		at += n;
	} while (at < doc.len);
	buf_free(&part);
	buf_free(&doc);
}

void service_request(struct engine *e, const struct msg *req, const struct service_env *env,
		     service_emit emit, void *ctx)
{
	const struct index *ix = engine_index(e);
	struct ids ids = {0};
	char err[512];
	switch (req->h.type) {
	case MSG_SEARCH: {
		const struct msg_search *q = &req->u.search;
		if (!q->terms.n) {
			error(req, ERR_USAGE, "search needs at least one term", emit, ctx);
			break;
		}
		struct search_opts o = {
			.terms = q->terms.v,
			.nterms = q->terms.n,
			.regex = !!(q->flags & SEARCH_REGEX),
			.names_only = !!(q->flags & SEARCH_NAMES_ONLY),
			.installed_only = !!(q->flags & SEARCH_INSTALLED),
			.limit = q->limit,
			.style = engine_search_style(e),
		};
		if (query_search(ix, &o, &ids, err, sizeof(err)) != 0)
			error(req, ERR_USAGE, err, emit, ctx);
		else
			send_pkgs(req, ix, &ids, 0, (struct strlist){NULL, 0}, (struct strlist){NULL, 0},
				  NULL, env, emit, ctx);
		break;
	}
	case MSG_LIST: {
		if (req->u.list.kind > LIST_VULNERABLE) {
			error(req, ERR_USAGE, "unknown list kind", emit, ctx);
			break;
		}
		const char *note = NULL;
		if (req->u.list.kind == LIST_SECURITY && !security_known(e))
			note = "this package system does not mark security upgrades (pacman's "
			       "repositories carry no such origin; Arch publishes advisories "
			       "apart): nothing is listed";
		if (req->u.list.kind == LIST_VULNERABLE) {
			note = service_vulns_note(env);
			service_list_vulnerable(env, &ids);
		} else {
			query_list(ix, (enum list_kind)req->u.list.kind, &ids);
			if (req->u.list.kind == LIST_UPGRADABLE)
				service_aur_upgradable(ix, env, &ids);
			if ((req->u.list.kind == LIST_UPGRADABLE || req->u.list.kind == LIST_FOREIGN) &&
			    env->aur_note)
				note = env->aur_note;
		}
		if (req->u.list.limit && ids.n > req->u.list.limit)
			ids.n = req->u.list.limit;
		send_pkgs(req, ix, &ids, 0, (struct strlist){NULL, 0}, (struct strlist){NULL, 0},
			  note, env, emit, ctx);
		break;
	}
	case MSG_INFO: {
		const struct strlist *names = &req->u.info.names;
		const char **missing = xmalloc((names->n ? names->n : 1) * sizeof(*missing));
		char **prov = xcalloc(names->n ? names->n : 1, sizeof(*prov));
		uint32_t nmissing = 0;
		for (uint32_t i = 0; i < names->n; i++) {
			long id = index_find(ix, names->v[i]);
			if (id >= 0) {
				ids_push(&ids, (uint32_t)id);
				continue;
			}
			struct ids p = {0};
			struct buf b = {0};
			query_providers(ix, names->v[i], &p);
			for (size_t k = 0; k < p.n; k++)
				buf_printf(&b, "%s%s", k ? ", " : "", index_get(ix, p.v[k])->name);
			prov[nmissing] = b.p ? b.p : xstrdup("");
			missing[nmissing++] = names->v[i];
			ids_free(&p);
		}
		send_pkgs(req, ix, &ids, 1, (struct strlist){missing, nmissing},
			  (struct strlist){(const char *const *)prov, nmissing}, NULL, env, emit, ctx);
		for (uint32_t i = 0; i < nmissing; i++)
			free(prov[i]);
		free(prov);
		free(missing);
		break;
	}
	case MSG_STATUS:
		send_status(e, req, env, emit, ctx);
		break;
	case MSG_VULNS:
		service_vulns(req, env, emit, ctx);
		break;
	case MSG_SBOM:
		send_sbom(e, req, env, emit, ctx);
		break;
	default:
		if ((req->h.type >= MSG_PLAN && req->h.type <= MSG_ATTACH) ||
		    req->h.type == MSG_HISTORY) {
			snprintf(err, sizeof(err),
				 "%s needs the engine's transaction service: run it without "
				 "--no-daemon", codec_type_name(req->h.type));
			error(req, ERR_UNSUPPORTED, err, emit, ctx);
		} else {
			snprintf(err, sizeof(err), "a %s message is not a request",
				 codec_type_name(req->h.type));
			error(req, ERR_UNKNOWN_TYPE, err, emit, ctx);
		}
	}
	ids_free(&ids);
}
