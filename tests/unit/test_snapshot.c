/* SPDX-License-Identifier: MIT */
/* Unit tests for the snapshot format: round trip, every kind of damage, versions, the atomic writer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/status.h"
#include "fast/snapshot.h"

static unsigned char file[SNAP_FILE_MAX];

/* A snapshot with every field set to something recognisable. */
static void sample(struct snap *s)
{
	memset(s, 0, sizeof(*s));
	s->flags = SNAP_SECURITY_KNOWN | SNAP_REBOOT;
	s->written = 1795500000;
	s->generation = 7;
	s->last_sync = 1795400000;
	s->checked = 1795450000;
	s->installed = 1234;
	s->explicit_ = 300;
	s->orphans = 5;
	s->upgradable = 12;
	s->security = 3;
	s->held = 2;
	s->packages = 63000;
	s->pid = 4242;
	s->interval = 300;
	s->str[SNAP_S_BACKEND] = "apt";
	s->str[SNAP_S_ROOT] = "/";
	s->str[SNAP_S_TRANSACTION] = "upgrade (committing)";
	s->nwitness = 2;
	s->witness[0] = (struct snap_witness){"/var/lib/dpkg/status", 99, 1795399999, 123, 1};
	s->witness[1] = (struct snap_witness){"/var/lib/apt/lists", 0, 0, 0, 0};
}

/* Recomputes the trailer's checksum after an edit. */
static void reseal(unsigned char *p, size_t n)
{
	snap_put32(p + n - SNAP_TRAILER_SIZE, snap_crc32(0, p, n - SNAP_TRAILER_SIZE));
}

static void test_round_trip(void **state)
{
	(void)state;
	struct snap in, out;
	sample(&in);
	size_t n = snap_encode(&in, file);
	assert_true(n > SNAP_HEADER_SIZE);
	assert_int_equal(snap_decode(file, n, &out), SNAP_OK);
	assert_int_equal(out.major, SNAP_MAJOR);
	assert_int_equal(out.flags, in.flags);
	assert_int_equal(out.written, in.written);
	assert_int_equal(out.generation, 7);
	assert_int_equal(out.last_sync, in.last_sync);
	assert_int_equal(out.checked, in.checked);
	assert_int_equal(out.installed, 1234);
	assert_int_equal(out.explicit_, 300);
	assert_int_equal(out.orphans, 5);
	assert_int_equal(out.upgradable, 12);
	assert_int_equal(out.security, 3);
	assert_int_equal(out.held, 2);
	assert_int_equal(out.packages, 63000);
	assert_int_equal(out.pid, 4242);
	assert_int_equal(out.interval, 300);
	assert_string_equal(out.str[SNAP_S_BACKEND], "apt");
	assert_string_equal(out.str[SNAP_S_ROOT], "/");
	assert_string_equal(out.str[SNAP_S_TRANSACTION], "upgrade (committing)");
	assert_int_equal(out.nwitness, 2);
	assert_string_equal(out.witness[0].path, "/var/lib/dpkg/status");
	assert_int_equal(out.witness[0].ino, 99);
	assert_int_equal(out.witness[0].mtime, 1795399999);
	assert_int_equal(out.witness[0].mtime_nsec, 123);
	assert_int_equal(out.witness[0].exists, 1);
	assert_int_equal(out.witness[1].exists, 0);
	/* The CRC is zlib's: the check value of "123456789" is cbf43926. */
	assert_int_equal(snap_crc32(0, (const unsigned char *)"123456789", 9), 0xcbf43926u);
}

