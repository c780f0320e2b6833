/* SPDX-License-Identifier: MIT */
/* Node.js's dist index.json (nodejs-dist-indexer): one entry per release, newest first. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "engine/runtimes/rt-int.h"

#define WHAT "index.json"

/* The entry being read, for the error line. */
struct at {
	size_t i;
	const char *version; /* once read */
	char *err;
	size_t errlen;
};

static int bad(const struct at *a, const char *key, const char *what)
{
	if (a->version)
		return rt_fail(a->err, a->errlen, WHAT ": entry %zu (%.40s): '%s' %s", a->i,
			       a->version, key, what);
	return rt_fail(a->err, a->errlen, WHAT ": entry %zu: '%s' %s", a->i, key, what);
}

/* "YYYY-MM-DD". */
static int date_ok(const char *s)
{
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

/* A platform id ("linux-x64", "osx-arm64-tar", "win-x64-7z"): letters, digits, '-', '_', '.'. */
static int file_id_ok(const char *s)
{
	if (!*s || strlen(s) > 64)
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("-_.", *s))
			return 0;
	return 1;
}

/* An LTS codename: letters only ("Iron", "Hydrogen"). */
static int codename_ok(const char *s)
{
	if (!*s || strlen(s) > 32)
		return 0;
	for (; *s; s++)
		if (!isalpha((unsigned char)*s))
			return 0;
	return 1;
}

static int read_entry(struct rt_index *idx, const cJSON *e, struct at *a)
{
	if (!cJSON_IsObject(e))
		return rt_fail(a->err, a->errlen, WHAT ": entry %zu is not an object", a->i);
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(e, "version");
	if (!v)
		return bad(a, "version", "is missing");
	if (!cJSON_IsString(v))
		return bad(a, "version", "is not a string");
	const char *raw = v->valuestring;
	if (raw[0] != 'v' || !isdigit((unsigned char)raw[1]) || !rt_version_ok(raw + 1))
		return bad(a, "version", "is not \"v\" and a version");
	a->version = raw;
	if (rt_index_find(idx, raw + 1))
		return bad(a, "version", "is listed twice");

	const cJSON *date = cJSON_GetObjectItemCaseSensitive(e, "date");
	if (!date)
		return bad(a, "date", "is missing");
	if (!cJSON_IsString(date) || !date_ok(date->valuestring))
		return bad(a, "date", "is not a YYYY-MM-DD date");
	const cJSON *files = cJSON_GetObjectItemCaseSensitive(e, "files");
	if (!files)
		return bad(a, "files", "is missing");
	if (!cJSON_IsArray(files))
		return bad(a, "files", "is not an array");
	const cJSON *f;
	cJSON_ArrayForEach(f, files) {
		if (!cJSON_IsString(f) || !file_id_ok(f->valuestring))
			return bad(a, "files", "holds something that is not a platform id");
	}
	const cJSON *lts = cJSON_GetObjectItemCaseSensitive(e, "lts");
	if (!lts)
		return bad(a, "lts", "is missing");
	if (!cJSON_IsFalse(lts) && !(cJSON_IsString(lts) && codename_ok(lts->valuestring)))
		return bad(a, "lts", "is neither false nor a codename");
	const cJSON *sec = cJSON_GetObjectItemCaseSensitive(e, "security");
	if (sec && !cJSON_IsBool(sec))
		return bad(a, "security", "is not true or false");
	static const char *const optional[] = {"npm", "v8", "uv", "zlib", "openssl", "modules"};
	for (size_t k = 0; k < sizeof(optional) / sizeof(optional[0]); k++) {
		const cJSON *o = cJSON_GetObjectItemCaseSensitive(e, optional[k]);
		if (o && !cJSON_IsString(o))
			return bad(a, optional[k], "is not a string");
	}

	struct rt_release *r = rt_index_push(idx);
	r->version = rt_str(idx, raw + 1);
	r->raw = rt_str(idx, raw);
	r->date = rt_str(idx, date->valuestring);
	r->lts = cJSON_IsString(lts) ? rt_str(idx, lts->valuestring) : NULL;
	r->security = cJSON_IsTrue(sec);
	r->stable = rt_version_stable(r->version);
	r->major = rt_version_major(r->version);
	cJSON_ArrayForEach(f, files) {
		struct rt_file file = {.name = f->valuestring, .size = -1};
		rt_release_add_file(idx, r, &file);
	}
	return 0;
}

/* rt_json_each's step: entry i. */
static int each_entry(struct rt_index *idx, const cJSON *e, size_t i, void *ctx)
{
	struct at *a = ctx;
	a->i = i;
	a->version = NULL;
	return read_entry(idx, e, a);
}

int rt_node_parse(struct rt_index *idx, const char *body, size_t len, char *err, size_t errlen)
{
	struct at a = {0, NULL, err, errlen};
	return rt_json_each(idx, WHAT, body, len, each_entry, &a, err, errlen);
}
