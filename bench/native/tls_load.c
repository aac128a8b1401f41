/*
 * tls_load: the C load client of scripts/bench-perf, on OpenSSL's libssl. One of:
 *   full       a full handshake per connection (TLS 1.2 or 1.3, the given suite and group),
 *              then one small request and its response, then close_notify
 *   resume     the same, TLS 1.2 resumed by session ID (the client offers no ticket)
 *   psk        the same with a TLS 1.2 PSK suite (no certificate)
 *   keepalive  requests one after the other on a kept-alive connection (reconnects if closed)
 *   download   GET of a large file per connection, every byte read and decrypted
 *   idle       --count connections, each handshaken and then silent, held for --hold seconds
 * with --clients processes in parallel (idle: one process), until --count operations or
 * --seconds. Prints one line: the operations, errors, bytes, wall time and its own CPU.
 * Connects to 127.0.0.1 unless --host says otherwise.
 */
#define _GNU_SOURCE

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

static const char usage[] =
    "usage: tls_load --port N --mode full|resume|psk|keepalive|download|idle [--host 127.0.0.1]\n"
    "         [--tls 1.2|1.3] [--cipher OPENSSL-LIST] [--ciphersuites TLS13-LIST] [--groups P-256]\n"
    "         [--psk IDENTITY:HEXKEY] [--path /small] [--clients 1] [--count 0] [--seconds 10]\n"
    "         [--hold 30] [--ca FILE] [--servername localhost] [--no-request]\n"
    "--count bounds the operations (0: none), --seconds the time (checked between operations);\n"
    "idle opens --count connections. Prints: tls_load mode=M ops=N errors=E resumed=R bytes=B seconds=S\n"
    "cpu_user=U cpu_sys=S (the client's own CPU seconds, children included).\n";

struct opts {
    const char *host, *port, *mode, *tls, *cipher, *ciphersuites, *groups, *psk_identity, *path, *ca, *servername;
    unsigned char psk[64];
    size_t psk_len;
    int clients, hold, no_request;
    long count;
    double seconds;
};

/* Shared between the worker processes (an anonymous shared mapping). */
struct totals {
    long claimed, ops, errors, resumed, bytes;
    char first_error[256];
};

static struct opts o;
static struct totals *totals;
static struct addrinfo *target;
static volatile sig_atomic_t stopping;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static void fail_usage(const char *problem, const char *arg)
{
    fprintf(stderr, "tls_load: %s%s\n%s", problem, arg, usage);
    exit(2);
}

