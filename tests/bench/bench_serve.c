/* Load benchmark of 'pdmon serve' (not a test: tests/bench/serve_load.sh
 * runs it): CLIENTS threads log in and read the dashboard in a loop with
 * keep-alive connections, first with nothing else going on (the baseline),
 * then while one more client uploads a file and imports it through the
 * workplace. Every answer must be a 200 with the whole page and no
 * "database is locked"; prints requests per second and latency
 * percentiles of both phases and their ratios.
 * Usage: bench_serve BASE_URL MUNICIPALITY LOGIN PASSWORD ENTITY FILE [CLIENTS] [SECONDS] */
#include <curl/curl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct buffer {
  char *data;
  size_t len;
} buffer;

typedef struct client {
  pthread_t thread;
  char cookie[128];
  double *latencies; /* milliseconds */
  size_t n, cap;
  long errors;
  char first_error[256];
} client;

static const char *base, *municipality;
static atomic_int running;

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000.0 + t.tv_nsec / 1e6;
}

static size_t collect(char *data, size_t size, size_t n, void *arg) {
  buffer *b = arg;
  char *grown = realloc(b->data, b->len + size * n + 1);
  if (!grown) return 0;
  memcpy(grown + b->len, data, size * n);
  b->data = grown;
  b->len += size * n;
  b->data[b->len] = '\0';
  return size * n;
}

/* Logs in (the login form's token and cookie, then the POST); fills cookie. */
static int log_in(const char *login, const char *password, char cookie[128]) {
  CURL *c = curl_easy_init();
  buffer page = {0}, headers = {0};
  char url[512], form[512], login_cookie[128] = "";
  snprintf(url, sizeof url, "%s/login", base);
  curl_easy_setopt(c, CURLOPT_URL, url);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &page);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, collect);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &headers);
  int ok = curl_easy_perform(c) == CURLE_OK;
  const char *t = ok && page.data ? strstr(page.data, "name=\"csrf\" value=\"") : NULL;
  const char *k = ok && headers.data ? strstr(headers.data, "pdmon_login=") : NULL;
  if (!t || !k) {
    curl_easy_cleanup(c);
    return -1;
  }
  snprintf(login_cookie, sizeof login_cookie, "%.76s", k);
  snprintf(form, sizeof form, "csrf=%.64s&login=%s&password=%s", t + strlen("name=\"csrf\" value=\""), login, password);
  free(headers.data);
  headers = (buffer){0};
  curl_easy_setopt(c, CURLOPT_COOKIE, login_cookie);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, form);
  ok = curl_easy_perform(c) == CURLE_OK;
  const char *s = ok && headers.data ? strstr(headers.data, "pdmon_session=") : NULL;
  if (s) snprintf(cookie, 128, "%.78s", s);
  free(page.data);
  free(headers.data);
  curl_easy_cleanup(c);
  return s ? 0 : -1;
}

static void record(client *cl, double ms) {
  if (cl->n == cl->cap) {
    size_t cap = cl->cap ? cl->cap * 2 : 4096;
    double *grown = realloc(cl->latencies, cap * sizeof *grown);
    if (!grown) return;
    cl->latencies = grown;
    cl->cap = cap;
  }
  cl->latencies[cl->n++] = ms;
}

/* Reads the dashboard until told to stop. */
static void *read_dashboard(void *arg) {
  client *cl = arg;
  CURL *c = curl_easy_init();
  char url[512];
  snprintf(url, sizeof url, "%s/m/%s", base, municipality);
  curl_easy_setopt(c, CURLOPT_URL, url);
  curl_easy_setopt(c, CURLOPT_COOKIE, cl->cookie);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
  while (atomic_load(&running)) {
    buffer page = {0};
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &page);
    double start = now_ms();
    CURLcode rc = curl_easy_perform(c);
    double ms = now_ms() - start;
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    const char *why = rc != CURLE_OK ? curl_easy_strerror(rc) : status != 200 ? "status is not 200"
                      : !page.data || !strstr(page.data, "</html>") ? "page cut short"
                      : strstr(page.data, "database is locked") ? "database is locked"
                      : !strstr(page.data, "Показатели муниципалитета") ? "page without the indicators" : NULL;
    if (why) {
      if (!cl->errors++) snprintf(cl->first_error, sizeof cl->first_error, "%s (status %ld)", why, status);
    } else {
      record(cl, ms);
    }
    free(page.data);
  }
  curl_easy_cleanup(c);
  return NULL;
}

