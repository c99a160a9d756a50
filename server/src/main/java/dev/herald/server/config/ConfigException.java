package dev.herald.server.config;

/** A configuration file or setting that cannot be used; the message names the setting and the problem. */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}
