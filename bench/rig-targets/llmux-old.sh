#!/usr/bin/env bash
# llmux from a project checkout: LLMUX_OLD_DIR=/path/to/checkout bench/run.sh llmux
# Runs: bun bin/llmux start --config FILE --port PORT, with one OpenAI-style provider at the mock.
# LLMUX_ROUTES overrides the routes measured (default: both front doors). LLMUX_STORE sets `store`
# (default: llmux's own default); LLMUX_EXTRA_TOML is appended to the generated config.
source "$(dirname "$0")/lib/common.sh"
[[ -n "${LLMUX_OLD_DIR:-}" ]] || die "LLMUX_OLD_DIR is not set: point it at an llmux checkout (it must contain bin/llmux)"
ENTRY=bin/llmux; [[ -e "$LLMUX_OLD_DIR/$ENTRY" ]] || ENTRY=bin/llmux.ts
[[ -e "$LLMUX_OLD_DIR/$ENTRY" ]] || die "LLMUX_OLD_DIR=$LLMUX_OLD_DIR has no bin/llmux"
command -v bun >/dev/null || die "bun not found (npm install -g bun)"
CFG="$STATE_DIR/llmux.toml"
cat > "$CFG" <<TOML
host = "127.0.0.1"
port = $PORT
${LLMUX_STORE:+store = "$LLMUX_STORE"}
[provider.upstream]
type = "openai"
api_key = "x"
base_url = "$MOCK_URL/v1"
[[backend]]
model = "upstream:mock-model"
context = 128000
${LLMUX_EXTRA_TOML:-}
TOML
(cd "$LLMUX_OLD_DIR" && exec bun "$ENTRY" start --config "$CFG" --port "$PORT" >"$STATE_DIR/llmux.log" 2>&1 </dev/null) &
SERVER_PID=$!
echo "$SERVER_PID" > "$STATE_DIR/pid"
wait_http "$BASE_URL/health" "${LLMUX_START_TIMEOUT:-30}"
echo "BASE_URL=$BASE_URL"
echo "PID=$SERVER_PID"
echo "VERSION=llmux $(cd "$LLMUX_OLD_DIR" && git describe --always --dirty 2>/dev/null || echo '?') on bun $(bun --version)"
for r in ${LLMUX_ROUTES:-"openai:/v1/chat/completions" "anthropic>openai:/v1/messages"}; do
  echo "ROUTE=${r%%:*} ${r#*:}"
  echo "MODEL=${r%%:*} ${LLMUX_MODEL:-mock-model}"
done
