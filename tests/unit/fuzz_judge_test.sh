#!/usr/bin/env bash
# The fuzz gate's judging of saved crashes and hangs (ci/fuzz-judge), with
# no AFL++ campaign:
#
#   fuzz_judge_test.sh SOURCE_DIR WORKDIR
#
# Each case builds a fake afl-fuzz output directory (default/crashes,
# default/hangs) holding a few inputs for a fake harness, a shell script
# that reads its input file: "pass" runs at once, "hang" sleeps for a
# minute, "hang-once" sleeps only the first time it is run, "crash"
# prints a failed check and aborts. Then it checks ci/fuzz-judge's exit
# status and report: a hang that does not reproduce alone (at once, or on
# the retry) passes and is reported with its time; a hang that times out
# twice fails; every crash fails, even one that does not crash alone.
# Also checks that ci/fuzz-smoke, the CI gate, judges with it.
set -euo pipefail
src=$1 work=$2
judge=$src/ci/fuzz-judge
limit=2    # the judge's time limit per re-run, in seconds

mkdir -p "$work"
dir=$(mktemp -d "$work/judge.XXXXXX")
trap 'rm -rf "$dir"' EXIT
fail=0

harness=$dir/fake-harness
cat >"$harness" <<'EOF'
#!/usr/bin/env bash
# A fake fuzz harness: one input file, whose first word says what to do.
set -euo pipefail
case $(head -c 20 "$1") in
pass*) exit 0 ;;
hang-once*)
	# Hangs the first time only, as an input may on a loaded machine.
	if [ ! -e "$FAKE_STATE/ran" ]; then
		touch "$FAKE_STATE/ran"
		sleep 60
	fi
	exit 0 ;;
hang*) sleep 60 ;;
crash*)
	echo "fuzz: fake.c:1: check failed: crash requested" >&2
	kill -ABRT $$ ;;
esac
echo "fake-harness: unknown input" >&2
exit 3
EOF
chmod +x "$harness"

# afl_dir NAME KIND=WORD ...: a fake afl-fuzz -o directory named NAME with
# one input per KIND=WORD (KIND crashes or hangs, WORD the input).
afl_dir() {
	local d=$dir/$1 n=0 kw

	shift
	mkdir -p "$d/default/crashes" "$d/default/hangs" "$d/default/queue"
	for kw in "$@"; do
		echo "${kw#*=}" >"$d/default/${kw%%=*}/id:00000$n,src:000000,time:1,execs:1,op:havoc,rep:2"
		n=$((n + 1))
	done
	echo "$d"
}

# judge CASE WANT_STATUS DIR: run the judge on DIR; its output in $out.
judge() {
	local rc=0

	mkdir -p "$dir/state-$1"
	out=$(FAKE_STATE=$dir/state-$1 "$judge" "$3" "$limit" "$harness" 2>&1) || rc=$?
	if [ "$rc" != "$2" ]; then
		echo "FAIL: $1: exit $rc, want $2; the judge said:"
		sed 's/^/    /' <<<"$out"
		fail=1
		return 1
	fi
}

# expect CASE REGEX: the judge's output has a line matching REGEX.
expect() {
	if ! grep -Eq -- "$2" <<<"$out"; then
		echo "FAIL: $1: no line matching '$2' in:"
		sed 's/^/    /' <<<"$out"
		fail=1
		return 1
	fi
}

# last CASE REGEX: the judge's last line (ci/fuzz-smoke's summary) matches.
last() {
	if ! tail -n 1 <<<"$out" | grep -Eq -- "$2"; then
		echo "FAIL: $1: last line is '$(tail -n 1 <<<"$out")', want '$2'"
		fail=1
		return 1
	fi
}

ok() { echo "ok: $1"; }

c="nothing saved: passes"
d=$(afl_dir empty)
judge "$c" 0 "$d" && last "$c" '^no crashes or hangs saved$' && ok "$c"

c="a hang that runs at once alone: passes, reported with its time"
d=$(afl_dir quick hangs=pass)
judge "$c" 0 "$d" &&
	expect "$c" "^hang  $d/default/hangs/id:000000[^ ]*: not reproduced alone: ran in [0-9]+\.[0-9]+ s \(run 1\)$" &&
	last "$c" '^not reproduced alone: [0-9]+\.[0-9]+ s; reported$' && ok "$c"

c="a hang that times out once, then runs: retried, passes"
d=$(afl_dir flaky hangs=hang-once)
judge "$c" 0 "$d" &&
	expect "$c" 'not reproduced alone: ran in [0-9.]+ s \(run 2\)$' &&
	last "$c" '^not reproduced alone: [0-9.]+ s; reported$' && ok "$c"

c="a hang that times out twice alone: fails"
d=$(afl_dir hang hangs=pass hangs=hang)
judge "$c" 1 "$d" &&
	expect "$c" "^hang  $d/default/hangs/id:000001[^ ]*: reproduced: timed out alone twice, $limit s each$" &&
	expect "$c" 'id:000000[^ ]*: not reproduced alone' &&
	last "$c" '^FAIL: 1 hang\(s\) reproduced' && ok "$c"

c="a crash: fails, with its output"
d=$(afl_dir crash crashes=crash)
judge "$c" 1 "$d" &&
	expect "$c" "^crash $d/default/crashes/id:000000[^ ]*: crashes alone \(exit 134" &&
	expect "$c" '^    .*check failed: crash requested' &&
	last "$c" '^FAIL: 1 crash\(es\)' && ok "$c"

c="a crash that does not crash alone: still fails"
d=$(afl_dir crash-flaky crashes=pass hangs=pass)
judge "$c" 1 "$d" &&
	expect "$c" 'crashes/id:000000[^ ]*: did not crash alone' &&
	last "$c" '^FAIL: 1 crash\(es\)' && ok "$c"

c="a hang that crashes alone: fails"
d=$(afl_dir hang-crash hangs=crash)
judge "$c" 1 "$d" &&
	expect "$c" 'hangs/id:000000[^ ]*: crashes alone \(exit 134' &&
	last "$c" '^FAIL: a hang crashed alone' && ok "$c"

c="usage errors: exit 2"
rc=0
"$judge" "$dir/no-such-dir" "$limit" "$harness" >/dev/null 2>&1 || rc=$?
if [ "$rc" = 2 ]; then ok "$c"; else echo "FAIL: $c: exit $rc"; fail=1; fi

# The gate itself: ci/fuzz-smoke must hand a campaign's findings to the
# judge rather than fail on any saved hang.
c="ci/fuzz-smoke judges findings with ci/fuzz-judge"
if grep -q '^[^#]*ci/fuzz-judge ' "$src/ci/fuzz-smoke"; then
	ok "$c"
else
	echo "FAIL: $c: ci/fuzz-smoke does not run ci/fuzz-judge"
	fail=1
fi

[ "$fail" = 0 ] && echo "PASS: hangs are judged by re-running them alone; crashes always fail"
exit $fail
