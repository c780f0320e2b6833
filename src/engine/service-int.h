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

/* ---- service-aur.c ---- */

struct aur_answer;
/* What the AUR says of mp, a foreign package (env->aur_foreign): its record
 * into slot (mp->aur), the snapshot URL into url; a newer AUR version makes
 * it upgradable from "aur" (IgnorePkg apart). Nothing for other packages. */
void service_aur_annotate(const struct service_env *env, struct msg_pkg *mp, struct pkg_aur *slot,
			  char *url, size_t urllen);
/* Adds to ids the foreign packages the AUR has a newer version of, in name order. */
void service_aur_upgradable(const struct index *ix, const struct service_env *env, struct ids *ids);
/* The reply to an aur request: ans (NULL with off), or off, why the AUR is
 * not asked here (an empty list with that warning; an error for a review). */
void service_aur_reply(const struct msg *req, const struct aur_answer *ans, const char *off,
		       const struct index *ix, const struct service_env *env, service_emit emit,
		       void *ctx);

#endif
