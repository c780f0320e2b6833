/* SPDX-License-Identifier: MIT */
/* Adoptium's API v3 (api.adoptium.net): assets of feature releases or of the latest, and the
 * available releases. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/runtimes/rt-int.h"
#include "util/xalloc.h"

#define WHAT "the Adoptium assets"
#define AVAIL "the Adoptium available releases"

/* Where a field is, for the error line. */
struct at {
	size_t i;
	const char *name; /* release_name once read */
	long bin;         /* the binary, -1 outside */
	char *err;
	size_t errlen;
};

static int bad(const struct at *a, const char *key, const char *what)
{
	char where[160];
	int n = snprintf(where, sizeof(where), "release %zu", a->i);
	if (a->name && n > 0)
		n += snprintf(where + n, sizeof(where) - (size_t)n, " (%.40s)", a->name);
	if (a->bin >= 0 && n > 0 && (size_t)n < sizeof(where))
		snprintf(where + n, sizeof(where) - (size_t)n, " binary %ld", a->bin);
	return rt_fail(a->err, a->errlen, WHAT ": %s: '%s' %s", where, key, what);
}

/* The string at key of o (a word of letters, digits, "._+-" when word), or NULL with the
 * error written. */
static const char *str_of(const cJSON *o, const char *key, int word, const struct at *a)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, key);
	if (!it) {
		bad(a, key, "is missing");
		return NULL;
	}
	if (!cJSON_IsString(it)) {
		bad(a, key, "is not a string");
		return NULL;
	}
	const char *s = it->valuestring;
	if (rt_has_control(s, strlen(s))) {
		bad(a, key, "holds a control character");
		return NULL;
	}
	if (word) {
		int ok = *s && strlen(s) <= 128;
		for (const char *c = s; ok && *c; c++)
			ok = isalnum((unsigned char)*c) || strchr("._+-", *c);
		if (!ok) {
			bad(a, key, "is not a word of letters, digits and ._+-");
			return NULL;
		}
	}
	return s;
}

/* The object at key of o, or NULL with the error written. */
static const cJSON *obj_of(const cJSON *o, const char *key, const struct at *a)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, key);
	if (!it)
		bad(a, key, "is missing");
	else if (!cJSON_IsObject(it))
		bad(a, key, "is not an object");
	else
		return it;
	return NULL;
}

/* "21.0.2+13.0.LTS" -> "21.0.2+13": the semver up to the build number. */
static int version_of(const char *semver, char *out, size_t outlen)
{
	size_t n = strlen(semver);
	const char *plus = strchr(semver, '+');
	if (plus) {
		n = (size_t)(plus - semver) + 1;
		while (isdigit((unsigned char)semver[n]))
			n++;
	}
	if (!n || n >= outlen || !isdigit((unsigned char)semver[0]))
		return -1;
	memcpy(out, semver, n);
	out[n] = '\0';
	return rt_version_ok(out) ? 0 : -1;
}

/* Whether feature is one of the LTS features read from available_releases. */
static int lts_feature(const struct rt_index *idx, int feature)
{
	for (size_t i = 0; i < idx->njava_lts; i++)
		if (idx->java_lts[i] == feature)
			return 1;
	return 0;
}

/* One binary into r. */
static int read_binary(struct rt_index *idx, struct rt_release *r, const cJSON *b,
		       const struct at *a)
{
	if (!cJSON_IsObject(b))
		return bad(a, "binary", "is not an object");
	const char *os = str_of(b, "os", 1, a);
	const char *arch = os ? str_of(b, "architecture", 1, a) : NULL;
	const char *image = arch ? str_of(b, "image_type", 1, a) : NULL;
	const cJSON *pkg = image ? obj_of(b, "package", a) : NULL;
	if (!pkg)
		return -1;
	const char *name = str_of(pkg, "name", 1, a);
	const char *link = name ? str_of(pkg, "link", 0, a) : NULL;
	const char *sum = link ? str_of(pkg, "checksum", 0, a) : NULL;
	if (!sum)
		return -1;
	if (!rt_url_ok(link))
		return bad(a, "package.link", "is not an http(s) URL");
	if (!rt_hex64(sum))
		return bad(a, "package.checksum", "is not 64 hex digits");
	const cJSON *size = cJSON_GetObjectItemCaseSensitive(pkg, "size");
	int64_t sz;
	if (!size)
		return bad(a, "package.size", "is missing");
	if (rt_json_int(size, &sz) != 0 || sz < 0)
		return bad(a, "package.size", "is not a size in bytes");
	char low[65];
	rt_hex_lower(sum, low);
	struct rt_file f = {.name = name, .url = link, .os = os, .arch = arch, .kind = image,
			    .sha256 = low, .size = sz};
	rt_release_add_file(idx, r, &f);
	return 0;
}

/* One element of the reply: a release (binaries[] and version_data) or a latest asset
 * (binary and version). */
