#!/usr/bin/env bash
# Start one background worker and the web server together, and keep both running: if either dies it is started
# again, with a message, up to AIPLUS_MAX_RESTARTS times in a row (5; a run of ten minutes starts the count
# afresh), after which both are stopped. Ctrl-C or TERM stops both. The worker (`manage.py aiplus_worker`) holds a
# lease: a job whose worker died is queued again by the next one once the lease has run out (AIPLUS_WORKER_*), and
# it exits non-zero whenever it can no longer work, so that it is started again here.
#   MODE=run  (`make run`) gunicorn, a production-grade WSGI server, with DEBUG off; WhiteNoise serves the static
#             files that `make run` collected into staticfiles/. AIPLUS_WEB_WORKERS processes (2) of 4 threads.
#   MODE=dev  (`make dev`) Django's autoreloading development server with DEBUG on.
set -u
cd "$(dirname "$0")/.."
: "${UV:=python3 -m uv}" "${HOST:=127.0.0.1}" "${PORT:=8000}" "${MODE:=run}"
: "${AIPLUS_MAX_RESTARTS:=5}" "${AIPLUS_WEB_WORKERS:=2}"

# Each one runs in a session of its own (setsid), so that stopping it stops everything it started: uv, the
# server's worker processes, the development server's reloader child.
start_worker() {
  setsid $UV run --frozen python manage.py aiplus_worker --queue-name default &
  worker=$! worker_since=$SECONDS
}
start_web() {
  if [ "$MODE" = dev ]; then
    setsid $UV run --frozen python manage.py runserver "$HOST:$PORT" &
  else
    # --forwarded-allow-ips "": gunicorn believes no X-Forwarded-* header; whether the proxy's X-Forwarded-Proto is
    # believed is Django's decision alone (AIPLUS_BEHIND_TLS_PROXY).
    setsid $UV run --frozen gunicorn aiplus.wsgi:application --bind "$HOST:$PORT" \
      --workers "$AIPLUS_WEB_WORKERS" --threads 4 --timeout 120 --graceful-timeout 10 \
      --forwarded-allow-ips "" --no-control-socket --access-logfile - &
  fi
  web=$! web_since=$SECONDS
}

stop() {
  trap - INT TERM
  kill -TERM -- "-$worker" "-$web" 2>/dev/null
  wait 2>/dev/null
  echo
  echo "aiplus stopped."
  exit "${1:-0}"
}
trap stop INT TERM

start_worker
start_web
worker_restarts=0 web_restarts=0

echo
if [ "$MODE" = dev ]; then
  echo "  aiplus (development server, DEBUG on, reloads on code changes) is running at http://$HOST:$PORT/"
else
  echo "  aiplus (gunicorn, $AIPLUS_WEB_WORKERS processes, DEBUG off) is running at http://$HOST:$PORT/"
fi
echo "  API docs: http://$HOST:$PORT/api/v1/docs"
echo "  demo accounts: official-suzhou, official-guangdong, enterprise-suzhou, provider-compute, expert-li,"
echo "  auditor-suzhou … — password aiplus-demo-2026.  The superuser admin's random password was printed once, by"
echo "  seed_demo on the first run (above); to set another: $UV run python manage.py changepassword admin"
echo "  Worker pid $worker.  Ctrl-C stops both."
echo

# restart_count NAME RESTARTS SINCE: says so and sets RESTARTS to the new count; past the limit, stops everything.
restart_count() {
  local name=$1 count=$2 since=$3
  if (( SECONDS - since >= 600 )); then count=0; fi
  count=$((count + 1))
  if (( count > AIPLUS_MAX_RESTARTS )); then
    echo "aiplus: the $name died $AIPLUS_MAX_RESTARTS times in a row; stopping." >&2
    stop 1
  fi
  echo "aiplus: the $name stopped; starting it again (restart $count of at most $AIPLUS_MAX_RESTARTS)." >&2
  sleep "$count"
  RESTARTS=$count
}

while :; do
  wait -n "$worker" "$web"
  # Whichever ended is gone (a signal also ends the wait: the trap has stopped everything by then).
  if ! kill -0 "$worker" 2>/dev/null; then
    kill -TERM -- "-$worker" 2>/dev/null  # anything it left behind
    restart_count worker "$worker_restarts" "$worker_since"
    worker_restarts=$RESTARTS
    start_worker
  fi
  if ! kill -0 "$web" 2>/dev/null; then
    kill -TERM -- "-$web" 2>/dev/null
    restart_count "web server" "$web_restarts" "$web_since"
    web_restarts=$RESTARTS
    start_web
  fi
done
