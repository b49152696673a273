package dev.calicodcos.reconcilers.etcdproxy;

import dev.calicodcos.model.agent.StepReason;
import dev.calicodcos.reconcilers.host.StepFailure;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Hashtable;
import java.util.List;
import javax.naming.NameNotFoundException;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.directory.Attributes;
import javax.naming.directory.DirContext;
import javax.naming.directory.InitialDirContext;

/** {@link SrvResolver} through the JDK's JNDI DNS provider and the host's resolvers. */
public final class JndiSrvResolver implements SrvResolver {
    @Override
    public List<String> lookup(String recordName) {
        Hashtable<String, String> env = new Hashtable<>();
        env.put("java.naming.factory.initial", "com.sun.jndi.dns.DnsContextFactory");
        env.put("com.sun.jndi.dns.timeout.initial", "2000");
        env.put("com.sun.jndi.dns.timeout.retries", "2");
        try {
            DirContext dns = new InitialDirContext(env);
            try {
                Attributes attributes = dns.getAttributes(recordName, new String[] {"SRV"});
                Attribute srv = attributes.get("SRV");
                if (srv == null) {
                    return List.of();
                }
                List<SrvRecord> records = new ArrayList<>();
                NamingEnumeration<?> values = srv.getAll();
                while (values.hasMore()) {
                    records.add(SrvRecord.parse(values.next().toString()));
                }
                return ordered(records);
            } finally {
                dns.close();
            }
        } catch (NameNotFoundException e) {
            return List.of();
        } catch (NamingException e) {
            throw new StepFailure(StepReason.SRV_LOOKUP_FAILED, "DNS SRV lookup of " + recordName + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Priority, then weight (heaviest first), then name: DNS servers rotate equal records, and an
     * order that changed with every answer would change the proxy's unit, and so restart it.
     */
    static List<String> ordered(List<SrvRecord> records) {
        return records.stream()
                .sorted(Comparator.comparingInt(SrvRecord::priority)
                        .thenComparing(Comparator.comparingInt(SrvRecord::weight).reversed())
                        .thenComparing(SrvRecord::hostPort))
                .map(SrvRecord::hostPort)
                .toList();
    }

    /** {@code "priority weight port target."} as JNDI returns it. */
    record SrvRecord(int priority, int weight, int port, String target) {
        static SrvRecord parse(String text) {
            String[] parts = text.trim().split("\\s+");
            String target = parts[3].endsWith(".") ? parts[3].substring(0, parts[3].length() - 1) : parts[3];
            return new SrvRecord(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2]), target);
        }

        String hostPort() {
            return target + ":" + port;
        }
    }
}
