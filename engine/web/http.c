/* http.c: the web server of 'pdmon serve' through libmicrohttpd. The promises are in http.h. */
#define _GNU_SOURCE /* syscall(SYS_gettid): the thread id that setpriority takes */
#include "http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <microhttpd.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <unistd.h>

#include "routes.h"
#include "store.h"

#define POOL_MAX 64

struct web_server {
  web_options options;
  struct MHD_Daemon *daemon;
  struct sockaddr_storage address;
  int loopback;
  char *tls_cert, *tls_key;        /* PEM text; owned */
  char upload_dir[1024];
  int own_upload_dir;              /* 1: made by the server, removed at stop */
  pthread_mutex_t lock;
  pthread_cond_t changed;
  sqlite3 *idle[POOL_MAX];         /* connections nobody uses */
  int nidle, nopen;
  int streams;                     /* pages being written */
};

/* ---- the pool of store connections ---- */

/* A connection for one request: an idle one, a new one while the pool is
 * not full, else waits. NULL (with err) when the store cannot be opened. */
static sqlite3 *pool_take(web_server *s, char *err, size_t errlen) {
  pthread_mutex_lock(&s->lock);
  while (s->nidle == 0 && s->nopen >= POOL_MAX) pthread_cond_wait(&s->changed, &s->lock);
  if (s->nidle > 0) {
    sqlite3 *db = s->idle[--s->nidle];
    pthread_mutex_unlock(&s->lock);
    return db;
  }
  s->nopen++;
  pthread_mutex_unlock(&s->lock);
  sqlite3 *db;
  if (store_open(s->options.store_path, 0, &db, err, errlen) == 0) return db;
  pthread_mutex_lock(&s->lock);
  s->nopen--;
  pthread_cond_broadcast(&s->changed);
  pthread_mutex_unlock(&s->lock);
  return NULL;
}

/* Gives a connection back; one left inside a transaction is rolled back first. */
static void pool_give(web_server *s, sqlite3 *db) {
  if (!db) return;
  if (!sqlite3_get_autocommit(db)) sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
  pthread_mutex_lock(&s->lock);
  s->idle[s->nidle++] = db;
  pthread_cond_broadcast(&s->changed);
  pthread_mutex_unlock(&s->lock);
}

/* ---- requests ---- */

static void params_free(web_param *p, size_t n) {
  for (size_t i = 0; i < n; i++) {
    free(p[i].name);
    free(p[i].value);
  }
}

/* Frees a request when its last holder (the connection or a page's thread) lets go. */
static void request_release(web_request *r) {
  if (atomic_fetch_sub(&r->refs, 1) != 1) return;
  params_free(r->query, r->nquery);
  params_free(r->form, r->nform);
  free(r->upload_data);
  free(r->response.body);
  if (r->response.file_fd >= 0) close(r->response.file_fd);
  if (r->data && r->data_free) r->data_free(r->data);
  if (r->post_processor) MHD_destroy_post_processor(r->post_processor);
  pool_give(r->server, r->db);
  free(r);
}

/* Appends a name and value to a list of parameters; -1 when full or out of memory. */
static int add_param(web_param *list, size_t *n, const char *name, const char *value, size_t len) {
  if (*n == WEB_MAX_PARAMS) return -1;
  web_param *p = &list[*n];
  p->name = strdup(name);
  p->value = malloc(len + 1);
  if (!p->name || !p->value) {
    free(p->name);
    free(p->value);
    return -1;
  }
  memcpy(p->value, value, len);
  p->value[len] = '\0';
  p->len = len;
  (*n)++;
  return 0;
}

static enum MHD_Result collect_query(void *cls, enum MHD_ValueKind kind, const char *key, const char *value) {
  (void)kind;
  web_request *r = cls;
  if (add_param(r->query, &r->nquery, key, value ? value : "", value ? strlen(value) : 0) != 0) r->body_error = 400;
  return MHD_YES;
}

