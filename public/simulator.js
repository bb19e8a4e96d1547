// The simulator page: posts each message to the simulator API and shows the replies as a phone would.
const transcript = document.getElementById('transcript');
const composer = document.getElementById('composer');
const text = document.getElementById('text');
const from = document.getElementById('from');
const channel = document.getElementById('channel');
const status = document.getElementById('status');
const send = document.getElementById('send');

function bubble(direction, body, meta) {
  const li = document.createElement('li');
  li.className = direction;
  li.textContent = body;
  if (meta) {
    const span = document.createElement('span');
    span.className = 'meta';
    span.textContent = meta;
    li.appendChild(span);
  }
  transcript.appendChild(li);
  li.scrollIntoView({ block: 'end' });
  return li;
}

// The number and channel survive a reload, so the conversation does too.
from.value = localStorage.getItem('offerline.from') || from.value;
channel.value = localStorage.getItem('offerline.channel') || channel.value;

async function loadConversation() {
  localStorage.setItem('offerline.from', from.value);
  localStorage.setItem('offerline.channel', channel.value);
  transcript.replaceChildren();
  const params = new URLSearchParams({ from: from.value, channel: channel.value });
  const res = await fetch(`/simulator/api/conversation?${params}`);
  if (!res.ok) return;
  const data = await res.json();
  for (const m of data.messages) bubble(m.direction, m.body);
}

composer.addEventListener('submit', async (event) => {
  event.preventDefault();
  const body = text.value.trim();
  if (!body) return;
  bubble('in', body);
  text.value = '';
  send.disabled = true;
  status.textContent = '';
  try {
    const res = await fetch('/simulator/api/messages', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ from: from.value, channel: channel.value, text: body }),
    });
    const data = await res.json();
    if (!res.ok) {
      status.textContent = data.error || 'Something went wrong';
      return;
    }
    const meta = data.intent ? `${data.intent}${data.topic ? ' · ' + data.topic : ''} · handoff ${data.handoff} · ${data.segments} SMS segments` : '';
    data.replies.forEach((reply, i) => {
      const li = bubble('out', reply, i === data.replies.length - 1 ? meta : '');
      if (data.handoff === 'urgent') li.classList.add('handoff-urgent');
    });
  } catch {
    status.textContent = 'The service did not answer. Is it running?';
  } finally {
    send.disabled = false;
    text.focus();
  }
});

text.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey) {
    event.preventDefault();
    composer.requestSubmit();
  }
});

document.getElementById('new-number').addEventListener('click', () => {
  from.value = '+4477009' + String(Math.floor(Math.random() * 100000)).padStart(5, '0');
  loadConversation();
});
from.addEventListener('change', loadConversation);
channel.addEventListener('change', loadConversation);
loadConversation();
