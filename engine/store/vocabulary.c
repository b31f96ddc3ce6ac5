/* vocabulary.c: every controlled value pdmon knows, with its Russian label and the names
 * offices write for it. The promises are in vocabulary.h. */
#include "vocabulary.h"

#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "text.h"

/* Kinds of educational organizations. The abbreviations of their legal
 * forms (founder М/Г/Ч/Н/Ф + type Б/А/К + what it is: ОУ, ДОУ, У ДО, ПОУ,
 * ДПО) are accepted as the kind they stand for, alone or at the start of
 * a name ("МАДОУ «Детский сад № 5»", "МБУ ДО ЦДТ"), the longest first. */
static const vocabulary_entry organization_kinds[] = {
  {"school", "Общеобразовательная организация",
   "общеобразовательная|общеобразовательная организация|общеобразовательное учреждение|школа|оо|сош|оош|нош|цо|"
   "гимназия|лицей|школа-интернат|кадетская школа|центр образования|"
   "моу|мбоу|маоу|мкоу|гоу|гбоу|гаоу|гкоу|чоу|ноу|фгкоу|"
   "мбоу сош|маоу сош|мкоу сош|моу сош|гбоу сош|чоу сош|мбоу оош|мкоу оош|мбоу нош|мкоу нош|мбоу лицей|маоу лицей|"
   "мбоу гимназия|маоу гимназия|гбоу лицей|гбоу гимназия|мбоу школа|маоу школа|мкоу школа|мбоу цо|маоу цо", NULL},
  {"preschool", "Дошкольная образовательная организация",
   "дошкольная|дошкольная образовательная организация|дошкольное образовательное учреждение|доу|доо|"
   "мдоу|мбдоу|мадоу|мкдоу|гдоу|гбдоу|гадоу|гкдоу|чдоу|ндоу|"
   "детский сад|ясли-сад|д/с|црр|центр развития ребенка", NULL},
  {"additional", "Организация дополнительного образования",
   "дополнительное образование|организация дополнительного образования|учреждение дополнительного образования|"
   "удо|дод|оу до|"
   "мбу до|мау до|мку до|му до|мбоу до|маоу до|мкоу до|моу до|гбу до|гау до|гбоу до|гаоу до|ано до|чу до|чоу до|"
   "мбудо|маудо|мкудо|мбоудо|маоудо|"
   "мбу дод|мау дод|мбоу дод|маоу дод|моу дод|"
   "цдт|ддт|ддют|цдо|дшш|дши|дмш|дхш|дюсш|сюн|сют|цтт", NULL},
  {"vocational", "Профессиональная образовательная организация",
   "спо|профессиональная образовательная организация|колледж|техникум|пу|"
   "поу|гпоу|гбпоу|гапоу|гкпоу|чпоу|нпоу|фгбпоу|гбоу спо|гоу спо", NULL},
  {"methodical", "Методическая служба",
   "методический центр|ммс|имц|ммц|методический кабинет|мку цро|цро|мбу имц|мку имц|мау имц|мбу ммц|мку ммц|мку ммс", NULL},
  {"dpo", "Организация дополнительного профессионального образования",
   "дпо|организация дпо|гбу дпо|гау дпо|гбоу дпо|гаоу дпо|гоу дпо|мбу дпо|мау дпо|мку дпо|ано дпо|чоу дпо|"
   "институт развития образования|иро|ипк|цнппм", NULL},
  {"other", "Другое", "иное|прочее", NULL},
  {NULL, NULL, NULL, NULL}};

