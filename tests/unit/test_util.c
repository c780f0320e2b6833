/* SPDX-License-Identifier: MIT */
/* Unit tests for src/util: string pool, buffers, UTF-8 folding, width and clean-up, JSON escaping,
 * sizes, atomic replacement, our own path, module loading. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/fdio.h"
#include "util/fmt.h"
#include "util/module.h"
#include "util/self.h"
#include "util/similar.h"
#include "util/json.h"
#include "util/strpool.h"
#include "util/utf8.h"

static void test_intern_dedups(void **state)
{
	(void)state;
	struct strpool *sp = strpool_new();
	const char *a = strpool_str(sp, "glibc");
	const char *b = strpool_intern(sp, "glibc-extra", 5);
	assert_ptr_equal(a, b);
	assert_string_equal(b, "glibc");
	assert_ptr_not_equal(strpool_str(sp, "glib"), a);
	assert_string_equal(strpool_str(sp, NULL), "");
	/* Many strings force rehashes; every one must still be found. */
	char name[32];
	const char *first[5000];
	for (int i = 0; i < 5000; i++) {
		snprintf(name, sizeof(name), "pkg-%d", i);
		first[i] = strpool_str(sp, name);
	}
	for (int i = 0; i < 5000; i++) {
		snprintf(name, sizeof(name), "pkg-%d", i);
		assert_ptr_equal(strpool_str(sp, name), first[i]);
	}
	/* A block larger than a chunk still works. */
	char *big = strpool_alloc(sp, 1 << 20);
	memset(big, 'x', 1 << 20);
	assert_string_equal(strpool_str(sp, "after-big"), "after-big");
	strpool_free(sp);
}

static void test_buf(void **state)
{
	(void)state;
	struct buf b = {0};
	assert_string_equal(buf_str(&b), "");
	buf_puts(&b, "abc");
	buf_printf(&b, "-%d-", 42);
	buf_putc(&b, 'z');
	assert_string_equal(buf_str(&b), "abc-42-z");
	assert_int_equal(b.len, 8);
	buf_reset(&b);
	assert_string_equal(buf_str(&b), "");
	buf_free(&b);
}

static void test_fold(void **state)
{
	(void)state;
	struct buf b = {0};
	utf8_fold(&b, "FireFox ÜNÏCÖDÉ 日本語");
	assert_string_equal(buf_str(&b), "firefox ünïcödé 日本語");
	buf_reset(&b);
	utf8_fold(&b, "bad\xff\xfe" "BYTES");
	assert_memory_equal(buf_str(&b), "bad\xff\xfe" "bytes", 10);
	buf_free(&b);
}

static void test_width_and_fit(void **state)
{
	(void)state;
	assert_int_equal(utf8_width("abc"), 3);
	assert_int_equal(utf8_width("日本"), 4);
	assert_int_equal(utf8_width("café"), 4);
	struct buf b = {0};
	/* A wide character that does not fit whole is left out, then padded. */
	assert_int_equal(utf8_fit(&b, "a日本", 4, 1), 4);
	assert_string_equal(buf_str(&b), "a日 ");
	buf_reset(&b);
	utf8_fit(&b, "x\ty", 10, 0);
	assert_string_equal(buf_str(&b), "x?y");
	buf_free(&b);
	assert_true(utf8_valid("ünï", strlen("ünï")));
	assert_false(utf8_valid("\xc3", 1));
	assert_false(utf8_valid("\xed\xa0\x80", 3)); /* a surrogate */
	assert_false(utf8_valid("\xc0\xaf", 2));     /* overlong */
}

static void test_sanitize(void **state)
{
	(void)state;
	struct buf b = {0};
	utf8_sanitize(&b, "caf\xc3\xa9 \xe6\x97\xa5", 9); /* well-formed: copied */
	assert_string_equal(buf_str(&b), "café 日");
	buf_reset(&b);
	/* One U+FFFD per bad byte: a lone lead, a stray continuation, an overlong
	 * pair, a surrogate, a sequence cut by the end. */
	utf8_sanitize(&b, "a\xff" "b\x80" "c\xc0\xaf" "d\xed\xa0\x80" "e\xe6\x97", 14);
	assert_string_equal(buf_str(&b), "a\uFFFDb\uFFFDc\uFFFD\uFFFDd\uFFFD\uFFFD\uFFFDe\uFFFD\uFFFD");
	assert_true(utf8_valid(b.p, b.len));
	buf_reset(&b);
	utf8_sanitize(&b, "x\0y", 3); /* a NUL is well-formed */
	assert_int_equal(b.len, 3);
	assert_memory_equal(b.p, "x\0y", 3);
	buf_free(&b);
}

static void test_json(void **state)
{
	(void)state;
	struct buf b = {0};
	buf_putc(&b, '{');
	json_kv_str(&b, "s", "q\"b\\n\nt\t\x01ü", 1);
	json_kv_int(&b, "i", -5, 0);
	json_kv_bool(&b, "t", 1, 0);
	json_kv_str_or_null(&b, "n", "", 0);
	const char *v[] = {"a", "b"};
	json_kv_strv(&b, "l", v, 2, 0);
	json_kv_str(&b, "bad", "x\xffy", 0);
	buf_putc(&b, '}');
	assert_string_equal(buf_str(&b),
			    "{\"s\":\"q\\\"b\\\\n\\nt\\t\\u0001ü\",\"i\":-5,\"t\":true,\"n\":null,"
			    "\"l\":[\"a\",\"b\"],\"bad\":\"x\\ufffdy\"}");
	buf_free(&b);
}

