/* pages: what the workplace shows, server-rendered in Russian with the
 * report's look, working without JavaScript and streamed while written:
 * the region's list of municipalities, a municipality's dashboard (the
 * summary of its open or last cycle, statuses at a glance, links), an
 * indicator (value per organization, chart, dynamics, the explanation in
 * words), an organization, the roadmap with due and overdue measures and
 * the "done" form, decisions, and the report in every format. Handlers run
 * after routes.h has checked the account's role and scope. */
#ifndef PDMON_PAGES_H
#define PDMON_PAGES_H

#include <sqlite3.h>

#include "cycle.h"
#include "http.h"

void pages_municipalities(web_request *r);
void pages_dashboard(web_request *r);
void pages_indicator(web_request *r);
void pages_organization(web_request *r);
void pages_organization_report(web_request *r);
void pages_roadmap(web_request *r);
void pages_decisions(web_request *r);
void pages_report(web_request *r);

/* The cycle a page of municipality m shows: ?cycle=N when it is m's, else
 * m's latest. 0 when found; 1 when m has no cycle yet; -1 when ?cycle names
 * another municipality's cycle or none. */
int pages_find_cycle(web_request *r, cycle_ref *c);

#endif
