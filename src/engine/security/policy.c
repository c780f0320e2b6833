/* SPDX-License-Identifier: MIT */
/* The [policy] rules: deny globs, advisories at or above a severity, a root that accepts unsigned packages. */
#include "engine/security/policy.h"

#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

#include "util/buf.h"
#include "util/xalloc.h"

/* Advisories named in one severity reason before "and N more": a reason stays one readable line. */
#define SEVERITY_SHOWN 6

/* Whether an item puts a version of its package on the system. */
static int installs(uint32_t action)
{
	return action == ACT_INSTALL || action == ACT_UPGRADE || action == ACT_DOWNGRADE ||
	       action == ACT_REINSTALL;
}

/* Whether an item brings a version that was not installed (a reinstall does not). */
static int new_version(uint32_t action)
{
	return action == ACT_INSTALL || action == ACT_UPGRADE || action == ACT_DOWNGRADE;
}

static void add(struct policy_violation **v, uint32_t *n, uint32_t rule, const char *package,
		const char *reason, struct strpool *arena)
{
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[*n] = (struct policy_violation){rule, strpool_str(arena, package),
					     strpool_copy(arena, reason, strlen(reason)), 0};
	(*n)++;
}

/* The first deny glob name matches, copied into glob; 0 when none does. */
static int denied(const char *deny, const char *name, char *glob, size_t globlen)
{
	for (const char *p = deny; p && *p;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		const char *s = p;
		p = end ? end + 1 : NULL;
		while (len && (*s == ' ' || *s == '\t'))
			s++, len--;
		while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
			len--;
		if (!len || len >= globlen)
			continue; /* an empty entry; one too long for the key never fits anyway */
		memcpy(glob, s, len);
		glob[len] = '\0';
		if (fnmatch(glob, name, 0) == 0)
			return 1;
	}
	return 0;
}

/* What the severity rule collects of one version's advisories. */
struct sev_ctx {
	int threshold;
	struct buf *b;
	unsigned shown, more;
};

static void on_advisory(void *ctx, const struct advisory *a)
{
	struct sev_ctx *c = ctx;
	if ((int)a->severity < c->threshold)
		return;
	if (c->shown == SEVERITY_SHOWN) {
		c->more++;
		return;
	}
	buf_printf(c->b, "%s%s (%s, ", c->shown ? ", " : " has ", a->id, severity_name(a->severity));
	if (a->fixed && a->fixed[0])
		buf_printf(c->b, "fixed in %s)", a->fixed);
	else
		buf_puts(c->b, "no fix yet)");
	c->shown++;
}

uint32_t policy_eval(const struct policy *p, const struct policy_plan *plan,
		     struct strpool *arena, struct policy_violation **v, uint32_t *n)
{
	uint32_t before = *n;
	int any_install = 0;
	for (uint32_t i = 0; i < plan->nitems; i++)
		any_install |= installs(plan->items[i].action);
	if (p->require_signatures && any_install && plan->unsigned_why)
		add(v, n, POLICY_SIGNATURES, "", plan->unsigned_why, arena);
	int severity_on = p->block_severity > SEV_UNKNOWN && plan->feed && plan->for_version &&
			  plan->vercmp;
	struct buf b = {0};
	char glob[1024]; /* as long as [policy] deny may be */
	for (uint32_t i = 0; i < plan->nitems; i++) {
		const struct trans_item *it = &plan->items[i];
		if (!installs(it->action))
			continue;
		if (p->deny && denied(p->deny, it->name, glob, sizeof(glob))) {
			buf_reset(&b);
			buf_printf(&b, "%s matches '%s'", it->name, glob);
			add(v, n, POLICY_DENY, it->name, b.p, arena);
		}
		if (!severity_on || !new_version(it->action) || !it->new_version[0])
			continue;
		buf_reset(&b);
		buf_printf(&b, "%s %s", it->name, it->new_version);
		struct sev_ctx c = {p->block_severity, &b, 0, 0};
		plan->for_version(plan->feed, it->name, it->new_version,
				  it->source ? it->source : "",
				  it->source_version ? it->source_version : "", plan->vercmp,
				  on_advisory, &c);
		if (!c.shown)
			continue;
		if (c.more)
			buf_printf(&b, " and %u more", c.more);
		buf_printf(&b, "; block_severity is %s", severity_name((uint32_t)p->block_severity));
		add(v, n, POLICY_SEVERITY, it->name, b.p, arena);
	}
	buf_free(&b);
	return *n - before;
}

int policy_check_overrides(const struct strlist *overrides, char *err, size_t errlen)
{
	for (uint32_t i = 0; i < overrides->n; i++)
		if (!policy_rule_parse(overrides->v[i])) {
			snprintf(err, errlen, "unknown policy rule '%s' (severity, deny, signatures)",
				 overrides->v[i]);
			return -1;
		}
	return 0;
}

void policy_override(struct policy_violation *v, uint32_t n, const struct strlist *overrides)
{
	for (uint32_t i = 0; i < n; i++)
		for (uint32_t k = 0; k < overrides->n; k++)
			if (policy_rule_parse(overrides->v[k]) == v[i].rule)
				v[i].overridden = 1;
}

uint32_t policy_blocking(const struct policy_violation *v, uint32_t n)
{
	uint32_t blocking = 0;
	for (uint32_t i = 0; i < n; i++)
		blocking += !v[i].overridden;
	return blocking;
}
