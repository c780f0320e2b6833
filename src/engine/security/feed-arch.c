/* SPDX-License-Identifier: MIT */
/* The Arch security tracker's all.json (FORMATS.md 2.1) parsed into feed records, one per
 * (package, AVG), refusing the whole document at the first thing that is not what it claims. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "engine/security/feed-build.h"
#include "engine/security/feed.h"

/*
 * What is accepted follows arch-audit (src/types.rs), which deserialises each
 * group with serde into a struct of name, packages, status, type, severity,
 * fixed (Option) and issues:
 * - those fields are required, with those types; a missing `fixed` is null;
 * - status and severity are serde enums: only the tracker's exact words
 *   ("Not affected", "High"); an unknown word fails arch-audit's whole
 *   parse, so it refuses ours too rather than guessing "unknown";
 * - `fixed` must not be "": arch-audit would compare against it (and find
 *   every version newer), where "" means "no fix" in our records;
 * - `affected` (which we show) may be a string, null or absent; the fields
 *   arch-audit ignores (`advisories`, `ticket`, anything new) are ignored;
 * - "Not affected" groups are dropped (arch-audit's rule 1).
 * Beyond serde: every string must be UTF-8 without control characters, names
 * and packages non-empty, and nothing may follow the array.
 */

static const char *const statuses[] = {
	[ADV_STATUS_UNKNOWN] = "Unknown",
	[ADV_STATUS_VULNERABLE] = "Vulnerable",
	[ADV_STATUS_TESTING] = "Testing",
	[ADV_STATUS_FIXED] = "Fixed",
};
#define NOT_AFFECTED "Not affected"

static const char *const severities[] = {
	[SEV_UNKNOWN] = "Unknown", [SEV_LOW] = "Low", [SEV_MEDIUM] = "Medium",
	[SEV_HIGH] = "High", [SEV_CRITICAL] = "Critical",
};

/* The index of word in table[lo..n), or -1. */
static int word_index(const char *const *table, int lo, int n, const char *word)
{
	for (int i = lo; i < n; i++)
		if (strcmp(table[i], word) == 0)
			return i;
	return -1;
}

/* One group being read: where errors go, and the pool strings go to. */
struct avg_ctx {
	struct strpool *pool;
	size_t index;
	char *err;
	size_t errlen;
};

/* A string item's text if it is acceptable text (non-empty when need is
 * set; 2: an array's entry), else NULL with the error written. */
static const char *text_of(struct avg_ctx *c, const cJSON *it, const char *field, int need)
{
	const char *s = it->valuestring;
	size_t n = strlen(s);
	if (need && !n)
		snprintf(c->err, c->errlen, "element %zu: '%s' %s", c->index, field,
			 need == 2 ? "has an empty entry" : "is empty");
	else if (!feed_text_ok(s, n))
		snprintf(c->err, c->errlen,
			 "element %zu: '%s' is not UTF-8 text without control characters",
			 c->index, field);
	else
		return strpool_intern(c->pool, s, n);
	return NULL;
}

/* Field name of obj: a string (null allowed when nullable; absent as null
 * when optional); "" for null. NULL with the error written otherwise. */
static const char *get_str(struct avg_ctx *c, const cJSON *obj, const char *name, int nullable,
			   int optional, int need)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, name);
	if (!it && optional)
		return "";
	if (!it) {
		snprintf(c->err, c->errlen, "element %zu: no '%s'", c->index, name);
		return NULL;
	}
	if (nullable && cJSON_IsNull(it))
		return "";
	if (!cJSON_IsString(it)) {
		snprintf(c->err, c->errlen, "element %zu: '%s' is not a string%s", c->index, name,
			 nullable ? " or null" : "");
		return NULL;
	}
	return text_of(c, it, name, need);
}

/* Field name of obj as a list of acceptable strings (from the pool); -1 with
 * the error written when it is absent or anything else. */
static int get_list(struct avg_ctx *c, const cJSON *obj, const char *name, int need,
		    struct strlist *out)
{
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(obj, name), *it;
	if (!arr) {
		snprintf(c->err, c->errlen, "element %zu: no '%s'", c->index, name);
		return -1;
	}
	if (!cJSON_IsArray(arr))
		goto type;
	size_t n = 0;
	cJSON_ArrayForEach(it, arr) {
		if (!cJSON_IsString(it))
			goto type;
		n++;
	}
	const char **v = strpool_alloc(c->pool, (n ? n : 1) * sizeof(*v));
	n = 0;
	cJSON_ArrayForEach(it, arr) {
		if (!(v[n++] = text_of(c, it, name, need ? 2 : 0)))
			return -1;
	}
	*out = (struct strlist){n ? v : NULL, (uint32_t)n};
	return 0;
type:
	snprintf(c->err, c->errlen, "element %zu: '%s' is not an array of strings", c->index, name);
	return -1;
}

