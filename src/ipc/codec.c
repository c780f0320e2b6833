/* SPDX-License-Identifier: MIT */
/* Schema tables for every message and the one encoder and decoder that walk them. */
#include "ipc/codec.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "util/utf8.h"

enum fkind {
	F_U32,  /* uint32_t */
	F_U64,  /* uint64_t */
	F_I64,  /* int64_t */
	F_STR,  /* const char *: u32 length + bytes */
	F_STRV, /* struct strlist: u32 count + strings */
	F_PKGS, /* uint32_t count at aux, struct msg_pkg * at off: u32 count + packages */
	F_ARRAY, /* uint32_t count at aux, an array of arr->size records at off: u32 count
		  * + each record's fields */
};

struct array_def;

struct field {
	uint8_t kind;
	uint8_t full_only; /* package fields sent only at PKGS_FULL */
	uint16_t off;
	uint16_t aux;
	const struct array_def *arr; /* F_ARRAY: its records */
};

/* The records of an F_ARRAY field. */
struct array_def {
	const struct field *fields;
	size_t n;
	size_t size; /* sizeof one record */
};

#define FLD(k, type, member) {k, 0, (uint16_t)offsetof(type, member), 0, NULL}
#define ARR(type, member, count, def) \
	{F_ARRAY, 0, (uint16_t)offsetof(type, member), (uint16_t)offsetof(type, count), &(def)}

#define FULL(k, member) {k, 1, (uint16_t)offsetof(struct msg_pkg, member), 0, NULL}
#define FULL_ARR(member, count, def) \
	{F_ARRAY, 1, (uint16_t)offsetof(struct msg_pkg, member), \
	 (uint16_t)offsetof(struct msg_pkg, count), &(def)}

/* A line of a version table: where a version comes from. */
static const struct field archive_fields[] = {
	FLD(F_STR, struct pkg_archive, where),
	FLD(F_U32, struct pkg_archive, priority),
};
static const struct array_def archive_array = {
	archive_fields, sizeof(archive_fields) / sizeof(archive_fields[0]), sizeof(struct pkg_archive)};

/* A version of a package (apt's version table). */
static const struct field version_fields[] = {
	FLD(F_STR, struct pkg_version, version),
	FLD(F_U32, struct pkg_version, priority),
	FLD(F_U32, struct pkg_version, flags),
	ARR(struct pkg_version, archives, narchives, archive_array),
};
static const struct array_def version_array = {
	version_fields, sizeof(version_fields) / sizeof(version_fields[0]),
	sizeof(struct pkg_version)};

/* The AUR's fields of a package (version 7). */
static const struct field aur_fields[] = {
	FLD(F_U32, struct pkg_aur, state),
	FLD(F_U32, struct pkg_aur, pending_requests),
	FLD(F_U64, struct pkg_aur, votes),
	FLD(F_U64, struct pkg_aur, popularity_micro),
	FLD(F_I64, struct pkg_aur, out_of_date),
	FLD(F_I64, struct pkg_aur, first_submitted),
	FLD(F_I64, struct pkg_aur, last_modified),
	FLD(F_STR, struct pkg_aur, version),
	FLD(F_STR, struct pkg_aur, maintainer),
	FLD(F_STR, struct pkg_aur, submitter),
	FLD(F_STR, struct pkg_aur, snapshot),
	FLD(F_STRV, struct pkg_aur, makedepends),
	FLD(F_STRV, struct pkg_aur, checkdepends),
	FLD(F_STRV, struct pkg_aur, keywords),
	FLD(F_STRV, struct pkg_aur, comaintainers),
};
static const struct array_def aur_array = {
	aur_fields, sizeof(aur_fields) / sizeof(aur_fields[0]), sizeof(struct pkg_aur)};

