#!/bin/sh
# tests/cli/test_cli.sh SCALESIM -- the command line, end to end: exit
# statuses, --help, formats, determinism, --set, --components, and every
# shipped scenario validates and runs. Run from the source folder.
ss=$1
fails=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

check() { # check NAME EXPECTED-STATUS COMMAND...
    name=$1 want=$2
    shift 2
    "$@" >"$tmp/out" 2>"$tmp/err"
    got=$?
    if [ "$got" -ne "$want" ]; then
        echo "FAIL: $name: exit status $got, expected $want"
        sed 's/^/    /' "$tmp/err" | head -5
        fails=$((fails + 1))
    else
        echo "ok: $name"
    fi
}

contains() { # contains NAME FILE TEXT
    if grep -qF -- "$3" "$2"; then echo "ok: $1"; else
        echo "FAIL: $1: \"$3\" not in $(basename "$2")"; sed 's/^/    /' "$2" | head -5
        fails=$((fails + 1)); fi
}

# usage and help
check "--help exits 0" 0 "$ss" --help
contains "--help explains --set" "$tmp/out" "--set PATH=VALUE"
check "--version exits 0" 0 "$ss" --version
contains "--version names it" "$tmp/out" "scalesim "
check "no scenario is a usage error" 2 "$ss"
contains "usage error says why" "$tmp/err" "scalesim: error: no scenario file given"
check "unknown option is a usage error" 2 "$ss" --frobnicate scenarios/stage1-single-server.yaml
contains "unknown option named" "$tmp/err" 'unknown option "--frobnicate"'
check "bad --output is a usage error" 2 "$ss" -o xml scenarios/stage1-single-server.yaml
contains "bad --output explained" "$tmp/err" 'expected table, csv or json, got "xml"'
check "bad --duration is a usage error" 2 "$ss" --duration sixty scenarios/stage1-single-server.yaml
check "bad --seed is a usage error" 2 "$ss" --seed -3 scenarios/stage1-single-server.yaml
check "missing option value" 2 "$ss" scenarios/stage1-single-server.yaml --seed
check "missing file is invalid" 1 "$ss" no/such/file.yaml
contains "missing file named" "$tmp/err" "no/such/file.yaml: error: cannot read the file"

# --set errors point into the command line
check "--set with a bad value" 1 "$ss" --check --set workload.users=lots scenarios/stage1-single-server.yaml
contains "--set error names the path" "$tmp/err" 'workload.users: expected a whole number like 8 or 1k, got "lots"'

