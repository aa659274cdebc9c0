# plots/journey.gp -- the scaling journey: P95 latency and monthly cost per
# stage, from scalesim's summary CSV as it is.
#
#   scalesim -o csv scenarios/stage*.yaml > journey.csv
#   gnuplot -e "in='journey.csv'; out='journey.png'" plots/journey.gp
if (!exists("in")) in = 'journey.csv'
if (!exists("out")) out = 'journey.png'
set terminal pngcairo size 1000,560 font "sans,11" noenhanced
set output out
set datafile separator comma
set datafile columnheaders
set title "The scaling journey: P95 latency and monthly cost per stage"
set xlabel "stage"
set ylabel "P95 latency (ms)"
set y2label "cost per month (US$, log scale)"
set logscale y2
set ytics nomirror
set y2tics
set yrange [0:*]
set grid ytics
set key top center  # clear of stage 1's tall bar and the cost line
set style fill solid 0.6 border -1
set boxwidth 0.6
set xtics 1
# users as labels above the bars
plot in using "stage":"p95_ms" with boxes lc rgb "#4477aa" title "P95 latency", \
     in using "stage":"p95_ms":(sprintf("%.0fk users", column("users")/1000)) with labels offset 0,1 font ",9" notitle, \
     in using "stage":"cost_month_usd" axes x1y2 with linespoints lw 2 pt 7 lc rgb "#cc6677" title "cost per month"
