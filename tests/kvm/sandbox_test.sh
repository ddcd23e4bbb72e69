#!/usr/bin/env bash
# The sandbox (docs/security.md) around real guest runs.
#
#   sandbox_test.sh MODE VMM KERNEL WORKDIR
#   MODE default            plain run, --log info: seccomp enforce and no
#                           capabilities left, read back; the guest passes;
#                           the same with --seccomp log, errno and off (and
#                           only off warns)
#   MODE workload           virtio_test.sh all (every device, --cpus 2,
#                           hostile mode) with an explicit --seccomp enforce
#   MODE workload_exitpath  the same with --eventfd off (device work on the
#                           vCPU threads)
#   MODE jail               --jail DIR --uid/--gid 65534: pid 1, no
#                           capabilities, the ids, the guest passes (root)
#   MODE jail_workload      virtio_test.sh all in a jail as uid 65534 (root)
#   MODE jail_sigterm       SIGTERM to the jail's parent ends the jailed vmm:
#                           status 143 (root)
#   MODE jail_restart       --on-reset restart in a jail: the VM is rebuilt
#                           under the filters at least 3 times (root)
#   MODE jail_supervisor    the jail's parent while the guest runs (root,
#                           --uid/--gid 65534): no capabilities,
#                           no_new_privs, its own seccomp filter, real uid
#                           kept; the child's threads named; SIGTERM still
#                           forwarded: 143
#   MODE jail_orphan        SIGKILL to the jail's parent: the jailed vmm
#                           dies with it (PR_SET_PDEATHSIG), within 10 s
#   MODE thread_names       --cpus 2: the threads are vmm, vmm-io,
#                           vmm-vcpu0 and vmm-vcpu1 (/proc/PID/task/*/comm)
#   MODE errors             one line naming the failed step, status 1 (a
#                           non-empty --jail DIR, before any file is
#                           created or truncated); --uid without --gid and
#                           the reverse, status 2
# WORKDIR holds a fresh directory per run (jail roots, wrappers), removed
# at the end. Without /dev/kvm: 77 (SKIPPED); jail modes without root: 77.
set -u
here=$(cd "$(dirname "$0")" && pwd)
mode=$1 vmm=$2 kernel=$3 workdir=$4
[ "$("$here/hostkind.sh")" = none ] && { echo "SKIPPED: /dev/kvm is missing or not accessible"; exit 77; }
case "$mode" in
  jail*) [ "$(id -u)" = 0 ] || { echo "SKIPPED: the jail needs root"; exit 77; } ;;
