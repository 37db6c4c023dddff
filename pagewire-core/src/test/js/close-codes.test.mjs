// CloseCodes (close-codes.js): what the close code of a connection means for the client (PROTOCOL.md §5).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { importModule } from './fakes.mjs';

const { CloseCodes } = await importModule('close-codes.js');

describe('CloseCodes', () => {
  it('closes for 4000 and 4403, expires for 4401 and 4404, goes on for the rest', () => {
    const codes = new CloseCodes();
    assert.equal(codes.finalState(4000), 'closed');
    assert.equal(codes.finalState(4403), 'closed');
    assert.equal(codes.finalState(4401), 'expired');
    assert.equal(codes.finalState(4404), 'expired');
    for (const code of [1000, 1001, 1006, 1009, 1011, 4400, 4408, 4429])
      assert.equal(codes.finalState(code), null, `${code}`);
  });

  it('takes the channel back after a 4409, but gives way at the third within a minute', () => {
    let now = 0;
    const codes = new CloseCodes(() => now);
    assert.equal(codes.finalState(4409), null);
    now = 30_000;
    assert.equal(codes.finalState(4409), null);
    now = 59_999;
    assert.equal(codes.finalState(4409), 'closed');
  });

  it('forgets a 4409 older than a minute', () => {
    let now = 0;
    const codes = new CloseCodes(() => now);
    codes.finalState(4409);
    now = 30_000;
    codes.finalState(4409);
    now = 60_000; // the first one is a minute old
    assert.equal(codes.finalState(4409), null);
    now = 89_999;
    assert.equal(codes.finalState(4409), 'closed');
  });
});
