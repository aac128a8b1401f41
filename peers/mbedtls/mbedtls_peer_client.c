/*
 * tlskit interop peer: a small mbedTLS TLS 1.2 client.
 *
 *   mbedtls_peer_client port=N [server_addr=127.0.0.1] [server_name=localhost]
 *       [ciphersuite=TLS-PSK-WITH-AES-128-CCM-8[,...]] [psk_identity=ID psk=HEX]
 *       [ca=F] [crt=F key=F] [auth_mode=required] [max_frag_len=512]
 *       [message=TEXT | message_size=N] [timeout_ms=N] [max_seconds=N] [debug_level=N]
 *
 * Connects, handshakes, prints HANDSHAKE / VERIFY / PEER_CERT / RANDOM lines, writes one line,
 * reads the echoed line (ECHO ...), sends close_notify and waits for the server's.
 * Exit code 0 only if all of that worked.
 */
#define _POSIX_C_SOURCE 200809L

#include "peer_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: mbedtls_peer_client port=N [server_addr=A] [server_name=H] [ciphersuite=S[,S]] [psk_identity=ID psk=HEX]\n"
    "       [ca=F] [crt=F key=F [key_pwd=P]] [auth_mode=none|optional|required] [max_frag_len=512|1024|2048|4096]\n"
    "       [message=TEXT | message_size=N] [timeout_ms=N] [max_seconds=N] [debug_level=N]\n";

static char line[PEER_LINE_MAX];

int main(int argc, char **argv)
{
    struct peer_opts opts;
    struct peer_tls tls;
    struct peer_bio bio;
    mbedtls_ssl_context ssl;
    char *message;
    size_t message_len;
    int ret;
    int exit_code = PEER_EXIT_FAIL;
    int n;

    peer_parse_args(argc, argv, &opts, usage);
    peer_start(&opts);

    if (opts.message_size > 0) {
        size_t i;
        message_len = (size_t) opts.message_size;
        message = malloc(message_len + 1);
        if (message == NULL) {
            printf("ERROR out of memory\n");
            return PEER_EXIT_FAIL;
        }
        for (i = 0; i < message_len; i++) {
            message[i] = (char) ('a' + i % 26);
        }
        message[message_len] = '\0';
    } else {
        const char *text = opts.message != NULL ? opts.message : "hello from mbedtls";
        message_len = strlen(text);
        message = malloc(message_len + 1);
        if (message == NULL) {
            printf("ERROR out of memory\n");
            return PEER_EXIT_FAIL;
        }
        memcpy(message, text, message_len + 1);
    }

    mbedtls_net_init(&bio.net);
    mbedtls_ssl_init(&ssl);
    if (peer_tls_init(&tls, &opts, MBEDTLS_SSL_IS_CLIENT) != 0) {
        goto done;
    }
    printf("MBEDTLS %s\n", MBEDTLS_VERSION_STRING);

    ret = mbedtls_ssl_setup(&ssl, &tls.conf);
    if (ret != 0) {
        peer_print_error(ret, "mbedtls_ssl_setup");
        goto done;
    }
    if (opts.server_name != NULL) {
        /* SNI, and the name the server certificate must carry */
        ret = mbedtls_ssl_set_hostname(&ssl, opts.server_name);
        if (ret != 0) {
            peer_print_error(ret, "mbedtls_ssl_set_hostname");
            goto done;
        }
    }
    peer_report_randoms(&tls, &ssl);

    ret = mbedtls_net_connect(&bio.net, opts.server_addr, opts.port, MBEDTLS_NET_PROTO_TCP);
    if (ret != 0) {
        peer_print_error(ret, "mbedtls_net_connect");
        goto done;
    }
    printf("CONNECTED %s:%s\n", opts.server_addr, opts.port);
    peer_bio_attach(&ssl, &bio, &opts);

    if (peer_handshake(&ssl, &tls) != 0) {
        goto done;
    }
    peer_print_session(&ssl, 1);

    if (peer_write_all(&ssl, (const unsigned char *) message, message_len) != 0
        || peer_write_all(&ssl, (const unsigned char *) "\n", 1) != 0) {
        goto done;
    }
    printf("SENT bytes=%zu\n", message_len);

    n = peer_read_line(&ssl, line, sizeof(line));
    if (n < 0) {
        goto done;
    }
    printf("ECHO %s\n", line);
    printf("ECHO_BYTES %d\n", n);

    if (peer_send_close_notify(&ssl) != 0) {
        goto done;
    }
    peer_await_close_notify(&ssl);
    peer_print_records(&bio);
    printf("DONE\n");
    exit_code = PEER_EXIT_OK;

done:
    mbedtls_ssl_free(&ssl);
    mbedtls_net_free(&bio.net);
    peer_tls_free(&tls);
    free(message);
    return exit_code;
}