static const vocabulary_entry positions[] = {
  {"teacher", "Учитель", "преподаватель", NULL},
  {"head", "Руководитель", "директор|заведующий|заведующая|руководитель оо|начальник|и.о. директора|и.о. заведующего", NULL},
  {"deputy", "Заместитель руководителя",
   "заместитель директора|заместитель заведующего|заместитель заведующей|заместитель начальника|зам. директора|"
   "зам. заведующего|зам директора|завуч", NULL},
  {"methodist", "Методист", "старший методист", NULL},
  {"educator", "Воспитатель", NULL, NULL},
  {"senior_educator", "Старший воспитатель", NULL, NULL},
  {"psychologist", "Педагог-психолог", "психолог", NULL},
  {"speech_therapist", "Учитель-логопед", "логопед", NULL},
  {"defectologist", "Учитель-дефектолог", "дефектолог", NULL},
  {"social_pedagogue", "Социальный педагог", NULL, NULL},
  {"additional_educator", "Педагог дополнительного образования",
   "старший педагог дополнительного образования|пдо", NULL},
  {"organizer", "Педагог-организатор", NULL, NULL},
  {"librarian", "Педагог-библиотекарь", NULL, NULL},
  {"music_director", "Музыкальный руководитель", NULL, NULL},
  {"pe_instructor", "Инструктор по физической культуре", NULL, NULL},
  {"tutor", "Тьютор", NULL, NULL},
  {"counselor", "Советник директора по воспитанию",
   "советник по воспитанию|советник директора по воспитанию и взаимодействию с детскими общественными объединениями", NULL},
  {"senior_counselor", "Старший вожатый", "вожатый|старшая вожатая", NULL},
  {"coach", "Тренер-преподаватель", "старший тренер-преподаватель|тренер", NULL},
  {"concertmaster", "Концертмейстер", NULL, NULL},
  {"labour_instructor", "Инструктор по труду", NULL, NULL},
  {"instructor_methodist", "Инструктор-методист", "старший инструктор-методист", NULL},
  {"vocational_master", "Мастер производственного обучения", NULL, NULL},
  {"life_safety_organizer", "Преподаватель-организатор основ безопасности и защиты Родины",
   "преподаватель-организатор обзр|преподаватель-организатор обж|"
   "преподаватель-организатор основ безопасности жизнедеятельности", NULL},
  {"other", "Другое", "иное|прочее", NULL},
  {NULL, NULL, NULL, NULL}};

/* Subjects, by their names in the nominative and in the genitive that
 * follows a position in a staff list ("Учитель математики"). */
static const vocabulary_entry subjects[] = {
  {"primary", "Начальные классы", "начальных классов|начальная школа", NULL},
  {"russian", "Русский язык", "русского языка", NULL},
  {"literature", "Литература", "литературы", NULL},
  {"russian_literature", "Русский язык и литература", "русского языка и литературы", NULL},
  {"native_language", "Родной язык", "родного языка|родного языка и литературы|родной язык и литература", NULL},
  {"math", "Математика", "математики|алгебра|геометрия", NULL},
  {"informatics", "Информатика", "информатики|информатика и икт", NULL},
  {"physics", "Физика", "физики", NULL},
  {"chemistry", "Химия", "химии", NULL},
  {"biology", "Биология", "биологии", NULL},
  {"geography", "География", "географии", NULL},
  {"history", "История", "истории", NULL},
  {"social_studies", "Обществознание", "обществознания", NULL},
  {"history_social", "История и обществознание", "истории и обществознания", NULL},
  {"english", "Английский язык", "английского языка", NULL},
  {"german", "Немецкий язык", "немецкого языка", NULL},
  {"french", "Французский язык", "французского языка", NULL},
  {"foreign_language", "Иностранный язык", "иностранного языка|иностранных языков", NULL},
  {"physical_education", "Физическая культура", "физической культуры|физкультура|физкультуры", NULL},
  {"music", "Музыка", "музыки", NULL},
  {"art", "Изобразительное искусство", "изобразительного искусства|изо", NULL},
  {"technology", "Технология", "технологии|труд|труда", NULL},
  {"life_safety", "Основы безопасности и защиты Родины",
   "обзр|обж|основ безопасности и защиты родины|основ безопасности жизнедеятельности|основы безопасности жизнедеятельности", NULL},
  {"orkse", "Основы религиозных культур и светской этики", "орксэ|основ религиозных культур и светской этики", NULL},
  {NULL, NULL, NULL, NULL}};

static const vocabulary_entry qualification_categories[] = {
  {"none", "Без категории", "нет категории", NULL},
  {"conformity", "Соответствие занимаемой должности", "сзд", NULL},
  {"first", "Первая квалификационная категория", "первая|1", NULL},
  {"highest", "Высшая квалификационная категория", "высшая|в", NULL},
  {"pedagogue_methodist", "Педагог-методист", NULL, NULL},
  {"pedagogue_mentor", "Педагог-наставник", NULL, NULL},
  {NULL, NULL, NULL, NULL}};

