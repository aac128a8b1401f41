/*
 * Single-threaded epoll HTTPS server loop shared by ossl_server and mbed_server (see bench_server.h).
 *
 * One connection goes HANDSHAKE -> READ (until a whole request head is buffered) -> WRITE (the
 * response head and body; for GET /big the file, read with pread into a 16 KiB buffer that is
 * written as one record) -> READ again (keep-alive), or -> SHUTDOWN (close_notify) when the client
 * closed or asked for "Connection: close". Interest in the socket follows what the TLS library
 * asked for (want read / want write); epoll is level-triggered.
 */
#define _GNU_SOURCE

#include "bench_server.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define IN_CAP 8192
#define SMALL_BODY "hello, world\n"

enum state { HANDSHAKE, READ, WRITE, SHUTDOWN };

struct conn {
    int fd;
    void *tls;
    enum state state;
    unsigned interest;         /* EPOLLIN or EPOLLOUT, as registered */
    unsigned char *in;         /* request bytes; allocated while a request is being read (idle: none) */
    size_t in_len;
    size_t request_len;        /* bytes of in[] taken by the request being answered */
    char head[256];            /* response head (and the small body) */
    size_t head_len, head_off;
    off_t big_off, big_end;    /* file range still to send */
    unsigned char *chunk;      /* file bytes read but not yet taken by the TLS library */
    size_t chunk_len, chunk_off;
    int close_after;
};

static volatile sig_atomic_t stopping;
static const struct tls_backend *tls;
static const struct server_opts *opt;
static int epfd;
static int big_fd = -1;
static off_t big_size;
static unsigned long n_accepted, n_handshakes, n_resumed, n_requests, n_failed_handshakes, n_io_errors;

void bench_die(const char *name, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: ", name);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

static void usage_exit(const char *usage, const char *problem, const char *arg)
{
    fprintf(stderr, "%s%s\n%s", problem, arg, usage);
    exit(2);
}

static int hex_value(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static int parse_psk(const char *text, struct server_opts *o)
{
    static char identity[256];
    const char *colon = strrchr(text, ':');
    size_t hex_len, i;
    if (colon == NULL || colon == text || (size_t) (colon - text) >= sizeof(identity)) return -1;
    memcpy(identity, text, (size_t) (colon - text));
    identity[colon - text] = '\0';
    hex_len = strlen(colon + 1);
    if (hex_len == 0 || hex_len % 2 != 0 || hex_len / 2 > BENCH_PSK_MAX) return -1;
    for (i = 0; i < hex_len / 2; i++) {
        int hi = hex_value(colon[1 + 2 * i]), lo = hex_value(colon[2 + 2 * i]);
        if (hi < 0 || lo < 0) return -1;
        o->psk[i] = (unsigned char) (hi * 16 + lo);
    }
    o->psk_len = hex_len / 2;
    o->psk_identity = identity;
    return 0;
}

void bench_parse_args(int argc, char **argv, struct server_opts *o, const char *usage)
{
    int i;
    memset(o, 0, sizeof(*o));
    o->port = "0";
    o->tls = "1.2,1.3";
    o->session_cache = 1;
    o->tickets = 1;
    o->record = 16384;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        int takes = 1;
        if (strcmp(a, "--port") == 0 && v) o->port = v;
        else if (strcmp(a, "--cert") == 0 && v) o->cert = v;
        else if (strcmp(a, "--key") == 0 && v) o->key = v;
        else if (strcmp(a, "--big") == 0 && v) o->big = v;
        else if (strcmp(a, "--tls") == 0 && v) o->tls = v;
        else if (strcmp(a, "--ciphers") == 0 && v) o->ciphers = v;
        else if (strcmp(a, "--ciphersuites") == 0 && v) o->ciphersuites = v;
        else if (strcmp(a, "--groups") == 0 && v) o->groups = v;
        else if (strcmp(a, "--psk") == 0 && v) {
            if (parse_psk(v, o) != 0) usage_exit(usage, "--psk wants IDENTITY:HEXKEY (at most 64 key bytes), got ", v);
        } else if (strcmp(a, "--record") == 0 && v) {
            o->record = atoi(v);
            if (o->record < 1 || o->record > 16384) usage_exit(usage, "--record wants 1..16384, got ", v);
        } else if (strcmp(a, "--max-seconds") == 0 && v) o->max_seconds = atoi(v);
        else {
            takes = 0;
            if (strcmp(a, "--no-cache") == 0) o->session_cache = 0;
            else if (strcmp(a, "--no-tickets") == 0) o->tickets = 0;
            else if (strcmp(a, "--release-buffers") == 0) o->release_buffers = 1;
            else if (strcmp(a, "--verbose") == 0 || strcmp(a, "-v") == 0) o->verbose = 1;
            else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) { fputs(usage, stdout); exit(0); }
            else usage_exit(usage, "unknown or incomplete option: ", a);
        }
        i += takes;
    }
    if (o->cert == NULL && o->psk_identity == NULL) usage_exit(usage, "give --cert and --key, or --psk", "");
    if ((o->cert == NULL) != (o->key == NULL)) usage_exit(usage, "--cert and --key go together", "");
}