/* Receives the fields of a form or multipart body, piece by piece. */
static enum MHD_Result collect_field(void *cls, enum MHD_ValueKind kind, const char *key, const char *filename,
                                     const char *content_type, const char *transfer_encoding, const char *data,
                                     uint64_t off, size_t size) {
  (void)kind, (void)content_type, (void)transfer_encoding;
  web_request *r = cls;
  if (filename) {
    if (off == 0 && r->upload_name[0]) { r->body_error = 400; return MHD_NO; } /* one file per request */
    if (off == 0) snprintf(r->upload_name, sizeof r->upload_name, "%s", filename[0] ? filename : "upload.csv");
    if (r->upload_len + size + 1 > r->upload_cap) {
      size_t cap = r->upload_cap ? r->upload_cap * 2 : 65536;
      while (cap < r->upload_len + size + 1) cap *= 2;
      char *grown = realloc(r->upload_data, cap);
      if (!grown) { r->body_error = 413; return MHD_NO; }
      r->upload_data = grown;
      r->upload_cap = cap;
    }
    memcpy(r->upload_data + r->upload_len, data, size);
    r->upload_len += size;
    r->upload_data[r->upload_len] = '\0';
    return MHD_YES;
  }
  if (off == 0 || r->nform == 0 || strcmp(r->form[r->nform - 1].name, key)) {
    if (add_param(r->form, &r->nform, key, data, size) != 0) { r->body_error = 400; return MHD_NO; }
    return MHD_YES;
  }
  web_param *p = &r->form[r->nform - 1]; /* the rest of a long value */
  if (p->len + size > 1024 * 1024) { r->body_error = 413; return MHD_NO; }
  char *grown = realloc(p->value, p->len + size + 1);
  if (!grown) { r->body_error = 413; return MHD_NO; }
  memcpy(grown + p->len, data, size);
  p->value = grown;
  p->len += size;
  p->value[p->len] = '\0';
  return MHD_YES;
}

/* Copies a cookie's value when it looks like one of our tokens. */
static void read_token_cookie(struct MHD_Connection *c, const char *name, char out[AUTH_TOKEN_HEX]) {
  const char *v = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, name);
  out[0] = '\0';
  if (v && strlen(v) == AUTH_TOKEN_HEX - 1 && strspn(v, "0123456789abcdef") == AUTH_TOKEN_HEX - 1)
    snprintf(out, AUTH_TOKEN_HEX, "%s", v);
}

/* The client's address as text. */
static void client_address(struct MHD_Connection *c, char *buf, size_t len) {
  const union MHD_ConnectionInfo *info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  snprintf(buf, len, "?");
  if (!info || !info->client_addr) return;
  const struct sockaddr *sa = info->client_addr;
  if (sa->sa_family == AF_INET) inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, buf, (socklen_t)len);
  else if (sa->sa_family == AF_INET6) inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, buf, (socklen_t)len);
}

/* Starts a request: method, path, query, cookies; sets up the body parser. */
static web_request *request_new(web_server *s, struct MHD_Connection *c, const char *url, const char *method) {
  web_request *r = calloc(1, sizeof *r);
  if (!r) return NULL;
  atomic_init(&r->refs, 1);
  r->server = s;
  r->options = &s->options;
  r->response.file_fd = -1;
  r->tls = s->tls_cert != NULL;
  snprintf(r->method, sizeof r->method, "%s", method);
  if (strlen(url) >= sizeof r->path) r->body_error = 414;
  snprintf(r->path, sizeof r->path, "%s", url);
  client_address(c, r->address, sizeof r->address);
  MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, collect_query, r);
  read_token_cookie(c, "pdmon_session", r->session_token);
  read_token_cookie(c, "pdmon_login", r->login_token);
  if (!strcmp(method, "POST")) {
    const char *length = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (length && strtoull(length, NULL, 10) > s->options.max_body_bytes) r->body_error = 413;
    r->post_processor = MHD_create_post_processor(c, 65536, collect_field, r);
    if (!r->post_processor && !r->body_error) r->body_error = 415;
  } else if (strcmp(method, "GET") && strcmp(method, "HEAD")) {
    r->body_error = 405;
  }
  return r;
}

/* ---- responses ---- */

const char *web_query(const web_request *r, const char *name) {
  for (size_t i = 0; i < r->nquery; i++)
    if (!strcmp(r->query[i].name, name)) return r->query[i].value;
  return NULL;
}

