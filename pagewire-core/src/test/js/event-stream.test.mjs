// EventStreamParser (event-stream.js) on its own: the text/event-stream format as the SSE fallback
// reads it (PROTOCOL.md §8.3). fallback.test.mjs drives it through the client, over a streamed fetch.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { importModule } from './fakes.mjs';

const { EventStreamParser } = await importModule('event-stream.js');

/** A parser and the data of every event it reported. */
function parsing() {
  const events = [];
  return { events, parser: new EventStreamParser((data) => events.push(data)) };
}

describe('EventStreamParser', () => {
  it('reports the data of each event when a blank line ends it', () => {
    const { events, parser } = parsing();
    parser.push('data: ["ev","a",1,1]\n');
    assert.deepEqual(events, [], 'not before the blank line');
    parser.push('\ndata: ["ev","b",2,2]\n\n');
    assert.deepEqual(events, ['["ev","a",1,1]', '["ev","b",2,2]']);
  });

  it('takes \\n, \\r\\n and \\r as line ends, also a \\r\\n split across two chunks', () => {
    const { events, parser } = parsing();
    parser.push('data: a\r\n\r\ndata: b\r\rdata: c\r');
    parser.push('\n\r\n');
    assert.deepEqual(events, ['a', 'b', 'c']);
  });

  it('joins the data lines of one event with \\n and drops only one space after the colon', () => {
    const { events, parser } = parsing();
    parser.push('data:one\ndata:  two\ndata\n\n');
    assert.deepEqual(events, ['one\n two\n']);
  });

  it('skips comments (the server pads with them), other fields and events without data', () => {
    const { events, parser } = parsing();
    parser.push(': padding padding padding\n\nevent: x\nid: 7\nretry: 10\n\ndata: kept\nevent: y\n\n');
    assert.deepEqual(events, ['kept']);
  });

  it('keeps a line cut in the middle until its end arrives', () => {
    const { events, parser } = parsing();
    for (const chunk of ['da', 'ta: ["ev","', 'x",null,1]', '\n', '', '\n']) parser.push(chunk);
    assert.deepEqual(events, ['["ev","x",null,1]']);
  });
});
