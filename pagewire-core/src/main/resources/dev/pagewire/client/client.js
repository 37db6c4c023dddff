/**
 * Pagewire browser client: the page's live two-way event channel to the server code that rendered it.
 *
 * The server injects `<script type="module" src="/_pagewire/client.HASH.js" data-pagewire-token="…">`
 * into every page it renders: this module and those it imports, bundled and minified at build time
 * (tools/bundle-client.mjs). Evaluating it opens the page's channel and sets `window.pagewire`. The
 * wire format is docs/PROTOCOL.md (version 1). No dependencies, and none of the build is needed to
 * use the modules themselves: they sit beside this one under /_pagewire/, imported by relative URL.
 *
 * This module is the entry: {@link connect}, and the page's own client. The client is in
 * connection.js (what its options mean in options.js, its own listeners in client-events.js), which
 * picks transports with negotiation.js (the remembered fallback in memory.js), moves a page on a
 * fallback to WebSocket with upgrade.js, notices silent connections with liveness.js, ends
 * connections and reconnects with reconnects.js (how long it waits in backoff.js, what a close code
 * means in close-codes.js) and follows the page's life in the browser with lifecycle.js. The
 * transports are in websocket.js, sse.js and longpolling.js (what they are to the client in
 * transport.js; the fallbacks share http-link.js, SSE reads its stream with event-stream.js),
 * sequence numbers and acks in sequencer.js, the page's frames on their way out in sender.js, the
 * server's frames as they arrive in inbound.js and in order in receiver.js, a channel's events and
 * calls in event-channel.js and calls.js, channels to endpoints in channels.js (the page's handle on
 * one in channel.js), the wire format in frames.js.
 *
 * @module pagewire
 */
import { PagewireClient } from './connection.js';
import { configOptions } from './util.js';

/** @typedef {import('./options.js').ConnectOptions} ConnectOptions */

/**
 * Opens a channel and returns its client. Inside a page rendered by Pagewire, use `window.pagewire`
 * (or this module's default export) instead: the page's channel is already open.
 *
 * @param {ConnectOptions} [options]
 * @returns {PagewireClient}
 * @throws {TypeError} when neither a URL nor a page location is available, when an option is
 *     invalid, or when no transport can work here (neither WebSocket nor fetch)
 */
export function connect(options = {}) {
  return new PagewireClient(options);
}

/** The deadlines (PROTOCOL.md §9.6) and `reloadOnExpired` (§10.4) the server sent with the page, as connect() options. */
function pageConfig(script) {
  const text = script.getAttribute('data-pagewire-config');
  if (!text) return {};
  let config;
  try {
    config = JSON.parse(text);
  } catch (e) {
    console.warn(`pagewire: ignoring data-pagewire-config that is not JSON: ${e.message}`);
    return {};
  }
  const options = configOptions(config);
  if (typeof config?.reloadOnExpired === 'boolean') options.reloadOnExpired = config.reloadOnExpired; // §10.4
  return options;
}

/**
 * The page's client, opened when this module runs in a page rendered by Pagewire (the page's
 * `<script data-pagewire-token>` is present); `null` elsewhere. Also set as `window.pagewire`.
 * @type {PagewireClient | null}
 */
export let pagewire = null;

if (typeof document !== 'undefined') {
  // document.currentScript is always null in a module, so the tag is found by its attribute.
  const script = document.querySelector('script[data-pagewire-token]');
  if (script) {
    // A page may hold two copies of the client: the bundle the server injects and, imported by hand,
    // these modules (import pagewire from '/_pagewire/client.js'). It has one channel: the copy that
    // runs second takes the page's client from the first.
    pagewire = window.pagewire ?? connect({ ...pageConfig(script), token: script.getAttribute('data-pagewire-token') });
    window.pagewire = pagewire;
  }
}

export { pagewire as default };
