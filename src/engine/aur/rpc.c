/* SPDX-License-Identifier: MIT */
/* The aurweb RPC v5 client (FORMATS.md §1): search and info over net_fetch, their replies
 * parsed strictly into aur_pkg records, and the snapshot tarball fetched under a cap. */
#include "engine/aur/aur.h"

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/net/net.h"
#include "util/buf.h"
#include "util/strpool.h"
#include "util/utf8.h"
#include "util/xalloc.h"

#define DEFAULT_MAX_REPLY ((size_t)16 << 20)
#define DEFAULT_MAX_SNAPSHOT ((size_t)64 << 20)
/* aurweb has no limit on arg[] but the URL's length: every proxy and server on the way
 * takes 4000 bytes, not every one takes 8000. */
#define MAX_INFO_URL 4000
/* Bytes of the server's own error message kept in err (its messages are short). */
#define MAX_MESSAGE 200
/* aurweb's snapshot_uri (conf/config.defaults), for a record without URLPath. */
#define SNAPSHOT_PATH "/cgit/aur.git/snapshot/%s.tar.gz"

#define RATE_LIMITED "the AUR's rate limit was reached (HTTP 429): try again later"
#define REFUSED "the AUR refused the request: "
#define NOT_RPC "not an AUR RPC v5 reply: "

void aur_list_init(struct aur_list *l)
{
	memset(l, 0, sizeof(*l));
	l->pool = strpool_new();
}

void aur_list_free(struct aur_list *l)
{
	free(l->v);
	strpool_free(l->pool);
	memset(l, 0, sizeof(*l));
}

const struct aur_pkg *aur_list_find(const struct aur_list *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].name, name) == 0)
			return &l->v[i];
	return NULL;
}

/* aurweb/rpc.py EXPOSED_BYS. */
static const char *const bys[] = {
	"name-desc", "name", "maintainer", "depends", "makedepends", "optdepends",
	"checkdepends", "provides", "conflicts", "replaces", "groups", "submitter",
	"keywords", "comaintainers",
};

int aur_by_valid(const char *by)
{
	if (!by)
		return 0;
	for (size_t i = 0; i < sizeof(bys) / sizeof(bys[0]); i++)
		if (strcmp(by, bys[i]) == 0)
			return 1;
	return 0;
}

/* ---- the reply ---- */

/*
 * What each result field may be. The RPC's types are fixed (FORMATS.md 1.2):
 * a field of another JSON type means the server is not aurweb, and the whole
 * reply is refused rather than half believed. A field that is absent takes
 * its empty value (search replies have no lists), except the three a record
 * cannot be used without. Names and versions end up in paths and command
 * lines (the build directory, makepkg's package file): they are checked as
 * makepkg checks them, not merely typed.
 */
enum kind {
	K_NAME,      /* str: a package name (makepkg's rule) */
	K_VERSION,   /* str: [epoch:]pkgver-pkgrel, no blank, '/' or control character */
	K_PATH,      /* str: a path on the AUR ("/cgit/..."), or "" */
	K_STR_NULL,  /* str|null: one line of UTF-8 */
	K_TEXT_NULL, /* str|null: UTF-8 shown to people; control characters become spaces */
	K_INT,       /* an integral JSON number */
	K_INT_NULL,  /* the same, or null (0) */
	K_NUM,       /* any finite JSON number */
	K_LIST,      /* [str]: one line of UTF-8 each, none empty */
};

struct field {
	const char *key;
	enum kind kind;
	size_t off;
	int required;
};

