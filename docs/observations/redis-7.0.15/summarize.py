#!/usr/bin/env python3
"""Build <label>/summary.md from a drill.sh output directory."""
import os, re, sys, glob, datetime, json

LINE = re.compile(r'^(\d+):([CMSX]) (\d\d \w\w\w \d{4} \d\d:\d\d:\d\d\.\d{3}) ([.\-*#]) (.*)$')
PORTS = [7001, 7002, 7003, 7004, 7005, 7006]


def ts_ms(s):
    dt = datetime.datetime.strptime(s, '%d %b %Y %H:%M:%S.%f')  # local time, same TZ as `date`
    return int(dt.timestamp() * 1000)


def read(path, default=None):
    try:
        return open(path).read()
    except FileNotFoundError:
        return default


def parse_log(path, port):
    out = []
    for raw in open(path, errors='replace'):
        raw = raw.rstrip('\n')
        m = LINE.match(raw)
        if not m:
            continue
        out.append(dict(port=port, pid=int(m.group(1)), role=m.group(2), t=ts_ms(m.group(3)),
                        lvl=m.group(4), msg=m.group(5), raw=raw))
    return out


def main(d):
    label = os.path.basename(d.rstrip('/'))
    kill = int(read(f'{d}/kill-ms').strip())
    mport, mid, rport, rid = read(f'{d}/roles.txt').split()
    mport, rport = int(mport), int(rport)
    promo = (read(f'{d}/promoted-ms') or 'n/a').strip()
    restart = read(f'{d}/restart-ms')
    restart = int(restart) if restart else None
    lines = []
    for p in PORTS:
        f = f'{d}/redis-{p}.log'
        if os.path.exists(f):
            lines += parse_log(f, p)
    # keep original order within a port; sort globally by time (stable)
    lines.sort(key=lambda l: l['t'])
    after = [l for l in lines if l['t'] >= kill - 1000]
    if restart:
        after_kill_pre_restart = [l for l in after if l['t'] < restart]
    else:
        after_kill_pre_restart = after

    def first(pred, src=None):
        for l in (src if src is not None else after_kill_pre_restart):
            if l['t'] >= kill and pred(l):
                return l
        return None

    def off(l):
        return f"+{l['t'] - kill} ms" if l else '—'

    ev = []
    rows = []

    def add(name, l, extra=''):
        rows.append((name, l, extra))

    quorum = first(lambda l: 'as failing (quorum reached)' in l['msg'] and mid in l['msg'])
    add('first `Marking node <old master> as failing (quorum reached)` (any node)', quorum)
    failmsg = first(lambda l: l['msg'].startswith('FAIL message received') and mid in l['msg'])
    add('first `FAIL message received ... about <old master>` (any node)', failmsg)
    pfail_repl = first(lambda l: l['port'] == rport and ('Connection with master lost' in l['msg'] or 'Master did not' in l['msg'] or 'MASTER timeout' in l['msg']))
    add(f'winner {rport}: first replication-link loss line', pfail_repl)
    delayed = first(lambda l: l['msg'].startswith('Start of election delayed'))
    X = R = O = None
    if delayed:
        m = re.search(r'delayed for (\d+) milliseconds \(rank #(\d+), offset (-?\d+)\)', delayed['msg'])
        X, R, O = m.groups()
    add('`Start of election delayed for X milliseconds (rank #R, offset O)`', delayed,
        f'X={X}, rank={R}, offset={O}' if delayed else '')
    starting = first(lambda l: l['msg'].startswith('Starting a failover election for epoch'))
    E = re.search(r'epoch (\d+)', starting['msg']).group(1) if starting else None
    add('`Starting a failover election for epoch E`', starting, f'E={E}' if starting else '')
    granted = [l for l in after_kill_pre_restart if l['t'] >= kill and l['msg'].startswith('Failover auth granted')]
    for g in granted:
        add(f'`Failover auth granted` on {g["port"]}', g)
    denied = [l for l in after_kill_pre_restart if l['t'] >= kill and ('Failover auth denied' in l['msg'])]
    for g in denied:
        add(f'`Failover auth denied` on {g["port"]}', g)
    won = first(lambda l: l['msg'].startswith('Failover election won'))
    add('`Failover election won`', won)
    cfg = first(lambda l: l['msg'].startswith('configEpoch set to'))
    add('`configEpoch set to`', cfg, cfg['msg'] if cfg else '')
    for p in PORTS:
        if p == mport:
            continue
        f = first(lambda l, p=p: l['port'] == p and l['msg'] == 'Cluster state changed: fail')
        add(f'`Cluster state changed: fail` on {p}', f)
    t_ok_after = won['t'] if won else kill
    for p in PORTS:
        if p == mport:
            continue
        okl = first(lambda l, p=p: l['port'] == p and l['msg'] == 'Cluster state changed: ok' and l['t'] >= t_ok_after)
        add(f'`Cluster state changed: ok` on {p} (after failover)', okl)
    for l in after_kill_pre_restart:
        if l['t'] >= kill and 'Currently unable to failover' in l['msg']:
            add(f'`Currently unable to failover` on {l["port"]}', l, l['msg'])
    if restart:
        for l in lines:
            if l['t'] >= restart and ('Clear FAIL state' in l['msg'] or 'Configuration change detected' in l['msg']):
                add(f'after restart: {l["port"]}', l, l['msg'])

    end = (won['t'] if won else (int(promo) if promo.isdigit() else kill)) + 3000
    window = [l for l in lines if kill - 1000 <= l['t'] <= end]

    o = []
    o.append(f'# Failover drill `{label}`\n')
    nt = re.search(r'NT=(\d+) mode=(\w+)', read(f'{d}/drill.log'))
    o.append(f'- Redis: `{os.popen("redis-server --version").read().strip()}`')
    o.append(f'- cluster-node-timeout: **{nt.group(1)} ms**, mode: **{nt.group(2)}**')
    o.append(f'- killed master: **{mport}** `{mid}` (owns slot 0); its replica: **{rport}** `{rid}`')
    o.append(f'- kill time (date +%s%3N just before `kill -9`/`SHUTDOWN`): **{kill}** '
             f'({datetime.datetime.fromtimestamp(kill/1000).strftime("%H:%M:%S.%f")[:-3]} local)')
    if promo.isdigit():
        o.append(f'- replica first seen as `role:master` by 100 ms polling: {promo} (**+{int(promo)-kill} ms**)')
    if restart:
        o.append(f'- old master restarted at {restart} (+{restart-kill} ms)')
    o.append('')
    o.append('## Key timings (from Redis log timestamps, offset from kill time)\n')
    o.append('| event | node | log time | offset | details |')
    o.append('|---|---|---|---|---|')
    for name, l, extra in rows:
        if l:
            o.append(f"| {name} | {l['port']} | {l['raw'].split(' ')[1:5] and ' '.join(l['raw'].split(' ')[1:5])} | {off(l)} | {extra} |")
        else:
            o.append(f'| {name} | — | — | — | not logged |')
    o.append('')
    # epochs
    o.append('## Epochs\n')
    info = read(glob.glob(f'{d}/info-after-failover-*.txt')[0]) if glob.glob(f'{d}/info-after-failover-*.txt') else ''
    hinfo = read(f'{d}/info-healthy-7001.txt') or ''
    def grab(s, k):
        m = re.search(rf'^{k}:(\S+)', s, re.M)
        return m.group(1) if m else '?'
    o.append(f'- healthy cluster (7001): cluster_current_epoch={grab(hinfo,"cluster_current_epoch")}, cluster_my_epoch={grab(hinfo,"cluster_my_epoch")}')
    o.append(f'- after failover (new master {rport}): cluster_current_epoch={grab(info,"cluster_current_epoch")}, cluster_my_epoch={grab(info,"cluster_my_epoch")}')
    o.append(f'- election epoch E={E}; {cfg["msg"] if cfg else ""}')
    o.append('- healthy configEpochs (CLUSTER NODES col 7, from 7001): ' + ', '.join(
        f"{ln.split()[1].split('@')[0]}={ln.split()[6]}" for ln in (read(f'{d}/nodes-healthy-7001.txt') or '').splitlines() if ln.strip()))
    o.append('')
    o.append('## Replication offsets (before kill: inforepl-master/replica; after: newmaster/restarted)\n')
    for f in sorted(glob.glob(f'{d}/inforepl-*.txt')):
        s = read(f)
        keys = ['role', 'master_repl_offset', 'slave_repl_offset', 'master_link_status', 'slave0']
        o.append(f'- `{os.path.basename(f)}`: ' + ', '.join(f'{k}={grab(s,k)}' for k in keys if grab(s, k) != '?'))
    o.append('')
    o.append(f'## All log lines, every node, kill-1s .. election-won+3s ({len(window)} lines, sorted by timestamp, stable per node)\n')
    o.append('Format: `[port] (offset from kill) <verbatim log line>`\n')
    o.append('```')
    for l in window:
        o.append(f"[{l['port']}] ({l['t']-kill:+d}) {l['raw']}")
    o.append('```\n')
    o.append('## Final CLUSTER NODES (verbatim), ~3 s after promotion, old master still dead\n')
    for f in sorted(glob.glob(f'{d}/nodes-after-failover-*.txt')):
        o.append(f'### from {os.path.basename(f)[len("nodes-after-failover-"):-4]}\n```\n{read(f).rstrip()}\n```')
    o.append('')
    chk = read(f'{d}/check-after-failover.txt')
    if chk:
        o.append('## `redis-cli --cluster check` after failover (old master dead), ANSI escapes stripped\n')
        o.append('```\n' + re.sub(r'\x1b\[[0-9;]*m', '', chk).rstrip() + '\n```\n')
    if restart:
        o.append('## After restarting the old master (5 s later)\n')
        o.append('### its log lines after restart (verbatim)\n```\n' + read(f'{d}/restart-log-{mport}.txt').rstrip() + '\n```')
        o.append(f'### CLUSTER NODES from {mport}\n```\n' + read(f'{d}/nodes-after-restart-{mport}.txt').rstrip() + '\n```')
        o.append(f'### INFO replication of {mport}\n```\n' + read(f'{d}/inforepl-restarted-{mport}.txt').rstrip() + '\n```')
        o.append('### `redis-cli --cluster check 127.0.0.1:7001` (ANSI stripped)\n```\n' +
                 re.sub(r'\x1b\[[0-9;]*m', '', read(f'{d}/check-after-restart.txt')).rstrip() + '\n```')
        rl = [l for l in lines if l['t'] >= restart and l['port'] != mport]
        o.append('### other nodes\' log lines after the restart\n```')
        for l in rl:
            o.append(f"[{l['port']}] ({l['t']-kill:+d}) {l['raw']}")
        o.append('```')
    open(f'{d}/summary.md', 'w').write('\n'.join(o) + '\n')
    summary = dict(label=label, nt=nt.group(1), mode=nt.group(2), kill=kill,
                   first_quorum=(quorum['t'] - kill) if quorum else None,
                   first_failmsg=(failmsg['t'] - kill) if failmsg else None,
                   delay=X, rank=R, offset=O, epoch=E,
                   election_start=(starting['t'] - kill) if starting else None,
                   won=(won['t'] - kill) if won else None,
                   promo_poll=(int(promo) - kill) if promo.isdigit() else None)
    print(json.dumps(summary))


if __name__ == '__main__':
    for d in sys.argv[1:]:
        main(d)
