/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the audit log's line parser, reader and verifier on arbitrary log contents. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/audit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Writes n bytes to DIR/name, replacing it. */
static void put(const char *dir, const char *name, const void *p, size_t n)
{
	char path[128];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || (n && write(fd, p, n) != (ssize_t)n))
		abort();
	close(fd);
}

/* Counts entries (and touches every field). */
static int each(void *ctx, const struct audit_entry *e)
{
	size_t *n = ctx;
	*n += strlen(e->event) + strlen(e->detail) + e->seq % 2;
	return 0;
}

static char dir[64];

/* Removes the run's directory at exit. */
static void cleanup(void)
{
	static const char *const names[] = {"log", "key", "head"};
	char path[128];
	for (int i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char *dbuf;
	if (!dir[0]) {
		/* One log directory for the whole run, with a fixed key and the head of
		 * tests/fuzz/corpus/audit/two-entries (made with that key), so the
		 * fuzzer can reach an intact log. */
		snprintf(dir, sizeof(dir), "/tmp/omg-fuzz-audit.XXXXXX");
		if (!mkdtemp(dir))
			abort();
		unsigned char key[32];
		memset(key, 0x42, sizeof(key));
		put(dir, "key", key, sizeof(key));
		static const char head[] =
			"2 bef913c635595c873d0beed6c2c36aafd48cf4f0a7edc37f97ed23578171e3e1 "
			"377e150dbf4cd4b011e03a1b11a70a1bfc9122700e9726082de8021d30ccba40\n";
		put(dir, "head", head, sizeof(head) - 1);
		dbuf = malloc(AUDIT_LINE_MAX + 1);
		atexit(cleanup);
	}
	/* The parser on one line. */
	if (size <= AUDIT_LINE_MAX) {
		struct audit_entry e;
		const char *why;
		if (audit_parse_line((const char *)data, size, &e, dbuf, &why) == 0 &&
		    (strlen(e.event) > 32 || e.seq == 0))
			abort();
	}
	/* The reader and the verifier on the whole log. */
	put(dir, "log", data, size);
	size_t n = 0;
	char err[512];
	if (audit_read(dir, each, &n, err, sizeof(err)) < 0)
		abort();
	struct audit_report r;
	int rc = audit_verify(dir, &r);
	if (rc < 0 || (rc == 1 && !r.why[0]) || (rc == 0 && r.bad_seq))
		abort();
	return 0;
}
