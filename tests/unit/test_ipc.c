/* SPDX-License-Identifier: MIT */
/* Unit tests for the wire protocol: round trips of every message, framing, bad input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipc/codec.h"
#include "ipc/frame.h"

#define LIST(...) ((struct strlist){(const char *const[]){__VA_ARGS__}, \
	sizeof((const char *[]){__VA_ARGS__}) / sizeof(const char *)})

/* Encodes m, decodes it back into out (arena owned by the caller). */
static enum codec_result roundtrip(const struct msg *m, struct msg *out, struct strpool *arena,
				   struct buf *b)
{
	char err[256];
	buf_reset(b);
	assert_int_equal(codec_encode(b, m), 0);
	uint32_t len = (uint32_t)(unsigned char)b->p[0] << 24 | (uint32_t)(unsigned char)b->p[1] << 16 |
		       (uint32_t)(unsigned char)b->p[2] << 8 | (unsigned char)b->p[3];
	assert_int_equal(len, b->len - 4);
	return codec_decode((const uint8_t *)b->p + 4, b->len - 4, out, arena, err, sizeof(err));
}

static void test_hello_and_error(void **state)
{
	(void)state;
	struct strpool *arena = strpool_new();
	struct buf b = {0};
	struct msg m, out;
	memset(&m, 0, sizeof(m));
	m.h.type = MSG_HELLO;
	m.h.id = 7;
	m.u.hello = (struct msg_hello){1, OMG_PROTO_VERSION, "omg-cli 0.1 ü"};
	assert_int_equal(roundtrip(&m, &out, arena, &b), CODEC_OK);
	assert_int_equal(out.h.version, OMG_PROTO_VERSION);
	assert_int_equal(out.h.type, MSG_HELLO);
	assert_int_equal(out.h.id, 7);
	assert_int_equal(out.u.hello.max_version, OMG_PROTO_VERSION);
	assert_string_equal(out.u.hello.client, "omg-cli 0.1 ü");
	/* the header is little-endian after the big-endian length */
	assert_int_equal((unsigned char)b.p[4], OMG_PROTO_VERSION);
	assert_int_equal((unsigned char)b.p[6], MSG_HELLO);
	memset(&m, 0, sizeof(m));
	m.h.type = MSG_ERROR;
	m.u.error = (struct msg_error){ERR_USAGE, "invalid regular expression"};
	assert_int_equal(roundtrip(&m, &out, arena, &b), CODEC_OK);
	assert_int_equal(out.u.error.code, ERR_USAGE);
	assert_string_equal(out.u.error.message, "invalid regular expression");
	buf_free(&b);
	strpool_free(arena);
}