static const vocabulary_entry activity_kinds[] = {
  {"diagnostic", "Диагностика профессиональных дефицитов", "диагностика|оценочная процедура", NULL},
  {"individual_route", "Индивидуальный образовательный маршрут", "иом", NULL},
  {"course", "Курсы повышения квалификации", "курсы|повышение квалификации|кпк", NULL},
  {"retraining", "Профессиональная переподготовка", "переподготовка", NULL},
  {"attestation", "Аттестация", NULL, NULL},
  {"mentoring", "Наставничество", NULL, NULL},
  {"expert", "Экспертная деятельность", "эксперт", NULL},
  {"tutoring", "Тьюторское сопровождение", "тьюторство", NULL},
  {"methodical_event", "Методическое мероприятие", "проведение методического мероприятия", NULL},
  {"competition", "Конкурс профессионального мастерства", "конкурс", NULL},
  {"publication", "Публикация", NULL, NULL},
  {"qualification_assessment", "Независимая оценка квалификации", "нок", NULL},
  {"internship", "Стажировка", NULL, NULL},
  {"platform_use", "Работа на платформе", "использование цифровой платформы", NULL},
  {"other", "Другое", "иное|прочее", NULL},
  {NULL, NULL, NULL, NULL}};

static const vocabulary_entry community_kinds[] = {
  {"methodical_association", "Методическое объединение", "мо|рмо|шмо|ммо|гмо", NULL},
  {"professional_community", "Профессиональное сообщество", NULL, NULL},
  {"network_community", "Сетевое сообщество", "сетевое профессиональное сообщество", NULL},
  {"club", "Клуб", "клуб молодых педагогов", NULL},
  {"other", "Другое", "иное|прочее", NULL},
  {NULL, NULL, NULL, NULL}};

/* Levels of communities and events. */
static const vocabulary_entry levels[] = {
  {"organization", "Уровень образовательной организации",
   "школьный|уровень оо|организация|институциональный|school", NULL},
  {"municipal", "Муниципальный", "районный|городской|окружной", NULL},
  {"regional", "Региональный", "республиканский|краевой|областной", NULL},
  {"interregional", "Межрегиональный", NULL, NULL},
  {"federal", "Федеральный", "всероссийский", NULL},
  {"international", "Международный", NULL, NULL},
  {NULL, NULL, NULL, NULL}};

static const vocabulary_entry document_kinds[] = {
  {"order", "Приказ", NULL, NULL},
  {"protocol", "Протокол", NULL, NULL},
  {"programme", "Программа", NULL, NULL},
  {"plan", "План", "дорожная карта", NULL},
  {"regulation", "Положение", NULL, NULL},
  {"monitoring_report", "Отчёт о мониторинге", "мониторинг|результаты мониторинга", NULL},
  {"analytical_report", "Аналитическая справка", "анализ|аналитический отчет", NULL},
  {"other", "Другое", "иное|прочее", NULL},
  {NULL, NULL, NULL, NULL}};

/* Kinds of events: the three schools of the seeds are schools. */
static const vocabulary_entry event_kinds[] = {
  {"competition", "Конкурс", "конкурс профессионального мастерства|профессиональный конкурс|олимпиада", NULL},
  {"school", "Школа", "школа педагога", NULL},
  {"young_teacher_school", "Школа молодого педагога", "школа молодого учителя|школа молодого специалиста", "school"},
  {"reserve_school", "Школа кадрового резерва", "школа резерва управленческих кадров|школа управленческого резерва", "school"},
  {"management_school", "Школа управленческого мастерства", "школа руководителя|школа современного руководителя", "school"},
  {"conference", "Конференция", "августовская конференция|педагогическая конференция", NULL},
  {"council", "Совет", "педагогический совет|методический совет|совещание", NULL},
  {"seminar", "Семинар", "вебинар|практикум|мастер-класс", NULL},
  {"round_table", "Круглый стол", NULL, NULL},
  {"festival", "Фестиваль", NULL, NULL},
  {"forum", "Форум", "слёт|слет", NULL},
  {"other", "Другое", "иное|прочее", NULL},
  {NULL, NULL, NULL, NULL}};

static const vocabulary_entry participation_roles[] = {
  {"participant", "Участник", "конкурсант|участница", NULL},
  {"speaker", "Выступающий", "докладчик|спикер|ведущий", NULL},
  {"organizer", "Организатор", NULL, NULL},
  {"jury", "Член жюри", "жюри|эксперт|член экспертной комиссии", NULL},
  {"member", "Член", "член совета|член сообщества", NULL},
  {"listener", "Слушатель", NULL, NULL},
  {NULL, NULL, NULL, NULL}};

