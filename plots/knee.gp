# plots/knee.gp -- latency against load from a --sweep: where the curve
# bends is the capacity of the architecture.
#
#   scalesim -o csv --sweep workload.users=10k:200k:10k \
#            scenarios/stage3-load-balancer.yaml > knee.csv
#   gnuplot -e "in='knee.csv'; out='knee.png'" plots/knee.gp
# The first column must be the swept parameter (scalesim puts it there).
if (!exists("in")) in = 'knee.csv'
if (!exists("out")) out = 'knee.png'
set terminal pngcairo size 1000,560 font "sans,11" noenhanced
set output out
set datafile separator comma
set datafile columnheaders
set title "Latency against load: the knee of the curve"
set xlabel "users"
# scalesim writes swept values as plain numbers (20000, not 20k): label
# the axis the short way
set format x "%.0s%c"
set ylabel "latency (ms, log scale)"
set y2label "throughput (requests/s)"
set logscale y
set ytics nomirror
set y2tics
set grid
set key top left
plot in using 1:"p50_ms" with linespoints lw 2 pt 7 title "P50", \
     in using 1:"p95_ms" with linespoints lw 2 pt 5 title "P95", \
     in using 1:"p99_ms" with linespoints lw 2 pt 9 title "P99", \
     in using 1:"throughput_rps" axes x1y2 with lines dt 2 lw 2 lc rgb "#666666" title "throughput"
