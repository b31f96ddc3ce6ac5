/* template: the empty file of an entity that an office fills in and imports
 * back unchanged. A workbook holds the Russian headers (required ones
 * marked), drop-down lists of the vocabularies' Russian names (data
 * validation, kept on a hidden sheet «Списки»), date and year formats and
 * checks, and a sheet «Пояснения» saying what each column takes. A CSV
 * template is the header line alone (UTF-8 with a mark, ';' between fields,
 * as Russian Excel writes it). Every header is one the importer reads as
 * its field, so the filled file imports as it is. */
#ifndef PDMON_TEMPLATE_H
#define PDMON_TEMPLATE_H

#include <stddef.h>

#include "entity.h"

typedef enum template_format { TEMPLATE_XLSX, TEMPLATE_CSV } template_format;

/* Writes the Russian header of field f of e into buf ("Код ОО",
 * "Дата приёма"): a header the importer matches to f. Returns buf. */
const char *template_header(const entity_def *e, size_t f, char *buf, size_t buflen);

/* The Russian name of an entity's sheet ("Работники"). */
const char *template_sheet_name(const entity_def *e);

/* Writes the template of e to path (through path.part, then renamed, so a
 * failed write leaves no half file). Returns 0, or -1 with the reason in err. */
int template_write(const entity_def *e, template_format format, const char *path, char *err, size_t errlen);

#endif
