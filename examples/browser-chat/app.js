// The page: dropsocket's browser client, a chat over it, and its connection state on show.
// config.json (written by start.mjs) says where the server is and holds the page key.
import { SocketClient } from './dropsocket.js';

const status = document.querySelector('#status');
const messages = document.querySelector('#messages');
const form = document.querySelector('#say');
const input = document.querySelector('#text');

function show(state, text) {
  status.dataset.state = state;
  status.textContent = text;
  for (const control of form.elements) control.disabled = state !== 'connected';
}

function append(from, text) {
  const item = document.createElement('li');
  const who = document.createElement('b');
  who.textContent = from;
  item.append(who, text);
  messages.append(item);
  messages.scrollTop = messages.scrollHeight;
}

const config = await (await fetch('./config.json')).json();
const name = new URLSearchParams(location.search).get('name') ?? `guest-${Math.floor(Math.random() * 1000)}`;
const client = new SocketClient({
  address: config.address,
  authKey: config.key,
  encryption: config.encryption,
  authData: { name },
  reconnectBaseDelay: 500,
  reconnectMaxDelay: 5000,
  handlers: { 'chat.message': ({ from, text }) => append(from, text) },
});
client.onDisconnect = (code) => show('disconnected', `disconnected (${code})`);
client.onReconnecting = (attempt, delay) => show('reconnecting', `reconnecting: attempt ${attempt} in ${Math.round(delay / 100) / 10} s`);
client.onReconnected = () => show('connected', `connected as ${name}`);
client.onReconnectFailed = () => show('disconnected', 'gave up reconnecting');

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const text = input.value;
  input.value = '';
  try {
    await client.request('chat.say', { text });
  } catch (error) {
    append('error', `${error.code}: ${error.message}`);
  }
});

try {
  await client.init();
  show('connected', `connected as ${name}`);
} catch (error) {
  show('disconnected', `could not connect: ${error.code}`);
}
