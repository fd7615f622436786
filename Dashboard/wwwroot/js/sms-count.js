// Keeps an SMS part count current while the text is typed. The server measures it (the same code
// that enforces Sms:MaxSegments when the alert is saved), so the page and the limit never disagree.
//   <div data-sms-count="?handler=SmsSize" data-headline="id of headline input" data-text="id of text box">
import { liveAnswer } from '/js/live-answer.js';

export function initSmsCounts(scope = document) {
  for (const output of scope.querySelectorAll('[data-sms-count]')) {
    const headline = document.getElementById(output.dataset.headline);
    const text = document.getElementById(output.dataset.text);
    const update = liveAnswer(
      () => `${output.dataset.smsCount}&${new URLSearchParams({ headline: headline?.value ?? '', smsText: text?.value ?? '' })}`,
      answer => { output.textContent = answer.description; });
    headline?.addEventListener('input', update);
    text?.addEventListener('input', update);
  }
}
