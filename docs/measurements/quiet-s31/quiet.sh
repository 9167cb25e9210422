#!/usr/bin/env bash
# Quiet window: the oversubscription yield and the home-slot hash against main before them.
# usage: quiet.sh CHECKOUT OLD_JAR
#   CHECKOUT: the checkout measured (its reclaim-bench/target/reclaim.jar is "new"); OLD_JAR: main before the change.
set -u
ROOT=$1; OLD=$2
cd "$ROOT"
NEW=$ROOT/reclaim-bench/target/reclaim.jar
JV=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
echo "== start $(date -u +%T) $(git rev-parse --short HEAD) load:$(uptime | sed 's/.*load average//')"
echo "== peer-table treiber, old vs new, per pop and batches of 64 under one guard"
reclaim-bench/scripts/peer-table -t "1 2 8" -n 2 'heap:--impl heap' \
  "old-ebr@$OLD:--impl ebr" 'ebr:--impl ebr' "old-ebr-b64@$OLD:--impl ebr --guard-every 64" 'ebr-b64:--impl ebr --guard-every 64' \
  "old-hp@$OLD:--impl hp" 'hp:--impl hp' 'hp-b64:--impl hp --guard-every 64' \
  "old-robust@$OLD:--impl robust" 'robust:--impl robust' 'robust-b64:--impl robust --guard-every 64'
echo "== backlog at 8 threads (and 2), old vs new, alternating"
for pass in 1 2; do
  for e in 1 64; do
    for jar in "$OLD" "$NEW"; do
      echo "-- $(basename "$jar")"
      $JV --enable-native-access=ALL-UNNAMED -cp "$jar" reclaim-bench/scripts/OversubscribedBacklog.java ebr 8 $e 3
    done
  done
done
for jar in "$OLD" "$NEW"; do
  echo "-- $(basename "$jar")"
  $JV --enable-native-access=ALL-UNNAMED -cp "$jar" reclaim-bench/scripts/OversubscribedBacklog.java ebr 2 1 3
done
echo "== no regression elsewhere: paired JMH, new vs old"
for s in ebr hp robust; do
  JMH_PAIRED_OPTS="-f 1 -wi 5 -i 5 -w 1 -r 1" reclaim-bench/scripts/jmh-paired 3 "new@$NEW:\\.PinBench.pin\$ -p scheme=$s" "old@$OLD:\\.PinBench.pin\$ -p scheme=$s" 2>&1 | grep -E "^[0-9]+ (new|old) |median"
done
reclaim-bench/scripts/jmh-paired 3 "new@$NEW:\\.ArcSwapBench.arcSwapLoad\$ -p writer=none -t 2" "old@$OLD:\\.ArcSwapBench.arcSwapLoad\$ -p writer=none -t 2" 2>&1 | grep -E "^[0-9]+ (new|old) |median"
reclaim-bench/scripts/jmh-paired 3 "new@$NEW:\\.MapBench.op\$ -p impl=openmap-ebr -p updatePercent=10 -t 2" "old@$OLD:\\.MapBench.op\$ -p impl=openmap-ebr -p updatePercent=10 -t 2" 2>&1 | grep -E "^[0-9]+ (new|old) |median"
reclaim-bench/scripts/jmh-paired 6 "new@$NEW:\\.BirdCageBench -p scheme=ebr -t 2" "old@$OLD:\\.BirdCageBench -p scheme=ebr -t 2" 2>&1 | grep -E "^[0-9]+ (new|old) |median"
reclaim-bench/scripts/jmh-paired 3 "new@$NEW:\\.TreiberBench.pushPop\$ -p impl=ebr" "old@$OLD:\\.TreiberBench.pushPop\$ -p impl=ebr" 2>&1 | grep -E "^[0-9]+ (new|old) |median"
echo "== msqueue, old vs new, 1 2 8"
reclaim-bench/scripts/peer-table -w msqueue -t "1 2 8" -n 2 'heap:--impl heap' "old-ebr@$OLD:--impl ebr" 'ebr:--impl ebr' \
  "old-ebr-b64@$OLD:--impl ebr --guard-every 64" 'ebr-b64:--impl ebr --guard-every 64'
echo "== end $(date -u +%T) load:$(uptime | sed 's/.*load average//')"
