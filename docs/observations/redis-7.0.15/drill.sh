#!/usr/bin/env bash
# Failover drill against a real local Redis 7.0 cluster (127.0.0.1 only).
# Usage: drill.sh <label> <node-timeout-ms> [kill9|shutdown|noreplica]
set -u
LABEL=${1:?label}
NT=${2:?node-timeout}
MODE=${3:-kill9}
BASE=/tmp/real-redis
RUN=$BASE/run-$LABEL
OUT=$BASE/$LABEL
PORTS="7001 7002 7003 7004 7005 7006"
CLI="redis-cli -h 127.0.0.1"

now() { date +%s%3N; }
log() { echo "[$(date +%H:%M:%S.%3N)] $*" | tee -a "$OUT/drill.log"; }

cleanup() {
  for p in $PORTS; do
    pf=$RUN/$p/redis.pid
    if [ -f "$pf" ]; then
      pid=$(cat "$pf")
      if kill -0 "$pid" 2>/dev/null; then
        $CLI -p "$p" shutdown nosave >/dev/null 2>&1
        sleep 0.3
        kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null
      fi
    fi
  done
  log "cleanup done"
}

rm -rf "$RUN" "$OUT"
mkdir -p "$RUN" "$OUT"
trap cleanup EXIT INT TERM

for p in $PORTS; do
  d=$RUN/$p
  mkdir -p "$d"
  cat >"$d/redis.conf" <<EOF
port $p
bind 127.0.0.1
protected-mode yes
cluster-enabled yes
cluster-config-file nodes.conf
cluster-node-timeout $NT
appendonly no
save ""
logfile $d/redis.log
loglevel notice
daemonize yes
pidfile $d/redis.pid
dir $d
EOF
done

start_node() { redis-server "$RUN/$1/redis.conf"; }

for p in $PORTS; do start_node $p; done
for p in $PORTS; do
  for i in $(seq 50); do $CLI -p $p ping >/dev/null 2>&1 && break; sleep 0.1; done
done
log "all nodes started (NT=$NT mode=$MODE)"

$CLI --cluster create 127.0.0.1:7001 127.0.0.1:7002 127.0.0.1:7003 127.0.0.1:7004 127.0.0.1:7005 127.0.0.1:7006 \
  --cluster-replicas 1 --cluster-yes >"$OUT/cluster-create.txt" 2>&1
log "cluster create rc=$?"

for i in $(seq 300); do
  ok=0
  for p in $PORTS; do $CLI -p $p cluster info 2>/dev/null | grep -q 'cluster_state:ok' && ok=$((ok+1)); done
  [ $ok -eq 6 ] && break
  sleep 0.2
done
log "cluster_state:ok on $ok/6 nodes"
# wait for every replica to finish its initial sync (diskless sync has a 5 s delay by default)
for i in $(seq 300); do
  up=0
  for p in $PORTS; do $CLI -p $p info replication 2>/dev/null | grep -q 'master_link_status:up' && up=$((up+1)); done
  [ $up -eq 3 ] && break
  sleep 0.2
done
log "replicas with master_link_status:up: $up/3"
sleep 1

$CLI --cluster check 127.0.0.1:7001 >"$OUT/check-healthy.txt" 2>&1
$CLI -p 7001 cluster nodes >"$OUT/nodes-healthy-7001.txt"
$CLI -p 7001 cluster info >"$OUT/info-healthy-7001.txt"

