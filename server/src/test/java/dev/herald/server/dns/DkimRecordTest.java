package dev.herald.server.dns;

import static dev.herald.server.testing.TestApi.expect;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.server.testing.TestHerald;
import dev.herald.storage.DataDirectory;
import dev.herald.storage.Database;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The DKIM records Herald prints carry exactly the public halves of the private keys it stores. */
class DkimRecordTest {
    private static final Pattern DKIM_LINE = Pattern.compile("^(herald\\d)\\._domainkey\\.acme\\.com\\. 3600 IN TXT (.*)$", Pattern.MULTILINE);

    @TempDir
    Path data;

    @Test
    void printedRecordsVerifySignaturesMadeWithTheStoredKeys() throws Exception {
        var printed = new HashMap<String, String>();
        try (var herald = TestHerald.start(data)) {
            var admin = herald.admin();
            admin.createTenant("acme");
            var zone = admin.addDomain("acme", "acme.com").get("zone").asText();
            var m = DKIM_LINE.matcher(zone);
            while (m.find()) {
                // Undo the zone-file form: join the quoted character-strings back into one value.
                var value = String.join("", m.group(2).replaceAll("^\\( | \\)$", "").split("\" \"")).replace("\"", "");
                printed.put(m.group(1), value);
            }
            var rotated = expect(200, admin.post("/v1/domains/acme.com/rotate-dkim", Map.of()));
            assertThat(rotated.get("active_selector").asText()).isEqualTo("herald2");
            assertThat(rotated.get("zone").asText()).isEqualTo(zone); // a flip publishes nothing new
        }
        assertThat(printed).containsOnlyKeys("herald1", "herald2");

        // With the server stopped, read the stored private keys as the signer will.
        try (var db = Database.open(DataDirectory.open(data))) {
            var domain = db.stores().domains().byName("acme.com").orElseThrow();
            var keys = db.stores().domains().dkimKeys(domain.id());
            assertThat(keys).extracting(k -> k.selector() + "=" + k.active()).containsExactly("herald1=false", "herald2=true");
            for (var key : keys) {
                var record = printed.get(key.selector());
                assertThat(record).startsWith("v=DKIM1; k=rsa; p=");
                var publicKey = (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(
                        new X509EncodedKeySpec(Base64.getDecoder().decode(record.substring(record.indexOf("p=") + 2))));
                assertThat(publicKey.getModulus().bitLength()).isEqualTo(2048);
                var privateKey = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(key.privateKey()));

                var message = ("signed with " + key.selector()).getBytes(StandardCharsets.UTF_8);
                var signer = Signature.getInstance("SHA256withRSA");
                signer.initSign(privateKey);
                signer.update(message);
                var signature = signer.sign();
                var verifier = Signature.getInstance("SHA256withRSA");
                verifier.initVerify(publicKey);
                verifier.update(message);
                assertThat(verifier.verify(signature)).as("record of %s verifies its own key", key.selector()).isTrue();
            }
            assertThat(printed.get("herald1")).isNotEqualTo(printed.get("herald2"));
        }
    }

    @Test
    void secretsAreOwnerOnly() throws Exception {
        try (var herald = TestHerald.start(data)) {
            herald.admin().createTenant("perm");
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("admin.key")))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("herald.mv.db")))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data)))
                .isEqualTo("rwx------");
        assertThat(Files.readString(data.resolve("admin.key")).trim()).matches("hk_[A-Za-z0-9_-]{43}");
    }
}
