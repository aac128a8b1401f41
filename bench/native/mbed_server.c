/*
 * mbed_server: the mbedTLS 2.28 side of scripts/bench-perf. The same single-threaded epoll HTTPS
 * server as ossl_server (the loop is bench_server.c), TLS 1.2 only (mbedTLS 2.28 has no TLS 1.3
 * server): ECDHE-ECDSA-AES128-GCM-SHA256 and PSK-AES128-CCM8, session-ID resumption from
 * mbedtls_ssl_cache, optional session tickets.
 */
#define _GNU_SOURCE

#include "bench_server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mbedtls/ctr_drbg.h"
#include "mbedtls/ecp.h"
#include "mbedtls/entropy.h"
#include "mbedtls/error.h"
#include "mbedtls/net_sockets.h"
#include "mbedtls/pk.h"
#include "mbedtls/ssl.h"
#include "mbedtls/ssl_cache.h"
#include "mbedtls/ssl_ticket.h"
#include "mbedtls/version.h"
#include "mbedtls/x509_crt.h"

static const char usage[] =
    "usage: mbed_server --cert FILE --key FILE [--port N] [--big FILE] [--ciphers MBEDTLS-NAMES]\n"
    "         [--psk IDENTITY:HEXKEY] [--no-cache] [--no-tickets] [--record N] [--max-seconds N] [--verbose]\n"
    "TLS 1.2 only, P-256. Default suites: TLS-ECDHE-ECDSA-WITH-AES-128-GCM-SHA256,TLS-PSK-WITH-AES-128-CCM-8.\n"
    "Serves https://127.0.0.1:PORT/: GET /big streams --big in records of --record bytes (16384);\n"
    "any other request gets a 13-byte text response (keep-alive). Stops on SIGTERM.\n";

#define MAX_SUITES 16

struct session {
    mbedtls_ssl_context ssl;
    mbedtls_net_context net;
    int resumed;
    int last_ret;              /* the last mbedTLS error, for --verbose */
};

static struct server_opts opts;
static mbedtls_entropy_context entropy;
static mbedtls_ctr_drbg_context drbg;
static mbedtls_ssl_config conf;
static mbedtls_ssl_cache_context cache;
static mbedtls_ssl_ticket_context ticket;
static mbedtls_x509_crt crt;
static mbedtls_pk_context key;
static int suites[MAX_SUITES + 1];
static const mbedtls_ecp_group_id curves[] = { MBEDTLS_ECP_DP_SECP256R1, MBEDTLS_ECP_DP_NONE };
static struct session *handshaking; /* the session whose handshake is running (for the cache hit) */
static char error_line[256];

static const struct tls_backend backend;

static void die_mbed(int ret, const char *what, const char *arg)
{
    char text[160];
    mbedtls_strerror(ret, text, sizeof(text));
    bench_die("mbed_server", "%s%s: -0x%04x %s", what, arg ? arg : "", (unsigned) -ret, text);
}

static int psk_callback(void *p, mbedtls_ssl_context *ssl, const unsigned char *identity, size_t identity_len)
{
    (void) p;
    if (identity_len != strlen(opts.psk_identity) || memcmp(identity, opts.psk_identity, identity_len) != 0) return -1;
    return mbedtls_ssl_set_hs_psk(ssl, opts.psk, opts.psk_len);
}

/* mbedtls_ssl_cache_get, noting a hit: 2.28 has no public "was this handshake resumed?". */
static int cache_get(void *data, mbedtls_ssl_session *session)
{
    int ret = mbedtls_ssl_cache_get(data, session);
    if (ret == 0 && handshaking != NULL) handshaking->resumed = 1;
    return ret;
}

static int result_of(int ret)
{
    if (ret == MBEDTLS_ERR_SSL_WANT_READ) return IO_WANT_READ;
    if (ret == MBEDTLS_ERR_SSL_WANT_WRITE) return IO_WANT_WRITE;
    if (ret == 0 || ret == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY || ret == MBEDTLS_ERR_NET_CONN_RESET
        || ret == MBEDTLS_ERR_SSL_CONN_EOF) {
        return IO_CLOSED;
    }
    return IO_ERROR;
}

static void *tls_accept(int fd)
{
    struct session *s = calloc(1, sizeof(*s));
    if (s == NULL) return NULL;
    mbedtls_ssl_init(&s->ssl);
    if (mbedtls_ssl_setup(&s->ssl, &conf) != 0) {
        mbedtls_ssl_free(&s->ssl);
        free(s);
        return NULL;
    }
    s->net.fd = fd;
    mbedtls_ssl_set_bio(&s->ssl, &s->net, mbedtls_net_send, mbedtls_net_recv, NULL);
    return s;
}

static int tls_handshake(void *p)
{
    struct session *s = p;
    int ret;
    handshaking = s;
    ret = mbedtls_ssl_handshake(&s->ssl);
    handshaking = NULL;
    if (ret == 0) return 0;
    s->last_ret = ret;
    ret = result_of(ret);
    return ret == IO_CLOSED ? IO_ERROR : ret;
}

static int tls_read(void *p, unsigned char *buf, size_t cap)
{
    struct session *s = p;
    int ret = mbedtls_ssl_read(&s->ssl, buf, cap);
    if (ret > 0) return ret;
    s->last_ret = ret;
    return result_of(ret);
}

static int tls_write(void *p, const unsigned char *buf, size_t len)
{
    struct session *s = p;
    int ret = mbedtls_ssl_write(&s->ssl, buf, len);
    if (ret > 0) return ret;
    s->last_ret = ret;
    return ret == 0 ? IO_ERROR : result_of(ret);
}

