package dev.herald.storage.model;

public record NewDkimKey(String selector, byte[] privateKey, byte[] publicKey, boolean active) {
}
