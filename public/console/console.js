// Live updates for the staff console: a server-sent event says which conversation changed; the page fetches
// the fresh queue or transcript and swaps it in, so nobody has to press reload.
(function () {
  const queue = document.querySelector('[data-live="queue"]');
  const transcript = document.querySelector('[data-live="transcript"]');
  if (!queue && !transcript) return;

  async function refresh(el, url) {
    const res = await fetch(url, { headers: { Accept: 'text/html' }, credentials: 'same-origin' });
    if (res.ok) el.innerHTML = await res.text();
  }

  const events = new EventSource('/console/events');
  events.addEventListener('change', (event) => {
    const change = JSON.parse(event.data);
    if (queue) refresh(queue, '/console/queue');
    if (transcript && String(change.conversationId) === transcript.dataset.conversation) {
      refresh(transcript, `/console/conversations/${change.conversationId}/transcript`);
    }
  });
})();
