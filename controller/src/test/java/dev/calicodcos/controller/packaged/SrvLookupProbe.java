package dev.calicodcos.controller.packaged;

import dev.calicodcos.reconcilers.etcdproxy.JndiSrvResolver;
import dev.calicodcos.reconcilers.host.StepFailure;

/** Run on the jlink runtime by {@link NodeRuntimeIT}: the etcd proxy's SRV lookup, as the node agent does it. */
public final class SrvLookupProbe {
    private SrvLookupProbe() {}

    public static void main(String[] args) {
        try {
            System.out.println("records " + new JndiSrvResolver().lookup(args[0]));
        } catch (StepFailure e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            System.out.println("failed " + cause.getClass().getName() + ": " + e.getMessage());
        }
    }
}
