package dev.calicodcos.model.agent;

import dev.calicodcos.model.spec.CalicoClusterSpec;

/**
 * The spec every plan references, at {@code clusters/<name>/spec-in-force}: the last valid spec
 * (the user's key may hold a newer, invalid one) with the revision plans name it by. The leader
 * writes it before the first plan that references a new revision.
 *
 * @param revision the user's spec key's mod revision when this spec was read (the generation)
 */
public record SpecInForce(long revision, CalicoClusterSpec spec) {}
