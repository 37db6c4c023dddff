<?php
// The /stats endpoint: pagewire.open('/stats') in a chat page is an `open` webhook POSTed here.
// It admits every channel, joins it to `stats` (where the chat broadcasts the count on every
// connect and close) and tells it the count now.

declare(strict_types=1);

require __DIR__ . '/../lib/chat.php';

if ($_SERVER['REQUEST_METHOD'] !== 'POST') {
    http_response_code(404); // an endpoint, not a page
    header('Content-Type: text/plain');
    exit("/stats is a Pagewire endpoint: pages open it with pagewire.open('/stats')\n");
}
$event = pagewire_webhook() ?? pagewire_refuse();
pagewire_respond(pagewire_once($event['key'], function () use ($event): string {
    if ($event['type'] !== 'open') {
        return pagewire_response([]); // channel-closed: the gateway leaves the topic for us
    }
    // 2xx admits; join and emit act on this channel, not on the page.
    $response = ['join' => ['stats']];
    try {
        $response['emit'] = [['event' => 'online', 'data' => chat_online(pagewire_api_url())]];
    } catch (RuntimeException $e) {
        error_log('online count not sent: ' . $e->getMessage()); // the next connect or close sends one
    }
    return pagewire_response($response);
}));
