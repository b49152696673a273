package dev.calicodcos.model.spec;

import java.util.Optional;

/** Absolute host paths of TLS material on an agent. */
public record TlsFiles(Optional<String> caFile, Optional<String> certFile, Optional<String> keyFile) {}