/* struct msg_pkg, in wire order. Brief records carry the first fields only. */
static const struct field pkg_fields[] = {
	FLD(F_STR, struct msg_pkg, pkg.name),
	FLD(F_STR, struct msg_pkg, pkg.version),
	FLD(F_STR, struct msg_pkg, pkg.installed_version),
	FLD(F_STR, struct msg_pkg, pkg.repo),
	FLD(F_STR, struct msg_pkg, pkg.desc),
	FLD(F_U32, struct msg_pkg, pkg.reason),
	FLD(F_U32, struct msg_pkg, pkg.flags),
	ARR(struct msg_pkg, aur, naur, aur_array),
	FULL(F_STR, pkg.long_desc),
	FULL(F_STR, pkg.url),
	FULL(F_STR, pkg.arch),
	FULL(F_STR, pkg.packager),
	FULL(F_STR, pkg.base),
	FULL(F_STR, pkg.section),
	FULL(F_STRV, pkg.licenses),
	FULL(F_STRV, pkg.groups),
	FULL(F_STRV, pkg.depends),
	FULL(F_STRV, pkg.optdepends),
	FULL(F_STRV, pkg.suggests),
	FULL(F_STRV, pkg.provides),
	FULL(F_STRV, pkg.conflicts),
	FULL(F_STRV, pkg.replaces),
	FULL(F_I64, pkg.download_size),
	FULL(F_I64, pkg.installed_size),
	FULL(F_I64, pkg.build_date),
	FULL(F_I64, pkg.install_date),
	FULL(F_STRV, required_by),
	FULL(F_STRV, optional_for),
	/* since version 5 */
	FULL(F_STR, pkg.source_version),
	FULL(F_STR, pkg.priority),
	FULL(F_STR, pkg.multi_arch),
	FULL(F_STRV, pkg.pre_depends),
	FULL(F_STRV, pkg.enhances),
	FULL(F_STRV, pkg.breaks),
	FULL(F_STRV, pkg.tags),
	FULL_ARR(pkg.versions, pkg.nversions, version_array),
	FULL(F_U32, required_by_more),
	FULL(F_U32, optional_for_more),
};
#undef FULL
#undef FULL_ARR

static const struct field hello_fields[] = {
	FLD(F_U32, struct msg, u.hello.min_version),
	FLD(F_U32, struct msg, u.hello.max_version),
	FLD(F_STR, struct msg, u.hello.client),
};
static const struct field hello_ok_fields[] = {
	FLD(F_U32, struct msg, u.hello_ok.version),
	FLD(F_U32, struct msg, u.hello_ok.frame_max),
	FLD(F_U32, struct msg, u.hello_ok.pid),
	FLD(F_U64, struct msg, u.hello_ok.generation),
	FLD(F_STR, struct msg, u.hello_ok.backend),
	FLD(F_STR, struct msg, u.hello_ok.root),
};
static const struct field error_fields[] = {
	FLD(F_U32, struct msg, u.error.code),
	FLD(F_STR, struct msg, u.error.message),
};
static const struct field search_fields[] = {
	FLD(F_U32, struct msg, u.search.flags),
	FLD(F_U32, struct msg, u.search.limit),
	FLD(F_STRV, struct msg, u.search.terms),
};
static const struct field info_fields[] = {
	FLD(F_STRV, struct msg, u.info.names),
};
static const struct field list_fields[] = {
	FLD(F_U32, struct msg, u.list.kind),
	FLD(F_U32, struct msg, u.list.limit),
};
static const struct field subscribe_fields[] = {
	FLD(F_U32, struct msg, u.subscribe.what),
};
static const struct field pkgs_fields[] = {
	FLD(F_U32, struct msg, u.pkgs.detail),
	{F_PKGS, 0, (uint16_t)offsetof(struct msg, u.pkgs.pkgs),
	 (uint16_t)offsetof(struct msg, u.pkgs.count), NULL},
	FLD(F_STRV, struct msg, u.pkgs.missing),
	FLD(F_STRV, struct msg, u.pkgs.providers),
	FLD(F_STRV, struct msg, u.pkgs.warnings),
};
static const struct field status_fields[] = {
	FLD(F_U64, struct msg, u.status.generation),
	FLD(F_U64, struct msg, u.status.packages),
	FLD(F_U64, struct msg, u.status.installed),
	FLD(F_U64, struct msg, u.status.explicit_),
	FLD(F_U64, struct msg, u.status.upgradable),
	FLD(F_U64, struct msg, u.status.held),
	FLD(F_U64, struct msg, u.status.orphans),
	FLD(F_U64, struct msg, u.status.foreign),
	FLD(F_STR, struct msg, u.status.backend),
	FLD(F_STR, struct msg, u.status.root),
	FLD(F_STRV, struct msg, u.status.warnings),
	FLD(F_STR, struct msg, u.status.mode),
	FLD(F_U64, struct msg, u.status.pid),
	FLD(F_U64, struct msg, u.status.started),
	FLD(F_U64, struct msg, u.status.index_time),
	FLD(F_U64, struct msg, u.status.clients),
	FLD(F_U64, struct msg, u.status.requests),
	FLD(F_U64, struct msg, u.status.cache_hits),
	FLD(F_U64, struct msg, u.status.cache_misses),
	FLD(F_U64, struct msg, u.status.index_bytes),
	FLD(F_STR, struct msg, u.status.audit_dir),
	FLD(F_STR, struct msg, u.status.transaction),
	FLD(F_U64, struct msg, u.status.security),
	FLD(F_U32, struct msg, u.status.security_known),
	FLD(F_U32, struct msg, u.status.reboot_required),
	FLD(F_U64, struct msg, u.status.last_sync),
	FLD(F_U64, struct msg, u.status.checked),
	FLD(F_STR, struct msg, u.status.check_error),
	FLD(F_STR, struct msg, u.status.snapshot),
	FLD(F_U64, struct msg, u.status.vulnerable),
	FLD(F_U32, struct msg, u.status.vuln_severity),
	FLD(F_U32, struct msg, u.status.vuln_state),
	FLD(F_U64, struct msg, u.status.vuln_fetched),
};

