package dev.herald.server.dkim;

import dev.herald.storage.model.DkimKey;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.simplejavamail.utils.mail.dkim.Canonicalization;
import org.simplejavamail.utils.mail.dkim.DkimMessage;
import org.simplejavamail.utils.mail.dkim.DkimSigner;
import org.simplejavamail.utils.mail.dkim.SigningAlgorithm;

/**
 * Signs a message for a domain with one of its DKIM keys (rsa-sha256, relaxed/relaxed), with
 * java-utils-mail-dkim. Returns the bytes to send: the signature is over exactly these bytes, so
 * the outbound client must send them unchanged.
 */
public final class DkimSigning {
    private static final Session SESSION = Session.getInstance(new Properties());
    /**
     * Decoded private keys by their encoded bytes: decoding PKCS#8 on every message was a
     * measurable share of outbound time. Keyed on the content, not the row id, because a key can
     * be regenerated in place; a few retired keys staying in memory is the price.
     */
    private static final ConcurrentHashMap<ByteBuffer, RSAPrivateKey> DECODED = new ConcurrentHashMap<>();

    private DkimSigning() {
    }

    private static RSAPrivateKey decoded(DkimKey key) throws GeneralSecurityException {
        var known = DECODED.get(ByteBuffer.wrap(key.privateKey()));
        if (known != null) {
            return known;
        }
        var fresh = (RSAPrivateKey) KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(key.privateKey()));
        DECODED.put(ByteBuffer.wrap(key.privateKey().clone()), fresh); // the map's key must not change under it
        return fresh;
    }

    public static byte[] sign(byte[] message, String domain, DkimKey key) {
        try {
            var privateKey = decoded(key);
            var signer = new DkimSigner(domain, key.selector(), privateKey);
            signer.setSigningAlgorithm(SigningAlgorithm.SHA256_WITH_RSA);
            signer.setHeaderCanonicalization(Canonicalization.RELAXED);
            signer.setBodyCanonicalization(Canonicalization.RELAXED);
            signer.setCheckDomainKey(false); // Herald's own key; `domain verify` checks what DNS publishes
            signer.setLengthParam(false);
            signer.setZParam(false);
            // The library's default list covers From, To, Cc, Subject, Date, Message-ID, MIME-Version,
            // Content-Type, In-Reply-To, References and more; one-click unsubscribe must be signed too (RFC 8058).
            signer.addHeaderToSign("List-Unsubscribe");
            signer.addHeaderToSign("List-Unsubscribe-Post");
            var mime = new MimeMessage(SESSION, new ByteArrayInputStream(message));
            var out = new ByteArrayOutputStream(message.length + 1024);
            new DkimMessage(mime, signer).writeTo(out);
            return out.toByteArray();
        } catch (GeneralSecurityException | MessagingException | IOException e) {
            throw new IllegalStateException("cannot DKIM-sign for " + domain + " with selector " + key.selector() + ": " + e.getMessage(), e);
        }
    }
}
