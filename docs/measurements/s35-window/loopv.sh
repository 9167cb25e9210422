#!/bin/bash
# usage: loopv.sh RUNS WORKLOAD THREADS "label|jar|jvmopts|peer args" ...
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
R=$1; W=$2; T=$3; shift 3
echo "# $(date +%T) $W t=$T load:$(uptime | sed 's/.*load average//')"
for r in $(seq 1 $R); do
  line="$r"
  for v in "$@"; do
    IFS='|' read -r l jar opt args <<< "$v"
    core=$($J -cp /tmp/s34/probe CoreLatency 100000 5 | awk '{print $2}')
    s=$(timeout 300 $J --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -Xmx2g $opt -cp /tmp/s34/peer:$jar dev.reclaim.bench.peer.PeerCommand $W --threads $T --ops 20000000 $args 2>/dev/null | awk '/^RESULT / {print $5}')
    line="$line $l=$s@$core"
  done
  echo "$line"
done
