/* entity.c: what each importable entity looks like in a CSV file: its fields, the English and
 * Russian headers that name them, their types, controlled vocabularies and references. The
 * promises are in entity.h. */
#include "entity.h"

#include <stdio.h>
#include <string.h>

#include "text.h"
#include "vocabulary.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const entity_field organization_fields[] = {
  {"id", "код|код оо|код организации|идентификатор", FIELD_TEXT, 1, NULL, NULL, 0},
  {"name", "наименование|название|наименование оо|наименование организации", FIELD_TEXT, 1, NULL, NULL, 0},
  {"kind", "вид|тип|вид оо|тип оо|вид организации|тип организации", FIELD_CHOICE, 1, NULL, "organization_kind", 0},
  {"municipality", "муниципалитет|муниципальное образование|мо|код мо|муниципальный район", FIELD_TEXT, 1, NULL, NULL, 0},
};

static const entity_field staff_fields[] = {
  {"id", "код|код работника|код педагога|идентификатор|табельный номер", FIELD_TEXT, 1, NULL, NULL, 0},
  {"organization_id", "organization|код оо|оо|организация|код организации|образовательная организация", FIELD_TEXT, 1, "organization", NULL, 0},
  {"position", "должность", FIELD_CHOICE, 1, NULL, "position", 0},
  {"birth_year", "год рождения|дата рождения", FIELD_YEAR, 1, NULL, NULL, 0},
  {"career_start_year", "год начала педагогической деятельности|год начала работы|год начала стажа|начало педагогического стажа", FIELD_YEAR, 1, NULL, NULL, 0},
  {"subject", "предмет|преподаваемый предмет|учебный предмет", FIELD_TEXT, 0, NULL, NULL, 0},
  {"education_matches_profile", "соответствие образования профилю|образование соответствует профилю|профильное образование", FIELD_BOOL, 0, NULL, NULL, 0},
  {"qualification_category", "квалификационная категория|категория", FIELD_CHOICE, 0, NULL, "qualification_category", 0},
  {"hire_date", "дата приёма|дата приема|дата приёма на работу|дата приема на работу|дата назначения|принят|hire date",
   FIELD_DATE, 0, NULL, NULL, 1},
  {"leave_date", "дата увольнения|уволен|дата окончания работы|leave date", FIELD_DATE, 0, NULL, NULL, 1},
};

static const entity_field activity_fields[] = {
  {"id", "код|код записи|идентификатор", FIELD_TEXT, 0, NULL, NULL, 0},
  {"staff_id", "staff|код работника|работник|педагог|код педагога", FIELD_TEXT, 1, "staff", NULL, 0},
  {"kind", "вид|вид деятельности|вид мероприятия|тип", FIELD_CHOICE, 1, NULL, "activity_kind", 0},
  {"date", "дата|дата проведения|дата начала", FIELD_DATE, 1, NULL, NULL, 0},
  {"end_date", "дата окончания|дата завершения", FIELD_DATE, 0, NULL, NULL, 0},
  {"title", "program|название|наименование|программа|тема", FIELD_TEXT, 0, NULL, NULL, 0},
  {"hours", "часы|объем часов|количество часов", FIELD_DECIMAL, 0, NULL, NULL, 0},
  {"provider", "организатор|провайдер|место прохождения", FIELD_TEXT, 0, NULL, NULL, 0},
  {"score", "балл|баллы|результат в баллах|процент выполнения", FIELD_DECIMAL, 0, NULL, NULL, 0},
  {"result", "результат", FIELD_TEXT, 0, NULL, NULL, 0},
  {"deficits", "дефициты|выявленные дефициты", FIELD_TEXT, 0, NULL, NULL, 0},
  {"role", "роль", FIELD_TEXT, 0, NULL, NULL, 0},
  {"partner_id", "partner|партнер|код партнера", FIELD_TEXT, 0, NULL, NULL, 0},
};

