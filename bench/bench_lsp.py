#!/usr/bin/env python3
"""Generic LSP latency benchmark speaking raw JSON-RPC over stdio (stdlib only); adapted from the
project's shared harness. `bench/run.sh` uses it for postgres-language-server, and
`bench/bench_schemals.py` reuses its client.

Measures, for any language server command:
  * time to `initialize` response (from process spawn),
  * time to first `textDocument/publishDiagnostics` after `didOpen` of a document,
    time to first non-empty diagnostics, and time until diagnostics settle,
  * latency of `textDocument/completion` (cold first request, then N measured
    requests: min/median/mean/p95/p99/max) at cursor positions marked with
    <CURSOR> inside case documents, plus result counts and top-ranked labels,
  * optional `textDocument/hover` latency,
  * optional "typing" mode: a didChange (edit away from the cursor) precedes every
    measured request, so the server must re-process the document each time,
  * RSS / CPU time of the server process tree at the end.

Examples
--------
  # postgres-language-server (config file in --root)
  python3 bench_lsp.py --label pls --root ./ws \
      --cmd "node_modules/.bin/postgres-language-server lsp-proxy"

  # any other server, TypeScript document, cursor inside an inlineSql string
  python3 bench_lsp.py --cmd "my-lsp --stdio" --root ./proj --lang-id typescript --ext .ts \
      --case 'tbl=a.handler.inlineSql("SELECT * FROM <CURSOR>")' --expect tbl=users

Case syntax: --case NAME=TEXT  (TEXT may contain \\n escapes; exactly one <CURSOR>)
             --case NAME=@path/to/file   (file content, with one <CURSOR>)
"""
import argparse
import json
import math
import os
import shlex
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

CURSOR = "<CURSOR>"

DEFAULT_DIAG_DOC = """select id, email, display_name from users where is_active;
select nonexistent_col from users;
select * from no_such_table;
insert into posts (author_id, title) values ('not-a-number', 'x');
selec 1 from users;
"""

DEFAULT_CASES = [
    ("from_table", "SELECT * FROM <CURSOR>"),
    ("select_column", "SELECT <CURSOR> FROM users"),
]
DEFAULT_EXPECT = {"from_table": ["users", "posts"], "select_column": ["email", "display_name"]}


# --------------------------------------------------------------------------- JSON-RPC