esac
pid=
mkdir -p "$workdir" || exit 1
dir=$(mktemp -d "$workdir/sandbox_$mode.XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT
out=$dir/out
fail=0
jail=$dir/jail
mkdir -m 0755 "$jail"

# wrap ARGS...: a vmm that always adds ARGS (for virtio_test.sh).
wrap() {
  { echo '#!/bin/sh'; printf 'exec %q' "$vmm"; printf ' %q' "$@"; echo ' "$@"'; } >"$dir/vmm"
  chmod +x "$dir/vmm"
}

expect() {
  for t in "$@"; do
    grep -qF -- "$t" "$out" || { echo "FAIL: output lacks: $t"; fail=1; }
  done
}

reject() {
  for t in "$@"; do
    grep -qF -- "$t" "$out" && { echo "FAIL: output has: $t"; fail=1; }
  done
}

# run STATUS ARGS...: vmm ARGS to completion; its status must be STATUS.
run() {
  local want=$1; shift
  timeout -k 5 60 "$vmm" --accel kvm --kernel "$kernel" "$@" </dev/null >"$out" 2>&1
  local rc=$?
  [ "$rc" = "$want" ] || { echo "FAIL: exit status $rc, expected $want"; fail=1; }
}

# start READY NEED ARGS...: start vmm in the background ($pid), and wait
# until READY was printed NEED times.
start() {
  local ready=$1 need=$2; shift 2
  "$vmm" --accel kvm --kernel "$kernel" "$@" </dev/null >"$out" 2>&1 &
  pid=$!
  for _ in $(seq 600); do
    [ "$(grep -cF "$ready" "$out")" -ge "$need" ] && break
    kill -0 $pid 2>/dev/null || break
    sleep 0.1
  done
  [ "$(grep -cF "$ready" "$out")" -ge "$need" ] || { echo "FAIL: saw '$ready' fewer than $need times"; fail=1; }
}

# stop: SIGTERM $pid; it must end with 143 within 10 s.
stop() {
  local rc=""
  kill -TERM $pid 2>/dev/null
  for _ in $(seq 100); do
    if ! kill -0 $pid 2>/dev/null; then wait $pid; rc=$?; break; fi
    sleep 0.1
  done
  if [ -z "$rc" ]; then echo "FAIL: still running 10 s after SIGTERM"; kill -9 $pid; fail=1
  elif [ "$rc" != 143 ]; then echo "FAIL: exit status $rc, expected 143"; fail=1; fi
}

# signal_run READY NEED ARGS...: start, then stop.
signal_run() { start "$@"; stop; }

# status_is PID FIELD VALUE: /proc/PID/status's FIELD is VALUE (its
# words separated by single spaces).
status_is() {
  local got
  got=$(awk -v f="$2:" '$1 == f { $1 = ""; sub(/^ /, ""); print }' "/proc/$1/status")
  [ "$got" = "$3" ] || { echo "FAIL: pid $1 $2 is '$got', expected '$3'"; fail=1; }
}

# threads_are PID NAMES: the sorted names of PID's threads, but the
# kernel's own (KVM's kvm-nx-lpage-recovery worker, a thread of the VM's
# process since Linux 6.13).
threads_are() {
  local got
  got=$(cat /proc/"$1"/task/*/comm | grep -v '^kvm-' | sort | tr '\n' ' ')
  [ "$got" = "$2 " ] || { echo "FAIL: pid $1 threads are '$got', expected '$2'"; fail=1; }
}

case "$mode" in
  default)
    run 0 --log info
    expect "vmm: sandbox: seccomp enforce, capabilities left: none" "testguest: PASS"
    reject "warning: --seccomp off"
    for m in log errno off; do
      run 0 --log info --seccomp "$m"
      expect "vmm: sandbox: seccomp $m, capabilities left: none" "testguest: PASS"
      if [ "$m" = off ]; then expect "vmm: warning: --seccomp off: no system call filters"
      else reject "warning: --seccomp off"; fi
    done ;;
  workload|workload_exitpath)
    wrap --seccomp enforce
    sub=all; [ "$mode" = workload_exitpath ] && sub=all_exitpath
    "$here/virtio_test.sh" "$sub" "$dir/vmm" "$kernel" "$dir" >"$out" 2>&1 || fail=1 ;;
  jail)
    run 0 --jail "$jail" --uid 65534 --gid 65534 --log info --cpus 2 --cmdline "tg.cpus=2"
    expect "vmm: sandbox: seccomp enforce, capabilities left: none, uid 65534, gid 65534, pid 1, jail $jail" \
      "testguest: cpus online: 2" "testguest: PASS" ;;
  jail_workload)
    wrap --seccomp enforce --jail "$jail" --uid 65534 --gid 65534
    "$here/virtio_test.sh" all "$dir/vmm" "$kernel" "$dir" >"$out" 2>&1 || fail=1 ;;
  jail_sigterm)
    signal_run "testguest: spinning" 1 --jail "$jail" --cmdline tg.spin ;;
  jail_restart)
    signal_run "vmm-testguest: hello" 3 --jail "$jail" --uid 65534 --gid 65534 \
      --cmdline tg.reset --on-reset restart ;;
  jail_supervisor)
    start "testguest: spinning" 1 --jail "$jail" --uid 65534 --gid 65534 --cpus 2 --cmdline tg.spin
    for f in CapInh CapPrm CapEff CapBnd CapAmb; do status_is $pid $f 0000000000000000; done
    status_is $pid NoNewPrivs 1
    status_is $pid Seccomp 2
    status_is $pid Seccomp_filters 1
    # The real uid stays: it lets kill() reach the child before its own
    # switch to 65534; the effective uid reaches it after.
    status_is $pid Uid "0 65534 65534 65534"
    status_is $pid Gid "65534 65534 65534 65534"
    read -r child _ </proc/$pid/task/$pid/children
    threads_are "$child" "vmm vmm-io vmm-vcpu0 vmm-vcpu1"
    status_is "$child" Uid "65534 65534 65534 65534"
    stop ;;
  jail_orphan)
    # The supervisor killed outright: the jailed VM must not live on.
    start "testguest: spinning" 1 --jail "$jail" --cmdline tg.spin
    read -r child _ </proc/$pid/task/$pid/children
    kill -KILL $pid
    wait $pid 2>/dev/null
    for _ in $(seq 100); do kill -0 "$child" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$child" 2>/dev/null; then
      echo "FAIL: the jailed vmm ($child) outlived its supervisor"; kill -9 "$child"; fail=1
    fi ;;
  thread_names)
    start "testguest: spinning" 1 --cpus 2 --cmdline tg.spin
    threads_are $pid "vmm vmm-io vmm-vcpu0 vmm-vcpu1"
    stop ;;
  errors)
    # The jail's root must be empty; nothing is created or truncated
    # before that is checked.
    full=$dir/full
    mkdir "$full" && : >"$full/etc" && echo keep >"$dir/serial.out"
    run 1 --jail "$full" --serial "file:$dir/serial.out" --record "$dir/new.trace"
    expect "vmm: --jail $full: directory is not empty (it holds 'etc'"
    [ "$(cat "$dir/serial.out")" = keep ] || { echo "FAIL: --serial file: was changed"; fail=1; }
    [ -e "$dir/new.trace" ] && { echo "FAIL: --record created its file"; fail=1; }
    run 1 --jail /nonexistent-vmm-jail
    expect "vmm: --jail /nonexistent-vmm-jail: No such file or directory"
    if [ "$(id -u)" = 0 ]; then
      run 1 --netns vmm-no-such-ns
      expect "vmm: --netns vmm-no-such-ns: /run/netns/vmm-no-such-ns: No such file or directory"
    else
      run 1 --jail "$jail"
      expect "vmm: --jail: unshare (pid namespace): Operation not permitted (the jail needs root)"
    fi
    run 2 --seccomp strict
    expect "vmm: --seccomp: 'strict' is not enforce, log, errno or off"
    run 2 --uid 65534
    expect "vmm: --uid needs --gid (the guest would run with group 0)"
    run 2 --gid 65534
    expect "vmm: --gid needs --uid (the guest would run as user 0)" ;;
  *) echo "unknown mode $mode"; exit 2 ;;
esac

echo "--- output ---"; cat "$out"
exit $fail
