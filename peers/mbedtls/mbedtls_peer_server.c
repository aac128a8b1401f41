/*
 * tlskit interop peer: a small mbedTLS TLS 1.2 echo server on 127.0.0.1.
 *
 *   mbedtls_peer_server port=N [ciphersuite=TLS-PSK-WITH-AES-128-CCM-8[,...]] [psk_identity=ID psk=HEX]
 *       [ca=F] [crt=F key=F] [auth_mode=none|optional|required] [prefix=TEXT] [connections=N]
 *       [timeout_ms=N] [max_seconds=N] [debug_level=N]
 *
 * Prints LISTENING once bound, then for each connection: HANDSHAKE / PSK_IDENTITY / VERIFY /
 * PEER_CERT / RANDOM lines, RECEIVED <line>, echoes "<prefix><line>\n", waits for the client's
 * close_notify (PEER_CLOSE_NOTIFY), sends its own, prints RECORDS and CONNECTION_DONE.
 * Exit code 0 only if every connection succeeded.
 */
#define _POSIX_C_SOURCE 200809L

#include "peer_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: mbedtls_peer_server port=N [ciphersuite=S[,S]] [psk_identity=ID psk=HEX] [ca=F] [crt=F key=F [key_pwd=P]]\n"
    "       [auth_mode=none|optional|required] [prefix=TEXT] [connections=N] [timeout_ms=N] [max_seconds=N]\n"
    "       [debug_level=N]\n";

static char line[PEER_LINE_MAX];

struct psk_ctx {
    const struct peer_opts *opts;
    const struct peer_tls *tls;
};

/* Looks the offered identity up (we know one) and reports it. */
static int psk_callback(void *p, mbedtls_ssl_context *ssl, const unsigned char *identity, size_t identity_len)
{
    const struct psk_ctx *ctx = p;
    const char *expected = ctx->opts->psk_identity;
    if (identity_len == strlen(expected) && memcmp(identity, expected, identity_len) == 0) {
        printf("PSK_IDENTITY %.*s\n", (int) identity_len, (const char *) identity);
        return mbedtls_ssl_set_hs_psk(ssl, ctx->tls->psk, ctx->tls->psk_len);
    }
    printf("PSK_IDENTITY_UNKNOWN %.*s\n", (int) identity_len, (const char *) identity);
    return -1;
}

static int serve_one(mbedtls_ssl_context *ssl, struct peer_bio *bio, const struct peer_tls *tls,
                     const struct peer_opts *opts)
{
    int n;
    int verify_client = opts->auth_mode != NULL && strcmp(opts->auth_mode, "none") != 0;
    size_t prefix_len = strlen(opts->prefix);

    if (peer_handshake(ssl, tls) != 0) {
        return -1;
    }
    peer_print_session(ssl, verify_client);

    n = peer_read_line(ssl, line, sizeof(line));
    if (n < 0) {
        return -1;
    }
    printf("RECEIVED %s\n", line);
    printf("RECEIVED_BYTES %d\n", n);
    if (peer_write_all(ssl, (const unsigned char *) opts->prefix, prefix_len) != 0
        || peer_write_all(ssl, (const unsigned char *) line, (size_t) n) != 0
        || peer_write_all(ssl, (const unsigned char *) "\n", 1) != 0) {
        return -1;
    }
    printf("ECHOED bytes=%zu\n", prefix_len + (size_t) n);

    if (!peer_await_close_notify(ssl)) {
        return -1;
    }
    if (peer_send_close_notify(ssl) != 0) {
        return -1;
    }
    peer_print_records(bio);
    return 0;
}

int main(int argc, char **argv)
{
    struct peer_opts opts;
    struct peer_tls tls;
    struct psk_ctx psk;
    mbedtls_net_context listener;
    mbedtls_ssl_context ssl;
    int ret;
    int i;
    int failures = 0;
    int exit_code = PEER_EXIT_FAIL;

    peer_parse_args(argc, argv, &opts, usage);
    peer_start(&opts);

    mbedtls_net_init(&listener);
    mbedtls_ssl_init(&ssl);
    if (peer_tls_init(&tls, &opts, MBEDTLS_SSL_IS_SERVER) != 0) {
        goto done;
    }
    printf("MBEDTLS %s\n", MBEDTLS_VERSION_STRING);
    if (opts.psk_identity != NULL) {
        psk.opts = &opts;
        psk.tls = &tls;
        mbedtls_ssl_conf_psk_cb(&tls.conf, psk_callback, &psk);
    }

    ret = mbedtls_ssl_setup(&ssl, &tls.conf);
    if (ret != 0) {
        peer_print_error(ret, "mbedtls_ssl_setup");
        goto done;
    }
    peer_report_randoms(&tls, &ssl);

    ret = mbedtls_net_bind(&listener, "127.0.0.1", opts.port, MBEDTLS_NET_PROTO_TCP);
    if (ret != 0) {
        peer_print_error(ret, "mbedtls_net_bind");
        goto done;
    }
    printf("LISTENING port=%s\n", opts.port);

    for (i = 0; i < opts.connections; i++) {
        struct peer_bio bio;
        char client_ip[16];
        size_t ip_len = 0;
        mbedtls_net_init(&bio.net);
        ret = mbedtls_net_accept(&listener, &bio.net, client_ip, sizeof(client_ip), &ip_len);
        if (ret != 0) {
            peer_print_error(ret, "mbedtls_net_accept");
            failures++;
            break;
        }
        printf("ACCEPTED connection=%d\n", i + 1);
        if (i > 0) {
            ret = mbedtls_ssl_session_reset(&ssl);
            if (ret != 0) {
                peer_print_error(ret, "mbedtls_ssl_session_reset");
                mbedtls_net_free(&bio.net);
                failures++;
                break;
            }
        }
        peer_bio_attach(&ssl, &bio, &opts);
        if (serve_one(&ssl, &bio, &tls, &opts) == 0) {
            printf("CONNECTION_DONE connection=%d\n", i + 1);
        } else {
            printf("CONNECTION_FAILED connection=%d\n", i + 1);
            failures++;
        }
        mbedtls_net_free(&bio.net);
    }
    if (failures == 0) {
        printf("DONE\n");
        exit_code = PEER_EXIT_OK;
    }

done:
    mbedtls_ssl_free(&ssl);
    mbedtls_net_free(&listener);
    peer_tls_free(&tls);
    return exit_code;
}
