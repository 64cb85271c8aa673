#!/usr/bin/env python3
"""Summarizes the L2 study runs: results.md (the table) and plots/*.svg.

Usage: summarize.py RUNS_DIR STUDY_DIR. Reads RUNS_DIR/<arch>_l2_<scale>/report.json (qexp run
with the weights analysis, docs/report-schema.md) and writes STUDY_DIR/results.md and
STUDY_DIR/plots/{accuracy,weights}.svg. Standard library only.
"""
import json
import math
import os
import sys

SCALES = ["0", "1e-5", "4e-5", "1e-4", "1e-3", "4e-3"]  # 4e-5: batch norm only (the demo model)
ARCHS = [("bn", "BN"), ("nobn", "no BN")]
MODES = [("weight_only", "weight-only"), ("int8-per_channel", "per-channel"),
         ("int8-per_tensor", "per-tensor")]


def load(runs, name):
    path = os.path.join(runs, name, "report.json")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def variant(r, name):
    for v in r["variants"]:
        if v["name"] == name and v["status"] == "ok":
            return v
    return None


def mean(xs):
    xs = [x for x in xs if x is not None]
    return sum(xs) / len(xs) if xs else None


def row_of(r):
    w = r["analysis"]["weights"]
    layers = w["layers"]
    out = {"float": variant(r, "float")["accuracy"]["top1"]["percent"]}
    for key, _ in MODES:
        v = variant(r, key)
        out[key] = (v["accuracy"]["top1"]["percent"], v["accuracy"]["top1"]["delta_pp"]) if v else None
    raw = [l["bn_fold"]["raw"]["l2_norm"] for l in layers if l.get("bn_fold")]
    out["raw_l2"] = math.sqrt(sum(x * x for x in raw)) if raw else None
    out["folded_l2"] = math.sqrt(sum(l["stats"]["l2_norm"] ** 2 for l in layers))
    out["kurtosis"] = w["model"]["mean_kurtosis"]
    out["crest"] = w["model"]["mean_crest_factor"]
    out["spread"] = w["model"]["mean_channel_range_spread"]
    out["pt_pred"] = mean([l["int8"]["per_tensor"]["predicted_sqnr_db"] for l in layers])
    out["pt_meas"] = mean([l["int8"]["per_tensor"]["measured_sqnr_db"] for l in layers])
    out["pc_meas"] = mean([l["int8"]["per_channel"]["measured_sqnr_db"] for l in layers])
    out["worst_ch"] = min(l["int8"]["per_tensor"]["worst_channel_predicted_sqnr_db"] for l in layers)
    out["score"] = w["model"]["score"]
    regs = [f for f in w["regularizers"] if f["status"] == "ok"]
    out["detected"] = f"{len(regs)}×{regs[0]['l2']:g}" if regs else "none"
    out["within"] = "/".join(str(w["prediction"][g]["within_1_5_db"]) for g in ("per_tensor", "per_channel"))
    run = {x["variant"]: x["spearman"] for x in w["prediction"]["run"]}
    out["rho"] = run.get("int8-per_tensor")
    return out


def fmt(x, d=2):
    return "–" if x is None else f"{x:.{d}f}"


def table(rows):
    head = ("| arch | L2 | L2 found | float top-1 | weight-only (Δ) | int8 per-ch. (Δ) | int8 per-tensor (Δ) "
            "| mean kurtosis | mean crest | ch.-range spread | ‖raw‖ | ‖folded‖ | weight SQNR per-tensor "
            "pred. / meas. dB | worst channel, per-tensor, pred. dB | per-ch. meas. dB | pred. within 1.5 dB (pt/pc) | ρ pred. vs run (pt) | score |")
    lines = [head, "|" + "---|" * head.count("|")[:-1] if False else "|" + "---|" * (head.count("|") - 1)]
    for (arch, label), scale, r in rows:
        if r is None:
            lines.append(f"| {label} | {scale} | not run |" + " |" * 15)
            continue
        modes = " | ".join(f"{r[k][0]:.2f} ({r[k][1]:+.2f})" if r[k] else "–" for k, _ in MODES)
        lines.append(
            f"| {label} | {scale} | {r['detected']} | {r['float']:.2f} | {modes} | {fmt(r['kurtosis'])} | "
            f"{fmt(r['crest'])} | {fmt(r['spread'], 1)} | {fmt(r['raw_l2'], 1)} | {fmt(r['folded_l2'], 1)} | "
            f"{fmt(r['pt_pred'])} / {fmt(r['pt_meas'])} | {fmt(r['worst_ch'], 1)} | {fmt(r['pc_meas'])} | {r['within']} | "
            f"{fmt(r['rho'], 3)} | {fmt(r['score'], 1)} |")
    return "\n".join(lines) + "\n"


COLORS = {"bn": "#1f77b4", "nobn": "#d62728"}


