# SPDX-License-Identifier: Apache-2.0
# Bar chart of the vmm/QEMU ratios that bench/run measured.
#
#   gnuplot -e "datafile='build/bench/ratios.dat'; outfile='build/bench/ratios.png'; subtitle='...'" bench/ratios.gp
#
# ratios.dat (written by bench/run), one metric per line:
#   index "label" median min max vmm_better(0|1)
# Each bar runs from 1 (parity) to the median ratio on a log scale, with
# the min-max range of the pairwise ratios as an error bar. Green: vmm is
# better on that metric (lower time or memory, higher throughput); red:
# QEMU is.
if (!exists("datafile")) datafile = 'build/bench/ratios.dat'
if (!exists("outfile")) outfile = 'build/bench/ratios.png'
if (!exists("subtitle")) subtitle = ''

stats datafile using 1:3 nooutput
n = STATS_records
stats datafile using 4 nooutput
lo = STATS_min
stats datafile using 5 nooutput
hi = STATS_max
xmin = (lo < 0.5 ? lo / 1.5 : 0.33)
xmax = (hi > 2 ? hi * 1.5 : 3)

set terminal pngcairo size 1100, (160 + 34 * n) font "sans,10"
set output outfile
set title sprintf("vmm / QEMU microvm: median of the pairwise ratios, bars min-max\n%s", subtitle)
set logscale x 2
set xrange [xmin:xmax]
set xtics ("0.01" 0.01, "0.02" 0.02, "0.05" 0.05, "0.1" 0.1, "0.2" 0.2, \
           "0.5" 0.5, "1" 1, "2" 2, "5" 5, "10" 10, "20" 20)
set xlabel "vmm / QEMU (log scale; 1 = parity)"
set yrange [n - 0.3:-0.7]
set ytics scale 0
set grid xtics
set style fill solid 0.75 border -1
set key off
set lmargin 66
set arrow from 1, graph 0 to 1, graph 1 nohead lw 2 dt 2 lc rgb "black"

plot datafile using 3:1:($3 < 1 ? $3 : 1):($3 < 1 ? 1 : $3):($1 - 0.35):($1 + 0.35):($6 > 0 ? 0x2ca02c : 0xd62728):ytic(2) \
        with boxxyerror lc rgb variable, \
     '' using 3:1:4:5 with xerrorbars pt 7 ps 0.5 lc rgb "black", \
     '' using 5:1:(sprintf("%.2f", $3)) with labels left offset 1, 0 font "sans,9"
