/* SPDX-License-Identifier: MIT */
/* Runtime indexes: kinds, version strings and their order, building an index, and the host. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "engine/runtimes/rt-int.h"
#include "util/strpool.h"
#include "util/utf8.h"
#include "util/xalloc.h"

static const char *const kind_names[RT_KINDS] = {
	[RT_NODE] = "node", [RT_PYTHON] = "python", [RT_GO] = "go", [RT_RUST] = "rust",
	[RT_RUBY] = "ruby", [RT_JAVA] = "java",     [RT_BUN] = "bun",
};

const char *rt_kind_name(enum rt_kind k)
{
	return (unsigned)k < RT_KINDS ? kind_names[k] : "?";
}

int rt_kind_from_name(const char *name, enum rt_kind *out)
{
	for (int k = 0; k < RT_KINDS; k++)
		if (name && strcmp(name, kind_names[k]) == 0) {
			*out = (enum rt_kind)k;
			return 0;
		}
	return -1;
}

int rt_fail(char *err, size_t errlen, const char *fmt, ...)
{
	if (!errlen)
		return -1;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	for (char *c = err; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = ' ';
	return -1;
}

int rt_hex64(const char *s)
{
	size_t i = 0;
	for (; s[i]; i++)
		if (i >= 64 || !isxdigit((unsigned char)s[i]))
			return 0;
	return i == 64;
}

void rt_hex_lower(const char *s, char out[65])
{
	for (int i = 0; i < 64; i++)
		out[i] = (char)tolower((unsigned char)s[i]);
	out[64] = '\0';
}

int rt_has_control(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 1;
	return 0;
}

int rt_url_ok(const char *s)
{
	if (strncmp(s, "http://", 7) != 0 && strncmp(s, "https://", 8) != 0)
		return 0;
	if (strlen(s) >= 1024)
		return 0;
	const char *host = strstr(s, "://") + 3;
	if (!*host || *host == '/')
		return 0; /* a URL names a host */
	for (; *s; s++)
		if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f || *s == '"' ||
		    *s == '\\' || *s == '<' || *s == '>')
			return 0;
	return 1;
}

int rt_version_ok(const char *s)
{
	if (!s || !isalnum((unsigned char)s[0]))
		return 0;
	size_t n = 0;
	for (const char *p = s; *p; p++, n++) {
		if (n >= RT_VERSION_MAX)
			return 0;
		if (!isalnum((unsigned char)*p) && !strchr(".+-_", *p))
			return 0;
		if (p[0] == '.' && p[1] == '.')
			return 0;
	}
	return 1;
}

/* Whether the letters at s (n of them) are ruby's patch level "p" followed by digits. */
static int is_patchlevel(const char *s, size_t n)
{
	return n == 1 && s[0] == 'p' && isdigit((unsigned char)s[1]);
}

int rt_version_stable(const char *v)
{
	for (const char *p = v; *p; p++)
		if (isalpha((unsigned char)*p)) {
			size_t n = 0;
			while (isalpha((unsigned char)p[n]))
				n++;
			if (!is_patchlevel(p, n))
				return 0;
			p += n - 1;
		}
	return 1;
}

int rt_version_major(const char *v)
{
	if (!isdigit((unsigned char)*v))
		return -1;
	long m = 0;
	for (; isdigit((unsigned char)*v); v++)
		if ((m = m * 10 + (*v - '0')) > 1000000)
			return -1;
	return (int)m;
}

/* The next run of a version after separators: digits or letters; *n its length, 0 at the
 * end. Other bytes are separators. */
static const char *next_run(const char *p, size_t *n, int *digits)
{
	while (*p && !isalnum((unsigned char)*p))
		p++;
	*digits = isdigit((unsigned char)*p);
	*n = 0;
	while (p[*n] && (*digits ? isdigit((unsigned char)p[*n]) : isalpha((unsigned char)p[*n])))
		(*n)++;
	return p;
}

