#!/bin/sh
# Selects the Omnia role by the first argument; the rest go to the role's process.
# exec: node is PID 1's direct replacement, so it receives SIGTERM and drains.
set -eu
role="${1:-}"
[ "$#" -gt 0 ] && shift
case "$role" in
  operator) exec node --enable-source-maps /app/dist/operator/main.js "$@" ;;
  facade) exec node --enable-source-maps /app/dist/facade/node/main.js "$@" ;;
  runtime) exec node --enable-source-maps /app/dist/runtime/main.js "$@" ;;
  *)
    echo "usage: omnia-entrypoint operator|facade|runtime [args]" >&2
    exit 2
    ;;
esac
