package dev.herald.server.tls;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import javax.net.ssl.SSLException;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's TLS certificate and key: the configured PEM files, or a self-signed pair generated
 * into {@code data/tls/} on first start (key 0600) so that STARTTLS and implicit TLS work out of the box.
 */
public final class TlsMaterial {
    private static final Logger log = LoggerFactory.getLogger(TlsMaterial.class);
    private static final Duration VALIDITY = Duration.ofDays(825);

    private TlsMaterial() {
    }

    public static SslContext serverContext(Optional<Path> certificate, Optional<Path> key, Path dataDir, String hostname) {
        Path cert;
        Path pk;
        if (certificate.isPresent() || key.isPresent()) {
            cert = certificate.orElseThrow(() -> new IllegalStateException("tls.key is set but tls.certificate is not"));
            pk = key.orElseThrow(() -> new IllegalStateException("tls.certificate is set but tls.key is not"));
        } else {
            cert = dataDir.resolve("tls/cert.pem");
            pk = dataDir.resolve("tls/key.pem");
            if (!Files.exists(cert) || !Files.exists(pk)) {
                generate(cert, pk, hostname);
            }
        }
        try {
            return SslContextBuilder.forServer(cert.toFile(), pk.toFile()).protocols("TLSv1.3", "TLSv1.2").build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot load the TLS certificate " + cert + " and key " + pk + ": " + e.getMessage(), e);
        }
    }

    static void generate(Path cert, Path key, String hostname) {
        try {
            Files.createDirectories(cert.getParent());
            var gen = KeyPairGenerator.getInstance("RSA");
            gen.initialize(2048);
            var pair = gen.generateKeyPair();
            var subject = new X500Name("CN=" + hostname);
            var now = Instant.now();
            var builder = new JcaX509v3CertificateBuilder(subject, new BigInteger(64, new SecureRandom()),
                    Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(VALIDITY)), subject, pair.getPublic());
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.dNSName, hostname)));
            var signer = new JcaContentSignerBuilder("SHA256withRSA").build(pair.getPrivate());
            var x509 = new JcaX509CertificateConverter().getCertificate(builder.build(signer));
            Files.deleteIfExists(key);
            Files.createFile(key, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (Writer w = Files.newBufferedWriter(key, StandardCharsets.US_ASCII); var pem = new JcaPEMWriter(w)) {
                pem.writeObject(new JcaPKCS8Generator(pair.getPrivate(), null));
            }
            try (Writer w = Files.newBufferedWriter(cert, StandardCharsets.US_ASCII); var pem = new JcaPEMWriter(w)) {
                pem.writeObject(x509);
            }
            log.info("generated a self-signed TLS certificate for {} in {}", hostname, cert);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the TLS certificate: " + e.getMessage(), e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot generate a TLS certificate: " + e.getMessage(), e);
        }
    }
}