static const vocabulary_entry participation_results[] = {
  {"winner", "Победитель", "1 место|первое место|гран-при", NULL},
  {"prize", "Призёр", "призер|2 место|3 место|второе место|третье место", NULL},
  {"laureate", "Лауреат", "дипломант", NULL},
  {"participant", "Участник", "участие|сертификат участника", NULL},
  {NULL, NULL, NULL, NULL}};

/* Registries the seeds keep; any other is "other" with its own title. */
static const vocabulary_entry registries[] = {
  {"mentor", "Реестр наставников", "наставник|наставники", NULL},
  {"mentee", "Наставляемые", "наставляемый|наставляемая|реестр наставляемых", NULL},
  {"managerial_reserve", "Резерв управленческих кадров",
   "кадровый резерв|резерв руководящих кадров|управленческий резерв|резерв", NULL},
  {"expert", "Реестр экспертов", "эксперт|эксперты|реестр рсэс|рсэс", NULL},
  {"tutor", "Реестр тьюторов", "тьютор|тьюторы", NULL},
  {"other", "Иной реестр", "другой реестр|прочее", NULL},
  {NULL, NULL, NULL, NULL}};

static const vocabulary_entry addressees[] = {
  {"organization", "Образовательные организации", "образовательная организация|организация|оо", NULL},
  {"municipality", "Орган управления образованием", "муниципалитет|управление образования|муниципальный орган управления образованием", NULL},
  {"methodical_service", "Муниципальная методическая служба", "методическая служба|ммс|методический кабинет", NULL},
  {"young_teachers", "Молодые педагоги", NULL, NULL},
  {"mentors", "Педагоги-наставники", "наставники", NULL},
  {"heads", "Руководители", NULL, NULL},
  {"teachers", "Педагоги", NULL, NULL},
  {NULL, NULL, NULL, NULL}};

static const vocabulary vocabularies[] = {
  {"organization_kind", "Виды образовательных организаций", "organizations.kind, staff.organization_kind",
   "Сокращения организационно-правовых форм (МБОУ, МАДОУ, МБУ ДО, ГБПОУ, ЧОУ ДПО…) принимаются как вид организации "
   "— отдельно или в начале наименования («МАДОУ «Детский сад № 5»»: preschool), самое длинное совпадение первым; "
   "если столбца вида нет или он пуст, вид берётся из наименования.",
   organization_kinds, 1},
  {"position", "Должности", "staff.position",
   "Должности по номенклатуре (постановление Правительства РФ от 21.02.2022 № 225) и их формы в штатных "
   "расписаниях. Должность с уточнением принимается как должность: «Учитель математики» — teacher "
   "с предметом «Математика», «Учитель математики и информатики» — с предметами «Математика, Информатика» "
   "(если предмет не указан отдельно), «Заместитель директора по УВР» — deputy; исходная запись сохраняется.",
   positions, 1},
  {"subject", "Учебные предметы", "уточнение должности в штатном расписании («Учитель математики»)",
   "Предмет сотрудника (staff.subject) хранится текстом; этот список распознаёт предмет в наименовании должности.",
   subjects, 0},
  {"qualification_category", "Квалификационные категории", "staff.qualification_category", NULL,
   qualification_categories, 0},
  {"activity_kind", "Виды деятельности работника", "activities.kind", NULL, activity_kinds, 0},
  {"community_kind", "Виды профессиональных сообществ", "communities.kind", NULL, community_kinds, 0},
  {"level", "Уровни", "communities.level, events.level", NULL, levels, 0},
  {"document_kind", "Виды документов", "documents.kind", NULL, document_kinds, 0},
  {"event_kind", "Виды мероприятий", "events.kind",
   "kind = \"school\" в пакете правил означает любую школу: молодого педагога, кадрового резерва, "
   "управленческого мастерства.",
   event_kinds, 0},
  {"participation_role", "Роли участия", "participation.role", NULL, participation_roles, 0},
  {"participation_result", "Результаты участия", "participation.result", NULL, participation_results, 0},
  {"registry", "Реестры", "registries.registry",
   "Реестр, которого нет в списке, записывается как other с его наименованием в title («Реестр молодых "
   "специалистов»); пакет правил называет его так же: registry { registry = \"other\", title = ... }.",
   registries, 0},
  {"addressee", "Адресаты рекомендаций", "recommend { to = ... }", NULL, addressees, 0},
};

#define VOCABULARY_COUNT (sizeof vocabularies / sizeof vocabularies[0])

