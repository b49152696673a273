package dev.calicodcos.model.spec;

import java.util.Optional;

/** A file the node agent fetches, with the checksum it must have. */
public record Download(String url, Optional<String> sha256) {}
