/* SPDX-License-Identifier: MIT */
/* Advisory feeds: the builder the parsers share, lookup, and the stored blob. */
#include "engine/security/feed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/security/feed-build.h"
#include "util/strpool.h"
#include "util/utf8.h"
#include "util/xalloc.h"

/* A feed and what it owns: every string and list lives in pool, the records in
 * recs (f.v points at it). */
struct feed_impl {
	struct feed f; /* first: feed_free casts back */
	struct strpool *pool;
	struct advisory *recs;
};

/* A record being collected, with its arrival order for a stable sort. */
struct brec {
	struct advisory a;
	size_t seq;
};

struct feed_builder {
	uint32_t kind;
	struct strpool *pool;
	struct brec *v;
	size_t n, cap;
};

struct feed_builder *feed_builder_new(uint32_t kind)
{
	struct feed_builder *b = xcalloc(1, sizeof(*b));
	b->kind = kind;
	b->pool = strpool_new();
	return b;
}

struct strpool *feed_builder_pool(struct feed_builder *b)
{
	return b->pool;
}

void feed_builder_add(struct feed_builder *b, const struct advisory *a)
{
	b->v = xgrow(b->v, &b->cap, b->n + 1, sizeof(*b->v));
	b->v[b->n].a = *a;
	b->v[b->n].seq = b->n;
	b->n++;
}

/* Package, then id: the order feed_lookup and the blob check rely on. */
static int cmp_key(const struct advisory *x, const struct advisory *y)
{
	int c = strcmp(x->package, y->package);
	return c ? c : strcmp(x->id, y->id);
}

/* The full order: the key, then the source bit, then arrival (so a feed
 * made twice from the same text is the same, byte for byte). */
