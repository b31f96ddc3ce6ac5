/* synth.c: deterministic, realistic synthetic data in the CSV formats of DESIGN.md, one file
 * per entity. The promises are in synth.h. */
#include "synth.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "i18n.h"

/* xorshift64*: small, fast, and the same sequence on every machine. */
typedef struct rng {
  uint64_t s;
} rng;

static uint64_t next(rng *r) {
  r->s ^= r->s >> 12;
  r->s ^= r->s << 25;
  r->s ^= r->s >> 27;
  return r->s * 2685821657736338717ull;
}

/* Uniform in [0, n). */
static int below(rng *r, int n) { return n > 0 ? (int)(next(r) % (uint64_t)n) : 0; }

/* 1 with probability p. */
static int chance(rng *r, double p) { return (double)(next(r) >> 11) / 9007199254740992.0 < p; }

/* A worker's employment in the synthetic municipality: the first and last
 * day (day numbers), for activities to fall on days they worked. */
typedef struct tenure {
  long first, last;
} tenure;

/* The output files, the counts, and the generator's state. */
typedef struct synth_out {
  FILE *org, *staff, *act, *comm, *doc, *ev, *part, *reg;
  synth_counts *n;
  rng r;
  char muni[128];       /* the municipality being written, whose events are {muni}-... */
  char last_head[200];  /* the previous organization's head, who mentors the next one's */
  tenure last_head_days; /* ...and the days they were employed */
} synth_out;

/* How large each scale is: municipalities, and organizations in each. */
typedef struct scale_def {
  const char *name;
  int municipalities;
  int organizations;
} scale_def;

static const scale_def scales[] = {
  {"municipality", 1, 36},  /* 20-60 organizations, 500-2,500 staff */
  {"region", 40, 38},       /* about 1,500 organizations, 30,000 staff */
  {"country", 2000, 40},    /* 80,000 organizations (36,000 schools, 32,000 kindergartens, 12,000 of additional education), about 1.7 million staff */
};

/* A position for a worker of an organization kind, by realistic shares. */
static const char *pick_position(rng *r, char kind) {
  int x = below(r, 100);
  if (kind == 's') {
    if (x < 78) return "teacher";
    if (x < 84) return "deputy";
    if (x < 88) return "psychologist";
    if (x < 91) return "speech_therapist";
    if (x < 94) return "social_pedagogue";
    if (x < 97) return "organizer";
    return "methodist";
  }
  if (kind == 'p') {
    if (x < 75) return "educator";
    if (x < 82) return "senior_educator";
    if (x < 90) return "music_director";
    if (x < 95) return "pe_instructor";
    return "speech_therapist";
  }
  return x < 85 ? "additional_educator" : "methodist";
}

static const char *const categories[] = {"none", "conformity", "first", "first", "highest", "highest",
                                         "pedagogue_methodist", "pedagogue_mentor"};

/* Activity rates by year 2021..2024: they rise so that dynamics show. */
static const double diagnostic_rate[] = {0.22, 0.30, 0.38, 0.46};
static const double course_rate[] = {0.25, 0.30, 0.35, 0.40};
static const double assessment_rate[] = {0.02, 0.04, 0.06, 0.09};
static const double mentoring_rate[] = {0.45, 0.55, 0.62, 0.70};

/* The fields of one activity row beyond worker, kind and year. */
typedef struct act_fields {
  const char *title, *provider, *score, *role, *partner, *hours, *result, *deficits;
} act_fields;