static void test_every_truncation_and_bit_flip_is_refused(void **state)
{
	(void)state;
	struct snap in, out;
	sample(&in);
	size_t n = snap_encode(&in, file);
	for (size_t cut = 0; cut < n; cut++)
		assert_int_not_equal(snap_decode(file, cut, &out), SNAP_OK);
	/* One longer than written: the size field disagrees. */
	assert_int_equal(snap_decode(file, n + 1, &out), SNAP_CORRUPT);
	for (size_t i = 0; i < n; i++) {
		for (int bit = 0; bit < 8; bit++) {
			file[i] ^= (unsigned char)(1u << bit);
			enum snap_result r = snap_decode(file, n, &out);
			/* A flip in the major version may make it newer; nothing passes. */
			assert_true(r == SNAP_CORRUPT || (r == SNAP_NEWER && i >= SNAP_O_MAJOR &&
							  i < SNAP_O_MAJOR + 2));
			file[i] ^= (unsigned char)(1u << bit);
		}
	}
	assert_int_equal(snap_decode(file, n, &out), SNAP_OK);
}

static void test_bad_magic_newer_major_and_newer_minor(void **state)
{
	(void)state;
	struct snap in, out;
	sample(&in);
	size_t n = snap_encode(&in, file);
	file[0] = 'X';
	reseal(file, n);
	assert_int_equal(snap_decode(file, n, &out), SNAP_CORRUPT);
	file[0] = 'O';
	/* A new major: refused as newer even with a valid checksum. */
	file[SNAP_O_MAJOR] = SNAP_MAJOR + 1;
	reseal(file, n);
	assert_int_equal(snap_decode(file, n, &out), SNAP_NEWER);
	file[SNAP_O_MAJOR] = SNAP_MAJOR;
	file[SNAP_O_MINOR] = 0;
	file[SNAP_O_MAJOR] = 0;
	reseal(file, n);
	assert_int_equal(snap_decode(file, n, &out), SNAP_CORRUPT); /* there is no version 0 */
	file[SNAP_O_MAJOR] = SNAP_MAJOR;

	/* A newer minor with a longer header (fields this reader does not know)
	 * still reads: the sections move, their offsets say where. */
	static unsigned char big[SNAP_FILE_MAX + 64];
	size_t body = n - SNAP_TRAILER_SIZE - SNAP_HEADER_SIZE;
	memcpy(big, file, SNAP_HEADER_SIZE);
	memset(big + SNAP_HEADER_SIZE, 0xAB, 32); /* the new fields */
	memcpy(big + SNAP_HEADER_SIZE + 32, file + SNAP_HEADER_SIZE, body);
	size_t m = n + 32;
	big[SNAP_O_MINOR] = SNAP_MINOR + 5;
	snap_put32(big + SNAP_O_HEADER_SIZE, SNAP_HEADER_SIZE + 32);
	snap_put32(big + SNAP_O_FILE_SIZE, (uint32_t)m);
	snap_put32(big + SNAP_O_WITNESS_OFF, snap_get32(file + SNAP_O_WITNESS_OFF) + 32);
	snap_put32(big + SNAP_O_STRINGS_OFF, snap_get32(file + SNAP_O_STRINGS_OFF) + 32);
	memcpy(big + m - 4, "END\n", 4);
	reseal(big, m);
	assert_int_equal(snap_decode(big, m, &out), SNAP_OK);
	assert_int_equal(out.minor, SNAP_MINOR + 5);
	assert_int_equal(out.upgradable, 12);
	assert_string_equal(out.str[SNAP_S_TRANSACTION], "upgrade (committing)");
	assert_string_equal(out.witness[0].path, "/var/lib/dpkg/status");
}