const char *web_form(const web_request *r, const char *name) {
  for (size_t i = 0; i < r->nform; i++)
    if (!strcmp(r->form[i].name, name)) return r->form[i].value;
  return NULL;
}

void web_respond_page(web_request *r, int status, web_page_fn page) {
  r->response.status = status;
  r->response.content_type = "text/html; charset=utf-8";
  r->response.page = page;
}

void web_respond_text(web_request *r, int status, const char *content_type, const char *text) {
  r->response.status = status;
  r->response.content_type = content_type;
  free(r->response.body);
  r->response.body = strdup(text);
  r->response.body_len = r->response.body ? strlen(text) : 0;
}

void web_respond_redirect(web_request *r, const char *location) {
  r->response.status = 303;
  r->response.content_type = "text/plain; charset=utf-8";
  snprintf(r->response.location, sizeof r->response.location, "%s", location);
}

void web_respond_file(web_request *r, int fd, const char *content_type, const char *name) {
  r->response.status = 200;
  r->response.content_type = content_type;
  if (r->response.file_fd >= 0) close(r->response.file_fd);
  r->response.file_fd = fd;
  snprintf(r->response.disposition, sizeof r->response.disposition, "attachment; filename=\"%s\"", name);
}

/* The thread that writes a streamed page into its pipe. */
static void *stream_page(void *arg) {
  web_request *r = arg;
  /* pages give way to imports and other changes when the processors are
   * busy: a crowd of readers must not starve the one writer (measured with
   * tests/bench/serve_load.sh: an import under 50 readers took 99 s
   * without this, 35 s with it, at the same read rate). Lowering one's own
   * priority is always allowed; if it were not, pages would only not yield. */
  (void)setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 10);
  FILE *out = fdopen(r->response.file_fd, "w");
  r->response.file_fd = -1;
  if (out) {
    setvbuf(out, NULL, _IOFBF, 16384);
    r->response.page(r, out);
    fclose(out); /* a closed connection shows as EPIPE here: the page simply stops */
  }
  web_server *s = r->server;
  request_release(r);
  pthread_mutex_lock(&s->lock);
  s->streams--;
  pthread_cond_broadcast(&s->changed);
  pthread_mutex_unlock(&s->lock);
  return NULL;
}

/* Starts the thread of a streamed page; returns the pipe's reading end, or -1. */
static int start_stream(web_request *r) {
  int fds[2];
  if (pipe(fds) != 0) return -1;
  fcntl(fds[0], F_SETFD, FD_CLOEXEC);
  fcntl(fds[1], F_SETFD, FD_CLOEXEC);
  r->response.file_fd = fds[1];
  atomic_fetch_add(&r->refs, 1);
  web_server *s = r->server;
  pthread_mutex_lock(&s->lock);
  s->streams++;
  pthread_mutex_unlock(&s->lock);
  pthread_t thread;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  int rc = pthread_create(&thread, &attr, stream_page, r);
  pthread_attr_destroy(&attr);
  if (rc != 0) {
    close(fds[0]);
    close(fds[1]);
    r->response.file_fd = -1;
    atomic_fetch_sub(&r->refs, 1);
    pthread_mutex_lock(&s->lock);
    s->streams--;
    pthread_mutex_unlock(&s->lock);
    return -1;
  }
  return fds[0];
}

