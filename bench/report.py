"""Writes docs/BENCHMARKS.md from the logs of one bench/run-all.sh run (called by it, not by hand).

Each bench prints "RESULT key=value" lines beside its human output; this reads them, puts every
DESIGN.md performance target against its figure, and appends each bench's own output.
"""
import argparse
import os
import platform
import re
import subprocess
from pathlib import Path

parser = argparse.ArgumentParser()
parser.add_argument("--mode", required=True)
parser.add_argument("--logs", required=True)
parser.add_argument("--out", required=True)
parser.add_argument("--started", required=True)
parser.add_argument("--load-start", default="")
parser.add_argument("--load-end", default="")
parser.add_argument("--note", default="")
args = parser.parse_args()
logs = Path(args.logs)

BENCHES = {
    "publish": "Publish → banner, and expiry (`bench/publish-latency.sh`)",
    "banner": "Banner endpoint against nginx, and churn (`bench/banner.sh`)",
    "email-embedded": "Email fan-out, embedded host (`bench/email-fanout.sh`)",
    "email-distributed": "Email fan-out, standalone Channels (`bench/email-fanout.sh --distributed`)",
    "sms": "SMS at a configured rate (`bench/sms-rate.sh`)",
}


def read(path, default=""):
    try:
        return Path(path).read_text(errors="replace").strip()
    except OSError:
        return default


runs = {}
for name in BENCHES:
    log = read(logs / f"{name}.log")
    results = {}
    for line in log.splitlines():
        if m := re.match(r"^RESULT ([\w.]+)=(.*)$", line):
            results[m.group(1)] = m.group(2).strip()
    runs[name] = {
        "status": read(logs / f"{name}.status", "not run"),
        "seconds": read(logs / f"{name}.seconds", "?"),
        "command": read(logs / f"{name}.command", "?"),
        "log": log,
        "r": results,
    }


def num(name, key):
    value = runs[name]["r"].get(key, "")
    try:
        return float(value)
    except ValueError:
        return None


def outcome(name):
    """None when the bench finished; otherwise what to write instead of a figure."""
    status = runs[name]["status"]
    if status == "finished":
        return None
    if status == "did not finish":
        return "**did not finish**"
    return f"**{status}**" if status != "not run" else "**not run**"


def verdict(ok, *names, caveat=""):
    for name in names:
        if (o := outcome(name)) is not None and ok is None:
            return o
    if ok is None:
        return "**no figure**"
    text = "**met**" if ok else "**NOT met**"
    return text + (f" ({caveat})" if caveat else "")


def fmt(value, unit="", digits=0):
    if value is None:
        return "—"
    return f"{value:,.{digits}f}{unit}"


def first_failure(*names):
    for name in names:
        if (o := outcome(name)) is not None:
            return o
    return None


quick = args.mode == "quick"
rows = []  # (target, figure, reference, ratio, verdict)

# Banner throughput and p99.
b = "banner"
rps, nginx_rps = num(b, "banner.channels_rps"), num(b, "banner.nginx_rps")
p99, nginx_p99 = num(b, "banner.channels_p99_ms"), num(b, "banner.nginx_p99_ms")
ratio = rps / nginx_rps if rps and nginx_rps else None
rows.append((
    "Banner throughput ≥ 1.0 × nginx (same bytes, wrk -t2 -c128)",
    fmt(rps, " req/s"), f"nginx {fmt(nginx_rps, ' req/s')}", fmt(ratio, "", 2),
    verdict(None if ratio is None else ratio >= 1.0, b),
))
rows.append((
    "Banner p99 no worse than nginx's in that run",
    fmt(p99, " ms", 2), f"nginx {fmt(nginx_p99, ' ms', 2)}", fmt(p99 / nginx_p99 if p99 and nginx_p99 else None, "", 2),
    verdict(None if p99 is None or nginx_p99 is None else p99 <= nginx_p99, b),
))

# Publish → banner.
p = "publish"
p50, pp99 = num(p, "publish.p50_ms"), num(p, "publish.p99_ms")
replicas = runs[p]["r"].get("publish.replicas", "2")
rows.append((f"Publish → banner live on every replica ({replicas}), p50 ≤ 100 ms (RabbitMQ)",
             fmt(p50, " ms", 1), "target 100 ms", fmt(p50 / 100 if p50 is not None else None, "", 2),
             verdict(None if p50 is None else p50 <= 100, p)))