def svg_plot(path, title, ylabel, series):
    """series: list of (label, color, dashed, [(x_index, y)])"""
    w, h, l, r, t, b = 600, 320, 60, 180, 30, 40
    ys = [y for _, _, _, pts in series for _, y in pts if y is not None]
    if not ys:
        return
    lo, hi = min(ys), max(ys)
    if hi - lo < 1e-9:
        lo, hi = lo - 1, hi + 1
    pad = (hi - lo) * 0.08
    lo, hi = lo - pad, hi + pad
    sx = lambda i: l + (w - l - r) * (i + 0.5) / len(SCALES)
    sy = lambda y: t + (h - t - b) * (1 - (y - lo) / (hi - lo))
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="11">',
           f'<rect width="{w}" height="{h}" fill="#fff"/>',
           f'<text x="{w / 2}" y="16" text-anchor="middle" font-size="13">{title}</text>',
           f'<rect x="{l}" y="{t}" width="{w - l - r}" height="{h - t - b}" fill="none" stroke="#888"/>']
    for k in range(6):
        y = lo + (hi - lo) * k / 5
        out.append(f'<text x="{l - 4}" y="{sy(y) + 4:.1f}" text-anchor="end">{y:.2f}</text>')
        out.append(f'<line x1="{l}" x2="{w - r}" y1="{sy(y):.1f}" y2="{sy(y):.1f}" stroke="#eee"/>')
    for i, s in enumerate(SCALES):
        out.append(f'<text x="{sx(i):.1f}" y="{h - b + 14}" text-anchor="middle">{s}</text>')
    out.append(f'<text x="{(l + w - r) / 2}" y="{h - 6}" text-anchor="middle">L2 scale</text>')
    out.append(f'<text x="14" y="{(t + h - b) / 2}" transform="rotate(-90 14 {(t + h - b) / 2})" '
               f'text-anchor="middle">{ylabel}</text>')
    for k, (label, color, dashed, pts) in enumerate(series):
        pts = [(i, y) for i, y in pts if y is not None]
        dash = ' stroke-dasharray="5,3"' if dashed else ""
        if len(pts) > 1:
            d = " ".join(f"{sx(i):.1f},{sy(y):.1f}" for i, y in pts)
            out.append(f'<polyline points="{d}" fill="none" stroke="{color}" stroke-width="2"{dash}/>')
        for i, y in pts:
            out.append(f'<circle cx="{sx(i):.1f}" cy="{sy(y):.1f}" r="3" fill="{color}"><title>{label}: {y:.3f}</title></circle>')
        ly = t + 14 * k + 8
        out.append(f'<line x1="{w - r + 10}" x2="{w - r + 30}" y1="{ly}" y2="{ly}" stroke="{color}" stroke-width="2"{dash}/>')
        out.append(f'<text x="{w - r + 34}" y="{ly + 4}">{label}</text>')
    out.append("</svg>\n")
    with open(path, "w") as f:
        f.write("\n".join(out))


def main():
    runs, study = sys.argv[1], sys.argv[2]
    data = {}
    rows = []
    for arch in ARCHS:
        for s in SCALES:
            r = load(runs, f"{arch[0]}_l2_{s}")
            data[(arch[0], s)] = row_of(r) if r else None
            if r or s != "4e-5":
                rows.append((arch, s, data[(arch[0], s)]))
    with open(os.path.join(study, "results.md"), "w") as f:
        f.write("<!-- Generated by experiments/l2_study/summarize.py (run.sh); do not edit. -->\n")
        f.write(table(rows))
    os.makedirs(os.path.join(study, "plots"), exist_ok=True)
    acc, wts = [], []
    for arch, label in ARCHS:
        for (key, mlabel), dashed in zip(MODES, (True, True, False)):
            pts = [(i, data[(arch, s)][key][1] if data[(arch, s)] and data[(arch, s)][key] else None)
                   for i, s in enumerate(SCALES)]
            acc.append((f"{label}, {mlabel}", COLORS[arch] if key != "int8-per_channel" else
                        ("#6baed6" if arch == "bn" else "#fc9272"), dashed and key == "weight_only", pts))
        wts.append((f"{label}: per-tensor", COLORS[arch], False,
                    [(i, data[(arch, s)]["pt_meas"] if data[(arch, s)] else None) for i, s in enumerate(SCALES)]))
        wts.append((f"{label}: per-channel", COLORS[arch], True,
                    [(i, data[(arch, s)]["pc_meas"] if data[(arch, s)] else None) for i, s in enumerate(SCALES)]))
    def series(key, arch):
        return [(i, data[(arch, s)][key] if data[(arch, s)] else None) for i, s in enumerate(SCALES)]
    norms, shape = [], []
    for arch, label in ARCHS:
        norms.append((f"{label}: raw kernels", COLORS[arch], True, series("raw_l2", arch)))
        norms.append((f"{label}: folded", COLORS[arch], False, series("folded_l2", arch)))
        shape.append((f"{label}: kurtosis", COLORS[arch], False, series("kurtosis", arch)))
        shape.append((f"{label}: crest", COLORS[arch], True, series("crest", arch)))
        shape.append((f"{label}: ch. spread", "#2ca02c" if arch == "bn" else "#9467bd", False,
                      series("spread", arch)))
    svg_plot(os.path.join(study, "plots", "norms.svg"),
             "L2 norm of all kernels: raw (trained) vs folded (quantized)", "‖w‖₂", norms)
    svg_plot(os.path.join(study, "plots", "shape.svg"),
             "Folded weights: mean kurtosis, crest factor, channel-range spread", "value", shape)
    svg_plot(os.path.join(study, "plots", "accuracy.svg"), "Top-1 change vs float (pp)", "Δ top-1 (pp)", acc)
    svg_plot(os.path.join(study, "plots", "weights.svg"),
             "Mean int8 weight SQNR of the folded weights (dB)", "SQNR (dB)", wts)
    sys.stdout.write(table(rows))


if __name__ == "__main__":
    main()
