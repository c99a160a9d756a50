package dev.herald.storage;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SecretsTest {
    @Test
    void generatedTokensUseTheFastHash() {
        var token = Secrets.newMailboxPassword();
        assertThat(token).hasSize(32);
        var stored = Secrets.hashToken(token);
        assertThat(stored).startsWith("sha256$").doesNotContain(token);
        assertThat(Secrets.verify(stored, token)).isTrue();
        assertThat(Secrets.verify(stored, token + "x")).isFalse();
        assertThat(Secrets.newApiKey()).startsWith("hk_").hasSize(46).isNotEqualTo(Secrets.newApiKey());
    }

    @Test
    void chosenPasswordsUseSaltedPbkdf2() {
        var a = Secrets.hashPassword("correct horse battery staple");
        var b = Secrets.hashPassword("correct horse battery staple");
        assertThat(a).startsWith("pbkdf2-sha256$600000$").isNotEqualTo(b);
        assertThat(Secrets.verify(a, "correct horse battery staple")).isTrue();
        assertThat(Secrets.verify(a, "Correct horse battery staple")).isFalse();
        assertThat(Secrets.verify("garbage", "x")).isFalse();
    }
}
