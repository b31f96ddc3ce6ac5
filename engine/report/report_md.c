/* report_md.c: the report as Markdown. The promises are in report_md.h. */
#include "report_md.h"

#include <cJSON.h>
#include <string.h>

#include "escape.h"
#include "report_text.h"
#include "russian.h"

typedef const cJSON cj;

/* Writes s for Markdown text or a table cell (engine/report/escape): its
 * markup characters and '|' escaped, < > & as entities so raw HTML stays
 * text in every renderer, line breaks as spaces. */
static void md(FILE *out, const char *s) { escape_markdown(out, s); }

static void md_buf(FILE *out, report_buf *b) {
  md(out, b->s ? b->s : "");
  report_buf_free(b);
}

static void md_date(FILE *out, const char *iso) {
  char buf[32];
  md(out, ru_date(iso, buf, sizeof buf));
}

static void md_summary(FILE *out, cj *root) {
  cj *summary = cJSON_GetObjectItem(root, "summary"), *id, *g, *m, *d;
  report_buf b = {0};
  fputs("## Итоги\n\n", out);
  report_scope_sentence(&b, root);
  md_buf(out, &b);
  fputs("\n\n### Наиболее серьёзные проблемы\n\n", out);
  int i = 0, school = report_has_text(root, "organization");
  int period = (int)report_number(cJSON_GetObjectItem(root, "cycle"), "period");
  cJSON_ArrayForEach(id, cJSON_GetObjectItem(summary, "top_problems")) {
    const char *indicator = report_str(id, "indicator");
    cj *ind = NULL, *crit, *x;
    cJSON_ArrayForEach(crit, cJSON_GetObjectItem(root, "criteria")) cJSON_ArrayForEach(x, cJSON_GetObjectItem(crit, "indicators"))
      if (!strcmp(report_str(x, "id"), indicator)) ind = x;
    fprintf(out, "%d. **%s** ", ++i, report_str(ind, "number"));
    md(out, report_str(ind, "title"));
    fputs(": ", out);
    if (!strcmp(report_str(id, "why"), "behind")) {
      cj *row = cJSON_GetObjectItem(ind, "total"), *o;
      if (school) cJSON_ArrayForEach(o, cJSON_GetObjectItem(ind, "organizations")) row = o;
      report_behind_sentence(&b, ind, row, period, school);
    } else {
      cJSON_ArrayForEach(g, cJSON_GetObjectItem(root, "problems"))
        if (!strcmp(report_str(g, "indicator"), indicator)) report_problem_sentence(&b, g, 3, school);
    }
    md_buf(out, &b);
    fputs(".\n", out);
  }
  if (!i) fputs("Проблемных зон не выявлено.\n", out);
  fputs("\n### Мероприятия дорожной карты\n\n", out);
  report_measures_sentence(&b, root);
  md_buf(out, &b);
  fputs("\n\n", out);
  cJSON_ArrayForEach(m, cJSON_GetObjectItem(cJSON_GetObjectItem(summary, "next_quarter"), "measures")) {
    fputs("- ", out);
    if (report_has_text(m, "number")) {
      fputs("№ ", out);
      md(out, report_str(m, "number"));
      fputs(" ", out);
    }
    md(out, report_str(m, "title"));
    fputs(" — до ", out);
    md_date(out, report_str(m, "to"));
    fputs("\n", out);
  }
  fputs("\n### Принятые управленческие решения\n\n", out);
  if (!cJSON_GetArraySize(cJSON_GetObjectItem(root, "decisions"))) fputs("Решения в цикле не записаны.\n", out);
  cJSON_ArrayForEach(d, cJSON_GetObjectItem(root, "decisions")) {
    fputs("- ", out);
    report_decision_text(&b, d, 1);
    md_buf(out, &b);
    fputs("\n", out);
  }
}

static void md_indicators(FILE *out, cj *root) {
  cj *crit, *ind;
  int period = (int)report_number(cJSON_GetObjectItem(root, "cycle"), "period");
  fputs("\n## 2. Критерии и показатели\n", out);
  cJSON_ArrayForEach(crit, cJSON_GetObjectItem(root, "criteria")) {
    fprintf(out, "\n### %d. ", (int)report_number(crit, "number"));
    md(out, report_str(crit, "title"));
    fprintf(out, "\n\n| № | Показатель | Значение | Цель на %d г. | Статус | Динамика | Ниже цели |\n"
                 "| --- | --- | ---: | --- | --- | --- | ---: |\n", period);
    cJSON_ArrayForEach(ind, cJSON_GetObjectItem(crit, "indicators")) {
      cj *subject = cJSON_GetObjectItem(ind, "total"), *o, *p;
      if (report_has_text(root, "organization")) cJSON_ArrayForEach(o, cJSON_GetObjectItem(ind, "organizations")) subject = o;
      char value[64], num[64];
      fprintf(out, "| %s | ", report_str(ind, "number"));
      md(out, report_str(ind, "title"));
      fputs(" | ", out);
      md(out, report_value(ind, subject, "value", value, sizeof value));
      fputs(" | ", out);
      md(out, report_target(ind, subject));
      fprintf(out, " | %s | ", report_status(subject ? report_judgement(subject) : "no_data"));
      int first = 1;
      cJSON_ArrayForEach(p, cJSON_GetObjectItem(ind, "dynamics")) {
        fprintf(out, "%s%d: %s", first ? "" : " → ", (int)report_number(p, "period"),
                report_has(p, "value") ? ru_number(report_number(p, "value"), 2, num, sizeof num) : "—");
        first = 0;
      }
      if ((int)report_number(ind, "judged")) fprintf(out, " | %d из %d |\n", (int)report_number(ind, "below_target"), (int)report_number(ind, "judged"));
      else fputs(" | — |\n", out);
    }
  }
}

