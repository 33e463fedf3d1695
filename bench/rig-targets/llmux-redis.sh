#!/usr/bin/env bash
# llmux on a Redis store (a redis-server of its own on a free port); from a project checkout: LLMUX_DIR=/path/to/checkout bench/run.sh llmux
# Runs: bun bin/llmux start --config FILE --port PORT, with one OpenAI-style provider at the mock and
# store = "redis://127.0.0.1:RPORT" (a redis-server started here; stop it after the run, the rig stops PIDs only).
# LLMUX_ROUTES overrides the routes measured (default: both front doors); LLMUX_EXTRA_TOML is appended.
source "$(dirname "$0")/lib/common.sh"
[[ -n "${LLMUX_DIR:-}" ]] || die "LLMUX_DIR is not set: point it at an llmux checkout (it must contain bin/llmux)"
ENTRY=bin/llmux; [[ -e "$LLMUX_DIR/$ENTRY" ]] || ENTRY=bin/llmux.ts
[[ -e "$LLMUX_DIR/$ENTRY" ]] || die "LLMUX_DIR=$LLMUX_DIR has no bin/llmux"
command -v bun >/dev/null || die "bun not found (npm install -g bun)"
RPORT=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
redis-server --port "$RPORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$STATE_DIR" >"$STATE_DIR/redis.log" 2>&1 &
echo $! > "$STATE_DIR/redis.pid"
for _ in $(seq 50); do redis-cli -p "$RPORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
CFG="$STATE_DIR/llmux.toml"
cat > "$CFG" <<TOML
host = "127.0.0.1"
port = $PORT
store = "redis://127.0.0.1:$RPORT"
[provider.upstream]
type = "openai"
api_key = "x"
base_url = "$MOCK_URL/v1"
[[backend]]
model = "upstream:mock-model"
context = 128000
${LLMUX_EXTRA_TOML:-}
TOML
(cd "$LLMUX_DIR" && exec bun "$ENTRY" start --config "$CFG" --port "$PORT" >"$STATE_DIR/llmux.log" 2>&1 </dev/null) &
SERVER_PID=$!
echo "$SERVER_PID" > "$STATE_DIR/pid"
wait_http "$BASE_URL/health" "${LLMUX_START_TIMEOUT:-30}"
echo "BASE_URL=$BASE_URL"
echo "PID=$SERVER_PID"
echo "VERSION=llmux $(cd "$LLMUX_DIR" && git describe --always --dirty 2>/dev/null || echo '?') on bun $(bun --version)"
for r in ${LLMUX_ROUTES:-"openai:/v1/chat/completions" "anthropic>openai:/v1/messages"}; do
  echo "ROUTE=${r%%:*} ${r#*:}"
  echo "MODEL=${r%%:*} ${LLMUX_MODEL:-mock-model}"
done