/* Sizes in binary units, a change signed even at zero. */
static void test_fmt_size(void **state)
{
	(void)state;
	char b[32];
	fmt_size(b, sizeof(b), 0, 0);
	assert_string_equal(b, "0 B");
	fmt_size(b, sizeof(b), 1023, 0);
	assert_string_equal(b, "1023 B");
	fmt_size(b, sizeof(b), 1024, 0);
	assert_string_equal(b, "1.0 KiB");
	fmt_size(b, sizeof(b), 1536 * 1024, 1);
	assert_string_equal(b, "+1.5 MiB");
	fmt_size(b, sizeof(b), -200, 1);
	assert_string_equal(b, "-200 B");
	fmt_size(b, sizeof(b), 0, 1);
	assert_string_equal(b, "+0 B");
	fmt_size(b, sizeof(b), INT64_MIN, 1);
	assert_string_equal(b, "-8192.0 PiB"); /* the magnitude of INT64_MIN, without overflow */
	assert_int_equal(b[0], '-');
}

/* fd_fill_fn that fails after writing part of the file. */
static int fill_fail(int fd, void *ctx)
{
	(void)ctx;
	if (write(fd, "part", 4) != 4)
		return -1;
	errno = ENOSPC;
	return -1;
}

/* Counts the entries of dir other than . and .. */
static int entries(const char *dir)
{
	char cmd[PATH_MAX + 64];
	snprintf(cmd, sizeof(cmd), "ls -A '%s' | wc -l", dir);
	FILE *f = popen(cmd, "r");
	int n = -1;
	if (f) {
		if (fscanf(f, "%d", &n) != 1)
			n = -1;
		pclose(f);
	}
	return n;
}

/* A replacement is whole or nothing: the mode asked for, no temporary left, and
 * the old file untouched when the writer fails. */
static void test_replace(void **state)
{
	(void)state;
	char dir[] = "/tmp/omg-test-replace-XXXXXX", path[PATH_MAX], text[64];
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/file", dir);
	mode_t old = umask(077);
	assert_int_equal(fd_replace_buf(path, 0644, "one\n", 4), 0);
	umask(old);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	assert_int_equal(fd_replace_buf(path, 0600, "two\n", 4), 0);
	assert_int_equal(fd_replace_path(path, 0600, fill_fail, NULL), -1);
	assert_int_equal(errno, ENOSPC);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(text, sizeof(text), f));
	fclose(f);
	assert_string_equal(text, "two\n");
	assert_int_equal(entries(dir), 1);
	/* A directory that is not there: an error, nothing made. */
	char missing[PATH_MAX + 16];
	snprintf(missing, sizeof(missing), "%s/no/file", dir);
	assert_int_equal(fd_replace_buf(missing, 0600, "x", 1), -1);
	assert_int_equal(errno, ENOENT);
	unlink(path);
	rmdir(dir);
}

/* Our own path is this test program, and its directory holds it. */
static void test_self(void **state)
{
	(void)state;
	char p[PATH_MAX], d[PATH_MAX], tiny[4];
	assert_int_equal(self_path(p, sizeof(p)), 0);
	assert_non_null(strstr(p, "test_util"));
	assert_int_equal(self_dir(d, sizeof(d)), 0);
	assert_memory_equal(p, d, strlen(d));
	assert_int_equal(p[strlen(d)], '/');
	assert_int_equal(self_path(tiny, sizeof(tiny)), -1);
	assert_int_equal(errno, ENAMETOOLONG);
}

/* Edit distance with swaps, and the closest of a list within the limit or by prefix. */
static void test_similar(void **state)
{
	(void)state;
	assert_int_equal(similar_distance("", ""), 0);
	assert_int_equal(similar_distance("search", "search"), 0);
	assert_int_equal(similar_distance("serach", "search"), 1);  /* a swap */
	assert_int_equal(similar_distance("instal", "install"), 1); /* an insertion */
	assert_int_equal(similar_distance("lsit", "list"), 1);
	assert_int_equal(similar_distance("abc", ""), 3);
	assert_int_equal(similar_distance("kitten", "sitting"), 3);
	assert_int_equal(similar_distance("ca", "abc"), 3); /* OSA: no edit of a swapped pair */
	assert_int_equal(similar_limit(4), 1);
	assert_int_equal(similar_limit(8), 2);
	assert_int_equal(similar_limit(9), 3);
	const char *cmds[] = {"search", "info", "list", "status", "sync", "install", "history"};
	assert_string_equal(similar_closest("serach", cmds, 7), "search");
	assert_string_equal(similar_closest("stat", cmds, 7), "status"); /* the only prefix */
	assert_string_equal(similar_closest("lst", cmds, 7), "list");
	assert_null(similar_closest("frobnicate", cmds, 7));
	assert_null(similar_closest("s", cmds, 7)); /* too short for a prefix */
	assert_null(similar_closest("s", NULL, 0));
	/* Words past 255 bytes are compared on their first 255. */
	char a[400], b[400];
	memset(a, 'x', sizeof(a) - 1), a[399] = '\0';
	memset(b, 'x', sizeof(b) - 1), b[399] = '\0';
	b[300] = 'y';
	assert_int_equal(similar_distance(a, b), 0);
}

/* A module that is nowhere: NULL and a message that starts with its file name. */
static void test_module_missing(void **state)
{
	(void)state;
	char err[PATH_MAX + 256];
	assert_null(module_symbol("omg-no-such-module.so", "nothing", err, sizeof(err)));
	assert_non_null(strstr(err, "omg-no-such-module.so is not installed (looked in "));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_intern_dedups),
		cmocka_unit_test(test_buf),
		cmocka_unit_test(test_fold),
		cmocka_unit_test(test_width_and_fit),
		cmocka_unit_test(test_sanitize),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_fmt_size),
		cmocka_unit_test(test_replace),
		cmocka_unit_test(test_self),
		cmocka_unit_test(test_module_missing),
		cmocka_unit_test(test_similar),
	};
	return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
