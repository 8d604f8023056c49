#!/usr/bin/env bash
# probe: 1 master 6400 + 1 sentinel 26400 (down-after 5000); poll SENTINEL master ping fields around a pause
set -u
R=/tmp/sentinel-drill/probe; rm -rf $R; mkdir -p $R/6400 $R/26400
cleanup() { for p in 6400 26400; do pid=$(cat $R/$p/pid 2>/dev/null) || continue; [ "$(readlink /proc/$pid/cwd)" = "$R/$p" ] && { kill -CONT $pid; kill -TERM $pid; }; done; sleep 1; }
trap cleanup EXIT
printf 'port 6400\nbind 127.0.0.1\ndaemonize yes\npidfile %s/pid\nlogfile %s/log\ndir %s\nsave ""\n' $R/6400 $R/6400 $R/6400 > $R/6400/c.conf
printf 'port 26400\nbind 127.0.0.1\ndaemonize yes\npidfile %s/pid\nlogfile %s/log\ndir %s\nsentinel monitor mymaster 127.0.0.1 6400 1\nsentinel down-after-milliseconds mymaster 5000\n' $R/26400 $R/26400 $R/26400 > $R/26400/s.conf
redis-server $R/6400/c.conf; sleep 0.3; redis-sentinel $R/26400/s.conf; sleep 4.$((RANDOM%1000))
f() { redis-cli -p 26400 sentinel master mymaster | paste - - | awk -F'\t' '$1 ~ /last-ping-sent|last-ok-ping-reply|last-ping-reply|^flags/ {printf "%s=%s ", $1, $2}'; echo; }
for i in 1 2 3 4 5 6 7 8 9 10; do echo "$(date +%s%3N) $(f)"; sleep 0.1; done
T0=$(date +%s%3N); kill -STOP $(cat $R/6400/pid); echo "PAUSE $T0"
for i in $(seq 75); do echo "$(( $(date +%s%3N) - T0 )) $(f)"; sleep 0.1; done
grep sdown $R/26400/log