static int cmp_brec(const void *pa, const void *pb)
{
	const struct brec *x = *(const struct brec *const *)pa, *y = *(const struct brec *const *)pb;
	int c = cmp_key(&x->a, &y->a);
	if (c)
		return c;
	unsigned sx = x->a.flags & ADV_SOURCE, sy = y->a.flags & ADV_SOURCE;
	if (sx != sy)
		return sx < sy ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* An empty feed of that kind owning pool, with room for n records. */
static struct feed_impl *impl_new(uint32_t kind, struct strpool *pool, size_t n)
{
	struct feed_impl *fi = xcalloc(1, sizeof(*fi));
	fi->pool = pool;
	fi->recs = xmalloc((n ? n : 1) * sizeof(*fi->recs));
	fi->f.kind = kind;
	fi->f.v = fi->recs;
	fi->f.url = fi->f.etag = fi->f.last_modified = fi->f.release = "";
	return fi;
}

struct feed *feed_builder_finish(struct feed_builder *b, int unique)
{
	/* Pointers are sorted, not the records: a fraction of the moves. */
	struct brec **order = xmalloc((b->n ? b->n : 1) * sizeof(*order));
	for (size_t i = 0; i < b->n; i++)
		order[i] = &b->v[i];
	if (b->n)
		qsort(order, b->n, sizeof(*order), cmp_brec);
	struct feed_impl *fi = impl_new(b->kind, b->pool, b->n);
	size_t n = 0;
	for (size_t i = 0; i < b->n; i++) {
		if (unique && n && cmp_key(&fi->recs[n - 1], &order[i]->a) == 0)
			continue;
		fi->recs[n++] = order[i]->a;
	}
	free(order);
	fi->f.n = n;
	b->pool = strpool_new();
	b->n = 0;
	return &fi->f;
}

void feed_builder_free(struct feed_builder *b)
{
	if (!b)
		return;
	strpool_free(b->pool);
	free(b->v);
	free(b);
}

int feed_text_ok(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	return utf8_valid(s, n);
}

void feed_set_origin(struct feed *f, uint64_t fetched, const char *url, const char *etag,
		     const char *last_modified, const char *release)
{
	struct feed_impl *fi = (struct feed_impl *)f;
	f->fetched = fetched;
	f->url = strpool_str(fi->pool, url);
	f->etag = strpool_str(fi->pool, etag);
	f->last_modified = strpool_str(fi->pool, last_modified);
	f->release = strpool_str(fi->pool, release);
}

void feed_free(struct feed *f)
{
	if (!f)
		return;
	struct feed_impl *fi = (struct feed_impl *)f;
	strpool_free(fi->pool);
	free(fi->recs);
	free(fi);
}

size_t feed_lookup(const struct feed *f, const char *package, const struct advisory **first)
{
	size_t lo = 0, hi = f->n;
	while (lo < hi) { /* the first record whose package is >= package */
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(f->v[mid].package, package) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	size_t end = lo;
	while (end < f->n && strcmp(f->v[end].package, package) == 0)
		end++;
	*first = end > lo ? &f->v[lo] : NULL;
	return end - lo;
}

size_t feed_bytes(const struct feed *f)
{
	const struct feed_impl *fi = (const struct feed_impl *)f;
	return sizeof(*fi) + f->n * sizeof(*fi->recs) + strpool_bytes(fi->pool);
}

/*
 * Blob format (host byte order, like the index's; the store keys it by format):
 *   struct fblob_hdr         counts, the fetch facts (string offsets)
 *   struct fblob_rec[nrecs]  strings as offsets into the string section; a
 *                            record's issues then other_versions follow the
 *                            previous record's lists in the list section
 *   uint32_t lists[nlist]    string offsets
 *   char strings[strings_len] each NUL-terminated; offset 0 is "", the last
 *                            byte is NUL
 * Nothing in it is a pointer, so it can be stored and read back anywhere.
 */
#define FBLOB_MAGIC "OMGFEED\0"
#define FBLOB_FORMAT 1u
#define FBLOB_ENDIAN 0x01020304u

enum { FS_URL, FS_ETAG, FS_LASTMOD, FS_RELEASE, FS_COUNT };

struct fblob_hdr {
	char magic[8];
	uint32_t format, endian, kind;
	uint32_t origin[FS_COUNT];
	uint32_t pad;
	uint64_t fetched, nrecs, nlist, strings_len;
};

struct fblob_rec {
	uint32_t package, id, fixed, affected, type;
	uint32_t issues_n, other_n;
	uint8_t severity, status;
	uint16_t flags;
};

#define ADV_KNOWN_FLAGS (ADV_SOURCE | ADV_REMOTE | ADV_LOCAL | ADV_FIX_IN_SUITE)

/* Every distinct string of a feed (by pointer) and its offset in the string
 * section: sorted by pointer, found by binary search. */
struct strtab {
	const char **ptr;
	uint32_t *off;
	size_t n, cap;
};

static void strtab_add(struct strtab *t, const char *s)
{
	if (!*s)
		return; /* "" is offset 0 */
	t->ptr = xgrow(t->ptr, &t->cap, t->n + 1, sizeof(*t->ptr));
	t->ptr[t->n++] = s;
}

static int cmp_ptr(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t) * (const char *const *)a, y = (uintptr_t) * (const char *const *)b;
	return x < y ? -1 : x > y;
}

/* Sorts and dedups the pointers and writes the string section to out. */
static void strtab_build(struct strtab *t, struct buf *strings)
{
	if (t->n)
		qsort(t->ptr, t->n, sizeof(*t->ptr), cmp_ptr);
	size_t n = 0;
	for (size_t i = 0; i < t->n; i++)
		if (!n || t->ptr[n - 1] != t->ptr[i])
			t->ptr[n++] = t->ptr[i];
	t->n = n;
	t->off = xmalloc((n ? n : 1) * sizeof(*t->off));
	buf_putc(strings, '\0');
	for (size_t i = 0; i < n; i++) {
		t->off[i] = (uint32_t)strings->len;
		buf_append(strings, t->ptr[i], strlen(t->ptr[i]) + 1);
	}
}

/* The offset of s (added before strtab_build). */
static uint32_t strtab_off(const struct strtab *t, const char *s)
{
	if (!*s)
		return 0;
	size_t lo = 0, hi = t->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if ((uintptr_t)t->ptr[mid] < (uintptr_t)s)
			lo = mid + 1;
		else
			hi = mid;
	}
	return t->off[lo]; /* present: every string was added */
}