static const struct field item_fields[] = {
	FLD(F_U32, struct trans_item, action),
	FLD(F_U32, struct trans_item, reason),
	FLD(F_STR, struct trans_item, name),
	FLD(F_STR, struct trans_item, old_version),
	FLD(F_STR, struct trans_item, new_version),
	FLD(F_STR, struct trans_item, repo),
	FLD(F_I64, struct trans_item, download),
	FLD(F_I64, struct trans_item, size_change),
};
static const struct array_def item_array = {item_fields, sizeof(item_fields) / sizeof(item_fields[0]),
					    sizeof(struct trans_item)};

static const struct field plan_fields[] = {
	FLD(F_U32, struct msg, u.plan.kind),
	FLD(F_U32, struct msg, u.plan.flags),
	FLD(F_STRV, struct msg, u.plan.targets),
	FLD(F_STR, struct msg, u.plan.command),
	FLD(F_STRV, struct msg, u.plan.overrides),
};
static const struct field violation_fields[] = {
	FLD(F_U32, struct policy_violation, rule),
	FLD(F_STR, struct policy_violation, package),
	FLD(F_STR, struct policy_violation, reason),
	FLD(F_U32, struct policy_violation, overridden),
};
static const struct array_def violation_array = {
	violation_fields, sizeof(violation_fields) / sizeof(violation_fields[0]),
	sizeof(struct policy_violation)};
static const struct field plan_reply_fields[] = {
	FLD(F_U64, struct msg, u.plan_reply.plan),
	FLD(F_U32, struct msg, u.plan_reply.kind),
	ARR(struct msg, u.plan_reply.items, u.plan_reply.count, item_array),
	FLD(F_I64, struct msg, u.plan_reply.download),
	FLD(F_I64, struct msg, u.plan_reply.size_change),
	FLD(F_STRV, struct msg, u.plan_reply.warnings),
	FLD(F_STRV, struct msg, u.plan_reply.held),
	ARR(struct msg, u.plan_reply.violations, u.plan_reply.nviolations, violation_array),
};
static const struct field vuln_adv_fields[] = {
	FLD(F_STR, struct vuln_adv, id),
	FLD(F_STR, struct vuln_adv, fixed),
	FLD(F_STR, struct vuln_adv, affected),
	FLD(F_STR, struct vuln_adv, type),
	FLD(F_STRV, struct vuln_adv, issues),
	FLD(F_U32, struct vuln_adv, severity),
	FLD(F_U32, struct vuln_adv, remote),
	FLD(F_U32, struct vuln_adv, affects),
	FLD(F_U32, struct vuln_adv, via_source),
};
static const struct array_def vuln_adv_array = {
	vuln_adv_fields, sizeof(vuln_adv_fields) / sizeof(vuln_adv_fields[0]),
	sizeof(struct vuln_adv)};
