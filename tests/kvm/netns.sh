# Sourced by the KVM test scripts: make_netns creates a namespace with
# tap0 = 192.0.2.1/24 (RFC 5737 TEST-NET-1: nothing leaves it). Sets $ns
# (the caller deletes it: ip netns del "$ns"); returns 1 with $why set when
# that is impossible here. Uses $dir for its scratch files.
make_netns() {
  why=""
  if [ "$(id -u)" != 0 ]; then why="not root"
  elif [ ! -c /dev/net/tun ]; then why="no /dev/net/tun"
  elif ! command -v ip >/dev/null; then why="ip(8) is missing"
  fi
  [ -n "$why" ] && return 1
  local name=vmmgv$$
  if ! ip netns add "$name" 2>"$dir/ip.err"; then
    why="ip netns add failed: $(cat "$dir/ip.err")"; return 1
  fi
  ns=$name
  if ! { ip netns exec "$ns" ip tuntap add dev tap0 mode tap &&
         ip -n "$ns" addr add 192.0.2.1/24 dev tap0 &&
         ip -n "$ns" link set tap0 up &&
         ip -n "$ns" link set lo up; } 2>"$dir/ip.err"; then
    why="tap0 setup failed: $(cat "$dir/ip.err")"; return 1
  fi
  return 0
}