void feed_serialize(const struct feed *f, struct buf *out)
{
	const char *origin[FS_COUNT] = {f->url, f->etag, f->last_modified, f->release};
	struct strtab t = {0};
	size_t nlist = 0;
	for (int k = 0; k < FS_COUNT; k++)
		strtab_add(&t, origin[k]);
	for (size_t i = 0; i < f->n; i++) {
		const struct advisory *a = &f->v[i];
		strtab_add(&t, a->package);
		strtab_add(&t, a->id);
		strtab_add(&t, a->fixed);
		strtab_add(&t, a->affected);
		strtab_add(&t, a->type);
		for (uint32_t k = 0; k < a->issues.n; k++)
			strtab_add(&t, a->issues.v[k]);
		for (uint32_t k = 0; k < a->other_versions.n; k++)
			strtab_add(&t, a->other_versions.v[k]);
		nlist += a->issues.n + a->other_versions.n;
	}
	struct buf strings = {0};
	strtab_build(&t, &strings);

	struct fblob_hdr h;
	memset(&h, 0, sizeof(h));
	memcpy(h.magic, FBLOB_MAGIC, 8);
	h.format = FBLOB_FORMAT;
	h.endian = FBLOB_ENDIAN;
	h.kind = f->kind;
	for (int k = 0; k < FS_COUNT; k++)
		h.origin[k] = strtab_off(&t, origin[k]);
	h.fetched = f->fetched;
	h.nrecs = f->n;
	h.nlist = nlist;
	h.strings_len = strings.len;
	buf_append(out, &h, sizeof(h));
	for (size_t i = 0; i < f->n; i++) {
		const struct advisory *a = &f->v[i];
		struct fblob_rec r;
		memset(&r, 0, sizeof(r));
		r.package = strtab_off(&t, a->package);
		r.id = strtab_off(&t, a->id);
		r.fixed = strtab_off(&t, a->fixed);
		r.affected = strtab_off(&t, a->affected);
		r.type = strtab_off(&t, a->type);
		r.issues_n = a->issues.n;
		r.other_n = a->other_versions.n;
		r.severity = a->severity;
		r.status = a->status;
		r.flags = a->flags;
		buf_append(out, &r, sizeof(r));
	}
	for (size_t i = 0; i < f->n; i++) {
		const struct advisory *a = &f->v[i];
		for (uint32_t k = 0; k < a->issues.n; k++) {
			uint32_t o = strtab_off(&t, a->issues.v[k]);
			buf_append(out, &o, sizeof(o));
		}
		for (uint32_t k = 0; k < a->other_versions.n; k++) {
			uint32_t o = strtab_off(&t, a->other_versions.v[k]);
			buf_append(out, &o, sizeof(o));
		}
	}
	buf_append(out, strings.p, strings.len);
	buf_free(&strings);
	free(t.ptr);
	free(t.off);
}

/* The string at offset o of the copied string section, or NULL out of range. */
static const char *blob_str(const char *strs, uint64_t len, uint32_t o)
{
	return o < len ? strs + o : NULL;
}

/* Checks the header against the length; 0, or -1 with why. */
static int blob_check(const unsigned char *b, size_t len, struct fblob_hdr *h, const char **why)
{
	*why = "too short";
	if (len < sizeof(*h))
		return -1;
	memcpy(h, b, sizeof(*h));
	*why = "unknown format";
	if (memcmp(h->magic, FBLOB_MAGIC, 8) != 0 || h->format != FBLOB_FORMAT ||
	    h->endian != FBLOB_ENDIAN)
		return -1;
	*why = "unknown feed kind";
	if (h->kind != FEED_ARCH && h->kind != FEED_DEBIAN)
		return -1;
	/* Each count is bounded by the length before it is multiplied. */
	*why = "bad counts";
	if (h->nrecs > len / sizeof(struct fblob_rec) || h->nlist > len / 4 ||
	    h->strings_len > len || h->strings_len == 0 || h->strings_len > UINT32_MAX)
		return -1;
	size_t off_strs = sizeof(*h) + h->nrecs * sizeof(struct fblob_rec) + h->nlist * 4;
	*why = "bad length";
	if (off_strs > len || len - off_strs != h->strings_len)
		return -1;
	*why = "unterminated strings";
	if (b[len - 1] != '\0' || b[off_strs] != '\0')
		return -1;
	return 0;
}

