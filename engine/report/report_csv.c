/* report_csv.c: the report's values as CSV, for Russian Excel or for machines. The promises
 * are in report_csv.h. */
#include "report_csv.h"

#include <cJSON.h>
#include <string.h>

#include "escape.h"
#include "report_text.h"
#include "russian.h"

typedef const cJSON cj;

/* A text cell for Excel: a value that Excel would read as a formula (=, +,
 * -, @, or a tab or carriage return first) is kept as text with a leading
 * apostrophe (engine/report/escape). */
static void excel_text(FILE *out, const char *s) { escape_csv_cell(out, s, ';'); }

static void excel_number(FILE *out, cj *o, const char *field) {
  char buf[64];
  if (report_has(o, field)) fputs(ru_decimal(report_number(o, field), 2, buf, sizeof buf), out);
}

static void excel_row(FILE *out, cj *root, cj *crit, cj *ind, cj *row) {
  cj *cycle = cJSON_GetObjectItem(root, "cycle");
  excel_text(out, report_municipality(root));
  fprintf(out, ";%d;", (int)report_number(cycle, "period"));
  excel_text(out, report_str(ind, "number"));
  fputc(';', out);
  excel_text(out, report_str(crit, "title"));
  fputc(';', out);
  excel_text(out, report_str(ind, "title"));
  fputc(';', out);
  excel_text(out, report_has_text(row, "organization") ? report_str(row, "organization_name") : "Муниципалитет в целом");
  fputc(';', out);
  excel_number(out, row, "value");
  fputc(';', out);
  excel_number(out, row, "numerator");
  fputc(';', out);
  excel_number(out, row, "denominator");
  fputc(';', out);
  excel_text(out, report_str(ind, "unit"));
  fputc(';', out);
  excel_text(out, report_str(ind, "target_text"));
  fputc(';', out);
  excel_number(out, row, "target_value");
  fputc(';', out);
  excel_text(out, ru_status(report_judgement(row)));
  fputs("\r\n", out);
}

static void plain_row(FILE *out, cj *root, cj *crit, cj *ind, cj *row) {
  cj *cycle = cJSON_GetObjectItem(root, "cycle");
  char period[16], v[64], nu[64], de[64], tv[64];
  snprintf(period, sizeof period, "%d", (int)report_number(cycle, "period"));
  const char *fields[] = {report_str(cycle, "municipality"), period, report_str(crit, "id"), report_str(ind, "id"),
    report_str(row, "organization"), report_str(row, "organization_name"),
    report_has(row, "value") ? (snprintf(v, sizeof v, "%.2f", report_number(row, "value")), v) : "",
    report_has(row, "numerator") ? (snprintf(nu, sizeof nu, "%g", report_number(row, "numerator")), nu) : "",
    report_has(row, "denominator") ? (snprintf(de, sizeof de, "%g", report_number(row, "denominator")), de) : "",
    report_str(ind, "unit"), report_str(ind, "target_text"),
    report_has(row, "target_value") ? (snprintf(tv, sizeof tv, "%g", report_number(row, "target_value")), tv) : "",
    report_str(row, "status")};
  /* period, value, numerator, denominator, target value: pdmon's own figures */
  static const unsigned char is_number[sizeof fields / sizeof *fields] = {0, 1, 0, 0, 0, 0, 1, 1, 1, 0, 0, 1, 0};
  for (size_t f = 0; f < sizeof fields / sizeof *fields; f++) {
    if (f) fputc(',', out);
    if (is_number[f]) fputs(fields[f], out);
    else escape_csv_cell(out, fields[f], ','); /* a name from the store is never a formula */
  }
  fputs("\r\n", out);
}

void report_csv(const void *model, int plain, FILE *out) {
  cj *root = model, *crit, *ind;
  if (plain)
    fputs("municipality,period,criterion,indicator,organization,organization_name,value,numerator,denominator,unit,"
          "target,target_value,status\r\n", out);
  else
    fputs("\xEF\xBB\xBFМуниципалитет;Период;№;Критерий;Показатель;Организация;Значение;Числитель;Знаменатель;"
          "Единица;Цель по документу;Цель на период;Статус\r\n", out);
  cJSON_ArrayForEach(crit, cJSON_GetObjectItem(root, "criteria")) cJSON_ArrayForEach(ind, cJSON_GetObjectItem(crit, "indicators")) {
    /* the total first, then every organization: nothing is capped */
    cj *total = cJSON_GetObjectItem(ind, "total"), *o;
    if (total) (plain ? plain_row : excel_row)(out, root, crit, ind, total);
    cJSON_ArrayForEach(o, cJSON_GetObjectItem(ind, "organizations")) (plain ? plain_row : excel_row)(out, root, crit, ind, o);
  }
}
