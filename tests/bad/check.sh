#!/bin/sh
# tests/bad/check.sh SCALESIM FILE -- a bad scenario must be refused with
# exit status 1 and, as the first line on stderr, exactly the line written
# after "# expect: " on the first line of FILE. Nothing may reach stdout.
# A line "# errors: N" asks that exactly N errors be reported.
scalesim=$1
file=$2
expect=$(sed -n '1s/^# expect: //p' "$file")
if [ -z "$expect" ]; then
    echo "FAIL: $file has no '# expect: ' first line"
    exit 1
fi
err=$(mktemp)
out=$("$scalesim" --check "$file" 2>"$err")
status=$?
first=$(head -n 1 "$err")
rm -f "$err"
fail=0
if [ "$status" -ne 1 ]; then
    echo "FAIL: $file: exit status $status, expected 1"
    fail=1
fi
if [ -n "$out" ]; then
    echo "FAIL: $file: printed on stdout: $out"
    fail=1
fi
if [ "$first" != "$expect" ]; then
    echo "FAIL: $file"
    echo "  expected: $expect"
    echo "  got:      $first"
    fail=1
fi
want=$(sed -n 's/^# errors: //p' "$file")
if [ -n "$want" ]; then
    got=$("$scalesim" --check "$file" 2>&1 | grep -c ": error: ")
    if [ "$got" -ne "$want" ]; then
        echo "FAIL: $file: $got errors reported, expected $want"
        fail=1
    fi
fi
[ $fail -eq 0 ] && echo "ok: $first"
exit $fail
