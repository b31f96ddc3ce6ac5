/* value: the notations Russian spreadsheets use for dates, decimals,
 * integers and booleans, parsed strictly. Each parser takes a trimmed
 * string and returns 0 on success, -1 when the text is not that kind of
 * value (the caller names the file, line and column). */
#ifndef PDMON_VALUE_H
#define PDMON_VALUE_H

#include <stdint.h>

/* "2023-09-01" or "01.09.2023" (also 1.9.2023) to ISO "2023-09-01";
 * the day must exist in that month. iso needs 11 bytes. */
int value_parse_date(const char *s, char iso[11]);

/* "66.6", "66,6", "-3", "1 234,5" (space or U+00A0 grouping). */
int value_parse_decimal(const char *s, double *out);

/* A whole number without sign games: "42", "-7". */
int value_parse_integer(const char *s, int64_t *out);

/* да/нет, д/н, 1/0, true/false, yes/no, +/- (any case). */
int value_parse_bool(const char *s, int *out);

#endif
