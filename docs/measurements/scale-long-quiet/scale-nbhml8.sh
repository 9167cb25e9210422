#!/bin/bash
# Does NonBlockingHashMapLong hold 10^8 entries here? One fork, 14 GiB heap, after the quiet runs.
while pgrep -f scale-quiet.sh >/dev/null; do sleep 10; done
cd /work/main
export RECLAIM_JAR=/work/baseline/reclaim-main-s29start.jar RECLAIM_SCALE_GCS=g1 RECLAIM_SCALE_DISTS=uniform
O=/work/notes/runs/s29
echo "== $(date -u +%T) uptime $(uptime)"
RECLAIM_SCALE_SIZES=100000000 RECLAIM_SCALE_XMX=14g RECLAIM_SCALE_PEERS=nbhml \
  ./reclaim bench --scale --threads 2 --duration 60s --out $O/scale8-nbhml > $O/scale8-nbhml.log 2>&1
echo "== $(date -u +%T) uptime $(uptime) done"
