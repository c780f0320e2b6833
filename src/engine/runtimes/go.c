/* SPDX-License-Identifier: MIT */
/* Go's download list (go.dev/dl/?mode=json&include=all, golang/website internal/dl). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/runtimes/rt-int.h"

#define WHAT "the go download list"

/* Where in the document a field is, for the error line. */
struct at {
	size_t i;            /* the release */
	const char *version; /* once read */
	long file;           /* its file, -1 outside files */
	char *err;
	size_t errlen;
};

static int bad(const struct at *a, const char *key, const char *what)
{
	char where[128];
	if (a->file >= 0)
		snprintf(where, sizeof(where), "release %zu (%.40s) file %ld", a->i,
			 a->version ? a->version : "?", a->file);
	else if (a->version)
		snprintf(where, sizeof(where), "release %zu (%.40s)", a->i, a->version);
	else
		snprintf(where, sizeof(where), "release %zu", a->i);
	return rt_fail(a->err, a->errlen, WHAT ": %s: '%s' %s", where, key, what);
}

/* The string field key of o, or NULL with the error written. */
static const char *str_field(const cJSON *o, const char *key, const struct at *a)
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
	if (rt_has_control(it->valuestring, strlen(it->valuestring))) {
		bad(a, key, "holds a control character");
		return NULL;
	}
	return it->valuestring;
}

/* "go" and a version: "go1.22.1", "go1.21rc2". */
static int go_version_ok(const char *s)
{
	return strncmp(s, "go", 2) == 0 && isdigit((unsigned char)s[2]) && rt_version_ok(s + 2);
}

/* A file name on go.dev/dl/: letters, digits, ". - _" and no leading dot. */
static int filename_ok(const char *s)
{
	if (!*s || *s == '.' || strlen(s) > 200)
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr(".-_", *s))
			return 0;
	return 1;
}

/* A word: os, arch, kind ("linux", "amd64", "armv6l", "archive"); "" allowed (source files). */
static int word_ok(const char *s)
{
	if (strlen(s) > 32)
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_')
			return 0;
	return 1;
}

static int read_file(struct rt_index *idx, struct rt_release *r, const cJSON *f, struct at *a)
{
	if (!cJSON_IsObject(f))
		return bad(a, "files", "holds something that is not an object");
	const char *name = str_field(f, "filename", a);
	const char *os = name ? str_field(f, "os", a) : NULL;
	const char *arch = os ? str_field(f, "arch", a) : NULL;
	const char *ver = arch ? str_field(f, "version", a) : NULL;
	const char *sha = ver ? str_field(f, "sha256", a) : NULL;
	const char *kind = sha ? str_field(f, "kind", a) : NULL;
	if (!kind)
		return -1;
	if (!filename_ok(name))
		return bad(a, "filename", "is not a file name");
	if (!word_ok(os))
		return bad(a, "os", "is not an OS name");
	if (!word_ok(arch))
		return bad(a, "arch", "is not an architecture name");
	if (strcmp(ver, r->raw) != 0)
		return bad(a, "version", "is not the release's");
	if (!rt_hex64(sha))
		return bad(a, "sha256", "is not 64 hex digits");
	if (strcmp(kind, "archive") && strcmp(kind, "installer") && strcmp(kind, "source"))
		return bad(a, "kind", "is not archive, installer or source");
	const cJSON *size = cJSON_GetObjectItemCaseSensitive(f, "size");
	int64_t sz;
	if (!size)
		return bad(a, "size", "is missing");
	if (rt_json_int(size, &sz) != 0 || sz < 0)
		return bad(a, "size", "is not a size in bytes");
	char low[65];
	rt_hex_lower(sha, low);
	struct rt_file file = {.name = name, .url = "", .os = os, .arch = arch, .kind = kind,
			       .sha256 = low, .size = sz};
	rt_release_add_file(idx, r, &file);
	return 0;
}

static int read_release(struct rt_index *idx, const cJSON *e, struct at *a)
{
	if (!cJSON_IsObject(e))
		return rt_fail(a->err, a->errlen, WHAT ": release %zu is not an object", a->i);
	const char *raw = str_field(e, "version", a);
	if (!raw)
		return -1;
	if (!go_version_ok(raw))
		return bad(a, "version", "is not \"go\" and a version");
	a->version = raw;
	if (rt_index_find(idx, raw + 2))
		return bad(a, "version", "is listed twice");
	const cJSON *stable = cJSON_GetObjectItemCaseSensitive(e, "stable");
	if (!stable)
		return bad(a, "stable", "is missing");
	if (!cJSON_IsBool(stable))
		return bad(a, "stable", "is not true or false");
	const cJSON *files = cJSON_GetObjectItemCaseSensitive(e, "files");
	if (!files)
		return bad(a, "files", "is missing");
	if (!cJSON_IsArray(files))
		return bad(a, "files", "is not an array");
	struct rt_release *r = rt_index_push(idx);
	r->version = rt_str(idx, raw + 2);
	r->raw = rt_str(idx, raw);
	r->stable = cJSON_IsTrue(stable);
	r->major = rt_version_major(r->version);
	const cJSON *f;
	a->file = 0;
	cJSON_ArrayForEach(f, files) {
		if (read_file(idx, r, f, a) != 0)
			return -1;
		a->file++;
	}
	a->file = -1;
	return 0;
}

/* rt_json_each's step: release i. */
static int each_release(struct rt_index *idx, const cJSON *e, size_t i, void *ctx)
{
	struct at *a = ctx;
	a->i = i;
	a->version = NULL;
	a->file = -1;
	return read_release(idx, e, a);
}

int rt_go_parse(struct rt_index *idx, const char *body, size_t len, char *err, size_t errlen)
{
	struct at a = {0, NULL, -1, err, errlen};
	return rt_json_each(idx, WHAT, body, len, each_release, &a, err, errlen);
}