static void test_sealed_lies_are_refused(void **state)
{
	(void)state;
	struct snap in, out;
	sample(&in);
	size_t n = snap_encode(&in, file);
	static unsigned char copy[SNAP_FILE_MAX];
	/* Each edit keeps a valid checksum: the structure itself must be checked. */
	struct {
		size_t off;
		uint32_t value;
	} lies[] = {
		{SNAP_O_HEADER_SIZE, 64},                 /* a header shorter than version 1's */
		{SNAP_O_HEADER_SIZE, 100000},             /* past the end */
		{SNAP_O_NWITNESS, SNAP_WITNESS_MAX + 1},  /* too many witnesses */
		{SNAP_O_NWITNESS, 3},                     /* more than there are paths for */
		{SNAP_O_WITNESS_OFF, 0},                  /* inside the header */
		{SNAP_O_WITNESS_OFF, 0xfffffff0u},        /* wraps */
		{SNAP_O_STRINGS_OFF, 0xffffffffu},
		{SNAP_O_STRINGS_LEN, 0xffffffffu},
		{SNAP_O_STRINGS_LEN, 3},                  /* cuts the strings: one is unterminated */
		{SNAP_O_STRINGS_OFF, SNAP_HEADER_SIZE},   /* overlaps the witnesses */
	};
	for (size_t i = 0; i < sizeof(lies) / sizeof(lies[0]); i++) {
		memcpy(copy, file, n);
		snap_put32(copy + lies[i].off, lies[i].value);
		reseal(copy, n);
		assert_int_equal(snap_decode(copy, n, &out), SNAP_CORRUPT);
	}
	/* A witness path that is not absolute, and a bad nanosecond count. */
	memcpy(copy, file, n);
	char *w0 = memmem(copy, n, "/var/lib/dpkg/status", 20);
	assert_non_null(w0);
	*w0 = 'v';
	reseal(copy, n);
	assert_int_equal(snap_decode(copy, n, &out), SNAP_CORRUPT);
	memcpy(copy, file, n);
	snap_put32(copy + SNAP_HEADER_SIZE + SNAP_W_MTIME_NSEC, 1000000000u);
	reseal(copy, n);
	assert_int_equal(snap_decode(copy, n, &out), SNAP_CORRUPT);
}

static void test_strings_too_long_are_not_encoded(void **state)
{
	(void)state;
	struct snap in;
	sample(&in);
	static char huge[SNAP_STRINGS_MAX + 1];
	memset(huge, 'x', sizeof(huge) - 1);
	in.str[SNAP_S_TRANSACTION] = huge;
	assert_int_equal(snap_encode(&in, file), 0);
}

static void test_atomic_write_replaces_the_file(void **state)
{
	(void)state;
	char dir[] = "/tmp/omg-snap-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[256], err[512];
	snprintf(path, sizeof(path), "%s/status.bin", dir);
	struct snap in, out;
	sample(&in);
	assert_int_equal(status_write(path, &in, 1, err, sizeof(err)), 0);
	in.upgradable = 99;
	assert_int_equal(status_write(path, &in, 0, err, sizeof(err)), 0);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	size_t n = fread(file, 1, sizeof(file), f);
	fclose(f);
	assert_int_equal(snap_decode(file, n, &out), SNAP_OK);
	assert_int_equal(out.upgradable, 99);
	/* No temporary file is left behind. */
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "test \"$(ls %s | wc -l)\" = 1", dir);
	assert_int_equal(system(cmd), 0);
	/* A directory that is gone: an error, said. */
	unlink(path);
	rmdir(dir);
	assert_int_equal(status_write(path, &in, 0, err, sizeof(err)), -1);
	assert_non_null(strstr(err, dir));
}

static void test_paths(void **state)
{
	(void)state;
	char p[4096];
	setenv("XDG_RUNTIME_DIR", "/run/user/1000", 1);
	assert_int_equal(snap_path_user("/", p, sizeof(p)), 0);
	assert_string_equal(p, "/run/user/1000/omg/status.bin");
	assert_int_equal(snap_path_user("/srv/chroot", p, sizeof(p)), 0);
	assert_non_null(strstr(p, "/run/user/1000/omg/status-"));
	assert_int_equal(snap_path_system("/", p, sizeof(p)), 0);
	assert_string_equal(p, "/var/lib/omg/status.bin");
	assert_int_equal(snap_path_system("/srv/chroot", p, sizeof(p)), 0);
	assert_string_equal(p, "/srv/chroot/var/lib/omg/status.bin");
	assert_int_equal(snap_path_system("/srv/chroot", p, 10), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_every_truncation_and_bit_flip_is_refused),
		cmocka_unit_test(test_bad_magic_newer_major_and_newer_minor),
		cmocka_unit_test(test_sealed_lies_are_refused),
		cmocka_unit_test(test_strings_too_long_are_not_encoded),
		cmocka_unit_test(test_atomic_write_replaces_the_file),
		cmocka_unit_test(test_paths),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
