# plots/timeseries.gp -- a run over time: throughput, errors and P95 per
# interval, from scalesim's --timeseries CSV; faults show as dips.
#
#   scalesim --timeseries ts.csv scenarios/dc-outage.yaml
#   gnuplot -e "in='ts.csv'; out='timeseries.png'" plots/timeseries.gp
if (!exists("in")) in = 'timeseries.csv'
if (!exists("out")) out = 'timeseries.png'
set terminal pngcairo size 1000,700 font "sans,11" noenhanced
set output out
set datafile separator comma
set datafile columnheaders
set multiplot layout 2,1 title "A run over time"
set grid
set xlabel "simulated time (s)"
set ylabel "requests/s"
set y2label "error rate"
set ytics nomirror
set y2tics
set y2range [0:1]
set yrange [0:*]
set key top right
plot in using "t_s":"throughput_rps" with lines lw 2 lc rgb "#4477aa" title "answered/s", \
     in using "t_s":"error_rate" axes x1y2 with lines lw 2 lc rgb "#cc6677" title "error rate"
unset y2label
unset y2tics
set ytics mirror
set ylabel "latency (ms)"
set yrange [0:*]
plot in using "t_s":"p50_ms" with lines lw 2 title "P50", \
     in using "t_s":"p95_ms" with lines lw 2 title "P95"
unset multiplot
