#!/usr/bin/env python3
"""Phase timings of the real Sentinel drill runs (captures written by drill.sh).

Usage: summarize.py <label>...   prints one JSON line per run and writes <label>/summary.json.
Times are ms after the fault (kill -STOP / kill -9), from the log timestamps (ms resolution,
same clock as `date +%s%3N`).
"""
import json
import os
import re
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
LINE = re.compile(r"^(\d+):([XMSC]) (\d+ \w+ \d+ \d\d:\d\d:\d\d)\.(\d\d\d) ([#*.-]) (.*)$")
EVENTS = ["+sdown", "+odown", "+new-epoch", "+vote-for-leader", "+elected-leader", "+selected-slave",
          "+promoted-slave", "+switch-master"]


def parse(path):
    out = []
    for raw in open(path, encoding="utf-8", errors="replace"):
        m = LINE.match(raw.rstrip("\n"))
        if not m:
            continue
        ms = int(time.mktime(time.strptime(m.group(3), "%d %b %Y %H:%M:%S"))) * 1000 + int(m.group(4))
        out.append((ms, m.group(6), raw.rstrip("\n")))
    return out


def summarize(label):
    d = os.path.join(HERE, label)
    read = lambda f: int(open(os.path.join(d, f)).read().strip())
    if os.path.exists(os.path.join(d, "pause-ms")):
        t0, t1, variant = read("pause-ms"), read("resume-ms"), "002"
    else:
        t0, t1, variant = read("kill-ms"), read("restart-ms"), "001"
    sentinels = sorted(f[len("sentinel-"):-len(".log")] for f in os.listdir(d) if re.match(r"sentinel-\d+\.log$", f))
    logs = {s: parse(os.path.join(d, f"sentinel-{s}.log")) for s in sentinels}
    res = {"label": label, "variant": variant, "resumeMs": t1 - t0}
    per = {}
    for s, lines in logs.items():
        per[s] = {}
        for ms, msg, _ in lines:
            if ms < t0 - 200:
                continue
            ev = msg.split(" ", 1)[0]
            if ev in ("+sdown", "+odown") and not msg.startswith(ev + " master "):
                continue
            if ev in EVENTS and ev not in per[s]:
                per[s][ev] = {"ms": ms - t0, "msg": msg}
            if ev == "+convert-to-slave" and ms >= t1 and "6400" in msg and "+convert-to-slave" not in per[s]:
                per[s][ev] = {"ms": ms - t0, "afterResumeMs": ms - t1}
    for ev in EVENTS + ["+convert-to-slave"]:
        hits = [(v[ev]["ms"], s) for s, v in per.items() if ev in v]
        if hits:
            ms, s = min(hits)
            res[ev] = {"ms": ms, "by": s}
            if ev == "+odown":
                res[ev]["quorum"] = per[s][ev]["msg"].split("#quorum ")[1]
            if ev == "+convert-to-slave":
                res[ev]["afterResumeMs"] = per[s][ev]["afterResumeMs"]
    res["leader"] = next((s for s, v in per.items() if "+elected-leader" in v), None)
    res["perSentinel"] = {s: {ev: v[ev]["ms"] for ev in v} | ({"odownQuorum": v["+odown"]["msg"].split("#quorum ")[1]} if "+odown" in v else {}) for s, v in per.items()}
    # the old master's resync after it resumed / restarted
    srv = parse(os.path.join(d, "redis-6400.log"))
    after = [msg for ms, msg, _ in srv if ms >= t1]
    if any("Successful partial resynchronization" in m or "Master accepted a Partial Resynchronization" in m for m in after):
        res["resync"] = "partial"
    elif any(m.startswith("Full resync from master") for m in after):
        res["resync"] = "full"
    else:
        res["resync"] = "none"
    req = [m for m in after if m.startswith("Trying a partial resynchronization")]
    res["psyncRequest"] = req[0] if req else None
    new = [f for f in ("redis-6401.log", "redis-6402.log") if os.path.exists(os.path.join(d, f))]
    res["newMasterSays"] = [msg for f in new for ms, msg, _ in parse(os.path.join(d, f)) if ms >= t1 and "resynchronization" in msg.lower()]
    json.dump(res, open(os.path.join(d, "summary.json"), "w"), indent=1)
    return res


if __name__ == "__main__":
    for label in sys.argv[1:]:
        print(json.dumps(summarize(label)))