#define F(key, kind, member, req) {key, kind, offsetof(struct aur_pkg, member), req}
static const struct field fields[] = {
	F("Name", K_NAME, name, 1),
	F("PackageBase", K_NAME, base, 1),
	F("Version", K_VERSION, version, 1),
	F("Description", K_TEXT_NULL, desc, 0),
	F("URL", K_TEXT_NULL, url, 0),
	F("URLPath", K_PATH, url_path, 0),
	F("Maintainer", K_STR_NULL, maintainer, 0),
	F("Submitter", K_STR_NULL, submitter, 0),
	F("ID", K_INT, id, 0),
	F("PackageBaseID", K_INT, base_id, 0),
	F("NumVotes", K_INT, votes, 0),
	F("Popularity", K_NUM, popularity, 0),
	F("OutOfDate", K_INT_NULL, out_of_date, 0),
	F("FirstSubmitted", K_INT, first_submitted, 0),
	F("LastModified", K_INT, last_modified, 0),
	F("PendingRequests", K_INT, pending_requests, 0),
	F("Depends", K_LIST, depends, 0),
	F("MakeDepends", K_LIST, makedepends, 0),
	F("CheckDepends", K_LIST, checkdepends, 0),
	F("OptDepends", K_LIST, optdepends, 0),
	F("Conflicts", K_LIST, conflicts, 0),
	F("Provides", K_LIST, provides, 0),
	F("Replaces", K_LIST, replaces, 0),
	F("Groups", K_LIST, groups, 0),
	F("License", K_LIST, licenses, 0),
	F("Keywords", K_LIST, keywords, 0),
	F("CoMaintainers", K_LIST, comaintainers, 0),
};
#undef F

/* One result being read: where its strings go and where an error is written. */
struct ctx {
	struct strpool *pool;
	size_t index;
	const char *name; /* the result's Name once read, for the error line */
	char *err;
	size_t errlen;
};

/* Writes "not an AUR RPC v5 reply: result I (NAME): 'KEY' WHAT" into the error. */
static int bad(struct ctx *c, const char *key, const char *what)
{
	if (c->name)
		snprintf(c->err, c->errlen, NOT_RPC "result %zu (%s): '%s' %s", c->index, c->name,
			 key, what);
	else
		snprintf(c->err, c->errlen, NOT_RPC "result %zu: '%s' %s", c->index, key, what);
	return -1;
}

/* Whether s[0..n) holds a control character (C0 or DEL). */
static int has_control(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 1;
	return 0;
}

int aur_name_ok(const char *s)
{
	if (!*s || *s == '-' || *s == '.')
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || strchr("@._+-", *s)))
			return 0;
	return 1;
}

/* A version: non-empty, no blank, control character or '/' (makepkg refuses those). */
static int version_ok(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if ((unsigned char)*s <= 0x20 || *s == 0x7f || *s == '/')
			return 0;
	return 1;
}

/* A path on the AUR's host: "/x..." (not "//host", which would name another host), and
 * nothing a URL would read as more than a path (blanks, controls, '\', '#'). "" is fine:
 * the snapshot's path is then aurweb's default. */
static int path_ok(const char *s)
{
	if (!*s)
		return 1;
	if (s[0] != '/' || s[1] == '/')
		return 0;
	for (; *s; s++)
		if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f || *s == '\\' ||
		    *s == '#')
			return 0;
	return 1;
}

/* The string item it (a JSON string) as the pool's copy, checked for kind; NULL with
 * the error written when it is not acceptable. */
static const char *string_of(struct ctx *c, const char *key, enum kind kind, const cJSON *it)
{
	const char *s = it->valuestring;
	size_t n = strlen(s);
	if (!utf8_valid(s, n)) {
		bad(c, key, "is not UTF-8");
		return NULL;
	}
	switch (kind) {
	case K_NAME:
		if (!aur_name_ok(s)) {
			bad(c, key, "is not a package name (letters, digits and @._+-)");
			return NULL;
		}
		break;
	case K_VERSION:
		if (!version_ok(s)) {
			bad(c, key, "is not a version");
			return NULL;
		}
		break;
	case K_PATH:
		if (!path_ok(s)) {
			bad(c, key, "is not a path on the AUR");
			return NULL;
		}
		break;
	case K_TEXT_NULL:
		if (has_control(s, n)) {
			/* Text for people: a tab in a description is no reason to refuse a
			 * search, but no escape sequence reaches a terminal either. */
			char *t = xstrndup(s, n);
			for (char *p = t; *p; p++)
				if ((unsigned char)*p < 0x20 || *p == 0x7f)
					*p = ' ';
			const char *r = strpool_copy(c->pool, t, n);
			free(t);
			return r;
		}
		return strpool_copy(c->pool, s, n);
	default:
		if (has_control(s, n)) {
			bad(c, key, "holds a control character");
			return NULL;
		}
		if (kind == K_LIST && !n) {
			bad(c, key, "has an empty entry");
			return NULL;
		}
		break;
	}
	return strpool_intern(c->pool, s, n);
}

