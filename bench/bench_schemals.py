#!/usr/bin/env python3
"""Drives `schemals serve` over stdio on a project from `gen_project.py`, the way an editor does, and
writes one JSON file of figures (stdlib only; the client comes from `bench_lsp.py`).

Figures, all on the project's real `resource.ts` (5,000 lines, 200 `inlineSql` queries) and
`schema.sql.ts`:
  * startup: spawn to `initialize`, `didOpen` to the first `publishDiagnostics` of `resource.ts`,
    and to the last one once they settle (the live catalog replaces the snapshot);
  * completion and hover in SQL (inside an `inlineSql` string) and in the DSL: cold request, then
    N requests (median, p95, p99) and server CPU per request (utime + stime of the process);
  * completion after each keystroke (a `didChange` before every request);
  * code actions at a cursor in SQL (editors ask at every cursor move);
  * keystroke-to-diagnostics: an incremental edit inside a model of `schema.sql.ts`, and inside an
    SQL string of `resource.ts`, to the next publish for that file, with server CPU per edit;
  * peak RSS (VmHWM) of the server at the end.

Usage: bench_schemals.py --server BIN --project DIR --label NAME --out FILE [--env K=V] [-n 200]
                         [--startup-only]
"""
import argparse
import json
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_lsp import LspClient, stats, utf16_len  # noqa: E402


def cpu_seconds(pid):
    f = Path(f"/proc/{pid}/stat").read_text()
    f = f[f.rindex(")") + 2:].split()
    return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")


def memory_kib(pid):
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmHWM", "VmRSS"):
            out[key] = int(value.split()[0])
    return out


def position_of(text, needle, after=""):
    """LSP position of the first `needle` (after the first `after`), as (offset, position)."""
    start = text.index(after) if after else 0
    i = text.index(needle, start)
    before = text[:i]
    line = before.count("\n")
    return i, {"line": line, "character": utf16_len(before[before.rfind("\n") + 1:])}


def rounded(d):
    return {k: (round(v, 3) if isinstance(v, float) else v) for k, v in d.items()}