# every shipped scenario validates; --check prints nothing
for f in scenarios/*.yaml scenarios/exercises/*.yaml; do
    [ -f "$f" ] || continue
    [ "$(basename "$f")" = pricing.yaml ] && continue
    check "--check $f" 0 "$ss" --check "$f"
    if [ -s "$tmp/out" ] || [ -s "$tmp/err" ]; then
        echo "FAIL: --check $f printed something"; fails=$((fails + 1)); fi
done

# formats: CSV header is exactly SPEC.md 5.1; JSON parses
short="--duration 20s --warmup 5s -q"
check "csv run" 0 "$ss" $short -o csv scenarios/stage2-split-app-db.yaml
head -1 "$tmp/out" >"$tmp/head"
contains "csv header" "$tmp/head" "scenario,stage,replication,seed,users,offered_rps,throughput_rps,mean_ms,p50_ms,p95_ms,p99_ms,error_rate,cost_month_usd,cost_per_million_usd,bottleneck,bottleneck_util"
[ "$(wc -l <"$tmp/out")" -eq 2 ] && echo "ok: one csv row" || { echo "FAIL: csv rows"; fails=$((fails + 1)); }
check "json run" 0 "$ss" $short -o json scenarios/stage2-split-app-db.yaml
if command -v python3 >/dev/null; then
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d[0]["summary"]["p95_ms"] > 0' "$tmp/out" \
        && echo "ok: json parses" || { echo "FAIL: json"; fails=$((fails + 1)); }
fi
check "table run" 0 "$ss" $short scenarios/stage1-single-server.yaml
contains "table names the bottleneck" "$tmp/out" "bottleneck"

# several files: one report, one row each
check "three scenarios" 0 "$ss" $short -o csv scenarios/stage1-single-server.yaml scenarios/stage2-split-app-db.yaml scenarios/stage3-load-balancer.yaml
[ "$(wc -l <"$tmp/out")" -eq 4 ] && echo "ok: three rows" || { echo "FAIL: three rows"; fails=$((fails + 1)); }

# determinism: same scenario, seed and options give byte-identical output
"$ss" $short -o json scenarios/stage3-load-balancer.yaml >"$tmp/a"
"$ss" $short -o json scenarios/stage3-load-balancer.yaml >"$tmp/b"
cmp -s "$tmp/a" "$tmp/b" && echo "ok: deterministic" || { echo "FAIL: two runs differ"; fails=$((fails + 1)); }
"$ss" $short --seed 2 -o json scenarios/stage3-load-balancer.yaml >"$tmp/c"
cmp -s "$tmp/a" "$tmp/c" && { echo "FAIL: --seed changes nothing"; fails=$((fails + 1)); } || echo "ok: --seed matters"

# --set changes the run; --components writes SPEC.md 5.2
check "--set users" 0 "$ss" $short -o csv --set workload.users=2000 --components "$tmp/comp.csv" scenarios/stage1-single-server.yaml
contains "--set reaches the report" "$tmp/out" ",2000,"
contains "components header" "$tmp/comp.csv" "scenario,component,kind,instance,arrivals,throughput_rps,util,mean_queue,mean_wait_ms,p95_wait_ms,rejected,hit_ratio,extra"
check "--components to a bad path" 3 "$ss" $short --components /nonexistent/dir/c.csv scenarios/stage1-single-server.yaml
[ ! -s "$tmp/out" ] && echo "ok: a bad output path is refused before anything runs" || {
    echo "FAIL: a report was printed although --components cannot be written"; fails=$((fails + 1)); }

# --sweep gives the rows separate --set runs give (the swept value first)
"$ss" $short -o csv --sweep workload.users=500,1500 scenarios/stage1-single-server.yaml >"$tmp/sweep"
"$ss" $short -o csv --set workload.users=500 scenarios/stage1-single-server.yaml >"$tmp/s1"
"$ss" $short -o csv --set workload.users=1500 scenarios/stage1-single-server.yaml >"$tmp/s2"
{ head -1 "$tmp/s1" | sed 's/^/workload.users,/'; tail -1 "$tmp/s1" | sed 's/^/500,/'; tail -1 "$tmp/s2" | sed 's/^/1500,/'; } >"$tmp/loop"
cmp -s "$tmp/sweep" "$tmp/loop" && echo "ok: sweep rows equal --set runs" || {
    echo "FAIL: sweep rows differ from --set runs"; diff "$tmp/sweep" "$tmp/loop" | head; fails=$((fails + 1)); }
check "ranges and the cross product" 0 "$ss" $short -o csv --sweep workload.users=1k:3k:1k --sweep components.server.cores=2,4 scenarios/stage1-single-server.yaml
[ "$(wc -l <"$tmp/out")" -eq 7 ] && echo "ok: 3 x 2 sweep rows" || { echo "FAIL: sweep rows"; fails=$((fails + 1)); }
# swept values are numbers in base units, for gnuplot and Python ("2k" would read as 2)
contains "range values as numbers" "$tmp/out" "2000,4,stage1-single-server"
check "duration sweep" 0 "$ss" $short -o csv --sweep workload.timeout=500ms,2s scenarios/stage1-single-server.yaml
contains "durations in seconds" "$tmp/out" "0.5,stage1-single-server"
check "a path swept twice" 2 "$ss" -o csv --sweep workload.users=1,2 --sweep workload.users=3 scenarios/stage1-single-server.yaml
contains "swept twice says so" "$tmp/err" "--sweep workload.users: swept twice"
check "geometric range" 0 "$ss" $short -o csv --sweep workload.users=100:10000:x10 scenarios/stage1-single-server.yaml
[ "$(wc -l <"$tmp/out")" -eq 4 ] && echo "ok: x10 range" || { echo "FAIL: x10 range"; fails=$((fails + 1)); }
check "count suffixes may differ" 0 "$ss" $short -o csv --sweep workload.users=500:2k:500 scenarios/stage1-single-server.yaml
contains "mixed suffixes as plain numbers" "$tmp/out" "1500,stage1-single-server"
check "duration units may differ" 0 "$ss" --check --sweep components.server.service=500us:2ms:500us scenarios/stage1-single-server.yaml
check "bad sweep is a usage error" 2 "$ss" --sweep workload.users=10:1:1 scenarios/stage1-single-server.yaml
contains "bad sweep explained" "$tmp/err" "expected start <= stop"
check "swept value checked like --set" 1 "$ss" --check --sweep workload.users=100,lots scenarios/stage1-single-server.yaml
contains "swept value error" "$tmp/err" 'workload.users: expected a whole number like 8 or 1k, got "lots"'

# replications: mean and ci95 columns, reproducible, one row per run on request
check "replications" 0 "$ss" $short -o csv --replications 3 scenarios/stage2-split-app-db.yaml
contains "ci95 columns" "$tmp/out" "p95_ms,p95_ms_ci95"
cp "$tmp/out" "$tmp/rep1"
"$ss" $short -o csv --replications 3 scenarios/stage2-split-app-db.yaml >"$tmp/rep2"
cmp -s "$tmp/rep1" "$tmp/rep2" && echo "ok: replications reproducible" || { echo "FAIL: replications differ"; fails=$((fails + 1)); }
check "per replication" 0 "$ss" $short -o csv --replications 3 --per-replication scenarios/stage2-split-app-db.yaml
[ "$(wc -l <"$tmp/out")" -eq 4 ] && echo "ok: a row per replication" || { echo "FAIL: per-replication rows"; fails=$((fails + 1)); }

# time series and breakdown files
check "time series" 0 "$ss" $short --timeseries "$tmp/ts.csv" --interval 5s --breakdown "$tmp/bd.csv" scenarios/stage3-load-balancer.yaml
contains "time series header" "$tmp/ts.csv" "scenario,t_s,throughput_rps,p50_ms,p95_ms,error_rate,in_flight,util_app,util_db,util_mailer,util_lb"
[ "$(wc -l <"$tmp/ts.csv")" -eq 6 ] && echo "ok: 5 intervals of 5 s" || { echo "FAIL: time series rows"; fails=$((fails + 1)); }
contains "breakdown header" "$tmp/bd.csv" "scenario,class,component,visits,wait_mean_ms,wait_p95_ms,service_mean_ms,service_p95_ms,network_mean_ms,network_p95_ms"
contains "breakdown rows" "$tmp/bd.csv" "stage3-load-balancer,write,mailer,"

# a progress bar on a terminal, and none with -q
if command -v script >/dev/null; then
    script -qec "$ss --duration 20s scenarios/stage3-load-balancer.yaml" /dev/null >"$tmp/tty" 2>&1
    contains "progress bar on a terminal" "$tmp/tty" "ev/s"
    script -qec "$ss -q --duration 20s scenarios/stage3-load-balancer.yaml" /dev/null >"$tmp/tty" 2>&1
    grep -q "ev/s" "$tmp/tty" && { echo "FAIL: -q still draws"; fails=$((fails + 1)); } || echo "ok: -q silences it"
    # it fits the terminal: no drawn line is wider than 80 or 40 columns
    for cols in 80 40 30; do
        script -qec "stty cols $cols; $ss --duration 20s --sweep workload.users=10k,20k scenarios/stage3-load-balancer.yaml" /dev/null >"$tmp/tty" 2>&1
        widest=$(tr '\r' '\n' <"$tmp/tty" | sed 's/\x1b\[K//g' | awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }')
        grep -q "\[2/2\]" "$tmp/tty" && [ "$widest" -le 200 ] && echo "ok: a sweep shows its run" || { echo "FAIL: no [2/2] in the bar"; fails=$((fails + 1)); }
        bar=$(tr '\r' '\n' <"$tmp/tty" | grep "ev/s\|left" | sed 's/\x1b\[K//g' | awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }')
        [ "$bar" -lt "$cols" ] && echo "ok: the bar fits $cols columns ($bar)" || { echo "FAIL: bar of $bar columns in $cols"; fails=$((fails + 1)); }
    done
fi

# outputs that would destroy something, or cannot be written, are refused before running
cp scenarios/stage1-single-server.yaml "$tmp/mine.yaml"
sed -i "s|^pricing: pricing.yaml|pricing: $PWD/scenarios/pricing.yaml|" "$tmp/mine.yaml"
cp "$tmp/mine.yaml" "$tmp/mine.orig"
check "output over the scenario" 3 "$ss" $short --components "$tmp/mine.yaml" "$tmp/mine.yaml"
contains "output over the scenario says why" "$tmp/err" "which a scenario is read from"
cmp -s "$tmp/mine.yaml" "$tmp/mine.orig" && echo "ok: the scenario is intact" || { echo "FAIL: scenario overwritten"; fails=$((fails + 1)); }
printf 'scalesim: 1\nextends: mine.orig\nname: child\n' >"$tmp/child.yaml"
check "output over an extends base" 3 "$ss" $short --timeseries "$tmp/mine.orig" "$tmp/child.yaml"
check "output to a folder" 3 "$ss" $short --components "$tmp" scenarios/stage1-single-server.yaml
contains "a folder is named" "$tmp/err" "it is a folder"
if [ -w /dev/full ]; then
    check "output to /dev/full" 3 "$ss" $short --components /dev/full scenarios/stage1-single-server.yaml
fi
check "one file for two outputs" 3 "$ss" $short --components "$tmp/x.csv" --breakdown "$tmp/./x.csv" scenarios/stage1-single-server.yaml
contains "two outputs named" "$tmp/err" "--components and --breakdown both name"
check "/dev/null is fine" 0 "$ss" $short --components /dev/null scenarios/stage1-single-server.yaml

# -j N: the same bytes on any number of threads (rows, components, time series, JSON)
for j in 1 2 3; do
    "$ss" -q -o csv -j $j --duration 10s --warmup 2s --replications 3 --sweep workload.users=20k,40k \
        --components "$tmp/c$j.csv" --timeseries "$tmp/t$j.csv" --interval 5s \
        scenarios/stage3-load-balancer.yaml >"$tmp/j$j.csv" 2>/dev/null
    "$ss" -q -o json -j $j --duration 5s --warmup 1s --replications 2 --per-replication \
        scenarios/stage5-cache.yaml >"$tmp/j$j.json" 2>/dev/null
done
same=true
for j in 2 3; do
    for f in j$j.csv c$j.csv t$j.csv j$j.json; do
        cmp -s "$tmp/$f" "$tmp/$(echo $f | sed "s/$j/1/")" || same=false
    done
done
[ "$(wc -l <"$tmp/j1.csv")" -eq 3 ] && $same && echo "ok: -j 2 and -j 3 write what -j 1 writes" ||
    { echo "FAIL: -j changes the output"; fails=$((fails + 1)); }
check "bad --jobs" 2 "$ss" -j many scenarios/stage1-single-server.yaml

# SLOs: verdicts in every format, exit 4 on a failure, 5 when unresolved
st="$ss -q --duration 20s --warmup 2s"
check "slo passes" 0 $st --slo 'p95_ms<200' --slo 'error_rate<0.1%' scenarios/stage3-load-balancer.yaml
contains "table shows the verdicts" "$tmp/out" "SLOs: pass"
contains "table shows each SLO" "$tmp/out" "error_rate<0.1%"
check "slo fails: exit 4" 4 $st -o csv --slo 'p95_ms<200' --slo 'cost_month_usd<5k' \
    scenarios/stage3-load-balancer.yaml
contains "csv verdict columns" "$tmp/out" ",verdict,p95_ms<200,cost_month_usd<5k"
contains "csv verdicts" "$tmp/out" ",fail,pass,fail"
# the mean at exactly what the replications' interval covers: undecided
check "slo unresolved: exit 5" 5 $st -o json --replications 4 --slo 'mean_ms<57.45' \
    scenarios/stage3-load-balancer.yaml
contains "json verdict" "$tmp/out" '"verdict":	"unresolved"'
check "a bad --slo is a usage error" 2 $st --slo 'p96_ms<200' scenarios/stage1-single-server.yaml
contains "a bad --slo says which figure" "$tmp/err" 'unknown figure "p96_ms"'
check "a share needs %" 2 $st --slo 'availability>=99.9' scenarios/stage1-single-server.yaml
contains "a share's hint" "$tmp/err" "write 99.9% or 0.999"
printf 'scalesim: 1\nextends: stage1-single-server.yaml\nslo:\n  - p95_ms<500\n  - classes.nope.p95_ms<9\n' \
    >scenarios/.test-slo.yaml
check "a bad slo: item is an invalid scenario" 1 "$ss" --check scenarios/.test-slo.yaml
contains "at its line and column" "$tmp/err" "scenarios/.test-slo.yaml:5:5: error: slo[1]: no request class"
rm -f scenarios/.test-slo.yaml
check "--precision" 0 $st -o csv --precision 5% --max-replications 8 scenarios/stage1-single-server.yaml
contains "precision columns" "$tmp/out" ",replications,imprecise"
check "bad --precision" 2 "$ss" --precision 200% scenarios/stage1-single-server.yaml
check "--precision with --per-replication" 2 "$ss" --precision 2% --replications 3 \
    --per-replication scenarios/stage1-single-server.yaml

# the planner: the cheapest configuration, the ones that fail, a log, exit codes
pl="$ss -q --duration 20s --warmup 5s --plan --slo p95_ms<200"
check "plan finds one" 0 $pl --vary components.app.instances=10:30:2 --plan-log "$tmp/plan.csv" \
    scenarios/stage3-load-balancer.yaml
contains "plan shows the choice" "$tmp/out" "SLOs: pass"
contains "plan shows what failed" "$tmp/out" "cheaper configurations that do not pass"
contains "plan log has every candidate" "$tmp/plan.csv" "candidate,components.app.instances,static_cost_month_usd,state"
[ "$(wc -l <"$tmp/plan.csv")" -eq 12 ] && echo "ok: plan log rows" || { echo "FAIL: plan log rows"; fails=$((fails + 1)); }
check "plan csv" 0 $pl -o csv --vary components.app.instances=10:30:2 scenarios/stage3-load-balancer.yaml
contains "plan csv leads with the varied path" "$tmp/out" "components.app.instances,scenario,"
check "plan: nothing passes: exit 4" 4 $pl --vary components.app.instances=2:6:2 scenarios/stage3-load-balancer.yaml
contains "plan says none passes" "$tmp/out" "no configuration passes"
# theory prunes a candidate offered its capacity or more, without a run
# (station.yaml: 900/s at 1 ms; one instance with cores 1 is at 0.9, so
# a rate of 1000/s puts it at 1)
check "plan: theory prunes" 0 "$ss" -q --duration 20s --warmup 2s --plan --slo "p95_ms<20" \
    --set workload.rate=1000/s --vary components.server.instances=1:3:1 --plan-log "$tmp/plan-theory.csv" \
    tests/validation/station.yaml
contains "plan log: pruned by theory" "$tmp/plan-theory.csv" "pruned: theory,"
contains "plan log says where" "$tmp/plan-theory.csv" "theory: utilisation 1.00 >= 1 at server"
check "plan: budget too small: exit 5" 5 $pl --budget 1 --vary components.app.instances=10:30:2 \
    scenarios/stage3-load-balancer.yaml
check "plan without --vary" 2 "$ss" --plan --slo p95_ms\<200 scenarios/stage3-load-balancer.yaml
check "plan without an SLO" 2 "$ss" --plan --vary components.app.instances=1,2 scenarios/stage3-load-balancer.yaml
contains "plan needs an SLO" "$tmp/err" "--plan needs an SLO"
check "--vary without --plan" 2 "$ss" --vary components.app.instances=1,2 scenarios/stage3-load-balancer.yaml
check "--plan-log is checked first" 3 $pl --vary components.app.instances=10,12 --plan-log /nonexistent/x.csv \
    scenarios/stage3-load-balancer.yaml
for j in 1 2; do
    $pl -o csv -j $j --vary components.app.instances=8:24:4 --vary components.lb.algorithm=round_robin,random \
        --plan-log "$tmp/pl$j.csv" scenarios/stage3-load-balancer.yaml >"$tmp/p$j.csv" 2>/dev/null
done
cmp -s "$tmp/p1.csv" "$tmp/p2.csv" && cmp -s "$tmp/pl1.csv" "$tmp/pl2.csv" &&
    echo "ok: the plan is the same on -j 2" || { echo "FAIL: -j changes the plan"; fails=$((fails + 1)); }

# grading answers to exercise 5 (SPEC 11): one row each, a criterion each
g="$ss -q --grade"
check "grade: one good answer: exit 0" 0 $g tests/grade/ex5-good.yaml
contains "grade: the good answer passes" "$tmp/out" "within 10% of the cheapest"
check "grade: a folder of answers: exit 4" 4 $g -o csv tests/grade/ex5-*.yaml
contains "grade csv head" "$tmp/out" "answer,exercise,grade,changes,slo,cost,replications,"
contains "grade: good" "$tmp/out" "tests/grade/ex5-good.yaml,scenarios/exercises/05-queue-consumers.yaml,pass,pass,pass,pass,"
contains "grade: misses its SLO" "$tmp/out" "ex5-misses-slo.yaml,scenarios/exercises/05-queue-consumers.yaml,fail,pass,fail,pass,"
contains "grade: says which SLO" "$tmp/out" "components.orders.message_p95_ms<10s fails:"
contains "grade: too dear" "$tmp/out" "ex5-too-dear.yaml,scenarios/exercises/05-queue-consumers.yaml,fail,pass,pass,fail,"
contains "grade: says how far above" "$tmp/out" "above the cheapest passing configuration (\$3428: components.orders.consumers.instances=30)"
contains "grade: changed a path it may not" "$tmp/out" "ex5-changes-api.yaml,scenarios/exercises/05-queue-consumers.yaml,fail,fail,"
contains "grade: names the path" "$tmp/out" "changes components.api.instances, which the exercise does not let an answer change"
contains "grade: a broken answer gets a row" "$tmp/out" "ex5-broken.yaml,,invalid,"
contains "grade: the broken answer's error on stderr" "$tmp/err" "ex5-broken.yaml:4:46: error: components.orders.consumers.instances"
check "grade json" 4 $g -o json tests/grade/ex5-misses-slo.yaml
python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))[0]; assert r["criteria"]=={"changes":"pass","slo":"fail","cost":"pass"}, r' \
    "$tmp/out" && echo "ok: grade json criteria" || { echo "FAIL: grade json"; fails=$((fails + 1)); }
check "grade: not an answer" 4 $g scenarios/stage1-single-server.yaml
contains "grade: says it is no answer" "$tmp/out" "not an answer to an exercise"
check "grade with --set" 2 $g --set workload.users=5 tests/grade/ex5-good.yaml
check "grade with --plan" 2 $g --plan tests/grade/ex5-good.yaml
$g -o csv -j 2 tests/grade/ex5-good.yaml tests/grade/ex5-too-dear.yaml >"$tmp/g2.csv" 2>/dev/null
$g -o csv tests/grade/ex5-good.yaml tests/grade/ex5-too-dear.yaml >"$tmp/g1.csv" 2>/dev/null
cmp -s "$tmp/g1.csv" "$tmp/g2.csv" && echo "ok: grades are the same on -j 2" ||
    { echo "FAIL: -j changes the grades"; fails=$((fails + 1)); }
# an exercise's own SLOs and vary lists are checked with the file
printf 'scalesim: 1\nextends: %s/scenarios/exercises/05-queue-consumers.yaml\nexercise:\n  vary: [components.orders.consumers.instances=20:80:5]\n  slo: [components.orders.p97_ms<3s]\n' \
    "$PWD" >"$tmp/bad-exercise.yaml"
check "a wrong exercise SLO is invalid" 1 "$ss" --check "$tmp/bad-exercise.yaml"
contains "it is said where" "$tmp/err" "bad-exercise.yaml:5:9: error: exercise.slo[0]: orders (broker) has no figure \"p97_ms\""
# a flow list splits at its commas: [a=1,2] is the items "a=1" and "2",
# which must not pass as a path an answer may change
printf 'scalesim: 1\nextends: %s/scenarios/exercises/05-queue-consumers.yaml\nexercise:\n  vary: [components.orders.consumers.instances=20,40, components.ordrs.consumers.instances]\n' \
    "$PWD" >"$tmp/bad-vary.yaml"
check "an exercise vary item that is no path is invalid" 1 "$ss" --check "$tmp/bad-vary.yaml"
contains "the split item is shown" "$tmp/err" "bad-vary.yaml:4:51: error: exercise.vary[1]: expected a path such as"
contains "a component that is not there" "$tmp/err" "exercise.vary[2]: no component \"ordrs\" in the scenario"

# an aggregated JSON row gives the mean of its replications for classes and
# components too (not replication 0's), each with a 95% half-width
"$ss" -q -o json --duration 3s --warmup 1s --replications 3 scenarios/stage2-split-app-db.yaml >"$tmp/agg.json"
"$ss" -q -o json --duration 3s --warmup 1s --replications 3 --per-replication \
    scenarios/stage2-split-app-db.yaml >"$tmp/per.json"
python3 - "$tmp/agg.json" "$tmp/per.json" <<'PY' && echo "ok: aggregated JSON rows are means" ||
import json, sys
agg = json.load(open(sys.argv[1]))[0]
per = json.load(open(sys.argv[2]))
assert len(per) == 3
for part, key in (("classes", "mean_ms"), ("components", "util")):
    for i, x in enumerate(agg[part]):
        if x[key] is None:  # a kind without the figure (an external API's util)
            continue
        mean = sum(r[part][i][key] for r in per) / 3
        assert abs(x[key] - mean) <= 2e-3 * max(1, abs(mean)), (part, i, x[key], mean)
        assert key + "_ci95" in x, (part, i)
    assert agg[part][0][key] != per[0][part][0][key], part
PY
    { echo "FAIL: aggregated JSON rows"; fails=$((fails + 1)); }

# Ctrl-C keeps the finished rows and says how far it got (exit 130); the
# sweep is far longer than the 3 s before the signal on any machine
timeout --preserve-status -s INT 3 "$ss" -q -o csv --duration 100s --warmup 0s \
    --sweep workload.users=1k:100k:1k scenarios/stage3-load-balancer.yaml >"$tmp/out" 2>"$tmp/err"
got=$?
[ "$got" -eq 130 ] && echo "ok: interrupted exits 130" || { echo "FAIL: interrupted exit $got"; fails=$((fails + 1)); }
contains "interrupted says how far" "$tmp/err" "interrupted after"
k=$(sed -n 's/.*interrupted after \([0-9]*\) of 100 runs.*/\1/p' "$tmp/err")
rows=$(($(wc -l <"$tmp/out") - 1))
[ -n "$k" ] && [ "$k" -ge 1 ] && [ "$rows" -eq "$k" ] && echo "ok: the $k finished rows are kept" || { echo "FAIL: $rows rows for $k runs"; fails=$((fails + 1)); }
# on two threads rows still come out in order, each once
timeout --preserve-status -s INT 3 "$ss" -q -o csv -j 2 --duration 100s --warmup 0s \
    --sweep workload.users=1k:100k:1k scenarios/stage3-load-balancer.yaml >"$tmp/out" 2>"$tmp/err"
