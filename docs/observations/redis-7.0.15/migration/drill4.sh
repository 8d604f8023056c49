#!/usr/bin/env bash
# drill-004 against real Redis 7.0.15 on 127.0.0.1:7001-7008: create --cluster-replicas 1,
# add-node (master 7007), add-node --cluster-slave (7008), reshard 1000 slots, open-slot probes,
# del-node, kill a master and read INFO replication. Usage: drill4.sh <outdir>
set -u
OUT=${1:?outdir}
RUN=/tmp/real-redis-mig
PORTS="7001 7002 7003 7004 7005 7006 7007 7008"
CLI="redis-cli -h 127.0.0.1"
rm -rf "$RUN"; mkdir -p "$RUN" "$OUT"
cleanup() {
  for p in $PORTS; do
    pf=$RUN/$p/redis.pid
    [ -f "$pf" ] && kill -9 "$(cat "$pf")" 2>/dev/null
  done
}
trap cleanup EXIT INT TERM
for p in $PORTS; do
  d=$RUN/$p; mkdir -p "$d"
  cat >"$d/redis.conf" <<EOC
port $p
bind 127.0.0.1
cluster-enabled yes
cluster-config-file nodes.conf
cluster-node-timeout 15000
appendonly no
save ""
logfile $d/redis.log
daemonize yes
pidfile $d/redis.pid
dir $d
EOC
  redis-server "$d/redis.conf"
