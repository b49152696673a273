package dev.calicodcos.controller.fleet;

/** A file a node-agent task fetches: its URL and the SHA-256 of its content. */
public record FetchedArtifact(String url, String sha256) {}
