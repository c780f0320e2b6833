/* SPDX-License-Identifier: MIT */
/* Choosing a release: latest, lts, a version prefix or an exact version; a miss names the closest. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine/runtimes/rt-int.h"
#include "util/buf.h"
#include "util/similar.h"
#include "util/xalloc.h"

/* Whether version starts with prefix at a component boundary: "20" names 20.11.1 and
 * 20, not 201.0.0; "1.21" names 1.21rc2 too (letters start a component). */
static int prefix_of(const char *prefix, const char *version)
{
	size_t n = strlen(prefix);
	if (strncmp(prefix, version, n) != 0)
		return 0;
	char next = version[n];
	if (!next)
		return 1;
	/* A prefix that ends in a separator ("20.") takes what follows as it is. */
	if (!isalnum((unsigned char)prefix[n - 1]))
		return 1;
	return !(isdigit((unsigned char)prefix[n - 1]) && isdigit((unsigned char)next)) &&
	       !(isalpha((unsigned char)prefix[n - 1]) && isalpha((unsigned char)next));
}

/* The newest release (idx sorted) that keep accepts, stable ones first, or NULL. */
static const struct rt_release *newest(const struct rt_index *idx,
				       int (*keep)(const struct rt_release *, const void *),
				       const void *arg)
{
	const struct rt_release *any = NULL;
	for (size_t i = 0; i < idx->n; i++) {
		const struct rt_release *r = &idx->v[i];
		if (!keep(r, arg))
			continue;
		if (r->stable)
			return r;
		if (!any)
			any = r;
	}
	return any;
}

static int keep_all(const struct rt_release *r, const void *arg)
{
	(void)r, (void)arg;
	return 1;
}

static int keep_lts(const struct rt_release *r, const void *arg)
{
	(void)arg;
	return r->lts != NULL;
}

static int keep_codename(const struct rt_release *r, const void *arg)
{
	return r->lts && strcasecmp(r->lts, arg) == 0;
}

static int keep_major(const struct rt_release *r, const void *arg)
{
	return r->major == *(const int *)arg;
}

static int keep_prefix(const struct rt_release *r, const void *arg)
{
	return prefix_of(arg, r->version);
}

/* want without the prefix its runtime's versions are often written with. */
static const char *strip_prefix(enum rt_kind k, const char *want)
{
	static const struct {
		enum rt_kind k;
		const char *p;
	} pre[] = {{RT_BUN, "bun-v"}, {RT_GO, "go"}, {RT_RUBY, "ruby-"}, {RT_JAVA, "jdk-"}};
	for (size_t i = 0; i < sizeof(pre) / sizeof(pre[0]); i++) {
		size_t n = strlen(pre[i].p);
		if (k == pre[i].k && strncmp(want, pre[i].p, n) == 0 &&
		    isdigit((unsigned char)want[n]))
			return want + n;
	}
	if ((k == RT_NODE || k == RT_BUN) && want[0] == 'v' && isdigit((unsigned char)want[1]))
		return want + 1;
	return want;
}

/* Adds v to the list of closest versions when not there yet (at most 3). */
static void closest_add(const char **list, size_t *n, const char *v)
{
	if (!v || *n >= 3)
		return;
	for (size_t i = 0; i < *n; i++)
		if (strcmp(list[i], v) == 0)
			return;
	list[(*n)++] = v;
}

