/* SPDX-License-Identifier: MIT */
/* Worker threads that leave every signal to the thread that started them. */
#ifndef OMG_UTIL_THREAD_H
#define OMG_UTIL_THREAD_H

#include <pthread.h>

/* pthread_create with every signal blocked in the new thread (the engine's
 * loop takes them through its signalfd). 0, or pthread_create's error. */
int thread_start(pthread_t *t, void *(*fn)(void *), void *arg);

#endif
