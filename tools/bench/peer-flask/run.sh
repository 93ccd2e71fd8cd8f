#!/usr/bin/env bash
# Starts the seed-architecture peer (Flask + gunicorn) on port PEER_PORT (5050) against a fresh copy of the limit
# schema, drives it with cycles.mjs, and prints its cycles/s. Needs PGHOST/PGPORT/PGUSER.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd); c=${1:-8}; s=${2:-15}
work=$(mktemp -d)
psql -q -d postgres -c "DROP DATABASE IF EXISTS dispatch_peer" -c "CREATE DATABASE dispatch_peer" >/dev/null
psql -q -d dispatch_peer -f "$here/../limit/schema.sql" >/dev/null 2>&1
openssl genrsa -out "$work/key.pem" 2048 2>/dev/null; openssl rsa -in "$work/key.pem" -pubout -out "$work/pub.pem" 2>/dev/null
tok=$(node -e '
const c=require("crypto"),k=require("fs").readFileSync(process.argv[1]);
const b=(o)=>Buffer.from(JSON.stringify(o)).toString("base64url");
const h=b({alg:"RS256",typ:"JWT"}),p=b({sub:"bench",aud:"dispatch-api",roles:["dispatcher"],exp:Math.floor(Date.now()/1000)+3600});
console.log(h+"."+p+"."+c.sign("RSA-SHA256",Buffer.from(h+"."+p),k).toString("base64url"));' "$work/key.pem")
dsn="host=${PGHOST:-127.0.0.1} port=${PGPORT:-5432} user=${PGUSER:-postgres} dbname=dispatch_peer"
DSN="$dsn" JWT_PUBLIC_KEY="$work/pub.pem" POOL=8 /usr/bin/python3 /usr/bin/gunicorn -w ${WORKERS:-2} -k gthread --threads 4 --graceful-timeout 1 --keep-alive 75 --chdir "$here" -b 127.0.0.1:${PEER_PORT:-5050} app:app >"$work/gunicorn.log" 2>&1 &
pid=$!; trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; cp "$work/gunicorn.log" /tmp/peer-gunicorn.log 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 50); do curl -s -o /dev/null http://127.0.0.1:${PEER_PORT:-5050}/ && break; sleep 0.2; done
node "$here/../cycles.mjs" --base http://127.0.0.1:${PEER_PORT:-5050} --token "$tok" --c "$c" --s "$s" --profile ${PROFILE:-flask} | sed 's/^/peer_flask_/'