static void note_error(const char *what)
{
    char line[200] = "";
    unsigned long e = ERR_get_error();
    if (e != 0) ERR_error_string_n(e, line, sizeof(line));
    else if (errno != 0) snprintf(line, sizeof(line), "%s", strerror(errno));
    ERR_clear_error();
    __atomic_fetch_add(&totals->errors, 1, __ATOMIC_RELAXED);
    if (totals->first_error[0] == '\0') snprintf(totals->first_error, sizeof(totals->first_error), "%s: %s", what, line);
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static void parse_psk(const char *text)
{
    static char identity[256];
    const char *colon = strrchr(text, ':');
    size_t n, i;
    if (colon == NULL || colon == text || (size_t) (colon - text) >= sizeof(identity)) fail_usage("--psk wants IDENTITY:HEXKEY, got ", text);
    memcpy(identity, text, (size_t) (colon - text));
    identity[colon - text] = '\0';
    n = strlen(colon + 1);
    if (n == 0 || n % 2 || n / 2 > sizeof(o.psk)) fail_usage("--psk wants IDENTITY:HEXKEY, got ", text);
    for (i = 0; i < n / 2; i++) {
        int hi = hexval(colon[1 + 2 * i]), lo = hexval(colon[2 + 2 * i]);
        if (hi < 0 || lo < 0) fail_usage("--psk key is not hex: ", text);
        o.psk[i] = (unsigned char) (hi * 16 + lo);
    }
    o.psk_len = n / 2;
    o.psk_identity = identity;
}

static void parse_args(int argc, char **argv)
{
    int i;
    o.host = "127.0.0.1";
    o.tls = "1.2";
    o.groups = "P-256";
    o.servername = "localhost";
    o.clients = 1;
    o.seconds = 10;
    o.hold = 30;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--no-request") == 0) { o.no_request = 1; continue; }
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) { fputs(usage, stdout); exit(0); }
        if (v == NULL) fail_usage("unknown or incomplete option: ", a);
        if (strcmp(a, "--host") == 0) o.host = v;
        else if (strcmp(a, "--port") == 0) o.port = v;
        else if (strcmp(a, "--mode") == 0) o.mode = v;
        else if (strcmp(a, "--tls") == 0) o.tls = v;
        else if (strcmp(a, "--cipher") == 0) o.cipher = v;
        else if (strcmp(a, "--ciphersuites") == 0) o.ciphersuites = v;
        else if (strcmp(a, "--groups") == 0) o.groups = v;
        else if (strcmp(a, "--psk") == 0) parse_psk(v);
        else if (strcmp(a, "--path") == 0) o.path = v;
        else if (strcmp(a, "--clients") == 0) o.clients = atoi(v);
        else if (strcmp(a, "--count") == 0) o.count = atol(v);
        else if (strcmp(a, "--seconds") == 0) o.seconds = atof(v);
        else if (strcmp(a, "--hold") == 0) o.hold = atoi(v);
        else if (strcmp(a, "--ca") == 0) o.ca = v;
        else if (strcmp(a, "--servername") == 0) o.servername = v;
        else fail_usage("unknown option: ", a);
        i++;
    }
    if (o.port == NULL || o.mode == NULL) fail_usage("--port and --mode are required", "");
    if (strcmp(o.tls, "1.2") != 0 && strcmp(o.tls, "1.3") != 0) fail_usage("--tls wants 1.2 or 1.3, got ", o.tls);
    if (o.clients < 1 || o.clients > 256) fail_usage("--clients wants 1..256", "");
    if (o.seconds <= 0 || o.seconds > 86400) fail_usage("--seconds wants 0 < S <= 86400", "");
    if (strcmp(o.mode, "psk") == 0 && o.psk_identity == NULL) fail_usage("--mode psk needs --psk IDENTITY:HEXKEY", "");
    if (strcmp(o.mode, "idle") == 0 && (o.count < 1 || o.count > 100000)) fail_usage("--mode idle needs --count 1..100000", "");
    if (o.path == NULL) o.path = strcmp(o.mode, "download") == 0 ? "/big" : "/small";
}

static unsigned int psk_callback(SSL *ssl, const char *hint, char *identity, unsigned int max_identity_len,
                                 unsigned char *psk, unsigned int max_psk_len)
{
    (void) ssl;
    (void) hint;
    if (strlen(o.psk_identity) + 1 > max_identity_len || o.psk_len > max_psk_len) return 0;
    strcpy(identity, o.psk_identity);
    memcpy(psk, o.psk, o.psk_len);
    return (unsigned int) o.psk_len;
}

static SSL_CTX *make_ctx(void)
{
    int v = strcmp(o.tls, "1.3") == 0 ? TLS1_3_VERSION : TLS1_2_VERSION;
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    if (ctx == NULL) return NULL;
    SSL_CTX_set_min_proto_version(ctx, v);
    SSL_CTX_set_max_proto_version(ctx, v);
    SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET | SSL_OP_IGNORE_UNEXPECTED_EOF);
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF); /* resume keeps its own session */
    if (o.cipher && SSL_CTX_set_cipher_list(ctx, o.cipher) != 1) fail_usage("bad --cipher ", o.cipher);
    if (o.ciphersuites && SSL_CTX_set_ciphersuites(ctx, o.ciphersuites) != 1) fail_usage("bad --ciphersuites ", o.ciphersuites);
    if (o.groups && SSL_CTX_set1_groups_list(ctx, o.groups) != 1) fail_usage("bad --groups ", o.groups);
    if (o.psk_identity && strcmp(o.mode, "psk") == 0) SSL_CTX_set_psk_client_callback(ctx, psk_callback);
    if (o.ca) {
        if (SSL_CTX_load_verify_locations(ctx, o.ca, NULL) != 1) fail_usage("cannot read --ca ", o.ca);
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    }
    return ctx;
}