/* Adds the records of one AVG (none for "Not affected"); 0, or -1 with the
 * error written. */
static int add_avg(struct feed_builder *b, struct avg_ctx *c, const cJSON *obj)
{
	if (!cJSON_IsObject(obj)) {
		snprintf(c->err, c->errlen, "element %zu: not an object", c->index);
		return -1;
	}
	struct advisory a;
	memset(&a, 0, sizeof(a));
	struct strlist packages;
	const char *status, *severity;
	if (!(a.id = get_str(c, obj, "name", 0, 0, 1)) ||
	    get_list(c, obj, "packages", 1, &packages) != 0 ||
	    !(status = get_str(c, obj, "status", 0, 0, 0)) ||
	    !(severity = get_str(c, obj, "severity", 0, 0, 0)) ||
	    !(a.type = get_str(c, obj, "type", 0, 0, 0)) ||
	    !(a.affected = get_str(c, obj, "affected", 1, 1, 0)) ||
	    !(a.fixed = get_str(c, obj, "fixed", 1, 1, 1)) ||
	    get_list(c, obj, "issues", 1, &a.issues) != 0)
		return -1;
	int st = word_index(statuses, ADV_STATUS_UNKNOWN, ADV_STATUS_FIXED + 1, status);
	if (st < 0 && strcmp(status, NOT_AFFECTED) == 0)
		return 0;
	if (st < 0) {
		snprintf(c->err, c->errlen, "element %zu: 'status' \"%.32s\" is not a tracker status",
			 c->index, status);
		return -1;
	}
	int sev = word_index(severities, SEV_UNKNOWN, SEV_MAX + 1, severity);
	if (sev < 0) {
		snprintf(c->err, c->errlen,
			 "element %zu: 'severity' \"%.32s\" is not a tracker severity", c->index,
			 severity);
		return -1;
	}
	a.status = (uint8_t)st;
	a.severity = (uint8_t)sev;
	/* Arch says nothing of remote or local: neither flag. */
	for (uint32_t k = 0; k < packages.n; k++) {
		a.package = packages.v[k];
		feed_builder_add(b, &a);
	}
	return 0;
}

struct feed *feed_parse_arch(const void *json, size_t len, char *err, size_t errlen)
{
	if (!len) {
		snprintf(err, errlen, "empty");
		return NULL;
	}
	if (len > FEED_MAX_TEXT) {
		snprintf(err, errlen, "larger than %u MiB", FEED_MAX_TEXT >> 20);
		return NULL;
	}
	const char *end = NULL;
	cJSON *doc = cJSON_ParseWithLengthOpts(json, len, &end, 0);
	if (!doc) {
		size_t at = end && end >= (const char *)json ? (size_t)(end - (const char *)json) : 0;
		snprintf(err, errlen, "not JSON (at byte %zu)", at);
		return NULL;
	}
	struct feed_builder *b = NULL;
	struct feed *f = NULL;
	/* cJSON stops after the value; anything but white space after it means
	 * the document is not the one JSON value it claims to be (serde agrees). */
	for (const char *p = end; p < (const char *)json + len; p++) {
		if (!strchr(" \t\r\n", *p) || !*p) {
			snprintf(err, errlen, "data after the JSON value (at byte %zu)",
				 (size_t)(p - (const char *)json));
			goto out;
		}
	}
	if (!cJSON_IsArray(doc)) {
		snprintf(err, errlen, "not a JSON array");
		goto out;
	}
	b = feed_builder_new(FEED_ARCH);
	struct avg_ctx c = {feed_builder_pool(b), 0, err, errlen};
	const cJSON *obj;
	cJSON_ArrayForEach(obj, doc) {
		if (add_avg(b, &c, obj) != 0)
			goto out;
		c.index++;
	}
	/* A package listed twice in one group (or two groups of one name) is one
	 * record, as arch-audit's per-package squash counts it once. */
	f = feed_builder_finish(b, 1);
out:
	feed_builder_free(b);
	cJSON_Delete(doc);
	return f;
}
