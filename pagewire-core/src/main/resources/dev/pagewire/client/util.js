/**
 * Small helpers every part of the client uses: listener lists, names, option values, URLs and the
 * bytes of binary data. No state.
 * @module pagewire/util
 */

/** The longest event or call name (PROTOCOL.md §3). */
export const MAX_NAME_LENGTH = 128;

export function withParam(url, name, value) {
  return url + (url.includes('?') ? '&' : '?') + name + '=' + encodeURIComponent(value);
}

export function duration(options, name, fallback) {
  const value = options[name];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) {
    throw new TypeError(`pagewire: options.${name} must be a positive number of milliseconds, got ${value}`);
  }
  return value;
}

export function checkName(name) {
  if (typeof name !== 'string' || name.length === 0 || name.length > MAX_NAME_LENGTH) {
    const got = typeof name === 'string' ? `a string of ${name.length} characters` : typeof name;
    throw new TypeError(
      `pagewire: an event name must be a non-empty string of at most ${MAX_NAME_LENGTH} ` + `characters, got ${got}`,
    );
  }
  return name;
}

export function checkListener(fn) {
  if (typeof fn !== 'function') throw new TypeError(`pagewire: a listener must be a function, got ${typeof fn}`);
  return fn;
}

export function addListener(map, key, fn) {
  if (!map.has(key)) map.set(key, []);
  map.get(key).push(fn);
  return () => removeListener(map, key, fn);
}

/** Removes one listener (first match), or every listener of `key` when `fn` is omitted. */
export function removeListener(map, key, fn) {
  const list = map.get(key);
  if (!list) return;
  if (fn === undefined) {
    list.length = 0;
    return;
  }
  const i = list.findIndex((l) => l === fn || l.original === fn);
  if (i >= 0) list.splice(i, 1);
}

export function dispatch(map, key, args) {
  // A copy, so listeners that add or remove listeners do not disturb this round.
  for (const fn of [...(map.get(key) ?? [])]) {
    try {
      fn(...args);
    } catch (e) {
      // One faulty listener must not starve the others nor break the connection.
      console.error(`pagewire: a listener for "${key}" threw`, e);
    }
  }
}

export function validName(name) {
  return typeof name === 'string' && name.length > 0 && name.length <= MAX_NAME_LENGTH;
}

export function isBinary(data) {
  return data instanceof ArrayBuffer || ArrayBuffer.isView(data);
}

/** A copy of the bytes an ArrayBuffer or a view holds, so later changes do not leak into a kept frame. */
export function binaryPayload(data) {
  const view =
    data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return view.slice();
}

/**
 * The client settings a server sends with a page or an endpoint's token (PROTOCOL.md §9.6, §12.2),
 * as connect() options: positive numbers of ms for the deadlines it knows; anything else is ignored.
 * @param {any} config the parsed JSON object
 * @returns {{connectTimeout?: number, upgradeAfter?: number, rememberFor?: number}}
 */
export function configOptions(config) {
  const options = {};
  for (const name of ['connectTimeout', 'upgradeAfter', 'rememberFor']) {
    const value = config?.[name];
    if (typeof value === 'number' && value > 0 && Number.isFinite(value)) options[name] = value;
  }
  return options;
}
