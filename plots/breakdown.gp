# plots/breakdown.gp -- where one request class's time goes: waiting,
# service and network at each component it visits (means per visit), from
# scalesim's --breakdown CSV. A component's network time is the hop into it
# and back; for the first component of a route that is the client's.
#
#   scalesim --breakdown bd.csv scenarios/stage8-message-queue.yaml
#   gnuplot -e "in='bd.csv'; out='breakdown.png'; class='write'" plots/breakdown.gp
if (!exists("in")) in = 'breakdown.csv'
if (!exists("out")) out = 'breakdown.png'
if (!exists("class")) class = 'read'
set datafile separator comma
set datafile columnheaders
# the rows of this class only: component, wait, service, network
set table $rows
plot in using (strcol("component")):(column("wait_mean_ms")):(column("service_mean_ms")):(column("network_mean_ms")) \
     with table if (strcol("class") eq class)
unset table
set datafile separator whitespace
unset datafile columnheaders
set terminal pngcairo size 1000,560 font "sans,11" noenhanced
set output out
set title sprintf("Where a '%s' request's time goes (mean per visit)", class)
set ylabel "milliseconds"
set style data histograms
set style histogram rowstacked
set style fill solid 0.8 border -1
set boxwidth 0.6
set grid ytics
set key top right
set bmargin 6
set xtics rotate by -35 nomirror
plot $rows using 2:xtic(1) lc rgb "#cc6677" title "waiting", \
     '' using 3 lc rgb "#4477aa" title "service", \
     '' using 4 lc rgb "#999933" title "network"
