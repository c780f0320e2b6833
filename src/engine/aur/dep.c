/* SPDX-License-Identifier: MIT */
/* AUR record lists and dependency strings matched the way libalpm matches them. */
#include "engine/aur/aur.h"

#include <stdlib.h>
#include <string.h>

#include "util/strpool.h"
#include "util/vercmp.h"

void aur_list_init(struct aur_list *l)
{
	memset(l, 0, sizeof(*l));
	l->pool = strpool_new();
}

void aur_list_free(struct aur_list *l)
{
	strpool_free(l->pool);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

const struct aur_pkg *aur_list_find(const struct aur_list *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].name, name) == 0)
			return &l->v[i];
	return NULL;
}

void aur_dep_split(const char *dep, char *name, size_t namelen, const char **op,
		   const char **ver)
{
	size_t n = strcspn(dep, "<>=");
	const char *p = dep + n;

	if (namelen) {
		size_t k = n < namelen - 1 ? n : namelen - 1;
		memcpy(name, dep, k);
		name[k] = '\0';
	}
	if (!*p) {
		*op = "";
		*ver = "";
		return;
	}
	/* The operator as a static string, so callers need not copy it. */
	if (p[0] == '=') {
		*op = "=";
		*ver = p + 1;
	} else if (p[1] == '=') {
		*op = p[0] == '<' ? "<=" : ">=";
		*ver = p + 2;
	} else {
		*op = p[0] == '<' ? "<" : ">";
		*ver = p + 1;
	}
}

/* Whether version meets "op want" (alpm_dep_vercmp); an empty op always does. */
static int version_meets(const char *version, const char *op, const char *want)
{
	if (!*op)
		return 1;
	int c = vercmp_alpm(version ? version : "", want);
	if (strcmp(op, "=") == 0)
		return c == 0;
	if (strcmp(op, "<") == 0)
		return c < 0;
	if (strcmp(op, "<=") == 0)
		return c <= 0;
	if (strcmp(op, ">") == 0)
		return c > 0;
	return c >= 0;
}

int aur_dep_satisfied(const char *dep, const char *name, const char *version,
		      const struct strlist *provides)
{
	size_t dn = strcspn(dep, "<>=");
	char scratch[1];
	const char *op, *ver;

	aur_dep_split(dep, scratch, 0, &op, &ver);
	if (name && strlen(name) == dn && memcmp(name, dep, dn) == 0 &&
	    version_meets(version, op, ver))
		return 1;
	for (uint32_t i = 0; provides && i < provides->n; i++) {
		const char *pv = provides->v[i];
		const char *pop, *pver;

		if (strcspn(pv, "<>=") != dn || memcmp(pv, dep, dn) != 0)
			continue;
		if (!*op)
			return 1;
		aur_dep_split(pv, scratch, 0, &pop, &pver);
		/* "foo" provides only an unversioned "foo"; "foo=1" has a version to compare. */
		if (*pver && version_meets(pver, op, ver))
			return 1;
	}
	return 0;
}