static void on_signal(int sig)
{
    (void) sig;
    stopping = 1;
}

static void set_interest(struct conn *c, unsigned events)
{
    struct epoll_event ev;
    if (c->interest == events) return;
    ev.events = events;
    ev.data.ptr = c;
    if (epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev) == 0) c->interest = events;
}

static void close_conn(struct conn *c)
{
    epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
    tls->free(c->tls);
    close(c->fd);
    free(c->in);
    free(c->chunk);
    free(c);
}

static void report(struct conn *c, const char *what, int result)
{
    if (opt->verbose) fprintf(stderr, "%s: %s: %s\n", tls->name, what, tls->last_error(c->tls, result));
}

/* Finds the end of a request head in c->in; 0 if there is none yet. */
static size_t request_end(const struct conn *c)
{
    size_t i;
    for (i = 3; i < c->in_len; i++) {
        if (c->in[i] == '\n' && c->in[i - 1] == '\r' && c->in[i - 2] == '\n' && c->in[i - 3] == '\r') return i + 1;
    }
    return 0;
}

static int head_has(const struct conn *c, size_t len, const char *needle)
{
    size_t n = strlen(needle), i;
    for (i = 0; i + n <= len; i++) {
        if (strncasecmp((const char *) c->in + i, needle, n) == 0) return 1;
    }
    return 0;
}

/* Builds the response to the request head c->in[0..len). */
static void respond(struct conn *c, size_t len)
{
    int is_big = len >= 9 && memcmp(c->in, "GET /big ", 9) == 0 && big_fd >= 0;
    int http10 = head_has(c, len, "HTTP/1.0\r\n");
    c->close_after = head_has(c, len, "\nConnection: close") || (http10 && !head_has(c, len, "\nConnection: keep-alive"));
    c->request_len = len;
    c->head_off = 0;
    if (is_big) {
        c->head_len = (size_t) snprintf(c->head, sizeof(c->head),
                "HTTP/1.1 200 OK\r\nServer: %s\r\nContent-Type: application/octet-stream\r\nContent-Length: %lld\r\n%s\r\n",
                tls->name, (long long) big_size, c->close_after ? "Connection: close\r\n" : "");
        c->big_off = 0;
        c->big_end = big_size;
    } else {
        c->head_len = (size_t) snprintf(c->head, sizeof(c->head),
                "HTTP/1.1 200 OK\r\nServer: %s\r\nContent-Type: text/plain\r\nContent-Length: %zu\r\n%s\r\n%s",
                tls->name, sizeof(SMALL_BODY) - 1, c->close_after ? "Connection: close\r\n" : "", SMALL_BODY);
        c->big_off = c->big_end = 0;
    }
    n_requests++;
    c->state = WRITE;
}

/* Next bytes to write: the head, then the file in record-sized chunks. NULL when done. */
static const unsigned char *pending(struct conn *c, size_t *len)
{
    if (c->head_off < c->head_len) {
        *len = c->head_len - c->head_off;
        return (const unsigned char *) c->head + c->head_off;
    }
    if (c->chunk_off < c->chunk_len) {
        *len = c->chunk_len - c->chunk_off;
        return c->chunk + c->chunk_off;
    }
    if (c->big_off < c->big_end) {
        size_t want = (size_t) opt->record;
        ssize_t got;
        if ((off_t) want > c->big_end - c->big_off) want = (size_t) (c->big_end - c->big_off);
        if (c->chunk == NULL && (c->chunk = malloc((size_t) opt->record)) == NULL) return NULL;
        got = pread(big_fd, c->chunk, want, c->big_off);
        if (got <= 0) {
            c->big_end = c->big_off; /* the file shrank: the client sees a short body */
            return NULL;
        }
        c->big_off += got;
        c->chunk_len = (size_t) got;
        c->chunk_off = 0;
        *len = c->chunk_len;
        return c->chunk;
    }
    return NULL;
}

static void consumed(struct conn *c, size_t n)
{
    if (c->head_off < c->head_len) c->head_off += n;
    else c->chunk_off += n;
}

