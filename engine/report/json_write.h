/* json_write: JSON values written straight to a stream, byte for byte as
 * cJSON_PrintUnformatted writes them (cJSON 1.7), so that a writer of many
 * rows (eval --format json) need not build and free a cJSON tree per row
 * and its output stays what it was.
 *
 * - json_write_string: a string literal: " \ and the control characters
 *   below 0x20 escaped (\b \f \n \r \t, else \u00XX), every other byte
 *   as it is; NULL as "".
 * - json_write_number: a number as cJSON 1.7.15 prints one: %1.15g, or
 *   %1.17g when %1.15g does not read back to it (so 42 is 42, -0.0 is -0);
 *   NaN and the infinities as null.
 * - json_write_key: "key": (a string literal and a colon).
 * Each returns 0, or -1 when the stream has an error. The caller holds
 * the stream's lock (flockfile) while it writes: bytes go out unlocked. */
#ifndef PDMON_JSON_WRITE_H
#define PDMON_JSON_WRITE_H

#include <stdio.h>

int json_write_string(FILE *out, const char *s);

int json_write_number(FILE *out, double v);

int json_write_key(FILE *out, const char *key);

#endif
