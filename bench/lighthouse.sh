#!/bin/sh
# Lighthouse scores of the demo, served as in production (gunicorn, production settings,
# collected and hashed static files) from a throwaway SQLite database on 127.0.0.1.
#
#   npm install --prefix /work/tools/lighthouse lighthouse      # once, outside the repo
#   LIGHTHOUSE=/work/tools/lighthouse/node_modules/.bin/lighthouse bench/lighthouse.sh [RUNS] [PORT]
#
# Prints the four category scores (mobile emulation, Lighthouse's default) for the front
# page and an article page, RUNS times each (default 3), then once with --preset=desktop.
# Extra page paths can be given in PAGES="/stories/x/ /providers/ft.com/". Reports are
# left in $OUT (default /tmp/newsroom-lighthouse).
set -eu
RUNS=${1:-3}
PORT=${2:-8766}
LIGHTHOUSE=${LIGHTHOUSE:?set LIGHTHOUSE to the lighthouse command (npm package)}
OUT=${OUT:-/tmp/newsroom-lighthouse}
ARTICLE=/articles/met-police-begins-deploying-live-facial-recognition-cameras-in-stratford/
PAGES=${PAGES:-}
mkdir -p "$OUT"
work=$(mktemp -d)
export DATABASE_URL="sqlite:///$work/demo.sqlite3" STATIC_ROOT="$work/static"
export DJANGO_SETTINGS_MODULE=newsroom.settings.production SECURE_SSL_REDIRECT=false
export SECRET_KEY="lighthouse-run-only-$(date +%s)-not-a-secret-xxxxxxxxxxxxxxxxxxxxxxxx"
export ALLOWED_HOSTS=127.0.0.1
.venv/bin/python manage.py migrate --verbosity 0
.venv/bin/python manage.py load_demo --verbosity 0
.venv/bin/python manage.py collectstatic --no-input --verbosity 0
.venv/bin/gunicorn newsroom.wsgi --workers 2 --bind "127.0.0.1:$PORT" >"$work/gunicorn.log" 2>&1 &
server=$!
trap 'kill $server; rm -rf "$work"' EXIT
sleep 3

score() {  # score NAME URL [flags]
  name=$1 url=$2
  shift 2
  CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium} "$LIGHTHOUSE" "$url" --quiet \
    --chrome-flags="--headless=new --no-sandbox --disable-gpu" \
    --only-categories=performance,accessibility,best-practices,seo \
    --output=json --output-path="$OUT/$name.json" "$@" >/dev/null 2>&1
  node -e 'const r = require(process.argv[1]), c = r.categories;
    console.log(process.argv[2].padEnd(22), ["performance", "accessibility", "best-practices", "seo"]
      .map((k) => `${k}=${Math.round(c[k].score * 100)}`).join(" "));' "$OUT/$name.json" "$name"
}

base="http://127.0.0.1:$PORT"
n=1
while [ "$n" -le "$RUNS" ]; do
  score "front-mobile-$n" "$base/"
  score "article-mobile-$n" "$base$ARTICLE"
  for path in $PAGES; do score "$(echo "$path" | tr -c 'a-z0-9\n' '-')mobile-$n" "$base$path"; done
  n=$((n + 1))
done
score front-desktop "$base/" --preset=desktop
score article-desktop "$base$ARTICLE" --preset=desktop
