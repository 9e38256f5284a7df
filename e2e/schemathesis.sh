#!/bin/sh
# Fuzzes the live server's API from the OpenAPI document it serves, with schemathesis (its
# coverage, fuzzing and stateful phases): no answer may be a server error, and every answer
# must be documented (status, content type, schema). Run by .ci/run; also by hand:
#   ACCORD_BIN=../target/release/accord  the server binary (default; relative to e2e/)
#   ST_EXAMPLES=25                        examples per operation
# A negotiation is created first and the document's path parameters (`id`, `seat`, `version`)
# are narrowed to it, so the fuzzer reaches the handlers instead of 404s.
set -eu
cd "$(dirname "$0")"
BIN="${ACCORD_BIN:-../target/release/accord}"
venv=.venv-schemathesis
if [ ! -x "$venv/bin/st" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "schemathesis==4.32.5"
fi
dir=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
ACCORD_ANALYSIS_SECONDS=2 "$BIN" serve --port "$port" --database "$dir/accord.db" >"$dir/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$dir"' EXIT
base="http://127.0.0.1:$port"
# Wait for the server, then: an account, a session, a negotiation with a first draft, and the
# document narrowed to them.
python3 - "$base" "$dir" <<'EOF'
import json, sys, time, urllib.request
base, dir = sys.argv[1], sys.argv[2]
def call(method, path, body=None, token=None):
    req = urllib.request.Request(base + path, method=method,
                                 data=None if body is None else json.dumps(body).encode())
    req.add_header("content-type", "application/json")
    if token:
        req.add_header("authorization", "Bearer " + token)
    with urllib.request.urlopen(req) as r:
        return json.loads(r.read() or b"null")
for _ in range(100):
    try:
        call("GET", "/api/scenarios")
        break
    except OSError:
        time.sleep(0.1)
cred = {"name": "schemathesis", "password": "a long fuzzing passphrase"}
call("POST", "/api/accounts", cred)
token = call("POST", "/api/sessions", cred)["token"]
n = call("POST", "/api/negotiations", {"scenario": "ceasefire"}, token)
nid = n["id"]
view = call("GET", "/api/negotiations/" + nid, token=token)
call("POST", f"/api/negotiations/{nid}/drafts",
     {"base_version": 0, "clauses": view["scenario_draft"]}, token)
doc = call("GET", "/openapi.json")
narrow = {"id": [nid], "seat": ["israel", "hamas", "egypt"], "version": [1]}
for item in doc["paths"].values():
    for op in item.values():
        for p in op.get("parameters", []):
            if p.get("in") == "path" and p["name"] in narrow:
                p["schema"] = dict(p.get("schema", {}), enum=narrow[p["name"]])
json.dump(doc, open(f"{dir}/openapi.json", "w"))
open(f"{dir}/token", "w").write(token)
EOF
token=$(cat "$dir/token")
# Signing out (everywhere) would end the fuzzer's own session; the event stream never ends.
# One worker: with two, CPython 3.11's AST builder (which hypothesis calls to describe its
# lambdas) now and then fails with "AST constructor recursion depth mismatch" (CPython
# gh-106905, fixed in 3.11.8), a crash of the fuzzer and not a finding about the server.
"$venv/bin/st" run "$dir/openapi.json" --url "$base" \
  -H "Authorization: Bearer $token" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance \
  --exclude-operation-id delete_session --exclude-operation-id events \
  --max-examples "${ST_EXAMPLES:-25}" --workers 1 --generation-deterministic --no-color
if grep -E "panicked|internal error" "$dir/server.log"; then
  echo "schemathesis: the server logged a panic or an internal error" >&2
  exit 1
fi
