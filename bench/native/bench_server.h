/*
 * The part of ossl_server and mbed_server that does not depend on the TLS library: options, a
 * single-threaded epoll loop over non-blocking sockets on 127.0.0.1, and a tiny HTTP/1.1 responder
 * (GET /big streams a file in 16 KiB records, any other request gets a fixed small response, with
 * keep-alive). Each server supplies a struct tls_backend that drives one TLS session.
 */
#ifndef BENCH_SERVER_H
#define BENCH_SERVER_H

#include <stddef.h>

/* What a backend call returns besides a byte count (>= 0). */
#define IO_WANT_READ (-1)
#define IO_WANT_WRITE (-2)
#define IO_CLOSED (-3)   /* the peer sent close_notify or closed the socket */
#define IO_ERROR (-4)

#define BENCH_PSK_MAX 64

struct server_opts {
    const char *port;          /* "0" picks a free one; the chosen port is printed */
    const char *cert;          /* PEM certificate chain */
    const char *key;           /* PEM private key */
    const char *big;           /* file served for GET /big (optional) */
    const char *tls;           /* "1.2", "1.3" or "1.2,1.3" */
    const char *ciphers;       /* library-specific list of TLS 1.2 suites (optional) */
    const char *ciphersuites;  /* TLS 1.3 suites (OpenSSL only, optional) */
    const char *groups;        /* key-exchange groups (optional) */
    const char *psk_identity;  /* with psk: accept this PSK identity */
    unsigned char psk[BENCH_PSK_MAX];
    size_t psk_len;
    int session_cache;         /* 1: server-side session-ID cache on */
    int tickets;               /* 1: session tickets on */
    int release_buffers;       /* OpenSSL: SSL_MODE_RELEASE_BUFFERS */
    int record;                /* plaintext bytes per write of the big file (16384) */
    int max_seconds;           /* exit after this long (0: no limit) */
    int verbose;               /* print each failed handshake or I/O error */
};

struct tls_backend {
    const char *name;
    /* A new TLS session on a connected non-blocking socket; NULL on failure. */
    void *(*accept)(int fd);
    /* 0 when the handshake is done, IO_WANT_*, or IO_ERROR. */
    int (*handshake)(void *session);
    /* Bytes of plaintext (> 0), IO_WANT_*, IO_CLOSED or IO_ERROR. */
    int (*read)(void *session, unsigned char *buf, size_t cap);
    /* Bytes taken (> 0, maybe fewer than len), IO_WANT_* or IO_ERROR. A call after IO_WANT_* repeats
     * the same buffer and length. */
    int (*write)(void *session, const unsigned char *buf, size_t len);
    /* Sends close_notify: 0 when sent (or hopeless), IO_WANT_* to retry. */
    int (*shutdown)(void *session);
    /* 1 when the handshake resumed a session. */
    int (*resumed)(void *session);
    /* Frees the session (not the socket). */
    void (*free)(void *session);
    /* The last error of the library as one line, for --verbose. */
    const char *(*last_error)(void *session, int result);
};

/* Parses the common options; exits with status 2 and the usage on a bad one. */
void bench_parse_args(int argc, char **argv, struct server_opts *opts, const char *usage);

/* Prints "NAME: MESSAGE" to stderr and exits with status 1. */
void bench_die(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));

/* Binds 127.0.0.1:port, prints "listening on 127.0.0.1:PORT", serves until SIGTERM/SIGINT or
 * max_seconds, prints the counts and returns the exit status. */
int bench_serve(const struct server_opts *opts, const struct tls_backend *backend);

#endif
