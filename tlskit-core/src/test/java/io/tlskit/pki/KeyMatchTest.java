package io.tlskit.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tlskit.ConfigException;
import io.tlskit.TimeSource;
import io.tlskit.TlsError;
import io.tlskit.pki.CertificateIssuer.KeyType;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;

/** KeyMatch and KeyDescriptions on generated keys of every supported kind. */
class KeyMatchTest {
    final SecureRandom random = new SecureRandom();
    final CertificateIssuer issuer = new CertificateIssuer(TimeSource.system(), random);

    @Test
    void rsaComparesModulusAndExponent() {
        KeyPair a = KeyType.RSA_2048.generate(random);
        KeyPair b = KeyType.RSA_2048.generate(random);
        assertThat(KeyMatch.matches(a.getPublic(), a.getPrivate())).isTrue();
        assertThat(KeyMatch.matches(a.getPublic(), b.getPrivate())).isFalse();
        assertThat(KeyDescriptions.describeKey(a.getPublic())).isEqualTo("RSA 2048");
    }

    @Test
    void ecChecksCurveAndPoint() {
        KeyPair p256 = KeyType.EC_P256.generate(random);
        KeyPair other = KeyType.EC_P256.generate(random);
        KeyPair p384 = KeyType.EC_P384.generate(random);
        assertThat(KeyMatch.matches(p256.getPublic(), p256.getPrivate())).isTrue();
        assertThat(KeyMatch.matches(p256.getPublic(), other.getPrivate())).isFalse();
        assertThat(KeyMatch.matches(p256.getPublic(), p384.getPrivate())).isFalse();
        assertThat(KeyDescriptions.describeKey(p384.getPrivate())).isEqualTo("EC P-384");
        assertThat(KeyDescriptions.bits(p384.getPublic())).isEqualTo(384);
    }

    @Test
    void edDsaSignsAChallenge() throws Exception {
        KeyPair a = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        KeyPair b = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        assertThat(KeyMatch.matches(a.getPublic(), a.getPrivate())).isTrue();
        assertThat(KeyMatch.matches(a.getPublic(), b.getPrivate())).isFalse();
        assertThat(KeyDescriptions.type(a.getPublic())).isEqualTo("Ed25519");
        KeyPair ed448 = KeyPairGenerator.getInstance("Ed448").generateKeyPair();
        assertThat(KeyDescriptions.describeKey(ed448.getPrivate())).isEqualTo("Ed448");
        assertThat(KeyMatch.matches(a.getPublic(), ed448.getPrivate())).isFalse();
    }

    @Test
    void credentialsNameTheCertificateAndBothKeys() {
        IssuedCertificate cert = issuer.selfSigned(CertificateSpec.builder().subject("CN=device-1,O=Example").build());
        KeyPair rsa = KeyType.RSA_2048.generate(random);
        assertThatThrownBy(() -> Credentials.of(List.of(cert.certificate()), rsa.getPrivate()))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.error()).isEqualTo(TlsError.KEY_CERT_MISMATCH))
                .hasMessage("private key does not match the certificate CN=device-1,O=Example "
                        + "(key is RSA 2048, certificate holds EC P-256): use the key the certificate was issued for");
        assertThatThrownBy(() -> Credentials.of(List.of(), rsa.getPrivate())).hasMessageContaining("chain is empty");
        Credentials ok = Credentials.of(List.of(cert.certificate()), cert.privateKey());
        assertThat(ok.subject()).isEqualTo("CN=device-1,O=Example");
        assertThat(ok.leaf()).isEqualTo(cert.certificate());
        assertThat(ok.chain()).isUnmodifiable();
    }
}
