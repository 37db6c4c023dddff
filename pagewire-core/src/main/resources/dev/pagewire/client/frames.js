/**
 * The frames of the wire format (PROTOCOL.md §3, §10.1): reading what the server sends, and
 * encoding the numbered data frames the client sends.
 * @module pagewire/frames
 */
import { validName } from './util.js';

export const BYE = '["bye"]';
export const PONG = '["pong"]';

/** The frame types that are data frames, with the index of their sequence number (PROTOCOL.md §10.1). */
export const SEQ_INDEX = { ev: 3, err: 3, call: 4, res: 4 };

/** Closes the JSON text of a data frame `start` (its elements so far, no closing `]`) with its numbers. */
export function numbered(start, seq, ack) {
  return `${start},${seq}${ack === null ? '' : `,${ack}`}]`;
}

export function parseText(text) {
  const frame = JSON.parse(text);
  if (!Array.isArray(frame) || typeof frame[0] !== 'string') throw new Error('not a JSON array starting with a type');
  switch (frame[0]) {
    case 'hello':
      if (frame[1] === null || typeof frame[1] !== 'object') throw new Error('hello without an object');
      return frame;
    case 'ev':
      if (!validName(frame[1])) throw new Error('ev without a valid name');
      return frame;
    case 'call': case 'res':
      if (!Number.isInteger(frame[1])) throw new Error(`${frame[0]} without an integer id`);
      if (frame[0] === 'call' && !validName(frame[2])) throw new Error('call without a valid name');
      return frame;
    case 'missed':
      if (!Number.isInteger(frame[1]?.from) || !Number.isInteger(frame[1]?.to)) throw new Error('missed without from and to');
      return frame;
    case 'err': case 'ping': case 'pong': case 'ack':
      return frame;
    default:
      throw new Error(`unknown frame type "${frame[0]}"`);
  }
}

export function parseBinary(data) {
  if (!(data instanceof ArrayBuffer)) throw new Error('binary message is not an ArrayBuffer');
  if (data.byteLength < 4) throw new Error('binary message shorter than its length prefix');
  const headerLength = new DataView(data).getUint32(0);
  if (headerLength > data.byteLength - 4) throw new Error('binary header longer than the message');
  const header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array(data, 4, headerLength)));
  if (!Array.isArray(header) || header[0] !== 'ev' || !validName(header[1])) {
    throw new Error('binary header is not ["ev", name, seq]');
  }
  // The same layout as a text `ev`, so the numbers sit where §10.1 puts them: name, data, seq, ack.
  return ['ev', header[1], data.slice(4 + headerLength), ...header.slice(2)];
}

/** uint32 BE header length, UTF-8 `["ev", name, seq]` (and the ack), payload (PROTOCOL.md §3, §10.1). */
export function encodeBinary(name, payload, seq, ack) {
  const header = new TextEncoder().encode(JSON.stringify(ack === null ? ['ev', name, seq] : ['ev', name, seq, ack]));
  const bytes = new Uint8Array(4 + header.length + payload.length);
  new DataView(bytes.buffer).setUint32(0, header.length);
  bytes.set(header, 4);
  bytes.set(payload, 4 + header.length);
  return bytes.buffer;
}