int rt_vercmp(const char *a, const char *b)
{
	for (;;) {
		size_t na, nb;
		int da, db;
		a = next_run(a, &na, &da);
		b = next_run(b, &nb, &db);
		if (!na || !nb) {
			if (!na && !nb)
				return 0;
			/* One goes on: with letters it is a pre-release of the other (newer is
			 * the one that stopped), except a patch level; with digits it is newer. */
			const char *rest = na ? a : b;
			size_t nr = na ? na : nb;
			int newer_rest = isdigit((unsigned char)*rest) || is_patchlevel(rest, nr);
			return (na ? 1 : -1) * (newer_rest ? 1 : -1);
		}
		if (da != db)
			return da ? 1 : -1; /* a number is newer than letters: 1.21.0 > 1.21rc2 */
		if (da) {
			while (na > 1 && *a == '0')
				a++, na--;
			while (nb > 1 && *b == '0')
				b++, nb--;
			if (na != nb)
				return na < nb ? -1 : 1;
		}
		size_t m = na < nb ? na : nb;
		int c = memcmp(a, b, m);
		if (c)
			return c < 0 ? -1 : 1;
		if (na != nb)
			return na < nb ? -1 : 1;
		a += na;
		b += nb;
	}
}

void rt_index_init(struct rt_index *idx, enum rt_kind kind)
{
	memset(idx, 0, sizeof(*idx));
	idx->kind = kind;
	idx->pool = strpool_new();
}

void rt_index_free(struct rt_index *idx)
{
	for (size_t i = 0; i < idx->n; i++)
		free(idx->v[i].files);
	free(idx->v);
	free(idx->java_lts);
	strpool_free(idx->pool);
	memset(idx, 0, sizeof(*idx));
}

const char *rt_str(struct rt_index *idx, const char *s)
{
	return strpool_str(idx->pool, s ? s : "");
}

struct rt_release *rt_index_push(struct rt_index *idx)
{
	idx->v = xgrow(idx->v, &idx->cap, idx->n + 1, sizeof(*idx->v));
	struct rt_release *r = &idx->v[idx->n++];
	memset(r, 0, sizeof(*r));
	r->version = r->raw = r->date = "";
	r->major = -1;
	return r;
}

void rt_release_add_file(struct rt_index *idx, struct rt_release *r, const struct rt_file *f)
{
	/* Files are few per release: grown one at a time. */
	r->files = xrealloc(r->files, (r->nfiles + 1) * sizeof(*r->files));
	struct rt_file *o = &r->files[r->nfiles++];
	o->name = rt_str(idx, f->name);
	o->url = rt_str(idx, f->url);
	o->os = rt_str(idx, f->os);
	o->arch = rt_str(idx, f->arch);
	o->kind = rt_str(idx, f->kind);
	o->sha256 = rt_str(idx, f->sha256);
	o->size = f->size;
}

void rt_index_truncate(struct rt_index *idx, size_t n)
{
	while (idx->n > n)
		free(idx->v[--idx->n].files);
}

/* A release and where it stood: qsort is not stable, so the position breaks ties. */
struct ranked {
	struct rt_release r;
	size_t pos;
};

/* qsort's order: newest first, then the order they came in. */
static int by_version(const void *x, const void *y)
{
	const struct ranked *a = x, *b = y;
	int c = rt_vercmp(b->r.version, a->r.version);
	if (c)
		return c;
	return a->pos < b->pos ? -1 : a->pos > b->pos;
}

void rt_index_sort(struct rt_index *idx)
{
	if (idx->n < 2)
		return;
	struct ranked *t = xmalloc(idx->n * sizeof(*t));
	for (size_t i = 0; i < idx->n; i++)
		t[i] = (struct ranked){idx->v[i], i};
	qsort(t, idx->n, sizeof(*t), by_version);
	for (size_t i = 0; i < idx->n; i++)
		idx->v[i] = t[i].r;
	free(t);
}

const struct rt_release *rt_index_find(const struct rt_index *idx, const char *version)
{
	for (size_t i = 0; i < idx->n; i++)
		if (strcmp(idx->v[i].version, version) == 0)
			return &idx->v[i];
	return NULL;
}

