/**
 * The frames of the wire format (PROTOCOL.md §3, §10.1): reading what the server sends, and
 * encoding the numbered data frames the client sends.
 * @module pagewire/frames
 */
import { validName } from './util.js';

export const BYE = '["bye"]';
export const PONG = '["pong"]';

/**
 * The frame types that are data frames, with the index of their sequence number (PROTOCOL.md §10.1,
 * §12.1). A channel's frame has its number in front, so its sequence number sits one further.
 */
const SEQ_INDEX = { ev: 3, err: 3, call: 4, res: 4, chok: 2, chclose: 4 };

/** Where a data frame from the server has its sequence number; undefined for a control frame. */
export function seqIndex(frame) {
  return typeof frame[0] === 'number' ? SEQ_INDEX[frame[1]] + 1 : SEQ_INDEX[frame[0]];
}

/** Closes the JSON text of a data frame `start` (its elements so far, no closing `]`) with its numbers. */
export function numbered(start, seq, ack) {
  return `${start},${seq}${ack === null ? '' : `,${ack}`}]`;
}

/**
 * Reads a text frame from the server: a frame of the page's own channel or a control frame (its
 * first element a type, §3), or a frame of channel `c` (`[c, type, …]`, §12.1).
 * @throws {Error} for anything else
 */
export function parseText(text) {
  const frame = JSON.parse(text);
  if (!Array.isArray(frame)) throw new Error('not a JSON array');
  if (typeof frame[0] === 'number') {
    if (!isChannel(frame[0])) throw new Error('a channel frame without a positive integer channel number');
    return checkData(frame, 1);
  }
  if (typeof frame[0] !== 'string') throw new Error('not a JSON array starting with a type');
  switch (frame[0]) {
    case 'hello':
      if (frame[1] === null || typeof frame[1] !== 'object') throw new Error('hello without an object');
      return frame;
    case 'missed':
      if (!Number.isInteger(frame[1]?.from) || !Number.isInteger(frame[1]?.to))
        throw new Error('missed without from and to');
      return frame;
    case 'chok':
      if (!isChannel(frame[1])) throw new Error('chok without a channel number');
      return frame;
    case 'chclose':
      if (!isChannel(frame[1]) || typeof frame[2] !== 'string')
        throw new Error('chclose without a channel number and code');
      return frame;
    case 'ping':
    case 'pong':
    case 'ack':
      return frame;
    default:
      return checkData(frame, 0);
  }
}

/** Checks the data frame whose type is `frame[at]` (after the channel number, if any). */
function checkData(frame, at) {
  const type = frame[at];
  switch (type) {
    case 'ev':
      if (!validName(frame[at + 1])) throw new Error('ev without a valid name');
      return frame;
    case 'call':
    case 'res':
      if (!Number.isInteger(frame[at + 1])) throw new Error(`${type} without an integer id`);
      if (type === 'call' && !validName(frame[at + 2])) throw new Error('call without a valid name');
      return frame;
    case 'err':
      return frame;
    default:
      throw new Error(`unknown frame type "${type}"${at > 0 ? ' on a channel' : ''}`);
  }
}

function isChannel(number) {
  return Number.isInteger(number) && number > 0;
}

/**
 * Reads a binary message (§3): the `ev` it carries, laid out like a text `ev` (the payload where
 * the data would be), so the numbers sit where §10.1 puts them; with its channel number in front
 * for a channel's event (§12.1).
 */
export function parseBinary(data) {
  if (!(data instanceof ArrayBuffer)) throw new Error('binary message is not an ArrayBuffer');
  if (data.byteLength < 4) throw new Error('binary message shorter than its length prefix');
  const headerLength = new DataView(data).getUint32(0);
  if (headerLength > data.byteLength - 4) throw new Error('binary header longer than the message');
  const header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array(data, 4, headerLength)));
  const at = Array.isArray(header) && typeof header[0] === 'number' ? 1 : 0;
  if (
    !Array.isArray(header)
    || (at === 1 && !isChannel(header[0]))
    || header[at] !== 'ev'
    || !validName(header[at + 1])
  ) {
    throw new Error('binary header is not ["ev", name, seq] nor [channel, "ev", name, seq]');
  }
  return [...header.slice(0, at + 2), data.slice(4 + headerLength), ...header.slice(at + 2)];
}

/**
 * uint32 BE header length, UTF-8 `["ev", name, seq]` (and the ack; the channel number in front on a
 * channel), payload (PROTOCOL.md §3, §10.1, §12.1).
 * @param {number | null} channel the channel's number; null for the page's own channel
 */
export function encodeBinary(channel, name, payload, seq, ack) {
  const fields = channel === null ? ['ev', name, seq] : [channel, 'ev', name, seq];
  if (ack !== null) fields.push(ack);
  const header = new TextEncoder().encode(JSON.stringify(fields));
  const bytes = new Uint8Array(4 + header.length + payload.length);
  new DataView(bytes.buffer).setUint32(0, header.length);
  bytes.set(header, 4);
  bytes.set(payload, 4 + header.length);
  return bytes.buffer;
}
