/** JSON to Mesos protobuf (strict) and back, and RecordIO framing. Depends on protobuf-java(-util), the Mesos protobufs and Jackson. */
package dev.calicodcos.sim.proto;