static int compare(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

typedef struct phase {
  double seconds, rps, p50, p99, max;
  long requests, errors;
} phase;

/* Runs the readers for at least seconds and until *busy is 0. */
static phase run_phase(client *clients, int n, double seconds, atomic_int *busy) {
  phase p = {0};
  for (int i = 0; i < n; i++) {
    clients[i].n = 0;
    clients[i].errors = 0;
  }
  atomic_store(&running, 1);
  double start = now_ms();
  for (int i = 0; i < n; i++) pthread_create(&clients[i].thread, NULL, read_dashboard, &clients[i]);
  while (now_ms() - start < seconds * 1000 || (busy && atomic_load(busy))) {
    struct timespec t = {0, 50 * 1000 * 1000};
    nanosleep(&t, NULL);
  }
  atomic_store(&running, 0);
  for (int i = 0; i < n; i++) pthread_join(clients[i].thread, NULL);
  p.seconds = (now_ms() - start) / 1000;
  size_t total = 0;
  for (int i = 0; i < n; i++) total += clients[i].n, p.errors += clients[i].errors;
  double *all = malloc((total ? total : 1) * sizeof *all);
  size_t k = 0;
  for (int i = 0; i < n; i++) {
    memcpy(all + k, clients[i].latencies, clients[i].n * sizeof *all);
    k += clients[i].n;
    if (clients[i].errors) fprintf(stderr, "client %d: %ld errors, first: %s\n", i, clients[i].errors, clients[i].first_error);
  }
  qsort(all, total, sizeof *all, compare);
  p.requests = (long)total;
  p.rps = total / p.seconds;
  if (total) {
    p.p50 = all[total / 2];
    p.p99 = all[(size_t)(total * 0.99) < total ? (size_t)(total * 0.99) : total - 1];
    p.max = all[total - 1];
  }
  free(all);
  return p;
}

typedef struct importer {
  const char *login, *password, *entity, *file;
  atomic_int busy;
  double seconds;
  int ok;
  char outcome[512];
} importer;

/* Uploads the file, then presses "import": the writer of the second phase. */
static void *import_file(void *arg) {
  importer *im = arg;
  double start = now_ms();
  char cookie[128], url[512];
  if (log_in(im->login, im->password, cookie) != 0) {
    snprintf(im->outcome, sizeof im->outcome, "the importer could not log in");
    atomic_store(&im->busy, 0);
    return NULL;
  }
  CURL *c = curl_easy_init();
  buffer page = {0};
  snprintf(url, sizeof url, "%s/m/%s/upload", base, municipality);
  /* the form token: from any page of the session */
  curl_easy_setopt(c, CURLOPT_URL, url);
  curl_easy_setopt(c, CURLOPT_COOKIE, cookie);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &page);
  curl_easy_perform(c);
  const char *t = page.data ? strstr(page.data, "name=\"csrf\" value=\"") : NULL;
  char csrf[65] = "";
  if (t) snprintf(csrf, sizeof csrf, "%.64s", t + strlen("name=\"csrf\" value=\""));
  free(page.data);
  page = (buffer){0};
  curl_mime *mime = curl_mime_init(c);
  curl_mimepart *part = curl_mime_addpart(mime);
  curl_mime_name(part, "csrf");
  curl_mime_data(part, csrf, CURL_ZERO_TERMINATED);
  part = curl_mime_addpart(mime);
  curl_mime_name(part, "entity");
  curl_mime_data(part, im->entity, CURL_ZERO_TERMINATED);
  part = curl_mime_addpart(mime);
  curl_mime_name(part, "file");
  curl_mime_filedata(part, im->file);
  curl_easy_setopt(c, CURLOPT_MIMEPOST, mime);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &page);
  curl_easy_perform(c);
  curl_mime_free(mime);
  const char *action = page.data ? strstr(page.data, "/import\"") : NULL;
  if (!action) {
    snprintf(im->outcome, sizeof im->outcome, "the upload was not accepted for import: %.300s",
             page.data ? page.data : "(no answer)");
  } else {
    const char *s = action;
    while (s > page.data && *s != '"') s--;
    char path[512], form[128];
    snprintf(path, sizeof path, "%s%.*s", base, (int)(action - s - 1 + strlen("/import")), s + 1);
    snprintf(form, sizeof form, "csrf=%s", csrf);
    free(page.data);
    page = (buffer){0};
    curl_easy_reset(c);
    curl_easy_setopt(c, CURLOPT_URL, path);
    curl_easy_setopt(c, CURLOPT_COOKIE, cookie);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, form);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &page);
    curl_easy_perform(c);
    const char *done = page.data ? strstr(page.data, "Записано строк") : NULL;
    im->ok = done != NULL;
    snprintf(im->outcome, sizeof im->outcome, "%.120s", done ? done : page.data ? page.data : "(no answer)");
    char *tag = strchr(im->outcome, '<');
    if (tag) *tag = '\0';
  }
  free(page.data);
  curl_easy_cleanup(c);
  im->seconds = (now_ms() - start) / 1000;
  atomic_store(&im->busy, 0);
  return NULL;
}