/* An integral JSON number that fits int64_t into *out; -1 otherwise. */
static int int_of(const cJSON *it, int64_t *out)
{
	if (!cJSON_IsNumber(it))
		return -1;
	double d = it->valuedouble;
	/* NaN fails both comparisons; 2^63 itself does not fit. */
	if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0))
		return -1;
	int64_t v = (int64_t)d;
	if ((double)v != d)
		return -1;
	*out = v;
	return 0;
}

/* Reads field f of obj into p; 0, or -1 with the error written. */
static int read_field(struct ctx *c, const struct field *f, const cJSON *obj, struct aur_pkg *p)
{
	char *at = (char *)p + f->off;
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, f->key);
	if (!it && f->required)
		return bad(c, f->key, "is missing");
	switch (f->kind) {
	case K_NAME:
	case K_VERSION:
	case K_PATH:
	case K_STR_NULL:
	case K_TEXT_NULL: {
		const char *s = "";
		int nullable = f->kind == K_STR_NULL || f->kind == K_TEXT_NULL;
		if (it && !(nullable && cJSON_IsNull(it))) {
			if (!cJSON_IsString(it))
				return bad(c, f->key, nullable ? "is not a string or null"
							  : "is not a string");
			if (!(s = string_of(c, f->key, f->kind, it)))
				return -1;
		}
		memcpy(at, &s, sizeof(s));
		return 0;
	}
	case K_INT:
	case K_INT_NULL: {
		int64_t v = 0;
		if (it && !(f->kind == K_INT_NULL && cJSON_IsNull(it)) && int_of(it, &v) != 0)
			return bad(c, f->key, f->kind == K_INT_NULL ? "is not an integer or null"
								    : "is not an integer");
		memcpy(at, &v, sizeof(v));
		return 0;
	}
	case K_NUM: {
		double v = 0;
		if (it) {
			if (!cJSON_IsNumber(it) || !(it->valuedouble - it->valuedouble == 0))
				return bad(c, f->key, "is not a number");
			v = it->valuedouble;
		}
		memcpy(at, &v, sizeof(v));
		return 0;
	}
	case K_LIST: {
		struct strlist l = {NULL, 0};
		if (it) {
			if (!cJSON_IsArray(it))
				return bad(c, f->key, "is not an array of strings");
			const cJSON *e;
			size_t n = 0;
			cJSON_ArrayForEach(e, it) {
				if (!cJSON_IsString(e))
					return bad(c, f->key, "is not an array of strings");
				n++;
			}
			if (n) {
				const char **v = strpool_alloc(c->pool, n * sizeof(*v));
				n = 0;
				cJSON_ArrayForEach(e, it) {
					if (!(v[n++] = string_of(c, f->key, K_LIST, e)))
						return -1;
				}
				l = (struct strlist){v, (uint32_t)n};
			}
		}
		memcpy(at, &l, sizeof(l));
		return 0;
	}
	}
	return -1;
}

/* One result object into p; 0, or -1 with the error written. */
static int read_result(struct ctx *c, const cJSON *obj, int info, struct aur_pkg *p)
{
	memset(p, 0, sizeof(*p));
	c->name = NULL;
	if (!cJSON_IsObject(obj)) {
		snprintf(c->err, c->errlen, NOT_RPC "result %zu is not an object", c->index);
		return -1;
	}
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		if (read_field(c, &fields[i], obj, p) != 0)
			return -1;
		if (i == 0)
			c->name = p->name; /* checked: a package name is safe to print */
	}
	p->info = info;
	return 0;
}

/* The server's message (outside text) into err after prefix: one line of UTF-8, cut
 * at MAX_MESSAGE bytes on a character's boundary. */
static void server_words(char *err, size_t errlen, const char *prefix, const char *msg)
{
	struct buf b = {0};
	utf8_sanitize(&b, msg, strlen(msg));
	size_t n = 0;
	for (size_t i = 0; i < b.len; i++) {
		if ((unsigned char)b.p[i] < 0x20 || b.p[i] == 0x7f)
			b.p[i] = ' ';
		if ((b.p[i] & 0xc0) != 0x80 && i <= MAX_MESSAGE)
			n = i; /* the last character start within the limit */
	}
	if (b.len <= MAX_MESSAGE)
		n = b.len;
	snprintf(err, errlen, "%s%.*s%s", prefix, (int)n, b.len ? b.p : "",
		 n < b.len ? "..." : "");
	buf_free(&b);
}