done
for p in $PORTS; do for i in $(seq 50); do $CLI -p $p ping >/dev/null 2>&1 && break; sleep 0.1; done; done
$CLI --cluster create 127.0.0.1:7001 127.0.0.1:7002 127.0.0.1:7003 127.0.0.1:7004 127.0.0.1:7005 127.0.0.1:7006 --cluster-replicas 1 --cluster-yes >"$OUT/01-create.txt" 2>&1
sleep 6
for i in $(seq 1 300); do $CLI -c -p 7001 set key:$i v$i >/dev/null; done
$CLI -p 7001 set name zcp > "$OUT/02-set-name-nonc.txt" 2>&1
$CLI -c -p 7001 set name zcp > "$OUT/02-set-name.txt" 2>&1
$CLI --cluster add-node 127.0.0.1:7007 127.0.0.1:7001 >"$OUT/03-add-node-7007.txt" 2>&1; echo "rc=$?" >>"$OUT/03-add-node-7007.txt"
sleep 2
ID7=$($CLI -p 7007 cluster myid)
$CLI -p 7001 cluster nodes >"$OUT/04-nodes-after-add.txt"
$CLI --cluster add-node 127.0.0.1:7008 127.0.0.1:7001 --cluster-slave --cluster-master-id $ID7 >"$OUT/05-add-node-7008.txt" 2>&1; echo "rc=$?" >>"$OUT/05-add-node-7008.txt"
sleep 3
$CLI -p 7001 cluster nodes >"$OUT/06-nodes-after-add-replica.txt"
$CLI --cluster check 127.0.0.1:7001 >"$OUT/07-check-before-reshard.txt" 2>&1
$CLI --cluster reshard 127.0.0.1:7001 --cluster-from all --cluster-to $ID7 --cluster-slots 1000 --cluster-yes >"$OUT/08-reshard.txt" 2>&1; echo "rc=$?" >>"$OUT/08-reshard.txt"
sleep 2
$CLI -p 7001 cluster nodes >"$OUT/09-nodes-after-reshard.txt"
$CLI --cluster check 127.0.0.1:7001 >"$OUT/10-check-after-reshard.txt" 2>&1
# open-slot probes: slot 6000 of 7002 -> 7007, half done
ID1=$($CLI -p 7001 cluster myid); ID2=$($CLI -p 7002 cluster myid)
{
echo "== setslot errors"
$CLI -p 7007 cluster setslot 6000 importing $ID7
$CLI -p 7007 cluster setslot 6000 importing 0000000000000000000000000000000000000000
$CLI -p 7007 cluster setslot 6000 migrating $ID2
$CLI -p 7002 cluster setslot 6000 importing $ID7
$CLI -p 7002 cluster setslot 16384 stable
$CLI -p 7002 cluster setslot abc stable
$CLI -p 7002 cluster setslot 6000 bogus
$CLI -p 7002 cluster setslot 6000
$CLI -p 7002 cluster setslot 6000 node 0000000000000000000000000000000000000000
$CLI -p 7005 cluster setslot 6000 stable
$CLI -p 7002 cluster setslot 6000 migrating
$CLI -p 7001 cluster setslot 6000 migrating $ID7
echo "== open"
$CLI -p 7007 cluster setslot 6000 importing $ID2
$CLI -p 7002 cluster setslot 6000 migrating $ID7
$CLI -p 7007 cluster setslot 6000 importing $ID2
$CLI -p 7002 cluster countkeysinslot 6000
$CLI -p 7002 cluster getkeysinslot 6000 10
$CLI -p 7002 cluster getkeysinslot 6000
$CLI -p 7002 cluster getkeysinslot 6000 -1
$CLI -p 7002 cluster countkeysinslot 16384
$CLI -p 7002 cluster keyslot key:28
} >"$OUT/11-setslot.txt" 2>&1
KEY=""
for i in $(seq 1 100000); do s=$($CLI -p 7001 cluster keyslot k$i); if [ "$s" = 6000 ]; then KEY=k$i; [ -n "${KEY1:-}" ] && { KEY2=k$i; break; }; KEY1=k$i; fi; done
{
echo "keys in 6000: $KEY1 $KEY2"
$CLI -p 7002 set $KEY1 one
$CLI -p 7002 set $KEY2 two
$CLI -p 7002 cluster countkeysinslot 6000
$CLI -p 7002 cluster getkeysinslot 6000 10
$CLI -p 7002 migrate 127.0.0.1 7007 "" 0 5000 keys $KEY1
$CLI -p 7002 migrate 127.0.0.1 7007 "" 0 5000 keys $KEY1
$CLI -p 7002 get $KEY1
$CLI -p 7002 get $KEY2
$CLI -p 7002 set $KEY1 x
$CLI -p 7007 get $KEY1
$CLI -p 7007 get $KEY2
$CLI -c -p 7002 get $KEY1
$CLI -c -p 7007 get $KEY1
$CLI -p 7001 get $KEY1
echo "== asking via multi"
printf 'ASKING\r\nGET %s\r\nGET %s\r\n' $KEY1 $KEY1 | $CLI -p 7007
echo "== nodes 7002"; $CLI -p 7002 cluster nodes
echo "== nodes 7007"; $CLI -p 7007 cluster nodes
echo "== nodes 7001"; $CLI -p 7001 cluster nodes
} >"$OUT/12-open-slot.txt" 2>&1
$CLI --cluster check 127.0.0.1:7001 >"$OUT/13-check-open-slot.txt" 2>&1
$CLI --cluster check 127.0.0.1:7002 >"$OUT/13b-check-open-slot-from-7002.txt" 2>&1
{
$CLI -p 7002 migrate 127.0.0.1 7007 "" 0 5000 keys $KEY2
$CLI -p 7007 cluster setslot 6000 node $ID7
$CLI -p 7002 cluster setslot 6000 node $ID7
$CLI -p 7001 cluster setslot 6000 node $ID7
$CLI -p 7007 cluster info | grep epoch
$CLI -p 7002 cluster nodes
} >"$OUT/14-close-slot.txt" 2>&1
sleep 2
$CLI --cluster check 127.0.0.1:7001 >"$OUT/15-check-closed.txt" 2>&1
# del-node of a replica (7004) and then a non-empty master (error)
ID4=$($CLI -p 7004 cluster myid)
$CLI --cluster del-node 127.0.0.1:7001 $ID4 >"$OUT/16-del-node-replica.txt" 2>&1; echo "rc=$?" >>"$OUT/16-del-node-replica.txt"
$CLI --cluster del-node 127.0.0.1:7001 $ID2 >"$OUT/17-del-node-nonempty.txt" 2>&1; echo "rc=$?" >>"$OUT/17-del-node-nonempty.txt"
sleep 1
for p in 7001 7002 7007; do echo "== $p"; $CLI -p $p cluster nodes; done >"$OUT/18-nodes-after-del.txt" 2>&1
$CLI -p 7002 cluster forget $ID4 >"$OUT/19-forget.txt" 2>&1
$CLI -p 7002 cluster forget $ID2 >>"$OUT/19-forget.txt" 2>&1
$CLI -p 7008 cluster forget $ID7 >>"$OUT/19-forget.txt" 2>&1
$CLI -p 7002 cluster forget 0000000000000000000000000000000000000000 >>"$OUT/19-forget.txt" 2>&1
# kill master 7007, its replica 7008 takes over
$CLI -p 7007 info replication >"$OUT/20-inforepl-7007-before.txt"
$CLI -p 7008 info replication >"$OUT/20-inforepl-7008-before.txt"
T0=$(date +%s%3N)
kill -9 "$(cat $RUN/7007/redis.pid)"
for i in $(seq 1 400); do $CLI -p 7008 role 2>/dev/null | head -1 | grep -q master && break; sleep 0.1; done
echo "promoted after $(( $(date +%s%3N) - T0 )) ms" >"$OUT/21-promoted.txt"
$CLI -p 7008 info replication >"$OUT/22-inforepl-7008-after.txt"
sleep 2
$CLI --cluster check 127.0.0.1:7001 >"$OUT/23-check-after-failover.txt" 2>&1
for p in $PORTS; do cp $RUN/$p/redis.log "$OUT/redis-$p.log" 2>/dev/null; done
echo done >"$OUT/done"
