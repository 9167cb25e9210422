#!/bin/bash
# openmap-ebr-sized at 10^8 right after the nbhml fork, in the same weather.
while pgrep -f scale-nbhml8.sh >/dev/null; do sleep 10; done
cd /work/main
export RECLAIM_JAR=/work/baseline/reclaim-main-s29start.jar RECLAIM_SCALE_GCS=g1 RECLAIM_SCALE_DISTS=uniform
O=/work/notes/runs/s29
echo "== $(date -u +%T) uptime $(uptime)"
RECLAIM_SCALE_SIZES=100000000 RECLAIM_SCALE_XMX=2g RECLAIM_SCALE_PEERS=openmap-ebr-sized \
  ./reclaim bench --scale --threads 2 --duration 60s --out $O/scale8-open-after > $O/scale8-open-after.log 2>&1
echo "== $(date -u +%T) uptime $(uptime) done"