class Session:
    def __init__(self, args):
        self.args = args
        self.root = Path(args.project).resolve()
        env = dict(os.environ)
        env.pop("SQL_CONNECTION_STRING", None)
        for kv in args.env:
            k, _, v = kv.partition("=")
            env[k] = v
        self.client = LspClient([args.server, "serve"], str(self.root), env, args.stderr_log, None)
        self.pid = self.client.proc.pid
        self.versions = {}
        self.texts = {}

    def uri(self, name):
        return (self.root / "amplify" / "data" / name).as_uri()

    def initialize(self):
        root_uri = self.root.as_uri()
        folders = [{"uri": root_uri, "name": self.root.name}]
        self.client.folders = folders
        caps = {"general": {"positionEncodings": ["utf-16"]},
                "workspace": {"configuration": True, "workspaceFolders": True},
                "textDocument": {"completion": {"completionItem": {"snippetSupport": True}},
                                 "hover": {"contentFormat": ["markdown", "plaintext"]},
                                 "publishDiagnostics": {"versionSupport": True}}}
        resp, _, _ = self.client.request("initialize", {
            "processId": os.getpid(), "rootUri": root_uri, "capabilities": caps,
            "workspaceFolders": folders}, timeout=60)
        t = (time.perf_counter() - self.client.t_spawn) * 1000
        self.client.notify("initialized", {})
        return resp.get("result", {}), t

    def open(self, name):
        text = (self.root / "amplify" / "data" / name).read_text()
        uri = self.uri(name)
        self.texts[uri] = text
        self.versions[uri] = 1
        t = time.perf_counter()
        self.client.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "typescript", "version": 1, "text": text}})
        return uri, t

    def wait_settled(self, uri, t_open, quiet=1.0, limit=20.0):
        cli = self.client
        cli.wait_diags(uri, lambda l: len(l) > 0, limit)
        while time.perf_counter() - t_open < limit:
            n0 = len(cli.diags.get(uri, []))
            cli.wait_diags(uri, lambda l, n0=n0: len(l) > n0, quiet)
            if len(cli.diags.get(uri, [])) == n0:
                break
        return cli.diags.get(uri, [])

    def change(self, uri, start, end, text):
        """An incremental edit, given as UTF-16 positions of the current text."""
        self.versions[uri] += 1
        self.client.notify("textDocument/didChange", {
            "textDocument": {"uri": uri, "version": self.versions[uri]},
            "contentChanges": [{"range": {"start": start, "end": end}, "text": text}]})

    def measure(self, method, params, n, warmup=3):
        cold, cold_s, _ = self.client.request(method, params)
        for _ in range(warmup):
            self.client.request(method, params)
        lat = []
        cpu0 = cpu_seconds(self.pid)
        last = None
        for _ in range(n):
            r, s, _ = self.client.request(method, params)
            lat.append(s * 1000)
            last = r.get("result")
        cpu = (cpu_seconds(self.pid) - cpu0) * 1000 / max(1, n)
        return {"cold_ms": round(cold_s * 1000, 2), "server_cpu_ms_per_request": round(cpu, 3),
                "latency": rounded(stats(lat))}, last

    def completion(self, uri, pos, n, typing_at=None):
        params = {"textDocument": {"uri": uri}, "position": pos, "context": {"triggerKind": 1}}
        if typing_at is None:
            entry, last = self.measure("textDocument/completion", params, n)
        else:
            # A keystroke away from the cursor before every request: the server must take the
            # edit into its snapshot before it answers.
            lat, on = [], False
            self.client.request("textDocument/completion", params)
            cpu0 = cpu_seconds(self.pid)
            end = {"line": typing_at["line"], "character": typing_at["character"] + 1}
            for _ in range(n):
                if on:
                    self.change(uri, typing_at, end, "")
                else:
                    self.change(uri, typing_at, typing_at, " ")
                on = not on
                r, s, _ = self.client.request("textDocument/completion", params)
                lat.append(s * 1000)
                last = r.get("result")
            if on:
                self.change(uri, typing_at, end, "")
            entry = {"server_cpu_ms_per_request": round((cpu_seconds(self.pid) - cpu0) * 1000 / n, 3),
                     "latency": rounded(stats(lat))}
        items = (last or {}).get("items", []) if isinstance(last, dict) else (last or [])
        entry["items"] = len(items)
        entry["first_labels"] = [it.get("label") for it in
                                 sorted(items, key=lambda it: it.get("sortText") or it.get("label"))[:5]]
        return entry

    def hover(self, uri, pos, n):
        entry, last = self.measure("textDocument/hover", {"textDocument": {"uri": uri}, "position": pos}, n)
        entry["contents_preview"] = json.dumps((last or {}).get("contents"))[:160]
        return entry

    def code_action(self, uri, pos, n):
        rng = {"start": pos, "end": pos}
        entry, last = self.measure("textDocument/codeAction", {
            "textDocument": {"uri": uri}, "range": rng, "context": {"diagnostics": []}}, n)
        entry["actions"] = len(last or [])
        return entry

    def keystrokes(self, uri, pos, n, insert="x"):
        """`n` edits at `pos`, alternately inserting `insert` and removing it; each edit waits for
        the next publish of `uri`, then a pause so debounce windows do not merge."""
        cli = self.client
        end = {"line": pos["line"], "character": pos["character"] + utf16_len(insert)}
        lat, cpu, counts, missing = [], 0.0, [], 0
        for i in range(n):
            time.sleep(0.15)
            n0 = len(cli.diags.get(uri, []))
            c0 = cpu_seconds(self.pid)
            t0 = time.perf_counter()
            if i % 2 == 0:
                self.change(uri, pos, pos, insert)
            else:
                self.change(uri, pos, end, "")
            got = cli.wait_diags(uri, lambda l, n0=n0: len(l) > n0, 5.0)
            if len(got) <= n0:
                missing += 1
                continue
            lat.append((got[n0][0] - t0) * 1000)
            counts.append(len(got[n0][2]))
            time.sleep(0.05)  # let the analysis finish its other publishes before reading CPU
            cpu += cpu_seconds(self.pid) - c0
        if n % 2 == 1:
            self.change(uri, pos, end, "")
        return {"latency": rounded(stats(lat)), "server_cpu_ms_per_edit": round(cpu * 1000 / max(1, len(lat)), 3),
                "diagnostics_per_publish": sorted(set(counts)), "missing_publishes": missing}

    def close(self):
        cli = self.client
        try:
            if not cli.closed:
                cli.request("shutdown", None, timeout=10)
                cli.notify("exit", None)
            cli.proc.stdin.close()
            cli.proc.wait(timeout=10)
        except Exception:  # noqa: BLE001 - only our own child, by its pid
            cli.proc.kill()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--server", required=True)
    ap.add_argument("--project", required=True)
    ap.add_argument("--label", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--env", action="append", default=[])
    ap.add_argument("-n", type=int, default=200)
    ap.add_argument("--edits", type=int, default=40)
    ap.add_argument("--typing-n", type=int, default=50, help="requests in the completion-while-typing case")
    ap.add_argument("--startup-only", action="store_true")
    ap.add_argument("--repeat", type=int, default=1,
                    help="with --startup-only: start-ups to measure; first diagnostics are their median, "
                         "peak RSS their largest")
    ap.add_argument("--fresh-cache", action="store_true",
                    help="empty the SCHEMALS_CACHE_DIR given with --env before each start-up (a first session)")
    ap.add_argument("--stderr-log", default=None)
    a = ap.parse_args()
    if a.repeat <= 1 or not a.startup_only:
        res = measure(a)
    else:
        runs = [measure(a) for _ in range(a.repeat)]
        res = dict(runs[-1])
        for key in ("first_diagnostics_ms", "settled_diagnostics_ms"):
            values = [r[key] for r in runs if r.get(key) is not None]
            res[key] = round(statistics.median(values), 2) if values else None
            res[key + "_all"] = values
        rss = [r["peak_rss_mib"] for r in runs if r.get("peak_rss_mib")]
        res["peak_rss_mib"] = max(rss) if rss else None
        res["peak_rss_mib_all"] = rss
        errors = [r["error"] for r in runs if "error" in r]
        if errors:
            res["error"] = errors[0]
        else:
            res.pop("error", None)
    Path(a.out).write_text(json.dumps(res, indent=2))
    print(json.dumps({k: res.get(k) for k in ("label", "first_diagnostics_ms", "settled_diagnostics_ms",
                                                "peak_rss_mib", "error")}))
    return 1 if "error" in res else 0


def measure(a):
    """One session: its figures as a dict (with "error" if it failed part-way)."""
    if a.fresh_cache:
        for kv in a.env:
            k, _, v = kv.partition("=")
            if k == "SCHEMALS_CACHE_DIR" and v:
                shutil.rmtree(v, ignore_errors=True)
    res = {"label": a.label, "project": a.project, "n": a.n,
           "loadavg_start": Path("/proc/loadavg").read_text().split()[:3]}
    s = Session(a)
    try:
        _, res["initialize_ms"] = s.initialize()
        uri, t_open = s.open("resource.ts")
        publishes = s.wait_settled(uri, t_open)
        res["first_diagnostics_ms"] = round((publishes[0][0] - t_open) * 1000, 2) if publishes else None
        res["first_diagnostics_from_spawn_ms"] = (
            round((publishes[0][0] - s.client.t_spawn) * 1000, 2) if publishes else None)
        res["settled_diagnostics_ms"] = round((publishes[-1][0] - t_open) * 1000, 2) if publishes else None
        res["publishes"] = [len(p[2]) for p in publishes]
        res["final_diagnostics"] = [d.get("message", "")[:120] for d in (publishes[-1][2] if publishes else [])][:5]
        res["messages"] = [(p or {}).get("message", "")[:200] for _, m, p in s.client.notifications
                           if m == "window/showMessage"][:5]
        text = s.texts[uri]
        if not a.startup_only:
            # Query 100 (or the last one on small projects) holds the SQL cursors.
            q = min(100, text.count("inlineSql") - 1)
            anchor = f"listItems{q:03d}"
            _, from_pos = position_of(text, "FROM ", anchor)
            from_pos["character"] += len("FROM ")
            _, select_pos = position_of(text, "SELECT ", anchor)
            select_pos["character"] += len("SELECT ")
            _, table_pos = position_of(text, "_items i", anchor)
            table_pos["character"] -= 2
            _, column_pos = position_of(text, "i.quantity", anchor)
            column_pos["character"] += len("i.quan")
            m = min(500, text.count("    models.Item") - 1)
            _, models_pos = position_of(text, f"models.Item{m:04d}.")
            models_pos["character"] += len("models.")
            hover_model_pos = dict(models_pos, character=models_pos["character"] + 3)
            _, typing_pos = position_of(text, "export type Schema")
            res["completion"] = {
                "sql_from_table": s.completion(uri, from_pos, a.n),
                "sql_select_column": s.completion(uri, select_pos, a.n),
                "dsl_models": s.completion(uri, models_pos, a.n),
                "sql_from_table_typing": s.completion(uri, from_pos, a.typing_n, typing_at=typing_pos),
            }
            res["hover"] = {
                "sql_table": s.hover(uri, table_pos, a.n),
                "dsl_model": s.hover(uri, hover_model_pos, a.n),
            }
            res["code_action"] = {"sql_column": s.code_action(uri, column_pos, min(a.n, 50))}
            schema_uri, t_schema = s.open("schema.sql.ts")
            s.wait_settled(schema_uri, t_schema, quiet=0.5)
            schema_text = s.texts[schema_uri]
            t = min(500, schema_text.count("a.model(") - 1)
            _, field_pos = position_of(schema_text, '"quantity"', f'"t{t:04d}_items"')
            field_pos["character"] += len('"quantity')
            res["keystroke_to_diagnostics"] = {
                "model_edit": s.keystrokes(schema_uri, field_pos, a.edits),
                "sql_edit": s.keystrokes(uri, column_pos, a.edits),
            }
        mem = memory_kib(s.pid)
        res["peak_rss_mib"] = round(mem.get("VmHWM", 0) / 1024, 1)
        res["rss_end_mib"] = round(mem.get("VmRSS", 0) / 1024, 1)
        res["server_cpu_s_total"] = round(cpu_seconds(s.pid), 2)
    except Exception as e:  # noqa: BLE001 - keep the partial figures, report the failure
        res["error"] = f"{type(e).__name__}: {e}"
        print(f"[{a.label}] ERROR: {res['error']}", file=sys.stderr)
    finally:
        s.close()
    res["loadavg_end"] = Path("/proc/loadavg").read_text().split()[:3]
    return res


if __name__ == "__main__":
    sys.exit(main())
