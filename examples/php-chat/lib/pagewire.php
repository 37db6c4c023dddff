<?php
// What a PHP backend needs to talk to the Pagewire gateway (docs/GATEWAY.md): check a webhook's
// signature, answer it, remember the keys it already answered, and call the publish API.
// Plain PHP 8.2: no curl, no framework.

declare(strict_types=1);

/** The secret shared with the gateway: the environment variable both read. */
function pagewire_secret(): string
{
    $secret = getenv('PAGEWIRE_SECRET');
    if ($secret === false || strlen(trim($secret)) < 32) {
        // Fail loudly: without the secret nothing can be verified or signed.
        http_response_code(500);
        header('Content-Type: text/plain');
        exit("PAGEWIRE_SECRET is not set (at least 32 characters): export it for php -S and the gateway\n");
    }
    return trim($secret);
}

/** The Pagewire-Signature header value for $body, signed now (or at $time). */
function pagewire_sign(string $body, ?int $time = null): string
{
    $time ??= time();
    return "t=$time,v1=" . hash_hmac('sha256', $time . '.' . $body, pagewire_secret());
}

/**
 * The webhook this request carries, decoded, if its signature is the gateway's and at most 300 s
 * old; null for anything else (a browser's POST, a replay, a forgery).
 */
function pagewire_webhook(): ?array
{
    if ($_SERVER['REQUEST_METHOD'] !== 'POST') {
        return null;
    }
    $body = file_get_contents('php://input');
    $header = $_SERVER['HTTP_PAGEWIRE_SIGNATURE'] ?? '';
    if (!preg_match('/^t=(\d+),v1=([0-9a-f]{64})$/', $header, $m)
        || abs(time() - (int) $m[1]) > 300
        || !hash_equals(hash_hmac('sha256', $m[1] . '.' . $body, pagewire_secret()), $m[2])) {
        return null;
    }
    $event = json_decode($body, true);
    return is_array($event) && isset($event['type'], $event['key']) ? $event : null;
}

/** Refuses a request that is not a genuine webhook: 401, and nothing was done. */
function pagewire_refuse(): never
{
    http_response_code(401);
    header('Content-Type: text/plain');
    exit("not a signed Pagewire webhook\n");
}

/** The publish API's URL, as the gateway sent it with this request (render or webhook). */
function pagewire_api_url(): ?string
{
    return $_SERVER['HTTP_PAGEWIRE_API'] ?? null;
}

/**
 * Answers the webhook with $body, the JSON text of a response object ('' acts on nothing), and
 * ends the script.
 */
function pagewire_respond(string $body): never
{
    header('Content-Type: application/json');
    exit($body);
}

/**
 * The JSON text of a webhook response: its fields act in the gateway in the order of the contract
 * (context, leave, join, emit, broadcast, reply, error). An empty response is an empty body, as a
 * PHP [] would be a JSON array, not an object.
 */
function pagewire_response(array $fields): string
{
    return $fields === [] ? '' : json_encode($fields, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_THROW_ON_ERROR);
}

/**
 * Handles the webhook with idempotency key $key once: the first time $handle runs and its answer
 * is kept for 10 minutes; a retry of the same key (the gateway lost our answer, or gave up waiting
 * for it) gets the same answer again without running $handle. The gateway applied no answer of
 * that key yet, so a replayed broadcast still goes out exactly once.
 *
 * @param callable(): string $handle makes the response body
 */
function pagewire_once(string $key, callable $handle): string
{
    // One lock for all keys: a retry that arrives while the first attempt still runs waits for it.
    return pagewire_locked('webhook-keys', function ($file) use ($key, $handle): string {
        $kept = json_decode(stream_get_contents($file) ?: '{}', true) ?: [];
        $now = time();
        $kept = array_filter($kept, fn ($entry) => $now - $entry['at'] < 600);
        if (isset($kept[$key])) {
            return $kept[$key]['body'];
        }
        $body = $handle();
        $kept[$key] = ['at' => $now, 'body' => $body];
        ftruncate($file, 0);
        rewind($file);
        fwrite($file, json_encode($kept, JSON_UNESCAPED_SLASHES));
        return $body;
    });
}

/**
 * Calls the publish API at $url with $request (an object with an 'op'), signed; returns its
 * answer decoded.
 *
 * @throws RuntimeException if the gateway cannot be reached or answers anything but 200
 */
function pagewire_api(string $url, array $request, ?string $idempotencyKey = null): array
{
    $body = json_encode($request, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_THROW_ON_ERROR);
    $headers = [
        'Content-Type: application/json',
        'Pagewire-Signature: ' . pagewire_sign($body),
        'Connection: close',
    ];
    if ($idempotencyKey !== null) {
        $headers[] = 'Pagewire-Idempotency-Key: ' . $idempotencyKey;
    }
    $context = stream_context_create(['http' => [
        'method' => 'POST',
        'header' => $headers,
        'content' => $body,
        'protocol_version' => 1.1,
        'timeout' => 5,
        'ignore_errors' => true, // a 4xx answer has a body that says why: read it
    ]]);
    $answer = @file_get_contents($url, false, $context);
    if ($answer === false) {
        throw new RuntimeException("the publish API at $url cannot be reached: " . (error_get_last()['message'] ?? '?'));
    }
    $status = (int) (explode(' ', $http_response_header[0] ?? '')[1] ?? 0);
    if ($status !== 200) {
        throw new RuntimeException("the publish API at $url answered $status: $answer");
    }
    return json_decode($answer, true) ?? [];
}

/**
 * Where this backend keeps its few files (guest counter, webhook keys, the clock's lock): never in
 * the document root, which php -S serves. $PAGEWIRE_DATA, else a directory under the system's
 * temporary one.
 */
function pagewire_data(string $name): string
{
    $dir = getenv('PAGEWIRE_DATA') ?: sys_get_temp_dir() . '/pagewire-php-' . substr(md5(dirname(__DIR__)), 0, 8);
    if (!is_dir($dir)) {
        @mkdir($dir, 0700, true); // two first requests at once: one of them creates it
    }
    return "$dir/$name";
}

/**
 * Runs $work($file) holding an exclusive lock on the data file $name (created empty if missing,
 * read from its start), so that concurrent requests (php -S workers, Apache, php-fpm) take turns.
 */
function pagewire_locked(string $name, callable $work): mixed
{
    $file = fopen(pagewire_data($name), 'c+');
    if ($file === false || !flock($file, LOCK_EX)) {
        throw new RuntimeException('cannot lock ' . pagewire_data($name));
    }
    try {
        return $work($file);
    } finally {
        flock($file, LOCK_UN);
        fclose($file);
    }
}
