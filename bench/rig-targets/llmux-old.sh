#!/usr/bin/env bash
# The rig's llmux target for a second checkout (LLMUX_OLD_DIR), to compare two commits in one interleaved run.
CHECKOUT="${LLMUX_OLD_DIR:-}" UPSTREAM_TYPE=openai STORE="" ROUTES='openai:/v1/chat/completions anthropic>openai:/v1/messages'
source "$(dirname "$0")/llmux-variant.inc"
