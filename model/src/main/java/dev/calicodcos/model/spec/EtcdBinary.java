package dev.calicodcos.model.spec;

import java.util.Optional;

public record EtcdBinary(String path, String url, Optional<String> sha256) {}
