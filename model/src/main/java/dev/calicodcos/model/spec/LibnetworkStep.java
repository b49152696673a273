package dev.calicodcos.model.spec;

public record LibnetworkStep(boolean enabled, String image, boolean privileged) implements StepSection {}
