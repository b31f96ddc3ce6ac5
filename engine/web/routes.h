/* routes: every address of the workplace, who may use it, and the checks
 * made before a handler runs (and so before anything is read): a session,
 * the role, the scope (a municipality account only its municipality, a
 * school account only its organization, the region every municipality
 * read-only, the admin only accounts), and on every POST the session's
 * form token. A refusal is a 403 page and a row in the audit table. */
#ifndef PDMON_ROUTES_H
#define PDMON_ROUTES_H

#include <stddef.h>

#include "http.h"

typedef void (*web_handler)(web_request *r);

typedef struct web_route {
  const char *method;    /* GET or POST */
  const char *pattern;   /* "/m/{m}/org/{o}": {m} a municipality, {o} an organization of it, {x} anything */
  const char *roles;     /* "-": anyone; "*": any account; else a comma list of roles */
  web_handler handler;
} web_route;

/* The route table, for the server and for the test that every route refuses
 * what it must. */
const web_route *routes_list(size_t *n);

/* Finds the route, checks the session, role, scope and form token, and runs
 * the handler (or answers with the refusal). */
void routes_dispatch(web_request *r);

/* Answers with an error page in Russian (status 403, 404, 400, 500, ...). */
void routes_error_page(web_request *r, int status, const char *message);

/* Writes an audit row for the request's account and address; a failure is
 * logged to stderr (the answer does not change). */
void routes_audit(web_request *r, const char *action, const char *target, const char *detail, const char *outcome);

/* The page frame for the request's account. */
void routes_frame(const web_request *r, const char *title, void *frame /* html_frame * */);

#endif