const vocabulary *vocabulary_find(const char *name) {
  for (size_t i = 0; i < VOCABULARY_COUNT; i++)
    if (strcmp(vocabularies[i].name, name) == 0) return &vocabularies[i];
  return NULL;
}

const vocabulary *vocabulary_at(size_t i) { return i < VOCABULARY_COUNT ? &vocabularies[i] : NULL; }

/* 1 when folded is the code, the folded label or a synonym of e. */
static int entry_names(const vocabulary_entry *e, const char *folded) {
  char label[512];
  if (strcmp(folded, e->code) == 0) return 1;
  if (text_fold(e->label, label, sizeof label) && strcmp(folded, label) == 0) return 1;
  return e->synonyms && text_in_list(e->synonyms, folded);
}

const char *vocabulary_code(const vocabulary *v, const char *value) {
  char folded[512];
  if (!v || !value || !text_fold(value, folded, sizeof folded) || !folded[0]) return NULL;
  for (const vocabulary_entry *e = v->entries; e->code; e++)
    if (entry_names(e, folded)) return e->code;
  return NULL;
}

const vocabulary_entry *vocabulary_entry_of(const vocabulary *v, const char *code) {
  if (!code) return NULL;
  for (const vocabulary_entry *e = v ? v->entries : NULL; e && e->code; e++)
    if (strcmp(e->code, code) == 0) return e;
  return NULL;
}

/* Decodes UTF-8 s into at most max code points; returns how many. */
static size_t code_points(const char *s, unsigned *out, size_t max) {
  const unsigned char *u = (const unsigned char *)s;
  size_t n = 0, len = strlen(s);
  for (size_t i = 0; i < len && n < max;) {
    size_t k = text_utf8_sequence(u + i, len - i);
    unsigned cp;
    if (k <= 1) { cp = u[i]; k = 1; }
    else {
      cp = u[i] & (k == 2 ? 0x1F : k == 3 ? 0x0F : 0x07);
      for (size_t j = 1; j < k; j++) cp = (cp << 6) | (u[i + j] & 0x3F);
    }
    out[n++] = cp;
    i += k;
  }
  return n;
}

#define MAX_CODE_POINTS 128

/* Edit distance (insertions, deletions, substitutions) between a and b,
 * compared by code point. */
static size_t edit_distance(const char *a, const char *b) {
  unsigned ca[MAX_CODE_POINTS], cb[MAX_CODE_POINTS];
  size_t na = code_points(a, ca, MAX_CODE_POINTS), nb = code_points(b, cb, MAX_CODE_POINTS);
  size_t row[MAX_CODE_POINTS + 1];
  for (size_t j = 0; j <= nb; j++) row[j] = j;
  for (size_t i = 1; i <= na; i++) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= nb; j++) {
      size_t above = row[j];
      size_t best = diagonal + (ca[i - 1] == cb[j - 1] ? 0 : 1);
      if (above + 1 < best) best = above + 1;
      if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
      row[j] = best;
      diagonal = above;
    }
  }
  return row[nb];
}

/* Offers name (folded, of entry e, shown as shown) as a candidate. */
static void consider(const vocabulary_entry *e, const char *folded_value, const char *folded_name,
                     const char *shown, size_t *best, const vocabulary_entry **found, const char **name) {
  size_t d = edit_distance(folded_value, folded_name);
  if (d < *best) {
    *best = d;
    *found = e;
    *name = shown;
  }
}

const vocabulary_entry *vocabulary_nearest(const vocabulary *v, const char *value, const char **name) {
  char folded[512], label[512];
  if (!text_fold(value, folded, sizeof folded)) folded[0] = '\0';
  size_t best = (size_t)-1;
  const vocabulary_entry *found = NULL;
  *name = NULL;
  for (const vocabulary_entry *e = v->entries; e->code; e++) {
    consider(e, folded, e->code, e->code, &best, &found, name);
    if (text_fold(e->label, label, sizeof label)) consider(e, folded, label, e->label, &best, &found, name);
    for (const char *p = e->synonyms; p && *p;) {
      const char *bar = strchr(p, '|');
      size_t len = bar ? (size_t)(bar - p) : strlen(p);
      char synonym[512];
      if (len < sizeof synonym) {
        memcpy(synonym, p, len);
        synonym[len] = '\0';
        size_t d = edit_distance(folded, synonym);
        if (d < best) {
          best = d;
          found = e;
          *name = e->label; /* a synonym is shown as the label it stands for */
        }
      }
      p = bar ? bar + 1 : NULL;
    }
  }
  return found;
}

