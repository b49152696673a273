/**
 * Documents in and out: {@code LocatedTreeReader} reads one YAML or JSON document defensively (size, depth; no
 * duplicate keys, anchors, aliases or tags), keeping where each value came from ({@code LocatedTree},
 * {@code SourceLocation}); {@code SpecCodec} holds the deterministic object mappers; {@code DocumentPaths} and
 * {@code Durations} are the path and duration syntax users see.
 *
 * <p>Depends on Jackson and SnakeYAML only, on no other model package.
 */
package dev.calicodcos.model.codec;
