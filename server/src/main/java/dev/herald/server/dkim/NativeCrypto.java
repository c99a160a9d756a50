package dev.herald.server.dkim;

import java.security.Security;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts Amazon Corretto Crypto Provider first among the JCA providers when its native library loads
 * and passes its self-tests: every RSA signature (DKIM, one per outgoing message) then runs in
 * native code, and TLS gets its faster AES-GCM and ECDH too. Where it does not load (another OS or
 * CPU, crypto.native = false) the JDK's providers stay as they are. Which one is in use is logged
 * at start.
 */
public final class NativeCrypto {
    private static final Logger log = LoggerFactory.getLogger(NativeCrypto.class);
    private static volatile String inUse;

    private NativeCrypto() {
    }

    /** Idempotent; returns what signs: "ACCP x.y.z" or "JDK". */
    public static synchronized String install(boolean wanted) {
        if (inUse != null) {
            return inUse;
        }
        if (!wanted) {
            log.info("crypto: the JDK's providers (crypto.native = false)");
            return inUse = "JDK";
        }
        try {
            var accp = com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider.INSTANCE;
            var error = accp.getLoadingError();
            if (error != null) {
                log.info("crypto: the JDK's providers (Amazon Corretto Crypto Provider did not load: {})", error.toString());
                return inUse = "JDK";
            }
            com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider.install();
            accp.assertHealthy();
            inUse = "ACCP " + accp.getVersionStr();
            log.info("crypto: Amazon Corretto Crypto Provider {} first (native RSA for DKIM, AES-GCM and ECDH for TLS)", accp.getVersionStr());
        } catch (Throwable e) { // LinkageError included: a platform without the native library
            Security.removeProvider("AmazonCorrettoCryptoProvider");
            log.info("crypto: the JDK's providers (Amazon Corretto Crypto Provider unusable here: {})", e.toString());
            inUse = "JDK";
        }
        return inUse;
    }
}
