#!/bin/sh
# SPDX-License-Identifier: MIT
# Runs the test suites and ends with one summary line:
#   "omg tests: N passed, N failed, N skipped"
# (also written to build/test-logs/summary). It exits non-zero when a test failed, when
# nothing passed, or when a suite could not run at all (a missing binary, no pytest,
# pytest collecting no tests): those count as failures, never as a silent pass. Each
# skip is printed with its reason (pytest -rs), each failure listed by name (-rfE).
#
#   tests/run.sh          make test: the C unit tests plain (build/test) and under
#                         ASan+UBSan (build/asan), the end-to-end tests on both omg builds
#   tests/run.sh --quick  make check: the plain C unit tests and the end-to-end tests
#                         marked smoke, on build/test only
set -u
cd "$(dirname "$0")/.." || exit 2
quick=0
case ${1:-} in
--quick) quick=1 ;;
'') ;;
*)
	echo "usage: tests/run.sh [--quick]" >&2
	exit 2
	;;
esac
log=build/test-logs
mkdir -p "$log"
rm -f "$log/summary" "$log/skips"
passed=0
failed=0
skipped=0

if [ "$quick" -eq 1 ]; then
	builds="build/test"
	e2e_args="-m smoke"
	e2e_tag=smoke-
else
	builds="build/test build/asan"
	e2e_args=""
	e2e_tag=
fi

# One cmocka binary: adds its counts; a crash with no summary counts as a failure.
run_unit() {
	name=$1
	out="$log/$(echo "$name" | tr / _).log"
	"$name" >"$out" 2>&1
	rc=$?
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$out" | tail -n 1)
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$out" | tail -n 1)
	s=$(sed -n 's/^\[  SKIPPED \] \([0-9]*\) test.*/\1/p' "$out" | tail -n 1)
	p=${p:-0}
	f=${f:-0}
	s=${s:-0}
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
	if [ "$f" -ne 0 ]; then
		echo "FAIL $name (see $out)"
		cat "$out"
	else
		if [ "$s" -ne 0 ]; then
			echo "ok   $name: $p passed, $s skipped"
		else
			echo "ok   $name: $p passed"
		fi
	fi
	# cmocka lists the skipped tests under its summary; skip() takes no reason, so the
	# test's name points at it (and at the log, which has what the test printed).
	if [ "$s" -ne 0 ]; then
		sed -n '/^\[  SKIPPED \] [0-9][0-9]* test/,$p' "$out" |
			sed -n 's/^\[  SKIPPED \] \([^0-9].*\)/\1/p' | while read -r t; do
			echo "  $name: $t (cmocka's skip() gives no reason: see $out)"
		done >>"$log/skips"
	fi
}

# Every tests/unit/test_*.c, in each build: one not built is a failure, not a gap.
for src in tests/unit/test_*.c; do
	t=$(basename "$src" .c)
	for b in $builds; do
		if [ -x "$b/tests/$t" ]; then
			run_unit "$b/tests/$t"
		else
			echo "FAIL $b/tests/$t: not built (make test or make check builds it)"
			failed=$((failed + 1))
		fi
	done
done

# End-to-end: Debian's pytest (the python3 on PATH may lack Debian's modules).
if ! /usr/bin/python3 -c 'import pytest, xdist' 2>/dev/null; then
	echo "omg: /usr/bin/python3 has no pytest or xdist: run scripts/deps.sh" \
		"(python3-pytest, python3-pytest-xdist)" >&2
	failed=$((failed + 1))
else
	# The full run's two passes run side by side, each spread over two pytest-xdist
	# workers: the tests mostly wait (engines, loopback servers, timeouts), so four at a
	# time keep two cores busy (a pass took 8 min alone, 4 this way). Each pass has its own
	# temporary directory; their logs are printed one after the other.
	# tests/reap.py reaps the engines the tests leave behind as soon as they exit.
	bins=""
	for b in $builds; do
		bin=$b/omg
		if [ ! -x "$bin" ]; then
			echo "FAIL end-to-end tests on $bin: not built"
			failed=$((failed + 1))
			continue
		fi
		bins="$bins $bin"
		name=$(echo "$bin" | tr / _)
		base=$(mktemp -d /tmp/omg-e2e-XXXXXX)
		# shellcheck disable=SC2086 # e2e_args: words
		(OMG_BIN=$PWD/$bin OMG_TRANS_RUN=$PWD/$b/tests/trans-run tests/reap.py \
			/usr/bin/python3 -m pytest -n "${OMG_E2E_WORKERS:-2}" -p no:cacheprovider -q \
			-rfEs --strict-markers \
			--durations=15 $e2e_args --basetemp="$base/t" tests/e2e \
			>"$log/e2e-$e2e_tag$name.log" 2>&1
		 echo $? >"$log/e2e-$e2e_tag$name.rc"
		 rm -rf "$base") &
	done
	wait
	for bin in $bins; do
		name=$(echo "$bin" | tr / _)
		out="$log/e2e-$e2e_tag$name.log"
		rc=$(cat "$log/e2e-$e2e_tag$name.rc" 2>/dev/null || echo 255)
		echo "end-to-end tests on $bin"
		cat "$out"
		# pytest's last line: "2 failed, 359 passed, 1 skipped in 446.05s (0:07:26)"
		line=$(grep -E '^(=+ )?([0-9]+ [a-z]+|no tests ran).* in [0-9.]+s' "$out" | tail -n 1)
		p=$(echo "$line" | sed -n 's/.*\b\([0-9][0-9]*\) passed.*/\1/p')
		f=$(echo "$line" | sed -n 's/.*\b\([0-9][0-9]*\) failed.*/\1/p')
		e=$(echo "$line" | sed -n 's/.*\b\([0-9][0-9]*\) errors\{0,1\}\b.*/\1/p')
		s=$(echo "$line" | sed -n 's/.*\b\([0-9][0-9]*\) skipped.*/\1/p')
		f=$((${f:-0} + ${e:-0}))
		passed=$((passed + ${p:-0}))
		skipped=$((skipped + ${s:-0}))
		# pytest's status decides too: 5 is "no tests collected", 2-4 an interrupted run
		# or a usage or internal error; none of them may pass for a success.
		if [ "$rc" -eq 5 ]; then
			echo "FAIL end-to-end tests on $bin: pytest collected no tests ($e2e_args)"
			f=$((f + 1))
		elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
			echo "FAIL end-to-end tests on $bin: pytest exited with $rc${line:+ ($line)}"
			f=1
		elif [ -z "$line" ]; then
			echo "FAIL end-to-end tests on $bin: pytest printed no summary"
			f=$((f + 1))
		fi
		failed=$((failed + f))
		grep '^SKIPPED' "$out" | sed "s|^|  $bin: |" >>"$log/skips"
	done
fi

# The reasons again, together, just above the summary.
if [ -s "$log/skips" ]; then
	echo "skipped:"
	cat "$log/skips"
fi

summary="omg tests: $passed passed, $failed failed, $skipped skipped"
echo "$summary" | tee "$log/summary"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
