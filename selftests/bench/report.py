#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# The host side of `make bench`: read DIR/raw.txt (lines "MODE ROUND
# METRIC VALUE" from bench.sh) and write
#
#   DIR/results.json   every metric: values, median, min, max, IQR per
#                      mode, and the ratio of the medians ours/stock,
#                      also after normalising each round by its own
#                      calibration loop ("norm"): a time is scaled by
#                      calib_median/calib_of_that_round, a rate by the
#                      inverse, memory not at all
#   DIR/results.txt    the table also printed on the terminal
#   DIR/*.png          the scaling curves (metrics named NAME@N), with
#                      gnuplot when it is installed
#
#   report.py DIR [--markdown]    --markdown: the table for README.md

import json
import os
import shutil
import statistics
import subprocess
import sys

MODES = ("ours", "stock")


def better_higher(metric):
    """Throughput and rates go up when better; times and memory go down."""
    base = metric.split("@")[0]
    return base.endswith("_mbps") or base.endswith("_pps")


def quartiles(v):
    if len(v) < 4:
        return min(v), max(v)
    q = statistics.quantiles(v, n=4, method="inclusive")
    return q[0], q[2]


def speed_bound(metric):
    """Times and rates move with the emulated CPU's speed; memory not."""
    base = metric.split("@")[0]
    return base.endswith("_ms") or better_higher(metric)


def load(path):
    data = {}
    order = []
    calib = {}
    rounds = []
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) != 4:
                continue
            mode, rnd, metric, value = parts
            try:
                value = float(value)
            except ValueError:
                continue
            if metric not in data:
                data[metric] = {m: [] for m in MODES}
                order.append(metric)
            data[metric].setdefault(mode, []).append(value)
            if metric == "calib_ms":
                calib[(mode, rnd)] = value
            rounds.append((mode, rnd, metric, value))
    return data, order, normalized(rounds, calib)


def normalized(rounds, calib):
    """The values scaled to the median calibration, per mode."""
    if not calib:
        return {}
    ref = statistics.median(calib.values())
    norm = {}
    for mode, rnd, metric, value in rounds:
        c = calib.get((mode, rnd))
        if not c or not speed_bound(metric):
            continue
        scale = ref / c
        value = value / scale if better_higher(metric) else value * scale
        norm.setdefault(metric, {}).setdefault(mode, []).append(value)
    return norm


def summarize(data, order, norm):
    out = {}
    for metric in order:
        entry = {"higher_is_better": better_higher(metric)}
        if metric.startswith("calib"):
            entry["calibration"] = True
        for mode in MODES:
            v = data[metric].get(mode, [])
            if not v:
                continue
            q1, q3 = quartiles(v)
            entry[mode] = {
                "values": v,
                "median": statistics.median(v),
                "min": min(v),
                "max": max(v),
                "q1": q1,
                "q3": q3,
            }
        if "ours" in entry and "stock" in entry and entry["stock"]["median"]:
            entry["ratio"] = entry["ours"]["median"] / entry["stock"]["median"]
        n = norm.get(metric, {})
        if n.get("ours") and n.get("stock") and not entry.get("calibration"):
            so = statistics.median(n["stock"])
            if so:
                entry["norm_ratio"] = statistics.median(n["ours"]) / so
        out[metric] = entry
    return out


def fmt(x):
    if x is None:
        return "-"
    a = abs(x)
    if a >= 1000:
        return "%.0f" % x
    if a >= 10:
        return "%.1f" % x
    return "%.3g" % x


def verdict(entry):
    """'+' ours better, '-' worse, '' within 30% (this host's noise)."""
    r = entry.get("ratio")
    if r is None or entry.get("calibration"):
        return ""
    good = r if entry["higher_is_better"] else (1 / r if r else 0)
    if good >= 1.3:
        return "better"
    if good <= 1 / 1.3:
        return "WORSE"
    return ""


def rows(summary):
    for metric, e in summary.items():
        cells = [metric]
        for mode in MODES:
            s = e.get(mode)
            if s:
                cells += [fmt(s["median"]), "%s-%s" % (fmt(s["min"]), fmt(s["max"])),
                          str(len(s["values"]))]
            else:
                cells += ["-", "-", "0"]
        r = e.get("ratio")
        nr = e.get("norm_ratio")
        cells += ["%.2f" % r if r is not None else "-",
                  "%.2f" % nr if nr is not None else "-", verdict(e)]
        yield cells


