/* http: the web server of 'pdmon serve', through libmicrohttpd. One thread
 * per connection; bounded request headers (connection memory), bodies and
 * uploads; form and multipart bodies parsed; a pool of store connections
 * (WAL: readers never wait for an import); pages that stream through a pipe
 * while they are written, so nothing waits for a whole page; optional TLS
 * (GnuTLS through libmicrohttpd). What each request may do is decided in
 * routes.h before anything is read. */
#ifndef PDMON_HTTP_H
#define PDMON_HTTP_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <sqlite3.h>

#include "auth.h"

typedef struct web_options {
  const char *store_path;     /* the store */
  const char *pack_dir;       /* --pack: the pack of a store without cycles, or NULL */
  const char *listen;         /* "HOST:PORT"; port 0 picks a free one */
  const char *tls_cert;       /* PEM files, both or neither */
  const char *tls_key;
  size_t max_body_bytes;      /* request bodies, uploads included */
  size_t max_upload_rows;     /* data rows of one uploaded file */
  const char *upload_dir;     /* where uploads wait for their import; NULL: a fresh folder under $TMPDIR */
} web_options;

/* The limits used when the command line says nothing. */
#define WEB_DEFAULT_LISTEN "127.0.0.1:8080"
#define WEB_DEFAULT_MAX_BODY (32u * 1024u * 1024u)
#define WEB_DEFAULT_MAX_ROWS 200000u
#define WEB_MAX_PARAMS 64

typedef struct web_server web_server;
typedef struct web_request web_request;

/* A page written into out while it is sent (in a thread of its own). */
typedef void (*web_page_fn)(web_request *r, FILE *out);

typedef struct web_param {
  char *name;   /* owned */
  char *value;  /* owned, NUL-terminated */
  size_t len;
} web_param;

typedef struct web_response {
  int status;
  const char *content_type;  /* static text */
  char *body;                /* owned; or */
  size_t body_len;
  web_page_fn page;          /* a streamed page; or */
  int file_fd;               /* an open file to send (closed by the server), -1 when none */
  char location[1024];       /* Location of a redirect */
  char cookies[2][320];      /* Set-Cookie values */
  char disposition[512];     /* Content-Disposition of a download */
} web_response;

struct web_request {
  web_server *server;
  const web_options *options;
  char method[8];
  char path[1024];           /* decoded path, without the query */
  char address[64];          /* the client's address */
  int tls;
  web_param query[WEB_MAX_PARAMS];
  size_t nquery;
  web_param form[WEB_MAX_PARAMS];
  size_t nform;
  char upload_name[256];     /* the uploaded file's name as the browser gave it, "" when none */
  char *upload_data;         /* owned */
  size_t upload_len, upload_cap;
  char session_token[AUTH_TOKEN_HEX]; /* from the cookie, "" when none */
  char login_token[AUTH_TOKEN_HEX];   /* the login form's cookie token */
  int logged_in;
  account who;
  char csrf[AUTH_TOKEN_HEX];          /* the session's form token */
  char arg[3][256];                   /* the route's {…} segments, in order */
  const char *municipality;           /* the {m} segment, or NULL */
  const char *organization;           /* the {o} segment, or NULL */
  sqlite3 *db;                        /* a store connection of the pool, for this request only */
  void *data;                         /* what a handler hands its page; freed with data_free */
  void (*data_free)(void *);
  web_response response;
  /* the server's own bookkeeping */
  void *post_processor;
  size_t body_bytes;
  int body_error;                     /* an HTTP status the body earned (400, 413, 415), 0 when fine */
  int answered;                       /* a response is queued */
  atomic_int refs;
};

/* Starts the server; fills *out. Returns 0, or -1 with err. */
int web_server_start(const web_options *opt, web_server **out, char *err, size_t errlen);

/* The port the server listens on (useful with port 0). */
int web_server_port(const web_server *s);

/* 1 when the address given to listen on is the machine's own (loopback). */
int web_server_is_loopback(const web_server *s);

/* Stops accepting, waits for the pages being written, closes the pool. */
void web_server_stop(web_server *s);

/* The command: starts, says where it listens (warning when that is not
 * loopback and not TLS), serves until SIGINT or SIGTERM. Returns 0 or -1 with err. */
int web_serve(const web_options *opt, FILE *log, char *err, size_t errlen);

/* The folder where this server keeps uploads. */
const char *web_upload_dir(const web_server *s);

/* Query and form values by name, or NULL. */
const char *web_query(const web_request *r, const char *name);
const char *web_form(const web_request *r, const char *name);

/* Responses a handler gives. */
void web_respond_page(web_request *r, int status, web_page_fn page);
void web_respond_text(web_request *r, int status, const char *content_type, const char *text);
void web_respond_redirect(web_request *r, const char *location);
/* Sends the open file fd (the server closes it) as a download named name. */
void web_respond_file(web_request *r, int fd, const char *content_type, const char *name);

#endif
