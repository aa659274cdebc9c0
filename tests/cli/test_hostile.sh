#!/bin/sh
# tests/cli/test_hostile.sh SCALESIM -- files built to make a YAML loader
# slow: deep nesting, huge mappings and lists, long lines, many anchors,
# alias bombs, a big `extends` merge. Each must be refused (exit status 1)
# well within the timeout, not time out (124) or crash (> 128), and the
# nesting and duplicate cases must say where. Run from the source folder.
# Times are not asserted (machines are noisy); the timeout is the bound.
ss=$1
fails=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if ! command -v python3 >/dev/null; then
    echo "skip: python3 is needed to build the files"
    exit 0
fi

python3 - "$tmp" <<'EOF'
import os, sys
d = sys.argv[1]
def w(name, s):
    with open(os.path.join(d, name), 'w') as f:
        f.write(s)
N = 80000
w('deep-flow.yaml', 'scalesim: 1\nname: ' + '[' * N + ']' * N + '\n')
w('deep-flow-map.yaml', 'scalesim: 1\nname: ' + '{a: ' * N + '1' + '}' * N + '\n')
w('deep-unclosed.yaml', 'scalesim: 1\nname: ' + '[' * N + '\n')
w('deep-block.yaml', 'scalesim: 1\nname:\n' + '- ' * N + 'x\n')
w('many-keys.yaml', 'scalesim: 1\nx:\n' + ''.join('  k%d: 1\n' % i for i in range(100000))
  + '  k5: 2\n')
pad = 'p' * 140
w('many-keys-16mb.yaml', 'scalesim: 1\nx:\n'
  + ''.join('  k%d%s: 1\n' % (i, pad) for i in range(100000)) + '  k7%s: 2\n' % pad)
w('flow-list-1m.yaml', 'scalesim: 1\nx: [' + '1,' * 1000000 + '1]\n')
w('flow-list-16mb.yaml', 'scalesim: 1\nx: [' + '1,' * 8000000 + '1]\n')
w('long-line.yaml', 'scalesim: 1\nname: ' + 'a' * 16000000 + '\n')
w('long-line-quoted.yaml', 'scalesim: 1\nname: "' + 'a' * 16000000 + '"\n')
w('anchors.yaml', 'scalesim: 1\nx:\n' + ''.join('- &a%d v\n- *a%d\n' % (i, i) for i in range(90000)))
w('aliases-one.yaml', 'scalesim: 1\nb: &a v\nx:\n' + '- *a\n' * 3000000)
bomb = 'scalesim: 1\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n'
for i in range(1, 10):
    bomb += 'a%d: &a%d [' % (i, i) + ', '.join(['*a%d' % (i - 1)] * 10) + ']\n'
w('alias-bomb.yaml', bomb)
w('merge-base.yaml', 'scalesim: 1\nx:\n' + ''.join('  k%d: 1\n' % i for i in range(100000)))
w('merge-over.yaml', 'extends: merge-base.yaml\nx:\n'
  + ''.join('  k%d: %s\n' % (i, 'null' if i % 4 == 0 else '2') for i in range(0, 200000, 2)))
# a stray byte after an e-acute (columns count characters, not bytes)
with open(os.path.join(d, 'bad-utf8.yaml'), 'wb') as f:
    f.write(b'scalesim: 1\nname: ok\n' + b'k: v\n' * 100000 + b'key: v\xc3\xa9\xff\n')
EOF

refused() { # refused NAME FILE [TEXT]: exit status 1 in time, stderr holds TEXT
    name=$1 file=$2
    timeout 20 "$ss" --check "$tmp/$file" >"$tmp/out" 2>"$tmp/err"
    got=$?
    if [ "$got" -ne 1 ]; then
        case $got in
        124) why="timed out" ;;
        *) why="exit status $got" ;;
        esac
        echo "FAIL: $name: $why, expected 1"
        sed 's/^/    /' "$tmp/err" | head -3 | cut -c1-200
        fails=$((fails + 1))
    elif [ $# -ge 3 ] && ! grep -qF -- "$3" "$tmp/err"; then
        echo "FAIL: $name: \"$3\" not in the errors"
        sed 's/^/    /' "$tmp/err" | head -3 | cut -c1-200
        fails=$((fails + 1))
    else
        echo "ok: $name"
    fi
}

deep="error: the document is nested deeper than 64 levels or holds more than 200000 values"
refused "80k-deep flow lists" deep-flow.yaml "deep-flow.yaml:2:71: $deep"
refused "80k-deep flow mappings" deep-flow-map.yaml "deep-flow-map.yaml:2:263: $deep"
refused "80k unclosed brackets" deep-unclosed.yaml "deep-unclosed.yaml:2:71: $deep"
refused "80k-deep block lists" deep-block.yaml "deep-block.yaml:3:129: $deep"
refused "100k keys and a duplicate" many-keys.yaml \
    'many-keys.yaml:100003:3: error: duplicate key "k5"'
refused "100k long keys (15 MB) and a duplicate" many-keys-16mb.yaml \
    'many-keys-16mb.yaml:100003:3: error: duplicate key "k7ppp'
refused "a flow list of 1M items" flow-list-1m.yaml "flow-list-1m.yaml:2:399999: $deep"
refused "a flow list of 8M items (16 MB)" flow-list-16mb.yaml "flow-list-16mb.yaml:2:399999: $deep"
refused "a 16 MB line" long-line.yaml
refused "a 16 MB quoted line" long-line-quoted.yaml
refused "90k anchors, each used once" anchors.yaml
refused "3M aliases of one anchor" aliases-one.yaml "aliases-one.yaml:200000:3: $deep"
refused "an alias bomb" alias-bomb.yaml "alias-bomb.yaml:7:10: $deep"
refused "extends merging 100k keys" merge-over.yaml
refused "invalid UTF-8 on line 100003" bad-utf8.yaml \
    "bad-utf8.yaml:100003:8: error: invalid YAML: invalid leading UTF-8 octet"

if [ "$fails" -ne 0 ]; then
    echo "$fails failed"
    exit 1
fi
echo "all passed"
