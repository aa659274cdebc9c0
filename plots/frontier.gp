# plots/frontier.gp -- the planner's candidates: monthly cost against P95,
# those that pass every SLO, those that fail, and the one chosen. The
# cheapest passing point is the answer; the passing points to its right
# are what more money buys.
#
#   scalesim --plan --slo 'p95_ms<200' --vary components.app.instances=10:60:2 \
#            --plan-log plan.csv scenarios/stage3-load-balancer.yaml
#   gnuplot -e "in='plan.csv'; out='frontier.png'" plots/frontier.gp
# Candidates the planner did not simulate (pruned, dearer) have no P95 and
# are left out; optional: limit=200 draws the SLO's line.
if (!exists("in")) in = 'plan.csv'
if (!exists("out")) out = 'frontier.png'
set terminal pngcairo size 1000,560 font "sans,11" noenhanced
set output out
set datafile separator comma
set datafile columnheaders
set title "The planner's candidates: cost against P95"
set xlabel "monthly cost (USD)"
set ylabel "P95 latency (ms, log scale)"
set logscale y
set grid
set key top right
is(s) = strcol("state") eq s
if (exists("limit")) set arrow from graph 0, first limit to graph 1, first limit nohead dt 2 lw 2 lc rgb "#aa0000"
plot in using (is("fail") || is("unresolved") ? column("cost_month_usd") : NaN):"p95_ms" \
        with points pt 7 ps 1.4 lc rgb "#cc4444" title "fails an SLO", \
     in using (is("pass") ? column("cost_month_usd") : NaN):"p95_ms" \
        with points pt 5 ps 1.4 lc rgb "#3377bb" title "passes", \
     in using (column("chosen") == 1 ? column("cost_month_usd") : NaN):"p95_ms" \
        with points pt 6 ps 3.5 lw 3 lc rgb "#000000" title "chosen (the cheapest that passes)"