rows.append((f"Publish → banner live on every replica ({replicas}), p99 ≤ 500 ms (RabbitMQ)",
             fmt(pp99, " ms", 1), "target 500 ms", fmt(pp99 / 500 if pp99 is not None else None, "", 2),
             verdict(None if pp99 is None else pp99 <= 500, p)))

# Expiry: nothing expired served (churn checker + the expiry pollers), events within 1 s.
served_churn, checked = num(b, "churn.expired_served"), num(b, "churn.responses_checked")
served_poll, polls = num(p, "expiry.served_expired"), num(p, "expiry.banner_polls")
churn_check = runs[b]["r"].get("banner.churn_check")
if served_churn is None and served_poll is None:
    ok = None
else:
    ok = (served_churn or 0) == 0 and (served_poll or 0) == 0 and churn_check in (None, "passed")
figure = (f"{fmt(served_churn)} in {fmt(checked)} churn responses; {fmt(served_poll)} in {fmt(polls)} expiry polls")
if churn_check and churn_check != "passed":
    figure += f" (churn check: {churn_check})"
missing = [f"{what}: {o.strip('*')}" for what, name, value in (("churn check", b, served_churn), ("expiry polls", p, served_poll))
           if value is None and (o := outcome(name))]
rows.append(("Expiry: no expired alert served, ever", figure, "0", "—",
             verdict(ok, b, p, caveat="; ".join(f"{m}, so only half checked" for m in missing) if ok is not None else "")))

ev_max, ev_p50, ev_p99 = num(p, "expiry.event_lag_max_ms"), num(p, "expiry.event_lag_p50_ms"), num(p, "expiry.event_lag_p99_ms")
not_expired = num(p, "expiry.event_not_expired") or 0
ban_p50, ban_p99, ban_max = num(p, "expiry.banner_lag_p50_ms"), num(p, "expiry.banner_lag_p99_ms"), num(p, "expiry.banner_lag_max_ms")
n_expiring = runs[p]["r"].get("expiry.alerts", "?")
rows.append((
    "Expiry events within 1 s (Broadcaster's expiry record after `expiresAt`, every alert)",
    f"p50 {fmt(ev_p50, ' ms')}, p99 {fmt(ev_p99, ' ms')}, max {fmt(ev_max, ' ms')} ({n_expiring} alerts)"
    + (f"; {not_expired:.0f} never expired" if not_expired else ""),
    "target 1,000 ms", fmt(ev_max / 1000 if ev_max is not None else None, "", 2),
    verdict(None if ev_max is None else ev_max <= 1000 and not not_expired, p),
))
never = (num(p, "expiry.banner_never_left") or 0) + (num(p, "expiry.banner_never_seen") or 0)
rows.append((
    "Expiry as users see it: gone from every replica's banner after `expiresAt` (within 1 s)",
    f"p50 {fmt(ban_p50, ' ms')}, p99 {fmt(ban_p99, ' ms')}, max {fmt(ban_max, ' ms')}"
    + (f"; {never:.0f} alert×replica never seen or never left" if never else ""),
    "target 1,000 ms", fmt(ban_max / 1000 if ban_max is not None else None, "", 2),
    verdict(None if ban_max is None else ban_max <= 1000 and not never, p),
))

# Email.
for name, label in (("email-embedded", "embedded host, SQLite"), ("email-distributed", "standalone Channels, PostgreSQL")):
    r = runs[name]["r"]
    subscribers = int(num(name, "email.subscribers") or 0)
    size_caveat = f"at {subscribers:,} subscribers, not 100,000" if subscribers and subscribers != 100000 else ""
    rate, ref = num(name, "email.rate"), num(name, "email.reference_rate")
    ratio = rate / ref if rate and ref else None
    rows.append((
        f"Email fan-out ≥ 0.35 × smtp-source -d, {r.get('email.parallelism', '4')} connections ({label})",
        fmt(rate, " msg/s") + (f" ({subscribers:,} subscribers)" if subscribers else ""),
        f"smtp-source {fmt(ref, ' msg/s')}", fmt(ratio, "", 2),
        verdict(None if ratio is None else ratio >= 0.35, name, caveat=size_caveat),
    ))
    lost, dup = num(name, "email.lost"), num(name, "email.duplicated")
    rows.append((
        f"Email: zero lost, zero duplicated ({label})",
        f"{fmt(lost)} lost, {fmt(dup)} duplicated", "0, 0", "—",
        verdict(None if lost is None or dup is None else lost == 0 and dup == 0, name, caveat=size_caveat),
    ))

