/*
 * tlskit interop peer for mbedTLS: shared option parsing, configuration and reporting.
 *
 * Written for tlskit against mbedTLS's public API (2.28 and 3.x). The programs print one
 * machine-readable line per fact (HANDSHAKE, VERIFY, ECHO, ERROR, ...) so that JUnit tests can
 * assert on them; see README.md.
 */
#ifndef TLSKIT_PEER_COMMON_H
#define TLSKIT_PEER_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "mbedtls/version.h"
#include "mbedtls/ssl.h"
#include "mbedtls/net_sockets.h"
#include "mbedtls/entropy.h"
#include "mbedtls/ctr_drbg.h"
#include "mbedtls/x509_crt.h"
#include "mbedtls/pk.h"

/* Exit codes: 0 success, 1 TLS/data failure, 2 bad command line or files. */
#define PEER_EXIT_OK 0
#define PEER_EXIT_FAIL 1
#define PEER_EXIT_USAGE 2

#define PEER_MAX_SUITES 16
#define PEER_MAX_PSK 64
#define PEER_LINE_MAX 32768

struct peer_opts {
    const char *server_addr;   /* client: address to connect to (default 127.0.0.1) */
    const char *port;          /* TCP port (required) */
    const char *server_name;   /* client: SNI and the name checked against the certificate */
    const char *psk_identity;
    const char *psk_hex;
    const char *ciphersuites;  /* comma-separated mbedTLS names, e.g. TLS-PSK-WITH-AES-128-CCM-8 */
    const char *ca;            /* trusted CA file (PEM) */
    const char *crt;           /* own certificate (chain) file */
    const char *key;           /* own private key file */
    const char *key_pwd;
    const char *auth_mode;     /* none | optional | required */
    const char *message;       /* client: the line to send (without newline) */
    const char *prefix;        /* server: prepended to the echoed line */
    int message_size;          /* client: send a generated line of this many bytes instead */
    int max_frag_len;          /* client: 0 (off), 512, 1024, 2048 or 4096 */
    int connections;           /* server: how many connections to serve */
    int timeout_ms;            /* read timeout */
    int max_seconds;           /* whole-process watchdog */
    int debug_level;           /* mbedTLS debug output to stderr (0 = off) */
};

/* Counts TLS records on the wire in both directions (to check max_fragment_length). */
struct peer_record_stats {
    unsigned char hdr[5];
    size_t hdr_pos;
    size_t body_left;
    unsigned long records;
    size_t max_app_record; /* largest application_data record body (ciphertext) */
};

struct peer_bio {
    mbedtls_net_context net;
    uint32_t timeout_ms;
    struct peer_record_stats in;
    struct peer_record_stats out;
};

struct peer_tls {
    mbedtls_entropy_context entropy;
    mbedtls_ctr_drbg_context drbg;
    mbedtls_ssl_config conf;
    mbedtls_x509_crt ca;
    mbedtls_x509_crt crt;
    mbedtls_pk_context key;
    int suites[PEER_MAX_SUITES + 1];
    unsigned char psk[PEER_MAX_PSK];
    size_t psk_len;
    int uses_certificates;
};

/* Parses key=value arguments; exits with PEER_EXIT_USAGE on an unknown or malformed one. */
void peer_parse_args(int argc, char **argv, struct peer_opts *opts, const char *usage);

/* Line-buffered stdout, watchdog alarm. */
void peer_start(const struct peer_opts *opts);

/* Prints "ERROR -0xNNNN <mbedtls_strerror text> (where)". */
void peer_print_error(int ret, const char *where);

/* RNG, certificates, key, PSK, cipher suites, TLS 1.2 only. Returns 0 or exits on bad input. */
int peer_tls_init(struct peer_tls *tls, const struct peer_opts *opts, int endpoint);
void peer_tls_free(struct peer_tls *tls);

/* Connects the SSL context to the counting BIO. */
void peer_bio_attach(mbedtls_ssl_context *ssl, struct peer_bio *bio, const struct peer_opts *opts);

/* Handshake loop; prints ERROR (and VERIFY for certificate suites) on failure. */
int peer_handshake(mbedtls_ssl_context *ssl, const struct peer_tls *tls);

/* HANDSHAKE / MAX_FRAG_LEN / VERIFY / PEER_CERT lines. */
void peer_print_session(mbedtls_ssl_context *ssl, int print_verify);
void peer_print_verify(const mbedtls_ssl_context *ssl);
void peer_print_records(const struct peer_bio *bio);

/* Writes all bytes (mbedTLS may split them into several records). */
int peer_write_all(mbedtls_ssl_context *ssl, const unsigned char *data, size_t len);

/* Reads until '\n' (not stored). Returns the line length, or a negative mbedTLS error. */
int peer_read_line(mbedtls_ssl_context *ssl, char *line, size_t cap);

/* After our data exchange: waits for the peer's close_notify; prints PEER_CLOSE_NOTIFY or
 * PEER_CLOSED_WITHOUT_CLOSE_NOTIFY. Returns 1 if a close_notify arrived. */
int peer_await_close_notify(mbedtls_ssl_context *ssl);

/* Sends our close_notify, printing CLOSE_NOTIFY_SENT. */
int peer_send_close_notify(mbedtls_ssl_context *ssl);

/* Registers a key-export callback that prints "RANDOM client_time=.. server_time=.. now=..":
 * the first four bytes of both hello randoms read as gmt_unix_time. */
void peer_report_randoms(struct peer_tls *tls, mbedtls_ssl_context *ssl);

#endif
