/* SPDX-License-Identifier: MIT */
/* Errors a front end says: on stderr, and kept so they can be said again in another form. */
#ifndef OMG_CLIENT_REPORT_H
#define OMG_CLIENT_REPORT_H

#include "util/buf.h"

/* The errors said so far (zero it; report_free it). The CLI says them again
 * as its JSON error object (docs/cli.md, "Errors in JSON"). */
struct report {
	struct buf said; /* the messages, one per line, without the "omg: " stderr has */
};

/* Says an error: "omg: MESSAGE" on stderr, and keeps MESSAGE in r (r NULL:
 * stderr only). A message of several lines is kept as it is. */
void report_error(struct report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The messages said, one per line (no newline after the last); "" when
 * none. Borrowed until the next report_error. */
const char *report_text(const struct report *r);
/* Whether an error was said. */
int report_any(const struct report *r);
void report_free(struct report *r);

#endif
