/**
 * The files node-agent tasks fetch from the controller ({@code NodeArtifacts}: the jar and the jlink Java
 * runtime), each an {@code Artifact} under a URL that names its SHA-256, so the Mesos fetcher cache never serves
 * old bytes; and {@code JarCheck}, with which the {@code node} command refuses a jar other than the one it was
 * launched with.
 *
 * <p>JDK only.
 */
package dev.calicodcos.controller.artifacts;