got=$?
cut -d, -f1 "$tmp/out" | tail -n +2 >"$tmp/users"
expect=$(awk 'NR > 0 { print NR * 1000 }' "$tmp/users" | head -n "$(wc -l <"$tmp/users")")
[ "$got" -eq 130 ] && [ "$(cat "$tmp/users")" = "$expect" ] && echo "ok: -j 2 interrupted keeps its rows in order" ||
    { echo "FAIL: -j 2 interrupted (exit $got)"; fails=$((fails + 1)); }

# names are escaped on the terminal: no raw escape byte reaches it
printf 'scalesim: 1\nname: "a\\e[31mred"\nworkload: {users: 10, requests: {"c\\e[2J": {route: [ap]}}}\ncomponents: {app: {kind: app_server, service: 1ms}}\n' >"$tmp/esc.yaml"
check "escapes in errors" 1 "$ss" --check "$tmp/esc.yaml"
if grep -q "$(printf '\033')" "$tmp/err"; then echo "FAIL: raw escape in an error"; fails=$((fails + 1)); else echo "ok: errors escape control characters"; fi
contains "the escape is shown" "$tmp/err" 'requests.c\x1b[2J.route[0]'
sed -i 's/\[ap\]/[app]/' "$tmp/esc.yaml"
check "escapes in the table" 0 "$ss" -q --duration 5s "$tmp/esc.yaml"
if grep -q "$(printf '\033')" "$tmp/out"; then echo "FAIL: raw escape in the table"; fails=$((fails + 1)); else echo "ok: the table escapes control characters"; fi

