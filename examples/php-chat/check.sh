#!/usr/bin/env bash
# Checks the PHP chat without the gateway: plays the gateway's part with curl (signed webhooks,
# the render's headers) and a fake publish API that records what the chat asks of it. Needs php,
# curl and openssl. Run: examples/php-chat/check.sh
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work="$(mktemp -d -t php-chat-check.XXXXXX)"
export PAGEWIRE_SECRET="$(openssl rand -hex 32)"
export PAGEWIRE_DATA="$work/data"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

failures=0
pass() { echo "ok   $1"; }
fail() { echo "FAIL $1"; failures=$((failures + 1)); }
check() { # check NAME PATTERN TEXT: TEXT matches the extended regular expression PATTERN
  if grep -Eq -- "$2" <<<"$3"; then pass "$1"; else fail "$1: /$2/ not in: $3"; fi
}
nothing() { # nothing NAME TEXT: TEXT is webhook's output for an empty 200 answer
  if [[ "$2" == $'\n200' ]]; then pass "$1"; else fail "$1: not an empty 200: $2"; fi
}
refute() { # refute NAME PATTERN TEXT
  if grep -Eq -- "$2" <<<"$3"; then fail "$1: /$2/ in: $3"; else pass "$1"; fi
}
free_port() { php -r '$s = stream_socket_server("tcp://127.0.0.1:0"); echo explode(":", stream_socket_get_name($s, false))[1];'; }
wait_until() { # wait_until SECONDS COMMAND...: polls the command every 0.1 s
  local deadline=$((SECONDS + $1)); shift
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.1
  done
}

# The fake publish API: checks each request's signature, logs its body, answers members from a file.
mkdir -p "$work/api" "$PAGEWIRE_DATA"
echo '{"members":[]}' >"$work/api/members.json"
cat >"$work/api/router.php" <<'PHP'
<?php
$body = file_get_contents('php://input');
preg_match('/^t=(\d+),v1=([0-9a-f]{64})$/', $_SERVER['HTTP_PAGEWIRE_SIGNATURE'] ?? '', $m);
if (!$m || !hash_equals(hash_hmac('sha256', "$m[1].$body", getenv('PAGEWIRE_SECRET')), $m[2])) {
    http_response_code(401);
    exit('{"error":"bad signature"}');
}
file_put_contents(__DIR__ . '/requests.log', $body . "\n", FILE_APPEND | LOCK_EX);
echo json_decode($body, true)['op'] === 'members' ? file_get_contents(__DIR__ . '/members.json') : '{}';
PHP
api_port="$(free_port)"
php -S "127.0.0.1:$api_port" "$work/api/router.php" >"$work/api.log" 2>&1 &
api_pid=$!
pids+=("$api_pid")
api="http://127.0.0.1:$api_port/_pagewire/api"
chat_port="$(free_port)"
php -S "127.0.0.1:$chat_port" -t "$here" >"$work/chat.log" 2>&1 &
pids+=($!)
chat="http://127.0.0.1:$chat_port"
wait_until 10 curl -s -o /dev/null "$chat/assets/chat.css"
wait_until 10 curl -s -o /dev/null -X POST "$api"  # 401, but it answers
requests() { cat "$work/api/requests.log" 2>/dev/null || true; }

sign() { # sign BODY [TIME]: the Pagewire-Signature header value
  local t="${2:-$(date +%s)}"
  echo "t=$t,v1=$(printf '%s' "$t.$1" | openssl dgst -sha256 -hmac "$PAGEWIRE_SECRET" -r | cut -d' ' -f1)"
}
webhook() { # webhook PATH BODY [SIGNATURE]: prints the status line's code, then the body
  curl -s -w '\n%{http_code}' -X POST "$chat$1" -H 'Content-Type: application/json' \
    -H "Pagewire-Api: $api" -H "Pagewire-Signature: ${3:-$(sign "$2")}" --data-binary "$2"
}
render() { # render PAGE_ID: the response's head and body
  curl -s -i "$chat/" -H "Pagewire-Page-Id: $1" -H "Pagewire-Api: $api" -H 'Accept: text/html'
}

echo "== render"
check "without the gateway the page says so" '503' "$(curl -s -i "$chat/")"
first="$(render p1)"
check "the page joins the room and its clock at render" 'Pagewire-Join: room, clock-[0-9a-f]{12}' "$first"
check "the first tab is Guest 1, in its context" 'Pagewire-Context: Guest 1' "$first"
check "the page has the chat's element ids" 'id="me".*|id="online"' "$first"
check "the second tab is Guest 2" 'Pagewire-Context: Guest 2' "$(render p2)"
check "chat.js is the Java chat's own" "$(head -c 60 "$here/../chat/src/main/resources/chat/assets/chat.js")" \
  "$(curl -s "$chat/assets/chat.js")"
check "chat.css is the Java chat's own" 'data-state="connected"' "$(curl -s "$chat/assets/chat.css")"

echo "== clock"
if wait_until 10 grep -q '"event":"clock"' "$work/api/requests.log"; then pass "the render started the clock"; else fail "no clock tick in: $(requests)"; fi
check "it broadcasts HH:mm:ss to the clock topic" '"op":"broadcast","topic":"clock-[0-9a-f]{12}","event":"clock","data":"[0-9]{2}:[0-9]{2}:[0-9]{2}"' "$(requests)"
clock_pid="$(cat "$PAGEWIRE_DATA"/clock-*.lock)"
render p3 >/dev/null
check "a second render starts no second clock" "^$clock_pid\$" "$(cat "$PAGEWIRE_DATA"/clock-*.lock)"
refute "the clock holds none of php -S's sockets" 'socket:' "$(ls -l "/proc/$clock_pid/fd" 2>/dev/null)"