enum aur_status aur_parse(const char *body, size_t len, struct aur_list *out, char *err,
			  size_t errlen)
{
	if (!body || !len) {
		snprintf(err, errlen, NOT_RPC "empty");
		return AUR_ERR_BAD;
	}
	const char *end = NULL;
	cJSON *doc = cJSON_ParseWithLengthOpts(body, len, &end, 0);
	if (!doc) {
		size_t at = end && end >= body ? (size_t)(end - body) : 0;
		snprintf(err, errlen, NOT_RPC "not JSON (at byte %zu)", at);
		return AUR_ERR_BAD;
	}
	enum aur_status st = AUR_ERR_BAD;
	size_t n0 = out->n;
	for (const char *p = end; p < body + len; p++) {
		if (!*p || !strchr(" \t\r\n", *p)) {
			snprintf(err, errlen, NOT_RPC "data after the JSON value (at byte %zu)",
				 (size_t)(p - body));
			goto out;
		}
	}
	if (!cJSON_IsObject(doc)) {
		snprintf(err, errlen, NOT_RPC "not a JSON object");
		goto out;
	}
	int64_t version;
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(doc, "version");
	if (!v || int_of(v, &version) != 0 || version != 5) {
		snprintf(err, errlen, NOT_RPC "'version' %s",
			 !v ? "is missing" : cJSON_IsNumber(v) ? "is not 5" : "is not a number");
		goto out;
	}
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(doc, "type");
	if (!cJSON_IsString(type)) {
		snprintf(err, errlen, NOT_RPC "'type' %s", type ? "is not a string" : "is missing");
		goto out;
	}
	if (strcmp(type->valuestring, "error") == 0) {
		const cJSON *msg = cJSON_GetObjectItemCaseSensitive(doc, "error");
		if (!cJSON_IsString(msg)) {
			snprintf(err, errlen, NOT_RPC "an error reply whose 'error' %s",
				 msg ? "is not a string" : "is missing");
			goto out;
		}
		server_words(err, errlen, REFUSED, msg->valuestring);
		st = AUR_ERR_RPC;
		goto out;
	}
	int info = strcmp(type->valuestring, "multiinfo") == 0;
	if (!info && strcmp(type->valuestring, "search") != 0) {
		snprintf(err, errlen, NOT_RPC "'type' is not search, multiinfo or error");
		goto out;
	}
	const cJSON *results = cJSON_GetObjectItemCaseSensitive(doc, "results");
	if (!cJSON_IsArray(results)) {
		snprintf(err, errlen, NOT_RPC "'results' %s",
			 results ? "is not an array" : "is missing");
		goto out;
	}
	/* aurweb counts what it sends: a count that disagrees is a cut or doctored reply. */
	int64_t count;
	const cJSON *rc = cJSON_GetObjectItemCaseSensitive(doc, "resultcount");
	size_t have = (size_t)cJSON_GetArraySize(results);
	if (!rc || int_of(rc, &count) != 0) {
		snprintf(err, errlen, NOT_RPC "'resultcount' %s",
			 rc ? "is not an integer" : "is missing");
		goto out;
	}
	if (count < 0 || (uint64_t)count != have) {
		snprintf(err, errlen, NOT_RPC "'resultcount' is %lld but %zu results came",
			 (long long)count, have);
		goto out;
	}
	struct ctx c = {out->pool, 0, NULL, err, errlen};
	const cJSON *obj;
	cJSON_ArrayForEach(obj, results) {
		out->v = xgrow(out->v, &out->cap, out->n + 1, sizeof(*out->v));
		if (read_result(&c, obj, info, &out->v[out->n]) != 0)
			goto out;
		out->n++;
		c.index++;
	}
	st = AUR_OK;
out:
	if (st != AUR_OK)
		out->n = n0; /* nothing of a refused reply (its strings stay in the pool) */
	cJSON_Delete(doc);
	return st;
}

/* ---- requests ---- */

