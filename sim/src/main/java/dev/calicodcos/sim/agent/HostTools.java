package dev.calicodcos.sim.agent;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The agent's {@code ip} ({@code usr/sbin/ip}, as on CentOS 7, where {@code /sbin} links to it) and
 * {@code detect_ip}, shaped like DC/OS's ip-detect scripts ({@code gen/ip-detect/vagrant.sh}): it calls
 * {@code ip} by name through its {@code PATH}.
 */
final class HostTools {
    static final String IP = "usr/sbin/ip";
    static final String DETECT_IP = "opt/mesosphere/bin/detect_ip";

    private HostTools() {}

    static void write(Path root, String address) throws IOException {
        HostRoot.executable(root.resolve(IP), ip(address));
        HostRoot.executable(root.resolve(DETECT_IP), detectIp(root.resolve(IP)));
    }

    /**
     * This machine has an {@code ip} in {@code /usr/bin} and {@code /bin}, a CentOS 7 agent has none
     * there: a lookup through {@code PATH} that does not reach the agent's own {@code ip} fails the way
     * bash does on the agent, {@code detect_ip: line N: ip: command not found}, exit 127.
     */
    static String detectIp(Path agentIp) {
        return """
                #!/bin/bash
                # Stand-in for DC/OS's ip-detect script (calico-dcos sim), as gen/ip-detect/vagrant.sh: calls ip through PATH.
                set -o nounset -o errexit -o pipefail
                ip() {
                  local dir IFS=:
                  for dir in $PATH; do
                    if [ -x "${dir:-.}/ip" ] && [ "${dir:-.}/ip" -ef %s ]; then
                      "${dir:-.}/ip" "$@"
                      return
                    fi
                  done
                  echo "$0: line ${BASH_LINENO[0]}: ip: command not found" >&2
                  return 127
                }
                ipv4=$(ip route get 8.8.8.8 | awk '{ for(i=1; i<NF; i++) { if($i == "src") {print $(i+1); exit} } }')
                echo "$ipv4"
                """.formatted(quote(agentIp.toString()));
    }

    /** {@code ip addr show} and {@code ip route get|show} for an agent with {@code eth0} holding its address. */
    static String ip(String address) {
        String net = address.contains(".") ? address.substring(0, address.lastIndexOf('.')) : address;
        return """
                #!/bin/bash
                # Stand-in for iproute2's ip on a simulated DC/OS agent (calico-dcos sim): lo and eth0 with the agent's address.
                addr=%s
                net=%s
                family=
                oneline=
                while [ $# -gt 0 ]; do
                  case "$1" in
                    -4) family=4 ;;
                    -6) family=6 ;;
                    -o|-oneline) oneline=1 ;;
                    -f|-family) shift; family="${1#inet}"; [ "$family" = "" ] && family=4 ;;
                    -*) ;;
                    *) break ;;
                  esac
                  shift
                done
                object="${1:-}"
                [ $# -gt 0 ] && shift
                command="${1:-show}"
                [ $# -gt 0 ] && shift
                [ "${1:-}" = dev ] && shift
                target="${1:-}"
                link() {
                  case "$1" in
                    lo) echo "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000"
                        echo "    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00" ;;
                    eth0) echo "2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc pfifo_fast state UP group default qlen 1000"
                          echo "    link/ether 52:54:00:12:34:56 brd ff:ff:ff:ff:ff:ff" ;;
                  esac
                }
                inet() {
                  local index=$1 name=$2 cidr=$3 rest=$4
                  [ "$family" = 6 ] && return
                  if [ -n "$oneline" ]; then
                    echo "$index: $name    inet $cidr $rest\\       valid_lft forever preferred_lft forever"
                  else
                    [ -z "$family" ] && link "$name"
                    [ -n "$family" ] && link "$name" | head -1
                    echo "    inet $cidr $rest"
                    echo "       valid_lft forever preferred_lft forever"
                  fi
                }
                case "$object" in
                  a|ad|add|addr|addre|addres|address)
                    case "$command" in
                      show|list|ls|lst|sh|s)
                        case "$target" in
                          ""|lo|eth0) ;;
                          *) echo "Device \\"$target\\" does not exist." >&2; exit 1 ;;
                        esac
                        [ -z "$target" -o "$target" = lo ] && inet 1 lo 127.0.0.1/8 "scope host lo"
                        [ -z "$target" -o "$target" = eth0 ] && inet 2 eth0 "$addr/24" "brd $net.255 scope global eth0"
                        exit 0 ;;
                    esac ;;
                  r|ro|rou|rout|route)
                    case "$command" in
                      get|g)
                        case "$target" in
                          "") echo 'Error: an inet prefix is expected rather than "".' >&2; exit 1 ;;
                          127.*) echo "local $target dev lo src 127.0.0.1"; echo "    cache <local>" ;;
                          "$net".*) echo "$target dev eth0 src $addr"; echo "    cache" ;;
                          *) echo "$target via $net.1 dev eth0 src $addr"; echo "    cache" ;;
                        esac
                        exit 0 ;;
                      show|list|ls|sh|s)
                        echo "default via $net.1 dev eth0"
                        echo "$net.0/24 dev eth0 proto kernel scope link src $addr"
                        exit 0 ;;
                    esac ;;
                  "") echo 'Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }' >&2; exit 255 ;;
                  *) echo "Object \\"$object\\" is unknown, try \\"ip help\\"." >&2; exit 255 ;;
                esac
                echo "Command \\"$command\\" is unknown, try \\"ip $object help\\"." >&2
                exit 255
                """.formatted(quote(address), quote(net));
    }

    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
