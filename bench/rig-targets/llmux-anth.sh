#!/usr/bin/env bash
# llmux (LLMUX_DIR) with an Anthropic-type provider at the mock: Anthropic passthrough and OpenAI→Anthropic.
CHECKOUT="${LLMUX_DIR:-}" UPSTREAM_TYPE=anthropic STORE="" ROUTES='anthropic:/v1/messages openai>anthropic:/v1/chat/completions'
source "$(dirname "$0")/llmux-variant.inc"
