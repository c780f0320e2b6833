#!/bin/sh
# SPDX-License-Identifier: MIT
# Runs every test suite (C unit tests plain and under ASan+UBSan, end-to-end pytest)
# and ends with one summary line: "omg tests: N passed, N failed".
set -u
cd "$(dirname "$0")/.." || exit 2
log=build/test-logs
mkdir -p "$log"
passed=0
failed=0

# One cmocka binary: adds its counts; a crash with no summary counts as a failure.
run_unit() {
	name=$1
	out="$log/$(echo "$name" | tr / _).log"
	"$name" >"$out" 2>&1
	rc=$?
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$out" | tail -n 1)
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$out" | tail -n 1)
	p=${p:-0}
	f=${f:-0}
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$f" -ne 0 ]; then
		echo "FAIL $name (see $out)"
		cat "$out"
	else
		echo "ok   $name: $p passed"
	fi
}

for bin in build/test/tests/test_* build/asan/tests/test_*; do
	case $bin in *.d | *'*'*) continue ;; esac
	[ -x "$bin" ] && run_unit "$bin"
done

# End-to-end: Debian's pytest (the python3 on PATH may lack Debian's modules).
if ! /usr/bin/python3 -c 'import pytest' 2>/dev/null; then
	echo "omg: /usr/bin/python3 has no pytest: run scripts/deps.sh (python3-pytest)" >&2
	failed=$((failed + 1))
else
	# The two passes run side by side: the tests mostly wait (engines, loopback servers,
	# timeouts), so together they take little longer than one. Each has its own
	# temporary directory; their logs are printed one after the other.
	bins=""
	for bin in omg build/asan/omg; do
		[ -x "$bin" ] || continue
		bins="$bins $bin"
		name=$(echo "$bin" | tr / _)
		# trans-run of the same build (make tools), for the backend-level tests
		tools=$(dirname "$(readlink -f "$bin")")/tests
		base=$(mktemp -d /tmp/omg-e2e-XXXXXX)
		(OMG_BIN=$PWD/$bin OMG_TRANS_RUN=$tools/trans-run /usr/bin/python3 -m pytest \
			-p no:cacheprovider -q --basetemp="$base/t" tests/e2e >"$log/e2e-$name.log" 2>&1
		 rm -rf "$base") &
	done
	wait
	for bin in $bins; do
		name=$(echo "$bin" | tr / _)
		echo "end-to-end tests on $bin"
		cat "$log/e2e-$name.log"
		line=$(grep -E '[0-9]+ (passed|failed)' "$log/e2e-$name.log" | tail -n 1)
		p=$(echo "$line" | sed -n 's/.*\b\([0-9][0-9]*\) passed.*/\1/p')
		f=$(echo "$line" | sed -n 's/.*\b\([0-9][0-9]*\) failed.*/\1/p')
		e=$(echo "$line" | sed -n 's/.*\b\([0-9][0-9]*\) error.*/\1/p')
		passed=$((passed + ${p:-0}))
		failed=$((failed + ${f:-0} + ${e:-0}))
		if [ -z "$line" ]; then
			echo "omg: pytest printed no summary for $bin" >&2
			failed=$((failed + 1))
		fi
	done
fi

echo "omg tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