class LspClient:
    def __init__(self, cmd, cwd, env, stderr_path, settings):
        self.t_spawn = time.perf_counter()
        self.proc = subprocess.Popen(
            cmd, cwd=cwd, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=open(stderr_path, "wb") if stderr_path else subprocess.DEVNULL, bufsize=0,
        )
        self.settings = settings or {}
        self.next_id = 0
        self.lock = threading.Lock()
        self.pending = {}  # id -> [event, response, t_recv]
        self.diags = {}  # uri -> list of (t, version, diagnostics)
        self.diag_cv = threading.Condition()
        self.notifications = []  # (t, method, params) excluding diagnostics
        self.server_requests = []  # (t, method)
        self.closed = False
        self.config_null = False
        self.noise = []  # non-protocol lines the server printed on stdout
        self.reader = threading.Thread(target=self._read_loop, daemon=True)
        self.reader.start()

    # ---- transport
    def _send(self, obj):
        body = json.dumps(obj, separators=(",", ":")).encode("utf-8")
        data = b"Content-Length: %d\r\n\r\n" % len(body) + body
        with self.lock:
            self.proc.stdin.write(data)
            self.proc.stdin.flush()

    def _read_exact(self, n):
        buf = b""
        while len(buf) < n:
            chunk = self.proc.stdout.read(n - len(buf))
            if not chunk:
                raise EOFError
            buf += chunk
        return buf

    def _read_loop(self):
        f = self.proc.stdout
        try:
            while True:
                headers = {}
                while True:
                    # Lines end with CRLF per spec; tolerate bare LF (some servers print logs to stdout).
                    line = b""
                    while not line.endswith(b"\n"):
                        c = f.read(1)
                        if not c:
                            raise EOFError
                        line += c
                    line = line.rstrip(b"\r\n")
                    if not line:
                        if "content-length" in headers:
                            break
                        continue  # stray blank line (noise), keep scanning for a header
                    k, sep, v = line.decode("utf-8", "replace").partition(":")
                    if sep and k.strip().lower() in ("content-length", "content-type"):
                        headers[k.strip().lower()] = v.strip()
                    else:  # non-LSP output written to stdout by the server: tolerate, but count it
                        self.noise.append(line[:200].decode("utf-8", "replace"))
                body = self._read_exact(int(headers["content-length"]))
                t = time.perf_counter()
                self._dispatch(json.loads(body), t)
        except (EOFError, ValueError, OSError):
            pass
        finally:
            self.closed = True
            with self.diag_cv:
                self.diag_cv.notify_all()
            for ent in list(self.pending.values()):
                ent[0].set()

    def _dispatch(self, msg, t):
        if "id" in msg and "method" not in msg:  # response
            ent = self.pending.get(msg["id"])
            if ent:
                ent[1] = msg
                ent[2] = t
                ent[0].set()
            return
        method = msg.get("method")
        if "id" in msg:  # server -> client request
            self.server_requests.append((t, method))
            self._send({"jsonrpc": "2.0", "id": msg["id"], "result": self._answer(method, msg.get("params"))})
            return
        if method == "textDocument/publishDiagnostics":
            p = msg["params"]
            with self.diag_cv:
                self.diags.setdefault(p["uri"], []).append((t, p.get("version"), p.get("diagnostics", [])))
                self.diag_cv.notify_all()
        else:
            self.notifications.append((t, method, msg.get("params")))

    def _answer(self, method, params):
        if method == "workspace/configuration":
            out = []
            for item in (params or {}).get("items", []):
                sec = item.get("section")
                val = self.settings
                if sec:
                    for part in sec.split("."):
                        val = val.get(part) if isinstance(val, dict) else None
                # VS Code answers an (empty) object for unknown sections; some servers break on null
                out.append({} if val is None and not self.config_null else val)
            return out
        if method == "workspace/workspaceFolders":
            return getattr(self, "folders", None)
        return None  # registerCapability, workDoneProgress/create, showMessageRequest, ...

    # ---- API
    def request(self, method, params, timeout=60.0):
        with self.lock:
            self.next_id += 1
            rid = self.next_id
        ent = [threading.Event(), None, None]
        self.pending[rid] = ent
        t0 = time.perf_counter()
        self._send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        if not ent[0].wait(timeout):
            self.pending.pop(rid, None)
            raise TimeoutError(f"{method} timed out after {timeout}s")
        self.pending.pop(rid, None)
        if ent[1] is None:
            raise EOFError(f"server closed while waiting for {method}")
        return ent[1], (ent[2] - t0), t0

    def notify(self, method, params):
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    def wait_diags(self, uri, pred, timeout):
        """Wait until pred(list_of_publishes) is true. Returns the list."""
        end = time.perf_counter() + timeout
        with self.diag_cv:
            while True:
                lst = self.diags.get(uri, [])
                if pred(lst):
                    return lst
                rem = end - time.perf_counter()
                if rem <= 0 or self.closed:
                    return lst
                self.diag_cv.wait(rem)


# --------------------------------------------------------------------------- helpers


def utf16_len(s):
    return len(s.encode("utf-16-le")) // 2


def cursor_pos(text):
    i = text.index(CURSOR)
    before = text[:i]
    line = before.count("\n")
    col = utf16_len(before[before.rfind("\n") + 1:])
    return text.replace(CURSOR, "", 1), {"line": line, "character": col}


def stats(xs):
    if not xs:
        return {}
    s = sorted(xs)
    n = len(s)
    pr = lambda q: s[max(0, math.ceil(q * n) - 1)]  # nearest-rank
    return {"n": n, "min_ms": s[0], "median_ms": statistics.median(s), "mean_ms": statistics.fmean(s),
            "p95_ms": pr(0.95), "p99_ms": pr(0.99), "max_ms": s[-1]}


