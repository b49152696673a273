package dev.calicodcos.sim.agent;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes the fake {@code systemctl} (at {@code <root>/usr/bin/systemctl}, where CentOS 7 has it): a bash
 * script that needs nothing from {@code PATH}, logs the call to the host root, asks the
 * simulator's admin endpoint over bash's {@code /dev/tcp} (no curl needed) and waits for the answer,
 * so {@code systemctl restart} returns only once the unit is back, as the real one does; then it logs
 * {@code exit=<code>} with the same arguments, so tests can see how long each call took.
 *
 * <p>Answer protocol (body of the admin response): first line the exit code, then lines prefixed
 * {@code O:} for stdout and {@code E:} for stderr.
 */
final class FakeSystemctlScript {
    private FakeSystemctlScript() {}

    static void write(Path systemctl, Path logFile, int adminPort, String agentName) throws IOException {
        String script = """
                #!/bin/bash
                # Fake systemctl of simulated DC/OS agent %2$s (calico-dcos sim).
                export LC_ALL=C
                printf '%%s %%s\\n' "$(/bin/date -u +%%Y-%%m-%%dT%%H:%%M:%%S.%%3NZ)" "$*" >> '%1$s'
                body=""
                for a in "$@"; do body+="$a"$'\\n'; done
                if ! exec 3<>/dev/tcp/127.0.0.1/%3$d; then
                  echo "Failed to connect to bus: simulator not reachable" >&2
                  exit 1
                fi
                printf 'POST /agents/%2$s/systemctl HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\nContent-Type: text/plain\\r\\nContent-Length: %%d\\r\\nConnection: close\\r\\n\\r\\n%%s' "${#body}" "$body" >&3
                IFS= read -r status <&3
                case "$status" in
                  "HTTP/1.1 200"*) ;;
                  *) echo "Failed to connect to bus: ${status}" >&2; exit 1 ;;
                esac
                while IFS= read -r line <&3; do
                  line="${line%%$'\\r'}"
                  [ -z "$line" ] && break
                done
                IFS= read -r code <&3
                while IFS= read -r line <&3 || [ -n "$line" ]; do
                  case "$line" in
                    O:*) printf '%%s\\n' "${line#O:}" ;;
                    E:*) printf '%%s\\n' "${line#E:}" >&2 ;;
                  esac
                done
                exec 3<&-
                printf '%%s exit=%%s %%s\\n' "$(/bin/date -u +%%Y-%%m-%%dT%%H:%%M:%%S.%%3NZ)" "${code:-1}" "$*" >> '%1$s'
                exit "${code:-1}"
                """.formatted(logFile.toString(), agentName, adminPort);
        HostRoot.executable(systemctl, script);
    }
}
