/* SPDX-License-Identifier: MIT */
/* Unit tests for src/util: string pool, buffers, UTF-8 folding, width and clean-up, JSON escaping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "util/buf.h"
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_intern_dedups),
		cmocka_unit_test(test_buf),
		cmocka_unit_test(test_fold),
		cmocka_unit_test(test_width_and_fit),
		cmocka_unit_test(test_sanitize),
		cmocka_unit_test(test_json),
	};
	return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
