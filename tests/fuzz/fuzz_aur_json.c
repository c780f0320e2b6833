/* SPDX-License-Identifier: MIT */
/* libFuzzer target: aur_parse must accept or refuse any bytes without misbehaving; a refusal
 * is one line and appends nothing, and what it accepts holds the record's promises. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/aur/aur.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every string of a list is non-NULL and non-empty. */
static void check_list(const struct strlist *l)
{
	if (l->n && !l->v)
		abort();
	for (uint32_t i = 0; i < l->n; i++)
		if (!l->v[i] || !*l->v[i])
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A private copy with no NUL after it: the parser must keep to len. */
	char *copy = malloc(size ? size : 1);
	memcpy(copy, data, size);
	struct aur_list l;
	aur_list_init(&l);
	char err[256];
	err[0] = '\0';
	enum aur_status st = aur_parse(copy, size, &l, err, sizeof(err));
	if (st != AUR_OK) {
		if (!err[0] || strchr(err, '\n') || l.n != 0 ||
		    (st != AUR_ERR_BAD && st != AUR_ERR_RPC))
			abort();
	} else {
		for (size_t i = 0; i < l.n; i++) {
			const struct aur_pkg *p = &l.v[i];
			/* Never NULL; the three required fields never empty. */
			if (!p->name || !*p->name || !p->base || !*p->base || !p->version ||
			    !*p->version || !p->desc || !p->url || !p->url_path || !p->maintainer ||
			    !p->submitter)
				abort();
			/* Names go into paths: never a '/', never a leading dot or dash. */
			if (strchr(p->name, '/') || strchr(p->base, '/') || p->name[0] == '.' ||
			    p->name[0] == '-' || strchr(p->version, '/'))
				abort();
			if (*p->url_path && (p->url_path[0] != '/' || p->url_path[1] == '/'))
				abort();
			if (aur_list_find(&l, p->name) == NULL)
				abort();
			const struct strlist *lists[] = {
				&p->depends, &p->makedepends, &p->checkdepends, &p->optdepends,
				&p->conflicts, &p->provides, &p->replaces, &p->groups,
				&p->licenses, &p->keywords, &p->comaintainers,
			};
			for (size_t k = 0; k < sizeof(lists) / sizeof(lists[0]); k++)
				check_list(lists[k]);
			/* The dependency helpers take whatever the reply held. */
			for (uint32_t k = 0; k < p->depends.n; k++) {
				char name[64];
				const char *op, *ver;
				aur_dep_split(p->depends.v[k], name, sizeof(name), &op, &ver);
				(void)aur_dep_satisfied(p->depends.v[k], p->name, p->version,
							&p->provides);
			}
			struct pkg out;
			aur_to_pkg(p, &out);
			if (strcmp(out.repo, "aur") != 0)
				abort();
		}
	}
	aur_list_free(&l);
	free(copy);
	return 0;
}
