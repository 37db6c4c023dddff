<?php
// The chat's server clock: `php clock.php API_URL` broadcasts the time (HH:mm:ss) once a second
// to the clock topic every chat page joins at render. index.php starts it on a render when it
// does not run; it stops by itself when the room has been empty for 30 s or the gateway's publish
// API has not answered for 5 s (the gateway stopped), so nothing is left to clean up.

declare(strict_types=1);

require __DIR__ . '/lib/chat.php';

if (PHP_SAPI !== 'cli') {
    http_response_code(404); // php -S serves this directory: the clock is not a page
    exit;
}
$api = $argv[1] ?? exit("usage: php clock.php PUBLISH_API_URL\n");

// One clock per gateway: the lock is held for as long as this process lives.
$lock = fopen(chat_clock_lock($api), 'c');
if (!flock($lock, LOCK_EX | LOCK_NB)) {
    exit(0); // another render started it first
}
ftruncate($lock, 0);
fwrite($lock, (string) getmypid()); // who holds it: for tests, and for `kill`
fflush($lock);

$topic = chat_clock_topic($api);
$failingSince = null;
$emptySince = null;
echo date('c'), " clock ticks to $topic through $api\n";
while (true) {
    $now = time();
    try {
        pagewire_api($api, ['op' => 'broadcast', 'topic' => $topic, 'event' => 'clock', 'data' => date('H:i:s', $now)]);
        $online = count(pagewire_api($api, ['op' => 'members', 'topic' => 'room'])['members'] ?? []);
        $failingSince = null;
        $emptySince = $online > 0 ? null : ($emptySince ?? $now);
        if ($emptySince !== null && $now - $emptySince >= CHAT_CLOCK_IDLE) {
            exit(date('c') . " clock stops: the room has been empty for " . CHAT_CLOCK_IDLE . " s\n");
        }
    } catch (RuntimeException $e) {
        $failingSince ??= $now;
        if ($now - $failingSince >= CHAT_CLOCK_UNREACHABLE) {
            exit(date('c') . " clock stops: " . $e->getMessage() . "\n");
        }
    }
    // On the next whole second, however long the calls took.
    time_sleep_until(floor(microtime(true)) + 1);
}
