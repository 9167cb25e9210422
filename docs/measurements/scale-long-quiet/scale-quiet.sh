#!/bin/bash
# Quiet-window long-map scale runs: 10^7 (openmap-ebr-sized, chm, nbhml) and 10^8 (openmap-ebr-sized, chm),
# G1, uniform, 2 threads, 30 s / 60 s windows (long enough to see G1 collections), two runs in opposite orders.
cd /work/main
export RECLAIM_JAR=/work/baseline/reclaim-main-s29start.jar RECLAIM_SCALE_GCS=g1 RECLAIM_SCALE_DISTS=uniform
O=/work/notes/runs/s29
echo "== $(date -u +%T) uptime $(uptime)"
RECLAIM_SCALE_SIZES=10000000 RECLAIM_SCALE_XMX=6g RECLAIM_SCALE_PEERS=openmap-ebr-sized,chm,nbhml \
  ./reclaim bench --scale --threads 2 --duration 30s --out $O/scale7-run1 > $O/scale7-run1.log 2>&1
echo "== $(date -u +%T) uptime $(uptime)"
RECLAIM_SCALE_SIZES=100000000 RECLAIM_SCALE_XMX=12g RECLAIM_SCALE_PEERS=openmap-ebr-sized,chm \
  ./reclaim bench --scale --threads 2 --duration 60s --out $O/scale8-run1 > $O/scale8-run1.log 2>&1
echo "== $(date -u +%T) uptime $(uptime)"
RECLAIM_SCALE_SIZES=10000000 RECLAIM_SCALE_XMX=6g RECLAIM_SCALE_PEERS=nbhml,chm,openmap-ebr-sized \
  ./reclaim bench --scale --threads 2 --duration 30s --out $O/scale7-run2 > $O/scale7-run2.log 2>&1
echo "== $(date -u +%T) uptime $(uptime)"
RECLAIM_SCALE_SIZES=100000000 RECLAIM_SCALE_XMX=12g RECLAIM_SCALE_PEERS=chm,openmap-ebr-sized \
  ./reclaim bench --scale --threads 2 --duration 60s --out $O/scale8-run2 > $O/scale8-run2.log 2>&1
echo "== $(date -u +%T) uptime $(uptime) done"
