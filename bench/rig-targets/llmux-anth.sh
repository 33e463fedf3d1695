#!/usr/bin/env bash
# llmux with an Anthropic upstream (Anthropic passthrough, OpenAI->Anthropic); from a project checkout: LLMUX_DIR=/path/to/checkout bench/run.sh llmux
# Runs: bun bin/llmux start --config FILE --port PORT, with one Anthropic-type provider at the mock;
# routes: anthropic (passthrough) and openai>anthropic.
source "$(dirname "$0")/lib/common.sh"
[[ -n "${LLMUX_DIR:-}" ]] || die "LLMUX_DIR is not set: point it at an llmux checkout (it must contain bin/llmux)"
ENTRY=bin/llmux; [[ -e "$LLMUX_DIR/$ENTRY" ]] || ENTRY=bin/llmux.ts
[[ -e "$LLMUX_DIR/$ENTRY" ]] || die "LLMUX_DIR=$LLMUX_DIR has no bin/llmux"
command -v bun >/dev/null || die "bun not found (npm install -g bun)"
CFG="$STATE_DIR/llmux.toml"
cat > "$CFG" <<TOML
host = "127.0.0.1"
port = $PORT
${LLMUX_STORE:+store = "$LLMUX_STORE"}
[provider.upstream]
type = "anthropic"
api_key = "x"
base_url = "$MOCK_URL"
[[backend]]
model = "upstream:mock-model"
context = 128000
TOML
(cd "$LLMUX_DIR" && exec bun "$ENTRY" start --config "$CFG" --port "$PORT" >"$STATE_DIR/llmux.log" 2>&1 </dev/null) &
SERVER_PID=$!
echo "$SERVER_PID" > "$STATE_DIR/pid"
wait_http "$BASE_URL/health" "${LLMUX_START_TIMEOUT:-30}"
echo "BASE_URL=$BASE_URL"
echo "PID=$SERVER_PID"
echo "VERSION=llmux $(cd "$LLMUX_DIR" && git describe --always --dirty 2>/dev/null || echo '?') on bun $(bun --version)"
for r in "anthropic:/v1/messages" "openai>anthropic:/v1/chat/completions"; do
  echo "ROUTE=${r%%:*} ${r#*:}"
  echo "MODEL=${r%%:*} ${LLMUX_MODEL:-mock-model}"
done
