#!/usr/bin/env bash
# Run vmm once and check what it did.
#
#   run_vmm.sh [checks] -- VMM ARGS...
#     --status N        expected exit status (default 0)
#     --expect TEXT     stdout+stderr must contain TEXT (fixed string)
#     --reject TEXT     ... must not contain TEXT
#     --stdin TEXT      feed TEXT (printf %b escapes) on stdin; default /dev/null
#     --file PATH TEXT  after the run, file PATH must contain TEXT
#     --timeout S       kill vmm after S seconds (a failure; default 60)
#     --kvm             needs /dev/kvm: exit 77 (CTest SKIPPED) without it
#     --status-emulated N / --status-hw N
#                       expected status on an emulated / hardware KVM host
#                       (overrides --status there)
#     --expect-emulated TEXT / --expect-hw TEXT
#
# VMM ARGS start with the vmm binary path. Prints the output on failure.
set -u
here=$(cd "$(dirname "$0")" && pwd)
status=0 timeout_s=60 need_kvm=0 stdin_text="" have_stdin=0
status_emul="" status_hw=""
expects=() rejects=() files=() expects_emul=() expects_hw=()
while [ $# -gt 0 ]; do
  case "$1" in
    --status) status=$2; shift 2 ;;
    --status-emulated) status_emul=$2; shift 2 ;;
    --status-hw) status_hw=$2; shift 2 ;;
    --expect) expects+=("$2"); shift 2 ;;
    --expect-emulated) expects_emul+=("$2"); shift 2 ;;
    --expect-hw) expects_hw+=("$2"); shift 2 ;;
    --reject) rejects+=("$2"); shift 2 ;;
    --stdin) stdin_text=$2; have_stdin=1; shift 2 ;;
    --file) files+=("$2" "$3"); shift 3 ;;
    --timeout) timeout_s=$2; shift 2 ;;
    --kvm) need_kvm=1; shift ;;
    --) shift; break ;;
    *) echo "run_vmm.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

kind=$("$here/hostkind.sh")
if [ "$need_kvm" = 1 ]; then
  if [ "$kind" = none ]; then
    echo "SKIPPED: /dev/kvm is missing or not accessible to $(id -un)"
    exit 77
  fi
  echo "host kind: $kind"
  case "$kind" in
    emulated) [ -n "$status_emul" ] && status=$status_emul
              expects+=(${expects_emul[@]+"${expects_emul[@]}"}) ;;
    vmx|svm)  [ -n "$status_hw" ] && status=$status_hw
              expects+=(${expects_hw[@]+"${expects_hw[@]}"}) ;;
  esac
fi

out=$(mktemp)
trap 'rm -f "$out"' EXIT
if [ "$have_stdin" = 1 ]; then
  printf '%b' "$stdin_text" | timeout -k 5 "$timeout_s" "$@" >"$out" 2>&1
else
  timeout -k 5 "$timeout_s" "$@" </dev/null >"$out" 2>&1
fi
rc=$?

fail=0
if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
  echo "FAIL: vmm did not finish within ${timeout_s}s"; fail=1
elif [ "$rc" != "$status" ]; then
  echo "FAIL: exit status $rc, expected $status"; fail=1
fi
for t in ${expects[@]+"${expects[@]}"}; do
  grep -qF -- "$t" "$out" || { echo "FAIL: output lacks: $t"; fail=1; }
done
for t in ${rejects[@]+"${rejects[@]}"}; do
  grep -qF -- "$t" "$out" && { echo "FAIL: output has: $t"; fail=1; }
done
i=0
while [ $i -lt ${#files[@]} ]; do
  f=${files[$i]} t=${files[$((i+1))]}
  grep -qF -- "$t" "$f" 2>/dev/null || { echo "FAIL: $f lacks: $t"; fail=1; }
  i=$((i+2))
done
echo "--- vmm output (status $rc) ---"
cat "$out"
exit $fail
