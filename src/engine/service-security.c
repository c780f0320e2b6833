/* SPDX-License-Identifier: MIT */
/* Requests about advisories: vulns, the vulnerable list, and the advisory flags of package replies. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/security/security.h"
#include "engine/service-int.h"
#include "util/xalloc.h"

uint32_t service_adv_flags(const struct service_env *env, const struct pkg *p)
{
	if (!env->security || !(p->flags & PKG_INSTALLED))
		return 0;
	const struct vulns *vs = security_vulns(env->security);
	const struct vuln *v = vs ? vulns_find(vs, p->name) : NULL;
	if (!v || !v->affected)
		return 0;
	uint32_t f = PKG_VULNERABLE;
	vulns_vercmp cmp = security_vercmp(env->security);
	if (!(p->flags & PKG_UPGRADABLE) || !cmp)
		return f;
	/* Does the candidate fix one of the advisories that affect the installed version? */
	for (uint32_t i = 0; i < v->nadvs && v->advs[i].affects; i++) {
		const struct vuln_adv *a = &v->advs[i];
		if (!a->fixed[0])
			continue;
		const char *ver = a->via_source && p->source_version[0] ? p->source_version
									: p->version;
		if (cmp(ver, a->fixed) >= 0)
			return f | PKG_FIXES_ADVISORY;
	}
	return f;
}

void service_list_vulnerable(const struct service_env *env, struct ids *ids)
{
	const struct vulns *vs = env->security ? security_vulns(env->security) : NULL;
	for (size_t i = 0; vs && i < vs->n; i++)
		if (vs->v[i].affected)
			ids_push(ids, vs->pos[i]);
}

const char *service_vulns_note(const struct service_env *env)
{
	if (!env->security)
		return "no advisory data in this mode";
	struct msg_vulns_reply r;
	security_describe(env->security, (uint64_t)time(NULL), &r);
	switch (r.state) {
	case VULNS_OFF:
		return r.error;
	case VULNS_MISSING:
		return "no advisory data yet (omg vulns --refresh fetches it): nothing is listed";
	case VULNS_STALE:
		return "the advisory data is older than [security] max_age (omg vulns --refresh)";
	default:
		return NULL;
	}
}

/* Bytes a row takes on the wire, roughly, to split replies. */
static size_t row_size(const struct vuln *v)
{
	size_t n = 64 + strlen(v->name) + strlen(v->installed) + strlen(v->source) +
		   strlen(v->fixed);
	for (uint32_t i = 0; i < v->ids.n; i++)
		n += 4 + strlen(v->ids.v[i]);
	for (uint32_t i = 0; i < v->nadvs; i++) {
		const struct vuln_adv *a = &v->advs[i];
		n += 48 + strlen(a->id) + strlen(a->fixed) + strlen(a->affected) + strlen(a->type);
		for (uint32_t k = 0; k < a->issues.n; k++)
			n += 4 + strlen(a->issues.v[k]);
	}
	return n;
}

/* Whether row v is asked for by names (sorted or not; few). */
static int wanted(const struct strlist *names, const struct vuln *v)
{
	if (!names->n)
		return 1;
	for (uint32_t i = 0; i < names->n; i++)
		if (strcmp(names->v[i], v->name) == 0)
			return 1;
	return 0;
}

void service_vulns(const struct msg *req, const struct service_env *env, service_emit emit,
		   void *ctx)
{
	struct msg r;
	memset(&r, 0, sizeof(r));
	r.h.type = MSG_VULNS_REPLY;
	r.h.id = req->h.id;
	if (!env->security) {
		r.u.vulns_reply.state = VULNS_OFF;
		r.u.vulns_reply.url = r.u.vulns_reply.release = "";
		r.u.vulns_reply.error = "no advisory data in this mode";
		emit(ctx, &r);
		return;
	}
	security_describe(env->security, (uint64_t)time(NULL), &r.u.vulns_reply);
	const struct vulns *vs = security_vulns(env->security);
	size_t n = vs ? vs->n : 0;
	struct vuln *rows = xcalloc(n ? n : 1, sizeof(*rows));
	size_t start = 0;
	int all = !!(req->u.vulns.flags & VULNS_ALL);
	do {
		size_t k = 0, bytes = 512;
		while (start < n) {
			const struct vuln *v = &vs->v[start];
			if ((all || v->affected) && wanted(&req->u.vulns.names, v)) {
				size_t w = row_size(v);
				if (k && bytes + w > env->frame_max / 2)
					break;
				rows[k++] = *v;
				bytes += w;
			}
			start++;
		}
		r.h.flags = start < n ? MSG_FLAG_MORE : 0;
		r.u.vulns_reply.count = (uint32_t)k;
		r.u.vulns_reply.rows = rows;
		emit(ctx, &r);
	} while (start < n);
	free(rows);
}
