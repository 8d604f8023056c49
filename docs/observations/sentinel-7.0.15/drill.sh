#!/usr/bin/env bash
# Sentinel failover drills against real Redis 7.0 (Debian redis-server / redis-sentinel 7.0.15),
# 127.0.0.1 only, ports 6400-6402 and 26400-26402.
#
# Usage: drill.sh 002 <label>   seeds/002: master 6400, replicas 6401 6402, sentinels 26400-26402,
#                               quorum 2, down-after 5000, failover-timeout 5000, parallel-syncs 1;
#                               kill -STOP the master (like docker pause), kill -CONT 5 s after the
#                               switch, wait 20 s, capture.
#        drill.sh 001 <label>   seeds/001: master 6400, replica 6401, sentinel 26400, quorum 1,
#                               default down-after (30000) and failover-timeout; kill -9 the master,
#                               wait for +switch-master, restart it with its same config, wait 15 s,
#                               capture.
# Captures go to <this dir>/<label>/; the process dirs live in /tmp/sentinel-drill/run-<label>/.
# A trap stops every process this script started (by the pid in its pidfile) on exit.
set -u
VARIANT=${1:?variant 001|002}
LABEL=${2:?label}
HERE=$(cd "$(dirname "$0")" && pwd)
RUN=/tmp/sentinel-drill/run-$LABEL
OUT=$HERE/$LABEL
CLI="redis-cli -h 127.0.0.1"
M=6400

case $VARIANT in
  002) SERVERS="6400 6401 6402"; SENTINELS="26400 26401 26402"; QUORUM=2
       SENTINEL_EXTRA="sentinel down-after-milliseconds mymaster 5000
sentinel failover-timeout mymaster 5000
sentinel parallel-syncs mymaster 1" ;;
  001) SERVERS="6400 6401"; SENTINELS="26400"; QUORUM=1
       SENTINEL_EXTRA="sentinel parallel-syncs mymaster 1" ;;
  *) echo "unknown variant $VARIANT" >&2; exit 2 ;;
esac
REPLICAS=$(for p in $SERVERS; do [ $p != $M ] && echo $p; done | xargs)
NREPL=$(echo $REPLICAS | wc -w)
NSENT=$(echo $SENTINELS | wc -w)

now() { date +%s%3N; }
log() { echo "[$(date +%H:%M:%S.%3N)] $*" | tee -a "$OUT/drill.log"; }

cleanup() {
  for p in $SERVERS $SENTINELS; do
    pf=$RUN/$p/pid
    [ -f "$pf" ] || continue
    pid=$(cat "$pf")
    # only a process we started: its working dir is our run dir for that port (config `dir`)
    if kill -0 "$pid" 2>/dev/null && [ "$(readlink "/proc/$pid/cwd")" = "$RUN/$p" ]; then
      kill -CONT "$pid" 2>/dev/null
      kill -TERM "$pid" 2>/dev/null
      for i in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
    fi
  done
  log "cleanup done"
}

rm -rf "$RUN" "$OUT"
mkdir -p "$RUN" "$OUT"
trap cleanup EXIT INT TERM

for p in $SERVERS; do
  d=$RUN/$p; mkdir -p "$d"
  {
    echo "port $p"
    echo "bind 127.0.0.1"
    echo "daemonize yes"
    echo "pidfile $d/pid"
    echo "logfile $d/redis.log"
    echo "loglevel notice"
    echo "dir $d"
    echo 'save ""'
    echo "appendonly no"
    [ $p != $M ] && echo "replicaof 127.0.0.1 $M"
  } >"$d/redis.conf"
done
for p in $SENTINELS; do
  d=$RUN/$p; mkdir -p "$d"
  cat >"$d/sentinel.conf" <<EOF
port $p
bind 127.0.0.1
daemonize yes
pidfile $d/pid
logfile $d/sentinel.log
loglevel notice
dir $d
sentinel monitor mymaster 127.0.0.1 $M $QUORUM
$SENTINEL_EXTRA
EOF
  cp "$d/sentinel.conf" "$OUT/sentinel-$p.conf.initial"
done
cp "$RUN/$M/redis.conf" "$OUT/redis-$M.conf"

wait_pid() { for i in $(seq 50); do [ -s "$RUN/$1/pid" ] && $CLI -p $1 ping >/dev/null 2>&1 && return 0; sleep 0.1; done; return 1; }

for p in $SERVERS; do redis-server "$RUN/$p/redis.conf"; wait_pid $p || log "server $p did not start"; done
# replicas in sync before the sentinels start
for i in $(seq 300); do
  up=0
  for p in $REPLICAS; do $CLI -p $p info replication 2>/dev/null | grep -q 'master_link_status:up' && up=$((up+1)); done
  [ $up -eq $NREPL ] && break; sleep 0.2
done
log "replicas linked: $up/$NREPL"
for p in $SENTINELS; do redis-sentinel "$RUN/$p/sentinel.conf"; wait_pid $p || log "sentinel $p did not start"; done
log "started: $(for p in $SERVERS $SENTINELS; do echo -n "$p=$(cat $RUN/$p/pid) "; done)"