# SMS.
s = "sms"
achieved, configured = num(s, "sms.rate_achieved"), num(s, "sms.rate_configured")
max_second = num(s, "sms.max_in_any_second")
sms_ratio = achieved / configured if achieved and configured else None
rows.append((
    "SMS sustains the configured rate within 5 %",
    fmt(achieved, "/s", 1) + (f" ({fmt(num(s, 'sms.numbers'))} numbers)" if achieved is not None else ""),
    f"configured {fmt(configured, '/s')}", fmt(sms_ratio, "", 3),
    verdict(None if sms_ratio is None else sms_ratio >= 0.95, s),
))
rows.append((
    "SMS never exceeds the configured rate (most in any 1 s window)",
    fmt(max_second), f"configured {fmt(configured, '/s')}", fmt(max_second / configured if max_second is not None and configured else None, "", 2),
    verdict(None if max_second is None or configured is None else max_second <= configured, s),
))

# Memory: the standalone Channels process during the distributed fan-out.
d = "email-distributed"
rss, subscribers = num(d, "email.peak_rss_mb"), int(num(d, "email.subscribers") or 0)
rows.append((
    "Memory: Channels resident ≤ 300 MB during a 100,000-recipient fan-out (peak VmHWM of the standalone Channels process)",
    fmt(rss, " MB") + (f" ({subscribers:,} recipients; " + (
        f"peak during the fan-out, {runs[d]['r'].get('email.import_peak_rss_mb')} MB during the import before it)"
        if runs[d]["r"].get("email.rss_span") == "fan-out" else "peak over the import and the fan-out together)") if subscribers else ""),
    "target 300 MB",
    fmt(rss / 300 if rss is not None else None, "", 2),
    verdict(None if rss is None else rss <= 300, d, caveat="; ".join(c for c in (
        f"at {subscribers:,} recipients, not 100,000" if subscribers and subscribers != 100000 else "",
        "this peak includes the import, so the fan-out's own may be lower"
        if rss is not None and rss > 300 and runs[d]["r"].get("email.rss_span") != "fan-out" else "") if c)),
))

# The machine.
def sh(command):
    try:
        return subprocess.run(command, shell=True, capture_output=True, text=True, timeout=60).stdout.strip()
    except Exception:
        return ""


cpu = sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").strip() or platform.processor()
mem_kb = int(re.search(r"MemTotal:\s+(\d+)", read("/proc/meminfo")).group(1))
os_name = re.search(r'PRETTY_NAME="([^"]*)"', read("/etc/os-release") or 'PRETTY_NAME="?"')
commit = sh("git rev-parse --short HEAD")
dirty = sh("git status --porcelain --untracked-files=no -- . ':!docs/BENCHMARKS.md'")
branch = sh("git rev-parse --abbrev-ref HEAD")

out = []
w = out.append
w("# Benchmarks")
w("")
w("<!-- Generated by bench/run-all.sh (bench/report.py): do not edit by hand; every run replaces this file. -->")
w("**Generated by `bench/run-all.sh" + (" --quick" if quick else "") + f"`** on {args.started} (UTC). "
  "Hand-written history and analysis of these benchmarks: [benchmark-notes.md](benchmark-notes.md).")
w("")
if quick:
    w("> **Quick run**: small sizes (publish 20, banner 5 s, email 5,000 subscribers, SMS 1,000 numbers). "
      "It proves the benches run end to end; its figures do not decide DESIGN.md's targets, which are "
      "stated at full size (`bench/run-all.sh` without `--quick`).")
    w("")
not_run = [f"`{title.split('`')[1]}`" for name, title in BENCHES.items() if runs[name]["status"] == "not run"]
if not_run:
    w(f"> **Partial report**: the run had not got to {'; '.join(not_run)} when this was written "
      "(the run-all writes the report after every bench; this one was stopped or is still going).")
    w("")
if args.note:
    w(f"> {args.note}")
    w("")
w("| machine | |")
w("|---|---|")
w(f"| cores (`nproc`) | {os.cpu_count() if not sh('nproc') else sh('nproc')} |")
w(f"| memory | {mem_kb / 1024 / 1024:.1f} GiB |")
w(f"| CPU | {cpu} |")
w(f"| OS | {os_name.group(1) if os_name else '?'}, Linux {platform.release()} |")
w(f"| .NET SDK | {sh('dotnet --version')} |")
w(f"| git commit | `{commit}` on `{branch}`{' (with uncommitted changes)' if dirty else ''} |")
w(f"| load average (1, 5, 15 min) | {args.load_start} at the start, {args.load_end} at the end |")
w("")
w("## DESIGN.md performance targets")
w("")
w("Reference = what the figure is compared with, measured in the same run where DESIGN.md names one "
  "(nginx, smtp-source, the configured SMS rate), else the target itself. Ratio = figure / reference.")