/* Headers every response carries: no sniffing, no framing, scripts only from here. */
static void add_common_headers(struct MHD_Response *resp, const web_request *r) {
  MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
  MHD_add_response_header(resp, "X-Frame-Options", "DENY");
  MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
  MHD_add_response_header(resp, "Cache-Control", "no-store");
  MHD_add_response_header(resp, "Content-Security-Policy",
                          "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; script-src 'self';"
                          " connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
  if (r->tls) MHD_add_response_header(resp, "Strict-Transport-Security", "max-age=31536000");
}

/* Turns the handler's response into libmicrohttpd's and queues it. */
static enum MHD_Result queue(struct MHD_Connection *c, web_request *r) {
  web_response *w = &r->response;
  struct MHD_Response *resp = NULL;
  int head_only = w->page && !strcmp(r->method, "HEAD");
  if (head_only) w->page = NULL; /* the headers only: nothing to write */
  if (w->page) {
    int fd = start_stream(r);
    if (fd >= 0) resp = MHD_create_response_from_pipe(fd);
    if (!resp && fd >= 0) close(fd);
    if (!resp) {
      w->page = NULL;
      web_respond_text(r, 500, "text/plain; charset=utf-8", "Внутренняя ошибка: страница не может быть отправлена.\n");
    }
  } else if (w->file_fd >= 0) {
    struct stat st;
    if (fstat(w->file_fd, &st) == 0 && (resp = MHD_create_response_from_fd((uint64_t)st.st_size, w->file_fd)) != NULL)
      w->file_fd = -1; /* the response owns it now */
  }
  if (!resp) {
    if (!w->body && !w->location[0] && !head_only)
      web_respond_text(r, w->status ? w->status : 500, "text/plain; charset=utf-8", "\n");
    resp = MHD_create_response_from_buffer(w->body_len, w->body ? w->body : (char *)"", MHD_RESPMEM_MUST_COPY);
  }
  if (!resp) return MHD_NO;
  add_common_headers(resp, r);
  if (w->content_type) MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, w->content_type);
  if (w->location[0]) MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION, w->location);
  if (w->disposition[0]) MHD_add_response_header(resp, "Content-Disposition", w->disposition);
  for (int i = 0; i < 2; i++)
    if (w->cookies[i][0]) MHD_add_response_header(resp, MHD_HTTP_HEADER_SET_COOKIE, w->cookies[i]);
  enum MHD_Result rc = MHD_queue_response(c, (unsigned)(w->status ? w->status : 200), resp);
  MHD_destroy_response(resp);
  return rc;
}

/* A refusal of the body itself (too large, unreadable), before any route runs. */
static enum MHD_Result refuse_body(struct MHD_Connection *c, web_request *r) {
  static const char *const texts[][2] = {
      {"400", "Запрос не разобран: слишком много полей или повреждённое тело запроса.\n"},
      {"405", "Этот метод не поддерживается: чтение — GET, изменения — POST.\n"},
      {"413", "Слишком большой запрос или файл.\n"},
      {"414", "Слишком длинный адрес.\n"},
      {"415", "Форма должна быть отправлена как application/x-www-form-urlencoded или multipart/form-data.\n"}};
  char code[8];
  snprintf(code, sizeof code, "%d", r->body_error);
  const char *text = texts[0][1];
  for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
    if (!strcmp(texts[i][0], code)) text = texts[i][1];
  web_respond_text(r, r->body_error, "text/plain; charset=utf-8", text);
  r->answered = 1;
  return queue(c, r);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_data_size,
                                  void **con_cls) {
  (void)version;
  web_server *s = cls;
  web_request *r = *con_cls;
  if (!r) {
    *con_cls = r = request_new(s, c, url, method);
    if (!r) return MHD_NO;
    if (r->body_error) return refuse_body(c, r); /* before any of the body is read */
    return MHD_YES;
  }
  if (*upload_data_size) {
    /* libmicrohttpd takes no response in the middle of a body: a body that
     * turns out unreadable is read to its end (it is within the limit) and
     * answered then; one that outgrows the limit without having declared
     * its length closes the connection. */
    r->body_bytes += *upload_data_size;
    if (r->body_bytes > s->options.max_body_bytes) return MHD_NO;
    if (!r->body_error && MHD_post_process(r->post_processor, upload_data, *upload_data_size) != MHD_YES && !r->body_error)
      r->body_error = 400;
    *upload_data_size = 0;
    return MHD_YES;
  }
  if (r->body_error) return r->answered ? MHD_YES : refuse_body(c, r);
  r->answered = 1;
  char err[512];
  r->db = pool_take(s, err, sizeof err);
  if (!r->db) {
    web_respond_text(r, 503, "text/plain; charset=utf-8", "Хранилище недоступно; попробуйте позже.\n");
    fprintf(stderr, "pdmon serve: %s\n", err);
  } else {
    routes_dispatch(r);
  }
  return queue(c, r);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode code) {
  (void)cls, (void)c, (void)code;
  if (*con_cls) request_release(*con_cls);
  *con_cls = NULL;
}

/* ---- starting and stopping ---- */

