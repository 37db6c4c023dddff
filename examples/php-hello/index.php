<?php if ($_SERVER['REQUEST_METHOD'] === 'GET') { // a render: the gateway makes it a live page ?>
<!doctype html><html><p>Page <?= htmlspecialchars($_SERVER['HTTP_PAGEWIRE_PAGE_ID'] ?? '') ?></p><p id=out></p>
<script type=module>
  pagewire.page.on('greeted', text => document.querySelector('#out').textContent = text);
  pagewire.page.emit('greet', 'Ada');  // a signed webhook to this very script
</script>
<?php exit; }
$body = file_get_contents('php://input');                     // a webhook: the gateway's, and fresh?
preg_match('/^t=(\d+),v1=([0-9a-f]{64})$/', $_SERVER['HTTP_PAGEWIRE_SIGNATURE'] ?? '', $m);
$mac = $m ? hash_hmac('sha256', "$m[1].$body", getenv('PAGEWIRE_SECRET')) : '';
if (!$m || abs(time() - $m[1]) > 300 || !hash_equals($mac, $m[2])) { http_response_code(401); exit; }
$event = json_decode($body, true);
header('Content-Type: application/json');                     // the answer acts on the page
if ($event['type'] === 'event' && $event['event'] === 'greet')
    echo json_encode(['emit' => [['event' => 'greeted', 'data' => "Hello, {$event['data']}"]]]);