static const struct field vuln_fields[] = {
	FLD(F_STR, struct vuln, name),
	FLD(F_STR, struct vuln, installed),
	FLD(F_STR, struct vuln, source),
	FLD(F_STR, struct vuln, fixed),
	FLD(F_U32, struct vuln, severity),
	FLD(F_U32, struct vuln, remote),
	FLD(F_U32, struct vuln, affected),
	FLD(F_STRV, struct vuln, ids),
	ARR(struct vuln, advs, nadvs, vuln_adv_array),
};
static const struct array_def vuln_array = {
	vuln_fields, sizeof(vuln_fields) / sizeof(vuln_fields[0]), sizeof(struct vuln)};
static const struct field vulns_fields[] = {
	FLD(F_U32, struct msg, u.vulns.flags),
	FLD(F_STRV, struct msg, u.vulns.names),
};
static const struct field vulns_reply_fields[] = {
	FLD(F_U32, struct msg, u.vulns_reply.state),
	FLD(F_U32, struct msg, u.vulns_reply.feed),
	FLD(F_STR, struct msg, u.vulns_reply.url),
	FLD(F_STR, struct msg, u.vulns_reply.release),
	FLD(F_U64, struct msg, u.vulns_reply.fetched),
	FLD(F_U64, struct msg, u.vulns_reply.checked),
	FLD(F_U64, struct msg, u.vulns_reply.max_age),
	FLD(F_STR, struct msg, u.vulns_reply.error),
	FLD(F_U64, struct msg, u.vulns_reply.vulnerable),
	FLD(F_U32, struct msg, u.vulns_reply.max_severity),
	ARR(struct msg, u.vulns_reply.rows, u.vulns_reply.count, vuln_array),
};
static const struct field aur_req_fields[] = {
	FLD(F_U32, struct msg, u.aur.op),
	FLD(F_U32, struct msg, u.aur.flags),
	FLD(F_STR, struct msg, u.aur.by),
	FLD(F_STRV, struct msg, u.aur.args),
	FLD(F_STR, struct msg, u.aur.hash),
};
static const struct field aur_review_fields[] = {
	FLD(F_STR, struct msg, u.aur_review.base),
	FLD(F_U32, struct msg, u.aur_review.kind),
	FLD(F_STR, struct msg, u.aur_review.hash),
	FLD(F_STR, struct msg, u.aur_review.text),
	FLD(F_U32, struct msg, u.aur_review.approved),
};
static const struct field sbom_fields[] = {
	FLD(F_U32, struct msg, u.sbom.format),
};
static const struct field text_fields[] = {
	FLD(F_STR, struct msg, u.text.text),
};
static const struct field commit_fields[] = {
	FLD(F_U64, struct msg, u.commit.plan),
};
static const struct field answer_fields[] = {
	FLD(F_U32, struct msg, u.answer.question),
	FLD(F_U32, struct msg, u.answer.answer),
};
static const struct field event_fields[] = {
	FLD(F_U64, struct msg, u.event.history),
	FLD(F_U32, struct msg, u.event.ev.kind),
	FLD(F_U32, struct msg, u.event.ev.level),
	FLD(F_STR, struct msg, u.event.ev.name),
	FLD(F_STR, struct msg, u.event.ev.text),
	FLD(F_U32, struct msg, u.event.ev.index),
	FLD(F_U32, struct msg, u.event.ev.count),
	FLD(F_U64, struct msg, u.event.ev.done),
	FLD(F_U64, struct msg, u.event.ev.total),
	FLD(F_U32, struct msg, u.event.ev.percent),
	FLD(F_U64, struct msg, u.event.rate),
	FLD(F_U32, struct msg, u.event.question),
	FLD(F_U32, struct msg, u.event.qkind),
	FLD(F_STRV, struct msg, u.event.choices),
	FLD(F_U32, struct msg, u.event.def),
	FLD(F_U32, struct msg, u.event.timeout),
};
/* A transaction result as a record (history entries) and as a message. */
#define RESULT_FIELDS(type, p) \
	FLD(F_U64, type, p history), \
	FLD(F_U32, type, p kind), \
	FLD(F_U32, type, p flags), \
	FLD(F_U32, type, p status), \
	FLD(F_U32, type, p uid), \
	FLD(F_U64, type, p started), \
	FLD(F_U64, type, p ended), \
	FLD(F_STR, type, p command), \
	FLD(F_STR, type, p message), \
	ARR(type, p items, p count, item_array), \
	FLD(F_U32, type, p changes), \
	FLD(F_STRV, type, p notes)
