/* value: the notations Russian spreadsheets use for dates, decimals,
 * integers and booleans, parsed strictly. Each parser takes a trimmed
 * string and returns 0 on success, -1 when the text is not that kind of
 * value (the caller names the file, line and column). */
#ifndef PDMON_VALUE_H
#define PDMON_VALUE_H

#include <stdint.h>

/* Two-digit years are read as Excel reads them: 00-29 are 2000-2029,
 * 30-99 are 1930-1999 ("15.02.23" is 2023, "12.03.80" is 1980). */
#define VALUE_TWO_DIGIT_PIVOT 30

/* "2023-09-01", "01.09.2023" (also 1.9.2023) or "15.02.23" (two-digit
 * year, see the pivot) to ISO "2023-09-01"; the day must exist in that
 * month. A time of day after the date, as Excel exports date-times
 * ("15.02.2023 0:00", "2023-02-15 00:00:00", "2023-02-15T09:30:00"), is
 * allowed and left out. iso needs 11 bytes. */
int value_parse_date(const char *s, char iso[11]);

/* "66.6", "66,6", "-3", "1 234,5" (space or U+00A0 grouping). */
int value_parse_decimal(const char *s, double *out);

/* A whole number without sign games: "42", "-7". */
int value_parse_integer(const char *s, int64_t *out);

/* да/нет, д/н, 1/0, true/false, yes/no, +/- (any case). */
int value_parse_bool(const char *s, int *out);

#endif
