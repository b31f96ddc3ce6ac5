/* actions: the changes a municipality makes from the workplace, each a POST
 * with the session's form token, each written to the audit table: opening,
 * running and closing the cycle, marking a measure done with the document
 * that proves it, recording a decision; and the admin's accounts (added,
 * disabled with their sessions ended, enabled again). Handlers
 * run after routes.h has checked role, scope and token. */
#ifndef PDMON_ACTIONS_H
#define PDMON_ACTIONS_H

#include <stddef.h>

#include "http.h"

void actions_cycle_open(web_request *r);
void actions_cycle_run(web_request *r);
void actions_cycle_close(web_request *r);
void actions_measure_done(web_request *r);
void actions_decision_add(web_request *r);
void actions_users_page(web_request *r);
void actions_user_add(web_request *r);
void actions_user_switch(web_request *r); /* /admin/users/LOGIN/disable|enable */
void actions_audit_page(web_request *r);  /* the last entries of the audit trail */

/* The rule pack of the request's municipality: its latest cycle's, else
 * serve's --pack, else the store's recorded pack, when that pack is the
 * municipality's or a region's. 0 with the folder in buf, or -1 with why (in Russian). */
int actions_pack_of(web_request *r, char *buf, size_t len, char *why, size_t whylen);

#endif
