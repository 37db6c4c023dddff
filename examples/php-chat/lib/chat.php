<?php
// The chat's own rules, shared by the page (index.php), the /stats endpoint and the clock.

declare(strict_types=1);

require_once __DIR__ . '/pagewire.php';

/** Longest message a page may say, in characters as the browser counts them (UTF-16 units). */
const CHAT_MAX_MESSAGE_LENGTH = 500;

/** Seconds the clock keeps ticking to an empty room before it stops. */
const CHAT_CLOCK_IDLE = 30;

/** Seconds the clock keeps trying a gateway that does not answer before it stops. */
const CHAT_CLOCK_UNREACHABLE = 5;

/** A new guest name, "Guest N": the counter lives in a file, so every request sees the last one. */
function chat_next_guest(): string
{
    $n = pagewire_locked('guests', function ($file): int {
        $n = (int) stream_get_contents($file) + 1;
        ftruncate($file, 0);
        rewind($file);
        fwrite($file, (string) $n);
        return $n;
    });
    return "Guest $n";
}

/** The length of $text as Java and the browser's maxlength count it: UTF-16 code units. */
function chat_length(string $text): int
{
    return intdiv(strlen(iconv('UTF-8', 'UTF-16LE', $text)), 2);
}

/**
 * The topic the clock of the gateway at $api ticks to. One clock per gateway (as the Java chat
 * has one per process): two gateways in front of this backend each get their own, and gateways
 * joined on Redis do not tick every page twice.
 */
function chat_clock_topic(string $api): string
{
    return 'clock-' . substr(md5($api), 0, 12);
}

/** The lock file the clock of the gateway at $api holds while it runs; it holds its pid. */
function chat_clock_lock(string $api): string
{
    return pagewire_data(chat_clock_topic($api) . '.lock');
}

/**
 * Starts the clock for the gateway at $api unless it runs already: php -S serves this one page
 * and there is no other place to start it, so that `php -S` and the gateway are all a user runs.
 */
function chat_start_clock(string $api): void
{
    $lock = fopen(chat_clock_lock($api), 'c');
    $free = flock($lock, LOCK_EX | LOCK_NB);
    fclose($lock); // If two renders both find it free, the second clock finds it taken and exits.
    if (!$free) {
        return;
    }
    // A child of php -S inherits its open descriptors, its listening socket among them, and would
    // keep the port taken after the server stops: give each one /dev/null instead (Linux's /proc;
    // elsewhere the clock inherits them and the port is free again once the clock stops).
    $descriptors = [];
    foreach (@scandir('/proc/self/fd') ?: [] as $fd) {
        if (ctype_digit($fd) && (int) $fd > 2) {
            $descriptors[(int) $fd] = ['file', '/dev/null', 'r'];
        }
    }
    $descriptors[0] = ['file', '/dev/null', 'r'];
    $descriptors[1] = ['file', pagewire_data('clock.log'), 'a'];
    $descriptors[2] = ['file', pagewire_data('clock.log'), 'a'];
    // The shell puts the clock in the background and exits at once: the clock is nobody's child
    // and php -S is not left with a zombie when it stops.
    $shell = proc_open(
        ['/bin/sh', '-c', '"$@" &', 'sh', PHP_BINARY, dirname(__DIR__) . '/clock.php', $api],
        $descriptors,
        $pipes,
        null,
        null); // null: the clock inherits this environment, PAGEWIRE_SECRET included
    if ($shell !== false) {
        proc_close($shell);
    }
}

/** The pages in the room now, but for $leaving (a page whose closed webhook this is). */
function chat_online(string $api, ?string $leaving = null): int
{
    $members = pagewire_api($api, ['op' => 'members', 'topic' => 'room'])['members'] ?? [];
    return count(array_filter($members, fn ($member) => ($member['id'] ?? null) !== $leaving));
}

/**
 * Tells every stats channel how many pages are in the room. Counted and sent under a lock, one
 * request at a time, so that the last count sent is never a stale one.
 */
function chat_publish_online(string $api, ?string $leaving = null): void
{
    pagewire_locked('online', function () use ($api, $leaving): void {
        pagewire_api($api, [
            'op' => 'broadcast',
            'topic' => 'stats',
            'event' => 'online',
            'data' => chat_online($api, $leaving),
        ]);
    });
}