static int read_entry(struct rt_index *idx, const cJSON *e, struct at *a)
{
	if (!cJSON_IsObject(e))
		return rt_fail(a->err, a->errlen, WHAT ": release %zu is not an object", a->i);
	const char *name = str_of(e, "release_name", 1, a);
	if (!name)
		return -1;
	a->name = name;
	const cJSON *bins = cJSON_GetObjectItemCaseSensitive(e, "binaries");
	const cJSON *one = cJSON_GetObjectItemCaseSensitive(e, "binary");
	const char *vkey = bins ? "version_data" : "version";
	if (!bins && !one)
		return bad(a, "binaries", "is missing (and so is 'binary')");
	if (bins && !cJSON_IsArray(bins))
		return bad(a, "binaries", "is not an array");
	const cJSON *vd = obj_of(e, vkey, a);
	if (!vd)
		return -1;
	const char *semver = str_of(vd, "semver", 1, a);
	const char *openjdk = semver ? str_of(vd, "openjdk_version", 1, a) : NULL;
	if (!openjdk)
		return -1;
	char ver[RT_VERSION_MAX + 1];
	if (version_of(semver, ver, sizeof(ver)) != 0)
		return bad(a, "semver", "is not a version");
	/* The latest endpoint lists a release once per binary: they merge. */
	struct rt_release *r = (struct rt_release *)rt_index_find(idx, ver);
	if (r && strcmp(r->raw, name) != 0)
		return bad(a, "semver", "is another release's");
	if (!r) {
		r = rt_index_push(idx);
		r->version = rt_str(idx, ver);
		r->raw = rt_str(idx, name);
		r->major = rt_version_major(ver);
		/* Early-access builds say so: "23-ea+10". */
		r->stable = !strstr(openjdk, "-ea") && !strstr(openjdk, "-beta");
		size_t on = strlen(openjdk);
		if ((on >= 4 && strcmp(openjdk + on - 4, "-LTS") == 0) ||
		    lts_feature(idx, r->major))
			r->lts = rt_str(idx, "LTS");
	}
	if (!bins) {
		a->bin = 0;
		int rc = read_binary(idx, r, one, a);
		a->bin = -1;
		return rc;
	}
	const cJSON *b;
	a->bin = 0;
	cJSON_ArrayForEach(b, bins) {
		if (read_binary(idx, r, b, a) != 0)
			return -1;
		a->bin++;
	}
	a->bin = -1;
	return 0;
}

/* rt_json_each's step: element i. */
static int each_entry(struct rt_index *idx, const cJSON *e, size_t i, void *ctx)
{
	struct at *a = ctx;
	a->i = i;
	a->name = NULL;
	a->bin = -1;
	return read_entry(idx, e, a);
}

int rt_java_parse(struct rt_index *idx, const char *body, size_t len, char *err, size_t errlen)
{
	size_t n0 = idx->n;
	/* Merged releases gain files: those of releases before the call are kept aside. */
	uint32_t *had = xmalloc((n0 ? n0 : 1) * sizeof(*had));
	for (size_t i = 0; i < n0; i++)
		had[i] = idx->v[i].nfiles;
	struct at a = {0, NULL, -1, err, errlen};
	int rc = rt_json_each(idx, WHAT, body, len, each_entry, &a, err, errlen);
	if (rc)
		for (size_t i = 0; i < n0; i++)
			idx->v[i].nfiles = had[i];
	free(had);
	return rc;
}

int rt_java_parse_available(struct rt_index *idx, const char *body, size_t len, char *err,
			    size_t errlen)
{
	cJSON *doc = rt_json_doc(AVAIL, body, len, cJSON_Object, err, errlen);
	if (!doc)
		return -1;
	int rc = -1;
	int *lts = NULL;
	size_t n = 0;
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(doc, "available_lts_releases");
	const cJSON *recent = cJSON_GetObjectItemCaseSensitive(doc, "most_recent_lts");
	int64_t v;
	if (!cJSON_IsArray(arr)) {
		rt_fail(err, errlen, AVAIL ": 'available_lts_releases' %s",
			arr ? "is not an array" : "is missing");
		goto out;
	}
	lts = xmalloc(((size_t)cJSON_GetArraySize(arr) + 1) * sizeof(*lts));
	const cJSON *it;
	cJSON_ArrayForEach(it, arr) {
		if (rt_json_int(it, &v) != 0 || v < 1 || v > 10000) {
			rt_fail(err, errlen,
				AVAIL ": 'available_lts_releases' holds something not a feature "
				      "number");
			goto out;
		}
		lts[n++] = (int)v;
	}
	if (!recent || rt_json_int(recent, &v) != 0 || v < 1 || v > 10000) {
		rt_fail(err, errlen, AVAIL ": 'most_recent_lts' %s",
			recent ? "is not a feature number" : "is missing");
		goto out;
	}
	free(idx->java_lts);
	idx->java_lts = lts;
	idx->njava_lts = n;
	idx->java_most_recent_lts = (int)v;
	lts = NULL;
	/* Releases read before now learn which are LTS. */
	for (size_t i = 0; i < idx->n; i++)
		if (!idx->v[i].lts && lts_feature(idx, idx->v[i].major))
			idx->v[i].lts = rt_str(idx, "LTS");
	rc = 0;
out:
	free(lts);
	cJSON_Delete(doc);
	return rc;
}
