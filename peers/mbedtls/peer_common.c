/*
 * tlskit interop peer for mbedTLS: shared code. See peer_common.h.
 */
#define _POSIX_C_SOURCE 200809L

#include "peer_common.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mbedtls/debug.h"
#include "mbedtls/error.h"
#if MBEDTLS_VERSION_MAJOR >= 3 && defined(MBEDTLS_PSA_CRYPTO_C)
#include "psa/crypto.h"
#endif

static int parse_int(const char *key, const char *value, int min, int max)
{
    char *end = NULL;
    long v;
    errno = 0;
    v = strtol(value, &end, 10);
    if (errno != 0 || end == value || *end != '\0' || v < min || v > max) {
        printf("ERROR usage: %s=%s is not a number in [%d, %d]\n", key, value, min, max);
        exit(PEER_EXIT_USAGE);
    }
    return (int) v;
}

void peer_parse_args(int argc, char **argv, struct peer_opts *opts, const char *usage)
{
    int i;
    memset(opts, 0, sizeof(*opts));
    opts->server_addr = "127.0.0.1";
    opts->auth_mode = NULL;
    opts->prefix = "mbedtls echo: ";
    opts->connections = 1;
    opts->timeout_ms = 10000;
    opts->max_seconds = 60;

    for (i = 1; i < argc; i++) {
        char *arg = argv[i];
        char *eq = strchr(arg, '=');
        const char *value;
        size_t klen;
        if (eq == NULL) {
            printf("ERROR usage: argument '%s' is not key=value\n%s", arg, usage);
            exit(PEER_EXIT_USAGE);
        }
        klen = (size_t) (eq - arg);
        value = eq + 1;
#define KEY_IS(name) (klen == strlen(name) && strncmp(arg, name, klen) == 0)
        if (KEY_IS("server_addr")) {
            opts->server_addr = value;
        } else if (KEY_IS("port")) {
            parse_int("port", value, 1, 65535);
            opts->port = value;
        } else if (KEY_IS("server_name")) {
            opts->server_name = value;
        } else if (KEY_IS("psk_identity")) {
            opts->psk_identity = value;
        } else if (KEY_IS("psk")) {
            opts->psk_hex = value;
        } else if (KEY_IS("ciphersuite") || KEY_IS("force_ciphersuite")) {
            opts->ciphersuites = value;
        } else if (KEY_IS("ca") || KEY_IS("ca_file")) {
            opts->ca = value;
        } else if (KEY_IS("crt") || KEY_IS("crt_file")) {
            opts->crt = value;
        } else if (KEY_IS("key") || KEY_IS("key_file")) {
            opts->key = value;
        } else if (KEY_IS("key_pwd")) {
            opts->key_pwd = value;
        } else if (KEY_IS("auth_mode")) {
            if (strcmp(value, "none") != 0 && strcmp(value, "optional") != 0 && strcmp(value, "required") != 0) {
                printf("ERROR usage: auth_mode must be none, optional or required\n");
                exit(PEER_EXIT_USAGE);
            }
            opts->auth_mode = value;
        } else if (KEY_IS("message")) {
            opts->message = value;
        } else if (KEY_IS("message_size")) {
            opts->message_size = parse_int("message_size", value, 1, PEER_LINE_MAX - 256);
        } else if (KEY_IS("prefix")) {
            opts->prefix = value;
        } else if (KEY_IS("max_frag_len")) {
            opts->max_frag_len = parse_int("max_frag_len", value, 0, 4096);
            if (opts->max_frag_len != 0 && opts->max_frag_len != 512 && opts->max_frag_len != 1024
                && opts->max_frag_len != 2048 && opts->max_frag_len != 4096) {
                printf("ERROR usage: max_frag_len must be 512, 1024, 2048 or 4096\n");
                exit(PEER_EXIT_USAGE);
            }
        } else if (KEY_IS("connections")) {
            opts->connections = parse_int("connections", value, 1, 1000);
        } else if (KEY_IS("timeout_ms") || KEY_IS("read_timeout")) {
            opts->timeout_ms = parse_int("timeout_ms", value, 1, 600000);
        } else if (KEY_IS("max_seconds")) {
            opts->max_seconds = parse_int("max_seconds", value, 1, 3600);
        } else if (KEY_IS("debug_level")) {
            opts->debug_level = parse_int("debug_level", value, 0, 5);
        } else {
            printf("ERROR usage: unknown option '%.*s'\n%s", (int) klen, arg, usage);
            exit(PEER_EXIT_USAGE);
        }
#undef KEY_IS
    }
    if (opts->port == NULL) {
        printf("ERROR usage: port= is required\n%s", usage);
        exit(PEER_EXIT_USAGE);
    }
}

