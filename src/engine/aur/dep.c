/* SPDX-License-Identifier: MIT */
/* Dependency strings ("glibc>=2.38") split and matched against a package the way libalpm
 * does (alpm_dep_from_string, _alpm_depcmp_literal, _alpm_depcmp_provides). */
#include "engine/aur/aur.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/vercmp.h"
#include "util/xalloc.h"

enum mod { MOD_ANY, MOD_EQ, MOD_GE, MOD_LE, MOD_GT, MOD_LT };

static const char *const mod_words[] = {
	[MOD_ANY] = "", [MOD_EQ] = "=", [MOD_GE] = ">=", [MOD_LE] = "<=",
	[MOD_GT] = ">", [MOD_LT] = "<",
};

/* A dependency's parts, pointing into its string. */
struct dep {
	const char *name;
	size_t namelen;
	enum mod mod;
	const char *ver; /* NULL without a condition */
	size_t verlen;
};

/*
 * As alpm_dep_from_string: a description after ": " (an optdepend's, with the
 * blank so an epoch's colon is not one) is not part of the dependency; the
 * first '<', else the first '>', else the first '=' starts the condition
 * ("<=" and ">=" are one operator).
 */
static void dep_parse(const char *s, struct dep *d)
{
	const char *desc = strstr(s, ": ");
	size_t len = desc ? (size_t)(desc - s) : strlen(s);
	const char *p;
	d->ver = NULL;
	d->verlen = 0;
	if ((p = memchr(s, '<', len)) || (p = memchr(s, '>', len))) {
		int eq = p[1] == '=';
		d->mod = *p == '<' ? (eq ? MOD_LE : MOD_LT) : (eq ? MOD_GE : MOD_GT);
		d->ver = p + 1 + eq;
	} else if ((p = memchr(s, '=', len))) {
		d->mod = MOD_EQ;
		d->ver = p + 1;
	} else {
		d->mod = MOD_ANY;
		p = s + len;
	}
	d->name = s;
	d->namelen = (size_t)(p - s);
	if (d->ver)
		d->verlen = (size_t)(s + len - d->ver);
}

void aur_dep_split(const char *dep, char *name, size_t namelen, const char **op,
		   const char **ver)
{
	struct dep d;
	dep_parse(dep, &d);
	if (namelen)
		snprintf(name, namelen, "%.*s", (int)d.namelen, d.name);
	*op = mod_words[d.mod];
	*ver = d.ver ? d.ver : "";
}

/* Whether the parts' name is name. */
static int named(const struct dep *d, const char *name)
{
	return strlen(name) == d->namelen && memcmp(name, d->name, d->namelen) == 0;
}

/* alpm's dep_vercmp: whether version meets the condition (mod, want[0..wantlen)). */
static int meets(const char *version, size_t len, enum mod mod, const char *want,
		 size_t wantlen)
{
	if (mod == MOD_ANY)
		return 1;
	char *a = xstrndup(version, len), *b = xstrndup(want, wantlen);
	int c = vercmp_alpm(a, b);
	free(a);
	free(b);
	switch (mod) {
	case MOD_EQ: return c == 0;
	case MOD_GE: return c >= 0;
	case MOD_LE: return c <= 0;
	case MOD_GT: return c > 0;
	case MOD_LT: return c < 0;
	case MOD_ANY: break;
	}
	return 1;
}

int aur_dep_satisfied(const char *dep, const char *name, const char *version,
		      const struct strlist *provides)
{
	struct dep d;
	dep_parse(dep, &d);
	if (name && named(&d, name) &&
	    meets(version ? version : "", version ? strlen(version) : 0, d.mod, d.ver, d.verlen))
		return 1;
	for (uint32_t i = 0; provides && i < provides->n; i++) {
		struct dep p;
		dep_parse(provides->v[i], &p);
		if (p.namelen != d.namelen || memcmp(p.name, d.name, d.namelen) != 0)
			continue;
		/* Any provision of the name meets an unversioned dependency; a versioned one
		 * only by a provision that names its version with '='. */
		if (d.mod == MOD_ANY)
			return 1;
		if (p.mod == MOD_EQ && meets(p.ver, p.verlen, d.mod, d.ver, d.verlen))
			return 1;
	}
	return 0;
}