static const struct field result_record_fields[] = {RESULT_FIELDS(struct msg_trans_result, )};
static const struct array_def result_array = {
	result_record_fields, sizeof(result_record_fields) / sizeof(result_record_fields[0]),
	sizeof(struct msg_trans_result)};
static const struct field result_fields[] = {RESULT_FIELDS(struct msg, u.result.)};
static const struct field history_fields[] = {
	FLD(F_U64, struct msg, u.history.id),
	FLD(F_U32, struct msg, u.history.limit),
};
static const struct field history_reply_fields[] = {
	ARR(struct msg, u.history_reply.entries, u.history_reply.count, result_array),
};

struct schema {
	uint16_t type;
	const char *name;
	const struct field *fields;
	size_t n;
};

#define SCHEMA(t, name, f) {t, name, f, sizeof(f) / sizeof((f)[0])}
#define EMPTY(t, name) {t, name, NULL, 0}

/* Every message type this version knows. */
static const struct schema schemas[] = {
	SCHEMA(MSG_HELLO, "hello", hello_fields),
	SCHEMA(MSG_HELLO_OK, "hello-ok", hello_ok_fields),
	SCHEMA(MSG_ERROR, "error", error_fields),
	SCHEMA(MSG_SEARCH, "search", search_fields),
	SCHEMA(MSG_INFO, "info", info_fields),
	SCHEMA(MSG_LIST, "list", list_fields),
	EMPTY(MSG_STATUS, "status"),
	SCHEMA(MSG_SUBSCRIBE, "subscribe", subscribe_fields),
	SCHEMA(MSG_PKGS, "pkgs", pkgs_fields),
	SCHEMA(MSG_STATUS_REPLY, "status-reply", status_fields),
	EMPTY(MSG_OK, "ok"),
	SCHEMA(MSG_EVENT_STATUS, "event-status", status_fields),
	SCHEMA(MSG_HISTORY, "history", history_fields),
	SCHEMA(MSG_PLAN_REPLY, "plan-reply", plan_reply_fields),
	SCHEMA(MSG_TRANS_RESULT, "trans-result", result_fields),
	SCHEMA(MSG_HISTORY_REPLY, "history-reply", history_reply_fields),
	SCHEMA(MSG_EVENT_TRANS, "event-trans", event_fields),
	SCHEMA(MSG_PLAN, "plan", plan_fields),
	SCHEMA(MSG_COMMIT, "commit", commit_fields),
	SCHEMA(MSG_CANCEL, "cancel", commit_fields),
	SCHEMA(MSG_ANSWER, "answer", answer_fields),
	EMPTY(MSG_ATTACH, "attach"),
	SCHEMA(MSG_VULNS, "vulns", vulns_fields),
	SCHEMA(MSG_VULNS_REPLY, "vulns-reply", vulns_reply_fields),
	SCHEMA(MSG_SBOM, "sbom", sbom_fields),
	SCHEMA(MSG_TEXT, "text", text_fields),
	SCHEMA(MSG_AUR, "aur", aur_req_fields),
	SCHEMA(MSG_AUR_REVIEW, "aur-review", aur_review_fields),
};

