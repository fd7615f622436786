// Keeps an alert's delivery table current from GET /api/alerts/{id}/progress (server-sent events),
// and shows the sending rate between updates while messages are still to go.
//   <table data-delivery-progress="/api/alerts/{id}/progress"> with <tr data-channel="email|sms"> rows
//   whose cells are marked data-count="sent|delivered|failed|pending|rate".
export function initDeliveryProgress(scope = document) {
  for (const table of scope.querySelectorAll('[data-delivery-progress]')) {
    const previous = {};
    const source = new EventSource(table.dataset.deliveryProgress);
    source.addEventListener('progress', (event) => {
      const now = performance.now();
      for (const [channel, counts] of Object.entries(JSON.parse(event.data))) {
        const row = table.querySelector(`tr[data-channel="${channel}"]`);
        if (!row) {
          continue;
        }

        for (const field of ['sent', 'delivered', 'failed', 'pending']) {
          const cell = row.querySelector(`[data-count="${field}"]`);
          if (cell && typeof counts[field] === 'number') {
            cell.textContent = String(counts[field]);
          }
        }

        const rate = row.querySelector('[data-count="rate"]');
        const before = previous[channel];
        if (rate) {
          rate.textContent = before && counts.pending > 0 && now > before.at
            ? `${Math.round(((counts.sent - before.sent) * 1000) / (now - before.at))} a second`
            : '–';
        }

        previous[channel] = { sent: counts.sent, at: now };
      }
    });
  }
}