void peer_start(const struct peer_opts *opts)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    /* The test harness also bounds us, but never leave a stray peer behind. */
    alarm((unsigned int) opts->max_seconds);
}

void peer_print_error(int ret, const char *where)
{
    char text[256];
    mbedtls_strerror(ret, text, sizeof(text));
    printf("ERROR -0x%04X %s (%s)\n", (unsigned int) (ret < 0 ? -ret : ret), text, where);
}

static void debug_out(void *ctx, int level, const char *file, int line, const char *msg)
{
    (void) ctx;
    fprintf(stderr, "mbedtls[%d] %s:%04d: %s", level, file, line, msg);
    fflush(stderr);
}

static int hex_nibble(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

static int parse_hex(const char *hex, unsigned char *out, size_t cap, size_t *out_len)
{
    size_t n = strlen(hex);
    size_t i;
    if (n == 0 || n % 2 != 0 || n / 2 > cap) {
        return -1;
    }
    for (i = 0; i < n / 2; i++) {
        int hi = hex_nibble(hex[2 * i]);
        int lo = hex_nibble(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            return -1;
        }
        out[i] = (unsigned char) (hi << 4 | lo);
    }
    *out_len = n / 2;
    return 0;
}

static void parse_suites(struct peer_tls *tls, const char *list)
{
    char buf[1024];
    char *save = NULL;
    char *name;
    int n = 0;
    if (strlen(list) >= sizeof(buf)) {
        printf("ERROR usage: ciphersuite list too long\n");
        exit(PEER_EXIT_USAGE);
    }
    strcpy(buf, list);
    for (name = strtok_r(buf, ",", &save); name != NULL; name = strtok_r(NULL, ",", &save)) {
        int id = mbedtls_ssl_get_ciphersuite_id(name);
        if (id == 0) {
            printf("ERROR usage: unknown or disabled cipher suite '%s'\n", name);
            exit(PEER_EXIT_USAGE);
        }
        if (n == PEER_MAX_SUITES) {
            printf("ERROR usage: at most %d cipher suites\n", PEER_MAX_SUITES);
            exit(PEER_EXIT_USAGE);
        }
        tls->suites[n++] = id;
    }
    tls->suites[n] = 0;
    if (n == 0) {
        printf("ERROR usage: empty ciphersuite list\n");
        exit(PEER_EXIT_USAGE);
    }
}

static int load_key(mbedtls_pk_context *pk, const char *path, const char *pwd, mbedtls_ctr_drbg_context *drbg)
{
#if MBEDTLS_VERSION_MAJOR >= 3
    return mbedtls_pk_parse_keyfile(pk, path, pwd, mbedtls_ctr_drbg_random, drbg);
#else
    (void) drbg;
    return mbedtls_pk_parse_keyfile(pk, path, pwd);
#endif
}

int peer_tls_init(struct peer_tls *tls, const struct peer_opts *opts, int endpoint)
{
    static const char personalization[] = "tlskit mbedtls peer";
    int ret;

    memset(tls, 0, sizeof(*tls));
    mbedtls_entropy_init(&tls->entropy);
    mbedtls_ctr_drbg_init(&tls->drbg);
    mbedtls_ssl_config_init(&tls->conf);
    mbedtls_x509_crt_init(&tls->ca);
    mbedtls_x509_crt_init(&tls->crt);
    mbedtls_pk_init(&tls->key);

#if MBEDTLS_VERSION_MAJOR >= 3 && defined(MBEDTLS_PSA_CRYPTO_C)
    if (psa_crypto_init() != PSA_SUCCESS) {
        printf("ERROR psa_crypto_init failed\n");
        return PEER_EXIT_FAIL;
    }
#endif
    ret = mbedtls_ctr_drbg_seed(&tls->drbg, mbedtls_entropy_func, &tls->entropy,
                                (const unsigned char *) personalization, sizeof(personalization) - 1);
    if (ret != 0) {
        peer_print_error(ret, "mbedtls_ctr_drbg_seed");
        return PEER_EXIT_FAIL;
    }

    ret = mbedtls_ssl_config_defaults(&tls->conf, endpoint, MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT);
    if (ret != 0) {
        peer_print_error(ret, "mbedtls_ssl_config_defaults");
        return PEER_EXIT_FAIL;
    }
    mbedtls_ssl_conf_rng(&tls->conf, mbedtls_ctr_drbg_random, &tls->drbg);
    mbedtls_ssl_conf_read_timeout(&tls->conf, (uint32_t) opts->timeout_ms);
#if defined(MBEDTLS_DEBUG_C)
    if (opts->debug_level > 0) {
        mbedtls_ssl_conf_dbg(&tls->conf, debug_out, NULL);
        mbedtls_debug_set_threshold(opts->debug_level);
    }
#else
    (void) debug_out;
#endif

    /* The seed devices speak TLS 1.2. */
#if MBEDTLS_VERSION_NUMBER >= 0x03020000
    mbedtls_ssl_conf_min_tls_version(&tls->conf, MBEDTLS_SSL_VERSION_TLS1_2);
    mbedtls_ssl_conf_max_tls_version(&tls->conf, MBEDTLS_SSL_VERSION_TLS1_2);
#else
    mbedtls_ssl_conf_min_version(&tls->conf, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
    mbedtls_ssl_conf_max_version(&tls->conf, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
#endif

    if (opts->ciphersuites != NULL) {
        parse_suites(tls, opts->ciphersuites);
        mbedtls_ssl_conf_ciphersuites(&tls->conf, tls->suites);
    }

    if (opts->ca != NULL) {
        ret = mbedtls_x509_crt_parse_file(&tls->ca, opts->ca);
        if (ret != 0) {
            peer_print_error(ret, "mbedtls_x509_crt_parse_file ca");
            exit(PEER_EXIT_USAGE);
        }
        mbedtls_ssl_conf_ca_chain(&tls->conf, &tls->ca, NULL);
        tls->uses_certificates = 1;
    }
    if ((opts->crt == NULL) != (opts->key == NULL)) {
        printf("ERROR usage: crt= and key= go together\n");
        exit(PEER_EXIT_USAGE);
    }
    if (opts->crt != NULL) {
        ret = mbedtls_x509_crt_parse_file(&tls->crt, opts->crt);
        if (ret != 0) {
            peer_print_error(ret, "mbedtls_x509_crt_parse_file crt");
            exit(PEER_EXIT_USAGE);
        }
        ret = load_key(&tls->key, opts->key, opts->key_pwd, &tls->drbg);
        if (ret != 0) {
            peer_print_error(ret, "mbedtls_pk_parse_keyfile");
            exit(PEER_EXIT_USAGE);
        }
        ret = mbedtls_ssl_conf_own_cert(&tls->conf, &tls->crt, &tls->key);
        if (ret != 0) {
            peer_print_error(ret, "mbedtls_ssl_conf_own_cert");
            exit(PEER_EXIT_USAGE);
        }
        tls->uses_certificates = 1;
    }

    if (opts->auth_mode != NULL) {
        int mode = strcmp(opts->auth_mode, "none") == 0 ? MBEDTLS_SSL_VERIFY_NONE
                   : strcmp(opts->auth_mode, "optional") == 0 ? MBEDTLS_SSL_VERIFY_OPTIONAL
                   : MBEDTLS_SSL_VERIFY_REQUIRED;
        mbedtls_ssl_conf_authmode(&tls->conf, mode);
    }

    if ((opts->psk_identity == NULL) != (opts->psk_hex == NULL)) {
        printf("ERROR usage: psk_identity= and psk= go together\n");
        exit(PEER_EXIT_USAGE);
    }
    if (opts->psk_hex != NULL) {
        if (parse_hex(opts->psk_hex, tls->psk, sizeof(tls->psk), &tls->psk_len) != 0) {
            printf("ERROR usage: psk= must be an even number of hex digits (at most %d bytes)\n", PEER_MAX_PSK);
            exit(PEER_EXIT_USAGE);
        }
        if (endpoint == MBEDTLS_SSL_IS_CLIENT) {
            ret = mbedtls_ssl_conf_psk(&tls->conf, tls->psk, tls->psk_len,
                                       (const unsigned char *) opts->psk_identity, strlen(opts->psk_identity));
            if (ret != 0) {
                peer_print_error(ret, "mbedtls_ssl_conf_psk");
                exit(PEER_EXIT_USAGE);
            }
        }
        /* the server installs a PSK callback (it reports the identity it was offered) */
    }

#if defined(MBEDTLS_SSL_MAX_FRAGMENT_LENGTH)
    if (opts->max_frag_len != 0) {
        unsigned char code = opts->max_frag_len == 512 ? MBEDTLS_SSL_MAX_FRAG_LEN_512
                             : opts->max_frag_len == 1024 ? MBEDTLS_SSL_MAX_FRAG_LEN_1024
                             : opts->max_frag_len == 2048 ? MBEDTLS_SSL_MAX_FRAG_LEN_2048
                             : MBEDTLS_SSL_MAX_FRAG_LEN_4096;
        ret = mbedtls_ssl_conf_max_frag_len(&tls->conf, code);
        if (ret != 0) {
            peer_print_error(ret, "mbedtls_ssl_conf_max_frag_len");
            exit(PEER_EXIT_USAGE);
        }
    }
#else
    if (opts->max_frag_len != 0) {
        printf("ERROR usage: this mbedTLS was built without MBEDTLS_SSL_MAX_FRAGMENT_LENGTH\n");
        exit(PEER_EXIT_USAGE);
    }
#endif
    return 0;
}

void peer_tls_free(struct peer_tls *tls)
{
    mbedtls_pk_free(&tls->key);
    mbedtls_x509_crt_free(&tls->crt);
    mbedtls_x509_crt_free(&tls->ca);
    mbedtls_ssl_config_free(&tls->conf);
    mbedtls_ctr_drbg_free(&tls->drbg);
    mbedtls_entropy_free(&tls->entropy);
}

static void count_records(struct peer_record_stats *st, const unsigned char *buf, size_t len)
{
    size_t i = 0;
    while (i < len) {
        if (st->body_left > 0) {
            size_t skip = len - i < st->body_left ? len - i : st->body_left;
            st->body_left -= skip;
            i += skip;
            continue;
        }
        st->hdr[st->hdr_pos++] = buf[i++];
        if (st->hdr_pos == sizeof(st->hdr)) {
            size_t body = (size_t) st->hdr[3] << 8 | st->hdr[4];
            st->records++;
            if (st->hdr[0] == MBEDTLS_SSL_MSG_APPLICATION_DATA && body > st->max_app_record) {
                st->max_app_record = body;
            }
            st->body_left = body;
            st->hdr_pos = 0;
        }
    }
}

static int bio_send(void *ctx, const unsigned char *buf, size_t len)
{
    struct peer_bio *bio = ctx;
    int ret = mbedtls_net_send(&bio->net, buf, len);
    if (ret > 0) {
        count_records(&bio->out, buf, (size_t) ret);
    }
    return ret;
}

static int bio_recv_timeout(void *ctx, unsigned char *buf, size_t len, uint32_t timeout)
{
    struct peer_bio *bio = ctx;
    int ret = mbedtls_net_recv_timeout(&bio->net, buf, len, timeout);
    if (ret > 0) {
        count_records(&bio->in, buf, (size_t) ret);
    }
    return ret;
}

void peer_bio_attach(mbedtls_ssl_context *ssl, struct peer_bio *bio, const struct peer_opts *opts)
{
    memset(&bio->in, 0, sizeof(bio->in));
    memset(&bio->out, 0, sizeof(bio->out));
    bio->timeout_ms = (uint32_t) opts->timeout_ms;
    mbedtls_ssl_set_bio(ssl, bio, bio_send, NULL, bio_recv_timeout);
}

int peer_handshake(mbedtls_ssl_context *ssl, const struct peer_tls *tls)
{
    int ret;
    while ((ret = mbedtls_ssl_handshake(ssl)) != 0) {
        if (ret != MBEDTLS_ERR_SSL_WANT_READ && ret != MBEDTLS_ERR_SSL_WANT_WRITE) {
            peer_print_error(ret, "handshake");
            if (tls->uses_certificates) {
                peer_print_verify(ssl);
            }
            return ret;
        }
    }
    return 0;
}

void peer_print_verify(const mbedtls_ssl_context *ssl)
{
    uint32_t flags = mbedtls_ssl_get_verify_result(ssl);
    printf("VERIFY flags=0x%08X\n", (unsigned int) flags);
    if (flags != 0 && flags != (uint32_t) -1) {
        char info[1024];
        char *line;
        char *save = NULL;
        mbedtls_x509_crt_verify_info(info, sizeof(info), "", flags);
        for (line = strtok_r(info, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
            printf("VERIFY_INFO %s\n", line);
        }
    }
}

void peer_print_session(mbedtls_ssl_context *ssl, int print_verify)
{
    const mbedtls_x509_crt *peer;
    printf("HANDSHAKE OK version=%s ciphersuite=%s\n", mbedtls_ssl_get_version(ssl), mbedtls_ssl_get_ciphersuite(ssl));
#if defined(MBEDTLS_SSL_MAX_FRAGMENT_LENGTH)
    printf("MAX_FRAG_LEN in=%zu out=%zu\n", mbedtls_ssl_get_input_max_frag_len(ssl),
           mbedtls_ssl_get_output_max_frag_len(ssl));
#endif
    if (print_verify) {
        peer_print_verify(ssl);
    }
    peer = mbedtls_ssl_get_peer_cert(ssl);
    if (peer != NULL) {
        char dn[512];
        if (mbedtls_x509_dn_gets(dn, sizeof(dn), &peer->subject) > 0) {
            printf("PEER_CERT subject=%s\n", dn);
        }
    }
}

void peer_print_records(const struct peer_bio *bio)
{
    printf("RECORDS in=%lu out=%lu max_app_in=%zu max_app_out=%zu\n", bio->in.records, bio->out.records,
           bio->in.max_app_record, bio->out.max_app_record);
}

int peer_write_all(mbedtls_ssl_context *ssl, const unsigned char *data, size_t len)
{
    size_t done = 0;
    while (done < len) {
        int ret = mbedtls_ssl_write(ssl, data + done, len - done);
        if (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE) {
            continue;
        }
        if (ret < 0) {
            peer_print_error(ret, "mbedtls_ssl_write");
            return ret;
        }
        done += (size_t) ret;
    }
    return 0;
}

int peer_read_line(mbedtls_ssl_context *ssl, char *line, size_t cap)
{
    size_t n = 0;
    for (;;) {
        unsigned char c;
        int ret = mbedtls_ssl_read(ssl, &c, 1);
        if (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE) {
            continue;
        }
        if (ret == 0) {
            printf("ERROR connection closed before a full line (%zu bytes read)\n", n);
            return MBEDTLS_ERR_NET_CONN_RESET;
        }
        if (ret < 0) {
            peer_print_error(ret, "mbedtls_ssl_read");
            return ret;
        }
        if (c == '\n') {
            line[n] = '\0';
            return (int) n;
        }
        if (n + 1 >= cap) {
            printf("ERROR line longer than %zu bytes\n", cap - 1);
            return MBEDTLS_ERR_SSL_BAD_INPUT_DATA;
        }
        line[n++] = (char) c;
    }
}

int peer_await_close_notify(mbedtls_ssl_context *ssl)
{
    unsigned char buf[256];
    for (;;) {
        int ret = mbedtls_ssl_read(ssl, buf, sizeof(buf));
        if (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE) {
            continue;
        }
        if (ret == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY) {
            printf("PEER_CLOSE_NOTIFY\n");
            return 1;
        }
        if (ret > 0) {
            printf("UNEXPECTED_DATA bytes=%d\n", ret);
            continue;
        }
        if (ret == 0 || ret == MBEDTLS_ERR_NET_CONN_RESET) {
            printf("PEER_CLOSED_WITHOUT_CLOSE_NOTIFY\n");
        } else {
            peer_print_error(ret, "waiting for close_notify");
        }
        return 0;
    }
}

int peer_send_close_notify(mbedtls_ssl_context *ssl)
{
    int ret;
    while ((ret = mbedtls_ssl_close_notify(ssl)) == MBEDTLS_ERR_SSL_WANT_WRITE || ret == MBEDTLS_ERR_SSL_WANT_READ) {
    }
    if (ret != 0) {
        peer_print_error(ret, "mbedtls_ssl_close_notify");
        return ret;
    }
    printf("CLOSE_NOTIFY_SENT\n");
    return 0;
}

static void print_randoms(const unsigned char client_random[32], const unsigned char server_random[32])
{
    unsigned long ct = (unsigned long) client_random[0] << 24 | (unsigned long) client_random[1] << 16
                       | (unsigned long) client_random[2] << 8 | client_random[3];
    unsigned long st = (unsigned long) server_random[0] << 24 | (unsigned long) server_random[1] << 16
                       | (unsigned long) server_random[2] << 8 | server_random[3];
    printf("RANDOM client_time=%lu server_time=%lu now=%lld\n", ct, st, (long long) time(NULL));
}

#if MBEDTLS_VERSION_MAJOR >= 3
static void export_keys(void *ctx, mbedtls_ssl_key_export_type type, const unsigned char *secret, size_t secret_len,
                        const unsigned char client_random[32], const unsigned char server_random[32],
                        mbedtls_tls_prf_types prf)
{
    (void) ctx;
    (void) secret;
    (void) secret_len;
    (void) prf;
    if (type == MBEDTLS_SSL_KEY_EXPORT_TLS12_MASTER_SECRET) {
        print_randoms(client_random, server_random);
    }
}
#elif defined(MBEDTLS_SSL_EXPORT_KEYS)
static int export_keys(void *ctx, const unsigned char *ms, const unsigned char *kb, size_t maclen, size_t keylen,
                       size_t ivlen, const unsigned char client_random[32], const unsigned char server_random[32],
                       mbedtls_tls_prf_types prf)
{
    (void) ctx;
    (void) ms;
    (void) kb;
    (void) maclen;
    (void) keylen;
    (void) ivlen;
    (void) prf;
    print_randoms(client_random, server_random);
    return 0;
}
#endif

void peer_report_randoms(struct peer_tls *tls, mbedtls_ssl_context *ssl)
{
#if MBEDTLS_VERSION_MAJOR >= 3
    (void) tls;
    mbedtls_ssl_set_export_keys_cb(ssl, export_keys, NULL);
#elif defined(MBEDTLS_SSL_EXPORT_KEYS)
    (void) ssl;
    mbedtls_ssl_conf_export_keys_ext_cb(&tls->conf, export_keys, NULL);
#else
    (void) tls;
    (void) ssl;
    (void) print_randoms;
#endif
}
