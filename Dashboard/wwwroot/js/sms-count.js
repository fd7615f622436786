// Keeps an SMS part count current while the text is typed. The server measures it (the same code
// that enforces Sms:MaxSegments when the alert is saved), so the page and the limit never disagree.
//   <div data-sms-count="?handler=SmsSize" data-headline="id of headline input" data-text="id of text box">
export function initSmsCounts(scope = document) {
  for (const output of scope.querySelectorAll('[data-sms-count]')) {
    const headline = document.getElementById(output.dataset.headline);
    const text = document.getElementById(output.dataset.text);
    let timer;
    let latest = 0;
    const update = () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const request = ++latest;
        const query = new URLSearchParams({ headline: headline?.value ?? '', smsText: text?.value ?? '' });
        try {
          const response = await fetch(`${output.dataset.smsCount}&${query}`, { headers: { Accept: 'application/json' } });
          if (response.ok && request === latest) {
            output.textContent = (await response.json()).description;
          }
        } catch {
          // Offline for a moment: the count is checked again when the alert is saved.
        }
      }, 150);
    };
    headline?.addEventListener('input', update);
    text?.addEventListener('input', update);
  }
}