int main(int argc, char **argv) {
  if (argc < 7) {
    fputs("usage: bench_serve BASE_URL MUNICIPALITY LOGIN PASSWORD ENTITY FILE [CLIENTS] [SECONDS]\n", stderr);
    return 2;
  }
  base = argv[1];
  municipality = argv[2];
  int n = argc > 7 ? atoi(argv[7]) : 50;
  double seconds = argc > 8 ? atof(argv[8]) : 5;
  curl_global_init(CURL_GLOBAL_DEFAULT);
  client *clients = calloc((size_t)n, sizeof *clients);
  for (int i = 0; i < n; i++)
    if (log_in(argv[3], argv[4], clients[i].cookie) != 0) {
      fprintf(stderr, "client %d could not log in\n", i);
      return 1;
    }
  phase idle = run_phase(clients, n, seconds, NULL);
  importer im = {.login = argv[3], .password = argv[4], .entity = argv[5], .file = argv[6]};
  atomic_init(&im.busy, 1);
  pthread_t writer;
  pthread_create(&writer, NULL, import_file, &im);
  phase loaded = run_phase(clients, n, seconds, &im.busy);
  pthread_join(writer, NULL);
  printf("clients: %d reading %s/m/%s\n", n, base, municipality);
  printf("%-26s %9s %10s %9s %9s %9s %7s\n", "phase", "requests", "req/s", "p50 ms", "p99 ms", "max ms", "errors");
  printf("%-26s %9ld %10.1f %9.1f %9.1f %9.1f %7ld\n", "baseline (no import)", idle.requests, idle.rps, idle.p50, idle.p99,
         idle.max, idle.errors);
  printf("%-26s %9ld %10.1f %9.1f %9.1f %9.1f %7ld\n", "during the import", loaded.requests, loaded.rps, loaded.p50, loaded.p99,
         loaded.max, loaded.errors);
  printf("ratios during/baseline: req/s %.2f, p99 %.2f\n", idle.rps > 0 ? loaded.rps / idle.rps : 0, idle.p99 > 0 ? loaded.p99 / idle.p99 : 0);
  printf("import of %s (%s): %.1f s, %s\n", argv[6], argv[5], im.seconds, im.outcome);
  for (int i = 0; i < n; i++) free(clients[i].latencies);
  free(clients);
  curl_global_cleanup();
  int failed = idle.errors || loaded.errors || !im.ok || !idle.requests || !loaded.requests;
  if (failed) fprintf(stderr, "bench_serve: FAILED (errors, or the import did not go through)\n");
  return failed;
}