/* Decodes the records and lists of a checked blob into fi (strs: the copied
 * string section). 0, or -1 with why. */
static int blob_records(struct feed_impl *fi, const unsigned char *b, const struct fblob_hdr *h,
			const char *strs, const char **why)
{
	const unsigned char *recs = b + sizeof(*h), *lists = recs + h->nrecs * sizeof(struct fblob_rec);
	const char **vec = strpool_alloc(fi->pool, (h->nlist ? h->nlist : 1) * sizeof(*vec));
	*why = "list entry out of range";
	for (size_t i = 0; i < h->nlist; i++) {
		uint32_t o;
		memcpy(&o, lists + i * 4, 4);
		if (!(vec[i] = blob_str(strs, h->strings_len, o)))
			return -1;
	}
	size_t at = 0;
	for (size_t i = 0; i < h->nrecs; i++) {
		struct fblob_rec r;
		memcpy(&r, recs + i * sizeof(r), sizeof(r));
		struct advisory *a = &fi->recs[i];
		*why = "record out of range";
		if (!(a->package = blob_str(strs, h->strings_len, r.package)) ||
		    !(a->id = blob_str(strs, h->strings_len, r.id)) ||
		    !(a->fixed = blob_str(strs, h->strings_len, r.fixed)) ||
		    !(a->affected = blob_str(strs, h->strings_len, r.affected)) ||
		    !(a->type = blob_str(strs, h->strings_len, r.type)))
			return -1;
		*why = "list out of range";
		if (r.issues_n > h->nlist - at)
			return -1;
		a->issues = (struct strlist){r.issues_n ? vec + at : NULL, r.issues_n};
		at += r.issues_n;
		if (r.other_n > h->nlist - at)
			return -1;
		a->other_versions = (struct strlist){r.other_n ? vec + at : NULL, r.other_n};
		at += r.other_n;
		*why = "bad record";
		if (!*a->package || r.severity > SEV_MAX || r.status > ADV_STATUS_FIXED ||
		    (r.flags & ~ADV_KNOWN_FLAGS))
			return -1;
		a->severity = r.severity;
		a->status = r.status;
		a->flags = r.flags;
		*why = "records out of order";
		if (i && cmp_key(&fi->recs[i - 1], a) > 0)
			return -1; /* feed_lookup needs them sorted */
		fi->f.n = i + 1;
	}
	*why = "list entries left over";
	return at == h->nlist ? 0 : -1;
}

struct feed *feed_from_blob(const void *blob, size_t len, char *err, size_t errlen)
{
	struct fblob_hdr h;
	const char *why;
	if (blob_check(blob, len, &h, &why) != 0) {
		snprintf(err, errlen, "stored feed: %s", why);
		return NULL;
	}
	const unsigned char *b = blob;
	struct feed_impl *fi = impl_new(h.kind, strpool_new(), h.nrecs);
	/* One copy of the string section; records and lists point into it. */
	char *strs = strpool_alloc(fi->pool, h.strings_len);
	memcpy(strs, b + len - h.strings_len, h.strings_len);
	const char *origin[FS_COUNT];
	why = "fetch facts out of range";
	for (int k = 0; k < FS_COUNT; k++)
		if (!(origin[k] = blob_str(strs, h.strings_len, h.origin[k])))
			goto fail;
	if (blob_records(fi, b, &h, strs, &why) != 0)
		goto fail;
	fi->f.fetched = h.fetched;
	fi->f.url = origin[FS_URL];
	fi->f.etag = origin[FS_ETAG];
	fi->f.last_modified = origin[FS_LASTMOD];
	fi->f.release = origin[FS_RELEASE];
	return &fi->f;
fail:
	feed_free(&fi->f);
	snprintf(err, errlen, "stored feed: %s", why);
	return NULL;
}
