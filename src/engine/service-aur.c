/* SPDX-License-Identifier: MIT */
/* Replies about the AUR: an aur request's answer, and what the AUR says of the foreign packages in
 * other replies. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/aur/svc.h"
#include "engine/service-int.h"
#include "ipc/codec.h"
#include "util/vercmp.h"
#include "util/xalloc.h"

/* The snapshot URL of a record on the wire. */
#define URL_MAX 1024

void service_aur_annotate(const struct service_env *env, struct msg_pkg *mp, struct pkg_aur *slot,
			  char *url, size_t urllen)
{
	const struct pkg *p = &mp->pkg;
	if (!(p->flags & PKG_FOREIGN) || !env->aur_foreign)
		return;
	const struct aur_pkg *a = aur_foreign_find(env->aur_foreign, p->name);
	if (a) {
		aur_pkg_aur(env->aur, a, slot, url, urllen);
		mp->aur = slot;
		mp->naur = 1;
		/* A newer AUR version is an upgrade (paru's rule), unless IgnorePkg holds it. */
		if (p->installed_version[0] && vercmp_alpm(a->version, p->installed_version) > 0) {
			mp->pkg.version = a->version;
			mp->pkg.repo = "aur";
			if (!(p->flags & PKG_HELD))
				mp->pkg.flags |= PKG_UPGRADABLE;
		}
	} else if (aur_foreign_missing(env->aur_foreign, p->name)) {
		memset(slot, 0, sizeof(*slot));
		slot->state = PKG_AUR_MISSING;
		slot->version = slot->maintainer = slot->submitter = slot->snapshot = "";
		mp->aur = slot;
		mp->naur = 1;
	}
}

/* The ids of foreign packages whose AUR version is newer (and not held), for list --upgradable. */
void service_aur_upgradable(const struct index *ix, const struct service_env *env, struct ids *ids)
{
	if (!env->aur_foreign)
		return;
	struct ids foreign = {0};
	query_list(ix, LIST_FOREIGN, &foreign);
	size_t before = ids->n;
	for (size_t i = 0; i < foreign.n; i++) {
		const struct pkg *p = index_get(ix, foreign.v[i]);
		const struct aur_pkg *a = aur_foreign_find(env->aur_foreign, p->name);
		if (a && !(p->flags & PKG_HELD) && !(p->flags & PKG_UPGRADABLE) &&
		    vercmp_alpm(a->version, p->installed_version) > 0)
			ids_push(ids, foreign.v[i]);
	}
	ids_free(&foreign);
	if (ids->n == before)
		return;
	/* Back in name order, as the index lists them. */
	for (size_t i = 1; i < ids->n; i++)
		for (size_t k = i; k > 0 && strcmp(index_get(ix, ids->v[k - 1])->name,
						   index_get(ix, ids->v[k])->name) > 0; k--) {
			uint32_t t = ids->v[k];
			ids->v[k] = ids->v[k - 1];
			ids->v[k - 1] = t;
		}
}

/* Bytes an AUR record takes on the wire, roughly. */
static size_t aur_wire_size(const struct aur_pkg *a)
{
	size_t n = 256 + strlen(a->name) + strlen(a->version) + strlen(a->desc) + strlen(a->url) +
		   strlen(a->url_path) + strlen(a->maintainer) + strlen(a->base);
	const struct strlist *l[] = {&a->depends, &a->makedepends, &a->checkdepends, &a->optdepends,
				     &a->conflicts, &a->provides, &a->replaces, &a->groups,
				     &a->licenses, &a->keywords, &a->comaintainers};
	for (size_t k = 0; k < sizeof(l) / sizeof(l[0]); k++)
		for (uint32_t i = 0; i < l[k]->n; i++)
			n += 4 + strlen(l[k]->v[i]);
	return n;
}