count_field() { $CLI -p $1 --raw sentinel $2 mymaster 2>/dev/null | grep -c '^name$'; }
T=$(now)
for i in $(seq 600); do
  ok=0
  for s in $SENTINELS; do
    r=$(count_field $s replicas); n=$(count_field $s sentinels)
    [ "$r" -eq $NREPL ] && [ "$n" -eq $((NSENT-1)) ] && ok=$((ok+1))
  done
  [ $ok -eq $NSENT ] && break; sleep 0.2
done
log "discovery: $ok/$NSENT sentinels know $NREPL replicas and $((NSENT-1)) peers after $(( $(now) - T )) ms"

for i in 1 2 3 4 5; do $CLI -p $M set key$i value$i >/dev/null; done
log "wrote 5 keys to $M"
# let the replicas ack and the sentinels refresh INFO
sleep 2
for p in $SERVERS; do $CLI -p $p info replication >"$OUT/inforepl-before-$p.txt"; done
for p in $SERVERS $SENTINELS; do f=$RUN/$p/redis.log; [ -f $f ] || f=$RUN/$p/sentinel.log; wc -l <"$f" >"$OUT/loglines-before-$p"; done

# PAUSE_JITTER=1: sleep a random 0-999 ms first, so the fault's phase against the Sentinels'
# 1 s PING cycle is not tied to the discovery wait above
if [ "${PAUSE_JITTER:-0}" = 1 ]; then J=$((RANDOM % 1000)); log "jitter ${J} ms"; sleep "$(printf '0.%03d' $J)"; fi

MPID=$(cat "$RUN/$M/pid")
S0=$(echo $SENTINELS | cut -d' ' -f1)
addr() { $CLI -p $S0 --raw sentinel get-master-addr-by-name mymaster 2>/dev/null | tail -1; }

if [ $VARIANT = 002 ]; then
  T0=$(now); kill -STOP $MPID; echo $T0 >"$OUT/pause-ms"
  log "kill -STOP $M (pid $MPID) at $T0"
else
  T0=$(now); kill -9 $MPID; echo $T0 >"$OUT/kill-ms"
  log "kill -9 $M (pid $MPID) at $T0"
fi
LIMIT=$([ $VARIANT = 002 ] && echo 600 || echo 900)
SW=""
for i in $(seq $LIMIT); do
  a=$(addr)
  if [ -n "$a" ] && [ "$a" != "$M" ]; then SW=$(now); break; fi
  sleep 0.1
done
if [ -n "$SW" ]; then echo $SW >"$OUT/switch-ms"; log "get-master-addr-by-name -> $a at +$((SW - T0)) ms"; else log "no switch seen"; fi
NEWM=$a
# get-master-addr-by-name already answers the promoted replica from +failover-state-reconf-slaves
# on (the leader's +switch-master comes later): for 001 (where S0 is the leader) also wait for the
# +switch-master line itself before restarting the old master.
if [ $VARIANT = 001 ]; then
  for i in $(seq 100); do grep -q '+switch-master' "$RUN/$S0/sentinel.log" && break; sleep 0.1; done
  log "+switch-master in $S0's log seen at +$(( $(now) - T0 )) ms"
fi

if [ $VARIANT = 002 ]; then
  sleep 5
  T1=$(now); kill -CONT $MPID; echo $T1 >"$OUT/resume-ms"
  log "kill -CONT $M at $T1 (+$((T1 - T0)) ms)"
  WAIT=20
else
  T1=$(now); redis-server "$RUN/$M/redis.conf"; wait_pid $M; echo $T1 >"$OUT/restart-ms"
  log "restarted $M (pid $(cat $RUN/$M/pid)) with its same config at $T1 (+$((T1 - T0)) ms)"
  WAIT=15
fi
sleep $WAIT
# if the old master is not a replica yet, wait up to 30 s more (noted in drill.log)
for i in $(seq 300); do
  $CLI -p $M info replication 2>/dev/null | grep -q '^role:slave' && break
  [ $i -eq 1 ] && log "old master still not a replica after $WAIT s; waiting up to 30 s more"
  sleep 0.1
done
# and until its resync has finished (a full resync waits repl-diskless-sync-delay, 5 s), up to 20 s more
for i in $(seq 200); do
  $CLI -p $M info replication 2>/dev/null | grep -q '^master_link_status:up' && break
  sleep 0.1
done
log "old master: $($CLI -p $M info replication | tr -d '\r' | grep -E '^(role|master_link_status):' | xargs)"

for p in $SERVERS; do $CLI -p $p info replication >"$OUT/inforepl-$p.txt" 2>&1; cp "$RUN/$p/redis.log" "$OUT/redis-$p.log"; cp "$RUN/$p/redis.conf" "$OUT/redis-$p.conf.final"; done
for p in $SENTINELS; do cp "$RUN/$p/sentinel.log" "$OUT/sentinel-$p.log"; cp "$RUN/$p/sentinel.conf" "$OUT/sentinel-$p.conf.final"; done
$CLI -p $S0 sentinel master mymaster >"$OUT/sentinel-master.txt" 2>&1
$CLI -p $S0 sentinel replicas mymaster >"$OUT/sentinel-replicas.txt" 2>&1
$CLI -p $NEWM get key1 >"$OUT/get-key1-newmaster.txt" 2>&1
$CLI -p $M dbsize >"$OUT/dbsize-oldmaster.txt" 2>&1
log "captured; done"