/* Runs the connection as far as it goes without blocking; 0 to keep it, -1 to close it. */
static int drive(struct conn *c)
{
    for (;;) {
        int r;
        switch (c->state) {
        case HANDSHAKE:
            r = tls->handshake(c->tls);
            if (r == 0) {
                n_handshakes++;
                if (tls->resumed(c->tls)) n_resumed++;
                c->state = READ;
                break;
            }
            if (r == IO_WANT_READ || r == IO_WANT_WRITE) {
                set_interest(c, r == IO_WANT_READ ? EPOLLIN : EPOLLOUT);
                return 0;
            }
            n_failed_handshakes++;
            report(c, "handshake failed", r);
            return -1;
        case READ: {
            size_t end = request_end(c);
            if (end > 0) {
                respond(c, end);
                break;
            }
            if (c->in_len == IN_CAP) {
                report(c, "request head over 8 KiB", IO_ERROR);
                return -1;
            }
            if (c->in == NULL && (c->in = malloc(IN_CAP)) == NULL) return -1;
            r = tls->read(c->tls, c->in + c->in_len, IN_CAP - c->in_len);
            if (r > 0) {
                c->in_len += (size_t) r;
                break;
            }
            if (r == IO_WANT_READ || r == IO_WANT_WRITE) {
                if (c->in_len == 0) {
                    /* an idle connection keeps no request buffer (the memory row measures the TLS library) */
                    free(c->in);
                    c->in = NULL;
                }
                set_interest(c, r == IO_WANT_READ ? EPOLLIN : EPOLLOUT);
                return 0;
            }
            if (r == IO_CLOSED) {
                c->state = SHUTDOWN;
                break;
            }
            n_io_errors++;
            report(c, "read failed", r);
            return -1;
        }
        case WRITE: {
            size_t len = 0;
            const unsigned char *data = pending(c, &len);
            if (data == NULL) {
                free(c->chunk);
                c->chunk = NULL;
                c->chunk_len = c->chunk_off = 0;
                memmove(c->in, c->in + c->request_len, c->in_len - c->request_len);
                c->in_len -= c->request_len;
                c->request_len = 0;
                c->state = c->close_after ? SHUTDOWN : READ;
                break;
            }
            r = tls->write(c->tls, data, len);
            if (r > 0) {
                consumed(c, (size_t) r);
                break;
            }
            if (r == IO_WANT_READ || r == IO_WANT_WRITE) {
                set_interest(c, r == IO_WANT_READ ? EPOLLIN : EPOLLOUT);
                return 0;
            }
            n_io_errors++;
            report(c, "write failed", r);
            return -1;
        }
        case SHUTDOWN:
            r = tls->shutdown(c->tls);
            if (r == IO_WANT_WRITE) {
                set_interest(c, EPOLLOUT);
                return 0;
            }
            return -1;
        }
    }
}

static int listen_on(const char *port_text)
{
    struct sockaddr_in addr;
    socklen_t len = sizeof(addr);
    int one = 1;
    long port = strtol(port_text, NULL, 10);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0 || port < 0 || port > 65535) bench_die(tls->name, "bad port %s", port_text);
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t) port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK); /* 127.0.0.1 only */
    if (bind(fd, (struct sockaddr *) &addr, sizeof(addr)) != 0 || listen(fd, 1024) != 0) {
        bench_die(tls->name, "cannot listen on 127.0.0.1:%s: %s (pick another --port)", port_text, strerror(errno));
    }
    getsockname(fd, (struct sockaddr *) &addr, &len);
    printf("%s listening on 127.0.0.1:%d\n", tls->name, ntohs(addr.sin_port));
    fflush(stdout);
    return fd;
}

static void accept_all(int lfd)
{
    for (;;) {
        struct epoll_event ev;
        struct conn *c;
        int one = 1;
        int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR && opt->verbose) {
                fprintf(stderr, "%s: accept: %s\n", tls->name, strerror(errno));
            }
            return;
        }
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        c = calloc(1, sizeof(*c));
        if (c == NULL || (c->tls = tls->accept(fd)) == NULL) {
            free(c);
            close(fd);
            continue;
        }
        n_accepted++;
        c->fd = fd;
        c->state = HANDSHAKE;
        c->interest = EPOLLIN;
        ev.events = EPOLLIN;
        ev.data.ptr = c;
        if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
            close_conn(c);
            continue;
        }
        if (drive(c) != 0) close_conn(c);
    }
}

static void raise_fd_limit(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
}

int bench_serve(const struct server_opts *o, const struct tls_backend *backend)
{
    static struct epoll_event events[256];
    static int listener_tag;
    struct epoll_event ev;
    struct sigaction sa;
    time_t deadline;
    int lfd;

    opt = o;
    tls = backend;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    raise_fd_limit();
    if (o->big != NULL) {
        struct stat st;
        big_fd = open(o->big, O_RDONLY | O_CLOEXEC);
        if (big_fd < 0 || fstat(big_fd, &st) != 0) bench_die(tls->name, "cannot read --big %s: %s", o->big, strerror(errno));
        big_size = st.st_size;
    }
    epfd = epoll_create1(EPOLL_CLOEXEC);
    lfd = listen_on(o->port);
    ev.events = EPOLLIN;
    ev.data.ptr = &listener_tag;
    epoll_ctl(epfd, EPOLL_CTL_ADD, lfd, &ev);
    deadline = o->max_seconds > 0 ? time(NULL) + o->max_seconds : 0;

    while (!stopping && (deadline == 0 || time(NULL) < deadline)) {
        int n = epoll_wait(epfd, events, 256, 1000), i;
        for (i = 0; i < n; i++) {
            if (events[i].data.ptr == &listener_tag) {
                accept_all(lfd);
            } else {
                struct conn *c = events[i].data.ptr;
                if (drive(c) != 0) close_conn(c);
            }
        }
    }
    fprintf(stderr, "%s: %lu connections, %lu handshakes (%lu resumed), %lu requests, %lu failed handshakes, %lu I/O errors\n",
            tls->name, n_accepted, n_handshakes, n_resumed, n_requests, n_failed_handshakes, n_io_errors);
    close(lfd);
    return 0;
}