HEAD = ["metric", "ours", "ours min-max", "n", "stock", "stock min-max", "n",
        "ours/stock", "norm", "(>30%)"]


def text_table(summary):
    table = [HEAD] + list(rows(summary))
    w = [max(len(r[i]) for r in table) for i in range(len(HEAD))]
    lines = []
    for i, r in enumerate(table):
        lines.append("  ".join(c.ljust(w[j]) if j == 0 else c.rjust(w[j])
                               for j, c in enumerate(r)).rstrip())
        if i == 0:
            lines.append("-" * len(lines[0]))
    return "\n".join(lines)


def markdown_table(summary):
    lines = ["| " + " | ".join(HEAD) + " |",
             "|" + "|".join(["---"] + ["--:"] * (len(HEAD) - 1)) + "|"]
    for r in rows(summary):
        lines.append("| " + " | ".join(r) + " |")
    return "\n".join(lines)


def plots(summary, outdir):
    """One PNG panel per NAME@N metric family: median against N."""
    fams = {}
    for metric, e in summary.items():
        if "@" not in metric:
            continue
        base, n = metric.split("@")
        fams.setdefault(base, []).append((int(n), e))
    fams = {b: sorted(v, key=lambda t: t[0]) for b, v in fams.items()}
    if not fams or not shutil.which("gnuplot"):
        return []
    made = []
    groups = {
        "bench-control.png": [b for b in fams if b.endswith("_ms")],
        "bench-memory.png": [b for b in fams if "_mem_" in b],
        "bench-datapath-scale.png": [b for b in fams if b.startswith("dp_scale")],
    }
    for png, bases in groups.items():
        bases = sorted(bases)
        if not bases:
            continue
        cols = min(3, len(bases))
        nrows = (len(bases) + cols - 1) // cols
        script = ["set terminal pngcairo size %d,%d font ',9'" % (420 * cols, 320 * nrows),
                  "set output '%s'" % os.path.join(outdir, png),
                  "set multiplot layout %d,%d" % (nrows, cols),
                  "set logscale x", "set key top left", "set grid",
                  "set xlabel 'N objects'"]
        for base in bases:
            dat = os.path.join(outdir, "plot-%s.dat" % base)
            with open(dat, "w") as f:
                f.write("# N ours_median ours_min ours_max stock_median stock_min stock_max\n")
                for n, e in fams[base]:
                    vals = [n]
                    for m in MODES:
                        s = e.get(m)
                        vals += [s["median"], s["min"], s["max"]] if s else ["NaN"] * 3
                    f.write(" ".join(str(v) for v in vals) + "\n")
            script += ["set title '%s'" % base.replace("_", "\\_"),
                       "plot '%s' using 1:2:3:4 with yerrorlines title 'ours', "
                       "'' using 1:5:6:7 with yerrorlines title 'stock'" % dat]
        script.append("unset multiplot")
        r = subprocess.run(["gnuplot"], input="\n".join(script), text=True,
                           capture_output=True)
        if r.returncode == 0:
            made.append(png)
        else:
            sys.stderr.write("gnuplot failed for %s: %s\n" % (png, r.stderr))
    return made


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: report.py DIR [--markdown]")
    outdir = sys.argv[1]
    raw = os.path.join(outdir, "raw.txt")
    if not os.path.exists(raw) or not os.path.getsize(raw):
        sys.exit("report.py: no results in %s" % raw)
    data, order, norm = load(raw)
    summary = summarize(data, order, norm)
    if "--markdown" in sys.argv:
        print(markdown_table(summary))
        return
    env = {}
    envf = os.path.join(outdir, "env.txt")
    if os.path.exists(envf):
        with open(envf) as f:
            for line in f:
                k, _, v = line.rstrip("\n").partition(" ")
                env[k] = v
    with open(os.path.join(outdir, "results.json"), "w") as f:
        json.dump({"env": env, "metrics": summary}, f, indent=1)
    table = text_table(summary)
    with open(os.path.join(outdir, "results.txt"), "w") as f:
        f.write(table + "\n")
    print(table)
    made = plots(summary, outdir)
    print()
    print("calibration (fixed CPU loop, ms): " + ", ".join(
        "%s %s" % (m, " ".join(fmt(v) for v in data.get("calib_ms", {}).get(m, [])))
        for m in MODES))
    print("results: %s/results.json, results.txt%s" % (
        outdir, "".join(", " + p for p in made)))


if __name__ == "__main__":
    main()
