#!/usr/bin/env bash
# The Redis fan-out tests need a Redis on 127.0.0.1:6379. Use the one running there, or start one
# (installing Debian's redis-server when it is missing and we are root).
set -euo pipefail
ping_redis() { (exec 3<>/dev/tcp/127.0.0.1/6379 && printf 'PING\r\n' >&3 && timeout 2 head -c 5 <&3 | grep -q PONG) 2>/dev/null; }
if ping_redis; then exit 0; fi
if ! command -v redis-server >/dev/null; then
  if [ "$(id -u)" = "0" ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
  else
    echo "ensure-redis: no Redis on 127.0.0.1:6379 and redis-server is missing; install it: sudo apt-get install redis-server" >&2
    exit 1
  fi
fi
redis-server --bind 127.0.0.1 --port 6379 --save '' --appendonly no --daemonize yes >/dev/null
for _ in $(seq 1 50); do ping_redis && exit 0; sleep 0.1; done
echo "ensure-redis: redis-server did not answer on 127.0.0.1:6379" >&2
exit 1