/* Reads a whole PEM file into a string (caller frees), or NULL with err. */
static char *read_pem(const char *path, char *err, size_t errlen) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
    return NULL;
  }
  char *buf = malloc(1024 * 1024 + 1);
  size_t n = buf ? fread(buf, 1, 1024 * 1024, f) : 0;
  fclose(f);
  if (!buf || n == 0 || n == 1024 * 1024) {
    snprintf(err, errlen, "%s: %s", path, !buf ? "out of memory" : n == 0 ? "empty or unreadable" : "larger than 1 MiB");
    free(buf);
    return NULL;
  }
  buf[n] = '\0';
  return buf;
}

/* Resolves "HOST:PORT" ("[::1]:8080" for IPv6) into s->address. */
static int parse_listen(web_server *s, const char *listen, char *err, size_t errlen) {
  char host[256];
  const char *colon = strrchr(listen, ':');
  if (!colon || colon == listen || strlen(colon + 1) == 0 || strspn(colon + 1, "0123456789") != strlen(colon + 1) ||
      (size_t)(colon - listen) >= sizeof host) {
    snprintf(err, errlen, "--listen %s: expected HOST:PORT, e.g. 127.0.0.1:8080", listen);
    return -1;
  }
  snprintf(host, sizeof host, "%.*s", (int)(colon - listen), listen);
  if (host[0] == '[' && host[strlen(host) - 1] == ']') {
    memmove(host, host + 1, strlen(host));
    host[strlen(host) - 1] = '\0';
  }
  struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE}, *res;
  int rc = getaddrinfo(host, colon + 1, &hints, &res);
  if (rc != 0) {
    snprintf(err, errlen, "--listen %s: %s", listen, gai_strerror(rc));
    return -1;
  }
  memcpy(&s->address, res->ai_addr, res->ai_addrlen);
  freeaddrinfo(res);
  if (s->address.ss_family == AF_INET)
    s->loopback = (ntohl(((struct sockaddr_in *)&s->address)->sin_addr.s_addr) >> 24) == 127;
  else
    s->loopback = IN6_IS_ADDR_LOOPBACK(&((struct sockaddr_in6 *)&s->address)->sin6_addr);
  return 0;
}

static void server_free(web_server *s) {
  for (int i = 0; i < s->nidle; i++) sqlite3_close(s->idle[i]);
  if (s->own_upload_dir) {
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "rm -rf -- '%s'", s->upload_dir);
    if (system(cmd) != 0) fprintf(stderr, "pdmon serve: could not remove %s\n", s->upload_dir);
  }
  free(s->tls_cert);
  free(s->tls_key);
  pthread_mutex_destroy(&s->lock);
  pthread_cond_destroy(&s->changed);
  free(s);
}

/* Makes the folder uploads wait in. */
static int make_upload_dir(web_server *s, char *err, size_t errlen) {
  if (s->options.upload_dir) {
    snprintf(s->upload_dir, sizeof s->upload_dir, "%s", s->options.upload_dir);
    if (mkdir(s->upload_dir, 0700) != 0 && errno != EEXIST) {
      snprintf(err, errlen, "%s: cannot create the upload folder: %s", s->upload_dir, strerror(errno));
      return -1;
    }
    return 0;
  }
  const char *tmp = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
  snprintf(s->upload_dir, sizeof s->upload_dir, "%s/pdmon-serve-XXXXXX", tmp);
  if (!mkdtemp(s->upload_dir)) {
    snprintf(err, errlen, "%s: cannot create the upload folder: %s", tmp, strerror(errno));
    return -1;
  }
  s->own_upload_dir = 1;
  return 0;
}