static void md_problems(FILE *out, cj *root) {
  cj *g;
  fputs("\n## 3. Анализ: проблемные зоны\n\n", out);
  if (!cJSON_GetArraySize(cJSON_GetObjectItem(root, "problems"))) fputs("Проблемных зон не выявлено.\n", out);
  cJSON_ArrayForEach(g, cJSON_GetObjectItem(root, "problems")) {
    report_buf b = {0};
    fprintf(out, "- **%s** ", report_str(g, "number"));
    md(out, report_str(g, "title"));
    fputs(": ", out);
    report_problem_sentence(&b, g, 0, report_has_text(root, "organization"));
    if (!cJSON_IsTrue(cJSON_GetObjectItem(g, "municipal")) && !report_number(g, "below")) report_buf_add(&b, "цель не достигнута");
    md_buf(out, &b);
    fputs(".\n", out);
  }
}

static void md_actions(FILE *out, cj *root) {
  cj *x, *cycle = cJSON_GetObjectItem(root, "cycle");
  const char *current = NULL;
  fputs("\n## 4. Адресные рекомендации\n", out);
  cJSON_ArrayForEach(x, cJSON_GetObjectItem(root, "recommendations")) {
    if (!current || strcmp(current, report_str(x, "addressee"))) {
      current = report_str(x, "addressee");
      fprintf(out, "\n### %s\n\n", ru_addressee(current));
    }
    fputs("- ", out);
    md(out, report_str(x, "text"));
    fputs("\n", out);
  }
  fputs("\n## 5. Меры (дорожная карта)\n\n| № | Мероприятие | Срок | Ответственные | Состояние на ", out);
  md_date(out, report_str(cycle, "as_of"));
  fputs(" |\n| --- | --- | --- | --- | --- |\n", out);
  cJSON_ArrayForEach(x, cJSON_GetObjectItem(root, "measures")) {
    fputs("| ", out);
    md(out, report_str(x, "number"));
    fputs(" | ", out);
    md(out, report_str(x, "title"));
    fputs(" | ", out);
    md(out, report_str(x, "schedule"));
    fputs(" | ", out);
    md(out, report_str(x, "responsible"));
    fprintf(out, " | %s", ru_measure_state(report_str(x, "state")));
    if (cJSON_IsTrue(cJSON_GetObjectItem(x, "recurring"))) {
      cj *o;
      fputs(" (", out);
      cJSON_ArrayForEach(o, cJSON_GetObjectItem(x, "occurrences"))
        fprintf(out, "%s%d — %s", o == cJSON_GetObjectItem(x, "occurrences")->child ? "" : "; ", (int)report_number(o, "year"),
                ru_measure_state(report_str(o, "state")));
      fputs(")", out);
    }
    fputs(" |\n", out);
  }
  fputs("\n## 6. Управленческие решения\n\n", out);
  cJSON_ArrayForEach(x, cJSON_GetObjectItem(root, "decisions")) {
    report_buf b = {0};
    fputs("- ", out);
    report_decision_text(&b, x, 1);
    md_buf(out, &b);
    fputs("\n", out);
  }
  fputs("\n## 7. Анализ эффективности принятых мер\n\n", out);
  cJSON_ArrayForEach(x, cJSON_GetObjectItem(root, "effects")) {
    char before[64], after[64];
    cj *ind = NULL, *crit, *i;
    cJSON_ArrayForEach(crit, cJSON_GetObjectItem(root, "criteria")) cJSON_ArrayForEach(i, cJSON_GetObjectItem(crit, "indicators"))
      if (!strcmp(report_str(i, "id"), report_str(x, "indicator"))) ind = i;
    fputs("- ", out);
    md(out, report_str(x, "title"));
    fprintf(out, " — показатель %s: ", report_str(ind, "number"));
    md(out, report_value(ind, x, "before_value", before, sizeof before));
    fputs(" → ", out);
    md(out, report_value(ind, x, "after_value", after, sizeof after));
    fprintf(out, ", %s\n", ru_verdict(report_str(x, "verdict")));
  }
  cj *s = cJSON_GetObjectItem(root, "self_assessment");
  fprintf(out, "\n## 8. Самооценка\n\nВыполнено критериев: %d из %d.\n", (int)report_number(s, "met"), (int)report_number(s, "total"));
}

void report_md(const void *model, FILE *out) {
  cj *root = model, *cycle = cJSON_GetObjectItem(root, "cycle"), *x;
  fprintf(out, "# Результаты мониторинга системы обеспечения профессионального развития педагогических работников за %d год\n\n",
          (int)report_number(cycle, "period"));
  fputs("**", out);
  md(out, report_municipality(root));
  fputs("**", out);
  if (report_has_text(root, "organization_name")) {
    fputs(" · ", out);
    md(out, report_str(root, "organization_name"));
  }
  fputs("; по состоянию на ", out);
  md_date(out, report_str(cycle, "as_of"));
  fputs("; дата формирования ", out);
  md_date(out, report_str(cycle, "generated"));
  fputs(".\n\n", out);
  md_summary(out, root);
  fputs("\n## 1. Цели и задачи\n\n", out);
  cj *plan = cJSON_GetObjectItem(cycle, "plan");
  cJSON_ArrayForEach(x, cJSON_GetObjectItem(plan, "goals")) {
    fputs("- Цель: ", out);
    md(out, x->valuestring);
    fputs("\n", out);
  }
  cJSON_ArrayForEach(x, cJSON_GetObjectItem(plan, "tasks")) {
    fputs("- Задача: ", out);
    md(out, x->valuestring);
    fputs("\n", out);
  }
  md_indicators(out, root);
  md_problems(out, root);
  md_actions(out, root);
}