# per-class percentiles follow the summary's rule (ten answers beyond it)
check "few answers" 0 "$ss" -q --duration 5s --warmup 0s scenarios/stage1-single-server.yaml
contains "a class without enough answers shows no P99" "$tmp/out" "write"
awk '$1 == "write" && $NF != "-" { bad = 1 } END { exit bad }' "$tmp/out" && echo "ok: write p99 withheld" || { echo "FAIL: write p99 printed from too few answers"; fails=$((fails + 1)); }

# what a reader must notice is in the table's notes
printf 'scalesim: 1\nsimulation: {duration: 20s, warmup: 2s}\nworkload: {rate: 990/s, requests: {r: {route: [app, q]}}}\ncomponents:\n  app: {kind: app_server, service: exp(1ms), instances: 1}\n  q: {kind: broker, consumers: {instances: 1, cores: 1, service: exp(2ms)}, instance_type: m5.large}\npricing: %s/scenarios/pricing.yaml\n' "$PWD" >"$tmp/busy.yaml"
check "busy run" 0 "$ss" -q "$tmp/busy.yaml"
contains "overload is noted" "$tmp/out" "near capacity: 9"
contains "no price is noted" "$tmp/out" "no price (give instance_type or price_per_hour)"
contains "the broker's message P95" "$tmp/out" "messages p95"
contains "a growing backlog" "$tmp/out" "backlog growing"

