/** JSON to Mesos protobuf (strict) and back, and RecordIO framing. */
package dev.calicodcos.sim.proto;
