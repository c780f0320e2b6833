/* SPDX-License-Identifier: MIT */
/* Errors said on stderr and kept for the front end (the CLI's JSON error object). */
#include "client/report.h"

#include <stdarg.h>
#include <stdio.h>

/* Prints "omg: MESSAGE" on stderr and keeps MESSAGE in r. */
void report_error(struct report *r, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "omg: %s\n", msg);
	if (r) {
		if (r->said.len)
			buf_putc(&r->said, '\n');
		buf_puts(&r->said, msg);
	}
}

/* The messages kept, one per line. */
const char *report_text(const struct report *r)
{
	return buf_str(&r->said);
}

/* Whether anything was said. */
int report_any(const struct report *r)
{
	return r->said.len != 0;
}

/* Frees the messages kept. */
void report_free(struct report *r)
{
	buf_free(&r->said);
}
