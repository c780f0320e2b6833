/* SPDX-License-Identifier: MIT */
/* Private to the engine's request handler: what service.c calls of its parts (service-*.c). */
#ifndef OMG_ENGINE_SERVICE_INT_H
#define OMG_ENGINE_SERVICE_INT_H

#include <stdint.h>

#include "engine/query.h"
#include "engine/service.h"

/* ---- service-security.c ---- */

/* PKG_VULNERABLE and PKG_FIXES_ADVISORY for p, from the advisory data (0 without). */
uint32_t service_adv_flags(const struct service_env *env, const struct pkg *p);
/* The positions of the installed packages an advisory affects, in name order. */
void service_list_vulnerable(const struct service_env *env, struct ids *ids);
/* Why the vulnerable list is empty or not to be trusted, or NULL. */
const char *service_vulns_note(const struct service_env *env);
/* The vulns reply (rows split under frame_max, MSG_FLAG_MORE on all but the last). */
void service_vulns(const struct msg *req, const struct service_env *env, service_emit emit,
		   void *ctx);

#endif