/* The schema of a type, or NULL. */
static const struct schema *schema_of(uint16_t type)
{
	for (size_t i = 0; i < sizeof(schemas) / sizeof(schemas[0]); i++)
		if (schemas[i].type == type)
			return &schemas[i];
	return NULL;
}

const char *codec_type_name(uint16_t type)
{
	const struct schema *s = schema_of(type);
	return s ? s->name : "unknown";
}

/* ---- encoding ---- */

static void put_u16(struct buf *b, uint16_t v)
{
	unsigned char x[2] = {(unsigned char)v, (unsigned char)(v >> 8)};
	buf_append(b, x, 2);
}

static void put_u32(struct buf *b, uint32_t v)
{
	unsigned char x[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
			      (unsigned char)(v >> 24)};
	buf_append(b, x, 4);
}

static void put_u64(struct buf *b, uint64_t v)
{
	put_u32(b, (uint32_t)v);
	put_u32(b, (uint32_t)(v >> 32));
}

static void put_str(struct buf *b, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	put_u32(b, (uint32_t)n);
	buf_append(b, s ? s : "", n);
}

static void put_fields(struct buf *b, const void *base, const struct field *f, size_t n,
		       int full);

/* Encodes an array of packages at the detail level of the message. */
static void put_pkgs(struct buf *b, const struct msg_pkg *pkgs, uint32_t count, int full)
{
	put_u32(b, count);
	for (uint32_t i = 0; i < count; i++)
		put_fields(b, &pkgs[i], pkg_fields, sizeof(pkg_fields) / sizeof(pkg_fields[0]), full);
}

/* Encodes the fields of one schema from the struct at base. */
static void put_fields(struct buf *b, const void *base, const struct field *f, size_t n,
		       int full)
{
	const char *p = base;
	for (size_t i = 0; i < n; i++) {
		if (f[i].full_only && !full)
			continue;
		const void *at = p + f[i].off;
		switch (f[i].kind) {
		case F_U32:
			put_u32(b, *(const uint32_t *)at);
			break;
		case F_U64:
			put_u64(b, *(const uint64_t *)at);
			break;
		case F_I64:
			put_u64(b, (uint64_t) * (const int64_t *)at);
			break;
		case F_STR:
			put_str(b, *(const char *const *)at);
			break;
		case F_STRV: {
			const struct strlist *l = at;
			put_u32(b, l->n);
			for (uint32_t k = 0; k < l->n; k++)
				put_str(b, l->v[k]);
			break;
		}
		case F_PKGS:
			put_pkgs(b, *(const struct msg_pkg *const *)at,
				 *(const uint32_t *)(p + f[i].aux), full);
			break;
		case F_ARRAY: {
			const char *v = *(const char *const *)at;
			uint32_t count = *(const uint32_t *)(p + f[i].aux);
			put_u32(b, v ? count : 0);
			for (uint32_t k = 0; v && k < count; k++)
				put_fields(b, v + k * f[i].arr->size, f[i].arr->fields, f[i].arr->n, 1);
			break;
		}
		}
	}
}

int codec_encode(struct buf *out, const struct msg *m)
{
	const struct schema *s = schema_of(m->h.type);
	if (!s)
		return -1;
	size_t start = out->len;
	put_u32(out, 0); /* length, patched below */
	put_u16(out, m->h.version ? m->h.version : (uint16_t)OMG_PROTO_VERSION);
	put_u16(out, m->h.type);
	put_u32(out, m->h.id);
	put_u32(out, m->h.flags);
	put_fields(out, m, s->fields, s->n,
		   m->h.type != MSG_PKGS || m->u.pkgs.detail == PKGS_FULL);
	uint32_t len = (uint32_t)(out->len - start - OMG_FRAME_LEN_SIZE);
	unsigned char be[4] = {(unsigned char)(len >> 24), (unsigned char)(len >> 16),
			       (unsigned char)(len >> 8), (unsigned char)len};
	memcpy(out->p + start, be, 4);
	return 0;
}

/* ---- decoding ---- */

struct reader {
	const uint8_t *p;
	size_t left;
	struct strpool *arena;
	char *err;
	size_t errlen;
};

