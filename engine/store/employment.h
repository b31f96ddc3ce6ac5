/* employment: the history of where each worker worked and as what, as
 * spans [from_date, to_date] in the employment table. A worker is in one
 * span at a time: a span that begins closes the one before it the day
 * before; a transfer or a change of position is a new span, never an
 * overwrite, and nothing is ever deleted. A span inferred from the start
 * of a career (no hire date known) is refined, not duplicated, when the
 * real hire date arrives. staff.organization_id and staff.position are
 * kept equal to the worker's latest span (employment_sync, after the
 * staff row is written).
 *
 * Three ways to learn a span, one per kind of staff file:
 *   - a row with a hire date (and perhaps a leave date): the span itself;
 *   - a row without dates: the worker works there; new workers count from
 *     their career start; a row that repeats an earlier span changes
 *     nothing; a move without a date is refused;
 *   - a row of an annual staff list on date D (import --snapshot D): the
 *     worker works there on D; after the list, the workers of its
 *     municipalities who are not on it are closed as left the day before D.
 * Importing the same list or file again changes nothing. */
#ifndef PDMON_EMPLOYMENT_H
#define PDMON_EMPLOYMENT_H

#include <stddef.h>
#include <sqlite3.h>

/* The prepared statements of one import and what they changed. */
/* The first spans of workers new to the store wait here and are written
 * SPANS_QUEUED at a time by one statement (employment_flush): nothing reads
 * them before the next read of the table, which writes them first. */
#define SPANS_QUEUED 64
typedef struct employment_writer {
  sqlite3 *db;
  sqlite3_stmt *same_start, *placeholder, *insert, *refine, *previous, *next, *set_end, *latest, *count,
      *covering, *sync, *listed, *update, *there, *known, *earlier;
  sqlite3_stmt *insert_queued[7]; /* [k]: 2^k rows of insert's six values (2^6 = SPANS_QUEUED) */
  char *queued[SPANS_QUEUED];  /* per span waiting: its six values, each ending in NUL (owned) */
  size_t nqueued;
  size_t opened;   /* spans begun */
  size_t closed;   /* spans given an end */
  int fresh;       /* 1 while writing the first span of a worker new to the store */
} employment_writer;

/* Prepares the statements on db (inside the import's transaction) and the
 * temporary list of the workers a staff list names. Returns 0, or -1 with
 * SQLite's reason in err. */
int employment_open(employment_writer *w, sqlite3 *db, char *err, size_t errlen);

void employment_close(employment_writer *w);

/* One row of a staff file. Dates are ISO; hire and leave may be NULL;
 * career_start is a year or 0 when unknown. */
typedef struct employment_row {
  const char *staff_id, *organization_id, *position;
  const char *hire, *leave;
  int career_start;
} employment_row;

/* Writes the spans waiting (SPANS_QUEUED). 0, or -1 with SQLite's reason
 * in err. Every function here that reads or writes the table calls it
 * first; the import calls it after its last row. */
int employment_flush(employment_writer *w, char *err, size_t errlen);

/* 1 when the store holds a span of the worker, 0 when not, -1 on a store
 * error. A worker with spans is in staff already; a worker without spans
 * gets one from the row, which agrees with their staff row. */
int employment_known(employment_writer *w, const char *staff_id);

/* A row of an ordinary staff file (with or without dates); known as
 * employment_known says before the row. Returns 0, or -1 with "column:
 * what is wrong" in msg for a row that contradicts the history (a move
 * without a date), having written nothing; -2 when the store failed. A
 * known worker's staff row needs employment_sync after it is written. */
int employment_record(employment_writer *w, const employment_row *row, int known, char *msg, size_t msglen);

/* -1 with the reason in msg when a row of the staff list of date is
 * refused whatever the store holds (hired after the list), else 0. */
int employment_listed_refused(const employment_row *row, const char *date, char *msg, size_t msglen);

/* A row of the staff list of date (ISO). earlier_list is 1 when the
 * store already holds an earlier list of the row's municipality, so a
 * worker new to the store joined after it. Same returns and known as above. */
int employment_listed(employment_writer *w, const employment_row *row, const char *date, int earlier_list,
                      int known, char *msg, size_t msglen);

/* Makes the staff row of row's worker say where the worker's latest span
 * is, when it is not where the row (just written to staff) said. 0, or -1. */
int employment_sync(employment_writer *w, const employment_row *row);

/* 1 when the store holds a staff list of organization_id's municipality
 * dated before date, 0 when not, -1 on a store error. */
int employment_earlier_list(employment_writer *w, const char *organization_id, const char *date);

/* After every row of the list of date (read from file): closes, the day
 * before date, the spans of the list's municipalities whose workers it
 * does not name, and records the list per municipality. Returns 0, or -1
 * with err. */
int employment_finish_list(employment_writer *w, const char *date, const char *file, char *err, size_t errlen);

#endif