static void test_search_and_pkgs(void **state)
{
	(void)state;
	struct strpool *arena = strpool_new();
	struct buf b = {0};
	struct msg m, out;
	memset(&m, 0, sizeof(m));
	m.h.type = MSG_SEARCH;
	m.u.search = (struct msg_search){SEARCH_REGEX | SEARCH_INSTALLED, 20, LIST("^vim", "")};
	assert_int_equal(roundtrip(&m, &out, arena, &b), CODEC_OK);
	assert_int_equal(out.u.search.flags, SEARCH_REGEX | SEARCH_INSTALLED);
	assert_int_equal(out.u.search.terms.n, 2);
	assert_string_equal(out.u.search.terms.v[0], "^vim");
	assert_string_equal(out.u.search.terms.v[1], "");

	struct msg_pkg pk[2];
	struct strlist deps = LIST("glibc>=2", "ncurses"), rdeps = LIST("gvim");
	struct strlist pre = LIST("libc6 (>= 2.36)"), breaks = LIST("vim-tiny (<< 9)");
	struct strlist tags = LIST("role::program", "uitoolkit::ncurses");
	const struct pkg_archive arch[] = {{"file:/repo ./ Packages", 500},
					   {"/var/lib/dpkg/status", -1}};
	const struct pkg_version vers[] = {{"1.0-1", 990, PKG_VERSION_CANDIDATE, arch, 2},
					   {"0.9-1", 100, PKG_VERSION_INSTALLED, NULL, 0}};
	memset(pk, 0, sizeof(pk));
	for (int i = 0; i < 2; i++) {
		struct pkg *p = &pk[i].pkg;
		p->name = i ? "vim" : "nano";
		p->version = "1.0-1";
		p->installed_version = i ? "" : "0.9-1";
		p->repo = "core";
		p->desc = "editor";
		p->long_desc = "long";
		p->url = p->arch = p->packager = p->base = p->section = "";
		p->depends = deps;
		p->download_size = 123456789012LL;
		p->installed_size = -1;
		p->install_date = 1700000000;
		p->flags = PKG_INSTALLED | PKG_UPGRADABLE;
		p->reason = PKG_REASON_DEPEND;
		p->priority = "optional";
		p->pre_depends = pre;
		p->breaks = breaks;
		p->tags = tags;
		p->versions = vers;
		p->nversions = 2;
		pk[i].required_by = rdeps;
		pk[i].required_by_more = 21841;
		pk[i].optional_for_more = 7;
	}
	memset(&m, 0, sizeof(m));
	m.h.type = MSG_PKGS;
	m.h.flags = MSG_FLAG_MORE;
	m.u.pkgs = (struct msg_pkgs){PKGS_FULL, 2, pk, LIST("nope"), LIST("a, b"), {NULL, 0}};
	assert_int_equal(roundtrip(&m, &out, arena, &b), CODEC_OK);
	assert_int_equal(out.h.flags, MSG_FLAG_MORE);
	assert_int_equal(out.u.pkgs.count, 2);
	const struct pkg *q = &out.u.pkgs.pkgs[0].pkg;
	assert_string_equal(q->name, "nano");
	assert_string_equal(q->installed_version, "0.9-1");
	assert_string_equal(q->long_desc, "long");
	assert_int_equal(q->depends.n, 2);
	assert_string_equal(q->depends.v[1], "ncurses");
	assert_int_equal(q->download_size, 123456789012LL);
	assert_int_equal(q->installed_size, -1);
	assert_int_equal(q->flags, PKG_INSTALLED | PKG_UPGRADABLE);
	assert_string_equal(out.u.pkgs.pkgs[1].required_by.v[0], "gvim");
	assert_int_equal(out.u.pkgs.pkgs[1].required_by_more, 21841);
	assert_int_equal(out.u.pkgs.pkgs[1].optional_for_more, 7);
	assert_string_equal(q->priority, "optional");
	assert_string_equal(q->multi_arch, "");
	assert_string_equal(q->pre_depends.v[0], "libc6 (>= 2.36)");
	assert_string_equal(q->breaks.v[0], "vim-tiny (<< 9)");
	assert_string_equal(q->tags.v[1], "uitoolkit::ncurses");
	assert_int_equal(q->nversions, 2);
	assert_string_equal(q->versions[0].version, "1.0-1");
	assert_int_equal(q->versions[0].priority, 990);
	assert_int_equal(q->versions[0].flags, PKG_VERSION_CANDIDATE);
	assert_int_equal(q->versions[0].narchives, 2);
	assert_string_equal(q->versions[0].archives[0].where, "file:/repo ./ Packages");
	assert_int_equal(q->versions[0].archives[1].priority, -1);
	assert_int_equal(q->versions[1].narchives, 0);
	assert_string_equal(out.u.pkgs.missing.v[0], "nope");
	assert_string_equal(out.u.pkgs.providers.v[0], "a, b");
	size_t full = b.len;
	/* brief records leave the full-only fields out, and decode them as empty */
	m.u.pkgs.detail = PKGS_BRIEF;
	assert_int_equal(roundtrip(&m, &out, arena, &b), CODEC_OK);
	assert_true(b.len < full);
	q = &out.u.pkgs.pkgs[0].pkg;
	assert_string_equal(q->desc, "editor");
	assert_string_equal(q->long_desc, "");
	assert_int_equal(q->depends.n, 0);
	assert_int_equal(q->download_size, -1);
	assert_string_equal(q->priority, "");
	assert_int_equal(q->nversions, 0);
	buf_free(&b);
	strpool_free(arena);
}

static void test_every_type_has_a_schema(void **state)
{
	(void)state;
	static const uint16_t types[] = {MSG_HELLO, MSG_HELLO_OK, MSG_ERROR, MSG_SEARCH, MSG_INFO,
					 MSG_LIST, MSG_STATUS, MSG_SUBSCRIBE, MSG_PKGS,
					 MSG_STATUS_REPLY, MSG_OK, MSG_EVENT_STATUS, MSG_PLAN,
					 MSG_COMMIT, MSG_CANCEL, MSG_ANSWER, MSG_ATTACH,
					 MSG_HISTORY, MSG_PLAN_REPLY, MSG_TRANS_RESULT,
					 MSG_HISTORY_REPLY, MSG_EVENT_TRANS};
	struct strpool *arena = strpool_new();
	struct buf b = {0};
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		struct msg m, out;
		memset(&m, 0, sizeof(m));
		m.h.type = types[i];
		assert_int_equal(roundtrip(&m, &out, arena, &b), CODEC_OK);
		assert_int_equal(out.h.type, types[i]);
		assert_string_not_equal(codec_type_name(types[i]), "unknown");
	}
	struct msg m;
	memset(&m, 0, sizeof(m));
	m.h.type = 0x7777;
	assert_int_equal(codec_encode(&b, &m), -1);
	buf_free(&b);
	strpool_free(arena);
}