/* Appends s percent-encoded (every byte but RFC 3986's unreserved ones). */
static void put_encoded(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || strchr("-._~", ch)) {
			buf_putc(b, (char)ch);
		} else {
			char e[3] = {'%', hex[ch >> 4], hex[ch & 15]};
			buf_append(b, e, 3);
		}
	}
}

/* The configured URL without its trailing slashes into b (emptied first). */
static void put_base(struct buf *b, const struct aur_conf *c)
{
	const char *u = c->url ? c->url : "";
	size_t n = strlen(u);
	while (n > 0 && u[n - 1] == '/')
		n--;
	buf_reset(b);
	buf_append(b, u, n);
}

/* net's error line for a fetch of url, with url shown as shown: net starts its line with
 * the URL, which for a long info request may leave no room for the reason, so the reason
 * is then named from the status. */
static void net_error(char *err, size_t errlen, const struct net_result *res, const char *url,
		      const char *shown)
{
	size_t n = strlen(url);
	if (strncmp(res->error, url, n) == 0 && strncmp(res->error + n, ": ", 2) == 0)
		snprintf(err, errlen, "%s: %s", shown, res->error + n + 2);
	else if (res->status == NET_HTTP)
		snprintf(err, errlen, "%s: HTTP %ld", shown, res->http_code);
	else
		snprintf(err, errlen, "%s: %s", shown, net_status_name(res->status));
}

/* One GET of an RPC url, its reply parsed into out. shown names the request in errors. */
static enum aur_status rpc_get(const struct aur_conf *c, const char *url, const char *shown,
			       struct aur_list *out, char *err, size_t errlen)
{
	struct net_request rq = {
		.url = url,
		.max_bytes = c->max_bytes ? c->max_bytes : DEFAULT_MAX_REPLY,
		.timeout_ms = c->timeout_ms,
		.ca_file = c->ca_file,
		.cancel = c->cancel,
		.keep_error_body = 1,
	};
	struct net_result res;
	enum aur_status st;
	if (net_fetch(&rq, &res) == 0) {
		st = aur_parse(res.body.p, res.body.len, out, err, errlen);
	} else if (res.status == NET_HTTP && res.http_code == 429) {
		snprintf(err, errlen, RATE_LIMITED);
		st = AUR_ERR_RATE;
	} else {
		st = AUR_ERR_NET;
		/* aurweb explains a refused POST in a 400's body: its words are the reason. */
		if (res.status == NET_HTTP && res.http_code == 400 && res.body.len) {
			struct aur_list scratch;
			aur_list_init(&scratch);
			if (aur_parse(res.body.p, res.body.len, &scratch, err, errlen) == AUR_ERR_RPC)
				st = AUR_ERR_RPC;
			aur_list_free(&scratch);
		}
		if (st == AUR_ERR_NET)
			net_error(err, errlen, &res, url, shown);
	}
	net_result_free(&res);
	return st;
}

/* Characters (not bytes) in the UTF-8 string s, as aurweb's len(arg) counts them. */
static size_t chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

enum aur_status aur_search(const struct aur_conf *c, const char *by, const char *arg,
			   struct aur_list *out, char *err, size_t errlen)
{
	if (!by)
		by = "name-desc";
	if (!arg)
		arg = "";
	/* Refused here in the server's own words: a request it would refuse costs a
	 * request of the day's quota all the same. */
	if (!aur_by_valid(by)) {
		snprintf(err, errlen, REFUSED "Incorrect by field specified.");
		return AUR_ERR_RPC;
	}
	if (strcmp(by, "maintainer") != 0 && chars(arg) < 2) {
		snprintf(err, errlen, REFUSED "Query arg too small.");
		return AUR_ERR_RPC;
	}
	struct buf url = {0};
	put_base(&url, c);
	/* The path form, except where a path segment cannot carry the argument: empty (the
	 * orphans), a '/' (decoded before routing) or a dot segment (removed by URL
	 * normalisation). The query form means the same to aurweb. */
	if (!*arg || strchr(arg, '/') || !strcmp(arg, ".") || !strcmp(arg, "..")) {
		buf_puts(&url, "/rpc/v5/search?arg=");
		put_encoded(&url, arg);
		buf_printf(&url, "&by=%s", by);
	} else {
		buf_puts(&url, "/rpc/v5/search/");
		put_encoded(&url, arg);
		buf_printf(&url, "?by=%s", by);
	}
	enum aur_status st = rpc_get(c, url.p, url.p, out, err, errlen);
	buf_free(&url);
	return st;
}

