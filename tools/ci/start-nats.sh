#!/usr/bin/env bash
# Makes NATS with JetStream answer on 127.0.0.1:4222, starting it if needed.
set -uo pipefail
answers() { (exec 3<>/dev/tcp/127.0.0.1/4222) 2>/dev/null; }
answers && exit 0
mkdir -p /var/lib/nats-server
start-stop-daemon --start --oknodo --background --exec "$(command -v nats-server || echo /usr/sbin/nats-server)" -- \
  -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log
for _ in $(seq 1 30); do answers && exit 0; sleep 0.5; done
answers