echo "== connected and closed"
echo '{"members":[{"id":"p1","presence":null},{"id":"p2","presence":null}]}' >"$work/api/members.json"
: >"$work/api/requests.log"
connected='{"type":"connected","page":"p1","path":"/","context":"Guest 1","key":"p1.1","transport":"websocket"}'
answer="$(webhook / "$connected")"
check "connected: the tab is told its name" '^\{"emit":\[\{"event":"me","data":\{"name":"Guest 1"\}\}\]\}' "$answer"
check "connected: 200" '200$' "$answer"
check "connected: every stats channel hears the count" '"op":"broadcast","topic":"stats","event":"online","data":2' "$(requests)"
: >"$work/api/requests.log"
check "a retried connected gets the same answer" '"name":"Guest 1"' "$(webhook / "$connected")"
refute "and does not count again" 'online' "$(requests)"
closed='{"type":"closed","page":"p2","path":"/","context":"Guest 2","key":"p2.4","reason":"bye"}'
nothing "closed: an empty 200" "$(webhook / "$closed")"
check "closed: the count leaves the closed page out" '"event":"online","data":1' "$(requests)"

echo "== say"
say() { echo "{\"type\":\"event\",\"page\":\"p1\",\"path\":\"/\",\"context\":\"Guest 1\",\"key\":\"p1.$1\",\"event\":\"say\",\"data\":{\"text\":\"$2\"}}"; }
answer="$(webhook / "$(say 2 '  hello room  ')")"
check "say: broadcast to the room, trimmed" '^\{"broadcast":\[\{"topic":"room","event":"message","data":\{"from":"Guest 1","text":"hello room"\}\}\]\}' "$answer"
check "a retried say gets the very same answer" "^$(head -1 <<<"$answer" | sed 's/[][{}]/\\&/g')\$" "$(webhook / "$(say 2 '  hello room  ')" | head -1)"
check "a new key with the same text is a new message" '"text":"hello room"' "$(webhook / "$(say 3 'hello room')")"
check "empty: empty_message" '"error":\{"code":"empty_message","message":"say something first"\}' "$(webhook / "$(say 5 ' ')")"
check "no text at all: empty_message" 'empty_message' \
  "$(webhook / '{"type":"event","page":"p1","path":"/","context":"Guest 1","key":"p1.6","event":"say","data":null}')"
check "500 characters are fine" '"broadcast"' "$(webhook / "$(say 7 "$(printf 'x%.0s' {1..500})")")"
check "501 characters: message_too_long" '"code":"message_too_long","message":"messages are at most 500 characters"' \
  "$(webhook / "$(say 8 "$(printf 'x%.0s' {1..501})")")"
check "250 emoji are 500 characters, as the browser counts" '"broadcast"' "$(webhook / "$(say 9 "$(printf '😀%.0s' {1..250})")")"
check "251 emoji are too many" 'message_too_long' "$(webhook / "$(say 10 "$(printf '😀%.0s' {1..251})")")"
nothing "another event: an empty 200" "$(webhook / '{"type":"event","page":"p1","path":"/","context":"Guest 1","key":"p1.11","event":"wave","data":1}')"

echo "== refused"
body="$(say 12 'forged')"
check "unsigned: 401" '401$' "$(curl -s -w '\n%{http_code}' -X POST "$chat/" --data-binary "$body")"
check "wrong signature: 401" '401$' "$(webhook / "$body" "t=$(date +%s),v1=$(printf '0%.0s' {1..64})")"
check "signed with another secret: 401" '401$' "$(PAGEWIRE_SECRET=x$PAGEWIRE_SECRET webhook / "$body")"
check "stale (301 s): 401" '401$' "$(webhook / "$body" "$(sign "$body" $(($(date +%s) - 301)))")"
check "body changed after signing: 401" '401$' "$(webhook / "${body/forged/forgeD}" "$(sign "$body")")"
check "a refused webhook used no key up: signed, the same body is said" '"text":"forged"' "$(webhook / "$body")" # now signed: the key is new

echo "== /stats"
check "a browser's GET /stats: 404" '404' "$(curl -s -i "$chat/stats")"
open='{"type":"open","page":"p1","path":"/","context":"Guest 1","key":"p1.13","endpoint":"/stats","params":{},"channel":"c1"}'
answer="$(webhook /stats "$open")"
check "open: admitted, joined to stats, told the count" '^\{"join":\["stats"\],"emit":\[\{"event":"online","data":2\}\]\}' "$answer"
check "open: 200" '200$' "$answer"
nothing "channel-closed: an empty 200" "$(webhook /stats '{"type":"channel-closed","page":"p1","path":"/","context":"Guest 1","key":"p1.14","endpoint":"/stats","channel":"c1"}')"
check "unsigned open: 401" '401$' "$(curl -s -w '\n%{http_code}' -X POST "$chat/stats" --data-binary "$open")"

echo "== the clock stops by itself"
kill "$api_pid"
if wait_until 15 test ! -d "/proc/$clock_pid"; then pass "the clock stopped once the API was gone"; else fail "the clock still runs"; fi
check "and said why" 'clock stops: the publish API' "$(cat "$PAGEWIRE_DATA/clock.log")"

if ((failures > 0)); then
  echo "$failures check(s) failed; php -S said:"; cat "$work/chat.log"
  exit 1
fi
echo "all checks passed"
