/*
 * ossl_server: the OpenSSL 3 side of scripts/bench-perf. A single-threaded epoll HTTPS server on
 * 127.0.0.1 (the loop is bench_server.c): SSL_accept / SSL_read / SSL_write on non-blocking sockets.
 */
#define _GNU_SOURCE

#include "bench_server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

static const char usage[] =
    "usage: ossl_server --cert FILE --key FILE [--port N] [--big FILE] [--tls 1.2|1.3|1.2,1.3]\n"
    "         [--ciphers OPENSSL-LIST] [--ciphersuites TLS13-LIST] [--groups P-256[:X25519]]\n"
    "         [--psk IDENTITY:HEXKEY] [--no-cache] [--no-tickets] [--release-buffers] [--record N]\n"
    "         [--max-seconds N] [--verbose]\n"
    "Serves https://127.0.0.1:PORT/: GET /big streams --big in records of --record bytes (16384);\n"
    "any other request gets a 13-byte text response (keep-alive). Stops on SIGTERM.\n";

/* Offered by default (the client picks): the suites of issue 16's rows and their usual neighbours. */
static const char default_ciphers[] =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:"
    "PSK-AES128-CCM8:PSK-AES128-GCM-SHA256";

static SSL_CTX *ctx;
static struct server_opts opts;
static char error_line[256];

static unsigned int psk_callback(SSL *ssl, const char *identity, unsigned char *psk, unsigned int max_psk_len)
{
    (void) ssl;
    if (identity == NULL || strcmp(identity, opts.psk_identity) != 0 || opts.psk_len > max_psk_len) return 0;
    memcpy(psk, opts.psk, opts.psk_len);
    return (unsigned int) opts.psk_len;
}

static int result_of(SSL *ssl, int ret)
{
    switch (SSL_get_error(ssl, ret)) {
    case SSL_ERROR_WANT_READ: return IO_WANT_READ;
    case SSL_ERROR_WANT_WRITE: return IO_WANT_WRITE;
    case SSL_ERROR_ZERO_RETURN: return IO_CLOSED;
    case SSL_ERROR_SYSCALL: if (ERR_peek_error() == 0) return IO_CLOSED; /* EOF or reset */
        /* fall through */
    default: return IO_ERROR;
    }
}

static void *tls_accept(int fd)
{
    SSL *ssl = SSL_new(ctx);
    if (ssl == NULL || SSL_set_fd(ssl, fd) != 1) {
        SSL_free(ssl);
        return NULL;
    }
    SSL_set_accept_state(ssl);
    return ssl;
}

static int tls_handshake(void *s)
{
    int ret = SSL_do_handshake(s);
    return ret == 1 ? 0 : (ret = result_of(s, ret)) == IO_CLOSED ? IO_ERROR : ret;
}

static int tls_read(void *s, unsigned char *buf, size_t cap)
{
    size_t n = 0;
    int ret = SSL_read_ex(s, buf, cap, &n);
    return ret == 1 ? (int) n : result_of(s, ret);
}

static int tls_write(void *s, const unsigned char *buf, size_t len)
{
    size_t n = 0;
    int ret = SSL_write_ex(s, buf, len, &n);
    return ret == 1 ? (int) n : result_of(s, ret);
}

static int tls_shutdown(void *s)
{
    int ret = SSL_shutdown(s);
    if (ret >= 0) return 0;
    ret = result_of(s, ret);
    ERR_clear_error();
    return ret == IO_WANT_WRITE ? ret : 0;
}

static int tls_resumed(void *s)
{
    return SSL_session_reused(s);
}

static void tls_free(void *s)
{
    ERR_clear_error();
    SSL_free(s);
}

static const char *tls_last_error(void *s, int result)
{
    unsigned long e = ERR_get_error();
    (void) s;
    if (e != 0) ERR_error_string_n(e, error_line, sizeof(error_line));
    else snprintf(error_line, sizeof(error_line), "%s", result == IO_CLOSED ? "connection closed" : "socket error");
    ERR_clear_error();
    return error_line;
}

static const struct tls_backend backend = {
    "ossl_server", tls_accept, tls_handshake, tls_read, tls_write, tls_shutdown, tls_resumed, tls_free, tls_last_error,
};

static void die_ssl(const char *what, const char *arg)
{
    char line[256];
    ERR_error_string_n(ERR_get_error(), line, sizeof(line));
    bench_die(backend.name, "%s%s: %s", what, arg, line);
}

static void configure(void)
{
    static const unsigned char sid_ctx[] = "bench";
    int has12 = strstr(opts.tls, "1.2") != NULL, has13 = strstr(opts.tls, "1.3") != NULL;
    if (!has12 && !has13) bench_die(backend.name, "--tls wants 1.2, 1.3 or 1.2,1.3, got %s", opts.tls);
    ctx = SSL_CTX_new(TLS_server_method());
    if (ctx == NULL) die_ssl("SSL_CTX_new", "");
    SSL_CTX_set_min_proto_version(ctx, has12 ? TLS1_2_VERSION : TLS1_3_VERSION);
    SSL_CTX_set_max_proto_version(ctx, has13 ? TLS1_3_VERSION : TLS1_2_VERSION);
    SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_IGNORE_UNEXPECTED_EOF);
    if (SSL_CTX_set_cipher_list(ctx, opts.ciphers ? opts.ciphers : default_ciphers) != 1) die_ssl("--ciphers ", opts.ciphers);
    if (opts.ciphersuites && SSL_CTX_set_ciphersuites(ctx, opts.ciphersuites) != 1) die_ssl("--ciphersuites ", opts.ciphersuites);
    if (opts.groups && SSL_CTX_set1_groups_list(ctx, opts.groups) != 1) die_ssl("--groups ", opts.groups);
    if (opts.cert) {
        if (SSL_CTX_use_certificate_chain_file(ctx, opts.cert) != 1) die_ssl("--cert ", opts.cert);
        if (SSL_CTX_use_PrivateKey_file(ctx, opts.key, SSL_FILETYPE_PEM) != 1) die_ssl("--key ", opts.key);
        if (SSL_CTX_check_private_key(ctx) != 1) die_ssl("--key does not match --cert ", opts.cert);
    }
    if (opts.psk_identity) SSL_CTX_set_psk_server_callback(ctx, psk_callback);
    SSL_CTX_set_session_id_context(ctx, sid_ctx, sizeof(sid_ctx) - 1);
    SSL_CTX_set_session_cache_mode(ctx, opts.session_cache ? SSL_SESS_CACHE_SERVER : SSL_SESS_CACHE_OFF);
    if (!opts.tickets) {
        SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
        SSL_CTX_set_num_tickets(ctx, 0);
    }
    if (opts.release_buffers) SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
}

int main(int argc, char **argv)
{
    bench_parse_args(argc, argv, &opts, usage);
    configure();
    fprintf(stderr, "%s: %s, TLS %s, session cache %s, tickets %s%s\n", backend.name, OpenSSL_version(OPENSSL_VERSION),
            opts.tls, opts.session_cache ? "on" : "off", opts.tickets ? "on" : "off", opts.psk_identity ? ", PSK" : "");
    return bench_serve(&opts, &backend);
}