#define FAIL(r, ...) do { snprintf((r)->err, (r)->errlen, __VA_ARGS__); return -1; } while (0)

static int get_u32(struct reader *r, uint32_t *v)
{
	if (r->left < 4)
		FAIL(r, "message ends inside a number");
	*v = (uint32_t)r->p[0] | (uint32_t)r->p[1] << 8 | (uint32_t)r->p[2] << 16 |
	     (uint32_t)r->p[3] << 24;
	r->p += 4;
	r->left -= 4;
	return 0;
}

static int get_u64(struct reader *r, uint64_t *v)
{
	uint32_t lo, hi;
	if (get_u32(r, &lo) != 0 || get_u32(r, &hi) != 0)
		return -1;
	*v = (uint64_t)hi << 32 | lo;
	return 0;
}

/* A string: bounded by what is left, no NUL inside, valid UTF-8. */
static int get_str(struct reader *r, const char **s)
{
	uint32_t n;
	if (get_u32(r, &n) != 0)
		return -1;
	if (n > r->left)
		FAIL(r, "string of %u bytes with %zu left", n, r->left);
	if (memchr(r->p, '\0', n))
		FAIL(r, "string contains a NUL byte");
	if (!utf8_valid((const char *)r->p, n))
		FAIL(r, "string is not valid UTF-8");
	*s = n ? strpool_copy(r->arena, (const char *)r->p, n) : "";
	r->p += n;
	r->left -= n;
	return 0;
}

static int get_strv(struct reader *r, struct strlist *l)
{
	uint32_t n;
	if (get_u32(r, &n) != 0)
		return -1;
	if (n > r->left / 4) /* every string takes at least its length */
		FAIL(r, "list of %u strings with %zu bytes left", n, r->left);
	const char **v = n ? strpool_alloc(r->arena, n * sizeof(*v)) : NULL;
	for (uint32_t i = 0; i < n; i++)
		if (get_str(r, &v[i]) != 0)
			return -1;
	l->v = v;
	l->n = n;
	return 0;
}

static int get_fields(struct reader *r, void *base, const struct field *f, size_t n, int full);

/* The smallest encoding of one package: every field empty. */
static size_t pkg_min_size(int full)
{
	size_t n = 0;
	for (size_t i = 0; i < sizeof(pkg_fields) / sizeof(pkg_fields[0]); i++)
		if (full || !pkg_fields[i].full_only)
			n += pkg_fields[i].kind == F_I64 || pkg_fields[i].kind == F_U64 ? 8 : 4;
	return n;
}

static int get_pkgs(struct reader *r, struct msg_pkg **out, uint32_t *count, int full)
{
	uint32_t n;
	if (get_u32(r, &n) != 0)
		return -1;
	if (n > r->left / pkg_min_size(full))
		FAIL(r, "list of %u packages with %zu bytes left", n, r->left);
	struct msg_pkg *v = n ? strpool_alloc(r->arena, n * sizeof(*v)) : NULL;
	for (uint32_t i = 0; i < n; i++) {
		memset(&v[i], 0, sizeof(v[i]));
		v[i].pkg.long_desc = v[i].pkg.url = v[i].pkg.arch = v[i].pkg.packager = "";
		v[i].pkg.base = v[i].pkg.section = "";
		v[i].pkg.source_version = v[i].pkg.priority = v[i].pkg.multi_arch = "";
		v[i].pkg.installed_source = v[i].pkg.installed_source_version = ""; /* not sent */
		v[i].pkg.download_size = v[i].pkg.installed_size = -1;
		if (get_fields(r, &v[i], pkg_fields, sizeof(pkg_fields) / sizeof(pkg_fields[0]),
			       full) != 0)
			return -1;
	}
	*out = v;
	*count = n;
	return 0;
}

/* The smallest encoding of one record of fields f. */
static size_t record_min_size(const struct field *f, size_t n)
{
	size_t size = 0;
	for (size_t i = 0; i < n; i++)
		size += f[i].kind == F_I64 || f[i].kind == F_U64 ? 8 : 4;
	return size;
}