enum aur_status aur_info(const struct aur_conf *c, const char *const *names, size_t n,
			 struct aur_list *out, char *err, size_t errlen)
{
	struct buf base = {0}, url = {0}, piece = {0}, shown = {0};
	put_base(&base, c);
	buf_puts(&base, "/rpc/v5/info");
	enum aur_status st = AUR_OK;
	size_t i = 0;
	while (i < n && st == AUR_OK) {
		buf_reset(&url);
		buf_append(&url, base.p, base.len);
		size_t k = 0;
		while (i < n && k < AUR_INFO_CHUNK) {
			buf_reset(&piece);
			buf_puts(&piece, k ? "&arg[]=" : "?arg[]=");
			put_encoded(&piece, names[i] ? names[i] : "");
			/* No package has an empty name, or one too long to be asked for
			 * alone: the AUR cannot know it, so it is simply not found. */
			if (!names[i] || !*names[i] || base.len + piece.len >= MAX_INFO_URL) {
				i++;
				continue;
			}
			if (url.len + piece.len >= MAX_INFO_URL)
				break;
			buf_append(&url, piece.p, piece.len);
			k++;
			i++;
		}
		if (!k)
			break;
		buf_reset(&shown);
		buf_printf(&shown, "%s (%zu name%s)", base.p, k, k == 1 ? "" : "s");
		st = rpc_get(c, url.p, shown.p, out, err, errlen);
	}
	buf_free(&base);
	buf_free(&url);
	buf_free(&piece);
	buf_free(&shown);
	return st;
}

enum aur_status aur_fetch_snapshot(const struct aur_conf *c, const struct aur_pkg *p,
				   size_t max_bytes, struct buf *out, char *err, size_t errlen)
{
	const char *path = p->url_path ? p->url_path : "";
	if (!path_ok(path) || (!*path && !aur_name_ok(p->base ? p->base : ""))) {
		snprintf(err, errlen, "%s: the AUR's snapshot path is not a path on the AUR",
			 p->name && aur_name_ok(p->name) ? p->name : "a package");
		return AUR_ERR_BAD;
	}
	struct buf url = {0};
	put_base(&url, c);
	if (*path)
		buf_puts(&url, path);
	else
		buf_printf(&url, SNAPSHOT_PATH, p->base);
	struct net_request rq = {
		.url = url.p,
		.max_bytes = max_bytes ? max_bytes : DEFAULT_MAX_SNAPSHOT,
		.timeout_ms = c->timeout_ms,
		.ca_file = c->ca_file,
		.cancel = c->cancel,
	};
	struct net_result res;
	enum aur_status st = AUR_OK;
	if (net_fetch(&rq, &res) == 0) {
		buf_free(out);
		*out = res.body;
		res.body = (struct buf){0};
	} else if (res.status == NET_HTTP && res.http_code == 429) {
		snprintf(err, errlen, RATE_LIMITED);
		st = AUR_ERR_RATE;
	} else {
		snprintf(err, errlen, "%s", res.error);
		st = AUR_ERR_NET;
	}
	net_result_free(&res);
	buf_free(&url);
	return st;
}

void aur_to_pkg(const struct aur_pkg *a, struct pkg *out)
{
	memset(out, 0, sizeof(*out));
	out->name = a->name;
	out->version = a->version;
	out->repo = "aur";
	out->desc = a->desc;
	out->url = a->url;
	out->base = a->base;
	out->packager = a->maintainer;
	out->installed_version = out->long_desc = out->arch = out->section = "";
	out->source_version = out->installed_source = out->installed_source_version = "";
	out->priority = out->multi_arch = "";
	out->licenses = a->licenses;
	out->groups = a->groups;
	out->depends = a->depends;
	out->optdepends = a->optdepends;
	out->provides = a->provides;
	out->conflicts = a->conflicts;
	out->replaces = a->replaces;
	out->download_size = -1;
	out->installed_size = -1;
	out->build_date = a->last_modified;
}