static const entity_field community_fields[] = {
  {"id", "код|идентификатор", FIELD_TEXT, 1, NULL, NULL, 0},
  {"name", "наименование|название", FIELD_TEXT, 1, NULL, NULL, 0},
  {"kind", "вид|тип|вид сообщества", FIELD_CHOICE, 1, NULL, "community_kind", 0},
  {"level", "уровень", FIELD_CHOICE, 0, NULL, "level", 0},
  {"organization_id", "organization|код оо|оо|организация|базовая организация", FIELD_TEXT, 0, "organization", NULL, 0},
  {"municipality", "муниципалитет|муниципальное образование|мо", FIELD_TEXT, 1, NULL, NULL, 0},
  {"start_date", "дата создания|дата начала|начало работы", FIELD_DATE, 0, NULL, NULL, 0},
  {"end_date", "дата окончания|дата закрытия|окончание работы", FIELD_DATE, 0, NULL, NULL, 0},
  {"members", "участники|число участников|количество участников", FIELD_DECIMAL, 0, NULL, NULL, 0},
};

static const entity_field document_fields[] = {
  {"id", "код|идентификатор", FIELD_TEXT, 0, NULL, NULL, 0},
  {"kind", "вид|тип|вид документа", FIELD_CHOICE, 1, NULL, "document_kind", 0},
  {"number", "номер|№|№ документа", FIELD_TEXT, 0, NULL, NULL, 0},
  {"date", "дата|дата документа", FIELD_DATE, 1, NULL, NULL, 0},
  {"title", "наименование|название|заголовок", FIELD_TEXT, 1, NULL, NULL, 0},
  {"link", "url|ссылка|адрес", FIELD_TEXT, 0, NULL, NULL, 0},
  {"organization_id", "organization|код оо|оо|организация", FIELD_TEXT, 0, "organization", NULL, 0},
  {"municipality", "муниципалитет|муниципальное образование|мо", FIELD_TEXT, 1, NULL, NULL, 0},
};

/* Events: competitions (with their stages as events of their own, parent_id
 * naming the competition), schools, conferences, councils, seminars... */
static const entity_field event_fields[] = {
  {"id", "код|идентификатор|код мероприятия", FIELD_TEXT, 0, NULL, NULL, 0},
  {"kind", "вид|вид мероприятия|тип|форма|форма мероприятия", FIELD_CHOICE, 0, NULL, "event_kind", 0},
  {"title", "наименование|название|наименование мероприятия|тема", FIELD_TEXT, 1, NULL, NULL, 0},
  {"level", "уровень|уровень мероприятия", FIELD_CHOICE, 0, NULL, "level", 0},
  {"organizer", "организатор|проводит", FIELD_TEXT, 0, NULL, NULL, 0},
  {"organization_id", "organization|код оо|базовая организация|организация-организатор", FIELD_TEXT, 0, "organization", NULL, 0},
  {"municipality", "муниципалитет|муниципальное образование|мо", FIELD_TEXT, 1, NULL, NULL, 0},
  {"start_date", "дата|дата начала|дата проведения", FIELD_DATE, 1, NULL, NULL, 0},
  {"end_date", "дата окончания|дата завершения", FIELD_DATE, 0, NULL, NULL, 0},
  {"parent_id", "parent|этап мероприятия|код основного мероприятия|входит в|этап конкурса", FIELD_TEXT, 0, "event", NULL, 0},
};

/* Who took part in an event, as what and with what result: a worker, or
 * an organization (a school's entry). */
static const entity_field participation_fields[] = {
  {"id", "код|идентификатор", FIELD_TEXT, 0, NULL, NULL, 0},
  {"event_id", "event|код мероприятия|мероприятие", FIELD_TEXT, 1, "event", NULL, 0},
  {"staff_id", "staff|код работника|код педагога|работник|педагог", FIELD_TEXT, 0, "staff", NULL, 0},
  {"organization_id", "organization|код оо|оо|организация", FIELD_TEXT, 0, "organization", NULL, 0},
  {"role", "роль|в качестве|статус участия", FIELD_CHOICE, 0, NULL, "participation_role", 0},
  {"result", "результат|итог|итоги", FIELD_CHOICE, 0, NULL, "participation_result", 0},
  {"nomination", "номинация", FIELD_TEXT, 0, NULL, NULL, 0},
  {"stage", "этап", FIELD_TEXT, 0, NULL, NULL, 0},
  {"date", "дата|дата участия", FIELD_DATE, 0, NULL, NULL, 0},
};