/* Plan replies and history entries carry arrays of records, nested in history. */
static void test_record_arrays(void **state)
{
	(void)state;
	struct strpool *arena = strpool_new();
	struct buf b = {0};
	struct trans_item items[2] = {
		{ACT_UPGRADE, PKG_REASON_EXPLICIT, "omg-editor", "1.0-1", "1.1-1", "core", 829, 0, NULL,
		 NULL},
		{ACT_INSTALL, PKG_REASON_DEPEND, "omg-lib", "", "2.0-1", "core", 100, 4096, NULL, NULL},
	};
	struct msg m, out;
	memset(&m, 0, sizeof(m));
	m.h.type = MSG_PLAN_REPLY;
	m.u.plan_reply.plan = 7;
	m.u.plan_reply.count = 2;
	m.u.plan_reply.items = items;
	m.u.plan_reply.download = 929;
	const char *held[] = {"omg-held"}, *warn[] = {"omg-held is held (dpkg hold)"};
	m.u.plan_reply.held = (struct strlist){held, 1};
	m.u.plan_reply.warnings = (struct strlist){warn, 1};
	assert_int_equal(roundtrip(&m, &out, arena, &b), CODEC_OK);
	assert_int_equal(out.u.plan_reply.held.n, 1);
	assert_string_equal(out.u.plan_reply.held.v[0], "omg-held");
	assert_string_equal(out.u.plan_reply.warnings.v[0], "omg-held is held (dpkg hold)");
	assert_int_equal(out.u.plan_reply.count, 2);
	assert_string_equal(out.u.plan_reply.items[1].name, "omg-lib");
	assert_string_equal(out.u.plan_reply.items[0].old_version, "1.0-1");
	assert_int_equal(out.u.plan_reply.items[1].size_change, 4096);
	assert_int_equal(out.u.plan_reply.download, 929);

	struct msg_trans_result entries[2];
	memset(entries, 0, sizeof(entries));
	entries[0].history = 3;
	entries[0].command = "omg upgrade";
	entries[0].count = 2;
	entries[0].items = items;
	entries[1].history = 2;
	entries[1].status = ERR_INTERRUPTED;
	memset(&m, 0, sizeof(m));
	m.h.type = MSG_HISTORY_REPLY;
	m.u.history_reply.count = 2;
	m.u.history_reply.entries = entries;
	assert_int_equal(roundtrip(&m, &out, arena, &b), CODEC_OK);
	assert_int_equal(out.u.history_reply.count, 2);
	assert_string_equal(out.u.history_reply.entries[0].command, "omg upgrade");
	assert_string_equal(out.u.history_reply.entries[0].items[1].new_version, "2.0-1");
	assert_int_equal(out.u.history_reply.entries[1].status, ERR_INTERRUPTED);
	assert_int_equal(out.u.history_reply.entries[1].count, 0);

	/* A record count far beyond the bytes there is refused before allocating. */
	uint8_t bad[12 + 8 + 4 + 4];
	memset(bad, 0, sizeof(bad));
	bad[2] = MSG_PLAN_REPLY & 0xff;
	bad[3] = MSG_PLAN_REPLY >> 8;
	bad[12 + 8 + 4] = 0xff, bad[12 + 8 + 5] = 0xff, bad[12 + 8 + 6] = 0xff;
	char err[256];
	struct msg m2;
	assert_int_equal(codec_decode(bad, sizeof(bad), &m2, arena, err, sizeof(err)),
			 CODEC_MALFORMED);
	buf_free(&b);
	strpool_free(arena);
}

/* A decode of raw bytes: the result code and the error text. */
static enum codec_result decode_raw(const void *p, size_t n, char *err)
{
	struct strpool *arena = strpool_new();
	struct msg m;
	enum codec_result rc = codec_decode(p, n, &m, arena, err, 256);
	strpool_free(arena);
	return rc;
}

