/* SPDX-License-Identifier: MIT */
/* python-build-standalone: latest-release.json and a release's SHA256SUMS (install_only builds). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/runtimes/rt-int.h"
#include "util/buf.h"

#define LATEST "latest-release.json"
#define SUMS "SHA256SUMS"
#define SUFFIX "-install_only.tar.gz"

/* A release tag: eight digits (YYYYMMDD). */
static int tag_ok(const char *s)
{
	if (strlen(s) != 8)
		return 0;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

int rt_python_parse_latest(struct rt_index *idx, const char *body, size_t len, char *err,
			   size_t errlen)
{
	cJSON *doc = rt_json_doc(LATEST, body, len, cJSON_Object, err, errlen);
	if (!doc)
		return -1;
	int rc = -1;
	int64_t version;
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(doc, "version");
	const cJSON *tag = cJSON_GetObjectItemCaseSensitive(doc, "tag");
	const cJSON *prefix = cJSON_GetObjectItemCaseSensitive(doc, "asset_url_prefix");
	const cJSON *rel = cJSON_GetObjectItemCaseSensitive(doc, "release_url");
	if (!v || rt_json_int(v, &version) != 0 || version != 1) {
		rt_fail(err, errlen, LATEST ": 'version' %s",
			!v ? "is missing" : cJSON_IsNumber(v) ? "is not 1" : "is not a number");
		goto out;
	}
	if (!cJSON_IsString(tag) || !tag_ok(tag->valuestring)) {
		rt_fail(err, errlen, LATEST ": 'tag' %s",
			tag ? "is not a YYYYMMDD tag" : "is missing");
		goto out;
	}
	if (!cJSON_IsString(prefix) || !rt_url_ok(prefix->valuestring)) {
		rt_fail(err, errlen, LATEST ": 'asset_url_prefix' %s",
			prefix ? "is not an http(s) URL" : "is missing");
		goto out;
	}
	if (rel && (!cJSON_IsString(rel) || !rt_url_ok(rel->valuestring))) {
		rt_fail(err, errlen, LATEST ": 'release_url' is not an http(s) URL");
		goto out;
	}
	idx->python_tag = rt_str(idx, tag->valuestring);
	/* Kept without a trailing '/': a file's URL is prefix "/" name. */
	struct buf b = {0};
	buf_puts(&b, prefix->valuestring);
	while (b.len && b.p[b.len - 1] == '/')
		b.p[--b.len] = '\0';
	idx->python_url_prefix = rt_str(idx, buf_str(&b));
	buf_free(&b);
	rc = 0;
out:
	cJSON_Delete(doc);
	return rc;
}

int rt_python_parse_sums(struct rt_index *idx, const char *body, size_t len,
			 const char *triple, char *err, size_t errlen)
{
	struct rt_sums sums = {0};
	if (rt_sums_parse(&sums, SUMS, body, len, err, errlen) != 0)
		return -1;
	size_t n0 = idx->n;
	char tail[160];
	snprintf(tail, sizeof(tail), "-%s" SUFFIX, triple);
	size_t tn = strlen(tail);
	int rc = 0;
	for (size_t i = 0; i < sums.n && rc == 0; i++) {
		const char *name = sums.v[i].name;
		size_t n = strlen(name);
		if (strncmp(name, "cpython-", 8) != 0 || n <= 8 + tn ||
		    strcmp(name + n - tn, tail) != 0)
			continue;
		/* "<version>+<tag>" between them. */
		char mid[128];
		size_t mn = n - 8 - tn;
		if (mn >= sizeof(mid))
			continue;
		memcpy(mid, name + 8, mn);
		mid[mn] = '\0';
		char *plus = strchr(mid, '+');
		if (!plus) {
			rc = rt_fail(err, errlen, SUMS ": %.200s has no +TAG after its version", name);
			break;
		}
		*plus = '\0';
		const char *ver = mid, *tag = plus + 1;
		if (!isdigit((unsigned char)ver[0]) || !rt_version_ok(ver) || strchr(ver, '+')) {
			rc = rt_fail(err, errlen, SUMS ": %.200s does not name a version", name);
			break;
		}
		if (!tag_ok(tag)) {
			rc = rt_fail(err, errlen, SUMS ": %.200s does not name a YYYYMMDD tag", name);
			break;
		}
		if (idx->python_tag && strcmp(tag, idx->python_tag) != 0) {
			rc = rt_fail(err, errlen, SUMS ": %.200s is not of release %s", name,
				     idx->python_tag);
			break;
		}
		if (rt_index_find(idx, ver)) {
			rc = rt_fail(err, errlen, SUMS ": python %s is listed twice", ver);
			break;
		}
		struct buf url = {0};
		if (idx->python_url_prefix) {
			buf_printf(&url, "%s/", idx->python_url_prefix);
			for (const char *c = name; *c; c++)
				if (*c == '+')
					buf_puts(&url, "%2B");
				else
					buf_putc(&url, *c);
		}
		struct rt_release *r = rt_index_push(idx);
		r->version = rt_str(idx, ver);
		r->raw = rt_str(idx, name);
		r->date = rt_str(idx, tag);
		r->stable = rt_version_stable(ver);
		r->major = rt_version_major(ver);
		struct rt_file f = {.name = name, .url = buf_str(&url), .arch = triple,
				    .kind = "install_only", .sha256 = sums.v[i].sha256, .size = -1};
		rt_release_add_file(idx, r, &f);
		buf_free(&url);
	}
	if (rc)
		rt_index_truncate(idx, n0);
	rt_sums_free(&sums);
	return rc;
}
