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

/* Zeroed memory for a large array, on transparent huge pages where the kernel
 * allows (far fewer page faults than malloc for tens of MiB). Free with
 * xbig_free(p, n) using the same n. */
void *xbig_calloc(size_t n);
void xbig_free(void *p, size_t n);
/* Asks the kernel to map [p, p+n) of a file mapping now, in one call, instead
 * of a fault per page later. A hint: errors are ignored. */
void xprefault(const void *p, size_t n);

/* Registers the one function run before aborting on out-of-memory (the UI
 * restores the terminal with it). The only process-wide setting in util. */
void xalloc_set_oom_hook(void (*hook)(void));

#endif
