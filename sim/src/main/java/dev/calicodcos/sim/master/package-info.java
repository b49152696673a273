/**
 * The leading Mesos master: HTTP endpoints (legacy read-only, v1 scheduler, v1 operator) in front of
 * one state machine ({@link dev.calicodcos.sim.master.Master}) that owns frameworks, agents, offers and
 * tasks under a single lock. Pure parts (allocation, launch validation, resource arithmetic, legacy
 * JSON) are separate classes with no I/O. Depends on {@code proto}, {@code auth}, the root's {@code AgentSpec}
 * and the Mesos protobufs; it reaches agents only through {@code AgentConnection}, never {@code agent} itself.
 */
package dev.calicodcos.sim.master;
