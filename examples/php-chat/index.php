<?php
// The chat page, behind the Pagewire gateway. A GET renders it (the gateway makes it a live
// page); a POST is one of that page's events, a signed webhook to the page's own URL: the script
// that rendered the page also receives what the page raises.

declare(strict_types=1);

require __DIR__ . '/lib/chat.php';

if ($_SERVER['REQUEST_METHOD'] === 'POST') {
    $event = pagewire_webhook() ?? pagewire_refuse();
    // A retried webhook (same key) gets the answer of the first attempt: said once, shown once.
    pagewire_respond(pagewire_once($event['key'], fn () => pagewire_response(chat_handle($event))));
}

/** What the page's webhook $event asks of the chat: a response object (docs/GATEWAY.md). */
function chat_handle(array $event): array
{
    $name = $event['context'] ?? 'Guest ?'; // this page's name, kept by the gateway since the render
    $api = pagewire_api_url();
    switch ($event['type']) {
        case 'connected':
            // Every change of the room is a new count for every /stats channel.
            chat_try_publish_online($api);
            // Sent to this page alone (again after a reconnect): every tab learns its own name.
            return ['emit' => [['event' => 'me', 'data' => ['name' => $name]]]];
        case 'closed':
            chat_try_publish_online($api, $event['page']);
            return [];
        case 'event':
            return $event['event'] === 'say' ? chat_say($name, $event['data'] ?? null) : [];
        default:
            return []; // disconnected: the page may come back; it stays in the room until closed
    }
}

/** Publishes the count; a gateway that does not answer costs the count, not the page's greeting. */
function chat_try_publish_online(string $api, ?string $leaving = null): void
{
    try {
        chat_publish_online($api, $leaving);
    } catch (RuntimeException $e) {
        error_log('online count not sent: ' . $e->getMessage());
    }
}

/** A message from $name to every page in the room, or the reason it is refused. */
function chat_say(string $name, mixed $data): array
{
    $text = is_array($data) && is_string($data['text'] ?? null) ? $data['text'] : '';
    $text = preg_replace('/^\s+|\s+$/u', '', $text); // Unicode spaces too, as Java's strip()
    if ($text === '') {
        return ['error' => ['code' => 'empty_message', 'message' => 'say something first']];
    }
    if (chat_length($text) > CHAT_MAX_MESSAGE_LENGTH) {
        return ['error' => [
            'code' => 'message_too_long',
            'message' => 'messages are at most ' . CHAT_MAX_MESSAGE_LENGTH . ' characters',
        ]];
    }
    return ['broadcast' => [['topic' => 'room', 'event' => 'message', 'data' => ['from' => $name, 'text' => $text]]]];
}

// A GET. The gateway names the page it made for this render; without one, nobody is in front.
$api = pagewire_api_url();
if (!isset($_SERVER['HTTP_PAGEWIRE_PAGE_ID']) || $api === null) {
    http_response_code(503);
    header('Content-Type: text/plain');
    exit("This chat runs behind the Pagewire gateway: see docs/GATEWAY.md, \"Run it\".\n");
}
// The page joins the room and the clock now, before its browser connects: it misses no broadcast.
header('Pagewire-Join: room, ' . chat_clock_topic($api));
header('Pagewire-Context: ' . chat_next_guest()); // comes back in every webhook of this page
chat_start_clock($api);
?>
<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Pagewire chat</title>
  <link rel="stylesheet" href="/assets/chat.css">
</head>
<body>
  <header>
    <h1>Pagewire chat</h1>
    <p>You are <strong id="me">…</strong> · <span id="status" data-state="connecting">connecting…</span> · server time <span id="clock">--:--:--</span> · <span id="online">…</span> online</p>
  </header>
  <main>
    <ul id="messages" aria-live="polite"></ul>
    <p id="error" role="alert" hidden></p>
    <form id="composer">
      <input id="message" autocomplete="off" maxlength="<?= CHAT_MAX_MESSAGE_LENGTH ?>" placeholder="Say something to every open tab" autofocus>
      <button id="send" type="submit">Send</button>
    </form>
  </main>
  <script type="module" src="/assets/chat.js"></script>
</body>
</html>