def proc_tree(root_pid):
    kids = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            st = Path(f"/proc/{d}/stat").read_text()
            ppid = int(st[st.rindex(")") + 2:].split()[1])
            kids.setdefault(ppid, []).append(int(d))
        except (OSError, ValueError, IndexError):
            pass
    out, todo = [], [root_pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(kids.get(p, []))
    return out


def tree_usage(root_pid):
    rss_kb, cpu_ticks, cmds = 0, 0, []
    for p in proc_tree(root_pid):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    rss_kb += int(line.split()[1])
            st = Path(f"/proc/{p}/stat").read_text()
            f = st[st.rindex(")") + 2:].split()
            cpu_ticks += int(f[11]) + int(f[12])
            cmds.append(Path(f"/proc/{p}/cmdline").read_bytes().replace(b"\0", b" ").decode()[:120])
        except (OSError, ValueError, IndexError):
            pass
    return {"rss_mb": round(rss_kb / 1024, 1), "cpu_s": round(cpu_ticks / os.sysconf("SC_CLK_TCK"), 2),
            "processes": cmds}


def machine_busy_s():
    """Total non-idle CPU seconds of the whole machine (all cores) from /proc/stat."""
    f = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = f[3] + (f[4] if len(f) > 4 else 0)
    return (sum(f[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def items_of(result):
    if result is None:
        return []
    if isinstance(result, dict):
        return result.get("items", [])
    return result


def ranked_labels(items):
    return [it.get("label") for it in sorted(items, key=lambda it: (it.get("sortText") or it.get("label") or ""))]


def parse_case(spec):
    name, _, text = spec.partition("=")
    if text.startswith("@"):
        text = Path(text[1:]).read_text()
    else:
        text = text.encode().decode("unicode_escape")
    if text.count(CURSOR) != 1:
        sys.exit(f"case {name!r} must contain exactly one {CURSOR}")
    return name, text


# --------------------------------------------------------------------------- main


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cmd", required=True, help="server command line (shell-split)")
    ap.add_argument("--root", default=".", help="workspace root (cwd of server, rootUri)")
    ap.add_argument("--label", default="server")
    ap.add_argument("--lang-id", default="sql")
    ap.add_argument("--ext", default=".sql")
    ap.add_argument("--doc-dir", default="", help="folder under --root for the opened documents (e.g. amplify/data)")
    ap.add_argument("--init-options", default=None, help="JSON for initializationOptions")
    ap.add_argument("--settings", default=None, help="JSON answered to workspace/configuration "
                    "and sent in workspace/didChangeConfiguration")
    ap.add_argument("--no-did-change-config", action="store_true")
    ap.add_argument("--config-null", action="store_true",
                    help="answer null (not {}) to workspace/configuration items without settings")
    ap.add_argument("--diag-doc", default=None, help="file whose text is opened for the diagnostics test")
    ap.add_argument("--case", action="append", default=[], help="NAME=TEXT with one <CURSOR>")
    ap.add_argument("--expect", action="append", default=[], help="NAME=label1,label2 expected in results")
    ap.add_argument("--hover", action="append", default=[], help="NAME=TEXT with <CURSOR> on a symbol")
    ap.add_argument("-n", type=int, default=200, help="measured requests per case")
    ap.add_argument("--warmup", type=int, default=3, help="unmeasured requests after the cold one")
    ap.add_argument("--ping", type=int, default=0, help="N unknown-method requests (transport baseline)")
    ap.add_argument("--typing", action="store_true", help="send a didChange before every measured request")
    ap.add_argument("--settle", type=float, default=3.0, help="seconds without new diagnostics = settled")
    ap.add_argument("--diag-timeout", type=float, default=30.0)
    ap.add_argument("--open-wait", type=float, default=2.0, help="max wait for a case doc's first diagnostics")
    ap.add_argument("--env", action="append", default=[], help="KEY=VALUE for the server environment")
    ap.add_argument("--stderr-log", default=None)
    ap.add_argument("--out", default=None, help="write JSON results here")
    a = ap.parse_args()

    root = Path(a.root).resolve()
    root_uri = root.as_uri()
    env = dict(os.environ)
    for kv in a.env:
        k, _, v = kv.partition("=")
        env[k] = v
    settings = json.loads(a.settings) if a.settings else None
    cases = [parse_case(c) for c in a.case] or DEFAULT_CASES
    expect = {k: v.split(",") for k, _, v in (e.partition("=") for e in a.expect)} if a.expect else (
        DEFAULT_EXPECT if not a.case else {})
    hovers = [parse_case(h) for h in a.hover]

    res = {"label": a.label, "cmd": a.cmd, "root": str(root), "n": a.n, "typing": a.typing,
           "machine": {"nproc": os.cpu_count(), "uname": " ".join(os.uname())}}
    res["loadavg_start"] = Path("/proc/loadavg").read_text().split()[:3]
    busy0, self0 = machine_busy_s(), sum(os.times()[:2])
    cli = LspClient(shlex.split(a.cmd), str(root), env, a.stderr_log, settings)
    cli.folders = [{"uri": root_uri, "name": root.name}]
    cli.config_null = a.config_null
    try:
        # ---- initialize
        caps = {
            "general": {"positionEncodings": ["utf-16"]},
            "workspace": {"configuration": True, "workspaceFolders": True,
                          "didChangeConfiguration": {"dynamicRegistration": True},
                          "didChangeWatchedFiles": {"dynamicRegistration": True},
                          "executeCommand": {"dynamicRegistration": True}},
            "textDocument": {
                "synchronization": {"dynamicRegistration": True, "didSave": True},
                "completion": {"completionItem": {"snippetSupport": True, "documentationFormat": ["markdown", "plaintext"],
                                                  "labelDetailsSupport": True},
                               "contextSupport": True},
                "hover": {"contentFormat": ["markdown", "plaintext"]},
                "publishDiagnostics": {"relatedInformation": True, "versionSupport": True},
                "codeAction": {"codeActionLiteralSupport": {"codeActionKind": {"valueSet": ["", "quickfix", "refactor", "source"]}}},
            },
            "window": {"workDoneProgress": True},
        }
        params = {"processId": os.getpid(), "rootUri": root_uri, "rootPath": str(root), "capabilities": caps,
                  "workspaceFolders": cli.folders, "clientInfo": {"name": "bench_lsp.py", "version": "1"}}
        if a.init_options:
            params["initializationOptions"] = json.loads(a.init_options)
        resp, _, _ = cli.request("initialize", params, timeout=120)
        t_init = (time.perf_counter() - cli.t_spawn) * 1000
        if "error" in resp:
            raise RuntimeError(f"initialize failed: {resp['error']}")
        result = resp["result"]
        res["server_info"] = result.get("serverInfo")
        res["capabilities"] = result.get("capabilities")
        res["initialize_ms"] = round(t_init, 2)
        cli.notify("initialized", {})
        if settings and not a.no_did_change_config:
            cli.notify("workspace/didChangeConfiguration", {"settings": settings})
        sync = result.get("capabilities", {}).get("textDocumentSync")
        change_kind = sync.get("change", 1) if isinstance(sync, dict) else (sync or 1)

        versions = {}

        def open_doc(name, text):
            uri = (root / a.doc_dir / f"bench_{name}{a.ext}").as_uri()
            versions[uri] = 1
            t = time.perf_counter()
            cli.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": a.lang_id,
                                                                 "version": 1, "text": text}})
            return uri, t

        # ---- diagnostics
        diag_text = Path(a.diag_doc).read_text() if a.diag_doc else DEFAULT_DIAG_DOC
        uri, t_open = open_doc("diagnostics", diag_text)
        lst = cli.wait_diags(uri, lambda l: len(l) > 0, a.diag_timeout)
        d = {"first_publish_ms": round((lst[0][0] - t_open) * 1000, 2) if lst else None}
        lst = cli.wait_diags(uri, lambda l: any(x[2] for x in l), a.diag_timeout)
        ne = [x for x in lst if x[2]]
        d["first_nonempty_ms"] = round((ne[0][0] - t_open) * 1000, 2) if ne else None
        # settle: no new publish for `settle` seconds
        while True:
            n0 = len(cli.diags.get(uri, []))
            cli.wait_diags(uri, lambda l, n0=n0: len(l) > n0, a.settle)
            if len(cli.diags.get(uri, [])) == n0 or time.perf_counter() - t_open > a.diag_timeout:
                break
        lst = cli.diags.get(uri, [])
        d["publishes"] = [{"t_ms": round((t - t_open) * 1000, 2), "count": len(ds)} for t, _, ds in lst]
        if lst:
            d["last_publish_ms"] = round((lst[-1][0] - t_open) * 1000, 2)
            d["final"] = [{"line": x["range"]["start"]["line"], "severity": x.get("severity"),
                           "source": x.get("source"), "code": x.get("code"),
                           "message": (x.get("message") or "")[:160]} for x in lst[-1][2]]
        res["diagnostics"] = d

        # ---- completion cases
        res["completion"] = {}
        for name, ctext in cases:
            text, pos = cursor_pos(ctext)
            curi, t_o = open_doc(name, text)
            cli.wait_diags(curi, lambda l: len(l) > 0, a.open_wait)
            cparams = {"textDocument": {"uri": curi}, "position": pos, "context": {"triggerKind": 1}}
            cold, cold_ms, _ = cli.request("textDocument/completion", cparams)
            for _ in range(a.warmup):
                cli.request("textDocument/completion", cparams)
            lat, counts, errors = [], [], 0
            last = None
            cpu0 = tree_usage(cli.proc.pid)["cpu_s"]
            tail_on = False
            for i in range(a.n):
                if a.typing:
                    versions[curi] += 1
                    lines = text.split("\n")
                    endpos = {"line": len(lines) - 1, "character": utf16_len(lines[-1])}
                    if change_kind == 2:
                        if not tail_on:
                            ch = {"range": {"start": endpos, "end": endpos}, "text": "\n-- typing"}
                        else:
                            s = {"line": len(lines) - 1, "character": utf16_len(lines[-1])}
                            ch = {"range": {"start": s, "end": {"line": len(lines), "character": 9}}, "text": ""}
                        cli.notify("textDocument/didChange", {"textDocument": {"uri": curi, "version": versions[curi]},
                                                             "contentChanges": [ch]})
                    else:
                        full = text if tail_on else text + "\n-- typing"
                        cli.notify("textDocument/didChange", {"textDocument": {"uri": curi, "version": versions[curi]},
                                                             "contentChanges": [{"text": full}]})
                    tail_on = not tail_on
                r, ms, _ = cli.request("textDocument/completion", cparams)
                if "error" in r:
                    errors += 1
                lat.append(ms * 1000)
                its = items_of(r.get("result"))
                counts.append(len(its))
                last = its
            cpu_ms_per_req = round((tree_usage(cli.proc.pid)["cpu_s"] - cpu0) * 1000 / max(1, a.n), 3)
            labels = ranked_labels(last or [])
            kinds = {}
            for it in last or []:
                kinds[it.get("kind")] = kinds.get(it.get("kind"), 0) + 1
            lr = r.get("result")
            entry = {"server_cpu_ms_per_request": cpu_ms_per_req, "is_incomplete": lr.get("isIncomplete") if isinstance(lr, dict) else None,
                     "kinds_hist": kinds, "text": ctext, "position": pos, "cold_first_ms": round(cold_ms * 1000, 2),
                     "cold_first_items": len(items_of(cold.get("result"))),
                     "latency": {k: (round(v, 3) if isinstance(v, float) else v) for k, v in stats(lat).items()},
                     "items_min": min(counts) if counts else 0, "items_max": max(counts) if counts else 0,
                     "errors": errors, "top10": labels[:10]}
            if name in expect:
                entry["expected_rank"] = {lab: (labels.index(lab) + 1 if lab in labels else None) for lab in expect[name]}
            res["completion"][name] = entry

        # ---- hover cases
        if hovers:
            res["hover"] = {}
            for name, htext in hovers:
                text, pos = cursor_pos(htext)
                huri, _ = open_doc("hover_" + name, text)
                cli.wait_diags(huri, lambda l: len(l) > 0, a.open_wait)
                hp = {"textDocument": {"uri": huri}, "position": pos}
                first, fms, _ = cli.request("textDocument/hover", hp)
                hc0 = tree_usage(cli.proc.pid)["cpu_s"]
                lat = [cli.request("textDocument/hover", hp)[1] * 1000 for _ in range(a.n)]
                hcpu = round((tree_usage(cli.proc.pid)["cpu_s"] - hc0) * 1000 / max(1, a.n), 3)
                contents = (first.get("result") or {}).get("contents")
                res["hover"][name] = {"cold_first_ms": round(fms * 1000, 2), "server_cpu_ms_per_request": hcpu,
                                      "latency": {k: (round(v, 3) if isinstance(v, float) else v) for k, v in stats(lat).items()},
                                      "contents_preview": json.dumps(contents)[:300]}

        # ---- ping: unknown request -> MethodNotFound; measures transport + dispatch only
        if a.ping:
            lat = [cli.request("bench/ping", {}, timeout=10)[1] * 1000 for _ in range(a.ping)]
            res["ping"] = {k: (round(v, 3) if isinstance(v, float) else v) for k, v in stats(lat).items()}

        res["usage_end"] = tree_usage(cli.proc.pid)
        busy = machine_busy_s() - busy0
        own = sum(os.times()[:2]) - self0
        res["contention"] = {"machine_busy_cpu_s": round(busy, 2), "server_cpu_s": res["usage_end"]["cpu_s"],
                             "client_cpu_s": round(own, 2),
                             "foreign_cpu_s": round(busy - res["usage_end"]["cpu_s"] - own, 2),
                             "loadavg_end": Path("/proc/loadavg").read_text().split()[:3]}
    except Exception as e:  # noqa: BLE001 - keep partial results, report the failure
        res["error"] = f"{type(e).__name__}: {e}"
        print(f"[{a.label}] ERROR: {res['error']}", file=sys.stderr)
    finally:
        res["server_requests"] = sorted({m for _, m in cli.server_requests})
        res["notification_methods"] = sorted({m for _, m, _ in cli.notifications})
        res["stdout_noise_lines"] = len(cli.noise)
        res["stdout_noise_sample"] = cli.noise[:5]
        res["messages"] = [(m, (p or {}).get("message", "")[:200]) for _, m, p in cli.notifications
                           if m in ("window/showMessage", "window/logMessage")][:20]
        try:
            if not cli.closed:
                cli.request("shutdown", None, timeout=10)
                cli.notify("exit", None)
            cli.proc.stdin.close()  # editors close the pipe; some proxies exit only on EOF
        except Exception as e:  # noqa: BLE001
            res["shutdown_error"] = repr(e)
        try:
            cli.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            cli.proc.terminate()  # only our own child, by its pid
            try:
                cli.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                cli.proc.kill()
        res["exit_code"] = cli.proc.returncode

    txt = json.dumps(res, indent=2)
    if a.out:
        Path(a.out).write_text(txt)
    # human summary
    print(f"[{a.label}] server={res.get('server_info')} initialize={res.get('initialize_ms')} ms")
    dd = res.get("diagnostics", {})
    print(f"  diagnostics: first publish {dd.get('first_publish_ms')} ms, first non-empty {dd.get('first_nonempty_ms')} ms,"
          f" last {dd.get('last_publish_ms')} ms, publishes={[p['count'] for p in dd.get('publishes', [])]}")
    for x in dd.get("final", []):
        print(f"    L{x['line']} sev={x['severity']} {x['source']}/{x['code']}: {x['message'][:100]}")
    for name, e in res.get("completion", {}).items():
        L = e["latency"]
        print(f"  completion {name}: cold {e['cold_first_ms']} ms ({e['cold_first_items']} items); "
              f"median {L.get('median_ms', 0):.2f} p95 {L.get('p95_ms', 0):.2f} p99 {L.get('p99_ms', 0):.2f} "
              f"max {L.get('max_ms', 0):.2f} ms over n={L.get('n')}; items {e['items_min']}-{e['items_max']}, "
              f"errors={e['errors']}; server CPU {e['server_cpu_ms_per_request']} ms/request")
        print(f"    top10: {e['top10']}  expected_rank={e.get('expected_rank')}")
    if "ping" in res:
        print(f"  ping (unknown method): median {res['ping'].get('median_ms', 0):.3f} p95 {res['ping'].get('p95_ms', 0):.3f} ms")
    for name, e in res.get("hover", {}).items():
        L = e["latency"]
        print(f"  hover {name}: cold {e['cold_first_ms']} ms; median {L.get('median_ms', 0):.2f} p95 {L.get('p95_ms', 0):.2f} ms")
    if "usage_end" in res:
        print(f"  usage: rss={res['usage_end']['rss_mb']} MB cpu={res['usage_end']['cpu_s']} s procs={len(res['usage_end']['processes'])}")
        print(f"  contention: {res['contention']} loadavg_start={res['loadavg_start']}")
    return 1 if "error" in res else 0


if __name__ == "__main__":
    sys.exit(main())
