/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the runtime version-file parsers (util/rtver.h), and the PATH rewriter. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/rtver.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A version that left a parser must be safe as one path component. */
static void check_version(const char *v)
{
	size_t n = strnlen(v, RTVER_VERSION_MAX);
	if (n == 0 || n >= RTVER_VERSION_MAX || v[0] == '.' || v[0] == '-' || strstr(v, ".."))
		abort();
	for (size_t i = 0; i < n; i++) {
		char c = v[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '+' || c == '-'))
			abort();
	}
}

/* The sign of c. */
static int sign(int c)
{
	return (c > 0) - (c < 0);
}

/*
 * Input: one byte picks the file kind, one the runtime, the rest is the file.
 * Then the same bytes, cut at the first NUL and split at the middle, are a
 * PATH and a marker for the rewriter: its output is bounded and a second
 * rewrite with its own marker changes nothing.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	enum rtver_file file = (enum rtver_file)(data[0] % RTVER_F_COUNT);
	enum rtver_rt rt = (enum rtver_rt)(data[1] % RTVER_COUNT);
	const char *buf = (const char *)data + 2;
	size_t n = size - 2;
	struct rtver_pin pin;
	memset(&pin, 0x5a, sizeof(pin));
	rtver_parse(file, rt, buf, n, &pin);
	switch (pin.state) {
	case RTVER_UNSET:
		if (pin.nversions != 0)
			abort();
		break;
	case RTVER_PINNED:
		if (pin.nversions < 1 || pin.nversions > RTVER_ALTS || pin.line < 1)
			abort();
		for (unsigned i = 0; i < pin.nversions; i++) {
			check_version(pin.versions[i]);
			if (sign(rtver_cmp(pin.versions[i], pin.versions[0])) !=
			    -sign(rtver_cmp(pin.versions[0], pin.versions[i])))
				abort();
			if (!rtver_match(rt, pin.versions[i], pin.versions[i]))
				abort();
		}
		break;
	case RTVER_BAD:
		if (strnlen(pin.why, RTVER_WHY_MAX) >= RTVER_WHY_MAX || !pin.why[0])
			abort();
		for (const char *p = pin.why; *p; p++)
			if (*p < 0x20 || *p >= 0x7f)
				abort();
		break;
	default:
		abort();
	}

	/* The rewriter. */
	static char text[1 << 16], out[1 << 17], out2[1 << 17], m[4096], m2[4096];
	size_t len = strnlen(buf, n < sizeof(text) - 1 ? n : sizeof(text) - 1);
	memcpy(text, buf, len);
	text[len] = '\0';
	size_t half = len / 2;
	const char *marker = text + half; /* the second half; the first, copied, is the PATH */
	static char path[1 << 16];
	memcpy(path, text, half);
	path[half] = '\0';
	const char *bins[2] = {"/data/omg/versions/node/20/bin", "/data/omg/versions/go/1.22/bin"};
	size_t nb = data[1] % 3;
	if (rtver_path_rewrite(path, marker, bins, nb, out, sizeof(out), m, sizeof(m)) != 0)
		abort();
	if (strlen(out) > half + 64)
		abort();
	if (rtver_path_rewrite(out, m, bins, nb, out2, sizeof(out2), m2, sizeof(m2)) != 0 ||
	    strcmp(out, out2) != 0 || strcmp(m, m2) != 0)
		abort();
	return 0;
}