int rt_index_add(struct rt_index *idx, const char *version, char *err, size_t errlen)
{
	const char *v = version ? version : "";
	if (strncmp(v, "bun-v", 5) == 0)
		v += 5;
	else if (v[0] == 'v' && isdigit((unsigned char)v[1]))
		v++;
	if (!rt_version_ok(v))
		return rt_fail(err, errlen, "%s: '%.80s' is not a version", rt_kind_name(idx->kind),
			       version ? version : "");
	if (rt_index_find(idx, v))
		return rt_fail(err, errlen, "%s: %s is listed twice", rt_kind_name(idx->kind), v);
	struct rt_release *r = rt_index_push(idx);
	r->version = rt_str(idx, v);
	r->raw = rt_str(idx, version);
	r->stable = rt_version_stable(v);
	r->major = rt_version_major(v);
	return 0;
}

cJSON *rt_json_doc(const char *what, const char *body, size_t len, int want, char *err,
		   size_t errlen)
{
	if (!body || !len) {
		rt_fail(err, errlen, "%s: empty", what);
		return NULL;
	}
	/* A NUL would end a string early without cJSON saying so. */
	if (memchr(body, '\0', len) || !utf8_valid(body, len)) {
		rt_fail(err, errlen, "%s: not UTF-8 text", what);
		return NULL;
	}
	const char *end = NULL;
	cJSON *doc = cJSON_ParseWithLengthOpts(body, len, &end, 0);
	if (!doc) {
		size_t at = end && end >= body ? (size_t)(end - body) : 0;
		rt_fail(err, errlen, "%s: not JSON (at byte %zu)", what, at);
		return NULL;
	}
	for (const char *p = end; p < body + len; p++)
		if (!*p || !strchr(" \t\r\n", *p)) {
			rt_fail(err, errlen, "%s: data after the JSON value (at byte %zu)", what,
				(size_t)(p - body));
			cJSON_Delete(doc);
			return NULL;
		}
	if ((doc->type & 0xff) != want) {
		rt_fail(err, errlen, "%s: not a JSON %s", what,
			want == cJSON_Array ? "array" : "object");
		cJSON_Delete(doc);
		return NULL;
	}
	return doc;
}

int rt_json_each(struct rt_index *idx, const char *what, const char *body, size_t len,
		 int (*fn)(struct rt_index *idx, const cJSON *e, size_t i, void *ctx), void *ctx,
		 char *err, size_t errlen)
{
	cJSON *doc = rt_json_doc(what, body, len, cJSON_Array, err, errlen);
	if (!doc)
		return -1;
	size_t n0 = idx->n, i = 0;
	const cJSON *e;
	int rc = 0;
	cJSON_ArrayForEach(e, doc) {
		if (fn(idx, e, i++, ctx) != 0) {
			rc = -1;
			break;
		}
	}
	if (rc)
		rt_index_truncate(idx, n0);
	cJSON_Delete(doc);
	return rc;
}

int rt_json_int(const cJSON *it, int64_t *out)
{
	if (!cJSON_IsNumber(it))
		return -1;
	double d = it->valuedouble;
	if (!(d - d == 0) || d != (double)(int64_t)d || d < -9.0e18 || d > 9.0e18)
		return -1;
	*out = (int64_t)d;
	return 0;
}

int rt_host_detect(struct rt_host *out, char *err, size_t errlen)
{
	struct utsname u;
	if (uname(&u) != 0)
		return rt_fail(err, errlen, "uname failed");
	if (strcmp(u.machine, "x86_64") == 0)
		out->arch = RT_X86_64;
	else if (strcmp(u.machine, "aarch64") == 0 || strcmp(u.machine, "arm64") == 0)
		out->arch = RT_AARCH64;
	else
		return rt_fail(err, errlen, "runtimes: no builds are known for %s", u.machine);
	return 0;
}

const char *rt_host_triple(const struct rt_host *h)
{
	return h->arch == RT_AARCH64 ? "aarch64-unknown-linux-gnu" : "x86_64-unknown-linux-gnu";
}