void service_aur_reply(const struct msg *req, const struct aur_answer *ans, const char *off,
		       const struct index *ix, const struct service_env *env, service_emit emit,
		       void *ctx)
{
	struct msg r;
	memset(&r, 0, sizeof(r));
	r.h.id = req->h.id;
	uint32_t op = req->u.aur.op;
	if (op == AUR_REQ_REVIEW || op == AUR_REQ_APPROVE || op == AUR_REQ_DECLINE) {
		if (off || !ans || ans->error_code) {
			r.h.type = MSG_ERROR;
			r.u.error.code = off ? ERR_UNSUPPORTED : (uint32_t)ans->error_code;
			r.u.error.message = off ? off : ans->error;
		} else {
			r.h.type = MSG_AUR_REVIEW;
			r.u.aur_review.base = ans->base;
			r.u.aur_review.kind = ans->kind;
			r.u.aur_review.hash = ans->hash;
			r.u.aur_review.text = buf_str((struct buf *)&ans->text);
			r.u.aur_review.approved = ans->approved;
		}
		emit(ctx, &r);
		return;
	}
	if (op != AUR_REQ_SEARCH && op != AUR_REQ_INFO) {
		r.h.type = MSG_ERROR;
		r.u.error.code = ERR_USAGE;
		r.u.error.message = "unknown aur operation";
		emit(ctx, &r);
		return;
	}
	const char *warning = off ? off : ans && ans->warning[0] ? ans->warning : NULL;
	if (off && (req->u.aur.flags & AUR_FLAG_QUIET_OFF))
		warning = NULL; /* the official results' companion: the AUR is simply not here */
	size_t n = ans && !off ? ans->list.n : 0;
	struct msg_pkg *batch = xcalloc(n ? n : 1, sizeof(*batch));
	struct pkg_aur *extra = xcalloc(n ? n : 1, sizeof(*extra));
	char (*urls)[URL_MAX] = xmalloc((n ? n : 1) * sizeof(*urls));
	const char *missing_store[256];
	uint32_t nmissing = 0;
	if (op == AUR_REQ_INFO && !off && !warning)
		for (uint32_t i = 0; i < req->u.aur.args.n && nmissing < 256; i++)
			if (!aur_list_find(&ans->list, req->u.aur.args.v[i]))
				missing_store[nmissing++] = req->u.aur.args.v[i];
	size_t start = 0;
	do {
		size_t k = 0, bytes = 256;
		while (start + k < n) {
			const struct aur_pkg *a = &ans->list.v[start + k];
			size_t w = aur_wire_size(a);
			if (k && bytes + w > env->frame_max / 2)
				break;
			struct msg_pkg *mp = &batch[k];
			memset(mp, 0, sizeof(*mp));
			aur_to_pkg(a, &mp->pkg);
			long id = index_find(ix, a->name);
			if (id >= 0) {
				const struct pkg *local = index_get(ix, (size_t)id);
				if (local->flags & PKG_INSTALLED) {
					mp->pkg.installed_version = local->installed_version;
					mp->pkg.flags |= PKG_INSTALLED;
					mp->pkg.reason = local->reason;
					mp->pkg.install_date = local->install_date;
					if (vercmp_alpm(a->version, local->installed_version) > 0)
						mp->pkg.flags |= PKG_UPGRADABLE;
				}
			}
			aur_pkg_aur(env->aur, a, &extra[start + k], urls[start + k], URL_MAX);
			mp->aur = &extra[start + k];
			mp->naur = 1;
			bytes += w;
			k++;
		}
		memset(&r, 0, sizeof(r));
		r.h.type = MSG_PKGS;
		r.h.id = req->h.id;
		r.h.flags = start + k < n ? MSG_FLAG_MORE : 0;
		r.u.pkgs.detail = op == AUR_REQ_INFO ? PKGS_FULL : PKGS_BRIEF;
		r.u.pkgs.count = (uint32_t)k;
		r.u.pkgs.pkgs = batch;
		if (start == 0) {
			r.u.pkgs.missing = (struct strlist){missing_store, nmissing};
			r.u.pkgs.warnings = (struct strlist){&warning, warning ? 1 : 0};
		}
		emit(ctx, &r);
		start += k;
	} while (start < n);
	free(urls);
	free(extra);
	free(batch);
}