/* Length of name when folded starts with it followed by a space, else 0. */
static size_t prefix_length(const char *folded, const char *name, size_t len) {
  return strncmp(folded, name, len) == 0 && folded[len] == ' ' ? len : 0;
}

const char *vocabulary_phrase(const vocabulary *v, const char *value, const char **rest) {
  char folded[512], label[512];
  *rest = NULL;
  if (!v || !v->phrases || !text_fold(value, folded, sizeof folded)) return NULL;
  const char *code = NULL;
  size_t best = 0;
  for (const vocabulary_entry *e = v->entries; e->code; e++) {
    if (text_fold(e->label, label, sizeof label)) {
      size_t n = prefix_length(folded, label, strlen(label));
      if (n > best) { best = n; code = e->code; }
    }
    for (const char *p = e->synonyms; p && *p;) {
      const char *bar = strchr(p, '|');
      size_t len = bar ? (size_t)(bar - p) : strlen(p);
      size_t n = prefix_length(folded, p, len);
      if (n > best) { best = n; code = e->code; }
      p = bar ? bar + 1 : NULL;
    }
  }
  if (!code) return NULL;
  /* folding keeps byte lengths of ASCII, Cyrillic and Ё, so the qualifier
   * starts at the same offset in value once its leading spaces are skipped */
  const char *start = value;
  while (*start == ' ' || *start == '\t') start++;
  *rest = start + best + 1;
  while (**rest == ' ') (*rest)++;
  return code;
}

void vocabulary_list(const vocabulary *v, char *buf, size_t buflen) {
  size_t o = 0;
  int russian = !strcmp(i18n_language(), "ru"); /* a Russian reader gets the names a file may use */
  if (buflen) buf[0] = '\0';
  for (const vocabulary_entry *e = v->entries; e->code && o < buflen; e++) {
    int n = snprintf(buf + o, buflen - o, "%s%s", o ? ", " : "", russian && e->label ? e->label : e->code);
    if (n < 0) break;
    o += (size_t)n;
  }
}

/* Writes the '|'-list as "a, b, c" for a Markdown cell. */
static void write_names(FILE *out, const char *list) {
  for (const char *p = list; p && *p;) {
    const char *bar = strchr(p, '|');
    size_t len = bar ? (size_t)(bar - p) : strlen(p);
    fprintf(out, "%.*s%s", (int)len, p, bar ? ", " : "");
    p = bar ? bar + 1 : NULL;
  }
}

int vocabulary_write_markdown(FILE *out) {
  fputs("# Словари (vocabularies)\n\n"
        "<!-- Generated by `pdmon vocabulary` from engine/store/vocabulary.c; do not edit by hand. -->\n\n"
        "Every controlled value pdmon knows. Files may write a value as its code, its Russian label or\n"
        "any of the other names (case, Ё and surrounding spaces do not matter); the store, JSON and\n"
        "machine CSV hold the code. A pack may write the code or the label (`position = \"учитель\"`);\n"
        "`pdmon check` refuses any other value at its file and line and names the nearest known one.\n"
        "A value with a group (\"входит в\") is also matched when a pack names the group.\n",
        out);
  for (size_t i = 0; i < VOCABULARY_COUNT; i++) {
    const vocabulary *v = &vocabularies[i];
    fprintf(out, "\n## %s (`%s`)\n\nUsed by: %s.\n", v->title, v->name, v->used_by);
    if (v->note) fprintf(out, "\n%s\n", v->note);
    int grouped = 0;
    for (const vocabulary_entry *e = v->entries; e->code; e++) grouped |= e->parent != NULL;
    fprintf(out, "\n| code | label | other names |%s\n| --- | --- | --- |%s\n", grouped ? " входит в |" : "",
            grouped ? " --- |" : "");
    for (const vocabulary_entry *e = v->entries; e->code; e++) {
      fprintf(out, "| `%s` | %s | ", e->code, e->label);
      write_names(out, e->synonyms);
      fputs(" |", out);
      if (grouped) fprintf(out, " %s%s%s |", e->parent ? "`" : "", e->parent ? e->parent : "", e->parent ? "`" : "");
      fputc('\n', out);
    }
  }
  return ferror(out) ? -1 : 0;
}