# pricing: pricing.yaml from a folder of one's own: the shipped file is found
printf 'scalesim: 1\nworkload: {users: 10, requests: {r: {route: [app]}}}\ncomponents: {app: {kind: app_server, service: 1ms, instance_type: c5.xlarge}}\npricing: pricing.yaml\n' >"$tmp/own.yaml"
check "pricing from the shipped folder" 0 "$ss" --check "$tmp/own.yaml"
printf 'scalesim: 1\nworkload: {users: 10, requests: {r: {route: [app]}}}\ncomponents: {app: {kind: app_server, service: 1ms, instance_type: c5.xlarge}}\npricing: nosuch.yaml\n' >"$tmp/own.yaml"
check "a missing pricing file" 1 "$ss" --check "$tmp/own.yaml"
contains "the paths tried are named" "$tmp/err" "(tried $tmp/nosuch.yaml, "

# a run whose requests in flight outgrow the memory budget stops and names the queue
printf 'scalesim: 1\nsimulation: {duration: 600s, warmup: 0s}\nworkload: {rate: 20000/s, requests: {r: {route: [app]}}}\ncomponents: {app: {kind: app_server, service: exp(1ms)}}\n' >"$tmp/over.yaml"
check "memory budget" 3 "$ss" -q --max-memory 64MB "$tmp/over.yaml"
contains "memory budget names the queue" "$tmp/err" "the queue of app holds"
check "a time series that cannot fit" 2 "$ss" -q --max-memory 8MB --timeseries "$tmp/ts.csv" --interval 1ms "$tmp/over.yaml"
contains "time series refusal says why" "$tmp/err" "choose a longer interval"