/* Days since 1970-01-01 of a civil date, and back (Howard Hinnant's algorithms). */
static long day_number(int y, int m, int d) {
  y -= m <= 2;
  long era = (y >= 0 ? y : y - 399) / 400, yoe = y - era * 400;
  long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

static void date_of(long z, char *out) {
  z += 719468;
  long era = (z >= 0 ? z : z - 146096) / 146097, doe = z - era * 146097;
  long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365, doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  long mp = (5 * doy + 2) / 153, d = doy - (153 * mp + 2) / 5 + 1, m = mp + (mp < 10 ? 3 : -9);
  char buf[64];
  snprintf(buf, sizeof buf, "%04ld-%02ld-%02ld", yoe + era * 400 + (m <= 2), m, d);
  memcpy(out, buf, 11); /* years 1000-9999 only: out holds 16 bytes */
}

/* A day of year y on which the worker was employed, or -1 when none. */
static long day_in(synth_out *o, const tenure *t, int y) {
  long lo = day_number(y, 1, 1), hi = day_number(y, 12, 31);
  if (t->first > lo) lo = t->first;
  if (t->last < hi) hi = t->last;
  return lo > hi ? -1 : lo + below(&o->r, (int)(hi - lo + 1));
}

static void activity(synth_out *o, const char *staff_id, const char *kind, long day, act_fields f) {
  long long n = ++o->n->activities;
  char date[16];
  date_of(day, date);
  fprintf(o->act, "a%lld,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n", n, staff_id, kind, date,
          f.title ? f.title : "", f.provider ? f.provider : "", f.score ? f.score : "",
          f.role ? f.role : "", f.partner ? f.partner : "", f.hours ? f.hours : "", f.result ? f.result : "",
          f.deficits ? f.deficits : "");
}

/* One participation row: a worker's (staff_id) or an organization's. */
static void take_part(synth_out *o, const char *event, const char *staff_id, const char *org, const char *role,
                      const char *result, long day) {
  char date[16];
  date_of(day, date);
  fprintf(o->part, "%s-%s,%s,%s,%s,%s,,%s\n", o->muni, event, staff_id ? staff_id : "", org ? org : "", role,
          result ? result : "", date);
  o->n->participations++;
}

/* One registry membership from day first to day last (-1: still a member). */
static void member(synth_out *o, const char *registry, const char *title, const char *staff_id, const char *partner,
                   long first, long last) {
  char from[16], to[16] = "";
  date_of(first, from);
  if (last >= 0) date_of(last, to);
  fprintf(o->reg, "%s,%s,%s,%s,%s,%s,Приказ Управления образования\n", registry, title ? title : "", staff_id,
          partner ? partner : "", from, to);
  o->n->registry_members++;
}

/* 1 when day falls within the worker's tenure. */
static int employed(const tenure *t, long day) { return day >= t->first && day <= t->last; }

/* A worker's part in the municipality's events of year: the professional
 * competitions (municipal stage, and the regional one for the best), the
 * school of young teachers in the first years, the reserve's school, the
 * August conference, the methodical council. */
static void worker_events(synth_out *o, const char *id, const char *position, int start, int year, double lag,
                          const tenure *t, int in_reserve) {
  rng *r = &o->r;
  int teacher = !strcmp(position, "teacher"), educator = !strcmp(position, "educator");
  long municipal = day_number(year, 2, 10), regional = day_number(year, 4, 20);
  char event[64];
  /* the young are sent to competitions far more often («Педагогический дебют» and the like) */
  if ((teacher || educator) && employed(t, municipal) && chance(r, 0.03 * lag + (year - start < 3 ? 0.25 : 0))) {
    const char *code = teacher ? "ug" : "vg";
    int x = below(r, 100);
    const char *result = x < 8 ? "winner" : x < 25 ? "prize" : x < 40 ? "laureate" : "participant";
    snprintf(event, sizeof event, "%s%d-m", code, year);
    take_part(o, event, id, NULL, "participant", result, municipal);
    if ((x < 25) && employed(t, regional)) {
      snprintf(event, sizeof event, "%s%d-r", code, year);
      take_part(o, event, id, NULL, "participant", chance(r, 0.1) ? "winner" : chance(r, 0.3) ? "prize" : "participant",
                regional);
    }
  }
  if ((!strcmp(position, "head") || !strcmp(position, "methodist")) && employed(t, municipal) && chance(r, 0.15)) {
    snprintf(event, sizeof event, "%s%d-m", chance(r, 0.5) ? "ug" : "vg", year);
    take_part(o, event, id, NULL, "jury", NULL, municipal);
  }
  long school = day_number(year, 9, 15);
  if (year - start < 3 && year >= start && employed(t, school) && chance(r, 0.45 + 0.1 * (year - 2021)) &&
      strcmp(position, "head")) {
    snprintf(event, sizeof event, "smp%d", year);
    take_part(o, event, id, NULL, "listener", NULL, school);
  }
  long reserve = day_number(year, 10, 1);
  if (in_reserve && employed(t, reserve) && chance(r, 0.7)) {
    snprintf(event, sizeof event, "skr%d", year);
    take_part(o, event, id, NULL, "listener", NULL, reserve);
  }
  long august = day_number(year, 8, 28);
  if (employed(t, august) && chance(r, 0.2)) {
    snprintf(event, sizeof event, "conf%d", year);
    take_part(o, event, id, NULL, chance(r, 0.08) ? "speaker" : "listener", NULL, august);
  }
  if (!strcmp(position, "methodist") && chance(r, 0.8)) {
    for (int q = 1; q <= 4; q++) {
      long day = day_number(year, 3 * q - 1, 20);
      snprintf(event, sizeof event, "ms%d-%d", year, q);
      if (employed(t, day)) take_part(o, event, id, NULL, "member", NULL, day);
    }
  }
}

/* What follows a diagnostic: a route, expert and methodical work. */
static void after_diagnostic(synth_out *o, const char *id, long year, int score, double lag) {
  rng *r = &o->r;
  if (chance(r, 0.75 * lag + 0.1))
    activity(o, id, "individual_route", year, (act_fields){.title = "Индивидуальный образовательный маршрут", .role = chance(r, 0.3) ? "tutor" : NULL});
  if (score > 60 && chance(r, 0.3)) {
    activity(o, id, "expert", year, (act_fields){.title = "Эксперт РСЭС", .provider = "РСЭС"});
    member(o, "expert", "РСЭС", id, NULL, year + 30, chance(r, 0.2) ? year + 400 : -1);
  }
  static const char *const events[] = {"Семинар «Функциональная грамотность»", "Круглый стол «Наставничество»",
                                       "Педагогическая мастерская", "Августовская педагогическая конференция",
                                       "Форум молодых педагогов", "Методический марафон"};
  if (chance(r, 0.12))
    activity(o, id, "methodical_event", year, (act_fields){.title = events[below(r, 6)], .provider = "ЦНППМ"});
  if (chance(r, 0.04)) {
    activity(o, id, "tutoring", year, (act_fields){.title = "Работа тьютора", .provider = "ЦНППМ"});
    member(o, "tutor", "Тьюторы ЦНППМ", id, NULL, year, -1);
  }
}

/* One worker's four years of activities; lag < 1 for a lagging organization. */
/* One worker's activities over 2021-2024, each on a day they were
 * employed; lag < 1 for a lagging organization. (The activities of a year
 * share its day: what follows a diagnostic happens with it.) */
static void worker_activities(synth_out *o, const char *id, const char *position, int start, double lag,
                              const char *mentor, const tenure *mentor_days, int platform, const tenure *t,
                              int in_reserve) {
  rng *r = &o->r;
  int manager = !strcmp(position, "head") || !strcmp(position, "deputy");
  for (int year = 2021; year <= 2024; year++) {
    int i = year - 2021;
    long y = day_in(o, t, year);
    if (y < 0) continue;
    worker_events(o, id, position, start, year, lag, t, in_reserve);
    if (chance(r, diagnostic_rate[i] * lag)) {
      int score = 35 + below(r, 60);
      char text[16];
      snprintf(text, sizeof text, "%d", score);
      /* the deficits a diagnostic finds: below half, methodical and subject ones; below 60%, subject ones */
      const char *deficits = score < 50 ? "методические; предметные" : score < 60 ? "предметные" : NULL;
      activity(o, id, "diagnostic", y, (act_fields){.title = "Диагностика профессиональных дефицитов", .provider = "ОГБУ ЧЦОПМКП", .score = text, .deficits = deficits});
      after_diagnostic(o, id, y, score, lag);
    }
    if (chance(r, course_rate[i] * lag))
      activity(o, id, chance(r, 0.85) ? "course" : "retraining", y,
               (act_fields){.title = manager && chance(r, 0.4) ? "Управление качеством образования" : "Обновлённые ФГОС: содержание и методика", .provider = chance(r, 0.1) ? "ФГАОУ ДПО «Академия Минпросвещения России»" : "ГБУ ДПО ЧИППКРО", .hours = chance(r, 0.5) ? "72" : "36", .result = chance(r, 0.5) ? "итоговая аттестация пройдена" : NULL});
    /* a pair of mentor and mentee meets on a day both were employed */
    if (mentor && (y < mentor_days->first || y > mentor_days->last)) mentor = NULL;
    if (mentor && year - start < 3 && year >= start && chance(r, mentoring_rate[i] * lag)) {
      activity(o, id, "mentoring", y, (act_fields){.title = "Программа наставничества", .role = "mentee", .partner = mentor});
      activity(o, mentor, "mentoring", y, (act_fields){.title = "Программа наставничества", .role = "mentor", .partner = id});
    } else if (mentor && chance(r, 0.04 * (i + 1) * lag)) {
      activity(o, id, "mentoring", y, (act_fields){.title = "Программа наставничества (педагог-педагог)", .role = "mentee", .partner = mentor});
    }
    if (manager && o->last_head[0] && strcmp(o->last_head, id) && y >= o->last_head_days.first &&
        y <= o->last_head_days.last && chance(r, 0.08 * (i + 1) * lag))
      activity(o, id, "mentoring", y, (act_fields){.title = "Наставничество руководителей", .role = "mentee", .partner = o->last_head});
    if (chance(r, assessment_rate[i] * lag))
      activity(o, id, "qualification_assessment", y, (act_fields){.title = "Независимая оценка квалификации", .provider = "ОГБУ ЧЦОПМКП"});
    if (platform && chance(r, 0.35 + 0.15 * i)) activity(o, id, "platform_use", y, (act_fields){.title = "Работа на платформе"});
    if (chance(r, 0.05)) activity(o, id, "competition", y, (act_fields){.title = "Конкурс профессионального мастерства"});
    if (chance(r, 0.03 + 0.01 * i)) activity(o, id, "publication", y, (act_fields){.title = "Статья в педагогическом издании"});
    if (chance(r, 0.08)) activity(o, id, "attestation", y, (act_fields){.title = "Аттестация на квалификационную категорию"});
    if (chance(r, 0.01)) activity(o, id, "expert", y, (act_fields){.title = "Эксперт демонстрационного экзамена", .provider = "WSR"});
  }
}

/* One worker's rows of staff.csv, their employment history: hired on a
 * day of the career's first year (young workers) or, for most of the
 * experienced, without a hire date (counted from the career's start, as
 * old files are); some leave during 2021-2024, some move to the next
 * organization of the municipality. t receives the days employed there. */
static void worker_history(synth_out *o, const char *sid, const char *org, const char *next_org, const char *position,
                           int birth, int start, int s, tenure *t) {
  rng *r = &o->r;
  const char *matches = chance(r, 0.92) ? "да" : "нет";
  const char *category = s == 1 ? (chance(r, 0.5) ? "pedagogue_methodist" : "pedagogue_mentor") : categories[below(r, 8)];
  char hire[16] = "", leave[16] = "", moved[16] = "";
  t->first = day_number(start, 1, 1);
  t->last = day_number(2024, 12, 31);
  if (start >= 2016 || chance(r, 0.3)) { /* a known hire date: 1 September mostly, any day otherwise */
    t->first = chance(r, 0.7) ? day_number(start, 9, 1) : day_number(start, 1 + below(r, 12), 1 + below(r, 28));
    date_of(t->first, hire);
  }
  int fate = s == 0 ? 99 : below(r, 100);  /* heads stay */
  long change = day_number(2021 + below(r, 4), 1 + below(r, 12), 1 + below(r, 28));
  if (change <= t->first) fate = 99;
  if (fate < 12) { /* leaves */
    t->last = change;
    date_of(change, leave);
  } else if (fate < 16 && next_org) { /* moves to the next organization, from that day */
    date_of(change, moved);
  }
  fprintf(o->staff, "%s,%s,%s,%d,%d,%s,%s,%s,%s\n", sid, org, position, birth, start, matches, category, hire, leave);
  o->n->staff++;
  if (moved[0]) {
    fprintf(o->staff, "%s,%s,%s,%d,%d,%s,%s,%s,\n", sid, next_org, position, birth, start, matches, category, moved);
    o->n->transfers++;
  }
  if (leave[0]) o->n->leavers++;
}

/* The organization's mentor (its worker 1) joins the registry of mentors
 * from 2021 or their hire; a worker in the first years of the career is
 * the mentor's mentee for two years (while both work there). */
static void worker_registries(synth_out *o, const char *sid, const char *position, int s, const tenure *t,
                              const char *mentor, const tenure *mentor_days) {
  long programme = day_number(2021, 9, 1), open_end = day_number(2024, 12, 31);
  if (s == 1) {
    long from = t->first > programme ? t->first : programme;
    if (from <= t->last) member(o, "mentor", "Реестр наставников", sid, NULL, from, t->last < open_end ? t->last : -1);
    return;
  }
  if (!mentor || !strcmp(position, "head") || t->first < day_number(2019, 1, 1)) return;
  long from = t->first > programme ? t->first : programme;
  if (from < mentor_days->first) from = mentor_days->first;
  long to = from + 730;
  if (to > t->last) to = t->last;
  if (to > mentor_days->last) to = mentor_days->last;
  if (from <= to) member(o, "mentee", "Наставляемые молодые педагоги", sid, mentor, from, to < open_end ? to : -1);
}

/* The kind of organization k of a municipality (its id's letter). */
static char organization_kind(int k) { return k % 20 < 9 ? 's' : k % 20 < 17 ? 'p' : 'a'; }

/* An organization with its staff. lag < 1 makes it one of the laggards;
 * next_id is the next organization of the municipality (NULL for the
 * last), where movers go. */
static void organization(synth_out *o, const char *muni, int k, char kind, double lag, const char *next_id) {
  rng *r = &o->r;
  char id[160], name[128];
  snprintf(id, sizeof id, "%s-%c%03d", muni, kind, k);
  snprintf(name, sizeof name, kind == 's' ? "МОУ «СОШ № %d»" : kind == 'p' ? "МДОУ «Детский сад № %d»" : "МУ ДО «ЦДТ № %d»", k);
  fprintf(o->org, "%s,%s,%s,%s\n", id, name, kind == 's' ? "school" : kind == 'p' ? "preschool" : "additional", muni);
  o->n->organizations++;
  int size = kind == 's' ? 16 + below(r, 28) : kind == 'p' ? 10 + below(r, 12) : 6 + below(r, 8);
  for (int year = 2021; kind == 's' && year <= 2024; year++) { /* the school's own entry in «Школа года» */
    if (!chance(r, 0.3 * lag + 0.1)) continue;
    char event[32];
    snprintf(event, sizeof event, "sg%d", year);
    take_part(o, event, NULL, id, "participant", chance(r, 0.15) ? "winner" : chance(r, 0.2) ? "prize" : "participant",
              day_number(year, 5, 15));
  }
  int platform = kind == 's' && chance(r, lag < 1 ? 0.3 : 0.8);
  char mentor[200] = "";
  tenure mentor_days = {0, 0}, head_days = {0, 0};
  for (int s = 0; s < size; s++) {
    char sid[200];
    snprintf(sid, sizeof sid, "%s-%03d", id, s);
    const char *position = s == 0 ? "head" : pick_position(r, kind);
    int birth = 1956 + below(r, 26) + below(r, 20);  /* a hump around the late 1970s */
    int start = birth + 21 + below(r, 8) + (chance(r, 0.7) ? below(r, 15) : 0);
    if (start > 2024) start = 2024;
    tenure t;
    worker_history(o, sid, id, next_id, position, birth, start, s, &t);
    worker_registries(o, sid, position, s, &t, mentor[0] ? mentor : NULL, &mentor_days);
    int in_reserve = !strcmp(position, "deputy") && chance(r, 0.3);
    if (in_reserve) {
      long from = day_number(2021 + below(r, 3), 1 + below(r, 12), 1 + below(r, 28));
      if (from < t.first) from = t.first;
      if (from <= t.last) member(o, "managerial_reserve", "Резерв управленческих кадров", sid, NULL, from,
                                 t.last < day_number(2024, 12, 31) ? t.last : -1);
    }
    worker_activities(o, sid, position, start, lag, mentor[0] ? mentor : NULL, &mentor_days, platform && s < 5, &t,
                      in_reserve);
    if (s == 1) snprintf(mentor, sizeof mentor, "%s", sid), mentor_days = t;
    if (s == 0) head_days = t;
  }
  snprintf(o->last_head, sizeof o->last_head, "%s-000", id);
  o->last_head_days = head_days;
}

/* The municipality's events of 2021-2024: «Учитель года» and «Воспитатель
 * года» with their municipal and regional stages, «Школа года» for
 * schools, the school of young teachers, the reserve's school, the August
 * conference and four methodical councils a year. */
static void municipal_events(synth_out *o, const char *muni) {
  for (int y = 2021; y <= 2024; y++) {
    static const char *const contests[][2] = {{"ug", "Учитель года"}, {"vg", "Воспитатель года"}};
    for (int c = 0; c < 2; c++) {
      fprintf(o->ev, "%s-%s%d,competition,%s — %d,,Управление образования,,%s,%d-01-15,%d-04-30,\n", muni,
              contests[c][0], y, contests[c][1], y, muni, y, y);
      fprintf(o->ev, "%s-%s%d-m,,%s — %d: муниципальный этап,municipal,Управление образования,,%s,%d-02-10,,%s-%s%d\n",
              muni, contests[c][0], y, contests[c][1], y, muni, y, muni, contests[c][0], y);
      fprintf(o->ev, "%s-%s%d-r,,%s — %d: региональный этап,regional,Министерство образования,,%s,%d-04-20,,%s-%s%d\n",
              muni, contests[c][0], y, contests[c][1], y, muni, y, muni, contests[c][0], y);
      o->n->events += 3;
    }
    fprintf(o->ev, "%s-sg%d,competition,Школа года — %d,municipal,Управление образования,,%s,%d-05-15,,\n", muni, y, y,
            muni, y);
    fprintf(o->ev, "%s-smp%d,young_teacher_school,Школа молодого педагога %d/%d,municipal,Методический кабинет,,%s,%d-09-15,"
            "%d-05-30,\n", muni, y, y, y + 1, muni, y, y + 1);
    fprintf(o->ev, "%s-skr%d,reserve_school,Школа кадрового резерва %d,municipal,Управление образования,,%s,%d-10-01,"
            "%d-12-20,\n", muni, y, y, muni, y, y);
    fprintf(o->ev, "%s-conf%d,conference,Августовская педагогическая конференция %d,municipal,Управление образования,,%s,"
            "%d-08-28,,\n", muni, y, y, muni, y);
    for (int q = 1; q <= 4; q++)
      fprintf(o->ev, "%s-ms%d-%d,council,Методический совет (%d-е заседание %d г.),municipal,Методический кабинет,,%s,"
              "%d-%02d-20,,\n", muni, y, q, q, y, muni, y, 3 * q - 1);
    o->n->events += 8;
  }
}

/* A municipality: its events, organizations, communities and documents. */
static void municipality(synth_out *o, const char *muni, int organizations) {
  rng *r = &o->r;
  snprintf(o->muni, sizeof o->muni, "%s", muni);
  municipal_events(o, muni);
  int laggards = organizations / 8 + 1;
  for (int k = 1; k <= organizations; k++) {
    char next[160] = "";
    if (k < organizations) snprintf(next, sizeof next, "%s-%c%03d", muni, organization_kind(k + 1), k + 1);
    organization(o, muni, k, organization_kind(k), k <= laggards ? 0.35 : 0.85 + 0.3 * (below(r, 100) / 100.0),
                 next[0] ? next : NULL);
  }
  int associations = 4 + below(r, 6);
  for (int c = 1; c <= associations + 4; c++) {
    int start = 2019 + (c > associations ? c - associations + 1 : below(r, 3));
    fprintf(o->comm, "%s-mo%02d,Районное методическое объединение № %d,%s,municipal,,%s,%d-09-01,%s,%d\n", muni, c, c,
            c % 3 ? "methodical_association" : "network_community", muni, start, start <= 2022 && chance(r, 0.1) ? "2022-12-31" : "",
            10 + below(r, 30));
    o->n->communities++;
  }
  static const char *const docs[][3] = {
    {"plan", "Дорожная карта по реализации Концепции", "2021-08-26"},
    {"order", "О реализации Концепции системы обеспечения профессионального развития", "2021-08-26"},
    {"programme", "Программа поддержки методических объединений", "2022-02-01"},
    {"programme", "Программа поддержки молодых педагогов/наставничества", "2022-09-01"},
    {"regulation", "Положение о муниципальной методической службе", "2021-10-01"},
    {"programme", "Программа поддержки методических объединений (обновлённая)", "2024-01-15"},
  };
  for (size_t d = 0; d < sizeof docs / sizeof docs[0]; d++) {
    fprintf(o->doc, "%s-d%zu,%s,%zu,%s,%s,https://example.org/%s/%zu,%s\n", muni, d + 1, docs[d][0], 100 + d, docs[d][2],
            docs[d][1], muni, d + 1, muni);
    o->n->documents++;
  }
}

static FILE *open_csv(const char *dir, const char *name, const char *header, char *err, size_t errlen) {
  char path[4200];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "w");
  if (!f) snprintf(err, errlen, _("%s: cannot write: %s"), path, strerror(errno));
  else fprintf(f, "%s\n", header);
  return f;
}