static int tcp_connect(void)
{
    struct timeval tv = { 30, 0 };
    int one = 1;
    int fd = socket(target->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)); /* a stuck server costs an error, not a hang */
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    if (connect(fd, target->ai_addr, target->ai_addrlen) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* A handshaken connection, resuming *session when given; NULL on failure (counted). */
static SSL *open_tls(SSL_CTX *ctx, SSL_SESSION *session, int *fd_out)
{
    SSL *ssl;
    int fd = tcp_connect();
    errno = 0;
    if (fd < 0) {
        note_error("connect");
        return NULL;
    }
    ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    SSL_set_tlsext_host_name(ssl, o.servername);
    if (o.ca) SSL_set1_host(ssl, o.servername);
    if (session) SSL_set_session(ssl, session);
    if (SSL_connect(ssl) != 1) {
        note_error("handshake");
        SSL_free(ssl);
        close(fd);
        return NULL;
    }
    *fd_out = fd;
    return ssl;
}

static void close_tls(SSL *ssl, int fd)
{
    SSL_shutdown(ssl); /* our close_notify; we do not wait for the server's */
    SSL_free(ssl);
    close(fd);
}

/* One request and its whole response (status 200, Content-Length body). Returns body bytes or -1. */
static long exchange(SSL *ssl)
{
    static char buf[65536];
    char req[512];
    size_t have = 0, n;
    long body_len = -1, got;
    char *end = NULL, *cl;
    int len = snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: tls_load\r\n\r\n", o.path, o.servername);
    if (SSL_write_ex(ssl, req, (size_t) len, &n) != 1) {
        note_error("write request");
        return -1;
    }
    while (end == NULL) {
        if (have == sizeof(buf) - 1 || SSL_read_ex(ssl, buf + have, sizeof(buf) - 1 - have, &n) != 1) {
            note_error("read response head");
            return -1;
        }
        have += n;
        buf[have] = '\0';
        end = strstr(buf, "\r\n\r\n");
    }
    if (strncmp(buf, "HTTP/1.1 200", 12) != 0 && strncmp(buf, "HTTP/1.0 200", 12) != 0) {
        errno = 0;
        note_error("status not 200");
        return -1;
    }
    cl = strcasestr(buf, "\r\ncontent-length:");
    if (cl == NULL || cl > end) {
        errno = 0;
        note_error("no Content-Length");
        return -1;
    }
    body_len = atol(cl + 17);
    got = (long) (have - (size_t) (end + 4 - buf));
    while (got < body_len) {
        size_t want = (size_t) (body_len - got) < sizeof(buf) ? (size_t) (body_len - got) : sizeof(buf);
        if (SSL_read_ex(ssl, buf, want, &n) != 1) {
            note_error("read body");
            return -1;
        }
        got += (long) n;
    }
    return body_len;
}

static int claim(double deadline)
{
    if (stopping || now() >= deadline) return 0;
    return o.count == 0 || __atomic_fetch_add(&totals->claimed, 1, __ATOMIC_RELAXED) < o.count;
}

static void done_op(long bytes, int resumed)
{
    __atomic_fetch_add(&totals->ops, 1, __ATOMIC_RELAXED);
    if (bytes > 0) __atomic_fetch_add(&totals->bytes, bytes, __ATOMIC_RELAXED);
    if (resumed) __atomic_fetch_add(&totals->resumed, 1, __ATOMIC_RELAXED);
}

/* full, resume, psk, download: one connection per operation. */
static void connection_per_op(SSL_CTX *ctx, double deadline)
{
    SSL_SESSION *session = NULL;
    int resume = strcmp(o.mode, "resume") == 0;
    while (claim(deadline)) {
        int fd, reused;
        long bytes = 0;
        SSL *ssl = open_tls(ctx, session, &fd);
        if (ssl == NULL) continue;
        reused = SSL_session_reused(ssl);
        if (!o.no_request) bytes = exchange(ssl);
        if (resume && !reused) {
            SSL_SESSION_free(session);
            session = SSL_get1_session(ssl);
        }
        close_tls(ssl, fd);
        if (bytes >= 0) done_op(bytes, reused);
    }
    SSL_SESSION_free(session);
}

static void keepalive(SSL_CTX *ctx, double deadline)
{
    SSL *ssl = NULL;
    int fd = -1;
    while (claim(deadline)) {
        long bytes;
        if (ssl == NULL && (ssl = open_tls(ctx, NULL, &fd)) == NULL) continue;
        bytes = exchange(ssl);
        if (bytes < 0) {
            SSL_free(ssl);
            close(fd);
            ssl = NULL;
            continue;
        }
        done_op(bytes, 0);
    }
    if (ssl) close_tls(ssl, fd);
}

static void on_signal(int sig)
{
    (void) sig;
    stopping = 1;
}

static void idle(SSL_CTX *ctx)
{
    SSL **ssl = calloc((size_t) o.count, sizeof(*ssl));
    int *fd = calloc((size_t) o.count, sizeof(*fd));
    long i, open_n = 0;
    double end;
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    end = now() + o.seconds;
    for (i = 0; i < o.count && !stopping && now() < end; i++) {
        ssl[open_n] = open_tls(ctx, NULL, &fd[open_n]);
        if (ssl[open_n] != NULL) {
            open_n++;
            done_op(0, 0);
        }
    }
    printf("ready %ld\n", open_n);
    fflush(stdout);
    end = now() + o.hold;
    while (!stopping && now() < end) usleep(100000);
    for (i = 0; i < open_n; i++) close_tls(ssl[i], fd[i]);
    free(ssl);
    free(fd);
}

int main(int argc, char **argv)
{
    struct addrinfo hints;
    struct sigaction sa;
    struct rusage self, kids;
    SSL_CTX *ctx;
    double t0, t1, deadline;
    int i, rc;

    parse_args(argc, argv);
    signal(SIGPIPE, SIG_IGN);
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    memset(&hints, 0, sizeof(hints));
    hints.ai_socktype = SOCK_STREAM;
    if ((rc = getaddrinfo(o.host, o.port, &hints, &target)) != 0) {
        fprintf(stderr, "tls_load: %s port %s: %s\n", o.host, o.port, gai_strerror(rc));
        return 2;
    }
    totals = mmap(NULL, sizeof(*totals), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (totals == MAP_FAILED) return 1;
    ctx = make_ctx();
    if (ctx == NULL) return 1;

    t0 = now();
    deadline = t0 + o.seconds;
    if (strcmp(o.mode, "idle") == 0) {
        idle(ctx);
    } else if (strcmp(o.mode, "full") && strcmp(o.mode, "resume") && strcmp(o.mode, "psk")
               && strcmp(o.mode, "keepalive") && strcmp(o.mode, "download")) {
        fail_usage("unknown --mode ", o.mode);
    } else {
        for (i = 0; i < o.clients; i++) {
            pid_t pid = fork();
            if (pid == 0) {
                if (strcmp(o.mode, "keepalive") == 0) keepalive(ctx, deadline);
                else connection_per_op(ctx, deadline);
                _exit(0);
            }
            if (pid < 0) {
                perror("tls_load: fork");
                break;
            }
        }
        while (wait(NULL) > 0 || errno == EINTR) {
        }
    }
    t1 = now();
    getrusage(RUSAGE_SELF, &self);
    getrusage(RUSAGE_CHILDREN, &kids);
    printf("tls_load mode=%s tls=%s ops=%ld errors=%ld resumed=%ld bytes=%ld seconds=%.3f cpu_user=%.3f cpu_sys=%.3f\n",
           o.mode, o.tls, totals->ops, totals->errors, totals->resumed, totals->bytes, t1 - t0,
           self.ru_utime.tv_sec + kids.ru_utime.tv_sec + (self.ru_utime.tv_usec + kids.ru_utime.tv_usec) / 1e6,
           self.ru_stime.tv_sec + kids.ru_stime.tv_sec + (self.ru_stime.tv_usec + kids.ru_stime.tv_usec) / 1e6);
    if (totals->first_error[0]) fprintf(stderr, "tls_load: first error: %s\n", totals->first_error);
    SSL_CTX_free(ctx);
    freeaddrinfo(target);
    return 0;
}
