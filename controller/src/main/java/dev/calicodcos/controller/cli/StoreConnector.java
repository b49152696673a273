package dev.calicodcos.controller.cli;

import dev.calicodcos.kvstore.EtcdOptions;
import dev.calicodcos.kvstore.KvStore;

/** Opens the etcd the CLI talks to; a seam so tests can interpose on a real store. */
@FunctionalInterface
public interface StoreConnector {
    KvStore connect(EtcdOptions options);
}