# --theory (SPEC 9): columns after the others, the same figures before them
check "--theory csv" 0 "$ss" $short -o csv --theory --components "$tmp/thc.csv" scenarios/stage2-split-app-db.yaml
head -1 "$tmp/out" >"$tmp/head"
contains "--theory summary columns" "$tmp/head" "bottleneck,bottleneck_util,theory_mean_ms,theory_throughput_rps"
contains "--theory component columns" "$tmp/thc.csv" ",extra,theory_util,theory_mean_wait_ms,theory_p95_wait_ms,theory_model,theory_note"
contains "--theory names the model" "$tmp/thc.csv" "MVA (Seidmann, M/M/c)"
cut -d, -f1-16 "$tmp/out" >"$tmp/with"
"$ss" $short -o csv scenarios/stage2-split-app-db.yaml >"$tmp/without"
cmp -s "$tmp/with" "$tmp/without" && echo "ok: --theory changes no simulated figure" || { echo "FAIL: --theory changed the figures"; fails=$((fails + 1)); }
check "--theory json" 0 "$ss" $short -o json --theory scenarios/stage2-split-app-db.yaml
if command -v python3 >/dev/null; then
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); s=d[0]["summary"]; c=d[0]["components"][0]; assert s["theory_mean_ms"] > 0 and "theory_util" in c and c["theory_model"]' "$tmp/out" \
        && echo "ok: --theory json" || { echo "FAIL: --theory json"; fails=$((fails + 1)); }
fi
check "--theory table" 0 "$ss" $short --theory --replications 2 scenarios/stage2-split-app-db.yaml
contains "--theory table" "$tmp/out" "theory beside simulation"
check "--theory with --plan is a usage error" 2 "$ss" --theory --plan --vary components.app.instances=1,2 scenarios/stage2-split-app-db.yaml

# no progress bar when stderr is not a terminal
check "quiet stderr" 0 "$ss" $short scenarios/stage1-single-server.yaml
[ -s "$tmp/err" ] && { echo "FAIL: stderr not empty"; fails=$((fails + 1)); } || echo "ok: nothing on stderr"

echo "$fails failure(s)"
[ "$fails" -eq 0 ]
