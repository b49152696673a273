package dev.calicodcos.model.spec;

public record Resources(double cpus, int memMb) {}
