// Lifecycle (lifecycle.js): the page's life in the browser, as the client follows it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { importModule, pageTransition } from './fakes.mjs';

const { Lifecycle } = await importModule('lifecycle.js');

function followed(document = null) {
  const win = new EventTarget();
  const told = [];
  const lifecycle = new Lifecycle(win, document, {
    deliver: (frame) => told.push(['deliver', frame]),
    online: () => told.push(['online']),
    leave: () => told.push(['leave']),
    freeze: () => told.push(['freeze']),
    thaw: () => told.push(['thaw']),
  });
  return { win, told, lifecycle };
}

/** A document still being parsed. */
function loadingDocument() {
  const doc = new EventTarget();
  doc.readyState = 'loading';
  return doc;
}

describe('Lifecycle', () => {
  it('tells online, leaving, the back/forward cache and coming back from it', () => {
    const { win, told } = followed();
    win.dispatchEvent(new Event('online'));
    win.dispatchEvent(pageTransition('pagehide', true));
    win.dispatchEvent(pageTransition('pageshow', true));
    win.dispatchEvent(pageTransition('pageshow', false)); // a first load, not a return
    win.dispatchEvent(pageTransition('pagehide', false));
    assert.deepEqual(told, [['online'], ['freeze'], ['thaw'], ['leave']]);
  });

  it('holds frames until DOMContentLoaded, then hands them on in order', () => {
    const doc = loadingDocument();
    const { told, lifecycle } = followed(doc);
    assert.equal(lifecycle.hold(['ev', 'a', 1, 1]), true);
    assert.equal(lifecycle.hold(['ev', 'b', 2, 2]), true);
    assert.deepEqual(told, []);
    doc.dispatchEvent(new Event('DOMContentLoaded'));
    assert.deepEqual(told, [
      ['deliver', ['ev', 'a', 1, 1]],
      ['deliver', ['ev', 'b', 2, 2]],
    ]);
    assert.equal(lifecycle.hold(['ev', 'c', 3, 3]), false, 'later frames go straight through');
  });

  it('releases held frames at load when DOMContentLoaded was missed', () => {
    const { win, told, lifecycle } = followed(loadingDocument());
    lifecycle.hold(['ev', 'a', 1, 1]);
    win.dispatchEvent(new Event('load'));
    assert.deepEqual(told, [['deliver', ['ev', 'a', 1, 1]]]);
  });

  it('holds nothing once the document has loaded', () => {
    const doc = new EventTarget();
    doc.readyState = 'complete';
    const { lifecycle } = followed(doc);
    assert.equal(lifecycle.hold(['ev', 'a', 1, 1]), false);
  });

  it('tells nothing after detach', () => {
    const { win, told, lifecycle } = followed();
    lifecycle.detach();
    win.dispatchEvent(new Event('online'));
    win.dispatchEvent(pageTransition('pagehide', false));
    assert.deepEqual(told, []);
  });

  it("reloads through the window's location", () => {
    const { win, lifecycle } = followed();
    let reloads = 0;
    win.location = { reload: () => reloads++ };
    lifecycle.reload();
    assert.equal(reloads, 1);
  });
});