int synth_run(const synth_options *opt, synth_counts *counts, char *err, size_t errlen) {
  memset(counts, 0, sizeof *counts);
  const scale_def *scale = NULL;
  for (size_t i = 0; i < sizeof scales / sizeof scales[0]; i++)
    if (!strcmp(scales[i].name, opt->scale)) scale = &scales[i];
  if (!scale) {
    snprintf(err, errlen, _("--scale: municipality, region or country (%s)"), opt->scale);
    return -1;
  }
  if (mkdir(opt->out_dir, 0755) != 0 && errno != EEXIST) {
    snprintf(err, errlen, _("%s: cannot create: %s"), opt->out_dir, strerror(errno));
    return -1;
  }
  synth_out o = {.n = counts, .r = {opt->seed * 0x9E3779B97F4A7C15ull + 1}};
  o.org = open_csv(opt->out_dir, "organizations.csv", "id,name,kind,municipality", err, errlen);
  o.staff = o.org ? open_csv(opt->out_dir, "staff.csv", "id,organization_id,position,birth_year,career_start_year,"
                                                        "education_matches_profile,qualification_category,hire_date,"
                                                        "leave_date", err, errlen) : NULL;
  o.act = o.staff ? open_csv(opt->out_dir, "activities.csv", "id,staff_id,kind,date,title,provider,score,role,partner_id,"
                                                             "hours,result,deficits", err, errlen) : NULL;
  o.comm = o.act ? open_csv(opt->out_dir, "communities.csv", "id,name,kind,level,organization_id,municipality,start_date,"
                                                             "end_date,members", err, errlen) : NULL;
  o.doc = o.comm ? open_csv(opt->out_dir, "documents.csv", "id,kind,number,date,title,link,municipality", err, errlen) : NULL;
  o.ev = o.doc ? open_csv(opt->out_dir, "events.csv", "id,kind,title,level,organizer,organization_id,municipality,"
                                                      "start_date,end_date,parent_id", err, errlen) : NULL;
  o.part = o.ev ? open_csv(opt->out_dir, "participation.csv", "event_id,staff_id,organization_id,role,result,nomination,"
                                                              "date", err, errlen) : NULL;
  o.reg = o.part ? open_csv(opt->out_dir, "registries.csv", "registry,title,staff_id,partner_id,from_date,to_date,basis",
                            err, errlen) : NULL;
  int rc = o.reg ? 0 : -1;
  const char *base = opt->municipality && *opt->municipality ? opt->municipality : "synth";
  int per = opt->organizations > 0 ? opt->organizations : scale->organizations;
  for (int m = 0; rc == 0 && m < scale->municipalities; m++) {
    char muni[128];
    if (scale->municipalities == 1) snprintf(muni, sizeof muni, "%s", base);
    else snprintf(muni, sizeof muni, "%s%04d", base, m + 1);
    municipality(&o, muni, per);
  }
  FILE *files[] = {o.org, o.staff, o.act, o.comm, o.doc, o.ev, o.part, o.reg};
  for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
    if (files[i] && (ferror(files[i]) || fclose(files[i]) != 0) && rc == 0) {
      snprintf(err, errlen, _("%s: write error"), opt->out_dir);
      rc = -1;
    }
  }
  return rc;
}
