#!/usr/bin/env bash
# llmux (LLMUX_DIR) on a Redis store: a redis-server of its own on a free port (stop it after the run: the
# rig stops targets by PID only, and its CPU is not counted).
RPORT=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
redis-server --port "$RPORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$STATE_DIR" >"$STATE_DIR/redis.log" 2>&1 &
for _ in $(seq 50); do redis-cli -p "$RPORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
CHECKOUT="${LLMUX_DIR:-}" UPSTREAM_TYPE=openai STORE="redis://127.0.0.1:$RPORT" ROUTES='openai:/v1/chat/completions anthropic>openai:/v1/messages'
source "$(dirname "$0")/llmux-variant.inc"
