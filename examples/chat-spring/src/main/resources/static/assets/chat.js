// The chat page's own code. The Pagewire client was started by the framework before this module
// ran, so window.pagewire is the channel to the server object that rendered this page.
const pagewire = window.pagewire;
const $ = (id) => document.getElementById(id);

function showState({ state, transport }) {
  $('status').dataset.state = state;
  $('status').textContent = state === 'connected' ? `connected (${transport})` : `${state}…`;
}

pagewire.on('state', showState);
showState(pagewire);

pagewire.on('error', ({ code, message }) => {
  $('error').hidden = false;
  $('error').textContent = `${message} (${code})`;
});

pagewire.page.on('me', ({ name }) => {
  $('me').textContent = name;
});

pagewire.page.on('clock', (time) => {
  $('clock').textContent = time;
});

pagewire.page.on('message', ({ from, text }) => {
  const li = document.createElement('li');
  const who = document.createElement('strong');
  who.textContent = from;
  li.append(who, `: ${text}`);
  $('messages').append(li);
  li.scrollIntoView({ block: 'end' });
});

$('composer').addEventListener('submit', (e) => {
  e.preventDefault();
  const text = $('message').value.trim();
  if (!text) return;
  $('error').hidden = true;
  pagewire.page.emit('say', { text });
  $('message').value = '';
});

// A second channel, multiplexed on this page's connection: the /stats endpoint tells every page how
// many pages are in the room, now and whenever one joins or leaves.
const stats = pagewire.open('/stats');
stats.on('online', (count) => {
  $('online').textContent = count;
});
