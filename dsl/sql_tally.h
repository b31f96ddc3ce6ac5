/* sql_tally: the pdmon_tally aggregate the evaluation's scans call, so
 * that a condition many measures share is computed once per row.
 *
 *   pdmon_tally(plan, mask_1, ..., mask_W, field_1, ..., field_F)
 *
 * The scan computes each distinct condition once per row as one bit of a
 * mask (mask_1 ... mask_W, integers); plan says, for each measure, which
 * bits it needs and what it adds up. Per group the aggregate returns a
 * blob of one 8-byte native value per measure: an integer for counts, a
 * double for totals (Lua reads it with string.unpack("=jd...")).
 *
 * plan is text: "W F" then one ";measure" each, where a measure is
 *   n:WORD=BITS,...   the number of rows whose mask WORD holds BITS (all)
 *   tJ:WORD=BITS,...  the total of field J over those rows (NULL ignored)
 *   cJ:WORD=BITS,...  how many of those rows have field J
 * WORD and J count from 1; a measure with no condition is "n:".
 * A malformed plan or wrong arguments are an SQL error.
 *
 *   pdmon_bits(x)
 *
 * The bitwise OR of the integers x over a group's rows (NULL ignored; 0
 * when no row has one): a scan reads a worker's activities once in one
 * range of an index and says by one bit each which of several conditions
 * some activity meets, instead of one probe per condition. */
#ifndef PDMON_SQL_TALLY_H
#define PDMON_SQL_TALLY_H

#include <sqlite3.h>

/* Registers pdmon_tally and pdmon_bits on db; returns an SQLite result code. */
int sql_tally_register(sqlite3 *db);

#endif