static void test_bad_messages(void **state)
{
	(void)state;
	char err[256];
	/* shorter than a header */
	assert_int_equal(decode_raw("\1\0\1\0", 4, err), CODEC_MALFORMED);
	/* unknown type, well-formed header */
	static const uint8_t unknown[12] = {1, 0, 0x77, 0x77};
	assert_int_equal(decode_raw(unknown, 12, err), CODEC_UNKNOWN_TYPE);
	/* info with a list count far beyond the bytes there */
	static const uint8_t huge[16] = {1, 0, 0x01, 0x01, 0, 0, 0, 0, 0, 0, 0, 0,
					 0xff, 0xff, 0xff, 0x7f};
	assert_int_equal(decode_raw(huge, 16, err), CODEC_MALFORMED);
	assert_non_null(strstr(err, "list of"));
	/* a string with a NUL, one with bad UTF-8, trailing bytes */
	static const uint8_t nul[24] = {1, 0, 0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0,
					1, 0, 0, 0, 3, 0, 0, 0, 'a', 0, 'b'};
	assert_int_equal(decode_raw(nul, 23, err), CODEC_MALFORMED);
	assert_non_null(strstr(err, "NUL"));
	static const uint8_t bad8[23] = {1, 0, 0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0,
					 1, 0, 0, 0, 3, 0, 0, 0, 'a', 0xff, 'b'};
	assert_int_equal(decode_raw(bad8, 23, err), CODEC_MALFORMED);
	assert_non_null(strstr(err, "UTF-8"));
	static const uint8_t trailing[13] = {1, 0, 0x03, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 9};
	assert_int_equal(decode_raw(trailing, 13, err), CODEC_MALFORMED);
	assert_non_null(strstr(err, "after the last field"));
	/* pkgs with an unknown detail level */
	static const uint8_t detail[16] = {1, 0, 0x00, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0};
	assert_int_equal(decode_raw(detail, 16, err), CODEC_MALFORMED);
}

static void test_frames(void **state)
{
	(void)state;
	struct frame_reader r;
	frame_reader_init(&r, 64);
	const uint8_t *msg;
	size_t len;
	assert_int_equal(frame_next(&r, &msg, &len), FRAME_NEED_MORE);
	/* two frames arriving a byte at a time, then together */
	static const uint8_t two[] = {0, 0, 0, 2, 'h', 'i', 0, 0, 0, 3, 'a', 'b', 'c'};
	for (size_t i = 0; i < 5; i++) {
		assert_int_equal(frame_next(&r, &msg, &len), FRAME_NEED_MORE);
		frame_feed(&r, two + i, 1);
	}
	assert_int_equal(frame_next(&r, &msg, &len), FRAME_NEED_MORE);
	frame_feed(&r, two + 5, sizeof(two) - 5);
	assert_int_equal(frame_next(&r, &msg, &len), FRAME_READY);
	assert_int_equal(len, 2);
	assert_memory_equal(msg, "hi", 2);
	frame_consume(&r);
	assert_int_equal(frame_next(&r, &msg, &len), FRAME_READY);
	assert_memory_equal(msg, "abc", 3);
	frame_consume(&r);
	assert_int_equal(frame_next(&r, &msg, &len), FRAME_NEED_MORE);
	assert_int_equal(frame_room(&r), 68);
	/* a length over the limit is refused from the prefix alone */
	static const uint8_t big[] = {0, 0, 0, 65};
	frame_feed(&r, big, 4);
	assert_int_equal(frame_next(&r, &msg, &len), FRAME_TOO_BIG);
	frame_reader_free(&r);
}

/* Which install arguments are package files: paths, and makepkg's file names;
 * "repo/name" and names with dots stay names. */
static void test_install_args(void **state)
{
	(void)state;
	static const char *const files[] = {
		"/tmp/x", "./foo", "../b/c", "foo-1-1-any.pkg.tar.zst",
		"out/foo-1-1-x86_64.pkg.tar.xz", "foo-1-1-any.pkg.tar", "a.pkg.tar.b.pkg.tar.gz",
	};
	static const char *const names[] = {
		"vim", "core/vim", "python3.11", "gtk2.0", "foo.pkg.tar.zst.sig", "x.pkg.tar.",
		".hidden", "..", "foo.pkg", "a.pkg.tar.zst/b",
	};
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if (!trans_arg_is_file(files[i]))
			fail_msg("'%s' should be a file", files[i]);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (trans_arg_is_file(names[i]))
			fail_msg("'%s' should be a name", names[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hello_and_error),
		cmocka_unit_test(test_search_and_pkgs),
		cmocka_unit_test(test_every_type_has_a_schema),
		cmocka_unit_test(test_record_arrays),
		cmocka_unit_test(test_bad_messages),
		cmocka_unit_test(test_frames),
		cmocka_unit_test(test_install_args),
	};
	return cmocka_run_group_tests_name("ipc", tests, NULL, NULL);
}
