#!/usr/bin/env python3
"""Real vs simulated: phase-time table and masked Sentinel-log diffs.

Needs timings-real.jsonl (summarize.py) and sim/ (simcmp.ts). Writes compare-table.md and
diff-<variant>-<role>.txt (unified diff, real first, of the masked log shapes).
Masking: pid and time dropped, 40-hex run ids -> <id>, the leader's port -> <LEADER>, the other
Sentinels -> <S>, the promoted replica -> <NEW>, the other replica -> <OTHER>; lines after
resume/restart + 20 s (002) / + 15 s (001) dropped so both cover the same window.
"""
import datetime
import difflib
import json
import os
import re
import statistics

HERE = os.path.dirname(os.path.abspath(__file__))
LINE = re.compile(r"^(\d+):([XMSC]) (\d+ \w+ \d+ \d\d:\d\d:\d\d\.\d\d\d) ([#*.-]) (.*)$")
PHASES = ["+sdown", "+odown", "+new-epoch", "+vote-for-leader", "+elected-leader", "+selected-slave",
          "+promoted-slave", "+switch-master", "+convert-to-slave"]
SIM_KEY = {"+sdown": "sdown", "+odown": "odown", "+new-epoch": "newEpoch", "+vote-for-leader": "voteForLeader",
           "+elected-leader": "electedLeader", "+selected-slave": "selectedSlave", "+promoted-slave": "promotedSlave",
           "+switch-master": "switchMaster", "+convert-to-slave": "convertToSlave"}


def stats(xs):
    if not xs:
        return "—"
    return f"{min(xs)} / {round(statistics.median(xs))} / {max(xs)}"


def table(real, sim):
    out = []
    for v, title in (("002", "drill 002 (kill -STOP, 3 Sentinels, quorum 2, down-after 5000)"),
                     ("001", "drill 001 (kill -9, 1 Sentinel, quorum 1, down-after 30000)")):
        rr = [r for r in real if r["variant"] == v]
        ss = sim[v]
        out.append(f"\n#### {title}\n")
        out.append(f"ms after the fault; min / median / max; real n={len(rr)}, simulated n={len(ss)} (seeds 1–5). "
                   "`+convert-to-slave` also as ms after resume/restart.\n")
        out.append("| phase | real | simulated |")
        out.append("|---|---|---|")
        for p in PHASES:
            out.append(f"| {p} | {stats([r[p]['ms'] for r in rr if p in r])} | {stats([s[SIM_KEY[p]]['ms'] for s in ss if SIM_KEY[p] in s])} |")
        out.append(f"| +convert-to-slave after resume/restart | {stats([r['+convert-to-slave']['afterResumeMs'] for r in rr if '+convert-to-slave' in r])} | "
                   f"{stats([s['convertToSlave']['afterResumeMs'] for s in ss if 'convertToSlave' in s])} |")
        out.append(f"| resume/restart at | {stats([r['resumeMs'] for r in rr])} | {stats([s['resumeMs'] for s in ss])} |")
        out.append(f"| +selected-slave → +promoted-slave (leader) | {stats([r['+promoted-slave']['ms'] - r['+selected-slave']['ms'] for r in rr])} | "
                   f"{stats([s['promotedSlave']['ms'] - s['selectedSlave']['ms'] for s in ss])} |")
        out.append(f"| first +odown quorum | {', '.join(r['+odown']['quorum'] for r in rr)} | {', '.join(s['odown']['q'] for s in ss)} |")
        out.append(f"| old master resync | {', '.join(r['resync'] for r in rr)} | {', '.join(s['resync'] for s in ss)} |")
    return "\n".join(out) + "\n"


def parse(path):
    rows = []
    for raw in open(path, encoding="utf-8", errors="replace"):
        m = LINE.match(raw.rstrip("\n"))
        if m:
            t = datetime.datetime.strptime(m.group(3), "%d %b %Y %H:%M:%S.%f")
            rows.append((t, m.group(2), m.group(4), m.group(5)))
    return rows


def mask(rows, leader, sentinels, new, other, cutoff):
    out = []
    for t, role, lvl, msg in rows:
        if cutoff is not None and t > cutoff:
            continue
        msg = re.sub(r"\b[0-9a-f]{40}\b", "<id>", msg)
        msg = re.sub(r"\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \w+ +\d+ \d\d:\d\d:\d\d \d{4}\b", "<ctime>", msg)
        msg = re.sub(rf"\b{leader}\b", "<LEADER>", msg)
        for s in sentinels:
            if s != leader:
                msg = re.sub(rf"\b{s}\b", "<S>", msg)
        msg = re.sub(rf"\b{new}\b", "<NEW>", msg)
        if other:
            msg = re.sub(rf"\b{other}\b", "<OTHER>", msg)
        msg = re.sub(r"pid=\d+", "pid=<pid>", msg)
        out.append(f"{role} {lvl} {msg}")
    return out


def main():
    real = [json.loads(l) for l in open(os.path.join(HERE, "timings-real.jsonl"))]
    sim = json.load(open(os.path.join(HERE, "sim", "result.json")))
    open(os.path.join(HERE, "compare-table.md"), "w").write(table(real, sim))
    # log shapes: run002-a / run001-a against seed 1
    for v, label, window in (("002", "run002-a", 20), ("001", "run001-a", 15)):
        r = next(x for x in real if x["label"] == label)
        s1 = sim[v][0]
        d = os.path.join(HERE, label)
        sents = sorted(r["perSentinel"])
        # the promoted replica: from the leader's +promoted-slave line
        rleader = r["leader"]
        rrows = {s: parse(os.path.join(d, f"sentinel-{s}.log")) for s in sents}
        rprom = next(m for _, _, _, m in rrows[rleader] if m.startswith("+promoted-slave"))
        rnew = re.search(r":(\d+) ", rprom).group(1)
        replicas = ["6401", "6402"] if v == "002" else ["6401"]
        rother = next((p for p in replicas if p != rnew), None)
        t1 = int(open(os.path.join(d, "resume-ms" if v == "002" else "restart-ms")).read())
        rcut = datetime.datetime.fromtimestamp(t1 / 1000) + datetime.timedelta(seconds=window)
        sleader = s1["electedLeader"]["node"]
        srows = {s: parse(os.path.join(HERE, "sim", f"sim{v}-seed1-{s}.log")) for s in sents}
        sprom = next(m for _, _, _, m in srows[sleader] if m.startswith("+promoted-slave"))
        snew = re.search(r":(\d+) ", sprom).group(1)
        sother = next((p for p in replicas if p != snew), None)
        t0us, t1us = map(int, open(os.path.join(HERE, "sim", f"sim{v}-seed1-T.txt")).read().split())
        scut = datetime.datetime(2026, 12, 30, 15, 28) + datetime.timedelta(microseconds=t1us, seconds=window)
        pairs = [("leader", rleader, sleader)]
        if v == "002":
            rf = next(s for s in sents if s != rleader)
            sf = next(s for s in sents if s != sleader)
            pairs.append(("follower", rf, sf))
        for role, rs, ss in pairs:
            a = mask(rrows[rs], rleader, sents, rnew, rother, rcut)
            b = mask(srows[ss], sleader, sents, snew, sother, scut)
            diff = difflib.unified_diff(a, b, f"real {label} sentinel {rs} ({role})", f"sim seed 1 sentinel {ss} ({role})", n=2, lineterm="")
            open(os.path.join(HERE, f"diff-{v}-{role}.txt"), "w").write("\n".join(diff) + "\n")
    print(open(os.path.join(HERE, "compare-table.md")).read())


main()