static int tls_shutdown(void *p)
{
    struct session *s = p;
    int ret = mbedtls_ssl_close_notify(&s->ssl);
    return ret == MBEDTLS_ERR_SSL_WANT_WRITE ? IO_WANT_WRITE : 0;
}

static int tls_resumed(void *p)
{
    return ((struct session *) p)->resumed;
}

static void tls_free(void *p)
{
    struct session *s = p;
    mbedtls_ssl_free(&s->ssl);
    free(s);
}

static const char *tls_last_error(void *p, int result)
{
    const struct session *s = p;
    char text[160];
    if (result == IO_CLOSED || s->last_ret == 0) {
        snprintf(error_line, sizeof(error_line), "%s", result == IO_CLOSED ? "connection closed" : "socket error");
    } else {
        mbedtls_strerror(s->last_ret, text, sizeof(text));
        snprintf(error_line, sizeof(error_line), "-0x%04x %s", (unsigned) -s->last_ret, text);
    }
    return error_line;
}

static const struct tls_backend backend = {
    "mbed_server", tls_accept, tls_handshake, tls_read, tls_write, tls_shutdown, tls_resumed, tls_free, tls_last_error,
};

static void parse_suites(const char *list)
{
    char copy[1024];
    char *save = NULL, *name;
    int n = 0;
    snprintf(copy, sizeof(copy), "%s", list);
    for (name = strtok_r(copy, ",:", &save); name != NULL; name = strtok_r(NULL, ",:", &save)) {
        int id = mbedtls_ssl_get_ciphersuite_id(name);
        if (id == 0) bench_die(backend.name, "unknown cipher suite %s (use mbedTLS names, e.g. TLS-PSK-WITH-AES-128-CCM-8)", name);
        if (n == MAX_SUITES) bench_die(backend.name, "more than %d cipher suites", MAX_SUITES);
        suites[n++] = id;
    }
    suites[n] = 0;
}

static void configure(void)
{
    static const char pers[] = "mbed_server";
    int ret;
    if (strstr(opts.tls, "1.2") == NULL) bench_die(backend.name, "mbedTLS 2.28 serves TLS 1.2 only: --tls 1.2");
    mbedtls_entropy_init(&entropy);
    mbedtls_ctr_drbg_init(&drbg);
    mbedtls_ssl_config_init(&conf);
    mbedtls_ssl_cache_init(&cache);
    mbedtls_ssl_ticket_init(&ticket);
    mbedtls_x509_crt_init(&crt);
    mbedtls_pk_init(&key);
    ret = mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &entropy, (const unsigned char *) pers, sizeof(pers) - 1);
    if (ret != 0) die_mbed(ret, "mbedtls_ctr_drbg_seed", NULL);
    ret = mbedtls_ssl_config_defaults(&conf, MBEDTLS_SSL_IS_SERVER, MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT);
    if (ret != 0) die_mbed(ret, "mbedtls_ssl_config_defaults", NULL);
    mbedtls_ssl_conf_rng(&conf, mbedtls_ctr_drbg_random, &drbg);
    mbedtls_ssl_conf_min_version(&conf, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
    mbedtls_ssl_conf_max_version(&conf, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
    parse_suites(opts.ciphers ? opts.ciphers : "TLS-ECDHE-ECDSA-WITH-AES-128-GCM-SHA256,TLS-PSK-WITH-AES-128-CCM-8");
    mbedtls_ssl_conf_ciphersuites(&conf, suites);
    mbedtls_ssl_conf_curves(&conf, curves);
    mbedtls_ssl_conf_authmode(&conf, MBEDTLS_SSL_VERIFY_NONE);
    if (opts.cert) {
        ret = mbedtls_x509_crt_parse_file(&crt, opts.cert);
        if (ret != 0) die_mbed(ret, "--cert ", opts.cert);
        ret = mbedtls_pk_parse_keyfile(&key, opts.key, NULL);
        if (ret != 0) die_mbed(ret, "--key ", opts.key);
        ret = mbedtls_ssl_conf_own_cert(&conf, &crt, &key);
        if (ret != 0) die_mbed(ret, "mbedtls_ssl_conf_own_cert", NULL);
    }
    if (opts.psk_identity) mbedtls_ssl_conf_psk_cb(&conf, psk_callback, NULL);
    if (opts.session_cache) {
        mbedtls_ssl_cache_set_max_entries(&cache, 20480);
        mbedtls_ssl_conf_session_cache(&conf, &cache, cache_get, mbedtls_ssl_cache_set);
    }
    if (opts.tickets) {
        ret = mbedtls_ssl_ticket_setup(&ticket, mbedtls_ctr_drbg_random, &drbg, MBEDTLS_CIPHER_AES_256_GCM, 86400);
        if (ret != 0) die_mbed(ret, "mbedtls_ssl_ticket_setup", NULL);
        mbedtls_ssl_conf_session_tickets_cb(&conf, mbedtls_ssl_ticket_write, mbedtls_ssl_ticket_parse, &ticket);
    }
}

int main(int argc, char **argv)
{
    bench_parse_args(argc, argv, &opts, usage);
    if (strcmp(opts.tls, "1.2,1.3") == 0) opts.tls = "1.2";
    if (opts.ciphersuites || opts.groups || opts.release_buffers) {
        fprintf(stderr, "mbed_server: --ciphersuites, --groups and --release-buffers do not apply (TLS 1.2, P-256)\n");
    }
    configure();
    fprintf(stderr, "%s: mbedTLS %s, TLS 1.2, session cache %s, tickets %s%s\n", backend.name, MBEDTLS_VERSION_STRING,
            opts.session_cache ? "on" : "off", opts.tickets ? "on" : "off", opts.psk_identity ? ", PSK" : "");
    return bench_serve(&opts, &backend);
}