/* An array of records: the count is checked against what is left first. */
static int get_array(struct reader *r, const struct array_def *d, void **out, uint32_t *count)
{
	uint32_t n;
	if (get_u32(r, &n) != 0)
		return -1;
	if (n > r->left / record_min_size(d->fields, d->n))
		FAIL(r, "list of %u records with %zu bytes left", n, r->left);
	char *v = n ? strpool_alloc(r->arena, n * d->size) : NULL;
	if (v)
		memset(v, 0, n * d->size);
	for (uint32_t i = 0; i < n; i++)
		if (get_fields(r, v + i * d->size, d->fields, d->n, 1) != 0)
			return -1;
	*out = v;
	*count = n;
	return 0;
}

static int get_fields(struct reader *r, void *base, const struct field *f, size_t n, int full)
{
	char *p = base;
	for (size_t i = 0; i < n; i++) {
		if (f[i].full_only && !full)
			continue;
		void *at = p + f[i].off;
		int rc = 0;
		switch (f[i].kind) {
		case F_U32:
			rc = get_u32(r, at);
			break;
		case F_U64:
			rc = get_u64(r, at);
			break;
		case F_I64: {
			uint64_t v = 0;
			rc = get_u64(r, &v);
			*(int64_t *)at = (int64_t)v;
			break;
		}
		case F_STR:
			rc = get_str(r, at);
			break;
		case F_STRV:
			rc = get_strv(r, at);
			break;
		case F_PKGS: {
			/* The detail level is the field before: decoded already. */
			uint32_t detail = ((struct msg *)base)->u.pkgs.detail;
			if (detail > PKGS_FULL)
				FAIL(r, "unknown detail level %u", detail);
			rc = get_pkgs(r, at, (uint32_t *)(p + f[i].aux), detail == PKGS_FULL);
			break;
		}
		case F_ARRAY:
			rc = get_array(r, f[i].arr, at, (uint32_t *)(p + f[i].aux));
			break;
		}
		if (rc != 0)
			return -1;
	}
	return 0;
}

int codec_peek_header(const uint8_t *p, size_t n, struct msg_header *h)
{
	if (n < OMG_HEADER_SIZE)
		return -1;
	h->version = (uint16_t)(p[0] | p[1] << 8);
	h->type = (uint16_t)(p[2] | p[3] << 8);
	h->id = (uint32_t)p[4] | (uint32_t)p[5] << 8 | (uint32_t)p[6] << 16 | (uint32_t)p[7] << 24;
	h->flags = (uint32_t)p[8] | (uint32_t)p[9] << 8 | (uint32_t)p[10] << 16 |
		   (uint32_t)p[11] << 24;
	return 0;
}

void codec_set_id(uint8_t *p, uint32_t id)
{
	for (int i = 0; i < 4; i++)
		p[4 + i] = (uint8_t)(id >> (8 * i));
}

enum codec_result codec_decode(const uint8_t *p, size_t n, struct msg *m, struct strpool *arena,
			       char *err, size_t errlen)
{
	memset(m, 0, sizeof(*m));
	if (codec_peek_header(p, n, &m->h) != 0) {
		snprintf(err, errlen, "message of %zu bytes is shorter than its header", n);
		return CODEC_MALFORMED;
	}
	struct reader r = {p + OMG_HEADER_SIZE, n - OMG_HEADER_SIZE, arena, err, errlen};
	const struct schema *s = schema_of(m->h.type);
	if (!s) {
		snprintf(err, errlen, "unknown message type 0x%04x", m->h.type);
		return CODEC_UNKNOWN_TYPE;
	}
	if (get_fields(&r, m, s->fields, s->n, 1) != 0)
		return CODEC_MALFORMED;
	if (r.left) {
		snprintf(err, errlen, "%zu bytes after the last field of %s", r.left, s->name);
		return CODEC_MALFORMED;
	}
	return CODEC_OK;
}

void codec_error(struct msg *m, uint32_t id, uint32_t code, const char *text)
{
	memset(m, 0, sizeof(*m));
	m->h.type = MSG_ERROR;
	m->h.id = id;
	m->u.error.code = code;
	m->u.error.message = text;
}