/* Membership of registries: mentors, mentees (with the mentor as
 * partner), the reserve of managerial staff, experts, tutors, others by
 * title; from the day of inclusion to the day of exclusion. */
static const entity_field registry_fields[] = {
  {"id", "код|идентификатор", FIELD_TEXT, 0, NULL, NULL, 0},
  {"registry", "реестр|вид реестра|список", FIELD_CHOICE, 1, NULL, "registry", 0},
  {"title", "наименование реестра|название реестра", FIELD_TEXT, 0, NULL, NULL, 0},
  {"staff_id", "staff|код работника|код педагога|работник|педагог", FIELD_TEXT, 1, "staff", NULL, 0},
  {"partner_id", "partner|наставник|код наставника|партнер|партнёр", FIELD_TEXT, 0, NULL, NULL, 0},
  {"from_date", "дата включения|включен|включён|дата начала", FIELD_DATE, 1, NULL, NULL, 0},
  {"to_date", "дата исключения|исключен|исключён|дата окончания", FIELD_DATE, 0, NULL, NULL, 0},
  {"basis", "основание|приказ|документ", FIELD_TEXT, 0, NULL, NULL, 0},
};

static const entity_def entities[] = {
  {"organizations", "organization", organization_fields, N(organization_fields), 0, 1, NULL},
  {"staff", "staff", staff_fields, N(staff_fields), 0, 0, NULL},
  {"activities", "activity", activity_fields, N(activity_fields), 1, 0, "staff_id|kind|date|title"},
  {"communities", "community", community_fields, N(community_fields), 0, 1, NULL},
  {"documents", "document", document_fields, N(document_fields), 1, 1, "kind|number|date|title"},
  {"events", "event", event_fields, N(event_fields), 1, 1, "kind|title|municipality|start_date|parent_id"},
  {"participation", "participation", participation_fields, N(participation_fields), 1, 0,
   "event_id|staff_id|organization_id|role|stage"},
  {"registries", "registry_member", registry_fields, N(registry_fields), 1, 0, "registry|title|staff_id|from_date"},
};

const entity_def *entity_find(const char *name) {
  for (size_t i = 0; i < N(entities); i++)
    if (strcmp(entities[i].name, name) == 0) return &entities[i];
  return NULL;
}

const char *entity_names(void) {
  return "organizations, staff, activities, communities, documents, events, participation, registries";
}

int entity_match_header(const entity_def *e, const char *header) {
  char folded[256];
  if (!text_fold(header, folded, sizeof folded)) return -1;
  for (size_t i = 0; i < e->nfields; i++) {
    if (strcmp(folded, e->fields[i].name) == 0 || text_in_list(e->fields[i].headers, folded))
      return (int)i;
  }
  return -1;
}

int entity_field_index(const entity_def *e, const char *name) {
  for (size_t i = 0; i < e->nfields; i++)
    if (strcmp(e->fields[i].name, name) == 0) return (int)i;
  return -1;
}

const char *entity_choice_code(const entity_field *f, const char *value) {
  return f->vocabulary ? vocabulary_code(vocabulary_find(f->vocabulary), value) : NULL;
}

void entity_choice_list(const entity_field *f, char *buf, size_t buflen) {
  const vocabulary *v = f->vocabulary ? vocabulary_find(f->vocabulary) : NULL;
  if (v) vocabulary_list(v, buf, buflen);
  else if (buflen) buf[0] = '\0';
}

/* Bounds of the number fields, by name: a negative count of hours or of
 * members, or a score past any scale, is a typing mistake in the file. */
static const struct {
  const char *field;
  double min, max;
} decimal_ranges[] = {{"hours", 0, 10000}, {"score", 0, 1000}, {"members", 0, 1000000}};

int entity_decimal_range(const entity_field *f, double *min, double *max) {
  for (size_t i = 0; i < sizeof decimal_ranges / sizeof *decimal_ranges; i++) {
    if (strcmp(f->name, decimal_ranges[i].field) == 0) {
      *min = decimal_ranges[i].min;
      *max = decimal_ranges[i].max;
      return 1;
    }
  }
  return 0;
}
