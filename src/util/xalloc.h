/* SPDX-License-Identifier: MIT */
/* The out-of-memory policy: allocation never fails; on exhaustion restore the terminal and abort. */
#ifndef OMG_UTIL_XALLOC_H
#define OMG_UTIL_XALLOC_H

#include <stddef.h>

/* Each returns memory the caller frees with free(); none returns NULL. */
void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
/* Grows an array of nmemb elements of size to at least need elements (doubling). */
void *xgrow(void *p, size_t *nmemb, size_t need, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Registers the one function run before aborting on out-of-memory (the UI
 * restores the terminal with it). The only process-wide setting in util. */
void xalloc_set_oom_hook(void (*hook)(void));

#endif