w("")
w("| target | figure | reference | ratio | verdict |")
w("|---|---|---|---|---|")
for target, figure, reference, ratio, verdict_text in rows:
    w(f"| {target} | {figure} | {reference} | {ratio} | {verdict_text} |")
w("")
w("Not a target, for scale: peak resident memory of the whole embedded process (Dashboard + Broadcaster + "
  f"Channels) during its fan-out: {fmt(num('email-embedded', 'email.peak_rss_mb'), ' MB')}; "
  f"of the Channels banner replica under wrk in the banner bench: {fmt(num('banner', 'banner.channels_peak_rss_mb'), ' MB')}.")
w("")
w("## The runs")
w("")
w("| bench | command | outcome | seconds |")
w("|---|---|---|---|")
for name, title in BENCHES.items():
    run = runs[name]
    w(f"| {title} | `{run['command']}` | {run['status']} | {run['seconds']} |")
w("")
w("How each figure is taken:")
w("")
w("- **Publish → banner**: distributed topology (RabbitMQ + PostgreSQL on loopback, Broadcaster, two Channels "
  "replicas, staff-only Dashboard, Release). Alerts created one at a time through `POST /api/alerts`, each timed "
  "until both replicas' `/api/banner/current` list it (polled every millisecond), then withdrawn (not timed).")
w("- **Expiry** (same run, after the publishes): alerts created one every 0.5 s, each expiring 4 s after it was "
  "sent. A poller per replica reads `/api/banner/current` every 5 ms: *gone from the banner* is the arrival of the "
  "first response without the alert, minus `expiresAt`; a response to a request sent at or after `expiresAt` that "
  "still lists it counts as an expired alert served. *Expiry event* is the Broadcaster's record of the expiry "
  "(status `Expired` and its `updatedAt` in `GET /api/alerts/{id}`: the moment its Quartz trigger wrote "
  "`AlertExpired` to the outbox) minus `expiresAt`; the outbox dispatch and the bus add a few ms after it.")
w("- **Banner**: one Channels banner replica (Production, as the compose file deploys the replicas the websites "
  "poll: `Channels:Role=Banner`, socket completions inline; no delivery jobs or forms) against nginx serving "
  "the same response bytes as a static file; `wrk -t2 -c128 --latency`, each after an unrecorded warm-up, in three "
  "rounds that take turns (replica then nginx, nginx then replica, replica then nginx): requests/s is the mean of "
  "the rounds, p50 and p99 the median of the rounds'. Churn: "
  "`wrk` again while `bench/BannerChurn` publishes an alert a second expiring 3 s later and checks every banner "
  "response for an expired alert.")
w("- **Email**: one alert to N imported subscribers into Postfix's `smtp-sink`, timed from `POST /api/alerts` until "
  "every recipient is recorded sent, after an unmeasured warm-up alert to one other subscriber (the first alert after "
  "the processes start pays their first-use costs, JIT and query compilation; its time from POST to sent is printed "
  "in the bench's output); the reference is `smtp-source -d` with as many messages of the same size (3,200 "
  "bytes) at the same concurrency into an `smtp-sink` of its own, run just before the pipeline and just after it "
  "(the mean of the two rates). Lost = subscribers − ledger sent; duplicated = sink count − "
  "ledger sent. Embedded: one process on SQLite (its memory is the whole process's). Distributed: one standalone "
  "Channels process on PostgreSQL and RabbitMQ (its memory is Channels' alone: the DESIGN.md memory target; "
  "`VmHWM` is reset after the import, through `/proc/<pid>/clear_refs`, so the peak is the fan-out's).")
w("- **SMS**: embedded host, fake Twilio server (`tests/FakeSms`) recording every arrival; achieved rate = "
  "arrivals over the span between the first and the last; the most arrivals in any 1 s window.")
w("")
w("## Each bench's output")
for name, title in BENCHES.items():
    run = runs[name]
    w("")
    w(f"### {title}")
    w("")
    w(f"`{run['command']}`: {run['status']} in {run['seconds']} s.")
    w("")
    human = [line for line in run["log"].splitlines() if not line.startswith("RESULT ")]
    if len(human) > 80:
        human = human[:20] + [f"… ({len(human) - 60} lines left out) …"] + human[-40:]
    w("```")
    out.extend(human or ["(no output)"])
    w("```")

Path(args.out).write_text("\n".join(out) + "\n")