/* The miss: "node: no release matches 19.99; closest: 19.9.0, 20.11.1". */
static int miss(const struct rt_index *idx, const char *want, char *err, size_t errlen)
{
	const char *name = rt_kind_name(idx->kind);
	if (!idx->n)
		return rt_fail(err, errlen, "%s: no release matches %s (the index lists none)", name,
			       want);
	const char *list[3];
	size_t n = 0;
	/* A typo of a listed version first. */
	const char **all = xmalloc(idx->n * sizeof(*all));
	for (size_t i = 0; i < idx->n; i++)
		all[i] = idx->v[i].version;
	closest_add(list, &n, similar_closest(want, all, idx->n));
	free(all);
	/* Then the newest of the longest shared leading components ("20.99" -> 20.x). */
	char pre[RT_VERSION_MAX + 1];
	snprintf(pre, sizeof(pre), "%s", want);
	for (;;) {
		char *dot = strrchr(pre, '.');
		if (!dot)
			break;
		*dot = '\0';
		const struct rt_release *r = newest(idx, keep_prefix, pre);
		if (r) {
			closest_add(list, &n, r->version);
			break;
		}
	}
	/* Then the release of the nearest major below and above. */
	int want_major = rt_version_major(want);
	if (want_major >= 0) {
		const struct rt_release *below = NULL, *above = NULL;
		for (size_t i = 0; i < idx->n; i++) {
			const struct rt_release *r = &idx->v[i];
			if (r->major < 0 || !r->stable)
				continue;
			if (r->major <= want_major && (!below || r->major > below->major))
				below = r;
			if (r->major > want_major && (!above || r->major < above->major ||
						      (r->major == above->major &&
						       rt_vercmp(r->version, above->version) > 0)))
				above = r;
		}
		closest_add(list, &n, below ? below->version : NULL);
		closest_add(list, &n, above ? above->version : NULL);
	}
	closest_add(list, &n, newest(idx, keep_all, NULL)->version);
	struct buf b = {0};
	for (size_t i = 0; i < n; i++)
		buf_printf(&b, "%s%s", i ? ", " : "", list[i]);
	rt_fail(err, errlen, "%s: no release matches %s; closest: %s", name, want, buf_str(&b));
	buf_free(&b);
	return -1;
}

/* java's "lts": the newest release of most_recent_lts, else of the highest LTS feature. */
static const struct rt_release *java_lts(const struct rt_index *idx)
{
	int feature = idx->java_most_recent_lts;
	if (feature <= 0) {
		for (size_t i = 0; i < idx->n; i++)
			if (idx->v[i].lts && idx->v[i].major > feature)
				feature = idx->v[i].major;
	}
	return feature > 0 ? newest(idx, keep_major, &feature) : NULL;
}

int rt_select(const struct rt_index *idx, const char *want, const struct rt_release **out,
	      char *err, size_t errlen)
{
	const char *name = rt_kind_name(idx->kind);
	*out = NULL;
	if (!want || !*want)
		return rt_fail(err, errlen, "%s: no version given", name);
	if (strcmp(want, "latest") == 0) {
		if (!idx->n)
			return rt_fail(err, errlen, "%s: the index lists no release", name);
		*out = newest(idx, keep_all, NULL);
		return 0;
	}
	if (strcmp(want, "lts") == 0 || strcmp(want, "lts/*") == 0) {
		if (idx->kind == RT_NODE)
			*out = newest(idx, keep_lts, NULL);
		else if (idx->kind == RT_JAVA)
			*out = java_lts(idx);
		else
			return rt_fail(err, errlen, "%s has no LTS releases: say latest or a version",
				       name);
		if (!*out)
			return rt_fail(err, errlen, "%s: the index lists no LTS release", name);
		return 0;
	}
	if (idx->kind == RT_NODE && strncmp(want, "lts/", 4) == 0) {
		const char *code = want + 4;
		int ok = *code && strlen(code) <= 32;
		for (const char *c = code; ok && *c; c++)
			ok = isalpha((unsigned char)*c);
		if (!ok)
			return rt_fail(err, errlen, "%s: '%.80s' is not lts/ and a codename", name,
				       want);
		*out = newest(idx, keep_codename, code);
		if (!*out)
			return rt_fail(err, errlen, "%s: no LTS line is called %s", name, code);
		return 0;
	}
	const char *v = strip_prefix(idx->kind, want);
	if (!rt_version_ok(v)) {
		char shown[96];
		size_t i = 0;
		for (; want[i] && i < 80; i++)
			shown[i] = (unsigned char)want[i] < 0x20 || want[i] == 0x7f ? '?' : want[i];
		shown[i] = '\0';
		return rt_fail(err, errlen,
			       "%s: '%s%s' is not a version (letters, digits and . + - _ only)", name,
			       shown, want[i] ? "..." : "");
	}
	const struct rt_release *exact = rt_index_find(idx, v);
	if (exact) {
		*out = exact;
		return 0;
	}
	*out = newest(idx, keep_prefix, v);
	if (*out)
		return 0;
	return miss(idx, v, err, errlen);
}
