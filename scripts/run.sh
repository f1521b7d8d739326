#!/usr/bin/env bash
# Start one background worker and the web server together; Ctrl-C (or either one dying) stops both.
set -u
cd "$(dirname "$0")/.."
: "${UV:=python3 -m uv}" "${HOST:=127.0.0.1}" "${PORT:=8000}"

$UV run --frozen python manage.py db_worker --queue-name default &
worker=$!
$UV run --frozen python manage.py runserver "$HOST:$PORT" --noreload &
web=$!
trap 'kill $worker $web 2>/dev/null; wait 2>/dev/null; echo; echo "aiplus stopped."' EXIT INT TERM

echo
echo "  aiplus is running at http://$HOST:$PORT/  (API docs: http://$HOST:$PORT/api/v1/docs)"
echo "  demo accounts: admin, official-suzhou, official-guangdong, enterprise-suzhou, provider-compute,"
echo "  expert-li, auditor-suzhou … — password aiplus-demo-2026.  Worker pid $worker.  Ctrl-C stops both."
echo
wait -n $worker $web
