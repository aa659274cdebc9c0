#!/bin/sh
# tests/bench/bench_plan.sh SCALESIM [JOBS] -- the planner's benchmark (run
# on demand, never by ctest): a plan over 200 candidates of stage 3 (50
# application pool sizes x 4 database instance types) against a P95 and an
# error-rate SLO. Prints the wall-clock and CPU time with -j JOBS (default
# 2), peak memory, the runs spent, and what the pruning saved: an
# exhaustive search would simulate every candidate at least twice (the
# planner's first batch), so every candidate pruned or skipped as dearer
# saves at least two runs.
ss=${1:?usage: bench_plan.sh SCALESIM [JOBS]}
jobs=${2:-2}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$(dirname "$0")/../.." || exit 1
/usr/bin/time -f "%e %U %S %M" -o "$tmp/time" "$ss" -q -j "$jobs" --plan \
    --slo 'p95_ms<200' --slo 'error_rate<0.1%' --set components.db.cores= \
    --vary components.app.instances=4:53:1 \
    --vary components.db.instance_type=r5.4xlarge,r5.8xlarge,r5.12xlarge,r5.16xlarge \
    --plan-log "$tmp/plan.csv" scenarios/stage3-load-balancer.yaml >"$tmp/out"
rc=$?
read -r wall user sys rss <"$tmp/time"
awk -F, -v wall="$wall" -v cpu="$user" -v sys="$sys" -v rss="$rss" -v jobs="$jobs" -v rc="$rc" '
    NR == 1 { for (i = 1; i <= NF; i++) if ($i == "state") s = i; else if ($i == "replications") r = i; next }
    { n++; state[$s]++; runs += $r }
    $s ~ /^pruned/ || $s == "dearer" { saved += 2 }
    END {
        printf "plan over %d candidates of stage 3, -j %d (exit %d)\n", n, jobs, rc
        printf "  wall %.1f s, cpu %.1f s, peak memory %.1f MB\n", wall, cpu + sys, rss / 1024
        printf "  runs spent %d (%d candidates simulated)\n", runs, state["pass"] + state["fail"] + state["unresolved"] + state["budget"]
        printf "  pruned: %d by cost, %d by monotonicity, %d by theory; %d dearer than the choice\n",
               state["pruned: cost"], state["pruned: monotone"], state["pruned: theory"], state["dearer"]
        printf "  runs saved: at least %d of the %d an exhaustive search needs (%.0f%%)\n",
               saved, 2 * n, 100 * saved / (2 * n)
    }' "$tmp/plan.csv"
sed -n '1,2p' "$tmp/out"