# keys so offsets move
for i in $(seq -w 1 100); do
  k=$(printf 'testkey%03d' $((10#$i))); v=$(printf 'testvalue%03d' $((10#$i)))
  $CLI -c -p 7001 set $k $v >/dev/null
done
log "wrote 100 keys"
sleep 1

NODES=$($CLI -p 7001 cluster nodes)
if [ "$MODE" = noreplica ]; then
  SLOT=$($CLI -p 7001 cluster keyslot testkey002)
else
  SLOT=0
fi
# master owning SLOT
read -r MID MPORT <<<"$(echo "$NODES" | awk -v s=$SLOT '$3 ~ /master/ { for (i=9;i<=NF;i++) { n=split($i,r,"-"); lo=r[1]; hi=(n>1)?r[2]:r[1]; if (s>=lo && s<=hi) { split($2,a,":"); split(a[2],b,"@"); print $1, b[1] } } }')"
read -r RID RPORT <<<"$(echo "$NODES" | awk -v m=$MID '$4==m { split($2,a,":"); split(a[2],b,"@"); print $1, b[1] }')"
LIVE=$(for p in $PORTS; do [ $p != $MPORT ] && [ $p != $RPORT ] && echo $p; done | head -1)
log "slot $SLOT master=$MPORT ($MID) replica=$RPORT ($RID) observer=$LIVE"
echo "$MPORT $MID $RPORT $RID" >"$OUT/roles.txt"

# wait until the replica's offset has caught up with the master's
for i in $(seq 100); do
  mo=$($CLI -p $MPORT info replication | tr -d '\r' | awk -F: '/^master_repl_offset/ {print $2}')
  ro=$($CLI -p $RPORT info replication | tr -d '\r' | awk -F: '/^slave_repl_offset/ {print $2}')
  [ "$mo" = "$ro" ] && break
  sleep 0.1
done
log "offsets master=$mo replica=$ro"
$CLI -p $RPORT cluster nodes >"$OUT/nodes-healthy-replica-$RPORT.txt"
$CLI -p $MPORT info replication >"$OUT/inforepl-master-$MPORT.txt"
$CLI -p $RPORT info replication >"$OUT/inforepl-replica-$RPORT.txt"
$CLI -p $MPORT cluster info >"$OUT/info-healthy-master-$MPORT.txt"

for p in $PORTS; do wc -l <"$RUN/$p/redis.log" >"$OUT/loglines-before-kill-$p"; done

MPID=$(cat $RUN/$MPORT/redis.pid)
RPID=$(cat $RUN/$RPORT/redis.pid)

if [ "$MODE" = noreplica ]; then
  T0=$(now); kill -9 $RPID; echo "$T0" >"$OUT/kill-replica-ms"
  log "killed replica $RPORT pid $RPID at $T0"
  for i in $(seq 600); do
    $CLI -p $LIVE cluster nodes | awk -v r=$RID '$1==r && $3 ~ /(^|,)fail(,|$)/' | grep -q . && break; sleep 0.1
  done
  log "replica marked fail"
  $CLI --cluster check 127.0.0.1:$LIVE >"$OUT/check-replica-dead.txt" 2>&1
  sleep 1
  KILL=$(now); kill -9 $MPID; echo "$KILL" >"$OUT/kill-ms"
  log "killed master $MPORT pid $MPID at $KILL"
  for i in $(seq 600); do
    $CLI -p $LIVE cluster info | grep -q 'cluster_state:fail' && break; sleep 0.1
  done
  echo "$(now)" >"$OUT/state-fail-ms"
  log "cluster_state:fail seen on $LIVE"
  sleep 3
  $CLI --cluster check 127.0.0.1:$LIVE >"$OUT/check-shard-dead.txt" 2>&1
  $CLI -p $LIVE cluster info >"$OUT/info-shard-dead-$LIVE.txt"
  for p in $PORTS; do [ $p != $MPORT ] && [ $p != $RPORT ] && $CLI -p $p cluster nodes >"$OUT/nodes-shard-dead-$p.txt"; done
  CP=7001; { [ $MPORT = 7001 ] || [ $RPORT = 7001 ]; } && CP=$LIVE
  { echo "\$ redis-cli -c -p $CP get testkey002"; $CLI -c -p $CP get testkey002; echo "rc=$?";
    echo "\$ redis-cli -c -p $CP get testkey001"; $CLI -c -p $CP get testkey001; echo "rc=$?";
    echo "\$ redis-cli -c -p $CP set foo bar"; $CLI -c -p $CP set foo bar; echo "rc=$?";
    echo "\$ redis-cli -p $CP cluster keyslot testkey002"; $CLI -p $CP cluster keyslot testkey002; } >"$OUT/client-error.txt" 2>&1
  for p in $PORTS; do cp "$RUN/$p/redis.log" "$OUT/redis-$p.log"; done
  log "noreplica done"
  exit 0
fi

if [ "$MODE" = shutdown ]; then
  KILL=$(now); echo "$KILL" >"$OUT/kill-ms"
  $CLI -p $MPORT shutdown >"$OUT/shutdown-reply.txt" 2>&1
  log "SHUTDOWN sent to $MPORT at $KILL, returned at $(now)"
else
  KILL=$(now); kill -9 $MPID; echo "$KILL" >"$OUT/kill-ms"
  log "kill -9 master $MPORT pid $MPID at $KILL"
fi

PROMO=""
for i in $(seq 600); do
  if $CLI -p $RPORT info replication 2>/dev/null | grep -q 'role:master'; then PROMO=$(now); break; fi
  sleep 0.1
done
echo "${PROMO:-timeout}" >"$OUT/promoted-ms"
log "replica $RPORT role:master at ${PROMO:-timeout} (delta $(( ${PROMO:-0} - KILL )) ms)"
sleep 3

$CLI --cluster check 127.0.0.1:$RPORT >"$OUT/check-after-failover.txt" 2>&1
for p in $PORTS; do [ $p != $MPORT ] && $CLI -p $p cluster nodes >"$OUT/nodes-after-failover-$p.txt"; done
$CLI -p $RPORT cluster info >"$OUT/info-after-failover-$RPORT.txt"
$CLI -p $RPORT info replication >"$OUT/inforepl-newmaster-$RPORT.txt"
for p in $PORTS; do cp "$RUN/$p/redis.log" "$OUT/redis-$p.log"; done

# restart old master
wc -l <"$RUN/$MPORT/redis.log" >"$OUT/loglines-before-restart"
RESTART=$(now); echo "$RESTART" >"$OUT/restart-ms"
start_node $MPORT
log "restarted $MPORT at $RESTART"
sleep 5
tail -n +$(( $(cat "$OUT/loglines-before-restart") + 1 )) "$RUN/$MPORT/redis.log" >"$OUT/restart-log-$MPORT.txt"
$CLI -p $MPORT cluster nodes >"$OUT/nodes-after-restart-$MPORT.txt"
$CLI -p $MPORT info replication >"$OUT/inforepl-restarted-$MPORT.txt"
$CLI --cluster check 127.0.0.1:7001 >"$OUT/check-after-restart.txt" 2>&1
for p in $PORTS; do cp "$RUN/$p/redis.log" "$OUT/redis-$p.log"; done
log "done"
