package dev.herald.server.config;

import dev.herald.server.auth.LoginThrottle;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The server's settings, typed. Each field is one key of {@code conf/herald.conf}, where it is
 * documented; {@link ConfigLoader} builds this from that file and command-line overrides.
 */
public record HeraldConfig(
        String hostname,
        String bindAddress,
        Path dataDir,
        int httpPort,
        int httpMaxBody,
        int httpWorkers,
        Duration httpIdleTimeout,
        String dnsResolver,
        Duration dnsTimeout,
        int dnsRecordTtl,
        String dnsSpf,
        String dnsDmarc,
        Duration mailboxReaperInterval,
        Duration mailboxMaxTtl,
        int smtpMxPort,
        int smtpSubmissionPort,
        int smtpSubmissionsPort,
        java.util.Optional<Path> tlsCertificate,
        java.util.Optional<Path> tlsKey,
        long smtpMaxMessageSize,
        int smtpMaxRecipients,
        int smtpMaxCommandLine,
        int smtpMaxLineLength,
        Duration smtpCommandTimeout,
        Duration smtpDataTimeout,
        int smtpMaxConnections,
        int smtpMaxConnectionsPerClient,
        int smtpMaxErrors,
        LoginThrottle.Settings authThrottle,
        Duration threadSubjectWindow,
        long spoolSegmentSize,
        int imapPort,
        int imapsPort,
        int imapMaxCommandLine,
        long imapMaxLiteral,
        Duration imapIdleTimeout,
        Duration imapIdleMax,
        int imapMaxSessionsPerAccount,
        int imapMaxConnectionsPerClient,
        int imapMaxConnections,
        int imapMaxBadCommands,
        long imapPreauthMaxLiteral,
        boolean imapPlaintextLogin,
        boolean outboundEnabled,
        int outboundWorkers,
        Duration outboundPollInterval,
        int outboundPort,
        boolean outboundAllowPrivateMx,
        boolean outboundAllowPrivateRelays,
        boolean cryptoNative,
        java.util.List<Duration> outboundRetrySchedule,
        Duration outboundMaxAge,
        Duration outboundConnectTimeout,
        Duration outboundCommandTimeout,
        int outboundMaxPerDestination,
        int outboundMaxInFlight,
        java.util.List<java.net.InetAddress> outboundSourceAddresses,
        String httpPublicUrl,
        String feedbackAddressSetting,
        Duration eventsRetention,
        boolean eventsEnabled,
        boolean webhooksAllowPrivate,
        Duration webhooksTimeout,
        Duration webhooksRetryBase,
        Duration webhooksRetryMax,
        int webhooksPauseAfter,
        int webhooksMaxAttempts) {

    /** Where ARF complaint reports are sent: the setting, or fbl@ this server's host name. */
    public String feedbackAddress() {
        return feedbackAddressSetting.isEmpty() ? "fbl@" + hostname().toLowerCase(java.util.Locale.ROOT) : feedbackAddressSetting;
    }

}
