package io.tlskit.pki;

import static org.assertj.core.api.Assertions.assertThat;

import io.tlskit.TimeSource;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 6125 name rules, table-driven. */
class HostnameMatcherTest {
    static X509Certificate cert;
    static X509Certificate noSan;
    static X509Certificate sanAndCn;

    @BeforeAll
    static void fixtures() {
        CertificateIssuer issuer = new CertificateIssuer(TimeSource.system(), new SecureRandom());
        cert = issuer.selfSigned(CertificateSpec.builder().subject("cn.example")
                .sans("DNS:*.example.com", "DNS:Exact.Example.org", "DNS:xn--bcher-kva.example", "DNS:f*.partial.com",
                        "DNS:*.com", "DNS:192.168.1.1", "IP:10.0.0.1", "IP:::1")
                .build()).certificate();
        noSan = issuer.selfSigned(CertificateSpec.builder().subject("legacy.example").build()).certificate();
        sanAndCn = issuer.selfSigned(CertificateSpec.builder().subject("cn-only.example").sans("DNS:san.example").build()).certificate();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "a.example.com, true",
        "A.EXAMPLE.COM., true",
        "example.com, false",
        "a.b.example.com, false",
        ".example.com, false",
        "exact.example.org, true",
        "EXACT.example.ORG., true",
        "other.example.org, false",
        "xn--bcher-kva.example, true",
        "bücher.example, true",
        "bucher.example, false",
        "foo.partial.com, false",
        "f.partial.com, false",
        "x.com, false",
        "cn.example, false",
        "10.0.0.1, true",
        "10.0.0.2, false",
        "010.0.0.1, false",
        "::1, true",
        "[::1], true",
        "0:0:0:0:0:0:0:1, true",
        "0000:0000::0001, true",
        "::2, false",
        "192.168.1.1, false",
        "'', false",
    })
    void matches(String host, boolean expected) {
        assertThat(HostnameMatcher.matches(cert, host)).isEqualTo(expected);
    }

    @Test
    void commonNameOnlyWithoutSubjectAltName() {
        assertThat(HostnameMatcher.matches(noSan, "legacy.example")).isTrue();
        assertThat(HostnameMatcher.matches(noSan, "LEGACY.example.")).isTrue();
        assertThat(HostnameMatcher.matches(noSan, "other.example")).isFalse();
        assertThat(HostnameMatcher.matches(sanAndCn, "cn-only.example")).isFalse();
        assertThat(HostnameMatcher.matches(sanAndCn, "san.example")).isTrue();
    }

    @Test
    void namesAreListedAsDnsAndIp() {
        assertThat(HostnameMatcher.names(cert)).containsExactly("DNS:*.example.com", "DNS:exact.example.org",
                "DNS:xn--bcher-kva.example", "DNS:f*.partial.com", "DNS:*.com", "DNS:192.168.1.1", "IP:10.0.0.1", "IP:::1");
        assertThat(HostnameMatcher.names(noSan)).isEmpty();
    }

    @Test
    void ipv6Formatting() {
        assertThat(IpLiterals.format(IpLiterals.parse("2001:db8:0:0:1:0:0:1"))).isEqualTo("2001:db8::1:0:0:1");
        assertThat(IpLiterals.format(IpLiterals.parse("fe80::"))).isEqualTo("fe80::");
        assertThat(IpLiterals.format(IpLiterals.parse("1:2:3:4:5:6:7:8"))).isEqualTo("1:2:3:4:5:6:7:8");
        assertThat(IpLiterals.parse("1.2.3")).isNull();
        assertThat(IpLiterals.parse("host.example")).isNull();
        assertThat(IpLiterals.parse("fe80::1%eth0")).isNull();
    }
}