int web_server_start(const web_options *opt, web_server **out, char *err, size_t errlen) {
  *out = NULL;
  web_server *s = calloc(1, sizeof *s);
  if (!s) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  s->options = *opt;
  if (!s->options.listen) s->options.listen = WEB_DEFAULT_LISTEN;
  if (!s->options.max_body_bytes) s->options.max_body_bytes = WEB_DEFAULT_MAX_BODY;
  if (!s->options.max_upload_rows) s->options.max_upload_rows = WEB_DEFAULT_MAX_ROWS;
  pthread_mutex_init(&s->lock, NULL);
  pthread_cond_init(&s->changed, NULL);
  if (auth_init() != 0) {
    snprintf(err, errlen, "libsodium could not start");
    server_free(s);
    return -1;
  }
  sqlite3 *db = pool_take(s, err, errlen); /* opens (and migrates) the store once up front */
  if (!db) {
    server_free(s);
    return -1;
  }
  pool_give(s, db);
  if (parse_listen(s, s->options.listen, err, errlen) != 0 || make_upload_dir(s, err, errlen) != 0) {
    server_free(s);
    return -1;
  }
  if (!opt->tls_cert != !opt->tls_key) {
    snprintf(err, errlen, "--tls-cert and --tls-key go together");
    server_free(s);
    return -1;
  }
  unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
  if (s->address.ss_family == AF_INET6) flags |= MHD_USE_IPv6;
  if (opt->tls_cert) {
    if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
      snprintf(err, errlen, "this libmicrohttpd was built without TLS");
      server_free(s);
      return -1;
    }
    if (!(s->tls_cert = read_pem(opt->tls_cert, err, errlen)) || !(s->tls_key = read_pem(opt->tls_key, err, errlen))) {
      server_free(s);
      return -1;
    }
    flags |= MHD_USE_TLS;
  }
  struct MHD_OptionItem tls_options[] = {
      {s->tls_cert ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, s->tls_cert},
      {s->tls_key ? MHD_OPTION_HTTPS_MEM_KEY : MHD_OPTION_END, 0, s->tls_key},
      {MHD_OPTION_END, 0, NULL}};
  s->daemon = MHD_start_daemon(flags, 0, NULL, NULL, on_request, s,
                               MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&s->address,
                               MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024), /* bounds headers */
                               MHD_OPTION_CONNECTION_LIMIT, (unsigned)256,
                               MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)96, /* one address cannot take every thread */
                               MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60,
                               MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
                               MHD_OPTION_ARRAY, tls_options,
                               MHD_OPTION_END);
  if (!s->daemon) {
    snprintf(err, errlen, "cannot listen on %s (in use, or not an address of this machine)", s->options.listen);
    server_free(s);
    return -1;
  }
  *out = s;
  return 0;
}

int web_server_port(const web_server *s) {
  const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
  return info ? info->port : 0;
}

int web_server_is_loopback(const web_server *s) { return s->loopback; }

const char *web_upload_dir(const web_server *s) { return s->upload_dir; }

void web_server_stop(web_server *s) {
  if (!s) return;
  MHD_stop_daemon(s->daemon);
  pthread_mutex_lock(&s->lock);
  while (s->streams > 0) pthread_cond_wait(&s->changed, &s->lock);
  pthread_mutex_unlock(&s->lock);
  server_free(s);
}

int web_serve(const web_options *opt, FILE *log, char *err, size_t errlen) {
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, NULL); /* the server's threads inherit the mask; only sigwait sees them */
  signal(SIGPIPE, SIG_IGN);                /* a client that leaves mid-page is an EPIPE, not a crash */
  /* The workplace speaks Russian to officials whatever the environment the
   * server was started in: the importer's and the cycle's messages that
   * pages show come through gettext (po/ru.po). */
  if (setlocale(LC_MESSAGES, "C.UTF-8") || setlocale(LC_MESSAGES, "C.utf8")) setenv("LANGUAGE", "ru", 1);
  web_server *s;
  if (web_server_start(opt, &s, err, errlen) != 0) return -1;
  fprintf(log, "pdmon serve: %s on http%s://%s (port %d), store %s\n", "listening", s->tls_cert ? "s" : "",
          s->options.listen, web_server_port(s), s->options.store_path);
  if (!s->loopback && !s->tls_cert)
    fprintf(log, "warning: listening on %s, beyond this machine, without TLS: passwords and data cross the network"
                 " in clear text; give --tls-cert and --tls-key, or listen on 127.0.0.1 behind a TLS proxy\n",
            s->options.listen);
  fflush(log);
  int sig;
  sigwait(&stop, &sig);
  fprintf(log, "pdmon serve: stopping\n");
  web_server_stop(s);
  return 0;
}
