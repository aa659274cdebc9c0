#!/bin/sh
# tests/plots/test_plots.sh SCALESIM -- every gnuplot script in plots/
# renders a PNG from a real scalesim run's CSV, as scalesim writes it.
# A PNG passes when it starts with the PNG signature and is larger than
# 10 KB (an empty plot with axes only is about 6 KB).
ss=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
command -v gnuplot >/dev/null || { echo "FAIL: gnuplot is not installed (apt-get install gnuplot-nox)"; exit 1; }
short="-q --duration 20s --warmup 5s"

"$ss" $short -o csv scenarios/stage1-single-server.yaml scenarios/stage2-split-app-db.yaml \
    scenarios/stage3-load-balancer.yaml >"$tmp/journey.csv" || fails=$((fails + 1))
"$ss" $short -o csv --sweep workload.users=20k:200k:60k scenarios/stage3-load-balancer.yaml \
    >"$tmp/knee.csv" || fails=$((fails + 1))
"$ss" $short --duration 40s --timeseries "$tmp/ts.csv" \
    --set 'faults=[{at: 20s, target: "app[0]", action: crash, duration: 10s}]' \
    --set components.app.instances=4 --set workload.users=10k \
    scenarios/stage3-load-balancer.yaml >/dev/null || fails=$((fails + 1))
"$ss" $short --breakdown "$tmp/bd.csv" scenarios/stage5-cache.yaml >/dev/null || fails=$((fails + 1))
"$ss" $short --plan --slo 'p95_ms<200' --vary components.app.instances=10:40:2 --budget 40 \
    --plan-log "$tmp/plan.csv" scenarios/stage3-load-balancer.yaml >/dev/null || fails=$((fails + 1))

# the swept column is a number gnuplot reads whole (20k would read as 20)
awk -F, 'NR == 2 && $1 != 20000 { exit 1 }' "$tmp/knee.csv" && echo "ok: swept users are numbers" ||
    { echo "FAIL: the knee's x column is not 20000"; fails=$((fails + 1)); }

render() { # render SCRIPT CSV [extra gnuplot assignments]
    png="$tmp/$(basename "$1" .gp).png"
    if ! gnuplot -e "in='$2'; out='$png'; $3" "plots/$1" 2>"$tmp/gp.err"; then
        echo "FAIL: plots/$1: gnuplot failed"; sed 's/^/    /' "$tmp/gp.err" | head -5
        fails=$((fails + 1)); return
    fi
    sig=$(head -c 8 "$png" | od -An -tx1 | tr -d ' \n')
    size=$(wc -c <"$png")
    if [ "$sig" != "89504e470d0a1a0a" ] || [ "$size" -lt 10240 ]; then
        echo "FAIL: plots/$1: $png is not a real picture ($size bytes)"; fails=$((fails + 1))
    else
        echo "ok: plots/$1 ($size bytes)"
    fi
}
render journey.gp "$tmp/journey.csv"
render knee.gp "$tmp/knee.csv"
render timeseries.gp "$tmp/ts.csv"
render breakdown.gp "$tmp/bd.csv" "class='read'"
render frontier.gp "$tmp/plan.csv" "limit=200"
echo "$fails failure(s)"
[ "$fails" -eq 0 ]
